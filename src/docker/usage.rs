//! From the engine's numbers to utilization percentages, as `docker stats` reads them and as
//! the HPA divides them.
//!
//! - CPU, in cores: the container's CPU time over the host's CPU time between two samples,
//!   times the online CPUs (`docker stats`' formula). Between two evaluations the autoscaler
//!   uses its own previous sample, so the reading is the average over the whole interval (as
//!   metrics-server averages over its window); a container seen for the first time uses the
//!   engine's one-second delta (`precpu_stats`). A container with neither has no reading yet.
//! - Memory, in bytes: usage minus the inactive page cache, as `docker stats` shows it:
//!   `usage - total_inactive_file` on cgroup v1, `usage - inactive_file` on cgroup v2.
//! - Utilization: total usage over total basis, × 100, over the containers with a reading (the
//!   HPA's `sum(usage) / sum(requests)`). The basis per container is the configured request;
//!   with `basis: limit`, the container's own limit (`--cpus`/`cpu_quota`, `--memory`); a
//!   container without a limit falls back to one core and the host's memory.

use bollard::models::{ContainerCpuStats, ContainerStatsResponse, HostConfig};

use super::config::{Basis, ServiceConfig};
use crate::model::raw::Metric;

/// Cumulative CPU counters of one sample, kept between evaluations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CpuCounters {
    /// The container's CPU time, ns.
    pub container_ns: u64,
    /// The host's CPU time over all CPUs, ns.
    pub system_ns: u64,
    pub online_cpus: u32,
}

impl CpuCounters {
    fn of(stats: &ContainerCpuStats) -> Option<CpuCounters> {
        let usage = stats.cpu_usage.as_ref()?;
        let container_ns = usage.total_usage?;
        let system_ns = stats.system_cpu_usage.filter(|&s| s > 0)?;
        // Older engines leave `online_cpus` out; `docker stats` counts the per-CPU usages then.
        let online_cpus = stats.online_cpus.filter(|&n| n > 0).or_else(|| {
            let n = usage.percpu_usage.as_ref()?.len();
            u32::try_from(n).ok().filter(|&n| n > 0)
        })?;
        Some(CpuCounters {
            container_ns,
            system_ns,
            online_cpus,
        })
    }

    /// Cores used from `earlier` to `self`; `None` when the samples do not span any time or
    /// belong to different containers (a counter went backwards).
    pub fn cores_since(&self, earlier: &CpuCounters) -> Option<f64> {
        let system = self.system_ns.checked_sub(earlier.system_ns)?;
        let container = self.container_ns.checked_sub(earlier.container_ns)?;
        if system == 0 {
            return None;
        }
        Some(container as f64 / system as f64 * f64::from(self.online_cpus))
    }
}

/// What one stats sample says about one container.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Reading {
    pub cpu_cores: Option<f64>,
    pub memory_bytes: Option<u64>,
    /// To keep for the next evaluation.
    pub counters: Option<CpuCounters>,
}

/// Reads a stats sample; `previous` is this container's sample from the last evaluation.
pub fn read(stats: &ContainerStatsResponse, previous: Option<&CpuCounters>) -> Reading {
    let counters = stats.cpu_stats.as_ref().and_then(CpuCounters::of);
    let since_previous = counters
        .zip(previous)
        .and_then(|(now, before)| now.cores_since(before));
    let since_engine_sample = || {
        let before = stats.precpu_stats.as_ref().and_then(CpuCounters::of)?;
        counters?.cores_since(&before)
    };
    Reading {
        cpu_cores: since_previous.or_else(since_engine_sample),
        memory_bytes: memory_without_cache(stats),
        counters,
    }
}

/// `docker stats`' memory: usage minus inactive page cache (reclaimable, so not pressure).
fn memory_without_cache(stats: &ContainerStatsResponse) -> Option<u64> {
    let memory = stats.memory_stats.as_ref()?;
    let usage = memory.usage?;
    let detail = memory.stats.as_ref();
    let get = |key: &str| detail.and_then(|d| d.get(key)).copied();
    if let Some(inactive) = get("total_inactive_file")
        && inactive < usage
    {
        return Some(usage - inactive);
    }
    let inactive = get("inactive_file").unwrap_or(0);
    Some(if inactive < usage {
        usage - inactive
    } else {
        usage
    })
}

