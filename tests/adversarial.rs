//! Hostile and odd input, end to end: each gets a clear diagnostic or error, an exit status,
//! and a bounded run — never a panic or a hang. (Bounded: assert_cmd kills a run that takes
//! longer than a generous limit, and the test then fails on the missing exit status.)

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;

fn scalegen() -> Command {
    let mut cmd = Command::cargo_bin("scalegen").unwrap();
    cmd.arg("--color=never").timeout(Duration::from_secs(120));
    cmd
}

fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn json_of(output: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).expect("stdout is JSON")
}

fn example_hpa() -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("generated/k8s/api-gateway.hpa.yaml"),
    )
    .unwrap()
}

#[test]
fn a_stream_of_100000_documents() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = example_hpa();
    for i in 0..100_000 {
        text.push_str(&format!(
            "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}}}\n"
        ));
    }
    std::fs::write(dir.path().join("many.yaml"), text).unwrap();
    let output = scalegen()
        .current_dir(dir.path())
        .args([
            "check",
            "--no-services",
            "--allow-missing-targets",
            "many.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert!(
        stderr_of(&output).contains("checked 1 file, 1 object"),
        "{}",
        stderr_of(&output)
    );
}

#[test]
fn crlf_line_ends_and_a_byte_order_mark_keep_exact_positions() {
    let dir = tempfile::tempdir().unwrap();
    let services =
        "\u{feff}version: 1\r\nservices:\r\n  api:\r\n    maxReplicas: 1\r\n    minReplicas: 3\r\n";
    std::fs::write(dir.path().join("scalegen.yaml"), services).unwrap();
    let output = scalegen()
        .current_dir(dir.path())
        .args(["validate", "--format", "json"])
        .output()
        .unwrap();
    let first = &json_of(&output)["diagnostics"][0];
    assert_eq!(
        (
            first["code"].as_str(),
            first["line"].as_u64(),
            first["column"].as_u64()
        ),
        (Some("SG102"), Some(4), Some(18))
    );
    let hpa = example_hpa()
        .replace('\n', "\r\n")
        .replace("maxReplicas: 10", "maxReplicas: 0");
    std::fs::write(dir.path().join("hpa.yaml"), format!("\u{feff}{hpa}")).unwrap();
    let output = scalegen()
        .current_dir(dir.path())
        .args([
            "check",
            "--no-services",
            "--allow-missing-targets",
            "--format",
            "json",
            "hpa.yaml",
        ])
        .output()
        .unwrap();
    let json = json_of(&output);
    let line = example_hpa()
        .lines()
        .position(|l| l.contains("maxReplicas: 10"))
        .unwrap()
        + 1;
    assert!(
        json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["line"] == line && d["column"] == 16),
        "{json}"
    );
}

#[test]
fn invalid_utf8_and_nul_bytes_are_diagnostics_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("latin1.yaml"),
        b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: caf\xe9}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("nul.yaml"),
        b"apiVersion: v1\nkind: ConfigMap\ndata: {a: \"\0\"}\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("good.yaml"), example_hpa()).unwrap();
    let output = scalegen()
        .current_dir(dir.path())
        .args([
            "check",
            "--no-services",
            "--allow-missing-targets",
            "--format",
            "json",
            ".",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let json = json_of(&output);
    let not_text: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "SG004")
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert_eq!(not_text, ["latin1.yaml", "nul.yaml"], "{json}");
    assert!(!stderr_of(&output).contains("panicked"));
}

#[cfg(unix)]
#[test]
fn symlink_loops_dangling_links_and_fifos_in_a_checked_directory() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join("d")).unwrap();
    std::fs::write(root.join("d/hpa.yaml"), example_hpa()).unwrap();
    std::os::unix::fs::symlink("..", root.join("d/loop")).unwrap();
    std::os::unix::fs::symlink(".", root.join("d/self")).unwrap();
    std::os::unix::fs::symlink("nowhere.yaml", root.join("d/dangling.yaml")).unwrap();
    let fifo = std::process::Command::new("mkfifo")
        .arg(root.join("d/fifo.yaml"))
        .status();
    let output = scalegen()
        .current_dir(root)
        .args(["check", "--no-services", "--allow-missing-targets", "d"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    // Links are not followed and a FIFO is not read (it would block with no writer).
    assert!(
        stderr_of(&output).contains("checked 1 file, 1 object"),
        "{}",
        stderr_of(&output)
    );
    if fifo.is_err() {
        println!("mkfifo unavailable: the FIFO case was not exercised");
    }
}

#[test]
fn unreadable_files_are_a_clear_error_with_exit_status_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("good.yaml"), example_hpa()).unwrap();
    // /proc/self/mem refuses reads even to root; elsewhere, a name that does not exist.
    let unreadable = if Path::new("/proc/self/mem").exists() {
        "/proc/self/mem"
    } else {
        "missing.yaml"
    };
    let output = scalegen()
        .current_dir(dir.path())
        .args([
            "check",
            "--no-services",
            "--allow-missing-targets",
            "good.yaml",
            unreadable,
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains(&format!("error: {unreadable}:")),
        "{stderr}"
    );
    assert!(stderr.contains("could not be read"), "{stderr}");
}

#[test]
fn a_huge_scalar_is_read_and_reported_without_blowing_up() {
    let dir = tempfile::tempdir().unwrap();
    let note = "x".repeat(6 * 1024 * 1024);
    std::fs::write(
        dir.path().join("scalegen.yaml"),
        format!("version: 1\nservices:\n  api:\n    maxReplicas: 4\n    notes: {note}\n    priority: 7\n"),
    )
    .unwrap();
    let output = scalegen()
        .current_dir(dir.path())
        .args(["validate", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let json = json_of(&output);
    assert_eq!(json["diagnostics"][0]["code"], "SG011", "{json}");
    assert_eq!(json["diagnostics"][0]["line"], 6);
}

#[test]
fn alias_bombs_and_deep_nesting_in_a_manifest_stream_stop_only_their_document() {
    let dir = tempfile::tempdir().unwrap();
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    let mut prev = 'a';
    for c in 'b'..='j' {
        bomb.push_str(&format!(
            "{c}: &{c} [{}]\n",
            vec![format!("*{prev}"); 10].join(", ")
        ));
        prev = c;
    }
    let deep = format!("x: {}{}\n", "[".repeat(5000), "]".repeat(5000));
    std::fs::write(
        dir.path().join("stream.yaml"),
        format!("{bomb}---\n{deep}---\n{}", example_hpa()),
    )
    .unwrap();
    let output = scalegen()
        .current_dir(dir.path())
        .args([
            "check",
            "--no-services",
            "--allow-missing-targets",
            "--format",
            "json",
            "stream.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let codes: Vec<String> = json_of(&output)["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(codes, ["SG003", "SG003"]);
    assert!(!stderr_of(&output).contains("panicked"));
}

#[test]
fn service_names_that_try_path_traversal_never_become_paths() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("scalegen.yaml"),
        "version: 1\nservices:\n  ../../escape: { maxReplicas: 4 }\n  \"/etc/cron.d/x\": { maxReplicas: 4 }\n",
    )
    .unwrap();
    let output = scalegen()
        .current_dir(dir.path())
        .arg("render")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = stderr_of(&output);
    assert!(stderr.contains("SG401"), "{stderr}");
    assert!(stderr.contains("nothing was rendered"), "{stderr}");
    assert!(!dir.path().join("generated").exists());
    assert!(
        !dir.path()
            .parent()
            .unwrap()
            .join("escape.hpa.yaml")
            .exists()
    );
}
