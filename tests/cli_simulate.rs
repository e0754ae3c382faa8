//! `scalegen simulate` end to end: the gateway spike with a chart, every format, the platform
//! summary, traces and HPA manifests, and every way the input can be wrong.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn scalegen() -> Command {
    let mut cmd = Command::cargo_bin("scalegen").expect("binary built");
    cmd.env_remove("COLUMNS")
        .arg("--color=never")
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/simulate")
        .join(name)
}

fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let output = scalegen().arg("simulate").args(args).output().unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn the_gateway_spike_with_a_chart() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("gateway.svg");
    let (status, stdout, stderr) = run(&[
        "--service",
        "api-gateway",
        "--pattern",
        "spike",
        "--chart",
        chart.to_str().unwrap(),
    ]);
    assert_eq!(status, Some(0), "{stderr}");
    assert!(stdout.starts_with("api-gateway: spike 100 rps, 600 rps for 3m every 20m for 1h"));
    assert!(stdout.contains("| Kubernetes HPA"), "{stdout}");
    assert!(stdout.contains("| Docker autoscaler"), "{stdout}");
    assert!(stdout.contains("peak replicas"), "{stdout}");
    // 241 rows from 0:00:00 to 1:00:00, plus the header lines.
    assert!(stdout.contains("\n1:00:00 "), "{stdout}");
    let svg = std::fs::read_to_string(&chart).expect("the chart is written");
    roxmltree::Document::parse(&svg).expect("well-formed");
    assert!(stderr.contains("chart written to"), "{stderr}");
    // Only the chart: no temporary file left behind.
    let entries: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(entries.len(), 1);
}

#[test]
fn csv_and_json_formats() {
    let (status, stdout, _) = run(&[
        "--service",
        "api-gateway",
        "--pattern",
        "constant",
        "--duration",
        "2m",
        "--format",
        "csv",
    ]);
    assert_eq!(status, Some(0));
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("time_seconds,demand_rps,"));
    assert_eq!(lines.len(), 1 + 9, "0 to 120 s every 15 s");
    assert!(lines[1].starts_with("0,100.000,0.5000,"), "{}", lines[1]);

    let (status, stdout, _) = run(&[
        "--service",
        "api-gateway",
        "--pattern",
        "random",
        "--seed",
        "3",
        "--duration",
        "5m",
        "--format",
        "json",
    ]);
    assert_eq!(status, Some(0));
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(json["service"], "api-gateway");
    assert_eq!(json["engines"], serde_json::json!(["k8s", "docker"]));
    assert_eq!(json["rows"].as_array().unwrap().len(), 21);
    assert_eq!(json["summary"][0]["engine"], "k8s");
    assert_eq!(json["requests"]["cpuOrigin"], "default");

    let (status, stdout, _) = run(&[
        "--service",
        "api-gateway",
        "--pattern",
        "spike",
        "--summary",
        "--format",
        "csv",
    ]);
    assert_eq!(status, Some(0));
    assert!(stdout.starts_with("service,engine,initial_replicas,peak_replicas"));
    assert_eq!(stdout.lines().count(), 3);
}

#[test]
fn the_whole_platform() {
    let (status, stdout, stderr) = run(&["--service", "all", "--pattern", "gradual"]);
    assert_eq!(status, Some(0), "{stderr}");
    for service in ["diagram-service", "api-gateway", "integration-hub"] {
        assert!(stdout.contains(service), "{stdout}");
    }
    // One line per service and engine, a header, a title and a blank line.
    assert_eq!(stdout.lines().count(), 8 * 2 + 3, "{stdout}");
}

#[test]
fn one_engine() {
    let (status, stdout, _) = run(&[
        "--service",
        "auth-service",
        "--pattern",
        "constant",
        "--engine",
        "docker",
        "--duration",
        "1m",
    ]);
    assert_eq!(status, Some(0));
    assert!(stdout.contains("| Docker autoscaler"));
    assert!(!stdout.contains("Kubernetes HPA"));
}

#[test]
fn a_trace_and_an_hpa_manifest() {
    let (status, stdout, stderr) = run(&[
        "--hpa",
        fixture("legacy-v1.yaml").to_str().unwrap(),
        "--trace",
        fixture("gateway-trace.csv").to_str().unwrap(),
        "--summary",
    ]);
    assert_eq!(status, Some(0), "{stderr}");
    assert!(stdout.starts_with("web: trace "), "{stdout}");
    assert!(stdout.contains("gateway-trace.csv for 30m"), "{stdout}");
    assert!(stdout.contains("Kubernetes HPA"));
    assert!(!stdout.contains("Docker"));
}

#[test]
fn a_bad_trace_is_reported_at_line_and_column() {
    let (status, stdout, stderr) = run(&[
        "--service",
        "api-gateway",
        "--trace",
        fixture("bad-trace.csv").to_str().unwrap(),
    ]);
    assert_eq!(status, Some(1));
    assert!(stdout.is_empty());
    assert!(stderr.contains("`lots` is not a CPU quantity"), "{stderr}");
    assert!(stderr.contains("bad-trace.csv:3:4"), "{stderr}");
    assert!(
        stderr.contains("`1 GB` is not a memory quantity"),
        "{stderr}"
    );
    assert!(stderr.contains("bad-trace.csv:4:6"), "{stderr}");
    assert!(stderr.contains("2 problems; nothing simulated"), "{stderr}");
}

