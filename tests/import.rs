//! `scalegen import`: the round trip `render(import(X))` reproduces the semantics of every HPA
//! in X that the services file can express — on the example platform, on generated HPAs, and on
//! the real-world corpus when it is present.

mod support;

use std::collections::BTreeSet;
use std::path::Path;

use proptest::prelude::*;
use scalegen::import::{ImportInput, import};
use scalegen::k8s::hpa_api;
use scalegen::render;
use scalegen::source::SourceFile;
use serde_json::{Value, json};

/// What an HPA means to the controller, after the API's defaulting: the fields the round trip
/// must preserve.
fn semantics(hpa: &Value) -> Value {
    let mut v2 = hpa_api::convert_to_v2(hpa).expect("an HPA").v2;
    if let Some(spec) = v2.get_mut("spec").and_then(Value::as_object_mut) {
        spec.entry("behavior").or_insert_with(|| json!({}));
    }
    hpa_api::apply_defaults(&mut v2);
    let spec = &v2["spec"];
    let metrics: BTreeSet<String> = spec["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            format!(
                "{}={}",
                m["resource"]["name"], m["resource"]["target"]["averageUtilization"]
            )
        })
        .collect();
    let rules = |direction: &str| {
        let r = &spec["behavior"][direction];
        let mut policies: Vec<String> = r["policies"]
            .as_array()
            .map(|p| {
                p.iter()
                    .map(|p| format!("{}/{}/{}", p["type"], p["value"], p["periodSeconds"]))
                    .collect()
            })
            .unwrap_or_default();
        policies.sort();
        let window = r["stabilizationWindowSeconds"].as_i64().unwrap_or(300);
        json!({"window": window, "select": r["selectPolicy"], "policies": policies})
    };
    let target = &spec["scaleTargetRef"];
    json!({
        "name": v2["metadata"]["name"],
        "namespace": v2["metadata"]["namespace"],
        "min": spec["minReplicas"],
        "max": spec["maxReplicas"],
        "metrics": metrics,
        "up": rules("scaleUp"),
        "down": rules("scaleDown"),
        "target": format!("{}/{}", target["kind"], target["name"]),
    })
}

/// Imports, resolves (no policy: the round trip is about meaning, not the platform's rules)
/// and renders; returns the rendered HPAs by name.
fn round_trip(inputs: &[ImportInput]) -> (scalegen::import::Imported, Vec<Value>) {
    let imported = import(inputs);
    let file = SourceFile::new("imported.yaml", imported.text.clone());
    let loaded = scalegen::services_file::load(&file);
    assert!(
        loaded.diagnostics.is_empty(),
        "{}\n{:?}",
        imported.text,
        loaded.diagnostics
    );
    let services = loaded.services.expect("resolves");
    let hpas = services
        .services
        .iter()
        .map(|s| serde_json::to_value(render::hpa::build(&services, s)).unwrap())
        .collect();
    (imported, hpas)
}

fn read_example_hpas() -> Vec<ImportInput> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("generated/k8s");
    let mut inputs: Vec<ImportInput> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".hpa.yaml"))
        .map(|path| {
            let file = SourceFile::new(
                path.display().to_string(),
                std::fs::read_to_string(&path).unwrap(),
            );
            ImportInput {
                origin: format!("{}:2", path.file_name().unwrap().to_string_lossy()),
                object: scalegen::yaml::parse_document(&file).unwrap().to_json(),
            }
        })
        .collect();
    inputs.sort_by(|a, b| a.origin.cmp(&b.origin));
    inputs
}

#[test]
fn the_example_platform_round_trips_exactly() {
    let inputs = read_example_hpas();
    let (imported, hpas) = round_trip(&inputs);
    assert_eq!(imported.services, 8);
    assert!(imported.warnings.is_empty(), "{:?}", imported.warnings);
    // Not just the same meaning: the very same objects, labels and annotations included.
    let originals: Vec<Value> = inputs.iter().map(|i| i.object.clone()).collect();
    assert_eq!(hpas, originals);
    // And the imported file is as short as the hand-written one: shared values are factored.
    insta::assert_snapshot!(imported.text);
    // It passes the default policy too.
    let file = SourceFile::new("imported.yaml", imported.text);
    let (_, diagnostics) =
        scalegen::services_file::validate(&file, &scalegen::policy::Policy::default_policy());
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
}

