//! Every input a fuzz target ever found a crash, hang or blow-up with, kept as a fixture and run
//! through the same code path: each must now end quickly with a located diagnostic.

use std::path::Path;

use scalegen::policy::Policy;
use scalegen::{document, services_file};

fn fixtures(target: &str) -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz")
        .join(target);
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    paths
}

#[test]
fn services_file_findings() {
    let mut outcomes = Vec::new();
    for path in fixtures("services_file") {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let (file, not_text) = document::from_bytes(&name, std::fs::read(&path).unwrap());
        let diagnostics = match not_text {
            Some(d) => vec![d],
            None => {
                services_file::validate(&file, &Policy::default_policy())
                    .1
                    .0
            }
        };
        assert!(!diagnostics.is_empty(), "{name}");
        for d in &diagnostics {
            assert!(d.primary.is_some() && d.help.is_some(), "{name}: {d:?}");
            let at = d.primary.as_ref().unwrap().start();
            outcomes.push(format!(
                "{name}:{}:{} {} {}",
                at.line, at.column, d.rule.code, d.message
            ));
        }
    }
    insta::assert_snapshot!(outcomes.join("\n"));
}
