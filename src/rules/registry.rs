//! Every rule, in code order. Meta-tests keep this list complete, codes and names unique, and
//! every rule documented and covered by fixtures.

use super::*;

pub static ALL: &[&Rule] = &[
    &input::INVALID_YAML,
    &input::DUPLICATE_KEY,
    &input::INPUT_TOO_LARGE,
    &input::NOT_TEXT,
    &input::EMPTY_FILE,
    &input::UNKNOWN_FIELD,
    &input::INVALID_TYPE,
    &input::INVALID_VALUE,
    &input::MISSING_FIELD,
    &input::UNSUPPORTED_VERSION,
    &min_replicas_below_one::MIN_REPLICAS_BELOW_ONE,
    &max_below_min::MAX_BELOW_MIN,
    &below_ha_minimum::BELOW_HA_MINIMUM,
    &exceeds_priority_cap::EXCEEDS_PRIORITY_CAP,
    &missing_max_replicas::MISSING_MAX_REPLICAS,
    &min_equals_max::MIN_EQUALS_MAX,
    &utilization_out_of_range::UTILIZATION_OUT_OF_RANGE,
    &insufficient_hysteresis::INSUFFICIENT_HYSTERESIS,
    &no_metrics::NO_METRICS,
    &window_out_of_range::WINDOW_OUT_OF_RANGE,
    &period_out_of_range::PERIOD_OUT_OF_RANGE,
    &policy_value_not_positive::POLICY_VALUE_NOT_POSITIVE,
    &no_scaling_policy::NO_SCALING_POLICY,
    &ambiguous_policy::AMBIGUOUS_POLICY,
    &invalid_name::INVALID_NAME,
    &unknown_priority::UNKNOWN_PRIORITY,
    &request_exceeds_limit::REQUEST_EXCEEDS_LIMIT,
    &missing_resource_request::MISSING_RESOURCE_REQUEST,
    &unused_priority::UNUSED_PRIORITY,
    &max_replicas_below_one::MAX_REPLICAS_BELOW_ONE,
    &invalid_scale_target_ref::INVALID_SCALE_TARGET_REF,
    &invalid_metric::INVALID_METRIC,
    &invalid_metric_target::INVALID_METRIC_TARGET,
    &invalid_select_policy::INVALID_SELECT_POLICY,
    &invalid_policy_type::INVALID_POLICY_TYPE,
    &negative_tolerance::NEGATIVE_TOLERANCE,
    &invalid_object_metadata::INVALID_OBJECT_METADATA,
    &unavailable_api_version::UNAVAILABLE_API_VERSION,
    &deprecated_api_version::DEPRECATED_API_VERSION,
    &missing_scale_target::MISSING_SCALE_TARGET,
    &duplicate_scale_target::DUPLICATE_SCALE_TARGET,
    &replicas_with_hpa::REPLICAS_WITH_HPA,
    &unknown_metric_container::UNKNOWN_METRIC_CONTAINER,
    &scale_target_without_group::SCALE_TARGET_WITHOUT_GROUP,
    &tolerance_dropped::TOLERANCE_DROPPED,
    &hpa_drift::HPA_DRIFT,
    &missing_hpa::MISSING_HPA,
    &orphaned_hpa::ORPHANED_HPA,
    &resources_drift::RESOURCES_DRIFT,
    &unused_suppression::UNUSED_SUPPRESSION,
    &invalid_suppression::INVALID_SUPPRESSION,
];

