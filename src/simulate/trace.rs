//! Recorded load: a CSV trace of demand over time, read into [`Trace`] with every problem as a
//! diagnostic at its line and column.
//!
//! The format (README, "Trace files"):
//! - a header row naming the columns, in any order; `#` lines and blank lines are skipped;
//! - `time`: seconds (`0`, `15`, `22.5`) or RFC 3339 timestamps (`2026-03-01T12:00:00Z`), one
//!   kind per file, strictly increasing; the first row is the simulation's time 0;
//! - demand as totals over the workload, `cpu` (cores: `2.5`, `2500m`) and/or `memory` (bytes:
//!   `3Gi`, `3221225472`), or per pod, `cpu_per_pod` and/or `memory_per_pod` together with
//!   `replicas` (the pods the recording had), from which the totals follow;
//! - a value holds until the next row; after the last row it holds to the end of the run.

use std::sync::Arc;

use crate::diagnostics::{Diagnostic, Label};
use crate::hpa::SimTime;
use crate::rules::input;
use crate::source::{SourceFile, Span};
use crate::units::Quantity;

use super::load::Demand;

/// The longest trace scalegen replays: a month.
pub const MAX_SPAN_SECONDS: i64 = 31 * 24 * 3600;

/// At most this many problems are reported from one file; the rest are counted.
pub const MAX_DIAGNOSTICS: usize = 20;

/// One row: the demand from `time` until the next row.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TracePoint {
    pub time: SimTime,
    pub cpu_cores: f64,
    pub memory_bytes: f64,
}

/// A parsed trace, times relative to its first row.
#[derive(Clone, Debug, PartialEq)]
pub struct Trace {
    /// The file name, for output headers.
    pub name: String,
    pub points: Vec<TracePoint>,
    pub has_cpu: bool,
    pub has_memory: bool,
}

impl Trace {
    /// The demand at `time`: the last row at or before it (the first row before the start).
    pub fn demand_at(&self, time: SimTime) -> Demand {
        let index = self.points.partition_point(|p| p.time <= time);
        let point = self.points[index.saturating_sub(1)];
        Demand {
            rps: None,
            cpu_cores: point.cpu_cores,
            memory_bytes: point.memory_bytes,
        }
    }

    /// The time of the last row.
    pub fn span(&self) -> SimTime {
        self.points.last().map_or(SimTime(0), |p| p.time)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Column {
    Time,
    Cpu,
    Memory,
    CpuPerPod,
    MemoryPerPod,
    Replicas,
}

const COLUMNS: [(&str, Column); 6] = [
    ("time", Column::Time),
    ("cpu", Column::Cpu),
    ("memory", Column::Memory),
    ("cpu_per_pod", Column::CpuPerPod),
    ("memory_per_pod", Column::MemoryPerPod),
    ("replicas", Column::Replicas),
];

/// One comma-separated field: its text (trimmed, quotes removed) and where it is.
struct Field<'a> {
    text: &'a str,
    span: Span,
}

fn split_fields(line: &str, line_start: usize) -> Vec<Field<'_>> {
    let mut fields = Vec::new();
    let mut start = 0;
    for piece in line.split(',') {
        let leading = piece.len() - piece.trim_start().len();
        let mut text = piece.trim();
        let mut offset = start + leading;
        if text.len() >= 2 && text.starts_with('"') && text.ends_with('"') {
            text = &text[1..text.len() - 1];
            offset += 1;
        }
        let span_start = line_start + offset;
        fields.push(Field {
            text,
            span: Span::new(span_start, span_start + text.len().max(1)),
        });
        start += piece.len() + 1;
    }
    fields
}

