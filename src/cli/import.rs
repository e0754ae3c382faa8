use std::path::PathBuf;

use scalegen::diagnostics::Diagnostics;
use scalegen::import;
use scalegen::render::write::write_atomically;

use super::validate::report_diagnostics;
use super::{EXIT_PROBLEMS, EXIT_USAGE, Format, Output};

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// Files and directories holding HorizontalPodAutoscalers (any of autoscaling/v1, v2,
    /// v2beta2, v2beta1; directories walked as `check` walks them); `-` reads stdin.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
    /// Write the services file here instead of to stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Overwrite `--output` if it exists.
    #[arg(long, requires = "output")]
    pub force: bool,
}

pub fn run(out: &mut Output, args: &ImportArgs) -> u8 {
    if let Some(path) = &args.output
        && let Err(status) = out.refuse_overwrite(path, args.force)
    {
        return status;
    }
    let read = import::read(&args.paths);
    if !read.diagnostics.is_empty() {
        report_diagnostics(out, Diagnostics(read.diagnostics), Format::Human);
    }
    let imported = import::import(&read.inputs);
    for warning in &imported.warnings {
        out.stderr(&format!("warning: {warning}\n"));
    }
    for problem in &read.unreadable {
        out.fatal(problem);
    }
    if !read.unreadable.is_empty() {
        return EXIT_USAGE;
    }
    if read.inputs.is_empty() {
        out.stderr(
            "error: no HorizontalPodAutoscaler found in the input\n  help: import reads `kind: HorizontalPodAutoscaler` documents (and `List` items) of any autoscaling apiVersion; `scalegen check --verbose` on the same input says what each document is\n",
        );
        return EXIT_PROBLEMS;
    }
    match &args.output {
        Some(path) => {
            if let Err(err) = write_atomically(path, imported.text.as_bytes()) {
                return out.fatal(&err.to_string());
            }
            out.stderr(&format!(
                "wrote {}: {} service{} imported, {} not; run `scalegen validate {}` next\n",
                path.display(),
                imported.services,
                if imported.services == 1 { "" } else { "s" },
                imported.skipped,
                path.display()
            ));
        }
        None => out.stdout(&imported.text),
    }
    if imported.services == 0 {
        EXIT_PROBLEMS
    } else {
        0
    }
}
