//! Properties of the HPA model that must hold for every input, checked with
//! proptest: on the step functions directly, and through `reconcile` driving
//! a small simulated fleet tick by tick.

use std::collections::BTreeMap;

use proptest::prelude::*;
use scalegen::hpa::{
    Behavior, Container, ControllerConfig, FeatureGates, HpaSpec, HpaState, MetricSamples,
    MetricSpec, MetricTarget, Observation, Pod, PodPhase, PodReadiness, PodUsage, PolicyType,
    Recommendation, ReconcileOutcome, ReplicaRange, Scale, ScaleEvent, ScaleEvents, ScalingPolicy,
    ScalingRules, SelectPolicy, SelectorState, SimTime, conditions::ConditionStatus, limit_legacy,
    limit_with_behaviors, reconcile, stabilize_legacy, stabilize_with_behaviors,
};

const TICK_SECS: i64 = 15;

// ---------------------------------------------------------------------------
// Strategies.

fn select_policy() -> impl Strategy<Value = SelectPolicy> {
    prop_oneof![
        Just(SelectPolicy::Max),
        Just(SelectPolicy::Min),
        Just(SelectPolicy::Disabled)
    ]
}

fn policy() -> impl Strategy<Value = ScalingPolicy> {
    (
        prop_oneof![Just(PolicyType::Pods), Just(PolicyType::Percent)],
        prop_oneof![1..=20i32, 1..=1000i32, Just(i32::MAX)],
        prop_oneof![1..=120i32, Just(15), Just(60)],
    )
        .prop_map(|(policy_type, value, period_seconds)| ScalingPolicy {
            policy_type,
            value,
            period_seconds,
        })
}

fn rules() -> impl Strategy<Value = ScalingRules> {
    (
        proptest::option::of(prop_oneof![Just(0), 0..=600i32]),
        proptest::option::of(select_policy()),
        proptest::option::of(proptest::collection::vec(policy(), 1..=3)),
    )
        .prop_map(|(window, select, policies)| ScalingRules {
            stabilization_window_seconds: window,
            select_policy: select,
            policies,
            tolerance: None,
        })
}

fn behavior() -> impl Strategy<Value = Behavior> {
    (proptest::option::of(rules()), proptest::option::of(rules())).prop_map(
        |(scale_up, scale_down)| Behavior {
            scale_up,
            scale_down,
        },
    )
}

fn events() -> impl Strategy<Value = Vec<ScaleEvent>> {
    proptest::collection::vec(
        (0..=50i32, 0..=400i64, any::<bool>()).prop_map(|(change, age, outdated)| ScaleEvent {
            replica_change: change,
            timestamp: SimTime::from_secs(10_000 - age),
            outdated,
        }),
        0..5,
    )
}

fn history() -> impl Strategy<Value = Vec<Recommendation>> {
    proptest::collection::vec(
        (0..=200i32, 0..=900i64).prop_map(|(replicas, age)| Recommendation {
            replicas,
            timestamp: SimTime::from_secs(10_000 - age),
        }),
        0..6,
    )
}

/// A range `[min, max]` and a current value inside it.
fn range_and_current() -> impl Strategy<Value = (ReplicaRange, i32)> {
    (0..=20i32, 0..=80i32)
        .prop_flat_map(|(min, span)| (Just(min), Just(min + span), min..=min + span))
        .prop_map(|(min, max, current)| (ReplicaRange { min, max }, current))
}

// ---------------------------------------------------------------------------
// A small fleet for tick-by-tick runs: `replicas` Running, Ready pods with a
// 1000m CPU request each, a CPU utilization metric and an external queue.

fn fleet_spec(range: ReplicaRange, behavior: Option<Behavior>) -> HpaSpec {
    HpaSpec {
        min_replicas: Some(range.min),
        max_replicas: range.max,
        metrics: vec![
            MetricSpec::Resource {
                name: "cpu".into(),
                target: MetricTarget::Utilization {
                    average_utilization: 60,
                },
            },
            MetricSpec::External {
                metric_name: "queue".into(),
                target: MetricTarget::AverageValue {
                    average_value_milli: 10_000,
                },
            },
        ],
        behavior,
    }
}

