//! `scalegen autoscale docker` against a real Docker engine: the test starts a private
//! `dockerd` (its own data root, exec root, pid file and socket under a temp dir, no iptables,
//! no bridge, the vfs storage driver), builds a tiny image from the static busybox binary with
//! `docker import`, starts a Compose-labelled service whose containers burn a core while a
//! file on a shared mount exists, runs the real binary with a 1s interval and short windows,
//! and watches it scale the service up to its maximum under load, one step per policy period,
//! and back down to its minimum after the window once the load stops, leaving every other
//! container alone.
//!
//! Needs root and `apt-get install docker.io busybox-static` (`.ci/run` installs both). Where no
//! engine can be started (not root, no `dockerd`, a kernel without the features it needs) and
//! none is reachable, the test says so and passes; anything after the engine answers must work.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const IMAGE: &str = "scalegen-e2e:busybox";
const PROJECT: &str = "sgtest";
const OTHER_PROJECT: &str = "sgother";

/// Burns one core while `/load/on` exists, idles otherwise; stops at once on SIGTERM.
const BURNER: &str = "trap 'exit 0' TERM; while :; do if [ -e /load/on ]; then yes > /dev/null & \
                      p=$!; sleep 1; kill $p; else sleep 0.5; fi; done";

/// Writes past the test harness's output capture, so a skip is visible in `cargo test`.
fn say(message: &str) {
    let _ = writeln!(std::io::stderr(), "autoscale_e2e: {message}");
}

fn skip(reason: &str) {
    say(&format!("SKIPPED: {reason}"));
}

fn find_program(name: &str, extra: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .chain(extra.iter().map(PathBuf::from))
        .find(|candidate| candidate.is_file())
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status").is_ok_and(|status| {
        status
            .lines()
            .find(|l| l.starts_with("Uid:"))
            .and_then(|l| l.split_whitespace().nth(2))
            == Some("0")
    })
}

/// A Docker engine for the test: a private `dockerd` (stopped on drop, whatever happens), or
/// one that was already reachable (only the test's own containers are removed on drop).
struct Engine {
    /// `unix:///tmp/.../docker.sock`.
    host: String,
    docker: PathBuf,
    daemon: Option<Child>,
    dir: tempfile::TempDir,
}

impl Engine {
    fn start() -> Result<Engine, String> {
        let dir = tempfile::Builder::new()
            .prefix("sge2e")
            .tempdir_in("/tmp")
            .map_err(|e| format!("cannot make a temp dir: {e}"))?;
        let docker =
            find_program("docker", &[]).ok_or("no `docker` CLI (apt-get install docker.io)")?;
        let private = Self::start_private(&dir, &docker);
        match private {
            Ok((host, daemon)) => Ok(Engine {
                host,
                docker,
                daemon: Some(daemon),
                dir,
            }),
            Err(why) => {
                // No private engine: use one that already answers, if any.
                let host = std::env::var("DOCKER_HOST")
                    .unwrap_or_else(|_| "unix:///var/run/docker.sock".into());
                let engine = Engine {
                    host,
                    docker,
                    daemon: None,
                    dir,
                };
                if engine.docker(&["version"]).status.success() {
                    say(&format!(
                        "no private dockerd ({why}); using the engine at {}",
                        engine.host
                    ));
                    Ok(engine)
                } else {
                    Err(why)
                }
            }
        }
    }