/// A container's resource limits, from its host config.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Limits {
    pub cpu_cores: Option<f64>,
    pub memory_bytes: Option<u64>,
}

impl Limits {
    pub fn of(host: &HostConfig) -> Limits {
        let nano = host.nano_cpus.filter(|&n| n > 0).map(|n| n as f64 / 1e9);
        let quota = host.cpu_quota.filter(|&q| q > 0).map(|q| {
            // The kernel's default CFS period, 100ms, when none is set.
            let period = host.cpu_period.filter(|&p| p > 0).unwrap_or(100_000);
            q as f64 / period as f64
        });
        Limits {
            cpu_cores: nano.or(quota),
            memory_bytes: host
                .memory
                .filter(|&m| m > 0)
                .and_then(|m| u64::try_from(m).ok()),
        }
    }
}

/// Where a metric's 100% comes from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Base {
    /// The configured request.
    Request(f64),
    /// The container's limit.
    Limit(f64),
    /// `basis: limit` without a CPU limit: one core.
    OneCore,
    /// `basis: limit` without a memory limit: the host's memory.
    HostMemory(f64),
}

impl Base {
    /// The amount (cores or bytes) that is 100%.
    pub fn amount(self) -> f64 {
        match self {
            Base::Request(a) | Base::Limit(a) | Base::HostMemory(a) => a,
            Base::OneCore => 1.0,
        }
    }

    /// Describes the base for the start-up notice: `the request (0.5 cores)`.
    pub fn describe(self, metric: Metric) -> String {
        let amount = |a: f64| match metric {
            Metric::Cpu => format_cores(a),
            Metric::Memory => format_bytes(a),
        };
        match self {
            Base::Request(a) => format!("the request ({})", amount(a)),
            Base::Limit(a) => format!("the container's limit ({})", amount(a)),
            Base::OneCore => "one core (the containers have no CPU limit)".into(),
            Base::HostMemory(a) => format!(
                "the host's memory ({}; the containers have no memory limit)",
                amount(a)
            ),
        }
    }
}

/// The base of `metric` for a container of a service.
pub fn base(config: &ServiceConfig, metric: Metric, limits: &Limits, host_memory: u64) -> Base {
    let request = match (&config.utilization.basis, &config.utilization.requests) {
        (Basis::Request, Some(requests)) => match metric {
            Metric::Cpu => requests.cpu.as_ref().map(|q| q.value.milli as f64 / 1000.0),
            Metric::Memory => requests
                .memory
                .as_ref()
                .map(|q| q.value.milli as f64 / 1000.0),
        },
        _ => None,
    };
    if let Some(request) = request.filter(|&r| r > 0.0) {
        return Base::Request(request);
    }
    match metric {
        Metric::Cpu => limits.cpu_cores.map_or(Base::OneCore, Base::Limit),
        Metric::Memory => limits
            .memory_bytes
            .map_or(Base::HostMemory(host_memory as f64), |m| {
                Base::Limit(m as f64)
            }),
    }
}

/// `0.5 cores`, `1 core`.
pub fn format_cores(cores: f64) -> String {
    let text = format!("{cores:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text} core{}", if text == "1" { "" } else { "s" })
}

/// `256MiB`, `1.5GiB`.
pub fn format_bytes(bytes: f64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    let text = format!("{value:.1}");
    let text = text.strip_suffix(".0").unwrap_or(&text);
    format!("{text}{}", UNITS[unit])
}

/// Sums usage and basis over containers, per metric.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Accumulator {
    usage: f64,
    base: f64,
    pub measured: i32,
    pub unmeasured: i32,
}

impl Accumulator {
    pub fn add(&mut self, usage: Option<f64>, base: Base) {
        match usage {
            Some(usage) if base.amount() > 0.0 => {
                self.usage += usage;
                self.base += base.amount();
                self.measured += 1;
            }
            _ => self.unmeasured += 1,
        }
    }

