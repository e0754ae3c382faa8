//! Structural validation: a JSON Schema checked against the JSON view of a YAML document, with
//! each error turned into a precise issue (what is wrong, at which JSON pointer, how to fix it).
//! The services file, policy files and Kubernetes manifests all go through here.

use std::collections::BTreeMap;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::Value;

use crate::units;
use crate::yaml::describe_json;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum IssueKind {
    UnknownField,
    InvalidType,
    InvalidValue,
    MissingField,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    pub kind: IssueKind,
    /// The JSON pointer of the value (for an unknown field: of the field itself).
    pub pointer: String,
    pub message: String,
    pub help: Option<String>,
    /// For a missing field: its name (the issue's `pointer` is the mapping that lacks it).
    pub missing: Option<String>,
}

impl Issue {
    /// The JSON pointer of the value the issue is about; for a missing field, where it belongs.
    pub fn target(&self) -> String {
        match &self.missing {
            Some(name) => format!("{}{}", self.pointer, crate::yaml::pointer_from([name])),
            None => self.pointer.clone(),
        }
    }
}

/// A compiled schema and the schema document it came from (for field names and annotations).
pub struct Schema {
    document: Value,
    validator: jsonschema::Validator,
}

impl Schema {
    /// Compiles a draft-07 schema. Only local `$ref`s resolve: nothing is ever fetched.
    pub fn compile(document: Value) -> Result<Self, String> {
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft7)
            .should_validate_formats(true)
            .with_format("duration", |s: &str| units::Duration::parse(s).is_some())
            .with_format("quantity", |s: &str| units::Quantity::parse(s).is_some())
            .build(&document)
            .map_err(|e| e.to_string())?;
        Ok(Self {
            document,
            validator,
        })
    }

    /// Every structural problem in `instance`, one per location, in document order.
    pub fn check(&self, instance: &Value) -> Vec<Issue> {
        issues(&self.document, self.validator.iter_errors(instance))
    }
}

/// Turns the errors of a validator compiled from `document` into issues, one per location, in
/// document order. Each error's keyword location (`schema_path`) is looked up in `document` for
/// the field names and annotations that make the message precise.
pub fn issues<'i>(
    document: &Value,
    errors: impl Iterator<Item = jsonschema::ValidationError<'i>>,
) -> Vec<Issue> {
    let mut by_pointer: BTreeMap<(String, String), (u8, Issue)> = BTreeMap::new();
    for error in errors {
        let pointer = error.instance_path().as_str().to_owned();
        let keyword_path = error.schema_path().as_str().to_owned();
        let node = node_at(document, parent_of(&keyword_path));
        for (rank, issue) in describe(error.kind(), &pointer, error.instance(), node) {
            // One issue per value; each missing field is a value of its own.
            let key = (issue.pointer.clone(), issue.target());
            let keep = by_pointer
                .get(&key)
                .is_none_or(|(existing, _)| rank < *existing);
            if keep {
                by_pointer.insert(key, (rank, issue));
            }
        }
    }
    by_pointer.into_values().map(|(_, issue)| issue).collect()
}

/// Follows a keyword location through the schema, resolving local `$ref`s on the way.
fn node_at<'d>(document: &'d Value, keyword_path: &str) -> Option<&'d Value> {
    let mut node = document;
    for token in crate::yaml::pointer_tokens(keyword_path) {
        if token == "$ref" {
            node = resolve_ref(document, node)?;
            continue;
        }
        node = match node {
            Value::Object(map) => map.get(&token)?,
            Value::Array(items) => items.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    // A keyword location may end on a `$ref` holder.
    while node.get("$ref").is_some() && node.get("properties").is_none() {
        match resolve_ref(document, node) {
            Some(target) => node = target,
            None => break,
        }
    }
    Some(node)
}

fn resolve_ref<'d>(document: &'d Value, node: &Value) -> Option<&'d Value> {
    let reference = node.get("$ref")?.as_str()?;
    document.pointer(reference.strip_prefix('#')?)
}

