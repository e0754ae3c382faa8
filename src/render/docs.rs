//! `docs/autoscaling.md` and the tables `render --inject` puts into a README, rendered with
//! minijinja from `templates/`. The templates are embedded; `--templates DIR` overrides any of
//! them by file name. An undefined variable is an error, never a blank cell.

use std::fmt;
use std::path::Path;

use minijinja::syntax::SyntaxConfig;
use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;

use super::Options;
use crate::model::raw::{Metric, Select};
use crate::model::{Direction, Level, PolicyKind, Service, Services, Sourced};

/// The built-in templates, by file name.
pub const BUILT_IN: &[(&str, &str)] = &[
    (
        "autoscaling.md.j2",
        include_str!("../../templates/autoscaling.md.j2"),
    ),
    ("tables.md.j2", include_str!("../../templates/tables.md.j2")),
];

/// A template that failed to load or render, with where.
#[derive(Debug)]
pub struct TemplateError {
    pub template: String,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.template, self.message)?,
            None => write!(f, "{}: {}", self.template, self.message)?,
        }
        f.write_str(
            "\n  help: fix the template; the variables a template can use are listed in the README's \"Templates\" section",
        )
    }
}

impl std::error::Error for TemplateError {}

fn template_error(err: &minijinja::Error, overrides: Option<&Path>) -> TemplateError {
    // An error inside an included template arrives wrapped by the include; report the
    // innermost one, which names the template and line that are wrong.
    let mut err = err;
    while let Some(inner) =
        std::error::Error::source(err).and_then(|s| s.downcast_ref::<minijinja::Error>())
    {
        err = inner;
    }
    let name = err.name().unwrap_or("template").to_owned();
    let template = match overrides {
        Some(dir) if dir.join(&name).exists() => dir.join(&name).display().to_string(),
        _ => format!("templates/{name} (built in)"),
    };
    let message = match err.detail() {
        Some(detail) => format!("{}: {detail}", err.kind()),
        None => err.kind().to_string(),
    };
    TemplateError {
        template,
        line: err.line(),
        message,
    }
}

fn environment(overrides: Option<&Path>) -> Result<Environment<'static>, TemplateError> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    let syntax = SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
        .map_err(|e| template_error(&e, None))?;
    env.set_syntax(syntax);
    let mut sources: Vec<(String, String)> = BUILT_IN
        .iter()
        .map(|(name, text)| ((*name).to_owned(), (*text).to_owned()))
        .collect();
    if let Some(dir) = overrides {
        let entries = std::fs::read_dir(dir).map_err(|e| TemplateError {
            template: dir.display().to_string(),
            line: None,
            message: format!("cannot read the templates directory: {e}"),
        })?;
        let mut names: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "j2") && p.is_file())
            .collect();
        names.sort();
        for path in names {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let text = std::fs::read_to_string(&path).map_err(|e| TemplateError {
                template: path.display().to_string(),
                line: None,
                message: format!("cannot read: {e}"),
            })?;
            sources.retain(|(n, _)| *n != name);
            sources.push((name, text));
        }
    }
    for (name, text) in sources {
        env.add_template_owned(name, text)
            .map_err(|e| template_error(&e, overrides))?;
    }
    Ok(env)
}

/// A table cell: the value, its display text, and whether the service set it itself (an
/// exception to its tier and the defaults, shown in bold by the built-in templates).
#[derive(Serialize)]
struct Cell {
    value: serde_json::Value,
    text: String,
    own: bool,
}

fn cell<T: Serialize>(sourced: &Sourced<T>, text: String) -> Cell {
    Cell {
        value: serde_json::to_value(&sourced.value).unwrap_or_default(),
        text,
        own: sourced.origin.level == Level::Service,
    }
}

#[derive(Serialize)]
struct Thresholds {
    enabled: bool,
    up: Cell,
    down: Cell,
}

#[derive(Serialize)]
struct DirectionView {
    window: Cell,
    policies: Cell,
    select: String,
}

#[derive(Serialize)]
struct ServiceView {
    name: String,
    min: Cell,
    max: Cell,
    priority: String,
    notes: String,
    target: String,
    metrics: Vec<&'static str>,
    cpu: Thresholds,
    memory: Thresholds,
    scale_up: DirectionView,
    scale_down: DirectionView,
}

#[derive(Serialize)]
struct Context {
    header: String,
    /// The Markdown heading marker for the tables' sections: `##` on the docs page, `###`
    /// when injected under a README's own section.
    heading: &'static str,
    source: String,
    namespace: Option<String>,
    services: Vec<ServiceView>,
}

