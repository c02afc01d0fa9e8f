//! `--format gitlab`: a GitLab Code Quality report (the Code Climate issue
//! subset GitLab reads: `description`, `check_name`, `fingerprint`,
//! `severity`, `location.path`, `location.lines.begin`), a JSON array to
//! hand to `artifacts:reports:codequality`.

use crate::finding::Severity;
use crate::outcome::Report;
use serde::Serialize;

#[derive(Serialize)]
struct Issue<'a> {
    description: &'a str,
    check_name: &'a str,
    /// Stable across edits elsewhere in the file: GitLab compares a merge
    /// request's issues with the target branch's by it.
    fingerprint: &'a str,
    severity: &'static str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: std::borrow::Cow<'a, str>,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

/// GitLab's severities are `info`, `minor`, `major`, `critical`, `blocker`.
fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

pub fn write(report: &Report, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let fingerprints = super::sarif::fingerprints(&report.findings);
    let issues: Vec<Issue> = report
        .findings
        .iter()
        .zip(&fingerprints)
        .map(|(f, fingerprint)| Issue {
            description: &f.message,
            check_name: f.rule,
            fingerprint,
            severity: severity(f.severity),
            location: Location {
                path: super::sarif::forward_slashes(&f.source.path),
                lines: Lines { begin: f.start.line, end: f.end.line },
            },
        })
        .collect();
    crate::escape::json_pretty(&mut *w, &issues)?;
    writeln!(w)
}
