//! `scalegen autoscale docker`: runs the Docker autoscaler loop against the engine at
//! `DOCKER_HOST`. The loop itself is library code ([`scalegen::docker::autoscaler`]); this file
//! owns the runtime, Ctrl-C, the clock and how events are shown: a live table on a terminal,
//! plain lines otherwise, JSON lines with `--format json`.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use clap::{Subcommand, ValueEnum};
use scalegen::diagnostics::Diagnostics;
use scalegen::docker::autoscaler::{
    Autoscaler, DecisionRecord, Event, Settings, Verdict, format_duration,
};
use scalegen::docker::config::{self, AutoscalerConfig};
use scalegen::docker::engine::DockerEngine;
use scalegen::document;
use scalegen::hpa::SimTime;
use scalegen::yaml;

use super::output::write_stdout;
use super::{ColorChoice, EXIT_PROBLEMS, Format, Output};

#[derive(Debug, Subcommand)]
pub enum AutoscaleCommand {
    /// Enforce the Docker autoscaler config on a Docker engine: measure each service's
    /// containers, decide with the same model `simulate --engine docker` runs, and start or
    /// stop containers.
    Docker(DockerArgs),
}

#[derive(Debug, clap::Args)]
pub struct DockerArgs {
    /// The autoscaler config (`scalegen render` writes it).
    #[arg(
        long,
        value_name = "FILE",
        default_value = "generated/docker/autoscaler.yaml"
    )]
    pub config: PathBuf,
    /// Only scale containers of this Compose project (or `io.scalegen.project`).
    #[arg(long, value_name = "NAME")]
    pub project: Option<String>,
    /// Time between evaluations (`15s`, `1m`); default: the config's `interval`.
    #[arg(long, value_name = "DURATION", value_parser = parse_interval)]
    pub interval: Option<Duration>,
    /// Decide and report, but start and stop nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Evaluate once and exit (status 1 if anything failed).
    #[arg(long)]
    pub once: bool,
    /// `text`: a live table on a terminal, one line per decision otherwise. `json`: one JSON
    /// object per line and event, for log pipelines.
    #[arg(long, value_enum, default_value_t = AutoscaleFormat::Text)]
    pub format: AutoscaleFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum AutoscaleFormat {
    Text,
    Json,
}

fn parse_interval(text: &str) -> Result<Duration, String> {
    let duration = scalegen::units::Duration::parse(text)
        .ok_or_else(|| format!("`{text}` is not a duration; write `15s`, `1m` or `1m30s`"))?;
    if duration.seconds() == 0 {
        return Err("the interval must be at least 1s".into());
    }
    Ok(Duration::from_secs(duration.seconds().into()))
}

pub fn run(out: &mut Output, color: ColorChoice, command: AutoscaleCommand) -> u8 {
    match command {
        AutoscaleCommand::Docker(args) => docker(out, color, &args),
    }
}

fn load_config(out: &mut Output, path: &Path) -> Result<AutoscalerConfig, u8> {
    let display = path.display().to_string();
    let (file, not_text) = document::read(path, &display, yaml::Limits::CONFIG.max_bytes).map_err(
        |err| match err {
            document::ReadError::NotFound { .. } => out.fatal(&format!(
                "{err}; write it with `scalegen render`, or pass `--config FILE`"
            )),
            _ => out.fatal(&err.to_string()),
        },
    )?;
    let result = match not_text {
        Some(diagnostic) => Err(vec![diagnostic]),
        None => config::load(&file),
    };
    result.map_err(|diagnostics| {
        super::validate::report_diagnostics(out, Diagnostics(diagnostics), Format::Human);
        out.fatal(&format!(
            "`{display}` is not a valid autoscaler config; fix the problems above"
        ))
    })
}

