//! HorizontalPodAutoscaler API-server semantics: defaulting, conversion from
//! older API versions, and the handwritten validation the Kubernetes API
//! server runs on create and update — reproduced field path for field path
//! and error type for error type.
//!
//! Pure library code (only `std`, `serde`, `serde_json`); nothing here does
//! I/O. The rules are restated from `shared/hpa/algorithm.md` §11/§12 (our
//! write-up) and checked against the Kubernetes sources named there
//! (`pkg/apis/autoscaling/validation/validation.go`,
//! `pkg/registry/autoscaling/horizontalpodautoscaler/strategy.go`,
//! `pkg/apis/autoscaling/{v1,v2beta1,v2}/…`, apimachinery `objectmeta.go`).
//!
//! # How `scalegen check` uses this module
//!
//! ```
//! use scalegen::k8s::hpa_api::{ValidationOptions, check_hpa};
//! use serde_json::json;
//!
//! let manifest = json!({
//!     "apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler",
//!     "metadata": {"name": "web"},
//!     "spec": {
//!         "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
//!         "maxReplicas": 5, "targetCPUUtilizationPercentage": 0
//!     }
//! });
//! // Newest release, every feature gate at its default.
//! let options = ValidationOptions::default();
//! // `Err` only when the object is not an HPA of a known apiVersion.
//! let errors = check_hpa(&manifest, None, &options).expect("an HPA");
//! // `error`: exactly what the API server reports (internal/v2 field path).
//! assert_eq!(
//!     errors[0].error.to_string(),
//!     "spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0"
//! );
//! assert_eq!(errors[0].error.reason(), "FieldValueInvalid");
//! // `field`: the same value in the terms of the object as written.
//! assert_eq!(errors[0].field, "spec.targetCPUUtilizationPercentage");
//! // `locate`: JSON pointer of the nearest node the user wrote, and whether
//! // it is the field itself (`true`) or an ancestor (`false`).
//! assert_eq!(
//!     errors[0].locate(&manifest),
//!     ("/spec/targetCPUUtilizationPercentage".to_owned(), true)
//! );
//! ```
//!
//! ## Errors on fields the user never wrote
//!
//! Validation runs on the *defaulted* (and, for old versions, converted)
//! object, so an error can name a field that defaulting or conversion
//! created. Examples: `spec.metrics` (the default CPU metric) when
//! `minReplicas: 0` is set without an Object/External metric; a v2beta1
//! `spec.metrics[0].object.targetValue` that was omitted (v2beta1's
//! `targetValue` is not optional and converts to a zero target);
//! `spec.maxReplicas` when it is missing altogether. Such a path has no
//! node in the user's document. A caller locates it with
//! [`nearest_written_pointer`] / [`HpaError::locate`]: walk the JSON pointer
//! from the root and stop at the deepest node that exists — that is the
//! nearest *written* ancestor (often the enclosing mapping, e.g. `spec` or
//! `spec.behavior.scaleUp`). Point the diagnostic at that node's key and
//! say which field is missing.
//!
//! ## Values of the wrong JSON type
//!
//! The API server decodes the body into typed Go structs before it
//! validates; a string where an integer belongs, a fraction or an out-of-
//! int32-range number for an `int32`, an object where a string belongs, or a
//! string that is not a Kubernetes quantity all fail *decoding* with a 400
//! and never reach validation. Those are reported by scalegen's structural
//! (schema) step. Here every rule that reads such a value is skipped, and
//! the rest of the object is still checked, so independent problems are all
//! reported; no rule reports anything *because* a type was wrong. `null` is
//! treated as "absent", as Go's decoder does for pointers, slices, and
//! zero-valued scalars. Functions here are total: any JSON value at all is
//! accepted and nothing panics.
//!
//! ## Deliberate deviations
//!
//! * Where Go iterates a map (extra metric sources beyond two; label and
//!   annotation keys) the order is nondeterministic; we report in a fixed
//!   order (object, external, pods, resource, containerResource; keys
//!   sorted).
//! * The `value` of a quantity error is the value as written (`"-10m"`), not
//!   the canonical re-rendering the server prints (`-10m`, but `0.5` →
//!   `500m`).
//! * `metadata`: name, generateName, namespace, labels and annotations are
//!   validated; ownerReferences, finalizers, managedFields and generation
//!   (server-managed or absent from manifests) are not. On update,
//!   `resourceVersion` is not required (kubectl / the server supply it).
//! * The newer `spec.selectionStrategy` feature work is not modelled.

use serde::Serialize;

use crate::k8s::api_versions::KubernetesVersion;
use serde_json::{Map, Value, json};
use std::fmt;

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/// The `field.ErrorType`s this validation produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum FieldErrorKind {
    /// `field.Required`: reason `FieldValueRequired`, shown as `Required value`.
    Required,
    /// `field.Invalid`: reason `FieldValueInvalid`, shown as `Invalid value`.
    Invalid,
    /// `field.NotSupported`: reason `FieldValueNotSupported`, shown as `Unsupported value`.
    NotSupported,
    /// `field.Forbidden`: reason `FieldValueForbidden`, shown as `Forbidden`.
    Forbidden,
    /// `field.TooLong` (only the total annotation size): reason `FieldValueTooLong`.
    TooLong,
}

impl FieldErrorKind {
    /// The short name used in the validation-case files (`"Required"`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            FieldErrorKind::Required => "Required",
            FieldErrorKind::Invalid => "Invalid",
            FieldErrorKind::NotSupported => "NotSupported",
            FieldErrorKind::Forbidden => "Forbidden",
            FieldErrorKind::TooLong => "TooLong",
        }
    }

    /// The API `StatusCause` reason (`FieldValueRequired`, …).
    pub fn reason(self) -> &'static str {
        match self {
            FieldErrorKind::Required => "FieldValueRequired",
            FieldErrorKind::Invalid => "FieldValueInvalid",
            FieldErrorKind::NotSupported => "FieldValueNotSupported",
            FieldErrorKind::Forbidden => "FieldValueForbidden",
            FieldErrorKind::TooLong => "FieldValueTooLong",
        }
    }

    /// How the API server spells the type in messages (`Required value`, …).
    pub fn human(self) -> &'static str {
        match self {
            FieldErrorKind::Required => "Required value",
            FieldErrorKind::Invalid => "Invalid value",
            FieldErrorKind::NotSupported => "Unsupported value",
            FieldErrorKind::Forbidden => "Forbidden",
            FieldErrorKind::TooLong => "Too long",
        }
    }
}

impl fmt::Display for FieldErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One validation error, as the API server reports it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldError {
    /// Field path in the API server's form, e.g.
    /// `spec.behavior.scaleUp.policies[0].periodSeconds` or
    /// `metadata.annotations[example.com/key]`.
    pub field: String,
    /// Error type.
    pub kind: FieldErrorKind,
    /// Detail text (may be empty, e.g. `spec.scaleTargetRef.kind: Required value`).
    pub detail: String,
    /// The offending value, for `Invalid` and `NotSupported` errors.
    pub value: Option<Value>,
}

impl FieldError {
    fn required(field: impl Into<String>, detail: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            kind: FieldErrorKind::Required,
            detail: detail.into(),
            value: None,
        }
    }

    fn invalid(field: impl Into<String>, value: Value, detail: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            kind: FieldErrorKind::Invalid,
            detail: detail.into(),
            value: Some(value),
        }
    }

    fn forbidden(field: impl Into<String>, detail: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            kind: FieldErrorKind::Forbidden,
            detail: detail.into(),
            value: None,
        }
    }

    fn not_supported(field: impl Into<String>, value: &str, supported: &[&str]) -> Self {
        let quoted: Vec<String> = supported.iter().map(|s| go_quote(s)).collect();
        FieldError {
            field: field.into(),
            kind: FieldErrorKind::NotSupported,
            detail: format!("supported values: {}", quoted.join(", ")),
            value: Some(Value::String(value.to_owned())),
        }
    }

    /// The API `StatusCause` reason, e.g. `FieldValueRequired`.
    pub fn reason(&self) -> &'static str {
        self.kind.reason()
    }

    /// [`field_path_to_json_pointer`] of [`FieldError::field`].
    pub fn json_pointer(&self) -> String {
        field_path_to_json_pointer(&self.field)
    }
}

/// The API server's human form:
/// `"<field>: <Required value|Invalid value|Unsupported value|Forbidden>: [<value>: ]<detail>"`.
/// Like Go's `field.Error`, the value is shown only for `Invalid` and
/// `NotSupported`, strings quoted, and an empty detail adds nothing.
impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.kind.human())?;
        if matches!(
            self.kind,
            FieldErrorKind::Invalid | FieldErrorKind::NotSupported
        ) {
            let shown = match &self.value {
                None | Some(Value::Null) => "null".to_owned(),
                Some(Value::String(s)) => go_quote(s),
                Some(other) => other.to_string(),
            };
            write!(f, ": {shown}")?;
        }
        if !self.detail.is_empty() {
            write!(f, ": {}", self.detail)?;
        }
        Ok(())
    }
}

impl std::error::Error for FieldError {}

fn go_quote(s: &str) -> String {
    // Go's %q and JSON agree for the printable strings that occur here.
    Value::String(s.to_owned()).to_string()
}

// ---------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------

/// Which generation of the handwritten validation to mirror.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ValidationRelease {
    /// The newest code: `scaleTargetRef.apiVersion` / `describedObject.apiVersion`
    /// must parse (and `scaleTargetRef` must name an API group unless the kind
    /// is `ReplicationController`); `maxReplicas` 0 is `Required: must be set
    /// and greater than 0`, negative is `Invalid: must be greater than or equal to 1`.
    #[default]
    Current,
    /// Releases before those changes (the exact release boundary is not
    /// pinned, see algorithm.md §15): no apiVersion checks, and `maxReplicas`
    /// < 1 is `Invalid: must be greater than 0`. The cases' `olderReleases`.
    BeforeApiVersionChecks,
}

/// Validation settings: feature gates and the release to mirror.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationOptions {
    /// `HPAScaleToZero` (alpha since 1.16, default off): allows `minReplicas: 0`.
    pub scale_to_zero: bool,
    /// `HPAConfigurableTolerance` (alpha 1.33, beta and default on since
    /// 1.35): when off, `spec.behavior.*.tolerance` is silently dropped on
    /// create (and on update unless the stored object already used it), so it
    /// is not validated.
    pub configurable_tolerance: bool,
    /// Which generation of the rules to apply.
    pub release: ValidationRelease,
    /// Report a missing `metadata.namespace` (`Required`). Off by default:
    /// the API server takes the namespace from the request, and kubectl fills
    /// it from the context, so manifests routinely omit it.
    pub require_namespace: bool,
}

impl Default for ValidationOptions {
    /// A current release with every gate at its default.
    fn default() -> Self {
        ValidationOptions {
            scale_to_zero: false,
            configurable_tolerance: true,
            release: ValidationRelease::Current,
            require_namespace: false,
        }
    }
}

impl ValidationOptions {
    /// The API server of a Kubernetes release, every gate at that release's default.
    ///
    /// The apiVersion checks of `scaleTargetRef` and `describedObject`, and the new
    /// `maxReplicas` messages, came with kubernetes/kubernetes#132537 (merged June 2025,
    /// released in 1.34); `HPAConfigurableTolerance` is on by default from 1.35.
    pub fn for_kubernetes(version: KubernetesVersion) -> Self {
        ValidationOptions {
            configurable_tolerance: version >= KubernetesVersion::new(1, 35),
            release: if version >= KubernetesVersion::new(1, 34) {
                ValidationRelease::Current
            } else {
                ValidationRelease::BeforeApiVersionChecks
            },
            ..ValidationOptions::default()
        }
    }
}

/// The feature gates [`ValidationOptions::set_feature_gate`] understands.
pub const FEATURE_GATES: [&str; 2] = ["HPAScaleToZero", "HPAConfigurableTolerance"];

/// A feature gate this module does not model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownFeatureGate(pub String);

impl fmt::Display for UnknownFeatureGate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown feature gate `{}` (known: {})",
            self.0,
            FEATURE_GATES.join(", ")
        )
    }
}

impl std::error::Error for UnknownFeatureGate {}

