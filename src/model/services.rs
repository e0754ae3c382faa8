//! The resolved services file: every service with every setting decided (service > priority
//! tier > `defaults` > built-in), each value remembering where it was set so a diagnostic can
//! point there.

use std::ops::Deref;
use std::sync::Arc;

use super::raw::{Metric, Policy, Resources, Select, TargetKind};
use crate::diagnostics::Label;
use crate::source::SourceFile;
use crate::units::Duration;
use crate::yaml::Node;

/// Which level of the file a value came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    BuiltIn,
    Defaults,
    Priority,
    Service,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    pub level: Level,
    /// Where it is written; `None` for built-in defaults.
    pub pointer: Option<String>,
}

impl Origin {
    pub const BUILT_IN: Origin = Origin {
        level: Level::BuiltIn,
        pointer: None,
    };
}

/// A value and where it was set.
#[derive(Clone, Debug, PartialEq)]
pub struct Sourced<T> {
    pub value: T,
    pub origin: Origin,
}

impl<T> Deref for Sourced<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

#[derive(Clone, Debug)]
pub struct Services {
    pub file: Arc<SourceFile>,
    pub root: Node,
    pub namespace: Option<Sourced<String>>,
    /// The tiers, in file order.
    pub priorities: Vec<Tier>,
    /// The services, in file order.
    pub services: Vec<Service>,
}

#[derive(Clone, Debug)]
pub struct Tier {
    pub name: String,
    pub pointer: String,
}

#[derive(Clone, Debug)]
pub struct Service {
    pub name: String,
    /// `/services/<name>`.
    pub pointer: String,
    pub priority: Option<Sourced<String>>,
    pub min_replicas: Sourced<i32>,
    /// `None` when no level sets it (a diagnostic says so).
    pub max_replicas: Option<Sourced<i32>>,
    pub metrics: Sourced<Vec<Metric>>,
    pub scale_up: Direction,
    pub scale_down: Direction,
    pub target: Target,
    pub notes: Option<String>,
    pub resources: Option<Sourced<Resources>>,
}

#[derive(Clone, Debug)]
pub struct Direction {
    pub cpu: Sourced<i32>,
    pub memory: Sourced<i32>,
    pub window: Sourced<Duration>,
    pub policies: Sourced<Vec<Policy>>,
    pub select: Sourced<Select>,
}

impl Direction {
    pub fn threshold(&self, metric: Metric) -> &Sourced<i32> {
        match metric {
            Metric::Cpu => &self.cpu,
            Metric::Memory => &self.memory,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Target {
    pub kind: TargetKind,
    pub name: String,
    pub origin: Origin,
}

impl TargetKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TargetKind::Deployment => "Deployment",
            TargetKind::StatefulSet => "StatefulSet",
            TargetKind::ReplicaSet => "ReplicaSet",
        }
    }
}

impl Metric {
    pub const ALL: [Metric; 2] = [Metric::Cpu, Metric::Memory];

    pub fn as_str(self) -> &'static str {
        match self {
            Metric::Cpu => "cpu",
            Metric::Memory => "memory",
        }
    }
}

impl Select {
    pub fn as_str(self) -> &'static str {
        match self {
            Select::Max => "max",
            Select::Min => "min",
            Select::Disabled => "disabled",
        }
    }
}

/// What a scaling policy limits, once it names exactly one of `percent` and `pods`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PolicyKind {
    Percent,
    Pods,
}

impl Policy {
    /// `None` when the policy sets both `percent` and `pods`, or neither.
    pub fn limit(&self) -> Option<(PolicyKind, i32)> {
        match (self.percent, self.pods) {
            (Some(p), None) => Some((PolicyKind::Percent, p)),
            (None, Some(p)) => Some((PolicyKind::Pods, p)),
            _ => None,
        }
    }
}

impl Service {
    /// Both directions with their services-file names, for rules that check each alike.
    pub fn directions(&self) -> [(&'static str, &Direction); 2] {
        [("scaleUp", &self.scale_up), ("scaleDown", &self.scale_down)]
    }

    /// `maxReplicas`, or `minReplicas` when it is unset.
    pub fn effective_max(&self) -> &Sourced<i32> {
        self.max_replicas.as_ref().unwrap_or(&self.min_replicas)
    }

    pub fn uses(&self, metric: Metric) -> bool {
        self.metrics.value.contains(&metric)
    }
}

impl Services {
    /// A label at a written value.
    pub fn label_at(&self, pointer: &str, text: impl Into<String>) -> Label {
        Label::new(&self.file, self.root.locate(pointer).label(), text)
    }

    /// A label at a key (a service's name).
    pub fn key_label(&self, pointer: &str, text: impl Into<String>) -> Label {
        let located = self.root.locate(pointer);
        Label::new(&self.file, located.key.unwrap_or(located.value), text)
    }

    /// The label for a service's value: where it is written, or, for a built-in default, the
    /// service's name with a note saying so.
    pub fn value_label(&self, service: &Service, origin: &Origin, text: &str) -> Label {
        match &origin.pointer {
            Some(pointer) => self.label_at(pointer, text),
            None => self.key_label(&service.pointer, format!("{text} (a built-in default)")),
        }
    }

    /// The label and pointer of a part of a value (`/0/period` of a policy list): where it is
    /// written or, for a built-in default, the service's name; the pointer is empty then.
    pub fn part_label(
        &self,
        service: &Service,
        origin: &Origin,
        suffix: &str,
        text: &str,
    ) -> (Label, String) {
        match &origin.pointer {
            Some(pointer) => {
                let pointer = format!("{pointer}{suffix}");
                (self.label_at(&pointer, text), pointer)
            }
            None => (
                self.key_label(&service.pointer, format!("{text} (a built-in default)")),
                String::new(),
            ),
        }
    }

    /// A secondary label at the service, when the value was inherited from elsewhere.
    pub fn inherited_label(&self, service: &Service, origin: &Origin) -> Option<Label> {
        (origin.level != Level::Service && origin.pointer.is_some())
            .then(|| self.key_label(&service.pointer, format!("`{}` inherits it", service.name)))
    }

    pub fn service(&self, name: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.name == name)
    }
}
