use serde_json::Value;

use crate::check::object::{self, Hpa};
use crate::declare_rule;
use crate::diagnostics::Label;
use crate::k8s::hpa_api;
use crate::model::{Origin, Service, Services};
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// With a services file, compares each service's HPA in the manifests with the HPA
    /// `scalegen render` produces for it, field by field: namespace (when the manifest sets
    /// one), `scaleTargetRef`,
    /// `minReplicas`, `maxReplicas`, each resource metric's utilization target, and each
    /// direction's stabilization window, `selectPolicy` and policies. Values the API server
    /// defaults are compared as it defaults them (no `minReplicas` is 1; no scale-down window
    /// is 300 seconds).
    ///
    /// ## Why is this bad?
    /// The services file is the single source of truth. An HPA edited by hand, or rendered
    /// from an older services file, scales differently than the platform's policy says, and
    /// nobody reviewing `scalegen.yaml` can see it.
    ///
    /// ## Example
    /// ```yaml
    /// # scalegen.yaml says `api: { maxReplicas: 10 }`
    /// kind: HorizontalPodAutoscaler
    /// metadata: { name: api }
    /// spec:
    ///   maxReplicas: 8
    /// ```
    ///
    /// ## Use instead
    /// Run `scalegen render` and apply its output, or change the services file if the
    /// manifest is right.
    pub static HPA_DRIFT = {
        code: "SG701", name: "hpa-drift", severity: Error, commands: [Check],
    };
}

/// The scale-down window the HPA controller uses when an HPA sets none.
const CONTROLLER_SCALE_DOWN_WINDOW: i64 = 300;

struct Drift<'h, 'o, 'a, 'c, 'p> {
    hpa: &'h Hpa<'o, 'a>,
    services: &'h Services,
    service: &'h Service,
    ctx: &'c mut Context<'p>,
}

impl Drift<'_, '_, '_, '_, '_> {
    /// Reports that the v2 field at `path` is `actual` (`None`: not set) where the services
    /// file, at `origin`, says `expected`.
    fn report(&mut self, path: &str, actual: Option<String>, expected: &str, origin: Label) {
        let written = self.hpa.written(path);
        let shown = written.path.clone();
        let message = match actual {
            Some(actual) => {
                format!("`{shown}` is {actual}, but the services file says {expected}")
            }
            None => format!("`{shown}` is not set, but the services file says {expected}"),
        };
        let diagnostic = self
            .hpa
            .diagnostic(
                &HPA_DRIFT,
                message,
                path,
                "differs from the services file",
                "not set here",
            )
            .with(Some(origin))
            .help(format!(
                "run `scalegen render` and apply the HPA it writes for `{}`, or change the services file if the manifest is right",
                self.service.name
            ));
        self.ctx.report(diagnostic);
    }

    fn origin(&self, origin: &Origin, text: &str) -> Label {
        self.services.value_label(self.service, origin, text)
    }
}

fn show(value: Option<&Value>) -> Option<String> {
    value.filter(|v| !v.is_null()).map(|v| match v {
        Value::String(s) => format!("`{s}`"),
        other => other.to_string(),
    })
}

