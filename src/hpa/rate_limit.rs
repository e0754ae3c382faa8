//! Rate limits and the min/max clamp: behavior policies (algorithm.md §6) and
//! the legacy cap of HPAs without a behavior (§7).

use serde::{Deserialize, Serialize};

use super::clock::SimTime;
use super::events::{ScaleEvents, replicas_changed_within};
use super::spec::{Behavior, PolicyType, ScalingPolicy, ScalingRules, SelectPolicy};

/// The `ScalingLimited` reason of the final clamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LimitReason {
    DesiredWithinRange,
    ScaleUpLimit,
    TooManyReplicas,
    ScaleDownLimit,
    TooFewReplicas,
}

impl LimitReason {
    pub fn as_str(self) -> &'static str {
        match self {
            LimitReason::DesiredWithinRange => "DesiredWithinRange",
            LimitReason::ScaleUpLimit => "ScaleUpLimit",
            LimitReason::TooManyReplicas => "TooManyReplicas",
            LimitReason::ScaleDownLimit => "ScaleDownLimit",
            LimitReason::TooFewReplicas => "TooFewReplicas",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Limited {
    pub replicas: i32,
    pub reason: LimitReason,
}

/// `spec.minReplicas` (defaulted) and `spec.maxReplicas`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplicaRange {
    pub min: i32,
    pub max: i32,
}

/// The replica count at the start of a policy's period: current, less what
/// was added, plus what was removed. Both lists count in both directions.
pub fn period_start_replicas(
    current: i32,
    period_seconds: i32,
    events: &ScaleEvents,
    now: SimTime,
) -> i32 {
    let added = replicas_changed_within(period_seconds, &events.up, now);
    let removed = replicas_changed_within(period_seconds, &events.down, now);
    saturate_i32(
        i64::from(current)
            .saturating_sub(added)
            .saturating_add(removed),
    )
}

/// The highest replica count the scale-up rules allow now (before clamping to
/// `current` and to min/max). `Disabled` pins it to `current`.
pub fn scale_up_limit(
    current: i32,
    events: &ScaleEvents,
    rules: &ScalingRules,
    now: SimTime,
) -> i32 {
    let proposals = policy_limits(current, events, rules, now, up_limit_of);
    match rules.select() {
        SelectPolicy::Disabled => current,
        SelectPolicy::Min => proposals.fold(i32::MAX, i32::min),
        SelectPolicy::Max => proposals.fold(i32::MIN, i32::max),
    }
}

/// The lowest replica count the scale-down rules allow now. "Max" means the
/// largest change, so it takes the lowest limit; "Min" the highest.
pub fn scale_down_limit(
    current: i32,
    events: &ScaleEvents,
    rules: &ScalingRules,
    now: SimTime,
) -> i32 {
    let proposals = policy_limits(current, events, rules, now, down_limit_of);
    match rules.select() {
        SelectPolicy::Disabled => current,
        SelectPolicy::Min => proposals.fold(i32::MIN, i32::max),
        SelectPolicy::Max => proposals.fold(i32::MAX, i32::min),
    }
}

fn policy_limits<'a>(
    current: i32,
    events: &'a ScaleEvents,
    rules: &'a ScalingRules,
    now: SimTime,
    limit_of: fn(i32, &ScalingPolicy) -> i32,
) -> impl Iterator<Item = i32> + 'a {
    rules.policies().iter().map(move |policy| {
        let start = period_start_replicas(current, policy.period_seconds, events, now);
        limit_of(start, policy)
    })
}

/// Percent rounds up on the way up, so that a small percentage still adds a
/// pod. The float64 expression order is part of the contract:
/// `25 * (1 + 12/100)` is 28.000000000000004 and allows 29.
fn up_limit_of(period_start: i32, policy: &ScalingPolicy) -> i32 {
    match policy.policy_type {
        PolicyType::Pods => period_start.saturating_add(policy.value),
        PolicyType::Percent => {
            let factor = 1.0 + f64::from(policy.value) / 100.0;
            f64_to_i32((f64::from(period_start) * factor).ceil())
        }
    }
}

/// Percent truncates on the way down: `10 * (1 - 80/100)` is
/// 1.9999999999999996 and allows 1.
fn down_limit_of(period_start: i32, policy: &ScalingPolicy) -> i32 {
    match policy.policy_type {
        PolicyType::Pods => period_start.saturating_sub(policy.value),
        PolicyType::Percent => {
            let factor = 1.0 - f64::from(policy.value) / 100.0;
            f64_to_i32((f64::from(period_start) * factor).trunc())
        }
    }
}