impl ValidationOptions {
    /// Sets a gate by its Kubernetes name (`HPAScaleToZero`, `HPAConfigurableTolerance`).
    pub fn set_feature_gate(
        &mut self,
        name: &str,
        enabled: bool,
    ) -> Result<(), UnknownFeatureGate> {
        match name {
            "HPAScaleToZero" => self.scale_to_zero = enabled,
            "HPAConfigurableTolerance" => self.configurable_tolerance = enabled,
            _ => return Err(UnknownFeatureGate(name.to_owned())),
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// Typed access to untyped JSON
// ---------------------------------------------------------------------------

/// A JSON member read with Go's decoding rules in mind.
#[derive(Debug, Clone, Copy)]
enum Got<T> {
    /// Missing or `null`: Go's zero value / nil pointer.
    Absent,
    Ok(T),
    /// Present with a type Go could not decode: skip rules reading it.
    Wrong,
}

type Obj = Map<String, Value>;

fn member<'a>(obj: Option<&'a Obj>, key: &str) -> Option<&'a Value> {
    obj.and_then(|m| m.get(key)).filter(|v| !v.is_null())
}

fn is_set(obj: Option<&Obj>, key: &str) -> bool {
    member(obj, key).is_some()
}

fn get_obj<'a>(obj: Option<&'a Obj>, key: &str) -> Got<&'a Obj> {
    match member(obj, key) {
        None => Got::Absent,
        Some(Value::Object(m)) => Got::Ok(m),
        Some(_) => Got::Wrong,
    }
}

fn get_arr<'a>(obj: Option<&'a Obj>, key: &str) -> Got<&'a Vec<Value>> {
    match member(obj, key) {
        None => Got::Absent,
        Some(Value::Array(a)) => Got::Ok(a),
        Some(_) => Got::Wrong,
    }
}

fn get_str<'a>(obj: Option<&'a Obj>, key: &str) -> Got<&'a str> {
    match member(obj, key) {
        None => Got::Absent,
        Some(Value::String(s)) => Got::Ok(s),
        Some(_) => Got::Wrong,
    }
}

/// A Go `string` field: absent is `""`; `None` means wrong type.
fn go_string<'a>(obj: Option<&'a Obj>, key: &str) -> Option<&'a str> {
    match get_str(obj, key) {
        Got::Absent => Some(""),
        Got::Ok(s) => Some(s),
        Got::Wrong => None,
    }
}

fn value_as_i32(v: &Value) -> Option<i32> {
    v.as_i64().and_then(|n| i32::try_from(n).ok())
}

fn get_i32(obj: Option<&Obj>, key: &str) -> Got<i32> {
    match member(obj, key) {
        None => Got::Absent,
        Some(v) => value_as_i32(v).map_or(Got::Wrong, Got::Ok),
    }
}

/// A Go non-pointer `int32` field: absent is 0; `None` means wrong type.
fn go_i32(obj: Option<&Obj>, key: &str) -> Option<i32> {
    match get_i32(obj, key) {
        Got::Absent => Some(0),
        Got::Ok(n) => Some(n),
        Got::Wrong => None,
    }
}

/// An object-typed member as Go sees a non-pointer struct: absent is the
/// empty struct; `None` means wrong type.
fn go_struct<'a>(obj: Option<&'a Obj>, key: &str) -> Option<Option<&'a Obj>> {
    match get_obj(obj, key) {
        Got::Absent => Some(None),
        Got::Ok(m) => Some(Some(m)),
        Got::Wrong => None,
    }
}

// ---------------------------------------------------------------------------
// Quantities
// ---------------------------------------------------------------------------

/// The sign of a Kubernetes quantity (`resource.Quantity.Sign()`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuantitySign {
    Negative,
    Zero,
    Positive,
}

/// Parses a Kubernetes quantity (`[+-]number[suffix]`, suffix one of
/// `Ki Mi Gi Ti Pi Ei m k M G T P E` or an exponent `e<n>`/`E<n>`) and
/// returns its sign, or `None` if the string is not a quantity. Surrounding
/// whitespace is allowed, as `Quantity.UnmarshalJSON` trims it.
pub fn quantity_sign(text: &str) -> Option<QuantitySign> {
    let s = text.trim();
    let b = s.as_bytes();
    let mut i = 0;
    let mut negative = false;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        negative = b[i] == b'-';
        i += 1;
    }
    let mut digits = 0;
    let mut nonzero = false;
    while i < b.len() && b[i].is_ascii_digit() {
        nonzero |= b[i] != b'0';
        digits += 1;
        i += 1;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            nonzero |= b[i] != b'0';
            digits += 1;
            i += 1;
        }
    }
    if digits == 0 {
        return None;
    }
    let suffix = &s[i..];
    let suffix_ok = match suffix {
        "" | "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei" | "m" | "k" | "M" | "G" | "T" | "P" | "E" => {
            true
        }
        _ => {
            let sb = suffix.as_bytes();
            if sb[0] == b'e' || sb[0] == b'E' {
                let rest = &suffix[1..];
                let rest = rest.strip_prefix(['+', '-']).unwrap_or(rest);
                !rest.is_empty() && rest.bytes().all(|c| c.is_ascii_digit())
            } else {
                false
            }
        }
    };
    if !suffix_ok {
        return None;
    }
    Some(match (nonzero, negative) {
        (false, _) => QuantitySign::Zero,
        (true, true) => QuantitySign::Negative,
        (true, false) => QuantitySign::Positive,
    })
}

fn value_quantity_sign(v: &Value) -> Option<QuantitySign> {
    match v {
        Value::String(s) => quantity_sign(s),
        Value::Number(n) => quantity_sign(&n.to_string()),
        _ => None,
    }
}

/// A quantity-typed member: `Got::Ok(sign)` or wrong type / unparseable.
fn get_quantity<'a>(obj: Option<&'a Obj>, key: &str) -> Got<(QuantitySign, &'a Value)> {
    match member(obj, key) {
        None => Got::Absent,
        Some(v) => value_quantity_sign(v).map_or(Got::Wrong, |s| Got::Ok((s, v))),
    }
}

fn quantity_display_value(v: &Value) -> Value {
    match v {
        Value::Number(n) => Value::String(n.to_string()),
        other => other.clone(),
    }
}

// ---------------------------------------------------------------------------
// Name formats (apimachinery util/validation, content, path)
// ---------------------------------------------------------------------------

const DNS1123_LABEL_FMT: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_SUBDOMAIN_FMT: &str =
    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const LABEL_KEY_FMT: &str = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const LABEL_KEY_ERR: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

fn regex_error(msg: &str, re: &str, examples: &[&str]) -> String {
    if examples.is_empty() {
        return format!("{msg} (regex used for validation is '{re}')");
    }
    let mut out = format!("{msg} (e.g. ");
    for (i, e) in examples.iter().enumerate() {
        if i > 0 {
            out.push_str(" or ");
        }
        out.push_str(&format!("'{e}', "));
    }
    out.push_str(&format!("regex used for validation is '{re}')"));
    out
}

fn is_dns_label_shape(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

fn is_dns_subdomain_shape(s: &str) -> bool {
    s.split('.').all(is_dns_label_shape)
}

/// `IsDNS1123Label`: the messages for a value that is not a DNS label.
pub fn dns1123_label_errors(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > 63 {
        errs.push("must be no more than 63 characters".to_owned());
    }
    if !is_dns_label_shape(value) {
        if is_dns_subdomain_shape(value) {
            errs.push("must not contain dots".to_owned());
        } else {
            errs.push(regex_error(
                "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
                DNS1123_LABEL_FMT,
                &["my-name", "123-abc"],
            ));
        }
    }
    errs
}

/// `IsDNS1123Subdomain`: the messages for a value that is not a DNS subdomain.
pub fn dns1123_subdomain_errors(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > 253 {
        errs.push("must be no more than 253 characters".to_owned());
    }
    if !is_dns_subdomain_shape(value) {
        errs.push(regex_error(
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
            DNS1123_SUBDOMAIN_FMT,
            &["example.com"],
        ));
    }
    errs
}

/// `NameIsDNSSubdomain(name, prefix)`: with `prefix` (a generateName) a
/// trailing dash is allowed (Go masks the last two bytes with an `a`).
fn name_is_dns_subdomain(name: &str, prefix: bool) -> Vec<String> {
    if prefix && name.len() > 1 && name.ends_with('-') {
        let mut masked: String = name.chars().collect();
        masked.pop();
        masked.pop();
        masked.push('a');
        return dns1123_subdomain_errors(&masked);
    }
    dns1123_subdomain_errors(name)
}

fn is_label_key_shape(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
}

/// `IsQualifiedName` (a label key): optional DNS-subdomain prefix and `/`, then a name.
pub fn qualified_name_errors(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    let parts: Vec<&str> = value.split('/').collect();
    let name = match parts.as_slice() {
        [name] => *name,
        [prefix, name] => {
            if prefix.is_empty() {
                errs.push("prefix part must be non-empty".to_owned());
            } else {
                errs.extend(
                    dns1123_subdomain_errors(prefix)
                        .into_iter()
                        .map(|m| format!("prefix part {m}")),
                );
            }
            *name
        }
        _ => {
            errs.push(format!(
                "a valid label key {} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
                regex_error(LABEL_KEY_ERR, LABEL_KEY_FMT, &["MyName", "my.name", "123-abc"])
            ));
            return errs;
        }
    };
    if name.is_empty() {
        errs.push("name part must be non-empty".to_owned());
    } else if name.len() > 63 {
        errs.push("name part must be no more than 63 bytes".to_owned());
    }
    if !is_label_key_shape(name) {
        errs.push(format!(
            "name part {}",
            regex_error(
                LABEL_KEY_ERR,
                LABEL_KEY_FMT,
                &["MyName", "my.name", "123-abc"]
            )
        ));
    }
    errs
}

/// `IsValidLabelValue`.
pub fn label_value_errors(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > 63 {
        errs.push("must be no more than 63 bytes".to_owned());
    }
    if !value.is_empty() && !is_label_key_shape(value) {
        errs.push(regex_error(
            "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
            "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?",
            &["MyValue", "my_value", "12345"],
        ));
    }
    errs
}

/// `IsPathSegmentName`: kind / name of an object reference, metric names.
pub fn path_segment_name_errors(name: &str) -> Vec<String> {
    for illegal in [".", ".."] {
        if name == illegal {
            return vec![format!("may not be '{illegal}'")];
        }
    }
    ["/", "%"]
        .iter()
        .filter(|c| name.contains(*c))
        .map(|c| format!("may not contain '{c}'"))
        .collect()
}

const STANDARD_RESOURCES: [&str; 18] = [
    "cpu",
    "memory",
    "ephemeral-storage",
    "requests.cpu",
    "requests.memory",
    "requests.ephemeral-storage",
    "limits.cpu",
    "limits.memory",
    "limits.ephemeral-storage",
    "pods",
    "quotas",
    "services",
    "replicationcontrollers",
    "secrets",
    "persistentvolumeclaims",
    "configmaps",
    "services.nodeports",
    "services.loadbalancers",
];

fn is_standard_resource_name(s: &str) -> bool {
    STANDARD_RESOURCES.contains(&s)
        || s.starts_with("hugepages-")
        || s.starts_with("requests.hugepages-")
}

fn is_standard_container_resource_name(s: &str) -> bool {
    matches!(s, "cpu" | "memory" | "ephemeral-storage") || s.starts_with("hugepages-")
}

fn is_native_resource(s: &str) -> bool {
    !s.contains('/') || s.contains("kubernetes.io/")
}

fn is_extended_resource_name(s: &str) -> bool {
    if is_native_resource(s) || s.starts_with("requests.") {
        return false;
    }
    qualified_name_errors(&format!("requests.{s}")).is_empty()
}

/// `ValidateContainerResourceName` (core/v1 validation) as messages.
fn container_resource_name_errors(value: &str) -> Vec<String> {
    let mut errs = qualified_name_errors(value);
    let no_slash = !value.contains('/');
    if errs.is_empty() && no_slash && !is_standard_resource_name(value) {
        errs.push("must be a standard resource type or fully qualified".to_owned());
    }
    if no_slash {
        if !is_standard_container_resource_name(value) {
            errs.push("must be a standard resource for containers".to_owned());
        }
    } else if !is_native_resource(value) && !is_extended_resource_name(value) {
        errs.push("doesn't follow extended resource name standard".to_owned());
    }
    errs
}

/// `schema.ParseGroupVersion`: `Ok(group)` or the error text.
pub fn parse_group_version(gv: &str) -> Result<&str, String> {
    if gv.is_empty() || gv == "/" {
        return Ok("");
    }
    match gv.matches('/').count() {
        0 => Ok(""),
        1 => Ok(gv.split('/').next().unwrap_or("")),
        _ => Err(format!("unexpected GroupVersion string: {gv}")),
    }
}

// ---------------------------------------------------------------------------
// Defaulting (autoscaling/v2 defaults.go)
// ---------------------------------------------------------------------------

/// `autoscaling.DefaultCPUUtilization`.
pub const DEFAULT_CPU_UTILIZATION: i32 = 80;

fn default_cpu_metric() -> Value {
    json!({
        "type": "Resource",
        "resource": {
            "name": "cpu",
            "target": {"type": "Utilization", "averageUtilization": DEFAULT_CPU_UTILIZATION}
        }
    })
}

fn default_scale_up_rules() -> Value {
    json!({
        "stabilizationWindowSeconds": 0,
        "selectPolicy": "Max",
        "policies": [
            {"type": "Pods", "value": 4, "periodSeconds": 15},
            {"type": "Percent", "value": 100, "periodSeconds": 15}
        ]
    })
}

fn default_scale_down_rules() -> Value {
    // stabilizationWindowSeconds stays unset: the controller flag decides (300 s).
    json!({
        "selectPolicy": "Max",
        "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}]
    })
}

/// Fills an `HPAScalingRules` field by field from `defaults`; a user's
/// `policies` list (even `[]`) replaces the default list.
fn default_scaling_rules(slot: Option<&mut Value>, defaults: Value) -> Option<Value> {
    match slot {
        None => Some(defaults),
        Some(Value::Null) => Some(defaults),
        Some(Value::Object(rules)) => {
            if let Value::Object(d) = defaults {
                for (k, v) in d {
                    if rules.get(&k).is_none_or(Value::is_null) {
                        rules.insert(k, v);
                    }
                }
            }
            None
        }
        Some(_) => None,
    }
}

fn ensure_object<'a>(obj: &'a mut Obj, key: &str) -> Option<&'a mut Obj> {
    if obj.get(key).is_none_or(Value::is_null) {
        obj.insert(key.to_owned(), Value::Object(Map::new()));
    }
    obj.get_mut(key).and_then(Value::as_object_mut)
}

