//! The manifest reader and `check`, on arbitrary bytes: YAML streams, JSON, `List`s, the
//! Kubernetes schemas, the API server's HPA validation, the rules across objects and the drift
//! against the example services file. No panic, no hang; every diagnostic has a location.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use scalegen::check::{self, Settings};
use scalegen::policy::Policy;
use scalegen::source::SourceFile;

static SETTINGS: LazyLock<Settings> = LazyLock::new(|| {
    let example = SourceFile::new("scalegen.yaml", include_str!("../../scalegen.yaml"));
    let mut settings = Settings::new(Policy::default_policy());
    settings.services = check::load_services(&example, &settings.policy).0;
    settings
});

fuzz_target!(|data: &[u8]| {
    let (file, not_text) = scalegen::document::from_bytes("fuzz.yaml", data.to_vec());
    if not_text.is_some() {
        return;
    }
    let outcome = check::check_source(&file, &SETTINGS, None);
    for d in outcome.diagnostics.iter() {
        assert!(d.primary.is_some(), "{d:?}");
        let _ = scalegen::diagnostics::report::human(d, scalegen::diagnostics::report::HumanOptions::PLAIN);
    }
});