fn describe(
    kind: &ValidationErrorKind,
    pointer: &str,
    instance: &Value,
    node: Option<&Value>,
) -> Vec<(u8, Issue)> {
    let annotation = |key: &str| {
        node.and_then(|n| n.get(key))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let expected = annotation("x-scalegen-expected");
    let help = annotation("x-scalegen-help");
    let found = describe_json(instance);
    let issue = |kind, message: String, help: Option<String>| Issue {
        kind,
        pointer: pointer.to_owned(),
        message,
        help,
        missing: None,
    };
    let single = |rank, issue| vec![(rank, issue)];
    match kind {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let known = node.map(property_names).unwrap_or_default();
            unexpected
                .iter()
                .map(|name| {
                    (
                        0,
                        Issue {
                            kind: IssueKind::UnknownField,
                            pointer: format!("{pointer}{}", crate::yaml::pointer_from([name])),
                            message: format!("unknown field `{name}`"),
                            help: Some(suggest(name, &known)),
                            missing: None,
                        },
                    )
                })
                .collect()
        }
        ValidationErrorKind::Type { kind } => {
            let expected = expected.unwrap_or_else(|| type_names(kind));
            // `"6"` reads as 6 unless the quotes are shown.
            let quoted_scalar = instance
                .as_str()
                .filter(|s| s.parse::<f64>().is_ok() || matches!(*s, "true" | "false" | "null"));
            let (found, help) = match quoted_scalar {
                Some(s) => (
                    format!("the string `\"{s}\"`"),
                    help.unwrap_or_else(|| format!("write {expected} here, without quotes")),
                ),
                None => (
                    found,
                    help.unwrap_or_else(|| format!("write {expected} here")),
                ),
            };
            single(
                1,
                issue(
                    IssueKind::InvalidType,
                    format!("expected {expected}, found {found}"),
                    Some(help),
                ),
            )
        }
        ValidationErrorKind::Format { .. } | ValidationErrorKind::Pattern { .. } => {
            let expected = expected.unwrap_or_else(|| "a value of the documented form".into());
            let help = help.unwrap_or_else(|| format!("write {expected} here"));
            single(
                2,
                issue(
                    IssueKind::InvalidValue,
                    format!("expected {expected}, found {found}"),
                    Some(help),
                ),
            )
        }
        ValidationErrorKind::Enum { options } => {
            let names: Vec<String> = options
                .as_array()
                .map(|o| o.iter().map(display_scalar).collect())
                .unwrap_or_default();
            let listed = names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let guess = instance
                .as_str()
                .and_then(|s| closest(s, &names))
                .map(|n| format!("did you mean `{n}`?"));
            single(
                2,
                issue(
                    IssueKind::InvalidValue,
                    format!("expected one of {listed}, found {found}"),
                    Some(
                        guess
                            .or(help)
                            .unwrap_or_else(|| format!("use one of {listed}")),
                    ),
                ),
            )
        }
        ValidationErrorKind::Constant { expected_value } => single(
            2,
            issue(
                IssueKind::InvalidValue,
                format!(
                    "expected `{}`, found {found}",
                    display_scalar(expected_value)
                ),
                help,
            ),
        ),
        ValidationErrorKind::Required { property } => {
            let name = display_scalar(property);
            single(
                3,
                Issue {
                    missing: Some(name.clone()),
                    ..issue(
                        IssueKind::MissingField,
                        format!("missing field `{name}`"),
                        Some(help.unwrap_or_else(|| format!("add `{name}` here"))),
                    )
                },
            )
        }
        ValidationErrorKind::Minimum { limit }
        | ValidationErrorKind::ExclusiveMinimum { limit } => single(
            2,
            issue(
                IssueKind::InvalidValue,
                format!("{found} is out of range: the smallest allowed value is {limit}"),
                Some(help.unwrap_or_else(|| format!("use a value of at least {limit}"))),
            ),
        ),
        ValidationErrorKind::Maximum { limit }
        | ValidationErrorKind::ExclusiveMaximum { limit } => single(
            2,
            issue(
                IssueKind::InvalidValue,
                format!("{found} is out of range: the largest allowed value is {limit}"),
                Some(help.unwrap_or_else(|| format!("use a value of at most {limit}"))),
            ),
        ),
        ValidationErrorKind::MinItems { limit } => single(
            2,
            issue(
                IssueKind::InvalidValue,
                format!(
                    "expected at least {limit} item{}, found {}",
                    if *limit == 1 { "" } else { "s" },
                    instance.as_array().map_or(0, Vec::len)
                ),
                Some(help.unwrap_or_else(|| "add the missing items".into())),
            ),
        ),
        ValidationErrorKind::UniqueItems => single(
            2,
            issue(
                IssueKind::InvalidValue,
                "the list names the same item twice".into(),
                Some(help.unwrap_or_else(|| "remove the repeated item".into())),
            ),
        ),
        ValidationErrorKind::AnyOf { .. }
        | ValidationErrorKind::OneOfNotValid { .. }
        | ValidationErrorKind::OneOfMultipleValid { .. } => {
            let expected = expected.unwrap_or_else(|| "one of the allowed forms".into());
            single(
                4,
                issue(
                    IssueKind::InvalidValue,
                    format!("expected {expected}, found {found}"),
                    Some(help.unwrap_or_else(|| format!("write {expected} here"))),
                ),
            )
        }
        ValidationErrorKind::MaxLength { limit } => single(
            2,
            issue(
                IssueKind::InvalidValue,
                format!("the value is longer than {limit} characters"),
                Some(help.unwrap_or_else(|| format!("shorten it to {limit} characters or fewer"))),
            ),
        ),
        other => single(
            5,
            issue(
                IssueKind::InvalidValue,
                format!("{found} is not allowed here ({})", other.keyword()),
                Some(
                    help.unwrap_or_else(|| "check the field's documentation in the schema".into()),
                ),
            ),
        ),
    }
}

fn parent_of(keyword_path: &str) -> &str {
    keyword_path
        .rsplit_once('/')
        .map_or("", |(parent, _)| parent)
}

