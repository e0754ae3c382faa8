use super::Output;

pub fn run(out: &mut Output, policy: bool) -> u8 {
    let document = if policy {
        scalegen::policy::schema_document()
    } else {
        scalegen::services_file::schema_document()
    };
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    out.stdout(&text);
    0
}