    pub fn add_unmeasured(&mut self) {
        self.unmeasured += 1;
    }

    /// Percent of the basis, over the measured containers.
    pub fn utilization(&self) -> Option<f64> {
        (self.measured > 0 && self.base > 0.0).then(|| self.usage / self.base * 100.0)
    }
}

#[cfg(test)]
mod tests {
    use bollard::models::ContainerInspectResponse;

    use super::*;

    /// Samples recorded from a Docker engine (see `tests/fixtures/docker/README.md`).
    fn samples(text: &str) -> Vec<ContainerStatsResponse> {
        text.lines()
            .map(|line| serde_json::from_str(line).expect("a recorded stats sample"))
            .collect()
    }

    fn sample(text: &str) -> ContainerStatsResponse {
        serde_json::from_str(text).expect("a recorded stats sample")
    }

    fn inspect(text: &str) -> ContainerInspectResponse {
        serde_json::from_str(text).expect("a recorded inspect response")
    }

    const IDLE: &str = include_str!("../../tests/fixtures/docker/stats-idle.jsonl");
    const BUSY: &str = include_str!("../../tests/fixtures/docker/stats-busy.jsonl");

    fn close(actual: Option<f64>, expected: f64) -> bool {
        actual.is_some_and(|a| (a - expected).abs() < 1e-4)
    }

    #[test]
    fn cpu_of_a_first_sample_is_the_engines_own_delta() {
        let busy = samples(BUSY);
        let reading = read(&busy[0], None);
        // (2581683243 - 1692210984) / (5215310000000 - 5213300000000) × 2 CPUs
        assert!(close(reading.cpu_cores, 0.885_047), "{reading:?}");
        let idle = samples(IDLE);
        assert!(close(read(&idle[0], None).cpu_cores, 0.001_634));
    }

    #[test]
    fn cpu_between_evaluations_spans_the_whole_interval() {
        let busy = samples(BUSY);
        let first = read(&busy[1], None);
        // From sample 1 to sample 3, not sample 3's own last second.
        let later = read(&busy[3], first.counters.as_ref());
        let expected =
            (8_349_975_468.0 - 4_335_331_396.0) / (5_227_300_000_000.0 - 5_219_310_000_000.0) * 2.0;
        assert!(close(later.cpu_cores, expected), "{later:?}");
        assert!(!close(later.cpu_cores, 0.9923));
    }

    #[test]
    fn counters_going_backwards_fall_back_to_the_engines_delta() {
        // A restarted container starts its counters again.
        let busy = samples(BUSY);
        let idle = samples(IDLE);
        let before = read(&busy[3], None).counters;
        let reading = read(&idle[0], before.as_ref());
        assert!(close(reading.cpu_cores, 0.001_634), "{reading:?}");
    }

    #[test]
    fn a_sample_without_a_previous_one_has_no_cpu_reading() {
        let reading = read(
            &sample(include_str!(
                "../../tests/fixtures/docker/stats-one-shot.json"
            )),
            None,
        );
        assert_eq!(reading.cpu_cores, None);
        assert!(reading.memory_bytes.is_some());
        assert!(reading.counters.is_some());
    }

    #[test]
    fn an_exited_container_has_no_reading() {
        let reading = read(
            &sample(include_str!(
                "../../tests/fixtures/docker/stats-exited.json"
            )),
            None,
        );
        assert_eq!((reading.cpu_cores, reading.memory_bytes), (None, None));
    }

    #[test]
    fn memory_leaves_out_the_inactive_page_cache_as_docker_stats_does() {
        // cgroup v1: usage 43577344 - total_inactive_file 41943040; `docker stats` showed
        // 1.559MiB for this sample.
        let v1 = read(
            &sample(include_str!(
                "../../tests/fixtures/docker/stats-page-cache.json"
            )),
            None,
        );
        assert_eq!(v1.memory_bytes, Some(1_634_304));
        assert_eq!(format_bytes(1_634_304.0), "1.6MiB");
        // cgroup v2: usage - inactive_file; no per-CPU usage, `online_cpus` counts.
        let v2 = read(
            &sample(include_str!(
                "../../tests/fixtures/docker/stats-cgroup-v2.json"
            )),
            None,
        );
        assert_eq!(v2.memory_bytes, Some(1_634_304));
        assert!(v2.cpu_cores.is_some());
    }

