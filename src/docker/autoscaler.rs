//! `autoscale docker`'s loop, one evaluation at a time: find each service's containers, read
//! their stats, compute utilization, decide with the Docker model ([`super::model::decide`], the
//! same code `simulate --engine docker` runs), act, and report every step as an [`Event`].
//!
//! Safety, in order of precedence:
//! - Only containers labelled as the configured service (and project) are ever touched.
//! - Scale-down re-lists the service right before acting and removes at most
//!   `live - max(desired, min)` containers, newest first, each stopped with its own stop
//!   timeout before it is removed. A failed stop leaves the container running and counted.
//! - Scale-up counts only containers that were created *and* started; a half-made container is
//!   removed again. A container scalegen started that exits pauses further creates for the
//!   service (doubling, up to five minutes), so a crashing image cannot pile up containers.
//! - Engine faults (unreachable, a container vanishing, a failed create, missing stats) are
//!   reported and the next evaluation starts afresh.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Duration;

use bollard::models::ContainerInspectResponse;
use futures_util::future::join_all;
use serde::Serialize;

use super::config::{AutoscalerConfig, ServiceConfig};
use super::engine::{Engine, EngineError, EngineInfo};
use super::model::{Decision, Observation, ServiceState, Trigger, decide};
use super::replicas::{
    COMPOSE_SERVICE, DEFAULT_STOP_TIMEOUT_SECONDS, Replica, SCALEGEN_SERVICE, Selection, State,
    clone_spec, select, stop_timeout,
};
use super::usage::{self, Accumulator, CpuCounters, Limits};
use crate::hpa::SimTime;
use crate::model::raw::Metric;

/// How the loop runs, from the command line.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// Only this Compose project (or `io.scalegen.project`).
    pub project: Option<String>,
    /// Time between evaluations.
    pub interval: Duration,
    /// Decide and report, change nothing.
    pub dry_run: bool,
    /// A single evaluation (`--once`): there is no next one to retry in.
    pub once: bool,
}

/// What an evaluation decided for a service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Up,
    Down,
    Hold,
    /// Nothing to decide on: no containers, or they cannot be told apart.
    Skip,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Up => "up",
            Verdict::Down => "down",
            Verdict::Hold => "hold",
            Verdict::Skip => "skip",
        }
    }
}

/// One service's evaluation: what was measured, decided and done.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DecisionRecord {
    /// The service's name in the config.
    pub service: String,
    /// The Compose project (or `io.scalegen.project`) its containers belong to.
    pub project: Option<String>,
    /// Live containers found.
    pub replicas: i32,
    /// What the model wants.
    pub desired: i32,
    /// Live containers after acting.
    pub after: i32,
    /// Average CPU utilization in percent of the basis, over containers with a reading.
    pub cpu: Option<f64>,
    pub memory: Option<f64>,
    /// Containers without a reading yet (the most over the metrics).
    pub unmeasured: i32,
    pub decision: Verdict,
    /// The metric values and the rule that fired, and what held the change back.
    pub reason: String,
    /// The model's full decision: proposal, stabilized, limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<Decision>,
    pub created: Vec<String>,
    pub removed: Vec<String>,
    pub dry_run: bool,
}

/// Everything the loop reports, in order.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// A fact worth knowing once: the engine found, the basis of a service's utilization.
    Notice {
        service: Option<String>,
        message: String,
    },
    /// Something failed; the loop carries on.
    Fault {
        service: Option<String>,
        message: String,
    },
    /// A container started, stopped or removed.
    Action {
        service: String,
        message: String,
    },
    Decision(DecisionRecord),
}

/// The outcome of one evaluation, for `--once`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Evaluation {
    pub faults: usize,
}

/// The longest pause of creates after a container scalegen started has exited.
const MAX_CRASH_BACKOFF_SECONDS: i64 = 300;

/// What the loop remembers about a service between evaluations.
#[derive(Debug, Default)]
struct ServiceRun {
    state: ServiceState,
    /// Each container's CPU counters at the last evaluation.
    counters: HashMap<String, CpuCounters>,
    /// Inspections, by container ID (a container's configuration never changes).
    inspected: HashMap<String, ContainerInspectResponse>,
    /// The last basis notice, so it is repeated only when it changes.
    basis_notice: Option<String>,
    /// Containers scalegen started, watched for exits.
    started: HashSet<String>,
    /// No creates before this.
    creates_paused_until: Option<SimTime>,
    crash_backoff_seconds: i64,
}

