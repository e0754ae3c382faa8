use crate::declare_rule;
use crate::diagnostics::Diagnostic;
use crate::model::Services;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Checks that `maxReplicas` is at least `minReplicas`.
    ///
    /// ## Why is this bad?
    /// The API server refuses such an HPA (`must be greater than or equal to minReplicas`),
    /// and a Docker autoscaler given the pair cannot satisfy both bounds.
    ///
    /// ## Example
    /// ```yaml
    /// api:
    ///   minReplicas: 5
    ///   maxReplicas: 3
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// api:
    ///   minReplicas: 3
    ///   maxReplicas: 5
    /// ```
    pub static MAX_BELOW_MIN = {
        code: "SG102", name: "max-below-min", severity: Error, commands: [Validate, Check],
    };
}

/// The message and help, shared with the manifest check.
pub fn finding(max: i32, min: i32) -> (String, String) {
    (
        format!("`maxReplicas` ({max}) is below `minReplicas` ({min})"),
        format!("raise `maxReplicas` to at least {min} or lower `minReplicas`"),
    )
}

pub fn check_services(services: &Services, ctx: &mut Context<'_>) {
    for service in &services.services {
        let (min, Some(max)) = (&service.min_replicas, &service.max_replicas) else {
            continue;
        };
        if max.value < min.value && max.value >= 1 {
            let (message, help) = finding(max.value, min.value);
            ctx.report(
                Diagnostic::new(&MAX_BELOW_MIN, message)
                    .at(services.value_label(service, &max.origin, "maximum set here"))
                    .with(Some(services.value_label(
                        service,
                        &min.origin,
                        "minimum set here",
                    )))
                    .with(services.inherited_label(service, &max.origin))
                    .help(help)
                    .pointer(max.origin.pointer.clone().unwrap_or_default()),
            );
        }
    }
}
