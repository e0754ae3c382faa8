//! What a run produces: one row per step with the demand and each engine's state, and the
//! summary per engine.

use serde::Serialize;

use super::load::Demand;

/// The two engines a run can compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EngineKind {
    /// The Kubernetes HorizontalPodAutoscaler controller ([`crate::hpa`]).
    #[serde(rename = "k8s")]
    Kubernetes,
    /// scalegen's Docker autoscaler ([`crate::docker::model`]).
    Docker,
}

impl EngineKind {
    /// The short name used in flags, CSV columns and JSON.
    pub fn key(self) -> &'static str {
        match self {
            EngineKind::Kubernetes => "k8s",
            EngineKind::Docker => "docker",
        }
    }

    /// The name people read.
    pub fn title(self) -> &'static str {
        match self {
            EngineKind::Kubernetes => "Kubernetes HPA",
            EngineKind::Docker => "Docker autoscaler",
        }
    }
}

/// One engine at one step.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EngineSample {
    /// The engine evaluated at this step (its own period decides).
    pub evaluated: bool,
    /// CPU utilization in percent as the engine measured it.
    pub cpu_utilization: Option<f64>,
    /// Memory utilization in percent as the engine measured it.
    pub memory_utilization: Option<f64>,
    /// What the metrics alone asked for, before windows, policies and bounds.
    pub recommendation: Option<i32>,
    /// Pods or containers after the decision.
    pub replicas: i32,
    /// Of those, the ones serving.
    pub ready: i32,
    /// Why `replicas` is what it is: the Kubernetes condition reason, or the Docker model's.
    pub reason: String,
    /// The serving pods were above the engine's target on some metric (or nothing served).
    pub above_target: bool,
}

impl EngineSample {
    /// The state between evaluations: nothing measured or decided, the fleet as it is.
    pub fn idle(replicas: i32, ready: i32) -> Self {
        EngineSample {
            evaluated: false,
            cpu_utilization: None,
            memory_utilization: None,
            recommendation: None,
            replicas,
            ready,
            reason: String::new(),
            above_target: false,
        }
    }
}

/// One step.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Row {
    pub time_seconds: i64,
    pub demand: Demand,
    /// In the order of [`Timeline::engines`].
    pub engines: Vec<EngineSample>,
}

/// A whole run.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Timeline {
    pub engines: Vec<EngineKind>,
    /// Rows are this far apart: the greatest common divisor of the engines' periods.
    pub step_seconds: i64,
    pub duration_seconds: i64,
    pub initial_replicas: i32,
    /// From `0` to `duration_seconds`, both included.
    pub rows: Vec<Row>,
}

/// One engine's run in numbers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub engine: EngineKind,
    pub initial_replicas: i32,
    pub peak_replicas: i32,
    /// When the peak was first reached.
    pub peak_at_seconds: i64,
    pub final_replicas: i32,
    /// When replicas first went up; `None` if they never did.
    pub first_scale_up_seconds: Option<i64>,
    /// Time the serving pods spent above target (or with nothing serving the demand).
    pub seconds_above_target: i64,
    /// How often the replica count turned from rising to falling or back.
    pub direction_changes: u32,
    pub scale_ups: u32,
    pub scale_downs: u32,
    /// Replicas integrated over the run: the cost proxy.
    pub replica_seconds: i64,
    pub duration_seconds: i64,
}

impl Timeline {
    /// The summary of every engine, in the order of [`Timeline::engines`]. Each row stands for
    /// the step that follows it; the last row (at the end of the run) for none.
    pub fn summaries(&self) -> Vec<Summary> {
        self.engines
            .iter()
            .enumerate()
            .map(|(index, &engine)| self.summarize(index, engine))
            .collect()
    }

