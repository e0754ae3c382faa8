use crate::declare_rule;
use crate::diagnostics::Diagnostic;
use crate::model::Services;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Warns about a priority tier that no service names.
    ///
    /// ## Why is this bad?
    /// Its settings apply to nothing. Usually a service's `priority` was misspelt or the tier
    /// outlived the services that used it.
    ///
    /// ## Example
    /// ```yaml
    /// priorities:
    ///   critical: { maxReplicas: 20 }
    /// services:
    ///   api: { priority: high }
    /// ```
    ///
    /// ## Use instead
    /// Remove the tier, or name it on the services it was meant for.
    pub static UNUSED_PRIORITY = {
        code: "SG405", name: "unused-priority", severity: Warning, commands: [Validate],
    };
}

pub fn check_services(services: &Services, ctx: &mut Context<'_>) {
    for tier in &services.priorities {
        let used = services
            .services
            .iter()
            .any(|s| s.priority.as_ref().is_some_and(|p| p.value == tier.name));
        if !used {
            ctx.report(
                Diagnostic::new(
                    &UNUSED_PRIORITY,
                    format!("no service has priority `{}`", tier.name),
                )
                .at(services.key_label(&tier.pointer, "defined here"))
                .help("remove the tier, or set `priority` on the services it is meant for")
                .pointer(tier.pointer.clone()),
            );
        }
    }
}
