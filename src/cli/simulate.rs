//! `scalegen simulate`: flags → a scenario (load, fleet, engines) → the library's run → a table,
//! CSV or JSON on stdout and, with `--chart`, an SVG written atomically.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::ValueEnum;
use rayon::prelude::*;

use scalegen::diagnostics::{Diagnostic, Diagnostics};
use scalegen::docker::config::{self as docker_config, AutoscalerConfig};
use scalegen::document;
use scalegen::hpa::ControllerConfig;
use scalegen::model::Services;
use scalegen::policy::Policy;
use scalegen::render::write;
use scalegen::services_file;
use scalegen::simulate::load::defaults;
use scalegen::simulate::report::{self, RunInfo, ServiceSummary};
use scalegen::simulate::setup::{self, ResolvedRequests, SpecProblem};
use scalegen::simulate::{
    self, DockerSetup, FleetSettings, KubernetesSetup, LoadSource, Pattern, RequestCost, Scenario,
    chart, trace,
};
use scalegen::source::SourceFile;
use scalegen::units;

use super::validate::report_diagnostics;
use super::{EXIT_PROBLEMS, Format, Output};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EngineChoice {
    /// The Kubernetes HPA controller.
    K8s,
    /// The Docker autoscaler.
    Docker,
    /// Both, side by side.
    Both,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PatternKind {
    /// `--rps` throughout.
    Constant,
    /// `--base`, with a burst to `--peak` for `--spike-for` every `--spike-every`.
    Spike,
    /// A ramp from `--from` to `--to` over the run.
    Gradual,
    /// Levels drawn from `[--base, --peak]` every minute with `--seed`.
    Random,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// An aligned table and the summary, for people.
    Table,
    /// One row per step (with `--summary`: one row per engine).
    Csv,
    /// One object with the settings, the summary and the rows.
    Json,
}

fn duration_seconds(text: &str) -> Result<i64, String> {
    units::Duration::parse(text)
        .map(|d| i64::from(d.seconds()))
        .ok_or_else(|| format!("`{text}` is not a duration; write `30s`, `5m`, `1h` or `1m30s`"))
}

fn cpu_milli(text: &str) -> Result<i64, String> {
    units::Quantity::parse(text)
        .filter(|q| q.milli > 0)
        .and_then(|q| i64::try_from(q.milli).ok())
        .ok_or_else(|| format!("`{text}` is not a positive CPU quantity; write `250m` or `0.5`"))
}

fn cpu_milli_or_zero(text: &str) -> Result<i64, String> {
    units::Quantity::parse(text)
        .filter(|q| q.milli >= 0)
        .and_then(|q| i64::try_from(q.milli).ok())
        .ok_or_else(|| format!("`{text}` is not a CPU quantity; write `5m` or `0.005`"))
}

fn memory_bytes(text: &str) -> Result<i64, String> {
    units::Quantity::parse(text)
        .filter(|q| q.milli >= 0)
        .and_then(|q| i64::try_from(q.bytes()).ok())
        .ok_or_else(|| format!("`{text}` is not a memory quantity; write `512Mi`, `1Gi` or bytes"))
}

fn rate(text: &str) -> Result<f64, String> {
    text.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
        .ok_or_else(|| format!("`{text}` is not a rate; write requests per second such as `250`"))
}

/// Replays load through the Kubernetes HPA controller model and the Docker autoscaler model.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  scalegen simulate --service api-gateway --pattern spike --chart gateway.svg\n  scalegen simulate --service all --pattern gradual --from 50 --to 800\n  scalegen simulate --hpa hpa.yaml --trace load.csv --format csv"
)]
pub struct SimulateArgs {
    /// The services file.
    #[arg(default_value = "scalegen.yaml")]
    pub file: PathBuf,
    /// The service to simulate, or `all` for a summary per service. With `--hpa`: the HPA's
    /// name, when the file holds several.
    #[arg(long, value_name = "NAME|all")]
    pub service: Option<String>,
    /// Simulate this HPA manifest (autoscaling/v1, v2, v2beta2 or v2beta1) instead of a
    /// services-file entry. Kubernetes engine only.
    #[arg(long, value_name = "FILE", conflicts_with = "docker_config")]
    pub hpa: Option<PathBuf>,
    /// The Docker autoscaler config to simulate (`generated/docker/autoscaler.yaml`). Default:
    /// the config `render` writes for the services file.
    #[arg(long, value_name = "FILE")]
    pub docker_config: Option<PathBuf>,
    /// Which engines to run [default: both; k8s with --hpa].
    #[arg(long, value_enum)]
    pub engine: Option<EngineChoice>,

