//! `scalegen import`: existing HorizontalPodAutoscalers (any apiVersion `check` reads) into a
//! services file that reproduces them. Common values go under `defaults` and priority tiers
//! where that makes the file shorter; per-service differences stay on the service; whatever
//! the services file cannot express is said, as a warning and as a comment in the file.
//!
//! The round trip `render(import(X))` reproduces the semantics of every HPA in X it can
//! express: bounds, CPU/memory utilization targets, behavior (after the API's defaulting),
//! target, name and namespace.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::check::input;
use crate::diagnostics::Diagnostic;
use crate::k8s::hpa_api;
use crate::model::lower::builtin;
use crate::render::hpa::PRIORITY_ANNOTATION;
use crate::rules::invalid_name::label_problem;
use crate::units::Duration;
use crate::yaml::{self, Node};

/// What reading the import's input found.
#[derive(Debug, Default)]
pub struct Read {
    pub inputs: Vec<ImportInput>,
    /// Files that are not YAML (or not text): their problems, with locations.
    pub diagnostics: Vec<Diagnostic>,
    /// Paths that could not be read at all.
    pub unreadable: Vec<String>,
}

/// Reads every HorizontalPodAutoscaler in the files, directories (as `check` walks them) and
/// stdin (`-`) named, through `List`s and multi-document streams.
pub fn read(paths: &[std::path::PathBuf]) -> Read {
    let (inputs, problems) = input::collect(paths);
    let mut read = Read {
        unreadable: problems,
        ..Read::default()
    };
    for source in &inputs {
        let (file, not_text) = match source.read() {
            Ok(read) => read,
            Err(problem) => {
                read.unreadable.push(problem);
                continue;
            }
        };
        if let Some(diagnostic) = not_text {
            read.diagnostics.push(diagnostic);
            continue;
        }
        for range in yaml::document_ranges(file.text()) {
            let documents = match yaml::parse_document_range(&file, range) {
                Ok(documents) => documents,
                Err(err) => {
                    read.diagnostics
                        .push(crate::document::yaml_error(&file, &err));
                    continue;
                }
            };
            for document in &documents {
                let items: Vec<&Node> = match document.get("items").map(|i| &i.value) {
                    Some(yaml::Value::Seq(items))
                        if document
                            .get("kind")
                            .and_then(Node::as_str)
                            .is_some_and(|k| k.ends_with("List")) =>
                    {
                        items.iter().collect()
                    }
                    _ => vec![document],
                };
                for item in items {
                    if item.get("kind").and_then(Node::as_str) != Some("HorizontalPodAutoscaler") {
                        continue;
                    }
                    read.inputs.push(ImportInput {
                        origin: format!(
                            "{}:{}",
                            file.name(),
                            file.line_column(item.span.start).line
                        ),
                        object: item.to_json(),
                    });
                }
            }
        }
    }
    read
}

/// One HPA as found: where it came from (for messages) and the object.
#[derive(Clone, Debug)]
pub struct ImportInput {
    /// `file:line`, for comments and warnings.
    pub origin: String,
    pub object: Value,
}

#[derive(Clone, Debug, Default)]
pub struct Imported {
    /// The services file.
    pub text: String,
    /// What could not be expressed, one line each.
    pub warnings: Vec<String>,
    pub services: usize,
    pub skipped: usize,
}

/// One setting's value, as the YAML it is written as (so values compare by what they say).
type Settings = BTreeMap<&'static str, String>;

/// A service as read from its HPA.
#[derive(Debug)]
struct Found {
    name: String,
    origin: String,
    namespace: Option<String>,
    priority: Option<String>,
    target: Option<String>,
    settings: Settings,
    notes: Vec<String>,
}

