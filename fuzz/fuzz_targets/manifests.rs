//! The manifest reader: YAML streams, the Kubernetes schemas and the API server's HPA
//! validation, on arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scalegen::source::SourceFile;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = SourceFile::new("fuzz.yaml", text);
    let Ok(docs) = scalegen::yaml::parse_stream(&file) else {
        return;
    };
    for doc in docs {
        let json = doc.to_json();
        let api_version = json.get("apiVersion").and_then(|v| v.as_str()).unwrap_or("autoscaling/v2");
        let kind = json.get("kind").and_then(|v| v.as_str()).unwrap_or("HorizontalPodAutoscaler");
        if let Some(schema) = scalegen::k8s::schemas::validator(api_version, kind) {
            for error in schema.iter_errors(&json) {
                let _ = doc.locate(error.instance_path().as_str());
            }
        }
        if let Ok(errors) = scalegen::k8s::hpa_api::check_hpa(&json, None, &Default::default()) {
            for error in errors {
                let _ = error.locate(&json);
            }
        }
    }
});
