//! Properties of whole simulation runs, over random loads, policies and fleets: what holds for
//! any scenario, on both engines.

use std::collections::BTreeMap;

use proptest::prelude::*;

use scalegen::docker::config::{Basis, DirectionConfig, ServiceConfig, Utilization};
use scalegen::hpa::{
    Behavior, ControllerConfig, HpaSpec, MetricSpec, MetricTarget, PolicyType, ScalingPolicy,
    ScalingRules, SelectPolicy,
};
use scalegen::model::raw::{Duration, Metric, Policy, Select};
use scalegen::simulate::{
    self, DockerSetup, FleetSettings, KubernetesSetup, LoadSource, Pattern, RequestCost, Requests,
    Scenario, Timeline,
};
use scalegen::units;

#[derive(Clone, Debug)]
struct Rules {
    window: u32,
    /// (percent?, value, period)
    policies: Vec<(bool, i32, u32)>,
    select: Select,
}

fn rules() -> impl Strategy<Value = Rules> {
    (
        prop_oneof![Just(0u32), 15u32..=600],
        prop::collection::vec((any::<bool>(), 1i32..=200, 15u32..=300), 1..=3),
        prop_oneof![Just(Select::Max), Just(Select::Min), Just(Select::Disabled)],
    )
        .prop_map(|(window, policies, select)| Rules {
            window,
            policies,
            select,
        })
}

fn pattern() -> impl Strategy<Value = Pattern> {
    prop_oneof![
        (0.0f64..2000.0).prop_map(|rps| Pattern::Constant { rps }),
        (0.0f64..500.0, 0.0f64..3000.0, 2i64..=30, 1i64..=10).prop_map(
            |(base, peak, every, lasting)| Pattern::Spike {
                base,
                peak,
                every_seconds: every * 60,
                for_seconds: lasting.min(every - 1) * 60,
            }
        ),
        (0.0f64..2000.0, 0.0f64..2000.0).prop_map(|(from, to)| Pattern::Gradual {
            from,
            to,
            over_seconds: 1800,
        }),
        (0.0f64..500.0, 0.0f64..3000.0, any::<u64>())
            .prop_map(|(base, peak, seed)| Pattern::Random { base, peak, seed }),
    ]
}

fn select_policy(select: Select) -> SelectPolicy {
    match select {
        Select::Max => SelectPolicy::Max,
        Select::Min => SelectPolicy::Min,
        Select::Disabled => SelectPolicy::Disabled,
    }
}

fn hpa_rules(rules: &Rules) -> ScalingRules {
    ScalingRules {
        stabilization_window_seconds: Some(rules.window as i32),
        select_policy: Some(select_policy(rules.select)),
        policies: Some(
            rules
                .policies
                .iter()
                .map(|&(percent, value, period)| ScalingPolicy {
                    policy_type: if percent {
                        PolicyType::Percent
                    } else {
                        PolicyType::Pods
                    },
                    value,
                    period_seconds: period as i32,
                })
                .collect(),
        ),
        tolerance: None,
    }
}

fn docker_direction(rules: &Rules, cpu: i32, memory: i32) -> DirectionConfig {
    DirectionConfig {
        thresholds: BTreeMap::from([(Metric::Cpu, cpu), (Metric::Memory, memory)]),
        window: Duration(units::Duration(rules.window)),
        policies: rules
            .policies
            .iter()
            .map(|&(percent, value, period)| Policy {
                percent: percent.then_some(value),
                pods: (!percent).then_some(value),
                period: Duration(units::Duration(period)),
            })
            .collect(),
        select: rules.select,
    }
}

/// A service on both engines: CPU and memory targets, the given rules per direction.
#[allow(clippy::too_many_arguments)]
fn scenario(
    pattern: Pattern,
    min: i32,
    max: i32,
    initial: i32,
    up: &Rules,
    down: &Rules,
    target: i32,
    legacy: bool,
) -> Scenario {
    let metrics = vec![
        MetricSpec::Resource {
            name: "cpu".into(),
            target: MetricTarget::Utilization {
                average_utilization: target,
            },
        },
        MetricSpec::Resource {
            name: "memory".into(),
            target: MetricTarget::Utilization {
                average_utilization: target,
            },
        },
    ];
    let spec = HpaSpec {
        min_replicas: Some(min),
        max_replicas: max,
        metrics,
        behavior: (!legacy).then(|| Behavior {
            scale_up: Some(hpa_rules(up)),
            scale_down: Some(hpa_rules(down)),
        }),
    };
    let docker = ServiceConfig {
        compose_service: "svc".into(),
        min_replicas: min,
        max_replicas: max,
        metrics: vec![Metric::Cpu, Metric::Memory],
        utilization: Utilization {
            basis: Basis::Limit,
            requests: None,
        },
        scale_up: docker_direction(up, target, target),
        scale_down: docker_direction(down, target / 2, target / 2),
    };
    Scenario {
        load: LoadSource::Pattern {
            pattern,
            cost: RequestCost::default(),
        },
        duration_seconds: 1800,
        fleet: FleetSettings {
            requests: Requests::default(),
            startup_delay_seconds: 30,
            metric_lag_seconds: 15,
            initial_replicas: initial,
        },
        kubernetes: Some(KubernetesSetup {
            spec,
            controller: ControllerConfig::default(),
        }),
        docker: Some(DockerSetup {
            config: docker,
            interval_seconds: 15,
        }),
    }
}

