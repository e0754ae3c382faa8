//! Per-HPA controller memory and one reconcile (algorithm.md §2, §9, §10;
//! Kubernetes `reconcileAutoscaler`).

use serde::{Deserialize, Serialize};

use super::clock::SimTime;
use super::conditions::{
    Condition, ConditionStatus, ConditionType, find_condition, reason, remove_condition,
    set_condition,
};
use super::config::ControllerConfig;
use super::events::{ScaleEvents, store_scale_event};
use super::observation::{Observation, Scale, SelectorState};
use super::rate_limit::{LimitReason, ReplicaRange, limit_legacy, limit_with_behaviors};
use super::replica_calculator::{
    CalculatorContext, MetricEvaluation, MetricOutcome, evaluate_metric,
};
use super::spec::{Behavior, HpaSpec};
use super::stabilization::{
    Recommendation, StabilizationReason, stabilize_legacy, stabilize_with_behaviors,
};
use super::tolerance::Tolerances;

/// The HPA's `status` as the controller last wrote it. Conditions carry over
/// from sync to sync; `ScaledToZero` in particular is read back.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HpaStatus {
    pub current_replicas: i32,
    pub desired_replicas: i32,
    pub last_scale_time: Option<SimTime>,
    pub conditions: Vec<Condition>,
}

/// Everything the controller remembers about one HPA between syncs: its
/// in-memory histories (lost on a controller restart) and the HPA status.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HpaState {
    /// Raw proposals for stabilization. `None` until the first sync, which
    /// seeds it with `(current, now)`: that seed holds off a scale-down for a
    /// whole down window after a controller (re)start.
    pub recommendations: Option<Vec<Recommendation>>,
    pub scale_events: ScaleEvents,
    pub status: HpaStatus,
}

impl HpaState {
    /// A controller that has never seen this HPA.
    pub fn new() -> Self {
        HpaState::default()
    }
}

/// What one sync decided.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReconcileOutcome {
    /// `scale.spec.replicas` as read; `None` when the scale could not be read.
    pub current_replicas: Option<i32>,
    /// `status.desiredReplicas` after the sync: the new count when the scale
    /// was written, else the count the controller kept.
    pub desired_replicas: i32,
    /// The controller wrote `scale.spec.replicas = desired_replicas`.
    pub scale_updated: bool,
    /// The full `status.conditions` after the pass.
    pub conditions: Vec<Condition>,
    /// One entry per `spec.metrics` entry, when metrics were computed.
    pub metrics: Vec<MetricEvaluation>,
    /// The combined metric proposal (highest valid one), before stabilization.
    pub proposal: Option<i32>,
    /// The proposal after stabilization, before rate limits and min/max.
    pub stabilized: Option<i32>,
    /// The `ScalingLimited` reason of the final clamp, when metrics were used.
    pub limit_reason: Option<LimitReason>,
    /// The text of the `SuccessfulRescale` event.
    pub rescale_reason: Option<String>,
    /// The error the reconcile returns (it may still have scaled).
    pub error: Option<String>,
}

