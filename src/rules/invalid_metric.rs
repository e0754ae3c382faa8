use crate::declare_rule;
use crate::k8s::hpa_api::FieldErrorKind;

declare_rule! {
    /// ## What it does
    /// Checks each HPA metric as the API server does: `type` is one of `Resource`,
    /// `ContainerResource`, `Pods`, `Object` and `External`; the source of that type is set
    /// and no other; a resource, container, metric and described object are named validly.
    ///
    /// ## Why is this bad?
    /// The API server refuses the HPA (`must populate information for the given metric
    /// source`, `must populate the given metric source only`), so `kubectl apply` fails.
    /// The mismatch is usually a `type` left over from copying another metric.
    ///
    /// ## Example
    /// ```yaml
    /// metrics:
    ///   - type: Pods
    ///     resource:
    ///       name: cpu
    ///       target: { type: Utilization, averageUtilization: 70 }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// metrics:
    ///   - type: Resource
    ///     resource:
    ///       name: cpu
    ///       target: { type: Utilization, averageUtilization: 70 }
    /// ```
    pub static INVALID_METRIC = {
        code: "SG503", name: "invalid-metric", severity: Error, commands: [Check],
    };
}

/// The help for an error at `field` (a field path).
pub fn help(field: &str, kind: FieldErrorKind, detail: &str) -> String {
    let last = field.rsplit('.').next().unwrap_or(field);
    let source_type = match last {
        "resource" => Some("Resource"),
        "containerResource" => Some("ContainerResource"),
        "pods" => Some("Pods"),
        "object" => Some("Object"),
        "external" => Some("External"),
        _ => None,
    };
    match (last, kind) {
        (_, FieldErrorKind::Required) if source_type.is_some() => format!(
            "give a `type: {}` metric its `{last}` source, or change `type` to name the source the metric sets",
            source_type.unwrap_or_default()
        ),
        ("type", _) => "use one of `Resource`, `ContainerResource`, `Pods`, `Object` and `External`, matching the source the metric sets".into(),
        (_, FieldErrorKind::Forbidden) => "keep only the source that `type` names; a metric has exactly one".into(),
        ("container", _) => "name the container whose usage to measure".into(),
        ("name", _) if field.contains("metric.name") => {
            "name the metric as the metrics API serves it (no `/` or `%`)".into()
        }
        ("name", _) => "name the resource: `cpu` or `memory`".into(),
        _ if !detail.is_empty() => format!("the API server says: {detail}"),
        _ => "set the source that the metric's `type` names".into(),
    }
}