    /// A recorded load: CSV with `time` and `cpu`/`memory` (totals) or `cpu_per_pod`/
    /// `memory_per_pod` with `replicas`. See the README for the format.
    #[arg(long, value_name = "FILE.csv", help_heading = "Load")]
    pub trace: Option<PathBuf>,
    /// A load-test shape, in requests per second.
    #[arg(long, value_enum, help_heading = "Load")]
    pub pattern: Option<PatternKind>,
    /// constant: requests per second [default: 100].
    #[arg(long, value_parser = rate, help_heading = "Load")]
    pub rps: Option<f64>,
    /// spike, random: the low level, requests per second [default: 100].
    #[arg(long, value_parser = rate, help_heading = "Load")]
    pub base: Option<f64>,
    /// spike, random: the high level, requests per second [default: 600].
    #[arg(long, value_parser = rate, help_heading = "Load")]
    pub peak: Option<f64>,
    /// spike: a burst starts every this long, the first after this long [default: 20m].
    #[arg(long, value_parser = duration_seconds, value_name = "DURATION", help_heading = "Load")]
    pub spike_every: Option<i64>,
    /// spike: how long a burst lasts [default: 3m].
    #[arg(long, value_parser = duration_seconds, value_name = "DURATION", help_heading = "Load")]
    pub spike_for: Option<i64>,
    /// gradual: requests per second at the start [default: 50].
    #[arg(long, value_parser = rate, help_heading = "Load")]
    pub from: Option<f64>,
    /// gradual: requests per second at the end [default: 600].
    #[arg(long, value_parser = rate, help_heading = "Load")]
    pub to: Option<f64>,
    /// random: the seed; the same seed gives the same load [default: 1].
    #[arg(long, help_heading = "Load")]
    pub seed: Option<u64>,
    /// How long to simulate [default: 1h; with --trace, the trace's span].
    #[arg(long, value_parser = duration_seconds, value_name = "DURATION", help_heading = "Load")]
    pub duration: Option<i64>,

    /// CPU request per pod [default: the service's resources.requests.cpu, else
    /// resources.limits.cpu, else 500m].
    #[arg(long, value_parser = cpu_milli, value_name = "QUANTITY", help_heading = "Capacity")]
    pub cpu_request: Option<i64>,
    /// Memory request per pod [default: the service's resources.requests.memory, else
    /// resources.limits.memory, else 512Mi].
    #[arg(long, value_parser = memory_bytes, value_name = "QUANTITY", help_heading = "Capacity")]
    pub memory_request: Option<i64>,
    /// Patterns: CPU one request per second keeps busy [default: 5m].
    #[arg(long, value_parser = cpu_milli_or_zero, value_name = "QUANTITY", help_heading = "Capacity")]
    pub cpu_per_request: Option<i64>,
    /// Patterns: memory one request per second holds [default: 1Mi].
    #[arg(long, value_parser = memory_bytes, value_name = "QUANTITY", help_heading = "Capacity")]
    pub memory_per_request: Option<i64>,
    /// Patterns: memory every running pod holds idle [default: 128Mi].
    #[arg(long, value_parser = memory_bytes, value_name = "QUANTITY", help_heading = "Capacity")]
    pub memory_base: Option<i64>,
    /// From creating a pod or container until it serves [default: 30s].
    #[arg(long, value_parser = duration_seconds, value_name = "DURATION", help_heading = "Capacity")]
    pub startup_delay: Option<i64>,
    /// How old the usage is that a metric reading reflects [default: 15s].
    #[arg(long, value_parser = duration_seconds, value_name = "DURATION", help_heading = "Capacity")]
    pub metric_lag: Option<i64>,
    /// Replicas at the start [default: minReplicas].
    #[arg(long, value_name = "N", help_heading = "Capacity")]
    pub replicas: Option<u16>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Table, help_heading = "Output")]
    pub format: ReportFormat,
    /// Print only the summary, not the timeline.
    #[arg(long, help_heading = "Output")]
    pub summary: bool,
    /// Also draw demand and replicas over time into this SVG file.
    #[arg(long, value_name = "FILE.svg", help_heading = "Output")]
    pub chart: Option<PathBuf>,
}

