//! Policies: which rules run, at what severity, with what limits. A policy is a YAML file
//! (`policies/default.yaml` is built in); it may extend a built-in policy and override any rule.
//! Policies are read with spans, so a diagnostic can point at the policy line that made a value
//! an error.

use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};

use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use crate::diagnostics::{Diagnostic, Label, RuleSettings, Severity};
use crate::document;
use crate::rules::{Rule, input, registry};
use crate::source::SourceFile;
use crate::structure::{self, Schema};
use crate::yaml::{self, Node};

/// The built-in policies, by name.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("default", include_str!("../../policies/default.yaml")),
    ("strict", include_str!("../../policies/strict.yaml")),
    ("api-server", include_str!("../../policies/api-server.yaml")),
];

/// One rule's resolved setting and where each part of it was written.
#[derive(Clone, Debug, Default)]
struct RuleSetting {
    /// `None` for off.
    severity: Option<Severity>,
    params: Map<String, Value>,
    /// For each param (and `severity`): the policy file and JSON pointer that set it.
    origins: BTreeMap<String, (Arc<PolicySource>, String)>,
}

/// A policy file as read, kept for pointing at its lines.
#[derive(Debug)]
struct PolicySource {
    file: Arc<SourceFile>,
    root: Node,
}

#[derive(Clone, Debug)]
pub struct Policy {
    pub name: String,
    rules: BTreeMap<&'static str, RuleSetting>,
}

impl RuleSettings for Policy {
    fn severity(&self, rule: &'static Rule) -> Option<Severity> {
        self.rules
            .get(rule.code)
            .map_or(Some(rule.default_severity), |s| s.severity)
    }
}

/// Why a policy could not be loaded: diagnostics in the policy file.
#[derive(Debug)]
pub struct PolicyError(pub Vec<Diagnostic>);

impl Policy {
    /// Loads a built-in policy by name.
    pub fn built_in(name: &str) -> Option<Policy> {
        Self::built_in_depth(name, 0)
    }

    /// [`Policy::built_in`], `depth` policies down a chain of `extends`.
    fn built_in_depth(name: &str, depth: usize) -> Option<Policy> {
        let text = BUILT_IN.iter().find(|(n, _)| *n == name)?.1;
        let file = SourceFile::new(format!("policies/{name}.yaml (built in)"), text);
        // The built-in policies are tested to load and to pass the policy schema; skipping the
        // schema here keeps its compilation off every run's start-up.
        Policy::load_depth(&file, depth, false).ok()
    }

    /// The default policy.
    pub fn default_policy() -> Policy {
        static DEFAULT: LazyLock<Policy> = LazyLock::new(|| {
            Policy::built_in("default").expect("the built-in default policy loads")
        });
        DEFAULT.clone()
    }

    /// `--policy NAME` picks a built-in policy; anything else is a file path.
    pub fn is_built_in_name(name: &str) -> bool {
        BUILT_IN.iter().any(|(n, _)| *n == name)
    }

    /// Loads a policy file, following `extends`.
    pub fn load(file: &Arc<SourceFile>) -> Result<Policy, PolicyError> {
        Self::load_depth(file, 0, true)
    }

    fn load_depth(
        file: &Arc<SourceFile>,
        depth: usize,
        validate: bool,
    ) -> Result<Policy, PolicyError> {
        let root = yaml::parse_document(file)
            .map_err(|e| PolicyError(vec![document::yaml_error(file, &e)]))?;
        let json = root.to_json();
        let issues = if validate {
            schema().check(&json)
        } else {
            Vec::new()
        };
        if !issues.is_empty() {
            return Err(PolicyError(
                issues
                    .into_iter()
                    .map(|issue| document::structure_issue(file, &root, &issue))
                    .collect(),
            ));
        }
        let source = Arc::new(PolicySource {
            file: Arc::clone(file),
            root,
        });
        let mut policy = match json.get("extends").and_then(Value::as_str) {
            Some(base) if depth < 4 => {
                let mut base = Policy::built_in_depth(base, depth + 1).ok_or_else(|| {
                    PolicyError(vec![Diagnostic::new(
                        &input::INVALID_VALUE,
                        format!("there is no built-in policy `{base}`"),
                    )])
                })?;
                base.name = String::new();
                base
            }
            _ => Policy {
                name: String::new(),
                rules: BTreeMap::new(),
            },
        };
        policy.name = file.name().to_owned();
        let unlisted_off = json.get("unlisted").and_then(Value::as_str) == Some("off");
        if unlisted_off {
            for rule in registry::ALL {
                policy.rules.entry(rule.code).or_default();
            }
            for setting in policy.rules.values_mut() {
                setting.severity = None;
            }
        }
        let Some(rules) = json.get("rules").and_then(Value::as_object) else {
            return Ok(policy);
        };
        for (key, config) in rules {
            let Some(rule) = registry::find(key) else {
                continue; // the schema refuses unknown rule names
            };
            let setting = policy
                .rules
                .entry(rule.code)
                .or_insert_with(|| RuleSetting {
                    severity: Some(rule.default_severity),
                    params: Map::new(),
                    origins: BTreeMap::new(),
                });
            let Some(config) = config.as_object() else {
                continue;
            };
            if unlisted_off {
                // Listing a rule is what keeps it on.
                setting.severity = Some(rule.default_severity);
            }
            for (field, value) in config {
                let pointer = yaml::pointer_from(["rules", key.as_str(), field.as_str()]);
                setting
                    .origins
                    .insert(field.clone(), (Arc::clone(&source), pointer));
                if field == "severity" {
                    setting.severity = match value.as_str() {
                        Some("error") => Some(Severity::Error),
                        Some("warning") => Some(Severity::Warning),
                        _ => None,
                    };
                } else {
                    setting.params.insert(field.clone(), value.clone());
                }
            }
        }
        Ok(policy)
    }

