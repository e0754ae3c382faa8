//! `scalegen check` end to end: inputs (files, directories, stdin, JSON, `List`), exit
//! statuses, output formats, the services file, and the summary.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

/// The binary, run in an empty directory so that no `scalegen.yaml` is picked up unless a
/// test puts one there.
fn scalegen() -> Command {
    let mut cmd = Command::cargo_bin("scalegen").expect("binary built");
    cmd.env_remove("COLUMNS")
        .current_dir(std::env::temp_dir())
        .arg("--color=never");
    cmd
}

fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: app
          image: nginx
          resources: { requests: { cpu: 250m } }
";

const HPA: &str = "apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: web }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: web }
  minReplicas: 2
  maxReplicas: 6
  metrics:
    - type: Resource
      resource: { name: cpu, target: { type: Utilization, averageUtilization: 70 } }
";

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn helm_template_output_on_stdin() {
    let stream = format!(
        "---\n# Source: web/templates/deployment.yaml\n{DEPLOYMENT}---\n# Source: web/templates/hpa.yaml\n{}",
        HPA.replace("minReplicas: 2", "minReplicas: 0")
    );
    let output = scalegen()
        .args(["check", "--no-services", "-"])
        .write_stdin(stream)
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("error[SG101]"), "{stderr}");
    assert!(stderr.contains("<stdin>:"), "{stderr}");
    assert!(stderr.contains("checked 1 file, 2 objects in "), "{stderr}");
}

#[test]
fn a_clean_directory_passes_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "k8s/web.yaml",
        &format!("{DEPLOYMENT}---\n{HPA}"),
    );
    write(dir.path(), "k8s/notes.md", "not yaml: [");
    let output = scalegen()
        .current_dir(dir.path())
        .arg("check")
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("checked 1 file, 2 objects in ") && stderr.ends_with("no problems\n"),
        "{stderr}"
    );
}

#[test]
fn directories_honour_gitignore_and_hidden_files() {
    let dir = tempfile::tempdir().unwrap();
    let broken = "apiVersion: v1\nkind: [\n";
    write(dir.path(), "good.yaml", &format!("{DEPLOYMENT}---\n{HPA}"));
    write(dir.path(), "build/broken.yaml", broken);
    write(dir.path(), ".cache/broken.yaml", broken);
    write(dir.path(), ".gitignore", "build/\n");
    std::process::Command::new("git")
        .args(["init", "-q"])
        .current_dir(dir.path())
        .status()
        .unwrap();
    let output = scalegen().arg("check").arg(dir.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    // Named explicitly, an ignored file is read.
    let output = scalegen()
        .arg("check")
        .arg(dir.path().join("build/broken.yaml"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr_of(&output).contains("error[SG001]"));
}

#[test]
fn a_broken_file_is_a_diagnostic_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.yaml", "apiVersion: v1\nkind: [\n");
    write(
        dir.path(),
        "b.yaml",
        &format!(
            "{DEPLOYMENT}---\n{}",
            HPA.replace("maxReplicas: 6", "maxReplicas: 1")
        ),
    );
    let output = scalegen()
        .args(["check", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let codes: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["SG001", "SG102"]);
    let max = &json["diagnostics"][1];
    assert_eq!(max["path"], "spec.maxReplicas");
    assert_eq!(max["object"], "HorizontalPodAutoscaler/web");
    assert!(max["file"].as_str().unwrap().ends_with("b.yaml"));
    assert_eq!(max["line"], 20);
}

#[test]
fn json_and_list_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let hpa: Value = serde_json::from_str(
        r#"{"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "api", "namespace": "prod"},
            "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "api"},
                     "minReplicas": 2, "maxReplicas": 5,
                     "behavior": {"scaleUp": {"policies": [{"type": "Pods", "value": 2, "periodSeconds": 3600}]}}}}"#,
    )
    .unwrap();
    let list = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": [hpa]});
    write(
        dir.path(),
        "live.json",
        &serde_json::to_string_pretty(&list).unwrap(),
    );
    let output = scalegen()
        .args(["check", "--format", "json", "--allow-missing-targets"])
        .arg(dir.path())
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let d = &json["diagnostics"][0];
    assert_eq!(d["code"], "SG302", "{json}");
    assert_eq!(d["object"], "prod/HorizontalPodAutoscaler/api");
    assert_eq!(d["path"], "spec.behavior.scaleUp.policies[0].periodSeconds");
    assert_eq!(json["diagnostics"].as_array().unwrap().len(), 1, "{json}");
}

