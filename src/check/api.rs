//! What the Kubernetes API server would refuse in an HPA, as diagnostics: every validation
//! error of [`crate::k8s::hpa_api`] becomes a diagnostic of the rule that covers it — the
//! shared rule where `validate` has the same one (`minReplicas` → SG101, windows → SG301, …),
//! an `SG5xx` rule otherwise — with the server's field path as `path` and the server's own
//! error attached ([`ApiError`]).

use serde_json::Value;

use crate::diagnostics::{ApiError, Diagnostic};
use crate::k8s::hpa_api::{self, FieldErrorKind, HpaError};
use crate::rules::{
    Rule, invalid_metric, invalid_metric_target, invalid_object_metadata, invalid_policy_type,
    invalid_scale_target_ref, invalid_select_policy, max_below_min, max_replicas_below_one,
    min_replicas_below_one, missing_max_replicas, negative_tolerance, no_scaling_policy,
    period_out_of_range, policy_value_not_positive, window_out_of_range,
};
use crate::yaml::describe_json;

use super::object::Hpa;

/// Validates the HPA as the API server would on create (`stored: None`) or on update of the
/// stored object, and returns one diagnostic per error, in the server's order.
pub fn validate(hpa: &Hpa<'_, '_>, stored: Option<&Value>) -> Vec<Diagnostic> {
    let options = &hpa.object.settings.api;
    let errors = match stored.map(hpa_api::convert_to_v2) {
        Some(Ok(old)) => hpa_api::validate_update(hpa.v2(), &old.v2, options),
        _ => hpa_api::validate(hpa.v2(), options),
    };
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    for (index, error) in errors.into_iter().enumerate() {
        let error = HpaError {
            field: hpa.converted.original_path(&error.field),
            error,
        };
        let diagnostic = diagnostic(hpa, &error, index);
        // A field the manifest leaves out can fail several checks (an absent metric `type` is
        // both required and not a supported value): one diagnostic says it is missing.
        let missing = !hpa.object.is_written(&error.json_pointer());
        let same = diagnostics
            .iter_mut()
            .find(|d| missing && d.rule == diagnostic.rule && d.pointer == diagnostic.pointer);
        match same {
            Some(existing) => existing.api_errors.extend(diagnostic.api_errors),
            None => diagnostics.push(diagnostic),
        }
    }
    diagnostics
}

fn diagnostic(hpa: &Hpa<'_, '_>, error: &HpaError, index: usize) -> Diagnostic {
    let object = hpa.object;
    let pointer = error.json_pointer();
    let written = object.is_written(&pointer);
    let rule = rule_for(error, written);
    let (message, help) = describe(rule, hpa, error, written);
    let empty = object
        .json
        .pointer(&pointer)
        .is_some_and(|v| v.as_str().is_some_and(str::is_empty) || v.is_null());
    let label = match error.error.kind {
        _ if !written => "missing in here",
        FieldErrorKind::Forbidden => "not allowed here",
        FieldErrorKind::Required if empty => "empty",
        _ => "refused by the API server",
    };
    let mut diagnostic = Diagnostic::new(rule, message)
        .object(object.id.to_string())
        .path(error.error.field.clone())
        .pointer(pointer.clone())
        .at(object.label(&pointer, label))
        .help(help);
    if rule == &max_below_min::MAX_BELOW_MIN {
        let min = hpa.written("spec.minReplicas");
        let text = if min.exact {
            "minimum set here"
        } else {
            "`minReplicas` is not set, so it is 1"
        };
        diagnostic = diagnostic.with(Some(object.label(&min.pointer, text)));
    }
    diagnostic.api_errors.push(ApiError {
        index,
        kind: error.error.kind.as_str(),
        field: error.error.field.clone(),
        field_as_written: error.field.clone(),
        detail: error.error.detail.clone(),
        message: error.error.to_string(),
    });
    diagnostic
}

/// The rule an API validation error belongs to. `written`: whether the manifest writes the
/// field (a required field that is absent is another rule than one with a bad value).
pub fn rule_for(error: &HpaError, written: bool) -> &'static Rule {
    let field = error.error.field.as_str();
    let kind = error.error.kind;
    let last = field.rsplit('.').next().unwrap_or(field);
    let in_behavior = field.starts_with("spec.behavior.");
    if field.starts_with("metadata") {
        &invalid_object_metadata::INVALID_OBJECT_METADATA
    } else if field == "spec.minReplicas" || field == "spec.metrics" {
        // `spec.metrics` is refused only for `minReplicas: 0` without an Object or External
        // metric: scaling to zero.
        &min_replicas_below_one::MIN_REPLICAS_BELOW_ONE
    } else if field == "spec.maxReplicas" {
        if error.error.detail.contains("minReplicas") {
            &max_below_min::MAX_BELOW_MIN
        } else if written {
            &max_replicas_below_one::MAX_REPLICAS_BELOW_ONE
        } else {
            &missing_max_replicas::MISSING_MAX_REPLICAS
        }
    } else if field.starts_with("spec.scaleTargetRef") {
        &invalid_scale_target_ref::INVALID_SCALE_TARGET_REF
    } else if field.starts_with("spec.metrics") {
        if field.contains(".target.") {
            &invalid_metric_target::INVALID_METRIC_TARGET
        } else {
            &invalid_metric::INVALID_METRIC
        }
    } else if in_behavior && last == "stabilizationWindowSeconds" {
        &window_out_of_range::WINDOW_OUT_OF_RANGE
    } else if in_behavior && last == "selectPolicy" {
        &invalid_select_policy::INVALID_SELECT_POLICY
    } else if in_behavior && last == "tolerance" {
        &negative_tolerance::NEGATIVE_TOLERANCE
    } else if in_behavior && last == "policies" {
        &no_scaling_policy::NO_SCALING_POLICY
    } else if in_behavior && last == "periodSeconds" {
        &period_out_of_range::PERIOD_OUT_OF_RANGE
    } else if in_behavior && last == "value" {
        &policy_value_not_positive::POLICY_VALUE_NOT_POSITIVE
    } else if in_behavior && last == "type" {
        &invalid_policy_type::INVALID_POLICY_TYPE
    } else if kind == FieldErrorKind::TooLong {
        &invalid_object_metadata::INVALID_OBJECT_METADATA
    } else {
        // Every path the validation reports is mapped above; a new one lands with the metric
        // rules, whose help reads the server's detail.
        &invalid_metric::INVALID_METRIC
    }
}

