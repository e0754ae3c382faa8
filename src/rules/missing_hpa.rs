use std::collections::HashSet;

use crate::check::inventory::Inventory;
use crate::declare_rule;
use crate::diagnostics::Diagnostic;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// With a services file, reports a service that has no HorizontalPodAutoscaler in the
    /// checked manifests (an HPA belongs to the service it is named after, or that its
    /// `app.kubernetes.io/name` label names).
    ///
    /// ## Why is this bad?
    /// The services file says the service autoscales; without its HPA in the repository it
    /// does not, or runs on an HPA nobody reviews.
    ///
    /// ## Example
    /// A services file with `api` and `worker`, and manifests with an HPA for `api` only.
    ///
    /// ## Use instead
    /// Run `scalegen render` and commit (or apply) `generated/k8s/worker.hpa.yaml`.
    pub static MISSING_HPA = {
        code: "SG702", name: "missing-hpa", severity: Error, commands: [Check],
    };
}

pub fn check_inventory(inventory: &Inventory<'_>, ctx: &mut Context<'_>) {
    let Some(services) = &inventory.settings.services else {
        return;
    };
    let with_hpa: HashSet<&str> = inventory
        .hpas()
        .filter_map(|(_, facts)| facts.service.as_deref())
        .collect();
    for service in &services.services {
        if !with_hpa.contains(service.name.as_str()) {
            ctx.report(
                Diagnostic::new(
                    &MISSING_HPA,
                    format!(
                        "service `{}` has no HorizontalPodAutoscaler in the checked manifests",
                        service.name
                    ),
                )
                .at(services.key_label(&service.pointer, "no HPA for this service"))
                .help(format!(
                    "run `scalegen render` and commit or apply `generated/k8s/{}.hpa.yaml`, or check that the HPA is named `{}`",
                    service.name, service.name
                ))
                .pointer(service.pointer.clone()),
            );
        }
    }
}
