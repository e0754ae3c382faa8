//! The Docker autoscaler's decision, pure: from the utilization of a service's running
//! containers to the replica count it should have. `simulate --engine docker` and
//! `autoscale docker` both call [`decide`], so what is simulated is what runs.
//!
//! One evaluation:
//! 1. Outside `[min, max]` (containers died, or were started by hand): go straight to the bound.
//! 2. Trigger: **up** when any metric is above its scale-up threshold; **down** only when every
//!    metric is below its scale-down threshold (a metric without a reading blocks scale-down,
//!    never scale-up, as in the HPA); otherwise **hold**. Containers running without a reading
//!    yet (just started) count as the HPA counts pods without metrics: as 0% when deciding to
//!    scale up, as at the scale-up threshold when deciding to scale down, so a fresh container
//!    neither triggers nor blocks more than its share.
//! 3. Proposal, sized as the HPA sizes it: `ceil(replicas × max(utilization / up-threshold))`,
//!    at least one container more (up) or fewer (down) than now.
//! 4. Stabilization over the recommendation history: a scale-up only to what every
//!    recommendation in the up window supported, a scale-down only to the highest in the down
//!    window — the HPA controller's own rule, shared code.
//! 5. The step policies with `select`, and `[min, max]`: the HPA controller's rate limit,
//!    shared code.
//!
//! The state (recommendations, scale events) is per service and lives as long as the caller
//! keeps it; scale events are recorded only for changes that happened ([`ServiceState::record`]).

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use super::config::{DirectionConfig, ServiceConfig};
use crate::hpa::{
    Behavior, LimitReason, PolicyType, Recommendation, ReplicaRange, ScaleEvents, ScalingPolicy,
    ScalingRules, SelectPolicy, SimTime, limit_with_behaviors, stabilize_with_behaviors,
    store_scale_event,
};
use crate::model::PolicyKind;
use crate::model::raw::{Metric, Select};

/// What was measured for one service at one evaluation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Observation {
    /// Running containers.
    pub replicas: i32,
    /// Average utilization per metric over the containers that have a reading, in percent of
    /// the basis; a metric no container has a reading of is absent.
    pub utilization: BTreeMap<Metric, f64>,
    /// Per metric, how many of the `replicas` have no reading yet (stats missing: just started,
    /// restarting). Absent means every container has one.
    pub unmeasured: BTreeMap<Metric, i32>,
}

/// Why the proposal is what it is.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Trigger {
    /// A metric is above its scale-up threshold (the highest relative to its threshold).
    Up {
        metric: Metric,
        utilization: f64,
        threshold: i32,
    },
    /// Every metric is below its scale-down threshold.
    Down,
    /// Between the thresholds, or a reading is missing.
    Hold { reason: String },
    /// The replica count is outside `[min, max]`; the bound is the target.
    OutOfRange,
}

impl fmt::Display for Trigger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Trigger::Up {
                metric,
                utilization,
                threshold,
            } => write!(
                f,
                "{} {}% above {threshold}%",
                metric.as_str(),
                // One decimal where rounding would hide the difference (`50.4% above 50%`).
                format!("{utilization:.1}").trim_end_matches(".0")
            ),
            Trigger::Down => f.write_str("every metric below its scale-down threshold"),
            Trigger::Hold { reason } => f.write_str(reason),
            Trigger::OutOfRange => f.write_str("replicas outside min..max"),
        }
    }
}

/// One evaluation's outcome.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Decision {
    pub current: i32,
    /// The raw recommendation from the trigger (before stabilization and limits).
    pub proposal: i32,
    /// After the stabilization windows.
    pub stabilized: i32,
    /// What the service should run now.
    pub desired: i32,
    pub trigger: Trigger,
    /// Which limit, if any, held the change back (the HPA's `ScalingLimited` reasons).
    #[serde(serialize_with = "serialize_reason")]
    pub limit: LimitReason,
}