/// The order fields are written in, and their built-in defaults (as YAML).
fn fields() -> Vec<(&'static str, Option<String>)> {
    let up = &builtin::SCALE_UP;
    let down = &builtin::SCALE_DOWN;
    let policies = |d: &builtin::DirectionDefaults| {
        policies_yaml(
            &(d.policies)()
                .iter()
                .filter_map(|p| {
                    let (kind, value) = p.limit()?;
                    Some((
                        matches!(kind, crate::model::PolicyKind::Percent),
                        value,
                        p.period.0.seconds(),
                    ))
                })
                .collect::<Vec<_>>(),
        )
    };
    vec![
        ("minReplicas", Some(builtin::MIN_REPLICAS.to_string())),
        ("maxReplicas", None),
        ("metrics", Some("[cpu, memory]".into())),
        ("scaleUp.cpu", Some(up.cpu.to_string())),
        ("scaleUp.memory", Some(up.memory.to_string())),
        ("scaleUp.window", Some(Duration(up.window).to_string())),
        ("scaleUp.policies", Some(policies(up))),
        ("scaleUp.select", Some(up.select.as_str().into())),
        ("scaleDown.cpu", Some(down.cpu.to_string())),
        ("scaleDown.memory", Some(down.memory.to_string())),
        ("scaleDown.window", Some(Duration(down.window).to_string())),
        ("scaleDown.policies", Some(policies(down))),
        ("scaleDown.select", Some(down.select.as_str().into())),
    ]
}

fn policies_yaml(policies: &[(bool, i32, u32)]) -> String {
    let items: Vec<String> = policies
        .iter()
        .map(|&(percent, value, period)| {
            let kind = if percent { "percent" } else { "pods" };
            format!("{{ {kind}: {value}, period: {} }}", Duration(period))
        })
        .collect();
    format!("[{}]", items.join(", "))
}

fn as_i64(value: Option<&Value>) -> Option<i64> {
    value.and_then(Value::as_i64)
}

/// A scale-down threshold for a target: the Docker autoscaler's default where it keeps the
/// default 20-point hysteresis gap, else 20 points below the target.
fn down_threshold(up: i64) -> i64 {
    let default = i64::from(builtin::SCALE_DOWN.cpu);
    if default <= up - 20 {
        default
    } else {
        (up - 20).max(1)
    }
}

