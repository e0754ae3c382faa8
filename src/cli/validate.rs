use std::path::Path;

use scalegen::diagnostics::{Diagnostics, report};
use scalegen::document;
use scalegen::policy::Policy;
use scalegen::services_file;
use scalegen::yaml;

use super::{CheckOptions, Deny, EXIT_PROBLEMS, Format, Output};

/// Resolves `--policy`: a built-in name or a file.
pub fn load_policy(out: &mut Output, spec: &str, format: Format) -> Result<Policy, u8> {
    if Policy::is_built_in_name(spec) {
        return Policy::built_in(spec)
            .ok_or_else(|| out.fatal("the built-in policy failed to load"));
    }
    let (file, not_text) = document::read(Path::new(spec), spec, yaml::Limits::CONFIG.max_bytes)
        .map_err(|e| out.fatal(&e.to_string()))?;
    if let Some(diagnostic) = not_text {
        report_diagnostics(out, Diagnostics(vec![diagnostic]), format);
        return Err(super::EXIT_USAGE);
    }
    Policy::load(&file).map_err(|err| {
        report_diagnostics(out, Diagnostics(err.0), format);
        out.fatal(&format!(
            "the policy `{spec}` is invalid; fix the problems above"
        ))
    })
}

pub fn report_diagnostics(out: &mut Output, diagnostics: Diagnostics, format: Format) {
    match format {
        Format::Human => {
            let mut text = report::human_all(&diagnostics, out.human_options());
            if !text.is_empty() {
                text.push('\n');
            }
            out.stderr(&text);
        }
        Format::Json => out.stdout(&report::json(&diagnostics)),
        Format::Sarif => out.stdout(&report::sarif(&diagnostics)),
        Format::Github => out.stdout(&report::github(&diagnostics)),
    }
}

pub fn run(out: &mut Output, path: &Path, options: &CheckOptions) -> u8 {
    let policy = match load_policy(out, &options.policy, options.format) {
        Ok(policy) => policy,
        Err(status) => return status,
    };
    let display = path.display().to_string();
    let (file, not_text) = match document::read(path, &display, yaml::Limits::CONFIG.max_bytes) {
        Ok(read) => read,
        Err(err) => return out.fatal(&err.services_file_message()),
    };
    let (services, mut diagnostics) = match not_text {
        Some(diagnostic) => (None, Diagnostics(vec![diagnostic])),
        None => services_file::validate(&file, &policy),
    };
    if options.deny == Some(Deny::Warnings) {
        diagnostics.deny_warnings();
    }
    let errors = diagnostics.errors();
    let summary = match &services {
        Some(s) if diagnostics.is_empty() => format!(
            "{display}: {} service{}, no problems\n",
            s.services.len(),
            if s.services.len() == 1 { "" } else { "s" }
        ),
        _ => format!("{display}: {}\n", report::counts(&diagnostics)),
    };
    report_diagnostics(out, diagnostics, options.format);
    if options.format == Format::Human {
        out.stderr(&summary);
    }
    if errors > 0 { EXIT_PROBLEMS } else { 0 }
}