#[test]
fn what_cannot_be_expressed_is_said() {
    let hpa = |name: &str, spec: Value| ImportInput {
        origin: format!("{name}.yaml:1"),
        object: json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
                       "metadata": {"name": name, "namespace": "shop"}, "spec": spec}),
    };
    let target = json!({"apiVersion": "apps/v1", "kind": "Deployment", "name": "x"});
    let inputs = vec![
        hpa(
            "queue",
            json!({"scaleTargetRef": target, "maxReplicas": 5, "metrics": [
            {"type": "External", "external": {"metric": {"name": "depth"}, "target": {"type": "AverageValue", "averageValue": "30"}}}]}),
        ),
        hpa(
            "mixed",
            json!({"scaleTargetRef": target, "maxReplicas": 5, "metrics": [
            {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 60}}},
            {"type": "Pods", "pods": {"metric": {"name": "rps"}, "target": {"type": "AverageValue", "averageValue": "10"}}}]}),
        ),
        hpa(
            "rollout",
            json!({"scaleTargetRef": {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "name": "r"}, "maxReplicas": 5}),
        ),
        hpa(
            "Bad_Name",
            json!({"scaleTargetRef": target, "maxReplicas": 5}),
        ),
        hpa("untargeted", json!({"maxReplicas": 5})),
    ];
    let imported = import(&inputs);
    assert_eq!((imported.services, imported.skipped), (1, 4));
    assert!(
        imported.warnings.join("\n").contains(
            "untargeted.yaml:1: not imported: its `spec.scaleTargetRef` has no `kind` or no `name`"
        ),
        "{:?}",
        imported.warnings
    );
    let warnings = imported.warnings.join("\n");
    assert!(
        warnings.contains("queue.yaml:1: not imported: none of its metrics can be expressed"),
        "{warnings}"
    );
    assert!(
        warnings.contains("`Pods` metric cannot be expressed"),
        "{warnings}"
    );
    assert!(warnings.contains("legacy path"), "{warnings}");
    assert!(warnings.contains("scales a `Rollout`"), "{warnings}");
    assert!(
        warnings.contains("`Bad_Name` cannot be a service name"),
        "{warnings}"
    );
    assert!(
        imported
            .text
            .contains("# not expressed: the `Pods` metric cannot be expressed"),
        "{}",
        imported.text
    );
    assert!(
        imported.text.contains("# rollout.yaml:1: not imported"),
        "{}",
        imported.text
    );
}

/// Found by the round-trip property: an HPA equal in every field to the factored defaults
/// left its service as `name:` with only a comment under it, which YAML reads as null.
#[test]
fn a_service_that_only_inherits_is_an_empty_mapping() {
    let hpa = |name: &str, max: u32, target: &str| ImportInput {
        origin: format!("{name}.yaml:1"),
        object: json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": name, "namespace": "shop"},
            "spec": {"maxReplicas": max, "metrics": [{"type": "Resource", "resource":
                {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}}}],
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": target}}}),
    };
    let inputs = vec![
        hpa("api", 4, "api"),
        hpa("web", 4, "web"),
        hpa("jobs", 2, "jobs-app"),
    ];
    let (imported, hpas) = round_trip(&inputs);
    assert!(imported.text.contains("  api: {}\n"), "{}", imported.text);
    let originals: Vec<Value> = inputs.iter().map(|i| semantics(&i.object)).collect();
    let rendered: Vec<Value> = hpas.iter().map(semantics).collect();
    assert_eq!(rendered, originals);
}

fn policy() -> impl Strategy<Value = Value> {
    (any::<bool>(), 1..=100i32, 1..=1800i32).prop_map(|(percent, value, period)| {
        json!({"type": if percent { "Percent" } else { "Pods" }, "value": value, "periodSeconds": period})
    })
}

fn rules() -> impl Strategy<Value = Value> {
    (
        prop::option::of(0..=3600i32),
        prop::option::of(prop::sample::select(vec!["Max", "Min", "Disabled"])),
        prop::option::of(prop::collection::vec(policy(), 1..4)),
    )
        .prop_map(|(window, select, policies)| {
            let mut rules = serde_json::Map::new();
            if let Some(w) = window {
                rules.insert("stabilizationWindowSeconds".into(), json!(w));
            }
            if let Some(s) = select {
                rules.insert("selectPolicy".into(), json!(s));
            }
            if let Some(p) = policies {
                rules.insert("policies".into(), json!(p));
            }
            Value::Object(rules)
        })
}