/// Applies the autoscaling/v2 API defaults in place, as the API server does
/// before validation: `minReplicas` → 1; empty or absent `metrics` → CPU
/// Utilization 80; and, when `behavior` is present, each of `scaleUp` /
/// `scaleDown` completed field by field (`selectPolicy: Max`, scaleUp
/// `stabilizationWindowSeconds: 0`, the default `policies`). Values of the
/// wrong type are left alone. Idempotent.
pub fn apply_defaults(hpa: &mut Value) {
    let Some(root) = hpa.as_object_mut() else {
        return;
    };
    let Some(spec) = ensure_object(root, "spec") else {
        return;
    };
    apply_min_and_metric_defaults(spec);
    if let Some(Value::Object(behavior)) = spec.get_mut("behavior") {
        if let Some(v) =
            default_scaling_rules(behavior.get_mut("scaleUp"), default_scale_up_rules())
        {
            behavior.insert("scaleUp".to_owned(), v);
        }
        if let Some(v) =
            default_scaling_rules(behavior.get_mut("scaleDown"), default_scale_down_rules())
        {
            behavior.insert("scaleDown".to_owned(), v);
        }
    }
}

fn apply_min_and_metric_defaults(spec: &mut Obj) {
    if spec.get("minReplicas").is_none_or(Value::is_null) {
        spec.insert("minReplicas".to_owned(), json!(1));
    }
    let empty_metrics = match spec.get("metrics") {
        None | Some(Value::Null) => true,
        Some(Value::Array(a)) => a.is_empty(),
        Some(_) => false,
    };
    if empty_metrics {
        spec.insert("metrics".to_owned(), json!([default_cpu_metric()]));
    }
}

// ---------------------------------------------------------------------------
// Validation (validation.go + strategy.go options)
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, Default)]
struct RefOptions {
    allow_empty_group: bool,
    allow_invalid_api_version: bool,
}

#[derive(Debug, Clone, Copy)]
struct SpecOptions {
    min_replicas_lower_bound: i32,
    scale_target_ref: RefOptions,
    object_metrics: RefOptions,
    validate_tolerance: bool,
    release: ValidationRelease,
}

const METRIC_SOURCE_TYPES: [&str; 5] = [
    "ContainerResource",
    "External",
    "Object",
    "Pods",
    "Resource",
];
/// (type, field) in the order validation.go inspects the source fields.
const METRIC_SOURCES: [(&str, &str); 5] = [
    ("Object", "object"),
    ("External", "external"),
    ("Pods", "pods"),
    ("Resource", "resource"),
    ("ContainerResource", "containerResource"),
];
const SELECT_POLICIES: [&str; 3] = ["Disabled", "Max", "Min"];
const POLICY_TYPES: [&str; 2] = ["Percent", "Pods"];
const MAX_PERIOD_SECONDS: i32 = 1800;
const MAX_STABILIZATION_WINDOW_SECONDS: i32 = 3600;
const TOTAL_ANNOTATION_SIZE_LIMIT: usize = 256 * 1024;

/// Validates a defaulted autoscaling/v2 HPA for **create**: every rule of the
/// API server's handwritten validation, in the order it reports them.
/// Call [`apply_defaults`] first (or use [`check_hpa`], which does).
pub fn validate(hpa: &Value, options: &ValidationOptions) -> Vec<FieldError> {
    validate_impl(hpa, None, options)
}

/// Validates a defaulted autoscaling/v2 HPA for **update** of `old` (the
/// stored, defaulted object). Differences from create, as in `strategy.go`:
/// `minReplicas: 0` stays allowed if `old` had it; the `scaleTargetRef`
/// apiVersion check is skipped when apiVersion and kind are unchanged; Object
/// metric apiVersions are not checked if `old` already had an invalid one; a
/// `tolerance` is kept (and validated) with the gate off if `old` used one;
/// `metadata.name` / `namespace` must not change.
pub fn validate_update(hpa: &Value, old: &Value, options: &ValidationOptions) -> Vec<FieldError> {
    validate_impl(hpa, Some(old), options)
}

fn validate_impl(hpa: &Value, old: Option<&Value>, options: &ValidationOptions) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let Some(root) = hpa.as_object() else {
        return errs;
    };
    let old_root = old.and_then(Value::as_object);

    match (get_obj(Some(root), "metadata"), old_root) {
        (Got::Wrong, _) => {}
        (meta, None) => {
            validate_object_meta(got_to_opt(meta), options.require_namespace, &mut errs)
        }
        (meta, Some(old_root)) => {
            let old_meta = match get_obj(Some(old_root), "metadata") {
                Got::Ok(m) => Some(m),
                _ => None,
            };
            validate_object_meta_update(got_to_opt(meta), old_meta, &mut errs);
        }
    }

    let spec = match get_obj(Some(root), "spec") {
        Got::Wrong => return errs,
        g => got_to_opt(g),
    };
    let old_spec = old_root.and_then(|o| match get_obj(Some(o), "spec") {
        Got::Ok(m) => Some(m),
        _ => None,
    });
    let opts = spec_options(spec, old_spec, options);
    validate_spec(spec, &opts, &mut errs);
    errs
}

fn got_to_opt<T>(g: Got<T>) -> Option<T> {
    match g {
        Got::Ok(v) => Some(v),
        _ => None,
    }
}

/// `validationOptionsForHorizontalPodAutoscaler` + `dropDisabledFields`.
fn spec_options(
    spec: Option<&Obj>,
    old_spec: Option<&Obj>,
    options: &ValidationOptions,
) -> SpecOptions {
    let old_has_zero_min = matches!(
        old_spec.map(|s| get_i32(Some(s), "minReplicas")),
        Some(Got::Ok(0))
    );
    let mut opts = SpecOptions {
        min_replicas_lower_bound: if options.scale_to_zero || old_has_zero_min {
            0
        } else {
            1
        },
        scale_target_ref: RefOptions::default(),
        object_metrics: RefOptions {
            allow_empty_group: true,
            allow_invalid_api_version: false,
        },
        validate_tolerance: options.configurable_tolerance || tolerance_in_use(old_spec),
        release: options.release,
    };
    let new_ref = got_to_opt(get_obj(spec, "scaleTargetRef"));
    let new_kind = go_string(new_ref, "kind");
    let new_api = go_string(new_ref, "apiVersion");
    if let Some(old_spec) = old_spec {
        let old_ref = got_to_opt(get_obj(Some(old_spec), "scaleTargetRef"));
        if go_string(old_ref, "kind") == new_kind && go_string(old_ref, "apiVersion") == new_api {
            opts.scale_target_ref.allow_invalid_api_version = true;
        } else if new_kind == Some("ReplicationController") {
            opts.scale_target_ref.allow_empty_group = true;
        }
        if let Got::Ok(metrics) = get_arr(Some(old_spec), "metrics") {
            let old_invalid = metrics.iter().filter_map(Value::as_object).any(|m| {
                go_string(Some(m), "type") == Some("Object")
                    && match get_obj(Some(m), "object") {
                        Got::Ok(o) => {
                            let described = got_to_opt(get_obj(Some(o), "describedObject"));
                            go_string(described, "apiVersion")
                                .is_some_and(|v| parse_group_version(v).is_err())
                        }
                        _ => false,
                    }
            });
            if old_invalid {
                opts.object_metrics.allow_invalid_api_version = true;
            }
        }
    } else if new_kind == Some("ReplicationController") {
        opts.scale_target_ref.allow_empty_group = true;
    }
    if options.release == ValidationRelease::BeforeApiVersionChecks {
        opts.scale_target_ref.allow_invalid_api_version = true;
        opts.object_metrics.allow_invalid_api_version = true;
    }
    opts
}

fn tolerance_in_use(spec: Option<&Obj>) -> bool {
    let behavior = got_to_opt(get_obj(spec, "behavior"));
    ["scaleDown", "scaleUp"]
        .iter()
        .any(|dir| is_set(got_to_opt(get_obj(behavior, dir)), "tolerance"))
}

fn generated_name(generate_name: &str) -> String {
    // names.SimpleNameGenerator: base truncated to 58 bytes + 5 random
    // characters from "bcdfghjklmnpqrstvwxz2456789"; a fixed stand-in here.
    let mut base = generate_name.to_owned();
    if base.len() > 58 {
        let mut cut = 58;
        while !base.is_char_boundary(cut) {
            cut -= 1;
        }
        base.truncate(cut);
    }
    base.push_str("bcdfg");
    base
}

fn validate_object_meta(meta: Option<&Obj>, require_namespace: bool, errs: &mut Vec<FieldError>) {
    let generate_name = match get_str(meta, "generateName") {
        Got::Ok(g) => g,
        _ => "",
    };
    if !generate_name.is_empty() {
        for msg in name_is_dns_subdomain(generate_name, true) {
            errs.push(FieldError::invalid(
                "metadata.generateName",
                json!(generate_name),
                msg,
            ));
        }
    }
    if let Some(name) = go_string(meta, "name") {
        // On create the server generates the name before validating it.
        let name = if name.is_empty() && !generate_name.is_empty() {
            generated_name(generate_name)
        } else {
            name.to_owned()
        };
        if name.is_empty() {
            errs.push(FieldError::required(
                "metadata.name",
                "name or generateName is required",
            ));
        } else {
            for msg in name_is_dns_subdomain(&name, false) {
                errs.push(FieldError::invalid("metadata.name", json!(name), msg));
            }
        }
    }
    match go_string(meta, "namespace") {
        Some("") if require_namespace => errs.push(FieldError::required("metadata.namespace", "")),
        Some("") | None => {}
        Some(ns) => {
            for msg in dns1123_label_errors(ns) {
                errs.push(FieldError::invalid("metadata.namespace", json!(ns), msg));
            }
        }
    }
    validate_labels_and_annotations(meta, errs);
}

fn validate_object_meta_update(
    meta: Option<&Obj>,
    old_meta: Option<&Obj>,
    errs: &mut Vec<FieldError>,
) {
    for key in ["name", "namespace"] {
        if let (Some(new), Some(old)) = (go_string(meta, key), go_string(old_meta, key))
            && new != old
        {
            errs.push(FieldError::invalid(
                format!("metadata.{key}"),
                json!(new),
                "field is immutable",
            ));
        }
    }
    validate_labels_and_annotations(meta, errs);
}

