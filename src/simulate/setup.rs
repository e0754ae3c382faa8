//! What the engines run, from a services-file entry or an existing HPA manifest.
//!
//! A services-file entry goes through the very objects `render` writes: the HPA from
//! [`crate::render::hpa::build`], read back as an autoscaling/v2 manifest, and the Docker
//! service config from [`AutoscalerConfig::from_services`]. An HPA manifest of any supported
//! version is converted to autoscaling/v2 and defaulted as the API server does
//! ([`crate::k8s::hpa_api`]), validated, and read the same way; one without `behavior` keeps
//! none, so the controller takes its legacy path.

use std::sync::Arc;

use serde_json::Value;

use super::fleet::Requests;
use crate::diagnostics::{Diagnostic, Label};
use crate::docker::config::{AutoscalerConfig, ServiceConfig};
use crate::hpa::{
    Behavior, HpaSpec, MetricSpec, MetricTarget, PolicyType, ScalingPolicy, ScalingRules,
    SelectPolicy,
};
use crate::k8s::hpa_api::{
    self, ConvertError, ValidationOptions, field_path_to_json_pointer, nearest_written_pointer,
};
use crate::model::raw::Resources;
use crate::model::{Service, Services};
use crate::rules::input;
use crate::source::{SourceFile, Span};
use crate::units::Quantity;
use crate::yaml;

/// Where a per-pod request came from, for output headers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum RequestOrigin {
    /// `--cpu-request` / `--memory-request`.
    Flag,
    /// The service's `resources.requests`.
    Request,
    /// The service's `resources.limits` (a limit without a request is the request).
    Limit,
    /// scalegen's default ([`Requests::default`]).
    Default,
}

impl RequestOrigin {
    pub fn describe(self) -> &'static str {
        match self {
            RequestOrigin::Flag => "flag",
            RequestOrigin::Request => "resources.requests",
            RequestOrigin::Limit => "resources.limits",
            RequestOrigin::Default => "default",
        }
    }
}

/// The per-pod requests and where each came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResolvedRequests {
    pub requests: Requests,
    pub cpu_origin: RequestOrigin,
    pub memory_origin: RequestOrigin,
}

/// Flags first, then the service's requests, then its limits, then the defaults.
pub fn resolve_requests(
    resources: Option<&Resources>,
    cpu_flag: Option<i64>,
    memory_flag: Option<i64>,
) -> ResolvedRequests {
    let pick = |flag: Option<i64>,
                from: &dyn Fn(&crate::model::raw::ResourceList) -> Option<&Quantity>,
                default: i64,
                to_unit: fn(&Quantity) -> i64| {
        if let Some(value) = flag {
            return (value, RequestOrigin::Flag);
        }
        let requests = resources.and_then(|r| r.requests.as_ref()).and_then(from);
        if let Some(q) = requests.filter(|q| to_unit(q) > 0) {
            return (to_unit(q), RequestOrigin::Request);
        }
        let limits = resources.and_then(|r| r.limits.as_ref()).and_then(from);
        if let Some(q) = limits.filter(|q| to_unit(q) > 0) {
            return (to_unit(q), RequestOrigin::Limit);
        }
        (default, RequestOrigin::Default)
    };
    let milli = |q: &Quantity| i64::try_from(q.milli).unwrap_or(i64::MAX);
    let bytes = |q: &Quantity| i64::try_from(q.bytes()).unwrap_or(i64::MAX);
    let (cpu, cpu_origin) = pick(
        cpu_flag,
        &|list| list.cpu.as_ref().map(|q| &q.value),
        Requests::DEFAULT_CPU_MILLI,
        milli,
    );
    let (memory, memory_origin) = pick(
        memory_flag,
        &|list| list.memory.as_ref().map(|q| &q.value),
        Requests::DEFAULT_MEMORY_BYTES,
        bytes,
    );
    ResolvedRequests {
        requests: Requests {
            cpu_milli: cpu,
            memory_bytes: memory,
        },
        cpu_origin,
        memory_origin,
    }
}

