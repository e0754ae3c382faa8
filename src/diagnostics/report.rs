//! Rendering diagnostics: the human form (miette), JSON, SARIF and GitHub annotations. This is
//! the only place that turns diagnostics into text.

use std::fmt;
use std::sync::Arc;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};
use serde::Serialize;

use super::{Diagnostic, Diagnostics, Label, Severity};
use crate::source::SourceFile;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HumanOptions {
    pub color: bool,
    pub width: usize,
}

impl HumanOptions {
    /// What snapshot tests compare: no colour, a fixed width.
    pub const PLAIN: HumanOptions = HumanOptions {
        color: false,
        width: 100,
    };
}

/// Renders one diagnostic the way rustc would show it: the message with its rule, the source
/// snippet with labels, and the help line.
pub fn human(diagnostic: &Diagnostic, options: HumanOptions) -> String {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(options.width)
        .with_links(false)
        .with_context_lines(1)
        .with_show_related_as_nested(true);
    let view = View::new(diagnostic);
    let mut out = String::new();
    if handler.render_report(&mut out, &view).is_err() {
        // miette only fails on a span it cannot read; fall back to a plain line so the user
        // still learns what is wrong and where.
        out = plain_line(diagnostic);
    }
    out
}

/// `file:line:column: severity[CODE]: message`, for logs and summaries.
pub fn plain_line(d: &Diagnostic) -> String {
    let place = d.primary.as_ref().map_or(String::new(), |l| {
        let at = l.start();
        format!("{}:{}:{}: ", l.file.name(), at.line, at.column)
    });
    format!("{place}{}[{}]: {}", d.severity, d.rule.code, d.message)
}

/// Every diagnostic rendered by [`human`], separated by blank lines.
pub fn human_all(diagnostics: &Diagnostics, options: HumanOptions) -> String {
    diagnostics
        .iter()
        .map(|d| human(d, options))
        .collect::<Vec<_>>()
        .join("\n")
}

/// "2 errors, 1 warning" (or "no problems").
pub fn counts(diagnostics: &Diagnostics) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match (diagnostics.errors(), diagnostics.warnings()) {
        (0, 0) => "no problems".into(),
        (e, 0) => plural(e, "error"),
        (0, w) => plural(w, "warning"),
        (e, w) => format!("{}, {}", plural(e, "error"), plural(w, "warning")),
    }
}

/// One diagnostic in the JSON output. The shape is stable: scripts and editors read it.
#[derive(Serialize)]
pub struct JsonDiagnostic<'a> {
    pub code: &'static str,
    pub rule: &'static str,
    pub severity: Severity,
    pub message: &'a str,
    pub file: Option<&'a str>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub end_line: Option<usize>,
    pub end_column: Option<usize>,
    pub help: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object: Option<&'a str>,
}

