//! Putting rendered outputs on disk, safely: atomic writes (a temporary file in the same
//! directory, synced, then renamed over the target, so an interrupted render never leaves a
//! half-written manifest), untouched files when the bytes are the same (their mtimes stay),
//! stale generated files removed only when they carry scalegen's header, and nothing ever
//! written outside the output directory. Also the `--check` comparison and README injection.

use std::io::Write;
use std::path::{Path, PathBuf};

use similar::TextDiff;

use super::{HEADER_MARKER, Output, RenderError, is_safe};

/// What happened to one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    Created,
    Updated,
    Unchanged,
    Removed,
}

#[derive(Clone, Debug, Default)]
pub struct WriteReport {
    pub changes: Vec<(PathBuf, Change)>,
    /// Files in the output directory that scalegen did not generate, left as they are.
    pub left_alone: Vec<PathBuf>,
}

/// Prefix of the temporary files; leftovers of a killed render are cleaned up by the next.
const TEMP_PREFIX: &str = ".scalegen-";

fn io_error(path: &Path, source: std::io::Error) -> RenderError {
    RenderError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Whether a file's first lines carry scalegen's generated-file header.
pub fn is_generated(path: &Path) -> bool {
    let Ok(text) = std::fs::read(path) else {
        return false;
    };
    let head = String::from_utf8_lossy(&text[..text.len().min(1024)]);
    head.lines()
        .take(2)
        .any(|line| line.contains(HEADER_MARKER))
}

/// Every regular file under `dir`, relative to it, symlinks not followed.
fn existing_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = ignore::WalkBuilder::new(dir)
        .standard_filters(false)
        .follow_links(false)
        .build()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .filter_map(|e| e.path().strip_prefix(dir).ok().map(Path::to_path_buf))
        .collect();
    files.sort();
    files
}

fn check_out_dir(out: &Path) -> Result<(), RenderError> {
    if out.exists() && !out.is_dir() {
        return Err(io_error(
            out,
            std::io::Error::other("is a file; `--out` must name a directory"),
        ));
    }
    Ok(())
}

/// Writes `contents` to `path` atomically, creating its directory first.
pub fn write_atomically(path: &Path, contents: &[u8]) -> Result<(), RenderError> {
    let dir = parent_dir(path);
    std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
    replace_atomically(path, contents)
}

/// The directory a file is written in: its parent, or `.` for a bare file name.
fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// Writes `contents` to `path` through a temporary file in the same directory, so the file is
/// either the old one or the whole new one, never half-written. The directory must exist.
pub fn replace_atomically(path: &Path, contents: &[u8]) -> Result<(), RenderError> {
    let dir = parent_dir(path);
    let mut temp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| io_error(dir, e))?;
    temp.write_all(contents).map_err(|e| io_error(path, e))?;
    temp.as_file().sync_all().map_err(|e| io_error(path, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Temporary files are private (0600); a generated file is as readable as one written
        // by hand, or keeps the permissions the file already had.
        let mode = std::fs::metadata(path).map_or(0o644, |m| m.permissions().mode() & 0o7777);
        std::fs::set_permissions(temp.path(), std::fs::Permissions::from_mode(mode))
            .map_err(|e| io_error(path, e))?;
    }
    temp.persist(path).map_err(|e| io_error(path, e.error))?;
    Ok(())
}

/// Writes the outputs into `out`, removing generated files that are no longer produced.
pub fn write(out: &Path, outputs: &[Output]) -> Result<WriteReport, RenderError> {
    check_out_dir(out)?;
    let mut report = WriteReport::default();
    for output in outputs {
        if !is_safe(&output.path) {
            return Err(RenderError::UnsafePath(output.path.display().to_string()));
        }
        let path = out.join(&output.path);
        let change = match std::fs::read(&path) {
            Ok(old) if old == output.contents.as_bytes() => Change::Unchanged,
            Ok(_) => Change::Updated,
            Err(_) => Change::Created,
        };
        if change != Change::Unchanged {
            write_atomically(&path, output.contents.as_bytes())?;
        }
        report.changes.push((output.path.clone(), change));
    }
    for file in existing_files(out) {
        if outputs.iter().any(|o| o.path == file) {
            continue;
        }
        let path = out.join(&file);
        let leftover = file
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with(TEMP_PREFIX));
        if leftover || is_generated(&path) {
            std::fs::remove_file(&path).map_err(|e| io_error(&path, e))?;
            if !leftover {
                report.changes.push((file, Change::Removed));
            }
        } else {
            report.left_alone.push(file);
        }
    }
    Ok(report)
}

/// A generated file that differs from what `render` would write now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stale {
    pub path: PathBuf,
    /// A unified diff from what is on disk to what `render` would write.
    pub diff: String,
}

fn unified_diff(path: &Path, old: &str, new: &str) -> String {
    let name = path.display().to_string().replace('\\', "/");
    TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}

/// `render --check`: every file that is stale, missing, or generated but no longer produced.
/// Writes nothing.
pub fn check(out: &Path, outputs: &[Output]) -> Result<Vec<Stale>, RenderError> {
    check_out_dir(out)?;
    let mut stale = Vec::new();
    for output in outputs {
        let path = out.join(&output.path);
        let old = std::fs::read(&path)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        if old != output.contents {
            stale.push(Stale {
                path: output.path.clone(),
                diff: unified_diff(&output.path, &old, &output.contents),
            });
        }
    }
    if out.is_dir() {
        for file in existing_files(out) {
            let path = out.join(&file);
            if !outputs.iter().any(|o| o.path == file) && is_generated(&path) {
                let old = std::fs::read_to_string(&path).unwrap_or_default();
                stale.push(Stale {
                    diff: unified_diff(&file, &old, ""),
                    path: file,
                });
            }
        }
    }
    Ok(stale)
}

