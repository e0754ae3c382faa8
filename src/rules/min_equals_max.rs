use crate::check::object::Hpa;
use crate::declare_rule;
use crate::diagnostics::Diagnostic;
use crate::model::Services;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Warns when `minReplicas` equals `maxReplicas`.
    ///
    /// ## Why is this bad?
    /// The autoscaler can never change the replica count, so the HPA only costs a controller
    /// sync every 15 seconds and misleads whoever reads it into thinking the service scales.
    ///
    /// ## Example
    /// ```yaml
    /// api:
    ///   minReplicas: 4
    ///   maxReplicas: 4
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// api:
    ///   minReplicas: 2
    ///   maxReplicas: 4
    /// ```
    /// or leave the service out and set its replica count on the workload.
    pub static MIN_EQUALS_MAX = {
        code: "SG106", name: "min-equals-max", severity: Warning, commands: [Validate, Check],
    };
}

pub fn finding(replicas: i32) -> (String, String) {
    (
        format!("`minReplicas` and `maxReplicas` are both {replicas}: the service never scales"),
        format!(
            "raise `maxReplicas` above {replicas}, or drop the autoscaler and fix the replica count on the workload"
        ),
    )
}

pub fn check_services(services: &Services, ctx: &mut Context<'_>) {
    for service in &services.services {
        let (min, Some(max)) = (&service.min_replicas, &service.max_replicas) else {
            continue;
        };
        if min.value == max.value {
            let (message, help) = finding(max.value);
            ctx.report(
                Diagnostic::new(&MIN_EQUALS_MAX, message)
                    .at(services.value_label(service, &max.origin, "maximum set here"))
                    .with(Some(services.value_label(
                        service,
                        &min.origin,
                        "minimum set here",
                    )))
                    .help(help)
                    .pointer(max.origin.pointer.clone().unwrap_or_default()),
            );
        }
    }
}

pub fn check_hpa(hpa: &Hpa<'_, '_>, ctx: &mut Context<'_>) {
    let (Some(min), Some(max)) = (hpa.spec_i32("minReplicas"), hpa.spec_i32("maxReplicas")) else {
        return;
    };
    // Below one is the API server's to refuse.
    if min == max && max >= 1 {
        let (message, help) = finding(max);
        let min_at = hpa.written("spec.minReplicas");
        let min_label = min_at
            .exact
            .then(|| hpa.object.label(&min_at.pointer, "minimum set here"));
        ctx.report(
            hpa.diagnostic(
                &MIN_EQUALS_MAX,
                message,
                "spec.maxReplicas",
                "maximum set here",
                "`maxReplicas` is not set here",
            )
            .with(min_label)
            .help(help),
        );
    }
}