fn validate_labels_and_annotations(meta: Option<&Obj>, errs: &mut Vec<FieldError>) {
    if let Got::Ok(labels) = get_obj(meta, "labels") {
        for (k, v) in labels {
            for msg in qualified_name_errors(k) {
                errs.push(FieldError::invalid("metadata.labels", json!(k), msg));
            }
            if let Value::String(v) = v {
                for msg in label_value_errors(v) {
                    errs.push(FieldError::invalid("metadata.labels", json!(v), msg));
                }
            }
        }
    }
    if let Got::Ok(annotations) = get_obj(meta, "annotations") {
        let mut total = 0usize;
        for (k, v) in annotations {
            for msg in qualified_name_errors(&k.to_lowercase()) {
                errs.push(FieldError::invalid("metadata.annotations", json!(k), msg));
            }
            total += k.len() + v.as_str().map_or(0, str::len);
        }
        if total > TOTAL_ANNOTATION_SIZE_LIMIT {
            errs.push(FieldError {
                field: "metadata.annotations".to_owned(),
                kind: FieldErrorKind::TooLong,
                detail: format!("must have at most {TOTAL_ANNOTATION_SIZE_LIMIT} bytes"),
                value: None,
            });
        }
    }
}

fn validate_spec(spec: Option<&Obj>, opts: &SpecOptions, errs: &mut Vec<FieldError>) {
    let min = get_i32(spec, "minReplicas");
    if let Got::Ok(m) = min
        && m < opts.min_replicas_lower_bound
    {
        errs.push(FieldError::invalid(
            "spec.minReplicas",
            json!(m),
            format!(
                "must be greater than or equal to {}",
                opts.min_replicas_lower_bound
            ),
        ));
    }
    let max = go_i32(spec, "maxReplicas");
    if let Some(max) = max {
        match opts.release {
            ValidationRelease::Current => {
                if max == 0 {
                    errs.push(FieldError::required(
                        "spec.maxReplicas",
                        "must be set and greater than 0",
                    ));
                } else if max < 0 {
                    errs.push(FieldError::invalid(
                        "spec.maxReplicas",
                        json!(max),
                        "must be greater than or equal to 1",
                    ));
                }
            }
            ValidationRelease::BeforeApiVersionChecks => {
                if max < 1 {
                    errs.push(FieldError::invalid(
                        "spec.maxReplicas",
                        json!(max),
                        "must be greater than 0",
                    ));
                }
            }
        }
        if let Got::Ok(m) = min
            && max < m
        {
            errs.push(FieldError::invalid(
                "spec.maxReplicas",
                json!(max),
                "must be greater than or equal to `minReplicas`",
            ));
        }
    }
    if let Some(target) = go_struct(spec, "scaleTargetRef") {
        validate_cross_version_ref(target, "spec.scaleTargetRef", opts.scale_target_ref, errs);
    }
    let metrics = get_arr(spec, "metrics");
    if !matches!(metrics, Got::Wrong) {
        let items: &[Value] = match metrics {
            Got::Ok(a) => a,
            _ => &[],
        };
        validate_metrics(items, got_to_opt(min), opts, errs);
    }
    if let Got::Ok(behavior) = get_obj(spec, "behavior") {
        for dir in ["scaleUp", "scaleDown"] {
            if let Got::Ok(rules) = get_obj(Some(behavior), dir) {
                validate_scaling_rules(rules, &format!("spec.behavior.{dir}"), opts, errs);
            }
        }
    }
}

fn validate_cross_version_ref(
    r: Option<&Obj>,
    path: &str,
    opts: RefOptions,
    errs: &mut Vec<FieldError>,
) {
    for key in ["kind", "name"] {
        match go_string(r, key) {
            None => {}
            Some("") => errs.push(FieldError::required(format!("{path}.{key}"), "")),
            Some(v) => {
                for msg in path_segment_name_errors(v) {
                    errs.push(FieldError::invalid(format!("{path}.{key}"), json!(v), msg));
                }
            }
        }
    }
    if opts.allow_invalid_api_version {
        return;
    }
    if let Some(api_version) = go_string(r, "apiVersion") {
        let problem = match parse_group_version(api_version) {
            Err(e) => Some(e),
            Ok("") if !opts.allow_empty_group => {
                Some("apiVersion must specify API group".to_owned())
            }
            Ok(_) => None,
        };
        if let Some(msg) = problem {
            errs.push(FieldError::invalid(
                format!("{path}.apiVersion"),
                json!(api_version),
                msg,
            ));
        }
    }
}

fn validate_metrics(
    metrics: &[Value],
    min: Option<i32>,
    opts: &SpecOptions,
    errs: &mut Vec<FieldError>,
) {
    let mut has_object_or_external = false;
    for (i, item) in metrics.iter().enumerate() {
        let Some(spec) = item.as_object() else {
            continue;
        };
        let path = format!("spec.metrics[{i}]");
        validate_metric_spec(spec, &path, opts.object_metrics, errs);
        if matches!(go_string(Some(spec), "type"), Some("Object" | "External")) {
            has_object_or_external = true;
        }
    }
    if min == Some(0) && !has_object_or_external {
        errs.push(FieldError::forbidden(
            "spec.metrics",
            "must specify at least one Object or External metric to support scaling to zero replicas",
        ));
    }
}

fn validate_metric_spec(
    spec: &Obj,
    path: &str,
    object_opts: RefOptions,
    errs: &mut Vec<FieldError>,
) {
    let spec = Some(spec);
    let ty = go_string(spec, "type");
    if let Some(t) = ty {
        if t.is_empty() {
            errs.push(FieldError::required(
                format!("{path}.type"),
                "must specify a metric source type",
            ));
        }
        if !METRIC_SOURCE_TYPES.contains(&t) {
            errs.push(FieldError::not_supported(
                format!("{path}.type"),
                t,
                &METRIC_SOURCE_TYPES,
            ));
        }
    }

    let mut present: Vec<&str> = Vec::new();
    for (_, field) in METRIC_SOURCES {
        if !is_set(spec, field) {
            continue;
        }
        present.push(field);
        if present.len() != 1 {
            continue;
        }
        let Got::Ok(src) = get_obj(spec, field) else {
            continue;
        };
        let src_path = format!("{path}.{field}");
        match field {
            "object" => validate_object_source(src, &src_path, object_opts, errs),
            "external" => validate_external_source(src, &src_path, errs),
            "pods" => validate_pods_source(src, &src_path, errs),
            "resource" => validate_resource_source(src, &src_path, errs),
            _ => validate_container_resource_source(src, &src_path, errs),
        }
    }

    // A `type` of the wrong JSON type never decodes; skip what depends on it.
    let Some(t) = ty else { return };
    let expected = METRIC_SOURCES
        .iter()
        .find(|(name, _)| *name == t)
        .map(|(_, field)| *field);
    match expected {
        Some(field) => {
            if !is_set(spec, field) {
                errs.push(FieldError::required(
                    format!("{path}.{field}"),
                    "must populate information for the given metric source",
                ));
            }
        }
        None => errs.push(FieldError::not_supported(
            format!("{path}.type"),
            t,
            &METRIC_SOURCE_TYPES,
        )),
    }
    if present.len() != 1 {
        for field in present.into_iter().filter(|f| Some(*f) != expected) {
            errs.push(FieldError::forbidden(
                format!("{path}.{field}"),
                "must populate the given metric source only",
            ));
        }
    }
}

fn validate_object_source(src: &Obj, path: &str, opts: RefOptions, errs: &mut Vec<FieldError>) {
    let src = Some(src);
    if let Some(described) = go_struct(src, "describedObject") {
        validate_cross_version_ref(described, &format!("{path}.describedObject"), opts, errs);
    }
    if let Some(metric) = go_struct(src, "metric") {
        validate_metric_identifier(metric, &format!("{path}.metric"), errs);
    }
    if let Some(target) = go_struct(src, "target") {
        validate_metric_target(target, &format!("{path}.target"), errs);
        if !is_set(target, "value") && !is_set(target, "averageValue") {
            errs.push(FieldError::required(
                format!("{path}.target.averageValue"),
                "must set either a target value or averageValue",
            ));
        }
    }
}

fn validate_external_source(src: &Obj, path: &str, errs: &mut Vec<FieldError>) {
    let src = Some(src);
    if let Some(metric) = go_struct(src, "metric") {
        validate_metric_identifier(metric, &format!("{path}.metric"), errs);
    }
    if let Some(target) = go_struct(src, "target") {
        validate_metric_target(target, &format!("{path}.target"), errs);
        let (value, average) = (is_set(target, "value"), is_set(target, "averageValue"));
        if !value && !average {
            errs.push(FieldError::required(
                format!("{path}.target.averageValue"),
                "must set either a target value for metric or a per-pod target",
            ));
        }
        if value && average {
            errs.push(FieldError::forbidden(
                format!("{path}.target.value"),
                "may not set both a target value for metric and a per-pod target",
            ));
        }
    }
}

fn validate_pods_source(src: &Obj, path: &str, errs: &mut Vec<FieldError>) {
    let src = Some(src);
    if let Some(metric) = go_struct(src, "metric") {
        validate_metric_identifier(metric, &format!("{path}.metric"), errs);
    }
    if let Some(target) = go_struct(src, "target") {
        validate_metric_target(target, &format!("{path}.target"), errs);
        if !is_set(target, "averageValue") {
            errs.push(FieldError::required(
                format!("{path}.target.averageValue"),
                "must specify a positive target averageValue",
            ));
        }
    }
}

fn validate_resource_target_pair(target: Option<&Obj>, path: &str, errs: &mut Vec<FieldError>) {
    validate_metric_target(target, &format!("{path}.target"), errs);
    let (util, avg) = (
        is_set(target, "averageUtilization"),
        is_set(target, "averageValue"),
    );
    if !util && !avg {
        errs.push(FieldError::required(
            format!("{path}.target.averageUtilization"),
            "must set either a target raw value or a target utilization",
        ));
    }
    if util && avg {
        errs.push(FieldError::forbidden(
            format!("{path}.target.averageValue"),
            "may not set both a target raw value and a target utilization",
        ));
    }
}

fn validate_container_resource_source(src: &Obj, path: &str, errs: &mut Vec<FieldError>) {
    let src = Some(src);
    match go_string(src, "name") {
        None => {}
        Some("") => errs.push(FieldError::required(
            format!("{path}.name"),
            "must specify a resource name",
        )),
        Some(name) => {
            for msg in container_resource_name_errors(name) {
                errs.push(FieldError::invalid(
                    format!("{path}.name"),
                    json!(name),
                    msg,
                ));
            }
        }
    }
    match go_string(src, "container") {
        None => {}
        Some("") => errs.push(FieldError::required(
            format!("{path}.container"),
            "must specify a container",
        )),
        Some(c) => {
            for msg in dns1123_label_errors(c) {
                errs.push(FieldError::invalid(
                    format!("{path}.container"),
                    json!(c),
                    msg,
                ));
            }
        }
    }
    if let Some(target) = go_struct(src, "target") {
        validate_resource_target_pair(target, path, errs);
    }
}

fn validate_resource_source(src: &Obj, path: &str, errs: &mut Vec<FieldError>) {
    let src = Some(src);
    if go_string(src, "name") == Some("") {
        errs.push(FieldError::required(
            format!("{path}.name"),
            "must specify a resource name",
        ));
    }
    if let Some(target) = go_struct(src, "target") {
        validate_resource_target_pair(target, path, errs);
    }
}

fn validate_metric_target(target: Option<&Obj>, path: &str, errs: &mut Vec<FieldError>) {
    if let Some(t) = go_string(target, "type") {
        if t.is_empty() {
            errs.push(FieldError::required(
                format!("{path}.type"),
                "must specify a metric target type",
            ));
        }
        if !matches!(t, "Utilization" | "Value" | "AverageValue") {
            errs.push(FieldError::invalid(
                format!("{path}.type"),
                json!(t),
                "must be either Utilization, Value, or AverageValue",
            ));
        }
    }
    for key in ["value", "averageValue"] {
        if let Got::Ok((sign, v)) = get_quantity(target, key)
            && sign != QuantitySign::Positive
        {
            errs.push(FieldError::invalid(
                format!("{path}.{key}"),
                quantity_display_value(v),
                "must be positive",
            ));
        }
    }
    if let Got::Ok(u) = get_i32(target, "averageUtilization")
        && u < 1
    {
        errs.push(FieldError::invalid(
            format!("{path}.averageUtilization"),
            json!(u),
            "must be greater than 0",
        ));
    }
}

