//! The manifest reader and `check`, on arbitrary bytes: YAML streams, JSON, `List`s, the
//! Kubernetes schemas, the API server's HPA validation, the rules across objects and the drift
//! against the example services file. No panic, no hang; every diagnostic has a location.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use scalegen::check::{self, Settings};
use scalegen::policy::Policy;
use scalegen::source::SourceFile;

/// The default release (older API validation, tolerance dropped) and a newer one (apiVersion
/// checks, tolerance validated), each with the example services file.
static SETTINGS: LazyLock<[Settings; 2]> = LazyLock::new(|| {
    ["1.33", "1.35"].map(|version| {
        let example = SourceFile::new("scalegen.yaml", include_str!("../../scalegen.yaml"));
        let mut settings = Settings::new(Policy::default_policy());
        settings.for_kubernetes(version.parse().expect("a Kubernetes version"));
        settings.services = check::load_services(&example, &settings.policy).0;
        settings
    })
});

fuzz_target!(|data: &[u8]| {
    let (file, not_text) = scalegen::document::from_bytes("fuzz.yaml", data.to_vec());
    if not_text.is_some() {
        return;
    }
    for settings in SETTINGS.iter() {
        let outcome = check::check_source(&file, settings, None);
        for d in outcome.diagnostics.iter() {
            assert!(d.primary.is_some(), "{d:?}");
            let _ = scalegen::diagnostics::report::human(d, scalegen::diagnostics::report::HumanOptions::PLAIN);
        }
    }
});
