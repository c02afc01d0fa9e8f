//! `--format github`: GitHub Actions workflow commands, one annotation a finding:
//! `::error file=PATH,line=L,col=C,endLine=L,endColumn=C,title=RULE::MESSAGE`
//! (`::warning` and `::notice` by severity).
//!
//! GitHub shows only a few annotations per step, so [`write_step_summary`]
//! also appends a Markdown summary (counts per rule, then the findings) to
//! the file `GITHUB_STEP_SUMMARY` names.

use crate::finding::Severity;
use crate::outcome::Report;
use std::collections::BTreeMap;
use std::fmt::Write as _;

pub fn write(report: &Report, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    super::write_lines(&report.findings, super::Cost::Line, w, |f, out| {
        use std::io::Write;
        let (start, end) = super::range(f);
        let command = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut message = f.message.clone();
        if let Some(help) = &f.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(&f.source.path),
            start.line,
            start.column,
            end.line,
            end.column,
            escape_property(f.rule),
            escape_data(&message),
        )
    })
}

/// A workflow command's message: `%`, `\r` and `\n` are escaped as GitHub
/// documents; the other controls (ESC would colour the log) as compact does.
pub fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c if crate::escape::is_hazard(c) => crate::escape::push_escaped(c, &mut out),
            c => out.push(c),
        }
    }
    out
}

/// A workflow command's property value: as data, plus `:` and `,`.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Most findings listed in the step summary; the counts cover them all.
const SUMMARY_LIST_LIMIT: usize = 500;

/// The Markdown summary of a report.
pub fn step_summary(report: &Report) -> String {
    let mut out = String::from("## policy-lint\n\n");
    let n = report.findings.len();
    let count = |s: Severity| report.findings.iter().filter(|f| f.severity == s).count();
    if n == 0 {
        let _ = writeln!(out, "No problems found in {} file{}.", report.files, plural(report.files));
        return out;
    }
    let _ = writeln!(
        out,
        "{n} problem{} ({} error{}, {} warning{}, {} info) in {} file{}.\n",
        plural(n),
        count(Severity::Error),
        plural(count(Severity::Error)),
        count(Severity::Warning),
        plural(count(Severity::Warning)),
        count(Severity::Info),
        report.files,
        plural(report.files),
    );
    let mut per_rule: BTreeMap<&str, (Severity, usize)> = BTreeMap::new();
    for f in &report.findings {
        per_rule.entry(f.rule).or_insert((f.severity, 0)).1 += 1;
    }
    let mut rows: Vec<_> = per_rule.into_iter().collect();
    rows.sort_by(|a, b| b.1 .1.cmp(&a.1 .1).then(a.0.cmp(b.0)));
    out.push_str("| Rule | Severity | Count |\n| --- | --- | ---: |\n");
    for (rule, (severity, count)) in rows {
        let _ = writeln!(out, "| `{rule}` | {severity} | {count} |");
    }
    out.push_str("\n<details open><summary>Findings</summary>\n\n");
    for f in report.findings.iter().take(SUMMARY_LIST_LIMIT) {
        let (start, _) = super::range(f);
        let _ = writeln!(
            out,
            "- `{}:{}:{}` **{}** `{}`: {}",
            crate::escape::controls(&f.source.path).replace('`', "'"),
            start.line,
            start.column,
            f.severity,
            f.rule,
            markdown(&crate::escape::controls(&f.message))
        );
    }
    if n > SUMMARY_LIST_LIMIT {
        let _ = writeln!(out, "- … and {} more (run policy-lint locally to see them all)", n - SUMMARY_LIST_LIMIT);
    }
    out.push_str("\n</details>\n");
    out
}

/// A message as Markdown that shows it as written: its code spans stay code
/// spans, and nothing else in it (a policy value that closes a code span,
/// `![x](https://...)`, `<img>`, a bare URL) renders as a link, an image or
/// HTML. A code span is a backtick, text without one, and a backtick, not
/// right after another span (two backticks in a row open a longer fence);
/// every other backtick is escaped. Emphasis is left alone: it hides nothing.
pub fn markdown(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    let mut after_span = false;
    while let Some(open) = rest.find('`') {
        push_markdown_text(&rest[..open], &mut out);
        let body = &rest[open + 1..];
        match body.find('`') {
            Some(close) if close > 0 && !(after_span && open == 0) => {
                out.push('`');
                out.push_str(&body[..close]);
                out.push('`');
                rest = &body[close + 1..];
                after_span = true;
            }
            _ => {
                out.push_str("\\`");
                rest = body;
                after_span = false;
            }
        }
    }
    push_markdown_text(rest, &mut out);
    out
}

/// Text outside code spans: `<` (HTML, autolinks) and the characters of
/// links and images are escaped, and `://` and `www.` are broken up, so no
/// bare URL becomes a link either.
fn push_markdown_text(text: &str, out: &mut String) {
    for (i, c) in text.char_indices() {
        let before = &text[..i];
        let url =
            (c == '/' && (before.ends_with(':') || before.ends_with(":/"))) || (c == '.' && before.ends_with("www"));
        match c {
            '<' => out.push_str("&lt;"),
            '\\' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            c if url => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
}

/// Appends the summary to the file `GITHUB_STEP_SUMMARY` names, when it is set.
pub fn write_step_summary(report: &Report) -> std::io::Result<()> {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else { return Ok(()) };
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
    file.write_all(step_summary(report).as_bytes())
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape_data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
