//! `scalegen simulate`: replays a load through the Kubernetes HPA controller model and the Docker
//! autoscaler model, side by side, over a simulated fleet.
//!
//! Pure: load sources in, a [`Timeline`] out. Nothing here reads a file, a clock or the
//! environment; the same scenario gives the same timeline, bit for bit.
//!
//! | module | what |
//! |---|---|
//! | [`load`] | the load patterns, what a request costs, [`LoadSource`] |
//! | [`trace`] | recorded traces (CSV) with located diagnostics |
//! | [`fleet`] | pods/containers: start-up, readiness, the demand's split, metric lag |
//! | [`kubernetes`] | the HPA engine: [`crate::hpa::reconcile`] every sync period |
//! | [`docker`] | the Docker engine: [`crate::docker::model::decide`] every interval |
//! | [`setup`] | a services-file entry or an HPA manifest → what the engines run |
//! | [`timeline`] | rows, the per-engine summary |
//! | [`report`] | table, CSV, JSON and summary text |
//! | [`chart`] | the SVG chart |

pub mod chart;
pub mod docker;
pub mod fleet;
pub mod kubernetes;
pub mod load;
pub mod report;
pub mod setup;
pub mod timeline;
pub mod trace;

use serde::Serialize;

pub use fleet::{FleetSettings, Requests};
pub use load::{Demand, LoadSource, Pattern, RequestCost};
pub use timeline::{EngineKind, EngineSample, Row, Summary, Timeline};

use crate::docker::config::ServiceConfig;
use crate::hpa::{ControllerConfig, HpaSpec, SimTime};

use self::docker::DockerEngine;
use self::fleet::serving_utilization;
use self::kubernetes::{KubernetesEngine, Targets};

/// The longest run: a month.
pub const MAX_DURATION_SECONDS: i64 = 31 * 24 * 3600;

/// `--duration` for a pattern.
pub const DEFAULT_DURATION_SECONDS: i64 = 3600;

/// What the Kubernetes engine runs.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KubernetesSetup {
    pub spec: HpaSpec,
    pub controller: ControllerConfig,
}

/// What the Docker engine runs.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DockerSetup {
    pub config: ServiceConfig,
    pub interval_seconds: i64,
}

/// One run.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub load: LoadSource,
    pub duration_seconds: i64,
    pub fleet: FleetSettings,
    pub kubernetes: Option<KubernetesSetup>,
    pub docker: Option<DockerSetup>,
}

/// Why a scenario cannot run.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ScenarioError {
    #[error("no engine to simulate")]
    NoEngine,
    #[error("the {0} evaluates every {1} s; it must be at least 1 s")]
    BadPeriod(&'static str, i64),
    #[error("the run lasts {0} s; it must be between 1 s and 31 days")]
    BadDuration(i64),
    #[error("the start-up delay and the metric lag must not be negative")]
    NegativeDelay,
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// Runs a scenario: every step, each engine whose period has come evaluates; then the demand,
/// every engine's state and whether its serving pods are above target make a row.
pub fn run(scenario: &Scenario) -> Result<Timeline, ScenarioError> {
    let settings = &scenario.fleet;
    if settings.startup_delay_seconds < 0 || settings.metric_lag_seconds < 0 {
        return Err(ScenarioError::NegativeDelay);
    }
    if !(1..=MAX_DURATION_SECONDS).contains(&scenario.duration_seconds) {
        return Err(ScenarioError::BadDuration(scenario.duration_seconds));
    }
    let mut kubernetes = scenario
        .kubernetes
        .as_ref()
        .map(|k| KubernetesEngine::new(&k.spec, k.controller.clone(), settings));
    let mut docker = scenario
        .docker
        .as_ref()
        .map(|d| DockerEngine::new(&d.config, d.interval_seconds, settings));
    let mut engines = Vec::new();
    let mut periods = Vec::new();
    if let Some(engine) = &kubernetes {
        engines.push(EngineKind::Kubernetes);
        periods.push(("Kubernetes HPA", engine.period_seconds()));
    }
    if let Some(engine) = &docker {
        engines.push(EngineKind::Docker);
        periods.push(("Docker autoscaler", engine.period_seconds()));
    }
    if engines.is_empty() {
        return Err(ScenarioError::NoEngine);
    }
    for &(name, period) in &periods {
        if !(1..=MAX_DURATION_SECONDS).contains(&period) {
            return Err(ScenarioError::BadPeriod(name, period));
        }
    }
    let step = periods.iter().map(|p| p.1).fold(0, gcd);
    let targets: Vec<Targets> = [
        kubernetes.as_ref().map(KubernetesEngine::targets),
        docker.as_ref().map(DockerEngine::targets),
    ]
    .into_iter()
    .flatten()
    .collect();

    let memory_base = scenario.load.memory_base_bytes();
    let lag = settings.metric_lag_seconds;
    let mut rows =
        Vec::with_capacity(usize::try_from(scenario.duration_seconds / step + 1).unwrap_or(0));
    let mut time = 0;
    while time <= scenario.duration_seconds {
        let now = SimTime::from_secs(time);
        let mut samples = Vec::with_capacity(engines.len());
        if let Some(engine) = kubernetes.as_mut() {
            let sample = if time % engine.period_seconds() == 0 {
                engine.sync(now, &scenario.load, settings)
            } else {
                engine.idle(now)
            };
            engine.fleet.forget_removed_before(now.minus_secs(lag));
            samples.push((sample, engine.fleet.serving_at(now)));
        }
        if let Some(engine) = docker.as_mut() {
            let sample = if time % engine.period_seconds() == 0 {
                engine.evaluate(now, &scenario.load, settings)
            } else {
                engine.idle(now)
            };
            engine.fleet.forget_removed_before(now.minus_secs(lag));
            samples.push((sample, engine.fleet.serving_at(now)));
        }
        let demand = scenario.load.demand_at(now);
        let engines_now = samples
            .into_iter()
            .zip(&targets)
            .map(|((mut sample, serving), targets)| {
                let utilization =
                    serving_utilization(&demand, serving, memory_base, settings.requests);
                sample.above_target = targets.exceeded_by(utilization, &demand);
                sample
            })
            .collect();
        rows.push(Row {
            time_seconds: time,
            demand,
            engines: engines_now,
        });
        time += step;
    }
    Ok(Timeline {
        engines,
        step_seconds: step,
        duration_seconds: scenario.duration_seconds,
        initial_replicas: settings.initial_replicas,
        rows,
    })
}
