use crate::declare_rule;
use crate::diagnostics::Diagnostic;
use crate::model::Services;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Checks that `minReplicas` is at least 1.
    ///
    /// ## Why is this bad?
    /// The Kubernetes API server refuses an HPA with `minReplicas` below 1 (0 only with the
    /// alpha `HPAScaleToZero` gate and an Object or External metric). A service with no
    /// replicas serves nothing.
    ///
    /// In manifests, this is the API server's own check of `spec.minReplicas`.
    ///
    /// ## Example
    /// ```yaml
    /// api:
    ///   minReplicas: 0
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// api:
    ///   minReplicas: 2
    /// ```
    pub static MIN_REPLICAS_BELOW_ONE = {
        code: "SG101", name: "min-replicas-below-one", severity: Error, commands: [Validate, Check],
    };
}

/// The message and help, shared with the manifest check.
pub fn finding(min: &str) -> (String, String) {
    (
        format!("`minReplicas` is {min}; it must be at least 1"),
        "set `minReplicas` to 1 or more (2 or more for high availability)".into(),
    )
}

pub fn check_services(services: &Services, ctx: &mut Context<'_>) {
    for service in &services.services {
        let min = &service.min_replicas;
        if min.value < 1 {
            let (message, help) = finding(&min.value.to_string());
            ctx.report(
                Diagnostic::new(&MIN_REPLICAS_BELOW_ONE, message)
                    .at(services.value_label(service, &min.origin, "set here"))
                    .with(services.inherited_label(service, &min.origin))
                    .help(help)
                    .pointer(min.origin.pointer.clone().unwrap_or_default()),
            );
        }
    }
}