#[test]
fn verbose_says_what_was_skipped() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "mixed.yaml",
        &format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {{ name: c }}\n---\njust: data\n---\n{DEPLOYMENT}"
        ),
    );
    let output = scalegen()
        .args(["check", "-v"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("mixed.yaml:1: ConfigMap (v1): no rules for this kind"),
        "{stderr}"
    );
    assert!(
        stderr.contains("mixed.yaml:5: not a Kubernetes object"),
        "{stderr}"
    );
    let quiet = scalegen().arg("check").arg(dir.path()).output().unwrap();
    assert!(!stderr_of(&quiet).contains("skipped"));
}

#[test]
fn exit_statuses_and_deny_warnings() {
    let dir = tempfile::tempdir().unwrap();
    // Only a warning: min equals max.
    write(
        dir.path(),
        "w.yaml",
        &format!(
            "{DEPLOYMENT}---\n{}",
            HPA.replace("maxReplicas: 6", "maxReplicas: 2")
        ),
    );
    let output = scalegen().arg("check").arg(dir.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert!(stderr_of(&output).contains("warning[SG106]"));
    let output = scalegen()
        .args(["check", "--deny", "warnings"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    // A services file applies, but with input missing, no service's HPA can be called missing.
    let project = tempfile::tempdir().unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scalegen.yaml"),
        project.path().join("scalegen.yaml"),
    )
    .unwrap();
    let output = scalegen()
        .current_dir(project.path())
        .args(["check", "no/such/dir"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr_of(&output);
    assert!(stderr.contains("no/such/dir: no such file or directory"));
    assert!(stderr.contains("against scalegen.yaml"), "{stderr}");
    assert!(!stderr.contains("SG702"), "{stderr}");
    assert!(stderr.contains("`missing-hpa` did not run"), "{stderr}");
    let output = scalegen()
        .args(["check", "--kubernetes-version", "latest", "-"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn the_api_server_policy_reports_only_what_kubectl_apply_refuses() {
    let dir = tempfile::tempdir().unwrap();
    // minReplicas 1 breaks the default policy's HA minimum, not the API server's rules.
    let hpa = HPA.replace("minReplicas: 2", "minReplicas: 1");
    write(dir.path(), "a.yaml", &format!("{DEPLOYMENT}---\n{hpa}"));
    let default = scalegen().arg("check").arg(dir.path()).output().unwrap();
    assert_eq!(default.status.code(), Some(1));
    assert!(stderr_of(&default).contains("error[SG103]"));
    let api = scalegen()
        .args(["check", "--policy", "api-server"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(api.status.code(), Some(0), "{}", stderr_of(&api));
}

#[test]
fn the_services_file_in_the_current_directory_turns_on_drift() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "scalegen.yaml",
        "version: 1\ndefaults: { metrics: [cpu] }\nservices:\n  web: { maxReplicas: 10 }\n",
    );
    write(
        dir.path(),
        "k8s/web.yaml",
        &format!("{DEPLOYMENT}---\n{HPA}"),
    );
    let output = scalegen()
        .current_dir(dir.path())
        .args(["check", "--format", "json", "k8s"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let drift: Vec<&Value> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "SG701")
        .collect();
    assert!(
        drift.iter().any(|d| d["path"] == "spec.maxReplicas"
            && d["message"] == "`spec.maxReplicas` is 6, but the services file says 10"),
        "{json}"
    );
    let output = scalegen()
        .current_dir(dir.path())
        .args(["check", "--no-services", "k8s"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
}

#[test]
fn github_annotations() {
    let output = scalegen()
        .args(["check", "--no-services", "--format", "github", "-"])
        .write_stdin(format!(
            "{DEPLOYMENT}---\n{}",
            HPA.replace("minReplicas: 2", "minReplicas: 0")
        ))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.starts_with("::error title=SG101 min-replicas-below-one,file=<stdin>,line=19,"),
        "{stdout}"
    );
}

#[test]
fn explain_and_rules_cover_check_rules() {
    let output = scalegen().args(["explain", "SG602"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.starts_with("# duplicate-scale-target (SG602)"),
        "{stdout}"
    );
    assert!(stdout.contains("Used by: check."));
    let output = scalegen().arg("rules").output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("SG701  hpa-drift"), "{stdout}");
    assert!(stdout.contains("SG102  max-below-min                error    validate, check"));
}

/// The example platform: `scalegen.yaml`, the HPAs `render` writes for it, and the
/// Deployments in `examples/k8s`, checked as a repository holding them would be.
#[test]
fn the_example_platform_passes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let services_text = std::fs::read_to_string(root.join("scalegen.yaml")).unwrap();
    write(dir.path(), "scalegen.yaml", &services_text);
    write(
        dir.path(),
        "examples/k8s/deployments.yaml",
        &std::fs::read_to_string(root.join("examples/k8s/deployments.yaml")).unwrap(),
    );
    let file = scalegen::source::SourceFile::new("scalegen.yaml", services_text);
    let (services, diagnostics) =
        scalegen::services_file::validate(&file, &scalegen::policy::Policy::default_policy());
    assert!(diagnostics.is_empty());
    let services = services.unwrap();
    for service in &services.services {
        let hpa = scalegen::render::hpa::build(&services, service);
        write(
            dir.path(),
            &format!("generated/k8s/{}.hpa.yaml", service.name),
            &scalegen::yaml::to_string(&hpa).unwrap(),
        );
    }
    let output = scalegen()
        .current_dir(dir.path())
        .args(["check", "-v"])
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("checked 10 files, 16 objects against scalegen.yaml in ")
            && stderr.ends_with(": no problems\n"),
        "{stderr}"
    );
}

/// This repository itself: `scalegen check` at its root (what the pre-commit hook runs) finds
/// nothing — the committed `generated/k8s`, `examples/k8s` and `scalegen.yaml` agree, and the
/// deliberately broken test fixtures are kept out by `.scalegenignore`.
#[test]
fn this_repository_passes_its_own_check() {
    let output = scalegen()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("check")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert!(
        stderr_of(&output).contains("no problems"),
        "{}",
        stderr_of(&output)
    );
}

#[test]
fn feature_gates_change_what_the_api_server_does() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/check/invalid/tolerance-dropped.yaml");
    let check = |extra: &[&str]| {
        scalegen()
            .args(["check", "--no-services", "--kubernetes-version", "1.34"])
            .args(extra)
            .arg(&fixture)
            .output()
            .unwrap()
    };
    // At 1.34 the tolerance gate is off by default: the server drops the field.
    let output = check(&[]);
    assert!(
        stderr_of(&output).contains("warning[SG606]"),
        "{}",
        stderr_of(&output)
    );
    // With the gate on, the tolerance applies and is validated.
    let output = check(&["--feature-gates", "HPAConfigurableTolerance=true"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert!(
        !stderr_of(&output).contains("SG606"),
        "{}",
        stderr_of(&output)
    );
    let output = check(&["--feature-gates", "HPAConfigurableTolerance=maybe"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_of(&output).contains("a gate is `true` or `false`, not `maybe`"));
    let output = check(&["--feature-gates", "HPAAutoscaleEverything=true"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr_of(&output)
            .contains("unknown feature gate `HPAAutoscaleEverything` (known: HPAScaleToZero, HPAConfigurableTolerance)")
    );
}