/// The largest trace or HPA manifest read.
const MAX_INPUT_BYTES: usize = 64 * 1024 * 1024;

fn flag_name(name: &str) -> String {
    format!("`--{}`", name.replace('_', "-"))
}

/// The pattern flags: each flag's name, whether it is given, and the patterns it shapes.
fn pattern_flags(args: &SimulateArgs) -> [(&'static str, bool, &'static [PatternKind]); 8] {
    [
        ("rps", args.rps.is_some(), &[PatternKind::Constant]),
        (
            "base",
            args.base.is_some(),
            &[PatternKind::Spike, PatternKind::Random],
        ),
        (
            "peak",
            args.peak.is_some(),
            &[PatternKind::Spike, PatternKind::Random],
        ),
        (
            "spike_every",
            args.spike_every.is_some(),
            &[PatternKind::Spike],
        ),
        ("spike_for", args.spike_for.is_some(), &[PatternKind::Spike]),
        ("from", args.from.is_some(), &[PatternKind::Gradual]),
        ("to", args.to.is_some(), &[PatternKind::Gradual]),
        ("seed", args.seed.is_some(), &[PatternKind::Random]),
    ]
}

/// The pattern from its flags; a flag that belongs to another pattern is a usage error.
fn pattern(args: &SimulateArgs, kind: PatternKind) -> Result<Pattern, String> {
    for (name, set, patterns) in pattern_flags(args) {
        if set && !patterns.contains(&kind) {
            let names: Vec<String> = patterns
                .iter()
                .map(|p| format!("`--pattern {}`", pattern_name(*p)))
                .collect();
            return Err(format!(
                "{} applies to {}, not to `--pattern {}`",
                flag_name(name),
                names.join(" and "),
                pattern_name(kind)
            ));
        }
    }
    let base = args.base.unwrap_or(defaults::BASE);
    let peak = args.peak.unwrap_or(defaults::PEAK);
    Ok(match kind {
        PatternKind::Constant => Pattern::Constant {
            rps: args.rps.unwrap_or(defaults::RPS),
        },
        PatternKind::Spike => {
            let every = args.spike_every.unwrap_or(defaults::SPIKE_EVERY_SECONDS);
            let lasting = args.spike_for.unwrap_or(defaults::SPIKE_FOR_SECONDS);
            if every == 0 || lasting == 0 || lasting >= every {
                return Err(format!(
                    "a spike lasting {} every {} never ends or never starts; `--spike-for` must be shorter than `--spike-every`, and neither zero",
                    report::span(lasting),
                    report::span(every)
                ));
            }
            Pattern::Spike {
                base,
                peak,
                every_seconds: every,
                for_seconds: lasting,
            }
        }
        PatternKind::Gradual => Pattern::Gradual {
            from: args.from.unwrap_or(defaults::FROM),
            to: args.to.unwrap_or(defaults::TO),
            over_seconds: args.duration.unwrap_or(simulate::DEFAULT_DURATION_SECONDS),
        },
        PatternKind::Random => Pattern::Random {
            base,
            peak,
            seed: args.seed.unwrap_or(defaults::SEED),
        },
    })
}

fn pattern_name(kind: PatternKind) -> &'static str {
    match kind {
        PatternKind::Constant => "constant",
        PatternKind::Spike => "spike",
        PatternKind::Gradual => "gradual",
        PatternKind::Random => "random",
    }
}

fn request_cost(args: &SimulateArgs) -> RequestCost {
    let defaults = RequestCost::default();
    RequestCost {
        cpu_cores_per_rps: args
            .cpu_per_request
            .map_or(defaults.cpu_cores_per_rps, |m| m as f64 / 1000.0),
        memory_bytes_per_rps: args
            .memory_per_request
            .map_or(defaults.memory_bytes_per_rps, |b| b as f64),
        memory_base_bytes: args
            .memory_base
            .map_or(defaults.memory_base_bytes, |b| b as f64),
    }
}

