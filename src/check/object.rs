//! One Kubernetes object of the input, while its YAML tree is alive: where its values are
//! written, its identity, and the typed views the rules read (an HPA converted to
//! `autoscaling/v2` and defaulted as the API server does; a workload's containers).

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde_json::Value;

use crate::diagnostics::{Diagnostic, Label};
use crate::k8s::hpa_api::{self, ConvertedHpa};
use crate::model::Service;
use crate::rules::Rule;
use crate::source::{SourceFile, Span};
use crate::yaml::{self, Node};

use super::Settings;

/// The kinds `check` has rules for.
pub const HPA: &str = "HorizontalPodAutoscaler";
pub const WORKLOAD_KINDS: [&str; 3] = ["Deployment", "StatefulSet", "ReplicaSet"];

/// Whether `check` reads objects of this kind (in any apiVersion).
pub fn has_rules(kind: &str) -> bool {
    kind == HPA || WORKLOAD_KINDS.contains(&kind)
}

/// An object's identity: `namespace/Kind/name`, or `Kind/name` when the manifest sets no
/// namespace (kubectl then applies it to the current context's namespace).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectId {
    pub namespace: Option<String>,
    pub kind: String,
    pub name: String,
}

impl fmt::Display for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(namespace) = &self.namespace {
            write!(f, "{namespace}/")?;
        }
        write!(f, "{}/{}", self.kind, self.name)
    }
}

impl ObjectId {
    /// Whether two objects can be in the same namespace: equal namespaces, or one of them
    /// unset (it lands in whatever namespace `kubectl apply -n` names).
    pub fn same_namespace(&self, other: &ObjectId) -> bool {
        match (&self.namespace, &other.namespace) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        }
    }
}

/// One object of the input with its tree.
pub struct Object<'a> {
    pub file: &'a Arc<SourceFile>,
    /// The object's own node (an item of a `List`, or the document).
    pub node: &'a Node,
    /// The JSON view of `node`, which schemas and the API validation read.
    pub json: Value,
    pub api_version: String,
    pub id: ObjectId,
    pub settings: &'a Settings,
}

impl<'a> Object<'a> {
    /// Reads the identity of a node; `None` when it is not a Kubernetes object (no string
    /// `apiVersion` and `kind`).
    pub fn identify(node: &Node) -> Option<(String, String)> {
        let api_version = node.get("apiVersion")?.as_str()?.to_owned();
        let kind = node.get("kind")?.as_str()?.to_owned();
        Some((api_version, kind))
    }

    pub fn new(
        file: &'a Arc<SourceFile>,
        node: &'a Node,
        api_version: String,
        kind: String,
        settings: &'a Settings,
    ) -> Self {
        let json = node.to_json();
        let text = |pointer: &str| {
            json.pointer(pointer)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let id = ObjectId {
            namespace: text("/metadata/namespace"),
            name: text("/metadata/name")
                .or_else(|| text("/metadata/generateName").map(|g| format!("{g}*")))
                .unwrap_or_else(|| "<unnamed>".into()),
            kind,
        };
        Self {
            file,
            node,
            json,
            api_version,
            id,
            settings,
        }
    }

    /// Whether the manifest writes a value at `pointer`.
    pub fn is_written(&self, pointer: &str) -> bool {
        self.node.pointer(pointer).is_some()
    }

    /// The span a label at `pointer` underlines: the value, a collection's key, or for a
    /// pointer that leads nowhere, its nearest written ancestor.
    pub fn span(&self, pointer: &str) -> Span {
        self.node.locate(pointer).label()
    }

    pub fn label(&self, pointer: &str, text: impl Into<String>) -> Label {
        Label::new(self.file, self.span(pointer), text)
    }

    /// A diagnostic about the value at `pointer` (written or not): the object, the field path
    /// and the pointer are filled in; the caller adds the labels.
    pub fn diagnostic(
        &self,
        rule: &'static Rule,
        message: impl Into<String>,
        pointer: &str,
    ) -> Diagnostic {
        Diagnostic::new(rule, message)
            .object(self.id.to_string())
            .path(field_path(&self.json, pointer))
            .pointer(pointer)
    }

    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.json
            .get("metadata")?
            .get("annotations")?
            .get(key)?
            .as_str()
    }

    pub fn label_value(&self, key: &str) -> Option<&str> {
        self.json.get("metadata")?.get("labels")?.get(key)?.as_str()
    }
}

/// A HorizontalPodAutoscaler of any served apiVersion, as the API server sees it: converted to
/// `autoscaling/v2` and defaulted. Rules read the v2 form and point at the value as written.
pub struct Hpa<'o, 'a> {
    pub object: &'o Object<'a>,
    pub converted: ConvertedHpa,
    /// The service of the services file the HPA belongs to ([`Settings::service_of_hpa`]).
    pub service: Option<&'a Service>,
}

