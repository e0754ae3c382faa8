//! The `autoscale docker` loop driven through its `Engine` trait by an engine that answers
//! with Engine API responses recorded from a real daemon (`tests/fixtures/docker/`): the
//! decision, the naming, the safety rules and the fault handling, without a daemon.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

use bollard::models::{
    ContainerConfig, ContainerCreateBody, ContainerInspectResponse, ContainerStatsResponse,
    ContainerSummary, EndpointSettings,
};
use scalegen::docker::autoscaler::{Autoscaler, DecisionRecord, Event, Settings, Verdict};
use scalegen::docker::config::{AutoscalerConfig, ServiceConfig};
use scalegen::docker::engine::{Engine, EngineError, EngineErrorKind, EngineInfo};
use scalegen::hpa::SimTime;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/docker");

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{FIXTURES}/{name}"))
        .unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

fn tape(name: &str) -> Vec<ContainerStatsResponse> {
    fixture(name)
        .lines()
        .map(|line| serde_json::from_str(line).expect("a recorded stats sample"))
        .collect()
}

fn busy() -> Vec<ContainerStatsResponse> {
    tape("stats-busy.jsonl")
}

fn idle() -> Vec<ContainerStatsResponse> {
    tape("stats-idle.jsonl")
}

/// A just-started container: the engine has no previous sample, so no CPU reading.
fn just_started_then(then: Vec<ContainerStatsResponse>) -> Vec<ContainerStatsResponse> {
    let mut samples = tape("stats-one-shot.json");
    samples.extend(then);
    samples
}

struct Fake {
    id: String,
    name: String,
    state: &'static str,
    created: i64,
    inspect: ContainerInspectResponse,
    tape: Vec<ContainerStatsResponse>,
    cursor: usize,
}

impl Fake {
    fn labels(&self) -> HashMap<String, String> {
        self.inspect
            .config
            .as_ref()
            .and_then(|c| c.labels.clone())
            .unwrap_or_default()
    }

    fn summary(&self) -> ContainerSummary {
        serde_json::from_value(serde_json::json!({
            "Id": self.id,
            "Names": [format!("/{}", self.name)],
            "Labels": self.labels(),
            "State": self.state,
            "Created": self.created,
        }))
        .expect("a summary")
    }
}

/// Knobs for the faults a test injects.
#[derive(Default)]
struct Faults {
    unreachable: bool,
    failing_creates: u32,
    failing_starts: u32,
    /// Names whose next stats request finds them gone (and removes them).
    vanishing: Vec<String>,
    /// At this list request (counting from 1), the named container exits.
    exit_at_list: Option<(usize, String)>,
    /// Containers the loop starts exit before the next evaluation.
    clones_crash: bool,
}

#[derive(Default)]
struct Inner {
    containers: Vec<Fake>,
    next_id: u32,
    clock: i64,
    actions: Vec<String>,
    faults: Faults,
    lists: usize,
    /// The samples a container the loop creates reports.
    new_tape: Vec<ContainerStatsResponse>,
}

/// An engine that answers from recorded responses and records what is asked of it.
#[derive(Default)]
struct RecordedEngine {
    inner: RefCell<Inner>,
}

fn not_found(what: &str) -> EngineError {
    EngineError::new(
        EngineErrorKind::NotFound,
        format!("No such container: {what}"),
    )
}

fn unreachable() -> EngineError {
    EngineError::new(
        EngineErrorKind::Unreachable,
        "the Docker engine at unix:///var/run/docker.sock does not answer: connection refused",
    )
}

impl RecordedEngine {
    /// Adds a running container copied from a recorded inspection, renamed and relabelled.
    fn add(
        &self,
        inspect: &str,
        name: &str,
        labels: &[(&str, &str)],
        tape: Vec<ContainerStatsResponse>,
    ) {
        let mut inner = self.inner.borrow_mut();
        inner.next_id += 1;
        inner.clock += 1;
        let id = format!("{:064x}", inner.next_id);
        let mut inspected: ContainerInspectResponse =
            serde_json::from_str(&fixture(inspect)).expect("a recorded inspection");
        inspected.id = Some(id.clone());
        inspected.name = Some(format!("/{name}"));
        let config = inspected.config.get_or_insert_with(Default::default);
        config.labels = Some(
            labels
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        );
        let created = inner.clock;
        inner.containers.push(Fake {
            id,
            name: name.to_owned(),
            state: "running",
            created,
            inspect: inspected,
            tape,
            cursor: 0,
        });
    }

