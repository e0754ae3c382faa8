//! Load sources: the four shapes teams use in load tests ([`Pattern`]) with the cost of one
//! request ([`RequestCost`]), or a recorded trace ([`Trace`]); either way, the demand on the
//! whole workload at any instant ([`Demand`]).

use serde::Serialize;

use super::trace::Trace;
use crate::hpa::SimTime;

/// The work the whole workload has to do at one instant. Serving pods share it evenly.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Demand {
    /// Requests per second, for a pattern; a trace has none.
    pub rps: Option<f64>,
    /// CPU cores the workload needs.
    pub cpu_cores: f64,
    /// Memory bytes the load needs, on top of every running pod's idle memory.
    pub memory_bytes: f64,
}

/// How long the random pattern holds a direction: a new random level is drawn every minute and
/// the load moves linearly between levels.
pub const RANDOM_SEGMENT_SECONDS: i64 = 60;

/// The patterns' parameters when no flag sets them (requests per second, seconds).
pub mod defaults {
    pub const RPS: f64 = 100.0;
    pub const BASE: f64 = 100.0;
    pub const PEAK: f64 = 600.0;
    pub const SPIKE_EVERY_SECONDS: i64 = 20 * 60;
    pub const SPIKE_FOR_SECONDS: i64 = 3 * 60;
    pub const FROM: f64 = 50.0;
    pub const TO: f64 = 600.0;
    pub const SEED: u64 = 1;
}

/// A load-test shape, in requests per second.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "pattern", rename_all = "camelCase")]
pub enum Pattern {
    /// The same load throughout.
    Constant { rps: f64 },
    /// `base`, with a burst to `peak` lasting `for` every `every` (the first at `every`).
    Spike {
        base: f64,
        peak: f64,
        every_seconds: i64,
        for_seconds: i64,
    },
    /// A straight ramp from `from` at the start to `to` at `over_seconds`, then flat.
    Gradual {
        from: f64,
        to: f64,
        over_seconds: i64,
    },
    /// Levels drawn uniformly from `[base, peak]` every minute, joined by straight lines; the
    /// same seed gives the same load.
    Random { base: f64, peak: f64, seed: u64 },
}

impl Pattern {
    /// The load at `time` (never negative).
    pub fn rps_at(&self, time: SimTime) -> f64 {
        let millis = time.as_millis().max(0);
        let rps = match *self {
            Pattern::Constant { rps } => rps,
            Pattern::Spike {
                base,
                peak,
                every_seconds,
                for_seconds,
            } => {
                let every = every_seconds.max(1) * 1000;
                let in_spike = millis >= every && millis % every < for_seconds * 1000;
                if in_spike { peak } else { base }
            }
            Pattern::Gradual {
                from,
                to,
                over_seconds,
            } => {
                let over = (over_seconds * 1000) as f64;
                let progress = if over <= 0.0 {
                    1.0
                } else {
                    (millis as f64 / over).min(1.0)
                };
                from + (to - from) * progress
            }
            Pattern::Random { base, peak, seed } => {
                let segment = RANDOM_SEGMENT_SECONDS * 1000;
                let index = (millis / segment) as u64;
                let within = (millis % segment) as f64 / segment as f64;
                let level = |k: u64| base + (peak - base) * unit_interval(seed, k);
                let (start, end) = (level(index), level(index + 1));
                start + (end - start) * within
            }
        };
        rps.max(0.0)
    }

    /// A one-line description for output headers.
    pub fn describe(&self) -> String {
        match self {
            Pattern::Constant { rps } => format!("constant {} rps", number(*rps)),
            Pattern::Spike {
                base,
                peak,
                every_seconds,
                for_seconds,
            } => format!(
                "spike {} rps, {} rps for {} every {}",
                number(*base),
                number(*peak),
                crate::units::Duration(u32::try_from(*for_seconds).unwrap_or(u32::MAX)),
                crate::units::Duration(u32::try_from(*every_seconds).unwrap_or(u32::MAX)),
            ),
            Pattern::Gradual { from, to, .. } => {
                format!("gradual {} to {} rps", number(*from), number(*to))
            }
            Pattern::Random { base, peak, seed } => format!(
                "random {} to {} rps, seed {seed}",
                number(*base),
                number(*peak)
            ),
        }
    }
}

/// A number as people write it: no trailing `.0`.
pub fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        let text = format!("{value:.3}");
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

/// What one request per second costs, for turning a pattern into CPU and memory.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestCost {
    /// CPU cores one request per second keeps busy.
    pub cpu_cores_per_rps: f64,
    /// Memory bytes one request per second holds.
    pub memory_bytes_per_rps: f64,
    /// Memory every running pod holds idle, serving or not.
    pub memory_base_bytes: f64,
}

impl RequestCost {
    /// `--cpu-per-request 5m`: 200 requests per second keep one core busy.
    pub const DEFAULT_CPU_MILLI_PER_RPS: i64 = 5;
    /// `--memory-per-request 1Mi`.
    pub const DEFAULT_MEMORY_BYTES_PER_RPS: i64 = 1 << 20;
    /// `--memory-base 128Mi`.
    pub const DEFAULT_MEMORY_BASE_BYTES: i64 = 128 << 20;
}

impl Default for RequestCost {
    fn default() -> Self {
        RequestCost {
            cpu_cores_per_rps: Self::DEFAULT_CPU_MILLI_PER_RPS as f64 / 1000.0,
            memory_bytes_per_rps: Self::DEFAULT_MEMORY_BYTES_PER_RPS as f64,
            memory_base_bytes: Self::DEFAULT_MEMORY_BASE_BYTES as f64,
        }
    }
}

