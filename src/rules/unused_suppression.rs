use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Warns about a rule named in a `scalegen.io/ignore` annotation that reports nothing about
    /// the object.
    ///
    /// ## Why is this bad?
    /// The problem it was for is gone (or the name points at the wrong object). A stale
    /// suppression hides the problem if it comes back, and misleads readers into thinking the
    /// object is special.
    ///
    /// ## Example
    /// ```yaml
    /// metadata:
    ///   annotations:
    ///     scalegen.io/ignore: "min-equals-max: fixed size"   # but min is 2, max is 6
    /// ```
    ///
    /// ## Use instead
    /// Remove the rule from the annotation (and the annotation when it is empty).
    pub static UNUSED_SUPPRESSION = {
        code: "SG801", name: "unused-suppression", severity: Warning, commands: [Check],
    };
}