/// "+50% or +2 pods per 60s (whichever is more)".
pub fn policies_text(direction: &Direction, up: bool) -> String {
    if direction.select.value == Select::Disabled {
        return "disabled".into();
    }
    let sign = if up { "+" } else { "−" };
    let parts: Vec<(String, String)> = direction
        .policies
        .value
        .iter()
        .filter_map(|p| {
            let (kind, value) = p.limit()?;
            let amount = match kind {
                PolicyKind::Percent => format!("{sign}{value}%"),
                PolicyKind::Pods if value == 1 => format!("{sign}1 pod"),
                PolicyKind::Pods => format!("{sign}{value} pods"),
            };
            Some((amount, p.period.0.to_string()))
        })
        .collect();
    if parts.is_empty() {
        return "none".into();
    }
    let same_period = parts.windows(2).all(|w| w[0].1 == w[1].1);
    let text = if same_period {
        let amounts: Vec<&str> = parts.iter().map(|(a, _)| a.as_str()).collect();
        format!("{} per {}", amounts.join(" or "), parts[0].1)
    } else {
        parts
            .iter()
            .map(|(a, p)| format!("{a} per {p}"))
            .collect::<Vec<_>>()
            .join(" or ")
    };
    if parts.len() == 1 {
        return text;
    }
    let which = match direction.select.value {
        Select::Max => "whichever is more",
        _ => "whichever is less",
    };
    format!("{text} ({which})")
}

fn direction_view(direction: &Direction, up: bool) -> DirectionView {
    let policies = &direction.policies;
    let own =
        policies.origin.level == Level::Service || direction.select.origin.level == Level::Service;
    DirectionView {
        window: cell(&direction.window, direction.window.value.to_string()),
        policies: Cell {
            value: serde_json::to_value(&policies.value).unwrap_or_default(),
            text: policies_text(direction, up),
            own,
        },
        select: direction.select.value.as_str().to_owned(),
    }
}

fn thresholds(service: &Service, metric: Metric) -> Thresholds {
    let enabled = service.uses(metric);
    let text = |v: &Sourced<i32>| {
        if enabled {
            format!("{}%", v.value)
        } else {
            "—".into()
        }
    };
    let up = service.scale_up.threshold(metric);
    let down = service.scale_down.threshold(metric);
    Thresholds {
        enabled,
        up: Cell {
            own: enabled && up.origin.level == Level::Service,
            ..cell(up, text(up))
        },
        down: Cell {
            own: enabled && down.origin.level == Level::Service,
            ..cell(down, text(down))
        },
    }
}

fn context(services: &Services, options: &Options, heading: &'static str) -> Context {
    Context {
        header: super::header(&options.source_name),
        heading,
        source: options.source_name.clone(),
        namespace: services.namespace.as_ref().map(|n| n.value.clone()),
        services: services
            .services
            .iter()
            .map(|s| {
                let max = s.effective_max();
                ServiceView {
                    name: s.name.clone(),
                    min: cell(&s.min_replicas, s.min_replicas.value.to_string()),
                    max: cell(max, max.value.to_string()),
                    priority: s.priority.as_ref().map_or("—".into(), |p| p.value.clone()),
                    // A `|` or a line break would end the Markdown table cell.
                    notes: s
                        .notes
                        .as_deref()
                        .unwrap_or("")
                        .replace('|', "\\|")
                        .replace(['\r', '\n'], " "),
                    target: format!("{}/{}", s.target.kind.as_str(), s.target.name),
                    metrics: s.metrics.value.iter().map(|m| m.as_str()).collect(),
                    cpu: thresholds(s, Metric::Cpu),
                    memory: thresholds(s, Metric::Memory),
                    scale_up: direction_view(&s.scale_up, true),
                    scale_down: direction_view(&s.scale_down, false),
                }
            })
            .collect(),
    }
}

fn render_template(
    name: &str,
    services: &Services,
    options: &Options,
    heading: &'static str,
) -> Result<String, TemplateError> {
    let env = environment(options.templates.as_deref())?;
    let template = env
        .get_template(name)
        .map_err(|e| template_error(&e, options.templates.as_deref()))?;
    let mut text = template
        .render(minijinja::value::Serde(context(services, options, heading)))
        .map_err(|e| template_error(&e, options.templates.as_deref()))?;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

/// `docs/autoscaling.md`.
pub fn page(services: &Services, options: &Options) -> Result<String, TemplateError> {
    render_template("autoscaling.md.j2", services, options, "##")
}

/// The tables alone, for `render --inject`.
pub fn tables(services: &Services, options: &Options) -> Result<String, TemplateError> {
    render_template("tables.md.j2", services, options, "###")
}