fn validate_metric_identifier(metric: Option<&Obj>, path: &str, errs: &mut Vec<FieldError>) {
    match go_string(metric, "name") {
        None => {}
        Some("") => errs.push(FieldError::required(
            format!("{path}.name"),
            "must specify a metric name",
        )),
        Some(name) => {
            for msg in path_segment_name_errors(name) {
                errs.push(FieldError::invalid(
                    format!("{path}.name"),
                    json!(name),
                    msg,
                ));
            }
        }
    }
    // The selector is not validated by validation.go.
}

fn validate_scaling_rules(rules: &Obj, path: &str, opts: &SpecOptions, errs: &mut Vec<FieldError>) {
    let rules = Some(rules);
    if let Got::Ok(w) = get_i32(rules, "stabilizationWindowSeconds") {
        if w < 0 {
            errs.push(FieldError::invalid(
                format!("{path}.stabilizationWindowSeconds"),
                json!(w),
                "must be greater than or equal to zero",
            ));
        }
        if w > MAX_STABILIZATION_WINDOW_SECONDS {
            errs.push(FieldError::invalid(
                format!("{path}.stabilizationWindowSeconds"),
                json!(w),
                format!("must be less than or equal to {MAX_STABILIZATION_WINDOW_SECONDS}"),
            ));
        }
    }
    if let Got::Ok(p) = get_str(rules, "selectPolicy")
        && !SELECT_POLICIES.contains(&p)
    {
        errs.push(FieldError::not_supported(
            format!("{path}.selectPolicy"),
            p,
            &SELECT_POLICIES,
        ));
    }
    let policies_path = format!("{path}.policies");
    match get_arr(rules, "policies") {
        Got::Wrong => {}
        Got::Absent => errs.push(FieldError::required(
            &policies_path,
            "must specify at least one Policy",
        )),
        Got::Ok(policies) => {
            if policies.is_empty() {
                errs.push(FieldError::required(
                    &policies_path,
                    "must specify at least one Policy",
                ));
            }
            for (i, policy) in policies.iter().enumerate() {
                if let Some(policy) = policy.as_object() {
                    validate_scaling_policy(policy, &format!("{policies_path}[{i}]"), errs);
                }
            }
        }
    }
    if opts.validate_tolerance
        && let Got::Ok((QuantitySign::Negative, v)) = get_quantity(rules, "tolerance")
    {
        errs.push(FieldError::invalid(
            format!("{path}.tolerance"),
            quantity_display_value(v),
            "must be greater than or equal to 0",
        ));
    }
}

fn validate_scaling_policy(policy: &Obj, path: &str, errs: &mut Vec<FieldError>) {
    let policy = Some(policy);
    if let Some(t) = go_string(policy, "type")
        && !POLICY_TYPES.contains(&t)
    {
        errs.push(FieldError::not_supported(
            format!("{path}.type"),
            t,
            &POLICY_TYPES,
        ));
    }
    if let Some(v) = go_i32(policy, "value")
        && v <= 0
    {
        errs.push(FieldError::invalid(
            format!("{path}.value"),
            json!(v),
            "must be greater than zero",
        ));
    }
    if let Some(p) = go_i32(policy, "periodSeconds") {
        if p <= 0 {
            errs.push(FieldError::invalid(
                format!("{path}.periodSeconds"),
                json!(p),
                "must be greater than zero",
            ));
        }
        if p > MAX_PERIOD_SECONDS {
            errs.push(FieldError::invalid(
                format!("{path}.periodSeconds"),
                json!(p),
                format!("must be less than or equal to {MAX_PERIOD_SECONDS}"),
            ));
        }
    }
}

// ---------------------------------------------------------------------------
// API versions and conversion to v2
// ---------------------------------------------------------------------------

/// The HPA API versions this module reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HpaApiVersion {
    V1,
    V2,
    V2beta2,
    V2beta1,
}

impl HpaApiVersion {
    /// Parses an `apiVersion` string (`autoscaling/v2`, …).
    pub fn parse(api_version: &str) -> Option<Self> {
        match api_version {
            "autoscaling/v1" => Some(HpaApiVersion::V1),
            "autoscaling/v2" => Some(HpaApiVersion::V2),
            "autoscaling/v2beta2" => Some(HpaApiVersion::V2beta2),
            "autoscaling/v2beta1" => Some(HpaApiVersion::V2beta1),
            _ => None,
        }
    }

    /// The `apiVersion` string.
    pub fn as_str(self) -> &'static str {
        match self {
            HpaApiVersion::V1 => "autoscaling/v1",
            HpaApiVersion::V2 => "autoscaling/v2",
            HpaApiVersion::V2beta2 => "autoscaling/v2beta2",
            HpaApiVersion::V2beta1 => "autoscaling/v2beta1",
        }
    }
}

/// Why an object could not be taken as an HPA.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConvertError {
    /// The document is not a JSON object.
    NotAnObject,
    /// `kind` is present and is not `HorizontalPodAutoscaler`.
    NotAnHpa(String),
    /// `apiVersion` is missing, not a string, or not an autoscaling version we know.
    UnsupportedApiVersion(String),
}

impl fmt::Display for ConvertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConvertError::NotAnObject => f.write_str("not a JSON object"),
            ConvertError::NotAnHpa(kind) => {
                write!(f, "kind `{kind}` is not HorizontalPodAutoscaler")
            }
            ConvertError::UnsupportedApiVersion(v) => write!(
                f,
                "unsupported HorizontalPodAutoscaler apiVersion `{v}` (expected autoscaling/v1, v2, v2beta2 or v2beta1)"
            ),
        }
    }
}

impl std::error::Error for ConvertError {}

/// Annotation in which autoscaling/v1 carries the metrics other than CPU
/// utilization (a JSON list in the v2beta1 shape).
pub const METRICS_ANNOTATION: &str = "autoscaling.alpha.kubernetes.io/metrics";
/// Annotation in which autoscaling/v1 and v2beta1 carry `spec.behavior`.
pub const BEHAVIOR_ANNOTATION: &str = "autoscaling.alpha.kubernetes.io/behavior";
const ROUND_TRIP_ANNOTATIONS: [&str; 4] = [
    METRICS_ANNOTATION,
    "autoscaling.alpha.kubernetes.io/current-metrics",
    "autoscaling.alpha.kubernetes.io/conditions",
    BEHAVIOR_ANNOTATION,
];

#[derive(Debug, Clone, PartialEq, Eq)]
struct Origin {
    v2: String,
    original: String,
    keep_suffix: bool,
}

/// An HPA converted to autoscaling/v2 and defaulted as the API server would
/// before validating it, with what is needed to map v2 field paths back.
#[derive(Debug, Clone, PartialEq)]
pub struct ConvertedHpa {
    /// The version the object was written in.
    pub from: HpaApiVersion,
    /// The object in autoscaling/v2 form, defaulted (ready for [`validate`]).
    pub v2: Value,
    origins: Vec<Origin>,
}

impl ConvertedHpa {
    fn add(&mut self, v2: impl Into<String>, original: impl Into<String>, keep_suffix: bool) {
        self.origins.push(Origin {
            v2: v2.into(),
            original: original.into(),
            keep_suffix,
        });
    }

    /// Maps a field path of the v2 object (as validation reports it) to the
    /// path of the same value in the object as written. For v2 and v2beta2
    /// the path is unchanged. For v1, `spec.metrics[k]…` of the CPU metric
    /// maps to `spec.targetCPUUtilizationPercentage` and the metrics /
    /// behavior carried in annotations map to that annotation
    /// (`metadata.annotations[autoscaling.alpha.kubernetes.io/metrics]`).
    /// For v2beta1 the renamed fields map back (`object.describedObject` →
    /// `object.target`, `pods.target.averageValue` →
    /// `pods.targetAverageValue`, …). The result may name a field the user
    /// did not write (see the module docs on locating those).
    pub fn original_path(&self, v2_path: &str) -> String {
        let best = self
            .origins
            .iter()
            .filter(|o| path_has_prefix(v2_path, &o.v2))
            .max_by_key(|o| o.v2.len());
        match best {
            None => v2_path.to_owned(),
            Some(o) if o.keep_suffix => format!("{}{}", o.original, &v2_path[o.v2.len()..]),
            Some(o) => o.original.clone(),
        }
    }
}

fn path_has_prefix(path: &str, prefix: &str) -> bool {
    path.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.') || rest.starts_with('['))
}

/// Converts an HPA of any supported version to autoscaling/v2 and applies
/// the defaults the API server applies for that version (see
/// [`convert_v1_to_v2`], [`convert_v2beta1_to_v2`], [`convert_v2beta2_to_v2`];
/// a v2 object is only defaulted).
pub fn convert_to_v2(hpa: &Value) -> Result<ConvertedHpa, ConvertError> {
    let Some(root) = hpa.as_object() else {
        return Err(ConvertError::NotAnObject);
    };
    match root.get("kind") {
        None | Some(Value::Null) => {}
        Some(Value::String(k)) if k == "HorizontalPodAutoscaler" => {}
        Some(other) => {
            return Err(ConvertError::NotAnHpa(
                other
                    .as_str()
                    .map_or_else(|| other.to_string(), str::to_owned),
            ));
        }
    }
    let api_version = root.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let version = HpaApiVersion::parse(api_version)
        .ok_or_else(|| ConvertError::UnsupportedApiVersion(api_version.to_owned()))?;
    Ok(match version {
        HpaApiVersion::V2 => {
            let mut v2 = hpa.clone();
            apply_defaults(&mut v2);
            ConvertedHpa {
                from: version,
                v2,
                origins: Vec::new(),
            }
        }
        HpaApiVersion::V2beta2 => convert_v2beta2_to_v2(hpa),
        HpaApiVersion::V2beta1 => convert_v2beta1_to_v2(hpa),
        HpaApiVersion::V1 => convert_v1_to_v2(hpa),
    })
}

fn annotation_path(key: &str) -> String {
    format!("metadata.annotations[{key}]")
}

fn new_converted(from: HpaApiVersion, hpa: &Value) -> (ConvertedHpa, Obj) {
    let mut root = hpa.as_object().cloned().unwrap_or_default();
    root.insert("apiVersion".to_owned(), json!("autoscaling/v2"));
    root.remove("status"); // create cannot set status
    (
        ConvertedHpa {
            from,
            v2: Value::Null,
            origins: Vec::new(),
        },
        root,
    )
}

/// The JSON carried in annotation `key` of `meta`, if it parses.
fn annotation_json(meta: &Obj, key: &str) -> Option<Value> {
    let annotations = got_to_opt(get_obj(Some(meta), "annotations"))?;
    annotations
        .get(key)
        .and_then(Value::as_str)
        .and_then(|s| serde_json::from_str(s).ok())
}

fn drop_round_trip_annotations(root: &mut Obj) {
    if let Some(Value::Object(meta)) = root.get_mut("metadata")
        && let Some(Value::Object(annotations)) = meta.get_mut("annotations")
    {
        for key in ROUND_TRIP_ANNOTATIONS {
            annotations.remove(key);
        }
    }
}

/// Moves a well-formed behavior annotation into `spec.behavior`, as the
/// v1 / v2beta1 conversions do. It is *not* defaulted (the annotation
/// bypasses versioned defaulting), so a direction without `policies` fails
/// validation with `must specify at least one Policy`.
fn apply_behavior_annotation(conv: &mut ConvertedHpa, meta: &Obj, spec: &mut Obj) {
    let Some(Value::Object(behavior)) = annotation_json(meta, BEHAVIOR_ANNOTATION) else {
        return;
    };
    let mut kept = Map::new();
    for dir in ["scaleUp", "scaleDown"] {
        if let Some(v) = behavior.get(dir).filter(|v| !v.is_null()) {
            kept.insert(dir.to_owned(), v.clone());
        }
    }
    if !kept.is_empty() {
        spec.insert("behavior".to_owned(), Value::Object(kept));
        conv.add("spec.behavior", annotation_path(BEHAVIOR_ANNOTATION), false);
    }
}

/// autoscaling/v1 → v2: `minReplicas` defaulted to 1; the metrics from the
/// `autoscaling.alpha.kubernetes.io/metrics` annotation (v2beta1 shape) come
/// first, then `targetCPUUtilizationPercentage` as a CPU Utilization metric;
/// with neither, CPU Utilization 80; a behavior annotation becomes
/// `spec.behavior` (undefaulted). Round-trip annotations are dropped.
pub fn convert_v1_to_v2(hpa: &Value) -> ConvertedHpa {
    let (mut conv, mut root) = new_converted(HpaApiVersion::V1, hpa);
    let empty = Map::new();
    let original = hpa.as_object().unwrap_or(&empty);
    let spec_in = match get_obj(Some(original), "spec") {
        Got::Wrong => {
            conv.v2 = Value::Object(root);
            return conv;
        }
        g => got_to_opt(g).unwrap_or(&empty),
    };
    let mut spec = Map::new();
    for key in ["scaleTargetRef", "minReplicas", "maxReplicas"] {
        if let Some(v) = spec_in.get(key) {
            spec.insert(key.to_owned(), v.clone());
        }
    }
    if spec.get("minReplicas").is_none_or(Value::is_null) {
        spec.insert("minReplicas".to_owned(), json!(1));
    }

    let mut metrics = Vec::new();
    let meta = got_to_opt(get_obj(Some(original), "metadata"));
    let annotated = meta
        .map(|m| annotation_json(m, METRICS_ANNOTATION))
        .unwrap_or_default();
    let metrics_origin = annotation_path(METRICS_ANNOTATION);
    if let Some(Value::Array(items)) = annotated {
        for (j, item) in items.iter().enumerate() {
            metrics.push(convert_v2beta1_metric(item, j, None));
            conv.add(format!("spec.metrics[{j}]"), metrics_origin.clone(), false);
        }
    }
    let has_annotated = !metrics.is_empty();
    let cpu = "spec.targetCPUUtilizationPercentage";
    if let Some(target) = member(Some(spec_in), "targetCPUUtilizationPercentage") {
        let k = metrics.len();
        metrics.push(json!({
            "type": "Resource",
            "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": target}}
        }));
        conv.add(format!("spec.metrics[{k}]"), cpu, false);
    }
    if metrics.is_empty() {
        metrics.push(default_cpu_metric());
        conv.add("spec.metrics[0]", cpu, false);
    }
    conv.add(
        "spec.metrics",
        if has_annotated {
            metrics_origin
        } else {
            cpu.to_owned()
        },
        false,
    );
    spec.insert("metrics".to_owned(), Value::Array(metrics));
    if let Some(meta) = meta {
        apply_behavior_annotation(&mut conv, meta, &mut spec);
    }
    root.insert("spec".to_owned(), Value::Object(spec));
    drop_round_trip_annotations(&mut root);
    conv.v2 = Value::Object(root);
    conv
}