/// What a services-file entry runs on each engine.
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceSetup {
    pub name: String,
    pub hpa: HpaSpec,
    pub docker: ServiceConfig,
    pub docker_interval_seconds: i64,
    pub min_replicas: i32,
}

/// Why an autoscaling object cannot be simulated: a JSON pointer into the v2 object, and what
/// to say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecProblem {
    /// A field path of the autoscaling/v2 object (`spec.metrics[1]`).
    pub field: String,
    pub message: String,
    pub help: String,
}

/// The HPA `render` writes for `service`, as the controller would read it.
pub fn service_hpa(services: &Services, service: &Service) -> Result<HpaSpec, Vec<SpecProblem>> {
    let manifest =
        serde_json::to_value(crate::render::hpa::build(services, service)).unwrap_or(Value::Null);
    let converted = hpa_api::convert_to_v2(&manifest).map_err(|err| {
        vec![SpecProblem {
            field: String::new(),
            message: err.to_string(),
            help: "please report this to the scalegen maintainers".into(),
        }]
    })?;
    hpa_spec_from_v2(&converted.v2)
}

/// Everything a services-file entry runs. `docker` is the config `render` writes, or one read
/// from a file (`--docker-config`).
pub fn service_setup(
    services: &Services,
    service: &Service,
    docker: &AutoscalerConfig,
) -> Result<ServiceSetup, Vec<SpecProblem>> {
    let hpa = service_hpa(services, service)?;
    let config = docker.services.get(&service.name).cloned().ok_or_else(|| {
        vec![SpecProblem {
            field: String::new(),
            message: format!(
                "the Docker autoscaler config has no service `{}`",
                service.name
            ),
            help: "regenerate the config with `scalegen render`, or simulate the Kubernetes engine alone with `--engine k8s`".into(),
        }]
    })?;
    Ok(ServiceSetup {
        name: service.name.clone(),
        min_replicas: hpa.min_replicas_or_default(),
        hpa,
        docker: config,
        docker_interval_seconds: i64::from(docker.interval.0.seconds()),
    })
}

fn problem(field: String, message: impl Into<String>, help: impl Into<String>) -> SpecProblem {
    SpecProblem {
        field,
        message: message.into(),
        help: help.into(),
    }
}

fn int(value: Option<&Value>) -> Option<i32> {
    value
        .and_then(Value::as_i64)
        .and_then(|n| i32::try_from(n).ok())
}

fn quantity_milli(value: Option<&Value>) -> Option<i64> {
    value
        .and_then(Quantity::from_json)
        .and_then(|q| i64::try_from(q.milli).ok())
}

