use crate::declare_rule;
use crate::diagnostics::Diagnostic;
use crate::model::Services;
use crate::model::raw::Metric;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Reports a workload that scales on a metric but has no request for that resource: in
    /// the services file, `resources` without the request; in manifests, a container of the
    /// HPA's target without one.
    ///
    /// ## Why is this bad?
    /// Utilization is usage divided by request. Without a request the HPA controller cannot
    /// compute it, reports `FailedGetResourceMetric`, and never scales — the service sits at
    /// `minReplicas` through every spike.
    ///
    /// ## Example
    /// ```yaml
    /// api:
    ///   metrics: [cpu, memory]
    ///   resources:
    ///     requests: { cpu: 250m }   # no memory request
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// api:
    ///   resources:
    ///     requests: { cpu: 250m, memory: 256Mi }
    /// ```
    pub static MISSING_RESOURCE_REQUEST = {
        code: "SG404", name: "missing-resource-request", severity: Error, commands: [Validate, Check],
    };
}

pub fn check_services(services: &Services, ctx: &mut Context<'_>) {
    for service in &services.services {
        let Some(resources) = &service.resources else {
            continue;
        };
        let requests = resources.value.requests.clone().unwrap_or_default();
        for metric in Metric::ALL {
            let present = match metric {
                Metric::Cpu => requests.cpu.is_some(),
                Metric::Memory => requests.memory.is_some(),
            };
            // A limit without a request gets the limit as its request, as in Kubernetes.
            let limit = resources
                .value
                .limits
                .as_ref()
                .is_some_and(|l| match metric {
                    Metric::Cpu => l.cpu.is_some(),
                    Metric::Memory => l.memory.is_some(),
                });
            if !service.uses(metric) || present || limit {
                continue;
            }
            let base = resources.origin.pointer.clone().unwrap_or_default();
            let name = metric.as_str();
            ctx.report(
                Diagnostic::new(
                    &MISSING_RESOURCE_REQUEST,
                    format!("`{}` scales on `{name}` but `resources` has no `{name}` request", service.name),
                )
                .at(services.label_at(&base, "resources without a request"))
                .help(format!(
                    "add `requests.{name}`: utilization is a percentage of the request, so without one the autoscaler never scales"
                ))
                .pointer(format!("{base}/requests/{name}")),
            );
        }
    }
}
