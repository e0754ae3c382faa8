//! `scalegen render`: snapshots of every output, the rendered HPAs held to the Kubernetes API's
//! schema and validation, the example's values, and the safety properties (determinism,
//! atomic writes, `--check` writing nothing, stale-file handling, README injection).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use scalegen::model::Services;
use scalegen::policy::Policy;
use scalegen::render::{self, Options, docker::Dialect, write};
use scalegen::{document, services_file};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn load(path: &Path) -> Services {
    let (file, _) = document::read(path, &path.display().to_string(), usize::MAX).unwrap();
    let (services, diagnostics) = services_file::validate(&file, &Policy::default_policy());
    assert_eq!(
        diagnostics.errors(),
        0,
        "{path:?} has errors: {diagnostics:?}"
    );
    services.expect("resolves")
}

fn options(source_name: &str) -> Options {
    Options {
        source_name: source_name.into(),
        ..Options::default()
    }
}

/// Every output but the two JSON Schemas, which do not depend on the input (the example's
/// snapshots hold them).
fn all_outputs(rendered: &render::Rendered) -> String {
    let mut text = String::new();
    for output in rendered
        .outputs
        .iter()
        .filter(|o| !o.path.to_string_lossy().ends_with(".schema.json"))
    {
        text.push_str(&format!(
            "=== {} ===\n{}",
            output.path.display(),
            output.contents
        ));
    }
    for warning in &rendered.warnings {
        text.push_str(&format!("=== warning ===\n{warning}\n"));
    }
    text
}

#[test]
fn example_outputs() {
    let services = load(&repo().join("scalegen.yaml"));
    let rendered = render::render(&services, &options("scalegen.yaml")).unwrap();
    for output in &rendered.outputs {
        let name = output.path.display().to_string().replace('/', "__");
        insta::assert_snapshot!(format!("example__{name}"), &output.contents);
    }
}

#[test]
fn fixture_outputs() {
    insta::glob!("fixtures/render/*.yaml", |path| {
        let services = load(path);
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let rendered = render::render(&services, &options(&name)).unwrap();
        insta::assert_snapshot!(all_outputs(&rendered));
    });
}

#[test]
fn swarm_autoscaler_labels_and_their_warnings() {
    let services = load(&repo().join("tests/fixtures/render/every-field.yaml"));
    let rendered = render::render(
        &services,
        &Options {
            docker_labels: Some(Dialect::SwarmAutoscaler),
            ..options("every-field.yaml")
        },
    )
    .unwrap();
    let compose = rendered
        .outputs
        .iter()
        .find(|o| o.path == Path::new("docker/compose.autoscale.yaml"))
        .unwrap();
    insta::assert_snapshot!(format!(
        "{}=== warnings ===\n{}\n",
        compose.contents,
        rendered.warnings.join("\n")
    ));
}

#[test]
fn a_uniform_platform_gets_the_global_thresholds_translated() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.yaml");
    std::fs::write(
        &file,
        "version: 1\nmetrics: []\n".replace("metrics: []\n", "")
            + "defaults:\n  metrics: [cpu]\n  maxReplicas: 4\nservices:\n  a: { resources: { requests: { cpu: 500m } } }\n  b: { resources: { requests: { cpu: \"0.5\" } } }\n",
    )
    .unwrap();
    let services = load(&file);
    let rendered = render::render(
        &services,
        &Options {
            docker_labels: Some(Dialect::SwarmAutoscaler),
            ..options("s.yaml")
        },
    )
    .unwrap();
    let compose = &rendered
        .outputs
        .iter()
        .find(|o| o.path == Path::new("docker/compose.autoscale.yaml"))
        .unwrap()
        .contents;
    // 70% and 30% of half a core are 35% and 15% of one core.
    assert!(
        compose.contains("CPU_PERCENTAGE_UPPER_LIMIT=35.0 and CPU_PERCENTAGE_LOWER_LIMIT=15.0"),
        "{compose}"
    );
    assert!(
        !rendered.warnings.iter().any(|w| w.contains("different")),
        "{:?}",
        rendered.warnings
    );
}