fn observe(replicas: i32, cpu_milli_per_pod: i64, queue_milli: i64, now: SimTime) -> Observation {
    let names: Vec<String> = (0..replicas.max(0)).map(|i| format!("pod-{i}")).collect();
    let pods = names
        .iter()
        .map(|name| Pod {
            name: name.clone(),
            phase: PodPhase::Running,
            ready: Some(PodReadiness {
                status: ConditionStatus::True,
                last_transition_time: SimTime::DISTANT_PAST,
            }),
            start_time: Some(SimTime::DISTANT_PAST),
            deleting: false,
            containers: vec![Container {
                name: "app".into(),
                requests_milli: BTreeMap::from([("cpu".to_string(), 1000)]),
            }],
            restartable_init_containers: vec![],
        })
        .collect();
    let pod_usage = names
        .iter()
        .map(|name| {
            (
                name.clone(),
                PodUsage {
                    timestamp: now,
                    window_millis: 60_000,
                    containers: BTreeMap::from([(
                        "app".to_string(),
                        BTreeMap::from([("cpu".to_string(), cpu_milli_per_pod)]),
                    )]),
                },
            )
        })
        .collect();
    Observation {
        scale: Some(Scale {
            spec_replicas: replicas,
            status_replicas: replicas,
        }),
        selector: SelectorState::Valid,
        pods,
        metrics: MetricSamples {
            pod_usage,
            external_metrics: BTreeMap::from([("queue".to_string(), vec![queue_milli])]),
            ..MetricSamples::default()
        },
        scale_update_fails: false,
    }
}

/// One tick of the run: the replicas before it, the state before it, and the outcome.
struct Tick {
    current: i32,
    before: HpaState,
    outcome: ReconcileOutcome,
}

fn run_fleet(
    config: &ControllerConfig,
    spec: &HpaSpec,
    start: i32,
    load: &[(i64, i64)],
) -> Vec<Tick> {
    let mut state = HpaState::new();
    let mut replicas = start;
    let mut ticks = Vec::new();
    for (index, (cpu, queue)) in load.iter().enumerate() {
        let now = SimTime::from_secs(1_000 + TICK_SECS * index as i64);
        let before = state.clone();
        let observed = observe(replicas, *cpu, *queue, now);
        let outcome = reconcile(config, spec, &mut state, now, &observed);
        let current = replicas;
        if outcome.scale_updated {
            replicas = outcome.desired_replicas;
        }
        ticks.push(Tick {
            current,
            before,
            outcome,
        });
    }
    ticks
}

fn load() -> impl Strategy<Value = Vec<(i64, i64)>> {
    proptest::collection::vec((0..=3000i64, 0..=900_000i64), 1..25)
}

