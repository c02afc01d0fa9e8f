//! `--format junit`: a JUnit XML test report, the format CI systems
//! (Jenkins, GitLab, Azure Pipelines, CircleCI, ...) show as test results.
//! Each finding is a failed test case named after its rule and place; a
//! clean run is one passing case. The elements and attributes are those of
//! the common JUnit schema (Jenkins' `junit-10.xsd`), and every value is
//! escaped for XML ([`crate::escape::xml`]).

use crate::escape::xml;
use crate::outcome::Report;
use std::io::Write;

pub fn write(report: &Report, w: &mut dyn Write) -> std::io::Result<()> {
    let n = report.findings.len();
    let errors = report.errors.len();
    let tests = (n + errors).max(1);
    writeln!(w, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(w, r#"<testsuites name="policy-lint" tests="{tests}" failures="{n}" errors="{errors}">"#)?;
    writeln!(w, r#"  <testsuite name="policy-lint" tests="{tests}" failures="{n}" errors="{errors}" skipped="0">"#)?;
    if n + errors == 0 {
        let files = report.files;
        writeln!(w, r#"    <testcase classname="policy-lint" name="no problems found in {files} files"/>"#)?;
    }
    super::write_lines(&report.findings, super::Cost::Line, w, |f, out| {
        let path = xml(&f.source.path);
        let message = xml(&f.message);
        let (line, column) = (f.start.line, f.start.column);
        let mut body = format!("{path}:{line}:{column}: {}[{}]: {message}", f.severity, f.rule);
        if let Some(help) = &f.help {
            body.push('\n');
            // Its line breaks kept: element text, not an attribute.
            body.push_str(&help.lines().map(xml).collect::<Vec<_>>().join("\n"));
        }
        writeln!(
            out,
            r#"    <testcase classname="{path}" name="{rule} at {path}:{line}:{column}">
      <failure type="{rule}" message="{message}">{body}</failure>
    </testcase>"#,
            rule = f.rule,
        )
    })?;
    for e in &report.errors {
        writeln!(
            w,
            r#"    <testcase classname="{path}" name="read {path}">
      <error type="unreadable" message="{message}"/>
    </testcase>"#,
            path = xml(&e.path),
            message = xml(&e.message),
        )?;
    }
    writeln!(w, "  </testsuite>")?;
    writeln!(w, "</testsuites>")
}
