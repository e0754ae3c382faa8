//! Meta-tests of the rule registry and the built-in policies.

use std::collections::BTreeSet;

use scalegen::diagnostics::RuleSettings;
use scalegen::policy::{self, Policy};
use scalegen::rules::registry;

#[test]
fn codes_and_names_are_unique_and_well_formed() {
    let mut codes = BTreeSet::new();
    let mut names = BTreeSet::new();
    for rule in registry::ALL {
        assert!(codes.insert(rule.code), "code {} used twice", rule.code);
        assert!(names.insert(rule.name), "name {} used twice", rule.name);
        assert!(
            rule.code.len() == 5
                && rule.code.starts_with("SG")
                && rule.code[2..].chars().all(|c| c.is_ascii_digit()),
            "{} is not of the form SGnnn",
            rule.code
        );
        assert!(
            rule.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '-'),
            "{} is not kebab-case",
            rule.name
        );
        assert!(
            !rule.commands.is_empty(),
            "{} runs in no command",
            rule.name
        );
    }
    let sorted: Vec<_> = registry::ALL.iter().map(|r| r.code).collect();
    let mut expected = sorted.clone();
    expected.sort();
    assert_eq!(sorted, expected, "the registry lists rules in code order");
}

#[test]
fn every_rule_is_documented() {
    for rule in registry::ALL {
        let doc = rule.documentation();
        for section in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## Use instead",
        ] {
            assert!(doc.contains(section), "{} lacks `{section}`", rule.name);
        }
        assert!(!rule.summary().is_empty(), "{} has no summary", rule.name);
        if rule.params.is_some() {
            assert!(
                doc.contains("## Configuration"),
                "{} has parameters but documents none",
                rule.name
            );
        }
    }
}

#[test]
fn the_rule_list_is_stable() {
    let list: Vec<String> = registry::ALL
        .iter()
        .map(|r| {
            let commands: Vec<String> = r.commands.iter().map(ToString::to_string).collect();
            format!(
                "{} {} {} [{}]",
                r.code,
                r.name,
                r.default_severity,
                commands.join(", ")
            )
        })
        .collect();
    insta::assert_snapshot!(list.join("\n"));
}

#[test]
fn built_in_policies_load() {
    for (name, text) in policy::BUILT_IN {
        assert!(
            Policy::built_in(name).is_some(),
            "built-in policy {name} does not load"
        );
        // `built_in` trusts them; as files they must pass the policy schema too.
        let file = scalegen::source::SourceFile::new(format!("{name}.yaml"), *text);
        assert!(
            Policy::load(&file).is_ok(),
            "built-in policy {name} fails the policy schema"
        );
    }
}

#[test]
fn the_default_policy_spells_out_every_parameter_default() {
    let default = Policy::built_in("default").expect("loads");
    for rule in registry::ALL {
        assert_eq!(
            default.severity(rule),
            Some(rule.default_severity),
            "{}",
            rule.name
        );
        if let Some(defaults) = rule.default_params {
            let written = default.raw_params(rule).cloned().unwrap_or_default();
            assert_eq!(
                serde_json::Value::Object(written),
                defaults(),
                "policies/default.yaml must spell out the defaults of {}",
                rule.name
            );
        }
    }
}

#[test]
fn the_api_server_policy_runs_only_what_the_api_server_refuses() {
    let policy = Policy::built_in("api-server").expect("loads");
    let on: Vec<&str> = registry::ALL
        .iter()
        .filter(|r| policy.severity(r).is_some())
        .map(|r| r.name)
        .collect();
    assert!(on.contains(&"max-below-min"));
    assert!(!on.contains(&"below-ha-minimum"));
    assert!(!on.contains(&"exceeds-priority-cap"));
    // Every rule of what the API server refuses (SG5xx) is on; nothing across objects,
    // against the services file or about suppressions is: the server knows none of it.
    for rule in registry::ALL {
        let area = &rule.code[2..3];
        if area == "5" {
            assert!(on.contains(&rule.name), "{} is off", rule.name);
        }
        if matches!(area, "6" | "7" | "8") {
            assert!(!on.contains(&rule.name), "{} is on", rule.name);
        }
    }
    // The shared rules the API validation reports through.
    for name in [
        "min-replicas-below-one",
        "missing-max-replicas",
        "window-out-of-range",
        "period-out-of-range",
        "policy-value-not-positive",
        "no-scaling-policy",
        "request-exceeds-limit",
    ] {
        assert!(on.contains(&name), "{name} is off");
    }
}
