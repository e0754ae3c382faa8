//! Data-driven test of the HPA API-server validation engine.
//!
//! Two case files, one format (see the `about` of either file):
//! * `tests/fixtures/hpa/validation-cases.json` — transcribed from the
//!   upstream Kubernetes validation tests (override the path with the
//!   environment variable `SCALEGEN_HPA_VALIDATION`);
//! * `tests/fixtures/hpa/scalegen-validation-cases.json` — scalegen's own
//!   cases for rules the first file does not cover. Extra fields there:
//!   `oldHpa` (the stored object, required for `operation: update`) and,
//!   per expected error, `originalField` (the path in the object as written,
//!   for autoscaling/v1 and v2beta1 objects).
//!
//! What passes — field path + error type is the contract:
//! * a valid case must produce no error;
//! * an invalid case must produce exactly the expected `(field, type)`
//!   pairs: a missing one fails, an extra one fails, and (while
//!   [`CHECK_ORDER`] is on) so does a different order — the files give the
//!   complete list in the order the API server reports it;
//! * where the seam reports details, each expected `detail` must be a
//!   prefix of the reported one (the files sometimes shorten the regex
//!   examples at the end of name-format messages), and `firstErrorContains`
//!   must occur in the first reported message — wrong text fails;
//! * `olderReleases.errors`, when present, is checked the same way against
//!   the older release's rules, and `originalField` against the path in the
//!   user's terms.
//!
//! A case that cannot be run (unknown operation or feature gate, missing or
//! malformed fields, an update without `oldHpa`, an object `check` does not
//! read as one HPA) fails; nothing is skipped.
//!
//! The cases run through `scalegen check`'s code path (see `errors_for`):
//! what passes here is what `check --policy api-server` reports.
//! Each failing case is listed with expected vs actual, and the very last
//! line printed is `hpa validation cases: N passed, M failed`.

use std::collections::BTreeMap;

use scalegen::check::{self, Settings};
use scalegen::k8s::hpa_api::{ValidationOptions, ValidationRelease};
use scalegen::policy::Policy;
use scalegen::source::SourceFile;
use serde_json::Value;

// ===========================================================================
// THE SEAM: everything the harness knows about the engine goes through
// `errors_for`. It runs each case through `scalegen check`'s own code path:
// the HPA is written out as a JSON manifest and checked by
// `check::check_source` with the built-in `api-server` policy; the API
// server's errors are read back from the diagnostics (`path` and the
// attached server error, in the server's order).
// ===========================================================================

/// Keep the API server's order as part of the contract.
const CHECK_ORDER: bool = true;

/// Which generation of the rules a case is evaluated against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Release {
    /// The newest rules (`expected`).
    Newest,
    /// Before the apiVersion / maxReplicas changes (`olderReleases`).
    Older,
}

/// How a case is evaluated.
struct Context<'a> {
    /// `featureGates` of the case, by Kubernetes name.
    gates: &'a BTreeMap<String, bool>,
    /// The stored object, for `operation: update`.
    old: Option<&'a Value>,
    release: Release,
}

/// One error as reported by the code under test.
#[derive(Debug, Clone)]
struct Reported {
    /// API-server field path (`spec.metrics[0].resource.name`).
    field: String,
    /// `Required` | `Invalid` | `NotSupported` | `Forbidden` | `TooLong`.
    kind: String,
    /// Detail text, if the code path reports it.
    detail: Option<String>,
    /// The API server's full message, if the code path reports it.
    message: Option<String>,
    /// The field's path in the object as written, if the code path reports it.
    original_field: Option<String>,
}

