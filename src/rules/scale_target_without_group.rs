use serde_json::Value;

use crate::check::object::Hpa;
use crate::declare_rule;
use crate::k8s::hpa_api::{self, ValidationRelease};
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// For Kubernetes releases before 1.34, reports an HPA whose `scaleTargetRef.apiVersion`
    /// is missing or names no API group (`v1`), unless it scales a ReplicationController.
    /// From 1.34 the API server refuses such an HPA, and `invalid-scale-target-ref` reports it.
    ///
    /// ## Why is this bad?
    /// Older API servers accept the HPA, but the controller looks the kind up in the API group
    /// the reference names: with none, the core group, which has no `Deployment`. The HPA
    /// reports `FailedGetScale` (`no matches for kind "Deployment" in group ""`) and never
    /// scales anything, and upgrading the cluster to 1.34 turns every apply of it into an
    /// error.
    ///
    /// ## Example
    /// ```yaml
    /// scaleTargetRef:
    ///   kind: Deployment
    ///   name: web
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// scaleTargetRef:
    ///   apiVersion: apps/v1
    ///   kind: Deployment
    ///   name: web
    /// ```
    pub static SCALE_TARGET_WITHOUT_GROUP = {
        code: "SG605", name: "scale-target-without-group", severity: Error, commands: [Check],
    };
}

pub fn check_hpa(hpa: &Hpa<'_, '_>, ctx: &mut Context<'_>) {
    // From 1.34 the API server's own check covers it (`invalid-scale-target-ref`).
    if hpa.object.settings.api.release != ValidationRelease::BeforeApiVersionChecks {
        return;
    }
    let Some(target) = hpa.spec().and_then(|s| s.get("scaleTargetRef")) else {
        return;
    };
    let Some(kind) = target
        .get("kind")
        .and_then(Value::as_str)
        .filter(|k| !k.is_empty())
    else {
        return;
    };
    let api_version = target
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("");
    if kind == "ReplicationController" || hpa_api::parse_group_version(api_version) != Ok("") {
        return;
    }
    let consequence =
        format!("the controller looks for the `{kind}` in the core API group and never scales it");
    let message = if api_version.is_empty() {
        format!("`scaleTargetRef` has no `apiVersion`: {consequence}")
    } else {
        format!("`scaleTargetRef.apiVersion` (`{api_version}`) names no API group: {consequence}")
    };
    ctx.report(
        hpa.diagnostic(
            &SCALE_TARGET_WITHOUT_GROUP,
            message,
            "spec.scaleTargetRef.apiVersion",
            "no API group",
            "no `apiVersion` in here",
        )
        .help(
            "write the workload's API group and version (`apps/v1` for a Deployment, StatefulSet or ReplicaSet); Kubernetes 1.34 and later refuse this HPA",
        ),
    );
}
