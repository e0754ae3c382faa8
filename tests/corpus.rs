//! `scalegen check` over the real-world corpus (`../shared/corpus/real/`: examples, rendered
//! Helm output, live objects, other linters' fixtures, broken files). Every file is checked on
//! its own, as its project would check it, with the default policy and no services file. No
//! file may crash the check or produce an internal error, and the findings are a snapshot, one
//! line per diagnostic, so a change in verdicts shows in review.
//!
//! The corpus is not ours and is never copied here: the test reads it from
//! `../shared/corpus/real` next to the repository (or `SCALEGEN_CORPUS`, or
//! `/work/shared/corpus/real`) and says so when it skips.

mod support;
use support::corpus_files;

use std::fmt::Write as _;

use scalegen::check::{self, Settings};
use scalegen::diagnostics::Diagnostics;
use scalegen::document;
use scalegen::policy::Policy;

/// `file:line:col: severity[CODE] object path: message`.
fn compact(diagnostics: &Diagnostics) -> String {
    let mut out = String::new();
    for d in diagnostics.iter() {
        let place = d.primary.as_ref().map_or(String::new(), |l| {
            let at = l.start();
            format!("{}:{}:{}", l.file.name(), at.line, at.column)
        });
        let object = d.object.as_deref().unwrap_or("-");
        let path = d.path.as_deref().filter(|p| !p.is_empty()).unwrap_or("-");
        let _ = writeln!(
            out,
            "{place}: {}[{}] {object} {path}: {}",
            d.severity, d.rule.code, d.message
        );
    }
    out
}

#[test]
fn real_world_corpus() {
    let Some(files) = corpus_files() else {
        return;
    };

    let settings = Settings::new(Policy::default_policy());
    let mut report = String::new();
    let (mut objects, mut errors, mut warnings, mut skipped) = (0, 0, 0, 0);
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(path).expect("readable file");
        let (file, not_text) = document::from_bytes(&name, bytes);
        let outcome = match not_text {
            Some(d) => check::Outcome {
                diagnostics: Diagnostics(vec![d]),
                ..check::Outcome::default()
            },
            None => check::check_source(&file, &settings, None),
        };
        for d in outcome.diagnostics.iter() {
            assert!(
                !d.message.contains("internal error"),
                "{name}: {}",
                d.message
            );
            assert!(d.primary.is_some(), "{name}: {} has no location", d.message);
        }
        objects += outcome.objects;
        errors += outcome.diagnostics.errors();
        warnings += outcome.diagnostics.warnings();
        skipped += outcome.skipped.len();
        report.push_str(&compact(&outcome.diagnostics));
    }
    println!(
        "corpus: {} files, {objects} objects checked, {skipped} documents skipped: {errors} errors, {warnings} warnings",
        files.len()
    );
    assert!(objects >= 200, "only {objects} objects checked");
    insta::assert_snapshot!(report);
}
