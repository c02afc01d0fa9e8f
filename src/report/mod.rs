//! Output formats, one file each. Every format prints the same sorted findings.

pub mod compact;
pub mod human;
pub mod json;

use crate::finding::Finding;
use crate::lint::Report;
use crate::source::Position;

/// The formats `--format` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Source snippets with the span underlined and a help line.
    Human,
    /// One finding a line: `path:line:col: severity[rule]: message` (for editors).
    Compact,
    /// Machine-readable JSON (`version`, `findings`, `summary`).
    Json,
}

/// Start and end of a finding, 1-based, columns in characters.
pub fn range(f: &Finding) -> (Position, Position) {
    let start = f.source.position(f.span.start);
    let end = f.source.position(f.span.end.max(f.span.start));
    (start, end)
}

/// Writes a report in a format.
pub fn write(report: &Report, format: Format, color: bool, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    match format {
        Format::Human => human::write(report, color, w),
        Format::Compact => compact::write(report, w),
        Format::Json => json::write(report, w),
    }
}
