//! `scalegen import` end to end: the example platform's rendered HPAs back into a services
//! file that renders the very same HPAs.

use std::path::Path;

use assert_cmd::Command;

fn scalegen() -> Command {
    let mut cmd = Command::cargo_bin("scalegen").unwrap();
    cmd.arg("--color=never");
    cmd
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A rendered file without its first line (the header names the services file).
fn body(text: &str) -> String {
    text.split_once('\n')
        .map_or(String::new(), |(_, rest)| rest.to_owned())
}

#[test]
fn the_example_platform_imports_into_an_equivalent_services_file() {
    let dir = tempfile::tempdir().unwrap();
    let output = scalegen()
        .current_dir(dir.path())
        .arg("import")
        .arg(repo().join("generated/k8s"))
        .args(["--output", "imported.yaml"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("8 services imported, 0 not"));
    let output = scalegen()
        .current_dir(dir.path())
        .args([
            "render",
            "imported.yaml",
            "--out",
            "out",
            "--deny",
            "warnings",
        ])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for entry in std::fs::read_dir(repo().join("generated/k8s")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap();
        let original = std::fs::read_to_string(&path).unwrap();
        let imported = std::fs::read_to_string(dir.path().join("out/k8s").join(name)).unwrap();
        assert_eq!(body(&imported), body(&original), "{name:?} differs");
    }
}

#[test]
fn stdin_streams_and_lists_are_read() {
    let hpa = std::fs::read_to_string(repo().join("generated/k8s/git-service.hpa.yaml")).unwrap();
    let object = scalegen::yaml::parse_document(&scalegen::source::SourceFile::new("x", hpa))
        .unwrap()
        .to_json();
    let list = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": [object]});
    let stream = format!(
        "{}---\n{}",
        std::fs::read_to_string(repo().join("generated/k8s/auth-service.hpa.yaml")).unwrap(),
        serde_json::to_string(&list).unwrap()
    );
    let output = scalegen()
        .args(["import", "-"])
        .write_stdin(stream)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("  auth-service:\n") && text.contains("  git-service:\n"),
        "{text}"
    );
}

#[test]
fn an_existing_output_is_never_overwritten_without_force() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("scalegen.yaml"), "mine\n").unwrap();
    let output = scalegen()
        .current_dir(dir.path())
        .arg("import")
        .arg(repo().join("generated/k8s"))
        .args(["-o", "scalegen.yaml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("scalegen.yaml")).unwrap(),
        "mine\n"
    );
}

#[test]
fn input_without_hpas_says_so() {
    let output = scalegen()
        .args(["import", "-"])
        .write_stdin("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no HorizontalPodAutoscaler found"));
}
