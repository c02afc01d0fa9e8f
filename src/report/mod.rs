//! Output formats, one file each. Every format prints the same sorted findings.

pub mod access;
pub mod compact;
pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;

use crate::finding::Finding;
use crate::outcome::Report;
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
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions annotations (and a step summary when `GITHUB_STEP_SUMMARY` is set).
    Github,
    /// JUnit XML, for the test report views of CI systems.
    Junit,
    /// GitLab Code Quality (`artifacts:reports:codequality`).
    Gitlab,
}

impl Format {
    /// The name `--format` takes.
    pub fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Compact => "compact",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Junit => "junit",
            Format::Gitlab => "gitlab",
        }
    }

    pub const ALL: [Format; 7] =
        [Format::Human, Format::Compact, Format::Json, Format::Sarif, Format::Github, Format::Junit, Format::Gitlab];

    pub fn parse(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Whether the format keys findings on their element text (fingerprints).
    pub fn fingerprints(self) -> bool {
        matches!(self, Format::Sarif | Format::Gitlab)
    }
}

/// Start and end of a finding, 1-based, columns in characters.
pub fn range(f: &Finding) -> (Position, Position) {
    (f.start, f.end)
}

/// What one finding's lines cost to format, which decides when spreading
/// them over the thread pool pays.
#[derive(Debug, Clone, Copy)]
pub enum Cost {
    /// A line put together from its parts (compact, GitHub): below 16,384
    /// findings, handing chunks to the pool costs more (fresh buffers, waking
    /// the threads) than the formatting it spreads.
    Line,
    /// A rendered snippet (human): tens of microseconds a finding.
    Snippet,
}

impl Cost {
    fn parallel_from(self) -> usize {
        match self {
            Cost::Line => 16 * 1024,
            Cost::Snippet => 64,
        }
    }

    /// A finding's usual output, to size the buffers once.
    fn bytes(self) -> usize {
        match self {
            Cost::Line => 256,
            Cost::Snippet => 1024,
        }
    }
}

/// Writes each finding's lines, made by `line`, in the findings' order,
/// through one buffer used over and over. A large report's lines are formatted
/// on all cores, a few hundred findings at a time, so it neither waits on one
/// core nor sits in memory whole.
pub fn write_lines(
    findings: &[Finding],
    cost: Cost,
    w: &mut dyn std::io::Write,
    line: impl Fn(&Finding, &mut Vec<u8>) -> std::io::Result<()> + Sync,
) -> std::io::Result<()> {
    use rayon::prelude::*;
    /// Written out when this full.
    const BUFFER: usize = 64 * 1024;
    /// The most findings a pool job formats.
    const CHUNK: usize = 256;
    if findings.len() < cost.parallel_from() {
        let mut buf = Vec::with_capacity(BUFFER.min(findings.len() * cost.bytes()));
        for f in findings {
            line(f, &mut buf)?;
            if buf.len() >= BUFFER - cost.bytes() {
                w.write_all(&buf)?;
                buf.clear();
            }
        }
        return w.write_all(&buf);
    }
    let threads = rayon::current_num_threads();
    // Two jobs a thread in each group, so a slow one does not leave the
    // others idle; no more than `CHUNK` findings a job.
    let chunk = (findings.len() / (2 * threads)).clamp(1, CHUNK);
    for group in findings.chunks(chunk * 2 * threads) {
        let parts: Vec<std::io::Result<Vec<u8>>> = group
            .par_chunks(chunk)
            .map(|chunk| {
                let mut buf = Vec::with_capacity(chunk.len() * cost.bytes());
                for f in chunk {
                    line(f, &mut buf)?;
                }
                Ok(buf)
            })
            .collect();
        for part in parts {
            w.write_all(&part?)?;
        }
    }
    Ok(())
}

/// Writes a report in a format.
pub fn write(report: &Report, format: Format, color: bool, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    match format {
        Format::Human => human::write(report, color, w),
        Format::Compact => compact::write(report, w),
        Format::Json => json::write(report, w),
        Format::Sarif => sarif::write(report, w),
        Format::Github => github::write(report, w),
        Format::Junit => junit::write(report, w),
        Format::Gitlab => gitlab::write(report, w),
    }
}

/// How to print a report, beyond its format.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    pub color: bool,
    /// Only the findings: no summary line.
    pub quiet: bool,
    /// Counts per rule instead of the findings.
    pub statistics: bool,
    /// Columns the human format wraps at (0: its default, 100).
    pub width: usize,
}

/// Writes a report in a format, with options.
pub fn write_with(
    report: &Report,
    format: Format,
    options: Options,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    if options.statistics {
        return statistics(report, format, w);
    }
    match format {
        Format::Human if options.quiet => human::write_findings_width(report, options.color, options.width, w),
        Format::Human => {
            human::write_findings_width(report, options.color, options.width, w)?;
            human::write_summary(report, w)
        }
        _ => write(report, format, options.color, w),
    }
}

/// Findings per rule, most frequent first: `count  rule  severity  summary`
/// (a JSON array with `--format json`).
pub fn statistics(report: &Report, format: Format, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut per_rule: std::collections::BTreeMap<&str, (crate::finding::Severity, usize)> = Default::default();
    for f in &report.findings {
        per_rule.entry(f.rule).or_insert((f.severity, 0)).1 += 1;
    }
    let mut rows: Vec<_> = per_rule.into_iter().collect();
    rows.sort_by(|a, b| b.1 .1.cmp(&a.1 .1).then(a.0.cmp(b.0)));
    let summary = |id: &str| crate::rules::find(id).map_or("", |r| r.meta.summary);
    if format == Format::Json {
        let doc: Vec<_> = rows
            .iter()
            .map(|(rule, (severity, count))| {
                serde_json::json!({ "rule": rule, "severity": severity, "count": count, "summary": summary(rule) })
            })
            .collect();
        serde_json::to_writer_pretty(&mut *w, &doc)?;
        return writeln!(w);
    }
    let count_width = rows.iter().map(|r| r.1 .1.to_string().len()).max().unwrap_or(1);
    let rule_width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
    for (rule, (severity, count)) in &rows {
        writeln!(w, "{count:>count_width$}  {rule:rule_width$}  {:7}  {}", severity.as_str(), summary(rule))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{SourceFile, Span};

    /// The buffer's flushes and the parallel chunks keep every line, in order.
    #[test]
    fn lines_are_written_whole_and_in_order_at_every_size() {
        let source = SourceFile::new("p.json", "{}\n".repeat(50));
        let rule = &crate::rules::find("unknown-action").unwrap().meta;
        let findings: Vec<Finding> = (0..40_000)
            .map(|i| {
                Finding::new(
                    rule,
                    &source,
                    Span::new(i % 100, i % 100 + 1),
                    format!("message {i} {}", "x".repeat(i % 300)),
                )
            })
            .collect();
        for cost in [Cost::Line, Cost::Snippet] {
            for n in [0, 1, 63, 64, 65, 300, 5_000, 16 * 1024 - 1, 16 * 1024, 40_000] {
                let mut written = Vec::new();
                write_lines(&findings[..n], cost, &mut written, |f, out| {
                    out.extend_from_slice(f.message.as_bytes());
                    out.push(b'\n');
                    Ok(())
                })
                .unwrap();
                let expected: String = findings[..n].iter().map(|f| format!("{}\n", f.message)).collect();
                assert!(written == expected.as_bytes(), "{n} findings, {cost:?}");
            }
        }
    }
}
