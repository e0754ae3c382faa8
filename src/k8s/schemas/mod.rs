//! Tightened JSON Schemas (draft-07) of the Kubernetes objects `scalegen check` reads, and
//! compiled validators for them.
//!
//! # What is checked here, and what is not
//!
//! Structure only: unknown fields, wrong JSON types, missing required fields, integers outside
//! their Go type (`int32`/`int64`), malformed quantities and timestamps, and the object's own
//! `apiVersion`/`kind`. Cross-field rules and value ranges that the API server's validation
//! enforces (`minReplicas <= maxReplicas`, enum values such as `type: Utilization`, a
//! `selector` that matches the template labels, …) are Rust rules elsewhere.
//!
//! # Where the schemas come from
//!
//! They are generated at run time from `k8s-openapi`'s `schemars` implementations (one source of
//! truth, nothing committed that can go stale) and then tightened, because the upstream
//! Kubernetes OpenAPI has none of these constraints:
//!
//! - every object schema with `properties` gets `additionalProperties: false`, except where
//!   Kubernetes keeps free-form content: maps (`labels`, `annotations`, `nodeSelector`,
//!   `resources.limits`, … keep their `additionalProperties` value schema), schemas marked
//!   `x-kubernetes-preserve-unknown-fields`, and objects without `properties` (`RawExtension`,
//!   `FieldsV1`);
//! - optional fields accept `null` (the API server's decoder treats `null` as absent, and
//!   `kubectl create --dry-run=client -o yaml` emits `creationTimestamp: null`), and so do map
//!   values (Go decodes `null` into a map's zero value); required fields, array items and the
//!   document itself do not;
//! - `int32` and `int64` fields get their Go bounds;
//! - `Quantity` accepts a string matching the API server's quantity pattern or a number
//!   (`cpu: 1`, `memory: 1.5`); upstream it accepts anything;
//!   `IntOrString` accepts an `int32` or a string; `Time` stays an RFC 3339 `date-time` string;
//!   these three carry an `x-scalegen-expected` annotation (what `structure` says is expected);
//! - the document's own `apiVersion` and `kind` become `const`, and `apiVersion`, `kind`,
//!   `metadata` and `spec` are required (none of these kinds is accepted without a `spec`: its
//!   required fields would all be missing);
//! - `status` is written by controllers and reset by the API server on create, so inside
//!   definitions reachable only from `status` nothing is required (`status: {}` passes); types
//!   and unknown fields are still checked there, as the API server's strict field validation
//!   decodes `status` too.
//!
//! `$ref`s stay local (`#/definitions/…`); nothing is fetched. An optional property whose schema
//! is a `$ref` is written `{"if": {"type": "null"}, "else": {"$ref": …}}` rather than with
//! `anyOf`, so that an error inside it is reported by itself, at its own instance path, instead
//! of being wrapped in an `anyOf` error at the property.
//!
//! # From a validation error to a diagnostic
//!
//! For each [`jsonschema::ValidationError`] from [`KindSchema::iter_errors`]:
//!
//! - `instance_path()` is a JSON pointer into the document (`/spec/metrics/0/resource/target`):
//!   look it up in the document's pointer → span index. For `Required` and
//!   `AdditionalProperties` errors it points at the *object*, not at the (missing or unknown)
//!   key: the key's own span is the object's pointer plus `/` plus the name.
//! - `schema_path()` is the keyword's canonical location in [`KindSchema::schema`]
//!   (`/definitions/io.k8s.api.autoscaling.v2.MetricTarget/additionalProperties`); it never
//!   goes through a `$ref`. The schema object holding that keyword (at the parent of
//!   `schema_path`; [`crate::structure::issues`] looks it up) names the allowed fields in its
//!   `properties` keys (for "did you mean"), and its `description` says what the field is for.
//! - `kind()` says what is wrong: `AdditionalProperties { unexpected }` (unknown fields),
//!   `Required { property }`, `Type { kind }` (expected types; drop `null` from the list before
//!   showing it: it is only there because the field is optional), `Minimum`/`Maximum` (out of
//!   the int32/int64 range; the owner's `format` says which), `Constant { expected_value }`
//!   (wrong `apiVersion`/`kind`), `Pattern` (a malformed quantity: the last `definitions`
//!   segment of `schema_path` names the type, here `…resource.Quantity`), `Format`
//!   (`date-time`).

