use std::path::{Path, PathBuf};
use std::time::Instant;

use scalegen::check::{self, Settings};
use scalegen::diagnostics::report;
use scalegen::document;
use scalegen::k8s::api_versions::KubernetesVersion;
use scalegen::rules::missing_hpa::MISSING_HPA;
use scalegen::rules::missing_scale_target::MISSING_SCALE_TARGET;
use scalegen::yaml;

use super::validate::{load_policy, report_diagnostics};
use super::{CheckOptions, Deny, EXIT_PROBLEMS, EXIT_USAGE, Format, Output};

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files and directories to check (directories recursively, honouring `.gitignore`,
    /// `.ignore`, `.scalegenignore` and hidden files; only `.yaml`, `.yml` and `.json` files
    /// there); `-` reads stdin. Default: the current directory.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// The services file to compare the manifests with (the drift rules). Default:
    /// `scalegen.yaml` when it exists.
    #[arg(long, value_name = "FILE")]
    pub services: Option<PathBuf>,
    /// Do not read a services file, even `scalegen.yaml`.
    #[arg(long, conflicts_with = "services")]
    pub no_services: bool,
    /// The Kubernetes release the manifests are applied to: which apiVersions it serves and
    /// which validation its API server runs.
    #[arg(long, value_name = "MAJOR.MINOR", default_value_t = KubernetesVersion::DEFAULT)]
    pub kubernetes_version: KubernetesVersion,
    /// API server feature gates that differ from the release's defaults, as the API server
    /// takes them: `HPAConfigurableTolerance=true,HPAScaleToZero=true`.
    #[arg(long, value_name = "NAME=BOOL,...", value_parser = parse_feature_gates)]
    pub feature_gates: Option<FeatureGates>,
    /// Do not report HPAs whose target workload is not among the checked manifests (for
    /// repositories that keep workloads and HPAs apart).
    #[arg(long)]
    pub allow_missing_targets: bool,
    /// Also say which documents were skipped, and why.
    #[arg(short, long)]
    pub verbose: bool,
    #[command(flatten)]
    pub options: CheckOptions,
}

