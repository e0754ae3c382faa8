//! `scalegen check`: existing manifests held to the same rules as the services file.
//!
//! ```text
//! paths → files (ignore's walker) → per file, in parallel: documents (`---`) → objects
//!   (a `List`'s items) → structure, API server validation, per-object rules, facts
//! facts of every object → rules across objects (targets, requests, drift)
//! → suppressions → the policy (sink) → diagnostics
//! ```
//!
//! Each file's YAML trees are dropped as soon as the file is checked; only the text (for
//! diagnostics) and the small [`inventory::Facts`] stay, so memory grows with the input's size,
//! not with its trees.

pub mod api;
pub mod input;
pub mod inventory;
pub mod object;
pub mod suppress;

use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;
use serde_json::Value;

use crate::diagnostics::{Diagnostic, Diagnostics, Sink};
use crate::document;
use crate::k8s::api_versions::KubernetesVersion;
use crate::k8s::hpa_api::ValidationOptions;
use crate::k8s::schemas;
use crate::model::{Service, Services};
use crate::policy::Policy;
use crate::rules::{Context, registry};
use crate::source::SourceFile;
use crate::structure::{self, IssueKind};
use crate::yaml::{self, Node};

pub use input::Input;
use inventory::{Facts, Inventory};
use object::{Hpa, Object, Workload};
use suppress::{Suppression, Suppressions};

/// Everything a check needs besides its input.
pub struct Settings {
    pub policy: Policy,
    /// The resolved services file: turns on the drift rules, and gives services their
    /// priority.
    pub services: Option<Services>,
    /// The Kubernetes release whose API the manifests are applied to.
    pub kubernetes: KubernetesVersion,
    /// Feature gates and validation generation of the API server; follows `kubernetes`
    /// unless set on its own (see [`Settings::for_kubernetes`]).
    pub api: ValidationOptions,
}

impl Settings {
    pub fn new(policy: Policy) -> Self {
        Self {
            policy,
            services: None,
            kubernetes: KubernetesVersion::DEFAULT,
            api: ValidationOptions::for_kubernetes(KubernetesVersion::DEFAULT),
        }
    }

    /// Applies the manifests to `version`: its served apiVersions and its API server.
    pub fn for_kubernetes(&mut self, version: KubernetesVersion) {
        self.kubernetes = version;
        self.api = ValidationOptions::for_kubernetes(version);
    }

    /// The service an HPA belongs to: the one it is named after (as `render` names them), or
    /// the one its `app.kubernetes.io/name` label names.
    pub fn service_of_hpa(&self, object: &Object<'_>) -> Option<&Service> {
        let services = self.services.as_ref()?;
        services.service(&object.id.name).or_else(|| {
            object
                .label_value(crate::render::hpa::NAME_LABEL)
                .and_then(|name| services.service(name))
        })
    }

    /// The service whose target a workload is.
    pub fn service_of_workload(&self, object: &Object<'_>) -> Option<&Service> {
        self.services.as_ref()?.services.iter().find(|service| {
            service.target.kind.as_str() == object.id.kind && service.target.name == object.id.name
        })
    }
}

/// A document the check skipped, for `--verbose`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub file: String,
    pub line: usize,
    pub reason: String,
}

/// The outcome of a check.
#[derive(Debug, Default)]
pub struct Outcome {
    pub diagnostics: Diagnostics,
    pub files: usize,
    /// Objects checked (HPAs and workloads).
    pub objects: usize,
    /// Diagnostics removed by `scalegen.io/ignore` annotations.
    pub suppressed: usize,
    pub skipped: Vec<Skipped>,
    /// Inputs that could not be read (exit status 2).
    pub unreadable: Vec<String>,
}

/// What checking one piece of input found, before the rules across objects.
#[derive(Default)]
struct Found {
    diagnostics: Vec<Diagnostic>,
    facts: Vec<Facts>,
    suppressions: Vec<(String, Vec<Suppression>)>,
    skipped: Vec<Skipped>,
    objects: usize,
}

