//! The Docker side: scalegen's autoscaler config (`docker/autoscaler.yaml` and its schema) and
//! a Compose override with replicas, resources and, on request, one Swarm autoscaler's labels.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

use super::{Output, json_file, yaml_file};
use crate::docker::config::{self, AutoscalerConfig};
use crate::model::raw::{Metric, Quantity, ResourceList};
use crate::model::{Service, Services};

/// Label dialects of existing Swarm autoscalers that `--docker-labels` can write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// jcwimer/docker-swarm-autoscaler and its forks: `swarm.autoscaler`,
    /// `swarm.autoscaler.minimum`, `swarm.autoscaler.maximum`; one global CPU threshold pair
    /// (`CPU_PERCENTAGE_UPPER_LIMIT`, `CPU_PERCENTAGE_LOWER_LIMIT`) in percent of one core;
    /// ±1 replica per cycle.
    SwarmAutoscaler,
}

impl Dialect {
    pub const ALL: [Dialect; 1] = [Dialect::SwarmAutoscaler];

    pub fn name(self) -> &'static str {
        match self {
            Dialect::SwarmAutoscaler => "swarm-autoscaler",
        }
    }

    pub fn parse(name: &str) -> Option<Dialect> {
        Self::ALL.into_iter().find(|d| d.name() == name)
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

pub struct DockerOutputs {
    pub outputs: Vec<Output>,
    pub warnings: Vec<String>,
}

const CONFIG_COMMENTS: &[&str] = &[
    "yaml-language-server: $schema=autoscaler.schema.json",
    "",
    "scalegen's Docker autoscaler config, read by `scalegen autoscale docker` and",
    "`scalegen simulate --engine docker`. Every interval, for each service: scale up when any",
    "metric is above its scale-up threshold, scale down only when every metric is below its",
    "scale-down threshold; steps are sized as the HPA sizes them and held by the windows and",
    "policies. Utilization is a percentage of the container's request (basis: request) or, where",
    "no request is configured, of its limit (basis: limit).",
];

pub fn render(services: &Services, header: &str, dialect: Option<Dialect>) -> DockerOutputs {
    let config = AutoscalerConfig::from_services(services);
    let mut outputs = vec![
        Output {
            path: PathBuf::from("docker/autoscaler.yaml"),
            contents: yaml_file(&config, header, CONFIG_COMMENTS),
        },
        Output {
            path: PathBuf::from("docker/autoscaler.schema.json"),
            contents: json_file(&config::schema_document(), header),
        },
    ];
    let (compose, warnings) = compose_override(services, header, dialect);
    outputs.push(Output {
        path: PathBuf::from("docker/compose.autoscale.yaml"),
        contents: compose,
    });
    DockerOutputs { outputs, warnings }
}

#[derive(Serialize)]
struct ComposeFile {
    services: BTreeMap<String, ComposeService>,
}

#[derive(Serialize)]
struct ComposeService {
    deploy: Deploy,
}

#[derive(Serialize)]
struct Deploy {
    replicas: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    resources: Option<DeployResources>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    labels: BTreeMap<String, String>,
}

#[derive(Serialize)]
struct DeployResources {
    #[serde(skip_serializing_if = "Option::is_none")]
    limits: Option<ComposeResources>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reservations: Option<ComposeResources>,
}

#[derive(Serialize)]
struct ComposeResources {
    #[serde(skip_serializing_if = "Option::is_none")]
    cpus: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    memory: Option<String>,
}

fn compose_resources(list: &ResourceList) -> Option<ComposeResources> {
    let resources = ComposeResources {
        cpus: list.cpu.as_ref().map(|q| q.value.cores_text()),
        memory: list.memory.as_ref().map(compose_memory),
    };
    (resources.cpus.is_some() || resources.memory.is_some()).then_some(resources)
}

/// Docker reads `k`, `m`, `g` as binary units: `256Mi` is Compose's `256M`, while Kubernetes'
/// decimal `500M` (500,000,000 bytes) has no exact binary unit and is written in bytes.
pub fn compose_memory(quantity: &Quantity) -> String {
    let bytes = quantity.value.bytes();
    for (unit, size) in [("G", 1_i128 << 30), ("M", 1 << 20), ("k", 1 << 10)] {
        if bytes >= size && bytes % size == 0 {
            return format!("{}{unit}", bytes / size);
        }
    }
    format!("{bytes}b")
}

fn compose_override(
    services: &Services,
    header: &str,
    dialect: Option<Dialect>,
) -> (String, Vec<String>) {
    let mut warnings = Vec::new();
    let mut comments = vec![
        "A Compose override with each service's minimum replicas and resources:".to_owned(),
        "  docker compose -f compose.yaml -f generated/docker/compose.autoscale.yaml up -d"
            .to_owned(),
    ];
    let mut file = ComposeFile {
        services: BTreeMap::new(),
    };
    for service in &services.services {
        let resources = service.resources.as_ref().map(|r| DeployResources {
            limits: r.value.limits.as_ref().and_then(compose_resources),
            reservations: r.value.requests.as_ref().and_then(compose_resources),
        });
        let labels = match dialect {
            Some(Dialect::SwarmAutoscaler) => swarm_autoscaler_labels(service),
            None => BTreeMap::new(),
        };
        file.services.insert(
            service.name.clone(),
            ComposeService {
                deploy: Deploy {
                    replicas: service.min_replicas.value,
                    resources: resources.filter(|r| r.limits.is_some() || r.reservations.is_some()),
                    labels,
                },
            },
        );
    }
    if let Some(Dialect::SwarmAutoscaler) = dialect {
        let (notes, mut translation_warnings) = swarm_autoscaler_thresholds(services);
        comments.push(String::new());
        comments.extend(notes);
        warnings.append(&mut translation_warnings);
    }
    let comments: Vec<&str> = comments.iter().map(String::as_str).collect();
    (yaml_file(&file, header, &comments), warnings)
}

fn swarm_autoscaler_labels(service: &Service) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("swarm.autoscaler".to_owned(), "true".to_owned()),
        (
            "swarm.autoscaler.minimum".to_owned(),
            service.min_replicas.value.to_string(),
        ),
        (
            "swarm.autoscaler.maximum".to_owned(),
            service.effective_max().value.to_string(),
        ),
    ])
}

