use crate::declare_rule;
use crate::diagnostics::Diagnostic;
use crate::model::Services;
use crate::model::raw::Select;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Reports a scaling direction with an empty `policies` list that is not
    /// `select: disabled`.
    ///
    /// ## Why is this bad?
    /// The API server refuses an HPA whose `policies` is an empty list (`must specify at least
    /// one Policy`). If the direction should never scale, `select: disabled` says so.
    ///
    /// ## Example
    /// ```yaml
    /// scaleDown:
    ///   policies: []
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// scaleDown:
    ///   policies:
    ///     - { pods: 1, period: 60s }
    /// ```
    pub static NO_SCALING_POLICY = {
        code: "SG304", name: "no-scaling-policy", severity: Error, commands: [Validate, Check],
    };
}

/// The message and help of the manifest check: `field` is the field path.
pub fn manifest_finding(field: &str) -> (String, String) {
    (
        format!("`{field}` is empty: the API server requires at least one policy"),
        "add a policy such as `{ type: Pods, value: 1, periodSeconds: 60 }`, or leave `policies` out to get the default; `selectPolicy: Disabled` stops scaling in this direction".into(),
    )
}

pub fn check_services(services: &Services, ctx: &mut Context<'_>) {
    for service in &services.services {
        for (name, direction) in service.directions() {
            let policies = &direction.policies;
            if policies.value.is_empty() && direction.select.value != Select::Disabled {
                ctx.report(
                    Diagnostic::new(
                        &NO_SCALING_POLICY,
                        format!("`{name}.policies` is empty"),
                    )
                    .at(services.value_label(service, &policies.origin, "set here"))
                    .with(services.inherited_label(service, &policies.origin))
                    .help(format!(
                        "add a policy such as `{{ pods: 1, period: 60s }}`, or set `{name}.select: disabled` to never scale {}",
                        if name == "scaleUp" { "up" } else { "down" }
                    ))
                    .pointer(policies.origin.pointer.clone().unwrap_or_default()),
                );
            }
        }
    }
}