/// Runs one HPA object through `scalegen check`. `Err` means the case cannot run.
fn errors_for(hpa: &Value, ctx: &Context<'_>) -> Result<Vec<Reported>, String> {
    let mut options = ValidationOptions {
        release: match ctx.release {
            Release::Newest => ValidationRelease::Current,
            Release::Older => ValidationRelease::BeforeApiVersionChecks,
        },
        ..ValidationOptions::default()
    };
    for (gate, on) in ctx.gates {
        options
            .set_feature_gate(gate, *on)
            .map_err(|e| e.to_string())?;
    }
    let policy = Policy::built_in("api-server").ok_or("no built-in api-server policy")?;
    let mut settings = Settings::new(policy);
    settings.api = options;
    let text = serde_json::to_string_pretty(hpa).map_err(|e| e.to_string())?;
    let file = SourceFile::new("case.json", text);
    let outcome = check::check_source(&file, &settings, ctx.old);
    if outcome.objects != 1 {
        return Err(format!(
            "`check` read {} objects from the case, not one HPA (skipped: {:?})",
            outcome.objects, outcome.skipped
        ));
    }
    let mut reported: Vec<(usize, Reported)> = Vec::new();
    for d in outcome.diagnostics.iter() {
        let path = d
            .path
            .clone()
            .ok_or_else(|| format!("a diagnostic without a path: {}", d.message))?;
        if d.api_errors.is_empty() {
            // Which apiVersions a release serves is not validation: a v2beta1 case is
            // validated as the servers that served it did.
            if matches!(d.rule.code, "SG509" | "SG510") {
                continue;
            }
            // Anything else `check` reports (a structural error) is an error the API server
            // does not report: it fails the case as an extra error.
            reported.push((
                usize::MAX,
                Reported {
                    field: path,
                    kind: format!("{}({})", d.rule.code, d.rule.name),
                    detail: Some(d.message.clone()),
                    message: Some(d.message.clone()),
                    original_field: None,
                },
            ));
            continue;
        }
        for e in &d.api_errors {
            if e.field != path {
                return Err(format!(
                    "diagnostic path {path} differs from the server's field {}",
                    e.field
                ));
            }
            reported.push((
                e.index,
                Reported {
                    field: path.clone(),
                    kind: e.kind.to_owned(),
                    detail: Some(e.detail.clone()),
                    message: Some(e.message.clone()),
                    original_field: Some(e.field_as_written.clone()),
                },
            ));
        }
    }
    reported.sort_by_key(|(index, _)| *index);
    Ok(reported.into_iter().map(|(_, r)| r).collect())
}

// ===========================================================================
// Case files
// ===========================================================================

const KNOWN_TYPES: [&str; 5] = [
    "Required",
    "Invalid",
    "NotSupported",
    "Forbidden",
    "TooLong",
];

#[derive(Debug)]
struct ExpectedError {
    field: String,
    kind: String,
    detail: Option<String>,
    original_field: Option<String>,
}

impl std::fmt::Display for ExpectedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.field, self.kind)?;
        if let Some(o) = &self.original_field {
            write!(f, " (written at {o})")?;
        }
        if let Some(d) = &self.detail {
            write!(f, ": {d}")?;
        }
        Ok(())
    }
}

fn show_reported(r: &Reported) -> String {
    let mut s = format!("{} {}", r.field, r.kind);
    if let Some(o) = r.original_field.as_ref().filter(|o| **o != r.field) {
        s.push_str(&format!(" (written at {o})"));
    }
    if let Some(d) = r.detail.as_ref().filter(|d| !d.is_empty()) {
        s.push_str(&format!(": {d}"));
    }
    s
}

fn parse_errors(v: Option<&Value>, what: &str) -> Result<Vec<ExpectedError>, String> {
    let Some(v) = v else { return Ok(Vec::new()) };
    let list = v
        .as_array()
        .ok_or_else(|| format!("{what} is not a list"))?;
    list.iter()
        .enumerate()
        .map(|(i, e)| {
            let text = |key: &str| e.get(key).and_then(Value::as_str).map(str::to_owned);
            let field =
                text("field").ok_or_else(|| format!("{what}[{i}] has no string `field`"))?;
            let kind = text("type").ok_or_else(|| format!("{what}[{i}] has no string `type`"))?;
            if !KNOWN_TYPES.contains(&kind.as_str()) {
                return Err(format!("{what}[{i}] has unknown type `{kind}`"));
            }
            Ok(ExpectedError {
                field,
                kind,
                detail: text("detail"),
                original_field: text("originalField"),
            })
        })
        .collect()
}

