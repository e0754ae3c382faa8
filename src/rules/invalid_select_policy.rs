use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Checks that an HPA's `selectPolicy` is `Max`, `Min` or `Disabled`.
    ///
    /// ## Why is this bad?
    /// The API server refuses any other value (`Unsupported value: "max"`), so `kubectl
    /// apply` fails. The values are case-sensitive: the services file's `select: max` is
    /// `selectPolicy: Max` in a manifest.
    ///
    /// ## Example
    /// ```yaml
    /// scaleDown:
    ///   selectPolicy: min
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// scaleDown:
    ///   selectPolicy: Min
    /// ```
    pub static INVALID_SELECT_POLICY = {
        code: "SG505", name: "invalid-select-policy", severity: Error, commands: [Check],
    };
}

/// The help, with a guess when the value differs from an allowed one only in case.
pub fn help(value: Option<&str>) -> String {
    let allowed = ["Max", "Min", "Disabled"];
    match value.and_then(|v| allowed.iter().find(|a| a.eq_ignore_ascii_case(v.trim()))) {
        Some(guess) => format!("did you mean `{guess}`? The values are case-sensitive"),
        None => "use `Max` (the largest change), `Min` (the smallest) or `Disabled`".into(),
    }
}
