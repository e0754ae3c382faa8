//! The tightened Kubernetes schemas of `scalegen::k8s::schemas`: valid and invalid objects of
//! every supported kind, robustness on arbitrary JSON, and the real-world corpus in
//! `shared/corpus/real` (read in place, never copied here).

mod support;
use support::corpus_files;

use std::collections::BTreeMap;

use jsonschema::error::ValidationErrorKind;
use scalegen::k8s::schemas::{self, KindSchema};
use serde_json::{Value, json};

/// One error as `(instance path, what)`: `what` is `unknown:NAME`, `required:NAME`, `type`,
/// `minimum`, `maximum`, `const`, `pattern`, `format` or `other`.
fn errors(api_version: &str, kind: &str, document: &Value) -> Vec<(String, String)> {
    let schema = schemas::validator(api_version, kind).expect("supported pair");
    let found: Vec<(String, String)> = schema
        .iter_errors(document)
        .flat_map(|error| {
            let path = error.instance_path().to_string();
            // Every error's schema path resolves in the schema the lead gets.
            assert!(
                keyword_owner(schema, error.schema_path().as_str()).is_some(),
                "{} does not resolve",
                error.schema_path()
            );
            describe(error.kind())
                .into_iter()
                .map(move |what| (path.clone(), what))
        })
        .collect();
    assert_eq!(schema.is_valid(document), found.is_empty());
    found
}

/// The schema object holding the keyword at an error's `schema_path` (its parent: canonical
/// schema paths never go through a `$ref`), where the field names and annotations are.
fn keyword_owner<'s>(schema: &'s KindSchema, schema_path: &str) -> Option<&'s Value> {
    let parent = schema_path
        .rsplit_once('/')
        .map_or("", |(parent, _)| parent);
    schema.schema().pointer(parent)
}

fn describe(kind: &ValidationErrorKind) -> Vec<String> {
    match kind {
        ValidationErrorKind::AdditionalProperties { unexpected } => unexpected
            .iter()
            .map(|name| format!("unknown:{name}"))
            .collect(),
        ValidationErrorKind::Required { property } => {
            vec![format!("required:{}", property.as_str().unwrap_or("?"))]
        }
        ValidationErrorKind::Type { .. } => vec!["type".into()],
        ValidationErrorKind::Minimum { .. } => vec!["minimum".into()],
        ValidationErrorKind::Maximum { .. } => vec!["maximum".into()],
        ValidationErrorKind::Constant { .. } => vec!["const".into()],
        ValidationErrorKind::Pattern { .. } => vec!["pattern".into()],
        ValidationErrorKind::Format { .. } => vec!["format".into()],
        _ => vec!["other".into()],
    }
}

fn one(path: &str, what: &str) -> Vec<(String, String)> {
    vec![(path.to_owned(), what.to_owned())]
}

/// Sets the value at `pointer` (its parent must exist), or removes it when `value` is `None`.
fn edit(document: &Value, pointer: &str, value: Option<Value>) -> Value {
    let mut document = document.clone();
    let (parent, last) = pointer.rsplit_once('/').expect("a pointer");
    let parent = document.pointer_mut(parent).expect("parent exists");
    match (parent, value) {
        (Value::Object(map), Some(value)) => {
            map.insert(last.to_owned(), value);
        }
        (Value::Object(map), None) => {
            map.remove(last).expect("key exists");
        }
        (Value::Array(items), Some(value)) => items[last.parse::<usize>().expect("index")] = value,
        (Value::Array(items), None) => {
            items.remove(last.parse::<usize>().expect("index"));
        }
        _ => panic!("{pointer}: parent is not a container"),
    }
    document
}

fn set(document: &Value, pointer: &str, value: Value) -> Value {
    edit(document, pointer, Some(value))
}

fn remove(document: &Value, pointer: &str) -> Value {
    edit(document, pointer, None)
}

/// Renames the key at `pointer` (a typo).
fn rename(document: &Value, pointer: &str, new_name: &str) -> Value {
    let value = document.pointer(pointer).expect("exists").clone();
    let parent = pointer.rsplit_once('/').expect("a pointer").0;
    set(
        &remove(document, pointer),
        &format!("{parent}/{new_name}"),
        value,
    )
}

// ---------------------------------------------------------------------------------------------
// Valid objects.

fn hpa_v2() -> Value {
    json!({
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "web", "namespace": "prod", "labels": {"app": "web"}},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
            "minReplicas": 2,
            "maxReplicas": 10,
            "metrics": [
                {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 60}}},
                {"type": "ContainerResource", "containerResource": {"name": "memory", "container": "app", "target": {"type": "AverageValue", "averageValue": "500Mi"}}},
                {"type": "Pods", "pods": {"metric": {"name": "rps"}, "target": {"type": "AverageValue", "averageValue": 100}}},
                {"type": "Object", "object": {
                    "describedObject": {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "name": "web"},
                    "metric": {"name": "requests", "selector": {"matchLabels": {"path": "/"}}},
                    "target": {"type": "Value", "value": "10k"}}},
                {"type": "External", "external": {"metric": {"name": "queue", "selector": {"matchExpressions": [{"key": "q", "operator": "In", "values": ["a"]}]}}, "target": {"type": "AverageValue", "averageValue": 1.5}}}
            ],
            "behavior": {
                "scaleUp": {"stabilizationWindowSeconds": 0, "selectPolicy": "Max", "tolerance": "0.05",
                    "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}]},
                "scaleDown": {"policies": [{"type": "Pods", "value": 1, "periodSeconds": 60}]}
            }
        },
        "status": {
            "currentReplicas": 3,
            "desiredReplicas": 3,
            "lastScaleTime": "2024-05-01T10:00:00Z",
            "conditions": [{"type": "AbleToScale", "status": "True", "lastTransitionTime": "2024-05-01T10:00:00Z", "reason": "ReadyForNewScale"}],
            "currentMetrics": [{"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 40, "averageValue": "200m"}}}]
        }
    })
}

fn hpa_v1() -> Value {
    json!({
        "apiVersion": "autoscaling/v1",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "php-apache"},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "php-apache"},
            "minReplicas": 1,
            "maxReplicas": 10,
            "targetCPUUtilizationPercentage": 50
        },
        "status": {"currentReplicas": 0, "desiredReplicas": 0}
    })
}

fn hpa_v2beta2() -> Value {
    let mut document = hpa_v2();
    document["apiVersion"] = json!("autoscaling/v2beta2");
    remove(&document, "/spec/behavior/scaleUp/tolerance")
}

