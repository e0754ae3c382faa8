//! A run as text: the timeline table, CSV and JSON, and the summaries. Pure: strings out.

use std::fmt::Write as _;

use serde::Serialize;

use super::fleet::FleetSettings;
use super::load::{Demand, number};
use super::setup::ResolvedRequests;
use super::timeline::{EngineKind, Summary, Timeline};

/// What the run was about, for headers and JSON.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunInfo {
    pub service: String,
    /// The load, in words (`spike 100 rps, 600 rps for 3m every 20m`).
    pub load: String,
    pub requests: ResolvedRequests,
    pub fleet: FleetSettings,
}

/// `H:MM:SS`.
pub fn clock(seconds: i64) -> String {
    let sign = if seconds < 0 { "-" } else { "" };
    let s = seconds.abs();
    format!("{sign}{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

/// `1h 5m`, `3m 45s`, `0s`.
pub fn span(seconds: i64) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    let parts: Vec<String> = [(h, "h"), (m, "m"), (s, "s")]
        .iter()
        .filter(|(v, _)| *v != 0)
        .map(|(v, u)| format!("{v}{u}"))
        .collect();
    if parts.is_empty() {
        "0s".into()
    } else {
        parts.join(" ")
    }
}

/// `1,234,567`.
fn grouped(value: i64) -> String {
    let digits = value.abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if value < 0 { format!("-{out}") } else { out }
}

/// A CPU quantity people read: `500m`, `1.5`.
pub fn cpu_text(milli: i64) -> String {
    if milli % 1000 == 0 {
        (milli / 1000).to_string()
    } else {
        format!("{milli}m")
    }
}

/// A memory quantity people read: `512Mi`, `1.5Gi`, `1000000`.
pub fn memory_text(bytes: i64) -> String {
    const UNITS: [(&str, i64); 3] = [("Gi", 1 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10)];
    for (unit, size) in UNITS {
        if bytes >= size && bytes % size == 0 {
            return format!("{}{unit}", bytes / size);
        }
    }
    for (unit, size) in UNITS {
        if bytes >= size {
            return format!(
                "{}{unit}",
                number((bytes as f64 / size as f64 * 10.0).round() / 10.0)
            );
        }
    }
    bytes.to_string()
}

fn demand_text(demand: &Demand) -> String {
    match demand.rps {
        Some(rps) => format!("{} rps", number((rps * 10.0).round() / 10.0)),
        None if demand.cpu_cores > 0.0 || demand.memory_bytes <= 0.0 => {
            format!(
                "{} cpu",
                number((demand.cpu_cores * 1000.0).round() / 1000.0)
            )
        }
        None => format!("{} mem", memory_text(demand.memory_bytes.round() as i64)),
    }
}

fn percent(value: Option<f64>) -> String {
    value.map_or_else(String::new, |v| format!("{v:.0}%"))
}

/// The header line: service, load, requests, fleet settings.
pub fn header(info: &RunInfo, timeline: &Timeline) -> String {
    let requests = &info.requests;
    format!(
        "{}: {} for {}; per pod cpu {} ({}), memory {} ({}); start-up {}, metric lag {}, {} replica{} at the start\n",
        info.service,
        info.load,
        span(timeline.duration_seconds),
        cpu_text(requests.requests.cpu_milli),
        requests.cpu_origin.describe(),
        memory_text(requests.requests.memory_bytes),
        requests.memory_origin.describe(),
        span(info.fleet.startup_delay_seconds),
        span(info.fleet.metric_lag_seconds),
        timeline.initial_replicas,
        if timeline.initial_replicas == 1 {
            ""
        } else {
            "s"
        },
    )
}

/// Which utilization columns an engine gets: the resources it ever measured.
fn measured(timeline: &Timeline, index: usize) -> (bool, bool) {
    let samples = || timeline.rows.iter().filter_map(|r| r.engines.get(index));
    (
        samples().any(|s| s.cpu_utilization.is_some()),
        samples().any(|s| s.memory_utilization.is_some()),
    )
}

/// The timeline as an aligned table, engines side by side.
pub fn table(info: &RunInfo, timeline: &Timeline) -> String {
    let mut header_cells = vec!["time".to_owned(), "demand".to_owned()];
    let mut groups = Vec::new();
    let columns: Vec<(bool, bool)> = (0..timeline.engines.len())
        .map(|i| measured(timeline, i))
        .collect();
    for (engine, (cpu, memory)) in timeline.engines.iter().zip(&columns) {
        let start = header_cells.len();
        if *cpu {
            header_cells.push("cpu".into());
        }
        if *memory {
            header_cells.push("memory".into());
        }
        header_cells.extend(["rec", "replicas", "ready", "reason"].map(String::from));
        groups.push((start, engine.title()));
    }
    let mut rows: Vec<Vec<String>> = vec![header_cells];
    for row in &timeline.rows {
        let mut cells = vec![clock(row.time_seconds), demand_text(&row.demand)];
        for (sample, (cpu, memory)) in row.engines.iter().zip(&columns) {
            if *cpu {
                cells.push(percent(sample.cpu_utilization));
            }
            if *memory {
                cells.push(percent(sample.memory_utilization));
            }
            cells.push(
                sample
                    .recommendation
                    .map_or_else(String::new, |r| r.to_string()),
            );
            cells.push(sample.replicas.to_string());
            cells.push(sample.ready.to_string());
            cells.push(sample.reason.clone());
        }
        rows.push(cells);
    }
    let count = rows[0].len();
    let mut widths = vec![0; count];
    for cells in &rows {
        for (i, cell) in cells.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    // Right-align numbers, left-align words; a bar before each engine's block.
    let numeric = |i: usize| !rows[0][i].contains("reason") && i != 0;
    let mut out = header(info, timeline);
    out.push('\n');
    // Each engine's name stands over the bar that opens its block.
    let mut titles = String::new();
    for &(start, name) in &groups {
        let bar = widths[..start].iter().map(|w| w + 2).sum::<usize>()
            + 2 * groups.iter().filter(|(s, _)| *s < start).count();
        let used = titles.chars().count();
        titles.push_str(&" ".repeat(bar.saturating_sub(used)));
        titles.push_str("| ");
        titles.push_str(name);
    }
    out.push_str(titles.trim_end());
    out.push('\n');
    for cells in &rows {
        let mut line = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if groups.iter().any(|(start, _)| *start == i) {
                line.push_str("| ");
            }
            let pad = widths[i] - cell.chars().count();
            if numeric(i) && cell != &rows[0][i] {
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&" ".repeat(pad));
            }
            line.push_str("  ");
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n']) || text.contains(';') || text.contains('%') {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

fn optional(value: Option<f64>, decimals: usize) -> String {
    value.map_or_else(String::new, |v| format!("{v:.decimals$}"))
}

/// The timeline as CSV, one row per step; numbers unformatted, utilization in percent.
pub fn csv(timeline: &Timeline) -> String {
    let mut out = String::from("time_seconds,demand_rps,demand_cpu_cores,demand_memory_bytes");
    for engine in &timeline.engines {
        let k = engine.key();
        let _ = write!(
            out,
            ",{k}_cpu_utilization,{k}_memory_utilization,{k}_recommendation,{k}_replicas,{k}_ready,{k}_above_target,{k}_reason"
        );
    }
    out.push('\n');
    for row in &timeline.rows {
        let _ = write!(
            out,
            "{},{},{:.4},{:.0}",
            row.time_seconds,
            optional(row.demand.rps, 3),
            row.demand.cpu_cores,
            row.demand.memory_bytes
        );
        for sample in &row.engines {
            let _ = write!(
                out,
                ",{},{},{},{},{},{},{}",
                optional(sample.cpu_utilization, 2),
                optional(sample.memory_utilization, 2),
                sample
                    .recommendation
                    .map_or_else(String::new, |r| r.to_string()),
                sample.replicas,
                sample.ready,
                sample.above_target,
                csv_field(&sample.reason),
            );
        }
        out.push('\n');
    }
    out
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonRun<'a> {
    #[serde(flatten)]
    info: &'a RunInfo,
    engines: &'a [EngineKind],
    step_seconds: i64,
    duration_seconds: i64,
    summary: Vec<Summary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rows: Option<&'a [super::timeline::Row]>,
}

/// One JSON object: the run's settings, the summary per engine and (unless `summary_only`) the
/// rows.
pub fn json(info: &RunInfo, timeline: &Timeline, summary_only: bool) -> String {
    let run = JsonRun {
        info,
        engines: &timeline.engines,
        step_seconds: timeline.step_seconds,
        duration_seconds: timeline.duration_seconds,
        summary: timeline.summaries(),
        rows: (!summary_only).then_some(timeline.rows.as_slice()),
    };
    let mut text = serde_json::to_string_pretty(&run).unwrap_or_default();
    text.push('\n');
    text
}

fn first_up(summary: &Summary) -> String {
    summary
        .first_scale_up_seconds
        .map_or_else(|| "never".into(), clock)
}

fn above(summary: &Summary) -> String {
    let share = if summary.duration_seconds > 0 {
        summary.seconds_above_target as f64 / summary.duration_seconds as f64 * 100.0
    } else {
        0.0
    };
    format!("{} ({share:.1}%)", span(summary.seconds_above_target))
}

/// The summary of one run, engines side by side.
pub fn summary(summaries: &[Summary]) -> String {
    type Line<'a> = (&'a str, Box<dyn Fn(&Summary) -> String>);
    let lines: Vec<Line<'_>> = vec![
        ("", Box::new(|s: &Summary| s.engine.title().to_owned())),
        (
            "peak replicas",
            Box::new(|s: &Summary| format!("{} at {}", s.peak_replicas, clock(s.peak_at_seconds))),
        ),
        ("first scale-up", Box::new(first_up)),
        ("time above target", Box::new(above)),
        (
            "direction changes",
            Box::new(|s: &Summary| s.direction_changes.to_string()),
        ),
        (
            "scale-ups / downs",
            Box::new(|s: &Summary| format!("{} / {}", s.scale_ups, s.scale_downs)),
        ),
        (
            "replica-seconds",
            Box::new(|s: &Summary| {
                format!(
                    "{} ({:.2} replica-hours)",
                    grouped(s.replica_seconds),
                    s.replica_seconds as f64 / 3600.0
                )
            }),
        ),
        (
            "final replicas",
            Box::new(|s: &Summary| s.final_replicas.to_string()),
        ),
    ];
    let cells: Vec<Vec<String>> = lines
        .iter()
        .map(|(label, value)| {
            std::iter::once((*label).to_owned())
                .chain(summaries.iter().map(value))
                .collect()
        })
        .collect();
    aligned(&cells)
}

/// Left-aligned columns two spaces apart, trailing spaces trimmed.
fn aligned(cells: &[Vec<String>]) -> String {
    let columns = cells.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|i| {
            cells
                .iter()
                .filter_map(|row| row.get(i))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in cells {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            line.push_str(cell);
            line.push_str(&" ".repeat(widths[i] - cell.chars().count() + 2));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// One service's summaries in a platform run.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceSummary {
    pub service: String,
    pub summaries: Vec<Summary>,
}

/// The platform summary: one line per service and engine.
pub fn platform_table(services: &[ServiceSummary]) -> String {
    let mut cells = vec![
        [
            "service",
            "engine",
            "peak",
            "first scale-up",
            "above target",
            "turns",
            "replica-seconds",
            "final",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for service in services {
        for s in &service.summaries {
            cells.push(vec![
                service.service.clone(),
                s.engine.key().to_owned(),
                s.peak_replicas.to_string(),
                first_up(s),
                above(s),
                s.direction_changes.to_string(),
                grouped(s.replica_seconds),
                s.final_replicas.to_string(),
            ]);
        }
    }
    aligned(&cells)
}

/// The platform summary as CSV.
pub fn platform_csv(services: &[ServiceSummary]) -> String {
    let mut out = String::from(
        "service,engine,initial_replicas,peak_replicas,peak_at_seconds,first_scale_up_seconds,seconds_above_target,direction_changes,scale_ups,scale_downs,replica_seconds,final_replicas\n",
    );
    for service in services {
        for s in &service.summaries {
            let _ = writeln!(
                out,
                "{},{},{},{},{},{},{},{},{},{},{},{}",
                csv_field(&service.service),
                s.engine.key(),
                s.initial_replicas,
                s.peak_replicas,
                s.peak_at_seconds,
                s.first_scale_up_seconds
                    .map_or_else(String::new, |t| t.to_string()),
                s.seconds_above_target,
                s.direction_changes,
                s.scale_ups,
                s.scale_downs,
                s.replica_seconds,
                s.final_replicas
            );
        }
    }
    out
}

/// The platform summary as JSON.
pub fn platform_json(load: &str, services: &[ServiceSummary]) -> String {
    #[derive(Serialize)]
    struct Platform<'a> {
        load: &'a str,
        services: &'a [ServiceSummary],
    }
    let mut text = serde_json::to_string_pretty(&Platform { load, services }).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_quantities_read_well() {
        assert_eq!(clock(0), "0:00:00");
        assert_eq!(clock(3725), "1:02:05");
        assert_eq!(span(225), "3m 45s");
        assert_eq!(span(3600), "1h");
        assert_eq!(span(0), "0s");
        assert_eq!(grouped(1_234_567), "1,234,567");
        assert_eq!(grouped(999), "999");
        assert_eq!(cpu_text(500), "500m");
        assert_eq!(cpu_text(2000), "2");
        assert_eq!(memory_text(512 << 20), "512Mi");
        assert_eq!(memory_text(3 << 29), "1536Mi");
        assert_eq!(memory_text((3 << 29) + 7), "1.5Gi");
        assert_eq!(memory_text(1000), "1000");
    }

    #[test]
    fn csv_quotes_reasons_that_need_it() {
        assert_eq!(csv_field("DesiredWithinRange"), "DesiredWithinRange");
        assert_eq!(
            csv_field("cpu 150% above 70%; held"),
            "\"cpu 150% above 70%; held\""
        );
        assert_eq!(csv_field("say \"hi\", ok"), "\"say \"\"hi\"\", ok\"");
    }
}
