//! The subcommands that print what the tool knows: `rules`, `explain`,
//! `completions`, `man`.

use super::{EXIT_ERROR, EXIT_OK};
use crate::rules;
use std::io::Write;

/// `policy-lint rules --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
}

pub fn list_rules(format: RulesFormat, out: &mut dyn Write) -> u8 {
    let written = match format {
        RulesFormat::Text => rules_text(out),
        RulesFormat::Json => rules_json(out),
    };
    if written.is_err() {
        return EXIT_ERROR;
    }
    EXIT_OK
}

fn rules_text(out: &mut dyn Write) -> std::io::Result<()> {
    let width = rules::RULES.iter().map(|r| r.meta.id.len()).max().unwrap_or(0);
    for r in rules::RULES {
        let m = r.meta;
        let fix = match m.fix {
            Some(a) => format!(" (fix: {})", a.as_str()),
            None => String::new(),
        };
        writeln!(out, "{:width$}  {:7}  {:15}  {}{fix}", m.id, m.severity.as_str(), m.category.as_str(), m.summary)?;
    }
    writeln!(out, "\nAWS data: {} ({})", crate::catalog::DATA_DATE, crate::catalog::DATA_SOURCE)
}

/// `{ "rules": [{ id, severity, category, summary, scope }], "aws_data": {...} }`.
fn rules_json(out: &mut dyn Write) -> std::io::Result<()> {
    let list: Vec<serde_json::Value> = rules::RULES
        .iter()
        .map(|r| {
            let m = r.meta;
            serde_json::json!({
                "id": m.id,
                "severity": m.severity.as_str(),
                "category": m.category.as_str(),
                "summary": m.summary,
                "fix": m.fix.map(|a| a.as_str()),
            })
        })
        .collect();
    let doc = serde_json::json!({
        "rules": list,
        "aws_data": { "date": crate::catalog::DATA_DATE, "source": crate::catalog::DATA_SOURCE },
    });
    crate::escape::json_pretty(out, &doc)?;
    writeln!(out)
}

pub fn explain(id: &str, out: &mut dyn Write) -> u8 {
    match rules::find(id) {
        Some(r) => {
            let m = r.meta;
            let _ = writeln!(out, "# {} ({}, {})\n\n{}\n", m.id, m.severity, m.category.as_str(), m.summary);
            if let Some(a) = m.fix {
                let how = match a {
                    crate::finding::Applicability::Safe => "`--fix` applies it",
                    crate::finding::Applicability::Unsafe => {
                        "it changes what is granted: `--fix --unsafe-fixes` applies it"
                    }
                };
                let _ = writeln!(out, "Fix: {} ({how}).\n", a.as_str());
            }
            let _ = write!(out, "{}", unindent(m.doc));
            EXIT_OK
        }
        None => {
            // The same words, and the same nearest rule, as a misspelt id in the configuration.
            let message = crate::config::rule_error(id).unwrap_or_default();
            eprintln!("policy-lint: {}", crate::escape::controls(&message));
            EXIT_ERROR
        }
    }
}

/// Doc comments keep the single leading space rustdoc adds; drop it.
fn unindent(doc: &str) -> String {
    doc.lines().map(|l| l.strip_prefix(' ').unwrap_or(l)).collect::<Vec<_>>().join("\n") + "\n"
}

pub fn completions(shell: clap_complete::Shell, mut command: clap::Command, out: &mut dyn Write) -> u8 {
    clap_complete::generate(shell, &mut command, "policy-lint", out);
    EXIT_OK
}

pub fn man(command: clap::Command, out: &mut dyn Write) -> u8 {
    match clap_mangen::Man::new(command).render(out) {
        Ok(()) => EXIT_OK,
        Err(e) => {
            if e.kind() != std::io::ErrorKind::BrokenPipe {
                eprintln!("policy-lint: cannot write the manual page: {e}");
            }
            EXIT_ERROR
        }
    }
}