/// Every HPA `render` writes passes the autoscaling/v2 schema, reads back into k8s-openapi's
/// type, and passes the API server's own validation.
#[test]
fn rendered_hpas_are_valid_kubernetes_objects() {
    let mut inputs = vec![repo().join("scalegen.yaml")];
    inputs.extend(
        std::fs::read_dir(repo().join("tests/fixtures/render"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml")),
    );
    let schema =
        scalegen::k8s::schemas::validator("autoscaling/v2", "HorizontalPodAutoscaler").unwrap();
    let mut checked = 0;
    for input in inputs {
        let services = load(&input);
        for service in &services.services {
            let text = render::hpa::file(&services, service, "header");
            let file = scalegen::source::SourceFile::new("hpa.yaml", text);
            let json = scalegen::yaml::parse_document(&file).unwrap().to_json();
            let errors: Vec<String> = schema.iter_errors(&json).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{}: {errors:?}", service.name);
            let typed: HorizontalPodAutoscaler = serde_json::from_value(json.clone()).unwrap();
            assert_eq!(typed, render::hpa::build(&services, service));
            let api = scalegen::k8s::hpa_api::check_hpa(&json, None, &Default::default()).unwrap();
            assert!(api.is_empty(), "{}: {api:?}", service.name);
            checked += 1;
        }
    }
    assert!(checked >= 11);
}

#[test]
fn the_example_hpas_carry_the_platform_table() {
    let services = load(&repo().join("scalegen.yaml"));
    let mut rows = BTreeMap::new();
    for service in &services.services {
        let hpa = render::hpa::build(&services, service);
        let spec = hpa.spec.unwrap();
        let metrics: Vec<String> = spec
            .metrics
            .unwrap()
            .iter()
            .map(|m| {
                let r = m.resource.as_ref().unwrap();
                format!("{}={}", r.name, r.target.average_utilization.unwrap())
            })
            .collect();
        let behavior = spec.behavior.unwrap();
        let policies = |rules: &k8s_openapi::api::autoscaling::v2::HPAScalingRules| {
            let list: Vec<String> = rules
                .policies
                .clone()
                .unwrap()
                .iter()
                .map(|p| format!("{}{}/{}s", p.type_, p.value, p.period_seconds))
                .collect();
            format!(
                "{}s {} {}",
                rules.stabilization_window_seconds.unwrap(),
                rules.select_policy.clone().unwrap(),
                list.join(",")
            )
        };
        rows.insert(
            service.name.clone(),
            format!(
                "{}..{} {} up[{}] down[{}] priority={} ns={}",
                spec.min_replicas.unwrap(),
                spec.max_replicas,
                metrics.join(","),
                policies(behavior.scale_up.as_ref().unwrap()),
                policies(behavior.scale_down.as_ref().unwrap()),
                hpa.metadata.annotations.unwrap()["scalegen.io/priority"],
                hpa.metadata.namespace.unwrap(),
            ),
        );
    }
    let up = "60s Max Percent50/60s,Pods2/60s";
    let down = "300s Min Percent25/60s,Pods1/60s";
    let expected = BTreeMap::from([
        (
            "ai-service",
            format!("2..8 cpu=70,memory=75 up[{up}] down[{down}] priority=high ns=autograph"),
        ),
        (
            "api-gateway",
            format!(
                "2..10 cpu=70,memory=70 up[60s Max Percent100/60s,Pods3/60s] down[{down}] priority=high ns=autograph"
            ),
        ),
        (
            "auth-service",
            format!("2..6 cpu=70,memory=70 up[{up}] down[{down}] priority=medium ns=autograph"),
        ),
        (
            "collaboration-service",
            format!(
                "2..6 cpu=70,memory=70 up[{up}] down[300s Min Percent25/120s,Pods1/120s] priority=medium ns=autograph"
            ),
        ),
        (
            "diagram-service",
            format!("2..10 cpu=70,memory=70 up[{up}] down[{down}] priority=high ns=autograph"),
        ),
        (
            "export-service",
            format!("2..8 cpu=70,memory=75 up[{up}] down[{down}] priority=medium ns=autograph"),
        ),
        (
            "git-service",
            format!("2..6 cpu=70,memory=70 up[{up}] down[{down}] priority=low ns=autograph"),
        ),
        (
            "integration-hub",
            format!("2..6 cpu=70,memory=70 up[{up}] down[{down}] priority=low ns=autograph"),
        ),
    ]);
    let expected: BTreeMap<String, String> = expected
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    assert_eq!(rows, expected);
}

#[test]
fn the_docker_config_reads_back_as_written() {
    let services = load(&repo().join("tests/fixtures/render/every-field.yaml"));
    let rendered = render::render(&services, &options("every-field.yaml")).unwrap();
    let text = &rendered
        .outputs
        .iter()
        .find(|o| o.path == Path::new("docker/autoscaler.yaml"))
        .unwrap()
        .contents;
    let file = scalegen::source::SourceFile::new("autoscaler.yaml", text.clone());
    let config = scalegen::docker::config::load(&file).unwrap();
    assert_eq!(
        config,
        scalegen::docker::config::AutoscalerConfig::from_services(&services)
    );
}

#[test]
fn rendering_is_deterministic() {
    let services = load(&repo().join("tests/fixtures/render/every-field.yaml"));
    let first = render::render(&services, &options("x.yaml"))
        .unwrap()
        .outputs;
    let second = render::render(
        &load(&repo().join("tests/fixtures/render/every-field.yaml")),
        &options("x.yaml"),
    )
    .unwrap()
    .outputs;
    assert_eq!(first, second);
    for output in &first {
        assert!(
            !output.contents.contains('\r'),
            "{:?} has CR line ends",
            output.path
        );
        assert!(output.contents.ends_with('\n'));
        assert!(
            output
                .contents
                .lines()
                .take(2)
                .any(|l| l.contains("Code generated by scalegen from x.yaml. DO NOT EDIT.")),
            "{:?} lacks the header",
            output.path
        );
    }
}

#[test]
fn custom_templates_override_by_file_name() {
    let services = load(&repo().join("tests/fixtures/render/every-field.yaml"));
    let rendered = render::render(
        &services,
        &Options {
            templates: Some(repo().join("tests/fixtures/render/templates")),
            ..options("every-field.yaml")
        },
    )
    .unwrap();
    let page = &rendered
        .outputs
        .iter()
        .find(|o| o.path == Path::new("docs/autoscaling.md"))
        .unwrap()
        .contents;
    insta::assert_snapshot!(page);
}

#[test]
fn an_undefined_template_variable_is_an_error_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("tables.md.j2"),
        "line one\n{{ services[0].nmae }}\n",
    )
    .unwrap();
    let services = load(&repo().join("scalegen.yaml"));
    let err = render::render(
        &services,
        &Options {
            templates: Some(dir.path().to_path_buf()),
            ..options("scalegen.yaml")
        },
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("tables.md.j2:2:"), "{err}");
    assert!(err.contains("undefined"), "{err}");
    assert!(err.contains("help:"), "{err}");
}