    /// Turns a rule off, as `severity: off` in the policy would (for command-line switches such
    /// as `check --allow-missing-targets`).
    pub fn turn_off(&mut self, rule: &'static Rule) {
        self.rules.entry(rule.code).or_default().severity = None;
    }

    /// The parameters the policy sets for a rule (without `severity`), as written.
    pub fn raw_params(&self, rule: &'static Rule) -> Option<&Map<String, Value>> {
        self.rules.get(rule.code).map(|s| &s.params)
    }

    /// A rule's parameters: what the policy sets, the rule's own defaults for the rest.
    pub fn params<P: DeserializeOwned + Default>(&self, rule: &'static Rule) -> P {
        self.rules
            .get(rule.code)
            .and_then(|s| P::deserialize(&s.params).ok())
            .unwrap_or_default()
    }

    /// A label at the policy line that set a rule's parameter (`minReplicas`, or `caps/low`
    /// for an entry inside one), when a policy file set it.
    pub fn label(
        &self,
        rule: &'static Rule,
        param: &str,
        text: impl Into<String>,
    ) -> Option<Label> {
        let (field, rest) = param.split_once('/').unwrap_or((param, ""));
        let (source, pointer) = self.rules.get(rule.code)?.origins.get(field)?;
        let pointer = if rest.is_empty() {
            pointer.clone()
        } else {
            format!("{pointer}{}", yaml::pointer_from(rest.split('/')))
        };
        Some(Label::new(
            &source.file,
            source.root.locate(&pointer).label(),
            text,
        ))
    }
}

/// The policy file's JSON Schema, built from the rule registry: every rule by name or code,
/// with `severity` and the rule's own parameters.
pub fn schema() -> &'static Schema {
    static SCHEMA: LazyLock<Schema> =
        LazyLock::new(|| Schema::compile(schema_document()).expect("the policy schema compiles"));
    &SCHEMA
}

pub fn schema_document() -> Value {
    let mut generator = schemars::generate::SchemaSettings::draft07().into_generator();
    let mut rules = Map::new();
    for rule in registry::ALL {
        let mut properties = Map::new();
        properties.insert(
            "severity".into(),
            json!({
                "description": "`error`, `warning`, or `off` to turn the rule off.",
                "enum": ["error", "warning", "off"]
            }),
        );
        if let Some(params) = rule.params {
            let schema = serde_json::to_value(params(&mut generator)).unwrap_or_default();
            let schema = match schema.get("$ref").and_then(Value::as_str) {
                Some(reference) => {
                    let name = reference.rsplit('/').next().unwrap_or_default().to_owned();
                    generator
                        .definitions()
                        .get(&name)
                        .cloned()
                        .unwrap_or_default()
                }
                None => schema,
            };
            if let Some(params) = schema.get("properties").and_then(Value::as_object) {
                properties.extend(params.clone());
            }
        }
        let entry = json!({
            "description": rule.summary(),
            "type": "object",
            "additionalProperties": false,
            "properties": properties,
        });
        rules.insert(rule.name.into(), entry.clone());
        rules.insert(rule.code.into(), entry);
    }
    let mut document = json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "scalegen policy",
        "type": "object",
        "additionalProperties": false,
        "required": ["version"],
        "properties": {
            "version": {"description": "Format version: 1.", "const": 1},
            "extends": {
                "description": "A built-in policy to start from: `default`, `strict` or `api-server`.",
                "enum": BUILT_IN.iter().map(|(n, _)| *n).collect::<Vec<_>>()
            },
            "unlisted": {
                "description": "What rules this file does not list do: keep their `default` severity, or are `off`.",
                "enum": ["default", "off"]
            },
            "rules": {
                "description": "Rules by name or code, with `severity` and the rule's limits.",
                "type": "object",
                "additionalProperties": false,
                "properties": rules
            }
        },
        "definitions": generator.definitions().clone(),
    });
    structure::tidy_generated(&mut document);
    document
}
