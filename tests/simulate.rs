//! The simulation on the example platform (`scalegen.yaml`): snapshots of the platform summary
//! and of api-gateway's CSV for every pattern and for a recorded trace; the chart; the Docker
//! engine reading the config `render` writes; HPA manifests read as the controller reads them.

use std::path::Path;
use std::sync::Arc;

use scalegen::docker::config::{self as docker_config, AutoscalerConfig};
use scalegen::hpa::{ControllerConfig, MetricSpec, MetricTarget};
use scalegen::model::Services;
use scalegen::policy::Policy;
use scalegen::simulate::load::defaults;
use scalegen::simulate::report::{self, RunInfo, ServiceSummary};
use scalegen::simulate::setup::{self, ResolvedRequests};
use scalegen::simulate::{
    self, DockerSetup, EngineKind, FleetSettings, KubernetesSetup, LoadSource, Pattern,
    RequestCost, Scenario, Timeline, chart, trace,
};
use scalegen::source::SourceFile;
use scalegen::{services_file, yaml};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn source(path: &Path) -> Arc<SourceFile> {
    let text = std::fs::read_to_string(path).expect("fixture reads");
    SourceFile::new(path.file_name().unwrap().to_string_lossy(), text)
}

fn platform() -> Services {
    let file = source(&root().join("scalegen.yaml"));
    let (services, diagnostics) =
        services_file::validate(&file, &Policy::built_in("default").unwrap());
    assert_eq!(diagnostics.errors(), 0, "the example platform is valid");
    services.expect("the example platform resolves")
}

fn patterns() -> Vec<(&'static str, Pattern)> {
    vec![
        ("constant", Pattern::Constant { rps: defaults::RPS }),
        (
            "spike",
            Pattern::Spike {
                base: defaults::BASE,
                peak: defaults::PEAK,
                every_seconds: defaults::SPIKE_EVERY_SECONDS,
                for_seconds: defaults::SPIKE_FOR_SECONDS,
            },
        ),
        (
            "gradual",
            Pattern::Gradual {
                from: defaults::FROM,
                to: defaults::TO,
                over_seconds: simulate::DEFAULT_DURATION_SECONDS,
            },
        ),
        (
            "random",
            Pattern::Random {
                base: defaults::BASE,
                peak: defaults::PEAK,
                seed: defaults::SEED,
            },
        ),
    ]
}

fn pattern_load(pattern: Pattern) -> LoadSource {
    LoadSource::Pattern {
        pattern,
        cost: RequestCost::default(),
    }
}

/// A scenario as `scalegen simulate --service NAME` builds it with every default.
fn scenario(
    services: &Services,
    docker: &AutoscalerConfig,
    name: &str,
    load: &LoadSource,
) -> (Scenario, ResolvedRequests) {
    let service = services.service(name).expect("the service exists");
    let setup = setup::service_setup(services, service, docker).expect("simulatable");
    let requests =
        setup::resolve_requests(service.resources.as_ref().map(|r| &r.value), None, None);
    let duration = load
        .natural_duration_seconds()
        .unwrap_or(simulate::DEFAULT_DURATION_SECONDS);
    (
        Scenario {
            load: load.clone(),
            duration_seconds: duration,
            fleet: FleetSettings {
                requests: requests.requests,
                startup_delay_seconds: FleetSettings::DEFAULT_STARTUP_DELAY_SECONDS,
                metric_lag_seconds: FleetSettings::DEFAULT_METRIC_LAG_SECONDS,
                initial_replicas: setup.min_replicas,
            },
            kubernetes: Some(KubernetesSetup {
                spec: setup.hpa,
                controller: ControllerConfig::default(),
            }),
            docker: Some(DockerSetup {
                config: setup.docker,
                interval_seconds: setup.docker_interval_seconds,
            }),
        },
        requests,
    )
}

fn platform_summary(services: &Services, load: &LoadSource) -> String {
    let docker = AutoscalerConfig::from_services(services);
    let summaries: Vec<ServiceSummary> = services
        .services
        .iter()
        .map(|service| {
            let (scenario, _) = scenario(services, &docker, &service.name, load);
            ServiceSummary {
                service: service.name.clone(),
                summaries: simulate::run(&scenario).expect("runs").summaries(),
            }
        })
        .collect();
    report::platform_table(&summaries)
}

fn gateway(services: &Services, load: &LoadSource) -> (RunInfo, Timeline) {
    let docker = AutoscalerConfig::from_services(services);
    let (scenario, requests) = scenario(services, &docker, "api-gateway", load);
    let timeline = simulate::run(&scenario).expect("runs");
    let info = RunInfo {
        service: "api-gateway".into(),
        load: load.describe(),
        requests,
        fleet: scenario.fleet,
    };
    (info, timeline)
}