/// Reads a text input, reporting what makes it unreadable. `Err` carries the exit status.
fn read_input(out: &mut Output, path: &Path) -> Result<Arc<SourceFile>, u8> {
    read_with(out, path, document::ReadError::to_string)
}

/// Reads the services file, whose absence is met with the command that writes one.
fn read_services_file(out: &mut Output, path: &Path) -> Result<Arc<SourceFile>, u8> {
    read_with(out, path, document::ReadError::services_file_message)
}

fn read_with(
    out: &mut Output,
    path: &Path,
    message: fn(&document::ReadError) -> String,
) -> Result<Arc<SourceFile>, u8> {
    let display = path.display().to_string();
    match document::read(path, &display, MAX_INPUT_BYTES) {
        Err(err) => Err(out.fatal(&message(&err))),
        Ok((_, Some(diagnostic))) => {
            report_diagnostics(out, Diagnostics(vec![diagnostic]), Format::Human);
            Err(EXIT_PROBLEMS)
        }
        Ok((file, None)) => Ok(file),
    }
}

fn report_problems(out: &mut Output, diagnostics: Vec<Diagnostic>, what: &str) -> u8 {
    let count = diagnostics.len();
    report_diagnostics(out, Diagnostics(diagnostics), Format::Human);
    out.stderr(&format!(
        "{what}: {count} problem{}; nothing simulated\n",
        if count == 1 { "" } else { "s" }
    ));
    EXIT_PROBLEMS
}

/// The load from `--trace` or `--pattern`.
fn load_source(out: &mut Output, args: &SimulateArgs) -> Result<LoadSource, u8> {
    let cost_flags = [
        ("cpu_per_request", args.cpu_per_request.is_some()),
        ("memory_per_request", args.memory_per_request.is_some()),
        ("memory_base", args.memory_base.is_some()),
    ];
    match (&args.trace, args.pattern) {
        (Some(_), Some(_)) => Err(out.fatal(
            "`--trace` and `--pattern` are two loads; give one of them",
        )),
        (None, None) => Err(out.fatal(
            "no load to simulate: give `--pattern constant|spike|gradual|random` or `--trace FILE.csv`",
        )),
        (Some(path), None) => {
            if let Some((name, _)) = pattern_flags(args)
                .into_iter()
                .map(|(name, set, _)| (name, set))
                .chain(cost_flags)
                .find(|(_, set)| *set)
            {
                return Err(out.fatal(&format!(
                    "{} shapes a `--pattern`; a `--trace` gives the demand itself",
                    flag_name(name)
                )));
            }
            let file = read_input(out, path)?;
            match trace::parse(&file) {
                Ok(trace) => Ok(LoadSource::Trace(trace)),
                Err(diagnostics) => Err(report_problems(out, diagnostics, file.name())),
            }
        }
        (None, Some(kind)) => match pattern(args, kind) {
            Ok(pattern) => Ok(LoadSource::Pattern {
                pattern,
                cost: request_cost(args),
            }),
            Err(message) => Err(out.fatal(&message)),
        },
    }
}

/// What to run for one service or HPA.
struct Subject {
    name: String,
    kubernetes: Option<KubernetesSetup>,
    docker: Option<DockerSetup>,
    requests: ResolvedRequests,
    min_replicas: i32,
}

/// How long a run lasts: `--duration`, else the load's own span, else the default.
fn run_seconds(args: &SimulateArgs, load: &LoadSource) -> i64 {
    args.duration.unwrap_or_else(|| {
        load.natural_duration_seconds()
            .filter(|d| *d > 0)
            .unwrap_or(simulate::DEFAULT_DURATION_SECONDS)
    })
}

