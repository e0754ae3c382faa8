use crate::declare_rule;
use crate::diagnostics::Diagnostic;
use crate::model::Services;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Checks that each scaling policy's `period` is between 1 second and 1800 seconds
    /// (30 minutes), the limits the Kubernetes API server enforces.
    ///
    /// ## Why is this bad?
    /// The API server refuses the HPA (`must be greater than zero` / `must be less than or
    /// equal to 1800`). A zero period would also mean "no rate limit at all".
    ///
    /// ## Example
    /// ```yaml
    /// policies:
    ///   - { pods: 1, period: 1h }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// policies:
    ///   - { pods: 1, period: 30m }
    /// ```
    pub static PERIOD_OUT_OF_RANGE = {
        code: "SG302", name: "period-out-of-range", severity: Error, commands: [Validate, Check],
    };
}

/// The API server's limit.
pub const MAX_PERIOD_SECONDS: u32 = 1800;

/// The message and help of the manifest check: `field` is the field path; `written`
/// whether the manifest sets the period at all (absent, the API server reads 0).
pub fn manifest_finding(field: &str, value: &str, written: bool) -> (String, String) {
    let message = if written {
        format!("`{field}` ({value}) is outside the 1 to 1800 seconds the Kubernetes API allows")
    } else {
        format!("`{field}` is missing: the API server reads it as 0 and requires 1 to 1800 seconds")
    };
    (
        message,
        "use a period from 1 to 1800 seconds (30 minutes)".into(),
    )
}

pub fn check_services(services: &Services, ctx: &mut Context<'_>) {
    for service in &services.services {
        for (name, direction) in service.directions() {
            let policies = &direction.policies;
            for (i, policy) in policies.value.iter().enumerate() {
                let period = policy.period.0.seconds();
                if (1..=MAX_PERIOD_SECONDS).contains(&period) {
                    continue;
                }
                let (label, pointer) = services.part_label(
                    service,
                    &policies.origin,
                    &format!("/{i}/period"),
                    "set here",
                );
                ctx.report(
                    Diagnostic::new(
                        &PERIOD_OUT_OF_RANGE,
                        format!(
                            "the period of `{name}.policies[{i}]` ({}) is outside the 1s to 30m the Kubernetes API allows",
                            policy.period.0
                        ),
                    )
                    .at(label)
                    .with(services.inherited_label(service, &policies.origin))
                    .help("use a period from `1s` to `30m`")
                    .pointer(pointer),
                );
            }
        }
    }
}
