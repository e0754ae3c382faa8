//! The simulated fleet: pods (or containers) that are created, start up, serve, and are removed;
//! how the demand is shared among them; what each one uses.
//!
//! - A member created at `c` exists from `c`, is starting until `c + startup delay`, and serves
//!   from then on until it is removed. Removal is immediate.
//! - The demand at an instant is split evenly across the members serving then. A starting member
//!   uses no CPU and only its idle memory.
//! - Metrics lag: what an engine reads at `t` is each member's usage at `t - lag`; a member
//!   created after `t - lag` has no reading yet.

use serde::Serialize;

use super::load::Demand;
use crate::hpa::SimTime;

/// Per-pod resource requests: what utilization is a percentage of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Requests {
    pub cpu_milli: i64,
    pub memory_bytes: i64,
}

impl Requests {
    /// `--cpu-request` when the services file sets neither a request nor a limit.
    pub const DEFAULT_CPU_MILLI: i64 = 500;
    /// `--memory-request` when the services file sets neither a request nor a limit.
    pub const DEFAULT_MEMORY_BYTES: i64 = 512 << 20;
}

impl Default for Requests {
    fn default() -> Self {
        Requests {
            cpu_milli: Self::DEFAULT_CPU_MILLI,
            memory_bytes: Self::DEFAULT_MEMORY_BYTES,
        }
    }
}

/// The fleet model's settings, the same for both engines.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FleetSettings {
    pub requests: Requests,
    /// From creation until a new pod serves (readiness probe passed, container healthy).
    pub startup_delay_seconds: i64,
    /// How old the usage is that a metric reading reflects.
    pub metric_lag_seconds: i64,
    /// Pods running at the start, ready for long.
    pub initial_replicas: i32,
}

impl FleetSettings {
    /// `--startup-delay 30s`.
    pub const DEFAULT_STARTUP_DELAY_SECONDS: i64 = 30;
    /// `--metric-lag 15s`: one metrics-server resolution.
    pub const DEFAULT_METRIC_LAG_SECONDS: i64 = 15;
}

/// One pod or container.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Member {
    pub id: u32,
    pub created: SimTime,
    pub ready_at: SimTime,
    pub deleted: Option<SimTime>,
}

impl Member {
    pub fn exists_at(&self, time: SimTime) -> bool {
        self.created <= time && self.deleted.is_none_or(|deleted| deleted > time)
    }

    pub fn serving_at(&self, time: SimTime) -> bool {
        self.ready_at <= time && self.exists_at(time)
    }
}

/// What one member uses.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Usage {
    pub cpu_cores: f64,
    pub memory_bytes: f64,
}

/// The members of one workload, with those removed recently enough to still matter for lagged
/// readings.
#[derive(Clone, Debug)]
pub struct Fleet {
    members: Vec<Member>,
    next_id: u32,
    startup_delay_millis: i64,
    /// Changes whenever members are created or removed, so a caller can keep per-member data.
    generation: u64,
}

/// How long before the start the initial members were created: well past the HPA's CPU
/// initialization period, so they count as ready from the first sync.
pub const INITIAL_AGE_SECONDS: i64 = 3600;

impl Fleet {
    pub fn new(replicas: i32, startup_delay_seconds: i64) -> Fleet {
        let mut fleet = Fleet {
            members: Vec::new(),
            next_id: 0,
            startup_delay_millis: startup_delay_seconds.max(0) * 1000,
            generation: 0,
        };
        let created = SimTime::from_secs(-INITIAL_AGE_SECONDS);
        for _ in 0..replicas.max(0) {
            fleet.add(created);
        }
        fleet
    }

    /// Changes whenever the members not removed change.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    fn add(&mut self, created: SimTime) {
        self.generation = self.generation.wrapping_add(1);
        self.members.push(Member {
            id: self.next_id,
            created,
            ready_at: created.plus_millis(self.startup_delay_millis),
            deleted: None,
        });
        self.next_id = self.next_id.wrapping_add(1);
    }

    /// The members not removed, oldest first.
    pub fn alive(&self) -> impl Iterator<Item = &Member> {
        self.members.iter().filter(|m| m.deleted.is_none())
    }

    /// Members not removed: what `/scale` and `docker ps` count.
    pub fn replicas(&self) -> i32 {
        i32::try_from(self.alive().count()).unwrap_or(i32::MAX)
    }

    /// Members not removed that serve at `time`.
    pub fn ready(&self, time: SimTime) -> i32 {
        i32::try_from(self.alive().filter(|m| m.ready_at <= time).count()).unwrap_or(i32::MAX)
    }

    /// Members serving at `time`, including those removed since.
    pub fn serving_at(&self, time: SimTime) -> usize {
        self.members.iter().filter(|m| m.serving_at(time)).count()
    }

    /// Creates or removes members to reach `target`. New members start now; removal takes
    /// members still starting first, then the newest, as a ReplicaSet picks pods to delete.
    pub fn scale_to(&mut self, target: i32, now: SimTime) {
        let current = self.replicas();
        if target > current {
            for _ in current..target {
                self.add(now);
            }
        } else if target < current {
            let mut victims: Vec<(bool, SimTime, u32)> = self
                .alive()
                .map(|m| (m.ready_at <= now, m.created, m.id))
                .collect();
            // Starting before serving, then newest first.
            victims.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(b.2.cmp(&a.2)));
            let remove = usize::try_from(current - target.max(0)).unwrap_or(0);
            self.generation = self.generation.wrapping_add(1);
            for (_, _, id) in victims.into_iter().take(remove) {
                if let Some(member) = self.members.iter_mut().find(|m| m.id == id) {
                    member.deleted = Some(now);
                }
            }
        }
    }

    /// Drops members removed at or before `time`: no reading from `time` on can involve them.
    pub fn forget_removed_before(&mut self, time: SimTime) {
        self.members
            .retain(|m| m.deleted.is_none_or(|deleted| deleted > time));
    }
}

