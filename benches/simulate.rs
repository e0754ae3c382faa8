//! How long `simulate` takes: a day of 15 s syncs for 1,000 services, both engines, one thread.
//!
//! `cargo bench --bench simulate`. The services are the example platform's eight, repeated,
//! each under its own random load (seeded by its index), so every run does real scaling work.

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};

use scalegen::docker::config::AutoscalerConfig;
use scalegen::hpa::ControllerConfig;
use scalegen::policy::Policy;
use scalegen::services_file;
use scalegen::simulate::setup::{self, ServiceSetup};
use scalegen::simulate::{
    self, DockerSetup, FleetSettings, KubernetesSetup, LoadSource, Pattern, RequestCost, Requests,
    Scenario,
};
use scalegen::source::SourceFile;

const DAY_SECONDS: i64 = 24 * 3600;
const SERVICES: usize = 1_000;

fn platform() -> Vec<ServiceSetup> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scalegen.yaml");
    let file: Arc<SourceFile> = SourceFile::new(
        "scalegen.yaml",
        std::fs::read_to_string(path).expect("reads"),
    );
    let (services, _) = services_file::validate(&file, &Policy::built_in("default").unwrap());
    let services = services.expect("the example platform resolves");
    let docker = AutoscalerConfig::from_services(&services);
    services
        .services
        .iter()
        .map(|s| setup::service_setup(&services, s, &docker).expect("simulatable"))
        .collect()
}

fn scenario(setup: &ServiceSetup, index: usize) -> Scenario {
    Scenario {
        load: LoadSource::Pattern {
            pattern: Pattern::Random {
                base: 50.0,
                peak: 700.0,
                seed: index as u64,
            },
            cost: RequestCost::default(),
        },
        duration_seconds: DAY_SECONDS,
        fleet: FleetSettings {
            requests: Requests::default(),
            startup_delay_seconds: FleetSettings::DEFAULT_STARTUP_DELAY_SECONDS,
            metric_lag_seconds: FleetSettings::DEFAULT_METRIC_LAG_SECONDS,
            initial_replicas: setup.min_replicas,
        },
        kubernetes: Some(KubernetesSetup {
            spec: setup.hpa.clone(),
            controller: ControllerConfig::default(),
        }),
        docker: Some(DockerSetup {
            config: setup.docker.clone(),
            interval_seconds: setup.docker_interval_seconds,
        }),
    }
}

fn day_for_many_services(c: &mut Criterion) {
    let platform = platform();
    let scenarios: Vec<Scenario> = (0..SERVICES)
        .map(|i| scenario(&platform[i % platform.len()], i))
        .collect();
    let mut group = c.benchmark_group("simulate");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(60));
    group.bench_function("one service, one day of 15 s syncs, both engines", |b| {
        b.iter(|| {
            black_box(
                simulate::run(black_box(&scenarios[1]))
                    .expect("runs")
                    .summaries(),
            )
        })
    });
    // One iteration takes about half a minute: ten of them need more than the minute above.
    group.measurement_time(Duration::from_secs(400));
    group.bench_function("1,000 services, one day of 15 s syncs, both engines", |b| {
        b.iter(|| {
            for scenario in &scenarios {
                black_box(simulate::run(scenario).expect("runs").summaries());
            }
        })
    });
    group.finish();
}

criterion_group!(benches, day_for_many_services);
criterion_main!(benches);
