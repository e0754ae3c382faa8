//! HPA status conditions (algorithm.md §9).
//!
//! The list keeps the order in which each type was first set, and a type that
//! is set again is updated in place: that is the order `kubectl describe`
//! shows and the order the Kubernetes tests compare.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ConditionType {
    AbleToScale,
    ScalingActive,
    ScalingLimited,
    ScaledToZero,
}

impl ConditionType {
    pub fn as_str(self) -> &'static str {
        match self {
            ConditionType::AbleToScale => "AbleToScale",
            ConditionType::ScalingActive => "ScalingActive",
            ConditionType::ScalingLimited => "ScalingLimited",
            ConditionType::ScaledToZero => "ScaledToZero",
        }
    }
}

/// A Kubernetes condition status, shared by HPA conditions and the pod Ready
/// condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ConditionStatus {
    True,
    False,
    Unknown,
}

impl ConditionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ConditionStatus::True => "True",
            ConditionStatus::False => "False",
            ConditionStatus::Unknown => "Unknown",
        }
    }

    pub fn from_bool(value: bool) -> Self {
        if value {
            ConditionStatus::True
        } else {
            ConditionStatus::False
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    #[serde(rename = "type")]
    pub condition_type: ConditionType,
    pub status: ConditionStatus,
    pub reason: String,
    pub message: String,
}

/// The reasons the controller writes, as constants so a simulator can match on them.
pub mod reason {
    pub const SUCCEEDED_GET_SCALE: &str = "SucceededGetScale";
    pub const FAILED_GET_SCALE: &str = "FailedGetScale";
    pub const READY_FOR_NEW_SCALE: &str = "ReadyForNewScale";
    pub const SCALE_UP_STABILIZED: &str = "ScaleUpStabilized";
    pub const SCALE_DOWN_STABILIZED: &str = "ScaleDownStabilized";
    pub const SUCCEEDED_RESCALE: &str = "SucceededRescale";
    pub const FAILED_UPDATE_SCALE: &str = "FailedUpdateScale";
    pub const VALID_METRIC_FOUND: &str = "ValidMetricFound";
    pub const SCALING_DISABLED: &str = "ScalingDisabled";
    pub const INVALID_SELECTOR: &str = "InvalidSelector";
    pub const AMBIGUOUS_SELECTOR: &str = "AmbiguousSelector";
    pub const INVALID_METRIC_SOURCE_TYPE: &str = "InvalidMetricSourceType";
    pub const FAILED_GET_RESOURCE_METRIC: &str = "FailedGetResourceMetric";
    pub const FAILED_GET_CONTAINER_RESOURCE_METRIC: &str = "FailedGetContainerResourceMetric";
    pub const FAILED_GET_PODS_METRIC: &str = "FailedGetPodsMetric";
    pub const FAILED_GET_OBJECT_METRIC: &str = "FailedGetObjectMetric";
    pub const FAILED_GET_EXTERNAL_METRIC: &str = "FailedGetExternalMetric";
    pub const SCALED_TO_ZERO: &str = "ScaledToZero";
    pub const NOT_SCALED_TO_ZERO: &str = "NotScaledToZero";
}

/// Sets one condition: updated in place when its type is present, appended otherwise.
pub fn set_condition(
    conditions: &mut Vec<Condition>,
    condition_type: ConditionType,
    status: ConditionStatus,
    reason: &str,
    message: impl Into<String>,
) {
    let updated = Condition {
        condition_type,
        status,
        reason: reason.to_string(),
        message: message.into(),
    };
    match conditions
        .iter_mut()
        .find(|existing| existing.condition_type == condition_type)
    {
        Some(existing) => *existing = updated,
        None => conditions.push(updated),
    }
}

pub fn remove_condition(conditions: &mut Vec<Condition>, condition_type: ConditionType) {
    conditions.retain(|condition| condition.condition_type != condition_type);
}

pub fn find_condition(
    conditions: &[Condition],
    condition_type: ConditionType,
) -> Option<&Condition> {
    conditions
        .iter()
        .find(|condition| condition.condition_type == condition_type)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setting_an_existing_type_keeps_its_position() {
        let mut list = Vec::new();
        set_condition(
            &mut list,
            ConditionType::ScaledToZero,
            ConditionStatus::True,
            "ScaledToZero",
            "",
        );
        set_condition(
            &mut list,
            ConditionType::AbleToScale,
            ConditionStatus::True,
            "SucceededGetScale",
            "",
        );
        set_condition(
            &mut list,
            ConditionType::ScaledToZero,
            ConditionStatus::False,
            "NotScaledToZero",
            "",
        );
        let order: Vec<_> = list
            .iter()
            .map(|c| (c.condition_type, c.reason.as_str()))
            .collect();
        assert_eq!(
            order,
            vec![
                (ConditionType::ScaledToZero, "NotScaledToZero"),
                (ConditionType::AbleToScale, "SucceededGetScale"),
            ]
        );
        remove_condition(&mut list, ConditionType::ScaledToZero);
        assert_eq!(list.len(), 1);
    }
}