#[test]
fn summary_and_csv_for_every_pattern() {
    let services = platform();
    for (name, pattern) in patterns() {
        let load = pattern_load(pattern);
        insta::assert_snapshot!(
            format!("platform-summary-{name}"),
            platform_summary(&services, &load)
        );
        let (info, timeline) = gateway(&services, &load);
        insta::assert_snapshot!(
            format!("gateway-summary-{name}"),
            format!(
                "{}\n{}",
                report::header(&info, &timeline),
                report::summary(&timeline.summaries())
            )
        );
        insta::assert_snapshot!(format!("gateway-csv-{name}"), report::csv(&timeline));
    }
}

#[test]
fn a_recorded_trace_replays() {
    let services = platform();
    let file = source(&root().join("tests/fixtures/simulate/gateway-trace.csv"));
    let load = LoadSource::Trace(trace::parse(&file).expect("the fixture trace is valid"));
    let (info, timeline) = gateway(&services, &load);
    assert_eq!(timeline.duration_seconds, 1800, "a trace lasts its span");
    insta::assert_snapshot!(
        "gateway-summary-trace",
        format!(
            "{}\n{}",
            report::header(&info, &timeline),
            report::summary(&timeline.summaries())
        )
    );
    insta::assert_snapshot!("gateway-csv-trace", report::csv(&timeline));
}

#[test]
fn the_gateway_spike_scales_up_on_both_engines_and_back_down() {
    let services = platform();
    let load = pattern_load(patterns().remove(1).1);
    let (_, timeline) = gateway(&services, &load);
    for summary in timeline.summaries() {
        assert_eq!(summary.initial_replicas, 2);
        assert!(summary.peak_replicas > 2, "{summary:?}");
        assert!(summary.peak_replicas <= 10, "{summary:?}");
        // The first burst starts at 20 minutes; nothing moves before the metrics show it.
        let first = summary.first_scale_up_seconds.expect("scales up");
        assert!((1200..1200 + 180).contains(&first), "{summary:?}");
        assert!(summary.scale_downs > 0, "{summary:?}");
    }
    let table = report::table(
        &RunInfo {
            service: "api-gateway".into(),
            load: load.describe(),
            requests: setup::resolve_requests(None, None, None),
            fleet: FleetSettings {
                requests: Default::default(),
                startup_delay_seconds: 30,
                metric_lag_seconds: 15,
                initial_replicas: 2,
            },
        },
        &timeline,
    );
    assert!(table.contains("| Kubernetes HPA"));
    assert!(table.contains("| Docker autoscaler"));
    assert!(table.contains("ScaleUpLimit"));
}

#[test]
fn the_chart_is_well_formed_svg_with_both_engines() {
    let services = platform();
    let (info, timeline) = gateway(&services, &pattern_load(patterns().remove(1).1));
    let svg = chart::svg(&info, &timeline).expect("draws");
    let document = roxmltree::Document::parse(&svg).expect("the chart is well-formed XML");
    let root = document.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    let texts: Vec<&str> = document
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .map(str::trim)
        .collect();
    for engine in [EngineKind::Kubernetes, EngineKind::Docker] {
        let label = chart::series_label(engine);
        assert!(
            texts.contains(&label.as_str()),
            "legend has {label}: {texts:?}"
        );
        let color = chart::engine_color(engine);
        let stroke = format!("#{:02X}{:02X}{:02X}", color.0, color.1, color.2);
        let series: Vec<_> = document
            .descendants()
            .filter(|n| {
                n.has_tag_name("polyline") && n.attribute("stroke") == Some(stroke.as_str())
            })
            .collect();
        assert!(!series.is_empty(), "no {stroke} series for {engine:?}");
        let points = series[0]
            .attribute("points")
            .unwrap_or("")
            .split_whitespace()
            .count();
        assert!(points > 10, "the {engine:?} series has {points} points");
    }
    assert!(texts.iter().any(|t| t.starts_with("demand")), "{texts:?}");
}

#[test]
fn the_docker_engine_runs_the_config_render_writes() {
    let services = platform();
    let derived = AutoscalerConfig::from_services(&services);
    let text = yaml::to_string(&derived).expect("serializes");
    let file = SourceFile::new("generated/docker/autoscaler.yaml", text);
    let loaded = docker_config::load(&file).expect("the written config reads back");
    assert_eq!(loaded, derived);
    let load = pattern_load(patterns().remove(3).1);
    let (from_file, _) = scenario(&services, &loaded, "export-service", &load);
    let (from_services, _) = scenario(&services, &derived, "export-service", &load);
    assert_eq!(
        simulate::run(&from_file).unwrap(),
        simulate::run(&from_services).unwrap()
    );
}