/// The dialect's single global threshold pair is in percent of one core; ours are per
/// service, in percent of the request. They translate when a service's CPU request is known
/// (70% of a 250m request is 17.5% of a core) and only fit when every service lands on the
/// same pair. Everything else is a warning, never a silent drop.
fn swarm_autoscaler_thresholds(services: &Services) -> (Vec<String>, Vec<String>) {
    let dialect = Dialect::SwarmAutoscaler.name();
    let mut warnings = vec![format!(
        "--docker-labels {dialect}: the dialect scales by one replica per cycle with no stabilization windows; the services' `window`, `policies` and `select` are not expressed"
    )];
    let memory: Vec<&str> = services
        .services
        .iter()
        .filter(|s| s.uses(Metric::Memory))
        .map(|s| s.name.as_str())
        .collect();
    if !memory.is_empty() {
        warnings.push(format!(
            "--docker-labels {dialect}: the dialect scales on CPU only; memory thresholds of {} are not expressed",
            memory.join(", ")
        ));
    }
    let mut pairs: BTreeMap<(String, String), Vec<&str>> = BTreeMap::new();
    let mut untranslatable = Vec::new();
    for service in services.services.iter().filter(|s| s.uses(Metric::Cpu)) {
        let request = service.resources.as_ref().and_then(|r| {
            let r = &r.value;
            r.requests
                .as_ref()
                .and_then(|q| q.cpu.as_ref())
                .or(r.limits.as_ref().and_then(|l| l.cpu.as_ref()))
        });
        let Some(request) = request else {
            untranslatable.push(service.name.as_str());
            continue;
        };
        let of_core = |percent: i32| {
            // percent of request × request in millicores / 1000 cores = percent of one core.
            let value = f64::from(percent) * request.value.milli as f64 / 1000.0;
            format!("{value:.1}")
        };
        pairs
            .entry((
                of_core(service.scale_up.cpu.value),
                of_core(service.scale_down.cpu.value),
            ))
            .or_default()
            .push(service.name.as_str());
    }
    if !untranslatable.is_empty() {
        warnings.push(format!(
            "--docker-labels {dialect}: the dialect measures CPU in percent of one core; without a CPU request the thresholds of {} cannot be translated (set `resources.requests.cpu`)",
            untranslatable.join(", ")
        ));
    }
    let mut notes = Vec::new();
    match pairs.len() {
        0 => {}
        1 if untranslatable.is_empty() => {
            let ((upper, lower), _) = pairs.iter().next().expect("one entry");
            notes.push(format!(
                "{dialect}: run the autoscaler with CPU_PERCENTAGE_UPPER_LIMIT={upper} and CPU_PERCENTAGE_LOWER_LIMIT={lower}"
            ));
            notes.push("(the services' thresholds in percent of one core).".to_owned());
        }
        _ => {
            let listed: Vec<String> = pairs
                .iter()
                .map(|((upper, lower), names)| format!("{upper}/{lower} for {}", names.join(", ")))
                .collect();
            warnings.push(format!(
                "--docker-labels {dialect}: the dialect has one global CPU threshold pair, but the services need different ones (upper/lower, percent of one core): {}",
                listed.join("; ")
            ));
            notes.push(format!(
                "{dialect}: the services need different CPU thresholds; the dialect has one global pair (see render's warnings)."
            ));
        }
    }
    (notes, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units;

    fn memory(text: &str) -> String {
        compose_memory(&Quantity {
            text: text.into(),
            value: units::Quantity::parse(text).unwrap(),
        })
    }

    #[test]
    fn memory_keeps_its_binary_meaning() {
        assert_eq!(memory("256Mi"), "256M");
        assert_eq!(memory("1Gi"), "1G");
        assert_eq!(memory("1536Mi"), "1536M");
        assert_eq!(memory("500M"), "500000000b");
        assert_eq!(memory("64Ki"), "64k");
    }
}
