//! `docker/autoscaler.yaml`: scalegen's Docker autoscaler config, versioned, with its own JSON
//! Schema. `render` writes it from the services file; `simulate --engine docker` and
//! `autoscale docker` read it.

use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::diagnostics::{Diagnostic, Label};
use crate::document;
use crate::model::raw::{Duration, Metric, Policy, ResourceList, Select};
use crate::model::{Direction, Services};
use crate::rules::input;
use crate::source::SourceFile;
use crate::structure::{self, Schema};
use crate::units;
use crate::yaml;

/// The config format version this scalegen reads and writes.
pub const VERSION: u32 = 1;

/// The evaluation interval `render` writes: the HPA controller's sync period.
pub const DEFAULT_INTERVAL_SECONDS: u32 = 15;

/// scalegen's Docker autoscaler config. Each `interval`, for each service: average the
/// utilization of its running containers per metric; scale up when any metric is above its
/// scale-up threshold, scale down only when every metric is below its scale-down threshold;
/// size the step as the HPA does (`ceil(replicas × utilization / target)`), hold it through the
/// stabilization windows, limit it by the policies, and keep it within min and max.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(title = "scalegen Docker autoscaler config")]
pub struct AutoscalerConfig {
    /// Format version: 1.
    pub version: u32,
    /// How often every service is evaluated (`15s`).
    pub interval: Duration,
    /// The services to autoscale, by services-file name.
    pub services: BTreeMap<String, ServiceConfig>,
}

/// One service's autoscaling.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ServiceConfig {
    /// The Compose service whose containers are scaled (the `com.docker.compose.service`
    /// label; containers started without Compose carry `io.scalegen.service` instead).
    pub compose_service: String,
    /// Never fewer running containers.
    pub min_replicas: i32,
    /// Never more running containers.
    pub max_replicas: i32,
    /// The metrics that drive scaling: `cpu`, `memory`.
    pub metrics: Vec<Metric>,
    /// What utilization is a percentage of.
    pub utilization: Utilization,
    /// When and how fast to add containers.
    pub scale_up: DirectionConfig,
    /// When and how fast to remove containers.
    pub scale_down: DirectionConfig,
}

/// The base of utilization percentages.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Utilization {
    /// `request`: percent of `requests` below, as the HPA measures (percent of the container's
    /// resource request). `limit`: no request is configured, so percent of each container's
    /// limit (its `--cpus` / `--memory`).
    pub basis: Basis,
    /// The per-container requests, when `basis` is `request`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests: Option<ResourceList>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Basis {
    Request,
    Limit,
}

/// One direction: the thresholds that trigger it, the window, the step policies.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DirectionConfig {
    /// Utilization thresholds in percent, per metric. Scale-up: any metric above its threshold
    /// triggers. Scale-down: every metric must be below its threshold.
    #[schemars(with = "ThresholdsSchema")]
    pub thresholds: BTreeMap<Metric, i32>,
    /// How long a lower (scale-down) or higher (scale-up) recommendation must hold.
    pub window: Duration,
    /// How many containers (or what percentage) may change per period.
    pub policies: Vec<Policy>,
    /// `max`: the policy allowing the largest change; `min`: the smallest; `disabled`: never.
    pub select: Select,
}

/// How the thresholds map looks in the schema (the Rust side keys it by [`Metric`]).
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct ThresholdsSchema {
    /// CPU utilization threshold, in percent of the basis.
    cpu: Option<i32>,
    /// Memory utilization threshold, in percent of the basis.
    memory: Option<i32>,
}

impl AutoscalerConfig {
    /// The config `render` writes for a services file.
    pub fn from_services(services: &Services) -> AutoscalerConfig {
        AutoscalerConfig {
            version: VERSION,
            interval: Duration(units::Duration(DEFAULT_INTERVAL_SECONDS)),
            services: services
                .services
                .iter()
                .map(|service| {
                    let metrics = service.metrics.value.clone();
                    let direction = |d: &Direction| DirectionConfig {
                        thresholds: metrics.iter().map(|&m| (m, d.threshold(m).value)).collect(),
                        window: Duration(d.window.value),
                        policies: d.policies.value.clone(),
                        select: d.select.value,
                    };
                    // As in Kubernetes, a limit without a request is the request.
                    let resources = service.resources.as_ref().map(|r| &r.value);
                    let requests = resources.map(|r| {
                        let requests = r.requests.clone().unwrap_or_default();
                        let limits = r.limits.clone().unwrap_or_default();
                        ResourceList {
                            cpu: requests.cpu.or(limits.cpu),
                            memory: requests.memory.or(limits.memory),
                        }
                    });
                    let covered = requests.as_ref().is_some_and(|r| {
                        metrics.iter().all(|m| match m {
                            Metric::Cpu => r.cpu.is_some(),
                            Metric::Memory => r.memory.is_some(),
                        })
                    });
                    let config = ServiceConfig {
                        compose_service: service.name.clone(),
                        min_replicas: service.min_replicas.value,
                        max_replicas: service.effective_max().value,
                        metrics: metrics.clone(),
                        utilization: if covered {
                            Utilization {
                                basis: Basis::Request,
                                requests,
                            }
                        } else {
                            Utilization {
                                basis: Basis::Limit,
                                requests: None,
                            }
                        },
                        scale_up: direction(&service.scale_up),
                        scale_down: direction(&service.scale_down),
                    };
                    (service.name.clone(), config)
                })
                .collect(),
        }
    }
}

/// The config's JSON Schema document.
pub fn schema_document() -> serde_json::Value {
    let generator = schemars::generate::SchemaSettings::draft07().into_generator();
    let mut schema = serde_json::to_value(generator.into_root_schema_for::<AutoscalerConfig>())
        .unwrap_or_default();
    structure::tidy_generated(&mut schema);
    schema
}

fn schema() -> &'static Schema {
    static SCHEMA: LazyLock<Schema> = LazyLock::new(|| {
        Schema::compile(schema_document()).expect("the autoscaler schema compiles")
    });
    &SCHEMA
}

/// Reads an autoscaler config, reporting every problem with its location.
pub fn load(file: &Arc<SourceFile>) -> Result<AutoscalerConfig, Vec<Diagnostic>> {
    let root = yaml::parse_document(file).map_err(|e| vec![document::yaml_error(file, &e)])?;
    let json = root.to_json();
    let issues = schema().check(&json);
    if !issues.is_empty() {
        return Err(issues
            .iter()
            .map(|issue| document::structure_issue(file, &root, issue))
            .collect());
    }
    if json.get("version").and_then(serde_json::Value::as_u64) != Some(u64::from(VERSION)) {
        return Err(vec![
            Diagnostic::new(
                &input::UNSUPPORTED_VERSION,
                format!("this scalegen reads autoscaler config version {VERSION}"),
            )
            .at(Label::new(
                file,
                root.locate("/version").value,
                "this version",
            ))
            .help("regenerate the config with `scalegen render`"),
        ]);
    }
    serde_json::from_value(json).map_err(|err| {
        vec![
            Diagnostic::new(
                &input::INVALID_VALUE,
                format!("the config does not read: {err}"),
            )
            .at(Label::new(file, root.span, "here"))
            .help("regenerate the config with `scalegen render`"),
        ]
    })
}