impl Found {
    fn merge(mut self, other: Found) -> Found {
        self.diagnostics.extend(other.diagnostics);
        self.facts.extend(other.facts);
        self.suppressions.extend(other.suppressions);
        self.skipped.extend(other.skipped);
        self.objects += other.objects;
        self
    }
}

/// Checks every input: files are read and checked in parallel, then the rules across objects
/// run over all of them.
pub fn run(inputs: &[Input], settings: &Settings) -> Outcome {
    run_read(read(inputs), settings)
}

/// The inputs' texts, read in parallel, with the schemas they seem to need already compiling
/// on their own threads (see [`warm_up`]): read before loading the policy and the services
/// file, the compilation overlaps with those too.
pub struct ReadInputs(Vec<Result<ReadFile, String>>);

/// A file's text, or a diagnostic when it is not text.
type ReadFile = (Arc<SourceFile>, Option<Diagnostic>);

pub fn read(inputs: &[Input]) -> ReadInputs {
    let read: Vec<_> = inputs.par_iter().map(Input::read).collect();
    warm_up(
        read.iter()
            .filter_map(|r| r.as_ref().ok())
            .map(|(file, _)| file),
    );
    ReadInputs(read)
}

impl ReadInputs {
    /// Every input could be read.
    pub fn complete(&self) -> bool {
        self.0.iter().all(Result::is_ok)
    }
}

/// [`run`] over inputs already [`read`].
pub fn run_read(read: ReadInputs, settings: &Settings) -> Outcome {
    let total = read.0.len();
    let results: Vec<Result<Found, String>> = read
        .0
        .into_par_iter()
        .map(|result| {
            let (file, not_text) = result?;
            Ok(match not_text {
                Some(diagnostic) => Found {
                    diagnostics: vec![diagnostic],
                    ..Found::default()
                },
                None => check_file(&file, settings, None),
            })
        })
        .collect();
    let mut found = Found::default();
    let mut unreadable = Vec::new();
    for result in results {
        match result {
            Ok(f) => found = found.merge(f),
            Err(message) => unreadable.push(message),
        }
    }
    let mut outcome = finish(found, settings);
    outcome.files = total - unreadable.len();
    outcome.unreadable = unreadable;
    outcome
}

/// Starts compiling, each on its own thread, the schemas the input seems to need, so that
/// compilation — a few milliseconds, the largest part of checking a small repository — runs
/// beside parsing and on both cores. What the input needs is read from the `apiVersion:` and
/// `kind:` lines of documents and list items (indented at most two spaces) in each file's first
/// 64 KiB. A document whose schema is still compiling waits for it; one the scan missed
/// compiles it on first use.
fn warm_up<'f>(files: impl Iterator<Item = &'f Arc<SourceFile>>) {
    let mut api_versions: Vec<&str> = Vec::new();
    let mut kinds: Vec<&str> = Vec::new();
    for file in files {
        let text = file.text();
        let mut end = text.len().min(64 * 1024);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        for line in text[..end].lines() {
            let bare = line.trim_start_matches([' ', '-']);
            if line.len() - bare.len() > 2 {
                continue;
            }
            let value = |key: &str| bare.strip_prefix(key).map(|v| v.trim().trim_matches('"'));
            if let Some(v) = value("apiVersion:") {
                api_versions.push(v);
            } else if let Some(k) = value("kind:") {
                kinds.push(k);
            }
        }
    }
    for (api_version, kind) in schemas::supported() {
        if api_versions.contains(&api_version) && kinds.contains(&kind) {
            std::thread::spawn(move || schemas::validator(api_version, kind));
        }
    }
}

/// Checks one file's text with every phase of [`run`]. `stored`: validate each HPA as an
/// update of this stored object rather than as a create.
pub fn check_source(
    file: &Arc<SourceFile>,
    settings: &Settings,
    stored: Option<&Value>,
) -> Outcome {
    let mut outcome = finish(check_file(file, settings, stored), settings);
    outcome.files = 1;
    outcome
}

