use std::collections::BTreeMap;

use crate::check::inventory::{Facts, HpaFacts, Inventory};
use crate::declare_rule;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Reports two HPAs that scale the same workload.
    ///
    /// ## Why is this bad?
    /// The HPA controller refuses to act on either: it sets `ScalingActive=False` with reason
    /// `AmbiguousSelector` on both, and the workload stops scaling. It happens when an HPA is
    /// renamed and the old one is not deleted, or when a chart and a hand-written manifest both
    /// add one.
    ///
    /// ## Example
    /// ```yaml
    /// kind: HorizontalPodAutoscaler
    /// metadata: { name: web }
    /// spec:
    ///   scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: web }
    /// ---
    /// kind: HorizontalPodAutoscaler
    /// metadata: { name: web-hpa }
    /// spec:
    ///   scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: web }
    /// ```
    ///
    /// ## Use instead
    /// Keep one HPA per workload; give it every metric it should scale on.
    pub static DUPLICATE_SCALE_TARGET = {
        code: "SG602", name: "duplicate-scale-target", severity: Error, commands: [Check],
    };
}

pub fn check_inventory(inventory: &Inventory<'_>, ctx: &mut Context<'_>) {
    // The same HPA written twice (a kustomize base and its rendered output) is one object.
    type Target<'i> = (Option<&'i str>, &'i str, &'i str);
    let mut by_target: BTreeMap<Target<'_>, Vec<(&Facts, &HpaFacts)>> = BTreeMap::new();
    for (hpa, facts) in inventory.hpas() {
        if let Some((kind, name)) = &facts.target {
            by_target
                .entry((hpa.id.namespace.as_deref(), kind, name))
                .or_default()
                .push((hpa, facts));
        }
    }
    for ((_, kind, name), hpas) in by_target {
        let mut names: Vec<&str> = hpas.iter().map(|(h, _)| h.id.name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        if names.len() < 2 {
            continue;
        }
        for (hpa, facts) in &hpas {
            let others: Vec<String> = names
                .iter()
                .filter(|n| **n != hpa.id.name)
                .map(|n| format!("`{n}`"))
                .collect();
            ctx.report(
                hpa.diagnostic(
                    &DUPLICATE_SCALE_TARGET,
                    format!(
                        "HPA `{}` and {} both scale {kind} `{name}`: the controller scales neither (`AmbiguousSelector`)",
                        hpa.id.name,
                        others.join(", ")
                    ),
                    &facts.target_place,
                    "scaled by another HPA too",
                )
                .help("keep one HPA for the workload, with every metric it should scale on, and delete the others"),
            );
        }
    }
}
