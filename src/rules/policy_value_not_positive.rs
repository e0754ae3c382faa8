use crate::declare_rule;
use crate::diagnostics::Diagnostic;
use crate::model::Services;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Checks that each scaling policy's `percent` or `pods` (a manifest's `value`) is greater
    /// than zero.
    ///
    /// ## Why is this bad?
    /// The API server refuses the HPA (`must be greater than zero`). To stop scaling in a
    /// direction, say so with `select: disabled`.
    ///
    /// ## Example
    /// ```yaml
    /// scaleDown:
    ///   policies:
    ///     - { pods: 0, period: 60s }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// scaleDown:
    ///   select: disabled
    /// ```
    pub static POLICY_VALUE_NOT_POSITIVE = {
        code: "SG303", name: "policy-value-not-positive", severity: Error, commands: [Validate, Check],
    };
}

/// The message and help of the manifest check: `field` is the field path; `written`
/// whether the manifest sets the value at all (absent, the API server reads 0).
pub fn manifest_finding(field: &str, value: &str, written: bool) -> (String, String) {
    let message = if written {
        format!("`{field}` is {value}; it must be greater than zero")
    } else {
        format!("`{field}` is missing: the API server reads it as 0 and requires more")
    };
    (
        message,
        "use a positive `value`, or `selectPolicy: Disabled` to stop scaling in this direction"
            .into(),
    )
}

pub fn check_services(services: &Services, ctx: &mut Context<'_>) {
    for service in &services.services {
        for (name, direction) in service.directions() {
            let policies = &direction.policies;
            for (i, policy) in policies.value.iter().enumerate() {
                for (field, value) in [("percent", policy.percent), ("pods", policy.pods)] {
                    let Some(value) = value.filter(|v| *v <= 0) else {
                        continue;
                    };
                    let (label, pointer) = services.part_label(
                        service,
                        &policies.origin,
                        &format!("/{i}/{field}"),
                        "set here",
                    );
                    ctx.report(
                        Diagnostic::new(
                            &POLICY_VALUE_NOT_POSITIVE,
                            format!("`{name}.policies[{i}].{field}` is {value}; it must be greater than zero"),
                        )
                        .at(label)
                        .with(services.inherited_label(service, &policies.origin))
                        .help(format!(
                            "use a positive `{field}`, or `select: disabled` to stop scaling {}",
                            if name == "scaleUp" { "up" } else { "down" }
                        ))
                        .pointer(pointer),
                    );
                }
            }
        }
    }
}