fn read_hpa(input: &ImportInput) -> Result<Found, String> {
    let converted = hpa_api::convert_to_v2(&input.object).map_err(|e| e.to_string())?;
    let hpa = &converted.v2;
    let metadata = hpa.get("metadata").cloned().unwrap_or_default();
    let name = metadata
        .get("name")
        .and_then(Value::as_str)
        .ok_or("it has no `metadata.name`")?
        .to_owned();
    if let Some(problem) = label_problem(&name) {
        return Err(format!(
            "its name `{name}` cannot be a service name: {problem}"
        ));
    }
    let spec = hpa.get("spec").ok_or("it has no `spec`")?;
    let mut notes = Vec::new();
    let mut settings = Settings::new();
    let min = as_i64(spec.get("minReplicas")).unwrap_or(1);
    if min < 1 {
        return Err(format!(
            "`minReplicas: {min}` (scale to zero) cannot be expressed"
        ));
    }
    settings.insert("minReplicas", min.to_string());
    let max = as_i64(spec.get("maxReplicas")).ok_or("it has no `spec.maxReplicas`")?;
    settings.insert("maxReplicas", max.to_string());

    let target_ref = spec.get("scaleTargetRef").cloned().unwrap_or_default();
    let kind = target_ref.get("kind").and_then(Value::as_str).unwrap_or("");
    let target_name = target_ref.get("name").and_then(Value::as_str).unwrap_or("");
    if kind.is_empty() || target_name.is_empty() {
        return Err("its `spec.scaleTargetRef` has no `kind` or no `name`".into());
    }
    if !matches!(kind, "Deployment" | "StatefulSet" | "ReplicaSet") {
        return Err(format!(
            "it scales a `{kind}`; the services file targets a Deployment, StatefulSet or ReplicaSet"
        ));
    }
    let target = (kind != "Deployment" || target_name != name)
        .then(|| format!("{{ kind: {kind}, name: {} }}", yaml_string(target_name)));

    let mut metrics = BTreeSet::new();
    for metric in spec
        .get("metrics")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let kind = metric.get("type").and_then(Value::as_str).unwrap_or("?");
        let resource = metric.get("resource");
        let name = resource.and_then(|r| r.get("name")).and_then(Value::as_str);
        let target = resource.and_then(|r| r.get("target"));
        let utilization = target
            .filter(|t| t.get("type").and_then(Value::as_str) == Some("Utilization"))
            .and_then(|t| as_i64(t.get("averageUtilization")));
        match (kind, name, utilization) {
            ("Resource", Some(m @ ("cpu" | "memory")), Some(value)) => {
                metrics.insert(m);
                settings.insert(
                    if m == "cpu" {
                        "scaleUp.cpu"
                    } else {
                        "scaleUp.memory"
                    },
                    value.to_string(),
                );
                settings.insert(
                    if m == "cpu" {
                        "scaleDown.cpu"
                    } else {
                        "scaleDown.memory"
                    },
                    down_threshold(value).to_string(),
                );
            }
            ("Resource", Some(m), _) if !matches!(m, "cpu" | "memory") => {
                notes.push(format!(
                    "the `{m}` resource metric cannot be expressed (only cpu and memory)"
                ));
            }
            ("Resource", Some(m), None) => notes.push(format!(
                "the `{m}` metric's target is not a Utilization percentage and cannot be expressed"
            )),
            (other, _, _) => notes.push(format!(
                "the `{other}` metric cannot be expressed (only cpu and memory utilization)"
            )),
        }
    }
    if metrics.is_empty() {
        return Err(format!(
            "none of its metrics can be expressed{}",
            if notes.is_empty() {
                String::new()
            } else {
                format!(": {}", notes.join("; "))
            }
        ));
    }
    let metrics_yaml = format!(
        "[{}]",
        metrics.iter().copied().collect::<Vec<_>>().join(", ")
    );
    settings.insert("metrics", metrics_yaml);

    if spec.get("behavior").is_none_or(|b| !b.is_object()) {
        notes.push(
            "it has no `behavior`, so the controller's legacy path applies (up to 2× per sync, no scale-down rate limit); the services file always sets a behavior, imported here as the autoscaling/v2 defaults".into(),
        );
    }
    // With or without a written behavior, the API's defaults give both directions' rules.
    let mut defaulted = hpa.clone();
    if let Some(spec) = defaulted.get_mut("spec").and_then(Value::as_object_mut) {
        spec.entry("behavior")
            .or_insert_with(|| Value::Object(Default::default()));
    }
    hpa_api::apply_defaults(&mut defaulted);
    let behavior = defaulted
        .pointer("/spec/behavior")
        .cloned()
        .unwrap_or_default();
    let directions = [
        (
            "scaleUp",
            ["scaleUp.window", "scaleUp.policies", "scaleUp.select"],
        ),
        (
            "scaleDown",
            ["scaleDown.window", "scaleDown.policies", "scaleDown.select"],
        ),
    ];
    for (direction, [window_key, policies_key, select_key]) in directions {
        let rules = behavior.get(direction).cloned().unwrap_or_default();
        // An unset scale-down window is the controller's flag: 300 s.
        let window = as_i64(rules.get("stabilizationWindowSeconds"))
            .unwrap_or(300)
            .max(0);
        settings.insert(
            window_key,
            Duration(u32::try_from(window).unwrap_or(u32::MAX)).to_string(),
        );
        let policies: Vec<(bool, i32, u32)> = rules
            .get("policies")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|p| {
                let percent = match p.get("type").and_then(Value::as_str)? {
                    "Percent" => true,
                    "Pods" => false,
                    _ => return None,
                };
                let value = i32::try_from(as_i64(p.get("value"))?).ok()?;
                let period = u32::try_from(as_i64(p.get("periodSeconds"))?).ok()?;
                Some((percent, value, period))
            })
            .collect();
        settings.insert(policies_key, policies_yaml(&policies));
        let select = match rules.get("selectPolicy").and_then(Value::as_str) {
            Some("Min") => "min",
            Some("Disabled") => "disabled",
            _ => "max",
        };
        settings.insert(select_key, select.into());
        if rules.get("tolerance").is_some_and(|t| !t.is_null()) {
            notes.push(format!("`behavior.{direction}.tolerance` cannot be expressed (the controller's 10% applies)"));
        }
    }
    Ok(Found {
        origin: input.origin.clone(),
        namespace: metadata
            .get("namespace")
            .and_then(Value::as_str)
            .map(str::to_owned),
        priority: metadata
            .get("annotations")
            .and_then(|a| a.get(PRIORITY_ANNOTATION))
            .and_then(Value::as_str)
            .map(str::to_owned),
        target,
        name,
        settings,
        notes,
    })
}