impl<'a> JsonDiagnostic<'a> {
    pub fn new(d: &'a Diagnostic) -> Self {
        let start = d.primary.as_ref().map(Label::start);
        let end = d.primary.as_ref().map(|l| l.file.line_column(l.span.end));
        Self {
            code: d.rule.code,
            rule: d.rule.name,
            severity: d.severity,
            message: &d.message,
            file: d.file_name(),
            line: start.map(|p| p.line),
            column: start.map(|p| p.column),
            end_line: end.map(|p| p.line),
            end_column: end.map(|p| p.column),
            help: d.help.as_deref(),
            path: d.path.as_deref(),
            object: d.object.as_deref(),
        }
    }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

pub fn json(diagnostics: &Diagnostics) -> String {
    let report = JsonReport {
        diagnostics: diagnostics.iter().map(JsonDiagnostic::new).collect(),
    };
    let mut text = serde_json::to_string_pretty(&report).unwrap_or_else(|_| "{}".into());
    text.push('\n');
    text
}

/// GitHub Actions workflow commands: one annotation per diagnostic.
pub fn github(diagnostics: &Diagnostics) -> String {
    let escape_data = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let escape_property = |s: &str| escape_data(s).replace(':', "%3A").replace(',', "%2C");
    let mut out = String::new();
    for d in diagnostics.iter() {
        let mut properties = vec![format!(
            "title={}",
            escape_property(&format!("{} {}", d.rule.code, d.rule.name))
        )];
        if let Some(label) = &d.primary {
            let start = label.start();
            let end = label.file.line_column(label.span.end);
            properties.push(format!("file={}", escape_property(label.file.name())));
            properties.push(format!("line={}", start.line));
            properties.push(format!("col={}", start.column));
            properties.push(format!("endLine={}", end.line));
            if end.line == start.line {
                properties.push(format!("endColumn={}", end.column));
            }
        }
        out.push_str(&format!(
            "::{} {}::{}\n",
            d.severity,
            properties.join(","),
            escape_data(&message_with_help(d))
        ));
    }
    out
}

/// The message followed by the help line, for formats that have one text field for both.
fn message_with_help(d: &Diagnostic) -> String {
    match &d.help {
        Some(help) => format!("{}\nhelp: {help}", d.message),
        None => d.message.clone(),
    }
}

/// A source file as miette reads it.
#[derive(Clone)]
struct FileSource(Arc<SourceFile>);

impl fmt::Debug for FileSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name())
    }
}

impl SourceCode for FileSource {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let contents = self
            .0
            .text()
            .read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.0.name().to_owned(),
            contents.data(),
            *contents.span(),
            contents.line(),
            contents.column(),
            contents.line_count(),
        )))
    }
}

/// A diagnostic as miette sees it. Labels in other files than the primary one (the policy that
/// set a limit) become related notes with their own snippet.
struct View<'a> {
    diagnostic: &'a Diagnostic,
    /// `error[SG102]: message`, as rustc titles its diagnostics.
    title: String,
    source: Option<FileSource>,
    related: Vec<Note>,
}

/// Whether the lines around a label can be shown: a binary file or a 20,000-character line
/// would bury the message, so such diagnostics name the place instead of quoting it.
fn snippet_is_readable(label: &Label) -> bool {
    // The label's line with one line either side (the first three lines for a label on line 1).
    let first = label.start().line.saturating_sub(1).max(1);
    (first..first + 3)
        .map_while(|n| label.file.line_text(n))
        .all(|l| l.chars().count() <= 300 && !l.chars().any(|c| c.is_control() && c != '\t'))
}

impl<'a> View<'a> {
    fn new(diagnostic: &'a Diagnostic) -> Self {
        let readable = diagnostic.primary.as_ref().is_none_or(snippet_is_readable);
        let source = diagnostic
            .primary
            .as_ref()
            .filter(|_| readable)
            .map(|l| FileSource(Arc::clone(&l.file)));
        let related = diagnostic
            .secondary
            .iter()
            .filter(|l| !shown_with_primary(diagnostic, l))
            .map(|l| Note {
                label: l.clone(),
                source: FileSource(Arc::clone(&l.file)),
            })
            .collect();
        Self {
            diagnostic,
            title: match diagnostic.primary.as_ref().filter(|_| !readable) {
                Some(label) => {
                    let at = label.start();
                    format!(
                        "{}[{}]: {} (at {}:{}:{})",
                        diagnostic.severity,
                        diagnostic.rule.code,
                        diagnostic.message,
                        label.file.name(),
                        at.line,
                        at.column
                    )
                }
                None => format!(
                    "{}[{}]: {}",
                    diagnostic.severity, diagnostic.rule.code, diagnostic.message
                ),
            },
            source,
            related,
        }
    }
}

/// Whether a secondary label shares the primary label's snippet: it is in the same file and
/// near enough that the lines between them are context, not a page of unrelated manifest (a
/// Deployment's container and the HPA far below it get a snippet each).
fn shown_with_primary(diagnostic: &Diagnostic, label: &Label) -> bool {
    const NEAR: usize = 12;
    diagnostic.primary.as_ref().is_some_and(|primary| {
        primary.file.name() == label.file.name()
            && primary.start().line.abs_diff(label.start().line) <= NEAR
    })
}

