//! Stabilization over the history of raw recommendations (algorithm.md §5).

use serde::{Deserialize, Serialize};

use super::clock::{SimTime, counts_within, has_aged_out};

/// One raw (unstabilized, unclamped) metric proposal, kept for the windows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Recommendation {
    pub replicas: i32,
    pub timestamp: SimTime,
}

/// Which way the behavior-path stabilization leaned; the `AbleToScale` reason
/// when it changed the proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StabilizationReason {
    ScaleUpStabilized,
    ScaleDownStabilized,
}

impl StabilizationReason {
    pub fn as_str(self) -> &'static str {
        match self {
            StabilizationReason::ScaleUpStabilized => "ScaleUpStabilized",
            StabilizationReason::ScaleDownStabilized => "ScaleDownStabilized",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Stabilized {
    pub replicas: i32,
    pub reason: StabilizationReason,
}

/// Legacy path (no behavior): the maximum of `desired` and every
/// recommendation inside the down window. Only scale-down is delayed, and
/// `current` plays no part, so a recent proposal above `current` scales up.
///
/// Stores `desired` in the last aged-out slot, or appends it.
pub fn stabilize_legacy(
    history: &mut Vec<Recommendation>,
    desired: i32,
    now: SimTime,
    window_seconds: i64,
) -> i32 {
    let mut highest = desired;
    let mut reusable_slot = None;
    for (index, recommendation) in history.iter().enumerate() {
        let age = now.millis_since(recommendation.timestamp);
        if has_aged_out(age, window_seconds) {
            reusable_slot = Some(index);
        } else if recommendation.replicas > highest {
            highest = recommendation.replicas;
        }
    }
    store(history, reusable_slot, desired, now);
    highest
}

/// Behavior path: the scale-up window takes the lowest recommendation in it,
/// the scale-down window the highest, and `current` is clamped between the
/// two. Since both bounds include `desired`, the result never moves against
/// the direction of `desired - current`.
///
/// Stores `desired` in the last slot that has aged out of both windows, or
/// appends it.
pub fn stabilize_with_behaviors(
    history: &mut Vec<Recommendation>,
    current: i32,
    desired: i32,
    now: SimTime,
    up_window_seconds: i64,
    down_window_seconds: i64,
) -> Stabilized {
    let mut up_bound = desired;
    let mut down_bound = desired;
    let mut reusable_slot = None;
    for (index, recommendation) in history.iter().enumerate() {
        let age = now.millis_since(recommendation.timestamp);
        if counts_within(age, up_window_seconds) {
            up_bound = up_bound.min(recommendation.replicas);
        }
        if counts_within(age, down_window_seconds) {
            down_bound = down_bound.max(recommendation.replicas);
        }
        if has_aged_out(age, up_window_seconds) && has_aged_out(age, down_window_seconds) {
            reusable_slot = Some(index);
        }
    }
    // Clamp in the controller's order: raise to the up bound, then lower to
    // the down bound.
    let mut replicas = current;
    if replicas < up_bound {
        replicas = up_bound;
    }
    if replicas > down_bound {
        replicas = down_bound;
    }
    store(history, reusable_slot, desired, now);
    let reason = if desired >= current {
        StabilizationReason::ScaleUpStabilized
    } else {
        StabilizationReason::ScaleDownStabilized
    };
    Stabilized { replicas, reason }
}

fn store(history: &mut Vec<Recommendation>, slot: Option<usize>, replicas: i32, now: SimTime) {
    let fresh = Recommendation {
        replicas,
        timestamp: now,
    };
    match slot.and_then(|index| history.get_mut(index)) {
        Some(entry) => *entry = fresh,
        None => history.push(fresh),
    }
}
