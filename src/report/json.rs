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
    /// Present only when the finding offers a fix (added in the same version 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<JsonFix<'a>>,
}

/// A fix: byte offsets into the file's text as read (after a UTF-8 byte
/// order mark, which the reader drops), `end` exclusive.
#[derive(Serialize)]
struct JsonFix<'a> {
    applicability: &'static str,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    path: &'a str,
    start: u32,
    end: u32,
    text: &'a str,
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
                fix: f.fix.as_deref().map(|fix| JsonFix {
                    applicability: fix.applicability.as_str(),
                    edits: fix
                        .edits
                        .iter()
                        .map(|e| JsonEdit { path: &f.source.path, start: e.start, end: e.end, text: &e.text })
                        .collect(),
                }),
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
