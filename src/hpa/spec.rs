//! The HPA spec the controller reads, and the autoscaling/v2 API defaults it
//! gets before the controller ever sees it (algorithm.md §12).
//!
//! The serde form is the compact one the test vectors use (quantities as
//! integer milli-units, `metricName` for custom metrics).

use serde::{Deserialize, Serialize};

/// `autoscaling.DefaultCPUUtilization`: the target of the metric the API adds
/// when a spec lists none.
pub const DEFAULT_CPU_UTILIZATION: i32 = 80;

/// The parts of `HorizontalPodAutoscalerSpec` that drive the decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HpaSpec {
    /// Absent means 1 (API default).
    #[serde(default)]
    pub min_replicas: Option<i32>,
    pub max_replicas: i32,
    /// Empty means one CPU metric at 80 % utilization (API default).
    #[serde(default)]
    pub metrics: Vec<MetricSpec>,
    /// Absent selects the legacy path (§7); the API does not invent one.
    #[serde(default)]
    pub behavior: Option<Behavior>,
}

impl HpaSpec {
    pub fn min_replicas_or_default(&self) -> i32 {
        self.min_replicas.unwrap_or(1)
    }

    /// The spec as the API server stores it: min replicas, the default metric
    /// and the behavior defaults filled in. Applying it twice changes nothing.
    pub fn with_api_defaults(&self) -> HpaSpec {
        let metrics = if self.metrics.is_empty() {
            vec![MetricSpec::Resource {
                name: "cpu".to_string(),
                target: MetricTarget::Utilization {
                    average_utilization: DEFAULT_CPU_UTILIZATION,
                },
            }]
        } else {
            self.metrics.clone()
        };
        HpaSpec {
            min_replicas: Some(self.min_replicas_or_default()),
            max_replicas: self.max_replicas,
            metrics,
            behavior: self.behavior.as_ref().map(Behavior::with_defaults),
        }
    }

    pub fn has_object_or_external_metric(&self) -> bool {
        self.metrics.iter().any(|metric| {
            matches!(
                metric,
                MetricSpec::Object { .. } | MetricSpec::External { .. }
            )
        })
    }
}

/// One entry of `spec.metrics`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", deny_unknown_fields)]
pub enum MetricSpec {
    /// A resource of the whole pod (all containers and sidecars).
    #[serde(rename_all = "camelCase")]
    Resource { name: String, target: MetricTarget },
    /// A resource of one named container.
    #[serde(rename_all = "camelCase")]
    ContainerResource {
        name: String,
        container: String,
        target: MetricTarget,
    },
    /// A custom metric reported per pod.
    #[serde(rename_all = "camelCase")]
    Pods {
        metric_name: String,
        target: MetricTarget,
    },
    /// A custom metric describing one Kubernetes object.
    #[serde(rename_all = "camelCase")]
    Object {
        metric_name: String,
        described_object: ObjectReference,
        target: MetricTarget,
    },
    /// A metric from outside the cluster; all returned series are summed.
    #[serde(rename_all = "camelCase")]
    External {
        metric_name: String,
        target: MetricTarget,
    },
    /// A source type the controller does not know. Validation rejects it, but
    /// the controller still has a reason for it (`InvalidMetricSourceType`).
    #[serde(skip)]
    Unsupported { source_type: String },
}

impl MetricSpec {
    /// The source type, for matching the fetch failures a simulation injects.
    pub fn source_type(&self) -> Option<MetricSourceType> {
        match self {
            MetricSpec::Resource { .. } => Some(MetricSourceType::Resource),
            MetricSpec::ContainerResource { .. } => Some(MetricSourceType::ContainerResource),
            MetricSpec::Pods { .. } => Some(MetricSourceType::Pods),
            MetricSpec::Object { .. } => Some(MetricSourceType::Object),
            MetricSpec::External { .. } => Some(MetricSourceType::External),
            MetricSpec::Unsupported { .. } => None,
        }
    }
}

/// The five metric source types of autoscaling/v2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum MetricSourceType {
    Resource,
    ContainerResource,
    Pods,
    Object,
    External,
}

/// `MetricTarget`, with quantities in milli-units.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", deny_unknown_fields)]
pub enum MetricTarget {
    /// Percent of the pods' requests (Resource and ContainerResource only).
    #[serde(rename_all = "camelCase")]
    Utilization { average_utilization: i32 },
    /// Per-pod average value.
    #[serde(rename_all = "camelCase")]
    AverageValue { average_value_milli: i64 },
    /// Total value (Object and External only).
    #[serde(rename_all = "camelCase")]
    Value { value_milli: i64 },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ObjectReference {
    #[serde(default)]
    pub api_version: String,
    pub kind: String,
    pub name: String,
}

/// `spec.behavior`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Behavior {
    #[serde(default)]
    pub scale_up: Option<ScalingRules>,
    #[serde(default)]
    pub scale_down: Option<ScalingRules>,
}

impl Behavior {
    /// Both directions filled field by field with the autoscaling/v2 defaults.
    pub fn with_defaults(&self) -> Behavior {
        Behavior {
            scale_up: Some(self.scale_up_rules()),
            scale_down: Some(self.scale_down_rules()),
        }
    }

    /// The effective scale-up rules (defaults under whatever the user wrote).
    pub fn scale_up_rules(&self) -> ScalingRules {
        ScalingRules::defaulted_from(self.scale_up.as_ref(), ScalingRules::default_scale_up())
    }

    /// The effective scale-down rules. The window stays unset when the user
    /// left it unset: the controller fills it from its own flag.
    pub fn scale_down_rules(&self) -> ScalingRules {
        ScalingRules::defaulted_from(self.scale_down.as_ref(), ScalingRules::default_scale_down())
    }
}