/// The behavior-path clamp (`convertDesiredReplicasWithBehaviorRate`): the
/// stabilized value is capped by the direction's rate limit and by min/max. A
/// limit never pushes against the direction of change: an up limit below
/// `current` becomes `current`, and so does a down limit above it.
pub fn limit_with_behaviors(
    current: i32,
    desired: i32,
    range: ReplicaRange,
    behavior: &Behavior,
    events: &ScaleEvents,
    now: SimTime,
) -> Limited {
    if desired > current {
        let rate_limit =
            scale_up_limit(current, events, &behavior.scale_up_rules(), now).max(current);
        let (cap, reason) = if range.max > rate_limit {
            (rate_limit, LimitReason::ScaleUpLimit)
        } else {
            (range.max, LimitReason::TooManyReplicas)
        };
        if desired > cap {
            return Limited {
                replicas: cap,
                reason,
            };
        }
    } else if desired < current {
        let rate_limit =
            scale_down_limit(current, events, &behavior.scale_down_rules(), now).min(current);
        let (floor, reason) = if range.min < rate_limit {
            (rate_limit, LimitReason::ScaleDownLimit)
        } else {
            (range.min, LimitReason::TooFewReplicas)
        };
        if desired < floor {
            return Limited {
                replicas: floor,
                reason,
            };
        }
    }
    Limited {
        replicas: desired,
        reason: LimitReason::DesiredWithinRange,
    }
}

/// The legacy per-sync up cap: `max(factor * current, minimum)`, truncated.
pub fn legacy_scale_up_limit(current: i32, factor: f64, minimum: f64) -> i32 {
    f64_to_i32((factor * f64::from(current)).max(minimum).trunc())
}

/// The legacy clamp (`convertDesiredReplicasWithRules`): min first, then the
/// lower of max and the up cap. There is no down rate limit.
pub fn limit_legacy(
    current: i32,
    desired: i32,
    range: ReplicaRange,
    factor: f64,
    minimum: f64,
) -> Limited {
    let up_cap = legacy_scale_up_limit(current, factor, minimum);
    let (cap, cap_reason) = if range.max > up_cap {
        (up_cap, LimitReason::ScaleUpLimit)
    } else {
        (range.max, LimitReason::TooManyReplicas)
    };
    if desired < range.min {
        Limited {
            replicas: range.min,
            reason: LimitReason::TooFewReplicas,
        }
    } else if desired > cap {
        Limited {
            replicas: cap,
            reason: cap_reason,
        }
    } else {
        Limited {
            replicas: desired,
            reason: LimitReason::DesiredWithinRange,
        }
    }
}

/// Float to int32 for replica counts. Rust's cast saturates and maps NaN to 0;
/// Go's conversion of an out-of-range float is undefined, and the newest
/// controller code caps at MaxInt32 where it guards at all.
pub(crate) fn f64_to_i32(value: f64) -> i32 {
    value as i32
}

pub(crate) fn saturate_i32(value: i64) -> i32 {
    i32::try_from(value).unwrap_or(if value < 0 { i32::MIN } else { i32::MAX })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn percent(value: i32) -> ScalingRules {
        ScalingRules {
            stabilization_window_seconds: Some(0),
            select_policy: Some(SelectPolicy::Max),
            policies: Some(vec![ScalingPolicy {
                policy_type: PolicyType::Percent,
                value,
                period_seconds: 60,
            }]),
            tolerance: None,
        }
    }

    #[test]
    fn percent_limits_follow_float64() {
        let now = SimTime::from_secs(1000);
        let none = ScaleEvents::default();
        assert_eq!(scale_up_limit(25, &none, &percent(12), now), 29);
        assert_eq!(scale_down_limit(10, &none, &percent(80), now), 1);
    }

    #[test]
    fn legacy_cap_saturates() {
        assert_eq!(legacy_scale_up_limit(i32::MAX, 2.0, 4.0), i32::MAX);
        assert_eq!(legacy_scale_up_limit(0, 2.0, 4.0), 4);
        assert_eq!(legacy_scale_up_limit(3, 2.0, 4.0), 6);
    }
}
