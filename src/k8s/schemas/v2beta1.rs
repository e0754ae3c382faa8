//! `autoscaling/v2beta1` HorizontalPodAutoscaler, no longer served since Kubernetes 1.25 and so
//! absent from `k8s-openapi`'s `v1_33` types, written from the v2beta1 API reference.
//!
//! Unlike `v2`, a v2beta1 metric carries its target inline (`targetAverageUtilization`,
//! `targetAverageValue`, `targetValue`) and names custom metrics with `metricName` instead of a
//! `metric: {name, selector}` identifier. Types that did not change between versions
//! (`ObjectMeta`, `CrossVersionObjectReference`, `LabelSelector`, `Quantity`, `Time`, the status
//! condition) are `k8s-openapi`'s.
//!
//! These structs exist for their JSON Schema; they also deserialize, so a rule can read a v2beta1
//! object after it validated.

use k8s_openapi::api::autoscaling::v2::{
    CrossVersionObjectReference, HorizontalPodAutoscalerCondition,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta, Time};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// An autoscaler that sets the replica count of a scalable resource from the metrics in its spec.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "io.k8s.api.autoscaling.v2beta1.HorizontalPodAutoscaler")]
pub struct HorizontalPodAutoscaler {
    /// The versioned schema of this object: `autoscaling/v2beta1`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// The object's kind: `HorizontalPodAutoscaler`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The object's name, namespace, labels and annotations.
    pub metadata: ObjectMeta,
    /// What to scale, between which bounds, on which metrics.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spec: Option<HorizontalPodAutoscalerSpec>,
    /// What the autoscaler last observed; written by the controller.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<HorizontalPodAutoscalerStatus>,
}

/// The desired behaviour of the autoscaler.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "io.k8s.api.autoscaling.v2beta1.HorizontalPodAutoscalerSpec")]
pub struct HorizontalPodAutoscalerSpec {
    /// The scalable resource whose replica count is set and whose pods are measured.
    pub scale_target_ref: CrossVersionObjectReference,
    /// The lowest replica count the autoscaler may set (1 when unset).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_replicas: Option<i32>,
    /// The highest replica count the autoscaler may set.
    pub max_replicas: i32,
    /// The metrics the replica count is computed from; the largest proposal wins.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metrics: Option<Vec<MetricSpec>>,
}

/// One metric to scale on: `type` names which one of the other fields is set.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "io.k8s.api.autoscaling.v2beta1.MetricSpec")]
pub struct MetricSpec {
    /// `Object`, `Pods`, `Resource`, `ContainerResource` or `External`.
    #[serde(rename = "type")]
    pub type_: String,
    /// A metric describing one Kubernetes object.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object: Option<ObjectMetricSource>,
    /// A metric of each pod of the target, averaged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pods: Option<PodsMetricSource>,
    /// A resource (CPU, memory) of each pod of the target, as requested in its containers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<ResourceMetricSource>,
    /// A resource of one named container in each pod of the target.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container_resource: Option<ContainerResourceMetricSource>,
    /// A metric from outside the cluster, not tied to any Kubernetes object.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external: Option<ExternalMetricSource>,
}

/// Scaling on a metric of one Kubernetes object.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "io.k8s.api.autoscaling.v2beta1.ObjectMetricSource")]
pub struct ObjectMetricSource {
    /// The object the metric describes.
    pub target: CrossVersionObjectReference,
    /// The metric's name.
    pub metric_name: String,
    /// The value to keep the metric at.
    pub target_value: Quantity,
    /// Narrows the metric with a label selector, passed to the metrics server.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selector: Option<LabelSelector>,
    /// The value to keep the metric at, divided by the pod count.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub average_value: Option<Quantity>,
}

/// Scaling on a metric reported by each pod of the target.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "io.k8s.api.autoscaling.v2beta1.PodsMetricSource")]
pub struct PodsMetricSource {
    /// The metric's name.
    pub metric_name: String,
    /// The value to keep the per-pod average at.
    pub target_average_value: Quantity,
    /// Narrows the metric with a label selector, passed to the metrics server.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selector: Option<LabelSelector>,
}

/// Scaling on a resource of the target's pods.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "io.k8s.api.autoscaling.v2beta1.ResourceMetricSource")]
pub struct ResourceMetricSource {
    /// The resource's name (`cpu`, `memory`).
    pub name: String,
    /// The per-pod average to keep, as a percentage of the pods' requests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_average_utilization: Option<i32>,
    /// The per-pod average to keep, as a raw quantity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_average_value: Option<Quantity>,
}

