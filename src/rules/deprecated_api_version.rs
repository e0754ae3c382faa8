use crate::check::object::Object;
use crate::declare_rule;
use crate::k8s::api_versions::{self, Availability};
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Warns about an object whose `apiVersion` is deprecated in the Kubernetes release being
    /// checked against (`--kubernetes-version`): still served, but removed in a later release
    /// (`autoscaling/v2beta2` from 1.23 to 1.25).
    ///
    /// ## Why is this bad?
    /// `kubectl apply` prints a warning today and fails after the upgrade that removes the
    /// version. Moving before the upgrade is a review; moving during it is an incident.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: autoscaling/v2beta2   # checked against 1.24
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: autoscaling/v2
    /// ```
    pub static DEPRECATED_API_VERSION = {
        code: "SG510", name: "deprecated-api-version", severity: Warning, commands: [Check],
    };
}

pub fn check_object(object: &Object<'_>, ctx: &mut Context<'_>) {
    let release = object.settings.kubernetes;
    let (kind, version) = (&object.id.kind, &object.api_version);
    let Some(Availability::Deprecated(served)) = api_versions::availability(kind, version, release)
    else {
        return;
    };
    let removal = served
        .removed_in
        .map_or_else(String::new, |r| format!(" and removed in {r}"));
    ctx.report(
        object
            .diagnostic(
                &DEPRECATED_API_VERSION,
                format!("{kind} `{version}` is deprecated in Kubernetes {release}{removal}",),
                "/apiVersion",
            )
            .at(object.label("/apiVersion", "deprecated"))
            .help(format!(
                "use `apiVersion: {}` before upgrading the cluster",
                served.replacement
            )),
    );
}
