use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::declare_rule;
use crate::diagnostics::Diagnostic;
use crate::model::Services;
use crate::model::raw::Metric;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Checks that every scale-down threshold is below the matching scale-up target by at
    /// least the policy's gap (`minGap`, default 20 percentage points).
    ///
    /// ## Why is this bad?
    /// A threshold autoscaler (the Docker autoscaler) without hysteresis flaps: adding a
    /// replica lowers utilization below the scale-down threshold, so it removes one, which
    /// raises utilization above the target again. At 70% up and 60% down, a service at 65%
    /// on 3 replicas moves to 2 (97%), then back to 3 (65%), forever. The gap must exceed the
    /// utilization change of one step.
    ///
    /// ## Example
    /// ```yaml
    /// scaleUp:   { cpu: 70 }
    /// scaleDown: { cpu: 60 }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// scaleUp:   { cpu: 70 }
    /// scaleDown: { cpu: 30 }
    /// ```
    ///
    /// ## Configuration
    /// ```yaml
    /// rules:
    ///   insufficient-hysteresis:
    ///     minGap: 25
    /// ```
    pub static INSUFFICIENT_HYSTERESIS = {
        code: "SG202", name: "insufficient-hysteresis", severity: Error, commands: [Validate],
        params: Params,
    };
}

#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct Params {
    /// The fewest percentage points between a scale-down threshold and its scale-up target.
    pub min_gap: i32,
}

impl Default for Params {
    fn default() -> Self {
        Self { min_gap: 20 }
    }
}

pub fn check_services(services: &Services, ctx: &mut Context<'_>) {
    let params: Params = ctx.params(&INSUFFICIENT_HYSTERESIS);
    for service in &services.services {
        for metric in Metric::ALL {
            if !service.uses(metric) {
                continue;
            }
            let up = service.scale_up.threshold(metric);
            let down = service.scale_down.threshold(metric);
            let gap = up.value.saturating_sub(down.value);
            if gap >= params.min_gap.max(1) {
                continue;
            }
            let name = metric.as_str();
            let message = if gap <= 0 {
                format!(
                    "the scale-down threshold for `{name}` ({}%) is not below the scale-up target ({}%)",
                    down.value, up.value
                )
            } else {
                format!(
                    "the scale-down threshold for `{name}` ({}%) is only {gap} points below the scale-up target ({}%)",
                    down.value, up.value
                )
            };
            ctx.report(
                Diagnostic::new(&INSUFFICIENT_HYSTERESIS, message)
                    .at(services.value_label(service, &down.origin, "scale-down threshold"))
                    .with(Some(services.value_label(service, &up.origin, "scale-up target")))
                    .with(ctx.policy_label(&INSUFFICIENT_HYSTERESIS, "minGap", "the gap is set by the policy here"))
                    .help(format!(
                        "lower `scaleDown.{name}` to {}% or less: without a gap of {} points a threshold autoscaler flaps between scaling up and down",
                        up.value.saturating_sub(params.min_gap.max(1)),
                        params.min_gap.max(1)
                    ))
                    .pointer(down.origin.pointer.clone().unwrap_or_default()),
            );
        }
    }
}
