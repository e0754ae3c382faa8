//! What the rules across objects need to know about each object, kept after its YAML tree is
//! dropped: an HPA's target and metrics, a workload's containers and replicas, each with the
//! place it is written. A large input is checked file by file and only this stays in memory.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use serde_json::Value;

use crate::diagnostics::{Diagnostic, Label};
use crate::rules::Rule;
use crate::source::{SourceFile, Span};

use super::Settings;
use super::object::{Hpa, Object, ObjectId, Workload, field_path};

/// A value of an object: where it is written (or, for one the manifest leaves out, where it
/// would go), and its field path.
#[derive(Clone, Debug)]
pub struct Place {
    pub span: Span,
    pub pointer: String,
    pub path: String,
}

impl Place {
    fn of(object: &Object<'_>, pointer: &str) -> Self {
        Self {
            span: object.span(pointer),
            pointer: pointer.to_owned(),
            path: field_path(&object.json, pointer),
        }
    }
}

/// One object, as the rules across objects see it.
#[derive(Clone, Debug)]
pub struct Facts {
    pub file: Arc<SourceFile>,
    pub id: ObjectId,
    /// `metadata.name` (or the object itself when it has none).
    pub name: Place,
    pub kind: FactsKind,
}

#[derive(Clone, Debug)]
pub enum FactsKind {
    Hpa(HpaFacts),
    Workload(WorkloadFacts),
}

#[derive(Clone, Debug)]
pub struct HpaFacts {
    /// `scaleTargetRef` kind and name, when both are strings.
    pub target: Option<(String, String)>,
    /// `scaleTargetRef.name`.
    pub target_place: Place,
    /// The resource metrics after defaulting (an HPA without metrics scales on CPU).
    pub metrics: Vec<MetricFacts>,
    /// The service of the services file the HPA belongs to.
    pub service: Option<String>,
}

#[derive(Clone, Debug)]
pub struct MetricFacts {
    /// `cpu`, `memory`, …
    pub resource: String,
    /// For a ContainerResource metric: the container it measures.
    pub container: Option<String>,
    /// Whether the target is a utilization (a percentage of the request).
    pub utilization: bool,
    /// Whether the manifest writes the metric (`false`: the default CPU metric).
    pub written: bool,
    pub place: Place,
}

#[derive(Clone, Debug)]
pub struct WorkloadFacts {
    /// `spec.replicas` when the manifest sets it, with its value as written.
    pub replicas: Option<(Place, String)>,
    pub containers: Vec<ContainerFacts>,
    /// Resources requested for the whole pod (`PodLevelResources`).
    pub pod_requests: BTreeSet<String>,
}

#[derive(Clone, Debug)]
pub struct ContainerFacts {
    pub name: String,
    /// The container's `name` (or the list item).
    pub place: Place,
    /// The container itself (`/spec/template/spec/containers/0`), and its field path.
    pub pointer: String,
    pub path: String,
    pub counts_for_utilization: bool,
    /// Resources the container ends up requesting (written, or defaulted from a limit).
    pub requests: BTreeSet<String>,
}

