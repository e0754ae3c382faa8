use crate::declare_rule;
use crate::diagnostics::Diagnostic;
use crate::model::Services;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Checks that service names and the namespace are DNS-1123 labels (at most 63
    /// characters, lowercase letters, digits and `-`, starting and ending with a letter or
    /// digit), and that a `target.name` is a DNS-1123 subdomain.
    ///
    /// ## Why is this bad?
    /// The service name becomes the HPA's name, its file name in `generated/`, a Compose
    /// service name and a label value. Kubernetes refuses names that are not DNS labels, and
    /// a name like `../../etc` must never become a path.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   Auth_Service: { maxReplicas: 6 }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   auth-service: { maxReplicas: 6 }
    /// ```
    pub static INVALID_NAME = {
        code: "SG401", name: "invalid-name", severity: Error, commands: [Validate],
    };
}

/// Why `name` is not a DNS-1123 label, or `None` when it is one.
pub fn label_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("it is empty".into());
    }
    if name.len() > 63 {
        return Some(format!(
            "it is {} characters long; the limit is 63",
            name.len()
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !matches!(c, 'a'..='z' | '0'..='9' | '-'))
    {
        return Some(format!(
            "it contains `{}`; only lowercase letters, digits and `-` are allowed",
            c.escape_debug()
        ));
    }
    if name.starts_with('-') || name.ends_with('-') {
        return Some("it starts or ends with `-`".into());
    }
    None
}

/// Why `name` is not a DNS-1123 subdomain, or `None` when it is one.
pub fn subdomain_problem(name: &str) -> Option<String> {
    if name.len() > 253 {
        return Some(format!(
            "it is {} characters long; the limit is 253",
            name.len()
        ));
    }
    name.split('.')
        .find_map(|part| label_problem(part).map(|p| format!("`{part}`: {p}")))
        .map(|p| {
            p.replace(
                "only lowercase letters, digits and `-`",
                "only lowercase letters, digits, `-` and `.`",
            )
        })
}

/// A lowercase, hyphenated spelling to suggest.
pub fn suggestion(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    while out.contains("--") {
        out = out.replace("--", "-");
    }
    let trimmed = out.trim_matches('-');
    let mut result: String = trimmed.chars().take(63).collect();
    while result.ends_with('-') {
        result.pop();
    }
    if result.is_empty() {
        "my-service".into()
    } else {
        result
    }
}

pub fn check_services(services: &Services, ctx: &mut Context<'_>) {
    for service in &services.services {
        if let Some(problem) = label_problem(&service.name) {
            ctx.report(
                Diagnostic::new(
                    &INVALID_NAME,
                    format!(
                        "service name `{}` is not a valid Kubernetes name: {problem}",
                        service.name.escape_debug()
                    ),
                )
                .at(services.key_label(&service.pointer, "this name"))
                .help(format!(
                    "rename the service to `{}`",
                    suggestion(&service.name)
                ))
                .pointer(service.pointer.clone()),
            );
        }
        if let Some(pointer) = service.target.origin.pointer.as_ref()
            && let Some(problem) = subdomain_problem(&service.target.name)
        {
            let pointer = format!("{pointer}/name");
            ctx.report(
                Diagnostic::new(
                    &INVALID_NAME,
                    format!(
                        "target name `{}` is not a valid Kubernetes name: {problem}",
                        service.target.name.escape_debug()
                    ),
                )
                .at(services.label_at(&pointer, "this name"))
                .help(format!(
                    "use the workload's real name, such as `{}`",
                    suggestion(&service.target.name)
                ))
                .pointer(pointer),
            );
        }
    }
    if let Some(namespace) = &services.namespace
        && let Some(problem) = label_problem(&namespace.value)
    {
        ctx.report(
            Diagnostic::new(
                &INVALID_NAME,
                format!(
                    "namespace `{}` is not a valid Kubernetes name: {problem}",
                    namespace.value.escape_debug()
                ),
            )
            .at(services.label_at("/namespace", "this namespace"))
            .help(format!("use `{}`", suggestion(&namespace.value)))
            .pointer("/namespace"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_labels() {
        assert_eq!(label_problem("auth-service"), None);
        assert_eq!(label_problem("a"), None);
        assert!(label_problem("Auth").is_some());
        assert!(label_problem("-a").is_some());
        assert!(label_problem("../../x").is_some());
        assert!(label_problem(&"a".repeat(64)).is_some());
        assert_eq!(subdomain_problem("web.v2"), None);
        assert!(subdomain_problem("web..v2").is_some());
        assert_eq!(suggestion("Auth_Service"), "auth-service");
        assert_eq!(suggestion("../../x"), "x");
    }
}
