use crate::check::object::Hpa;
use crate::declare_rule;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// For Kubernetes releases before 1.35, warns about an HPA that sets
    /// `spec.behavior.scaleUp.tolerance` or `spec.behavior.scaleDown.tolerance`.
    ///
    /// ## Why is this bad?
    /// The field belongs to the `HPAConfigurableTolerance` feature: alpha in 1.33 and 1.34 (off
    /// unless the cluster enables it), on by default from 1.35. While the gate is off the API
    /// server drops the field without a word, and the controller keeps its global tolerance
    /// (10% by default): the HPA scales on smaller or larger changes than the manifest says.
    /// Releases before 1.33 do not know the field at all, and `kubectl apply` refuses it as an
    /// unknown field.
    ///
    /// ## Example
    /// ```yaml
    /// behavior:
    ///   scaleUp:
    ///     tolerance: 0.05
    /// ```
    ///
    /// ## Use instead
    /// Leave `tolerance` out until the cluster runs 1.35 (or enables the gate), and pass
    /// `--kubernetes-version` for the release it runs; or suppress this rule where the gate is
    /// on.
    pub static TOLERANCE_DROPPED = {
        code: "SG606", name: "tolerance-dropped", severity: Warning, commands: [Check],
    };
}

pub fn check_hpa(hpa: &Hpa<'_, '_>, ctx: &mut Context<'_>) {
    let settings = hpa.object.settings;
    if settings.api.configurable_tolerance {
        return;
    }
    let Some(behavior) = hpa.spec().and_then(|s| s.get("behavior")) else {
        return;
    };
    for direction in ["scaleUp", "scaleDown"] {
        let Some(tolerance) = behavior.get(direction).and_then(|d| d.get("tolerance")) else {
            continue;
        };
        ctx.report(
            hpa.diagnostic(
                &TOLERANCE_DROPPED,
                format!(
                    "`{direction}.tolerance` ({tolerance}) has no effect on Kubernetes {}: the API server drops it while the `HPAConfigurableTolerance` gate is off",
                    settings.kubernetes
                ),
                &format!("spec.behavior.{direction}.tolerance"),
                "dropped by the API server",
                "dropped by the API server",
            )
            .help(
                "leave `tolerance` out until the cluster runs Kubernetes 1.35, or pass the `--kubernetes-version` it runs",
            ),
        );
    }
}