// ---------------------------------------------------------------------------
// Properties.

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    /// Behavior path: from inside [min, max], the clamp never leaves it.
    #[test]
    fn behavior_limit_stays_in_range(
        (range, current) in range_and_current(),
        desired in prop_oneof![-50..=500i32, Just(i32::MIN), Just(i32::MAX)],
        behavior in behavior(),
        up in events(),
        down in events(),
    ) {
        let events = ScaleEvents { up, down };
        let limited = limit_with_behaviors(current, desired, range, &behavior, &events, SimTime::from_secs(10_000));
        prop_assert!(range.min <= limited.replicas && limited.replicas <= range.max,
            "{limited:?} outside {range:?}");
    }

    /// Legacy path: from inside [min, max], the clamp never leaves it.
    #[test]
    fn legacy_limit_stays_in_range(
        (range, current) in range_and_current(),
        desired in prop_oneof![-50..=500i32, Just(i32::MIN), Just(i32::MAX)],
        factor in 1.0f64..10.0,
        minimum in 0.0f64..10.0,
    ) {
        let limited = limit_legacy(current, desired, range, factor, minimum);
        prop_assert!(range.min <= limited.replicas && limited.replicas <= range.max,
            "{limited:?} outside {range:?}");
    }

    /// Tick by tick, both paths: replicas that start inside [min, max] stay there.
    #[test]
    fn fleet_replicas_stay_in_range(
        (range, start) in range_and_current(),
        behavior in proptest::option::of(behavior()),
        load in load(),
    ) {
        let spec = fleet_spec(range, behavior);
        for tick in run_fleet(&ControllerConfig::default(), &spec, start, &load) {
            prop_assert!(range.min <= tick.outcome.desired_replicas && tick.outcome.desired_replicas <= range.max,
                "tick from {} went to {} outside {range:?}", tick.current, tick.outcome.desired_replicas);
        }
    }

    /// When every metric's ratio is within tolerance, nothing changes (fresh
    /// controller, either path).
    #[test]
    fn within_tolerance_means_no_change(
        (range, current) in range_and_current(),
        behavior in proptest::option::of(behavior()),
        cpu_percent in 55i64..=65,
        queue_share in 9_100i64..=10_900,
    ) {
        prop_assume!(current > 0);
        // 60 % target: 55..=65 % is within 0.9..1.1 (54 and 66 are the edges).
        let spec = fleet_spec(range, behavior);
        let now = SimTime::from_secs(1_000);
        let observed = observe(current, cpu_percent * 10, queue_share * i64::from(current), now);
        let mut state = HpaState::new();
        let outcome = reconcile(&ControllerConfig::default(), &spec, &mut state, now, &observed);
        prop_assert!(!outcome.scale_updated, "{outcome:?}");
        prop_assert_eq!(outcome.desired_replicas, current);
        prop_assert_eq!(outcome.proposal, Some(current));
    }

    /// A Disabled direction never moves, in the step function...
    #[test]
    fn disabled_direction_never_moves(
        (range, current) in range_and_current(),
        desired in -50..=500i32,
        policies in proptest::collection::vec(policy(), 0..=3),
        up in events(),
        down in events(),
    ) {
        let disabled = ScalingRules {
            stabilization_window_seconds: Some(0),
            select_policy: Some(SelectPolicy::Disabled),
            policies: Some(policies),
            tolerance: None,
        };
        let events = ScaleEvents { up, down };
        let now = SimTime::from_secs(10_000);
        let no_up = Behavior { scale_up: Some(disabled.clone()), scale_down: None };
        if desired > current {
            prop_assert_eq!(limit_with_behaviors(current, desired, range, &no_up, &events, now).replicas, current);
        }
        let no_down = Behavior { scale_up: None, scale_down: Some(disabled) };
        if desired < current {
            prop_assert_eq!(limit_with_behaviors(current, desired, range, &no_down, &events, now).replicas, current);
        }
    }

    /// ...and over a whole run.
    #[test]
    fn disabled_direction_never_moves_in_a_run(
        (range, start) in range_and_current(),
        disable_up in any::<bool>(),
        load in load(),
    ) {
        let disabled = ScalingRules {
            select_policy: Some(SelectPolicy::Disabled),
            ..ScalingRules::default()
        };
        let behavior = if disable_up {
            Behavior { scale_up: Some(disabled), scale_down: None }
        } else {
            Behavior { scale_up: None, scale_down: Some(disabled) }
        };
        let spec = fleet_spec(range, Some(behavior));
        for tick in run_fleet(&ControllerConfig::default(), &spec, start, &load) {
            let desired = tick.outcome.desired_replicas;
            if disable_up {
                prop_assert!(desired <= tick.current, "scaled up {} -> {desired}", tick.current);
            } else {
                prop_assert!(desired >= tick.current, "scaled down {} -> {desired}", tick.current);
            }
        }
    }

    /// With no windows and policies that cannot bind, the result is the raw
    /// proposal clamped to [min, max].
    #[test]
    fn unlimited_behavior_gives_the_clamped_proposal(
        (range, start) in range_and_current(),
        load in load(),
    ) {
        let unlimited_up = ScalingRules {
            stabilization_window_seconds: Some(0),
            select_policy: Some(SelectPolicy::Max),
            policies: Some(vec![
                ScalingPolicy { policy_type: PolicyType::Pods, value: i32::MAX, period_seconds: 1 },
                ScalingPolicy { policy_type: PolicyType::Percent, value: 10_000, period_seconds: 1 },
            ]),
            tolerance: None,
        };
        let unlimited_down = ScalingRules {
            stabilization_window_seconds: Some(0),
            select_policy: Some(SelectPolicy::Max),
            policies: Some(vec![ScalingPolicy { policy_type: PolicyType::Percent, value: 100, period_seconds: 1 }]),
            tolerance: None,
        };
        let spec = fleet_spec(range, Some(Behavior { scale_up: Some(unlimited_up), scale_down: Some(unlimited_down) }));
        for tick in run_fleet(&ControllerConfig::default(), &spec, start, &load) {
            if tick.current == 0 {
                continue; // zero replicas pauses the HPA
            }
            let Some(proposal) = tick.outcome.proposal else { continue };
            prop_assert_eq!(tick.outcome.desired_replicas, proposal.clamp(range.min, range.max),
                "from {}", tick.current);
        }
    }

    /// Behavior path: the result never moves against the raw proposal.
    #[test]
    fn behavior_path_never_moves_against_the_proposal(
        (range, start) in range_and_current(),
        behavior in behavior(),
        load in load(),
    ) {
        let spec = fleet_spec(range, Some(behavior));
        for tick in run_fleet(&ControllerConfig::default(), &spec, start, &load) {
            let Some(proposal) = tick.outcome.proposal else { continue };
            let moved = tick.outcome.desired_replicas.cmp(&tick.current);
            prop_assert!(moved.is_eq() || moved == proposal.cmp(&tick.current),
                "{} -> {} against proposal {proposal}", tick.current, tick.outcome.desired_replicas);
        }
    }

    /// Legacy path: it moves against the proposal only upward, and only when a
    /// recommendation inside the down window is above the current count.
    #[test]
    fn legacy_path_moves_against_the_proposal_only_for_history(
        (range, start) in range_and_current(),
        load in load(),
    ) {
        let config = ControllerConfig::default();
        let spec = fleet_spec(range, None);
        for (index, tick) in run_fleet(&config, &spec, start, &load).iter().enumerate() {
            let Some(proposal) = tick.outcome.proposal else { continue };
            let desired = tick.outcome.desired_replicas;
            prop_assert!(!(proposal > tick.current && desired < tick.current));
            if proposal < tick.current && desired > tick.current {
                let now = SimTime::from_secs(1_000 + TICK_SECS * index as i64);
                let window_millis = config.downscale_stabilization_window_seconds * 1000;
                let held_up = tick.before.recommendations.iter().flatten().any(|r| {
                    now.millis_since(r.timestamp) < window_millis && r.replicas > tick.current
                });
                prop_assert!(held_up, "{} -> {desired} with proposal {proposal} and no higher history", tick.current);
            }
        }
    }

    /// Both stabilizations keep `desired` among the bounds they clamp to.
    #[test]
    fn stabilization_brackets_the_proposal(
        current in 0..=200i32,
        desired in 0..=200i32,
        up_window in 0..=600i64,
        down_window in 0..=600i64,
        mut recorded in history(),
    ) {
        let now = SimTime::from_secs(10_000);
        let mut legacy = recorded.clone();
        prop_assert!(stabilize_legacy(&mut legacy, desired, now, down_window) >= desired);
        let stabilized = stabilize_with_behaviors(&mut recorded, current, desired, now, up_window, down_window);
        let (low, high) = if desired >= current { (current, desired) } else { (desired, current) };
        prop_assert!(low <= stabilized.replicas && stabilized.replicas <= high);
    }

    /// Nothing panics or overflows, whatever the numbers.
    #[test]
    fn no_input_panics(
        min in any::<i32>(),
        max in any::<i32>(),
        current in any::<i32>(),
        status in any::<i32>(),
        target in any::<i32>(),
        value_target in any::<i64>(),
        usage in any::<i64>(),
        request in any::<i64>(),
        queue in proptest::collection::vec(any::<i64>(), 0..3),
        now in any::<i64>(),
        start in any::<i64>(),
        behavior in proptest::option::of((any::<i32>(), any::<i32>(), any::<i32>(), any::<i32>(), select_policy())),
        scale_to_zero in any::<bool>(),
        configurable_tolerance in any::<bool>(),
        event_change in any::<i32>(),
        event_time in any::<i64>(),
        tolerance in any::<f64>(),
    ) {
        let behavior = behavior.map(|(window, value, period, other_value, select)| {
            let rules = ScalingRules {
                stabilization_window_seconds: Some(window),
                select_policy: Some(select),
                policies: Some(vec![
                    ScalingPolicy { policy_type: PolicyType::Pods, value, period_seconds: period },
                    ScalingPolicy { policy_type: PolicyType::Percent, value: other_value, period_seconds: period },
                ]),
                tolerance: Some(tolerance),
            };
            Behavior { scale_up: Some(rules.clone()), scale_down: Some(rules) }
        });
        let spec = HpaSpec {
            min_replicas: Some(min),
            max_replicas: max,
            metrics: vec![
                MetricSpec::Resource { name: "cpu".into(), target: MetricTarget::Utilization { average_utilization: target } },
                MetricSpec::Resource { name: "cpu".into(), target: MetricTarget::AverageValue { average_value_milli: value_target } },
                MetricSpec::External { metric_name: "queue".into(), target: MetricTarget::Value { value_milli: value_target } },
                MetricSpec::External { metric_name: "queue".into(), target: MetricTarget::AverageValue { average_value_milli: value_target } },
                MetricSpec::Object {
                    metric_name: "queue".into(),
                    described_object: scalegen::hpa::ObjectReference { api_version: "v1".into(), kind: "Service".into(), name: "q".into() },
                    target: MetricTarget::AverageValue { average_value_milli: value_target },
                },
            ],
            behavior,
        };
        let config = ControllerConfig {
            tolerance,
            feature_gates: FeatureGates { scale_to_zero, configurable_tolerance },
            ..ControllerConfig::default()
        };
        let now = SimTime(now);
        let pod = Pod {
            name: "p".into(),
            phase: PodPhase::Running,
            ready: Some(PodReadiness { status: ConditionStatus::False, last_transition_time: SimTime(start) }),
            start_time: Some(SimTime(start)),
            deleting: false,
            containers: vec![Container { name: "c".into(), requests_milli: BTreeMap::from([("cpu".to_string(), request)]) }],
            restartable_init_containers: vec![],
        };
        let observed = Observation {
            scale: Some(Scale { spec_replicas: current, status_replicas: status }),
            selector: SelectorState::Valid,
            pods: vec![pod.clone(), Pod { name: "q".into(), ..pod }],
            metrics: MetricSamples {
                pod_usage: BTreeMap::from([("p".to_string(), PodUsage {
                    timestamp: SimTime(start),
                    window_millis: usage,
                    containers: BTreeMap::from([("c".to_string(), BTreeMap::from([("cpu".to_string(), usage)]))]),
                })]),
                external_metrics: BTreeMap::from([("queue".to_string(), queue.clone())]),
                object_metrics: BTreeMap::from([("queue".to_string(), usage)]),
                ..MetricSamples::default()
            },
            scale_update_fails: false,
        };
        let mut state = HpaState::new();
        state.scale_events.up.push(ScaleEvent { replica_change: event_change, timestamp: SimTime(event_time), outdated: false });
        state.scale_events.down.push(ScaleEvent { replica_change: event_change, timestamp: SimTime(event_time), outdated: true });
        state.recommendations = Some(vec![Recommendation { replicas: event_change, timestamp: SimTime(event_time) }]);
        let first = reconcile(&config, &spec, &mut state, now, &observed);
        let later = SimTime(now.0.saturating_add(15_000));
        let second = reconcile(&config, &spec, &mut state, later, &observed);
        prop_assert!(!first.conditions.is_empty() && !second.conditions.is_empty());
    }
}