/// Runs one sync of one HPA at `now`, updating `state` in place.
///
/// `spec` may be as written: the API defaults (§12) are applied here, as the
/// API server would have before the controller saw the object.
pub fn reconcile(
    config: &ControllerConfig,
    spec: &HpaSpec,
    state: &mut HpaState,
    now: SimTime,
    observed: &Observation,
) -> ReconcileOutcome {
    let spec = spec.with_api_defaults();
    let mut pass = Pass::new(state);

    let Some(scale) = observed.scale else {
        pass.set(
            ConditionType::AbleToScale,
            ConditionStatus::False,
            reason::FAILED_GET_SCALE,
            "the HPA controller was unable to get the target's current scale",
        );
        let desired = pass.state.status.desired_replicas;
        return pass.finish(None, desired, false);
    };
    pass.set(
        ConditionType::AbleToScale,
        ConditionStatus::True,
        reason::SUCCEEDED_GET_SCALE,
        "the HPA controller was able to get the target's current scale",
    );
    let current = scale.spec_replicas;
    if pass.state.recommendations.is_none() {
        pass.state.recommendations = Some(vec![Recommendation {
            replicas: current,
            timestamp: now,
        }]);
    }

    let range = ReplicaRange {
        min: spec.min_replicas_or_default(),
        max: spec.max_replicas,
    };
    let scale_to_zero_gate = config.feature_gates.scale_to_zero;
    let has_object_or_external = spec.has_object_or_external_metric();
    let scaled_to_zero_before = scale_to_zero_gate
        && find_condition(&pass.state.status.conditions, ConditionType::ScaledToZero)
            .is_some_and(|condition| condition.status == ConditionStatus::True);

    let mut desired = 0;
    let mut rescale = true;
    let mut needs_metrics = true;
    if current == 0 {
        // Zero means "paused" unless this HPA itself scaled to zero.
        needs_metrics = scaled_to_zero_before && (range.min != 0 || has_object_or_external);
        if !needs_metrics {
            rescale = false;
            pass.set(
                ConditionType::ScalingActive,
                ConditionStatus::False,
                reason::SCALING_DISABLED,
                "scaling is disabled since the replica count of the target is zero",
            );
            if !scale_to_zero_gate {
                pass.remove(ConditionType::ScaledToZero);
            }
        }
    } else if current > range.max {
        // Out of range: straight to the bound, ignoring metrics, windows and policies.
        pass.rescale_reason = Some("Current number of replicas above Spec.MaxReplicas".to_string());
        desired = range.max;
        needs_metrics = false;
    } else if current < range.min {
        pass.rescale_reason = Some("Current number of replicas below Spec.MinReplicas".to_string());
        desired = range.min;
        needs_metrics = false;
    }

    if needs_metrics {
        let Some(combined) = pass.compute_metrics(config, &spec, scale, now, observed) else {
            let kept = pass.state.status.desired_replicas;
            pass.state.status.current_replicas = current;
            return pass.finish(Some(current), kept, false);
        };
        let mut rescale_metric = String::new();
        if combined.replicas > desired {
            desired = combined.replicas;
            rescale_metric = combined.description;
        }
        if desired > current {
            pass.rescale_reason = Some(format!("{rescale_metric} above target"));
        }
        if desired < current {
            pass.rescale_reason = Some("All metrics below target".to_string());
        }
        desired = match spec.behavior.as_ref() {
            None => pass.normalize_legacy(config, current, desired, range, now),
            Some(behavior) => {
                pass.normalize_with_behavior(config, behavior, current, desired, range, now)
            }
        };
        if current == 0 && range.min != 0 && scaled_to_zero_before && desired < range.min {
            desired = range.min;
            if pass.rescale_reason.is_none() {
                pass.rescale_reason =
                    Some("Current number of replicas below Spec.MinReplicas".to_string());
            }
        }
        rescale = desired != current;
    }

    if !rescale {
        pass.rescale_reason = None;
        pass.state.status.current_replicas = current;
        pass.state.status.desired_replicas = current;
        return pass.finish(Some(current), current, false);
    }

    if observed.scale_update_fails {
        pass.set(
            ConditionType::AbleToScale,
            ConditionStatus::False,
            reason::FAILED_UPDATE_SCALE,
            "the HPA controller was unable to update the target scale",
        );
        pass.rescale_reason = None;
        pass.error = Some("failed to rescale the target".to_string());
        let kept = pass.state.status.desired_replicas;
        pass.state.status.current_replicas = current;
        return pass.finish(Some(current), kept, false);
    }

    pass.set(
        ConditionType::AbleToScale,
        ConditionStatus::True,
        reason::SUCCEEDED_RESCALE,
        format!("the HPA controller was able to update the target scale to {desired}"),
    );
    store_scale_event(
        spec.behavior.as_ref(),
        &mut pass.state.scale_events,
        current,
        desired,
        now,
    );
    if scale_to_zero_gate {
        // Set on every rescale so that it is never stale.
        if current > 0 && desired == 0 && range.min == 0 && has_object_or_external {
            pass.set(
                ConditionType::ScaledToZero,
                ConditionStatus::True,
                reason::SCALED_TO_ZERO,
                "the HPA controller scaled the workload to zero",
            );
        } else {
            pass.set(
                ConditionType::ScaledToZero,
                ConditionStatus::False,
                reason::NOT_SCALED_TO_ZERO,
                "the HPA controller did not scale the workload to zero",
            );
        }
    } else {
        pass.remove(ConditionType::ScaledToZero);
    }
    pass.state.status.current_replicas = current;
    pass.state.status.desired_replicas = desired;
    pass.state.status.last_scale_time = Some(now);
    pass.finish(Some(current), desired, true)
}

/// The highest valid proposal and the metric that made it.
struct CombinedProposal {
    replicas: i32,
    description: String,
}