fn property_names(node: &Value) -> Vec<String> {
    node.get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

pub fn display_scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn type_names(kind: &TypeKind) -> String {
    let name = |t: &jsonschema::JsonType| match t.to_string().as_str() {
        "integer" => "an integer",
        "number" => "a number",
        "string" => "a string",
        "boolean" => "`true` or `false`",
        "array" => "a list",
        "object" => "a mapping",
        "null" => "nothing (null)",
        _ => "a value of another type",
    };
    match kind {
        TypeKind::Single(t) => name(t).to_owned(),
        // `null` is accepted only because an optional field may be left empty: not worth
        // suggesting.
        TypeKind::Multiple(set) => {
            let names: Vec<&str> = set
                .iter()
                .filter(|t| set.iter().count() == 1 || t.to_string() != "null")
                .map(|t| name(&t))
                .collect();
            names.join(" or ")
        }
    }
}

/// The known name closest to `name`, when one is close enough to be a typo of it.
pub fn closest<'a>(name: &str, known: &'a [String]) -> Option<&'a str> {
    let lower = name.to_lowercase();
    known
        .iter()
        .map(|k| {
            let score = if k.to_lowercase() == lower {
                1.0
            } else {
                strsim::jaro_winkler(&lower, &k.to_lowercase())
            };
            (score, k)
        })
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k.as_str())
}

fn suggest(name: &str, known: &[String]) -> String {
    if let Some(guess) = closest(name, known) {
        return format!("did you mean `{guess}`?");
    }
    if known.is_empty() {
        return "remove it".into();
    }
    let listed = known
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    format!("remove it; the fields allowed here are {listed}")
}

/// Makes a schemars-generated schema strict and editor-friendly: optional fields are omitted,
/// never `null` (a `null` is reported, not silently read as "unset"), and 32-bit integers get
/// their bounds.
pub fn tidy_generated(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::Array(types)) = map.get_mut("type") {
                if types.len() > 1 {
                    types.retain(|t| t != "null");
                }
                if types.len() == 1 {
                    let only = types.remove(0);
                    map.insert("type".into(), only);
                }
            }
            if let Some(Value::Array(options)) = map.get("anyOf") {
                let non_null: Vec<Value> = options
                    .iter()
                    .filter(|o| o.get("type").and_then(Value::as_str) != Some("null"))
                    .cloned()
                    .collect();
                if non_null.len() == 1 && options.len() == 2 {
                    map.remove("anyOf");
                    map.insert("allOf".into(), Value::Array(non_null));
                }
            }
            match map.get("format").and_then(Value::as_str) {
                Some("int32") => {
                    map.entry("minimum").or_insert(i32::MIN.into());
                    map.entry("maximum").or_insert(i32::MAX.into());
                }
                Some("uint32") => {
                    map.entry("minimum").or_insert(0.into());
                    map.entry("maximum").or_insert(u32::MAX.into());
                }
                _ => {}
            }
            for value in map.values_mut() {
                tidy_generated(value);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(tidy_generated),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Schema {
        let mut doc = json!({
            "$schema": "http://json-schema.org/draft-07/schema#",
            "type": "object",
            "additionalProperties": false,
            "required": ["version"],
            "properties": {
                "version": {"type": "integer"},
                "window": {"$ref": "#/definitions/Duration"},
                "select": {"enum": ["max", "min", "disabled"]},
                "list": {"type": "array", "items": {"$ref": "#/definitions/Item"}}
            },
            "definitions": {
                "Duration": {"type": ["string", "integer"], "format": "duration", "minimum": 0,
                              "x-scalegen-expected": "a duration like `60s`"},
                "Item": {"type": "object", "additionalProperties": false,
                          "properties": {"maxReplicas": {"type": "integer", "format": "int32"}}}
            }
        });
        tidy_generated(&mut doc);
        Schema::compile(doc).unwrap()
    }

    #[test]
    fn issues_name_the_problem_and_the_fix() {
        let issues = schema().check(&json!({
            "window": "soon",
            "select": "Max",
            "list": [{"maxReplicsa": 3}, {"maxReplicas": 99999999999i64}]
        }));
        let got: Vec<_> = issues
            .iter()
            .map(|i| (i.pointer.as_str(), i.message.as_str(), i.help.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                ("", "missing field `version`", Some("add `version` here")),
                (
                    "/list/0/maxReplicsa",
                    "unknown field `maxReplicsa`",
                    Some("did you mean `maxReplicas`?")
                ),
                (
                    "/list/1/maxReplicas",
                    "`99999999999` is out of range: the largest allowed value is 2147483647",
                    Some("use a value of at most 2147483647")
                ),
                (
                    "/select",
                    "expected one of `max`, `min`, `disabled`, found `Max`",
                    Some("did you mean `max`?")
                ),
                (
                    "/window",
                    "expected a duration like `60s`, found `soon`",
                    Some("write a duration like `60s` here")
                ),
            ]
        );
    }

    #[test]
    fn valid_input_has_no_issues() {
        assert!(
            schema()
                .check(&json!({"version": 1, "window": "1m30s"}))
                .is_empty()
        );
    }
}
