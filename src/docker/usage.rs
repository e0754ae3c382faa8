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

use std::fmt;

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

impl fmt::Display for Accumulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.utilization() {
            Some(u) => write!(f, "{u:.0}%"),
            None => f.write_str("-"),
        }
    }
}
