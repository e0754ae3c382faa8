//! `scalegen validate` end to end: exit statuses, output formats, and input that is not a
//! services file at all. Each bad input gets one clear diagnostic and a bounded run.

use std::io::Write;
use std::path::Path;

use assert_cmd::Command;

fn scalegen() -> Command {
    let mut cmd = Command::cargo_bin("scalegen").expect("binary built");
    cmd.env_remove("COLUMNS").arg("--color=never");
    cmd
}

fn example() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scalegen.yaml"))
}

fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn the_example_passes() {
    let output = scalegen().arg("validate").arg(example()).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert!(stderr_of(&output).contains("8 services, no problems"));
}

#[test]
fn the_default_file_is_scalegen_yaml_in_the_current_directory() {
    let output = scalegen()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("validate")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
}

#[test]
fn json_output_has_the_documented_shape() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.yaml");
    std::fs::write(
        &file,
        "version: 1\nservices:\n  api:\n    maxReplicas: 1\n    minReplicas: 3\n",
    )
    .unwrap();
    let output = scalegen()
        .args(["validate", "--format", "json"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("stdout is JSON");
    let first = &json["diagnostics"][0];
    for key in [
        "code", "severity", "message", "file", "line", "column", "help",
    ] {
        assert!(first.get(key).is_some(), "missing {key} in {first}");
    }
    assert_eq!(first["code"], "SG102");
    assert_eq!(first["line"], 4);
    assert_eq!(first["column"], 18);
}

#[test]
fn warnings_pass_unless_denied() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.yaml");
    std::fs::write(
        &file,
        "version: 1\nservices:\n  api: { minReplicas: 4, maxReplicas: 4 }\n",
    )
    .unwrap();
    let output = scalegen().arg("validate").arg(&file).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert!(stderr_of(&output).contains("warning[SG106]"));
    let output = scalegen()
        .args(["validate", "--deny", "warnings"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn a_missing_file_is_a_usage_error() {
    let output = scalegen()
        .args(["validate", "no/such/file.yaml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("no/such/file.yaml: no such file"),
        "{stderr}"
    );
    assert!(stderr.contains("run `scalegen init`"), "{stderr}");
}

#[test]
fn a_directory_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let output = scalegen().arg("validate").arg(dir.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_of(&output).contains("is a directory"));
}

/// Writes `bytes` to a temporary file and validates it, expecting exit 1 and one diagnostic of
/// `code` with a location.
fn assert_one_diagnostic(bytes: &[u8], code: &str) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("input.yaml");
    std::fs::File::create(&file)
        .unwrap()
        .write_all(bytes)
        .unwrap();
    // A hang would be killed by the timeout and fail on the missing exit status.
    let output = scalegen()
        .args(["validate", "--format", "json"])
        .arg(&file)
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("stdout is JSON");
    let diagnostics = json["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 1, "{json}");
    assert_eq!(diagnostics[0]["code"], code, "{json}");
    assert!(diagnostics[0]["line"].as_u64().is_some(), "{json}");
    assert!(diagnostics[0]["help"].as_str().is_some(), "{json}");
}

#[test]
fn an_empty_file() {
    assert_one_diagnostic(b"", "SG005");
}

#[test]
fn invalid_utf8() {
    assert_one_diagnostic(
        b"version: 1\nservices:\n  api: { notes: \"caf\xe9\" }\n",
        "SG004",
    );
}

#[test]
fn a_binary_file() {
    let mut bytes = b"\x7fELF\x02\x01\x01\0\0\0".to_vec();
    bytes.extend(std::iter::repeat_n(0u8, 4096));
    assert_one_diagnostic(&bytes, "SG004");
}

#[test]
fn a_50_mb_file_is_refused_without_reading_it() {
    let mut text = String::from("version: 1\nservices:\n");
    while text.len() < 50 * 1024 * 1024 {
        text.push_str("  # padding padding padding padding padding padding padding padding\n");
    }
    assert_one_diagnostic(text.as_bytes(), "SG003");
}

#[test]
fn an_alias_bomb() {
    let mut text =
        String::from("version: 1\nx:\n  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    let mut prev = 'a';
    for c in 'b'..='j' {
        text.push_str(&format!(
            "  {c}: &{c} [{}]\n",
            vec![format!("*{prev}"); 9].join(", ")
        ));
        prev = c;
    }
    assert_one_diagnostic(text.as_bytes(), "SG003");
}

#[test]
fn ten_thousand_levels_of_nesting() {
    let text = format!(
        "version: 1\nservices: {}{}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    assert_one_diagnostic(text.as_bytes(), "SG003");
    let mut block = String::from("version: 1\nservices:\n");
    for depth in 1..10_000 {
        block.push_str(&" ".repeat(depth));
        block.push_str("k:\n");
    }
    assert_one_diagnostic(block.as_bytes(), "SG003");
}

#[test]
fn stdin_is_read_with_a_dash() {
    let text = std::fs::read_to_string(example()).unwrap();
    let output = scalegen()
        .args(["validate", "-"])
        .write_stdin(text)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
}

#[test]
fn explain_and_rules() {
    let output = scalegen().args(["explain", "SG102"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.starts_with("# max-below-min (SG102)"), "{text}");
    assert!(text.contains("## Why is this bad?"));
    let output = scalegen()
        .args(["explain", "max-belwo-min"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_of(&output).contains("did you mean `max-below-min`?"));
    let output = scalegen().args(["rules"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stdout).contains("SG104  exceeds-priority-cap"));
}

#[test]
fn a_bad_policy_file_is_reported_with_its_location() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy.yaml");
    std::fs::write(
        &policy,
        "version: 1\nrules:\n  below-ha-minmum:\n    minReplicas: 3\n",
    )
    .unwrap();
    let output = scalegen()
        .args(["validate", "--policy"])
        .arg(&policy)
        .arg(example())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("unknown field `below-ha-minmum`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("did you mean `below-ha-minimum`?"),
        "{stderr}"
    );
    assert!(stderr.contains("policy.yaml:3:3"), "{stderr}");
}

#[test]
fn a_policy_file_changes_limits_and_points_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy.yaml");
    std::fs::write(
        &policy,
        "version: 1\nextends: default\nrules:\n  below-ha-minimum:\n    minReplicas: 3\n",
    )
    .unwrap();
    let output = scalegen()
        .args(["validate", "--policy"])
        .arg(&policy)
        .arg(example())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("below the high-availability minimum of 3"),
        "{stderr}"
    );
    assert!(stderr.contains("policy.yaml:5:18"), "{stderr}");
}