/// Compares reported errors with the expected list; returns the problems.
fn compare(expected: &[ExpectedError], actual: &[Reported], label: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let key = |f: &str, k: &str| (f.to_owned(), k.to_owned());
    let mut want: BTreeMap<(String, String), usize> = BTreeMap::new();
    for e in expected {
        *want.entry(key(&e.field, &e.kind)).or_default() += 1;
    }
    let mut got: BTreeMap<(String, String), usize> = BTreeMap::new();
    for r in actual {
        *got.entry(key(&r.field, &r.kind)).or_default() += 1;
    }
    for (k, n) in &want {
        let have = got.get(k).copied().unwrap_or(0);
        if have < *n {
            problems.push(format!("{label}: missing {} {} (x{})", k.0, k.1, n - have));
        }
    }
    for (k, n) in &got {
        let wanted = want.get(k).copied().unwrap_or(0);
        if *n > wanted {
            problems.push(format!("{label}: extra {} {} (x{})", k.0, k.1, n - wanted));
        }
    }
    if problems.is_empty() {
        if CHECK_ORDER {
            let order_ok = expected
                .iter()
                .zip(actual)
                .all(|(e, r)| e.field == r.field && e.kind == r.kind);
            if !order_ok {
                problems.push(format!("{label}: same errors, different order"));
            }
        }
        // Match each expected error with a reported one of the same
        // (field, type), in order, to compare texts.
        let mut used = vec![false; actual.len()];
        for e in expected {
            let Some(j) = (0..actual.len())
                .find(|&j| !used[j] && actual[j].field == e.field && actual[j].kind == e.kind)
            else {
                continue;
            };
            used[j] = true;
            let r = &actual[j];
            if let (Some(want), Some(have)) = (&e.detail, &r.detail)
                && !have.starts_with(want.as_str())
            {
                problems.push(format!(
                    "{label}: {} {}: detail {have:?} does not start with {want:?}",
                    e.field, e.kind
                ));
            }
            if let (Some(want), Some(have)) = (&e.original_field, &r.original_field)
                && want != have
            {
                problems.push(format!(
                    "{label}: {} {}: written at {have}, expected {want}",
                    e.field, e.kind
                ));
            }
        }
    }
    problems
}

struct CaseReport {
    id: String,
    /// The engine was called (the case was well-formed up to that point).
    ran: bool,
    problems: Vec<String>,
    expected: Vec<String>,
    actual: Vec<String>,
}

fn run_case(case: &Value, index: usize) -> CaseReport {
    let id = case
        .get("id")
        .and_then(Value::as_str)
        .map_or_else(|| format!("<case #{index}>"), str::to_owned);
    let mut report = CaseReport {
        id,
        ran: false,
        problems: Vec::new(),
        expected: Vec::new(),
        actual: Vec::new(),
    };
    if let Err(problem) = evaluate_case(case, &mut report) {
        report.problems.push(format!("cannot run: {problem}"));
    }
    report
}

