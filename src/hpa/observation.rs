//! What the controller observes on one sync: the target's `/scale`, the pods
//! its selector matches, and the metric APIs' answers.
//!
//! A simulator builds one [`Observation`] per tick from its simulated fleet.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::clock::SimTime;
use super::conditions::ConditionStatus;
use super::spec::MetricSourceType;

/// Everything one reconcile reads from the cluster.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Observation {
    /// `None` when `GET /scale` fails (`AbleToScale=False/FailedGetScale`).
    pub scale: Option<Scale>,
    #[serde(default)]
    pub selector: SelectorState,
    #[serde(default)]
    pub pods: Vec<Pod>,
    #[serde(default)]
    pub metrics: MetricSamples,
    /// The `PUT /scale` of this sync fails (`AbleToScale=False/FailedUpdateScale`).
    #[serde(default)]
    pub scale_update_fails: bool,
}

/// The target's `/scale` subresource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Scale {
    /// `spec.replicas`: what the controller calls "current".
    pub spec_replicas: i32,
    /// `status.replicas`: used only by Object/External `AverageValue` metrics.
    pub status_replicas: i32,
}

/// The state of `scale.status.selector` as the controller sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum SelectorState {
    #[default]
    Valid,
    /// The target reports no selector.
    Missing,
    /// The selector does not parse.
    Unparsable,
    /// Another HPA selects some of the same pods.
    Ambiguous,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PodPhase {
    Pending,
    Running,
    Succeeded,
    Failed,
    Unknown,
}

/// A pod as the controller reads it from the pod lister.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Pod {
    pub name: String,
    pub phase: PodPhase,
    /// The `Ready` condition; `None` when the pod has none.
    #[serde(default)]
    pub ready: Option<PodReadiness>,
    /// `status.startTime`; `None` when unset. [`SimTime::DISTANT_PAST`] is
    /// Kubernetes' zero time.
    #[serde(default)]
    pub start_time: Option<SimTime>,
    /// `metadata.deletionTimestamp` is set.
    #[serde(default)]
    pub deleting: bool,
    #[serde(default)]
    pub containers: Vec<Container>,
    /// Init containers with `restartPolicy: Always` (sidecars); their requests
    /// count toward the pod's.
    #[serde(default)]
    pub restartable_init_containers: Vec<Container>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PodReadiness {
    pub status: ConditionStatus,
    pub last_transition_time: SimTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Container {
    pub name: String,
    /// Resource name (`cpu`, `memory`, ...) to request in milli-units.
    #[serde(default)]
    pub requests_milli: BTreeMap<String, i64>,
}

/// The answers of the metric APIs for this sync.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MetricSamples {
    /// `metrics.k8s.io` PodMetrics, by pod name. An empty map is the API
    /// returning no items, which fails every Resource metric.
    #[serde(default)]
    pub pod_usage: BTreeMap<String, PodUsage>,
    /// Custom per-pod metrics, by metric name, then pod name.
    #[serde(default)]
    pub pods_metrics: BTreeMap<String, BTreeMap<String, PodMetricValue>>,
    /// Object metrics by metric name, in milli-units.
    #[serde(default)]
    pub object_metrics: BTreeMap<String, i64>,
    /// External metric series by metric name, in milli-units.
    #[serde(default)]
    pub external_metrics: BTreeMap<String, Vec<i64>>,
    /// Source types whose fetch returns an error this sync.
    #[serde(default)]
    pub failing_sources: BTreeSet<MetricSourceType>,
}

/// One PodMetrics item: a sample of every container's usage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PodUsage {
    pub timestamp: SimTime,
    /// The window the sample was averaged over.
    pub window_millis: i64,
    /// Container name to resource name to usage in milli-units.
    pub containers: BTreeMap<String, BTreeMap<String, i64>>,
}

/// One custom-metric value for one pod.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PodMetricValue {
    pub value_milli: i64,
    pub timestamp: SimTime,
    pub window_millis: i64,
}
