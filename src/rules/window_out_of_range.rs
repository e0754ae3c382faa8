use crate::declare_rule;
use crate::diagnostics::Diagnostic;
use crate::model::Services;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Checks that each stabilization window is at most 3600 seconds (one hour), the limit
    /// the Kubernetes API server enforces; in manifests, that `stabilizationWindowSeconds` is
    /// from 0 to 3600.
    ///
    /// ## Why is this bad?
    /// The API server refuses the HPA (`must be less than or equal to 3600`), so `kubectl
    /// apply` fails, usually in CI or mid-deploy.
    ///
    /// ## Example
    /// ```yaml
    /// scaleDown:
    ///   window: 2h
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// scaleDown:
    ///   window: 1h
    /// ```
    pub static WINDOW_OUT_OF_RANGE = {
        code: "SG301", name: "window-out-of-range", severity: Error, commands: [Validate, Check],
    };
}

/// The API server's limit.
pub const MAX_WINDOW_SECONDS: u32 = 3600;

/// The message and help of the manifest check: `field` is the field path.
pub fn manifest_finding(field: &str, value: &str) -> (String, String) {
    (
        format!("`{field}` ({value}) is outside the 0 to 3600 seconds the Kubernetes API allows"),
        "use a window from 0 to 3600 seconds (one hour)".into(),
    )
}

pub fn check_services(services: &Services, ctx: &mut Context<'_>) {
    for service in &services.services {
        for (name, direction) in service.directions() {
            let window = &direction.window;
            if window.value.seconds() > MAX_WINDOW_SECONDS {
                ctx.report(
                    Diagnostic::new(
                        &WINDOW_OUT_OF_RANGE,
                        format!(
                            "`{name}.window` ({}) is longer than the 1h (3600 s) the Kubernetes API allows",
                            window.value
                        ),
                    )
                    .at(services.value_label(service, &window.origin, "set here"))
                    .with(services.inherited_label(service, &window.origin))
                    .help("use a window of at most `1h`")
                    .pointer(window.origin.pointer.clone().unwrap_or_default()),
                );
            }
        }
    }
}
