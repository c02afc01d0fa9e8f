//! The default format: each finding with its source snippet, the span
//! underlined, and a help line with the fix.

use crate::escape;
use crate::finding::{Finding, Severity, Snippet};
use crate::outcome::Report;
use crate::source::Span;
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource};

use crate::finding::CONTEXT_LINES;

pub fn write(report: &Report, color: bool, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    write_findings(report, color, w)?;
    write_summary(report, w)
}

/// The findings alone (`--quiet`).
pub fn write_findings(report: &Report, color: bool, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    write_findings_width(report, color, DEFAULT_WIDTH, w)
}

/// Columns when the output is no terminal (a file, a pipe, a CI log).
pub const DEFAULT_WIDTH: usize = 100;

/// [`write_findings`], wrapped at `width` columns (a terminal's; 0: the default).
pub fn write_findings_width(
    report: &Report,
    color: bool,
    width: usize,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let width = if width == 0 { DEFAULT_WIDTH } else { width.max(40) };
    let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    // Lines wrap at spaces only, and a word longer than a line (a URL, an
    // ARN) is left whole, so it can be copied or followed. miette's defaults
    // (the Unicode line-breaking rules, hyphenation, long words cut at the
    // width) split rule ids, action names and ARNs after hyphens, and cost
    // more than the rest of the rendering together.
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_context_lines(CONTEXT_LINES)
        .with_width(width)
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
        .with_break_words(false);
    super::write_lines(&report.findings, super::Cost::Snippet, w, |f, out| {
        let mut text = String::new();
        if handler.render_report(&mut text, &Rendered::new(f)).is_err() {
            text = format!("{}: {}[{}]: {}\n", escaped(&f.source.path), f.severity, f.rule, escaped(&f.message));
        }
        out.extend_from_slice(text.as_bytes());
        out.push(b'\n');
        Ok(())
    })
}

/// The closing line: how many problems, files and policies.
pub fn write_summary(report: &Report, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let (errors, warnings) = report.findings.iter().fold((0, 0), |(e, w), f| match f.severity {
        Severity::Error => (e + 1, w),
        Severity::Warning => (e, w + 1),
        Severity::Info => (e, w),
    });
    let summary = crate::workload::render(&report.workload);
    if !summary.is_empty() {
        writeln!(w, "{summary}")?;
    }
    let files = report.files;
    let policies = report.policy_count;
    if report.findings.is_empty() && !report.errors.is_empty() {
        // A path could not be read (standard error says which): "no
        // problems" would claim what the run did not check.
        return Ok(());
    }
    if report.findings.is_empty() {
        writeln!(
            w,
            "No problems found in {files} file{} ({policies} polic{}).",
            plural(files),
            if policies == 1 { "y" } else { "ies" }
        )
    } else {
        writeln!(
            w,
            "Found {} problem{} ({errors} error{}, {warnings} warning{}) in {files} file{} ({policies} polic{}).",
            report.findings.len(),
            plural(report.findings.len()),
            plural(errors),
            plural(warnings),
            plural(files),
            if policies == 1 { "y" } else { "ies" }
        )
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// A finding as a miette diagnostic, with its snippet as the named source.
struct Rendered {
    inner: MietteDiagnostic,
    source: NamedSource<Shown>,
}

impl Rendered {
    fn new(f: &Finding) -> Rendered {
        let severity = match f.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        };
        let same_file = |l: &&crate::finding::Label| std::sync::Arc::ptr_eq(&l.source, &f.source);
        let snippet = snippet_of(f);
        // The shown spans: the finding's, then its labels' in the same file.
        let mut shown = snippet.spans.iter().copied();
        let mut labels = Vec::new();
        let mut at = Vec::new();
        if let Some(span) = shown.next() {
            labels.push(LabeledSpan::new_primary_with_span(None, span.range()));
            at.push((span.start, f.start));
        }
        let mut notes = Vec::new();
        for l in f.labels.iter().filter(same_file) {
            match shown.next() {
                Some(span) => {
                    labels.push(LabeledSpan::new_with_span(Some(escaped(&l.message)), span.range()));
                    at.push((span.start, l.start));
                }
                // No lines kept for it (its file's text let go without them).
                None => notes.push(l),
            }
        }
        notes.extend(f.labels.iter().filter(|l| !same_file(l)));
        let mut help = f.help.as_deref().map(|h| escape::controls_except(h, Some('\n')).into_owned());
        for l in notes {
            let p = l.start;
            let note = format!("{} ({}:{}:{})", escaped(&l.message), escaped(&l.source.path), p.line, p.column);
            help = Some(match help {
                Some(h) => format!("{h}\n{note}"),
                None => note,
            });
        }
        let mut inner =
            MietteDiagnostic::new(escaped(&f.message)).with_code(f.rule).with_severity(severity).with_labels(labels);
        if let Some(h) = help {
            inner = inner.with_help(h);
        }
        let source = NamedSource::new(escaped(&f.source.path), Shown { snippet, at }).with_language("json");
        Rendered { inner, source }
    }
}

/// The lines a finding shows: kept with it when its file's text was let go
/// ([`crate::config::KeepText::Snippets`]), else cut from the text now. An
/// empty file shows an empty frame at the finding's place.
fn snippet_of(f: &Finding) -> Snippet {
    let kept = if f.source.text.is_empty() {
        f.snippet.clone()
    } else {
        let same_file = f.labels.iter().filter(|l| std::sync::Arc::ptr_eq(&l.source, &f.source)).map(|l| l.span);
        let spans: Vec<Span> = std::iter::once(f.span).chain(same_file).collect();
        Snippet::around(&f.source, &spans, CONTEXT_LINES)
    };
    kept.unwrap_or_else(Snippet::empty)
}

fn escaped(s: &str) -> String {
    escape::controls(s).into_owned()
}

/// A snippet as miette reads it: lines numbered from the top of the file,
/// and the finding's and labels' columns in characters, as every other
/// format counts them (miette would count bytes of the shown text).
struct Shown {
    snippet: Snippet,
    /// Where each shown span starts (its offset in the snippet) in the file.
    at: Vec<(u32, crate::source::Position)>,
}

impl miette::SourceCode for Shown {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        // Each block is read on its own: a span across two (labels far
        // apart) is not there to read, and miette shows them apart.
        let (block, start, first_line) = self.snippet.block_at(span.offset());
        let local = span.offset() - start;
        if local + span.len() > block.len() {
            return Err(miette::MietteError::OutOfBounds);
        }
        let inner = block.read_span(&miette::SourceSpan::new(local.into(), span.len()), before, after)?;
        let position = self.at.iter().find(|(at, _)| *at as usize == span.offset()).map(|(_, p)| p);
        let (line, column) = match position {
            Some(p) if before == 0 && after == 0 => (p.line - 1, p.column - 1),
            _ => (inner.line() + first_line, inner.column()),
        };
        Ok(Box::new(miette::MietteSpanContents::new(
            inner.data(),
            miette::SourceSpan::new((inner.span().offset() + start).into(), inner.span().len()),
            line,
            column,
            // miette's `line_count` counts from the top of the text.
            inner.line_count() + first_line,
        )))
    }
}