fn replicas(timeline: &Timeline, engine: usize) -> Vec<i32> {
    timeline
        .rows
        .iter()
        .map(|r| r.engines[engine].replicas)
        .collect()
}

fn unlimited() -> Rules {
    Rules {
        window: 0,
        // Pods: as many as asked for; Percent 100 down: all the way to zero.
        policies: vec![(false, i32::MAX, 15), (true, 100, 15)],
        select: Select::Max,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn replicas_stay_within_bounds_once_inside(
        pattern in pattern(),
        min in 1i32..=5,
        extra in 0i32..=15,
        initial in 0i32..=25,
        up in rules(),
        down in rules(),
        target in 20i32..=120,
        legacy in any::<bool>(),
    ) {
        let max = min + extra;
        let timeline = simulate::run(&scenario(pattern, min, max, initial, &up, &down, target, legacy)).unwrap();
        for engine in 0..2 {
            let series = replicas(&timeline, engine);
            let inside = series.iter().position(|r| (min..=max).contains(r));
            if let Some(first) = inside {
                prop_assert!(
                    series[first..].iter().all(|r| (min..=max).contains(r)),
                    "engine {} {:?}", engine, series
                );
            }
            if engine == 0 && initial == 0 {
                // Zero replicas pause an HPA, as in Kubernetes (scale-to-zero is off).
                prop_assert!(series.iter().all(|r| *r == 0), "{:?}", series);
            } else {
                // Out of range at the start, the first evaluation goes straight to the bound.
                prop_assert_eq!(inside, Some(0), "engine {} {:?}", engine, series);
            }
        }
    }

    #[test]
    fn no_change_while_the_ratio_is_within_tolerance(
        replicas_count in 1i32..=12,
        ratio in 0.92f64..1.08,
        legacy in any::<bool>(),
    ) {
        // CPU only, at `ratio` of a 60 % target on every pod: the HPA holds, whatever the rules.
        let target = 60;
        let cpu_cores = f64::from(replicas_count) * 0.5 * f64::from(target) / 100.0 * ratio;
        let mut scenario = scenario(
            Pattern::Constant { rps: cpu_cores / 0.005 },
            1, 50, replicas_count, &unlimited(), &unlimited(), target, legacy,
        );
        let spec = &mut scenario.kubernetes.as_mut().unwrap().spec;
        spec.metrics.truncate(1);
        scenario.docker = None;
        let timeline = simulate::run(&scenario).unwrap();
        let series = replicas(&timeline, 0);
        prop_assert!(series.iter().all(|r| *r == replicas_count), "{:?}", series);
        for row in &timeline.rows {
            prop_assert_eq!(row.engines[0].recommendation, Some(replicas_count));
        }
    }

    #[test]
    fn a_disabled_direction_never_moves(
        pattern in pattern(),
        initial in 2i32..=8,
        other in rules(),
        disable_up in any::<bool>(),
        target in 30i32..=90,
    ) {
        let disabled = Rules { window: 0, policies: vec![(false, 4, 15)], select: Select::Disabled };
        let (up, down) = if disable_up { (&disabled, &other) } else { (&other, &disabled) };
        let timeline = simulate::run(&scenario(pattern, 1, 20, initial, up, down, target, false)).unwrap();
        for engine in 0..2 {
            let series = replicas(&timeline, engine);
            let mut previous = initial;
            for r in &series {
                if disable_up {
                    prop_assert!(*r <= previous, "engine {} went up: {:?}", engine, series);
                } else {
                    prop_assert!(*r >= previous, "engine {} went down: {:?}", engine, series);
                }
                previous = *r;
            }
        }
    }

    #[test]
    fn zero_windows_and_unlimited_policies_give_the_clamped_recommendation(
        pattern in pattern(),
        min in 1i32..=4,
        extra in 0i32..=20,
        target in 20i32..=120,
    ) {
        let max = min + extra;
        let timeline = simulate::run(&scenario(pattern, min, max, min, &unlimited(), &unlimited(), target, false)).unwrap();
        for row in &timeline.rows {
            for (engine, sample) in row.engines.iter().enumerate() {
                if let Some(recommendation) = sample.recommendation {
                    prop_assert_eq!(
                        sample.replicas,
                        recommendation.clamp(min, max),
                        "engine {} at {}: {:?}", engine, row.time_seconds, sample
                    );
                }
            }
        }
    }

    #[test]
    fn a_run_is_deterministic_for_a_seed(
        seed in any::<u64>(),
        base in 0.0f64..500.0,
        peak in 0.0f64..3000.0,
        up in rules(),
        down in rules(),
    ) {
        let make = || scenario(Pattern::Random { base, peak, seed }, 1, 15, 2, &up, &down, 70, false);
        let first = simulate::run(&make()).unwrap();
        let second = simulate::run(&make()).unwrap();
        prop_assert_eq!(first, second);
    }
}