fn scenario(args: &SimulateArgs, load: &LoadSource, subject: &Subject) -> Scenario {
    let duration = run_seconds(args, load);
    Scenario {
        load: load.clone(),
        duration_seconds: duration,
        fleet: FleetSettings {
            requests: subject.requests.requests,
            startup_delay_seconds: args
                .startup_delay
                .unwrap_or(FleetSettings::DEFAULT_STARTUP_DELAY_SECONDS),
            metric_lag_seconds: args
                .metric_lag
                .unwrap_or(FleetSettings::DEFAULT_METRIC_LAG_SECONDS),
            initial_replicas: args.replicas.map_or(subject.min_replicas, i32::from),
        },
        kubernetes: subject.kubernetes.clone(),
        docker: subject.docker.clone(),
    }
}

fn internal_problems(name: &str, problems: Vec<SpecProblem>) -> String {
    let text: Vec<String> = problems
        .into_iter()
        .map(|p| format!("{} ({})", p.message, p.help))
        .collect();
    format!("`{name}` cannot be simulated: {}", text.join("; "))
}

pub fn run(out: &mut Output, args: &SimulateArgs) -> u8 {
    match run_inner(out, args) {
        Ok(()) => 0,
        Err(status) => status,
    }
}

fn run_inner(out: &mut Output, args: &SimulateArgs) -> Result<(), u8> {
    let load = load_source(out, args)?;
    let controller = ControllerConfig::default();

    if let Some(hpa_path) = &args.hpa {
        if matches!(args.engine, Some(EngineChoice::Docker | EngineChoice::Both)) {
            return Err(out.fatal(
                "an HPA manifest configures only the Kubernetes engine; drop `--engine` or simulate a services-file entry to compare with Docker",
            ));
        }
        if args.service.as_deref() == Some("all") {
            return Err(out.fatal("`--service all` simulates a services file; with `--hpa`, `--service` names one HPA"));
        }
        let file = read_input(out, hpa_path)?;
        let manifest = setup::load_hpa_manifest(&file, args.service.as_deref())
            .map_err(|diagnostics| report_problems(out, diagnostics, file.name()))?;
        let subject = Subject {
            name: manifest.name.clone(),
            min_replicas: manifest.spec.min_replicas_or_default(),
            kubernetes: Some(KubernetesSetup {
                spec: manifest.spec,
                controller,
            }),
            docker: None,
            requests: setup::resolve_requests(None, args.cpu_request, args.memory_request),
        };
        return single(out, args, &load, &subject);
    }

    let services_file = read_services_file(out, &args.file)?;
    let (services, diagnostics) =
        services_file::validate(&services_file, &Policy::default_policy());
    let errors: Vec<Diagnostic> = diagnostics
        .0
        .into_iter()
        .filter(|d| d.severity == scalegen::diagnostics::Severity::Error)
        .collect();
    let Some(services) = services.filter(|_| errors.is_empty()) else {
        return Err(report_problems(
            out,
            errors,
            &format!("{} (run `scalegen validate`)", services_file.name()),
        ));
    };
    let docker = match &args.docker_config {
        None => AutoscalerConfig::from_services(&services),
        Some(path) => {
            let file = read_input(out, path)?;
            docker_config::load(&file)
                .map_err(|diagnostics| report_problems(out, diagnostics, file.name()))?
        }
    };
    let engine = args.engine.unwrap_or(EngineChoice::Both);
    let names: Vec<String> = services.services.iter().map(|s| s.name.clone()).collect();
    let Some(wanted) = args.service.as_deref() else {
        return Err(out.fatal(&format!(
            "say which service to simulate: `--service NAME` (one of {}) or `--service all`",
            names.join(", ")
        )));
    };
    let subject_for = |name: &str| -> Result<Subject, String> {
        let service = services
            .service(name)
            .ok_or_else(|| format!("no service `{name}`"))?;
        let setup = setup::service_setup(&services, service, &docker)
            .map_err(|problems| internal_problems(name, problems))?;
        Ok(Subject {
            name: setup.name.clone(),
            kubernetes: (engine != EngineChoice::Docker).then(|| KubernetesSetup {
                spec: setup.hpa.clone(),
                controller: controller.clone(),
            }),
            docker: (engine != EngineChoice::K8s).then(|| DockerSetup {
                config: setup.docker.clone(),
                interval_seconds: setup.docker_interval_seconds,
            }),
            requests: setup::resolve_requests(
                service.resources.as_ref().map(|r| &r.value),
                args.cpu_request,
                args.memory_request,
            ),
            min_replicas: setup.min_replicas,
        })
    };

    if wanted == "all" {
        if args.chart.is_some() {
            return Err(out.fatal("`--chart` draws one service; pick it with `--service NAME`"));
        }
        return platform(out, args, &load, &services, &subject_for);
    }
    if services.service(wanted).is_none() {
        let hint = scalegen::structure::closest(wanted, &names)
            .map_or_else(String::new, |close| format!("; did you mean `{close}`?"));
        return Err(out.fatal(&format!(
            "`{}` has no service `{wanted}`{hint} (its services: {})",
            services_file.name(),
            names.join(", ")
        )));
    }
    if let Some(path) = &args.docker_config
        && !docker.services.contains_key(wanted)
    {
        return Err(out.fatal(&format!(
            "{}: the Docker autoscaler config has no service `{wanted}` (it has: {})\n  help: regenerate it with `scalegen render`, or simulate the Kubernetes engine alone with `--engine k8s`",
            path.display(),
            docker.services.keys().cloned().collect::<Vec<_>>().join(", ")
        )));
    }
    let subject = subject_for(wanted).map_err(|message| out.fatal(&message))?;
    single(out, args, &load, &subject)
}