/// A YAML scalar for a string: plain when that reads back as the same string, quoted otherwise.
fn yaml_string(text: &str) -> String {
    crate::yaml::to_string(&text)
        .map(|s| s.trim_end().to_owned())
        .unwrap_or_else(|_| format!("{text:?}"))
}

/// The value most services share, when at least two do (ties: the built-in default, then the
/// first in field order).
fn common<'a>(
    values: impl Iterator<Item = &'a String>,
    builtin: Option<&String>,
) -> Option<String> {
    let mut counts: BTreeMap<&String, usize> = BTreeMap::new();
    for value in values {
        *counts.entry(value).or_default() += 1;
    }
    let best = counts.values().copied().max()?;
    if best < 2 {
        return None;
    }
    let mut winners: Vec<&String> = counts
        .iter()
        .filter(|(_, c)| **c == best)
        .map(|(v, _)| *v)
        .collect();
    if let Some(builtin) = builtin.filter(|b| winners.contains(b)) {
        return Some(builtin.clone());
    }
    winners.sort();
    winners.first().map(|v| (*v).clone())
}

pub fn import(inputs: &[ImportInput]) -> Imported {
    let mut imported = Imported::default();
    let mut found: Vec<Found> = Vec::new();
    let mut skipped_lines = Vec::new();
    for input in inputs {
        match read_hpa(input) {
            Ok(service) if found.iter().any(|f| f.name == service.name) => {
                let message = format!(
                    "{}: not imported: another HPA named `{}` was imported already (services are named uniquely)",
                    input.origin, service.name
                );
                skipped_lines.push(message.clone());
                imported.warnings.push(message);
            }
            Ok(service) => found.push(service),
            Err(reason) => {
                let message = format!("{}: not imported: {reason}", input.origin);
                skipped_lines.push(message.clone());
                imported.warnings.push(message);
            }
        }
    }
    imported.skipped = skipped_lines.len();
    imported.services = found.len();
    for service in &found {
        for note in &service.notes {
            imported
                .warnings
                .push(format!("{}: `{}`: {note}", service.origin, service.name));
        }
    }
    let fields = fields();

    // Defaults: the common value of each field, written only when it is not the built-in.
    let mut defaults = Settings::new();
    for (field, builtin) in &fields {
        let value = common(
            found.iter().filter_map(|f| f.settings.get(field)),
            builtin.as_ref(),
        );
        if let Some(value) = value.filter(|v| Some(v) != builtin.as_ref()) {
            defaults.insert(field, value);
        }
    }
    let inherited_default = |field: &str| -> Option<String> {
        defaults.get(field).cloned().or_else(|| {
            fields
                .iter()
                .find(|(f, _)| *f == field)
                .and_then(|(_, b)| b.clone())
        })
    };
    // Tiers: among the services of a priority, the common value that differs from the defaults.
    let mut tiers: BTreeMap<String, Settings> = BTreeMap::new();
    for tier in found
        .iter()
        .filter_map(|f| f.priority.clone())
        .collect::<BTreeSet<_>>()
    {
        let members: Vec<&Found> = found
            .iter()
            .filter(|f| f.priority.as_deref() == Some(&tier))
            .collect();
        let mut settings = Settings::new();
        for (field, _) in &fields {
            let value = common(members.iter().filter_map(|f| f.settings.get(field)), None);
            if let Some(value) = value.filter(|v| Some(v) != inherited_default(field).as_ref()) {
                settings.insert(field, value);
            }
        }
        tiers.insert(tier, settings);
    }

    let namespaces: BTreeSet<&str> = found
        .iter()
        .filter_map(|f| f.namespace.as_deref())
        .collect();
    let namespace = {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for ns in found.iter().filter_map(|f| f.namespace.as_deref()) {
            *counts.entry(ns).or_default() += 1;
        }
        counts
            .iter()
            .max_by_key(|(ns, c)| (**c, std::cmp::Reverse(**ns)))
            .map(|(ns, _)| (*ns).to_owned())
    };
    if namespaces.len() > 1 {
        imported.warnings.push(format!(
            "the HPAs are in several namespaces ({}); a services file has one: `{}`",
            namespaces.into_iter().collect::<Vec<_>>().join(", "),
            namespace.as_deref().unwrap_or_default()
        ));
    }

    // The file.
    let mut out = String::new();
    out.push_str("# yaml-language-server: $schema=generated/scalegen.schema.json\n");
    out.push_str(&format!(
        "# Imported by `scalegen import` from {} HorizontalPodAutoscaler{}.\n",
        found.len() + imported.skipped,
        if found.len() + imported.skipped == 1 {
            ""
        } else {
            "s"
        }
    ));
    out.push_str(
        "# Scale-down thresholds are not part of an HPA (the Docker autoscaler uses them): they\n",
    );
    out.push_str("# are imported as 30%, or 20 points below the target when that is lower.\n");
    if !skipped_lines.is_empty() {
        out.push_str("#\n");
        for line in &skipped_lines {
            out.push_str(&format!("# {line}\n"));
        }
    }
    out.push_str("version: 1\n");
    if let Some(namespace) = &namespace {
        out.push_str(&format!("namespace: {}\n", yaml_string(namespace)));
    }
    if !defaults.is_empty() {
        out.push_str("defaults:\n");
        write_settings(&mut out, &defaults, &fields, 1);
    }
    if !tiers.is_empty() {
        out.push_str("priorities:\n");
        for (tier, settings) in &tiers {
            if settings.is_empty() {
                out.push_str(&format!("  {}: {{}}\n", yaml_string(tier)));
            } else {
                out.push_str(&format!("  {}:\n", yaml_string(tier)));
                write_settings(&mut out, settings, &fields, 2);
            }
        }
    }
    out.push_str("services:");
    if found.is_empty() {
        out.push_str(" {}\n");
    } else {
        out.push('\n');
    }
    for service in &found {
        let mut body = String::new();
        if let Some(priority) = &service.priority {
            body.push_str(&format!("    priority: {}\n", yaml_string(priority)));
        }
        let tier = service.priority.as_ref().and_then(|p| tiers.get(p));
        let mut own = Settings::new();
        for (field, value) in &service.settings {
            let inherited = tier
                .and_then(|t| t.get(field).cloned())
                .or_else(|| inherited_default(field));
            if inherited.as_ref() != Some(value) {
                own.insert(field, value.clone());
            }
        }
        write_settings(&mut body, &own, &fields, 2);
        if let Some(target) = &service.target {
            body.push_str(&format!("    target: {target}\n"));
        }
        // A service that only inherits still needs a mapping: `name:` alone would be null.
        let empty = if body.is_empty() { " {}" } else { "" };
        out.push_str(&format!("  {}:{empty}\n", service.name));
        out.push_str(&format!("    # from {}\n", service.origin));
        for note in &service.notes {
            out.push_str(&format!("    # not expressed: {note}\n"));
        }
        out.push_str(&body);
    }
    imported.text = out;
    imported
}

/// Writes settings at `depth` (in two-space steps), directions grouped, in field order.
fn write_settings(
    out: &mut String,
    settings: &Settings,
    fields: &[(&'static str, Option<String>)],
    depth: usize,
) {
    let indent = "  ".repeat(depth);
    for (field, _) in fields {
        if field.contains('.') {
            continue;
        }
        if let Some(value) = settings.get(field) {
            out.push_str(&format!("{indent}{field}: {value}\n"));
        }
    }
    for direction in ["scaleUp", "scaleDown"] {
        let entries: Vec<(&str, &String)> = fields
            .iter()
            .filter_map(|(field, _)| {
                let key = field.strip_prefix(direction)?.strip_prefix('.')?;
                settings.get(field).map(|v| (key, v))
            })
            .collect();
        if entries.is_empty() {
            continue;
        }
        out.push_str(&format!("{indent}{direction}:\n"));
        for (key, value) in entries {
            out.push_str(&format!("{indent}  {key}: {value}\n"));
        }
    }
}
