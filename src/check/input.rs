//! What `check` reads: files named on the command line (whatever their extension), the YAML
//! and JSON files under directories (ripgrep's walker: `.gitignore`, `.ignore`, hidden files
//! and a `.scalegenignore` of our own are honoured), and stdin (`-`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostics::Diagnostic;
use crate::document;
use crate::source::SourceFile;
use crate::yaml::Limits;

/// A file with ignore patterns of scalegen's own, read like `.gitignore`.
pub const IGNORE_FILE: &str = ".scalegenignore";

/// The extensions of the files read under a directory.
pub const EXTENSIONS: [&str; 3] = ["yaml", "yml", "json"];

/// One input of a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    File { path: PathBuf, display: String },
    Stdin,
}

impl Input {
    /// How diagnostics name the input.
    pub fn display(&self) -> &str {
        match self {
            Input::File { display, .. } => display,
            Input::Stdin => "<stdin>",
        }
    }

    /// Reads the input as text. `Err` when it cannot be read at all; text that is not UTF-8
    /// or too large is a diagnostic.
    pub fn read(&self) -> Result<(Arc<SourceFile>, Option<Diagnostic>), String> {
        let path = match self {
            Input::File { path, .. } => path.as_path(),
            Input::Stdin => Path::new("-"),
        };
        document::read(path, self.display(), Limits::MANIFESTS.max_bytes)
            .map_err(|err| err.to_string())
    }
}

/// How a path is shown: as given, without a leading `./`, with `/` separators.
fn display(path: &Path) -> String {
    let text = path.display().to_string().replace('\\', "/");
    match text.strip_prefix("./") {
        Some(rest) if !rest.is_empty() => rest.to_owned(),
        _ => text,
    }
}

/// Expands paths into inputs, in a stable order (each directory's files sorted by name), each
/// file once. Paths that do not exist and directory entries that cannot be read are returned
/// as messages.
pub fn collect(paths: &[PathBuf]) -> (Vec<Input>, Vec<String>) {
    let mut inputs = Vec::new();
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    let mut add = |inputs: &mut Vec<Input>, path: PathBuf| {
        let key = path.canonicalize().unwrap_or_else(|_| path.clone());
        if seen.insert(key) {
            inputs.push(Input::File {
                display: display(&path),
                path,
            });
        }
    };
    let mut stdin = false;
    for path in paths {
        if path == Path::new("-") {
            if !stdin {
                inputs.push(Input::Stdin);
                stdin = true;
            }
            continue;
        }
        match std::fs::metadata(path) {
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                problems.push(format!("{}: no such file or directory", display(path)));
            }
            Err(err) => problems.push(format!("{}: {err}", display(path))),
            Ok(meta) if meta.is_dir() => {
                let walker = ignore::WalkBuilder::new(path)
                    .add_custom_ignore_filename(IGNORE_FILE)
                    .sort_by_file_name(|a, b| a.cmp(b))
                    .build();
                for entry in walker {
                    match entry {
                        Ok(entry) => {
                            let is_file = entry.file_type().is_some_and(|t| t.is_file());
                            let wanted = entry
                                .path()
                                .extension()
                                .and_then(|e| e.to_str())
                                .is_some_and(|e| EXTENSIONS.contains(&e));
                            if is_file && wanted {
                                add(&mut inputs, entry.into_path());
                            }
                        }
                        Err(err) => problems.push(err.to_string()),
                    }
                }
            }
            Ok(_) => add(&mut inputs, path.clone()),
        }
    }
    (inputs, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directories_honour_ignore_files_and_hidden_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for (name, text) in [
            ("a.yaml", ""),
            ("b.json", ""),
            ("notes.txt", ""),
            ("sub/c.yml", ""),
            ("skipped/d.yaml", ""),
            (".hidden/e.yaml", ""),
            (".scalegenignore", "skipped/\n"),
        ] {
            let path = root.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let (inputs, problems) = collect(&[root.to_path_buf(), root.join("notes.txt")]);
        assert!(problems.is_empty(), "{problems:?}");
        let names: Vec<String> = inputs
            .iter()
            .map(|i| {
                i.display()
                    .strip_prefix(&display(root))
                    .unwrap_or(i.display())
                    .to_owned()
            })
            .collect();
        assert_eq!(names, ["/a.yaml", "/b.json", "/sub/c.yml", "/notes.txt"]);
        let (_, problems) = collect(&[root.join("nope")]);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].ends_with("nope: no such file or directory"));
    }
}