fn single(
    out: &mut Output,
    args: &SimulateArgs,
    load: &LoadSource,
    subject: &Subject,
) -> Result<(), u8> {
    let scenario = scenario(args, load, subject);
    let timeline = simulate::run(&scenario).map_err(|err| out.fatal(&err.to_string()))?;
    let info = RunInfo {
        service: subject.name.clone(),
        load: load.describe(),
        requests: subject.requests,
        fleet: scenario.fleet,
    };
    if let Some(path) = &args.chart {
        let svg = chart::svg(&info, &timeline).map_err(|message| out.fatal(&message))?;
        write::replace_atomically(path, svg.as_bytes())
            .map_err(|err| out.fatal(&format!("cannot write the chart: {err}")))?;
    }
    let text = match (args.format, args.summary) {
        (ReportFormat::Table, false) => format!(
            "{}\n{}",
            report::table(&info, &timeline),
            report::summary(&timeline.summaries())
        ),
        (ReportFormat::Table, true) => format!(
            "{}\n{}",
            report::header(&info, &timeline),
            report::summary(&timeline.summaries())
        ),
        (ReportFormat::Csv, false) => report::csv(&timeline),
        (ReportFormat::Csv, true) => report::platform_csv(&[ServiceSummary {
            service: subject.name.clone(),
            summaries: timeline.summaries(),
        }]),
        (ReportFormat::Json, summary_only) => report::json(&info, &timeline, summary_only),
    };
    out.stdout(&text);
    if let Some(path) = &args.chart
        && args.format == ReportFormat::Table
    {
        out.stderr(&format!("chart written to {}\n", path.display()));
    }
    Ok(())
}

fn platform(
    out: &mut Output,
    args: &SimulateArgs,
    load: &LoadSource,
    services: &Services,
    subject_for: &(dyn Fn(&str) -> Result<Subject, String> + Sync),
) -> Result<(), u8> {
    let results: Vec<Result<ServiceSummary, String>> = services
        .services
        .par_iter()
        .map(|service| {
            let subject = subject_for(&service.name)?;
            let timeline = simulate::run(&scenario(args, load, &subject))
                .map_err(|err| format!("`{}`: {err}", service.name))?;
            Ok(ServiceSummary {
                service: service.name.clone(),
                summaries: timeline.summaries(),
            })
        })
        .collect();
    let mut summaries = Vec::with_capacity(results.len());
    for result in results {
        summaries.push(result.map_err(|message| out.fatal(&message))?);
    }
    let text = match args.format {
        ReportFormat::Table => format!(
            "{}: {} for {} per service\n\n{}",
            services.file.name(),
            load.describe(),
            report::span(run_seconds(args, load)),
            report::platform_table(&summaries)
        ),
        ReportFormat::Csv => report::platform_csv(&summaries),
        ReportFormat::Json => report::platform_json(&load.describe(), &summaries),
    };
    out.stdout(&text);
    Ok(())
}
