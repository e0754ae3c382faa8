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

pub fn check_services(services: &Services, ctx: &mut Context<'_>) {
    for service in &services.services {
        let min = &service.min_replicas;
        if min.value < 1 {
            ctx.report(
                Diagnostic::new(
                    &MIN_REPLICAS_BELOW_ONE,
                    format!("`minReplicas` is {}; it must be at least 1", min.value),
                )
                .at(services.value_label(service, &min.origin, "set here"))
                .with(services.inherited_label(service, &min.origin))
                .help("set `minReplicas` to 1 or more (2 or more for high availability)")
                .pointer(min.origin.pointer.clone().unwrap_or_default()),
            );
        }
    }
}
