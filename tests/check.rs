//! `scalegen check` over the fixtures: every invalid fixture's diagnostics, as a user sees them
//! (plain, fixed width) and as JSON, are snapshots; every valid fixture (a near miss of the
//! rule it is named after) reports nothing; every rule `check` runs has both.
//!
//! A fixture is checked with the default policy. `services/<name>.yaml`, when it exists, is
//! the services file of `invalid/<name>.yaml` and `valid/<name>.yaml` (`services/valid-<name>.yaml`
//! overrides it for the valid one). A first line `# scalegen-fixture: --kubernetes-version X`
//! checks against another Kubernetes release.

use std::path::Path;

use scalegen::check::{self, Settings};
use scalegen::diagnostics::Diagnostics;
use scalegen::diagnostics::report::{self, HumanOptions};
use scalegen::document;
use scalegen::policy::Policy;
use scalegen::rules::{Command, registry};

fn fixture_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/check"))
}

fn run(path: &Path) -> Diagnostics {
    let relative = path
        .strip_prefix(fixture_dir())
        .expect("fixture under the fixture dir");
    let name = relative.display().to_string();
    let bytes = std::fs::read(path).expect("fixture readable");
    let mut settings = Settings::new(Policy::default_policy());
    if let Some(version) = String::from_utf8_lossy(&bytes)
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("# scalegen-fixture: --kubernetes-version "))
    {
        settings.for_kubernetes(version.trim().parse().expect("a Kubernetes version"));
    }
    let stem = path.file_stem().unwrap().to_string_lossy();
    let valid = relative.starts_with("valid");
    let services = [
        valid.then(|| format!("services/valid-{stem}.yaml")),
        Some(format!("services/{stem}.yaml")),
    ]
    .into_iter()
    .flatten()
    .map(|p| fixture_dir().join(p))
    .find(|p| p.exists());
    let mut services_diagnostics = None;
    if let Some(services) = services {
        let services_name = services
            .strip_prefix(fixture_dir())
            .unwrap()
            .display()
            .to_string();
        let (file, _) = document::read(&services, &services_name, usize::MAX).expect("readable");
        let (resolved, diagnostics) = check::load_services(&file, &settings.policy);
        settings.services = resolved;
        services_diagnostics = Some(diagnostics);
    }
    let (file, not_text) = document::from_bytes(&name, bytes);
    let mut outcome = match not_text {
        Some(d) => check::Outcome {
            diagnostics: Diagnostics(vec![d]),
            ..check::Outcome::default()
        },
        None => check::check_source(&file, &settings, None),
    };
    if let Some(diagnostics) = services_diagnostics {
        check::add_diagnostics(&mut outcome, diagnostics);
    }
    outcome.diagnostics
}

fn human(diagnostics: &Diagnostics) -> String {
    report::human_all(diagnostics, HumanOptions::PLAIN)
}

#[test]
fn invalid_fixtures() {
    insta::glob!("fixtures/check/invalid/*.yaml", |path| {
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
    insta::glob!("fixtures/check/valid/*.yaml", |path| {
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
fn every_check_rule_has_a_firing_and_a_near_miss_fixture() {
    for rule in registry::ALL
        .iter()
        .filter(|r| r.commands.contains(&Command::Check))
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
fn every_manifest_diagnostic_names_its_object_and_field() {
    insta::glob!("fixtures/check/invalid/*.yaml", |path| {
        for d in run(path).iter() {
            let in_manifest = d.file_name().is_some_and(|f| f.starts_with("invalid/"));
            let about_the_file = matches!(d.rule.code, "SG001" | "SG002" | "SG003" | "SG004");
            if in_manifest && !about_the_file {
                assert!(
                    d.object.is_some() && d.path.is_some(),
                    "{}: {} has no object or path",
                    path.display(),
                    d.message
                );
            }
        }
    });
}
