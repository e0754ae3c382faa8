use std::path::{Path, PathBuf};

use scalegen::render::write::write_atomically;

use super::Output;

/// The starter services file, valid as written (a test keeps it so).
pub const STARTER: &str = include_str!("../../templates/scalegen.yaml.init");
/// The hooks scalegen ships for pre-commit; `init --pre-commit` writes the same ones as local
/// hooks, so the two can never disagree.
const SHIPPED_HOOKS: &str = include_str!("../../.pre-commit-hooks.yaml");

#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// Where to write the starter services file.
    #[arg(default_value = "scalegen.yaml")]
    pub file: PathBuf,
    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,
    /// Also write `.pre-commit-config.yaml` with scalegen's hooks (or say what to add to an
    /// existing one).
    #[arg(long)]
    pub pre_commit: bool,
}

pub fn run(out: &mut Output, args: &InitArgs) -> u8 {
    if let Err(status) = out.refuse_overwrite(&args.file, args.force) {
        return status;
    }
    if let Err(err) = write_atomically(&args.file, STARTER.as_bytes()) {
        return out.fatal(&err.to_string());
    }
    out.stderr(&format!(
        "wrote {}: edit it, then run `scalegen validate` and `scalegen render`\n",
        args.file.display()
    ));
    if args.pre_commit {
        let config = args
            .file
            .parent()
            .unwrap_or(Path::new(""))
            .join(".pre-commit-config.yaml");
        if config.exists() {
            let existing = std::fs::read_to_string(&config).unwrap_or_default();
            if existing.contains("scalegen") {
                out.stderr(&format!(
                    "{} already has scalegen's hooks; left as it is\n",
                    config.display()
                ));
            } else {
                out.stderr(&format!(
                    "{} exists; add this entry under its `repos:`:\n{}",
                    config.display(),
                    local_repo_entry()
                ));
            }
        } else if let Err(err) = write_atomically(&config, pre_commit_config().as_bytes()) {
            return out.fatal(&err.to_string());
        } else {
            out.stderr(&format!(
                "wrote {}: run `pre-commit install` to enable the hooks\n",
                config.display()
            ));
        }
    }
    0
}

/// A whole `.pre-commit-config.yaml` with scalegen's hooks.
pub fn pre_commit_config() -> String {
    format!(
        "# scalegen's hooks for pre-commit (https://pre-commit.com): `pre-commit install`, then every\n\
         # commit checks the manifests and that generated/ is current. They run the `scalegen` on\n\
         # your PATH.\nrepos:\n{}",
        local_repo_entry()
    )
}

/// The `repos:` entry: a `local` repository holding the shipped hooks, comments left out.
fn local_repo_entry() -> String {
    let mut entry = String::from("  - repo: local\n    hooks:\n");
    for line in SHIPPED_HOOKS.lines() {
        if line.trim_start().starts_with('#') || line.trim().is_empty() {
            continue;
        }
        entry.push_str(&format!("      {line}\n"));
    }
    entry
}