/// Where the demand comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum LoadSource {
    Pattern { pattern: Pattern, cost: RequestCost },
    Trace(Trace),
}

impl LoadSource {
    /// The demand at `time`; before the start it is the demand at the start.
    pub fn demand_at(&self, time: SimTime) -> Demand {
        match self {
            LoadSource::Pattern { pattern, cost } => {
                let rps = pattern.rps_at(time);
                Demand {
                    rps: Some(rps),
                    cpu_cores: rps * cost.cpu_cores_per_rps,
                    memory_bytes: rps * cost.memory_bytes_per_rps,
                }
            }
            LoadSource::Trace(trace) => trace.demand_at(time),
        }
    }

    /// Memory every running pod holds whatever its share of the load. A trace's memory column
    /// is the whole workload's, idle memory included, so it has none.
    pub fn memory_base_bytes(&self) -> f64 {
        match self {
            LoadSource::Pattern { cost, .. } => cost.memory_base_bytes,
            LoadSource::Trace(_) => 0.0,
        }
    }

    /// How long the source naturally lasts: a trace's span; a pattern has none.
    pub fn natural_duration_seconds(&self) -> Option<i64> {
        match self {
            LoadSource::Pattern { .. } => None,
            LoadSource::Trace(trace) => Some(trace.span().as_millis().div_euclid(1000)),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            LoadSource::Pattern { pattern, .. } => pattern.describe(),
            LoadSource::Trace(trace) => format!("trace {}", trace.name),
        }
    }
}

/// A number in `[0, 1)` determined by `seed` and `index` alone (SplitMix64's finalizer over
/// both), so any point of the random pattern is computed without replaying the ones before it.
pub fn unit_interval(seed: u64, index: u64) -> f64 {
    let mut z = seed
        .wrapping_add(index.wrapping_mul(0x9E37_79B9_7F4A_7C15))
        .wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    // The top 53 bits make an exactly representable fraction.
    (z >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(pattern: &Pattern, secs: i64) -> f64 {
        pattern.rps_at(SimTime::from_secs(secs))
    }

    #[test]
    fn constant_is_constant() {
        let p = Pattern::Constant { rps: 42.0 };
        assert_eq!(at(&p, 0), 42.0);
        assert_eq!(at(&p, 86_400), 42.0);
        assert_eq!(at(&p, -15), 42.0);
    }

    #[test]
    fn spikes_start_at_every_multiple_and_last_for() {
        let p = Pattern::Spike {
            base: 100.0,
            peak: 600.0,
            every_seconds: 600,
            for_seconds: 120,
        };
        assert_eq!(at(&p, 0), 100.0, "no spike at the start");
        assert_eq!(at(&p, 599), 100.0);
        assert_eq!(at(&p, 600), 600.0);
        assert_eq!(at(&p, 719), 600.0);
        assert_eq!(at(&p, 720), 100.0);
        assert_eq!(at(&p, 1200), 600.0);
        assert_eq!(at(&p, 1320), 100.0);
    }

    #[test]
    fn gradual_ramps_then_holds() {
        let p = Pattern::Gradual {
            from: 50.0,
            to: 650.0,
            over_seconds: 600,
        };
        assert_eq!(at(&p, 0), 50.0);
        assert_eq!(at(&p, 300), 350.0);
        assert_eq!(at(&p, 600), 650.0);
        assert_eq!(at(&p, 900), 650.0);
        let down = Pattern::Gradual {
            from: 600.0,
            to: 0.0,
            over_seconds: 60,
        };
        assert_eq!(at(&down, 30), 300.0);
    }

    #[test]
    fn random_is_seeded_bounded_and_continuous() {
        let p = Pattern::Random {
            base: 100.0,
            peak: 600.0,
            seed: 7,
        };
        let same = Pattern::Random {
            base: 100.0,
            peak: 600.0,
            seed: 7,
        };
        let other = Pattern::Random {
            base: 100.0,
            peak: 600.0,
            seed: 8,
        };
        let mut differs = false;
        for secs in (0..7200).step_by(15) {
            let value = at(&p, secs);
            assert!((100.0..=600.0).contains(&value), "{value} at {secs}");
            assert_eq!(value, at(&same, secs));
            differs |= value != at(&other, secs);
        }
        assert!(differs, "another seed gives another load");
        // Segments join: the end of one minute is the start of the next.
        let before = p.rps_at(SimTime::from_millis(59_999));
        let after = at(&p, 60);
        assert!((before - after).abs() < 0.1, "{before} vs {after}");
    }

    #[test]
    fn unit_interval_is_spread_over_zero_to_one() {
        let values: Vec<f64> = (0..1000).map(|k| unit_interval(1, k)).collect();
        assert!(values.iter().all(|v| (0.0..1.0).contains(v)));
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        assert!((0.45..0.55).contains(&mean), "mean {mean}");
        assert!(values.iter().any(|v| *v < 0.05) && values.iter().any(|v| *v > 0.95));
    }

    #[test]
    fn a_pattern_costs_cpu_and_memory_per_request() {
        let source = LoadSource::Pattern {
            pattern: Pattern::Constant { rps: 200.0 },
            cost: RequestCost::default(),
        };
        let demand = source.demand_at(SimTime::from_secs(10));
        assert_eq!(demand.rps, Some(200.0));
        assert!((demand.cpu_cores - 1.0).abs() < 1e-12);
        assert_eq!(demand.memory_bytes, 200.0 * 1_048_576.0);
        assert_eq!(source.memory_base_bytes(), 128.0 * 1_048_576.0);
    }

    #[test]
    fn numbers_read_as_written() {
        assert_eq!(number(100.0), "100");
        assert_eq!(number(2.5), "2.5");
        assert_eq!(number(0.125), "0.125");
    }
}