/// autoscaling/v2beta2 → v2: the same shape; `tolerance` does not exist in
/// v2beta2 (an unknown field, dropped), then the v2 defaults (identical to
/// v2beta2's) are applied.
pub fn convert_v2beta2_to_v2(hpa: &Value) -> ConvertedHpa {
    let (mut conv, mut root) = new_converted(HpaApiVersion::V2beta2, hpa);
    if let Some(Value::Object(spec)) = root.get_mut("spec")
        && let Some(Value::Object(behavior)) = spec.get_mut("behavior")
    {
        for dir in ["scaleUp", "scaleDown"] {
            if let Some(Value::Object(rules)) = behavior.get_mut(dir) {
                rules.remove("tolerance");
            }
        }
    }
    let mut v2 = Value::Object(root);
    apply_defaults(&mut v2);
    conv.v2 = v2;
    conv
}

/// autoscaling/v2beta1 → v2: v2beta1 defaults (`minReplicas` 1, CPU
/// Utilization 80 when there are no metrics), then each metric converted
/// (see [`ConvertedHpa::original_path`] for the renames). As in the
/// Kubernetes conversion, the non-optional `pods.targetAverageValue` and
/// `object.targetValue` become a zero target when omitted (and so fail with
/// `must be positive`). A behavior annotation becomes `spec.behavior`
/// (undefaulted); a `spec.behavior` field is unknown in v2beta1 and dropped.
pub fn convert_v2beta1_to_v2(hpa: &Value) -> ConvertedHpa {
    let (mut conv, mut root) = new_converted(HpaApiVersion::V2beta1, hpa);
    let meta = got_to_opt(get_obj(hpa.as_object(), "metadata"));
    let Some(spec) = ensure_object(&mut root, "spec") else {
        conv.v2 = Value::Object(root);
        return conv;
    };
    spec.remove("behavior");
    if spec.get("minReplicas").is_none_or(Value::is_null) {
        spec.insert("minReplicas".to_owned(), json!(1));
    }
    match spec.get("metrics") {
        None | Some(Value::Null) => {
            spec.insert("metrics".to_owned(), json!([default_cpu_metric()]));
        }
        Some(Value::Array(items)) if items.is_empty() => {
            spec.insert("metrics".to_owned(), json!([default_cpu_metric()]));
        }
        Some(Value::Array(items)) => {
            let converted: Vec<Value> = items
                .iter()
                .enumerate()
                .map(|(i, m)| convert_v2beta1_metric(m, i, Some(&mut conv)))
                .collect();
            spec.insert("metrics".to_owned(), Value::Array(converted));
        }
        Some(_) => {}
    }
    if let Some(meta) = meta {
        let mut spec_copy = std::mem::take(spec);
        apply_behavior_annotation(&mut conv, meta, &mut spec_copy);
        *spec = spec_copy;
    }
    drop_round_trip_annotations(&mut root);
    conv.v2 = Value::Object(root);
    conv
}

fn copy_if_set(from: Option<&Obj>, from_key: &str, to: &mut Obj, to_key: &str) {
    if let Some(v) = member(from, from_key) {
        to.insert(to_key.to_owned(), v.clone());
    }
}

/// Converts one v2beta1-shaped metric (also the shape of v1's metrics
/// annotation). Records renames in `conv` when given.
fn convert_v2beta1_metric(
    item: &Value,
    index: usize,
    mut conv: Option<&mut ConvertedHpa>,
) -> Value {
    let Some(m) = item.as_object() else {
        return item.clone();
    };
    let mut out = Map::new();
    if let Some(t) = m.get("type") {
        out.insert("type".to_owned(), t.clone());
    }
    let base = format!("spec.metrics[{index}]");
    let mut rename = |v2: &str, original: &str, keep_suffix: bool| {
        if let Some(conv) = conv.as_deref_mut() {
            conv.add(
                format!("{base}.{v2}"),
                format!("{base}.{original}"),
                keep_suffix,
            );
        }
    };
    for (field, value) in m {
        if field == "type" || value.is_null() {
            continue;
        }
        let Value::Object(src) = value else {
            out.insert(field.clone(), value.clone());
            continue;
        };
        let src = Some(src);
        let mut dst = Map::new();
        let mut target = Map::new();
        let mut metric = Map::new();
        match field.as_str() {
            "resource" | "containerResource" => {
                copy_if_set(src, "name", &mut dst, "name");
                if field == "containerResource" {
                    copy_if_set(src, "container", &mut dst, "container");
                }
                let util = is_set(src, "targetAverageUtilization");
                target.insert(
                    "type".to_owned(),
                    json!(if util { "Utilization" } else { "AverageValue" }),
                );
                copy_if_set(
                    src,
                    "targetAverageUtilization",
                    &mut target,
                    "averageUtilization",
                );
                copy_if_set(src, "targetAverageValue", &mut target, "averageValue");
                dst.insert("target".to_owned(), Value::Object(target));
                rename(&format!("{field}.target"), field, false);
                rename(
                    &format!("{field}.target.averageUtilization"),
                    &format!("{field}.targetAverageUtilization"),
                    false,
                );
                rename(
                    &format!("{field}.target.averageValue"),
                    &format!("{field}.targetAverageValue"),
                    false,
                );
            }
            "pods" => {
                copy_if_set(src, "metricName", &mut metric, "name");
                copy_if_set(src, "selector", &mut metric, "selector");
                target.insert("type".to_owned(), json!("AverageValue"));
                let avg = member(src, "targetAverageValue")
                    .cloned()
                    .unwrap_or_else(|| json!("0"));
                target.insert("averageValue".to_owned(), avg);
                dst.insert("metric".to_owned(), Value::Object(metric));
                dst.insert("target".to_owned(), Value::Object(target));
                rename("pods.metric", "pods", false);
                rename("pods.metric.name", "pods.metricName", false);
                rename("pods.metric.selector", "pods.selector", true);
                rename("pods.target", "pods", false);
                rename("pods.target.averageValue", "pods.targetAverageValue", false);
            }
            "object" => {
                let described = member(src, "target").cloned().unwrap_or_else(|| json!({}));
                copy_if_set(src, "metricName", &mut metric, "name");
                copy_if_set(src, "selector", &mut metric, "selector");
                let avg = is_set(src, "averageValue");
                target.insert(
                    "type".to_owned(),
                    json!(if avg { "AverageValue" } else { "Value" }),
                );
                let value = member(src, "targetValue")
                    .cloned()
                    .unwrap_or_else(|| json!("0"));
                target.insert("value".to_owned(), value);
                copy_if_set(src, "averageValue", &mut target, "averageValue");
                dst.insert("describedObject".to_owned(), described);
                dst.insert("metric".to_owned(), Value::Object(metric));
                dst.insert("target".to_owned(), Value::Object(target));
                rename("object.describedObject", "object.target", true);
                rename("object.metric", "object", false);
                rename("object.metric.name", "object.metricName", false);
                rename("object.metric.selector", "object.selector", true);
                rename("object.target", "object", false);
                rename("object.target.value", "object.targetValue", false);
                rename("object.target.averageValue", "object.averageValue", false);
            }
            "external" => {
                copy_if_set(src, "metricName", &mut metric, "name");
                copy_if_set(src, "metricSelector", &mut metric, "selector");
                let value = is_set(src, "targetValue");
                target.insert(
                    "type".to_owned(),
                    json!(if value { "Value" } else { "AverageValue" }),
                );
                copy_if_set(src, "targetValue", &mut target, "value");
                copy_if_set(src, "targetAverageValue", &mut target, "averageValue");
                dst.insert("metric".to_owned(), Value::Object(metric));
                dst.insert("target".to_owned(), Value::Object(target));
                rename("external.metric", "external", false);
                rename("external.metric.name", "external.metricName", false);
                rename("external.metric.selector", "external.metricSelector", true);
                rename("external.target", "external", false);
                rename("external.target.value", "external.targetValue", false);
                rename(
                    "external.target.averageValue",
                    "external.targetAverageValue",
                    false,
                );
            }
            _ => {
                out.insert(field.clone(), value.clone());
                continue;
            }
        }
        out.insert(field.clone(), Value::Object(dst));
    }
    Value::Object(out)
}

// ---------------------------------------------------------------------------
// The one entry point for `scalegen check`
// ---------------------------------------------------------------------------

/// A validation error located in the object the user wrote.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HpaError {
    /// The error exactly as the API server reports it (v2/internal path).
    pub error: FieldError,
    /// The same field's path in the terms of the object as written
    /// (equal to `error.field` for autoscaling/v2 and v2beta2).
    pub field: String,
}

impl HpaError {
    /// JSON pointer of [`HpaError::field`] (which may not exist in the document).
    pub fn json_pointer(&self) -> String {
        field_path_to_json_pointer(&self.field)
    }

    /// Locates the error in `original` (the object as written): the JSON
    /// pointer of the deepest existing node on the path, and whether that
    /// node is the field itself (`true`) or its nearest written ancestor.
    pub fn locate(&self, original: &Value) -> (String, bool) {
        nearest_written_pointer(original, &self.json_pointer())
    }
}

impl fmt::Display for HpaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.error.fmt(f)
    }
}

/// Validates any HorizontalPodAutoscaler object (autoscaling/v1, v2, v2beta2
/// or v2beta1, dispatching on `apiVersion`) as the API server would on
/// create (`old: None`) or on update of `old` (the stored object, any
/// supported version): converts to v2, applies the defaults, validates, and
/// returns the errors in the server's order with their paths mapped back to
/// the object as written. `Err` if the object is not an HPA of a known
/// version.
pub fn check_hpa(
    hpa: &Value,
    old: Option<&Value>,
    options: &ValidationOptions,
) -> Result<Vec<HpaError>, ConvertError> {
    let converted = convert_to_v2(hpa)?;
    let errors = match old {
        None => validate(&converted.v2, options),
        Some(old) => validate_update(&converted.v2, &convert_to_v2(old)?.v2, options),
    };
    Ok(errors
        .into_iter()
        .map(|error| HpaError {
            field: converted.original_path(&error.field),
            error,
        })
        .collect())
}