/// What `member` used at `time`, when it was running by then: its share of the demand if it
/// served, idle otherwise. A member created at `time` itself has nothing to read yet.
/// `serving` is the number of members serving at `time`.
pub fn usage_at(
    member: &Member,
    time: SimTime,
    demand: &Demand,
    serving: usize,
    memory_base_bytes: f64,
) -> Option<Usage> {
    if !(member.created < time && member.exists_at(time)) {
        return None;
    }
    if member.serving_at(time) && serving > 0 {
        let share = serving as f64;
        Some(Usage {
            cpu_cores: demand.cpu_cores / share,
            memory_bytes: memory_base_bytes + demand.memory_bytes / share,
        })
    } else {
        Some(Usage {
            cpu_cores: 0.0,
            memory_bytes: memory_base_bytes,
        })
    }
}

/// The utilization in percent of the pods serving at an instant, per resource, and `None` when
/// nothing serves: the demand then goes unserved.
pub fn serving_utilization(
    demand: &Demand,
    serving: usize,
    memory_base_bytes: f64,
    requests: Requests,
) -> Option<(f64, f64)> {
    if serving == 0 {
        return None;
    }
    let share = serving as f64;
    let cpu = demand.cpu_cores / share * 1000.0 / requests.cpu_milli.max(1) as f64 * 100.0;
    let memory = (memory_base_bytes + demand.memory_bytes / share)
        / requests.memory_bytes.max(1) as f64
        * 100.0;
    Some((cpu, memory))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: i64) -> SimTime {
        SimTime::from_secs(s)
    }

    #[test]
    fn initial_members_serve_from_the_start() {
        let fleet = Fleet::new(3, 30);
        assert_eq!(fleet.replicas(), 3);
        assert_eq!(fleet.ready(secs(0)), 3);
        assert_eq!(fleet.serving_at(secs(-15)), 3);
    }

    #[test]
    fn new_members_start_then_serve() {
        let mut fleet = Fleet::new(2, 30);
        fleet.scale_to(4, secs(60));
        assert_eq!(fleet.replicas(), 4);
        assert_eq!(fleet.ready(secs(60)), 2);
        assert_eq!(fleet.ready(secs(89)), 2);
        assert_eq!(fleet.ready(secs(90)), 4);
        assert_eq!(fleet.serving_at(secs(45)), 2);
    }

    #[test]
    fn removal_takes_starting_then_newest_and_is_remembered_for_lag() {
        let mut fleet = Fleet::new(2, 30);
        fleet.scale_to(3, secs(0));
        fleet.scale_to(4, secs(100));
        // At 110 the member from 0 serves, the one from 100 is starting.
        fleet.scale_to(2, secs(110));
        let alive: Vec<u32> = fleet.alive().map(|m| m.id).collect();
        assert_eq!(alive, [0, 1], "the starting one and then the newest went");
        // Readings lagging behind the removal still see the removed member serving.
        assert_eq!(fleet.serving_at(secs(100)), 3);
        assert_eq!(fleet.serving_at(secs(110)), 2);
        fleet.forget_removed_before(secs(110));
        assert_eq!(fleet.serving_at(secs(100)), 2);
    }

    #[test]
    fn demand_is_shared_by_serving_members() {
        let mut fleet = Fleet::new(2, 30);
        fleet.scale_to(3, secs(0));
        let demand = Demand {
            rps: None,
            cpu_cores: 1.0,
            memory_bytes: 200.0,
        };
        let at = secs(15);
        let serving = fleet.serving_at(at);
        assert_eq!(serving, 2);
        let usages: Vec<Option<Usage>> = fleet
            .alive()
            .map(|m| usage_at(m, at, &demand, serving, 50.0))
            .collect();
        assert_eq!(
            usages,
            [
                Some(Usage {
                    cpu_cores: 0.5,
                    memory_bytes: 150.0
                }),
                Some(Usage {
                    cpu_cores: 0.5,
                    memory_bytes: 150.0
                }),
                Some(Usage {
                    cpu_cores: 0.0,
                    memory_bytes: 50.0
                }),
            ]
        );
        // Before it was created, and at the instant it was, the new member has no reading.
        let newest = fleet.alive().last().copied().unwrap();
        assert_eq!(usage_at(&newest, secs(-1), &demand, serving, 50.0), None);
        assert_eq!(usage_at(&newest, secs(0), &demand, serving, 50.0), None);
    }

    #[test]
    fn utilization_of_the_serving_pods() {
        let demand = Demand {
            rps: None,
            cpu_cores: 1.4,
            memory_bytes: 0.0,
        };
        let requests = Requests {
            cpu_milli: 500,
            memory_bytes: 1000,
        };
        let (cpu, memory) = serving_utilization(&demand, 2, 250.0, requests).unwrap();
        assert!((cpu - 140.0).abs() < 1e-9);
        assert!((memory - 25.0).abs() < 1e-9);
        assert_eq!(serving_utilization(&demand, 0, 0.0, requests), None);
    }
}
