//! scalegen: autoscaling config-as-code.
//!
//! Module map (data flows top to bottom):
//! - [`source`], [`yaml`]: input text with spans; the only module touching the YAML crate;
//! - [`document`]: reading files, YAML and structural problems as diagnostics;
//! - [`structure`]: JSON Schema validation turned into precise issues;
//! - [`model`]: the services file as written and resolved;
//! - [`services_file`]: the `validate` pipeline;
//! - [`check`]: the `check` pipeline over Kubernetes manifests;
//! - [`rules`]: one file per rule, the registry;
//! - [`policy`]: rule severities and limits;
//! - [`diagnostics`]: diagnostics as data, and their reports;
//! - [`simulate`]: load replayed through the HPA and Docker models, side by side.

pub mod check;
pub mod diagnostics;
pub mod docker;
pub mod document;
pub mod hpa;
pub mod import;
pub mod k8s;
pub mod model;
pub mod policy;
pub mod render;
pub mod rules;
pub mod services_file;
pub mod simulate;
pub mod source;
pub mod structure;
pub mod units;
pub mod yaml;
