//! A fix: text edits that a finding offers, on byte ranges of the text that
//! was read, and whether applying them keeps what the user meant
//! ([`Applicability::Safe`]) or changes what is granted ([`Applicability::Unsafe`]).
//! `--fix` applies them ([`crate::lint::fix`]); the JSON and SARIF reports carry them.
//!
//! [`replace_literal`] is the one place that writes a string in the file's
//! own syntax: it finds the delimiters the literal is written with (a JSON
//! string, a JSON string inside a quoted YAML or HCL string, a YAML plain or
//! quoted scalar, an HCL string) and escapes the new text for them.

use crate::source::{Language, Position, Source, Span};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// What the user meant, and nothing else changes: `--fix` applies it.
    Safe,
    /// Changes what is granted: applied only with `--unsafe-fixes`, to review.
    Unsafe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// Replace the bytes `start..end` of the finding's file by `text`; an empty
/// range inserts. Positions are worked out when the edit is made, while the
/// text is at hand (the SARIF report wants lines and columns).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub start: u32,
    pub end: u32,
    pub text: String,
    pub start_position: Position,
    pub end_position: Position,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub applicability: Applicability,
    /// Sorted by start, none overlapping.
    pub edits: Vec<Edit>,
}

impl Fix {
    /// A fix of `source` from `(span, new text)` pairs; `None` when two overlap or one is off the text.
    pub fn new(applicability: Applicability, source: &Source, edits: Vec<(Span, String)>) -> Option<Fix> {
        let mut edits: Vec<Edit> = edits
            .into_iter()
            .map(|(span, text)| {
                let ok = span.end as usize <= source.text.len()
                    && source.text.is_char_boundary(span.start as usize)
                    && source.text.is_char_boundary(span.end as usize);
                ok.then(|| Edit {
                    start: span.start,
                    end: span.end,
                    text,
                    start_position: source.position(span.start),
                    end_position: source.position(span.end),
                })
            })
            .collect::<Option<_>>()?;
        edits.sort_by_key(|e| (e.start, e.end));
        if edits.is_empty() || edits.windows(2).any(|w| w[0].end > w[1].start) {
            return None;
        }
        // An anchored YAML node is also every alias of it: no fix is sure of them all.
        if edits.iter().any(|e| source.repeated_elsewhere(Span { start: e.start, end: e.end })) {
            return None;
        }
        Some(Fix { applicability, edits })
    }

    /// The bytes the fix touches, first to last.
    pub fn extent(&self) -> Span {
        Span { start: self.edits[0].start, end: self.edits[self.edits.len() - 1].end }
    }
}

/// The delimiters a string literal is written with, as its span shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quoting {
    /// `"..."`: JSON, a YAML double-quoted scalar, an HCL string, or a JSON
    /// string in a heredoc or a YAML block or single-quoted scalar.
    Double,
    /// `\"...\"`: a JSON string inside a quoted host string.
    EscapedDouble,
    /// `'...'`: a YAML single-quoted scalar.
    Single,
    /// A YAML plain scalar.
    Plain,
}

/// An edit that makes the string literal at `span` read `new`, written as
/// its host needs. `current` is the value the rule read there: when the
/// literal's raw text between its delimiters is not exactly that (it holds
/// escapes, or is a template), no edit is offered rather than a guess.
pub fn replace_literal(source: &Source, span: Span, current: &str, new: &str) -> Option<(Span, String)> {
    let raw = source.text.get(span.range())?;
    let language = source.language();
    let (quoting, open) = if raw.len() >= 4 && raw.starts_with("\\\"") && raw.ends_with("\\\"") {
        (Quoting::EscapedDouble, 2)
    } else if raw.len() >= 2 && raw.starts_with('"') && raw.ends_with('"') {
        (Quoting::Double, 1)
    } else if raw.len() >= 2 && raw.starts_with('\'') && raw.ends_with('\'') && language == Language::Yaml {
        (Quoting::Single, 1)
    } else if language == Language::Yaml {
        (Quoting::Plain, 0)
    } else {
        return None;
    };
    let inner = &raw[open..raw.len() - open];
    if inner != current {
        return None;
    }
    // A `${` or `%{` would be an interpolation in HCL and a `!Sub` hole in YAML.
    if new.contains("${") || new.contains("%{") {
        return None;
    }
    let inner_span = Span::new(span.start as usize + open, span.end as usize - open);
    let text = match quoting {
        Quoting::Double => {
            // A JSON string inside a YAML single-quoted scalar doubles its `'`.
            if new.contains('\'') && language != Language::Json {
                return None;
            }
            json_escape(new)
        }
        Quoting::EscapedDouble => json_escape(&json_escape(new)),
        Quoting::Single => new.replace('\'', "''"),
        Quoting::Plain if plain_yaml(new) => new.to_string(),
        Quoting::Plain => return Some((span, format!("\"{}\"", json_escape(new)))),
    };
    Some((inner_span, text))
}

