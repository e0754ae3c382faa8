use crate::check::object::Hpa;
use crate::declare_rule;
use crate::render::hpa::{MANAGED_BY, MANAGED_BY_LABEL};
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// With a services file, warns about an HPA labelled `app.kubernetes.io/managed-by:
    /// scalegen` whose service is no longer in the services file.
    ///
    /// ## Why is this bad?
    /// `render` no longer produces it, so nothing keeps it in step with the platform's policy:
    /// it is left over from a removed or renamed service and keeps scaling with old settings.
    ///
    /// ## Example
    /// `generated/k8s/legacy-api.hpa.yaml` still committed after `legacy-api` was removed from
    /// `scalegen.yaml`.
    ///
    /// ## Use instead
    /// Delete the HPA (and from the cluster), or add the service back to the services file.
    pub static ORPHANED_HPA = {
        code: "SG703", name: "orphaned-hpa", severity: Warning, commands: [Check],
    };
}

pub fn check_hpa(hpa: &Hpa<'_, '_>, ctx: &mut Context<'_>) {
    let object = hpa.object;
    if object.settings.services.is_none()
        || object.label_value(MANAGED_BY_LABEL) != Some(MANAGED_BY)
        || hpa.service.is_some()
    {
        return;
    }
    ctx.report(
        object
            .diagnostic(
                &ORPHANED_HPA,
                format!(
                    "HPA `{}` is managed by scalegen, but the services file has no service `{}`",
                    object.id.name, object.id.name
                ),
                "/metadata/name",
            )
            .at(object.label("/metadata/name", "no such service"))
            .help("delete the HPA (its service was removed or renamed), or add the service back to the services file"),
    );
}