/// The rules across objects, the suppressions and the policy.
fn finish(found: Found, settings: &Settings) -> Outcome {
    let Found {
        mut diagnostics,
        facts,
        suppressions: found_suppressions,
        mut skipped,
        objects,
    } = found;
    let inventory = Inventory::new(facts, settings);
    let mut ctx = Context::new(&settings.policy);
    for (rule, check) in registry::INVENTORY_CHECKS {
        if ctx.enabled(rule) {
            check(&inventory, &mut ctx);
        }
    }
    diagnostics.extend(ctx.finish());
    let mut suppressions = Suppressions::default();
    for (object, list) in found_suppressions {
        suppressions.add(&object, list);
    }
    let suppressed = suppressions.apply(&mut diagnostics, &settings.policy);
    diagnostics.extend(suppressions.unused(&settings.policy));
    let mut sink = Sink::new(&settings.policy);
    sink.extend(diagnostics);
    skipped.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    Outcome {
        diagnostics: sink.finish(),
        objects,
        suppressed,
        skipped,
        ..Outcome::default()
    }
}

/// Checks the documents of one file, in parallel.
fn check_file(file: &Arc<SourceFile>, settings: &Settings, stored: Option<&Value>) -> Found {
    let ranges = yaml::document_ranges(file.text());
    ranges
        .into_par_iter()
        .map(|range| match yaml::parse_document_range(file, range) {
            Ok(documents) => documents
                .iter()
                .map(|document| check_document(file, document, settings, stored))
                .fold(Found::default(), Found::merge),
            Err(err) => Found {
                diagnostics: vec![yaml_error(file, &err)],
                ..Found::default()
            },
        })
        .reduce(Found::default, Found::merge)
}

/// A YAML error, with a hint for the most common cause in a manifest folder: a Helm template.
fn yaml_error(file: &Arc<SourceFile>, err: &yaml::Error) -> Diagnostic {
    let mut diagnostic = document::yaml_error(file, err);
    if file.text().contains("{{") {
        diagnostic.help = Some(
            "this looks like a Helm or Go template, which is not YAML until rendered: check the rendered output instead (`helm template . | scalegen check -`), or list the folder in a `.scalegenignore` file".into(),
        );
    }
    diagnostic
}

fn check_document(
    file: &Arc<SourceFile>,
    document: &Node,
    settings: &Settings,
    stored: Option<&Value>,
) -> Found {
    if matches!(document.value, yaml::Value::Null) {
        return Found::default();
    }
    let Some((api_version, kind)) = Object::identify(document) else {
        return Found {
            skipped: vec![Skipped {
                file: file.name().to_owned(),
                line: file.line_column(document.span.start).line,
                reason: "not a Kubernetes object (no `apiVersion` and `kind`)".into(),
            }],
            ..Found::default()
        };
    };
    if kind.ends_with("List")
        && let Some(yaml::Value::Seq(items)) = document.get("items").map(|i| &i.value)
    {
        return items
            .iter()
            .map(|item| match Object::identify(item) {
                Some((api_version, kind)) => {
                    check_object(file, item, api_version, kind, settings, stored)
                }
                None => Found {
                    skipped: vec![Skipped {
                        file: file.name().to_owned(),
                        line: file.line_column(item.span.start).line,
                        reason: format!("an item of `{kind}` that is not a Kubernetes object"),
                    }],
                    ..Found::default()
                },
            })
            .fold(Found::default(), Found::merge);
    }
    check_object(file, document, api_version, kind, settings, stored)
}

