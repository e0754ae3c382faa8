use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::check::object::Hpa;
use crate::declare_rule;
use crate::diagnostics::Diagnostic;
use crate::model::Services;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Checks each service's `maxReplicas` against the policy's cap for its priority tier. An
    /// HPA manifest's tier is its `scalegen.io/priority` annotation, else the tier of its
    /// service in the services file.
    ///
    /// ## Why is this bad?
    /// Caps keep low-priority work from taking the capacity that high-priority services need
    /// during a spike: a `low` service allowed 40 replicas can starve the cluster autoscaler's
    /// headroom for the gateway. The cap is a platform decision, made once in the policy.
    ///
    /// ## Example
    /// ```yaml
    /// git-service:
    ///   priority: low
    ///   maxReplicas: 12   # the policy caps `low` at 6
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// git-service:
    ///   priority: low
    ///   maxReplicas: 6
    /// ```
    ///
    /// ## Configuration
    /// ```yaml
    /// rules:
    ///   exceeds-priority-cap:
    ///     caps: { high: 10, medium: 8, low: 6 }
    /// ```
    /// A tier the policy does not name is not capped.
    pub static EXCEEDS_PRIORITY_CAP = {
        code: "SG104", name: "exceeds-priority-cap", severity: Error, commands: [Validate, Check],
        params: Params,
    };
}

#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct Params {
    /// The most replicas a service of each priority tier may have.
    pub caps: BTreeMap<String, i32>,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            caps: [("high", 10), ("medium", 8), ("low", 6)]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
        }
    }
}

/// The message and help, shared with the manifest check.
pub fn finding(max: i32, priority: &str, cap: i32) -> (String, String) {
    (
        format!("`maxReplicas` ({max}) exceeds the cap of {cap} for `{priority}` services"),
        format!(
            "lower `maxReplicas` to {cap}, or raise the cap for `{priority}` in the policy if the platform can afford it"
        ),
    )
}

pub fn check_services(services: &Services, ctx: &mut Context<'_>) {
    let params: Params = ctx.params(&EXCEEDS_PRIORITY_CAP);
    for service in &services.services {
        let (Some(priority), Some(max)) = (&service.priority, &service.max_replicas) else {
            continue;
        };
        let Some(&cap) = params.caps.get(&priority.value) else {
            continue;
        };
        if max.value > cap {
            let (message, help) = finding(max.value, &priority.value, cap);
            let policy_param = format!("caps/{}", priority.value);
            ctx.report(
                Diagnostic::new(&EXCEEDS_PRIORITY_CAP, message)
                    .at(services.value_label(service, &max.origin, "set here"))
                    .with(services.inherited_label(service, &max.origin))
                    .with(priority.origin.pointer.as_ref().map(|p| {
                        services.label_at(
                            p,
                            format!("`{}` is a `{}` service", service.name, priority.value),
                        )
                    }))
                    .with(ctx.policy_label(
                        &EXCEEDS_PRIORITY_CAP,
                        &policy_param,
                        "the cap is set by the policy here",
                    ))
                    .help(help)
                    .pointer(max.origin.pointer.clone().unwrap_or_default()),
            );
        }
    }
}

pub fn check_hpa(hpa: &Hpa<'_, '_>, ctx: &mut Context<'_>) {
    let object = hpa.object;
    let settings = object.settings;
    let annotation = crate::render::hpa::PRIORITY_ANNOTATION;
    let (priority, source) = match object.annotation(annotation) {
        Some(priority) => {
            let pointer = crate::yaml::pointer_from(["metadata", "annotations", annotation]);
            (
                priority.to_owned(),
                Some(object.label(&pointer, format!("a `{priority}` service"))),
            )
        }
        None => {
            let Some(service) = hpa.service else {
                return;
            };
            let Some(priority) = &service.priority else {
                return;
            };
            let services = settings.services.as_ref();
            let label = services
                .zip(priority.origin.pointer.as_ref())
                .map(|(s, p)| {
                    s.label_at(
                        p,
                        format!("`{}` is a `{}` service", service.name, priority.value),
                    )
                });
            (priority.value.clone(), label)
        }
    };
    let params: Params = ctx.params(&EXCEEDS_PRIORITY_CAP);
    let (Some(&cap), Some(max)) = (params.caps.get(&priority), hpa.spec_i32("maxReplicas")) else {
        return;
    };
    if max > cap {
        let (message, help) = finding(max, &priority, cap);
        let policy = ctx.policy_label(
            &EXCEEDS_PRIORITY_CAP,
            &format!("caps/{priority}"),
            "the cap is set by the policy here",
        );
        ctx.report(
            hpa.diagnostic(
                &EXCEEDS_PRIORITY_CAP,
                message,
                "spec.maxReplicas",
                "set here",
                "`maxReplicas` is not set here",
            )
            .with(source)
            .with(policy)
            .help(help),
        );
    }
}
