//! One `autoscaling/v2` HorizontalPodAutoscaler per service, built from k8s-openapi's typed
//! structs (never from text templates), so every field name and type is Kubernetes' own.

use std::collections::BTreeMap;

use k8s_openapi::api::autoscaling::v2::{
    CrossVersionObjectReference, HPAScalingPolicy, HPAScalingRules, HorizontalPodAutoscaler,
    HorizontalPodAutoscalerBehavior, HorizontalPodAutoscalerSpec, MetricSpec, MetricTarget,
    ResourceMetricSource,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::model::raw::Select;
use crate::model::{Direction, PolicyKind, Service, Services};

pub const MANAGED_BY: &str = "scalegen";
pub const NAME_LABEL: &str = "app.kubernetes.io/name";
pub const MANAGED_BY_LABEL: &str = "app.kubernetes.io/managed-by";
pub const PRIORITY_ANNOTATION: &str = "scalegen.io/priority";

/// The HPA for one service. Its scale-down thresholds have no HPA field: an HPA has one target
/// per metric and a fixed tolerance; they are used by the Docker autoscaler and the docs.
pub fn build(services: &Services, service: &Service) -> HorizontalPodAutoscaler {
    let labels = BTreeMap::from([
        (NAME_LABEL.to_owned(), service.name.clone()),
        (MANAGED_BY_LABEL.to_owned(), MANAGED_BY.to_owned()),
    ]);
    let annotations = service
        .priority
        .as_ref()
        .map(|p| BTreeMap::from([(PRIORITY_ANNOTATION.to_owned(), p.value.clone())]));
    HorizontalPodAutoscaler {
        metadata: ObjectMeta {
            name: Some(service.name.clone()),
            namespace: services.namespace.as_ref().map(|n| n.value.clone()),
            labels: Some(labels),
            annotations,
            ..ObjectMeta::default()
        },
        spec: Some(HorizontalPodAutoscalerSpec {
            scale_target_ref: CrossVersionObjectReference {
                api_version: Some("apps/v1".into()),
                kind: service.target.kind.as_str().into(),
                name: service.target.name.clone(),
            },
            min_replicas: Some(service.min_replicas.value),
            max_replicas: service.effective_max().value,
            metrics: Some(
                service
                    .metrics
                    .value
                    .iter()
                    .map(|&metric| MetricSpec {
                        type_: "Resource".into(),
                        resource: Some(ResourceMetricSource {
                            name: metric.as_str().into(),
                            target: MetricTarget {
                                type_: "Utilization".into(),
                                average_utilization: Some(service.scale_up.threshold(metric).value),
                                ..MetricTarget::default()
                            },
                        }),
                        ..MetricSpec::default()
                    })
                    .collect(),
            ),
            behavior: Some(HorizontalPodAutoscalerBehavior {
                scale_up: Some(rules(&service.scale_up)),
                scale_down: Some(rules(&service.scale_down)),
            }),
        }),
        status: None,
    }
}

fn rules(direction: &Direction) -> HPAScalingRules {
    let policies: Vec<HPAScalingPolicy> = direction
        .policies
        .value
        .iter()
        .filter_map(|p| {
            let (kind, value) = p.limit()?;
            Some(HPAScalingPolicy {
                type_: match kind {
                    PolicyKind::Percent => "Percent",
                    PolicyKind::Pods => "Pods",
                }
                .into(),
                value,
                period_seconds: i32::try_from(p.period.0.seconds()).unwrap_or(i32::MAX),
            })
        })
        .collect();
    HPAScalingRules {
        stabilization_window_seconds: Some(
            i32::try_from(direction.window.value.seconds()).unwrap_or(i32::MAX),
        ),
        // An explicit empty list is refused by the API server; left out, defaulting fills it
        // (only reachable with `select: disabled`, where policies do not matter).
        policies: (!policies.is_empty()).then_some(policies),
        select_policy: Some(
            match direction.select.value {
                Select::Max => "Max",
                Select::Min => "Min",
                Select::Disabled => "Disabled",
            }
            .into(),
        ),
        ..HPAScalingRules::default()
    }
}

/// The HPA as a file: header, then the manifest.
pub fn file(services: &Services, service: &Service, header: &str) -> String {
    crate::render::yaml_file(&build(services, service), header, &[])
}

/// `k8s/kustomization.yaml`, so `kubectl apply -k generated/k8s` applies every HPA.
pub fn kustomization(files: &[String], header: &str) -> String {
    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Kustomization<'a> {
        api_version: &'a str,
        kind: &'a str,
        resources: Vec<&'a str>,
    }
    let mut resources: Vec<&str> = files.iter().map(String::as_str).collect();
    resources.sort_unstable();
    crate::render::yaml_file(
        &Kustomization {
            api_version: "kustomize.config.k8s.io/v1beta1",
            kind: "Kustomization",
            resources,
        },
        header,
        &[],
    )
}
