//! From the file as written to the resolved model: each setting of each service is taken from
//! the service, else its priority tier, else `defaults`, else the built-in default.

use std::sync::Arc;

use super::raw::{self, Metric, Policy, Select, ServicesFile, Settings, TargetKind};
use super::services::{Direction, Level, Origin, Services, Sourced, Target, Tier};
use crate::source::SourceFile;
use crate::units::Duration;
use crate::yaml::{Node, pointer_from};

/// The built-in defaults, exactly the values the services file reference documents.
pub mod builtin {
    use super::*;

    pub const MIN_REPLICAS: i32 = 2;

    pub struct DirectionDefaults {
        pub cpu: i32,
        pub memory: i32,
        pub window: u32,
        pub policies: fn() -> Vec<Policy>,
        pub select: Select,
    }

    fn policy(percent: Option<i32>, pods: Option<i32>, period: u32) -> Policy {
        Policy {
            percent,
            pods,
            period: raw::Duration(Duration(period)),
        }
    }

    pub const SCALE_UP: DirectionDefaults = DirectionDefaults {
        cpu: 70,
        memory: 70,
        window: 60,
        policies: || vec![policy(Some(50), None, 60), policy(None, Some(2), 60)],
        select: Select::Max,
    };

    pub const SCALE_DOWN: DirectionDefaults = DirectionDefaults {
        cpu: 30,
        memory: 30,
        window: 300,
        policies: || vec![policy(Some(25), None, 60), policy(None, Some(1), 60)],
        select: Select::Min,
    };
}

/// One level a setting can come from.
struct Layer {
    settings: Settings,
    level: Level,
    pointer: String,
}

fn pick<T>(
    layers: &[Layer],
    field: &str,
    get: impl Fn(&Settings) -> Option<T>,
    builtin: impl FnOnce() -> T,
) -> Sourced<T> {
    layers
        .iter()
        .find_map(|layer| {
            get(&layer.settings).map(|value| Sourced {
                value,
                origin: Origin {
                    level: layer.level,
                    pointer: Some(format!("{}{field}", layer.pointer)),
                },
            })
        })
        .unwrap_or_else(|| Sourced {
            value: builtin(),
            origin: Origin::BUILT_IN,
        })
}

/// A layer's `scaleUp` or `scaleDown`, when it sets one.
fn side(settings: &Settings, up: bool) -> Option<&raw::Direction> {
    if up {
        settings.scale_up.as_ref()
    } else {
        settings.scale_down.as_ref()
    }
}

fn direction(layers: &[Layer], up: bool, defaults: &builtin::DirectionDefaults) -> Direction {
    let name = if up { "/scaleUp" } else { "/scaleDown" };
    Direction {
        cpu: pick(
            layers,
            &format!("{name}/cpu"),
            |s| side(s, up)?.cpu,
            || defaults.cpu,
        ),
        memory: pick(
            layers,
            &format!("{name}/memory"),
            |s| side(s, up)?.memory,
            || defaults.memory,
        ),
        window: pick(
            layers,
            &format!("{name}/window"),
            |s| side(s, up)?.window.map(|w| w.0),
            || Duration(defaults.window),
        ),
        policies: pick(
            layers,
            &format!("{name}/policies"),
            |s| side(s, up)?.policies.clone(),
            || (defaults.policies)(),
        ),
        select: pick(
            layers,
            &format!("{name}/select"),
            |s| side(s, up)?.select,
            || defaults.select,
        ),
    }
}

fn settings_of(service: &raw::Service) -> Settings {
    Settings {
        min_replicas: service.min_replicas,
        max_replicas: service.max_replicas,
        metrics: service.metrics.clone(),
        scale_up: service.scale_up.clone(),
        scale_down: service.scale_down.clone(),
    }
}

/// Keys of a mapping in the order they are written.
fn key_order(root: &Node, field: &str) -> Vec<String> {
    match root.get(field).map(|n| &n.value) {
        Some(crate::yaml::Value::Map(entries)) => {
            entries.iter().map(|e| e.key.key_text()).collect()
        }
        _ => Vec::new(),
    }
}

pub fn lower(file: Arc<SourceFile>, root: Node, raw: ServicesFile) -> Services {
    let priorities = raw.priorities.unwrap_or_default();
    let defaults = raw.defaults.unwrap_or_default();
    let services = key_order(&root, "services")
        .into_iter()
        .filter_map(|name| raw.services.get(&name).map(|s| (name, s)))
        .map(|(name, service)| {
            let pointer = pointer_from(["services", name.as_str()]);
            let tier = service
                .priority
                .as_ref()
                .and_then(|p| priorities.get(p).map(|settings| (p, settings)));
            let mut layers = vec![Layer {
                settings: settings_of(service),
                level: Level::Service,
                pointer: pointer.clone(),
            }];
            if let Some((tier_name, settings)) = tier {
                layers.push(Layer {
                    settings: settings.clone(),
                    level: Level::Priority,
                    pointer: pointer_from(["priorities", tier_name.as_str()]),
                });
            }
            layers.push(Layer {
                settings: defaults.clone(),
                level: Level::Defaults,
                pointer: "/defaults".into(),
            });
            let service_origin = |field: &str| Origin {
                level: Level::Service,
                pointer: Some(format!("{pointer}{field}")),
            };
            let max = pick(
                &layers,
                "/maxReplicas",
                |s| s.max_replicas.map(Some),
                || None,
            );
            let target = service.target.clone().unwrap_or_default();
            super::services::Service {
                priority: service.priority.clone().map(|value| Sourced {
                    value,
                    origin: service_origin("/priority"),
                }),
                min_replicas: pick(
                    &layers,
                    "/minReplicas",
                    |s| s.min_replicas,
                    || builtin::MIN_REPLICAS,
                ),
                max_replicas: max.value.map(|value| Sourced {
                    value,
                    origin: max.origin,
                }),
                metrics: pick(
                    &layers,
                    "/metrics",
                    |s| s.metrics.clone(),
                    || Metric::ALL.to_vec(),
                ),
                scale_up: direction(&layers, true, &builtin::SCALE_UP),
                scale_down: direction(&layers, false, &builtin::SCALE_DOWN),
                target: Target {
                    kind: target.kind.unwrap_or(TargetKind::Deployment),
                    name: target.name.unwrap_or_else(|| name.clone()),
                    origin: if service.target.is_some() {
                        service_origin("/target")
                    } else {
                        Origin::BUILT_IN
                    },
                },
                notes: service.notes.clone(),
                resources: service.resources.clone().map(|value| Sourced {
                    value,
                    origin: service_origin("/resources"),
                }),
                name,
                pointer,
            }
        })
        .collect();
    Services {
        namespace: raw.namespace.map(|value| Sourced {
            value,
            origin: Origin {
                level: Level::Service,
                pointer: Some("/namespace".into()),
            },
        }),
        priorities: key_order(&root, "priorities")
            .into_iter()
            .map(|name| Tier {
                pointer: pointer_from(["priorities", name.as_str()]),
                name,
            })
            .collect(),
        services,
        file,
        root,
    }
}