fn serialize_reason<S: serde::Serializer>(reason: &LimitReason, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(reason.as_str())
}

impl Decision {
    /// A one-line reason for logs: the rule that fired and what held it back.
    pub fn reason(&self) -> String {
        let mut reason = self.trigger.to_string();
        let at_bound = self.proposal == self.current;
        match self.trigger {
            Trigger::Down if at_bound => reason.push_str("; already at minReplicas"),
            Trigger::Up { .. } if at_bound => reason.push_str("; already at maxReplicas"),
            _ => {
                if self.stabilized != self.proposal {
                    reason.push_str(&format!(
                        "; stabilized from {} to {}",
                        self.proposal, self.stabilized
                    ));
                }
                match self.limit {
                    LimitReason::DesiredWithinRange => {}
                    LimitReason::ScaleUpLimit => reason.push_str("; held by the scale-up policies"),
                    LimitReason::ScaleDownLimit => {
                        reason.push_str("; held by the scale-down policies");
                    }
                    LimitReason::TooManyReplicas => reason.push_str("; capped at maxReplicas"),
                    LimitReason::TooFewReplicas => reason.push_str("; floored at minReplicas"),
                }
            }
        }
        reason
    }
}

/// Per-service memory between evaluations.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ServiceState {
    recommendations: Vec<Recommendation>,
    events: ScaleEvents,
    seeded: bool,
}

impl ServiceState {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a change that happened (after the containers were created or removed), so the
    /// step policies count it.
    pub fn record(&mut self, config: &ServiceConfig, from: i32, to: i32, now: SimTime) {
        if from != to {
            store_scale_event(Some(&behavior(config)), &mut self.events, from, to, now);
        }
    }
}

/// The HPA behavior equivalent to a service's windows and policies, so the controller's own
/// stabilization and rate-limit code applies.
fn behavior(config: &ServiceConfig) -> Behavior {
    let rules = |d: &DirectionConfig| ScalingRules {
        stabilization_window_seconds: Some(i32::try_from(d.window.0.seconds()).unwrap_or(i32::MAX)),
        select_policy: Some(match d.select {
            Select::Max => SelectPolicy::Max,
            Select::Min => SelectPolicy::Min,
            Select::Disabled => SelectPolicy::Disabled,
        }),
        policies: Some(
            d.policies
                .iter()
                .filter_map(|p| {
                    let (kind, value) = p.limit()?;
                    Some(ScalingPolicy {
                        policy_type: match kind {
                            PolicyKind::Percent => PolicyType::Percent,
                            PolicyKind::Pods => PolicyType::Pods,
                        },
                        value,
                        period_seconds: i32::try_from(p.period.0.seconds()).unwrap_or(i32::MAX),
                    })
                })
                .collect(),
        ),
        tolerance: None,
    };
    Behavior {
        scale_up: Some(rules(&config.scale_up)),
        scale_down: Some(rules(&config.scale_down)),
    }
}

