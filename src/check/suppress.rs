//! Suppressions: the `scalegen.io/ignore` annotation turns rules off for one object.
//!
//! The value is one or more lines; each line lists rules (names or codes) separated by commas,
//! optionally followed by `:` and the reason, which applies to every rule on the line:
//!
//! ```yaml
//! metadata:
//!   annotations:
//!     scalegen.io/ignore: "min-equals-max: a batch job runs at a fixed size"
//!     # or several, with a reason per line:
//!     scalegen.io/ignore: |
//!       min-equals-max, SG603: a batch job runs at a fixed size
//!       missing-scale-target: the Deployment lives in another repository
//! ```
//!
//! A suppression applies to the diagnostics about the object that carries it, including those
//! about two objects (a Deployment's missing request names the HPA that needs it: either may
//! carry the suppression). One that suppresses nothing is reported (`unused-suppression`), and
//! so is a rule name scalegen does not know (`invalid-suppression`); neither is reported for a
//! rule the policy turns off.

use std::collections::HashMap;

use crate::diagnostics::{Diagnostic, Label, RuleSettings};
use crate::policy::Policy;
use crate::rules::{Rule, invalid_suppression, registry, unused_suppression};
use crate::source::Span;

use super::object::Object;

/// The annotation that suppresses rules on an object.
pub const IGNORE_ANNOTATION: &str = "scalegen.io/ignore";

/// One rule an object suppresses.
#[derive(Clone, Debug)]
pub struct Suppression {
    pub rule: &'static Rule,
    /// Where the rule is named, for the diagnostic when it suppresses nothing.
    pub label: Label,
    pub reason: Option<String>,
}

/// Reads an object's suppressions; unknown rule names become diagnostics.
pub fn read(object: &Object<'_>) -> (Vec<Suppression>, Vec<Diagnostic>) {
    let mut suppressions = Vec::new();
    let mut diagnostics = Vec::new();
    let Some(value) = object.annotation(IGNORE_ANNOTATION) else {
        return (suppressions, diagnostics);
    };
    let pointer = crate::yaml::pointer_from(["metadata", "annotations", IGNORE_ANNOTATION]);
    let value_span = object.node.locate(&pointer).value;
    let written = &object.file.text()[value_span.start..value_span.end];
    // Find each name in the text as written, so a label underlines the name itself; escapes
    // or folding can move it, and then the whole value is underlined.
    let mut cursor = 0;
    let mut span_of = |name: &str| match written[cursor..].find(name) {
        Some(at) => {
            let start = value_span.start + cursor + at;
            cursor += at + name.len();
            Span::new(start, start + name.len())
        }
        None => value_span,
    };
    let names: Vec<String> = registry::ALL.iter().map(|r| r.name.to_owned()).collect();
    for line in value.lines() {
        let (rules, reason) = match line.split_once(':') {
            Some((rules, reason)) => (rules, Some(reason.trim()).filter(|r| !r.is_empty())),
            None => (line, None),
        };
        for name in rules.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            let span = span_of(name);
            match registry::find(name) {
                Some(rule) => suppressions.push(Suppression {
                    rule,
                    label: Label::new(object.file, span, "suppressed here"),
                    reason: reason.map(str::to_owned),
                }),
                None => {
                    let help = match crate::structure::closest(name, &names) {
                        Some(guess) => format!("did you mean `{guess}`?"),
                        None => "name rules as `scalegen rules` lists them (`min-equals-max` or `SG106`), separated by commas, with an optional `: reason`".into(),
                    };
                    diagnostics.push(
                        object
                            .diagnostic(
                                &invalid_suppression::INVALID_SUPPRESSION,
                                format!(
                                    "`{IGNORE_ANNOTATION}` names `{name}`, which is not a rule"
                                ),
                                &pointer,
                            )
                            .at(Label::new(object.file, span, "no such rule"))
                            .help(help),
                    );
                }
            }
        }
    }
    (suppressions, diagnostics)
}

/// The suppressions of every object of a run, by object. The same object written in several
/// files (a kustomize base and its rendered overlay) is one object.
#[derive(Default)]
pub struct Suppressions {
    by_object: HashMap<String, Vec<(Suppression, bool)>>,
}

impl Suppressions {
    pub fn add(&mut self, object: &str, suppressions: Vec<Suppression>) {
        self.by_object
            .entry(object.to_owned())
            .or_default()
            .extend(suppressions.into_iter().map(|s| (s, false)));
    }

    /// Removes the suppressed diagnostics; returns how many. Diagnostics of rules the policy
    /// turns off do not count as suppressed: they would not be reported anyway.
    pub fn apply(&mut self, diagnostics: &mut Vec<Diagnostic>, policy: &Policy) -> usize {
        let before = diagnostics.len();
        diagnostics.retain(|d| {
            if policy.severity(d.rule).is_none() {
                return true;
            }
            let mut suppressed = false;
            for object in d.object.iter().chain(&d.related_objects) {
                for (suppression, used) in self.by_object.get_mut(object).into_iter().flatten() {
                    if suppression.rule == d.rule {
                        *used = true;
                        suppressed = true;
                    }
                }
            }
            !suppressed
        });
        before - diagnostics.len()
    }

    /// A diagnostic for each suppression that suppressed nothing, of a rule the policy runs.
    pub fn unused(&self, policy: &Policy) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for (object, list) in &self.by_object {
            for (suppression, used) in list {
                if *used || policy.severity(suppression.rule).is_none() {
                    continue;
                }
                let rule = suppression.rule;
                let mut label = suppression.label.clone();
                label.text = "suppresses nothing".into();
                out.push(
                    Diagnostic::new(
                        &unused_suppression::UNUSED_SUPPRESSION,
                        format!(
                            "`{object}` suppresses `{}` ({}), which reports nothing about it",
                            rule.name, rule.code
                        ),
                    )
                    .object(object.clone())
                    .path(format!("metadata.annotations[{IGNORE_ANNOTATION}]"))
                    .at(label)
                    .help(format!(
                        "remove `{}` from `{IGNORE_ANNOTATION}`: the problem it was for is gone, and a stale suppression would hide it if it came back",
                        rule.name
                    )),
                );
            }
        }
        out
    }
}
