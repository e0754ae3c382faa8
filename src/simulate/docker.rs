//! The Docker engine: scalegen's Docker autoscaler decision ([`crate::docker::model::decide`])
//! every interval of its config, against simulated containers.
//!
//! A reading is the average utilization of the containers that serve (are past their start-up
//! delay) both now and `lag` ago, against the per-container requests; with no such container
//! the reading is absent, which the decision treats as "no reading yet".

use std::collections::BTreeMap;

use super::fleet::{Fleet, FleetSettings, Requests, usage_at};
use super::kubernetes::Targets;
use super::load::LoadSource;
use super::timeline::EngineSample;
use crate::docker::config::ServiceConfig;
use crate::docker::model::{Observation, ServiceState, decide};
use crate::hpa::SimTime;
use crate::model::raw::Metric;

/// One service's containers and its autoscaler.
#[derive(Clone, Debug)]
pub struct DockerEngine {
    config: ServiceConfig,
    interval_seconds: i64,
    state: ServiceState,
    pub fleet: Fleet,
    requests: Requests,
}

impl DockerEngine {
    pub fn new(config: &ServiceConfig, interval_seconds: i64, settings: &FleetSettings) -> Self {
        DockerEngine {
            config: config.clone(),
            interval_seconds,
            state: ServiceState::new(),
            fleet: Fleet::new(settings.initial_replicas, settings.startup_delay_seconds),
            requests: settings.requests,
        }
    }

    pub fn period_seconds(&self) -> i64 {
        self.interval_seconds
    }

    /// The scale-up thresholds of the metrics the service scales on.
    pub fn targets(&self) -> Targets {
        let threshold = |metric| {
            self.config
                .metrics
                .contains(&metric)
                .then(|| self.config.scale_up.thresholds.get(&metric))
                .flatten()
                .map(|&t| f64::from(t))
        };
        Targets {
            cpu: threshold(Metric::Cpu),
            memory: threshold(Metric::Memory),
        }
    }

    /// What the autoscaler reads at `now`.
    pub fn observe(
        &self,
        now: SimTime,
        load: &LoadSource,
        settings: &FleetSettings,
    ) -> Observation {
        let sampled_at = now.minus_secs(settings.metric_lag_seconds);
        let demand = load.demand_at(sampled_at);
        let serving = self.fleet.serving_at(sampled_at);
        let memory_base = load.memory_base_bytes();
        let mut cpu_total = 0.0;
        let mut memory_total = 0.0;
        let mut readings = 0usize;
        for member in self
            .fleet
            .alive()
            .filter(|m| m.serving_at(sampled_at) && m.ready_at <= now)
        {
            if let Some(usage) = usage_at(member, sampled_at, &demand, serving, memory_base) {
                cpu_total += usage.cpu_cores * 1000.0 / self.requests.cpu_milli.max(1) as f64;
                memory_total += usage.memory_bytes / self.requests.memory_bytes.max(1) as f64;
                readings += 1;
            }
        }
        let mut utilization = BTreeMap::new();
        if readings > 0 {
            let count = readings as f64;
            utilization.insert(Metric::Cpu, cpu_total / count * 100.0);
            utilization.insert(Metric::Memory, memory_total / count * 100.0);
        }
        // Containers still starting have no reading yet, as `autoscale docker` sees them; the
        // model counts them as the HPA counts pods without metrics.
        let replicas = self.fleet.replicas();
        let unmeasured = i32::try_from(readings).map_or(0, |r| (replicas - r).max(0));
        Observation {
            replicas,
            utilization,
            unmeasured: [Metric::Cpu, Metric::Memory]
                .into_iter()
                .map(|m| (m, unmeasured))
                .collect(),
        }
    }

    /// One evaluation at `now`: decide, create or remove containers, record the change.
    pub fn evaluate(
        &mut self,
        now: SimTime,
        load: &LoadSource,
        settings: &FleetSettings,
    ) -> EngineSample {
        let observation = self.observe(now, load, settings);
        let decision = decide(&self.config, &mut self.state, now, &observation);
        if decision.desired != decision.current {
            self.fleet.scale_to(decision.desired, now);
            self.state
                .record(&self.config, decision.current, decision.desired, now);
        }
        let uses = |metric| self.config.metrics.contains(&metric);
        EngineSample {
            evaluated: true,
            cpu_utilization: observation
                .utilization
                .get(&Metric::Cpu)
                .copied()
                .filter(|_| uses(Metric::Cpu)),
            memory_utilization: observation
                .utilization
                .get(&Metric::Memory)
                .copied()
                .filter(|_| uses(Metric::Memory)),
            recommendation: Some(decision.proposal),
            replicas: self.fleet.replicas(),
            ready: self.fleet.ready(now),
            reason: decision.reason(),
            above_target: false,
        }
    }

    pub fn idle(&self, now: SimTime) -> EngineSample {
        EngineSample::idle(self.fleet.replicas(), self.fleet.ready(now))
    }
}
