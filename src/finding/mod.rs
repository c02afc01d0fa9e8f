//! A finding: one problem, at one place, with a message that names the fix;
//! and what every layer needs to make one: the rules' metadata, and the rules
//! that the layers below the rules report themselves ([`reported`]).

pub mod fix;
pub mod reported;
mod rule;
mod snippet;

pub use fix::{Applicability, Edit, Fix};
pub use rule::{Category, RuleMeta, DOC_SECTIONS};
pub use snippet::Snippet;

use crate::source::{Position, Source, Span};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Lines of context shown around a finding in the human report, and kept
/// for it when a file's text is let go.
pub const CONTEXT_LINES: usize = 1;

/// Messages are single lines in line-oriented formats. The test is a byte
/// scan: nearly every message has no line break, and this runs once a line.
pub fn one_line(s: &str) -> std::borrow::Cow<'_, str> {
    if memchr::memchr2(b'\n', b'\r', s.as_bytes()).is_some() {
        s.replace(['\n', '\r'], " ").into()
    } else {
        s.into()
    }
}

/// A secondary place a finding points at (the Deny that shadows an Allow, ...).
#[derive(Debug, Clone)]
pub struct Label {
    pub source: Source,
    pub span: Span,
    /// Where `span` starts and ends, worked out when the label is made.
    pub start: Position,
    pub end: Position,
    pub message: String,
}

#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    /// The file. Its text may have been let go once the finding was made
    /// ([`crate::config::Config::keep_text`]): use `start` and `end` for positions.
    pub source: Source,
    pub span: Span,
    /// Where `span` starts and ends (1-based, columns in characters), worked out
    /// when the finding is made, while the text is at hand.
    pub start: Position,
    pub end: Position,
    pub message: String,
    /// The element's text ([`crate::baseline::element_text`]), kept when the
    /// file's text is let go and a baseline or SARIF fingerprint still needs it.
    pub element: Option<Box<str>>,
    /// The lines around the finding and its labels in the same file, kept
    /// for the human report when the file's text is let go.
    pub snippet: Option<Snippet>,
    /// How to fix it, when there is something concrete to say.
    pub help: Option<String>,
    pub labels: Vec<Label>,
    /// Edits that fix it ([`fix`]), boxed: most findings have none.
    pub fix: Option<Box<Fix>>,
}

impl Finding {
    /// A finding at `span` with the rule's default severity. The span is
    /// widened to whole characters of the source, so a one-byte "opening"
    /// span on a multi-byte character still names valid text.
    pub fn new(rule: &'static RuleMeta, source: &Source, span: Span, message: impl Into<String>) -> Finding {
        let span = on_char_boundaries(&source.text, span);
        let (start, end) = positions(source, span);
        Finding {
            rule: rule.id,
            severity: rule.severity,
            source: source.clone(),
            span,
            start,
            end,
            message: exact(message.into()),
            element: None,
            snippet: None,
            help: None,
            labels: Vec::new(),
            fix: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Finding {
        self.help = Some(exact(help.into()));
        self
    }

    pub fn with_label(mut self, source: &Source, span: Span, message: impl Into<String>) -> Finding {
        let (start, end) = positions(source, span);
        // Most findings have one label or none: no room kept for more.
        self.labels.reserve_exact(1);
        self.labels.push(Label { source: source.clone(), span, start, end, message: exact(message.into()) });
        self
    }

    /// Offers a fix; `None` (no fix) leaves the finding as it is.
    pub fn with_fix(mut self, fix: Option<Fix>) -> Finding {
        self.fix = fix.map(Box::new);
        self
    }

    /// The key that orders output: path, then position, then rule.
    pub fn sort_key(&self) -> (&str, u32, u32, &'static str, &str) {
        (&self.source.path, self.span.start, self.span.end, self.rule, &self.message)
    }
}

/// A message without the spare room `format!` may leave: a large run keeps
/// tens of thousands of them until the report is written.
fn exact(mut s: String) -> String {
    s.shrink_to_fit();
    s
}

/// Where a span starts and ends; an empty span ends where it starts.
fn positions(source: &Source, span: Span) -> (Position, Position) {
    (source.position(span.start), source.position(span.end.max(span.start)))
}

/// `span` clamped to the text and widened to character boundaries.
fn on_char_boundaries(text: &str, span: Span) -> Span {
    let mut start = (span.start as usize).min(text.len());
    let mut end = (span.end as usize).clamp(start, text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    while !text.is_char_boundary(end) {
        end += 1;
    }
    Span::new(start, end)
}
