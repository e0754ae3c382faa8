//! The simulation clock, and the single rule for an age that sits exactly on a
//! window or period boundary.

use serde::{Deserialize, Serialize};

/// An instant on the simulation clock, in milliseconds since an arbitrary epoch.
///
/// Integer milliseconds keep a tick-by-tick simulation deterministic; the
/// controller itself only ever compares ages against whole seconds.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct SimTime(pub i64);

impl SimTime {
    /// Kubernetes' zero time, which a pod carries when nothing set its start:
    /// older than every instant a simulation uses.
    pub const DISTANT_PAST: SimTime = SimTime(i64::MIN);

    pub fn from_millis(millis: i64) -> Self {
        SimTime(millis)
    }

    pub fn from_secs(secs: i64) -> Self {
        SimTime(secs_to_millis(secs))
    }

    pub fn as_millis(self) -> i64 {
        self.0
    }

    pub fn plus_millis(self, millis: i64) -> Self {
        SimTime(self.0.saturating_add(millis))
    }

    pub fn plus_secs(self, secs: i64) -> Self {
        self.plus_millis(secs_to_millis(secs))
    }

    pub fn minus_secs(self, secs: i64) -> Self {
        SimTime(self.0.saturating_sub(secs_to_millis(secs)))
    }

    /// Milliseconds from `earlier` to `self`; negative when `earlier` is in the future.
    pub fn millis_since(self, earlier: SimTime) -> i64 {
        self.0.saturating_sub(earlier.0)
    }
}

pub fn secs_to_millis(secs: i64) -> i64 {
    secs.saturating_mul(1000)
}

/// Whether an entry `age_millis` old still counts inside a stabilization window
/// or a policy period that is `length_secs` long.
///
/// The real controller stores an entry and reads its clock again a little
/// later, so an entry whose age equals the length in exact simulation ticks is,
/// for the controller, slightly older than the length: outside. This holds for
/// both the behavior path and the legacy path, and for policy periods.
pub fn counts_within(age_millis: i64, length_secs: i64) -> bool {
    age_millis < secs_to_millis(length_secs)
}

/// Whether an entry has aged past a window or period (the complement of
/// [`counts_within`]): it is old enough to be overwritten or marked outdated.
pub fn has_aged_out(age_millis: i64, length_secs: i64) -> bool {
    !counts_within(age_millis, length_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_age_equal_to_the_length_is_outside() {
        assert!(counts_within(14_999, 15));
        assert!(!counts_within(15_000, 15));
        assert!(has_aged_out(15_000, 15));
        assert!(!has_aged_out(14_999, 15));
    }

    #[test]
    fn the_distant_past_never_overflows() {
        let now = SimTime::from_secs(1_000);
        assert_eq!(now.millis_since(SimTime::DISTANT_PAST), i64::MAX);
        assert_eq!(SimTime::DISTANT_PAST.minus_secs(5), SimTime::DISTANT_PAST);
        assert!(SimTime::DISTANT_PAST.plus_secs(300) < now);
    }
}
