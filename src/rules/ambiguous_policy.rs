use crate::declare_rule;
use crate::diagnostics::Diagnostic;
use crate::model::Services;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Checks that each scaling policy names exactly one of `percent` and `pods`.
    ///
    /// ## Why is this bad?
    /// A Kubernetes policy has one `type`: a policy with both values cannot be rendered
    /// without dropping one, and one with neither limits nothing.
    ///
    /// ## Example
    /// ```yaml
    /// policies:
    ///   - { percent: 50, pods: 2, period: 60s }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// policies:
    ///   - { percent: 50, period: 60s }
    ///   - { pods: 2, period: 60s }
    /// ```
    pub static AMBIGUOUS_POLICY = {
        code: "SG305", name: "ambiguous-policy", severity: Error, commands: [Validate],
    };
}

pub fn check_services(services: &Services, ctx: &mut Context<'_>) {
    for service in &services.services {
        for (name, direction) in service.directions() {
            let policies = &direction.policies;
            for (i, policy) in policies.value.iter().enumerate() {
                if policy.limit().is_some() {
                    continue;
                }
                let both = policy.percent.is_some();
                let (label, pointer) =
                    services.part_label(service, &policies.origin, &format!("/{i}"), "this policy");
                ctx.report(
                    Diagnostic::new(
                        &AMBIGUOUS_POLICY,
                        if both {
                            format!("`{name}.policies[{i}]` sets both `percent` and `pods`")
                        } else {
                            format!("`{name}.policies[{i}]` sets neither `percent` nor `pods`")
                        },
                    )
                    .at(label)
                    .with(services.inherited_label(service, &policies.origin))
                    .help(if both {
                        "split it into two policies, one with `percent` and one with `pods`, and pick between them with `select`"
                    } else {
                        "add `percent: <n>` or `pods: <n>`"
                    })
                    .pointer(pointer),
                );
            }
        }
    }
}