fn hpa_v2beta1() -> Value {
    json!({
        "apiVersion": "autoscaling/v2beta1",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "consumer"},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "consumer"},
            "minReplicas": 1,
            "maxReplicas": 10,
            "metrics": [
                {"type": "Resource", "resource": {"name": "cpu", "targetAverageUtilization": 50}},
                {"type": "Resource", "resource": {"name": "memory", "targetAverageValue": "1Gi"}},
                {"type": "ContainerResource", "containerResource": {"name": "cpu", "container": "app", "targetAverageUtilization": 70}},
                {"type": "Pods", "pods": {"metricName": "rps", "targetAverageValue": "10"}},
                {"type": "Object", "object": {"target": {"kind": "Service", "name": "web"}, "metricName": "hits", "targetValue": 100}},
                {"type": "External", "external": {"metricName": "queue_length", "metricSelector": {"matchLabels": {"queue": "orders"}}, "targetAverageValue": 30}}
            ]
        },
        "status": {
            "currentReplicas": 1,
            "desiredReplicas": 1,
            "currentMetrics": [{"type": "External", "external": {"metricName": "queue_length", "currentValue": "0", "currentAverageValue": 0}}],
            "conditions": [{"type": "ScalingActive", "status": "True"}]
        }
    })
}

fn pod_template() -> Value {
    json!({
        "metadata": {"labels": {"app": "web"}, "annotations": {"prometheus.io/scrape": "true"}},
        "spec": {
            "containers": [{
                "name": "app",
                "image": "nginx:1.27",
                "imagePullPolicy": "IfNotPresent",
                "args": ["--port", "8080"],
                "ports": [{"containerPort": 8080, "name": "http", "protocol": "TCP"}],
                "env": [
                    {"name": "MODE", "value": "prod"},
                    {"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                    {"name": "LIMIT", "valueFrom": {"resourceFieldRef": {"resource": "limits.memory", "divisor": "1Mi"}}}
                ],
                "resources": {"requests": {"cpu": "250m", "memory": 1.5}, "limits": {"cpu": 1, "memory": "512Mi", "nvidia.com/gpu": 1}},
                "readinessProbe": {"httpGet": {"path": "/healthz", "port": "http"}, "periodSeconds": 5},
                "livenessProbe": {"tcpSocket": {"port": 8080}, "initialDelaySeconds": 10},
                "securityContext": {"runAsNonRoot": true, "capabilities": {"drop": ["ALL"]}},
                "volumeMounts": [{"name": "config", "mountPath": "/etc/app", "readOnly": true}]
            }],
            "volumes": [{"name": "config", "configMap": {"name": "app-config", "defaultMode": 420}}],
            "nodeSelector": {"kubernetes.io/os": "linux"},
            "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "web", "effect": "NoSchedule"}],
            "topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "ScheduleAnyway", "labelSelector": {"matchLabels": {"app": "web"}}}],
            "terminationGracePeriodSeconds": 30
        }
    })
}

fn deployment() -> Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"app": "web"}},
        "spec": {
            "replicas": 3,
            "selector": {"matchLabels": {"app": "web"}},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}},
            "template": pod_template()
        }
    })
}

/// What `kubectl create deployment web --image=nginx --dry-run=client -o yaml` prints.
fn deployment_from_kubectl_dry_run() -> Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"creationTimestamp": null, "labels": {"app": "web"}, "name": "web"},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app": "web"}},
            "strategy": {},
            "template": {
                "metadata": {"creationTimestamp": null, "labels": {"app": "web"}},
                "spec": {"containers": [{"image": "nginx", "name": "nginx", "resources": {}}]}
            }
        },
        "status": {}
    })
}

fn statefulset() -> Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": "db"},
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "replicas": 3,
            "podManagementPolicy": "Parallel",
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0, "maxUnavailable": 1}},
            "template": pod_template(),
            "volumeClaimTemplates": [{
                "metadata": {"name": "data", "creationTimestamp": null},
                "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "10Gi"}}},
                "status": {}
            }],
            "persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Retain", "whenScaled": "Delete"}
        },
        "status": {"replicas": 3, "readyReplicas": 3}
    })
}

fn replicaset() -> Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {"name": "frontend", "labels": {"tier": "frontend"}},
        "spec": {
            "replicas": 3,
            "selector": {"matchLabels": {"app": "web"}},
            "template": pod_template()
        }
    })
}

#[test]
fn valid_objects_of_every_kind_pass() {
    let cases = [
        ("autoscaling/v2", "HorizontalPodAutoscaler", hpa_v2()),
        ("autoscaling/v1", "HorizontalPodAutoscaler", hpa_v1()),
        (
            "autoscaling/v2beta2",
            "HorizontalPodAutoscaler",
            hpa_v2beta2(),
        ),
        (
            "autoscaling/v2beta1",
            "HorizontalPodAutoscaler",
            hpa_v2beta1(),
        ),
        ("apps/v1", "Deployment", deployment()),
        ("apps/v1", "Deployment", deployment_from_kubectl_dry_run()),
        ("apps/v1", "StatefulSet", statefulset()),
        ("apps/v1", "ReplicaSet", replicaset()),
    ];
    for (api_version, kind, document) in cases {
        assert_eq!(
            errors(api_version, kind, &document),
            [],
            "{api_version} {kind}"
        );
    }
    assert_eq!(
        schemas::supported().count(),
        7,
        "a new kind needs valid and invalid cases here"
    );
}

#[test]
fn optional_fields_accept_null() {
    let document = set(&hpa_v2(), "/spec/minReplicas", Value::Null);
    let document = set(&document, "/spec/behavior", Value::Null);
    let document = set(
        &document,
        "/spec/metrics/0/resource/target/averageValue",
        Value::Null,
    );
    let document = set(&document, "/metadata/labels/app", Value::Null);
    let document = set(&document, "/status", Value::Null);
    assert_eq!(
        errors("autoscaling/v2", "HorizontalPodAutoscaler", &document),
        []
    );

    let document = set(
        &deployment(),
        "/spec/strategy/rollingUpdate/maxSurge",
        Value::Null,
    );
    let document = set(
        &document,
        "/spec/template/spec/containers/0/resources/limits/cpu",
        Value::Null,
    );
    let document = set(&document, "/spec/template/spec/volumes", Value::Null);
    assert_eq!(errors("apps/v1", "Deployment", &document), []);
}

// ---------------------------------------------------------------------------------------------
// autoscaling/v2