pub fn check_hpa(hpa: &Hpa<'_, '_>, ctx: &mut Context<'_>) {
    let settings = hpa.object.settings;
    let (Some(services), Some(service)) = (settings.services.as_ref(), hpa.service) else {
        return;
    };
    let Ok(mut rendered) = serde_json::to_value(crate::render::hpa::build(services, service))
    else {
        return;
    };
    hpa_api::apply_defaults(&mut rendered);
    let mut drift = Drift {
        hpa,
        services,
        service,
        ctx,
    };
    let actual = hpa.v2();

    // A manifest without a namespace is applied to one by `kubectl apply -n` or kustomize's
    // `namespace:`; only a different namespace is drift.
    if let (Some(namespace), Some(expected), Some(written)) = (
        &services.namespace,
        rendered.pointer("/metadata/namespace"),
        actual
            .pointer("/metadata/namespace")
            .filter(|n| !n.is_null()),
    ) && written != expected
    {
        let origin = services.label_at(
            namespace.origin.pointer.as_deref().unwrap_or("/namespace"),
            "the namespace is set here",
        );
        drift.report(
            "metadata.namespace",
            show(actual.pointer("/metadata/namespace")),
            &show(Some(expected)).unwrap_or_default(),
            origin,
        );
    }

    for field in ["apiVersion", "kind", "name"] {
        let pointer = format!("/spec/scaleTargetRef/{field}");
        let expected = rendered.pointer(&pointer);
        if actual.pointer(&pointer) != expected {
            let origin = drift.origin(&service.target.origin, "the target is set here");
            drift.report(
                &format!("spec.scaleTargetRef.{field}"),
                show(actual.pointer(&pointer)),
                &show(expected).unwrap_or_default(),
                origin,
            );
        }
    }

    let replicas = [
        ("minReplicas", Some(&service.min_replicas.origin)),
        (
            "maxReplicas",
            service.max_replicas.as_ref().map(|m| &m.origin),
        ),
    ];
    for (field, origin) in replicas {
        let pointer = format!("/spec/{field}");
        let (expected, Some(origin)) = (rendered.pointer(&pointer), origin) else {
            continue;
        };
        if actual.pointer(&pointer) != expected {
            let origin = drift.origin(origin, "set here");
            let shown = show(actual.pointer(&pointer)).map(|v| {
                if hpa.written(&format!("spec.{field}")).exact {
                    v
                } else {
                    format!("not set (so {v})")
                }
            });
            drift.report(
                &format!("spec.{field}"),
                shown,
                &show(expected).unwrap_or_default(),
                origin,
            );
        }
    }

    compare_metrics(&mut drift, actual, &rendered);
    compare_behavior(&mut drift, actual, &rendered);
}

/// A Resource metric of a v2 spec: (index, resource name, its target).
fn resource_metrics(v2: &Value) -> Vec<(usize, &str, &Value)> {
    object::resource_metrics(v2)
        .into_iter()
        .filter(|m| m.field == "resource")
        .filter_map(|m| Some((m.index, m.resource, m.target?)))
        .collect()
}

fn compare_metrics(drift: &mut Drift<'_, '_, '_, '_, '_>, actual: &Value, rendered: &Value) {
    let service = drift.service;
    let written = resource_metrics(actual);
    let expected = resource_metrics(rendered);
    for (_, name, target) in &expected {
        let utilization = target.get("averageUtilization");
        let metric = crate::model::raw::Metric::ALL
            .into_iter()
            .find(|m| m.as_str() == *name);
        let origin = match metric {
            Some(m) => drift.origin(
                &service.scale_up.threshold(m).origin,
                "the target is set here",
            ),
            None => drift.origin(&service.metrics.origin, "the metrics are set here"),
        };
        let expected_text = format!(
            "{}%",
            show(utilization).unwrap_or_else(|| "no target".into())
        );
        match written.iter().find(|(_, n, _)| n == name) {
            None => {
                let origin = drift.origin(&service.metrics.origin, "the metrics are set here");
                drift.report(
                    "spec.metrics",
                    Some(format!("without a `{name}` metric")),
                    &format!("to scale on `{name}` at {expected_text}"),
                    origin,
                );
            }
            Some((i, _, target)) => {
                let is_utilization =
                    target.get("type").and_then(Value::as_str) == Some("Utilization");
                let value = target.get("averageUtilization");
                if !is_utilization || value != utilization {
                    let actual = if is_utilization {
                        show(value).map(|v| format!("{v}%"))
                    } else {
                        Some(format!(
                            "a `{}` target",
                            target.get("type").and_then(Value::as_str).unwrap_or("?")
                        ))
                    };
                    drift.report(
                        &format!("spec.metrics[{i}].resource.target.averageUtilization"),
                        actual,
                        &expected_text,
                        origin,
                    );
                }
            }
        }
    }
    let all = actual.pointer("/spec/metrics").and_then(Value::as_array);
    for (i, metric) in all.into_iter().flatten().enumerate() {
        let name = written.iter().find(|(j, _, _)| *j == i).map(|(_, n, _)| *n);
        if name.is_some_and(|n| expected.iter().any(|(_, e, _)| *e == n)) {
            continue;
        }
        let what = match name {
            Some(n) => format!("a `{n}` metric"),
            None => format!(
                "a `{}` metric",
                metric.get("type").and_then(Value::as_str).unwrap_or("?")
            ),
        };
        let origin = drift.origin(&service.metrics.origin, "the metrics are set here");
        drift.report(
            &format!("spec.metrics[{i}]"),
            Some(what),
            "nothing of the kind (it is not in the service's `metrics`)",
            origin,
        );
    }
}

