use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::check::object::Hpa;
use crate::declare_rule;
use crate::diagnostics::Diagnostic;
use crate::model::Services;
use crate::model::raw::Metric;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Checks that every utilization target and threshold is a percentage within the policy's
    /// range (default 1 to 100); in manifests, every `averageUtilization` of a Resource or
    /// ContainerResource metric.
    ///
    /// ## Why is this bad?
    /// Utilization is measured against the container's request. A target of 0 is refused by
    /// the API server; a target above 100 means the pods must use more than they requested
    /// before anything scales, which only works when limits are well above requests and the
    /// node has room — usually it means the service never scales up in time.
    ///
    /// ## Example
    /// ```yaml
    /// scaleUp:
    ///   cpu: 150
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// scaleUp:
    ///   cpu: 70
    /// ```
    ///
    /// ## Configuration
    /// ```yaml
    /// rules:
    ///   utilization-out-of-range:
    ///     min: 1
    ///     max: 150   # for services that deliberately burst above their requests
    /// ```
    pub static UTILIZATION_OUT_OF_RANGE = {
        code: "SG201", name: "utilization-out-of-range", severity: Error, commands: [Validate, Check],
        params: Params,
    };
}

#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Params {
    /// The lowest allowed percentage.
    pub min: i32,
    /// The highest allowed percentage.
    pub max: i32,
}

impl Default for Params {
    fn default() -> Self {
        Self { min: 1, max: 100 }
    }
}

pub fn check_services(services: &Services, ctx: &mut Context<'_>) {
    let params: Params = ctx.params(&UTILIZATION_OUT_OF_RANGE);
    for service in &services.services {
        for (up, direction) in service.directions() {
            for metric in Metric::ALL {
                if !service.uses(metric) {
                    continue;
                }
                let value = direction.threshold(metric);
                if (params.min..=params.max).contains(&value.value) {
                    continue;
                }
                let bound = if value.value < params.min {
                    "min"
                } else {
                    "max"
                };
                ctx.report(
                    Diagnostic::new(
                        &UTILIZATION_OUT_OF_RANGE,
                        format!(
                            "`{up}.{}` ({}%) is outside the allowed {}% to {}%",
                            metric.as_str(),
                            value.value,
                            params.min,
                            params.max
                        ),
                    )
                    .at(services.value_label(service, &value.origin, "set here"))
                    .with(services.inherited_label(service, &value.origin))
                    .with(ctx.policy_label(&UTILIZATION_OUT_OF_RANGE, bound, "the range is set by the policy here"))
                    .help(format!(
                        "utilization is a percentage of the container's request: use a value from {} to {}",
                        params.min, params.max
                    ))
                    .pointer(value.origin.pointer.clone().unwrap_or_default()),
                );
            }
        }
    }
}

pub fn check_hpa(hpa: &Hpa<'_, '_>, ctx: &mut Context<'_>) {
    let params: Params = ctx.params(&UTILIZATION_OUT_OF_RANGE);
    for metric in hpa.resource_metrics() {
        let Some(value) = metric.utilization().and_then(serde_json::Value::as_i64) else {
            continue;
        };
        // Below one is the API server's to refuse.
        if value < 1 || (i64::from(params.min)..=i64::from(params.max)).contains(&value) {
            continue;
        }
        let bound = if value < i64::from(params.min) {
            "min"
        } else {
            "max"
        };
        let policy = ctx.policy_label(
            &UTILIZATION_OUT_OF_RANGE,
            bound,
            "the range is set by the policy here",
        );
        let path = format!("{}.target.averageUtilization", metric.path());
        ctx.report(
            hpa.diagnostic(
                &UTILIZATION_OUT_OF_RANGE,
                format!(
                    "the `{}` utilization target ({value}%) is outside the allowed {}% to {}%",
                    metric.resource, params.min, params.max
                ),
                &path,
                "set here",
                "set here",
            )
            .with(policy)
            .help(format!(
                "utilization is a percentage of the container's request: use a value from {} to {}",
                params.min, params.max
            )),
        );
    }
}