fn scalegen() -> Command {
    let mut cmd = Command::cargo_bin("scalegen").unwrap();
    cmd.arg("--color=never");
    cmd
}

/// A throwaway copy of the example platform.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo().join("scalegen.yaml"),
        dir.path().join("scalegen.yaml"),
    )
    .unwrap();
    dir
}

fn files_with_mtimes(dir: &Path) -> BTreeMap<PathBuf, std::time::SystemTime> {
    walk(dir)
        .into_iter()
        .map(|p| {
            let mtime = std::fs::metadata(&p).unwrap().modified().unwrap();
            (p, mtime)
        })
        .collect()
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                out.extend(walk(&path));
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn writes_atomically_and_only_what_changed() {
    let ws = workspace();
    let run = |args: &[&str]| {
        scalegen()
            .current_dir(ws.path())
            .arg("render")
            .args(args)
            .output()
            .unwrap()
    };
    assert_eq!(run(&[]).status.code(), Some(0));
    let generated = ws.path().join("generated");
    let before = files_with_mtimes(&generated);
    assert_eq!(before.len(), 14);
    assert!(
        before.keys().all(|p| !p
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with(".scalegen-")),
        "temporary files left behind"
    );
    std::thread::sleep(std::time::Duration::from_millis(20));
    // Unchanged files keep their mtime.
    assert_eq!(run(&[]).status.code(), Some(0));
    assert_eq!(files_with_mtimes(&generated), before);
    // A stale generated file goes, a file of the user's stays, a killed render's leftover goes.
    std::fs::write(
        generated.join("k8s/retired.hpa.yaml"),
        "# Code generated by scalegen from scalegen.yaml. DO NOT EDIT.\n",
    )
    .unwrap();
    std::fs::write(generated.join("k8s/notes.txt"), "mine\n").unwrap();
    std::fs::write(generated.join("k8s/.scalegen-abc.tmp"), "half").unwrap();
    let output = run(&[]);
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("removed k8s/retired.hpa.yaml"), "{stderr}");
    assert!(stderr.contains("left alone"), "{stderr}");
    assert!(!generated.join("k8s/retired.hpa.yaml").exists());
    assert!(!generated.join("k8s/.scalegen-abc.tmp").exists());
    assert!(generated.join("k8s/notes.txt").exists());
}

