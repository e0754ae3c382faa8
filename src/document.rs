//! Reading input files into text and YAML, with every problem as a diagnostic at its place.

use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use crate::diagnostics::{Diagnostic, Label};
use crate::rules::input;
use crate::source::{SourceFile, Span};
use crate::structure::{Issue, IssueKind};
use crate::yaml::{self, Node};

/// Why a file could not be read at all (exit status 2).
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{path}: no such file")]
    NotFound { path: String },
    #[error("{path}: is a directory, not a file")]
    IsDirectory { path: String },
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

impl ReadError {
    /// The message when the file read is a services file: a missing one is met with the
    /// command that writes a starter file.
    pub fn services_file_message(&self) -> String {
        match self {
            ReadError::NotFound { .. } => {
                format!("{self} (run `scalegen init` to create a services file)")
            }
            _ => self.to_string(),
        }
    }
}

/// Reads a file (or `-` for stdin) as text, refusing more than `limit` bytes without reading
/// them. Invalid UTF-8, binary content and oversized files are diagnostics, not failures: the
/// caller reports them like any other problem.
pub fn read(
    path: &Path,
    display: &str,
    limit: usize,
) -> Result<(Arc<SourceFile>, Option<Diagnostic>), ReadError> {
    let too_large = |size: u64| {
        let file = SourceFile::new(display, "");
        let diagnostic = Diagnostic::new(
            &input::INPUT_TOO_LARGE,
            format!(
                "the file is {}, more than the {} scalegen reads",
                human_size(size),
                human_size(limit as u64)
            ),
        )
        .at(Label::new(&file, Span::point(0), "this file"))
        .help("check that this is the file you meant; split very large inputs into several files");
        (file, Some(diagnostic))
    };
    let bytes = if path == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .take(limit as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|source| ReadError::Io {
                path: display.to_owned(),
                source,
            })?;
        if bytes.len() > limit {
            return Ok(too_large(bytes.len() as u64));
        }
        bytes
    } else {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                return Err(ReadError::IsDirectory {
                    path: display.to_owned(),
                });
            }
            Ok(meta) if meta.len() > limit as u64 => return Ok(too_large(meta.len())),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                return Err(ReadError::NotFound {
                    path: display.to_owned(),
                });
            }
            _ => {}
        }
        std::fs::read(path).map_err(|source| ReadError::Io {
            path: display.to_owned(),
            source,
        })?
    };
    Ok(from_bytes(display, bytes))
}

fn human_size(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB {
        format!("{:.1} MiB", bytes as f64 / MIB as f64)
    } else {
        format!("{} KiB", bytes.div_ceil(1024))
    }
}

/// Text from bytes. A file that is not UTF-8 text becomes an empty source plus a diagnostic
/// whose label holds a lossy copy of the text, so the snippet still shows the offending byte.
pub fn from_bytes(display: &str, bytes: Vec<u8>) -> (Arc<SourceFile>, Option<Diagnostic>) {
    match String::from_utf8(bytes) {
        Ok(text) => {
            if let Some(at) = text.find('\0') {
                let file = SourceFile::new(display, text);
                let diagnostic = Diagnostic::new(
                    &input::NOT_TEXT,
                    "the file contains a NUL byte: it is binary, not YAML text",
                )
                .at(Label::new(&file, Span::new(at, at + 1), "NUL byte here"))
                .help("point scalegen at YAML files only, or remove the binary content");
                return (SourceFile::new(display, ""), Some(diagnostic));
            }
            (SourceFile::new(display, text), None)
        }
        Err(err) => {
            let at = err.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(err.as_bytes()).into_owned();
            let file = SourceFile::new(display, lossy);
            let start = file.char_to_byte(
                String::from_utf8_lossy(&err.as_bytes()[..at])
                    .chars()
                    .count(),
            );
            let diagnostic = Diagnostic::new(&input::NOT_TEXT, "the file is not valid UTF-8 text")
                .at(Label::new(
                    &file,
                    Span::new(start, start + 1),
                    "invalid byte here",
                ))
                .help("save the file as UTF-8");
            (SourceFile::new(display, ""), Some(diagnostic))
        }
    }
}

/// A YAML error as a diagnostic.
pub fn yaml_error(file: &Arc<SourceFile>, err: &yaml::Error) -> Diagnostic {
    let (rule, label, help) = match err.kind {
        yaml::ErrorKind::Syntax => (
            &input::INVALID_YAML,
            "here",
            "fix the YAML syntax here; a common cause is a missing space after `:`, a tab used for indentation, or an unclosed quote or bracket",
        ),
        yaml::ErrorKind::DuplicateKey => (
            &input::DUPLICATE_KEY,
            "repeated here",
            "keep one of the two entries",
        ),
        yaml::ErrorKind::Limit => (
            &input::INPUT_TOO_LARGE,
            "here",
            "write the values out without deep nesting or chains of aliases",
        ),
        yaml::ErrorKind::SeveralDocuments => (
            &input::INVALID_YAML,
            "a second document starts here",
            "this file holds one document: remove this `---` and what follows, or move it to a file of its own",
        ),
    };
    Diagnostic::new(rule, err.message.clone())
        .at(Label::new(file, err.span, label))
        .help(help)
}

/// A structural issue as a diagnostic, underlining the value (or, for an unknown field or a
/// collection, its key).
pub fn structure_issue(file: &Arc<SourceFile>, root: &Node, issue: &Issue) -> Diagnostic {
    let located = root.locate(&issue.pointer);
    let (rule, span, label) = match issue.kind {
        IssueKind::UnknownField => (
            &input::UNKNOWN_FIELD,
            located.key.unwrap_or(located.value),
            "unknown field",
        ),
        IssueKind::InvalidType => (&input::INVALID_TYPE, located.label(), "wrong type"),
        IssueKind::InvalidValue => (&input::INVALID_VALUE, located.label(), "invalid value"),
        IssueKind::MissingField => (&input::MISSING_FIELD, located.label(), "in this mapping"),
    };
    let mut diagnostic =
        Diagnostic::new(rule, issue.message.clone()).at(Label::new(file, span, label));
    diagnostic.help = issue.help.clone();
    diagnostic.pointer = Some(issue.pointer.clone());
    diagnostic
}
