use crate::check::object::Object;
use crate::declare_rule;
use crate::k8s::api_versions::{self, Availability};
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Reports an object whose `apiVersion` the API server of the Kubernetes release being
    /// checked against (`--kubernetes-version`, default 1.33) does not serve: removed
    /// (`autoscaling/v2beta2` since 1.26, `autoscaling/v2beta1` since 1.25, the `extensions`
    /// and `apps/v1beta*` workloads since 1.16), not added yet (`autoscaling/v2` before 1.23),
    /// or never existed.
    ///
    /// ## Why is this bad?
    /// `kubectl apply` fails outright (`no matches for kind "HorizontalPodAutoscaler" in
    /// version "autoscaling/v2beta2"`), typically during the cluster upgrade that removed it.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: autoscaling/v2beta2
    /// kind: HorizontalPodAutoscaler
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: autoscaling/v2
    /// kind: HorizontalPodAutoscaler
    /// ```
    pub static UNAVAILABLE_API_VERSION = {
        code: "SG509", name: "unavailable-api-version", severity: Error, commands: [Check],
    };
}

pub fn check_object(object: &Object<'_>, ctx: &mut Context<'_>) {
    let release = object.settings.kubernetes;
    let (kind, version) = (&object.id.kind, &object.api_version);
    let message = match api_versions::availability(kind, version, release) {
        Some(Availability::Removed(served)) => format!(
            "{kind} `{version}` was removed in Kubernetes {}: the API server refuses it",
            served.removed_in.unwrap_or(release)
        ),
        Some(Availability::NotYet(served)) => format!(
            "{kind} `{version}` is served from Kubernetes {} on, not by {release}",
            served.added_in
        ),
        Some(Availability::Unknown) => {
            format!("Kubernetes serves no {kind} as `{version}`")
        }
        _ => return,
    };
    let served = api_versions::served_versions(kind, release);
    let help = match served.first() {
        Some(first) => format!(
            "use `apiVersion: {first}` (Kubernetes {release} serves {kind} as {}); `kubectl convert` rewrites old manifests",
            served
                .iter()
                .map(|v| format!("`{v}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        None => "check against the Kubernetes release you run with `--kubernetes-version`".into(),
    };
    ctx.report(
        object
            .diagnostic(&UNAVAILABLE_API_VERSION, message, "/apiVersion")
            .at(object.label("/apiVersion", "not served"))
            .help(help),
    );
}
