//! Property tests over generated services files: validation never panics whatever the YAML;
//! any valid services file renders deterministically into HPAs that the Kubernetes API's
//! schema and validation accept, that `check --services` finds nothing wrong with, and into a
//! Docker config that reads back as written.

use proptest::prelude::*;
use scalegen::policy::Policy;
use scalegen::render::{self, Options};
use scalegen::source::SourceFile;
use scalegen::{services_file, yaml};

/// Any YAML value: scalars of every kind, nested lists and mappings, including keys that are
/// the services file's own field names so structure is exercised, not just rejected.
fn any_value() -> impl Strategy<Value = serde_json::Value> {
    let keys = prop::sample::select(vec![
        "version",
        "services",
        "defaults",
        "priorities",
        "namespace",
        "minReplicas",
        "maxReplicas",
        "scaleUp",
        "scaleDown",
        "cpu",
        "memory",
        "window",
        "policies",
        "percent",
        "pods",
        "period",
        "select",
        "metrics",
        "priority",
        "target",
        "kind",
        "name",
        "resources",
        "requests",
        "limits",
        "notes",
        "api",
        "x",
        "",
    ]);
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        (-1e12f64..1e12).prop_map(serde_json::Value::from),
        "[a-z0-9 .:/_-]{0,12}".prop_map(serde_json::Value::from),
        prop::sample::select(vec![
            "60s", "1h", "soon", "250m", "1Gi", "max", "cpu", "on", "0755"
        ])
        .prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(5, 64, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            prop::collection::btree_map(keys.clone().prop_map(String::from), inner, 0..6)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

fn to_yaml(value: &serde_json::Value) -> String {
    yaml::to_string(value).expect("serializes")
}

#[derive(Debug, Clone)]
struct Generated {
    text: String,
}

fn policy() -> impl Strategy<Value = String> {
    (any::<bool>(), 1..=100i32, 1..=1800u32).prop_map(|(percent, value, period)| {
        let kind = if percent { "percent" } else { "pods" };
        format!("{{ {kind}: {value}, period: {period}s }}")
    })
}

/// A direction's window, policies and select, without thresholds.
#[derive(Debug, Clone)]
struct Rate {
    window: u32,
    policies: Vec<String>,
    select: &'static str,
}

fn rate() -> impl Strategy<Value = Rate> {
    (
        0..=3600u32,
        prop::collection::vec(policy(), 1..4),
        prop::sample::select(vec!["max", "min", "disabled"]),
    )
        .prop_map(|(window, policies, select)| Rate {
            window,
            policies,
            select,
        })
}

fn direction(cpu: i32, memory: i32, rate: &Rate) -> String {
    format!(
        "{{ cpu: {cpu}, memory: {memory}, window: {}s, select: {}, policies: [{}] }}",
        rate.window,
        rate.select,
        rate.policies.join(", ")
    )
}

/// A services file that validation accepts (a generator of the format, not of text).
fn valid_file() -> impl Strategy<Value = Generated> {
    let service = (
        (2..=5i32, 0..=8i32),
        prop::sample::select(vec!["[cpu]", "[memory]", "[cpu, memory]"]),
        (40..=100i32, 40..=100i32, 0..=19i32),
        (rate(), rate()),
        prop::option::of(prop::sample::select(vec!["high", "batch"])),
        prop::option::of(prop::sample::select(vec![
            "StatefulSet",
            "ReplicaSet",
            "Deployment",
        ])),
        prop::option::of((1..=4000u32, 64..=8192u32)),
    );
    (
        prop::collection::btree_set("[a-z][a-z0-9-]{0,10}[a-z0-9]", 1..6),
        prop::collection::vec(service, 6),
    )
        .prop_map(|(names, services)| {
            let mut body = String::new();
            let mut tiers = std::collections::BTreeSet::new();
            for (name, ((min, extra), metrics, (cpu_up, mem_up, less), (up, down), priority, kind, resources)) in
                names.iter().zip(services)
            {
                // Thresholds keep the default 20-point hysteresis gap and stay within 1..100.
                let cpu_down = (cpu_up - 20 - less).max(1);
                let mem_down = (mem_up - 20 - less).max(1);
                let max = (min + extra).clamp(min + 1, 10);
                body.push_str(&format!(
                    "  {name}:\n    minReplicas: {min}\n    maxReplicas: {max}\n    metrics: {metrics}\n    scaleUp: {}\n    scaleDown: {}\n",
                    direction(cpu_up, mem_up, &up),
                    direction(cpu_down, mem_down, &down),
                ));
                if let Some(priority) = priority {
                    tiers.insert(priority);
                    body.push_str(&format!("    priority: {priority}\n"));
                }
                if let Some(kind) = kind {
                    body.push_str(&format!("    target: {{ kind: {kind}, name: {name}-workload }}\n"));
                }
                if let Some((cpu, memory)) = resources {
                    body.push_str(&format!(
                        "    resources:\n      requests: {{ cpu: {cpu}m, memory: {memory}Mi }}\n      limits: {{ cpu: {}m, memory: {}Mi }}\n",
                        cpu * 2,
                        memory * 2
                    ));
                }
            }
            let mut text = String::from("version: 1\nnamespace: prop\n");
            // Only tiers some service uses: an unused one is a warning.
            if !tiers.is_empty() {
                text.push_str("priorities:\n");
                for tier in tiers {
                    text.push_str(match tier {
                        "high" => "  high: { maxReplicas: 10 }\n",
                        _ => "  batch: { minReplicas: 2 }\n",
                    });
                }
            }
            text.push_str("services:\n");
            text.push_str(&body);
            Generated { text }
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn validation_never_panics_on_any_yaml_value(value in any_value()) {
        let file = SourceFile::new("any.yaml", to_yaml(&value));
        let (_, diagnostics) = services_file::validate(&file, &Policy::default_policy());
        for d in diagnostics.iter() {
            // Whatever it finds, it says where.
            prop_assert!(d.primary.is_some(), "{d:?}");
            prop_assert!(d.help.is_some(), "{d:?}");
        }
    }

    #[test]
    fn validation_never_panics_on_mutated_example(cut in 0usize..4000, insert in "[ :a-z0-9\\-\\[\\]{}\\n\"']{0,8}") {
        let example = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scalegen.yaml")).unwrap();
        let mut at = cut.min(example.len());
        while !example.is_char_boundary(at) { at -= 1; }
        let text = format!("{}{insert}{}", &example[..at], &example[at..]);
        let file = SourceFile::new("mutated.yaml", text);
        let _ = services_file::validate(&file, &Policy::default_policy());
    }

    #[test]
    fn valid_files_render_deterministically_into_objects_the_api_accepts(generated in valid_file()) {
        let file = SourceFile::new("gen.yaml", generated.text.clone());
        let (services, diagnostics) = services_file::validate(&file, &Policy::default_policy());
        prop_assert!(diagnostics.is_empty(), "{}\n{:?}", generated.text, diagnostics.iter().map(|d| d.message.clone()).collect::<Vec<_>>());
        let services = services.unwrap();
        let options = Options { source_name: "gen.yaml".into(), ..Options::default() };
        let first = render::render(&services, &options).unwrap();
        let second = render::render(&services, &options).unwrap();
        prop_assert_eq!(&first.outputs, &second.outputs);
        let schema = scalegen::k8s::schemas::validator("autoscaling/v2", "HorizontalPodAutoscaler").unwrap();
        for output in first.outputs.iter().filter(|o| o.path.to_string_lossy().ends_with(".hpa.yaml")) {
            let json = yaml::parse_document(&SourceFile::new("hpa", output.contents.clone())).unwrap().to_json();
            prop_assert!(schema.is_valid(&json), "{}", output.contents);
            let api = scalegen::k8s::hpa_api::check_hpa(&json, None, &Default::default()).unwrap();
            prop_assert!(api.is_empty(), "{}\n{api:?}", output.contents);
        }
        // What render writes, `check --services` finds nothing wrong with (the workloads live
        // elsewhere, as `--allow-missing-targets` says).
        let mut policy = Policy::default_policy();
        policy.turn_off(&scalegen::rules::missing_scale_target::MISSING_SCALE_TARGET);
        let mut settings = scalegen::check::Settings::new(policy);
        settings.services = Some(services.clone());
        let stream: Vec<&str> = first
            .outputs
            .iter()
            .filter(|o| o.path.to_string_lossy().ends_with(".hpa.yaml"))
            .map(|o| o.contents.as_str())
            .collect();
        let checked = scalegen::check::check_source(&SourceFile::new("k8s.yaml", stream.join("---\n")), &settings, None);
        prop_assert!(
            checked.diagnostics.is_empty(),
            "{}\n{:?}",
            generated.text,
            checked.diagnostics.iter().map(|d| format!("{} {}", d.rule.code, d.message)).collect::<Vec<_>>()
        );
        let config = first.outputs.iter().find(|o| o.path.ends_with("docker/autoscaler.yaml")).unwrap();
        let read = scalegen::docker::config::load(&SourceFile::new("autoscaler.yaml", config.contents.clone()));
        prop_assert_eq!(read.unwrap(), scalegen::docker::config::AutoscalerConfig::from_services(&services));
    }
}
