//! Scale-event bookkeeping for the behavior rate limits (algorithm.md §8).

use serde::{Deserialize, Serialize};

use super::clock::{SimTime, counts_within, has_aged_out};
use super::spec::Behavior;

/// One successful rescale in one direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScaleEvent {
    /// Replicas added (up list) or removed (down list): never negative.
    pub replica_change: i32,
    pub timestamp: SimTime,
    /// Older than the direction's longest policy period when last checked; the
    /// slot may be reused. Sticky: counting ignores it and looks only at time.
    pub outdated: bool,
}

/// The two event lists of one HPA.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScaleEvents {
    pub up: Vec<ScaleEvent>,
    pub down: Vec<ScaleEvent>,
}

/// Replicas changed by the events younger than `period_seconds` (strictly).
pub fn replicas_changed_within(period_seconds: i32, events: &[ScaleEvent], now: SimTime) -> i64 {
    events
        .iter()
        .filter(|event| counts_within(now.millis_since(event.timestamp), i64::from(period_seconds)))
        .map(|event| i64::from(event.replica_change))
        .fold(0i64, i64::saturating_add)
}

/// Flags every event that has aged past `longest_period_seconds`.
pub fn mark_outdated(events: &mut [ScaleEvent], longest_period_seconds: i32, now: SimTime) {
    for event in events.iter_mut() {
        if has_aged_out(
            now.millis_since(event.timestamp),
            i64::from(longest_period_seconds),
        ) {
            event.outdated = true;
        }
    }
}

/// Records a successful rescale from `previous` to `new` replicas.
///
/// A legacy HPA (no behavior) keeps no events. Otherwise the change goes to the
/// direction's list, reusing the last outdated slot (by position) if any. The
/// caller passes the behavior as the spec holds it; missing directions get the
/// API defaults.
pub fn store_scale_event(
    behavior: Option<&Behavior>,
    events: &mut ScaleEvents,
    previous: i32,
    new: i32,
    now: SimTime,
) {
    let Some(behavior) = behavior else {
        return;
    };
    let (list, rules, change) = if new > previous {
        (
            &mut events.up,
            behavior.scale_up_rules(),
            new.saturating_sub(previous),
        )
    } else {
        (
            &mut events.down,
            behavior.scale_down_rules(),
            previous.saturating_sub(new),
        )
    };
    mark_outdated(list, rules.longest_period_seconds(), now);
    let fresh = ScaleEvent {
        replica_change: change,
        timestamp: now,
        outdated: false,
    };
    match list.iter().rposition(|event| event.outdated) {
        Some(slot) => list[slot] = fresh,
        None => list.push(fresh),
    }
}