/// An edit that makes the list entry `current` at `span` read as the
/// entries `new`, each written as that entry is (its quotes, its escapes):
/// joined by `, ` in a JSON, HCL or YAML flow list, as items of their own
/// in a YAML block sequence, and made a list (`[a, b]`) where the entry is
/// the whole value (`whole`: `"Action": "chime:*"`).
pub fn replace_with_entries(
    source: &Source,
    span: Span,
    current: &str,
    whole: bool,
    new: &[String],
) -> Option<(Span, String)> {
    if let [one] = new {
        return replace_literal(source, span, current, one);
    }
    let raw = source.text.get(span.range())?;
    let entries: Vec<String> = new
        .iter()
        .map(|n| {
            let (inner, text) = replace_literal(source, span, current, n)?;
            let (a, b) = ((inner.start - span.start) as usize, (inner.end - span.start) as usize);
            Some(format!("{}{text}{}", &raw[..a], &raw[b..]))
        })
        .collect::<Option<_>>()?;
    if entries.is_empty() {
        return None;
    }
    if whole {
        return Some((span, format!("[{}]", entries.join(", "))));
    }
    let text = &source.text;
    let at = span.start as usize;
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let prefix = &text[line_start..at];
    let language = source.language();
    let dash = prefix.trim_start_matches(' ');
    let block_item = language == Language::Yaml && dash.starts_with('-') && dash[1..].chars().all(|c| c == ' ');
    let separator = if block_item {
        let eol = if text[at..].split('\n').next().is_some_and(|l| l.ends_with('\r')) { "\r\n" } else { "\n" };
        // Each new item on a line of its own, as the first is: `<indent>- `.
        format!("{eol}{prefix}")
    } else {
        ", ".to_string()
    };
    Some((span, entries.join(&separator)))
}

/// A fix of one edit: [`replace_literal`].
pub fn replace(applicability: Applicability, source: &Source, span: Span, current: &str, new: &str) -> Option<Fix> {
    Fix::new(applicability, source, vec![replace_literal(source, span, current, new)?])
}

/// The content of a JSON string (without quotes) that reads `s`. YAML
/// double-quoted scalars and HCL strings read these escapes the same way.
pub fn json_escape(s: &str) -> String {
    let quoted = serde_json::to_string(s).unwrap_or_default();
    quoted[1..quoted.len() - 1].to_string()
}

