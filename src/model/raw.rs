//! The services file as written. These types are the JSON Schema (`scalegen schema`): their doc
//! comments are the descriptions editors show. Structure is checked against that schema before
//! anything is deserialized, so every mistake is reported with its location; these types are
//! then filled from what passed.

use std::collections::BTreeMap;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::units;

/// A scalegen services file: the single source of truth for how a platform's services
/// autoscale. `scalegen render` turns it into Kubernetes HorizontalPodAutoscalers, a Docker
/// autoscaler config and docs; `scalegen check` holds existing manifests to it.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(title = "scalegen services file")]
pub struct ServicesFile {
    /// Format version of this file. This scalegen reads version `1`.
    pub version: u32,
    /// Kubernetes namespace of the rendered HorizontalPodAutoscalers. Leave it out to apply
    /// them to the namespace of your kubectl context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Settings every service inherits unless its priority tier or the service itself sets
    /// them. Built-in defaults fill whatever is absent here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub defaults: Option<Settings>,
    /// Priority tiers by name. A tier gives its settings to every service that names it in
    /// `priority`; the policy can cap `maxReplicas` per tier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priorities: Option<BTreeMap<String, Settings>>,
    /// The services, by name. The name is the HPA's name and, unless `target` says otherwise,
    /// the name of the Deployment it scales.
    pub services: BTreeMap<String, Service>,
}

/// Settings shared by `defaults`, the priority tiers and the services.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Settings {
    /// Fewest replicas. HPA `spec.minReplicas`; the Docker autoscaler never goes below it.
    /// Built-in default: 2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_replicas: Option<i32>,
    /// Most replicas. HPA `spec.maxReplicas`; the Docker autoscaler never goes above it. No
    /// built-in default: set it in `defaults`, a priority tier or the service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_replicas: Option<i32>,
    /// The metrics the service scales on. Built-in default: `[cpu, memory]`. Leave one out to
    /// scale on the other alone (its thresholds are then ignored).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("uniqueItems" = true))]
    pub metrics: Option<Vec<Metric>>,
    /// When and how fast to add replicas.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_up: Option<Direction>,
    /// When and how fast to remove replicas.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_down: Option<Direction>,
}

/// One service: its priority tier, any setting of `defaults`, and where it runs.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Service {
    /// The priority tier (a key of `priorities`) whose settings this service inherits. Rendered
    /// as the `scalegen.io/priority` annotation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<String>,
    /// Fewest replicas. HPA `spec.minReplicas`; the Docker autoscaler never goes below it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_replicas: Option<i32>,
    /// Most replicas. HPA `spec.maxReplicas`; the Docker autoscaler never goes above it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_replicas: Option<i32>,
    /// The metrics this service scales on: `cpu`, `memory` or both.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("uniqueItems" = true))]
    pub metrics: Option<Vec<Metric>>,
    /// When and how fast to add replicas.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_up: Option<Direction>,
    /// When and how fast to remove replicas.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_down: Option<Direction>,
    /// The workload the HPA scales. Default: a Deployment named like the service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Target>,
    /// Free text for the docs table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// The container resources the workload is expected to have. `check` compares the
    /// workload's requests with these; `render` writes them into the Docker Compose override.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,
}

/// A scaling direction: the utilization threshold per metric, the stabilization window, and
/// the rate policies.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Direction {
    /// CPU utilization in percent of the request. Under `scaleUp`: the HPA's target
    /// `averageUtilization`, and the Docker autoscaler scales up when above it. Under
    /// `scaleDown`: the Docker autoscaler scales down only when every metric is below its
    /// threshold (the HPA has no separate scale-down threshold). Built-in defaults: 70 up, 30
    /// down.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-scalegen-help" = METRIC_HELP))]
    pub cpu: Option<i32>,
    /// Memory utilization in percent of the request; as `cpu`. Built-in defaults: 70 up, 30
    /// down.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-scalegen-help" = METRIC_HELP))]
    pub memory: Option<i32>,
    /// Stabilization window: how long a recommendation must hold before scaling in this
    /// direction (`60s`, `5m`). HPA `stabilizationWindowSeconds`. Built-in defaults: 60s up,
    /// 300s down.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<Duration>,
    /// Rate limits: how many pods (or what percentage) may be added or removed per period.
    /// Built-in defaults: up `{percent: 50, period: 60s}` and `{pods: 2, period: 60s}`; down
    /// `{percent: 25, period: 60s}` and `{pods: 1, period: 60s}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policies: Option<Vec<Policy>>,
    /// Which policy wins when several apply: `max` (the largest change), `min` (the smallest),
    /// or `disabled` (never scale in this direction). Built-in defaults: `max` up, `min` down.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub select: Option<Select>,
}