fn check_object(
    file: &Arc<SourceFile>,
    node: &Node,
    api_version: String,
    kind: String,
    settings: &Settings,
    stored: Option<&Value>,
) -> Found {
    if !object::has_rules(&kind) {
        return Found {
            skipped: vec![Skipped {
                file: file.name().to_owned(),
                line: file.line_column(node.span.start).line,
                reason: format!("{kind} ({api_version}): no rules for this kind"),
            }],
            ..Found::default()
        };
    }
    let object = Object::new(file, node, api_version, kind, settings);
    let mut found = Found {
        objects: 1,
        ..Found::default()
    };

    // Structure: the object against the schema of its apiVersion.
    let issues = match schemas::validator(&object.api_version, &object.id.kind) {
        Some(schema) if !schema.is_valid(&object.json) => {
            structure::issues(schema.schema(), schema.iter_errors(&object.json))
        }
        _ => Vec::new(),
    };

    let mut ctx = Context::new(&settings.policy);
    for (rule, check) in registry::OBJECT_CHECKS {
        if ctx.enabled(rule) {
            check(&object, &mut ctx);
        }
    }
    let (suppressions, invalid) = suppress::read(&object);
    found.diagnostics.extend(invalid);
    let mut api_diagnostics = Vec::new();
    if object.id.kind == object::HPA {
        if let Some(hpa) = Hpa::new(&object) {
            api_diagnostics = api::validate(&hpa, stored);
            for (rule, check) in registry::HPA_CHECKS {
                if ctx.enabled(rule) {
                    check(&hpa, &mut ctx);
                }
            }
            found.facts.push(Facts::hpa(&hpa));
        }
    } else {
        let workload = Workload::new(&object);
        for (rule, check) in registry::WORKLOAD_CHECKS {
            if ctx.enabled(rule) {
                check(&workload, &mut ctx);
            }
        }
        found.facts.push(Facts::workload(&workload));
    }

    // The API server's error for a field is more precise than the schema's (it names the
    // exact field and its own error type): a structural issue about the same value gives way.
    let api_pointers: Vec<&str> = api_diagnostics
        .iter()
        .filter_map(|d| d.pointer.as_deref())
        .collect();
    let issues: Vec<_> = issues
        .into_iter()
        .filter(|issue| {
            let target = issue.target();
            !api_pointers.iter().any(|p| within(&target, p))
        })
        .collect();
    let broken: Vec<String> = issues.iter().map(structure::Issue::target).collect();
    for issue in &issues {
        let mut diagnostic = document::structure_issue(file, node, issue);
        if issue.kind == IssueKind::MissingField {
            diagnostic.pointer = Some(issue.target());
        }
        diagnostic.object = Some(object.id.to_string());
        diagnostic.path = Some(object::field_path(&object.json, &issue.target()));
        found.diagnostics.push(diagnostic);
    }
    found.diagnostics.extend(api_diagnostics);
    // A rule stays quiet about a value that already has a structural error.
    found
        .diagnostics
        .extend(ctx.finish().into_iter().filter(|d| {
            d.pointer
                .as_deref()
                .is_none_or(|p| !broken.iter().any(|b| within(b, p) || within(p, b)))
        }));
    if !suppressions.is_empty() {
        found
            .suppressions
            .push((object.id.to_string(), suppressions));
    }
    found
}

/// Whether the JSON pointer `inner` is `outer` or inside it.
fn within(outer: &str, inner: &str) -> bool {
    inner == outer
        || inner
            .strip_prefix(outer)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Loads the services file for the drift rules: its own diagnostics, and the resolved file
/// when it has no errors (drift against a broken file would mislead).
pub fn load_services(file: &Arc<SourceFile>, policy: &Policy) -> (Option<Services>, Diagnostics) {
    let (services, diagnostics) = crate::services_file::validate(file, policy);
    let services = services.filter(|_| diagnostics.errors() == 0);
    (services, diagnostics)
}

/// Where `check` looks for a services file by default.
pub fn default_services_path() -> PathBuf {
    PathBuf::from("scalegen.yaml")
}

/// Adds diagnostics reported elsewhere (the services file's) to an outcome, at the severity
/// they have, keeping the order by file and position.
pub fn add_diagnostics(outcome: &mut Outcome, more: Diagnostics) {
    outcome.diagnostics.merge(more);
}
