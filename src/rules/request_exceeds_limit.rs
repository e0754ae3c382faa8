use crate::check::object::Workload;
use crate::declare_rule;
use crate::diagnostics::Diagnostic;
use crate::model::Services;
use crate::model::raw::ResourceList;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Checks that a resource request is not above the matching limit, in the services file
    /// and in every container of a workload manifest.
    ///
    /// ## Why is this bad?
    /// The API server refuses such a container (`must be less than or equal to cpu limit`),
    /// so the Deployment never rolls out; in Docker, a reservation above the limit cannot be
    /// met.
    ///
    /// ## Example
    /// ```yaml
    /// resources:
    ///   requests: { cpu: "1" }
    ///   limits:   { cpu: 500m }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// resources:
    ///   requests: { cpu: 500m }
    ///   limits:   { cpu: "1" }
    /// ```
    pub static REQUEST_EXCEEDS_LIMIT = {
        code: "SG403", name: "request-exceeds-limit", severity: Error, commands: [Validate, Check],
    };
}

/// Each resource whose request exceeds its limit: (name, request text, limit text).
pub fn exceeded(
    requests: &ResourceList,
    limits: &ResourceList,
) -> Vec<(&'static str, String, String)> {
    [
        ("cpu", &requests.cpu, &limits.cpu),
        ("memory", &requests.memory, &limits.memory),
    ]
    .into_iter()
    .filter_map(|(name, request, limit)| {
        let (request, limit) = (request.as_ref()?, limit.as_ref()?);
        (request.value > limit.value).then(|| (name, request.text.clone(), limit.text.clone()))
    })
    .collect()
}

pub fn check_services(services: &Services, ctx: &mut Context<'_>) {
    for service in &services.services {
        let Some(resources) = &service.resources else {
            continue;
        };
        let (Some(requests), Some(limits)) = (&resources.value.requests, &resources.value.limits)
        else {
            continue;
        };
        for (name, request, limit) in exceeded(requests, limits) {
            let base = resources.origin.pointer.clone().unwrap_or_default();
            let request_pointer = format!("{base}/requests/{name}");
            ctx.report(
                Diagnostic::new(
                    &REQUEST_EXCEEDS_LIMIT,
                    format!("the `{name}` request ({request}) is above its limit ({limit})"),
                )
                .at(services.label_at(&request_pointer, "request"))
                .with(Some(
                    services.label_at(&format!("{base}/limits/{name}"), "limit"),
                ))
                .help(format!(
                    "lower the `{name}` request to {limit} or less, or raise the limit"
                ))
                .pointer(request_pointer),
            );
        }
    }
}

pub fn check_workload(workload: &Workload<'_, '_>, ctx: &mut Context<'_>) {
    let object = workload.object;
    for container in &workload.containers {
        for (name, request) in &container.requests {
            let Some(limit) = container.limits.get(name) else {
                continue;
            };
            let (Some(r), Some(l)) = (
                crate::units::Quantity::from_json(request),
                crate::units::Quantity::from_json(limit),
            ) else {
                continue;
            };
            if r <= l {
                continue;
            }
            let text = crate::structure::display_scalar;
            let pointer = |field: &str| {
                let within = crate::yaml::pointer_from(["resources", field, name.as_str()]);
                format!("{}{within}", container.pointer)
            };
            let request_pointer = pointer("requests");
            let limit_pointer = pointer("limits");
            ctx.report(
                object
                    .diagnostic(
                        &REQUEST_EXCEEDS_LIMIT,
                        format!(
                            "the `{name}` request of container `{}` ({}) is above its limit ({})",
                            container.name,
                            text(request),
                            text(limit)
                        ),
                        &request_pointer,
                    )
                    .at(object.label(&request_pointer, "request"))
                    .with(Some(object.label(&limit_pointer, "limit")))
                    .help(format!(
                        "lower the `{name}` request to {} or less, or raise the limit",
                        text(limit)
                    )),
            );
        }
    }
}
