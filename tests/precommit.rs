//! The shipped pre-commit hooks (`.pre-commit-hooks.yaml`) through the real `pre-commit`:
//! installed from PyPI into a temporary virtualenv, run with `pre-commit try-repo` (which reads
//! the hooks file of this working tree) against a temporary git repository with a good and then
//! a bad manifest. The hooks run `scalegen` from PATH, which points at the binary just built.
//!
//! It needs python3 and PyPI, so it runs when `SCALEGEN_E2E=1` (`.ci/run` sets it) and says it
//! skipped otherwise. One test runs both hooks, so pre-commit is installed once.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn run(cmd: &mut Command) -> Output {
    cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"))
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

const GOOD: &str = "apiVersion: apps/v1
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
---
apiVersion: autoscaling/v2
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

#[test]
fn the_hooks_pass_a_good_repository_and_fail_a_bad_one() {
    if std::env::var_os("SCALEGEN_E2E").is_none() {
        println!("skipped: set SCALEGEN_E2E=1 to install pre-commit from PyPI and run the hooks");
        return;
    }
    let tmp = tempfile::tempdir().expect("temporary directory");
    let venv = tmp.path().join("venv");
    let status = run(Command::new("python3").args(["-m", "venv"]).arg(&venv));
    assert!(status.status.success(), "venv: {}", text(&status));
    let pip = run(Command::new(venv.join("bin/pip")).args([
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "pre-commit",
    ]));
    assert!(
        pip.status.success(),
        "pip install pre-commit: {}",
        text(&pip)
    );

    let binary = PathBuf::from(env!("CARGO_BIN_EXE_scalegen"));
    let path = format!(
        "{}:{}:{}",
        binary.parent().unwrap().display(),
        venv.join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(repo.join("k8s")).unwrap();
    let git = |args: &[&str]| {
        let output = run(Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .current_dir(&repo));
        assert!(output.status.success(), "git {args:?}: {}", text(&output));
    };
    git(&["init", "-q"]);
    std::fs::write(repo.join("k8s/web.yaml"), GOOD).unwrap();
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "good"]);

    let scalegen_repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let try_hook = |repo: &Path, hook: &str| {
        run(Command::new(venv.join("bin/pre-commit"))
            .args(["try-repo"])
            .arg(scalegen_repo)
            .args([hook, "--all-files", "--color", "never"])
            .current_dir(repo)
            .env("PATH", &path)
            .env("PRE_COMMIT_HOME", tmp.path().join("cache"))
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("GIT_INDEX_FILE"))
    };

    let try_repo = |repo: &Path| try_hook(repo, "scalegen-check");
    let good = try_repo(&repo);
    let output = text(&good);
    assert_eq!(good.status.code(), Some(0), "{output}");
    assert!(
        output.contains("scalegen check") && output.contains("Passed"),
        "{output}"
    );

    std::fs::write(
        repo.join("k8s/bad.yaml"),
        GOOD.replace("name: web", "name: api")
            .replace("maxReplicas: 6", "maxReplicas: 1"),
    )
    .unwrap();
    git(&["add", "."]);
    let bad = try_repo(&repo);
    let output = text(&bad);
    assert_eq!(bad.status.code(), Some(1), "{output}");
    assert!(output.contains("Failed"), "{output}");
    assert!(output.contains("error[SG102]"), "{output}");
    assert!(output.contains("k8s/bad.yaml:20:16"), "{output}");

    // scalegen-render: passes while generated/ matches the services file, fails with a diff
    // once the services file changes without a render, passes again after one.
    let project = tmp.path().join("project");
    std::fs::create_dir_all(&project).unwrap();
    let git_in = |args: &[&str]| {
        let output = run(Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .current_dir(&project));
        assert!(output.status.success(), "git {args:?}: {}", text(&output));
    };
    git_in(&["init", "-q"]);
    let services = "version: 1\nservices:\n  web: { maxReplicas: 6 }\n";
    std::fs::write(project.join("scalegen.yaml"), services).unwrap();
    let render = |args: &[&str]| {
        run(Command::new(&binary)
            .arg("render")
            .args(args)
            .current_dir(&project))
    };
    assert!(render(&[]).status.success());
    git_in(&["add", "."]);
    git_in(&["commit", "-q", "-m", "render"]);
    let fresh = try_hook(&project, "scalegen-render");
    assert_eq!(fresh.status.code(), Some(0), "{}", text(&fresh));
    assert!(text(&fresh).contains("Passed"), "{}", text(&fresh));
    std::fs::write(project.join("scalegen.yaml"), services.replace("6", "8")).unwrap();
    git_in(&["add", "."]);
    let stale = try_hook(&project, "scalegen-render");
    let output = text(&stale);
    assert_eq!(stale.status.code(), Some(1), "{output}");
    assert!(
        output.contains("-  maxReplicas: 6") && output.contains("+  maxReplicas: 8"),
        "{output}"
    );
    assert!(
        output.contains("run `scalegen render` to update them"),
        "{output}"
    );
    assert!(render(&[]).status.success());
    git_in(&["add", "."]);
    let rendered = try_hook(&project, "scalegen-render");
    assert_eq!(rendered.status.code(), Some(0), "{}", text(&rendered));

    // What `scalegen init --pre-commit` writes works as it is: both hooks pass on the fresh
    // project, and the render hook fails once the services file changes without a render.
    let started = tmp.path().join("started");
    std::fs::create_dir_all(&started).unwrap();
    let in_started = |program: &Path, args: &[&str]| {
        run(Command::new(program)
            .args(args)
            .current_dir(&started)
            .env("PATH", &path)
            .env("PRE_COMMIT_HOME", tmp.path().join("cache"))
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("GIT_INDEX_FILE"))
    };
    let git_program = Path::new("git");
    for args in [
        &["init", "-q"][..],
        &["config", "user.name", "t"],
        &["config", "user.email", "t@example.com"],
    ] {
        assert!(in_started(git_program, args).status.success());
    }
    assert!(
        in_started(&binary, &["init", "--pre-commit"])
            .status
            .success()
    );
    assert!(in_started(&binary, &["render"]).status.success());
    assert!(in_started(git_program, &["add", "."]).status.success());
    let pre_commit = venv.join("bin/pre-commit");
    let all_files = ["run", "--all-files", "--color", "never"];
    let passing = in_started(&pre_commit, &all_files);
    let output = text(&passing);
    assert_eq!(passing.status.code(), Some(0), "{output}");
    assert_eq!(output.matches("Passed").count(), 2, "{output}");
    let starter = std::fs::read_to_string(started.join("scalegen.yaml")).unwrap();
    std::fs::write(
        started.join("scalegen.yaml"),
        starter.replace("minReplicas: 3", "minReplicas: 4"),
    )
    .unwrap();
    let failing = in_started(&pre_commit, &all_files);
    let output = text(&failing);
    assert_eq!(failing.status.code(), Some(1), "{output}");
    assert!(output.contains("+  minReplicas: 4"), "{output}");
}
