use crate::check::object::Workload;
use crate::declare_rule;
use crate::rules::Context;
use crate::units::Quantity;

declare_rule! {
    /// ## What it does
    /// With a services file, compares the `resources` a service declares with its workload's
    /// container in the manifests (the workload is the service's `target`; the container is
    /// the one named like the service or the workload, else the first): each request and
    /// limit the services file sets must be there with the same quantity.
    ///
    /// ## Why is this bad?
    /// Utilization targets are percentages of the request. When the Deployment requests
    /// `500m` but the services file (and the capacity plan built on it) says `250m`, a 70%
    /// target scales at twice the load everyone expects; a missing request stops the HPA.
    ///
    /// ## Example
    /// ```yaml
    /// # scalegen.yaml: api: { resources: { requests: { cpu: 250m } } }
    /// containers:
    ///   - name: api
    ///     resources:
    ///       requests: { cpu: 500m }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    ///       requests: { cpu: 250m }
    /// ```
    /// or change the services file to what the workload really requests.
    pub static RESOURCES_DRIFT = {
        code: "SG704", name: "resources-drift", severity: Error, commands: [Check],
    };
}

pub fn check_workload(workload: &Workload<'_, '_>, ctx: &mut Context<'_>) {
    let object = workload.object;
    let settings = object.settings;
    let (Some(services), Some(service)) = (
        settings.services.as_ref(),
        settings.service_of_workload(object),
    ) else {
        return;
    };
    let Some(resources) = &service.resources else {
        return;
    };
    let apps: Vec<_> = workload.containers.iter().filter(|c| !c.init).collect();
    let Some(container) = apps
        .iter()
        .find(|c| c.name == service.name)
        .or_else(|| apps.iter().find(|c| c.name == object.id.name))
        .or_else(|| apps.first())
    else {
        return;
    };
    let base = resources.origin.pointer.clone().unwrap_or_default();
    for (kind, declared, written) in [
        (
            "requests",
            resources.value.requests.as_ref(),
            &container.requests,
        ),
        ("limits", resources.value.limits.as_ref(), &container.limits),
    ] {
        let Some(declared) = declared else {
            continue;
        };
        for (name, quantity) in [("cpu", &declared.cpu), ("memory", &declared.memory)] {
            let Some(quantity) = quantity else {
                continue;
            };
            let value = written.get(name);
            let parsed = value.and_then(Quantity::from_json);
            if parsed == Some(quantity.value) {
                continue;
            }
            let pointer = format!("{}/resources/{kind}/{name}", container.pointer);
            let shown = value.map(crate::structure::display_scalar);
            let message = match &shown {
                Some(shown) => format!(
                    "container `{}` of {} `{}` has `{kind}.{name}: {shown}`, but the services file says `{}` for `{}`",
                    container.name, object.id.kind, object.id.name, quantity.text, service.name
                ),
                None => format!(
                    "container `{}` of {} `{}` has no `{kind}.{name}`, but the services file says `{}` for `{}`",
                    container.name, object.id.kind, object.id.name, quantity.text, service.name
                ),
            };
            let label = if shown.is_some() {
                "differs from the services file"
            } else {
                "not set in this container"
            };
            ctx.report(
                object
                    .diagnostic(&RESOURCES_DRIFT, message, &pointer)
                    .at(object.label(&pointer, label))
                    .with(Some(services.label_at(
                        &format!("{base}/{kind}/{name}"),
                        format!("`{}` declares it here", service.name),
                    )))
                    .help(format!(
                        "set `{kind}.{name}: {}` on the container, or change the services file to what the workload really needs",
                        quantity.text
                    )),
            );
        }
    }
}
