use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Checks that an HPA's `tolerance` (scale-up or scale-down) is not negative.
    ///
    /// ## Why is this bad?
    /// The API server refuses the HPA (`must be greater than or equal to 0`), so `kubectl
    /// apply` fails. A tolerance is the fraction by which usage may differ from the target
    /// before the HPA acts.
    ///
    /// ## Example
    /// ```yaml
    /// scaleDown:
    ///   tolerance: -0.05
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// scaleDown:
    ///   tolerance: 0.05
    /// ```
    pub static NEGATIVE_TOLERANCE = {
        code: "SG507", name: "negative-tolerance", severity: Error, commands: [Check],
    };
}

pub fn help() -> String {
    "use a tolerance of 0 or more, such as `0.1` (10%, the controller's default)".into()
}