pub struct Autoscaler<E> {
    engine: E,
    config: AutoscalerConfig,
    settings: Settings,
    host: Option<EngineInfo>,
    services: BTreeMap<String, ServiceRun>,
}

/// Collects events and counts faults.
struct Reporter<'a> {
    emit: &'a mut dyn FnMut(Event),
    faults: usize,
}

impl Reporter<'_> {
    fn fault(&mut self, service: Option<&str>, message: String) {
        self.faults += 1;
        (self.emit)(Event::Fault {
            service: service.map(str::to_owned),
            message,
        });
    }

    fn notice(&mut self, service: Option<&str>, message: String) {
        (self.emit)(Event::Notice {
            service: service.map(str::to_owned),
            message,
        });
    }

    fn action(&mut self, service: &str, message: String) {
        (self.emit)(Event::Action {
            service: service.to_owned(),
            message,
        });
    }
}

impl<E: Engine> Autoscaler<E> {
    pub fn new(engine: E, config: AutoscalerConfig, settings: Settings) -> Self {
        let services = config
            .services
            .keys()
            .map(|name| (name.clone(), ServiceRun::default()))
            .collect();
        Self {
            engine,
            config,
            settings,
            host: None,
            services,
        }
    }

    pub fn engine(&self) -> &E {
        &self.engine
    }

    /// What the config asks for, per service, before any container is seen: the bounds, the
    /// thresholds and what utilization is a percent of.
    pub fn describe_config(&self) -> Vec<Event> {
        self.config
            .services
            .iter()
            .map(|(name, service)| Event::Notice {
                service: Some(name.clone()),
                message: describe_service(service),
            })
            .collect()
    }

    /// Evaluates every service once. `now` is the time on the model's clock; `stopping` says
    /// when Ctrl-C was pressed, after which no new change is started.
    pub async fn evaluate(
        &mut self,
        now: SimTime,
        stopping: &dyn Fn() -> bool,
        emit: &mut dyn FnMut(Event),
    ) -> Evaluation {
        let mut report = Reporter { emit, faults: 0 };
        if self.host.is_none() {
            match self.engine.info().await {
                Ok(info) => {
                    report.notice(
                        None,
                        format!(
                            "Docker engine {} ({} CPUs, {} memory{})",
                            if info.version.is_empty() {
                                "(version unknown)"
                            } else {
                                &info.version
                            },
                            info.cpus,
                            usage::format_bytes(info.host_memory_bytes as f64),
                            info.cgroup_version
                                .as_ref()
                                .map(|v| format!(", cgroup v{v}"))
                                .unwrap_or_default()
                        ),
                    );
                    self.host = Some(info);
                }
                Err(err) => {
                    report.fault(None, self.unreachable(&err));
                    return Evaluation {
                        faults: report.faults,
                    };
                }
            }
        }
        let (all, names) = match list_replicas(&self.engine).await {
            Ok(listed) => listed,
            Err(err) => {
                // Ask for the engine's identity again once it answers.
                self.host = None;
                report.fault(None, self.unreachable(&err));
                return Evaluation {
                    faults: report.faults,
                };
            }
        };
        let host_memory = self.host.as_ref().map_or(0, |h| h.host_memory_bytes);
        let mut taken = names;
        for (name, config) in &self.config.services {
            if stopping() {
                break;
            }
            let Some(run) = self.services.get_mut(name) else {
                continue;
            };
            let context = ServiceContext {
                engine: &self.engine,
                settings: &self.settings,
                name,
                config,
                host_memory,
                now,
                stopping,
            };
            let record = context.evaluate(run, &all, &mut taken, &mut report).await;
            (report.emit)(Event::Decision(record));
        }
        Evaluation {
            faults: report.faults,
        }
    }

    fn unreachable(&self, err: &EngineError) -> String {
        if self.settings.once {
            format!("{err}; nothing was changed")
        } else {
            format!(
                "{err}; nothing was changed, retrying in {}",
                format_duration(self.settings.interval)
            )
        }
    }
}

