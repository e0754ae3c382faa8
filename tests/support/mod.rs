//! Helpers shared by the integration tests (each test crate includes this with `mod support;`).

use std::path::{Path, PathBuf};

/// The real-world corpus's `*.yaml` files, sorted: from `../shared/corpus/real` beside the
/// repository (as CI has it), or the folder `SCALEGEN_CORPUS` names. When neither exists it
/// prints that the test skipped and returns `None`.
pub fn corpus_files() -> Option<Vec<PathBuf>> {
    let Some(dir) = [
        std::env::var_os("SCALEGEN_CORPUS").map(PathBuf::from),
        Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/real")),
    ]
    .into_iter()
    .flatten()
    .find(|dir| dir.is_dir()) else {
        println!(
            "skipped: no corpus at ../shared/corpus/real (set SCALEGEN_CORPUS to point at one)"
        );
        return None;
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("readable corpus")
        .map(|entry| entry.expect("readable entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 148,
        "{} files in {}",
        files.len(),
        dir.display()
    );
    Some(files)
}