/// The trigger and the raw proposal.
fn propose(config: &ServiceConfig, observed: &Observation) -> (Trigger, i32) {
    let current = observed.replicas;
    let mut missing = Vec::new();
    let mut above: Option<(Metric, f64, i32, f64)> = None;
    let mut all_below = true;
    let mut ratio_up = 0.0_f64;
    let mut ratio_down = 0.0_f64;
    let mut unmeasured_total = 0;
    for &metric in &config.metrics {
        let (Some(&up), Some(&down)) = (
            config.scale_up.thresholds.get(&metric),
            config.scale_down.thresholds.get(&metric),
        ) else {
            continue;
        };
        let Some(&utilization) = observed.utilization.get(&metric) else {
            missing.push(metric.as_str());
            all_below = false;
            continue;
        };
        let unmeasured = observed
            .unmeasured
            .get(&metric)
            .copied()
            .unwrap_or(0)
            .clamp(0, current.max(0));
        unmeasured_total = unmeasured_total.max(unmeasured);
        // The HPA's rebalancing of pods without metrics: 0% against scaling up, the target
        // against scaling down.
        let (toward_up, toward_down) = if unmeasured > 0 && current > 0 {
            let measured = f64::from(current - unmeasured);
            let all = f64::from(current);
            (
                utilization * measured / all,
                (utilization * measured + f64::from(up) * f64::from(unmeasured)) / all,
            )
        } else {
            (utilization, utilization)
        };
        let relative = toward_up / f64::from(up.max(1));
        ratio_up = ratio_up.max(relative);
        ratio_down = ratio_down.max(toward_down / f64::from(up.max(1)));
        if toward_up > f64::from(up) && above.is_none_or(|(.., r)| relative > r) {
            above = Some((metric, toward_up, up, relative));
        }
        if toward_down >= f64::from(down) {
            all_below = false;
        }
    }
    let scale = |ratio: f64| {
        let scaled = (f64::from(current) * ratio).ceil();
        if scaled.is_finite() {
            scaled.clamp(0.0, f64::from(i32::MAX)) as i32
        } else {
            i32::MAX
        }
    };
    if let Some((metric, utilization, threshold, _)) = above {
        let proposal = scale(ratio_up).max(current.saturating_add(1));
        return (
            Trigger::Up {
                metric,
                utilization,
                threshold,
            },
            proposal,
        );
    }
    if !missing.is_empty() {
        return (
            Trigger::Hold {
                reason: format!("no {} reading yet", missing.join(" or ")),
            },
            current,
        );
    }
    if all_below && !config.metrics.is_empty() {
        return (Trigger::Down, scale(ratio_down).min(current - 1).max(0));
    }
    let mut reason = String::from("between the scale-down and scale-up thresholds");
    if unmeasured_total > 0 {
        reason.push_str(&format!(
            " ({unmeasured_total} container{} without a reading yet)",
            if unmeasured_total == 1 { "" } else { "s" }
        ));
    }
    (Trigger::Hold { reason }, current)
}

