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