// ---------------------------------------------------------------------------
// Field paths and JSON pointers
// ---------------------------------------------------------------------------

/// One step of a field path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    /// `.name`
    Field(String),
    /// `[key]` or `[0]` (an index or a map key; JSON pointers do not distinguish them)
    Bracket(String),
}

/// Splits an API-server field path (`spec.metrics[0].resource.name`,
/// `metadata.annotations[example.com/a.b]`) into segments. Map keys in
/// brackets may contain `.` and `/`.
pub fn parse_field_path(path: &str) -> Vec<PathSegment> {
    let mut segments = Vec::new();
    let mut current = String::new();
    let mut chars = path.chars();
    while let Some(c) = chars.next() {
        match c {
            '.' => {
                if !current.is_empty() {
                    segments.push(PathSegment::Field(std::mem::take(&mut current)));
                }
            }
            '[' => {
                if !current.is_empty() {
                    segments.push(PathSegment::Field(std::mem::take(&mut current)));
                }
                let mut key = String::new();
                for k in chars.by_ref() {
                    if k == ']' {
                        break;
                    }
                    key.push(k);
                }
                segments.push(PathSegment::Bracket(key));
            }
            _ => current.push(c),
        }
    }
    if !current.is_empty() {
        segments.push(PathSegment::Field(current));
    }
    segments
}

/// Turns a field path into a JSON pointer (RFC 6901):
/// `spec.metrics[0].resource.name` → `/spec/metrics/0/resource/name`,
/// `metadata.annotations[a.io/b]` → `/metadata/annotations/a.io~1b`.
pub fn field_path_to_json_pointer(path: &str) -> String {
    crate::yaml::pointer_from(parse_field_path(path).into_iter().map(|segment| {
        let (PathSegment::Field(s) | PathSegment::Bracket(s)) = segment;
        s
    }))
}

