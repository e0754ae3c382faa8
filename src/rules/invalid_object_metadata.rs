use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Checks an HPA's `metadata` as the API server does: a `name` (or `generateName`) that is
    /// a DNS-1123 subdomain, a `namespace` that is a DNS-1123 label, label keys and values and
    /// annotation keys of the allowed form, annotations of at most 256 KiB in all.
    ///
    /// ## Why is this bad?
    /// The API server refuses the object (`a lowercase RFC 1123 subdomain must consist of
    /// …`), so `kubectl apply` fails.
    ///
    /// ## Example
    /// ```yaml
    /// metadata:
    ///   name: Web_HPA
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// metadata:
    ///   name: web-hpa
    /// ```
    pub static INVALID_OBJECT_METADATA = {
        code: "SG508", name: "invalid-object-metadata", severity: Error, commands: [Check],
    };
}

/// The help for an error at `field`.
pub fn help(field: &str) -> String {
    if field.starts_with("metadata.labels") {
        "label keys are `prefix/name` with a DNS subdomain prefix; values are at most 63 letters, digits, `-`, `_` or `.`, starting and ending with a letter or digit".into()
    } else if field.starts_with("metadata.annotations") {
        "annotation keys are `prefix/name` with a DNS subdomain prefix; keep all annotations under 256 KiB".into()
    } else {
        "use lowercase letters, digits, `-` and `.`, starting and ending with a letter or digit"
            .into()
    }
}