/// Lists every container of any scaled service (Compose- or scalegen-labelled) and the names in
/// use.
async fn list_replicas<E: Engine>(
    engine: &E,
) -> Result<(Vec<Replica>, HashSet<String>), EngineError> {
    let compose = engine.containers_with_label(COMPOSE_SERVICE).await?;
    let scalegen = engine.containers_with_label(SCALEGEN_SERVICE).await?;
    let mut seen = HashSet::new();
    let mut names = HashSet::new();
    let mut replicas = Vec::new();
    for summary in compose.iter().chain(&scalegen) {
        let Some(id) = &summary.id else { continue };
        if !seen.insert(id.clone()) {
            continue;
        }
        names.extend(
            summary
                .names
                .iter()
                .flatten()
                .map(|n| n.trim_start_matches('/').to_owned()),
        );
        replicas.extend(Replica::from_summary(summary));
    }
    Ok((replicas, names))
}

/// Everything one service's evaluation reads.
struct ServiceContext<'a, E> {
    engine: &'a E,
    settings: &'a Settings,
    name: &'a str,
    config: &'a ServiceConfig,
    host_memory: u64,
    now: SimTime,
    stopping: &'a dyn Fn() -> bool,
}

/// What a scale-down did, counted from the recount right before it.
struct ScaledDown {
    live_before: i32,
    live_after: i32,
    removed: Vec<String>,
}

/// One running container's measurement.
enum Measured {
    Reading(usage::Reading, Limits),
    /// Running, but no stats this time.
    NoStats,
    /// Gone between the listing and now.
    Vanished,
}