    fn add_web(&self, project: &str, number: u32, tape: Vec<ContainerStatsResponse>) {
        let n = number.to_string();
        self.add(
            "inspect-shop-web-1.json",
            &format!("{project}-web-{number}"),
            &[
                ("com.docker.compose.project", project),
                ("com.docker.compose.service", "web"),
                ("com.docker.compose.container-number", &n),
                ("com.docker.compose.oneoff", "False"),
            ],
            tape,
        );
    }

    fn set_tape(&self, name: &str, tape: Vec<ContainerStatsResponse>) {
        let mut inner = self.inner.borrow_mut();
        for fake in inner.containers.iter_mut().filter(|f| f.name == name) {
            fake.tape = tape.clone();
            fake.cursor = 0;
        }
    }

    fn set_all_tapes(&self, tape: Vec<ContainerStatsResponse>) {
        let names: Vec<String> = self.running();
        for name in names {
            self.set_tape(&name, tape.clone());
        }
        self.inner.borrow_mut().new_tape = tape;
    }

    fn running(&self) -> Vec<String> {
        self.inner
            .borrow()
            .containers
            .iter()
            .filter(|f| f.state == "running")
            .map(|f| f.name.clone())
            .collect()
    }

    fn actions(&self) -> Vec<String> {
        std::mem::take(&mut self.inner.borrow_mut().actions)
    }

    fn name_of(&self, id: &str) -> String {
        self.inner
            .borrow()
            .containers
            .iter()
            .find(|f| f.id == id)
            .map_or_else(|| id.to_owned(), |f| f.name.clone())
    }
}

impl Engine for RecordedEngine {
    async fn info(&self) -> Result<EngineInfo, EngineError> {
        if self.inner.borrow().faults.unreachable {
            return Err(unreachable());
        }
        Ok(EngineInfo {
            version: "20.10.24+dfsg1".into(),
            host_memory_bytes: 8 << 30,
            cpus: 4,
            cgroup_version: Some("1".into()),
        })
    }

    async fn containers_with_label(
        &self,
        label: &str,
    ) -> Result<Vec<ContainerSummary>, EngineError> {
        let mut inner = self.inner.borrow_mut();
        if inner.faults.unreachable {
            return Err(unreachable());
        }
        inner.lists += 1;
        if let Some((at, name)) = inner.faults.exit_at_list.clone()
            && at == inner.lists
        {
            for fake in inner.containers.iter_mut().filter(|f| f.name == name) {
                fake.state = "exited";
            }
        }
        Ok(inner
            .containers
            .iter()
            .filter(|f| f.labels().contains_key(label))
            .map(Fake::summary)
            .collect())
    }

    async fn inspect(&self, id: &str) -> Result<ContainerInspectResponse, EngineError> {
        let inner = self.inner.borrow();
        inner
            .containers
            .iter()
            .find(|f| f.id == id)
            .map(|f| f.inspect.clone())
            .ok_or_else(|| not_found(id))
    }

    async fn stats(&self, id: &str) -> Result<ContainerStatsResponse, EngineError> {
        let mut inner = self.inner.borrow_mut();
        let Some(index) = inner.containers.iter().position(|f| f.id == id) else {
            return Err(not_found(id));
        };
        let name = inner.containers[index].name.clone();
        if let Some(at) = inner.faults.vanishing.iter().position(|n| *n == name) {
            inner.faults.vanishing.remove(at);
            inner.containers.remove(index);
            return Err(not_found(id));
        }
        let fake = &mut inner.containers[index];
        // Past its end a tape cycles (without its just-started sample); a sample whose counters
        // go backwards reads as a restarted container's, from the engine's own delta.
        let len = fake.tape.len();
        let just_started = |s: &ContainerStatsResponse| {
            s.precpu_stats
                .as_ref()
                .and_then(|p| p.system_cpu_usage)
                .is_none()
        };
        let start = usize::from(len > 1 && just_started(&fake.tape[0]));
        let at = if fake.cursor < len {
            fake.cursor
        } else {
            start + (fake.cursor - start) % (len - start)
        };
        fake.cursor += 1;
        Ok(fake.tape[at].clone())
    }

