use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Checks that each HPA scaling policy's `type` is `Pods` or `Percent`.
    ///
    /// ## Why is this bad?
    /// The API server refuses any other value (`Unsupported value`), so `kubectl apply`
    /// fails.
    ///
    /// ## Example
    /// ```yaml
    /// policies:
    ///   - { type: Percentage, value: 50, periodSeconds: 60 }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// policies:
    ///   - { type: Percent, value: 50, periodSeconds: 60 }
    /// ```
    pub static INVALID_POLICY_TYPE = {
        code: "SG506", name: "invalid-policy-type", severity: Error, commands: [Check],
    };
}

/// The help, with a guess for a near miss.
pub fn help(value: Option<&str>) -> String {
    let known = ["Pods".to_owned(), "Percent".to_owned()];
    match value.and_then(|v| crate::structure::closest(v, &known)) {
        Some(guess) => format!("did you mean `{guess}`?"),
        None => "use `Pods` (a number of pods) or `Percent` (of the current replicas)".into(),
    }
}
