//! Helpers shared by the integration tests (each test crate includes this with `mod support;`).

use std::path::{Path, PathBuf};

/// The real-world corpus: `../shared/corpus/real` beside the repository (as CI has it), or the
/// folder `SCALEGEN_CORPUS` names. `None` when neither exists; the caller says it skipped.
pub fn corpus_dir() -> Option<PathBuf> {
    [
        std::env::var_os("SCALEGEN_CORPUS").map(PathBuf::from),
        Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/real")),
    ]
    .into_iter()
    .flatten()
    .find(|dir| dir.is_dir())
}