impl<E: Engine> ServiceContext<'_, E> {
    fn record(&self, selection: Option<&Selection>) -> DecisionRecord {
        DecisionRecord {
            service: self.name.to_owned(),
            project: selection
                .map(|s| s.project.clone())
                .filter(|p| !p.is_empty()),
            replicas: 0,
            desired: 0,
            after: 0,
            cpu: None,
            memory: None,
            unmeasured: 0,
            decision: Verdict::Skip,
            reason: String::new(),
            model: None,
            created: Vec::new(),
            removed: Vec::new(),
            dry_run: self.settings.dry_run,
        }
    }

    async fn evaluate(
        &self,
        run: &mut ServiceRun,
        all: &[Replica],
        taken: &mut HashSet<String>,
        report: &mut Reporter<'_>,
    ) -> DecisionRecord {
        let project = self.settings.project.as_deref();
        let selection = match select(all, &self.config.compose_service, project) {
            Ok(Some(selection)) => selection,
            Ok(None) => {
                let mut record = self.record(None);
                record.reason = format!(
                    "no containers labelled `{COMPOSE_SERVICE}={service}` or \
                     `{SCALEGEN_SERVICE}={service}`{in_project}; start the service (`docker \
                     compose up -d`)",
                    service = self.config.compose_service,
                    in_project = project
                        .map(|p| format!(" in project `{p}`"))
                        .unwrap_or_default()
                );
                return record;
            }
            Err(ambiguous) => {
                report.fault(Some(self.name), ambiguous.clone());
                let mut record = self.record(None);
                record.reason = ambiguous;
                return record;
            }
        };
        forget_gone(run, &selection);
        self.watch_started(run, &selection, report);

        // Measure.
        let mut live: Vec<&Replica> = selection.live().collect();
        let running: Vec<&Replica> = live
            .iter()
            .copied()
            .filter(|r| r.state == State::Running)
            .collect();
        let measured = join_all(running.iter().map(|r| self.measure(run, r))).await;
        let mut accumulators: BTreeMap<Metric, Accumulator> = self
            .config
            .metrics
            .iter()
            .map(|&m| (m, Accumulator::default()))
            .collect();
        let mut vanished = HashSet::new();
        let mut bases = Vec::new();
        // Containers counted without a reading, and why.
        let mut without_reading: Vec<String> = Vec::new();
        for (replica, (measured, inspected)) in running.iter().zip(measured) {
            if let Some(inspected) = inspected {
                run.inspected.insert(replica.id.clone(), inspected);
            }
            match measured {
                Ok(Measured::Reading(reading, limits)) => {
                    if let Some(counters) = reading.counters {
                        run.counters.insert(replica.id.clone(), counters);
                    }
                    let mut missing = Vec::new();
                    for (&metric, accumulator) in &mut accumulators {
                        let base = usage::base(self.config, metric, &limits, self.host_memory);
                        bases.push((metric, base));
                        let used = match metric {
                            Metric::Cpu => reading.cpu_cores,
                            Metric::Memory => reading.memory_bytes.map(|b| b as f64),
                        };
                        if used.is_none() {
                            missing.push(metric.as_str());
                        }
                        accumulator.add(used, base);
                    }
                    if !missing.is_empty() {
                        without_reading.push(format!(
                            "{} (no {} sample yet: just started)",
                            replica.name,
                            missing.join(" or ")
                        ));
                    }
                }
                Ok(Measured::NoStats) => {
                    without_reading.push(format!("{} (no stats yet: just started)", replica.name));
                    accumulators
                        .values_mut()
                        .for_each(Accumulator::add_unmeasured);
                }
                Ok(Measured::Vanished) => {
                    report.fault(
                        Some(self.name),
                        format!(
                            "container {} vanished while it was being measured; not counted",
                            replica.name
                        ),
                    );
                    vanished.insert(replica.id.clone());
                }
                Err(err) => {
                    report.fault(
                        Some(self.name),
                        format!(
                            "no stats for container {}: {err}; counted without a reading",
                            replica.name
                        ),
                    );
                    accumulators
                        .values_mut()
                        .for_each(Accumulator::add_unmeasured);
                }
            }
        }
        live.retain(|r| !vanished.contains(&r.id));
        for replica in &live {
            if replica.state != State::Running {
                let state = if replica.state == State::Paused {
                    "paused"
                } else {
                    "restarting"
                };
                without_reading.push(format!("{} ({state})", replica.name));
                accumulators
                    .values_mut()
                    .for_each(Accumulator::add_unmeasured);
            }
        }
        self.announce_basis(run, &bases, report);
        if !without_reading.is_empty() {
            report.notice(
                Some(self.name),
                format!(
                    "counted without a reading this time: {}; as the HPA counts pods without \
                     metrics, 0% toward scaling up and at the target toward scaling down",
                    without_reading.join(", ")
                ),
            );
        }

        let replicas = i32::try_from(live.len()).unwrap_or(i32::MAX);
        let observation = Observation {
            replicas,
            utilization: accumulators
                .iter()
                .filter_map(|(&m, a)| Some((m, a.utilization()?)))
                .collect(),
            unmeasured: accumulators
                .iter()
                .filter(|(_, a)| a.unmeasured > 0)
                .map(|(&m, a)| (m, a.unmeasured))
                .collect(),
        };
        let decision = decide(self.config, &mut run.state, self.now, &observation);

        let mut record = self.record(Some(&selection));
        record.replicas = replicas;
        record.desired = decision.desired;
        record.after = replicas;
        let round = |v: f64| (v * 10.0).round() / 10.0;
        record.cpu = observation
            .utilization
            .get(&Metric::Cpu)
            .copied()
            .map(round);
        record.memory = observation
            .utilization
            .get(&Metric::Memory)
            .copied()
            .map(round);
        record.unmeasured = observation.unmeasured.values().copied().max().unwrap_or(0);
        record.decision = if decision.desired > replicas {
            Verdict::Up
        } else if decision.desired < replicas {
            Verdict::Down
        } else {
            Verdict::Hold
        };
        record.reason = decision.reason();
        if matches!(decision.trigger, Trigger::OutOfRange) {
            let plural = if replicas == 1 { "" } else { "s" };
            record.reason = if replicas < self.config.min_replicas {
                format!(
                    "{replicas} live container{plural}, below minReplicas {}",
                    self.config.min_replicas
                )
            } else {
                format!(
                    "{replicas} live container{plural}, above maxReplicas {}",
                    self.config.max_replicas
                )
            };
        }

        if !self.settings.dry_run && !(self.stopping)() {
            // Only the changes scalegen made count against the step policies, as only the
            // HPA's own scale events do.
            if decision.desired > replicas {
                let created = self
                    .scale_up(run, &selection, decision.desired - replicas, taken, report)
                    .await;
                record.after = replicas + i32::try_from(created.len()).unwrap_or(0);
                record.created = created;
                run.state
                    .record(self.config, replicas, record.after, self.now);
            } else if decision.desired < replicas
                && let Some(down) = self
                    .scale_down(run, decision.desired, replicas - decision.desired, report)
                    .await
            {
                record.after = down.live_after;
                record.removed = down.removed;
                run.state
                    .record(self.config, down.live_before, down.live_after, self.now);
            }
        }
        record.model = Some(decision);
        record
    }

    /// Inspects (once per container) and reads stats. The inspection is returned to be cached.
    async fn measure(
        &self,
        run: &ServiceRun,
        replica: &Replica,
    ) -> (
        Result<Measured, EngineError>,
        Option<ContainerInspectResponse>,
    ) {
        let mut fresh = None;
        let limits = match run.inspected.get(&replica.id) {
            Some(inspected) => limits_of(inspected),
            None => match self.engine.inspect(&replica.id).await {
                Ok(inspected) => {
                    let limits = limits_of(&inspected);
                    fresh = Some(inspected);
                    limits
                }
                Err(err) if err.is_not_found() => return (Ok(Measured::Vanished), None),
                Err(err) => return (Err(err), None),
            },
        };
        let measured = match self.engine.stats(&replica.id).await {
            Ok(stats) => {
                let reading = usage::read(&stats, run.counters.get(&replica.id));
                if reading.cpu_cores.is_none() && reading.memory_bytes.is_none() {
                    Ok(Measured::NoStats)
                } else {
                    Ok(Measured::Reading(reading, limits))
                }
            }
            Err(err) if err.is_not_found() => Ok(Measured::Vanished),
            Err(err) => Err(err),
        };
        (measured, fresh)
    }

    /// Says what utilization is a percent of, when that is first known or changes.
    fn announce_basis(
        &self,
        run: &mut ServiceRun,
        bases: &[(Metric, usage::Base)],
        report: &mut Reporter<'_>,
    ) {
        let mut parts = Vec::new();
        for &metric in &self.config.metrics {
            if let Some((_, base)) = bases.iter().find(|(m, _)| *m == metric) {
                parts.push(format!("{} of {}", metric.as_str(), base.describe(metric)));
            }
        }
        if parts.is_empty() {
            return;
        }
        let notice = format!(
            "utilization is measured per container as {}",
            parts.join(", ")
        );
        if run.basis_notice.as_ref() != Some(&notice) {
            report.notice(Some(self.name), notice.clone());
            run.basis_notice = Some(notice);
        }
    }

    /// Notices containers scalegen started that have since stopped, and pauses creates.
    fn watch_started(
        &self,
        run: &mut ServiceRun,
        selection: &Selection,
        report: &mut Reporter<'_>,
    ) {
        let exited: Vec<&Replica> = selection
            .containers
            .iter()
            .filter(|r| r.state == State::Stopped && run.started.contains(&r.id))
            .collect();
        if exited.is_empty() {
            // Quiet for the longest pause since the last one ended: start over.
            if let Some(until) = run.creates_paused_until
                && self.now.millis_since(until) > MAX_CRASH_BACKOFF_SECONDS * 1000
            {
                run.creates_paused_until = None;
                run.crash_backoff_seconds = 0;
            }
            return;
        }
        run.crash_backoff_seconds = if run.crash_backoff_seconds == 0 {
            i64::try_from(self.settings.interval.as_secs().max(1)).unwrap_or(1)
        } else {
            (run.crash_backoff_seconds * 2).min(MAX_CRASH_BACKOFF_SECONDS)
        };
        run.creates_paused_until = Some(self.now.plus_secs(run.crash_backoff_seconds));
        for replica in exited {
            run.started.remove(&replica.id);
            report.fault(
                Some(self.name),
                format!(
                    "container {} (started by scalegen) has exited; no new containers for {}s \
                     (see `docker logs {}`)",
                    replica.name, run.crash_backoff_seconds, replica.name
                ),
            );
        }
    }

    async fn scale_up(
        &self,
        run: &mut ServiceRun,
        selection: &Selection,
        count: i32,
        taken: &mut HashSet<String>,
        report: &mut Reporter<'_>,
    ) -> Vec<String> {
        let mut created = Vec::new();
        if let Some(until) = run.creates_paused_until
            && self.now < until
        {
            report.fault(
                Some(self.name),
                format!(
                    "not starting containers: one scalegen started exited; retrying in {}s",
                    (until.millis_since(self.now) + 999) / 1000
                ),
            );
            return created;
        }
        let Some(template) = selection.template() else {
            return created;
        };
        let inspected = match run.inspected.get(&template.id) {
            Some(inspected) => inspected.clone(),
            None => match self.engine.inspect(&template.id).await {
                Ok(inspected) => inspected,
                Err(err) => {
                    report.fault(
                        Some(self.name),
                        format!(
                            "cannot read the configuration of {} to copy it: {err}; no container \
                             was started",
                            template.name
                        ),
                    );
                    return created;
                }
            },
        };
        let mut numbering = selection.clone();
        let mut conflicts = 0;
        while (created.len() as i64) < i64::from(count) {
            if (self.stopping)() {
                break;
            }
            let (name, number) = numbering.next_name(taken);
            let spec = clone_spec(&inspected, selection.labelling, number);
            let id = match self.engine.create(&name, spec.body).await {
                Ok(id) => id,
                Err(err)
                    if err.kind == super::engine::EngineErrorKind::Conflict && conflicts < 5 =>
                {
                    // A container outside the service holds the name: take the next number.
                    conflicts += 1;
                    taken.insert(name);
                    continue;
                }
                Err(err) => {
                    report.fault(
                        Some(self.name),
                        format!("could not create {name}: {err}; not counted, the next evaluation retries"),
                    );
                    break;
                }
            };
            taken.insert(name.clone());
            let mut failure = None;
            for (network, endpoint) in spec.extra_networks {
                if let Err(err) = self.engine.connect(&id, &network, endpoint).await {
                    failure = Some(format!(
                        "could not connect {name} to network {network}: {err}"
                    ));
                    break;
                }
            }
            if failure.is_none()
                && let Err(err) = self.engine.start(&id).await
            {
                failure = Some(format!("created {name} but it did not start: {err}"));
            }
            if let Some(failure) = failure {
                let cleanup = match self.engine.remove(&id).await {
                    Ok(()) => "removed it again".to_owned(),
                    Err(err) => {
                        format!("removing it failed too ({err}); remove it with `docker rm {name}`")
                    }
                };
                report.fault(
                    Some(self.name),
                    format!("{failure}; {cleanup}; not counted, the next evaluation retries"),
                );
                break;
            }
            report.action(
                self.name,
                format!("started {name} (a copy of {})", template.name),
            );
            run.started.insert(id.clone());
            numbering.containers.push(Replica {
                id,
                name: name.clone(),
                labelling: selection.labelling,
                project: selection.project.clone(),
                service: selection.service.clone(),
                number: Some(number),
                state: State::Running,
                created: i64::MAX,
            });
            created.push(name);
        }
        created
    }

    /// Stops and removes up to `count` containers, newest first, never leaving fewer than
    /// `max(desired, min)` live. `None` when the containers could not be recounted (and so
    /// nothing was touched).
    async fn scale_down(
        &self,
        run: &mut ServiceRun,
        desired: i32,
        count: i32,
        report: &mut Reporter<'_>,
    ) -> Option<ScaledDown> {
        // Count again right before removing anything: a container may have died since.
        let fresh = match list_replicas(self.engine).await {
            Ok((all, _)) => select(
                &all,
                &self.config.compose_service,
                self.settings.project.as_deref(),
            ),
            Err(err) => Err(err.to_string()),
        };
        let selection = match fresh {
            Ok(Some(selection)) => selection,
            Ok(None) => {
                return Some(ScaledDown {
                    live_before: 0,
                    live_after: 0,
                    removed: Vec::new(),
                });
            }
            Err(err) => {
                report.fault(
                    Some(self.name),
                    format!(
                        "could not recount the containers before scaling down: {err}; none removed"
                    ),
                );
                return None;
            }
        };
        let order = selection.removal_order();
        let live = i32::try_from(order.len()).unwrap_or(i32::MAX);
        let floor = desired.max(self.config.min_replicas);
        let take = count.min(live - floor).max(0);
        let victims = &order[..usize::try_from(take).unwrap_or(0)];
        let mut timeouts = Vec::new();
        for victim in victims {
            let timeout = match run.inspected.get(&victim.id) {
                Some(inspected) => stop_timeout(inspected),
                None => match self.engine.inspect(&victim.id).await {
                    Ok(inspected) => stop_timeout(&inspected),
                    Err(_) => DEFAULT_STOP_TIMEOUT_SECONDS,
                },
            };
            timeouts.push(timeout);
            report.action(
                self.name,
                format!("stopping {} (stop timeout {timeout}s)", victim.name),
            );
        }
        let stops = join_all(
            victims
                .iter()
                .zip(&timeouts)
                .map(|(victim, &timeout)| self.engine.stop(&victim.id, timeout)),
        )
        .await;
        let mut gone = 0;
        let mut removed = Vec::new();
        for (victim, stopped) in victims.iter().zip(stops) {
            match stopped {
                Ok(()) => {}
                Err(err) if err.is_not_found() => {
                    gone += 1;
                    continue;
                }
                Err(err) => {
                    report.fault(
                        Some(self.name),
                        format!(
                            "could not stop {}: {err}; it keeps running and counts",
                            victim.name
                        ),
                    );
                    continue;
                }
            }
            gone += 1;
            match self.engine.remove(&victim.id).await {
                Ok(()) => {
                    report.action(self.name, format!("removed {}", victim.name));
                    removed.push(victim.name.clone());
                }
                Err(err) if err.is_not_found() => removed.push(victim.name.clone()),
                Err(err) => report.fault(
                    Some(self.name),
                    format!(
                        "stopped {} but could not remove it: {err}; it stays, stopped (`docker rm {}`)",
                        victim.name, victim.name
                    ),
                ),
            }
            run.started.remove(&victim.id);
            run.counters.remove(&victim.id);
        }
        Some(ScaledDown {
            live_before: live,
            live_after: live - gone,
            removed,
        })
    }
}