pub const BEGIN_MARKER: &str = "<!-- BEGIN SCALEGEN -->";
pub const END_MARKER: &str = "<!-- END SCALEGEN -->";

/// Why the markers of `--inject` could not be used.
#[derive(Debug, PartialEq, Eq)]
pub struct InjectError {
    pub line: usize,
    pub message: String,
    pub help: String,
}

/// Replaces the region between the markers with `tables`; the marker lines stay.
pub fn inject(text: &str, tables: &str) -> Result<String, InjectError> {
    // A marker counts only on a line of its own, so prose that mentions it is left alone.
    let find = |marker: &str| -> Vec<usize> {
        let mut at = 0;
        let mut found = Vec::new();
        for line in text.split_inclusive('\n') {
            if line.trim() == marker {
                found.push(at + line.find(marker).unwrap_or(0));
            }
            at += line.len();
        }
        found
    };
    let line_of = |at: usize| text[..at].matches('\n').count() + 1;
    let (begins, ends) = (find(BEGIN_MARKER), find(END_MARKER));
    let help = format!(
        "put `{BEGIN_MARKER}` and `{END_MARKER}` on lines of their own, once each, where the tables belong"
    );
    match (begins.as_slice(), ends.as_slice()) {
        ([], []) => Err(InjectError {
            line: 1,
            message: "the file has no scalegen markers".into(),
            help,
        }),
        ([], [end, ..]) => Err(InjectError {
            line: line_of(*end),
            message: format!("`{END_MARKER}` without `{BEGIN_MARKER}` before it"),
            help,
        }),
        ([begin, ..], []) => Err(InjectError {
            line: line_of(*begin),
            message: format!("`{BEGIN_MARKER}` without `{END_MARKER}` after it"),
            help,
        }),
        ([_, second, ..], _) => Err(InjectError {
            line: line_of(*second),
            message: format!("a second `{BEGIN_MARKER}`"),
            help,
        }),
        (_, [_, second, ..]) => Err(InjectError {
            line: line_of(*second),
            message: format!("a second `{END_MARKER}`"),
            help,
        }),
        ([begin], [end]) if end < begin => Err(InjectError {
            line: line_of(*end),
            message: format!("`{END_MARKER}` comes before `{BEGIN_MARKER}`"),
            help,
        }),
        ([begin], [end]) => {
            let body_start = begin + BEGIN_MARKER.len();
            let mut out = String::with_capacity(text.len() + tables.len());
            out.push_str(&text[..body_start]);
            out.push('\n');
            out.push_str(tables);
            if !tables.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(&text[*end..]);
            Ok(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injection_replaces_only_the_region_and_round_trips() {
        let text = "# Title\n\n<!-- BEGIN SCALEGEN -->\nold\n<!-- END SCALEGEN -->\n\nTail\n";
        let once = inject(text, "| a |\n").unwrap();
        assert_eq!(
            once,
            "# Title\n\n<!-- BEGIN SCALEGEN -->\n| a |\n<!-- END SCALEGEN -->\n\nTail\n"
        );
        assert_eq!(inject(&once, "| a |\n").unwrap(), once);
        let prose = "Mention `<!-- BEGIN SCALEGEN -->` inline.\n<!-- BEGIN SCALEGEN -->\n<!-- END SCALEGEN -->\n";
        assert!(inject(prose, "t\n").unwrap().starts_with(
            "Mention `<!-- BEGIN SCALEGEN -->` inline.\n<!-- BEGIN SCALEGEN -->\nt\n"
        ));
    }

    #[test]
    fn unbalanced_markers_are_errors_with_lines() {
        let err = inject("a\n<!-- END SCALEGEN -->\n<!-- BEGIN SCALEGEN -->\n", "x").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.message.contains("comes before"));
        assert_eq!(inject("no markers", "x").unwrap_err().line, 1);
        let err = inject("<!-- BEGIN SCALEGEN -->\n", "x").unwrap_err();
        assert!(err.message.contains("without"));
        let err = inject(
            "<!-- BEGIN SCALEGEN -->\n<!-- END SCALEGEN -->\n<!-- BEGIN SCALEGEN -->\n",
            "x",
        )
        .unwrap_err();
        assert_eq!(err.line, 3);
    }

    #[test]
    fn unsafe_paths_are_refused() {
        assert!(is_safe(Path::new("k8s/a.hpa.yaml")));
        assert!(!is_safe(Path::new("../x")));
        assert!(!is_safe(Path::new("/etc/passwd")));
        assert!(!is_safe(Path::new("k8s/../../x")));
        assert!(!is_safe(Path::new("")));
        let dir = tempfile::tempdir().unwrap();
        let outputs = [Output {
            path: PathBuf::from("../escape"),
            contents: "x".into(),
        }];
        assert!(matches!(
            write(dir.path(), &outputs),
            Err(RenderError::UnsafePath(_))
        ));
        assert!(!dir.path().parent().unwrap().join("escape").exists());
    }
}