fn docker(out: &mut Output, color: ColorChoice, args: &DockerArgs) -> u8 {
    let config = match load_config(out, &args.config) {
        Ok(config) => config,
        Err(status) => return status,
    };
    if config.services.is_empty() {
        return out.fatal(&format!(
            "`{}` lists no services; nothing to autoscale",
            args.config.display()
        ));
    }
    let engine = match DockerEngine::from_env() {
        Ok(engine) => engine,
        Err(err) => return out.fatal(&err.message),
    };
    let interval = args
        .interval
        .unwrap_or_else(|| Duration::from_secs(config.interval.0.seconds().max(1).into()));
    let settings = Settings {
        project: args.project.clone(),
        interval,
        dry_run: args.dry_run,
        once: args.once,
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => return out.fatal(&format!("cannot start the async runtime: {err}")),
    };
    let stdout_terminal = io::stdout().is_terminal();
    let colored = match color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => stdout_terminal && std::env::var_os("NO_COLOR").is_none(),
    };
    let mut display = match args.format {
        AutoscaleFormat::Json => Display::Json,
        AutoscaleFormat::Text if stdout_terminal => Display::Table(Table::new(colored)),
        AutoscaleFormat::Text => Display::Lines { colored },
    };
    let host = engine.host().to_owned();
    let mut autoscaler = Autoscaler::new(engine, config, settings);
    let services = autoscaler.describe_config();
    display.show(&Event::Notice {
        service: None,
        message: format!(
            "autoscaling {} service{} from {} on the Docker engine at {host}, every {}{}",
            services.len(),
            if services.len() == 1 { "" } else { "s" },
            args.config.display(),
            format_duration(interval),
            if args.dry_run {
                " (dry run: nothing is changed)"
            } else {
                ""
            }
        ),
    });
    for notice in &services {
        display.show(notice);
    }

    runtime.block_on(async {
        let stopping = Arc::new(AtomicBool::new(false));
        let wake = Arc::new(tokio::sync::Notify::new());
        {
            let stopping = stopping.clone();
            let wake = wake.clone();
            tokio::spawn(async move {
                if tokio::signal::ctrl_c().await.is_err() {
                    return;
                }
                stopping.store(true, Ordering::SeqCst);
                wake.notify_one();
                // A second Ctrl-C does not wait for the step in progress.
                if tokio::signal::ctrl_c().await.is_ok() {
                    std::process::exit(130);
                }
            });
        }
        let started = Instant::now();
        let mut next = started;
        loop {
            let now = SimTime::from_millis(
                i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX),
            );
            let is_stopping = || stopping.load(Ordering::SeqCst);
            let evaluation = autoscaler
                .evaluate(now, &is_stopping, &mut |event| display.show(&event))
                .await;
            display.end_of_evaluation(interval);
            if args.once {
                return if evaluation.faults > 0 {
                    EXIT_PROBLEMS
                } else {
                    0
                };
            }
            if is_stopping() {
                break;
            }
            // Evaluations keep to the interval's grid; one that overran skips the ticks it
            // missed rather than running them back to back.
            next += interval;
            let current = Instant::now();
            while next < current {
                next += interval;
            }
            tokio::select! {
                () = tokio::time::sleep_until(next.into()) => {}
                () = wake.notified() => break,
            }
        }
        display.show(&Event::Notice {
            service: None,
            message: "stopped (Ctrl-C); the containers stay as they are".into(),
        });
        display.finish();
        0
    })
}

/// How events reach the user.
enum Display {
    Json,
    Lines { colored: bool },
    Table(Table),
}

impl Display {
    fn show(&mut self, event: &Event) {
        match self {
            Display::Json => write_stdout(&(json_line(event) + "\n")),
            Display::Lines { colored } => match event {
                Event::Decision(record) => write_stdout(&(decision_line(record) + "\n")),
                Event::Action { .. } => write_stdout(&(log_line(event, *colored) + "\n")),
                Event::Notice { .. } | Event::Fault { .. } => {
                    let _ = writeln!(io::stderr().lock(), "{}", log_line(event, *colored));
                }
            },
            Display::Table(table) => table.show(event),
        }
    }

    /// Leaves the table showing that nothing runs any more.
    fn finish(&mut self) {
        if let Display::Table(table) = self {
            table.footer = format!(
                "stopped at {} UTC; the containers stay as they are",
                jiff::Timestamp::now().strftime("%H:%M:%S")
            );
            table.redraw();
        }
    }

    fn end_of_evaluation(&mut self, interval: Duration) {
        if let Display::Table(table) = self {
            table.footer = format!(
                "updated {} UTC; next in {}; Ctrl-C stops (the containers stay as they are)",
                jiff::Timestamp::now().strftime("%H:%M:%S"),
                format_duration(interval)
            );
            table.redraw();
        }
    }
}

fn timestamp() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

fn json_line(event: &Event) -> String {
    let (kind, mut value) = match event {
        Event::Decision(record) => ("decision", serde_json::to_value(record).unwrap_or_default()),
        Event::Notice { service, message } => (
            "notice",
            serde_json::json!({ "service": service, "message": message }),
        ),
        Event::Fault { service, message } => (
            "fault",
            serde_json::json!({ "service": service, "message": message }),
        ),
        Event::Action { service, message } => (
            "action",
            serde_json::json!({ "service": service, "message": message }),
        ),
    };
    if let Some(object) = value.as_object_mut() {
        object.insert("event".into(), kind.into());
        object.insert("time".into(), timestamp().into());
    }
    value.to_string()
}

fn percent(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_owned(), |v| format!("{v:.0}%"))
}

fn replicas_text(record: &DecisionRecord) -> String {
    if record.after == record.replicas {
        record.replicas.to_string()
    } else {
        format!("{}→{}", record.replicas, record.after)
    }
}

fn service_text(record: &DecisionRecord) -> String {
    match &record.project {
        Some(project) => format!("{}[{project}]", record.service),
        None => record.service.clone(),
    }
}

fn reason_text(record: &DecisionRecord) -> String {
    let mut reason = record.reason.clone();
    if record.dry_run && record.desired != record.replicas {
        reason.push_str(&format!(
            "; dry run: would go to {}, nothing changed",
            record.desired
        ));
    }
    reason
}

