//! Loading and validating a services file: YAML with spans → structure against the schema →
//! the raw model → the resolved model → the rules. Every problem on the way is a diagnostic;
//! nothing stops at the first one.

use std::sync::{Arc, LazyLock};

use serde_json::Value;

use crate::diagnostics::{Diagnostic, Diagnostics, Label, Sink};
use crate::document;
use crate::model::raw::{self, ServicesFile};
use crate::model::{Services, lower};
use crate::policy::Policy;
use crate::rules::{Context, input, registry};
use crate::source::{SourceFile, Span};
use crate::structure::{Issue, IssueKind, Schema};
use crate::yaml;

/// The services file format this scalegen reads.
pub const VERSION: u64 = 1;

/// The services file's JSON Schema document (what `scalegen schema` prints).
pub fn schema_document() -> Value {
    let mut schema = raw::schema();
    crate::structure::tidy_generated(&mut schema);
    schema
}

fn schema() -> &'static Schema {
    static SCHEMA: LazyLock<Schema> =
        LazyLock::new(|| Schema::compile(schema_document()).expect("the services schema compiles"));
    &SCHEMA
}

/// The outcome of reading a services file.
pub struct Loaded {
    /// `None` when the file is too broken to resolve (not YAML, not a mapping).
    pub services: Option<Services>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads a services file into the resolved model, with every input problem as a diagnostic.
pub fn load(file: &Arc<SourceFile>) -> Loaded {
    let mut diagnostics = Vec::new();
    let root = match yaml::parse_document(file) {
        Ok(root) => root,
        Err(err) => {
            diagnostics.push(document::yaml_error(file, &err));
            return Loaded {
                services: None,
                diagnostics,
            };
        }
    };
    if matches!(root.value, yaml::Value::Null) {
        diagnostics.push(
            Diagnostic::new(&input::EMPTY_FILE, "the services file is empty")
                .at(Label::new(file, Span::point(0), "nothing here"))
                .help("run `scalegen init` to write a starter services file"),
        );
        return Loaded {
            services: None,
            diagnostics,
        };
    }
    let mut json = root.to_json();
    let issues = schema().check(&json);
    for issue in &issues {
        diagnostics.push(document::structure_issue(file, &root, issue));
    }
    if let Some(version) = json.get("version").and_then(Value::as_u64)
        && version != VERSION
    {
        diagnostics.push(
                Diagnostic::new(
                    &input::UNSUPPORTED_VERSION,
                    format!("services file version {version} is not supported; this scalegen reads version {VERSION}"),
                )
                .at(Label::new(file, root.locate("/version").value, "this version"))
                .help(format!("set `version: {VERSION}`, or upgrade scalegen to read version {version}"))
                .pointer("/version"),
            );
        return Loaded {
            services: None,
            diagnostics,
        };
    }
    // Drop what failed so the rest can still be resolved and checked; a value that falls back
    // to an inherited one is not reported again (see `validate`).
    for issue in &issues {
        drop_value(&mut json, issue);
    }
    let raw: ServicesFile = match serde_json::from_value(json) {
        Ok(raw) => raw,
        Err(_) if !diagnostics.is_empty() => {
            return Loaded {
                services: None,
                diagnostics,
            };
        }
        Err(err) => {
            // The schema admits only what the raw model reads; reaching this is a scalegen bug,
            // reported rather than panicking.
            diagnostics.push(
                Diagnostic::new(
                    &input::INVALID_VALUE,
                    format!("internal error reading the file: {err}"),
                )
                .at(Label::new(file, Span::point(0), "here"))
                .help("please report this to the scalegen maintainers with the file"),
            );
            return Loaded {
                services: None,
                diagnostics,
            };
        }
    };
    Loaded {
        services: Some(lower::lower(Arc::clone(file), root, raw)),
        diagnostics,
    }
}

/// Removes the value an issue is about; a broken list item takes its whole list with it, so
/// positions in the list keep meaning what they meant.
fn drop_value(json: &mut Value, issue: &Issue) {
    if issue.kind == IssueKind::MissingField {
        return;
    }
    let tokens: Vec<String> = yaml::pointer_tokens(&issue.pointer).collect();
    // Find the deepest object on the path whose child can be removed without shifting a list.
    let mut cut = tokens.len();
    let mut node = &*json;
    for (i, token) in tokens.iter().enumerate() {
        if node.is_array() {
            cut = i;
            break;
        }
        match node.get(token) {
            Some(child) => node = child,
            None => return,
        }
    }
    if cut == 0 {
        return;
    }
    let parent = yaml::pointer_from(&tokens[..cut - 1]);
    if let Some(Value::Object(map)) = json.pointer_mut(&parent) {
        map.remove(&tokens[cut - 1]);
    }
}

/// Whether two JSON pointers are the same value or one contains the other.
fn related(a: &str, b: &str) -> bool {
    let within =
        |outer: &str, inner: &str| inner == outer || inner.starts_with(&format!("{outer}/"));
    within(a, b) || within(b, a)
}

/// `scalegen validate`: loads the file and runs every services rule the policy enables.
pub fn validate(file: &Arc<SourceFile>, policy: &Policy) -> (Option<Services>, Diagnostics) {
    let loaded = load(file);
    let mut sink = Sink::new(policy);
    let broken: Vec<String> = loaded
        .diagnostics
        .iter()
        .filter_map(|d| d.pointer.clone())
        .collect();
    sink.extend(loaded.diagnostics);
    if let Some(services) = &loaded.services {
        let mut ctx = Context::new(policy);
        for (rule, check) in registry::SERVICES_CHECKS {
            if ctx.enabled(rule) {
                check(services, &mut ctx);
            }
        }
        sink.extend(ctx.finish().into_iter().filter(|d| {
            d.pointer
                .as_deref()
                .is_none_or(|p| p.is_empty() || !broken.iter().any(|b| related(b, p)))
        }));
    }
    (loaded.services, sink.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dropping_a_list_item_drops_the_list() {
        let mut value = json!({"a": {"policies": [{"pods": "x"}], "cpu": 1}});
        let issue = Issue {
            kind: IssueKind::InvalidType,
            pointer: "/a/policies/0/pods".into(),
            message: String::new(),
            help: None,
            missing: None,
        };
        drop_value(&mut value, &issue);
        assert_eq!(value, json!({"a": {"cpu": 1}}));
    }

    #[test]
    fn related_pointers() {
        assert!(related("/a/b", "/a/b/0"));
        assert!(related("/a/b/0", "/a/b"));
        assert!(!related("/a/b", "/a/bc"));
    }
}
