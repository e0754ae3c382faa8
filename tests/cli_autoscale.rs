//! `scalegen autoscale docker` at the command line, without an engine: the config it reads,
//! the flags it takes, and how it reports an engine that is not there.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use scalegen::docker::config::AutoscalerConfig;
use scalegen::policy::Policy;
use scalegen::{document, services_file, yaml};

fn scalegen() -> Command {
    let mut cmd = Command::cargo_bin("scalegen").expect("binary built");
    cmd.env_remove("COLUMNS")
        .env("DOCKER_HOST", "unix:///nonexistent/docker.sock")
        .arg("--color=never");
    cmd
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The config `render` writes for the example services file.
fn rendered_config(dir: &Path) -> PathBuf {
    let example = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scalegen.yaml"));
    let (file, _) = document::read(example, "scalegen.yaml", yaml::Limits::CONFIG.max_bytes)
        .expect("the example reads");
    let policy = Policy::built_in("default").expect("the default policy");
    let (services, diagnostics) = services_file::validate(&file, &policy);
    let services = services.unwrap_or_else(|| panic!("the example is valid: {diagnostics:?}"));
    let config = AutoscalerConfig::from_services(&services);
    let path = dir.join("autoscaler.yaml");
    std::fs::write(&path, yaml::to_string(&config).expect("serializable")).expect("written");
    path
}

#[test]
fn reads_the_config_render_writes_and_reports_an_absent_engine() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = rendered_config(dir.path());
    let output = scalegen()
        .args(["autoscale", "docker", "--once", "--config"])
        .arg(&config)
        .output()
        .expect("runs");
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(output.stdout.is_empty(), "no decision without an engine");
    let lines: Vec<&str> = stderr.lines().collect();
    // The run, one line per service with its bounds and basis, the fault.
    assert_eq!(lines.len(), 1 + 8 + 1, "{stderr}");
    assert!(
        lines[0].ends_with(&format!(
            "note: autoscaling 8 services from {} on the Docker engine at \
             unix:///nonexistent/docker.sock, every 15s",
            config.display()
        )),
        "{stderr}"
    );
    assert!(
        lines[1].ends_with(
            "note: ai-service: compose service `ai-service`, 2..8 replicas; up when any of cpu \
             70%, memory 75% is exceeded (window 60s), down when all are below cpu 30%, memory \
             30% (window 5m); no request configured: utilization is a percent of each \
             container's limit (`--cpus`, `--memory`); without a limit, of one core and of the \
             host's memory"
        ),
        "{stderr}"
    );
    assert!(
        lines[9].ends_with(
            "warning: the Docker engine at unix:///nonexistent/docker.sock does not answer: \
             Socket not found: /nonexistent/docker.sock; nothing was changed"
        ),
        "{stderr}"
    );
}

#[test]
fn json_lines_carry_every_event() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = rendered_config(dir.path());
    let output = scalegen()
        .args([
            "autoscale",
            "docker",
            "--once",
            "--format",
            "json",
            "--config",
        ])
        .arg(&config)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let events: Vec<serde_json::Value> = text(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
        .collect();
    let kinds: Vec<&str> = events.iter().filter_map(|e| e["event"].as_str()).collect();
    assert_eq!(kinds.len(), 10);
    assert_eq!(kinds[9], "fault");
    assert!(kinds[..9].iter().all(|k| *k == "notice"));
    assert!(
        events
            .iter()
            .all(|e| e["time"].as_str().is_some_and(|t| t.ends_with('Z')))
    );
    assert_eq!(events[1]["service"], "ai-service");
}

#[test]
fn a_missing_config_says_how_to_make_one() {
    let output = scalegen()
        .args([
            "autoscale",
            "docker",
            "--config",
            "/nonexistent/autoscaler.yaml",
        ])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        text(&output.stderr),
        "error: /nonexistent/autoscaler.yaml: no such file; write it with `scalegen render`, or \
         pass `--config FILE`\n"
    );
}

#[test]
fn an_invalid_config_is_reported_with_locations() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("autoscaler.yaml");
    std::fs::write(
        &path,
        "version: 1\ninterval: 15s\nservices:\n  web:\n    composeService: web\n    minReplica: 1\n",
    )
    .expect("written");
    let output = scalegen()
        .args(["autoscale", "docker", "--config"])
        .arg(&path)
        .output()
        .expect("runs");
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("unknown field `minReplica`"), "{stderr}");
    assert!(stderr.contains("autoscaler.yaml:6:5"), "{stderr}");
    assert!(stderr.contains("did you mean `minReplicas`?"), "{stderr}");
    assert!(stderr.ends_with("is not a valid autoscaler config; fix the problems above\n"));
}

#[test]
fn a_host_it_cannot_speak_to_and_a_zero_interval_are_usage_errors() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = rendered_config(dir.path());
    let output = scalegen()
        .env("DOCKER_HOST", "ssh://admin@host")
        .args(["autoscale", "docker", "--once", "--config"])
        .arg(&config)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("cannot use DOCKER_HOST `ssh://admin@host`"),
        "{}",
        text(&output.stderr)
    );
    let output = scalegen()
        .args(["autoscale", "docker", "--interval", "0s"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("the interval must be at least 1s"));
}
