//! `scalegen init`, `completions` and `man`.

use assert_cmd::Command;

fn scalegen() -> Command {
    let mut cmd = Command::cargo_bin("scalegen").unwrap();
    cmd.arg("--color=never");
    cmd
}

#[test]
fn init_writes_a_starter_that_validates_cleanly_and_renders() {
    let dir = tempfile::tempdir().unwrap();
    let output = scalegen()
        .current_dir(dir.path())
        .args(["init", "--pre-commit"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let starter = std::fs::read_to_string(dir.path().join("scalegen.yaml")).unwrap();
    assert!(
        starter.starts_with("# yaml-language-server: $schema=generated/scalegen.schema.json\n")
    );
    // The hooks `init` writes are exactly the ones the repository ships.
    let read_yaml = |path: std::path::PathBuf| {
        let file = scalegen::source::SourceFile::new(
            path.display().to_string(),
            std::fs::read_to_string(&path).unwrap(),
        );
        scalegen::yaml::parse_document(&file).unwrap().to_json()
    };
    let config = read_yaml(dir.path().join(".pre-commit-config.yaml"));
    let shipped =
        read_yaml(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"));
    assert_eq!(config["repos"][0]["repo"], "local");
    assert_eq!(config["repos"][0]["hooks"], shipped);
    let output = scalegen()
        .current_dir(dir.path())
        .args(["validate", "--deny", "warnings", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["diagnostics"].as_array().unwrap().len(), 0, "{json}");
    let output = scalegen()
        .current_dir(dir.path())
        .arg("render")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(dir.path().join("generated/k8s/web.hpa.yaml").exists());
}

#[test]
fn init_never_overwrites_without_force() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("scalegen.yaml"), "mine\n").unwrap();
    let output = scalegen()
        .current_dir(dir.path())
        .arg("init")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--force"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("scalegen.yaml")).unwrap(),
        "mine\n"
    );
    let output = scalegen()
        .current_dir(dir.path())
        .args(["init", "--force"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_ne!(
        std::fs::read_to_string(dir.path().join("scalegen.yaml")).unwrap(),
        "mine\n"
    );
}

#[test]
fn init_leaves_an_existing_pre_commit_config_alone() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".pre-commit-config.yaml"), "repos: []\n").unwrap();
    let output = scalegen()
        .current_dir(dir.path())
        .args(["init", "--pre-commit"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stderr).contains("add this entry under its `repos:`"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join(".pre-commit-config.yaml")).unwrap(),
        "repos: []\n"
    );
}

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let output = scalegen().args(["completions", shell]).output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{shell}");
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(
            text.contains("validate") && text.contains("render"),
            "{shell}: {text}"
        );
    }
    let output = scalegen().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn the_man_page_is_roff() {
    let output = scalegen().arg("man").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains(".TH scalegen 1"), "{text}");
    assert!(text.contains("render"));
}