    fn summarize(&self, index: usize, engine: EngineKind) -> Summary {
        let mut summary = Summary {
            engine,
            initial_replicas: self.initial_replicas,
            peak_replicas: self.initial_replicas,
            peak_at_seconds: 0,
            final_replicas: self.initial_replicas,
            first_scale_up_seconds: None,
            seconds_above_target: 0,
            direction_changes: 0,
            scale_ups: 0,
            scale_downs: 0,
            replica_seconds: 0,
            duration_seconds: self.duration_seconds,
        };
        let mut previous = self.initial_replicas;
        let mut last_direction = 0i32;
        for row in &self.rows {
            let Some(sample) = row.engines.get(index) else {
                continue;
            };
            let replicas = sample.replicas;
            let direction = (replicas - previous).signum();
            if direction != 0 {
                if direction > 0 {
                    summary.scale_ups += 1;
                    summary
                        .first_scale_up_seconds
                        .get_or_insert(row.time_seconds);
                } else {
                    summary.scale_downs += 1;
                }
                if last_direction != 0 && direction != last_direction {
                    summary.direction_changes += 1;
                }
                last_direction = direction;
            }
            if replicas > summary.peak_replicas {
                summary.peak_replicas = replicas;
                summary.peak_at_seconds = row.time_seconds;
            }
            let covers = (self.duration_seconds - row.time_seconds).clamp(0, self.step_seconds);
            summary.replica_seconds += i64::from(replicas) * covers;
            if sample.above_target {
                summary.seconds_above_target += covers;
            }
            summary.final_replicas = replicas;
            previous = replicas;
        }
        summary
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(replicas: i32, above_target: bool) -> EngineSample {
        EngineSample {
            evaluated: true,
            cpu_utilization: None,
            memory_utilization: None,
            recommendation: None,
            replicas,
            ready: replicas,
            reason: String::new(),
            above_target,
        }
    }

    #[test]
    fn summary_counts_steps_changes_and_cost() {
        let replicas = [2, 2, 4, 6, 6, 5, 7, 7, 3];
        let rows = replicas
            .iter()
            .enumerate()
            .map(|(i, &r)| Row {
                time_seconds: i as i64 * 15,
                demand: Demand::default(),
                engines: vec![sample(r, (1..=3).contains(&i))],
            })
            .collect();
        let timeline = Timeline {
            engines: vec![EngineKind::Kubernetes],
            step_seconds: 15,
            duration_seconds: 120,
            initial_replicas: 2,
            rows,
        };
        let summary = &timeline.summaries()[0];
        assert_eq!(summary.peak_replicas, 7);
        assert_eq!(summary.peak_at_seconds, 90);
        assert_eq!(summary.first_scale_up_seconds, Some(30));
        assert_eq!(summary.scale_ups, 3);
        assert_eq!(summary.scale_downs, 2);
        // up, up, down, up, down: three turns.
        assert_eq!(summary.direction_changes, 3);
        assert_eq!(summary.seconds_above_target, 45);
        // The last row (at 120 s) covers nothing.
        assert_eq!(
            summary.replica_seconds,
            15 * (2 + 2 + 4 + 6 + 6 + 5 + 7 + 7)
        );
        assert_eq!(summary.final_replicas, 3);
    }

    #[test]
    fn never_scaling_up_has_no_first_scale_up() {
        let timeline = Timeline {
            engines: vec![EngineKind::Docker],
            step_seconds: 15,
            duration_seconds: 15,
            initial_replicas: 3,
            rows: vec![
                Row {
                    time_seconds: 0,
                    demand: Demand::default(),
                    engines: vec![sample(3, false)],
                },
                Row {
                    time_seconds: 15,
                    demand: Demand::default(),
                    engines: vec![sample(2, false)],
                },
            ],
        };
        let summary = &timeline.summaries()[0];
        assert_eq!(summary.first_scale_up_seconds, None);
        assert_eq!(summary.peak_replicas, 3);
        assert_eq!(summary.replica_seconds, 45);
        assert_eq!(summary.direction_changes, 0);
    }
}