#[test]
fn hpa_v2_unknown_fields_are_reported_where_they_are() {
    let check = |document: &Value| errors("autoscaling/v2", "HorizontalPodAutoscaler", document);
    assert_eq!(
        check(&rename(
            &hpa_v2(),
            "/spec/metrics/0/resource/target/averageUtilization",
            "averageUtilisation"
        )),
        one(
            "/spec/metrics/0/resource/target",
            "unknown:averageUtilisation"
        )
    );
    assert_eq!(
        check(&rename(&hpa_v2(), "/spec/behavior/scaleDown", "scaledown")),
        one("/spec/behavior", "unknown:scaledown")
    );
    assert_eq!(
        check(&set(
            &hpa_v2(),
            "/spec/targetCPUUtilizationPercentage",
            json!(80)
        )),
        one("/spec", "unknown:targetCPUUtilizationPercentage")
    );
    assert_eq!(
        check(&set(
            &hpa_v2(),
            "/spec/scaleTargetRef/namespace",
            json!("prod")
        )),
        one("/spec/scaleTargetRef", "unknown:namespace")
    );
    assert_eq!(
        check(&set(&hpa_v2(), "/metadata/lables", json!({}))),
        one("/metadata", "unknown:lables")
    );
    assert_eq!(
        check(&set(&hpa_v2(), "/extra", json!(1))),
        one("", "unknown:extra")
    );
}

#[test]
fn hpa_v2_wrong_types_missing_fields_and_ranges() {
    let check = |document: &Value| errors("autoscaling/v2", "HorizontalPodAutoscaler", document);
    assert_eq!(
        check(&set(&hpa_v2(), "/spec/maxReplicas", json!("10"))),
        one("/spec/maxReplicas", "type")
    );
    assert_eq!(
        check(&set(&hpa_v2(), "/spec/maxReplicas", Value::Null)),
        one("/spec/maxReplicas", "type")
    );
    assert_eq!(
        check(&set(&hpa_v2(), "/spec/minReplicas", json!(1.5))),
        one("/spec/minReplicas", "type")
    );
    assert_eq!(
        check(&set(&hpa_v2(), "/spec/metrics", json!({}))),
        one("/spec/metrics", "type")
    );
    assert_eq!(
        check(&set(&hpa_v2(), "/spec/metrics/1", Value::Null)),
        one("/spec/metrics/1", "type")
    );
    assert_eq!(
        check(&set(&hpa_v2(), "/spec/scaleTargetRef", Value::Null)),
        one("/spec/scaleTargetRef", "type")
    );
    assert_eq!(
        check(&remove(&hpa_v2(), "/spec/maxReplicas")),
        one("/spec", "required:maxReplicas")
    );
    assert_eq!(
        check(&remove(&hpa_v2(), "/spec/scaleTargetRef")),
        one("/spec", "required:scaleTargetRef")
    );
    assert_eq!(
        check(&remove(&hpa_v2(), "/spec/scaleTargetRef/kind")),
        one("/spec/scaleTargetRef", "required:kind")
    );
    assert_eq!(
        check(&remove(&hpa_v2(), "/spec/metrics/0/type")),
        one("/spec/metrics/0", "required:type")
    );
    assert_eq!(check(&remove(&hpa_v2(), "/spec")), one("", "required:spec"));
    assert_eq!(
        check(&set(
            &hpa_v2(),
            "/spec/maxReplicas",
            json!(2_147_483_648_i64)
        )),
        one("/spec/maxReplicas", "maximum")
    );
    assert_eq!(
        check(&set(
            &hpa_v2(),
            "/spec/minReplicas",
            json!(-2_147_483_649_i64)
        )),
        one("/spec/minReplicas", "minimum")
    );
    assert_eq!(
        check(&set(&hpa_v2(), "/spec/maxReplicas", json!(2_147_483_647))),
        []
    );
    assert_eq!(
        check(&set(
            &hpa_v2(),
            "/status/observedGeneration",
            json!(9_223_372_036_854_775_808_u64)
        )),
        one("/status/observedGeneration", "maximum")
    );
    assert_eq!(
        check(&set(
            &hpa_v2(),
            "/status/lastScaleTime",
            json!("<some-time>")
        )),
        one("/status/lastScaleTime", "format")
    );
    assert_eq!(
        check(&set(&hpa_v2(), "/metadata/labels/app", json!(true))),
        one("/metadata/labels/app", "type")
    );
}

#[test]
fn hpa_v2_wrong_kind_or_api_version() {
    let check = |document: &Value| errors("autoscaling/v2", "HorizontalPodAutoscaler", document);
    assert_eq!(
        check(&set(&hpa_v2(), "/kind", json!("HorizontalPodAutoscalr"))),
        one("/kind", "const")
    );
    assert_eq!(
        check(&set(&hpa_v2(), "/apiVersion", json!("autoscaling/v1"))),
        one("/apiVersion", "const")
    );
    assert_eq!(check(&remove(&hpa_v2(), "/kind")), one("", "required:kind"));
    // The status is server-owned: nothing in it is required, but its fields are still typed.
    assert_eq!(check(&set(&hpa_v2(), "/status", json!({}))), []);
    assert_eq!(
        check(&set(&hpa_v2(), "/status/conditions/0/typ", json!("x"))),
        one("/status/conditions/0", "unknown:typ")
    );
}

#[test]
fn every_error_is_reported_not_just_the_first() {
    let document = rename(
        &hpa_v2(),
        "/spec/metrics/0/resource/target/averageUtilization",
        "averageUtilisation",
    );
    let document = set(&document, "/spec/maxReplicas", json!("ten"));
    let document = remove(&document, "/spec/scaleTargetRef/name");
    let mut found = errors("autoscaling/v2", "HorizontalPodAutoscaler", &document);
    found.sort();
    assert_eq!(
        found,
        [
            ("/spec/maxReplicas".to_owned(), "type".to_owned()),
            (
                "/spec/metrics/0/resource/target".to_owned(),
                "unknown:averageUtilisation".to_owned()
            ),
            (
                "/spec/scaleTargetRef".to_owned(),
                "required:name".to_owned()
            ),
        ]
    );
}