impl<'o, 'a> Hpa<'o, 'a> {
    /// `None` when the apiVersion is not one of the HPA versions the API engine reads.
    pub fn new(object: &'o Object<'a>) -> Option<Self> {
        let converted = hpa_api::convert_to_v2(&object.json).ok()?;
        let service = object.settings.service_of_hpa(object);
        Some(Self {
            object,
            converted,
            service,
        })
    }

    pub fn v2(&self) -> &Value {
        &self.converted.v2
    }

    pub fn spec(&self) -> Option<&Value> {
        self.v2().get("spec")
    }

    /// An `int32` of the v2 spec (`minReplicas` after defaulting), when it has that type.
    pub fn spec_i32(&self, key: &str) -> Option<i32> {
        self.spec()?
            .get(key)?
            .as_i64()
            .and_then(|n| i32::try_from(n).ok())
    }

    /// Where a field of the v2 object (`spec.metrics[0].resource.target.averageUtilization`) is
    /// written: the JSON pointer of the value in the manifest (`/spec/targetCPUUtilizationPercentage`
    /// for autoscaling/v1), the field path as written, and whether the manifest writes it
    /// (`false`: defaulting or conversion made it; the pointer is where it would go).
    pub fn written(&self, v2_path: &str) -> Written {
        let path = self.converted.original_path(v2_path);
        let pointer = hpa_api::field_path_to_json_pointer(&path);
        let exact = self.object.is_written(&pointer);
        Written {
            pointer,
            path,
            exact,
        }
    }

    /// A diagnostic about a v2 field, labelled where it is written (or, when defaulting made
    /// it, at its nearest written ancestor with `missing_text`).
    pub fn diagnostic(
        &self,
        rule: &'static Rule,
        message: impl Into<String>,
        v2_path: &str,
        text: &str,
        missing_text: &str,
    ) -> Diagnostic {
        let written = self.written(v2_path);
        let label = self.object.label(
            &written.pointer,
            if written.exact { text } else { missing_text },
        );
        Diagnostic::new(rule, message)
            .object(self.object.id.to_string())
            .path(written.path)
            .pointer(written.pointer)
            .at(label)
    }

    /// The Resource and ContainerResource metrics of the v2 spec: (index, resource name,
    /// container, target).
    pub fn resource_metrics(&self) -> Vec<ResourceMetric<'_>> {
        resource_metrics(self.v2())
    }
}

/// The Resource and ContainerResource metrics of an `autoscaling/v2` HPA (see
/// [`Hpa::resource_metrics`]).
pub fn resource_metrics(v2: &Value) -> Vec<ResourceMetric<'_>> {
    let Some(metrics) = v2.get("spec").and_then(|s| s.get("metrics")?.as_array()) else {
        return Vec::new();
    };
    metrics
        .iter()
        .enumerate()
        .filter_map(|(index, metric)| {
            let (source, field) = match metric.get("type")?.as_str()? {
                "Resource" => (metric.get("resource")?, "resource"),
                "ContainerResource" => (metric.get("containerResource")?, "containerResource"),
                _ => return None,
            };
            Some(ResourceMetric {
                index,
                field,
                resource: source.get("name")?.as_str()?,
                container: source.get("container").and_then(Value::as_str),
                target: source.get("target"),
            })
        })
        .collect()
}

/// Where a v2 field is written in the manifest.
#[derive(Clone, Debug)]
pub struct Written {
    pub pointer: String,
    pub path: String,
    pub exact: bool,
}

/// A metric on a resource of the pods (`cpu`, `memory`).
#[derive(Clone, Copy, Debug)]
pub struct ResourceMetric<'v> {
    pub index: usize,
    /// `resource` or `containerResource`.
    pub field: &'static str,
    pub resource: &'v str,
    pub container: Option<&'v str>,
    pub target: Option<&'v Value>,
}

impl ResourceMetric<'_> {
    /// The v2 field path of the metric source (`spec.metrics[0].resource`).
    pub fn path(&self) -> String {
        format!("spec.metrics[{}].{}", self.index, self.field)
    }

    /// Whether the target is a utilization: a percentage of the request.
    pub fn is_utilization(&self) -> bool {
        self.target
            .and_then(|t| t.get("type"))
            .and_then(Value::as_str)
            == Some("Utilization")
    }

    pub fn utilization(&self) -> Option<&Value> {
        let target = self.target?;
        (target.get("type")?.as_str()? == "Utilization")
            .then(|| target.get("averageUtilization"))
            .flatten()
    }
}

/// A Deployment, StatefulSet or ReplicaSet: its pod template's containers.
pub struct Workload<'o, 'a> {
    pub object: &'o Object<'a>,
    pub containers: Vec<Container>,
}

/// A container of a pod template, with what the HPA controller and the API server read.
#[derive(Clone, Debug)]
pub struct Container {
    /// `/spec/template/spec/containers/0`.
    pub pointer: String,
    pub name: String,
    /// An init container (`initContainers`).
    pub init: bool,
    /// An init container with `restartPolicy: Always`: a native sidecar, which runs beside
    /// the app and counts for utilization.
    pub sidecar: bool,
    /// Requests and limits as written, by resource name.
    pub requests: BTreeMap<String, Value>,
    pub limits: BTreeMap<String, Value>,
}