    fn limits(text: &str) -> Limits {
        Limits::of(&inspect(text).host_config.unwrap_or_default())
    }

    #[test]
    fn limits_come_from_nano_cpus_or_the_cfs_quota() {
        let web = limits(include_str!(
            "../../tests/fixtures/docker/inspect-shop-web-1.json"
        ));
        assert_eq!(
            (web.cpu_cores, web.memory_bytes),
            (Some(1.0), Some(64 << 20))
        );
        let api = limits(include_str!(
            "../../tests/fixtures/docker/inspect-shop-api-1.json"
        ));
        assert_eq!(
            (api.cpu_cores, api.memory_bytes),
            (Some(0.5), Some(128 << 20))
        );
        let worker = limits(include_str!(
            "../../tests/fixtures/docker/inspect-batch-worker-1.json"
        ));
        assert_eq!(worker, Limits::default());
    }

    fn service(basis: &str, requests: serde_json::Value) -> ServiceConfig {
        let direction = serde_json::json!({
            "thresholds": {"cpu": 70, "memory": 70}, "window": "0s", "policies": [], "select": "max"
        });
        serde_json::from_value(serde_json::json!({
            "composeService": "api", "minReplicas": 1, "maxReplicas": 3,
            "metrics": ["cpu", "memory"],
            "utilization": {"basis": basis, "requests": requests},
            "scaleUp": direction, "scaleDown": direction,
        }))
        .expect("a service config")
    }

    #[test]
    fn the_basis_is_the_request_else_the_limit_else_one_core_and_the_host() {
        let limited = Limits {
            cpu_cores: Some(2.0),
            memory_bytes: Some(512 << 20),
        };
        let requested = service("request", serde_json::json!({"cpu": "250m"}));
        assert_eq!(
            base(&requested, Metric::Cpu, &limited, 1 << 30),
            Base::Request(0.25)
        );
        // No memory request: the container's limit.
        assert_eq!(
            base(&requested, Metric::Memory, &limited, 1 << 30),
            Base::Limit(f64::from(512 << 20))
        );
        let by_limit = service("limit", serde_json::Value::Null);
        assert_eq!(
            base(&by_limit, Metric::Cpu, &limited, 1 << 30),
            Base::Limit(2.0)
        );
        assert_eq!(
            base(&by_limit, Metric::Cpu, &Limits::default(), 1 << 30),
            Base::OneCore
        );
        assert_eq!(
            base(&by_limit, Metric::Memory, &Limits::default(), 1 << 30),
            Base::HostMemory(f64::from(1 << 30))
        );
        assert_eq!(
            Base::OneCore.describe(Metric::Cpu),
            "one core (the containers have no CPU limit)"
        );
        assert_eq!(
            Base::Request(0.25).describe(Metric::Cpu),
            "the request (0.25 cores)"
        );
    }

    #[test]
    fn utilization_is_total_usage_over_total_basis() {
        let mut cpu = Accumulator::default();
        cpu.add(Some(0.9), Base::Limit(1.0));
        cpu.add(Some(0.1), Base::Limit(0.5));
        cpu.add(None, Base::Limit(1.0));
        cpu.add_unmeasured();
        assert!(close(cpu.utilization(), 1.0 / 1.5 * 100.0));
        assert_eq!((cpu.measured, cpu.unmeasured), (2, 2));
        assert_eq!(Accumulator::default().utilization(), None);
        assert_eq!(format_cores(1.0), "1 core");
        assert_eq!(format_cores(0.5), "0.5 cores");
        assert_eq!(format_bytes(f64::from(64 << 20)), "64MiB");
    }
}