#[test]
fn errors_give_what_a_diagnostic_needs() {
    let hpa = schemas::validator("autoscaling/v2", "HorizontalPodAutoscaler").expect("supported");
    let document = rename(
        &hpa_v2(),
        "/spec/metrics/0/resource/target/averageUtilization",
        "averageUtilisation",
    );
    let document = set(&document, "/spec/maxReplicas", json!("ten"));
    let found: Vec<_> = hpa.iter_errors(&document).collect();
    assert_eq!(found.len(), 2);
    for error in &found {
        match error.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                assert_eq!(unexpected, &["averageUtilisation"]);
                let owner = keyword_owner(hpa, error.schema_path().as_str()).expect("owner");
                let allowed: Vec<&String> = owner["properties"]
                    .as_object()
                    .expect("properties")
                    .keys()
                    .collect();
                assert_eq!(
                    allowed,
                    ["averageUtilization", "averageValue", "type", "value"]
                );
            }
            ValidationErrorKind::Type { kind } => {
                assert_eq!(format!("{kind:?}"), "Single(Integer)");
                let owner = keyword_owner(hpa, error.schema_path().as_str()).expect("owner");
                assert_eq!(owner["format"], "int32");
                assert!(
                    owner["description"]
                        .as_str()
                        .is_some_and(|d| d.contains("upper limit"))
                );
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// autoscaling/v1, v2beta2, v2beta1

#[test]
fn hpa_v1_errors() {
    let check = |document: &Value| errors("autoscaling/v1", "HorizontalPodAutoscaler", document);
    assert_eq!(
        check(&set(&hpa_v1(), "/spec/metrics", json!([]))),
        one("/spec", "unknown:metrics")
    );
    assert_eq!(
        check(&rename(
            &hpa_v1(),
            "/spec/targetCPUUtilizationPercentage",
            "targetCpuUtilizationPercentage"
        )),
        one("/spec", "unknown:targetCpuUtilizationPercentage")
    );
    assert_eq!(
        check(&remove(&hpa_v1(), "/spec/maxReplicas")),
        one("/spec", "required:maxReplicas")
    );
    assert_eq!(
        check(&set(
            &hpa_v1(),
            "/spec/targetCPUUtilizationPercentage",
            json!("50%")
        )),
        one("/spec/targetCPUUtilizationPercentage", "type")
    );
    assert_eq!(
        check(&set(&hpa_v1(), "/spec/minReplicas", json!(1_u64 << 40))),
        one("/spec/minReplicas", "maximum")
    );
    assert_eq!(
        check(&set(&hpa_v1(), "/kind", json!("Deployment"))),
        one("/kind", "const")
    );
    // kubectl autoscale --dry-run prints a zeroed status.
    assert_eq!(check(&set(&hpa_v1(), "/status", json!({}))), []);
}

#[test]
fn hpa_v2beta2_errors() {
    let check =
        |document: &Value| errors("autoscaling/v2beta2", "HorizontalPodAutoscaler", document);
    // `tolerance` only exists in autoscaling/v2.
    assert_eq!(
        check(&set(
            &hpa_v2beta2(),
            "/spec/behavior/scaleUp/tolerance",
            json!("0.1")
        )),
        one("/spec/behavior/scaleUp", "unknown:tolerance")
    );
    assert_eq!(
        check(&rename(
            &hpa_v2beta2(),
            "/spec/metrics/0/resource/target/averageUtilization",
            "averageUtilisation"
        )),
        one(
            "/spec/metrics/0/resource/target",
            "unknown:averageUtilisation"
        )
    );
    // v2beta1 syntax in a v2beta2 object (argo-rollouts' upstream mistake).
    let mixed = set(
        &hpa_v2beta2(),
        "/spec/metrics/0/resource",
        json!({"name": "cpu", "targetAverageUtilization": 50}),
    );
    let mut found = check(&mixed);
    found.sort();
    assert_eq!(
        found,
        [
            (
                "/spec/metrics/0/resource".to_owned(),
                "required:target".to_owned()
            ),
            (
                "/spec/metrics/0/resource".to_owned(),
                "unknown:targetAverageUtilization".to_owned()
            ),
        ]
    );
    assert_eq!(
        check(&remove(&hpa_v2beta2(), "/spec/scaleTargetRef")),
        one("/spec", "required:scaleTargetRef")
    );
    assert_eq!(
        check(&set(&hpa_v2beta2(), "/kind", json!("HPA"))),
        one("/kind", "const")
    );
}

#[test]
fn hpa_v2beta1_errors() {
    let check =
        |document: &Value| errors("autoscaling/v2beta1", "HorizontalPodAutoscaler", document);
    // v2 syntax in a v2beta1 object.
    let v2_style = set(
        &hpa_v2beta1(),
        "/spec/metrics/0/resource",
        json!({"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 50}}),
    );
    assert_eq!(
        check(&v2_style),
        one("/spec/metrics/0/resource", "unknown:target")
    );
    assert_eq!(
        check(&rename(
            &hpa_v2beta1(),
            "/spec/metrics/0/resource/targetAverageUtilization",
            "targetAverageUtilisation"
        )),
        one(
            "/spec/metrics/0/resource",
            "unknown:targetAverageUtilisation"
        )
    );
    assert_eq!(
        check(&remove(
            &hpa_v2beta1(),
            "/spec/metrics/3/pods/targetAverageValue"
        )),
        one("/spec/metrics/3/pods", "required:targetAverageValue")
    );
    assert_eq!(
        check(&remove(&hpa_v2beta1(), "/spec/metrics/4/object/metricName")),
        one("/spec/metrics/4/object", "required:metricName")
    );
    assert_eq!(
        check(&remove(&hpa_v2beta1(), "/spec/maxReplicas")),
        one("/spec", "required:maxReplicas")
    );
    assert_eq!(
        check(&set(
            &hpa_v2beta1(),
            "/spec/metrics/0/resource/targetAverageUtilization",
            json!("50")
        )),
        one("/spec/metrics/0/resource/targetAverageUtilization", "type")
    );
    assert_eq!(
        check(&set(
            &hpa_v2beta1(),
            "/spec/metrics/1/resource/targetAverageValue",
            json!("1GB")
        )),
        one("/spec/metrics/1/resource/targetAverageValue", "pattern")
    );
    assert_eq!(
        check(&set(
            &hpa_v2beta1(),
            "/spec/maxReplicas",
            json!(3_000_000_000_u64)
        )),
        one("/spec/maxReplicas", "maximum")
    );
    assert_eq!(
        check(&set(&hpa_v2beta1(), "/kind", json!("Deployment"))),
        one("/kind", "const")
    );
}

// ---------------------------------------------------------------------------------------------
// apps/v1

const CONTAINER: &str = "/spec/template/spec/containers/0";

#[test]
fn deployment_errors() {
    let check = |document: &Value| errors("apps/v1", "Deployment", document);
    assert_eq!(
        check(&set(
            &deployment(),
            &format!("{CONTAINER}/resources/requets"),
            json!({"cpu": "1"})
        )),
        one(&format!("{CONTAINER}/resources"), "unknown:requets")
    );
    assert_eq!(
        check(&rename(
            &deployment(),
            &format!("{CONTAINER}/readinessProbe/httpGet"),
            "httpget"
        )),
        one(&format!("{CONTAINER}/readinessProbe"), "unknown:httpget")
    );
    assert_eq!(
        check(&remove(&deployment(), &format!("{CONTAINER}/name"))),
        one(CONTAINER, "required:name")
    );
    assert_eq!(
        check(&remove(&deployment(), "/spec/selector")),
        one("/spec", "required:selector")
    );
    assert_eq!(
        check(&remove(&deployment(), "/spec/template/spec/containers")),
        one("/spec/template/spec", "required:containers")
    );
    assert_eq!(
        check(&set(&deployment(), "/spec/replicas", json!("3"))),
        one("/spec/replicas", "type")
    );
    assert_eq!(
        check(&set(
            &deployment(),
            "/spec/replicas",
            json!(4_294_967_296_u64)
        )),
        one("/spec/replicas", "maximum")
    );
    assert_eq!(
        check(&set(
            &deployment(),
            &format!("{CONTAINER}/ports/0/containerPort"),
            json!("8080")
        )),
        one(&format!("{CONTAINER}/ports/0/containerPort"), "type")
    );
    assert_eq!(
        check(&set(
            &deployment(),
            "/spec/template/spec/containers/0",
            Value::Null
        )),
        one(CONTAINER, "type")
    );
    assert_eq!(
        check(&set(&deployment(), "/spec/strategy", json!("Recreate"))),
        one("/spec/strategy", "type")
    );
    assert_eq!(
        check(&set(
            &deployment(),
            "/spec/template/metadata/creationTimestamp",
            json!("yesterday")
        )),
        one("/spec/template/metadata/creationTimestamp", "format")
    );
    assert_eq!(
        check(&set(&deployment(), "/kind", json!("deployment"))),
        one("/kind", "const")
    );
    assert_eq!(
        check(&set(&deployment(), "/apiVersion", json!("apps/v1beta1"))),
        one("/apiVersion", "const")
    );
}

#[test]
fn quantities_accept_strings_and_numbers_only() {
    let check = |value: Value| {
        let pointer = format!("{CONTAINER}/resources/limits/memory");
        errors(
            "apps/v1",
            "Deployment",
            &set(&deployment(), &pointer, value),
        )
    };
    for valid in [
        json!("512Mi"),
        json!("1.5Gi"),
        json!("100m"),
        json!("1e3"),
        json!("+1"),
        json!(".5"),
        json!(1),
        json!(0.25),
        json!(-1),
    ] {
        assert_eq!(check(valid.clone()), [], "{valid}");
    }
    let at = format!("{CONTAINER}/resources/limits/memory");
    for invalid in [
        json!("1GB"),
        json!("lots"),
        json!(""),
        json!(" 1Gi"),
        json!("1 Gi"),
    ] {
        assert_eq!(check(invalid.clone()), one(&at, "pattern"), "{invalid}");
    }
    for invalid in [json!(true), json!([1]), json!({"value": 1})] {
        assert_eq!(check(invalid.clone()), one(&at, "type"), "{invalid}");
    }
}

#[test]
fn int_or_string_accepts_int32_or_string() {
    let check = |value: Value| {
        errors(
            "apps/v1",
            "Deployment",
            &set(
                &deployment(),
                "/spec/strategy/rollingUpdate/maxSurge",
                value,
            ),
        )
    };
    let at = "/spec/strategy/rollingUpdate/maxSurge";
    assert_eq!(check(json!("25%")), []);
    assert_eq!(check(json!(2)), []);
    assert_eq!(check(json!(1.5)), one(at, "type"));
    assert_eq!(check(json!(true)), one(at, "type"));
    assert_eq!(check(json!(2_147_483_648_i64)), one(at, "maximum"));
    let port = format!("{CONTAINER}/livenessProbe/tcpSocket/port");
    let document = set(&deployment(), &port, json!({"number": 8080}));
    assert_eq!(
        errors("apps/v1", "Deployment", &document),
        one(&port, "type")
    );
}

#[test]
fn statefulset_errors() {
    let check = |document: &Value| errors("apps/v1", "StatefulSet", document);
    assert_eq!(
        check(&rename(
            &statefulset(),
            "/spec/volumeClaimTemplates/0/spec/resources/requests",
            "request"
        )),
        one(
            "/spec/volumeClaimTemplates/0/spec/resources",
            "unknown:request"
        )
    );
    assert_eq!(
        check(&set(
            &statefulset(),
            "/spec/updateStrategy/rollingUpdate/partition",
            json!("0")
        )),
        one("/spec/updateStrategy/rollingUpdate/partition", "type")
    );
    assert_eq!(
        check(&remove(&statefulset(), "/spec/template")),
        one("/spec", "required:template")
    );
    assert_eq!(
        check(&remove(
            &statefulset(),
            "/spec/volumeClaimTemplates/0/metadata"
        )),
        one("/spec/volumeClaimTemplates/0", "required:metadata")
    );
    assert_eq!(
        check(&set(
            &statefulset(),
            "/spec/replicas",
            json!(-2_147_483_649_i64)
        )),
        one("/spec/replicas", "minimum")
    );
    assert_eq!(
        check(&set(&statefulset(), "/kind", json!("Deployment"))),
        one("/kind", "const")
    );
    // serviceName is optional since Kubernetes 1.33.
    assert_eq!(
        check(&set(&statefulset(), "/spec/serviceName", json!("db"))),
        []
    );
}

#[test]
fn replicaset_errors() {
    let check = |document: &Value| errors("apps/v1", "ReplicaSet", document);
    assert_eq!(
        check(&rename(
            &replicaset(),
            &format!("{CONTAINER}/imagePullPolicy"),
            "imagePulPolicy"
        )),
        one(CONTAINER, "unknown:imagePulPolicy")
    );
    assert_eq!(
        check(&set(&replicaset(), "/spec/strategy", json!({}))),
        one("/spec", "unknown:strategy")
    );
    assert_eq!(
        check(&remove(&replicaset(), "/spec/template/spec/volumes/0/name")),
        one("/spec/template/spec/volumes/0", "required:name")
    );
    assert_eq!(
        check(&set(&replicaset(), "/spec/minReadySeconds", json!(1e12))),
        one("/spec/minReadySeconds", "maximum")
    );
    assert_eq!(
        check(&set(&replicaset(), "/kind", json!("ReplicaSets"))),
        one("/kind", "const")
    );
}

// ---------------------------------------------------------------------------------------------
// Robustness

#[test]
fn documents_of_any_shape_are_errors_not_panics() {
    for (api_version, kind) in schemas::supported() {
        for document in [
            json!(null),
            json!([]),
            json!("Deployment"),
            json!(42),
            json!(true),
        ] {
            assert_eq!(
                errors(api_version, kind, &document),
                one("", "type"),
                "{document}"
            );
        }
        let mut found = errors(api_version, kind, &json!({}));
        found.sort();
        let expected: Vec<_> = ["apiVersion", "kind", "metadata", "spec"]
            .iter()
            .map(|name| (String::new(), format!("required:{name}")))
            .collect();
        assert_eq!(found, expected, "{api_version} {kind}");
    }
}

/// A small deterministic generator (xorshift), so that the test needs no extra crate.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).expect("small")
    }

    fn value(&mut self, depth: usize) -> Value {
        let names = [
            "spec",
            "metadata",
            "name",
            "type",
            "target",
            "containers",
            "",
            "~/",
            "0",
        ];
        match self.below(if depth == 0 { 5 } else { 8 }) {
            0 => Value::Null,
            1 => Value::Bool(self.next().is_multiple_of(2)),
            2 => json!(self.next()),
            3 => json!(f64::from(u32::try_from(self.next() >> 40).expect("24 bits")) / 7.0 - 1e6),
            4 => json!(names[self.below(names.len())]),
            5 | 6 => {
                let len = self.below(4);
                (0..len)
                    .map(|_| {
                        (
                            names[self.below(names.len())].to_owned(),
                            self.value(depth - 1),
                        )
                    })
                    .collect::<serde_json::Map<_, _>>()
                    .into()
            }
            _ => Value::Array((0..self.below(4)).map(|_| self.value(depth - 1)).collect()),
        }
    }
}

/// Every pointer into a document.
fn pointers(value: &Value, path: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let escaped = key.replace('~', "~0").replace('/', "~1");
                pointers(child, format!("{path}/{escaped}"), out);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                pointers(child, format!("{path}/{index}"), out);
            }
        }
        _ => {}
    }
    out.push(path);
}

