//! Diagnostics are data: rules build [`Diagnostic`]s, the [`Sink`] applies the policy
//! (severity overrides, rules turned off, suppressions), and [`report`] renders them at the edge.

pub mod report;

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::rules::Rule;
use crate::source::{LineColumn, SourceFile, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// A labelled span in a file.
#[derive(Clone, Debug)]
pub struct Label {
    pub file: Arc<SourceFile>,
    pub span: Span,
    pub text: String,
}

impl Label {
    pub fn new(file: &Arc<SourceFile>, span: Span, text: impl Into<String>) -> Self {
        Self {
            file: Arc::clone(file),
            span: file.clamp(span),
            text: text.into(),
        }
    }

    pub fn start(&self) -> LineColumn {
        self.file.line_column(self.span.start)
    }
}

#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub rule: &'static Rule,
    pub severity: Severity,
    pub message: String,
    /// The offending value. Every diagnostic scalegen reports about a file has one.
    pub primary: Option<Label>,
    /// Context: where an inherited value was set, the policy line that made it an error.
    pub secondary: Vec<Label>,
    pub help: Option<String>,
    /// The Kubernetes field path of the value (`spec.behavior.scaleUp.policies[0].periodSeconds`).
    pub path: Option<String>,
    /// The Kubernetes object it is about (`namespace/Kind/name`).
    pub object: Option<String>,
    /// Other objects it is about, such as the HPA that needs a Deployment's request: a
    /// suppression on any of them applies too.
    pub related_objects: Vec<String>,
    /// The JSON pointer of the value in its document, for relating diagnostics to each other
    /// (a rule stays quiet about a value that already has a structural error).
    pub pointer: Option<String>,
    /// The Kubernetes API server's own validation errors this diagnostic reproduces (several
    /// when the server reports the same error more than once).
    pub api_errors: Vec<ApiError>,
}

/// A validation error exactly as the Kubernetes API server reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// Its position in the server's list of errors for the object: the server's order.
    pub index: usize,
    /// The error type: `Required`, `Invalid`, `NotSupported`, `Forbidden` or `TooLong`.
    pub kind: &'static str,
    /// The field path the server reports (`spec.metrics[0].resource.target.averageUtilization`).
    pub field: String,
    /// The same field in the object as written (`spec.targetCPUUtilizationPercentage` for an
    /// autoscaling/v1 object).
    pub field_as_written: String,
    pub detail: String,
    /// The server's whole message, as `kubectl apply` prints it.
    pub message: String,
}

impl Diagnostic {
    pub fn new(rule: &'static Rule, message: impl Into<String>) -> Self {
        Self {
            rule,
            severity: rule.default_severity,
            message: message.into(),
            primary: None,
            secondary: Vec::new(),
            help: None,
            path: None,
            object: None,
            related_objects: Vec::new(),
            pointer: None,
            api_errors: Vec::new(),
        }
    }

    pub fn pointer(mut self, pointer: impl Into<String>) -> Self {
        self.pointer = Some(pointer.into());
        self
    }

    pub fn at(mut self, label: Label) -> Self {
        self.primary = Some(label);
        self
    }

    pub fn with(mut self, label: Option<Label>) -> Self {
        self.secondary.extend(label);
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    pub fn object(mut self, object: impl Into<String>) -> Self {
        self.object = Some(object.into());
        self
    }

    pub fn related(mut self, object: impl Into<String>) -> Self {
        self.related_objects.push(object.into());
        self
    }

    pub fn file_name(&self) -> Option<&str> {
        self.primary.as_ref().map(|l| l.file.name())
    }

    fn sort_key(&self) -> (String, usize, &'static str, String) {
        (
            self.file_name().unwrap_or_default().to_owned(),
            self.primary.as_ref().map_or(0, |l| l.span.start),
            self.rule.code,
            self.message.clone(),
        )
    }
}

/// What the policy says about a rule.
pub trait RuleSettings {
    /// `None` when the rule is turned off.
    fn severity(&self, rule: &'static Rule) -> Option<Severity>;
}

/// Collects diagnostics, applying the policy's severity for each rule.
pub struct Sink<'a> {
    settings: &'a dyn RuleSettings,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> Sink<'a> {
    pub fn new(settings: &'a dyn RuleSettings) -> Self {
        Self {
            settings,
            diagnostics: Vec::new(),
        }
    }

    pub fn push(&mut self, mut diagnostic: Diagnostic) {
        if let Some(severity) = self.settings.severity(diagnostic.rule) {
            diagnostic.severity = severity;
            self.diagnostics.push(diagnostic);
        }
    }

    pub fn extend(&mut self, diagnostics: impl IntoIterator<Item = Diagnostic>) {
        for d in diagnostics {
            self.push(d);
        }
    }

    /// Sorted by file and position, with exact repeats removed: a value inherited by several
    /// services is reported once, at the place it was written. A repeat's API errors stay
    /// with the one kept.
    pub fn finish(self) -> Diagnostics {
        let mut diagnostics = self.diagnostics;
        diagnostics.sort_by_cached_key(Diagnostic::sort_key);
        diagnostics.dedup_by(|repeat, kept| {
            let same = repeat.rule.code == kept.rule.code
                && repeat.message == kept.message
                && repeat.file_name() == kept.file_name()
                && repeat.primary.as_ref().map(|l| l.span) == kept.primary.as_ref().map(|l| l.span);
            if same {
                kept.api_errors.append(&mut repeat.api_errors);
            }
            same
        });
        Diagnostics(diagnostics)
    }
}

/// The outcome of a run, ready to report.
#[derive(Clone, Debug, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.0.iter().filter(|d| d.severity == severity).count()
    }

    /// Adds diagnostics of another run, at the severity they have, keeping the order by file
    /// and position.
    pub fn merge(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
        self.0.sort_by_cached_key(Diagnostic::sort_key);
    }

    /// `--deny warnings`.
    pub fn deny_warnings(&mut self) {
        for d in &mut self.0 {
            d.severity = Severity::Error;
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