/// `HPAScalingRules` for one direction.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScalingRules {
    #[serde(default)]
    pub stabilization_window_seconds: Option<i32>,
    #[serde(default)]
    pub select_policy: Option<SelectPolicy>,
    /// `None` (omitted) takes the default list; `Some(vec![])` is kept as
    /// written, as the API does (validation then rejects it).
    #[serde(default)]
    pub policies: Option<Vec<ScalingPolicy>>,
    /// A `resource.Quantity` in the API; the controller reads it as a float.
    #[serde(default)]
    pub tolerance: Option<f64>,
}

impl ScalingRules {
    /// Up: no window, the larger of +4 pods and +100 % per 15 s.
    pub fn default_scale_up() -> ScalingRules {
        ScalingRules {
            stabilization_window_seconds: Some(0),
            select_policy: Some(SelectPolicy::Max),
            policies: Some(vec![
                ScalingPolicy {
                    policy_type: PolicyType::Pods,
                    value: 4,
                    period_seconds: 15,
                },
                ScalingPolicy {
                    policy_type: PolicyType::Percent,
                    value: 100,
                    period_seconds: 15,
                },
            ]),
            tolerance: None,
        }
    }

    /// Down: window from the controller flag, -100 % per 15 s.
    pub fn default_scale_down() -> ScalingRules {
        ScalingRules {
            stabilization_window_seconds: None,
            select_policy: Some(SelectPolicy::Max),
            policies: Some(vec![ScalingPolicy {
                policy_type: PolicyType::Percent,
                value: 100,
                period_seconds: 15,
            }]),
            tolerance: None,
        }
    }

    /// Every field the user set wins over the default; a user policy list
    /// replaces the default list whole.
    pub fn defaulted_from(written: Option<&ScalingRules>, defaults: ScalingRules) -> ScalingRules {
        let Some(written) = written else {
            return defaults;
        };
        ScalingRules {
            stabilization_window_seconds: written
                .stabilization_window_seconds
                .or(defaults.stabilization_window_seconds),
            select_policy: written.select_policy.or(defaults.select_policy),
            policies: written.policies.clone().or(defaults.policies),
            tolerance: written.tolerance.or(defaults.tolerance),
        }
    }

    /// The controller treats anything but `Min` and `Disabled` as `Max`.
    pub fn select(&self) -> SelectPolicy {
        self.select_policy.unwrap_or(SelectPolicy::Max)
    }

    pub fn policies(&self) -> &[ScalingPolicy] {
        self.policies.as_deref().unwrap_or(&[])
    }

    /// How long scale events must be kept for this direction (0 without policies).
    pub fn longest_period_seconds(&self) -> i32 {
        self.policies()
            .iter()
            .map(|policy| policy.period_seconds)
            .fold(0, i32::max)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SelectPolicy {
    /// The policy allowing the largest change.
    Max,
    /// The policy allowing the smallest change.
    Min,
    /// No change in this direction at all.
    Disabled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PolicyType {
    /// An absolute number of pods per period.
    Pods,
    /// A percentage of the replicas at the start of the period.
    Percent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScalingPolicy {
    #[serde(rename = "type")]
    pub policy_type: PolicyType,
    pub value: i32,
    pub period_seconds: i32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_rules_keep_what_the_user_wrote_and_default_the_rest() {
        let written = ScalingRules {
            tolerance: Some(0.05),
            select_policy: Some(SelectPolicy::Min),
            ..ScalingRules::default()
        };
        let up = ScalingRules::defaulted_from(Some(&written), ScalingRules::default_scale_up());
        assert_eq!(up.select(), SelectPolicy::Min);
        assert_eq!(up.tolerance, Some(0.05));
        assert_eq!(up.stabilization_window_seconds, Some(0));
        assert_eq!(up.policies().len(), 2);
    }

    #[test]
    fn user_policies_replace_the_default_list_and_an_empty_list_stays_empty() {
        let one = vec![ScalingPolicy {
            policy_type: PolicyType::Percent,
            value: 10,
            period_seconds: 60,
        }];
        let written = ScalingRules {
            policies: Some(one.clone()),
            ..ScalingRules::default()
        };
        let down = ScalingRules::defaulted_from(Some(&written), ScalingRules::default_scale_down());
        assert_eq!(down.policies(), one.as_slice());
        assert_eq!(down.stabilization_window_seconds, None);

        let empty = ScalingRules {
            policies: Some(vec![]),
            ..ScalingRules::default()
        };
        let up = ScalingRules::defaulted_from(Some(&empty), ScalingRules::default_scale_up());
        assert!(up.policies().is_empty());
    }

    #[test]
    fn api_defaults_fill_min_metrics_and_both_behavior_directions() {
        let spec = HpaSpec {
            min_replicas: None,
            max_replicas: 7,
            metrics: vec![],
            behavior: Some(Behavior::default()),
        };
        let defaulted = spec.with_api_defaults();
        assert_eq!(defaulted.min_replicas, Some(1));
        assert_eq!(
            defaulted.metrics,
            vec![MetricSpec::Resource {
                name: "cpu".into(),
                target: MetricTarget::Utilization {
                    average_utilization: 80
                }
            }]
        );
        let behavior = defaulted.behavior.clone().unwrap_or_default();
        assert_eq!(behavior.scale_up, Some(ScalingRules::default_scale_up()));
        assert_eq!(
            behavior.scale_down,
            Some(ScalingRules::default_scale_down())
        );
        assert_eq!(defaulted.with_api_defaults(), defaulted);
    }
}