#[test]
fn random_documents_and_mutations_never_panic_and_agree_with_is_valid() {
    let valid = [
        ("autoscaling/v2", "HorizontalPodAutoscaler", hpa_v2()),
        ("autoscaling/v1", "HorizontalPodAutoscaler", hpa_v1()),
        (
            "autoscaling/v2beta2",
            "HorizontalPodAutoscaler",
            hpa_v2beta2(),
        ),
        (
            "autoscaling/v2beta1",
            "HorizontalPodAutoscaler",
            hpa_v2beta1(),
        ),
        ("apps/v1", "Deployment", deployment()),
        ("apps/v1", "StatefulSet", statefulset()),
        ("apps/v1", "ReplicaSet", replicaset()),
    ];
    let mut random = Random(0x5ca1_e6e7);
    let mut invalid = 0;
    for round in 0..300 {
        let (api_version, kind, document) = &valid[round % valid.len()];
        let schema = schemas::validator(api_version, kind).expect("supported");
        // A random document, then the valid one with a random subtree replaced.
        let wild = random.value(4);
        let mut paths = Vec::new();
        pointers(document, String::new(), &mut paths);
        let target = &paths[random.below(paths.len())];
        let mutated = if target.is_empty() {
            random.value(3)
        } else {
            set(document, target, random.value(3))
        };
        for candidate in [&wild, &mutated] {
            let found: Vec<_> = schema.iter_errors(candidate).collect();
            assert_eq!(schema.is_valid(candidate), found.is_empty(), "{candidate}");
            invalid += usize::from(!found.is_empty());
            for error in &found {
                assert!(candidate.pointer(error.instance_path().as_str()).is_some());
                assert!(keyword_owner(schema, error.schema_path().as_str()).is_some());
            }
        }
    }
    assert!(
        invalid > 300,
        "only {invalid} of 600 candidates were invalid"
    );
}

