use crate::check::inventory::{Inventory, Place};
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
    /// In manifests this follows the HPA controller exactly: it sums the requests of the app
    /// containers and of native sidecars (init containers with `restartPolicy: Always`), not
    /// of plain init containers; a container with a limit and no request gets the limit as
    /// its request; a `ContainerResource` metric reads only the container it names; a
    /// pod-level request (`spec.template.spec.resources`) covers the pod. A namespace's
    /// LimitRange can also give containers a default request: scalegen cannot see it, so
    /// suppress the rule on such a workload.
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

/// Every (HPA, workload, metric, container) where a utilization metric meets a container
/// without a request for its resource, as the HPA controller computes requests: app
/// containers and native sidecars count, plain init containers do not; a limit alone is the
/// request; a ContainerResource metric reads only its own container; a pod-level request
/// covers the whole pod.
pub fn check_inventory(inventory: &Inventory<'_>, ctx: &mut Context<'_>) {
    for (hpa, facts) in inventory.hpas() {
        for (workload, spec) in inventory.targets_of(hpa, facts) {
            for metric in facts.metrics.iter().filter(|m| m.utilization) {
                let resource = &metric.resource;
                if metric.container.is_none() && spec.pod_requests.contains(resource) {
                    continue;
                }
                let containers = spec.containers.iter().filter(|c| {
                    c.counts_for_utilization
                        && metric.container.as_ref().is_none_or(|name| *name == c.name)
                });
                for container in containers.filter(|c| !c.requests.contains(resource)) {
                    let key = crate::yaml::pointer_from(["resources", "requests", resource]);
                    let place = Place {
                        span: container.place.span,
                        pointer: format!("{}{key}", container.pointer),
                        path: format!("{}.resources.requests[{resource}]", container.path),
                    };
                    let (why, metric_text) = if metric.written {
                        (
                            format!(
                                "HPA `{}` scales on its `{resource}` utilization",
                                hpa.id.name
                            ),
                            "the metric that needs it",
                        )
                    } else {
                        (
                            format!(
                                "HPA `{}` lists no metrics and so scales on its `cpu` utilization",
                                hpa.id.name
                            ),
                            "no metrics: `cpu` utilization by default",
                        )
                    };
                    ctx.report(
                        workload
                            .diagnostic(
                                &MISSING_RESOURCE_REQUEST,
                                format!(
                                    "container `{}` of {} `{}` has no `{resource}` request, but {why}: without a request the HPA cannot compute it and never scales",
                                    container.name, workload.id.kind, workload.id.name
                                ),
                                &place,
                                format!("no `{resource}` request"),
                            )
                            .with(Some(hpa.label(&metric.place, metric_text)))
                            .related(hpa.id.to_string())
                            .help(format!(
                                "add `resources.requests.{resource}` to container `{}` (a `{resource}` limit alone also works: the request defaults to it)",
                                container.name
                            )),
                    );
                }
            }
        }
    }
}