/// A policy list in a form that compares regardless of order: `Pods 2/60s`.
fn policies(value: Option<&Value>) -> Vec<String> {
    let mut list: Vec<String> = value
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|p| {
            format!(
                "{} {}/{}s",
                p.get("type").and_then(Value::as_str).unwrap_or("?"),
                p.get("value").map_or("?".into(), ToString::to_string),
                p.get("periodSeconds")
                    .map_or("?".into(), ToString::to_string)
            )
        })
        .collect();
    list.sort();
    list
}

/// The value at `key` under the JSON pointer `base` of `v`.
fn field<'v>(v: &'v Value, base: &str, key: &str) -> Option<&'v Value> {
    v.pointer(&format!("{base}/{key}"))
}

fn compare_behavior(drift: &mut Drift<'_, '_, '_, '_, '_>, actual: &Value, rendered: &Value) {
    let service = drift.service;
    if actual.pointer("/spec/behavior").is_none_or(Value::is_null) {
        let origin = drift.origin(
            &service.scale_up.policies.origin,
            "scaling behavior is set here",
        );
        drift.report(
            "spec.behavior",
            None,
            "how fast to scale up and down (Kubernetes' default behavior applies instead)",
            origin,
        );
        return;
    }
    for (name, direction) in service.directions() {
        let base = format!("/spec/behavior/{name}");
        let path = format!("spec.behavior.{name}");

        let window = |v: &Value| {
            field(v, &base, "stabilizationWindowSeconds")
                .and_then(Value::as_i64)
                .or((name == "scaleDown").then_some(CONTROLLER_SCALE_DOWN_WINDOW))
        };
        let (have, want) = (window(actual), window(rendered));
        if have != want {
            let written = field(actual, &base, "stabilizationWindowSeconds").is_some();
            let shown = have.map(|w| {
                if written {
                    w.to_string()
                } else {
                    format!("not set (so {w})")
                }
            });
            let origin = drift.origin(&direction.window.origin, "the window is set here");
            drift.report(
                &format!("{path}.stabilizationWindowSeconds"),
                shown,
                &want.map_or_else(|| "nothing".into(), |w| w.to_string()),
                origin,
            );
        }

        let (have, want) = (
            field(actual, &base, "selectPolicy"),
            field(rendered, &base, "selectPolicy"),
        );
        if have != want {
            let origin = drift.origin(&direction.select.origin, "`select` is set here");
            drift.report(
                &format!("{path}.selectPolicy"),
                show(have),
                &show(want).unwrap_or_default(),
                origin,
            );
        }

        let (have, want) = (
            policies(actual.pointer(&format!("{base}/policies"))),
            policies(rendered.pointer(&format!("{base}/policies"))),
        );
        if have != want {
            let origin = drift.origin(&direction.policies.origin, "the policies are set here");
            drift.report(
                &format!("{path}.policies"),
                Some(format!("[{}]", have.join(", "))),
                &format!("[{}]", want.join(", ")),
                origin,
            );
        }
    }
}