#[test]
fn validators_are_shared_across_threads() {
    let schema: &'static KindSchema =
        schemas::validator("apps/v1", "Deployment").expect("supported");
    let bad = set(&deployment(), "/spec/replicas", json!("3"));
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                scope.spawn(|| {
                    (0..50)
                        .map(|_| {
                            (
                                schema.is_valid(&deployment()),
                                schema.iter_errors(&bad).count(),
                            )
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for handle in handles {
            let results = handle.join().expect("no panic");
            assert!(results.iter().all(|&result| result == (true, 1)));
        }
    });
    // First use from several threads at once builds one validator.
    let kinds: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                scope.spawn(|| schemas::validator("apps/v1", "ReplicaSet").expect("supported"))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("no panic"))
            .collect()
    });
    assert!(kinds.windows(2).all(|pair| std::ptr::eq(pair[0], pair[1])));
}

// ---------------------------------------------------------------------------------------------
// The real-world corpus (shared/corpus/real; see SOURCES.md there).

/// A corpus document that must fail with exactly `errors` (as [`describe`]d), and why.
struct Known {
    file: &'static str,
    index: usize,
    errors: &'static [(&'static str, &'static str)],
    why: &'static str,
}

/// Documents of the corpus that fail, each with every error it must report, and why it is a
/// genuine upstream mistake (or not a complete manifest). Every other document of a supported
/// (apiVersion, kind) must pass. Indices count the non-empty documents of a file.
const KNOWN_INVALID: &[Known] = &[
    // apps/v1 requires spec.selector: linter fixtures written without one.
    Known {
        file: "FairwindsOps__polaris__test__checks__pdbMinAvailableGreaterThanHPAMinReplicas__failure-gt-scalar.yaml",
        index: 0,
        errors: &[("/spec", "required:selector")],
        why: "apps/v1 Deployment without selector",
    },
    Known {
        file: "FairwindsOps__polaris__test__checks__pdbMinAvailableGreaterThanHPAMinReplicas__success.no-pdb.yaml",
        index: 0,
        errors: &[("/spec", "required:selector")],
        why: "apps/v1 Deployment without selector",
    },
    Known {
        file: "stackrox__kube-linter__tests__checks__dangling-hpa.yaml",
        index: 0,
        errors: &[("/spec", "required:selector")],
        why: "apps/v1 Deployment without selector",
    },
    Known {
        file: "stackrox__kube-linter__tests__checks__dangling-hpa.yaml",
        index: 2,
        errors: &[("/spec", "required:selector")],
        why: "apps/v1 Deployment without selector",
    },
    Known {
        file: "zegl__kube-score__score__testdata__deployment-with-hpa-has-replicas.yaml",
        index: 1,
        errors: &[("/spec", "required:selector")],
        why: "apps/v1 Deployment without selector",
    },
    Known {
        file: "zegl__kube-score__score__testdata__deployment-with-hpa-not-has-replicas.yaml",
        index: 1,
        errors: &[("/spec", "required:selector")],
        why: "apps/v1 Deployment without selector",
    },
    Known {
        file: "zegl__kube-score__score__testdata__hpa-autoscalingv1-targets-deployment.yaml",
        index: 1,
        errors: &[("/spec", "required:selector")],
        why: "apps/v1 Deployment without selector",
    },
    Known {
        file: "zegl__kube-score__score__testdata__hpa-autoscalingv2-targets-deployment.yaml",
        index: 1,
        errors: &[("/spec", "required:selector")],
        why: "apps/v1 Deployment without selector",
    },
    Known {
        file: "zegl__kube-score__score__testdata__hpa-autoscalingv2beta1-targets-deployment.yaml",
        index: 1,
        errors: &[("/spec", "required:selector")],
        why: "apps/v1 Deployment without selector",
    },
    Known {
        file: "zegl__kube-score__score__testdata__hpa-autoscalingv2beta2-targets-deployment.yaml",
        index: 1,
        errors: &[("/spec", "required:selector")],
        why: "apps/v1 Deployment without selector",
    },
    Known {
        file: "zegl__kube-score__score__testdata__hpa-has-no-target.yaml",
        index: 1,
        errors: &[("/spec", "required:selector")],
        why: "apps/v1 Deployment without selector",
    },
    Known {
        file: "zegl__kube-score__score__testdata__hpa-min-replicas-nok.yaml",
        index: 1,
        errors: &[("/spec", "required:selector")],
        why: "apps/v1 Deployment without selector",
    },
    Known {
        file: "zegl__kube-score__score__testdata__hpa-min-replicas-ok.yaml",
        index: 1,
        errors: &[("/spec", "required:selector")],
        why: "apps/v1 Deployment without selector",
    },
    Known {
        file: "zegl__kube-score__score__testdata__hpa-target-deployment.yaml",
        index: 1,
        errors: &[("/spec", "required:selector")],
        why: "apps/v1 Deployment without selector",
    },
    Known {
        file: "stackrox__kube-linter__tests__checks__pdb-min-available.yaml",
        index: 1,
        errors: &[("/spec", "required:template")],
        why: "Deployment without a pod template",
    },
    // A kustomize strategic-merge patch: a partial Deployment, not a manifest on its own.
    Known {
        file: "aws-samples__eks-workshop-v2__manifests__modules__autoscaling__workloads__hpa__deployment.yaml",
        index: 0,
        errors: &[("/spec", "required:selector")],
        why: "kustomize patch",
    },
    // autoscaling/v1 HPAs with v2 `metrics`: v1 has no such field (dropped, or rejected by strict field validation).
    Known {
        file: "zegl__kube-score__score__testdata__deployment-with-hpa-has-replicas.yaml",
        index: 0,
        errors: &[("/spec", "unknown:metrics")],
        why: "v2 field in a v1 HPA",
    },
    Known {
        file: "zegl__kube-score__score__testdata__deployment-with-hpa-not-has-replicas.yaml",
        index: 0,
        errors: &[("/spec", "unknown:metrics")],
        why: "v2 field in a v1 HPA",
    },
    Known {
        file: "zegl__kube-score__score__testdata__hpa-autoscalingv1-targets-deployment.yaml",
        index: 0,
        errors: &[("/spec", "unknown:metrics")],
        why: "v2 field in a v1 HPA",
    },
    Known {
        file: "zegl__kube-score__score__testdata__hpa-has-no-target.yaml",
        index: 0,
        errors: &[("/spec", "unknown:metrics")],
        why: "v2 field in a v1 HPA",
    },
    Known {
        file: "zegl__kube-score__score__testdata__hpa-target-deployment.yaml",
        index: 0,
        errors: &[("/spec", "unknown:metrics")],
        why: "v2 field in a v1 HPA",
    },
    // autoscaling/v2 (and v2beta1) HPAs with v1's targetCPUUtilizationPercentage: silently dropped, so the HPA falls back to its default metric.
    Known {
        file: "argoproj__argo-cd__gitops-engine__pkg__health__testdata__hpa-v2-degraded.yaml",
        index: 0,
        errors: &[("/spec", "unknown:targetCPUUtilizationPercentage")],
        why: "v1 field in a v2 HPA",
    },
    Known {
        file: "argoproj__argo-cd__gitops-engine__pkg__health__testdata__hpa-v2-healthy.yaml",
        index: 0,
        errors: &[("/spec", "unknown:targetCPUUtilizationPercentage")],
        why: "v1 field in a v2 HPA",
    },
    Known {
        file: "argoproj__argo-cd__gitops-engine__pkg__health__testdata__hpa-v2-progressing.yaml",
        index: 0,
        errors: &[("/spec", "unknown:targetCPUUtilizationPercentage")],
        why: "v1 field in a v2 HPA",
    },
    Known {
        file: "stackrox__kube-linter__tests__checks__hpa-minimum-three-replicas.yaml",
        index: 0,
        errors: &[("/spec", "unknown:targetCPUUtilizationPercentage")],
        why: "v1 field in a v2beta1 HPA",
    },
    Known {
        file: "stackrox__kube-linter__tests__checks__hpa-minimum-three-replicas.yaml",
        index: 1,
        errors: &[("/spec", "unknown:targetCPUUtilizationPercentage")],
        why: "v1 field in a v2beta1 HPA",
    },
    Known {
        file: "stackrox__kube-linter__tests__checks__pdb-min-available.yaml",
        index: 3,
        errors: &[
            ("/spec/scaleTargetRef", "unknown:namespace"),
            ("/spec", "unknown:targetCPUUtilizationPercentage"),
        ],
        why: "scaleTargetRef has no namespace; v1 field in a v2beta1 HPA",
    },
    // autoscaling/v2beta2 HPAs written with v2beta1's resource metric syntax.
    Known {
        file: "argoproj__argo-rollouts__test__kustomize__rollout__expected.yaml",
        index: 9,
        errors: &[
            ("/spec/metrics/0/resource", "required:target"),
            (
                "/spec/metrics/0/resource",
                "unknown:targetAverageUtilization",
            ),
        ],
        why: "v2beta1 syntax in a v2beta2 HPA",
    },
    Known {
        file: "argoproj__argo-rollouts__test__kustomize__rollout__rollout.yaml",
        index: 9,
        errors: &[
            ("/spec/metrics/0/resource", "required:target"),
            (
                "/spec/metrics/0/resource",
                "unknown:targetAverageUtilization",
            ),
        ],
        why: "v2beta1 syntax in a v2beta2 HPA",
    },
    // Metrics without `type` (the API server rejects them).
    Known {
        file: "istio__istio__operator__cmd__mesh__testdata__manifest-generate__output__autoscaling_ingress_v2.golden.yaml",
        index: 0,
        errors: &[
            ("/spec/metrics/0", "required:type"),
            ("/spec/metrics/1", "required:type"),
        ],
        why: "metrics without type",
    },
    // `lastScaleTime: <some-time>` is not a timestamp; 14-fail also lacks maxReplicas.
    Known {
        file: "datreeio__datree__pkg__policy__tests__110__fail__110-fail.yaml",
        index: 0,
        errors: &[("/status/lastScaleTime", "format")],
        why: "bad timestamp",
    },
    Known {
        file: "datreeio__datree__pkg__policy__tests__13__fail__13-fail.yaml",
        index: 0,
        errors: &[("/status/lastScaleTime", "format")],
        why: "bad timestamp",
    },
    Known {
        file: "datreeio__datree__pkg__policy__tests__14__fail__14-fail.yaml",
        index: 0,
        errors: &[
            ("/spec", "required:maxReplicas"),
            ("/status/lastScaleTime", "format"),
        ],
        why: "no maxReplicas; bad timestamp",
    },
    // Bare `apiVersion` + `kind` stubs for a deprecated-API check.
    Known {
        file: "datreeio__datree__examples__prevent_deprecated_apis__fail.yaml",
        index: 0,
        errors: &[("", "required:metadata"), ("", "required:spec")],
        why: "apiVersion/kind stub",
    },
    Known {
        file: "datreeio__datree__examples__prevent_deprecated_apis__fail.yaml",
        index: 4,
        errors: &[("", "required:metadata"), ("", "required:spec")],
        why: "apiVersion/kind stub",
    },
    // Chainsaw assertions: partial objects.
    Known {
        file: "open-telemetry__opentelemetry-operator__tests__e2e-autoscale__autoscale__00-assert.yaml",
        index: 0,
        errors: &[("", "required:spec")],
        why: "partial object (assertion)",
    },
    Known {
        file: "open-telemetry__opentelemetry-operator__tests__e2e-autoscale__autoscale__00-assert.yaml",
        index: 1,
        errors: &[("", "required:spec")],
        why: "partial object (assertion)",
    },
    Known {
        file: "open-telemetry__opentelemetry-operator__tests__e2e-autoscale__autoscale__00-assert.yaml",
        index: 3,
        errors: &[("/spec/metrics/1", "required:type")],
        why: "partial object (assertion)",
    },
];

