use crate::declare_rule;
use crate::diagnostics::Diagnostic;
use crate::model::Services;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Reports a service for which no level of the services file sets `maxReplicas`, and an
    /// HPA manifest without `spec.maxReplicas`.
    ///
    /// ## Why is this bad?
    /// `maxReplicas` has no safe default: it is how much of the cluster a service may take.
    /// The API server refuses an HPA without it (`spec.maxReplicas: Required value`), and
    /// scalegen will not guess it.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api: { minReplicas: 2 }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   api: { minReplicas: 2, maxReplicas: 6 }
    /// ```
    /// or set it under `defaults` or on the service's priority tier.
    pub static MISSING_MAX_REPLICAS = {
        code: "SG105", name: "missing-max-replicas", severity: Error, commands: [Validate, Check],
    };
}

pub fn check_services(services: &Services, ctx: &mut Context<'_>) {
    for service in &services.services {
        if service.max_replicas.is_none() {
            ctx.report(
                Diagnostic::new(
                    &MISSING_MAX_REPLICAS,
                    format!("no `maxReplicas` for `{}`", service.name),
                )
                .at(services.key_label(&service.pointer, "this service"))
                .help("set `maxReplicas` on the service, on its priority tier, or under `defaults`")
                .pointer(format!("{}/maxReplicas", service.pointer)),
            );
        }
    }
}