pub fn run(out: &mut Output, args: &CheckArgs) -> u8 {
    let started = Instant::now();
    // Read the input first: the schemas it needs start compiling on other threads while the
    // policy and the services file load.
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let (inputs, problems) = check::input::collect(&paths);
    let read = check::read(&inputs);
    let mut policy = match load_policy(out, &args.options.policy, args.options.format) {
        Ok(policy) => policy,
        Err(status) => return status,
    };
    if args.allow_missing_targets {
        policy.turn_off(&MISSING_SCALE_TARGET);
    }
    // What could not be read may hold the very HPA or workload these rules would call missing.
    let incomplete = !problems.is_empty() || !read.complete();
    if incomplete {
        policy.turn_off(&MISSING_SCALE_TARGET);
        policy.turn_off(&MISSING_HPA);
    }
    let mut settings = Settings::new(policy);
    settings.for_kubernetes(args.kubernetes_version);
    for (gate, enabled) in args.feature_gates.iter().flat_map(|g| &g.0) {
        if let Err(err) = settings.api.set_feature_gate(gate, *enabled) {
            return out.fatal(&format!("--feature-gates: {err}"));
        }
    }

    let services_path = match (&args.services, args.no_services) {
        (_, true) => None,
        (Some(path), _) => Some(path.clone()),
        (None, false) => Some(check::default_services_path()).filter(|p| p.is_file()),
    };
    let mut services_diagnostics = None;
    if let Some(path) = &services_path {
        let display = path.display().to_string();
        let (file, not_text) = match document::read(path, &display, yaml::Limits::CONFIG.max_bytes)
        {
            Ok(read) => read,
            Err(err) => return out.fatal(&err.services_file_message()),
        };
        let (services, diagnostics) = match not_text {
            Some(d) => (None, scalegen::diagnostics::Diagnostics(vec![d])),
            None => check::load_services(&file, &settings.policy),
        };
        if services.is_none() && args.verbose {
            out.stderr(&format!(
                "note: {display} has errors: the drift rules do not run until it is fixed\n"
            ));
        }
        settings.services = services;
        services_diagnostics = Some(diagnostics);
    }

    let mut outcome = check::run_read(read, &settings);
    if let Some(diagnostics) = services_diagnostics {
        check::add_diagnostics(&mut outcome, diagnostics);
    }
    if args.options.deny == Some(Deny::Warnings) {
        outcome.diagnostics.deny_warnings();
    }
    let errors = outcome.diagnostics.errors();
    if args.verbose {
        let mut text = String::new();
        for skipped in &outcome.skipped {
            text.push_str(&format!(
                "skipped {}:{}: {}\n",
                skipped.file, skipped.line, skipped.reason
            ));
        }
        if let Some(path) = &services_path {
            text.push_str(&format!("services file: {}\n", path.display()));
        }
        out.stderr(&text);
    }
    let unreadable_count = problems.len() + outcome.unreadable.len();
    let unreadable = unreadable_count > 0;
    let summary = summary(&outcome, &services_path, unreadable_count, started);
    report_diagnostics(out, outcome.diagnostics, args.options.format);
    for problem in problems.iter().chain(&outcome.unreadable) {
        out.fatal(problem);
    }
    if incomplete && args.options.format == Format::Human {
        out.stderr(&format!(
            "note: with input missing, `{}` and `{}` did not run\n",
            MISSING_SCALE_TARGET.name, MISSING_HPA.name
        ));
    }
    if args.options.format == Format::Human {
        out.stderr(&summary);
    }
    if unreadable {
        EXIT_USAGE
    } else if errors > 0 {
        EXIT_PROBLEMS
    } else {
        0
    }
}

/// `checked 12 files, 30 objects in 4 ms: 1 error, 2 warnings (1 suppressed)`.
fn summary(
    outcome: &check::Outcome,
    services: &Option<PathBuf>,
    unreadable: usize,
    started: Instant,
) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let elapsed = started.elapsed();
    let time = if elapsed.as_millis() >= 1000 {
        format!("{:.2} s", elapsed.as_secs_f64())
    } else {
        format!("{} ms", elapsed.as_millis())
    };
    let against = services
        .as_deref()
        .map(Path::display)
        .map_or(String::new(), |p| format!(" against {p}"));
    let suppressed = match outcome.suppressed {
        0 => String::new(),
        n => format!(" ({} suppressed)", n),
    };
    let mut counts = report::counts(&outcome.diagnostics);
    if unreadable > 0 && outcome.diagnostics.is_empty() && suppressed.is_empty() {
        // "no problems" would contradict the errors about the inputs that could not be read.
        counts = plural(unreadable, "input") + " could not be read";
    }
    format!(
        "checked {}, {}{against} in {time}: {counts}{suppressed}\n",
        plural(outcome.files, "file"),
        plural(outcome.objects, "object"),
    )
}

/// `--feature-gates`: name and setting, in the order given.
#[derive(Clone, Debug)]
pub struct FeatureGates(Vec<(String, bool)>);

fn parse_feature_gates(text: &str) -> Result<FeatureGates, String> {
    text.split(',')
        .filter(|pair| !pair.trim().is_empty())
        .map(|pair| {
            let (name, value) = pair
                .split_once('=')
                .ok_or_else(|| format!("`{pair}`: write a gate as `NAME=true` or `NAME=false`"))?;
            let enabled = value.trim().parse::<bool>().map_err(|_| {
                format!(
                    "`{pair}`: a gate is `true` or `false`, not `{}`",
                    value.trim()
                )
            })?;
            Ok((name.trim().to_owned(), enabled))
        })
        .collect::<Result<_, _>>()
        .map(FeatureGates)
}
