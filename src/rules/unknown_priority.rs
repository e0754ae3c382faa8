use crate::declare_rule;
use crate::diagnostics::Diagnostic;
use crate::model::Services;
use crate::rules::Context;
use crate::structure::closest;

declare_rule! {
    /// ## What it does
    /// Reports a service whose `priority` names no tier under `priorities`.
    ///
    /// ## Why is this bad?
    /// The service silently gets none of the tier's settings and escapes the tier's cap: a
    /// typo such as `priority: hgih` leaves the service on the platform defaults.
    ///
    /// ## Example
    /// ```yaml
    /// priorities:
    ///   high: { maxReplicas: 10 }
    /// services:
    ///   api: { priority: hgih }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   api: { priority: high }
    /// ```
    pub static UNKNOWN_PRIORITY = {
        code: "SG402", name: "unknown-priority", severity: Error, commands: [Validate],
    };
}

pub fn check_services(services: &Services, ctx: &mut Context<'_>) {
    let tiers: Vec<String> = services.priorities.iter().map(|t| t.name.clone()).collect();
    for service in &services.services {
        let Some(priority) = &service.priority else {
            continue;
        };
        if tiers.contains(&priority.value) {
            continue;
        }
        let help = match closest(&priority.value, &tiers) {
            Some(guess) => format!("did you mean `{guess}`?"),
            None if tiers.is_empty() => format!(
                "define the tier under `priorities`, e.g. `priorities: {{ {}: {{ maxReplicas: 6 }} }}`",
                priority.value
            ),
            None => format!(
                "use one of {}, or define `{}` under `priorities`",
                tiers
                    .iter()
                    .map(|t| format!("`{t}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                priority.value
            ),
        };
        let pointer = priority.origin.pointer.clone().unwrap_or_default();
        ctx.report(
            Diagnostic::new(
                &UNKNOWN_PRIORITY,
                format!("unknown priority `{}`", priority.value),
            )
            .at(services.label_at(&pointer, "not defined under `priorities`"))
            .help(help)
            .pointer(pointer),
        );
    }
}