#[test]
fn check_writes_nothing_and_catches_a_one_character_edit_anywhere() {
    let ws = workspace();
    let run = |args: &[&str]| {
        scalegen()
            .current_dir(ws.path())
            .arg("render")
            .args(args)
            .output()
            .unwrap()
    };
    // Nothing rendered yet: every file is missing, and nothing is written.
    let output = run(&["--check"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(!ws.path().join("generated").exists());
    assert_eq!(run(&[]).status.code(), Some(0));
    let generated = ws.path().join("generated");
    assert_eq!(run(&["--check"]).status.code(), Some(0));
    for path in walk(&generated) {
        let original = std::fs::read_to_string(&path).unwrap();
        // Change one character in the middle of the file.
        let at = original
            .char_indices()
            .nth(original.chars().count() / 2)
            .unwrap()
            .0;
        let replacement = if original[at..].starts_with('x') {
            "y"
        } else {
            "x"
        };
        let mut edited = original.clone();
        edited.replace_range(
            at..at + original[at..].chars().next().unwrap().len_utf8(),
            replacement,
        );
        std::fs::write(&path, &edited).unwrap();
        let before = files_with_mtimes(&generated);
        let output = run(&["--check"]);
        assert_eq!(output.status.code(), Some(1), "edit in {path:?} not caught");
        let diff = String::from_utf8_lossy(&output.stdout);
        let relative = path.strip_prefix(&generated).unwrap().display().to_string();
        assert!(diff.contains(&format!("+++ b/{relative}")), "{diff}");
        assert_eq!(
            files_with_mtimes(&generated),
            before,
            "--check wrote something"
        );
        std::fs::write(&path, &original).unwrap();
    }
    // A generated file that is no longer produced is stale too.
    std::fs::write(
        generated.join("k8s/retired.hpa.yaml"),
        "# Code generated by scalegen from scalegen.yaml. DO NOT EDIT.\n",
    )
    .unwrap();
    assert_eq!(run(&["--check"]).status.code(), Some(1));
}

#[test]
fn errors_stop_render_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("scalegen.yaml"),
        "version: 1\nservices:\n  api: { minReplicas: 5, maxReplicas: 3 }\n",
    )
    .unwrap();
    let output = scalegen()
        .current_dir(dir.path())
        .arg("render")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("nothing was rendered"));
    assert!(!dir.path().join("generated").exists());
}

#[test]
fn out_pointing_at_a_file_is_an_error() {
    let ws = workspace();
    std::fs::write(ws.path().join("afile"), "x").unwrap();
    let output = scalegen()
        .current_dir(ws.path())
        .args(["render", "--out", "afile"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("must name a directory"));
}

#[test]
fn stdout_is_a_stream_of_every_hpa() {
    let output = scalegen()
        .current_dir(repo())
        .args(["render", "--stdout"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    let file = scalegen::source::SourceFile::new("stream", text);
    let docs = scalegen::yaml::parse_stream(&file).unwrap();
    assert_eq!(docs.len(), 8);
    assert!(
        docs.iter()
            .all(|d| d.get("kind").and_then(|k| k.as_str()) == Some("HorizontalPodAutoscaler"))
    );
}

#[test]
fn readme_injection_round_trip() {
    let ws = workspace();
    let readme = ws.path().join("README.md");
    std::fs::write(
        &readme,
        "# Platform\n\n<!-- BEGIN SCALEGEN -->\n<!-- END SCALEGEN -->\n\nMore.\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        scalegen()
            .current_dir(ws.path())
            .arg("render")
            .args(args)
            .output()
            .unwrap()
    };
    assert_eq!(
        run(&["--inject", "README.md", "--check"]).status.code(),
        Some(1)
    );
    assert_eq!(run(&["--inject", "README.md"]).status.code(), Some(0));
    let once = std::fs::read_to_string(&readme).unwrap();
    assert!(
        once.contains("| api-gateway | 2 | 10 | high | Entry point |"),
        "{once}"
    );
    assert!(once.ends_with("<!-- END SCALEGEN -->\n\nMore.\n"));
    assert_eq!(
        run(&["--inject", "README.md", "--check"]).status.code(),
        Some(0)
    );
    assert_eq!(run(&["--inject", "README.md"]).status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&readme).unwrap(), once);
    // Unbalanced markers stop the run before anything is written, `--out` included.
    std::fs::remove_dir_all(ws.path().join("generated")).unwrap();
    std::fs::write(&readme, "# Platform\n<!-- END SCALEGEN -->\n").unwrap();
    let output = run(&["--inject", "README.md"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("README.md:2:1"));
    assert!(!ws.path().join("generated").exists());
}

/// The repo's own `generated/` and README region are current: CI fails when they are stale.
#[test]
fn the_committed_generated_files_are_current() {
    let output = scalegen()
        .current_dir(repo())
        .args(["render", "--check", "--inject", "README.md"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "generated/ or README.md is stale; run `cargo run -- render --inject README.md`:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn write_refuses_to_leave_the_output_directory() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let outputs = [render::Output {
        path: PathBuf::from("../../escaped.yaml"),
        contents: String::new(),
    }];
    assert!(write::write(&out, &outputs).is_err());
    assert!(!dir.path().join("escaped.yaml").exists());
}
