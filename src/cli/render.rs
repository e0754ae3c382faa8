use std::path::{Path, PathBuf};

use scalegen::diagnostics::{Diagnostics, report};
use scalegen::render::{self, Options, docker::Dialect, write};
use scalegen::{document, services_file, yaml};

use super::validate::{load_policy, report_diagnostics};
use super::{CheckOptions, Deny, EXIT_PROBLEMS, Output};

#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// The services file.
    #[arg(default_value = "scalegen.yaml")]
    pub file: PathBuf,
    /// The directory to write into.
    #[arg(long, default_value = "generated", value_name = "DIR")]
    pub out: PathBuf,
    /// Write nothing; exit 1 with a diff when anything in `--out` (or the `--inject` region) is
    /// stale, missing, or generated but no longer produced.
    #[arg(long, conflicts_with = "stdout")]
    pub check: bool,
    /// Print the HPAs as one multi-document YAML stream (for `kubectl apply -f -`) and write
    /// nothing.
    #[arg(long)]
    pub stdout: bool,
    /// Also replace the region between `<!-- BEGIN SCALEGEN -->` and `<!-- END SCALEGEN -->`
    /// in this Markdown file with the docs tables.
    #[arg(long, value_name = "FILE")]
    pub inject: Option<PathBuf>,
    /// Templates that override the built-in ones by file name.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Also write `deploy.labels` for a Swarm autoscaler: swarm-autoscaler.
    #[arg(long, value_name = "DIALECT", value_parser = parse_dialect)]
    pub docker_labels: Option<Dialect>,
    #[command(flatten)]
    pub options: CheckOptions,
}

fn parse_dialect(name: &str) -> Result<Dialect, String> {
    Dialect::parse(name).ok_or_else(|| {
        let known: Vec<&str> = Dialect::ALL.iter().map(|d| d.name()).collect();
        format!("unknown dialect `{name}`; known: {}", known.join(", "))
    })
}

/// How the header names the services file: as given, without a leading `./`.
fn source_name(path: &Path) -> String {
    let text = path.display().to_string().replace('\\', "/");
    text.strip_prefix("./").unwrap_or(&text).to_owned()
}

pub fn run(out: &mut Output, args: &RenderArgs) -> u8 {
    let policy = match load_policy(out, &args.options.policy, args.options.format) {
        Ok(policy) => policy,
        Err(status) => return status,
    };
    let display = args.file.display().to_string();
    let (file, not_text) =
        match document::read(&args.file, &display, yaml::Limits::CONFIG.max_bytes) {
            Ok(read) => read,
            Err(err) => return out.fatal(&err.services_file_message()),
        };
    let (services, mut diagnostics) = match not_text {
        Some(diagnostic) => (None, Diagnostics(vec![diagnostic])),
        None => services_file::validate(&file, &policy),
    };
    if args.options.deny == Some(Deny::Warnings) {
        diagnostics.deny_warnings();
    }
    let errors = diagnostics.errors();
    let counts = report::counts(&diagnostics);
    if !diagnostics.is_empty() {
        report_diagnostics(out, diagnostics, args.options.format);
    }
    let Some(services) = services.filter(|_| errors == 0) else {
        out.stderr(&format!(
            "{display}: {counts}; nothing was rendered (fix the errors, then run `scalegen render` again)\n"
        ));
        return EXIT_PROBLEMS;
    };
    let options = Options {
        source_name: source_name(&args.file),
        templates: args.templates.clone(),
        docker_labels: args.docker_labels,
    };
    let rendered = match render::render(&services, &options) {
        Ok(rendered) => rendered,
        Err(err) => return out.fatal(&err.to_string()),
    };
    for warning in &rendered.warnings {
        out.stderr(&format!("warning: {warning}\n"));
    }
    if args.stdout {
        // The HPAs, in services-file order.
        let stream: Vec<&str> = services
            .services
            .iter()
            .filter_map(|s| {
                let path = render::hpa_path(&s.name);
                rendered.outputs.iter().find(|o| o.path == path)
            })
            .map(|o| o.contents.as_str())
            .collect();
        out.stdout(&stream.join("---\n"));
        return 0;
    }
    // The injected region is worked out before anything is written, so that a README without
    // markers or a broken template stops the run with `--out` untouched.
    let injection = match &args.inject {
        Some(target) => match prepare_injection(&services, &options, target) {
            Ok(injection) => Some(injection),
            Err(message) => return out.fatal(&message),
        },
        None => None,
    };
    let mut status = 0;
    if args.check {
        match write::check(&args.out, &rendered.outputs) {
            Ok(stale) if stale.is_empty() => out.stderr(&format!(
                "{}: {} files up to date\n",
                args.out.display(),
                rendered.outputs.len()
            )),
            Ok(stale) => {
                for s in &stale {
                    out.stdout(&s.diff);
                }
                out.stderr(&format!(
                    "{}: {} of {} files are stale: run `scalegen render{}` to update them\n",
                    args.out.display(),
                    stale.len(),
                    rendered.outputs.len(),
                    rerun_flags(args)
                ));
                status = EXIT_PROBLEMS;
            }
            Err(err) => return out.fatal(&err.to_string()),
        }
    } else {
        match write::write(&args.out, &rendered.outputs) {
            Ok(report) => summarize(out, &args.out, &report),
            Err(err) => return out.fatal(&err.to_string()),
        }
    }
    if let Some(injection) = injection {
        status = status.max(inject(out, args, injection));
    }
    status
}

