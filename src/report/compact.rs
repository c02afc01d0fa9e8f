//! `path:line:col: severity[rule]: message`: the shape editors' problem matchers read.

use crate::lint::Report;

pub fn write(report: &Report, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    super::write_lines(&report.findings, w, |f, out| {
        use std::io::Write;
        let (start, _) = super::range(f);
        writeln!(
            out,
            "{}:{}:{}: {}[{}]: {}",
            f.source.path,
            start.line,
            start.column,
            f.severity,
            f.rule,
            one_line(&f.message)
        )
    })
}

/// Messages are single lines in line-oriented formats.
pub fn one_line(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains(['\n', '\r']) {
        s.replace(['\n', '\r'], " ").into()
    } else {
        s.into()
    }
}