/// Whether `s` can be a YAML plain scalar that reads as that string, in block
/// and flow context alike: a letter or digit first, then only characters
/// without a meaning there, and not a word or number YAML reads otherwise.
fn plain_yaml(s: &str) -> bool {
    let mut chars = s.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric());
    let rest_ok = s.chars().all(|c| c.is_ascii_alphanumeric() || ":/_.*@+=-".contains(c));
    let typed = ["true", "false", "null", "yes", "no", "on", "off", "y", "n"].iter().any(|w| s.eq_ignore_ascii_case(w))
        || s.parse::<f64>().is_ok();
    first_ok && rest_ok && !typed && !s.ends_with(':')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn edit(path: &str, text: &str, needle: &str, current: &str, new: &str) -> Option<String> {
        let src = SourceFile::new(path, text);
        let start = text.find(needle).unwrap();
        let (span, with) = replace_literal(&src, Span::new(start, start + needle.len()), current, new)?;
        let mut out = text.to_string();
        out.replace_range(span.range(), &with);
        Some(out)
    }

    #[test]
    fn each_host_gets_its_own_quoting() {
        let j = edit("p.json", r#"{"A": "s:x"}"#, r#""s:x""#, "s:x", "s:\"y\"").unwrap();
        assert_eq!(j, r#"{"A": "s:\"y\""}"#);
        let tf = r#"policy = "{\"Action\": \"s:x\"}""#;
        assert_eq!(
            edit("m.tf", tf, r#"\"s:x\""#, "s:x", "s:\"y\"").unwrap(),
            r#"policy = "{\"Action\": \"s:\\\"y\\\"\"}""#
        );
        assert_eq!(edit("t.yaml", "A: 's:x'", "'s:x'", "s:x", "it's").unwrap(), "A: 'it''s'");
        assert_eq!(edit("t.yaml", "A: [s:x, b]", "s:x", "s:x", "s:y").unwrap(), "A: [s:y, b]");
        assert_eq!(edit("t.yaml", "A: s:x", "s:x", "s:x", "*").unwrap(), "A: \"*\"");
        assert_eq!(edit("t.yaml", "V: 2008-10-17", "2008-10-17", "2008-10-17", "2012-10-17").unwrap(), "V: 2012-10-17");
        assert_eq!(edit("t.yaml", "A: s:x", "s:x", "s:x", "true").unwrap(), "A: \"true\"");
    }

    fn entries(path: &str, text: &str, needle: &str, whole: bool) -> Option<String> {
        let src = SourceFile::new(path, text);
        let start = text.find(needle).unwrap();
        let new = ["s:A".to_string(), "s:B".to_string()];
        let (span, with) = replace_with_entries(&src, Span::new(start, start + needle.len()), "s:*", whole, &new)?;
        let mut out = text.to_string();
        out.replace_range(span.range(), &with);
        Some(out)
    }

    #[test]
    fn entries_are_written_in_the_list_syntax() {
        assert_eq!(entries("p.json", r#"{"A": "s:*"}"#, r#""s:*""#, true).unwrap(), r#"{"A": ["s:A", "s:B"]}"#);
        assert_eq!(
            entries("p.json", r#"{"A": ["x:y", "s:*"]}"#, r#""s:*""#, false).unwrap(),
            r#"{"A": ["x:y", "s:A", "s:B"]}"#
        );
        let tf = r#"policy = "{\"A\": \"s:*\"}""#;
        assert_eq!(entries("m.tf", tf, r#"\"s:*\""#, true).unwrap(), r#"policy = "{\"A\": [\"s:A\", \"s:B\"]}""#);
        assert_eq!(entries("t.yaml", "A: [x:y, 's:*']", "'s:*'", false).unwrap(), "A: [x:y, 's:A', 's:B']");
        assert_eq!(entries("t.yaml", "A: s:*\r\n", "s:*", true).unwrap(), "A: [s:A, s:B]\r\n");
        let block = "A:\r\n  - s:*  # all\r\nB: 1\r\n";
        assert_eq!(entries("t.yaml", block, "s:*", false).unwrap(), "A:\r\n  - s:A\r\n  - s:B  # all\r\nB: 1\r\n");
    }

    #[test]
    fn a_literal_that_is_not_its_value_is_left_alone() {
        assert_eq!(edit("p.json", r#"{"A": "s:\u0078"}"#, r#""s:\u0078""#, "s:x", "s:y"), None);
        assert_eq!(edit("m.tf", r#"a = "${x}""#, r#""${x}""#, "s:x", "s:y"), None);
        assert_eq!(edit("p.json", r#"{"A": "s:x"}"#, r#""s:x""#, "s:x", "${y}"), None);
    }

    #[test]
    fn yaml_an_alias_repeats_gets_no_fix() {
        let text = "A: &any \"*\"\nB: *any\nC: \"*\"\n";
        let src = SourceFile::new("t.yaml", text);
        let anchor = text.find("\"*\"").unwrap();
        src.anchored(vec![Span::new(anchor, anchor + 3)]);
        let at = |needle: &str| {
            let start = text.find(needle).unwrap();
            Span::new(start, start + needle.len())
        };
        assert!(replace(Applicability::Unsafe, &src, at("\"*\""), "*", "x").is_none(), "the anchor");
        let c = text.rfind("\"*\"").unwrap();
        assert!(replace(Applicability::Unsafe, &src, Span::new(c, c + 3), "*", "x").is_some(), "a node of its own");
    }

    #[test]
    fn overlapping_edits_make_no_fix() {
        let src = SourceFile::new("p.json", "abcdef");
        let e = |a, b| (Span::new(a, b), String::new());
        assert!(Fix::new(Applicability::Safe, &src, vec![e(0, 3), e(2, 4)]).is_none());
        assert!(Fix::new(Applicability::Safe, &src, vec![e(3, 4), e(0, 3)]).is_some());
        assert!(Fix::new(Applicability::Safe, &src, vec![e(0, 9)]).is_none());
    }
}