fn evaluate_case(case: &Value, report: &mut CaseReport) -> Result<(), String> {
    if case.get("id").and_then(Value::as_str).is_none() {
        return Err("no string `id`".into());
    }
    let hpa = case
        .get("hpa")
        .filter(|h| h.is_object())
        .ok_or("no object `hpa`")?;
    let mut gates = BTreeMap::new();
    match case.get("featureGates") {
        None => {}
        Some(Value::Object(m)) => {
            for (k, v) in m {
                gates.insert(
                    k.clone(),
                    v.as_bool()
                        .ok_or_else(|| format!("feature gate {k} is not a boolean"))?,
                );
            }
        }
        Some(_) => return Err("`featureGates` is not an object".into()),
    }
    let old = match case.get("operation").and_then(Value::as_str) {
        Some("create") => None,
        Some("update") => Some(
            case.get("oldHpa")
                .filter(|h| h.is_object())
                .ok_or("update without object `oldHpa`")?,
        ),
        Some(other) => return Err(format!("unknown operation `{other}`")),
        None => return Err("no string `operation`".into()),
    };
    let expected = case.get("expected").ok_or("no `expected`")?;
    let valid = expected
        .get("valid")
        .and_then(Value::as_bool)
        .ok_or("no boolean `expected.valid`")?;
    let errors = parse_errors(expected.get("errors"), "expected.errors")?;
    if valid != errors.is_empty() {
        return Err(format!(
            "expected.valid is {valid} but expected.errors has {} entries",
            errors.len()
        ));
    }

    let ctx = Context {
        gates: &gates,
        old,
        release: Release::Newest,
    };
    let actual = errors_for(hpa, &ctx)?;
    report.ran = true;
    report.expected = errors.iter().map(ToString::to_string).collect();
    report.actual = actual.iter().map(show_reported).collect();
    report.problems.extend(compare(&errors, &actual, "newest"));
    if let Some(first) = expected.get("firstErrorContains") {
        let first = first
            .as_str()
            .ok_or("`firstErrorContains` is not a string")?;
        match actual.first().map(|r| r.message.as_deref()) {
            None => report
                .problems
                .push(format!("no error, expected one containing {first:?}")),
            Some(Some(message)) if !message.contains(first) => {
                report.problems.push(format!(
                    "first error {message:?} does not contain {first:?}"
                ));
            }
            Some(_) => {}
        }
    }

    if let Some(older) = case.get("olderReleases") {
        let errors = parse_errors(
            Some(
                older
                    .get("errors")
                    .ok_or("olderReleases without `errors`")?,
            ),
            "olderReleases",
        )?;
        let ctx = Context {
            gates: &gates,
            old,
            release: Release::Older,
        };
        let actual = errors_for(hpa, &ctx)?;
        let problems = compare(&errors, &actual, "olderReleases");
        if !problems.is_empty() {
            report.expected.push("-- olderReleases:".into());
            report
                .expected
                .extend(errors.iter().map(ToString::to_string));
            report.actual.push("-- olderReleases:".into());
            report.actual.extend(actual.iter().map(show_reported));
        }
        report.problems.extend(problems);
    }
    Ok(())
}

fn load(path: &str) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path} is not JSON: {e}"))
}

/// Runs every case of `path`; prints failures and, last, the summary line.
fn run_file(path: &str, summary: &str) {
    let doc = load(path);
    let cases = doc
        .get("cases")
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("{path}: no `cases` list"));
    assert!(!cases.is_empty(), "{path}: `cases` is empty");
    if let Some(total) = doc.pointer("/about/counts/total").and_then(Value::as_u64)
        && total != cases.len() as u64
    {
        println!(
            "warning: {path}: about.counts.total says {total} cases, the file has {}",
            cases.len()
        );
    }
    let mut ids = BTreeMap::new();
    let reports: Vec<CaseReport> = cases
        .iter()
        .enumerate()
        .map(|(i, c)| run_case(c, i))
        .collect();
    let mut failed = 0;
    for r in &reports {
        let duplicate = ids.insert(r.id.clone(), ()).is_some();
        if r.problems.is_empty() && !duplicate {
            continue;
        }
        failed += 1;
        println!("FAIL {}", r.id);
        if duplicate {
            println!("  duplicate case id");
        }
        for p in &r.problems {
            println!("  {p}");
        }
        if r.ran {
            println!(
                "  expected: {}",
                if r.expected.is_empty() {
                    "no errors".into()
                } else {
                    r.expected.join(" | ")
                }
            );
            println!(
                "  actual:   {}",
                if r.actual.is_empty() {
                    "no errors".into()
                } else {
                    r.actual.join(" | ")
                }
            );
        }
    }
    let passed = reports.len() - failed;
    println!("{summary}: {passed} passed, {failed} failed");
    assert_eq!(failed, 0, "{failed} case(s) of {path} failed");
}

#[test]
fn upstream_validation_cases() {
    let path = std::env::var("SCALEGEN_HPA_VALIDATION").unwrap_or_else(|_| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/hpa/validation-cases.json"
        )
        .to_owned()
    });
    run_file(&path, "hpa validation cases");
}

#[test]
fn scalegen_validation_cases() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/hpa/scalegen-validation-cases.json"
    );
    run_file(path, "scalegen hpa validation cases");
}