impl Facts {
    pub fn hpa(hpa: &Hpa<'_, '_>) -> Self {
        let object = hpa.object;
        let reference = hpa.spec().and_then(|s| s.get("scaleTargetRef"));
        let text = |key: &str| {
            reference
                .and_then(|r| r.get(key))
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        let metrics = hpa
            .resource_metrics()
            .into_iter()
            .map(|metric| {
                let written = hpa.written(&metric.path());
                MetricFacts {
                    resource: metric.resource.to_owned(),
                    container: metric.container.map(str::to_owned),
                    utilization: metric.is_utilization(),
                    written: written.exact,
                    place: Place {
                        span: object.span(&written.pointer),
                        pointer: written.pointer,
                        path: written.path,
                    },
                }
            })
            .collect();
        Self {
            file: Arc::clone(object.file),
            id: object.id.clone(),
            name: Place::of(object, "/metadata/name"),
            kind: FactsKind::Hpa(HpaFacts {
                target: text("kind").zip(text("name")),
                target_place: Place::of(object, "/spec/scaleTargetRef/name"),
                metrics,
                service: hpa.service.map(|s| s.name.clone()),
            }),
        }
    }

    pub fn workload(workload: &Workload<'_, '_>) -> Self {
        let object = workload.object;
        let replicas = object
            .json
            .pointer("/spec/replicas")
            .filter(|v| !v.is_null())
            .map(|value| {
                (
                    Place::of(object, "/spec/replicas"),
                    crate::yaml::describe_json(value),
                )
            });
        let containers = workload
            .containers
            .iter()
            .map(|c| ContainerFacts {
                name: c.name.clone(),
                place: Place::of(object, &format!("{}/name", c.pointer)),
                pointer: c.pointer.clone(),
                path: field_path(&object.json, &c.pointer),
                counts_for_utilization: c.counts_for_utilization(),
                requests: c.requests.keys().chain(c.limits.keys()).cloned().collect(),
            })
            .collect();
        Self {
            file: Arc::clone(object.file),
            id: object.id.clone(),
            name: Place::of(object, "/metadata/name"),
            kind: FactsKind::Workload(WorkloadFacts {
                replicas,
                containers,
                pod_requests: workload.pod_requests().into_iter().collect(),
            }),
        }
    }

    pub fn label(&self, place: &Place, text: impl Into<String>) -> Label {
        Label::new(&self.file, place.span, text)
    }

    /// A diagnostic about the value at `place` of this object.
    pub fn diagnostic(
        &self,
        rule: &'static Rule,
        message: impl Into<String>,
        place: &Place,
        text: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::new(rule, message)
            .object(self.id.to_string())
            .path(place.path.clone())
            .pointer(place.pointer.clone())
            .at(self.label(place, text))
    }
}

/// Every object of the run, for the rules across objects.
pub struct Inventory<'s> {
    pub objects: Vec<Facts>,
    pub settings: &'s Settings,
    /// The workloads of `objects` by kind and name: their indices, in order.
    workloads_by_name: HashMap<(String, String), Vec<usize>>,
}

impl<'s> Inventory<'s> {
    pub fn new(objects: Vec<Facts>, settings: &'s Settings) -> Self {
        let mut workloads_by_name: HashMap<(String, String), Vec<usize>> = HashMap::new();
        for (index, object) in objects.iter().enumerate() {
            if let FactsKind::Workload(_) = object.kind {
                workloads_by_name
                    .entry((object.id.kind.clone(), object.id.name.clone()))
                    .or_default()
                    .push(index);
            }
        }
        Self {
            objects,
            settings,
            workloads_by_name,
        }
    }

    pub fn hpas(&self) -> impl Iterator<Item = (&Facts, &HpaFacts)> {
        self.objects.iter().filter_map(|o| match &o.kind {
            FactsKind::Hpa(h) => Some((o, h)),
            FactsKind::Workload(_) => None,
        })
    }

    pub fn workloads(&self) -> impl Iterator<Item = (&Facts, &WorkloadFacts)> {
        self.objects.iter().filter_map(|o| match &o.kind {
            FactsKind::Workload(w) => Some((o, w)),
            FactsKind::Hpa(_) => None,
        })
    }

    /// The workloads of the input an HPA scales (several when the same workload is written
    /// in several files, such as a kustomize base and its rendered overlay).
    pub fn targets_of<'i>(
        &'i self,
        hpa: &'i Facts,
        facts: &'i HpaFacts,
    ) -> impl Iterator<Item = (&'i Facts, &'i WorkloadFacts)> + 'i {
        facts
            .target
            .as_ref()
            .and_then(|target| self.workloads_by_name.get(target))
            .into_iter()
            .flatten()
            .filter_map(move |&index| {
                let workload = &self.objects[index];
                match &workload.kind {
                    FactsKind::Workload(w) if workload.id.same_namespace(&hpa.id) => {
                        Some((workload, w))
                    }
                    _ => None,
                }
            })
    }
}