/// Scaling on a resource of one container of the target's pods.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "io.k8s.api.autoscaling.v2beta1.ContainerResourceMetricSource")]
pub struct ContainerResourceMetricSource {
    /// The resource's name (`cpu`, `memory`).
    pub name: String,
    /// The container's name in the target's pod template.
    pub container: String,
    /// The per-pod average to keep, as a percentage of the container's request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_average_utilization: Option<i32>,
    /// The per-pod average to keep, as a raw quantity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_average_value: Option<Quantity>,
}

/// Scaling on a metric from outside the cluster.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "io.k8s.api.autoscaling.v2beta1.ExternalMetricSource")]
pub struct ExternalMetricSource {
    /// The metric's name.
    pub metric_name: String,
    /// Picks one time series of the metric by label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metric_selector: Option<LabelSelector>,
    /// The value to keep the metric at (exclusive with `targetAverageValue`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_value: Option<Quantity>,
    /// The value to keep the metric divided by the pod count at (exclusive with `targetValue`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_average_value: Option<Quantity>,
}

/// What the autoscaler last observed.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "io.k8s.api.autoscaling.v2beta1.HorizontalPodAutoscalerStatus")]
pub struct HorizontalPodAutoscalerStatus {
    /// The generation of the spec the controller last acted on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// When the autoscaler last changed the replica count.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_scale_time: Option<Time>,
    /// The replica count the autoscaler last saw.
    pub current_replicas: i32,
    /// The replica count the autoscaler last computed.
    pub desired_replicas: i32,
    /// The metric values the autoscaler last read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_metrics: Option<Vec<MetricStatus>>,
    /// Whether the autoscaler is able to scale, and why not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conditions: Option<Vec<HorizontalPodAutoscalerCondition>>,
}

/// One metric's last read value: `type` names which one of the other fields is set.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "io.k8s.api.autoscaling.v2beta1.MetricStatus")]
pub struct MetricStatus {
    /// `Object`, `Pods`, `Resource`, `ContainerResource` or `External`.
    #[serde(rename = "type")]
    pub type_: String,
    /// The value of a metric describing one Kubernetes object.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object: Option<ObjectMetricStatus>,
    /// The per-pod average of a pod metric.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pods: Option<PodsMetricStatus>,
    /// The per-pod average of a resource.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<ResourceMetricStatus>,
    /// The per-pod average of one container's resource.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container_resource: Option<ContainerResourceMetricStatus>,
    /// The value of a metric from outside the cluster.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external: Option<ExternalMetricStatus>,
}

/// The last read value of an object metric.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "io.k8s.api.autoscaling.v2beta1.ObjectMetricStatus")]
pub struct ObjectMetricStatus {
    /// The object the metric describes.
    pub target: CrossVersionObjectReference,
    /// The metric's name.
    pub metric_name: String,
    /// The metric's value.
    pub current_value: Quantity,
    /// The label selector the metric was read with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selector: Option<LabelSelector>,
    /// The metric's value divided by the pod count.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub average_value: Option<Quantity>,
}

/// The last read per-pod average of a pod metric.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "io.k8s.api.autoscaling.v2beta1.PodsMetricStatus")]
pub struct PodsMetricStatus {
    /// The metric's name.
    pub metric_name: String,
    /// The per-pod average.
    pub current_average_value: Quantity,
    /// The label selector the metric was read with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selector: Option<LabelSelector>,
}

/// The last read per-pod average of a resource.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "io.k8s.api.autoscaling.v2beta1.ResourceMetricStatus")]
pub struct ResourceMetricStatus {
    /// The resource's name.
    pub name: String,
    /// The per-pod average as a percentage of the pods' requests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_average_utilization: Option<i32>,
    /// The per-pod average as a raw quantity.
    pub current_average_value: Quantity,
}

/// The last read per-pod average of one container's resource.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "io.k8s.api.autoscaling.v2beta1.ContainerResourceMetricStatus")]
pub struct ContainerResourceMetricStatus {
    /// The resource's name.
    pub name: String,
    /// The container's name.
    pub container: String,
    /// The per-pod average as a percentage of the container's request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_average_utilization: Option<i32>,
    /// The per-pod average as a raw quantity.
    pub current_average_value: Quantity,
}

/// The last read value of a metric from outside the cluster.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "io.k8s.api.autoscaling.v2beta1.ExternalMetricStatus")]
pub struct ExternalMetricStatus {
    /// The metric's name.
    pub metric_name: String,
    /// The selector that picked the time series.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metric_selector: Option<LabelSelector>,
    /// The metric's value.
    pub current_value: Quantity,
    /// The metric's value divided by the pod count.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_average_value: Option<Quantity>,
}
