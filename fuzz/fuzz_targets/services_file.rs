//! The services-file loader and every validate rule, on arbitrary bytes: no panic, no hang,
//! and every diagnostic has a location and a fix hint. Valid files must render.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scalegen::policy::Policy;
use scalegen::render::{self, Options};
use scalegen::{document, services_file};

fuzz_target!(|data: &[u8]| {
    let (file, not_text) = document::from_bytes("fuzz.yaml", data.to_vec());
    if not_text.is_some() {
        return;
    }
    let (services, diagnostics) = services_file::validate(&file, &Policy::default_policy());
    for d in diagnostics.iter() {
        assert!(d.primary.is_some(), "{d:?}");
        assert!(d.help.is_some(), "{d:?}");
        let _ = scalegen::diagnostics::report::human(d, scalegen::diagnostics::report::HumanOptions::PLAIN);
    }
    if let Some(services) = services.filter(|_| diagnostics.errors() == 0) {
        let rendered = render::render(&services, &Options::default()).expect("a valid file renders");
        assert!(rendered.outputs.iter().all(|o| render::is_safe(&o.path)));
    }
});