/// Any HPA the services file can express: CPU/memory utilization metrics, a behavior (possibly
/// partial: the API's defaults fill it), any bounds and target, in v2 or v2beta2.
fn expressible_hpa() -> impl Strategy<Value = Value> {
    (
        "[a-z][a-z0-9-]{0,20}[a-z0-9]",
        prop::option::of(1..=20i32),
        1..=200i32,
        prop::option::of(1..=150i32),
        prop::option::of(1..=150i32),
        (prop::option::of(rules()), prop::option::of(rules())),
        prop::sample::select(vec!["Deployment", "StatefulSet", "ReplicaSet"]),
        any::<bool>(),
        prop::sample::select(vec!["autoscaling/v2", "autoscaling/v2beta2"]),
        prop::option::of(prop::sample::select(vec!["high", "low"])),
    )
        .prop_map(|(name, min, extra, cpu, memory, (up, down), kind, same_name, api_version, priority)| {
            let mut metrics = Vec::new();
            for (resource, target) in [("cpu", cpu), ("memory", memory)] {
                if let Some(t) = target {
                    metrics.push(json!({"type": "Resource", "resource": {"name": resource, "target": {"type": "Utilization", "averageUtilization": t}}}));
                }
            }
            if metrics.is_empty() {
                metrics.push(json!({"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}}}));
            }
            let mut behavior = serde_json::Map::new();
            if let Some(up) = up {
                behavior.insert("scaleUp".into(), up);
            }
            if let Some(down) = down {
                behavior.insert("scaleDown".into(), down);
            }
            let mut spec = json!({
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": kind, "name": if same_name { name.clone() } else { format!("{name}-app") }},
                "maxReplicas": min.unwrap_or(1) + extra,
                "metrics": metrics,
                "behavior": behavior,
            });
            if let Some(min) = min {
                spec["minReplicas"] = json!(min);
            }
            let mut metadata = json!({"name": name, "namespace": "prop"});
            if let Some(p) = priority {
                metadata["annotations"] = json!({"scalegen.io/priority": p});
            }
            json!({"apiVersion": api_version, "kind": "HorizontalPodAutoscaler", "metadata": metadata, "spec": spec})
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    #[test]
    fn generated_hpas_round_trip(hpas in prop::collection::vec(expressible_hpa(), 1..8)) {
        // Names are unique per services file; keep the first of each.
        let mut seen = BTreeSet::new();
        let inputs: Vec<ImportInput> = hpas
            .into_iter()
            .filter(|h| seen.insert(h["metadata"]["name"].as_str().unwrap().to_owned()))
            .enumerate()
            .map(|(i, object)| ImportInput { origin: format!("gen.yaml:{}", i + 1), object })
            .collect();
        let (imported, rendered) = round_trip(&inputs);
        prop_assert_eq!(imported.skipped, 0, "{:?}", imported.warnings);
        let mut expected: Vec<Value> = inputs.iter().map(|i| semantics(&i.object)).collect();
        let mut actual: Vec<Value> = rendered.iter().map(semantics).collect();
        let by_name = |v: &Value| v["name"].as_str().unwrap().to_owned();
        expected.sort_by_key(by_name);
        actual.sort_by_key(by_name);
        prop_assert_eq!(actual, expected, "{}", imported.text);
    }
}

/// Every HPA of the real-world corpus that the services file can express round-trips. HPAs
/// without `behavior` (the controller's legacy path, which a services file cannot select) are
/// imported with the autoscaling/v2 behavior defaults and a warning; they round-trip to those.
#[test]
fn corpus_hpas_round_trip() {
    let Some(paths) = support::corpus_files() else {
        return;
    };
    let (mut exact, mut legacy, mut not_expressible, mut total) = (0, 0, 0, 0);
    for path in &paths {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let file = SourceFile::new(path.display().to_string(), text);
        let Ok(docs) = scalegen::yaml::parse_stream(&file) else {
            continue;
        };
        for (index, doc) in docs.iter().enumerate() {
            let object = doc.to_json();
            if object.get("kind").and_then(Value::as_str) != Some("HorizontalPodAutoscaler")
                || hpa_api::convert_to_v2(&object).is_err()
            {
                continue;
            }
            total += 1;
            let input = ImportInput {
                origin: format!("{}#{index}", path.display()),
                object,
            };
            let imported = import(std::slice::from_ref(&input));
            let inexact: Vec<&String> = imported
                .warnings
                .iter()
                .filter(|w| !w.contains("legacy path"))
                .collect();
            if imported.services != 1 || !inexact.is_empty() {
                not_expressible += 1;
                continue;
            }
            let (_, rendered) = round_trip(std::slice::from_ref(&input));
            assert_eq!(
                semantics(&rendered[0]),
                semantics(&input.object),
                "{}",
                input.origin
            );
            if imported.warnings.is_empty() {
                exact += 1;
            } else {
                legacy += 1;
            }
        }
    }
    let summary = format!(
        "{total} HPAs: {exact} round-trip exactly, {legacy} without behavior round-trip to the v2 defaults, {not_expressible} not expressible"
    );
    println!("corpus: {summary}");
    insta::assert_snapshot!(summary);
}
