//! The tolerance band around a usage ratio of 1 (algorithm.md §4).

use serde::{Deserialize, Serialize};

use super::config::ControllerConfig;
use super::spec::Behavior;

/// Per-direction tolerances.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tolerances {
    pub scale_down: f64,
    pub scale_up: f64,
}

impl Tolerances {
    pub fn uniform(tolerance: f64) -> Self {
        Tolerances {
            scale_down: tolerance,
            scale_up: tolerance,
        }
    }

    /// `(1 - down) <= ratio <= (1 + up)`, both ends inclusive, in float64.
    ///
    /// The pre-1.33 form `|1 - ratio| <= tolerance` differs at exactly 110 %:
    /// `1.0 + 0.1 == 1.1` but `|1.0 - 1.1| > 0.1` in float64.
    pub fn is_within(&self, usage_ratio: f64) -> bool {
        (1.0 - self.scale_down) <= usage_ratio && usage_ratio <= (1.0 + self.scale_up)
    }

    /// The controller flag, overridden per direction by the behavior's
    /// tolerance only while the `HPAConfigurableTolerance` gate is on.
    pub fn for_hpa(config: &ControllerConfig, behavior: Option<&Behavior>) -> Self {
        let mut tolerances = Tolerances::uniform(config.tolerance);
        let Some(behavior) = behavior else {
            return tolerances;
        };
        if !config.feature_gates.configurable_tolerance {
            return tolerances;
        }
        if let Some(down) = behavior
            .scale_down
            .as_ref()
            .and_then(|rules| rules.tolerance)
        {
            tolerances.scale_down = down;
        }
        if let Some(up) = behavior.scale_up.as_ref().and_then(|rules| rules.tolerance) {
            tolerances.scale_up = up;
        }
        tolerances
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_edges_are_inclusive_in_float64() {
        let tolerances = Tolerances::uniform(0.1);
        assert!(tolerances.is_within(110.0 / 100.0));
        assert!(tolerances.is_within(90.0 / 100.0));
        assert!(!tolerances.is_within(111.0 / 100.0));
        assert!(!tolerances.is_within(89.0 / 100.0));
        assert!(!tolerances.is_within(f64::NAN));
    }
}