/// The working state of one reconcile pass.
struct Pass<'a> {
    state: &'a mut HpaState,
    metrics: Vec<MetricEvaluation>,
    proposal: Option<i32>,
    stabilized: Option<i32>,
    limit_reason: Option<LimitReason>,
    rescale_reason: Option<String>,
    error: Option<String>,
}

impl<'a> Pass<'a> {
    fn new(state: &'a mut HpaState) -> Self {
        Pass {
            state,
            metrics: Vec::new(),
            proposal: None,
            stabilized: None,
            limit_reason: None,
            rescale_reason: None,
            error: None,
        }
    }

    fn set(
        &mut self,
        condition_type: ConditionType,
        status: ConditionStatus,
        reason: &str,
        message: impl Into<String>,
    ) {
        set_condition(
            &mut self.state.status.conditions,
            condition_type,
            status,
            reason,
            message,
        );
    }

    fn remove(&mut self, condition_type: ConditionType) {
        remove_condition(&mut self.state.status.conditions, condition_type);
    }

    fn finish(self, current: Option<i32>, desired: i32, scale_updated: bool) -> ReconcileOutcome {
        ReconcileOutcome {
            current_replicas: current,
            desired_replicas: desired,
            scale_updated,
            conditions: self.state.status.conditions.clone(),
            metrics: self.metrics,
            proposal: self.proposal,
            stabilized: self.stabilized,
            limit_reason: self.limit_reason,
            rescale_reason: self.rescale_reason,
            error: self.error,
        }
    }

    /// `computeReplicasForMetrics`: the maximum of the valid proposals. A
    /// failing metric aborts the sync when every metric failed or when the
    /// valid ones would scale down; a scale-up goes ahead.
    fn compute_metrics(
        &mut self,
        config: &ControllerConfig,
        spec: &HpaSpec,
        scale: Scale,
        now: SimTime,
        observed: &Observation,
    ) -> Option<CombinedProposal> {
        let selector_failure = match observed.selector {
            SelectorState::Valid => None,
            SelectorState::Missing => Some((
                reason::INVALID_SELECTOR,
                "the HPA target's scale is missing a selector",
            )),
            SelectorState::Unparsable => Some((
                reason::INVALID_SELECTOR,
                "couldn't convert selector into a corresponding internal selector object",
            )),
            SelectorState::Ambiguous => Some((
                reason::AMBIGUOUS_SELECTOR,
                "pods by selector are controlled by more than one HPA",
            )),
        };
        if let Some((failure, message)) = selector_failure {
            self.set(
                ConditionType::ScalingActive,
                ConditionStatus::False,
                failure,
                message,
            );
            self.error = Some(message.to_string());
            return None;
        }

        let context = CalculatorContext {
            pods: &observed.pods,
            now,
            cpu_initialization_period_seconds: config.cpu_initialization_period_seconds,
            initial_readiness_delay_seconds: config.initial_readiness_delay_seconds,
            tolerances: Tolerances::for_hpa(config, spec.behavior.as_ref()),
        };
        self.metrics = spec
            .metrics
            .iter()
            .map(|metric| evaluate_metric(&context, metric, scale, &observed.metrics))
            .collect();

        let mut best: Option<CombinedProposal> = None;
        let mut first_failure: Option<(String, String)> = None;
        let mut failures = 0usize;
        for evaluation in &self.metrics {
            match &evaluation.outcome {
                MetricOutcome::Failed { reason, message } => {
                    failures += 1;
                    if first_failure.is_none() {
                        first_failure = Some((reason.clone(), message.clone()));
                    }
                }
                MetricOutcome::Proposed(proposal) => {
                    // The controller replaces a best of exactly 0 with any later
                    // proposal, even a lower one.
                    let replaces = match &best {
                        None => true,
                        Some(best) => best.replicas == 0 || proposal.replicas > best.replicas,
                    };
                    if replaces {
                        best = Some(CombinedProposal {
                            replicas: proposal.replicas,
                            description: evaluation.description.clone(),
                        });
                    }
                }
            }
        }
        let best_replicas = best.as_ref().map_or(0, |best| best.replicas);
        if let Some((failure, message)) = first_failure {
            let error = format!(
                "invalid metrics ({failures} invalid out of {}), first error is: {message}",
                self.metrics.len()
            );
            self.error = Some(error);
            if failures >= self.metrics.len() || best_replicas < scale.spec_replicas {
                self.set(
                    ConditionType::ScalingActive,
                    ConditionStatus::False,
                    &failure,
                    format!("the HPA was unable to compute the replica count: {message}"),
                );
                return None;
            }
        }
        let combined = best?;
        self.set(
            ConditionType::ScalingActive,
            ConditionStatus::True,
            reason::VALID_METRIC_FOUND,
            format!(
                "the HPA was able to successfully calculate a replica count from {}",
                combined.description
            ),
        );
        self.proposal = Some(combined.replicas);
        Some(combined)
    }