/// Files that are not YAML at all.
const NOT_YAML: &[&str] = &[
    // An unrendered Helm template.
    "GoogleCloudPlatform__kubernetes-engine-samples__app-design-center__simple-app-single-region__templates__hpa.yaml",
];

#[test]
fn real_world_corpus() {
    let Some(files) = corpus_files() else {
        return;
    };

    let mut not_yaml = Vec::new();
    let mut documents = 0;
    let mut validated: BTreeMap<(String, String), (usize, usize)> = BTreeMap::new();
    let mut unsupported: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut failures: BTreeMap<(String, usize), Vec<(String, String)>> = BTreeMap::new();
    for path in &files {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("utf-8 name")
            .to_owned();
        let text = std::fs::read_to_string(path).expect("readable file");
        let Ok(parsed) = serde_saphyr::from_multiple::<Value>(&text) else {
            not_yaml.push(name);
            continue;
        };
        for (index, document) in parsed.iter().enumerate() {
            documents += 1;
            let field = |key: &str| {
                document
                    .get(key)
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned()
            };
            let (api_version, kind) = (field("apiVersion"), field("kind"));
            if schemas::validator(&api_version, &kind).is_none() {
                if schemas::api_versions_of(&kind).next().is_some() {
                    *unsupported.entry((api_version, kind)).or_default() += 1;
                }
                continue;
            }
            let mut found = errors(&api_version, &kind, document);
            let counts = validated.entry((api_version, kind)).or_default();
            counts.0 += 1;
            if !found.is_empty() {
                counts.1 += 1;
                found.sort();
                failures.insert((name.clone(), index), found);
            }
        }
    }

    println!(
        "corpus: {} files, {documents} documents, in {}",
        files.len(),
        files[0]
            .parent()
            .map_or(String::new(), |d| d.display().to_string())
    );
    for ((api_version, kind), (total, failed)) in &validated {
        println!("  {kind:<24} {api_version:<20} {total:>3} validated, {failed:>2} invalid");
    }
    for ((api_version, kind), count) in &unsupported {
        println!("  {kind:<24} {api_version:<20} {count:>3} with an apiVersion not supported here");
    }
    println!("  not YAML: {not_yaml:?}");
    let known: BTreeMap<(&str, usize), &Known> = KNOWN_INVALID
        .iter()
        .map(|known| ((known.file, known.index), known))
        .collect();
    assert_eq!(known.len(), KNOWN_INVALID.len(), "a duplicate entry");
    for ((file, index), found) in &failures {
        let why = known
            .get(&(file.as_str(), *index))
            .map_or("NOT EXPECTED", |k| k.why);
        println!("  invalid ({why}): {file} #{index}: {found:?}");
    }

    assert_eq!(not_yaml, NOT_YAML);
    for ((file, index), found) in &failures {
        let known = known
            .get(&(file.as_str(), *index))
            .unwrap_or_else(|| panic!("{file} #{index} fails: {found:?}"));
        let mut expected: Vec<(String, String)> = known
            .errors
            .iter()
            .map(|(pointer, what)| ((*pointer).to_owned(), (*what).to_owned()))
            .collect();
        expected.sort();
        assert_eq!(found, &expected, "{file} #{index} ({})", known.why);
    }
    for known in KNOWN_INVALID {
        assert!(
            failures.contains_key(&(known.file.to_owned(), known.index)),
            "{} #{} is listed as invalid ({}) but passes",
            known.file,
            known.index,
            known.why
        );
    }
    let total: usize = validated.values().map(|(total, _)| total).sum();
    assert!(total >= 200, "only {total} documents validated");
}
