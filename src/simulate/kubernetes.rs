//! The Kubernetes engine: the HPA controller model ([`crate::hpa::reconcile`]) syncing every
//! sync period against a simulated Deployment.
//!
//! Each sync builds what the controller would read: `/scale` (the pods not deleted), the pods
//! with their start time and `Ready` condition, and one PodMetrics item per pod that existed at
//! `now - lag` with its usage then (timestamp `now - lag`, window [`METRIC_WINDOW_SECONDS`]).
//! The controller's own rules then decide which pods count (§3.1: a pod starting up, or whose
//! sample began before it was ready, is unready for CPU; a pod without a sample is missing).

use std::collections::BTreeMap;

use super::fleet::{Fleet, FleetSettings, usage_at};
use super::load::{Demand, LoadSource};
use super::timeline::EngineSample;
use crate::hpa::{
    ConditionStatus, ConditionType, Container, ControllerConfig, HpaSpec, HpaState, LimitReason,
    MetricOutcome, MetricSpec, MetricTarget, Observation, Pod, PodPhase, PodReadiness, PodUsage,
    ReconcileOutcome, Scale, SimTime, reconcile,
};

/// The window metrics-server reports for a CPU sample: its default resolution.
pub const METRIC_WINDOW_SECONDS: i64 = 15;

/// The container of a simulated pod, unless a ContainerResource metric names another.
pub const DEFAULT_CONTAINER: &str = "app";

/// Per-resource targets in percent of the request, for "time above target".
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Targets {
    pub cpu: Option<f64>,
    pub memory: Option<f64>,
}

impl Targets {
    fn lower(slot: &mut Option<f64>, value: f64) {
        *slot = Some(slot.map_or(value, |v| v.min(value)));
    }

    /// Whether the serving pods run above any target: their utilization `(cpu, memory)`, or,
    /// when nothing serves (`None`), whether there is demand at all.
    pub fn exceeded_by(&self, utilization: Option<(f64, f64)>, demand: &Demand) -> bool {
        match utilization {
            None => demand.cpu_cores > 0.0 || demand.memory_bytes > 0.0,
            Some((cpu, memory)) => {
                self.cpu.is_some_and(|t| cpu > t) || self.memory.is_some_and(|t| memory > t)
            }
        }
    }
}

/// One HPA and the Deployment it scales.
#[derive(Clone, Debug)]
pub struct KubernetesEngine {
    config: ControllerConfig,
    spec: HpaSpec,
    state: HpaState,
    pub fleet: Fleet,
    container: String,
    requests_milli: BTreeMap<String, i64>,
    /// What the controller reads, kept between syncs and updated in place: pods change only
    /// when the fleet does.
    observation: Observation,
    observed_generation: Option<u64>,
}

impl KubernetesEngine {
    pub fn new(spec: &HpaSpec, config: ControllerConfig, settings: &FleetSettings) -> Self {
        let spec = spec.with_api_defaults();
        let container = spec
            .metrics
            .iter()
            .find_map(|metric| match metric {
                MetricSpec::ContainerResource { container, .. } => Some(container.clone()),
                _ => None,
            })
            .unwrap_or_else(|| DEFAULT_CONTAINER.to_owned());
        let requests = settings.requests;
        KubernetesEngine {
            config,
            spec,
            state: HpaState::new(),
            fleet: Fleet::new(settings.initial_replicas, settings.startup_delay_seconds),
            container,
            requests_milli: BTreeMap::from([
                ("cpu".to_owned(), requests.cpu_milli),
                (
                    "memory".to_owned(),
                    requests.memory_bytes.saturating_mul(1000),
                ),
            ]),
            observation: Observation::default(),
            observed_generation: None,
        }
    }

    pub fn period_seconds(&self) -> i64 {
        self.config.sync_period_seconds
    }

    /// The HPA's targets in percent of the requests; an AverageValue target is converted.
    pub fn targets(&self) -> Targets {
        let mut targets = Targets::default();
        for metric in &self.spec.metrics {
            let (name, target) = match metric {
                MetricSpec::Resource { name, target }
                | MetricSpec::ContainerResource { name, target, .. } => (name, target),
                _ => continue,
            };
            let percent = match *target {
                MetricTarget::Utilization {
                    average_utilization,
                } => f64::from(average_utilization),
                MetricTarget::AverageValue {
                    average_value_milli,
                } => self.percent_of_request(name, average_value_milli),
                MetricTarget::Value { .. } => continue,
            };
            match name.as_str() {
                "cpu" => Targets::lower(&mut targets.cpu, percent),
                "memory" => Targets::lower(&mut targets.memory, percent),
                _ => {}
            }
        }
        targets
    }

    fn request_milli(&self, resource: &str) -> i64 {
        self.requests_milli.get(resource).copied().unwrap_or(0)
    }

    /// `milli` of `resource` as a percentage of the pod's request.
    fn percent_of_request(&self, resource: &str, milli: i64) -> f64 {
        milli as f64 / self.request_milli(resource).max(1) as f64 * 100.0
    }