#[test]
fn hpa_manifest_problems_are_located() {
    let (status, _, stderr) = run(&[
        "--hpa",
        fixture("custom-metric.yaml").to_str().unwrap(),
        "--pattern",
        "spike",
    ]);
    assert_eq!(status, Some(1));
    assert!(stderr.contains("custom-metric.yaml:16:7"), "{stderr}");
    assert!(
        stderr.contains("`External` metrics cannot be simulated"),
        "{stderr}"
    );

    let (status, _, stderr) = run(&[
        "--hpa",
        fixture("legacy-v1.yaml").to_str().unwrap(),
        "--pattern",
        "spike",
        "--engine",
        "both",
    ]);
    assert_eq!(status, Some(2));
    assert!(stderr.contains("only the Kubernetes engine"), "{stderr}");
}

#[test]
fn usage_errors() {
    let cases: &[(&[&str], &str)] = &[
        (&["--service", "api-gateway"], "no load to simulate"),
        (
            &[
                "--service",
                "api-gateway",
                "--pattern",
                "spike",
                "--rps",
                "5",
            ],
            "`--rps` applies to `--pattern constant`, not to `--pattern spike`",
        ),
        (
            &["--service", "api-gatway", "--pattern", "spike"],
            "did you mean `api-gateway`?",
        ),
        (&["--pattern", "spike"], "say which service to simulate"),
        (
            &[
                "--service",
                "api-gateway",
                "--pattern",
                "spike",
                "--spike-every",
                "1m",
                "--spike-for",
                "2m",
            ],
            "`--spike-for` must be shorter than `--spike-every`",
        ),
        (
            &[
                "--service",
                "api-gateway",
                "--trace",
                "x.csv",
                "--memory-base",
                "1Gi",
            ],
            "`--memory-base` shapes a `--pattern`",
        ),
        (
            &["--service", "all", "--pattern", "spike", "--chart", "x.svg"],
            "`--chart` draws one service",
        ),
        (
            &["--service", "api-gateway", "--trace", "missing.csv"],
            "missing.csv: no such file",
        ),
    ];
    for (args, expected) in cases {
        let (status, stdout, stderr) = run(args);
        assert_eq!(status, Some(2), "{args:?}: {stderr}");
        assert!(stdout.is_empty(), "{args:?}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
    let (status, _, stderr) = run(&[
        "--service",
        "api-gateway",
        "--pattern",
        "spike",
        "--duration",
        "soon",
    ]);
    assert_eq!(status, Some(2));
    assert!(stderr.contains("`soon` is not a duration"), "{stderr}");
}

#[test]
fn a_missing_trace_is_not_taken_for_a_missing_services_file() {
    let (status, stdout, stderr) = run(&["--service", "api-gateway", "--trace", "missing.csv"]);
    assert_eq!(status, Some(2));
    assert!(stdout.is_empty());
    assert!(stderr.contains("missing.csv: no such file"), "{stderr}");
    assert!(!stderr.contains("scalegen init"), "{stderr}");
}

#[test]
fn a_docker_config_without_the_service_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let rendered = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("generated/docker/autoscaler.yaml"),
    )
    .unwrap();
    let start = rendered.find("  api-gateway:").unwrap();
    let end = rendered.find("  auth-service:").unwrap();
    let stale = dir.path().join("stale.yaml");
    std::fs::write(
        &stale,
        format!("{}{}", &rendered[..start], &rendered[end..]),
    )
    .unwrap();
    let (status, _, stderr) = run(&[
        "--service",
        "api-gateway",
        "--pattern",
        "spike",
        "--docker-config",
        stale.to_str().unwrap(),
    ]);
    assert_eq!(status, Some(2), "{stderr}");
    assert!(
        stderr.contains("stale.yaml: the Docker autoscaler config has no service `api-gateway`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("help: regenerate it with `scalegen render`"),
        "{stderr}"
    );
}

#[test]
fn an_invalid_services_file_is_not_simulated() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.yaml");
    std::fs::write(
        &file,
        "version: 1\nservices:\n  api: { minReplicas: 3, maxReplicas: 1 }\n",
    )
    .unwrap();
    let (status, stdout, stderr) = run(&[
        file.to_str().unwrap(),
        "--service",
        "api",
        "--pattern",
        "spike",
    ]);
    assert_eq!(status, Some(1));
    assert!(stdout.is_empty());
    assert!(stderr.contains("error[SG102]"), "{stderr}");
    assert!(stderr.contains("run `scalegen validate`"), "{stderr}");
}

#[test]
fn a_chart_that_cannot_be_written_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("no-such-dir").join("c.svg");
    let (status, stdout, stderr) = run(&[
        "--service",
        "api-gateway",
        "--pattern",
        "spike",
        "--chart",
        chart.to_str().unwrap(),
    ]);
    assert_eq!(status, Some(2));
    assert!(stdout.is_empty(), "nothing printed when the chart fails");
    assert!(stderr.contains("cannot write the chart"), "{stderr}");
    assert!(!chart.exists());
}