pub mod v2beta1;

use std::collections::{BTreeSet, VecDeque};
use std::sync::OnceLock;

use jsonschema::{Draft, ErrorIterator, Validator};
use k8s_openapi::api::{apps, autoscaling};
use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

pub use v2beta1::HorizontalPodAutoscaler as HorizontalPodAutoscalerV2beta1;

/// The definition names whose upstream schema is replaced (see the module docs).
const QUANTITY: &str = "io.k8s.apimachinery.pkg.api.resource.Quantity";
const INT_OR_STRING: &str = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
const TIMES: [&str; 2] = [
    "io.k8s.apimachinery.pkg.apis.meta.v1.Time",
    "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime",
];

/// The annotation `structure` reads to say what a value should look like ("expected …").
pub const EXPECTED_ANNOTATION: &str = "x-scalegen-expected";

/// The pattern the API server's quantity parser reports when it rejects a string
/// (`quantities must match the regular expression …`). It accepts a superset of valid
/// quantities (`1mi` matches but does not parse), so it never rejects a valid one.
pub const QUANTITY_PATTERN: &str = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$";

/// One (apiVersion, kind) this module knows.
struct Entry {
    api_version: &'static str,
    kind: &'static str,
    /// The upstream schema, before tightening.
    raw: fn() -> Value,
}

const ENTRIES: [Entry; 7] = [
    Entry {
        api_version: "autoscaling/v2",
        kind: "HorizontalPodAutoscaler",
        raw: root_schema::<autoscaling::v2::HorizontalPodAutoscaler>,
    },
    Entry {
        api_version: "autoscaling/v1",
        kind: "HorizontalPodAutoscaler",
        raw: root_schema::<autoscaling::v1::HorizontalPodAutoscaler>,
    },
    Entry {
        api_version: "autoscaling/v2beta2",
        kind: "HorizontalPodAutoscaler",
        raw: hpa_v2beta2,
    },
    Entry {
        api_version: "autoscaling/v2beta1",
        kind: "HorizontalPodAutoscaler",
        raw: hpa_v2beta1,
    },
    Entry {
        api_version: "apps/v1",
        kind: "Deployment",
        raw: root_schema::<apps::v1::Deployment>,
    },
    Entry {
        api_version: "apps/v1",
        kind: "StatefulSet",
        raw: root_schema::<apps::v1::StatefulSet>,
    },
    Entry {
        api_version: "apps/v1",
        kind: "ReplicaSet",
        raw: root_schema::<apps::v1::ReplicaSet>,
    },
];

static COMPILED: [OnceLock<KindSchema>; ENTRIES.len()] = [const { OnceLock::new() }; ENTRIES.len()];

/// The tightened schema of one (apiVersion, kind) and its compiled validator.
///
/// Obtained from [`validator`]; built once per process, on first use, and shared (it is
/// `Send + Sync`, so rayon workers can use the same one).
pub struct KindSchema {
    api_version: &'static str,
    kind: &'static str,
    schema: Value,
    validator: Validator,
}

// Validators are shared across rayon worker threads.
const _: fn() = || {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<KindSchema>();
    assert_send_sync::<Validator>();
};

impl std::fmt::Debug for KindSchema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KindSchema")
            .field("api_version", &self.api_version)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

impl KindSchema {
    fn build(entry: &Entry) -> Self {
        let schema = tightened(entry);
        let validator = compile(&schema).unwrap_or_else(|error| {
            // Unreachable for the fixed table above: the tests compile every entry.
            panic!(
                "the generated schema of {} {} does not compile: {error}",
                entry.api_version, entry.kind
            )
        });
        Self {
            api_version: entry.api_version,
            kind: entry.kind,
            schema,
            validator,
        }
    }