    async fn create(&self, name: &str, body: ContainerCreateBody) -> Result<String, EngineError> {
        let mut inner = self.inner.borrow_mut();
        inner.actions.push(format!("create {name}"));
        if inner.faults.failing_creates > 0 {
            inner.faults.failing_creates -= 1;
            return Err(EngineError::new(
                EngineErrorKind::Rejected,
                "No such image: scalegen-e2e:busybox",
            ));
        }
        if inner.containers.iter().any(|f| f.name == name) {
            return Err(EngineError::new(
                EngineErrorKind::Conflict,
                format!("Conflict. The container name \"/{name}\" is already in use"),
            ));
        }
        inner.next_id += 1;
        inner.clock += 1;
        let id = format!("{:064x}", inner.next_id);
        let config: ContainerConfig =
            serde_json::from_value(serde_json::to_value(&body).expect("serializable"))
                .expect("a create body reads as a container config");
        let inspect = ContainerInspectResponse {
            id: Some(id.clone()),
            name: Some(format!("/{name}")),
            config: Some(config),
            host_config: body.host_config.clone(),
            ..Default::default()
        };
        let created = inner.clock;
        let tape = inner.new_tape.clone();
        inner.containers.push(Fake {
            id: id.clone(),
            name: name.to_owned(),
            state: "created",
            created,
            inspect,
            tape,
            cursor: 0,
        });
        Ok(id)
    }

    async fn connect(
        &self,
        id: &str,
        network: &str,
        _endpoint: EndpointSettings,
    ) -> Result<(), EngineError> {
        let name = self.name_of(id);
        self.inner
            .borrow_mut()
            .actions
            .push(format!("connect {name} {network}"));
        Ok(())
    }

    async fn start(&self, id: &str) -> Result<(), EngineError> {
        let name = self.name_of(id);
        let mut inner = self.inner.borrow_mut();
        inner.actions.push(format!("start {name}"));
        if inner.faults.failing_starts > 0 {
            inner.faults.failing_starts -= 1;
            return Err(EngineError::new(
                EngineErrorKind::Rejected,
                "driver failed programming external connectivity: port is already allocated",
            ));
        }
        let crash = inner.faults.clones_crash;
        let fake = inner
            .containers
            .iter_mut()
            .find(|f| f.id == id)
            .ok_or_else(|| not_found(id))?;
        fake.state = if crash { "exited" } else { "running" };
        Ok(())
    }

    async fn stop(&self, id: &str, timeout_seconds: i64) -> Result<(), EngineError> {
        let name = self.name_of(id);
        let mut inner = self.inner.borrow_mut();
        inner
            .actions
            .push(format!("stop {name} {timeout_seconds}s"));
        let fake = inner
            .containers
            .iter_mut()
            .find(|f| f.id == id)
            .ok_or_else(|| not_found(id))?;
        fake.state = "exited";
        Ok(())
    }

    async fn remove(&self, id: &str) -> Result<(), EngineError> {
        let name = self.name_of(id);
        let mut inner = self.inner.borrow_mut();
        inner.actions.push(format!("remove {name}"));
        let before = inner.containers.len();
        inner.containers.retain(|f| f.id != id);
        if inner.containers.len() == before {
            return Err(not_found(id));
        }
        Ok(())
    }
}

/// `web`: 1..4 replicas on CPU against each container's 1-core limit; up above 50% at once,
/// two containers a minute; down below 20% after a minute, one container per 30s.
fn web_config(min: i32, max: i32) -> AutoscalerConfig {
    let service: ServiceConfig = serde_json::from_value(serde_json::json!({
        "composeService": "web",
        "minReplicas": min,
        "maxReplicas": max,
        "metrics": ["cpu"],
        "utilization": {"basis": "limit"},
        "scaleUp": {"thresholds": {"cpu": 50}, "window": "0s",
                    "policies": [{"pods": 2, "period": "60s"}], "select": "max"},
        "scaleDown": {"thresholds": {"cpu": 20}, "window": "60s",
                      "policies": [{"pods": 1, "period": "30s"}], "select": "min"},
    }))
    .expect("a service config");
    serde_json::from_value(serde_json::json!({
        "version": 1,
        "interval": "15s",
        "services": {"web": service},
    }))
    .expect("a config")
}