impl Container {
    /// Whether the container counts for a pod's utilization (the HPA controller sums app
    /// containers and native sidecars, never plain init containers).
    pub fn counts_for_utilization(&self) -> bool {
        !self.init || self.sidecar
    }
}

/// Where a workload's pod spec is.
pub const POD_SPEC: &str = "/spec/template/spec";

impl<'o, 'a> Workload<'o, 'a> {
    pub fn new(object: &'o Object<'a>) -> Self {
        let mut containers = Vec::new();
        for (field, init) in [("containers", false), ("initContainers", true)] {
            let list = object
                .json
                .pointer(&format!("{POD_SPEC}/{field}"))
                .and_then(Value::as_array);
            for (i, container) in list.into_iter().flatten().enumerate() {
                let map = |key: &str| -> BTreeMap<String, Value> {
                    container
                        .get("resources")
                        .and_then(|r| r.get(key))
                        .and_then(Value::as_object)
                        .map(|m| {
                            m.iter()
                                .filter(|(_, v)| !v.is_null())
                                .map(|(k, v)| (k.clone(), v.clone()))
                                .collect()
                        })
                        .unwrap_or_default()
                };
                containers.push(Container {
                    pointer: format!("{POD_SPEC}/{field}/{i}"),
                    name: container
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                    init,
                    sidecar: init
                        && container.get("restartPolicy").and_then(Value::as_str) == Some("Always"),
                    requests: map("requests"),
                    limits: map("limits"),
                });
            }
        }
        Self { object, containers }
    }

    /// Resources the pod template requests at pod level (`spec.template.spec.resources`,
    /// the `PodLevelResources` feature), which the HPA controller then uses instead of the
    /// containers'.
    pub fn pod_requests(&self) -> Vec<String> {
        let resources = self.object.json.pointer(&format!("{POD_SPEC}/resources"));
        ["requests", "limits"]
            .iter()
            .filter_map(|key| resources?.get(key)?.as_object())
            .flat_map(|m| m.keys().cloned())
            .collect()
    }
}

/// Keys of these mappings are data, not field names: the API server writes them in brackets
/// (`metadata.annotations[scalegen.io/ignore]`, `resources.requests[cpu]`).
const MAP_FIELDS: [&str; 7] = [
    "annotations",
    "labels",
    "matchLabels",
    "nodeSelector",
    "requests",
    "limits",
    "data",
];

/// The Kubernetes field path of a JSON pointer, as the API server writes it:
/// `/spec/behavior/scaleUp/policies/0/periodSeconds` →
/// `spec.behavior.scaleUp.policies[0].periodSeconds`.
pub fn field_path(json: &Value, pointer: &str) -> String {
    let mut out = String::new();
    let mut node = Some(json);
    let mut parent_key = String::new();
    for token in yaml::pointer_tokens(pointer) {
        let index = match node {
            Some(Value::Array(_)) => true,
            Some(_) => false,
            None => token.parse::<usize>().is_ok(),
        };
        if index || MAP_FIELDS.contains(&parent_key.as_str()) {
            out.push_str(&format!("[{token}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&token);
        }
        node = node.and_then(|n| match n {
            Value::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
            Value::Object(map) => map.get(&token),
            _ => None,
        });
        parent_key = token;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn field_paths_are_written_as_the_api_server_writes_them() {
        let doc = json!({
            "metadata": {"annotations": {"scalegen.io/ignore": "x"}},
            "spec": {"behavior": {"scaleUp": {"policies": [{"periodSeconds": 1}]}},
                     "template": {"spec": {"containers": [{"resources": {"requests": {}}}]}}}
        });
        assert_eq!(
            field_path(&doc, "/spec/behavior/scaleUp/policies/0/periodSeconds"),
            "spec.behavior.scaleUp.policies[0].periodSeconds"
        );
        assert_eq!(
            field_path(&doc, "/metadata/annotations/scalegen.io~1ignore"),
            "metadata.annotations[scalegen.io/ignore]"
        );
        assert_eq!(
            field_path(
                &doc,
                "/spec/template/spec/containers/0/resources/requests/cpu"
            ),
            "spec.template.spec.containers[0].resources.requests[cpu]"
        );
        // Beyond what is written, numbers are indices.
        assert_eq!(
            field_path(&doc, "/spec/metrics/0/resource"),
            "spec.metrics[0].resource"
        );
        assert_eq!(field_path(&doc, ""), "");
    }

    #[test]
    fn object_ids_leave_out_an_unset_namespace() {
        let id = ObjectId {
            namespace: None,
            kind: "Deployment".into(),
            name: "web".into(),
        };
        assert_eq!(id.to_string(), "Deployment/web");
        let namespaced = ObjectId {
            namespace: Some("prod".into()),
            ..id.clone()
        };
        assert_eq!(namespaced.to_string(), "prod/Deployment/web");
        assert!(id.same_namespace(&namespaced));
    }
}
