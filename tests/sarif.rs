//! `--format sarif` is valid SARIF 2.1.0: every report is validated against the OASIS schema
//! (vendored in `tests/fixtures/sarif/`, see its README; nothing is fetched), and carries what
//! GitHub code scanning reads: rule metadata with help text, physical locations.

use std::path::Path;

use scalegen::check::{self, Settings};
use scalegen::diagnostics::Diagnostics;
use scalegen::diagnostics::report;
use scalegen::document;
use scalegen::policy::Policy;
use scalegen::rules::registry;
use serde_json::Value;

fn schema() -> jsonschema::Validator {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/sarif/sarif-schema-2.1.0.json"
    );
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

fn assert_valid(validator: &jsonschema::Validator, sarif: &str) -> Value {
    let log: Value = serde_json::from_str(sarif).expect("SARIF is JSON");
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "invalid SARIF:\n{}", errors.join("\n"));
    log
}

fn check(name: &str, text: &str) -> Diagnostics {
    let (file, _) = document::from_bytes(name, text.as_bytes().to_vec());
    check::check_source(&file, &Settings::new(Policy::default_policy()), None).diagnostics
}

#[test]
fn every_check_fixture_reports_valid_sarif() {
    let validator = schema();
    let dir = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/check/invalid"
    ));
    let mut all = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = format!("invalid/{}", path.file_name().unwrap().to_string_lossy());
        let (file, not_text) = document::from_bytes(&name, std::fs::read(&path).unwrap());
        match not_text {
            Some(d) => all.push(d),
            None => all.extend(
                check::check_source(&file, &Settings::new(Policy::default_policy()), None)
                    .diagnostics
                    .0,
            ),
        }
    }
    assert!(all.len() > 40);
    let log = assert_valid(&validator, &report::sarif(&Diagnostics(all.clone())));
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), registry::ALL.len());
    for rule in rules {
        assert!(!rule["help"]["text"].as_str().unwrap().is_empty());
        assert!(
            !rule["shortDescription"]["text"]
                .as_str()
                .unwrap()
                .is_empty()
        );
    }
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), all.len());
    for result in results {
        // The index names the rule the id names.
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        let location = &result["locations"][0]["physicalLocation"];
        assert!(
            location["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .starts_with("invalid/")
        );
        assert!(location["region"]["startLine"].as_u64().unwrap() >= 1);
    }
}

#[test]
fn empty_runs_stdin_and_odd_file_names_are_valid_sarif() {
    let validator = schema();
    assert_valid(&validator, &report::sarif(&Diagnostics::default()));
    let broken = "apiVersion: v1\nkind: [\n";
    for name in [
        "<stdin>",
        "dir with space/a b.yaml",
        "C:\\k8s\\hpa.yaml",
        "ünïcode.yaml",
    ] {
        let log = assert_valid(&validator, &report::sarif(&check(name, broken)));
        let uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
            ["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(
            !uri.contains(' ') && !uri.contains('<') && !uri.contains('\\'),
            "{uri}"
        );
    }
}

#[test]
fn the_schema_check_catches_what_code_scanning_would_refuse() {
    let validator = schema();
    let mut log: Value =
        serde_json::from_str(&report::sarif(&check("a.yaml", "kind: [\n"))).unwrap();
    assert!(validator.is_valid(&log));
    log["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(
        !validator.is_valid(&log),
        "an unknown level must be refused"
    );
    log["runs"][0]["results"][0]["level"] = "error".into();
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        0.into();
    assert!(!validator.is_valid(&log), "line 0 must be refused");
}