/// The deepest node of `doc` on the way to `pointer`: `(pointer, exact)`,
/// where `exact` says the whole pointer resolved. Use it to place a
/// diagnostic on a field that defaulting created: the returned node is the
/// nearest ancestor the user wrote (`""` is the document root).
pub fn nearest_written_pointer(doc: &Value, pointer: &str) -> (String, bool) {
    if pointer.is_empty() {
        return (String::new(), true);
    }
    let mut node = doc;
    let mut found = String::new();
    let tokens = pointer.split('/').skip(1);
    for (token, key) in tokens.zip(crate::yaml::pointer_tokens(pointer)) {
        let next = match node {
            Value::Object(m) => m.get(&key),
            Value::Array(a) => key.parse::<usize>().ok().and_then(|i| a.get(i)),
            _ => None,
        };
        match next {
            Some(n) => {
                node = n;
                found.push('/');
                found.push_str(token);
            }
            None => return (found, false),
        }
    }
    (found, true)
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(errs: &[FieldError]) -> Vec<(String, &'static str)> {
        errs.iter()
            .map(|e| (e.field.clone(), e.kind.as_str()))
            .collect()
    }

    fn v2_hpa(spec: Value) -> Value {
        json!({
            "apiVersion": "autoscaling/v2",
            "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "web", "namespace": "default"},
            "spec": spec
        })
    }

    fn dep_ref() -> Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"})
    }

    #[test]
    fn display_matches_the_api_server_form() {
        let e = FieldError::invalid(
            "spec.minReplicas",
            json!(-1),
            "must be greater than or equal to 1",
        );
        assert_eq!(
            e.to_string(),
            "spec.minReplicas: Invalid value: -1: must be greater than or equal to 1"
        );
        assert_eq!(e.reason(), "FieldValueInvalid");
        let e = FieldError::required("spec.scaleTargetRef.kind", "");
        assert_eq!(e.to_string(), "spec.scaleTargetRef.kind: Required value");
        let e = FieldError::not_supported(
            "spec.behavior.scaleUp.selectPolicy",
            "max",
            &SELECT_POLICIES,
        );
        assert_eq!(
            e.to_string(),
            "spec.behavior.scaleUp.selectPolicy: Unsupported value: \"max\": supported values: \"Disabled\", \"Max\", \"Min\""
        );
        assert_eq!(e.reason(), "FieldValueNotSupported");
        let e = FieldError::forbidden(
            "spec.metrics[0].pods",
            "must populate the given metric source only",
        );
        assert_eq!(
            e.to_string(),
            "spec.metrics[0].pods: Forbidden: must populate the given metric source only"
        );
    }

    #[test]
    fn defaults_fill_behavior_field_by_field() {
        let mut hpa = v2_hpa(json!({
            "scaleTargetRef": dep_ref(), "maxReplicas": 3,
            "behavior": {"scaleUp": {"selectPolicy": "Min"}, "scaleDown": {"policies": []}}
        }));
        apply_defaults(&mut hpa);
        let spec = &hpa["spec"];
        assert_eq!(spec["minReplicas"], json!(1));
        assert_eq!(
            spec["metrics"][0]["resource"]["target"]["averageUtilization"],
            json!(80)
        );
        assert_eq!(spec["behavior"]["scaleUp"]["selectPolicy"], json!("Min"));
        assert_eq!(
            spec["behavior"]["scaleUp"]["stabilizationWindowSeconds"],
            json!(0)
        );
        assert_eq!(
            spec["behavior"]["scaleUp"]["policies"]
                .as_array()
                .map(Vec::len),
            Some(2)
        );
        assert_eq!(spec["behavior"]["scaleDown"]["policies"], json!([]));
        assert_eq!(spec["behavior"]["scaleDown"]["selectPolicy"], json!("Max"));
        assert!(
            spec["behavior"]["scaleDown"]
                .get("stabilizationWindowSeconds")
                .is_none()
        );
        let once = hpa.clone();
        apply_defaults(&mut hpa);
        assert_eq!(hpa, once, "defaulting is idempotent");
        assert_eq!(
            paths(&validate(&hpa, &ValidationOptions::default())),
            vec![("spec.behavior.scaleDown.policies".to_owned(), "Required")]
        );
    }

    #[test]
    fn defaults_leave_absent_behavior_absent() {
        let mut hpa = v2_hpa(json!({"scaleTargetRef": dep_ref(), "maxReplicas": 3}));
        apply_defaults(&mut hpa);
        assert!(hpa["spec"].get("behavior").is_none());
        assert!(validate(&hpa, &ValidationOptions::default()).is_empty());
    }

    #[test]
    fn quantity_signs() {
        assert_eq!(quantity_sign("300m"), Some(QuantitySign::Positive));
        assert_eq!(quantity_sign("-10m"), Some(QuantitySign::Negative));
        assert_eq!(quantity_sign("0"), Some(QuantitySign::Zero));
        assert_eq!(quantity_sign("-0.0Ki"), Some(QuantitySign::Zero));
        assert_eq!(quantity_sign(".5"), Some(QuantitySign::Positive));
        assert_eq!(quantity_sign("1e3"), Some(QuantitySign::Positive));
        assert_eq!(quantity_sign("1E"), Some(QuantitySign::Positive));
        assert_eq!(quantity_sign(" 2Gi "), Some(QuantitySign::Positive));
        assert_eq!(quantity_sign("10x"), None);
        assert_eq!(quantity_sign("m"), None);
        assert_eq!(quantity_sign(""), None);
        assert_eq!(quantity_sign("1e"), None);
    }

    #[test]
    fn name_formats() {
        assert!(dns1123_subdomain_errors("my.app-1").is_empty());
        assert_eq!(dns1123_subdomain_errors("MyApp").len(), 1);
        assert_eq!(
            dns1123_subdomain_errors(&"a".repeat(254)),
            vec!["must be no more than 253 characters"]
        );
        assert_eq!(dns1123_label_errors("a.b"), vec!["must not contain dots"]);
        assert!(
            dns1123_label_errors("---***")[0]
                .starts_with("a lowercase RFC 1123 label must consist")
        );
        assert_eq!(path_segment_name_errors(".."), vec!["may not be '..'"]);
        assert_eq!(
            path_segment_name_errors("a/b%c"),
            vec!["may not contain '/'", "may not contain '%'"]
        );
        assert!(qualified_name_errors("example.com/MyName").is_empty());
        assert_eq!(
            qualified_name_errors("/x"),
            vec!["prefix part must be non-empty"]
        );
        assert!(container_resource_name_errors("cpu").is_empty());
        assert!(container_resource_name_errors("example.com/gpu").is_empty());
        assert_eq!(
            container_resource_name_errors("foo"),
            vec![
                "must be a standard resource type or fully qualified",
                "must be a standard resource for containers"
            ]
        );
        assert_eq!(
            container_resource_name_errors("requests.cpu"),
            vec!["must be a standard resource for containers"]
        );
        assert_eq!(name_is_dns_subdomain("web-", true), Vec::<String>::new());
        assert_eq!(name_is_dns_subdomain("web-", false).len(), 1);
    }

    #[test]
    fn v1_target_cpu_converts_and_maps_back() {
        let v1 = json!({
            "apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "web"},
            "spec": {"scaleTargetRef": dep_ref(), "maxReplicas": 5, "targetCPUUtilizationPercentage": -3}
        });
        let conv = convert_to_v2(&v1).expect("v1 converts");
        assert_eq!(conv.from, HpaApiVersion::V1);
        assert_eq!(conv.v2["apiVersion"], json!("autoscaling/v2"));
        assert_eq!(conv.v2["spec"]["minReplicas"], json!(1));
        assert_eq!(
            conv.v2["spec"]["metrics"],
            json!([{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": -3}}}])
        );
        assert_eq!(
            conv.original_path("spec.metrics[0].resource.target.averageUtilization"),
            "spec.targetCPUUtilizationPercentage"
        );
        assert_eq!(conv.original_path("spec.maxReplicas"), "spec.maxReplicas");
        let errs = check_hpa(&v1, None, &ValidationOptions::default()).expect("an HPA");
        assert_eq!(errs.len(), 1);
        assert_eq!(
            errs[0].error.field,
            "spec.metrics[0].resource.target.averageUtilization"
        );
        assert_eq!(errs[0].field, "spec.targetCPUUtilizationPercentage");
        assert_eq!(
            errs[0].json_pointer(),
            "/spec/targetCPUUtilizationPercentage"
        );
        assert_eq!(
            errs[0].locate(&v1),
            ("/spec/targetCPUUtilizationPercentage".to_owned(), true)
        );
    }

    #[test]
    fn v1_without_target_gets_default_cpu_and_annotation_metrics_come_first() {
        let v1 = json!({
            "apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "web"},
            "spec": {"scaleTargetRef": dep_ref(), "maxReplicas": 5}
        });
        let conv = convert_v1_to_v2(&v1);
        assert_eq!(conv.v2["spec"]["metrics"], json!([default_cpu_metric()]));

        let annotation =
            json!([{"type": "Pods", "pods": {"metricName": "qps", "targetAverageValue": "0"}}])
                .to_string();
        let v1 = json!({
            "apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "web", "annotations": {METRICS_ANNOTATION: annotation, "team": "a"}},
            "spec": {"scaleTargetRef": dep_ref(), "maxReplicas": 5, "targetCPUUtilizationPercentage": 60}
        });
        let conv = convert_v1_to_v2(&v1);
        let metrics = conv.v2["spec"]["metrics"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(metrics.len(), 2);
        assert_eq!(metrics[0]["pods"]["metric"]["name"], json!("qps"));
        assert_eq!(
            metrics[1]["resource"]["target"]["averageUtilization"],
            json!(60)
        );
        assert_eq!(
            conv.v2["metadata"]["annotations"],
            json!({"team": "a"}),
            "round-trip annotation dropped"
        );
        let errs = check_hpa(&v1, None, &ValidationOptions::default()).expect("an HPA");
        assert_eq!(errs.len(), 1);
        assert_eq!(
            errs[0].error.field,
            "spec.metrics[0].pods.target.averageValue"
        );
        assert_eq!(
            errs[0].field,
            "metadata.annotations[autoscaling.alpha.kubernetes.io/metrics]"
        );
        assert_eq!(
            errs[0].json_pointer(),
            "/metadata/annotations/autoscaling.alpha.kubernetes.io~1metrics"
        );
        assert!(errs[0].locate(&v1).1);
        assert_eq!(
            conv.original_path("spec.metrics[1].resource.name"),
            "spec.targetCPUUtilizationPercentage"
        );
    }

    #[test]
    fn v1_behavior_annotation_is_not_defaulted() {
        let behavior = json!({"scaleUp": {"stabilizationWindowSeconds": 30}}).to_string();
        let v1 = json!({
            "apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "web", "annotations": {BEHAVIOR_ANNOTATION: behavior}},
            "spec": {"scaleTargetRef": dep_ref(), "maxReplicas": 5}
        });
        let errs = check_hpa(&v1, None, &ValidationOptions::default()).expect("an HPA");
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].error.field, "spec.behavior.scaleUp.policies");
        assert_eq!(
            errs[0].field,
            "metadata.annotations[autoscaling.alpha.kubernetes.io/behavior]"
        );
    }

    #[test]
    fn v2beta1_metrics_convert_and_map_back() {
        let hpa = json!({
            "apiVersion": "autoscaling/v2beta1", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "web"},
            "spec": {
                "scaleTargetRef": dep_ref(), "maxReplicas": 5,
                "metrics": [
                    {"type": "Resource", "resource": {"name": "memory", "targetAverageValue": "1Gi"}},
                    {"type": "Pods", "pods": {"metricName": "a/b", "targetAverageValue": "10"}},
                    {"type": "Object", "object": {"target": {"kind": "Service", "name": "..", "apiVersion": "v1"},
                                                   "metricName": "rps", "averageValue": "5"}},
                    {"type": "External", "external": {"metricName": "queue", "targetValue": "10", "targetAverageValue": "2"}}
                ]
            }
        });
        let conv = convert_to_v2(&hpa).expect("v2beta1 converts");
        let m = &conv.v2["spec"]["metrics"];
        assert_eq!(
            m[0]["resource"],
            json!({"name": "memory", "target": {"type": "AverageValue", "averageValue": "1Gi"}})
        );
        assert_eq!(
            m[1]["pods"],
            json!({"metric": {"name": "a/b"}, "target": {"type": "AverageValue", "averageValue": "10"}})
        );
        assert_eq!(
            m[2]["object"]["describedObject"],
            json!({"kind": "Service", "name": "..", "apiVersion": "v1"})
        );
        assert_eq!(
            m[2]["object"]["target"],
            json!({"type": "AverageValue", "value": "0", "averageValue": "5"})
        );
        assert_eq!(
            m[3]["external"]["target"],
            json!({"type": "Value", "value": "10", "averageValue": "2"})
        );
        let errs = check_hpa(&hpa, None, &ValidationOptions::default()).expect("an HPA");
        let got: Vec<(&str, &str, &str)> = errs
            .iter()
            .map(|e| {
                (
                    e.error.field.as_str(),
                    e.field.as_str(),
                    e.error.kind.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "spec.metrics[1].pods.metric.name",
                    "spec.metrics[1].pods.metricName",
                    "Invalid"
                ),
                (
                    "spec.metrics[2].object.describedObject.name",
                    "spec.metrics[2].object.target.name",
                    "Invalid"
                ),
                (
                    "spec.metrics[2].object.target.value",
                    "spec.metrics[2].object.targetValue",
                    "Invalid"
                ),
                (
                    "spec.metrics[3].external.target.value",
                    "spec.metrics[3].external.targetValue",
                    "Forbidden"
                ),
            ]
        );
        // The omitted object.targetValue is located at its nearest written ancestor.
        assert_eq!(
            errs[2].locate(&hpa),
            ("/spec/metrics/2/object".to_owned(), false)
        );
    }

    #[test]
    fn v2beta1_defaults_and_drops_behavior_field() {
        let hpa = json!({
            "apiVersion": "autoscaling/v2beta1", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "web"},
            "spec": {"scaleTargetRef": dep_ref(), "maxReplicas": 5, "behavior": {"scaleUp": {"policies": []}}}
        });
        let conv = convert_v2beta1_to_v2(&hpa);
        assert_eq!(conv.v2["spec"]["minReplicas"], json!(1));
        assert_eq!(conv.v2["spec"]["metrics"], json!([default_cpu_metric()]));
        assert!(conv.v2["spec"].get("behavior").is_none());
    }

    #[test]
    fn v2beta2_drops_tolerance_and_defaults() {
        let hpa = json!({
            "apiVersion": "autoscaling/v2beta2", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "web"},
            "spec": {"scaleTargetRef": dep_ref(), "maxReplicas": 5,
                     "behavior": {"scaleDown": {"tolerance": "-1", "policies": [{"type": "Pods", "value": 1, "periodSeconds": 60}]}}}
        });
        let conv = convert_to_v2(&hpa).expect("v2beta2 converts");
        assert_eq!(conv.from, HpaApiVersion::V2beta2);
        assert!(
            conv.v2["spec"]["behavior"]["scaleDown"]
                .get("tolerance")
                .is_none()
        );
        assert_eq!(
            conv.v2["spec"]["behavior"]["scaleUp"]["selectPolicy"],
            json!("Max")
        );
        assert_eq!(
            conv.original_path("spec.behavior.scaleDown.policies[0].value"),
            "spec.behavior.scaleDown.policies[0].value"
        );
        assert!(
            check_hpa(&hpa, None, &ValidationOptions::default())
                .expect("an HPA")
                .is_empty()
        );
    }

    #[test]
    fn unknown_versions_and_kinds_are_refused() {
        assert_eq!(
            convert_to_v2(
                &json!({"apiVersion": "autoscaling/v3", "kind": "HorizontalPodAutoscaler"})
            ),
            Err(ConvertError::UnsupportedApiVersion(
                "autoscaling/v3".to_owned()
            ))
        );
        assert_eq!(
            convert_to_v2(&json!({"apiVersion": "autoscaling/v2", "kind": "Deployment"})),
            Err(ConvertError::NotAnHpa("Deployment".to_owned()))
        );
        assert_eq!(convert_to_v2(&json!([1])), Err(ConvertError::NotAnObject));
    }

    #[test]
    fn field_paths_become_json_pointers() {
        assert_eq!(
            field_path_to_json_pointer("spec.metrics[0].resource.name"),
            "/spec/metrics/0/resource/name"
        );
        assert_eq!(
            field_path_to_json_pointer("metadata.annotations[example.com/a.b~c]"),
            "/metadata/annotations/example.com~1a.b~0c"
        );
        assert_eq!(field_path_to_json_pointer(""), "");
        assert_eq!(
            parse_field_path("a.b[1][k.x]"),
            vec![
                PathSegment::Field("a".into()),
                PathSegment::Field("b".into()),
                PathSegment::Bracket("1".into()),
                PathSegment::Bracket("k.x".into())
            ]
        );
    }

    #[test]
    fn nearest_written_ancestor() {
        let doc = json!({"spec": {"behavior": {"scaleUp": {"selectPolicy": "Min"}}, "metrics": [{"type": "Pods"}]}});
        assert_eq!(
            nearest_written_pointer(&doc, "/spec/behavior/scaleUp/policies/0/periodSeconds"),
            ("/spec/behavior/scaleUp".to_owned(), false)
        );
        assert_eq!(
            nearest_written_pointer(&doc, "/spec/metrics/0/type"),
            ("/spec/metrics/0/type".to_owned(), true)
        );
        assert_eq!(
            nearest_written_pointer(&doc, "/spec/metrics/3"),
            ("/spec/metrics".to_owned(), false)
        );
        assert_eq!(
            nearest_written_pointer(&doc, "/status"),
            (String::new(), false)
        );
    }

    #[test]
    fn wrong_types_are_skipped_not_reported() {
        let hpa = v2_hpa(json!({
            "scaleTargetRef": {"kind": 7, "name": ["x"], "apiVersion": "apps/v1"},
            "minReplicas": "2", "maxReplicas": 1.5,
            "metrics": [
                "cpu",
                {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": "80"}}},
                {"type": "Pods", "pods": "qps"},
                {"type": 3, "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 50}}}
            ],
            "behavior": {"scaleUp": {"policies": "fast", "stabilizationWindowSeconds": "x", "tolerance": {}}, "scaleDown": 3}
        }));
        let mut defaulted = hpa.clone();
        apply_defaults(&mut defaulted);
        assert_eq!(
            defaulted["spec"]["minReplicas"],
            json!("2"),
            "wrong-typed values are not overwritten"
        );
        assert_eq!(
            validate(&defaulted, &ValidationOptions::default()),
            Vec::<FieldError>::new()
        );
    }

    #[test]
    fn total_on_arbitrary_json() {
        let odd = [
            json!(null),
            json!(1),
            json!("x"),
            json!([]),
            json!({}),
            json!({"spec": null}),
            json!({"spec": []}),
            json!({"metadata": 3, "spec": {"metrics": {}, "behavior": []}}),
            json!({"spec": {"metrics": [null, {}, {"object": {}, "external": {}, "pods": {}}]}}),
            json!({"spec": {"behavior": {"scaleUp": {"policies": [null, 1, {"type": null}]}}}}),
        ];
        for v in odd {
            let mut d = v.clone();
            apply_defaults(&mut d);
            let _ = validate(&d, &ValidationOptions::default());
            let _ = validate_update(&d, &v, &ValidationOptions::default());
            for api in [
                "autoscaling/v1",
                "autoscaling/v2beta1",
                "autoscaling/v2beta2",
            ] {
                if let Value::Object(mut m) = v.clone() {
                    m.insert("apiVersion".into(), json!(api));
                    let _ = check_hpa(&Value::Object(m), None, &ValidationOptions::default());
                }
            }
        }
        // An empty object reports the server's zero-value errors, and nothing else.
        let errs = validate(&json!({}), &ValidationOptions::default());
        assert_eq!(
            paths(&errs),
            vec![
                ("metadata.name".to_owned(), "Required"),
                ("spec.maxReplicas".to_owned(), "Required"),
                ("spec.scaleTargetRef.kind".to_owned(), "Required"),
                ("spec.scaleTargetRef.name".to_owned(), "Required"),
                ("spec.scaleTargetRef.apiVersion".to_owned(), "Invalid"),
            ]
        );
    }

    #[test]
    fn update_rules() {
        let old = v2_hpa(json!({
            "scaleTargetRef": {"kind": "Deployment", "name": "web"}, "minReplicas": 0, "maxReplicas": 3,
            "metrics": [{"type": "External", "external": {"metric": {"name": "q"}, "target": {"type": "Value", "value": "1"}}}]
        }));
        let mut new = old.clone();
        new["spec"]["maxReplicas"] = json!(4);
        let options = ValidationOptions::default();
        assert!(
            validate_update(&new, &old, &options).is_empty(),
            "old min 0 and unchanged apiVersion/kind pass"
        );
        assert_eq!(
            paths(&validate(&new, &options)),
            vec![
                ("spec.minReplicas".to_owned(), "Invalid"),
                ("spec.scaleTargetRef.apiVersion".to_owned(), "Invalid")
            ]
        );
        new["metadata"]["name"] = json!("other");
        new["spec"]["scaleTargetRef"]["kind"] = json!("StatefulSet");
        assert_eq!(
            paths(&validate_update(&new, &old, &options)),
            vec![
                ("metadata.name".to_owned(), "Invalid"),
                ("spec.scaleTargetRef.apiVersion".to_owned(), "Invalid")
            ]
        );
    }

    #[test]
    fn tolerance_gate_off_drops_the_field_unless_old_used_it() {
        let hpa = v2_hpa(json!({
            "scaleTargetRef": dep_ref(), "maxReplicas": 3,
            "behavior": {"scaleUp": {"tolerance": "-1"}}
        }));
        let mut d = hpa.clone();
        apply_defaults(&mut d);
        let off = ValidationOptions {
            configurable_tolerance: false,
            ..ValidationOptions::default()
        };
        assert!(validate(&d, &off).is_empty());
        assert_eq!(validate_update(&d, &d, &off).len(), 1);
        let on = ValidationOptions::default();
        let errs = validate(&d, &on);
        assert_eq!(errs.len(), 1);
        assert_eq!(
            errs[0].to_string(),
            "spec.behavior.scaleUp.tolerance: Invalid value: \"-1\": must be greater than or equal to 0"
        );
    }

    #[test]
    fn feature_gates_by_name() {
        let mut o = ValidationOptions::default();
        assert!(!o.scale_to_zero && o.configurable_tolerance);
        o.set_feature_gate("HPAScaleToZero", true)
            .expect("known gate");
        assert!(o.scale_to_zero);
        assert_eq!(
            o.set_feature_gate("HPAFoo", true),
            Err(UnknownFeatureGate("HPAFoo".into()))
        );
    }
}
