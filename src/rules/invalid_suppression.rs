use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Warns about a `scalegen.io/ignore` annotation that names something that is not a rule.
    ///
    /// ## Why is this bad?
    /// A misspelt rule suppresses nothing, so the problem it was meant to silence is reported
    /// anyway, or — worse — the author believes a problem is accepted when the annotation does
    /// nothing.
    ///
    /// ## Example
    /// ```yaml
    /// metadata:
    ///   annotations:
    ///     scalegen.io/ignore: "min-equal-max"
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    ///     scalegen.io/ignore: "min-equals-max: a batch job runs at a fixed size"
    /// ```
    /// Rules are named as `scalegen rules` lists them, by name or code, separated by commas,
    /// with an optional `: reason`; a block of several lines gives each line its own reason.
    pub static INVALID_SUPPRESSION = {
        code: "SG802", name: "invalid-suppression", severity: Warning, commands: [Check],
    };
}