const METRIC_HELP: &str = "write a whole percentage such as `70`; leave the field out to inherit it, or list only the other metric under `metrics` to scale without this one";

/// A rate limit: either `percent` or `pods`, per `period`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Policy {
    /// Change by at most this percentage of the replicas at the start of the period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent: Option<i32>,
    /// Change by at most this many pods per period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pods: Option<i32>,
    /// The period the limit applies to (`60s`). HPA `periodSeconds`.
    pub period: Duration,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Metric {
    Cpu,
    Memory,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Select {
    Max,
    Min,
    Disabled,
}

/// The workload the HorizontalPodAutoscaler scales.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Target {
    /// Default: `Deployment`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<TargetKind>,
    /// Default: the service's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
pub enum TargetKind {
    Deployment,
    StatefulSet,
    ReplicaSet,
}

/// Container requests and limits, in Kubernetes quantities (`250m`, `0.5`, `256Mi`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Resources {
    /// What the scheduler reserves; utilization percentages are of these.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests: Option<ResourceList>,
    /// The most the container may use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits: Option<ResourceList>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ResourceList {
    /// CPU: `250m` (millicores), `0.5` or `2` (cores).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu: Option<Quantity>,
    /// Memory: `256Mi`, `1Gi`, `500M`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<Quantity>,
}

/// A duration as written: `45s`, `5m`, `1h`, `1m30s`, or whole seconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Duration(pub units::Duration);

impl JsonSchema for Duration {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Duration".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A duration: `45s`, `5m`, `1h`, `1m30s`, or whole seconds.",
            "type": ["string", "integer"],
            "pattern": "^([0-9]+h)?([0-9]+m)?([0-9]+s)?$|^[0-9]+$",
            "format": "duration",
            "minimum": 0,
            "maximum": u32::MAX,
            "x-scalegen-expected": "a duration like `60s`",
            "x-scalegen-help": "write durations as `45s`, `5m`, `1h`, `1m30s`, or whole seconds"
        })
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::Number(n) => n
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .map(|s| Duration(units::Duration(s)))
                .ok_or_else(|| D::Error::custom("expected a duration like `60s`")),
            serde_json::Value::String(s) => units::Duration::parse(&s)
                .map(Duration)
                .ok_or_else(|| D::Error::custom("expected a duration like `60s`")),
            _ => Err(D::Error::custom("expected a duration like `60s`")),
        }
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0.to_string())
    }
}

/// A Kubernetes quantity as written (`250m`, `1`, `256Mi`); numbers are allowed as kubectl
/// allows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quantity {
    pub text: String,
    pub value: units::Quantity,
}

impl JsonSchema for Quantity {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Quantity".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A Kubernetes quantity: `250m`, `0.5`, `2`, `256Mi`, `1Gi`.",
            "type": ["string", "number"],
            "pattern": "^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?[0-9]+)?$",
            "format": "quantity",
            "minimum": 0,
            "x-scalegen-expected": "a quantity like `250m` or `256Mi`",
            "x-scalegen-help": "write CPU as `250m` or `0.5` (cores), memory as `256Mi` or `1Gi` (binary) or `256M` (decimal)"
        })
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let value = serde_json::Value::deserialize(deserializer)?;
        let text = match &value {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        units::Quantity::from_json(&value)
            .map(|value| Quantity { text, value })
            .ok_or_else(|| D::Error::custom("expected a quantity like `250m`"))
    }
}

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

/// The services file's JSON Schema (draft-07, which yaml-language-server reads).
pub fn schema() -> serde_json::Value {
    let generator = schemars::generate::SchemaSettings::draft07().into_generator();
    let schema = generator.into_root_schema_for::<ServicesFile>();
    serde_json::to_value(schema).unwrap_or_default()
}
