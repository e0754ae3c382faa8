//! The only module that touches the YAML crate.
//!
//! Input is parsed into a [`Node`] tree that keeps the byte span of every key and value, so a
//! diagnostic about any JSON pointer can be placed at its exact line and column. Booleans follow
//! YAML 1.2 (`on` and `yes` stay strings); duplicate keys, alias bombs and runaway nesting are
//! errors, never hangs.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{MessageFormatter, Spanned};

use crate::source::{SourceFile, Span};

/// A YAML value with the span it was written at.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    /// The value's own text. Block collections get a zero-length point at their first entry;
    /// [`Located::label`] prefers the key that introduced them.
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: Node,
    pub value: Node,
}

/// Where a JSON pointer lands in a document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Located {
    pub key: Option<Span>,
    pub value: Span,
    pub is_collection: bool,
}

impl Located {
    /// The span a label should underline: a scalar's text, or the key of a collection (a block
    /// mapping has no text of its own to underline).
    pub fn label(&self) -> Span {
        match self.key {
            Some(key) if self.is_collection => key,
            _ => self.value,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    Syntax,
    DuplicateKey,
    /// A resource budget was exceeded: nesting depth, alias expansion, node count, size.
    Limit,
    /// A file that holds one document (the services file, a policy) has a second one.
    SeveralDocuments,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    pub span: Span,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Size of input one parse accepts; bigger input is refused before parsing.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_bytes: usize,
    pub max_documents: usize,
}

impl Limits {
    /// For the services file and policy files: hand-written, small.
    pub const CONFIG: Limits = Limits {
        max_bytes: 8 * 1024 * 1024,
        // One is read; a few more are parsed so that the error can point at the second `---`.
        max_documents: 16,
    };
    /// For manifest streams (`helm template` output of a whole platform).
    pub const MANIFESTS: Limits = Limits {
        max_bytes: 256 * 1024 * 1024,
        max_documents: 1_000_000,
    };
}

fn options(text_len: usize, limits: Limits) -> serde_saphyr::Options {
    let mut options = serde_saphyr::Options::default();
    options.strict_booleans = true;
    options.with_snippet = false;
    options.merge_keys = serde_saphyr::MergeKeyPolicy::Merge;
    // Written YAML has far fewer nodes than bytes; anchors for shared settings multiply that
    // by a little. Budgets proportional to the input let a large `helm template` stream pass
    // while an alias bomb (tiny input, huge expansion) stops after a few thousand values, in
    // microseconds, instead of building (and then freeing) a quarter-million-node tree.
    let nodes = text_len.saturating_mul(10).saturating_add(10_000);
    if let Some(budget) = options.budget.as_mut() {
        budget.max_documents = limits.max_documents;
        budget.max_nodes = nodes;
        budget.max_events = nodes.saturating_mul(2);
    }
    options.alias_limits.max_total_replayed_events = nodes;
    options
}

/// Parses a single-document file (the services file, a policy). An empty or comment-only file
/// is a null document.
pub fn parse_document(file: &SourceFile) -> Result<Node, Error> {
    let text = file.text();
    check_size(file, Limits::CONFIG)?;
    let mut docs = parse(file, Limits::CONFIG)?;
    match docs.len() {
        0 => Ok(Node {
            value: Value::Null,
            span: Span::point(0),
        }),
        1 => Ok(docs.remove(0)),
        _ => {
            let second = docs[1].span.start;
            let separator = text[..second].rfind("---").unwrap_or(second);
            Err(Error {
                kind: ErrorKind::SeveralDocuments,
                message: "expected one YAML document, found several".into(),
                span: Span::new(separator, separator + 3),
            })
        }
    }
}

/// Parses a multi-document stream (`---`-separated manifests). Empty documents are skipped.
pub fn parse_stream(file: &SourceFile) -> Result<Vec<Node>, Error> {
    check_size(file, Limits::MANIFESTS)?;
    parse(file, Limits::MANIFESTS)
}

fn check_size(file: &SourceFile, limits: Limits) -> Result<(), Error> {
    let len = file.text().len();
    if len > limits.max_bytes {
        return Err(Error {
            kind: ErrorKind::Limit,
            message: format!(
                "the file is {} MiB, more than the {} MiB scalegen reads",
                len / (1024 * 1024),
                limits.max_bytes / (1024 * 1024)
            ),
            span: Span::point(0),
        });
    }
    Ok(())
}

fn parse(file: &SourceFile, limits: Limits) -> Result<Vec<Node>, Error> {
    parse_range(file, 0..file.text().len(), limits)
}

/// Where a parsed piece of text sits in its file, to turn the parser's positions (relative to
/// the piece) into positions in the whole file.
#[derive(Clone, Copy)]
struct Base {
    /// Byte offset of the piece's first byte.
    byte: usize,
    /// 0-based line of the piece's first byte (pieces start at line starts).
    line: usize,
}

/// Parses the documents in `range` of the file; spans are byte offsets into the whole file.
fn parse_range(
    file: &SourceFile,
    range: std::ops::Range<usize>,
    limits: Limits,
) -> Result<Vec<Node>, Error> {
    let text = &file.text()[range.clone()];
    // A byte-order mark is legal at the very start; spans stay byte offsets into the whole text.
    let body = if range.start == 0 {
        text.strip_prefix('\u{feff}').unwrap_or(text)
    } else {
        text
    };
    let base = Base {
        byte: range.start + (text.len() - body.len()),
        line: file.line_column(range.start).line - 1,
    };
    let docs: Vec<Spanned<Raw>> =
        serde_saphyr::from_str_multiple_with_options(body, options(body.len(), limits))
            .map_err(|err| convert_error(file, body, base, &err))?;
    Ok(docs
        .into_iter()
        .map(|doc| finish(doc, body, base, file))
        .collect())
}

/// Splits a multi-document stream into the byte ranges of its documents, at the `---` lines
/// that start them, without parsing. YAML forbids a line starting with `---` followed by a
/// space or a line end anywhere inside a document, even in a block or quoted scalar, so such
/// a line always starts a new document; directives (`%YAML`) just above it belong to the
/// document it starts.
///
/// Parsing the pieces one by one lets a syntax error cost only its own document, and lets
/// the documents of one large stream (`helm template` output) be checked in parallel.
pub fn document_ranges(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut starts = vec![0];
    let mut directives_from: Option<usize> = None;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        let marker = bare
            .strip_prefix("---")
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']));
        if marker {
            let start = directives_from.unwrap_or(at);
            if start > 0 && starts.last() != Some(&start) {
                starts.push(start);
            }
            directives_from = None;
        } else if bare.starts_with('%') {
            directives_from.get_or_insert(at);
        } else {
            directives_from = None;
        }
        at += line.len();
    }
    let mut ranges: Vec<std::ops::Range<usize>> =
        starts.windows(2).map(|pair| pair[0]..pair[1]).collect();
    ranges.push(starts.last().copied().unwrap_or(0)..text.len());
    ranges
}

/// Parses one range of [`document_ranges`] of a manifest stream: its document, or none when
/// the range holds only comments.
pub fn parse_document_range(
    file: &SourceFile,
    range: std::ops::Range<usize>,
) -> Result<Vec<Node>, Error> {
    parse_range(file, range, Limits::MANIFESTS)
}

fn convert_error(file: &SourceFile, body: &str, base: Base, err: &serde_saphyr::Error) -> Error {
    let raw = serde_saphyr::DefaultMessageFormatter
        .format_message(err)
        .escape_debug()
        .to_string();
    let (kind, message) = classify(&raw);
    let span = err
        .location()
        .filter(|loc| loc.line() > 0)
        .map(|loc| {
            let s = loc.span();
            match (s.byte_offset(), s.byte_len()) {
                (Some(start), Some(len)) => Span::new(
                    base.byte + start as usize,
                    base.byte + (start + len) as usize,
                ),
                // Syntax errors carry character offsets only.
                _ => {
                    let line = base.line + loc.line() as usize;
                    let start = file.offset_of(line, loc.column() as usize);
                    let start = start.clamp(base.byte, base.byte + body.len());
                    Span::new(start, start + (s.len() as usize).min(1))
                }
            }
        })
        .unwrap_or(Span::point(base.byte));
    Error {
        kind,
        message,
        span: file.clamp(span),
    }
}

/// The parser's messages are written for developers (and some are wrapped in alias context);
/// make them read like ours and sort them by what the user has to do about them.
fn classify(raw: &str) -> (ErrorKind, String) {
    if let Some(rest) = raw.strip_prefix("duplicate mapping key: ") {
        let key = rest
            .split(", set DuplicateKeyPolicy")
            .next()
            .unwrap_or(rest);
        return (ErrorKind::DuplicateKey, format!("duplicate key `{key}`"));
    }
    if let Some(rest) = raw.strip_prefix("budget breached: ") {
        let what = rest.split([' ', '{']).next().unwrap_or(rest);
        let message = match what {
            "Depth" => "the YAML nests deeper than scalegen reads (64 levels)".into(),
            "Nodes" | "Events" | "Aliases" | "Anchors" => {
                "the YAML expands to too many values (an alias bomb?)".into()
            }
            "Documents" => "the stream has more documents than scalegen reads".into(),
            _ => format!("the YAML exceeds a safety limit ({what})"),
        };
        return (ErrorKind::Limit, message);
    }
    if raw.starts_with("recursion limit exceeded") {
        return (
            ErrorKind::Limit,
            "the YAML nests deeper than scalegen reads".into(),
        );
    }
    if raw.contains("alias") && (raw.contains("limit") || raw.contains("exceeded")) {
        return (
            ErrorKind::Limit,
            "the YAML expands aliases beyond the safety limit (an alias bomb?)".into(),
        );
    }
    (ErrorKind::Syntax, raw.to_string())
}

fn finish(raw: Spanned<Raw>, body: &str, base: Base, file: &SourceFile) -> Node {
    let span = {
        let s = raw.referenced.span();
        match (s.byte_offset(), s.byte_len()) {
            (Some(start), Some(len)) => file.clamp(Span::new(
                base.byte + start as usize,
                base.byte + (start + len) as usize,
            )),
            _ => {
                let offset = body
                    .char_indices()
                    .nth(s.offset() as usize)
                    .map_or(body.len(), |(i, _)| i);
                file.clamp(Span::point(base.byte + offset))
            }
        }
    };
    let value = match raw.value {
        Raw::Null => Value::Null,
        Raw::Bool(b) => Value::Bool(b),
        Raw::Int(i) => Value::Int(i),
        Raw::Float(f) => Value::Float(f),
        Raw::String(s) => Value::String(s),
        Raw::Seq(items) => Value::Seq(
            items
                .into_iter()
                .map(|item| finish(item, body, base, file))
                .collect(),
        ),
        Raw::Map(entries) => Value::Map(
            entries
                .into_iter()
                .map(|(key, value)| Entry {
                    key: finish(key, body, base, file),
                    value: finish(value, body, base, file),
                })
                .collect(),
        ),
    };
    Node { value, span }
}

/// The tree as the YAML crate hands it over: spans in its own terms, converted by [`finish`].
enum Raw {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    Seq(Vec<Spanned<Raw>>),
    Map(Vec<(Spanned<Raw>, Spanned<Raw>)>),
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RawVisitor;
        impl<'de> Visitor<'de> for RawVisitor {
            type Value = Raw;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any YAML value")
            }
            fn visit_unit<E>(self) -> Result<Raw, E> {
                Ok(Raw::Null)
            }
            fn visit_none<E>(self) -> Result<Raw, E> {
                Ok(Raw::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Raw, D::Error> {
                Raw::deserialize(d)
            }
            fn visit_bool<E>(self, v: bool) -> Result<Raw, E> {
                Ok(Raw::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Raw, E> {
                Ok(Raw::Int(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Raw, E> {
                Ok(i64::try_from(v).map_or(Raw::Float(v as f64), Raw::Int))
            }
            fn visit_i128<E>(self, v: i128) -> Result<Raw, E> {
                Ok(i64::try_from(v).map_or(Raw::Float(v as f64), Raw::Int))
            }
            fn visit_u128<E>(self, v: u128) -> Result<Raw, E> {
                Ok(i64::try_from(v).map_or(Raw::Float(v as f64), Raw::Int))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Raw, E> {
                Ok(Raw::Float(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Raw, E> {
                Ok(Raw::String(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Raw, E> {
                Ok(Raw::String(v))
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Raw, E> {
                Ok(Raw::String(String::from_utf8_lossy(v).into_owned()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<Spanned<Raw>>()? {
                    items.push(item);
                }
                Ok(Raw::Seq(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key::<Spanned<Raw>>()? {
                    let value = map.next_value::<Spanned<Raw>>()?;
                    entries.push((key, value));
                }
                Ok(Raw::Map(entries))
            }
        }
        deserializer.deserialize_any(RawVisitor)
    }
}

impl Node {
    /// The mapping entry under `key`, when this is a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|entry| &entry.value)
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|e| e.key.key_is(key)),
            _ => None,
        }
    }

    /// Whether this mapping key's [`key_text`](Self::key_text) is `key`, without building the
    /// text of a string key.
    fn key_is(&self, key: &str) -> bool {
        match &self.value {
            Value::String(s) => s == key,
            _ => self.key_text() == key,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_collection(&self) -> bool {
        matches!(self.value, Value::Seq(_) | Value::Map(_))
    }

    /// A mapping key as the JSON view sees it: scalars by their text.
    pub fn key_text(&self) -> String {
        match &self.value {
            Value::String(s) => s.clone(),
            Value::Null => "null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => format_float(*f),
            Value::Seq(_) | Value::Map(_) => "<complex key>".into(),
        }
    }

    /// Finds the key and value spans of a JSON pointer (`/spec/metrics/0/resource`). A pointer
    /// that leads nowhere (a field that defaulting created) lands on its nearest existing
    /// ancestor, so there is always somewhere to point.
    pub fn locate(&self, pointer: &str) -> Located {
        let mut here = Located {
            key: None,
            value: self.span,
            is_collection: self.is_collection(),
        };
        let mut node = self;
        for token in pointer_tokens(pointer) {
            let next = match &node.value {
                Value::Map(_) => node.entry(&token).map(|e| (Some(e.key.span), &e.value)),
                Value::Seq(items) => token
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| items.get(i))
                    .map(|item| (None, item)),
                _ => None,
            };
            let Some((key, child)) = next else { break };
            here = Located {
                // A list item has no key: keep the list's key for collections inside it, but
                // point at the item itself.
                key: key.or(if child.is_collection() && child.span.is_empty() {
                    Some(Span::point(child.span.start))
                } else {
                    None
                }),
                value: child.span,
                is_collection: child.is_collection(),
            };
            node = child;
        }
        here
    }

    /// Follows a JSON pointer; `None` when it leads nowhere.
    pub fn pointer(&self, pointer: &str) -> Option<&Node> {
        let mut node = self;
        for token in pointer_tokens(pointer) {
            node = match &node.value {
                Value::Map(_) => node.get(&token)?,
                Value::Seq(items) => items.get(token.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// The JSON view of this value, which schema validation and typed deserialization read.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f)
                .map(J::Number)
                // JSON has no NaN or infinity; keep the YAML spelling so a type error can
                // quote it.
                .unwrap_or_else(|| J::String(format_float(*f))),
            Value::String(s) => J::String(s.clone()),
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => J::Object(
                entries
                    .iter()
                    .map(|e| (e.key.key_text(), e.value.to_json()))
                    .collect(),
            ),
        }
    }
}

/// How a message names a JSON value: scalars verbatim in backticks, collections by kind.
pub fn describe_json(value: &serde_json::Value) -> String {
    use serde_json::Value as J;
    match value {
        J::Null => "nothing (null)".into(),
        J::Bool(b) => format!("`{b}`"),
        J::Number(n) => format!("`{n}`"),
        J::String(s) if s.is_empty() => "an empty string".into(),
        J::String(s) => {
            let shown: String = s.chars().take(60).collect();
            let ellipsis = if s.chars().count() > 60 { "…" } else { "" };
            format!("`{}{ellipsis}`", shown.escape_debug())
        }
        J::Array(_) => "a list".into(),
        J::Object(_) => "a mapping".into(),
    }
}

fn format_float(f: f64) -> String {
    if f.is_nan() {
        ".nan".into()
    } else if f.is_infinite() {
        if f > 0.0 {
            ".inf".into()
        } else {
            "-.inf".into()
        }
    } else {
        f.to_string()
    }
}

/// Serializes a value as block-style YAML with `\n` line ends. Strings that YAML 1.1 readers
/// (kubectl) would misread, such as `on` or `0755`, come out quoted.
pub fn to_string<T: serde::Serialize>(value: &T) -> Result<String, serde_saphyr::SerializeError> {
    serde_saphyr::to_string(value)
}

/// Parses a JSON pointer's tokens.
pub fn pointer_tokens(pointer: &str) -> impl Iterator<Item = String> + '_ {
    pointer
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
}

/// Builds a JSON pointer from tokens.
pub fn pointer_from<I, S>(tokens: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    tokens.into_iter().fold(String::new(), |mut out, t| {
        out.push('/');
        out.push_str(&t.as_ref().replace('~', "~0").replace('/', "~1"));
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> (std::sync::Arc<SourceFile>, Node) {
        let file = SourceFile::new("t.yaml", text);
        let node = parse_document(&file).expect("parses");
        (file, node)
    }

    fn text_at(file: &SourceFile, span: Span) -> &str {
        &file.text()[span.start..span.end]
    }

    #[test]
    fn spans_cover_keys_and_values() {
        let (file, root) = doc("a: 1\nné:\n  b: [x, \"y\"]\n");
        let at = root.locate("/né/b/1");
        assert_eq!(text_at(&file, at.value), "\"y\"");
        let at = root.locate("/né");
        assert_eq!(text_at(&file, at.label()), "né");
    }

    #[test]
    fn a_missing_pointer_lands_on_its_nearest_ancestor() {
        let (file, root) = doc("spec:\n  minReplicas: 1\n");
        let at = root.locate("/spec/behavior/scaleUp");
        assert_eq!(text_at(&file, at.label()), "spec");
    }

    #[test]
    fn yaml_1_1_booleans_stay_strings() {
        let (_, root) = doc("a: on\nb: yes\nc: true\n");
        assert_eq!(
            root.to_json(),
            serde_json::json!({"a": "on", "b": "yes", "c": true})
        );
    }

    #[test]
    fn bom_and_crlf_keep_byte_spans() {
        let (file, root) = doc("\u{feff}a: 1\r\nb: two\r\n");
        assert_eq!(text_at(&file, root.locate("/b").value), "two");
    }

    #[test]
    fn duplicate_keys_are_errors_with_a_location() {
        let file = SourceFile::new("t.yaml", "a: 1\nb: 2\na: 3\n");
        let err = parse_document(&file).unwrap_err();
        assert_eq!(err.kind, ErrorKind::DuplicateKey);
        assert_eq!(err.message, "duplicate key `a`");
        assert_eq!(file.line_column(err.span.start).line, 3);
    }

    #[test]
    fn syntax_errors_have_locations() {
        let file = SourceFile::new("t.yaml", "a: 1\nb: [1, 2\nc: 3\n");
        let err = parse_document(&file).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Syntax);
        assert!(file.line_column(err.span.start).line >= 2, "{err:?}");
    }

    #[test]
    fn an_alias_bomb_is_refused() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let mut prev = 'a';
        for c in 'b'..='j' {
            text.push_str(&format!(
                "{c}: &{c} [{}]\n",
                vec![format!("*{prev}"); 10].join(", ")
            ));
            prev = c;
        }
        let err = parse_document(&SourceFile::new("t", text)).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Limit, "{err:?}");
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = format!("a: {}{}", "[".repeat(10_000), "]".repeat(10_000));
        let err = parse_document(&SourceFile::new("t", text)).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Limit, "{err:?}");
    }

    #[test]
    fn streams_skip_empty_documents() {
        let file = SourceFile::new("t", "---\na: 1\n---\n---\nb: 2\n");
        assert_eq!(parse_stream(&file).unwrap().len(), 2);
    }

    #[test]
    fn streams_split_at_document_markers_only() {
        let text = "a: 1\n---\nb: |\n  ---x\n  text\n--- # c\n%YAML 1.2\n---\nc: 3\n";
        let ranges = document_ranges(text);
        let pieces: Vec<&str> = ranges.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(
            pieces,
            [
                "a: 1\n",
                "---\nb: |\n  ---x\n  text\n",
                "--- # c\n",
                "%YAML 1.2\n---\nc: 3\n"
            ]
        );
        assert_eq!(document_ranges(""), vec![0..0]);
        assert_eq!(document_ranges("---\na: 1\n"), vec![0..9]);
    }

    #[test]
    fn documents_parsed_alone_keep_positions_in_the_whole_file() {
        let file = SourceFile::new("t", "a: 1\n---\nb: two\n---\nc: [1\n");
        let ranges = document_ranges(file.text());
        let second = parse_document_range(&file, ranges[1].clone()).unwrap();
        assert_eq!(text_at(&file, second[0].locate("/b").value), "two");
        let err = parse_document_range(&file, ranges[2].clone()).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Syntax);
        assert!(file.line_column(err.span.start).line >= 5, "{err:?}");
        // The first document still parses on its own.
        assert_eq!(
            parse_document_range(&file, ranges[0].clone())
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn pointers_escape_and_unescape() {
        assert_eq!(pointer_from(["a/b", "c~d"]), "/a~1b/c~0d");
        assert_eq!(
            pointer_tokens("/a~1b/c~0d").collect::<Vec<_>>(),
            ["a/b", "c~d"]
        );
    }
}
