//! `--format json`: a stable, versioned document for scripts.

use crate::outcome::Report;
use serde::Serialize;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    findings: Vec<JsonFinding<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: &'a str,
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: &'a str,
    help: Option<&'a str>,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    policies: usize,
    findings: usize,
}

pub fn write(report: &Report, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let findings = report
        .findings
        .iter()
        .map(|f| {
            let (start, end) = super::range(f);
            JsonFinding {
                rule: f.rule,
                severity: f.severity.as_str(),
                path: &f.source.path,
                line: start.line,
                column: start.column,
                end_line: end.line,
                end_column: end.column,
                message: &f.message,
                help: f.help.as_deref(),
            }
        })
        .collect();
    let doc = Document {
        version: 1,
        findings,
        summary: Summary { files: report.files, policies: report.policy_count, findings: report.findings.len() },
    };
    crate::escape::json_pretty(&mut *w, &doc)?;
    writeln!(w)
}
