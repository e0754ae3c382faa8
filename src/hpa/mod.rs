//! A pure model of the Kubernetes HorizontalPodAutoscaler controller's
//! decision on each sync, following `shared/hpa/algorithm.md` (section
//! numbers below refer to it) and, where it is silent or wrong, the
//! Kubernetes source it cites.
//!
//! Nothing here does I/O or reads a clock: time is a [`SimTime`] the caller
//! passes in, so a run is deterministic.
//!
//! # Module map
//!
//! | module | what | algorithm.md |
//! |---|---|---|
//! | [`clock`] | simulation time; the boundary rule for ages | time semantics |
//! | [`config`] | controller flags and feature gates | §13 |
//! | [`spec`] | the HPA spec; API defaults for behavior and metrics | §12 |
//! | [`observation`] | scale, pods and metric samples seen on one sync | §1 |
//! | [`replica_calculator`] | pods + samples → one metric's proposal | §3 |
//! | [`tolerance`] | the inclusive tolerance band | §4 |
//! | [`stabilization`] | legacy and behavior stabilization | §5 |
//! | [`rate_limit`] | behavior policies, legacy cap, min/max clamp | §6, §7 |
//! | [`events`] | scale-event bookkeeping | §8 |
//! | [`conditions`] | status conditions | §9 |
//! | [`controller`] | per-HPA state and one reconcile | §2, §10 |
//!
//! # Driving it from a simulator
//!
//! Keep one [`HpaState`] per HPA, created with [`HpaState::new`] (empty, as
//! after a controller start). Every `config.sync_period_seconds` of simulated
//! time, build an [`Observation`] from the simulated fleet and call
//! [`reconcile`]:
//!
//! ```
//! use scalegen::hpa::{
//!     reconcile, ControllerConfig, HpaSpec, HpaState, MetricSpec, MetricTarget, Observation,
//!     Scale, SimTime,
//! };
//! use std::collections::BTreeMap;
//!
//! let config = ControllerConfig::default();
//! let spec = HpaSpec {
//!     min_replicas: Some(1),
//!     max_replicas: 10,
//!     metrics: vec![MetricSpec::External {
//!         metric_name: "queue_depth".into(),
//!         target: MetricTarget::AverageValue { average_value_milli: 30_000 },
//!     }],
//!     behavior: None,
//! };
//! let mut state = HpaState::new();
//! let mut replicas = 2;
//! for tick in 0..4 {
//!     let mut observed = Observation {
//!         scale: Some(Scale { spec_replicas: replicas, status_replicas: replicas }),
//!         ..Observation::default()
//!     };
//!     observed.metrics.external_metrics = BTreeMap::from([("queue_depth".to_string(), vec![150_000])]);
//!     let now = SimTime::from_secs(tick * config.sync_period_seconds);
//!     let outcome = reconcile(&config, &spec, &mut state, now, &observed);
//!     if outcome.scale_updated {
//!         replicas = outcome.desired_replicas; // the simulated workload follows
//!     }
//! }
//! assert_eq!(replicas, 5);
//! ```
//!
//! The outcome carries the per-metric proposals ([`MetricEvaluation`]: the
//! controller's description of the metric, its proposal and current value, or
//! the failure reason), the combined proposal, the stabilized value, the limit
//! reason and the full status conditions.
//!
//! Each step is also a public pure function, so a caller (and the test
//! vectors) can exercise one rule at a time: [`stabilize_legacy`],
//! [`stabilize_with_behaviors`], [`scale_up_limit`], [`scale_down_limit`],
//! [`limit_with_behaviors`], [`limit_legacy`], [`store_scale_event`],
//! [`replicas_changed_within`], [`evaluate_metric`] and the calculators in
//! [`replica_calculator`].
//!
//! # Time at a boundary
//!
//! Kubernetes compares ages against windows and periods with the clock it
//! reads a few microseconds after storing an entry. A simulator in exact 15 s
//! ticks lands on exact multiples, where the controller would see "slightly
//! older". So an age equal to a window or period is outside it, everywhere:
//! behavior windows, the legacy window, policy periods, and the
//! outdated-event check ([`clock::counts_within`]).
//!
//! # Arithmetic
//!
//! Quantities are `i64` milli-units; ratios and Percent policies are `f64`
//! evaluated in the controller's expression order (so `25 * (1 + 12/100)`
//! allows 29). Where Go would overflow an integer or convert an out-of-range
//! float, this model saturates instead, so no input panics.

pub mod clock;
pub mod conditions;
pub mod config;
pub mod controller;
pub mod events;
pub mod observation;
pub mod rate_limit;
pub mod replica_calculator;
pub mod spec;
pub mod stabilization;
pub mod tolerance;

pub use clock::SimTime;
pub use conditions::{Condition, ConditionStatus, ConditionType};
pub use config::{ControllerConfig, FeatureGates};
pub use controller::{HpaState, HpaStatus, ReconcileOutcome, reconcile};
pub use events::{ScaleEvent, ScaleEvents, replicas_changed_within, store_scale_event};
pub use observation::{
    Container, MetricSamples, Observation, Pod, PodMetricValue, PodPhase, PodReadiness, PodUsage,
    Scale, SelectorState,
};
pub use rate_limit::{
    LimitReason, Limited, ReplicaRange, legacy_scale_up_limit, limit_legacy, limit_with_behaviors,
    scale_down_limit, scale_up_limit,
};
pub use replica_calculator::{
    CurrentMetricValue, MetricEvaluation, MetricOutcome, Proposal, evaluate_metric,
};
pub use spec::{
    Behavior, HpaSpec, MetricSourceType, MetricSpec, MetricTarget, ObjectReference, PolicyType,
    ScalingPolicy, ScalingRules, SelectPolicy,
};
pub use stabilization::{
    Recommendation, StabilizationReason, Stabilized, stabilize_legacy, stabilize_with_behaviors,
};
pub use tolerance::Tolerances;