    fn start_private(dir: &tempfile::TempDir, docker: &Path) -> Result<(String, Child), String> {
        if !is_root() {
            return Err("dockerd needs root".into());
        }
        let dockerd = find_program("dockerd", &["/usr/sbin/dockerd", "/usr/bin/dockerd"])
            .ok_or("no `dockerd` (apt-get install docker.io)")?;
        let root = dir.path();
        let socket = root.join("docker.sock");
        let host = format!("unix://{}", socket.display());
        let log = std::fs::File::create(root.join("dockerd.log"))
            .map_err(|e| format!("cannot write the dockerd log: {e}"))?;
        let mut daemon = Command::new(dockerd)
            .args(["--iptables=false", "--bridge=none", "--storage-driver=vfs"])
            .arg("--data-root")
            .arg(root.join("data"))
            .arg("--exec-root")
            .arg(root.join("exec"))
            .arg("--pidfile")
            .arg(root.join("dockerd.pid"))
            .arg("--host")
            .arg(&host)
            .stdin(Stdio::null())
            .stdout(log.try_clone().map_err(|e| e.to_string())?)
            .stderr(log)
            .spawn()
            .map_err(|e| format!("cannot run dockerd: {e}"))?;
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(Some(status)) = daemon.try_wait() {
                return Err(format!(
                    "dockerd exited ({status}) at start:\n{}",
                    tail(&root.join("dockerd.log"))
                ));
            }
            let answer = Command::new(docker)
                .args(["version", "--format", "{{.Server.Version}}"])
                .env("DOCKER_HOST", &host)
                .output();
            if answer.is_ok_and(|o| o.status.success()) {
                return Ok((host, daemon));
            }
            if Instant::now() > deadline {
                let _ = daemon.kill();
                let _ = daemon.wait();
                return Err(format!(
                    "dockerd did not answer within 30s:\n{}",
                    tail(&root.join("dockerd.log"))
                ));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn docker(&self, args: &[&str]) -> Output {
        Command::new(&self.docker)
            .args(args)
            .env("DOCKER_HOST", &self.host)
            .stdin(Stdio::null())
            .output()
            .expect("the docker CLI runs")
    }

    /// Runs a docker command that must succeed; returns its trimmed stdout.
    fn must(&self, args: &[&str]) -> String {
        let output = self.docker(args);
        assert!(
            output.status.success(),
            "docker {} failed: {}{}",
            args.join(" "),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    }

    /// Names and IDs of the running containers of a project's service, sorted by name.
    fn running(&self, project: &str, service: &str) -> Vec<(String, String)> {
        let project = format!("label=com.docker.compose.project={project}");
        let service = format!("label=com.docker.compose.service={service}");
        let listed = self.must(&[
            "ps",
            "--filter",
            &project,
            "--filter",
            &service,
            "--format",
            "{{.Names}} {{.ID}}",
        ]);
        let mut running: Vec<(String, String)> = listed
            .lines()
            .filter_map(|l| {
                let (name, id) = l.split_once(' ')?;
                Some((name.to_owned(), id.to_owned()))
            })
            .collect();
        running.sort();
        running
    }

    fn remove_test_containers(&self) {
        for project in [PROJECT, OTHER_PROJECT] {
            let filter = format!("label=com.docker.compose.project={project}");
            let ids = self.docker(&["ps", "-aq", "--filter", &filter]);
            let ids = String::from_utf8_lossy(&ids.stdout).to_string();
            let ids: Vec<&str> = ids.split_whitespace().collect();
            if !ids.is_empty() {
                let mut args = vec!["rm", "-f"];
                args.extend(ids);
                self.docker(&args);
            }
        }
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        self.remove_test_containers();
        let Some(daemon) = &mut self.daemon else {
            self.docker(&["rmi", IMAGE]);
            return;
        };
        let _ = Command::new("kill")
            .args(["-TERM", &daemon.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(20);
        while daemon.try_wait().ok().flatten().is_none() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = daemon.kill();
        let _ = daemon.wait();
        // dockerd stops the containerd it started; after a SIGKILL that one may be left.
        let containerd_pid = self.dir.path().join("exec/containerd/containerd.pid");
        if let Ok(pid) = std::fs::read_to_string(containerd_pid) {
            let pid = pid.trim();
            if !pid.is_empty() && Path::new(&format!("/proc/{pid}")).exists() {
                let _ = Command::new("kill").args(["-KILL", pid]).status();
            }
        }
    }
}

fn tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(15)..].join("\n")
}

/// The autoscaler subprocess; killed on drop if the test ends early.
struct Autoscale {
    child: Child,
    lines: mpsc::Receiver<(Instant, serde_json::Value)>,
    seen: Vec<(Instant, serde_json::Value)>,
    stderr: PathBuf,
}

impl Autoscale {
    fn start(engine: &Engine, config: &Path) -> Autoscale {
        let stderr = engine.dir.path().join("autoscale.stderr");
        let mut child = Command::new(env!("CARGO_BIN_EXE_scalegen"))
            .args(["autoscale", "docker", "--config"])
            .arg(config)
            .args(["--project", PROJECT, "--interval", "1s", "--format", "json"])
            .env("DOCKER_HOST", &engine.host)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr).expect("a stderr file"))
            .spawn()
            .expect("the scalegen binary runs");
        let stdout = child.stdout.take().expect("piped stdout");
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let value = serde_json::from_str(&line)
                    .unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"));
                if sender.send((Instant::now(), value)).is_err() {
                    break;
                }
            }
        });
        Autoscale {
            child,
            lines,
            seen: Vec::new(),
            stderr,
        }
    }

    /// Reads events until a decision satisfies `done`, or fails after `limit`.
    fn wait_for(
        &mut self,
        what: &str,
        limit: Duration,
        done: impl Fn(&serde_json::Value) -> bool,
    ) -> Instant {
        let deadline = Instant::now() + limit;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok((at, event)) => {
                    let matched = event["event"] == "decision" && done(&event);
                    self.seen.push((at, event));
                    if matched {
                        return at;
                    }
                }
                Err(_) => panic!(
                    "no {what} within {limit:?}; the autoscaler said:\n{}",
                    self.transcript()
                ),
            }
        }
    }

    /// Decisions seen since `from`, with their arrival times.
    fn decisions_since(&self, from: Instant) -> Vec<(Instant, &serde_json::Value)> {
        self.seen
            .iter()
            .filter(|(at, e)| *at >= from && e["event"] == "decision")
            .map(|(at, e)| (*at, e))
            .collect()
    }

    /// Whether an evaluation strictly between two decisions was held back for `reason`: the
    /// policy period shows in the decisions themselves, whatever the machine's load does to
    /// their timing.
    fn held_between(&self, from: Instant, to: Instant, reason: &str) -> bool {
        self.decisions_since(from).iter().any(|(at, d)| {
            *at > from
                && *at < to
                && d["after"] == d["replicas"]
                && d["reason"].as_str().is_some_and(|r| r.contains(reason))
        })
    }

    fn transcript(&self) -> String {
        let mut text: String = self.seen.iter().map(|(_, e)| format!("{e}\n")).collect();
        text.push_str(&std::fs::read_to_string(&self.stderr).unwrap_or_default());
        text
    }
}

