//! `scalegen validate` over the fixtures: every invalid fixture's diagnostics, as a user sees
//! them (plain, fixed width) and as JSON, are snapshots; every valid fixture (a near miss of
//! the rule it is named after) reports nothing; every rule `validate` runs has both.

use std::path::Path;

use scalegen::diagnostics::report::{self, HumanOptions};
use scalegen::policy::Policy;
use scalegen::rules::{Command, registry};
use scalegen::{document, services_file};

fn fixture_dir() -> &'static Path {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/validate"
    ))
}

fn run(path: &Path) -> scalegen::diagnostics::Diagnostics {
    let name = path
        .strip_prefix(fixture_dir())
        .expect("fixture under the fixture dir")
        .display()
        .to_string();
    let bytes = std::fs::read(path).expect("fixture readable");
    let (file, not_text) = document::from_bytes(&name, bytes);
    match not_text {
        Some(d) => scalegen::diagnostics::Diagnostics(vec![d]),
        None => services_file::validate(&file, &Policy::default_policy()).1,
    }
}

fn human(diagnostics: &scalegen::diagnostics::Diagnostics) -> String {
    report::human_all(diagnostics, HumanOptions::PLAIN)
}

#[test]
fn invalid_fixtures() {
    insta::glob!("fixtures/validate/invalid/*.yaml", |path| {
        let diagnostics = run(path);
        assert!(
            diagnostics.errors() + diagnostics.warnings() > 0,
            "{} reports nothing",
            path.display()
        );
        insta::assert_snapshot!("human", human(&diagnostics));
        insta::assert_snapshot!("json", report::json(&diagnostics));
    });
}

#[test]
fn valid_fixtures_report_nothing() {
    insta::glob!("fixtures/validate/valid/*.yaml", |path| {
        let diagnostics = run(path);
        assert!(
            diagnostics.is_empty(),
            "{} should report nothing:\n{}",
            path.display(),
            human(&diagnostics)
        );
    });
}

#[test]
fn every_validate_rule_has_a_firing_and_a_near_miss_fixture() {
    for rule in registry::ALL
        .iter()
        .filter(|r| r.commands.contains(&Command::Validate))
    {
        let invalid = fixture_dir().join(format!("invalid/{}.yaml", rule.name));
        let valid = fixture_dir().join(format!("valid/{}.yaml", rule.name));
        assert!(invalid.exists(), "no fixture {}", invalid.display());
        assert!(valid.exists(), "no near-miss fixture {}", valid.display());
        let fired = run(&invalid);
        assert!(
            fired.iter().any(|d| d.rule.code == rule.code),
            "{} does not fire {}:\n{}",
            invalid.display(),
            rule.code,
            human(&fired)
        );
    }
}

#[test]
fn the_example_is_valid() {
    let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scalegen.yaml"));
    let (file, _) = document::read(path, "scalegen.yaml", usize::MAX).expect("example readable");
    let (services, diagnostics) = services_file::validate(&file, &Policy::default_policy());
    assert!(diagnostics.is_empty(), "{}", human(&diagnostics));
    let services = services.expect("resolves");
    let table: Vec<String> = services
        .services
        .iter()
        .map(|s| {
            format!(
                "{} {}..{} {} {}",
                s.name,
                s.min_replicas.value,
                s.max_replicas.as_ref().map_or(0, |m| m.value),
                s.priority.as_ref().map_or("-", |p| p.value.as_str()),
                s.notes.as_deref().unwrap_or("-")
            )
        })
        .collect();
    // The platform table of the services-file issue, row for row.
    assert_eq!(
        table,
        [
            "diagram-service 2..10 high Highest traffic",
            "api-gateway 2..10 high Entry point",
            "ai-service 2..8 high CPU-intensive",
            "export-service 2..8 medium Resource-heavy",
            "collaboration-service 2..6 medium WebSocket",
            "auth-service 2..6 medium Stateless",
            "git-service 2..6 low Moderate",
            "integration-hub 2..6 low External APIs",
        ]
    );
}

/// Editors show the schema's descriptions as documentation: every field must have one.
#[test]
fn every_schema_field_is_described() {
    fn walk(
        schema: &serde_json::Value,
        root: &serde_json::Value,
        path: &str,
        missing: &mut Vec<String>,
    ) {
        let Some(properties) = schema.get("properties").and_then(|p| p.as_object()) else {
            return;
        };
        for (name, property) in properties {
            let here = format!("{path}.{name}");
            let target = resolve(property, root);
            if property.get("description").is_none() && target.get("description").is_none() {
                missing.push(here.clone());
            }
            walk(target, root, &here, missing);
            if let Some(items) = target.get("items") {
                walk(resolve(items, root), root, &format!("{here}[]"), missing);
            }
            if let Some(values) = target.get("additionalProperties").filter(|v| v.is_object()) {
                walk(resolve(values, root), root, &format!("{here}.*"), missing);
            }
        }
    }
    fn resolve<'a>(
        schema: &'a serde_json::Value,
        root: &'a serde_json::Value,
    ) -> &'a serde_json::Value {
        let reference = schema
            .get("$ref")
            .or_else(|| {
                schema
                    .get("allOf")
                    .and_then(|a| a.get(0))
                    .and_then(|s| s.get("$ref"))
            })
            .and_then(|r| r.as_str());
        match reference.and_then(|r| root.pointer(r.trim_start_matches('#'))) {
            Some(target) => target,
            None => schema,
        }
    }
    for (name, schema) in [
        ("services file", services_file::schema_document()),
        (
            "docker autoscaler config",
            scalegen::docker::config::schema_document(),
        ),
        ("policy", scalegen::policy::schema_document()),
    ] {
        let mut missing = Vec::new();
        walk(&schema, &schema, "", &mut missing);
        assert!(
            missing.is_empty(),
            "{name}: fields without a description: {missing:?}"
        );
    }
}