fn settings(project: Option<&str>, dry_run: bool) -> Settings {
    Settings {
        project: project.map(str::to_owned),
        interval: std::time::Duration::from_secs(15),
        dry_run,
        once: false,
    }
}

/// Runs one evaluation at `seconds` and returns its events.
async fn tick(autoscaler: &mut Autoscaler<RecordedEngine>, seconds: i64) -> Vec<Event> {
    tick_stopping(autoscaler, seconds, false).await
}

async fn tick_stopping(
    autoscaler: &mut Autoscaler<RecordedEngine>,
    seconds: i64,
    stopping: bool,
) -> Vec<Event> {
    let mut events = Vec::new();
    autoscaler
        .evaluate(SimTime::from_secs(seconds), &|| stopping, &mut |e| {
            events.push(e)
        })
        .await;
    events
}

fn decisions(events: &[Event]) -> Vec<&DecisionRecord> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Decision(d) => Some(d),
            _ => None,
        })
        .collect()
}

fn decision(events: &[Event]) -> &DecisionRecord {
    match decisions(events).as_slice() {
        [one] => one,
        other => panic!("expected one decision, got {other:?} in {events:?}"),
    }
}

fn faults(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Fault { message, .. } => Some(message.clone()),
            _ => None,
        })
        .collect()
}

/// One line per event, for snapshots.
fn transcript(seconds: i64, events: &[Event]) -> String {
    let mut text = String::new();
    for event in events {
        let line = match event {
            Event::Notice { service, message } => {
                format!("note {}: {message}", service.as_deref().unwrap_or("-"))
            }
            Event::Fault { service, message } => {
                format!("fault {}: {message}", service.as_deref().unwrap_or("-"))
            }
            Event::Action { service, message } => format!("action {service}: {message}"),
            Event::Decision(d) => format!(
                "decision {}: replicas {}→{} (desired {}) cpu {} unmeasured {}: {} — {}",
                d.service,
                d.replicas,
                d.after,
                d.desired,
                d.cpu.map_or("-".into(), |c| format!("{c}%")),
                d.unmeasured,
                d.decision.as_str(),
                d.reason
            ),
        };
        text.push_str(&format!("{seconds:>4}s {line}\n"));
    }
    text
}

#[tokio::test]
async fn scales_up_under_load_within_the_step_policy_naming_replicas_as_compose_does() {
    let engine = RecordedEngine::default();
    engine.add_web("shop", 1, busy());
    engine.inner.borrow_mut().new_tape = just_started_then(busy());
    let mut autoscaler = Autoscaler::new(engine, web_config(1, 4), settings(None, false));
    let mut log = String::new();
    let mut replicas = Vec::new();
    let mut actions = Vec::new();
    for seconds in (0..=120).step_by(15) {
        let events = tick(&mut autoscaler, seconds).await;
        log.push_str(&transcript(seconds, &events));
        let d = decision(&events);
        replicas.push(d.after);
        actions.extend(autoscaler.engine().actions());
    }
    // 0s: 1 at 89% wants 2. 15s: the new container has no reading yet and counts as 0%
    // (44% average): hold. 30s: both busy want 4, but 2 per minute allows 3 until the first
    // step is a minute old; 60s: 4, the maximum.
    assert_eq!(replicas, [2, 2, 3, 3, 4, 4, 4, 4, 4], "{log}");
    assert_eq!(
        actions,
        [
            "create shop-web-2",
            "start shop-web-2",
            "create shop-web-3",
            "start shop-web-3",
            "create shop-web-4",
            "start shop-web-4",
        ]
    );
    insta::assert_snapshot!(log);
}

#[tokio::test]
async fn scales_down_newest_first_after_the_window_and_never_below_min() {
    let engine = RecordedEngine::default();
    for number in 1..=3 {
        engine.add_web("shop", number, idle());
    }
    let mut autoscaler = Autoscaler::new(engine, web_config(1, 4), settings(None, false));
    let mut log = String::new();
    let mut replicas = Vec::new();
    let mut actions = Vec::new();
    for seconds in (0..=180).step_by(15) {
        let events = tick(&mut autoscaler, seconds).await;
        log.push_str(&transcript(seconds, &events));
        replicas.push(decision(&events).after);
        actions.extend(autoscaler.engine().actions());
    }
    // The start counts as a recommendation of 3 for the 60s window; then one per 30s, to min.
    assert_eq!(replicas, [3, 3, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1], "{log}");
    assert_eq!(
        actions,
        [
            "stop shop-web-3 5s",
            "remove shop-web-3",
            "stop shop-web-2 5s",
            "remove shop-web-2",
        ]
    );
    assert_eq!(autoscaler.engine().running(), ["shop-web-1"]);
    insta::assert_snapshot!(log);
}

