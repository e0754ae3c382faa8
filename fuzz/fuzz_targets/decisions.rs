//! The decision models' inputs: arbitrary HPA specs and behaviors, Docker configs, and
//! observation sequences. No panic, no overflow; replicas stay within [min, max] once inside.
#![no_main]

use std::collections::BTreeMap;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use scalegen::docker::config::{Basis, DirectionConfig, ServiceConfig, Utilization};
use scalegen::docker::model::{self, Observation, ServiceState};
use scalegen::hpa::{
    Behavior, ControllerConfig, HpaSpec, HpaState, MetricSpec, MetricTarget, Observation as HpaObservation,
    PolicyType, Scale, ScalingPolicy, ScalingRules, SelectPolicy, SimTime,
};
use scalegen::model::raw::{Duration, Metric, Policy, Select};
use scalegen::units;

#[derive(Debug, Arbitrary)]
struct Input {
    min: i32,
    max: i32,
    target: i32,
    up_window: i32,
    down_window: i32,
    policies: Vec<(bool, i32, i32)>,
    select: u8,
    steps: Vec<(u16, i64, Option<u16>, u8)>,
}

fn select(n: u8) -> (SelectPolicy, Select) {
    match n % 3 {
        0 => (SelectPolicy::Max, Select::Max),
        1 => (SelectPolicy::Min, Select::Min),
        _ => (SelectPolicy::Disabled, Select::Disabled),
    }
}

fuzz_target!(|input: Input| {
    let (hpa_select, docker_select) = select(input.select);
    let policies: Vec<ScalingPolicy> = input
        .policies
        .iter()
        .take(4)
        .map(|&(percent, value, period)| ScalingPolicy {
            policy_type: if percent { PolicyType::Percent } else { PolicyType::Pods },
            value,
            period_seconds: period,
        })
        .collect();
    let rules = |window: i32| ScalingRules {
        stabilization_window_seconds: Some(window),
        select_policy: Some(hpa_select),
        policies: Some(policies.clone()),
        tolerance: None,
    };
    let spec = HpaSpec {
        min_replicas: Some(input.min),
        max_replicas: input.max,
        metrics: vec![MetricSpec::External {
            metric_name: "load".into(),
            target: MetricTarget::AverageValue { average_value_milli: i64::from(input.target).max(1) },
        }],
        behavior: Some(Behavior { scale_up: Some(rules(input.up_window)), scale_down: Some(rules(input.down_window)) }),
    };
    let config = ControllerConfig::default();
    let mut state = HpaState::new();
    let mut replicas = input.min.max(1);
    let docker = ServiceConfig {
        compose_service: "fuzz".into(),
        min_replicas: input.min,
        max_replicas: input.max,
        metrics: vec![Metric::Cpu],
        utilization: Utilization { basis: Basis::Limit, requests: None },
        scale_up: DirectionConfig {
            thresholds: BTreeMap::from([(Metric::Cpu, input.target)]),
            window: Duration(units::Duration(input.up_window.unsigned_abs())),
            policies: input
                .policies
                .iter()
                .take(4)
                .map(|&(percent, value, period)| Policy {
                    percent: percent.then_some(value),
                    pods: (!percent).then_some(value),
                    period: Duration(units::Duration(period.unsigned_abs())),
                })
                .collect(),
            select: docker_select,
        },
        scale_down: DirectionConfig {
            thresholds: BTreeMap::from([(Metric::Cpu, input.target / 2)]),
            window: Duration(units::Duration(input.down_window.unsigned_abs())),
            policies: Vec::new(),
            select: docker_select,
        },
    };
    let mut docker_state = ServiceState::new();
    let mut containers = input.min.max(0);
    let mut now = 0i64;
    for (dt, value, utilization, unmeasured) in input.steps.iter().take(64) {
        now = now.saturating_add(i64::from(*dt));
        let mut observed = HpaObservation {
            scale: Some(Scale { spec_replicas: replicas, status_replicas: replicas }),
            ..HpaObservation::default()
        };
        observed.metrics.external_metrics = BTreeMap::from([("load".to_string(), vec![*value])]);
        let outcome = scalegen::hpa::reconcile(&config, &spec, &mut state, SimTime::from_secs(now), &observed);
        if outcome.scale_updated {
            replicas = outcome.desired_replicas;
        }
        let observation = Observation {
            replicas: containers,
            utilization: utilization.iter().map(|u| (Metric::Cpu, f64::from(*u))).collect(),
            unmeasured: BTreeMap::from([(Metric::Cpu, i32::from(*unmeasured) % containers.max(0).saturating_add(1))]),
        };
        let decision = model::decide(&docker, &mut docker_state, SimTime::from_secs(now), &observation);
        if input.min <= input.max && containers >= input.min && containers <= input.max {
            assert!(decision.desired >= input.min && decision.desired <= input.max, "{decision:?}");
        }
        docker_state.record(&docker, containers, decision.desired, SimTime::from_secs(now));
        containers = decision.desired;
    }
});