/// `2026-12-04T21:31:20Z web[shop] replicas 2→3 cpu 85% memory 12% up: cpu 85% above 50%`.
fn decision_line(record: &DecisionRecord) -> String {
    format!(
        "{} {} replicas {} cpu {} memory {} {}: {}",
        timestamp(),
        service_text(record),
        replicas_text(record),
        percent(record.cpu),
        percent(record.memory),
        record.decision.as_str(),
        reason_text(record)
    )
}

fn log_line(event: &Event, colored: bool) -> String {
    let paint = |style: anstyle::Style, text: &str| {
        if colored {
            format!("{style}{text}{style:#}")
        } else {
            text.to_owned()
        }
    };
    let bold = anstyle::Style::new().bold();
    let (prefix, service, message) = match event {
        Event::Notice { service, message } => {
            (paint(bold, "note"), service.as_deref(), message.as_str())
        }
        Event::Fault { service, message } => (
            paint(anstyle::AnsiColor::Yellow.on_default().bold(), "warning"),
            service.as_deref(),
            message.as_str(),
        ),
        Event::Action { service, message } => (
            paint(anstyle::AnsiColor::Green.on_default(), "action"),
            Some(service.as_str()),
            message.as_str(),
        ),
        Event::Decision(record) => return decision_line(record),
    };
    match service {
        Some(service) => format!("{} {prefix}: {service}: {message}", timestamp()),
        None => format!("{} {prefix}: {message}", timestamp()),
    }
}

/// The live status table: log lines scroll above it, the table redraws in place below.
struct Table {
    colored: bool,
    rows: Vec<DecisionRecord>,
    footer: String,
    /// Lines the last drawing took, to move back over.
    drawn: usize,
}

impl Table {
    fn new(colored: bool) -> Self {
        Self {
            colored,
            rows: Vec::new(),
            footer: String::new(),
            drawn: 0,
        }
    }

    fn width() -> usize {
        terminal_size::terminal_size()
            .map(|(w, _)| usize::from(w.0))
            .filter(|&w| w > 20)
            .unwrap_or(100)
    }

    fn show(&mut self, event: &Event) {
        match event {
            Event::Decision(record) => {
                match self.rows.iter_mut().find(|r| r.service == record.service) {
                    Some(row) => *row = record.clone(),
                    None => self.rows.push(record.clone()),
                }
                self.redraw();
            }
            other => {
                self.erase();
                let mut line = log_line(other, self.colored);
                line.push('\n');
                write_stdout(&line);
                self.drawn = 0;
                self.redraw();
            }
        }
    }

    /// Moves the cursor back to where the table starts and clears from there down.
    fn erase(&mut self) {
        if self.drawn > 0 {
            write_stdout(&format!("\x1b[{}A\r\x1b[J", self.drawn));
            self.drawn = 0;
        }
    }

    fn redraw(&mut self) {
        if self.rows.is_empty() && self.footer.is_empty() {
            return;
        }
        let width = Self::width();
        let headers = ["SERVICE", "REPLICAS", "CPU", "MEMORY", "DECISION", "REASON"];
        let cells: Vec<[String; 6]> = self
            .rows
            .iter()
            .map(|r| {
                [
                    service_text(r),
                    replicas_text(r),
                    percent(r.cpu),
                    percent(r.memory),
                    r.decision.as_str().to_owned(),
                    reason_text(r),
                ]
            })
            .collect();
        let mut widths = headers.map(|h| h.chars().count());
        for row in &cells {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let line = |row: &[String; 6]| {
            let mut text = String::new();
            for (i, cell) in row.iter().enumerate() {
                if i + 1 == row.len() {
                    text.push_str(cell);
                } else {
                    text.push_str(&format!("{cell:<w$}  ", w = widths[i]));
                }
            }
            // A wrapped line would throw off the redraw: cut at the terminal's width.
            truncate(&text, width.saturating_sub(1))
        };
        let mut text = String::new();
        let header = line(&headers.map(str::to_owned));
        if self.colored {
            let bold = anstyle::Style::new().bold();
            text.push_str(&format!("{bold}{header}{bold:#}\n"));
        } else {
            text.push_str(&header);
            text.push('\n');
        }
        for (row, record) in cells.iter().zip(&self.rows) {
            let rendered = line(row);
            let style = match record.decision {
                Verdict::Up => anstyle::AnsiColor::Green.on_default(),
                Verdict::Down => anstyle::AnsiColor::Cyan.on_default(),
                Verdict::Skip => anstyle::AnsiColor::Yellow.on_default(),
                Verdict::Hold => anstyle::Style::new(),
            };
            if self.colored {
                text.push_str(&format!("{style}{rendered}{style:#}\n"));
            } else {
                text.push_str(&rendered);
                text.push('\n');
            }
        }
        let mut lines = 1 + cells.len();
        if !self.footer.is_empty() {
            text.push_str(&truncate(&self.footer, width.saturating_sub(1)));
            text.push('\n');
            lines += 1;
        }
        self.erase();
        write_stdout(&text);
        self.drawn = lines;
    }
}

fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
    cut.push('…');
    cut
}
