use crate::check::inventory::Inventory;
use crate::check::object::WORKLOAD_KINDS;
use crate::declare_rule;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Warns about an HPA whose target (a Deployment, StatefulSet or ReplicaSet) is not among
    /// the checked manifests.
    ///
    /// ## Why is this bad?
    /// Usually the target's name or kind is misspelt, or the workload was renamed and the HPA
    /// left behind: the HPA then scales nothing (`FailedGetScale`). The rules that need the
    /// target (requests, `replicas`) cannot run either. Repositories that keep workloads and
    /// HPAs apart turn it off with `--allow-missing-targets` or in the policy.
    ///
    /// ## Example
    /// ```yaml
    /// scaleTargetRef:
    ///   apiVersion: apps/v1
    ///   kind: Deployment
    ///   name: web-server   # the Deployment is `web`
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    ///   name: web
    /// ```
    pub static MISSING_SCALE_TARGET = {
        code: "SG601", name: "missing-scale-target", severity: Warning, commands: [Check],
    };
}

pub fn check_inventory(inventory: &Inventory<'_>, ctx: &mut Context<'_>) {
    for (hpa, facts) in inventory.hpas() {
        let Some((kind, name)) = &facts.target else {
            continue;
        };
        if !WORKLOAD_KINDS.contains(&kind.as_str())
            || inventory.targets_of(hpa, facts).next().is_some()
        {
            continue;
        }
        let same_kind: Vec<String> = inventory
            .workloads()
            .filter(|(w, _)| w.id.kind == *kind && w.id.same_namespace(&hpa.id))
            .map(|(w, _)| w.id.name.clone())
            .collect();
        let help = match crate::structure::closest(name, &same_kind) {
            Some(guess) => format!("did you mean `{guess}`?"),
            None => "check the target's kind and name; if the workload lives in another repository, pass `--allow-missing-targets`".into(),
        };
        ctx.report(
            hpa.diagnostic(
                &MISSING_SCALE_TARGET,
                format!(
                    "HPA `{}` scales {kind} `{name}`, which is not in the checked manifests",
                    hpa.id.name
                ),
                &facts.target_place,
                "not found",
            )
            .help(help),
        );
    }
}
