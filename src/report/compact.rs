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

/// Messages are single lines in line-oriented formats. The test is a byte
/// scan: nearly every message has no line break, and this runs once a line.
pub fn one_line(s: &str) -> std::borrow::Cow<'_, str> {
    if memchr::memchr2(b'\n', b'\r', s.as_bytes()).is_some() {
        s.replace(['\n', '\r'], " ").into()
    } else {
        s.into()
    }
}
