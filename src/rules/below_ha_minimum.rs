use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::check::object::Hpa;
use crate::declare_rule;
use crate::diagnostics::Diagnostic;
use crate::model::Services;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Checks that `minReplicas` is at least the policy's high-availability minimum
    /// (`minReplicas`, default 2). In a manifest, an HPA without `minReplicas` runs at 1.
    ///
    /// ## Why is this bad?
    /// With one replica, every node drain, rollout or crash is an outage: nothing serves
    /// while the only pod restarts. The HPA only adds replicas after load rises, which is too
    /// late for a pod that is already gone.
    ///
    /// ## Example
    /// ```yaml
    /// api:
    ///   minReplicas: 1
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// api:
    ///   minReplicas: 2
    /// ```
    ///
    /// ## Configuration
    /// ```yaml
    /// rules:
    ///   below-ha-minimum:
    ///     minReplicas: 3
    /// ```
    pub static BELOW_HA_MINIMUM = {
        code: "SG103", name: "below-ha-minimum", severity: Error, commands: [Validate, Check],
        params: Params,
    };
}

#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct Params {
    /// The fewest replicas a service may run with.
    pub min_replicas: i32,
}

impl Default for Params {
    fn default() -> Self {
        Self { min_replicas: 2 }
    }
}

/// The message and help, shared with the manifest check.
pub fn finding(min: i32, ha: i32) -> (String, String) {
    (
        format!("`minReplicas` ({min}) is below the high-availability minimum of {ha}"),
        format!(
            "set `minReplicas` to {ha} or more, so a pod can fail or be rescheduled without an outage"
        ),
    )
}

pub fn check_services(services: &Services, ctx: &mut Context<'_>) {
    let params: Params = ctx.params(&BELOW_HA_MINIMUM);
    for service in &services.services {
        let min = &service.min_replicas;
        // Below one is `min-replicas-below-one`'s to report.
        if min.value >= 1 && min.value < params.min_replicas {
            let (message, help) = finding(min.value, params.min_replicas);
            ctx.report(
                Diagnostic::new(&BELOW_HA_MINIMUM, message)
                    .at(services.value_label(service, &min.origin, "set here"))
                    .with(services.inherited_label(service, &min.origin))
                    .with(ctx.policy_label(
                        &BELOW_HA_MINIMUM,
                        "minReplicas",
                        "the minimum is set by the policy here",
                    ))
                    .help(help)
                    .pointer(min.origin.pointer.clone().unwrap_or_default()),
            );
        }
    }
}

pub fn check_hpa(hpa: &Hpa<'_, '_>, ctx: &mut Context<'_>) {
    let params: Params = ctx.params(&BELOW_HA_MINIMUM);
    let Some(min) = hpa.spec_i32("minReplicas") else {
        return;
    };
    if min >= 1 && min < params.min_replicas {
        let (mut message, help) = finding(min, params.min_replicas);
        if !hpa.written("spec.minReplicas").exact {
            message.push_str(" (`minReplicas` is not set, so it is 1)");
        }
        let policy = ctx.policy_label(
            &BELOW_HA_MINIMUM,
            "minReplicas",
            "the minimum is set by the policy here",
        );
        ctx.report(
            hpa.diagnostic(
                &BELOW_HA_MINIMUM,
                message,
                "spec.minReplicas",
                "set here",
                "`minReplicas` is not set here",
            )
            .with(policy)
            .help(help),
        );
    }
}