    /// No behavior: legacy stabilization (max over the down window), then the
    /// legacy clamp with its per-sync up cap.
    fn normalize_legacy(
        &mut self,
        config: &ControllerConfig,
        current: i32,
        proposal: i32,
        range: ReplicaRange,
        now: SimTime,
    ) -> i32 {
        let history = self.state.recommendations.get_or_insert_with(Vec::new);
        let stabilized = stabilize_legacy(
            history,
            proposal,
            now,
            config.downscale_stabilization_window_seconds,
        );
        if stabilized != proposal {
            self.set(
                ConditionType::AbleToScale,
                ConditionStatus::True,
                reason::SCALE_DOWN_STABILIZED,
                "recent recommendations were higher than current one, applying the highest recent recommendation",
            );
        } else {
            self.set(
                ConditionType::AbleToScale,
                ConditionStatus::True,
                reason::READY_FOR_NEW_SCALE,
                "recommended size matches current size",
            );
        }
        let limited = limit_legacy(
            current,
            stabilized,
            range,
            config.scale_up_limit_factor,
            config.scale_up_limit_minimum,
        );
        self.record_limit(stabilized, limited.replicas, limited.reason);
        limited.replicas
    }

    /// With a behavior: both stabilization windows, then the policies' rate
    /// limits together with min/max.
    fn normalize_with_behavior(
        &mut self,
        config: &ControllerConfig,
        behavior: &Behavior,
        current: i32,
        proposal: i32,
        range: ReplicaRange,
        now: SimTime,
    ) -> i32 {
        let up_window = behavior
            .scale_up_rules()
            .stabilization_window_seconds
            .map_or(0, i64::from);
        let down_window = behavior
            .scale_down_rules()
            .stabilization_window_seconds
            .map_or(config.downscale_stabilization_window_seconds, i64::from);
        let history = self.state.recommendations.get_or_insert_with(Vec::new);
        let stabilized =
            stabilize_with_behaviors(history, current, proposal, now, up_window, down_window);
        if stabilized.replicas != proposal {
            let message = match stabilized.reason {
                StabilizationReason::ScaleUpStabilized => {
                    "recent recommendations were lower than current one, applying the lowest recent recommendation"
                }
                StabilizationReason::ScaleDownStabilized => {
                    "recent recommendations were higher than current one, applying the highest recent recommendation"
                }
            };
            self.set(
                ConditionType::AbleToScale,
                ConditionStatus::True,
                stabilized.reason.as_str(),
                message,
            );
        } else {
            self.set(
                ConditionType::AbleToScale,
                ConditionStatus::True,
                reason::READY_FOR_NEW_SCALE,
                "recommended size matches current size",
            );
        }
        let limited = limit_with_behaviors(
            current,
            stabilized.replicas,
            range,
            behavior,
            &self.state.scale_events,
            now,
        );
        self.record_limit(stabilized.replicas, limited.replicas, limited.reason);
        limited.replicas
    }

    fn record_limit(&mut self, stabilized: i32, limited: i32, limit_reason: LimitReason) {
        self.stabilized = Some(stabilized);
        self.limit_reason = Some(limit_reason);
        let message = match limit_reason {
            LimitReason::DesiredWithinRange => "the desired count is within the acceptable range",
            LimitReason::ScaleUpLimit => {
                "the desired replica count is increasing faster than the maximum scale rate"
            }
            LimitReason::TooManyReplicas => {
                "the desired replica count is more than the maximum replica count"
            }
            LimitReason::ScaleDownLimit => {
                "the desired replica count is decreasing faster than the maximum scale rate"
            }
            LimitReason::TooFewReplicas => {
                "the desired replica count is less than the minimum replica count"
            }
        };
        self.set(
            ConditionType::ScalingLimited,
            ConditionStatus::from_bool(limited != stabilized),
            limit_reason.as_str(),
            message,
        );
    }
}
