use crate::declare_rule;
use crate::diagnostics::Diagnostic;
use crate::model::Services;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Reports a service whose `metrics` list is empty.
    ///
    /// ## Why is this bad?
    /// With nothing to measure, the autoscaler never scales. (The Kubernetes API would even
    /// default an HPA without metrics to 80% CPU, silently ignoring your thresholds.)
    ///
    /// ## Example
    /// ```yaml
    /// api:
    ///   metrics: []
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// api:
    ///   metrics: [cpu]
    /// ```
    pub static NO_METRICS = {
        code: "SG203", name: "no-metrics", severity: Error, commands: [Validate],
    };
}

pub fn check_services(services: &Services, ctx: &mut Context<'_>) {
    for service in &services.services {
        let metrics = &service.metrics;
        if metrics.value.is_empty() {
            ctx.report(
                Diagnostic::new(
                    &NO_METRICS,
                    "`metrics` is empty: the service has nothing to scale on",
                )
                .at(services.value_label(service, &metrics.origin, "set here"))
                .with(services.inherited_label(service, &metrics.origin))
                .help("list `cpu`, `memory` or both")
                .pointer(metrics.origin.pointer.clone().unwrap_or_default()),
            );
        }
    }
}