/// Reads the decision-relevant part of a defaulted autoscaling/v2 HPA. Only CPU and memory
/// Resource and ContainerResource metrics can be simulated: the fleet model produces no other
/// metric.
pub fn hpa_spec_from_v2(hpa: &Value) -> Result<HpaSpec, Vec<SpecProblem>> {
    let mut problems = Vec::new();
    let spec = hpa.get("spec").cloned().unwrap_or(Value::Null);
    let Some(max_replicas) = int(spec.get("maxReplicas")) else {
        return Err(vec![problem(
            "spec.maxReplicas".into(),
            "the HPA has no `maxReplicas`",
            "set `spec.maxReplicas`",
        )]);
    };
    let min_replicas = int(spec.get("minReplicas"));
    let mut metrics = Vec::new();
    let empty = Vec::new();
    let listed = spec
        .get("metrics")
        .and_then(Value::as_array)
        .unwrap_or(&empty);
    for (index, metric) in listed.iter().enumerate() {
        let field = format!("spec.metrics[{index}]");
        let kind = metric.get("type").and_then(Value::as_str).unwrap_or("");
        let source = match kind {
            "Resource" => metric.get("resource"),
            "ContainerResource" => metric.get("containerResource"),
            other => {
                problems.push(problem(
                    field,
                    format!("`{other}` metrics cannot be simulated"),
                    "the simulation models CPU and memory usage only: simulate an HPA whose metrics are `Resource` or `ContainerResource` on `cpu` or `memory`",
                ));
                continue;
            }
        };
        let name = source
            .and_then(|s| s.get("name"))
            .and_then(Value::as_str)
            .unwrap_or("");
        if name != "cpu" && name != "memory" {
            problems.push(problem(
                format!(
                    "{field}.{}.name",
                    if kind == "Resource" {
                        "resource"
                    } else {
                        "containerResource"
                    }
                ),
                format!("the resource `{name}` cannot be simulated"),
                "the simulation models `cpu` and `memory` only",
            ));
            continue;
        }
        let target = source.and_then(|s| s.get("target"));
        let target_field = format!(
            "{field}.{}.target",
            if kind == "Resource" {
                "resource"
            } else {
                "containerResource"
            }
        );
        let target =
            match target.and_then(|t| t.get("type")).and_then(Value::as_str) {
                Some("Utilization") => int(target.and_then(|t| t.get("averageUtilization"))).map(
                    |average_utilization| MetricTarget::Utilization {
                        average_utilization,
                    },
                ),
                Some("AverageValue") => quantity_milli(target.and_then(|t| t.get("averageValue")))
                    .map(|average_value_milli| MetricTarget::AverageValue {
                        average_value_milli,
                    }),
                _ => None,
            };
        let Some(target) = target else {
            problems.push(problem(
                target_field,
                "this target cannot be read",
                "a resource metric's target is `{type: Utilization, averageUtilization: N}` or `{type: AverageValue, averageValue: Q}`",
            ));
            continue;
        };
        metrics.push(match kind {
            "Resource" => MetricSpec::Resource {
                name: name.to_owned(),
                target,
            },
            _ => MetricSpec::ContainerResource {
                name: name.to_owned(),
                container: source
                    .and_then(|s| s.get("container"))
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned(),
                target,
            },
        });
    }
    let behavior = match spec.get("behavior") {
        None | Some(Value::Null) => None,
        Some(behavior) => Some(Behavior {
            scale_up: rules(
                behavior.get("scaleUp"),
                "spec.behavior.scaleUp",
                &mut problems,
            ),
            scale_down: rules(
                behavior.get("scaleDown"),
                "spec.behavior.scaleDown",
                &mut problems,
            ),
        }),
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(HpaSpec {
        min_replicas,
        max_replicas,
        metrics,
        behavior,
    })
}

fn rules(
    value: Option<&Value>,
    field: &str,
    problems: &mut Vec<SpecProblem>,
) -> Option<ScalingRules> {
    let value = value.filter(|v| !v.is_null())?;
    let select_policy = match value.get("selectPolicy").and_then(Value::as_str) {
        None => None,
        Some("Max") => Some(SelectPolicy::Max),
        Some("Min") => Some(SelectPolicy::Min),
        Some("Disabled") => Some(SelectPolicy::Disabled),
        Some(other) => {
            problems.push(problem(
                format!("{field}.selectPolicy"),
                format!("`{other}` is not a select policy"),
                "use `Max`, `Min` or `Disabled`",
            ));
            None
        }
    };
    let policies = value.get("policies").and_then(Value::as_array).map(|list| {
        list.iter()
            .enumerate()
            .filter_map(|(index, policy)| {
                let policy_type = match policy.get("type").and_then(Value::as_str) {
                    Some("Pods") => PolicyType::Pods,
                    Some("Percent") => PolicyType::Percent,
                    _ => {
                        problems.push(problem(
                            format!("{field}.policies[{index}].type"),
                            "a policy's type is `Pods` or `Percent`",
                            "use `Pods` or `Percent`",
                        ));
                        return None;
                    }
                };
                Some(ScalingPolicy {
                    policy_type,
                    value: int(policy.get("value")).unwrap_or(0),
                    period_seconds: int(policy.get("periodSeconds")).unwrap_or(0),
                })
            })
            .collect()
    });
    Some(ScalingRules {
        stabilization_window_seconds: int(value.get("stabilizationWindowSeconds")),
        select_policy,
        policies,
        tolerance: quantity_milli(value.get("tolerance")).map(|milli| milli as f64 / 1000.0),
    })
}

/// An HPA read from a manifest file.
#[derive(Clone, Debug, PartialEq)]
pub struct HpaManifest {
    pub name: String,
    /// The version it was written in (`autoscaling/v1`, ...).
    pub api_version: String,
    pub spec: HpaSpec,
}

/// Reads the HPA to simulate from a manifest file (one or more YAML documents). With several
/// HPAs in the file, `name` picks one by `metadata.name`. Every problem is a diagnostic at its
/// place: YAML errors, an object the API server would refuse, a metric the simulation cannot
/// model.
pub fn load_hpa_manifest(
    file: &Arc<SourceFile>,
    name: Option<&str>,
) -> Result<HpaManifest, Vec<Diagnostic>> {
    let documents =
        yaml::parse_stream(file).map_err(|err| vec![crate::document::yaml_error(file, &err)])?;
    let mut candidates = Vec::new();
    for document in &documents {
        let json = document.to_json();
        if json.get("kind").and_then(Value::as_str) == Some("HorizontalPodAutoscaler") {
            let hpa_name = json
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            candidates.push((document, json, hpa_name));
        }
    }
    let at_start = |message: String, help: String| {
        vec![
            Diagnostic::new(&input::INVALID_VALUE, message)
                .at(Label::new(file, Span::point(0), "in this file"))
                .help(help),
        ]
    };
    if candidates.is_empty() {
        return Err(at_start(
            "no HorizontalPodAutoscaler in this file".into(),
            "point `--hpa` at a manifest with `kind: HorizontalPodAutoscaler`".into(),
        ));
    }
    let index = match name {
        Some(wanted) => candidates
            .iter()
            .position(|(_, _, n)| n == wanted)
            .ok_or_else(|| {
                let names: Vec<&str> = candidates.iter().map(|(_, _, n)| n.as_str()).collect();
                at_start(
                    format!("no HorizontalPodAutoscaler named `{wanted}` in this file"),
                    format!(
                        "the file has {}; pick one with `--service NAME`",
                        names.join(", ")
                    ),
                )
            })?,
        None if candidates.len() == 1 => 0,
        None => {
            let names: Vec<&str> = candidates.iter().map(|(_, _, n)| n.as_str()).collect();
            return Err(at_start(
                format!(
                    "the file has {} HorizontalPodAutoscalers; say which to simulate",
                    candidates.len()
                ),
                format!("pick one of {} with `--service NAME`", names.join(", ")),
            ));
        }
    };
    let (root, json, hpa_name) = &candidates[index];
    let locate = |pointer: &str| {
        let (written, _) = nearest_written_pointer(json, pointer);
        root.locate(&written).label()
    };
    let converted = hpa_api::convert_to_v2(json).map_err(|err| {
        let pointer = match err {
            ConvertError::UnsupportedApiVersion(_) => "/apiVersion",
            _ => "",
        };
        vec![
            Diagnostic::new(&input::UNSUPPORTED_VERSION, err.to_string())
                .at(Label::new(file, locate(pointer), "this version"))
                .help("write the HPA as autoscaling/v2 (or v1, v2beta2, v2beta1)"),
        ]
    })?;
    let errors = hpa_api::check_hpa(json, None, &ValidationOptions::default()).unwrap_or_default();
    if !errors.is_empty() {
        return Err(errors
            .iter()
            .map(|error| {
                let (pointer, _) = error.locate(json);
                Diagnostic::new(&input::INVALID_VALUE, error.to_string())
                    .at(Label::new(
                        file,
                        root.locate(&pointer).label(),
                        "refused here",
                    ))
                    .help("the Kubernetes API server refuses this HPA; fix it before simulating")
                    .path(error.field.clone())
            })
            .collect());
    }
    let spec = hpa_spec_from_v2(&converted.v2).map_err(|problems| {
        problems
            .into_iter()
            .map(|p| {
                let original = converted.original_path(&p.field);
                let pointer = field_path_to_json_pointer(&original);
                Diagnostic::new(&input::INVALID_VALUE, p.message)
                    .at(Label::new(file, locate(&pointer), "here"))
                    .help(p.help)
                    .path(original)
            })
            .collect::<Vec<_>>()
    })?;
    Ok(HpaManifest {
        name: hpa_name.clone(),
        api_version: json
            .get("apiVersion")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned(),
        spec,
    })
}
