//! Controller-wide settings: the kube-controller-manager flags and feature
//! gates that shape every HPA's decision (algorithm.md §13).

use serde::{Deserialize, Serialize};

/// Feature gates the decision logic reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FeatureGates {
    /// `HPAConfigurableTolerance`: per-direction `behavior.*.tolerance` overrides
    /// the controller tolerance (§4). Alpha in 1.33, beta and on by default from
    /// 1.35; off here (the vectors' "no gates"), on in
    /// [`ControllerConfig::default`] (a current release).
    #[serde(default)]
    pub configurable_tolerance: bool,
    /// `HPAScaleToZero`: an HPA that scaled its target to zero may scale it up
    /// again (§10). Alpha, off by default.
    #[serde(default)]
    pub scale_to_zero: bool,
}

/// The controller flags. [`Default`] gives the production values; the
/// Kubernetes unit tests (and so the transcribed vectors) use other ones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ControllerConfig {
    /// `--horizontal-pod-autoscaler-tolerance`, both directions unless a
    /// behavior overrides one under the gate.
    pub tolerance: f64,
    /// `--horizontal-pod-autoscaler-downscale-stabilization`: the legacy down
    /// window, and the behavior scale-down window when the spec leaves it unset.
    pub downscale_stabilization_window_seconds: i64,
    /// `--horizontal-pod-autoscaler-cpu-initialization-period`.
    pub cpu_initialization_period_seconds: i64,
    /// `--horizontal-pod-autoscaler-initial-readiness-delay`.
    pub initial_readiness_delay_seconds: i64,
    /// Legacy up cap: `max(factor * current, minimum)` per sync (§7).
    pub scale_up_limit_factor: f64,
    pub scale_up_limit_minimum: f64,
    /// `--horizontal-pod-autoscaler-sync-period`: how often a simulator should
    /// call [`reconcile`](super::reconcile).
    pub sync_period_seconds: i64,
    #[serde(default)]
    pub feature_gates: FeatureGates,
}

impl Default for ControllerConfig {
    fn default() -> Self {
        ControllerConfig {
            tolerance: 0.1,
            downscale_stabilization_window_seconds: 300,
            cpu_initialization_period_seconds: 300,
            initial_readiness_delay_seconds: 30,
            scale_up_limit_factor: 2.0,
            scale_up_limit_minimum: 4.0,
            sync_period_seconds: 15,
            // A current release, as `check` validates against: the tolerance gate is on by
            // default from 1.35, so a `behavior.*.tolerance` that passes validation is honoured.
            feature_gates: FeatureGates {
                configurable_tolerance: true,
                scale_to_zero: false,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::hpa::{
        Behavior, HpaSpec, HpaState, MetricSpec, MetricTarget, Observation, Scale, ScalingRules,
        SimTime, reconcile,
    };

    /// What validation accepts, the controller honours: with the production defaults a
    /// `behavior.scaleUp.tolerance` of 0.5 keeps a 30% overshoot (130 over 2 × 50) from scaling
    /// up, where the default 10% scales to 3.
    #[test]
    fn production_defaults_honour_a_behavior_tolerance() {
        let spec = |tolerance| HpaSpec {
            min_replicas: Some(1),
            max_replicas: 10,
            metrics: vec![MetricSpec::External {
                metric_name: "load".into(),
                target: MetricTarget::AverageValue {
                    average_value_milli: 50_000,
                },
            }],
            behavior: Some(Behavior {
                scale_up: Some(ScalingRules {
                    tolerance,
                    ..ScalingRules::default()
                }),
                scale_down: None,
            }),
        };
        let mut observed = Observation {
            scale: Some(Scale {
                spec_replicas: 2,
                status_replicas: 2,
            }),
            ..Observation::default()
        };
        observed.metrics.external_metrics = BTreeMap::from([("load".to_string(), vec![130_000])]);
        let desired = |tolerance| {
            let mut state = HpaState::new();
            reconcile(
                &ControllerConfig::default(),
                &spec(tolerance),
                &mut state,
                SimTime::from_secs(0),
                &observed,
            )
            .desired_replicas
        };
        assert_eq!(desired(Some(0.5)), 2);
        assert_eq!(desired(None), 3);
    }
}