impl Drop for Autoscale {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn build_image(engine: &Engine) {
    let busybox = find_program("busybox", &["/bin/busybox", "/usr/bin/busybox"])
        .expect("no busybox: apt-get install busybox-static");
    let root = engine.dir.path().join("image");
    std::fs::create_dir_all(root.join("bin")).expect("image dir");
    std::fs::create_dir_all(root.join("tmp")).expect("image tmp");
    std::fs::copy(&busybox, root.join("bin/busybox")).expect("copy busybox");
    for applet in ["sh", "sleep", "yes", "kill", "rm", "touch", "test", "cat"] {
        std::os::unix::fs::symlink("busybox", root.join("bin").join(applet)).expect("symlink");
    }
    let tar = engine.dir.path().join("image.tar");
    let status = Command::new("tar")
        .arg("-C")
        .arg(&root)
        .arg("-cf")
        .arg(&tar)
        .arg(".")
        .status()
        .expect("tar runs");
    assert!(status.success(), "tar failed");
    engine.must(&["import", &tar.display().to_string(), IMAGE]);
}

/// Starts a container labelled as Compose labels its service containers.
fn start_service_container(engine: &Engine, project: &str, service: &str, load: &Path) -> String {
    let name = format!("{project}-{service}-1");
    let labels = [
        format!("com.docker.compose.project={project}"),
        format!("com.docker.compose.service={service}"),
        "com.docker.compose.container-number=1".to_owned(),
        "com.docker.compose.oneoff=False".to_owned(),
    ];
    let mount = format!("{}:/load:ro", load.display());
    let mut args = vec![
        "run",
        "-d",
        "--name",
        &name,
        "--network",
        "none",
        "--stop-timeout",
        "3",
        "--memory",
        "64m",
        "-v",
        &mount,
    ];
    for label in &labels {
        args.extend(["--label", label]);
    }
    args.extend([IMAGE, "sh", "-c", BURNER]);
    engine.must(&args)
}

const CONFIG: &str = "\
version: 1
interval: 1s
services:
  burner:
    composeService: burner
    minReplicas: 1
    maxReplicas: 3
    metrics: [cpu]
    utilization:
      basis: request
      requests: { cpu: 50m }
    scaleUp:
      thresholds: { cpu: 60 }
      window: 0s
      policies: [{ pods: 1, period: 3s }]
      select: max
    scaleDown:
      thresholds: { cpu: 20 }
      window: 6s
      policies: [{ pods: 1, period: 3s }]
      select: min
";

const SCALE_DOWN_WINDOW: Duration = Duration::from_secs(6);

#[test]
fn scales_a_cpu_bound_compose_service_up_under_load_and_back_to_min() {
    let engine = match Engine::start() {
        Ok(engine) => engine,
        Err(why) => {
            skip(&format!(
                "no Docker engine can be started here and none is reachable: {why}"
            ));
            return;
        }
    };
    let started = Instant::now();
    build_image(&engine);
    let load = engine.dir.path().join("load");
    std::fs::create_dir_all(&load).expect("load dir");
    let idle = engine.dir.path().join("idle");
    std::fs::create_dir_all(&idle).expect("idle dir");
    let burner_1 = start_service_container(&engine, PROJECT, "burner", &load);
    // Bystanders, idle: another service of the project, the same service in another project.
    let other_service = start_service_container(&engine, PROJECT, "other", &idle);
    let other_project = start_service_container(&engine, OTHER_PROJECT, "burner", &idle);
    let config = engine.dir.path().join("autoscaler.yaml");
    std::fs::write(&config, CONFIG).expect("config written");

    let mut autoscale = Autoscale::start(&engine, &config);
    // Idle: one container, held at the minimum.
    autoscale.wait_for("first decision", Duration::from_secs(20), |d| {
        d["service"] == "burner" && d["replicas"] == 1
    });

    // Load: every container burns what CPU it gets (a core on an idle machine), many times its
    // 50m request even on a machine busy with other work.
    std::fs::write(load.join("on"), "").expect("load on");
    let load_on = Instant::now();
    autoscale.wait_for("scale-up to 3", Duration::from_secs(60), |d| {
        d["after"] == 3
    });
    let ups: Vec<(Instant, serde_json::Value)> = autoscale
        .decisions_since(load_on)
        .into_iter()
        .filter(|(_, d)| d["decision"] == "up" && d["after"] != d["replicas"])
        .map(|(at, d)| (at, d.clone()))
        .collect();
    let steps: Vec<(i64, i64)> = ups
        .iter()
        .map(|(_, d)| {
            (
                d["replicas"].as_i64().unwrap_or(-1),
                d["after"].as_i64().unwrap_or(-1),
            )
        })
        .collect();
    assert_eq!(
        steps,
        [(1, 2), (2, 3)],
        "one container per step:\n{}",
        autoscale.transcript()
    );
    for (_, d) in &ups {
        let reason = d["reason"].as_str().unwrap_or_default();
        assert!(reason.starts_with("cpu "), "the rule that fired: {reason}");
        assert!(d["cpu"].as_f64().unwrap_or(0.0) > 60.0, "{d}");
    }
    assert!(
        autoscale.held_between(ups[0].0, ups[1].0, "held by the scale-up policies"),
        "the second step waited for the policy period (one container per 3s):\n{}",
        autoscale.transcript()
    );
    assert_eq!(
        ups.iter()
            .flat_map(|(_, d)| d["created"].as_array().cloned().unwrap_or_default())
            .collect::<Vec<_>>(),
        ["sgtest-burner-2", "sgtest-burner-3"]
    );
    let running = engine.running(PROJECT, "burner");
    assert_eq!(
        running
            .iter()
            .map(|(name, _)| name.as_str())
            .collect::<Vec<_>>(),
        ["sgtest-burner-1", "sgtest-burner-2", "sgtest-burner-3"]
    );
    // The copies are Compose's: numbered, not one-off, same mount and stop timeout.
    let copy = engine.must(&[
        "inspect",
        "sgtest-burner-3",
        "--format",
        "{{index .Config.Labels \"com.docker.compose.container-number\"}} \
         {{index .Config.Labels \"com.docker.compose.oneoff\"}} {{.Config.StopTimeout}} \
         {{range .Mounts}}{{.Destination}}{{end}} {{.HostConfig.NetworkMode}}",
    ]);
    assert_eq!(copy, "3 False 3 /load none");

    // Load off: back to the minimum, not before the window, one per period, newest first.
    std::fs::remove_file(load.join("on")).expect("load off");
    let load_off = Instant::now();
    autoscale.wait_for("scale-down to 1", Duration::from_secs(60), |d| {
        d["after"] == 1
    });
    let downs: Vec<(Instant, serde_json::Value)> = autoscale
        .decisions_since(load_off)
        .into_iter()
        .filter(|(_, d)| d["decision"] == "down" && d["after"] != d["replicas"])
        .map(|(at, d)| (at, d.clone()))
        .collect();
    let removed: Vec<serde_json::Value> = downs
        .iter()
        .flat_map(|(_, d)| d["removed"].as_array().cloned().unwrap_or_default())
        .collect();
    assert_eq!(
        removed,
        ["sgtest-burner-3", "sgtest-burner-2"],
        "{}",
        autoscale.transcript()
    );
    assert!(
        downs[0].0.duration_since(load_off) >= SCALE_DOWN_WINDOW - Duration::from_secs(1),
        "the first scale-down waited for the window:\n{}",
        autoscale.transcript()
    );
    assert!(
        autoscale.held_between(downs[0].0, downs[1].0, "held by the scale-down policies"),
        "one container per period (3s):\n{}",
        autoscale.transcript()
    );
    assert_eq!(
        engine.running(PROJECT, "burner"),
        [("sgtest-burner-1".to_owned(), burner_1[..12].to_owned())]
    );
    // It holds at the minimum.
    let at_min = Instant::now();
    autoscale.wait_for("a decision at the minimum", Duration::from_secs(10), |d| {
        d["replicas"] == 1
    });
    assert!(
        autoscale
            .decisions_since(at_min)
            .iter()
            .all(|(_, d)| d["after"] == 1)
    );

    // Ctrl-C: a clean stop that leaves the containers as they are.
    let _ = Command::new("kill")
        .args(["-INT", &autoscale.child.id().to_string()])
        .status();
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(status) = autoscale.child.try_wait().expect("wait") {
            break status;
        }
        assert!(Instant::now() < deadline, "no clean stop after Ctrl-C");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "exit status after Ctrl-C: {status}");
    while let Ok((at, event)) = autoscale.lines.recv_timeout(Duration::from_secs(2)) {
        autoscale.seen.push((at, event));
    }
    assert!(
        autoscale.seen.iter().any(|(_, e)| e["event"] == "notice"
            && e["message"] == "stopped (Ctrl-C); the containers stay as they are"),
        "{}",
        autoscale.transcript()
    );
    assert_eq!(engine.running(PROJECT, "burner").len(), 1);
    // The bystanders were never touched.
    assert_eq!(
        engine.running(PROJECT, "other"),
        [("sgtest-other-1".to_owned(), other_service[..12].to_owned())]
    );
    assert_eq!(
        engine.running(OTHER_PROJECT, "burner"),
        [(
            "sgother-burner-1".to_owned(),
            other_project[..12].to_owned()
        )]
    );
    say(&format!(
        "scaled 1 → 3 → 1 on {} in {:.0?}",
        engine.host,
        started.elapsed()
    ));
}
