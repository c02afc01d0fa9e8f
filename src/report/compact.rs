//! `path:line:col: severity[rule]: message`: the shape editors' problem matchers read.

use crate::lint::Report;

pub fn write(report: &Report, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    for f in &report.findings {
        let (start, _) = super::range(f);
        writeln!(
            w,
            "{}:{}:{}: {}[{}]: {}",
            f.source.path,
            start.line,
            start.column,
            f.severity,
            f.rule,
            one_line(&f.message)
        )?;
    }
    Ok(())
}

/// Messages are single lines in line-oriented formats.
pub fn one_line(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains(['\n', '\r']) {
        s.replace(['\n', '\r'], " ").into()
    } else {
        s.into()
    }
}