/// A file with its scalegen region as it is and as it should be.
struct Injection<'a> {
    target: &'a Path,
    text: String,
    updated: String,
}

fn prepare_injection<'a>(
    services: &scalegen::model::Services,
    options: &Options,
    target: &'a Path,
) -> Result<Injection<'a>, String> {
    let text =
        std::fs::read_to_string(target).map_err(|err| {
            format!(
                "{}: {err}\n  help: `--inject` updates an existing file between `<!-- BEGIN SCALEGEN -->` and `<!-- END SCALEGEN -->` lines; create it with those markers, or leave `--inject` out",
                target.display()
            )
        })?;
    let tables = render::docs::tables(services, options).map_err(|err| err.to_string())?;
    let updated = write::inject(&text, &tables).map_err(|err| {
        format!(
            "{}:{}:1: {}\n  help: {}",
            target.display(),
            err.line,
            err.message,
            err.help
        )
    })?;
    Ok(Injection {
        target,
        text,
        updated,
    })
}

/// The flags to repeat in "run `scalegen render …` to update".
fn rerun_flags(args: &RenderArgs) -> String {
    let mut flags = String::new();
    if args.file != Path::new("scalegen.yaml") {
        flags.push_str(&format!(" {}", args.file.display()));
    }
    if args.out != Path::new("generated") {
        flags.push_str(&format!(" --out {}", args.out.display()));
    }
    if let Some(templates) = &args.templates {
        flags.push_str(&format!(" --templates {}", templates.display()));
    }
    if let Some(dialect) = args.docker_labels {
        flags.push_str(&format!(" --docker-labels {dialect}"));
    }
    if let Some(target) = &args.inject {
        flags.push_str(&format!(" --inject {}", target.display()));
    }
    flags
}

fn summarize(out: &mut Output, dir: &Path, report: &write::WriteReport) {
    let count = |change| report.changes.iter().filter(|(_, c)| *c == change).count();
    let mut parts = Vec::new();
    for (change, word) in [
        (write::Change::Created, "created"),
        (write::Change::Updated, "updated"),
        (write::Change::Removed, "removed"),
        (write::Change::Unchanged, "unchanged"),
    ] {
        let n = count(change);
        if n > 0 {
            parts.push(format!("{n} {word}"));
        }
    }
    let mut text = format!("{}: {}\n", dir.display(), parts.join(", "));
    for (path, change) in &report.changes {
        if *change == write::Change::Removed {
            text.push_str(&format!(
                "  removed {} (no longer generated)\n",
                path.display()
            ));
        }
    }
    for path in &report.left_alone {
        text.push_str(&format!(
            "  left alone: {} (not generated by scalegen)\n",
            dir.join(path).display()
        ));
    }
    out.stderr(&text);
}

fn inject(out: &mut Output, args: &RenderArgs, injection: Injection<'_>) -> u8 {
    let Injection {
        target,
        text,
        updated,
    } = injection;
    if updated == text {
        if args.check {
            out.stderr(&format!(
                "{}: the scalegen region is up to date\n",
                target.display()
            ));
        }
        return 0;
    }
    if args.check {
        let diff = similar::TextDiff::from_lines(&text, &updated)
            .unified_diff()
            .header(
                &format!("a/{}", target.display()),
                &format!("b/{}", target.display()),
            )
            .to_string();
        out.stdout(&diff);
        out.stderr(&format!(
            "{}: the scalegen region is stale: run `scalegen render{}` to update it\n",
            target.display(),
            rerun_flags(args)
        ));
        return EXIT_PROBLEMS;
    }
    match write::write_atomically(target, updated.as_bytes()) {
        Ok(()) => {
            out.stderr(&format!(
                "{}: updated the scalegen region\n",
                target.display()
            ));
            0
        }
        Err(err) => out.fatal(&err.to_string()),
    }
}