#[tokio::test]
async fn never_touches_other_services_or_projects() {
    let engine = RecordedEngine::default();
    engine.add_web("shop", 1, busy());
    engine.add_web("staging", 1, idle());
    engine.add_web("staging", 2, idle());
    engine.add(
        "inspect-shop-api-1.json",
        "shop-api-1",
        &[
            ("com.docker.compose.project", "shop"),
            ("com.docker.compose.service", "api"),
            ("com.docker.compose.container-number", "1"),
        ],
        idle(),
    );
    engine.add(
        "inspect-batch-worker-1.json",
        "db",
        &[("owner", "someone")],
        idle(),
    );
    engine.inner.borrow_mut().new_tape = busy();
    let mut autoscaler = Autoscaler::new(engine, web_config(1, 3), settings(Some("shop"), false));
    let mut all_actions = Vec::new();
    for seconds in (0..=60).step_by(15) {
        tick(&mut autoscaler, seconds).await;
    }
    all_actions.extend(autoscaler.engine().actions());
    autoscaler.engine().set_all_tapes(idle());
    for seconds in (75..=300).step_by(15) {
        tick(&mut autoscaler, seconds).await;
    }
    all_actions.extend(autoscaler.engine().actions());
    assert!(!all_actions.is_empty());
    for action in &all_actions {
        assert!(
            action.contains("shop-web-"),
            "{action} touches another container"
        );
    }
    assert!(
        all_actions.contains(&"remove shop-web-3".to_owned()),
        "{all_actions:?}"
    );
    let mut running = autoscaler.engine().running();
    running.sort();
    assert_eq!(
        running,
        [
            "db",
            "shop-api-1",
            "shop-web-1",
            "staging-web-1",
            "staging-web-2"
        ]
    );
}

#[tokio::test]
async fn several_projects_without_project_is_a_fault_and_nothing_changes() {
    let engine = RecordedEngine::default();
    engine.add_web("shop", 1, busy());
    engine.add_web("staging", 1, busy());
    let mut autoscaler = Autoscaler::new(engine, web_config(1, 3), settings(None, false));
    let events = tick(&mut autoscaler, 0).await;
    assert_eq!(decision(&events).decision, Verdict::Skip);
    assert_eq!(
        faults(&events),
        [
            "containers of service `web` belong to Compose project `shop` and Compose project \
          `staging`; pass `--project NAME` to choose one"
        ]
    );
    assert!(autoscaler.engine().actions().is_empty());
}

#[tokio::test]
async fn a_failed_create_is_not_counted_and_the_next_evaluation_retries() {
    let engine = RecordedEngine::default();
    engine.add_web("shop", 1, busy());
    engine.inner.borrow_mut().new_tape = busy();
    engine.inner.borrow_mut().faults.failing_creates = 1;
    let mut autoscaler = Autoscaler::new(engine, web_config(1, 4), settings(None, false));
    let events = tick(&mut autoscaler, 0).await;
    let d = decision(&events);
    assert_eq!((d.replicas, d.desired, d.after), (1, 2, 1));
    assert!(d.created.is_empty());
    assert_eq!(
        faults(&events),
        [
            "could not create shop-web-2: No such image: scalegen-e2e:busybox; not counted, the \
          next evaluation retries"
        ]
    );
    assert_eq!(autoscaler.engine().actions(), ["create shop-web-2"]);
    // Nothing was recorded as a change, so the policy still allows the step.
    let events = tick(&mut autoscaler, 15).await;
    let d = decision(&events);
    assert_eq!((d.replicas, d.after), (1, 2), "{events:?}");
    assert_eq!(d.created, ["shop-web-2"]);
}