    /// The `apiVersion` this schema accepts.
    pub fn api_version(&self) -> &'static str {
        self.api_version
    }

    /// The `kind` this schema accepts.
    pub fn kind(&self) -> &'static str {
        self.kind
    }

    /// The tightened draft-07 schema; every error's `schema_path` is a JSON pointer into it.
    pub fn schema(&self) -> &Value {
        &self.schema
    }

    /// The compiled validator.
    pub fn validator(&self) -> &Validator {
        &self.validator
    }

    /// Whether `document` is valid. Cheaper than [`iter_errors`](Self::iter_errors) when
    /// most documents are valid: call this first and collect errors only for the others.
    pub fn is_valid(&self, document: &Value) -> bool {
        self.validator.is_valid(document)
    }

    /// Every structural error in `document` (any JSON value; never panics).
    pub fn iter_errors<'i>(&'i self, document: &'i Value) -> ErrorIterator<'i> {
        self.validator.iter_errors(document)
    }
}

/// The compiled schema of `(api_version, kind)`, built on first use and cached for the life of
/// the process; `None` for a pair this module does not support (see [`supported`]).
pub fn validator(api_version: &str, kind: &str) -> Option<&'static KindSchema> {
    let index = ENTRIES
        .iter()
        .position(|entry| entry.api_version == api_version && entry.kind == kind)?;
    Some(COMPILED[index].get_or_init(|| KindSchema::build(&ENTRIES[index])))
}

/// Every supported `(apiVersion, kind)`, HorizontalPodAutoscalers first.
pub fn supported() -> impl Iterator<Item = (&'static str, &'static str)> {
    ENTRIES.iter().map(|entry| (entry.api_version, entry.kind))
}

/// The supported apiVersions of `kind` (to say "HorizontalPodAutoscaler is served as
/// autoscaling/v2, …" when a document pairs a known kind with another apiVersion).
pub fn api_versions_of(kind: &str) -> impl Iterator<Item = &'static str> {
    ENTRIES
        .iter()
        .filter(move |entry| entry.kind == kind)
        .map(|entry| entry.api_version)
}

/// A freshly generated and compiled [`KindSchema`], bypassing the cache (to measure the cost of a
/// first use, or to own one); `None` for an unsupported pair. Prefer [`validator`].
pub fn build(api_version: &str, kind: &str) -> Option<KindSchema> {
    ENTRIES
        .iter()
        .find(|entry| entry.api_version == api_version && entry.kind == kind)
        .map(KindSchema::build)
}

/// A freshly generated (uncompiled) tightened schema of `(api_version, kind)`, e.g. to write it
/// out for an editor; `None` for an unsupported pair.
pub fn generate(api_version: &str, kind: &str) -> Option<Value> {
    ENTRIES
        .iter()
        .find(|entry| entry.api_version == api_version && entry.kind == kind)
        .map(tightened)
}

fn tightened(entry: &Entry) -> Value {
    let mut schema = (entry.raw)();
    tighten(&mut schema, entry.api_version, entry.kind);
    schema
}

fn compile(schema: &Value) -> Result<Validator, jsonschema::ValidationError<'static>> {
    jsonschema::options()
        .with_draft(Draft::Draft7)
        .offline()
        .should_validate_formats(true)
        .build(schema)
}

/// The draft-07 root schema of `T`, its subschemas under `#/definitions`.
fn root_schema<T: JsonSchema>() -> Value {
    SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<T>()
        .into()
}

/// `autoscaling/v2beta2` has the shape of `autoscaling/v2` except for
/// `HPAScalingRules.tolerance`, added to `v2` in Kubernetes 1.33 after `v2beta2` was removed.
/// (In `v2beta2`, `status.currentReplicas` was also required; requirements inside `status` are
/// not checked, see the module docs.) Definitions are renamed so that schema paths name the
/// right version.
fn hpa_v2beta2() -> Value {
    let mut schema = root_schema::<autoscaling::v2::HorizontalPodAutoscaler>();
    if let Some(properties) = schema
        .pointer_mut("/definitions/io.k8s.api.autoscaling.v2.HPAScalingRules/properties")
        .and_then(Value::as_object_mut)
    {
        properties.remove("tolerance");
    }
    rename_definitions(
        &mut schema,
        "io.k8s.api.autoscaling.v2.",
        "io.k8s.api.autoscaling.v2beta2.",
    );
    schema
}