#[test]
fn a_services_entry_simulates_as_its_rendered_hpa() {
    let services = platform();
    for service in &services.services {
        let from_services = setup::service_hpa(&services, service).expect("simulatable");
        let manifest = scalegen::render::hpa::build(&services, service);
        let text = yaml::to_string(&manifest).expect("serializes");
        let file = SourceFile::new("hpa.yaml", text);
        let from_manifest = setup::load_hpa_manifest(&file, None).expect("reads back");
        assert_eq!(from_manifest.name, service.name);
        assert_eq!(from_manifest.spec, from_services, "{}", service.name);
        assert!(
            from_services.behavior.is_some(),
            "render always writes a behavior"
        );
    }
    let gateway = setup::service_hpa(&services, services.service("api-gateway").unwrap()).unwrap();
    assert_eq!(gateway.min_replicas, Some(2));
    assert_eq!(gateway.max_replicas, 10);
    assert_eq!(
        gateway.metrics,
        [
            MetricSpec::Resource {
                name: "cpu".into(),
                target: MetricTarget::Utilization {
                    average_utilization: 70
                }
            },
            MetricSpec::Resource {
                name: "memory".into(),
                target: MetricTarget::Utilization {
                    average_utilization: 70
                }
            },
        ]
    );
}

#[test]
fn an_hpa_without_behavior_takes_the_legacy_path() {
    let file = source(&root().join("tests/fixtures/simulate/legacy-v1.yaml"));
    let manifest = setup::load_hpa_manifest(&file, None).expect("a valid v1 HPA");
    assert_eq!(manifest.api_version, "autoscaling/v1");
    assert_eq!(manifest.spec.behavior, None);
    assert_eq!(manifest.spec.min_replicas, Some(2));
    assert_eq!(
        manifest.spec.metrics,
        [MetricSpec::Resource {
            name: "cpu".into(),
            target: MetricTarget::Utilization {
                average_utilization: 60
            }
        }]
    );
    // The legacy cap, max(2 × current, 4) per sync, lets 2 replicas jump to 4, then 8, then 12.
    let scenario = Scenario {
        load: pattern_load(Pattern::Constant { rps: 1000.0 }),
        duration_seconds: 120,
        fleet: FleetSettings {
            requests: Default::default(),
            startup_delay_seconds: 0,
            metric_lag_seconds: 0,
            initial_replicas: 2,
        },
        kubernetes: Some(KubernetesSetup {
            spec: manifest.spec,
            controller: ControllerConfig::default(),
        }),
        docker: None,
    };
    let timeline = simulate::run(&scenario).unwrap();
    let replicas: Vec<i32> = timeline
        .rows
        .iter()
        .map(|r| r.engines[0].replicas)
        .collect();
    assert_eq!(&replicas[..4], [4, 8, 12, 12]);
    assert_eq!(timeline.rows[0].engines[0].reason, "ScaleUpLimit");
    assert_eq!(timeline.rows[2].engines[0].reason, "TooManyReplicas");
}

fn located(diagnostics: &[scalegen::diagnostics::Diagnostic]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| {
            let at = d.primary.as_ref().expect("located").start();
            format!("{}:{} {}", at.line, at.column, d.message)
        })
        .collect()
}

#[test]
fn hpa_problems_are_located() {
    let file = source(&root().join("tests/fixtures/simulate/custom-metric.yaml"));
    let problems = setup::load_hpa_manifest(&file, None).expect_err("not simulatable");
    assert_eq!(
        located(&problems),
        ["16:7 `External` metrics cannot be simulated"]
    );
    let file = source(&root().join("tests/fixtures/simulate/refused.yaml"));
    let problems = setup::load_hpa_manifest(&file, None).expect_err("refused");
    assert_eq!(
        located(&problems),
        [
            "11:16 spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`"
        ]
    );
    let two = SourceFile::new(
        "two.yaml",
        format!(
            "{}---\n{}",
            std::fs::read_to_string(root().join("tests/fixtures/simulate/legacy-v1.yaml")).unwrap(),
            std::fs::read_to_string(root().join("tests/fixtures/simulate/custom-metric.yaml"))
                .unwrap()
        ),
    );
    let problems = setup::load_hpa_manifest(&two, None).expect_err("ambiguous");
    assert_eq!(
        located(&problems),
        ["1:1 the file has 2 HorizontalPodAutoscalers; say which to simulate"]
    );
    assert_eq!(
        setup::load_hpa_manifest(&two, Some("web")).unwrap().name,
        "web"
    );
}

#[test]
fn a_run_is_deterministic() {
    let services = platform();
    let load = pattern_load(patterns().remove(3).1);
    let (_, first) = gateway(&services, &load);
    let (_, second) = gateway(&services, &load);
    assert_eq!(first, second);
    assert_eq!(report::csv(&first), report::csv(&second));
}