#[tokio::test]
async fn a_container_that_does_not_start_is_removed_again_and_not_counted() {
    let engine = RecordedEngine::default();
    engine.add_web("shop", 1, busy());
    engine.inner.borrow_mut().faults.failing_starts = 1;
    let mut autoscaler = Autoscaler::new(engine, web_config(1, 4), settings(None, false));
    let events = tick(&mut autoscaler, 0).await;
    assert_eq!(decision(&events).after, 1);
    assert_eq!(
        autoscaler.engine().actions(),
        ["create shop-web-2", "start shop-web-2", "remove shop-web-2"]
    );
    assert_eq!(
        faults(&events),
        [
            "created shop-web-2 but it did not start: driver failed programming external \
          connectivity: port is already allocated; removed it again; not counted, the next \
          evaluation retries"
        ]
    );
}

#[tokio::test]
async fn a_clone_on_several_networks_is_connected_before_it_starts() {
    let engine = RecordedEngine::default();
    engine.add(
        "inspect-shop-api-1.json",
        "shop-api-1",
        &[
            ("com.docker.compose.project", "shop"),
            ("com.docker.compose.service", "web"),
            ("com.docker.compose.container-number", "1"),
        ],
        busy(),
    );
    engine.inner.borrow_mut().new_tape = busy();
    let mut autoscaler = Autoscaler::new(engine, web_config(1, 4), settings(None, false));
    // 89% of one core is 177% of this container's half-core limit: 4 wanted, 3 allowed.
    tick(&mut autoscaler, 0).await;
    assert_eq!(
        autoscaler.engine().actions(),
        [
            "create shop-web-2",
            "connect shop-web-2 e2e_back",
            "start shop-web-2",
            "create shop-web-3",
            "connect shop-web-3 e2e_back",
            "start shop-web-3",
        ]
    );
}

#[tokio::test]
async fn the_engine_being_unreachable_is_reported_and_the_loop_carries_on() {
    let engine = RecordedEngine::default();
    engine.add_web("shop", 1, busy());
    engine.inner.borrow_mut().faults.unreachable = true;
    let mut autoscaler = Autoscaler::new(engine, web_config(1, 4), settings(None, false));
    let events = tick(&mut autoscaler, 0).await;
    assert!(decisions(&events).is_empty());
    assert_eq!(
        faults(&events),
        [
            "the Docker engine at unix:///var/run/docker.sock does not answer: connection refused; \
          nothing was changed, retrying in 15s"
        ]
    );
    autoscaler.engine().inner.borrow_mut().faults.unreachable = false;
    let events = tick(&mut autoscaler, 15).await;
    assert!(matches!(
        events.first(),
        Some(Event::Notice { message, .. }) if message == "Docker engine 20.10.24+dfsg1 (4 CPUs, 8GiB memory, cgroup v1)"
    ));
    assert_eq!(decision(&events).decision, Verdict::Up);
}

#[tokio::test]
async fn a_container_vanishing_mid_decision_is_reported_and_not_counted() {
    let engine = RecordedEngine::default();
    for number in 1..=3 {
        engine.add_web("shop", number, idle());
    }
    engine.inner.borrow_mut().faults.vanishing = vec!["shop-web-2".into()];
    let mut autoscaler = Autoscaler::new(engine, web_config(1, 4), settings(None, false));
    let events = tick(&mut autoscaler, 0).await;
    assert_eq!(
        faults(&events),
        ["container shop-web-2 vanished while it was being measured; not counted"]
    );
    let d = decision(&events);
    assert_eq!((d.replicas, d.after), (2, 2));
    let events = tick(&mut autoscaler, 15).await;
    assert!(faults(&events).is_empty(), "{events:?}");
}

#[tokio::test]
async fn scale_down_recounts_first_and_removes_none_when_a_container_died_meanwhile() {
    let engine = RecordedEngine::default();
    for number in 1..=3 {
        engine.add_web("shop", number, idle());
    }
    let mut autoscaler = Autoscaler::new(engine, web_config(2, 4), settings(None, false));
    for seconds in (0..=45).step_by(15) {
        tick(&mut autoscaler, seconds).await;
    }
    // At 60s the model wants 2; by the time of the recount (the evaluation's third list
    // request) shop-web-1 has died, so 2 are live and none may go.
    {
        let mut inner = autoscaler.engine().inner.borrow_mut();
        let lists = inner.lists;
        inner.faults.exit_at_list = Some((lists + 3, "shop-web-1".into()));
    }
    let events = tick(&mut autoscaler, 60).await;
    let d = decision(&events);
    assert_eq!((d.replicas, d.desired, d.after), (3, 2, 2), "{events:?}");
    assert!(d.removed.is_empty());
    assert!(autoscaler.engine().actions().is_empty());
    assert_eq!(autoscaler.engine().running(), ["shop-web-2", "shop-web-3"]);
}