impl std::fmt::Debug for Rendered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.inner.fmt(f)
    }
}

impl std::fmt::Display for Rendered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.inner, f)
    }
}

impl std::error::Error for Rendered {}

impl miette::Diagnostic for Rendered {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.inner.code()
    }
    fn severity(&self) -> Option<miette::Severity> {
        self.inner.severity()
    }
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.inner.help()
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.inner.labels()
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{SourceFile, Span};

    fn render(message: &str, help: &str) -> String {
        let source = SourceFile::new("policy.json", "{\"Resource\": \"*\"}\n".to_owned());
        let rule = &crate::rules::find("resource-star").unwrap().meta;
        let finding = Finding::new(rule, &source, Span::new(13, 16), message).with_help(help);
        let report = Report { findings: vec![finding], ..Report::default() };
        let mut out = Vec::new();
        write_findings(&report, false, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// Long lines wrap at spaces; ARNs, URLs and rule ids stay whole on
    /// their lines, to be copied or followed.
    #[test]
    fn lines_wrap_at_spaces_and_long_words_stay_whole() {
        let arn = "`arn:${Partition}:chime:${Region}:${Account}:sma/${SipMediaApplicationId}`";
        let url =
            "https://docs.aws.amazon.com/chime-sdk/latest/APIReference/API_voice-chime_PutVoiceConnectorProxy.html";
        let out = render(
            &format!("`Resource: \"*\"` on `chime:UpdateSipMediaApplicationCall`, which can be scoped to {arn}"),
            &format!("see missing-dependent-action and least-privilege-violation in the reference ({url})"),
        );
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines.iter().any(|l| l.contains(arn)), "{out}");
        assert!(lines.iter().any(|l| l.contains(url)), "{out}");
        assert!(lines.iter().any(|l| l.contains("missing-dependent-action")), "{out}");
        // And the message did wrap: the ARN went to a line of its own.
        assert!(lines.iter().all(|l| !(l.contains("UpdateSipMediaApplicationCall") && l.contains(arn))), "{out}");
    }
}