/// `autoscaling/v2beta1` from our own structs; the definitions borrowed from `k8s-openapi`'s
/// `v2` (`CrossVersionObjectReference`, `HorizontalPodAutoscalerCondition`) are renamed so that
/// schema paths name the right version.
fn hpa_v2beta1() -> Value {
    let mut schema = root_schema::<v2beta1::HorizontalPodAutoscaler>();
    rename_definitions(
        &mut schema,
        "io.k8s.api.autoscaling.v2.",
        "io.k8s.api.autoscaling.v2beta1.",
    );
    schema
}

/// Renames every definition whose name starts with `from` (and every `$ref` and `title`
/// naming one) to start with `to` instead.
fn rename_definitions(schema: &mut Value, from: &str, to: &str) {
    fn rename(name: &str, from: &str, to: &str) -> Option<String> {
        name.strip_prefix(from).map(|rest| format!("{to}{rest}"))
    }
    fn walk(node: &mut Value, from: &str, to: &str) {
        match node {
            Value::Object(map) => {
                for (key, value) in map.iter_mut() {
                    match (key.as_str(), &*value) {
                        ("$ref", Value::String(target)) => {
                            let local = target.strip_prefix("#/definitions/");
                            if let Some(renamed) = local.and_then(|name| rename(name, from, to)) {
                                *value = Value::String(format!("#/definitions/{renamed}"));
                            }
                        }
                        ("title", Value::String(title)) => {
                            if let Some(renamed) = rename(title, from, to) {
                                *value = Value::String(renamed);
                            }
                        }
                        _ => walk(value, from, to),
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|item| walk(item, from, to)),
            _ => {}
        }
    }
    walk(schema, from, to);
    if let Some(definitions) = schema.get_mut("definitions").and_then(Value::as_object_mut) {
        let old = std::mem::take(definitions);
        *definitions = old
            .into_iter()
            .map(|(name, definition)| (rename(&name, from, to).unwrap_or(name), definition))
            .collect();
    }
}

/// Applies every tightening rule of the module docs to a root schema.
fn tighten(schema: &mut Value, api_version: &str, kind: &str) {
    let Some(root) = schema.as_object_mut() else {
        return;
    };

    // Normalize first: no schema says anything about null until the last step decides it.
    for_each_schema(root, &mut strip_null);

    if let Some(definitions) = root.get_mut("definitions").and_then(Value::as_object_mut) {
        if let Some(quantity) = definitions.get_mut(QUANTITY) {
            replace_keeping_description(
                quantity,
                json!({
                    "type": ["string", "number"],
                    "pattern": QUANTITY_PATTERN,
                    EXPECTED_ANNOTATION: "a quantity such as `250m`, `1.5` or `512Mi`",
                }),
            );
        }
        if let Some(int_or_string) = definitions.get_mut(INT_OR_STRING) {
            replace_keeping_description(
                int_or_string,
                json!({
                    "type": ["integer", "string"],
                    "minimum": i32::MIN,
                    "maximum": i32::MAX,
                    EXPECTED_ANNOTATION: "an integer or a string (such as `25%` or a port name)",
                }),
            );
        }
        for name in TIMES {
            if let Some(Value::Object(time)) = definitions.get_mut(name) {
                time.insert(
                    EXPECTED_ANNOTATION.into(),
                    "an RFC 3339 timestamp such as `2024-05-01T10:00:00Z`".into(),
                );
            }
        }
    }

    drop_status_only_requirements(root);

    if let Some(properties) = root.get_mut("properties").and_then(Value::as_object_mut) {
        for (name, value) in [("apiVersion", api_version), ("kind", kind)] {
            let field = properties.entry(name).or_insert_with(|| json!({}));
            replace_keeping_description(field, json!({ "const": value }));
        }
    }
    let required = root
        .entry("required")
        .or_insert_with(|| Value::Array(Vec::new()));
    if let Value::Array(required) = required {
        for name in ["apiVersion", "kind", "metadata", "spec"] {
            if !required.iter().any(|r| r == name) {
                required.push(Value::from(name));
            }
        }
    }

    for_each_schema(root, &mut tighten_node);
}

/// Calls `f` on the root's own schema and on every definition, each of which `f` walks itself.
fn for_each_schema(root: &mut Map<String, Value>, f: &mut impl FnMut(&mut Value)) {
    let definitions = root.remove("definitions");
    let mut root_value = Value::Object(std::mem::take(root));
    f(&mut root_value);
    if let Value::Object(map) = root_value {
        *root = map;
    }
    if let Some(mut definitions) = definitions {
        if let Some(map) = definitions.as_object_mut() {
            map.values_mut().for_each(&mut *f);
        }
        root.insert("definitions".into(), definitions);
    }
}

/// Replaces `node` by `replacement`, keeping `node`'s `description`.
fn replace_keeping_description(node: &mut Value, mut replacement: Value) {
    let description = node.get("description").cloned();
    if let (Some(description), Some(map)) = (description, replacement.as_object_mut()) {
        map.insert("description".into(), description);
    }
    *node = replacement;
}

/// The direct subschemas of a schema object (the keywords `k8s-openapi` and `schemars` use).
fn subschemas_mut(map: &mut Map<String, Value>) -> impl Iterator<Item = &mut Value> {
    map.iter_mut().flat_map(|(key, value)| {
        let children: Vec<&mut Value> = match (key.as_str(), value) {
            ("properties", Value::Object(properties)) => properties.values_mut().collect(),
            ("items" | "additionalProperties" | "not" | "if" | "then" | "else", child) => {
                vec![child]
            }
            ("allOf" | "anyOf" | "oneOf", Value::Array(branches)) => branches.iter_mut().collect(),
            _ => Vec::new(),
        };
        children
    })
}

/// Removes what `schemars` adds for `Option<T>` (a `"null"` type, or `anyOf: [T, {type: null}]`):
/// whether a field is nullable is decided from `required` alone.
fn strip_null(node: &mut Value) {
    let Some(map) = node.as_object_mut() else {
        return;
    };
    subschemas_mut(map).for_each(strip_null);

    if let Some(Value::Array(types)) = map.get_mut("type") {
        types.retain(|t| t != "null");
        if let [single] = types.as_slice() {
            let single = single.clone();
            map.insert("type".into(), single);
        }
    }
    let is_null = |v: &Value| v.get("type").is_some_and(|t| t == "null");
    if let Some(Value::Array(branches)) = map.get("anyOf")
        && branches.len() == 2
        && branches.iter().any(is_null)
    {
        let Some(Value::Array(branches)) = map.remove("anyOf") else {
            return;
        };
        let Some(Value::Object(other)) = branches.into_iter().find(|b| !is_null(b)) else {
            return;
        };
        if other.len() == 1 && other.contains_key("$ref") {
            map.insert("allOf".into(), Value::Array(vec![Value::Object(other)]));
        } else {
            for (key, value) in other {
                map.entry(key).or_insert(value);
            }
        }
    }
}

/// Closes objects, bounds integers and makes optional properties and map values nullable.
fn tighten_node(node: &mut Value) {
    let Some(map) = node.as_object_mut() else {
        return;
    };
    subschemas_mut(map).for_each(tighten_node);

    if has_type(map, "integer") && !map.contains_key("minimum") && !map.contains_key("maximum") {
        let (min, max) = match map.get("format").and_then(Value::as_str) {
            Some("int32") => (i64::from(i32::MIN), i64::from(i32::MAX)),
            _ => (i64::MIN, i64::MAX),
        };
        map.insert("minimum".into(), min.into());
        map.insert("maximum".into(), max.into());
    }

    let preserves_unknown = map
        .get("x-kubernetes-preserve-unknown-fields")
        .is_some_and(|v| v == true);
    if map.contains_key("properties") && !preserves_unknown {
        map.entry("additionalProperties")
            .or_insert(Value::Bool(false));
    }

    let required: BTreeSet<String> = map
        .get("required")
        .and_then(Value::as_array)
        .map(|names| {
            names
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    if let Some(Value::Object(properties)) = map.get_mut("properties") {
        for (name, property) in properties.iter_mut() {
            if !required.contains(name) {
                make_nullable(property);
            }
        }
    }
    if let Some(values @ Value::Object(_)) = map.get_mut("additionalProperties") {
        make_nullable(values);
    }
}

fn has_type(map: &Map<String, Value>, name: &str) -> bool {
    match map.get("type") {
        Some(Value::String(t)) => t == name,
        Some(Value::Array(types)) => types.iter().any(|t| t == name),
        _ => false,
    }
}

/// Makes a property schema also accept `null`, without wrapping it in `anyOf`.
fn make_nullable(node: &mut Value) {
    let Some(map) = node.as_object_mut() else {
        return;
    };
    if map.contains_key("if") {
        return;
    }
    let single_ref = match map.get("allOf") {
        Some(Value::Array(branches)) => match branches.as_slice() {
            [Value::Object(branch)] if branch.len() == 1 && branch.contains_key("$ref") => {
                branch.get("$ref").cloned()
            }
            _ => None,
        },
        _ => None,
    };
    let target = match single_ref {
        Some(target) => {
            map.remove("allOf");
            Some(target)
        }
        None => map.remove("$ref"),
    };
    if let Some(target) = target {
        map.insert("if".into(), json!({ "type": "null" }));
        map.insert("else".into(), json!({ "$ref": target }));
        return;
    }
    match map.get_mut("type") {
        Some(Value::String(t)) if t != "null" => {
            let t = std::mem::take(t);
            map.insert("type".into(), json!([t, "null"]));
        }
        Some(Value::Array(types)) if !types.iter().any(|t| t == "null") => {
            types.push(Value::from("null"));
        }
        _ => {}
    }
    if let Some(Value::Array(values)) = map.get_mut("enum")
        && !values.contains(&Value::Null)
    {
        values.push(Value::Null);
    }
    if let Some(value) = map.remove("const") {
        map.insert("enum".into(), json!([value, null]));
    }
}

/// Removes `required` from every definition reachable from the root's `status` property and
/// from nowhere else.
fn drop_status_only_requirements(root: &mut Map<String, Value>) {
    let Some(properties) = root.get("properties").and_then(Value::as_object) else {
        return;
    };
    let Some(definitions) = root.get("definitions").and_then(Value::as_object) else {
        return;
    };
    let mut from_status = BTreeSet::new();
    let mut from_others = BTreeSet::new();
    for (name, property) in properties {
        let into = if name == "status" {
            &mut from_status
        } else {
            &mut from_others
        };
        reachable_definitions(property, definitions, into);
    }
    let status_only: Vec<String> = from_status.difference(&from_others).cloned().collect();
    if let Some(definitions) = root.get_mut("definitions").and_then(Value::as_object_mut) {
        for name in status_only {
            if let Some(Value::Object(definition)) = definitions.get_mut(&name) {
                definition.remove("required");
            }
        }
    }
}

/// Adds to `found` every definition reachable from `start` through `$ref`s.
fn reachable_definitions(
    start: &Value,
    definitions: &Map<String, Value>,
    found: &mut BTreeSet<String>,
) {
    let mut queue: VecDeque<&Value> = VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        match node {
            Value::Object(map) => {
                for (key, value) in map {
                    if key == "$ref"
                        && let Some(name) = value.as_str().and_then(local_definition)
                    {
                        if let Some(definition) = definitions.get(&name)
                            && found.insert(name)
                        {
                            queue.push_back(definition);
                        }
                    } else {
                        queue.push_back(value);
                    }
                }
            }
            Value::Array(items) => queue.extend(items),
            _ => {}
        }
    }
}

/// `#/definitions/NAME` → `NAME` (JSON-pointer unescaped).
fn local_definition(reference: &str) -> Option<String> {
    let name = reference.strip_prefix("#/definitions/")?;
    (!name.contains('/')).then(|| name.replace("~1", "/").replace("~0", "~"))
}

#[cfg(test)]
mod tests;
