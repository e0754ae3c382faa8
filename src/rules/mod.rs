//! The rules: one file per rule, each with a stable code, a kebab-case name that names the
//! problem, a default severity, the commands that use it, and a doc comment that is its
//! documentation (`scalegen explain`).
//!
//! Codes, by area (never reused):
//! - `SG0xx` input: YAML syntax, structure (unknown fields, wrong types), the file's version;
//! - `SG1xx` replica bounds; `SG2xx` metrics and thresholds; `SG3xx` scaling behavior;
//! - `SG4xx` names, references and resources;
//! - `SG5xx` what the Kubernetes API server refuses that no rule above covers;
//! - `SG6xx` across objects; `SG7xx` drift from the services file; `SG8xx` suppressions.

pub mod input;
pub mod registry;

pub mod ambiguous_policy;
pub mod below_ha_minimum;
pub mod deprecated_api_version;
pub mod duplicate_scale_target;
pub mod exceeds_priority_cap;
pub mod hpa_drift;
pub mod insufficient_hysteresis;
pub mod invalid_metric;
pub mod invalid_metric_target;
pub mod invalid_name;
pub mod invalid_object_metadata;
pub mod invalid_policy_type;
pub mod invalid_scale_target_ref;
pub mod invalid_select_policy;
pub mod invalid_suppression;
pub mod max_below_min;
pub mod max_replicas_below_one;
pub mod min_equals_max;
pub mod min_replicas_below_one;
pub mod missing_hpa;
pub mod missing_max_replicas;
pub mod missing_resource_request;
pub mod missing_scale_target;
pub mod negative_tolerance;
pub mod no_metrics;
pub mod no_scaling_policy;
pub mod orphaned_hpa;
pub mod period_out_of_range;
pub mod policy_value_not_positive;
pub mod replicas_with_hpa;
pub mod request_exceeds_limit;
pub mod resources_drift;
pub mod scale_target_without_group;
pub mod tolerance_dropped;
pub mod unavailable_api_version;
pub mod unknown_metric_container;
pub mod unknown_priority;
pub mod unused_priority;
pub mod unused_suppression;
pub mod utilization_out_of_range;
pub mod window_out_of_range;

use std::fmt;

use serde::de::DeserializeOwned;

use crate::diagnostics::{Diagnostic, Label, RuleSettings, Severity};
use crate::policy::Policy;

/// Which commands run a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    Validate,
    Check,
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Command::Validate => "validate",
            Command::Check => "check",
        })
    }
}

/// A rule's identity and documentation.
pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub default_severity: Severity,
    pub commands: &'static [Command],
    /// The doc comment, captured by [`declare_rule!`].
    pub doc: &'static str,
    /// The JSON Schema of the rule's parameters in a policy file, when it has any.
    pub params: Option<fn(&mut schemars::SchemaGenerator) -> schemars::Schema>,
    /// The parameters' defaults, which the built-in default policy must spell out.
    pub default_params: Option<fn() -> serde_json::Value>,
}

impl fmt::Debug for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}({})", self.code, self.name)
    }
}

impl PartialEq for Rule {
    fn eq(&self, other: &Self) -> bool {
        self.code == other.code
    }
}

impl Rule {
    /// The documentation with the doc comment's leading space removed from every line.
    pub fn documentation(&self) -> String {
        self.doc
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n")
            .trim()
            .to_owned()
    }

    /// The first sentence under "What it does".
    pub fn summary(&self) -> String {
        let doc = self.documentation();
        let body = doc
            .split_once("## What it does")
            .map_or(doc.as_str(), |(_, rest)| rest);
        body.lines()
            .map(str::trim)
            .skip_while(|l| l.is_empty())
            .take_while(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Declares a rule: its doc comment becomes its documentation.
///
/// ```text
/// declare_rule! {
///     /// ## What it does
///     /// ...
///     pub static MAX_BELOW_MIN = {
///         code: "SG102", name: "max-below-min", severity: Error, commands: [Validate, Check],
///     };
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis static $id:ident = {
            code: $code:literal,
            name: $name:literal,
            severity: $severity:ident,
            commands: [$($command:ident),* $(,)?]
            $(, params: $params:ty)?
            $(,)?
        };
    ) => {
        $(#[doc = $doc])*
        $vis static $id: $crate::rules::Rule = $crate::rules::Rule {
            code: $code,
            name: $name,
            default_severity: $crate::diagnostics::Severity::$severity,
            commands: &[$($crate::rules::Command::$command),*],
            doc: concat!($($doc, "\n"),*),
            params: $crate::declare_rule!(@params $($params)?),
            default_params: $crate::declare_rule!(@defaults $($params)?),
        };
    };
    (@params) => { None };
    (@params $params:ty) => {
        Some(|generator: &mut schemars::SchemaGenerator| generator.subschema_for::<$params>())
    };
    (@defaults) => { None };
    (@defaults $params:ty) => {
        Some(|| serde_json::to_value(<$params>::default()).unwrap_or_default())
    };
}

/// What a rule's check sees besides its input: the policy (for its parameters and the lines
/// that set them) and where to put what it finds.
pub struct Context<'a> {
    policy: &'a Policy,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> Context<'a> {
    pub fn new(policy: &'a Policy) -> Self {
        Self {
            policy,
            diagnostics: Vec::new(),
        }
    }

    /// Whether the policy runs the rule; a check skips its work when not.
    pub fn enabled(&self, rule: &'static Rule) -> bool {
        self.policy.severity(rule).is_some()
    }

    pub fn params<P: DeserializeOwned + Default>(&self, rule: &'static Rule) -> P {
        self.policy.params(rule)
    }

    /// A label at the policy line that set `param`, when a policy file set it.
    pub fn policy_label(
        &self,
        rule: &'static Rule,
        param: &str,
        text: impl Into<String>,
    ) -> Option<Label> {
        self.policy.label(rule, param, text)
    }

    pub fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    pub fn finish(self) -> Vec<Diagnostic> {
        self.diagnostics
    }
}