fn limits_of(inspected: &ContainerInspectResponse) -> Limits {
    inspected
        .host_config
        .as_ref()
        .map(Limits::of)
        .unwrap_or_default()
}

/// Drops what is remembered about containers that no longer exist.
fn forget_gone(run: &mut ServiceRun, selection: &Selection) {
    let ids: HashSet<&str> = selection.containers.iter().map(|r| r.id.as_str()).collect();
    run.counters.retain(|id, _| ids.contains(id.as_str()));
    run.inspected.retain(|id, _| ids.contains(id.as_str()));
    run.started.retain(|id| ids.contains(id.as_str()));
}

/// The start-up description of a service's config.
fn describe_service(service: &ServiceConfig) -> String {
    use super::config::Basis;
    let thresholds = |d: &super::config::DirectionConfig| {
        service
            .metrics
            .iter()
            .filter_map(|m| Some(format!("{} {}%", m.as_str(), d.thresholds.get(m)?)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let basis = match (&service.utilization.basis, &service.utilization.requests) {
        (Basis::Request, Some(requests)) => {
            let mut parts = Vec::new();
            for metric in &service.metrics {
                let quantity = match metric {
                    Metric::Cpu => requests.cpu.as_ref(),
                    Metric::Memory => requests.memory.as_ref(),
                };
                match quantity {
                    Some(q) => parts.push(format!("{} of the request {}", metric.as_str(), q.text)),
                    None => parts.push(format!(
                        "{} of each container's limit (no request configured)",
                        metric.as_str()
                    )),
                }
            }
            format!("utilization is a percent of: {}", parts.join(", "))
        }
        _ => "no request configured: utilization is a percent of each container's limit \
              (`--cpus`, `--memory`); without a limit, of one core and of the host's memory"
            .to_owned(),
    };
    format!(
        "compose service `{}`, {}..{} replicas; up when any of {} is exceeded (window {}), down \
         when all are below {} (window {}); {basis}",
        service.compose_service,
        service.min_replicas,
        service.max_replicas,
        thresholds(&service.scale_up),
        service.scale_up.window.0,
        thresholds(&service.scale_down),
        service.scale_down.window.0,
    )
}

/// `15s`, `1m30s`, `500ms`.
pub fn format_duration(duration: Duration) -> String {
    if duration.subsec_millis() != 0 && duration.as_secs() == 0 {
        return format!("{}ms", duration.as_millis());
    }
    crate::units::Duration(u32::try_from(duration.as_secs()).unwrap_or(u32::MAX)).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_written() {
        assert_eq!(format_duration(Duration::from_secs(15)), "15s");
        assert_eq!(format_duration(Duration::from_millis(500)), "500ms");
        assert_eq!(format_duration(Duration::from_secs(300)), "5m");
    }
}