#[tokio::test]
async fn below_min_starts_containers_and_a_crashing_clone_pauses_creates() {
    let engine = RecordedEngine::default();
    engine.add_web("shop", 1, idle());
    engine.inner.borrow_mut().new_tape = idle();
    engine.inner.borrow_mut().faults.clones_crash = true;
    let mut autoscaler = Autoscaler::new(engine, web_config(3, 4), settings(None, false));
    let events = tick(&mut autoscaler, 0).await;
    let d = decision(&events);
    assert_eq!(
        (d.replicas, d.desired, d.after, d.reason.as_str()),
        (1, 3, 3, "1 live container, below minReplicas 3")
    );
    autoscaler.engine().actions();
    // Both clones exited: creates pause for one interval, then for two.
    let events = tick(&mut autoscaler, 15).await;
    assert_eq!(decision(&events).after, 1);
    let faults_seen = faults(&events);
    assert_eq!(faults_seen.len(), 3, "{faults_seen:?}");
    assert!(faults_seen[0].starts_with("container shop-web-2 (started by scalegen) has exited"));
    assert_eq!(
        faults_seen[2],
        "not starting containers: one scalegen started exited; retrying in 15s"
    );
    assert!(autoscaler.engine().actions().is_empty());
    // After the pause it tries again (and they crash again: a longer pause).
    let events = tick(&mut autoscaler, 30).await;
    assert_eq!(decision(&events).created, ["shop-web-4", "shop-web-5"]);
    autoscaler.engine().actions();
    let events = tick(&mut autoscaler, 45).await;
    assert!(
        faults(&events)
            .iter()
            .any(|f| f.contains("retrying in 30s")),
        "{events:?}"
    );
}

#[tokio::test]
async fn dry_run_decides_and_changes_nothing() {
    let engine = RecordedEngine::default();
    engine.add_web("shop", 1, busy());
    let mut autoscaler = Autoscaler::new(engine, web_config(1, 4), settings(None, true));
    let events = tick(&mut autoscaler, 0).await;
    let d = decision(&events);
    assert_eq!(
        (d.decision, d.replicas, d.desired, d.after, d.dry_run),
        (Verdict::Up, 1, 2, 1, true)
    );
    assert!(autoscaler.engine().actions().is_empty());
}

#[tokio::test]
async fn after_ctrl_c_no_change_is_started() {
    let engine = RecordedEngine::default();
    engine.add_web("shop", 1, busy());
    let mut autoscaler = Autoscaler::new(engine, web_config(1, 4), settings(None, false));
    let events = tick_stopping(&mut autoscaler, 0, true).await;
    assert!(decisions(&events).is_empty(), "{events:?}");
    assert!(autoscaler.engine().actions().is_empty());
}

#[tokio::test]
async fn the_basis_is_announced_once_per_service() {
    let engine = RecordedEngine::default();
    engine.add_web("shop", 1, idle());
    let mut autoscaler = Autoscaler::new(engine, web_config(1, 4), settings(None, false));
    let notices = |events: &[Event]| -> Vec<String> {
        events
            .iter()
            .filter_map(|e| match e {
                Event::Notice { message, .. } => Some(message.clone()),
                _ => None,
            })
            .collect()
    };
    let first = tick(&mut autoscaler, 0).await;
    assert_eq!(
        notices(&first),
        [
            "Docker engine 20.10.24+dfsg1 (4 CPUs, 8GiB memory, cgroup v1)",
            "utilization is measured per container as cpu of the container's limit (1 core)"
        ]
    );
    let second = tick(&mut autoscaler, 15).await;
    assert!(notices(&second).is_empty());
    let config = autoscaler.describe_config();
    let described: BTreeMap<String, String> = config
        .iter()
        .filter_map(|e| match e {
            Event::Notice { service, message } => Some((service.clone()?, message.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(
        described["web"],
        "compose service `web`, 1..4 replicas; up when any of cpu 50% is exceeded (window 0s), \
         down when all are below cpu 20% (window 60s); no request configured: utilization is a \
         percent of each container's limit (`--cpus`, `--memory`); without a limit, of one core \
         and of the host's memory"
    );
}
