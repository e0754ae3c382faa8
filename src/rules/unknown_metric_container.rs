use crate::check::inventory::Inventory;
use crate::declare_rule;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Reports a `ContainerResource` metric whose container is not a container of the HPA's
    /// target workload (its app containers and native sidecars).
    ///
    /// ## Why is this bad?
    /// The HPA controller finds no usage for the container (`container <name> not found in
    /// Pod`), reports `FailedGetContainerResourceMetric` and never scales on the metric. It
    /// usually follows a renamed container.
    ///
    /// ## Example
    /// ```yaml
    /// metrics:
    ///   - type: ContainerResource
    ///     containerResource:
    ///       name: cpu
    ///       container: application   # the pod's container is `app`
    ///       target: { type: Utilization, averageUtilization: 70 }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    ///       container: app
    /// ```
    pub static UNKNOWN_METRIC_CONTAINER = {
        code: "SG604", name: "unknown-metric-container", severity: Error, commands: [Check],
    };
}

pub fn check_inventory(inventory: &Inventory<'_>, ctx: &mut Context<'_>) {
    for (hpa, facts) in inventory.hpas() {
        for (workload, spec) in inventory.targets_of(hpa, facts) {
            let names: Vec<String> = spec
                .containers
                .iter()
                .filter(|c| c.counts_for_utilization)
                .map(|c| c.name.clone())
                .collect();
            for metric in &facts.metrics {
                let Some(container) = &metric.container else {
                    continue;
                };
                if names.contains(container) {
                    continue;
                }
                let help = match crate::structure::closest(container, &names) {
                    Some(guess) => format!("did you mean `{guess}`?"),
                    None => format!(
                        "name one of the containers of {} `{}`: {}",
                        workload.id.kind,
                        workload.id.name,
                        names
                            .iter()
                            .map(|n| format!("`{n}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                ctx.report(
                    hpa.diagnostic(
                        &UNKNOWN_METRIC_CONTAINER,
                        format!(
                            "HPA `{}` measures container `{container}`, which {} `{}` does not have: the metric never has a value",
                            hpa.id.name, workload.id.kind, workload.id.name
                        ),
                        &metric.place,
                        "no such container in the target",
                    )
                    .with(Some(workload.label(&workload.name, "the target")))
                    .related(workload.id.to_string())
                    .help(help),
                );
            }
        }
    }
}