/// The message and help of an API validation error, in the manifest's terms.
fn describe(
    rule: &'static Rule,
    hpa: &Hpa<'_, '_>,
    error: &HpaError,
    written: bool,
) -> (String, String) {
    let field = error.field.as_str();
    // The value as the server saw it; for a Required error, the value as written.
    let value = || {
        let shown = error
            .error
            .value
            .as_ref()
            .or_else(|| hpa.object.json.pointer(&error.json_pointer()));
        match shown {
            Some(Value::Number(n)) => n.to_string(),
            Some(other) => describe_json(other),
            None => "empty".to_owned(),
        }
    };
    let detail = &error.error.detail;
    let code = rule.code;
    if code == min_replicas_below_one::MIN_REPLICAS_BELOW_ONE.code {
        if error.error.field == "spec.metrics" {
            return (
                "`minReplicas` is 0 but no Object or External metric is set: an HPA can only scale to zero on one".into(),
                "add an Object or External metric to scale to zero on, or set `minReplicas` to 1 or more".into(),
            );
        }
        return min_replicas_below_one::finding(&value());
    }
    if code == max_below_min::MAX_BELOW_MIN.code {
        let min = hpa.spec_i32("minReplicas").unwrap_or(1);
        let max = hpa.spec_i32("maxReplicas").unwrap_or(0);
        let (message, help) = max_below_min::finding(max, min);
        if !written {
            return (
                format!(
                    "`maxReplicas` is missing, so the API server reads it as 0, below `minReplicas` ({min})"
                ),
                help,
            );
        }
        return (message, help);
    }
    if code == missing_max_replicas::MISSING_MAX_REPLICAS.code {
        return (
            "no `maxReplicas`: the API server requires it".into(),
            "set `spec.maxReplicas` to the most replicas the workload may run".into(),
        );
    }
    if code == max_replicas_below_one::MAX_REPLICAS_BELOW_ONE.code {
        return max_replicas_below_one::finding(&value());
    }
    if code == window_out_of_range::WINDOW_OUT_OF_RANGE.code {
        return window_out_of_range::manifest_finding(field, &value());
    }
    if code == period_out_of_range::PERIOD_OUT_OF_RANGE.code {
        return period_out_of_range::manifest_finding(field, &value(), written);
    }
    if code == policy_value_not_positive::POLICY_VALUE_NOT_POSITIVE.code {
        return policy_value_not_positive::manifest_finding(field, &value(), written);
    }
    if code == no_scaling_policy::NO_SCALING_POLICY.code {
        return no_scaling_policy::manifest_finding(field);
    }
    // The rules of their own: the server's words, with the field as written.
    let message = match error.error.kind {
        _ if !written && detail.is_empty() => format!("`{field}` is missing"),
        _ if !written => format!("`{field}` is missing: {detail}"),
        FieldErrorKind::Required => format!("`{field}` is empty: it is required"),
        FieldErrorKind::Invalid => format!("`{field}` is {}: {detail}", value()),
        FieldErrorKind::NotSupported => format!("`{field}` is {}, which is not supported", value()),
        FieldErrorKind::Forbidden => format!("`{field}` is not allowed here"),
        FieldErrorKind::TooLong => format!("`{field}` is too long"),
    };
    let message = match error.error.kind {
        FieldErrorKind::Required | FieldErrorKind::Forbidden | FieldErrorKind::TooLong
            if written && !detail.is_empty() =>
        {
            format!("{message}: {detail}")
        }
        _ => message,
    };
    let written_value = error.error.value.as_ref().and_then(Value::as_str);
    let help = if code == invalid_select_policy::INVALID_SELECT_POLICY.code {
        invalid_select_policy::help(written_value)
    } else if code == invalid_policy_type::INVALID_POLICY_TYPE.code {
        invalid_policy_type::help(written_value)
    } else if code == negative_tolerance::NEGATIVE_TOLERANCE.code {
        negative_tolerance::help()
    } else if code == invalid_scale_target_ref::INVALID_SCALE_TARGET_REF.code {
        invalid_scale_target_ref::help(field)
    } else if code == invalid_metric_target::INVALID_METRIC_TARGET.code {
        invalid_metric_target::help(field)
    } else if code == invalid_object_metadata::INVALID_OBJECT_METADATA.code {
        invalid_object_metadata::help(field)
    } else {
        invalid_metric::help(field, error.error.kind, detail)
    };
    (message, help)
}