    /// What the controller reads at `now`.
    pub fn observe(
        &mut self,
        now: SimTime,
        load: &LoadSource,
        settings: &FleetSettings,
    ) -> &Observation {
        let sampled_at = now.minus_secs(settings.metric_lag_seconds);
        let demand = load.demand_at(sampled_at);
        let serving = self.fleet.serving_at(sampled_at);
        let memory_base = load.memory_base_bytes();
        let replicas = self.fleet.replicas();
        let observation = &mut self.observation;
        observation.scale = Some(Scale {
            spec_replicas: replicas,
            status_replicas: replicas,
        });
        if self.observed_generation != Some(self.fleet.generation()) {
            observation.pods = self
                .fleet
                .alive()
                .map(|member| Pod {
                    name: format!("pod-{}", member.id),
                    phase: PodPhase::Running,
                    ready: None,
                    start_time: Some(member.created),
                    deleting: false,
                    containers: vec![Container {
                        name: self.container.clone(),
                        requests_milli: self.requests_milli.clone(),
                    }],
                    restartable_init_containers: Vec::new(),
                })
                .collect();
            observation.metrics.pod_usage.clear();
            self.observed_generation = Some(self.fleet.generation());
        }
        for (pod, member) in observation.pods.iter_mut().zip(self.fleet.alive()) {
            let ready = member.ready_at <= now;
            pod.ready = Some(PodReadiness {
                status: ConditionStatus::from_bool(ready),
                last_transition_time: if ready {
                    member.ready_at
                } else {
                    member.created
                },
            });
            let Some(usage) = usage_at(member, sampled_at, &demand, serving, memory_base) else {
                observation.metrics.pod_usage.remove(&pod.name);
                continue;
            };
            let cpu = to_milli(usage.cpu_cores * 1000.0);
            let memory = to_milli(usage.memory_bytes * 1000.0);
            let item = observation
                .metrics
                .pod_usage
                .entry(pod.name.clone())
                .or_insert_with(|| PodUsage {
                    timestamp: sampled_at,
                    window_millis: METRIC_WINDOW_SECONDS * 1000,
                    containers: BTreeMap::from([(
                        self.container.clone(),
                        BTreeMap::from([("cpu".to_owned(), 0), ("memory".to_owned(), 0)]),
                    )]),
                });
            item.timestamp = sampled_at;
            for per_resource in item.containers.values_mut() {
                for (resource, value) in per_resource.iter_mut() {
                    *value = if resource == "cpu" { cpu } else { memory };
                }
            }
        }
        &self.observation
    }

    /// One sync at `now`: reconcile, and let the Deployment follow a scale write.
    pub fn sync(
        &mut self,
        now: SimTime,
        load: &LoadSource,
        settings: &FleetSettings,
    ) -> EngineSample {
        self.observe(now, load, settings);
        let outcome = reconcile(
            &self.config,
            &self.spec,
            &mut self.state,
            now,
            &self.observation,
        );
        if outcome.scale_updated {
            self.fleet.scale_to(outcome.desired_replicas, now);
        }
        let (cpu, memory) = self.measured_utilization(&outcome);
        EngineSample {
            evaluated: true,
            cpu_utilization: cpu,
            memory_utilization: memory,
            recommendation: outcome.proposal,
            replicas: self.fleet.replicas(),
            ready: self.fleet.ready(now),
            reason: reason(&outcome),
            above_target: false,
        }
    }

    /// The state between syncs.
    pub fn idle(&self, now: SimTime) -> EngineSample {
        EngineSample::idle(self.fleet.replicas(), self.fleet.ready(now))
    }

    /// The utilization the controller computed per resource (an AverageValue metric's
    /// average, as a percentage of the request).
    fn measured_utilization(&self, outcome: &ReconcileOutcome) -> (Option<f64>, Option<f64>) {
        let mut cpu = None;
        let mut memory = None;
        for (metric, evaluation) in self.spec.metrics.iter().zip(&outcome.metrics) {
            let name = match metric {
                MetricSpec::Resource { name, .. } | MetricSpec::ContainerResource { name, .. } => {
                    name
                }
                _ => continue,
            };
            let MetricOutcome::Proposed(proposal) = &evaluation.outcome else {
                continue;
            };
            let percent = match (
                proposal.current.utilization_percent,
                proposal.current.average_value_milli,
            ) {
                (Some(percent), _) => f64::from(percent),
                (None, Some(average)) => self.percent_of_request(name, average),
                (None, None) => continue,
            };
            match name.as_str() {
                "cpu" => cpu = Some(percent),
                "memory" => memory = Some(percent),
                _ => {}
            }
        }
        (cpu, memory)
    }
}

fn to_milli(value: f64) -> i64 {
    if value.is_finite() {
        value.round().clamp(0.0, i64::MAX as f64) as i64
    } else {
        0
    }
}

/// The reason the controller would give for this sync: a failure to compute metrics, a clamp
/// to the bounds, the limit that held the change back, a stabilization window, or nothing.
pub fn reason(outcome: &ReconcileOutcome) -> String {
    if outcome.proposal.is_none() {
        if let Some(text) = &outcome.rescale_reason {
            return text.clone();
        }
        let inactive = outcome.conditions.iter().find(|c| {
            c.condition_type == ConditionType::ScalingActive && c.status == ConditionStatus::False
        });
        if let Some(condition) = inactive {
            return condition.reason.clone();
        }
        if let Some(condition) = outcome
            .conditions
            .iter()
            .find(|c| c.condition_type == ConditionType::AbleToScale)
        {
            return condition.reason.clone();
        }
        return String::new();
    }
    if let Some(limit) = outcome.limit_reason
        && limit != LimitReason::DesiredWithinRange
    {
        return limit.as_str().to_owned();
    }
    if let (Some(proposal), Some(stabilized), Some(current)) = (
        outcome.proposal,
        outcome.stabilized,
        outcome.current_replicas,
    ) && proposal != stabilized
    {
        return if proposal >= current {
            "ScaleUpStabilized".to_owned()
        } else {
            "ScaleDownStabilized".to_owned()
        };
    }
    LimitReason::DesiredWithinRange.as_str().to_owned()
}
