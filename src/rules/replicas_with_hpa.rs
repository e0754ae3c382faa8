use crate::check::inventory::Inventory;
use crate::declare_rule;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Warns about a Deployment or StatefulSet that sets `spec.replicas` while an HPA scales
    /// it.
    ///
    /// ## Why is this bad?
    /// Every `kubectl apply` (and every GitOps sync) resets the replica count to the manifest's
    /// value, undoing the HPA: a service scaled out to 8 pods under load drops to 2 on the next
    /// deploy, until the HPA scales it out again minutes later.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Deployment
    /// spec:
    ///   replicas: 2
    /// ```
    ///
    /// ## Use instead
    /// Leave `replicas` out: the HPA owns it. (The first apply creates the workload with one
    /// replica, and the HPA raises it to `minReplicas` within seconds.)
    pub static REPLICAS_WITH_HPA = {
        code: "SG603", name: "replicas-with-hpa", severity: Warning, commands: [Check],
    };
}

pub fn check_inventory(inventory: &Inventory<'_>, ctx: &mut Context<'_>) {
    for (hpa, facts) in inventory.hpas() {
        for (workload, spec) in inventory.targets_of(hpa, facts) {
            if workload.id.kind == "ReplicaSet" {
                continue;
            }
            let Some((place, value)) = &spec.replicas else {
                continue;
            };
            ctx.report(
                workload
                    .diagnostic(
                        &REPLICAS_WITH_HPA,
                        format!(
                            "{} `{}` sets `replicas: {}` while HPA `{}` scales it: every apply resets the replica count",
                            workload.id.kind,
                            workload.id.name,
                            value.trim_matches('`'),
                            hpa.id.name
                        ),
                        place,
                        "fights the HPA",
                    )
                    .with(Some(hpa.label(&hpa.name, "the HPA")))
                    .related(hpa.id.to_string())
                    .help("remove `spec.replicas` and let the HPA own the replica count"),
            );
        }
    }
}
