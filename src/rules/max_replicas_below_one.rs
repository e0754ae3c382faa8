use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Checks that an HPA's `maxReplicas` is at least 1.
    ///
    /// ## Why is this bad?
    /// The API server refuses the HPA (`spec.maxReplicas: Required value: must be set and
    /// greater than 0`, or `must be greater than or equal to 1` for a negative value), so
    /// `kubectl apply` fails. An HPA that may run no pods scales nothing.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   maxReplicas: 0
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// spec:
    ///   maxReplicas: 6
    /// ```
    pub static MAX_REPLICAS_BELOW_ONE = {
        code: "SG501", name: "max-replicas-below-one", severity: Error, commands: [Check],
    };
}

/// The message and help.
pub fn finding(max: &str) -> (String, String) {
    (
        format!("`maxReplicas` is {max}; it must be at least 1"),
        "set `maxReplicas` to the most replicas the workload may run".into(),
    )
}
