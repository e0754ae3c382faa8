//! `scalegen validate` and `scalegen render` (in memory, without writing) on the example
//! platform and on a generated 500-service file.
//!
//! `cargo bench --bench render`

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use scalegen::policy::Policy;
use scalegen::render::{self, Options};
use scalegen::services_file;
use scalegen::source::SourceFile;

/// A services file of `n` services spread over three tiers, with per-service overrides.
fn platform(n: usize) -> String {
    let mut text = String::from(
        "version: 1\nnamespace: bench\npriorities:\n  high: { maxReplicas: 10 }\n  medium: { maxReplicas: 8 }\n  low: { maxReplicas: 6 }\nservices:\n",
    );
    for i in 0..n {
        let tier = ["high", "medium", "low"][i % 3];
        text.push_str(&format!(
            "  svc-{i}:\n    priority: {tier}\n    notes: service number {i}\n"
        ));
        if i % 5 == 0 {
            text.push_str(
                "    scaleUp: { memory: 75, policies: [{ percent: 100, period: 60s }] }\n",
            );
        }
        if i % 7 == 0 {
            text.push_str("    resources:\n      requests: { cpu: 250m, memory: 256Mi }\n");
        }
    }
    text
}

fn bench(c: &mut Criterion) {
    let policy = Policy::default_policy();
    let inputs = [
        ("example", include_str!("../scalegen.yaml").to_owned(), 8u64),
        ("500 services", platform(500), 500),
    ];
    for (name, text, services) in inputs {
        let mut group = c.benchmark_group(name);
        group.throughput(Throughput::Elements(services));
        let file = SourceFile::new("scalegen.yaml", text);
        group.bench_function("validate", |b| {
            b.iter(|| services_file::validate(&file, &policy));
        });
        let resolved = services_file::validate(&file, &policy).0.expect("valid");
        let options = Options {
            source_name: "scalegen.yaml".into(),
            ..Options::default()
        };
        group.bench_function("render", |b| {
            b.iter(|| render::render(&resolved, &options).expect("renders"));
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