/// A check over a resolved services file.
pub type ServicesCheck = fn(&crate::model::Services, &mut Context<'_>);

/// The checks `validate` runs over a resolved services file, in code order.
pub static SERVICES_CHECKS: &[(&Rule, ServicesCheck)] = &[
    (
        &min_replicas_below_one::MIN_REPLICAS_BELOW_ONE,
        min_replicas_below_one::check_services,
    ),
    (&max_below_min::MAX_BELOW_MIN, max_below_min::check_services),
    (
        &below_ha_minimum::BELOW_HA_MINIMUM,
        below_ha_minimum::check_services,
    ),
    (
        &exceeds_priority_cap::EXCEEDS_PRIORITY_CAP,
        exceeds_priority_cap::check_services,
    ),
    (
        &missing_max_replicas::MISSING_MAX_REPLICAS,
        missing_max_replicas::check_services,
    ),
    (
        &min_equals_max::MIN_EQUALS_MAX,
        min_equals_max::check_services,
    ),
    (
        &utilization_out_of_range::UTILIZATION_OUT_OF_RANGE,
        utilization_out_of_range::check_services,
    ),
    (
        &insufficient_hysteresis::INSUFFICIENT_HYSTERESIS,
        insufficient_hysteresis::check_services,
    ),
    (&no_metrics::NO_METRICS, no_metrics::check_services),
    (
        &window_out_of_range::WINDOW_OUT_OF_RANGE,
        window_out_of_range::check_services,
    ),
    (
        &period_out_of_range::PERIOD_OUT_OF_RANGE,
        period_out_of_range::check_services,
    ),
    (
        &policy_value_not_positive::POLICY_VALUE_NOT_POSITIVE,
        policy_value_not_positive::check_services,
    ),
    (
        &no_scaling_policy::NO_SCALING_POLICY,
        no_scaling_policy::check_services,
    ),
    (
        &ambiguous_policy::AMBIGUOUS_POLICY,
        ambiguous_policy::check_services,
    ),
    (&invalid_name::INVALID_NAME, invalid_name::check_services),
    (
        &unknown_priority::UNKNOWN_PRIORITY,
        unknown_priority::check_services,
    ),
    (
        &request_exceeds_limit::REQUEST_EXCEEDS_LIMIT,
        request_exceeds_limit::check_services,
    ),
    (
        &missing_resource_request::MISSING_RESOURCE_REQUEST,
        missing_resource_request::check_services,
    ),
    (
        &unused_priority::UNUSED_PRIORITY,
        unused_priority::check_services,
    ),
];

/// A check over one object of `check`'s input (any kind it reads).
pub type ObjectCheck = fn(&crate::check::object::Object<'_>, &mut Context<'_>);
/// A check over one HPA, converted to autoscaling/v2 and defaulted.
pub type HpaCheck = fn(&crate::check::object::Hpa<'_, '_>, &mut Context<'_>);
/// A check over one Deployment, StatefulSet or ReplicaSet.
pub type WorkloadCheck = fn(&crate::check::object::Workload<'_, '_>, &mut Context<'_>);
/// A check across every object of `check`'s input.
pub type InventoryCheck = fn(&crate::check::inventory::Inventory<'_>, &mut Context<'_>);

/// The checks `check` runs over each object. (The API server's own validation of HPAs runs
/// separately, in `check::api`, and reports through the rules it maps to.)
pub static OBJECT_CHECKS: &[(&Rule, ObjectCheck)] = &[
    (
        &unavailable_api_version::UNAVAILABLE_API_VERSION,
        unavailable_api_version::check_object,
    ),
    (
        &deprecated_api_version::DEPRECATED_API_VERSION,
        deprecated_api_version::check_object,
    ),
];

pub static HPA_CHECKS: &[(&Rule, HpaCheck)] = &[
    (
        &below_ha_minimum::BELOW_HA_MINIMUM,
        below_ha_minimum::check_hpa,
    ),
    (
        &exceeds_priority_cap::EXCEEDS_PRIORITY_CAP,
        exceeds_priority_cap::check_hpa,
    ),
    (&min_equals_max::MIN_EQUALS_MAX, min_equals_max::check_hpa),
    (
        &utilization_out_of_range::UTILIZATION_OUT_OF_RANGE,
        utilization_out_of_range::check_hpa,
    ),
    (
        &scale_target_without_group::SCALE_TARGET_WITHOUT_GROUP,
        scale_target_without_group::check_hpa,
    ),
    (
        &tolerance_dropped::TOLERANCE_DROPPED,
        tolerance_dropped::check_hpa,
    ),
    (&hpa_drift::HPA_DRIFT, hpa_drift::check_hpa),
    (&orphaned_hpa::ORPHANED_HPA, orphaned_hpa::check_hpa),
];

pub static WORKLOAD_CHECKS: &[(&Rule, WorkloadCheck)] = &[
    (
        &request_exceeds_limit::REQUEST_EXCEEDS_LIMIT,
        request_exceeds_limit::check_workload,
    ),
    (
        &resources_drift::RESOURCES_DRIFT,
        resources_drift::check_workload,
    ),
];

pub static INVENTORY_CHECKS: &[(&Rule, InventoryCheck)] = &[
    (
        &missing_resource_request::MISSING_RESOURCE_REQUEST,
        missing_resource_request::check_inventory,
    ),
    (
        &missing_scale_target::MISSING_SCALE_TARGET,
        missing_scale_target::check_inventory,
    ),
    (
        &duplicate_scale_target::DUPLICATE_SCALE_TARGET,
        duplicate_scale_target::check_inventory,
    ),
    (
        &replicas_with_hpa::REPLICAS_WITH_HPA,
        replicas_with_hpa::check_inventory,
    ),
    (
        &unknown_metric_container::UNKNOWN_METRIC_CONTAINER,
        unknown_metric_container::check_inventory,
    ),
    (&missing_hpa::MISSING_HPA, missing_hpa::check_inventory),
];

/// A rule by name (`max-below-min`) or code (`SG102`, any case).
pub fn find(key: &str) -> Option<&'static Rule> {
    ALL.iter()
        .copied()
        .find(|r| r.name == key || r.code.eq_ignore_ascii_case(key))
}
