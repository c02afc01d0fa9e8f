//! `path:line:col: severity[rule]: message`: the shape editors' problem matchers read.

use crate::outcome::Report;

pub fn write(report: &Report, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    super::write_lines(&report.findings, super::Cost::Line, w, |f, out| {
        line(f, out);
        Ok(())
    })
}

/// One finding's line, put together from its parts: it is written once a
/// finding, and the formatting machinery would cost several times as much.
fn line(f: &crate::finding::Finding, out: &mut Vec<u8>) {
    let (start, _) = super::range(f);
    let mut number = itoa::Buffer::new();
    // Escaped: a file name with a line break would plant a line of its own
    // that problem matchers read as a finding.
    out.extend_from_slice(crate::escape::controls(&f.source.path).as_bytes());
    out.push(b':');
    out.extend_from_slice(number.format(start.line).as_bytes());
    out.push(b':');
    out.extend_from_slice(number.format(start.column).as_bytes());
    out.extend_from_slice(b": ");
    out.extend_from_slice(f.severity.as_str().as_bytes());
    out.push(b'[');
    out.extend_from_slice(f.rule.as_bytes());
    out.extend_from_slice(b"]: ");
    out.extend_from_slice(crate::escape::controls(&f.message).as_bytes());
    out.push(b'\n');
}

pub use crate::finding::one_line;
