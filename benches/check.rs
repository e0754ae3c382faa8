//! `scalegen check` on a monorepo-sized input: 10,000 generated manifests (about 20 MB, see
//! `support/generate.rs`), written to a temporary directory at bench time. Reports manifests per
//! second for parsing alone (reading, splitting into documents and parsing the YAML, in
//! parallel, as `check` does) and for the full check (structure, API validation, every rule),
//! side by side.
//!
//! `cargo bench --bench check`

use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rayon::prelude::*;
use scalegen::check::{self, Settings};
use scalegen::policy::Policy;
use scalegen::source::SourceFile;
use scalegen::yaml;

#[path = "support/generate.rs"]
mod generate;

const APPS: usize = 2_500;

fn parse_only(inputs: &[check::Input]) -> usize {
    inputs
        .par_iter()
        .map(|input| {
            let (file, _): (Arc<SourceFile>, _) = input.read().expect("readable");
            yaml::document_ranges(file.text())
                .into_par_iter()
                .map(|range| yaml::parse_document_range(&file, range).map_or(0, |d| d.len()))
                .sum::<usize>()
        })
        .sum()
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let bytes = generate::write(dir.path(), APPS).expect("generated");
    let manifests = APPS * generate::PER_APP;
    let (inputs, problems) = check::input::collect(&[dir.path().to_path_buf()]);
    assert!(problems.is_empty(), "{problems:?}");
    eprintln!(
        "input: {manifests} manifests in {} files, {:.1} MB",
        inputs.len(),
        bytes as f64 / 1e6
    );
    let settings = Settings::new(Policy::default_policy());
    // Both measure warm: the schemas are compiled once per process, before the first sample.
    let outcome = check::run(&inputs, &settings);
    assert_eq!(outcome.objects, APPS * 2);
    assert_eq!(parse_only(&inputs), manifests);

    let mut group = c.benchmark_group("check 10k manifests");
    group.sample_size(10);
    group.measurement_time(std::time::Duration::from_secs(20));
    group.throughput(Throughput::Elements(manifests as u64));
    group.bench_function("parse only", |b| b.iter(|| parse_only(&inputs)));
    group.bench_function("full check", |b| {
        b.iter(|| check::run(&inputs, &settings).diagnostics.warnings())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
