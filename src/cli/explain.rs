use scalegen::rules::registry;

use super::{Output, RulesFormat};

pub fn explain(out: &mut Output, key: &str) -> u8 {
    let Some(rule) = registry::find(key) else {
        let names: Vec<String> = registry::ALL.iter().map(|r| r.name.to_owned()).collect();
        let hint = scalegen::structure::closest(key, &names)
            .map(|n| format!("; did you mean `{n}`?"))
            .unwrap_or_else(|| "; `scalegen rules` lists them all".into());
        return out.fatal(&format!("no rule is named `{key}`{hint}"));
    };
    let commands: Vec<String> = rule.commands.iter().map(ToString::to_string).collect();
    out.stdout(&format!(
        "# {} ({})\n\nDefault severity: {}. Used by: {}.\n\n{}\n",
        rule.name,
        rule.code,
        rule.default_severity,
        commands.join(", "),
        rule.documentation()
    ));
    0
}

pub fn rules(out: &mut Output, format: RulesFormat) -> u8 {
    match format {
        RulesFormat::Json => {
            let rules: Vec<serde_json::Value> = registry::ALL
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "code": r.code,
                        "name": r.name,
                        "severity": r.default_severity,
                        "commands": r.commands.iter().map(ToString::to_string).collect::<Vec<_>>(),
                        "summary": r.summary(),
                    })
                })
                .collect();
            let mut text = serde_json::to_string_pretty(&rules).unwrap_or_default();
            text.push('\n');
            out.stdout(&text);
        }
        RulesFormat::Table => {
            let mut text = format!(
                "{:<6} {:<28} {:<8} {}\n",
                "CODE", "NAME", "SEVERITY", "COMMANDS"
            );
            for r in registry::ALL {
                let commands: Vec<String> = r.commands.iter().map(ToString::to_string).collect();
                text.push_str(&format!(
                    "{:<6} {:<28} {:<8} {}\n",
                    r.code,
                    r.name,
                    r.default_severity.to_string(),
                    commands.join(", ")
                ));
            }
            out.stdout(&text);
        }
    }
    0
}
