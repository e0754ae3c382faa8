use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Checks each HPA metric target as the API server does: `type` is `Utilization`,
    /// `Value` or `AverageValue`; the value that type needs is set; `value` and
    /// `averageValue` are positive quantities and `averageUtilization` is at least 1; a
    /// resource metric sets one of `averageUtilization` and `averageValue`, not both.
    ///
    /// ## Why is this bad?
    /// The API server refuses the HPA (`must set either a target raw value or a target
    /// utilization`, `must be positive`), so `kubectl apply` fails. A target of zero would
    /// mean "scale up forever".
    ///
    /// ## Example
    /// ```yaml
    /// target:
    ///   type: Utilization
    ///   averageValue: 500m
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// target:
    ///   type: Utilization
    ///   averageUtilization: 70
    /// ```
    pub static INVALID_METRIC_TARGET = {
        code: "SG504", name: "invalid-metric-target", severity: Error, commands: [Check],
    };
}

/// The help for an error at `field` (a field path).
pub fn help(field: &str) -> String {
    match field.rsplit('.').next() {
        Some("type") => "use `Utilization` (with `averageUtilization`), `AverageValue` (with `averageValue`) or `Value` (with `value`)".into(),
        Some("averageUtilization") => {
            "set `averageUtilization` to a percentage of the request of at least 1, such as 70".into()
        }
        Some("value" | "averageValue") => {
            "use a positive quantity such as `100`, `500m` or `1Gi`, and only one of `value` and `averageValue`".into()
        }
        _ => "give the target a `type` and the one value that type needs".into(),
    }
}