/// Decides how many containers a service should run now.
pub fn decide(
    config: &ServiceConfig,
    state: &mut ServiceState,
    now: SimTime,
    observed: &Observation,
) -> Decision {
    let current = observed.replicas;
    let (min, max) = (
        config.min_replicas,
        config.max_replicas.max(config.min_replicas),
    );
    if current < min || current > max {
        let desired = current.clamp(min, max);
        return Decision {
            current,
            proposal: desired,
            stabilized: desired,
            desired,
            trigger: Trigger::OutOfRange,
            limit: if current < min {
                LimitReason::TooFewReplicas
            } else {
                LimitReason::TooManyReplicas
            },
        };
    }
    if !state.seeded {
        // As the HPA controller does on its first sync: the replica count found is the first
        // recommendation, so a fresh start never scales down before a full window has passed.
        state.recommendations.push(Recommendation {
            replicas: current,
            timestamp: now,
        });
        state.seeded = true;
    }
    let (trigger, wanted) = propose(config, observed);
    // The bounds hold in the end anyway; holding the recommendation to them as well keeps the
    // reasons honest ("already at minReplicas", not "stabilized from 0 to 2").
    let proposal = wanted.clamp(min, max);
    let stabilized = stabilize_with_behaviors(
        &mut state.recommendations,
        current,
        proposal,
        now,
        i64::from(config.scale_up.window.0.seconds()),
        i64::from(config.scale_down.window.0.seconds()),
    )
    .replicas;
    let limited = limit_with_behaviors(
        current,
        stabilized,
        ReplicaRange { min, max },
        &behavior(config),
        &state.events,
        now,
    );
    // A recommendation cut to the bounds above reports the clamp, as the HPA's condition does.
    let limit = match limited.reason {
        LimitReason::DesiredWithinRange if wanted > max && limited.replicas == max => {
            LimitReason::TooManyReplicas
        }
        LimitReason::DesiredWithinRange if wanted < min && limited.replicas == min => {
            LimitReason::TooFewReplicas
        }
        reason => reason,
    };
    Decision {
        current,
        proposal,
        stabilized,
        desired: limited.replicas,
        trigger,
        limit,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docker::config::{Basis, Utilization};
    use crate::model::raw::{Duration, Policy};
    use crate::units;

    fn direction(cpu: i32, window: u32, policies: Vec<Policy>, select: Select) -> DirectionConfig {
        DirectionConfig {
            thresholds: BTreeMap::from([(Metric::Cpu, cpu)]),
            window: Duration(units::Duration(window)),
            policies,
            select,
        }
    }

    fn pods(n: i32, period: u32) -> Policy {
        Policy {
            percent: None,
            pods: Some(n),
            period: Duration(units::Duration(period)),
        }
    }

    fn config() -> ServiceConfig {
        ServiceConfig {
            compose_service: "api".into(),
            min_replicas: 2,
            max_replicas: 10,
            metrics: vec![Metric::Cpu],
            utilization: Utilization {
                basis: Basis::Limit,
                requests: None,
            },
            scale_up: direction(70, 0, vec![pods(2, 60)], Select::Max),
            scale_down: direction(30, 60, vec![pods(1, 60)], Select::Min),
        }
    }

    fn observe(replicas: i32, cpu: Option<f64>) -> Observation {
        Observation {
            replicas,
            utilization: cpu.into_iter().map(|c| (Metric::Cpu, c)).collect(),
            unmeasured: BTreeMap::new(),
        }
    }

    #[test]
    fn scales_up_proportionally_within_the_step_policy() {
        let config = config();
        let mut state = ServiceState::new();
        // 2 replicas at 210% of a 70% target want 6; the policy allows +2 per minute.
        let d = decide(
            &config,
            &mut state,
            SimTime::from_secs(0),
            &observe(2, Some(210.0)),
        );
        assert_eq!(
            (d.proposal, d.desired, d.limit),
            (6, 4, LimitReason::ScaleUpLimit)
        );
        state.record(&config, 2, 4, SimTime::from_secs(0));
        // Within the same minute nothing more is allowed.
        let d = decide(
            &config,
            &mut state,
            SimTime::from_secs(15),
            &observe(4, Some(140.0)),
        );
        assert_eq!(d.desired, 4);
        // A minute later, two more.
        let d = decide(
            &config,
            &mut state,
            SimTime::from_secs(60),
            &observe(4, Some(140.0)),
        );
        assert_eq!(d.desired, 6);
    }

    #[test]
    fn holds_between_the_thresholds() {
        let mut state = ServiceState::new();
        let d = decide(
            &config(),
            &mut state,
            SimTime::from_secs(0),
            &observe(4, Some(50.0)),
        );
        assert_eq!(d.desired, 4);
        assert!(matches!(d.trigger, Trigger::Hold { .. }));
    }

    #[test]
    fn scales_down_only_after_the_window_and_one_step_at_a_time() {
        let config = config();
        let mut state = ServiceState::new();
        let mut replicas = 6;
        let mut seen = Vec::new();
        for tick in 0..12 {
            let now = SimTime::from_secs(tick * 15);
            let d = decide(&config, &mut state, now, &observe(replicas, Some(10.0)));
            state.record(&config, replicas, d.desired, now);
            replicas = d.desired;
            seen.push(replicas);
        }
        // The seed (6 at 0s) is the window's maximum until it ages out at 60s; then one
        // container per minute.
        assert_eq!(seen, [6, 6, 6, 6, 5, 5, 5, 5, 4, 4, 4, 4]);
    }

    #[test]
    fn a_missing_reading_blocks_scale_down_but_not_scale_up() {
        let mut config = config();
        config.metrics = vec![Metric::Cpu, Metric::Memory];
        config.scale_up.thresholds.insert(Metric::Memory, 70);
        config.scale_down.thresholds.insert(Metric::Memory, 30);
        let mut state = ServiceState::new();
        let d = decide(
            &config,
            &mut state,
            SimTime::from_secs(0),
            &observe(4, Some(5.0)),
        );
        assert_eq!(d.desired, 4, "{d:?}");
        let d = decide(
            &config,
            &mut state,
            SimTime::from_secs(15),
            &observe(4, Some(100.0)),
        );
        assert!(d.desired > 4, "{d:?}");
    }

    #[test]
    fn out_of_range_goes_straight_to_the_bound() {
        let mut state = ServiceState::new();
        let d = decide(
            &config(),
            &mut state,
            SimTime::from_secs(0),
            &observe(0, None),
        );
        assert_eq!((d.desired, d.trigger.clone()), (2, Trigger::OutOfRange));
        let d = decide(
            &config(),
            &mut state,
            SimTime::from_secs(0),
            &observe(14, Some(99.0)),
        );
        assert_eq!(d.desired, 10);
    }

    #[test]
    fn disabled_direction_never_moves() {
        let mut config = config();
        config.scale_down.select = Select::Disabled;
        let mut state = ServiceState::new();
        for tick in 0..20 {
            let d = decide(
                &config,
                &mut state,
                SimTime::from_secs(tick * 15),
                &observe(6, Some(1.0)),
            );
            assert_eq!(d.desired, 6);
        }
    }

    #[test]
    fn containers_without_a_reading_damp_scale_up() {
        let config = config();
        let mut state = ServiceState::new();
        // 2 of 4 containers at 100% and 2 just started: as the HPA, the new ones count as 0%
        // against scaling up (average 50%, below the 70% target) ...
        let mut observed = observe(4, Some(100.0));
        observed.unmeasured.insert(Metric::Cpu, 2);
        let d = decide(&config, &mut state, SimTime::from_secs(0), &observed);
        assert_eq!(d.desired, 4, "{d:?}");
        assert_eq!(
            d.trigger,
            Trigger::Hold {
                reason: "between the scale-down and scale-up thresholds (2 containers without a \
                         reading yet)"
                    .into()
            }
        );
        // ... while 3 of 4 at 140% still scale up, sized on the rebalanced 105%.
        let mut observed = observe(4, Some(140.0));
        observed.unmeasured.insert(Metric::Cpu, 1);
        let d = decide(&config, &mut state, SimTime::from_secs(15), &observed);
        assert_eq!((d.proposal, d.desired), (6, 6), "{d:?}");
        assert_eq!(
            d.trigger,
            Trigger::Up {
                metric: Metric::Cpu,
                utilization: 105.0,
                threshold: 70
            }
        );
    }

    #[test]
    fn containers_without_a_reading_block_scale_down_as_if_at_the_target() {
        let mut config = config();
        config.scale_down.window = Duration(units::Duration(0));
        let mut state = ServiceState::new();
        // 3 idle containers and one without a reading: (3 × 5% + 70%) / 4 = 21%, below 30%,
        // so down; sized on 21% of the 70% target: ceil(4 × 0.3) = 2.
        let mut observed = observe(4, Some(5.0));
        observed.unmeasured.insert(Metric::Cpu, 1);
        let d = decide(&config, &mut state, SimTime::from_secs(0), &observed);
        assert_eq!((d.trigger.clone(), d.proposal), (Trigger::Down, 2), "{d:?}");
        // 2 idle and 2 without a reading: (2 × 5% + 2 × 70%) / 4 = 37.5%, not below 30%.
        let mut observed = observe(4, Some(5.0));
        observed.unmeasured.insert(Metric::Cpu, 2);
        let d = decide(&config, &mut state, SimTime::from_secs(15), &observed);
        assert_eq!(d.desired, 4, "{d:?}");
        assert!(matches!(d.trigger, Trigger::Hold { .. }), "{d:?}");
    }
}