/// The lines that carry data: (byte offset of the line, its text without the line break).
fn content_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = 0;
    text.split_inclusive('\n').filter_map(move |raw| {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let trimmed = line.trim();
        (!trimmed.is_empty() && !trimmed.starts_with('#')).then_some((start, line))
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum TimeKind {
    Seconds,
    Timestamp,
}

struct Problems {
    file: Arc<SourceFile>,
    diagnostics: Vec<Diagnostic>,
    more: usize,
}

impl Problems {
    fn push(
        &mut self,
        rule: &'static crate::rules::Rule,
        span: Span,
        message: String,
        label: &str,
        help: &str,
    ) {
        if self.diagnostics.len() >= MAX_DIAGNOSTICS {
            self.more += 1;
            return;
        }
        self.diagnostics.push(
            Diagnostic::new(rule, message)
                .at(Label::new(&self.file, span, label))
                .help(help),
        );
    }
}

const TIME_HELP: &str = "write seconds since the start (`0`, `15`, `22.5`) or an RFC 3339 timestamp (`2026-03-01T12:00:00Z`), the same kind on every row";

/// Reads a trace. `Err` holds every problem found (up to [`MAX_DIAGNOSTICS`], then a count).
pub fn parse(file: &Arc<SourceFile>) -> Result<Trace, Vec<Diagnostic>> {
    let mut problems = Problems {
        file: Arc::clone(file),
        diagnostics: Vec::new(),
        more: 0,
    };
    let mut lines = content_lines(file.text());
    let Some((header_start, header_line)) = lines.next() else {
        problems.push(
            &input::EMPTY_FILE,
            Span::point(0),
            "the trace is empty".into(),
            "nothing here",
            "start with a header row such as `time,cpu` and add one row per sample",
        );
        return Err(problems.diagnostics);
    };

    let header = split_fields(header_line, header_start);
    let mut columns: Vec<Option<Column>> = Vec::new();
    let mut seen: Vec<(Column, Span)> = Vec::new();
    for field in &header {
        let name = field.text.to_ascii_lowercase();
        let column = COLUMNS.iter().find(|(n, _)| *n == name).map(|(_, c)| *c);
        match column {
            None => {
                let known: Vec<String> = COLUMNS.iter().map(|(n, _)| (*n).to_owned()).collect();
                let help = match crate::structure::closest(&name, &known) {
                    Some(close) => format!(
                        "did you mean `{close}`? The columns are time, cpu, memory, cpu_per_pod, memory_per_pod and replicas"
                    ),
                    None => "the columns are time, cpu, memory, cpu_per_pod, memory_per_pod and replicas".to_owned(),
                };
                problems.push(
                    &input::UNKNOWN_FIELD,
                    field.span,
                    format!("unknown trace column `{}`", field.text),
                    "unknown column",
                    &help,
                );
            }
            Some(column) => {
                if seen.iter().any(|(c, _)| *c == column) {
                    problems.push(
                        &input::DUPLICATE_KEY,
                        field.span,
                        format!("the column `{name}` appears twice"),
                        "repeated here",
                        "keep one of the two columns",
                    );
                } else {
                    seen.push((column, field.span));
                }
            }
        }
        columns.push(column);
    }
    let has = |column: Column| seen.iter().any(|(c, _)| *c == column);
    let header_span = Span::new(header_start, header_start + header_line.len());
    if !has(Column::Time) {
        problems.push(
            &input::MISSING_FIELD,
            header_span,
            "the trace has no `time` column".into(),
            "in this header",
            "add a `time` column: seconds since the start or RFC 3339 timestamps",
        );
    }
    if ![
        Column::Cpu,
        Column::Memory,
        Column::CpuPerPod,
        Column::MemoryPerPod,
    ]
    .into_iter()
    .any(has)
    {
        problems.push(
            &input::MISSING_FIELD,
            header_span,
            "the trace has no demand column".into(),
            "in this header",
            "add `cpu` (total cores) and/or `memory` (total bytes), or `cpu_per_pod`/`memory_per_pod` with `replicas`",
        );
    }
    for (total, per_pod, name) in [
        (Column::Cpu, Column::CpuPerPod, "cpu"),
        (Column::Memory, Column::MemoryPerPod, "memory"),
    ] {
        if has(total) && has(per_pod) {
            let span = seen
                .iter()
                .find(|(c, _)| *c == per_pod)
                .map_or(header_span, |(_, s)| *s);
            problems.push(
                &input::INVALID_VALUE,
                span,
                format!("the trace gives `{name}` both as a total and per pod"),
                "second form here",
                "keep one of the two columns",
            );
        }
    }
    let per_pod = has(Column::CpuPerPod) || has(Column::MemoryPerPod);
    if per_pod && !has(Column::Replicas) {
        problems.push(
            &input::MISSING_FIELD,
            header_span,
            "per-pod demand needs a `replicas` column".into(),
            "in this header",
            "add `replicas`, the number of pods the recording had, so the total demand is per-pod × replicas; or record totals in `cpu`/`memory`",
        );
    }
    if !problems.diagnostics.is_empty() {
        return Err(problems.diagnostics);
    }

    let mut points: Vec<TracePoint> = Vec::new();
    let mut time_kind: Option<TimeKind> = None;
    let mut origin_millis: Option<i64> = None;
    let mut previous: Option<i64> = None;
    for (line_start, line) in lines {
        let fields = split_fields(line, line_start);
        if fields.len() != columns.len() {
            let end = line_start + line.len();
            problems.push(
                &input::INVALID_VALUE,
                Span::new(line_start, end.max(line_start + 1)),
                format!(
                    "this row has {} value{}, the header names {} column{}",
                    fields.len(),
                    if fields.len() == 1 { "" } else { "s" },
                    columns.len(),
                    if columns.len() == 1 { "" } else { "s" },
                ),
                "this row",
                "give every row one value per header column, separated by commas",
            );
            continue;
        }
        let mut time = None;
        let mut values = [None::<f64>; 5];
        let mut row_ok = true;
        for (field, column) in fields.iter().zip(&columns) {
            let Some(column) = column else { continue };
            match column {
                Column::Time => match parse_time(field.text) {
                    Some((kind, millis)) => {
                        if *time_kind.get_or_insert(kind) == kind {
                            time = Some(millis);
                        } else {
                            problems.push(
                                &input::INVALID_VALUE,
                                field.span,
                                "this row's time is of another kind than the first row's".into(),
                                "mixed time kinds",
                                TIME_HELP,
                            );
                            row_ok = false;
                        }
                    }
                    None => {
                        problems.push(
                            &input::INVALID_VALUE,
                            field.span,
                            format!("`{}` is not a time", field.text),
                            "not a time",
                            TIME_HELP,
                        );
                        row_ok = false;
                    }
                },
                Column::Replicas => match field.text.parse::<u32>() {
                    Ok(n) => values[4] = Some(f64::from(n)),
                    Err(_) => {
                        problems.push(
                            &input::INVALID_VALUE,
                            field.span,
                            format!("`{}` is not a replica count", field.text),
                            "not a whole number",
                            "write the number of pods as a whole number such as `3`",
                        );
                        row_ok = false;
                    }
                },
                Column::Cpu | Column::CpuPerPod | Column::Memory | Column::MemoryPerPod => {
                    let is_cpu = matches!(column, Column::Cpu | Column::CpuPerPod);
                    match Quantity::parse(field.text).filter(|q| q.milli >= 0) {
                        Some(q) => {
                            // Milli-cores to cores, milli-bytes to bytes.
                            let value = q.milli as f64 / 1000.0;
                            let slot = match column {
                                Column::Cpu => 0,
                                Column::CpuPerPod => 1,
                                Column::Memory => 2,
                                _ => 3,
                            };
                            values[slot] = Some(value);
                        }
                        None => {
                            let (what, help) = if is_cpu {
                                (
                                    "a CPU quantity",
                                    "write CPU in cores (`2.5`) or millicores (`2500m`), not negative",
                                )
                            } else {
                                (
                                    "a memory quantity",
                                    "write memory in bytes (`3221225472`) or with a unit (`3Gi`, `512Mi`, `3G`), not negative",
                                )
                            };
                            problems.push(
                                &input::INVALID_VALUE,
                                field.span,
                                format!("`{}` is not {what}", field.text),
                                "invalid quantity",
                                help,
                            );
                            row_ok = false;
                        }
                    }
                }
            }
        }
        let time_span = fields
            .iter()
            .zip(&columns)
            .find(|(_, c)| **c == Some(Column::Time))
            .map(|(f, _)| f.span);
        let Some(mut millis) = time else { continue };
        let origin = *origin_millis.get_or_insert(millis);
        millis -= origin;
        if let Some(before) = previous
            && millis <= before
        {
            problems.push(
                &input::INVALID_VALUE,
                time_span.unwrap_or(Span::point(line_start)),
                "times must increase from row to row".into(),
                "not after the previous row",
                "sort the rows by time and remove repeated times",
            );
            continue;
        }
        if millis > MAX_SPAN_SECONDS * 1000 {
            problems.push(
                &input::INVALID_VALUE,
                time_span.unwrap_or(Span::point(line_start)),
                "the trace spans more than 31 days".into(),
                "past 31 days",
                "split the trace; scalegen replays at most 31 days at a time",
            );
            break;
        }
        previous = Some(millis);
        if !row_ok {
            continue;
        }
        let replicas = values[4].unwrap_or(0.0);
        points.push(TracePoint {
            time: SimTime::from_millis(millis),
            cpu_cores: values[0].or(values[1].map(|v| v * replicas)).unwrap_or(0.0),
            memory_bytes: values[2].or(values[3].map(|v| v * replicas)).unwrap_or(0.0),
        });
    }
    if problems.diagnostics.is_empty() && points.is_empty() {
        problems.push(
            &input::MISSING_FIELD,
            header_span,
            "the trace has a header but no rows".into(),
            "only a header",
            "add one row per sample below the header",
        );
    }
    if !problems.diagnostics.is_empty() {
        if problems.more > 0
            && let Some(last) = problems.diagnostics.last_mut()
        {
            let help = last.help.take().unwrap_or_default();
            last.help = Some(format!(
                "{help} ({} more problem{} in this file not shown)",
                problems.more,
                if problems.more == 1 { "" } else { "s" }
            ));
        }
        return Err(problems.diagnostics);
    }
    Ok(Trace {
        name: file.name().to_owned(),
        points,
        has_cpu: has(Column::Cpu) || has(Column::CpuPerPod),
        has_memory: has(Column::Memory) || has(Column::MemoryPerPod),
    })
}

/// Seconds (plain decimal) or an RFC 3339 timestamp, in milliseconds.
fn parse_time(text: &str) -> Option<(TimeKind, i64)> {
    let is_decimal = !text.is_empty()
        && text.chars().all(|c| c.is_ascii_digit() || c == '.')
        && text.chars().filter(|c| *c == '.').count() <= 1
        && text.chars().any(|c| c.is_ascii_digit());
    if is_decimal {
        let seconds: f64 = text.parse().ok()?;
        let millis = (seconds * 1000.0).round();
        return (millis.is_finite() && millis < 1e15).then_some((TimeKind::Seconds, millis as i64));
    }
    let timestamp: jiff::Timestamp = text.parse().ok()?;
    Some((TimeKind::Timestamp, timestamp.as_millisecond()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> Result<Trace, Vec<Diagnostic>> {
        parse(&SourceFile::new("load.csv", text))
    }

    fn problems(text: &str) -> Vec<String> {
        match parse_text(text) {
            Ok(_) => panic!("expected problems in {text:?}"),
            Err(diagnostics) => diagnostics
                .iter()
                .map(|d| {
                    let at = d.primary.as_ref().map(|l| l.start()).unwrap();
                    format!("{}:{} {} {}", at.line, at.column, d.rule.code, d.message)
                })
                .collect(),
        }
    }

    #[test]
    fn seconds_and_totals() {
        let trace = parse_text("# recorded\ntime,cpu,memory\n0,1.5,1Gi\n\n15,2500m,2Gi\n").unwrap();
        assert_eq!(trace.points.len(), 2);
        assert_eq!(trace.points[1].time, SimTime::from_secs(15));
        assert_eq!(trace.points[1].cpu_cores, 2.5);
        assert_eq!(trace.points[1].memory_bytes, 2.0 * 1024.0 * 1024.0 * 1024.0);
        assert!(trace.has_cpu && trace.has_memory);
        assert_eq!(trace.span(), SimTime::from_secs(15));
    }

    #[test]
    fn values_hold_until_the_next_row() {
        let trace = parse_text("time,cpu\n0,1\n60,3\n").unwrap();
        let cpu = |s| trace.demand_at(SimTime::from_secs(s)).cpu_cores;
        assert_eq!(cpu(-10), 1.0);
        assert_eq!(cpu(0), 1.0);
        assert_eq!(cpu(59), 1.0);
        assert_eq!(cpu(60), 3.0);
        assert_eq!(cpu(6000), 3.0);
        assert_eq!(trace.demand_at(SimTime::from_secs(60)).rps, None);
    }

    #[test]
    fn rfc3339_times_are_relative_to_the_first_row() {
        let trace = parse_text(
            "time,cpu\n2026-03-01T12:00:00Z,1\n2026-03-01T12:00:30Z,2\n2026-03-01T13:01:00+01:00,3\n",
        )
        .unwrap();
        let times: Vec<i64> = trace.points.iter().map(|p| p.time.as_millis()).collect();
        assert_eq!(times, [0, 30_000, 60_000]);
    }

    #[test]
    fn decimal_seconds_and_a_late_first_row() {
        let trace = parse_text("time,cpu\n100,1\n107.5,2\n").unwrap();
        assert_eq!(trace.points[0].time, SimTime(0));
        assert_eq!(trace.points[1].time, SimTime(7_500));
    }

    #[test]
    fn per_pod_columns_times_replicas() {
        let trace =
            parse_text("time,replicas,cpu_per_pod,memory_per_pod\n0,4,250m,100Mi\n").unwrap();
        assert_eq!(trace.points[0].cpu_cores, 1.0);
        assert_eq!(trace.points[0].memory_bytes, 400.0 * 1024.0 * 1024.0);
    }

    #[test]
    fn columns_in_any_order_with_quotes_and_crlf() {
        let trace = parse_text("\"cpu\",\"time\"\r\n\"2\",\"0\"\r\n").unwrap();
        assert_eq!(trace.points[0].cpu_cores, 2.0);
        assert!(!trace.has_memory);
    }

    #[test]
    fn bad_cells_are_located_at_line_and_column() {
        assert_eq!(
            problems("time,cpu\n0,1\n15,lots\nsoon,2\n"),
            [
                "3:4 SG012 `lots` is not a CPU quantity",
                "4:1 SG012 `soon` is not a time",
            ]
        );
    }

    #[test]
    fn header_problems() {
        assert_eq!(
            problems("tme,cpus\n0,1\n"),
            [
                "1:1 SG010 unknown trace column `tme`",
                "1:5 SG010 unknown trace column `cpus`",
                "1:1 SG013 the trace has no `time` column",
                "1:1 SG013 the trace has no demand column",
            ]
        );
        assert_eq!(
            problems("time,cpu,cpu\n0,1,1\n"),
            ["1:10 SG002 the column `cpu` appears twice"]
        );
        assert_eq!(
            problems("time,cpu_per_pod\n0,1\n"),
            ["1:1 SG013 per-pod demand needs a `replicas` column"]
        );
        assert_eq!(
            problems("time,cpu,cpu_per_pod,replicas\n0,1,1,1\n"),
            ["1:10 SG012 the trace gives `cpu` both as a total and per pod"]
        );
    }

    #[test]
    fn row_problems() {
        assert_eq!(
            problems("time,cpu\n0,1\n0,2\n15\n30,-1\n"),
            [
                "3:1 SG012 times must increase from row to row",
                "4:1 SG012 this row has 1 value, the header names 2 columns",
                "5:4 SG012 `-1` is not a CPU quantity",
            ]
        );
        assert_eq!(
            problems("time,cpu\n0,1\n2026-03-01T12:00:00Z,2\n"),
            ["3:1 SG012 this row's time is of another kind than the first row's"]
        );
        assert_eq!(
            problems("time,cpu,replicas\n0,1,two\n"),
            ["2:5 SG012 `two` is not a replica count"]
        );
    }

    #[test]
    fn empty_and_header_only() {
        assert_eq!(problems("# nothing\n\n"), ["1:1 SG005 the trace is empty"]);
        assert_eq!(
            problems("time,cpu\n"),
            ["1:1 SG013 the trace has a header but no rows"]
        );
    }

    #[test]
    fn too_long_a_span() {
        let text = format!("time,cpu\n0,1\n{},1\n", MAX_SPAN_SECONDS + 1);
        assert_eq!(
            problems(&text),
            ["3:1 SG012 the trace spans more than 31 days"]
        );
    }

    #[test]
    fn problems_are_capped() {
        let mut text = String::from("time,cpu\n");
        for i in 0..50 {
            text.push_str(&format!("{i},x\n"));
        }
        let Err(diagnostics) = parse_text(&text) else {
            panic!("expected problems")
        };
        assert_eq!(diagnostics.len(), MAX_DIAGNOSTICS);
        let help = diagnostics.last().and_then(|d| d.help.clone()).unwrap();
        assert!(help.contains("30 more problems"), "{help}");
    }
}