impl fmt::Debug for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl fmt::Display for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.title)
    }
}

impl std::error::Error for View<'_> {}

fn labeled(label: &Label, primary: bool) -> LabeledSpan {
    let span = SourceSpan::new(label.span.start.into(), label.span.len());
    let text = (!label.text.is_empty()).then(|| label.text.clone());
    if primary {
        LabeledSpan::new_primary_with_span(text, span)
    } else {
        LabeledSpan::new_with_span(text, span)
    }
}

impl miette::Diagnostic for View<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diagnostic
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        let primary = self.diagnostic.primary.as_ref()?;
        let same_file = self
            .diagnostic
            .secondary
            .iter()
            .filter(|l| shown_with_primary(self.diagnostic, l))
            .map(|l| labeled(l, false));
        Some(Box::new(
            std::iter::once(labeled(primary, true)).chain(same_file),
        ))
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn miette::Diagnostic> + 'b>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(
            self.related.iter().map(|n| n as &dyn miette::Diagnostic),
        ))
    }
}

/// A secondary label in another file, shown as an advice with its own snippet.
struct Note {
    label: Label,
    source: FileSource,
}

impl fmt::Debug for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label.text)
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label.text)
    }
}

impl std::error::Error for Note {}

impl miette::Diagnostic for Note {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let mut label = self.label.clone();
        label.text = String::new();
        Some(Box::new(std::iter::once(labeled(&label, true))))
    }
}

/// A file name as a SARIF artifact URI: a relative URI reference with `/` separators, and
/// every character a URI does not allow percent-encoded (`<stdin>`, spaces, non-ASCII names).
fn artifact_uri(name: &str) -> String {
    let name = name.replace('\\', "/");
    let name = name.strip_prefix("./").unwrap_or(&name);
    let mut uri = String::new();
    for byte in name.bytes() {
        let allowed = byte.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&byte);
        if allowed {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

/// SARIF 2.1.0, as GitHub code scanning reads it: every rule with its documentation, every
/// diagnostic with its physical location.
pub fn sarif(diagnostics: &Diagnostics) -> String {
    use serde_json::json;
    let rules = crate::rules::registry::ALL;
    let rule_entries: Vec<serde_json::Value> = rules
        .iter()
        .map(|r| {
            json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": {"text": r.summary()},
                "fullDescription": {"text": r.summary()},
                "help": {"text": r.documentation(), "markdown": r.documentation()},
                "defaultConfiguration": {"level": r.default_severity.to_string()},
                "properties": {"tags": r.commands.iter().map(ToString::to_string).collect::<Vec<_>>()},
            })
        })
        .collect();
    let results: Vec<serde_json::Value> = diagnostics
        .iter()
        .map(|d| {
            let mut result = json!({
                "ruleId": d.rule.code,
                "ruleIndex": rules.iter().position(|r| r.code == d.rule.code).unwrap_or(0),
                "level": d.severity.to_string(),
                "message": {"text": message_with_help(d)},
            });
            if let Some(label) = &d.primary {
                let start = label.start();
                let end = label.file.line_column(label.span.end.max(label.span.start));
                let uri = artifact_uri(label.file.name());
                result["locations"] = json!([{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri},
                        "region": {
                            "startLine": start.line,
                            "startColumn": start.column,
                            "endLine": end.line,
                            "endColumn": end.column.max(if end.line == start.line { start.column + 1 } else { 1 }),
                        }
                    }
                }]);
            }
            let mut properties = serde_json::Map::new();
            if let Some(path) = &d.path {
                properties.insert("path".into(), json!(path));
            }
            if let Some(object) = &d.object {
                properties.insert("object".into(), json!(object));
            }
            if !properties.is_empty() {
                result["properties"] = serde_json::Value::Object(properties);
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "scalegen",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/scalegen/scalegen",
                "rules": rule_entries,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_default();
    text.push('\n');
    text
}
