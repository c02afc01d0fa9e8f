//! Strict JSON (RFC 8259) with byte spans: IAM and CloudFormation accept no
//! comments or trailing commas.
//!
//! A document is read with `jiter`, a fast strict JSON iterator, straight into
//! the node tree. One it rejects (or nests too deep) is read again with
//! `jsonc-parser`, every extension turned off, for its error message and place.

use super::{Member, Node, NodeKind, SyntaxError, MAX_DEPTH};
use crate::source::Span;
use jsonc_parser::ast::{ObjectPropName, Value};
use jsonc_parser::{CollectOptions, ParseOptions};

fn strict() -> ParseOptions {
    ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    }
}

/// Parses a JSON document. An empty document is an error, as it is for IAM.
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    match quick::parse(text) {
        Some(node) => Ok(node),
        None => parse_with_errors(text),
    }
}

/// The slower reading, which says what is wrong and where.
fn parse_with_errors(text: &str) -> Result<Node, SyntaxError> {
    if let Some(offset) = too_deep(text) {
        return Err(SyntaxError::new(format!("nesting deeper than {MAX_DEPTH} levels"), Span::new(offset, offset + 1)));
    }
    let control = control_in_string(text).map(|at| {
        let message = format!("a raw control character (U+{:04X}) in a string: write it escaped", text.as_bytes()[at]);
        SyntaxError::new(message, Span::new(at, at + 1))
    });
    let result = jsonc_parser::parse_to_ast(text, &CollectOptions::default(), &strict()).map_err(|e| {
        let r = e.range();
        let message = e.kind().to_string();
        SyntaxError::new(lowercase_first(&message), error_span(text, r.start, r.end))
    });
    // `jsonc-parser` takes them too: the first error in the text is reported.
    let result = match (result, control) {
        (Err(e), Some(c)) => return Err(if c.span.start < e.span.start { c } else { e }),
        (Ok(_), Some(c)) => return Err(c),
        (result, None) => result?,
    };
    match result.value {
        Some(v) => Ok(convert(&v)),
        None => Err(SyntaxError::new("the file is empty: expected a JSON value", Span::new(0, 0))),
    }
}

/// Where nesting first exceeds [`MAX_DEPTH`], skipping over strings; cheap and
/// keeps the recursive conversion well inside any thread's stack.
fn too_deep(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (i, &b) in bytes.iter().enumerate() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(i);
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// The first raw control character (U+0000 to U+001F) inside a string,
/// which RFC 8259 forbids. Outside strings they are the parser's business.
fn control_in_string(text: &str) -> Option<usize> {
    let (mut in_string, mut escaped) = (false, false);
    for (i, &b) in text.as_bytes().iter().enumerate() {
        if !in_string {
            in_string = b == b'"';
            continue;
        }
        match (escaped, b) {
            (_, 0..0x20) => return Some(i),
            (true, _) => escaped = false,
            (false, b'\\') => escaped = true,
            (false, b'"') => in_string = false,
            _ => {}
        }
    }
    None
}

/// At least one character from `start`, inside the text and on character
/// boundaries (the parser's range may end inside a multi-byte character).
fn error_span(text: &str, start: usize, end: usize) -> Span {
    let mut start = start.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = end.max(start + 1).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    Span::new(start, end)
}

fn lowercase_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

fn convert(v: &Value) -> Node {
    match v {
        Value::StringLit(s) => Node::new(span(s.range), NodeKind::Str(s.value.to_string())),
        Value::NumberLit(n) => Node::new(span(n.range), NodeKind::Number(n.value.to_string())),
        Value::BooleanLit(b) => Node::new(span(b.range), NodeKind::Bool(b.value)),
        Value::NullKeyword(n) => Node::new(span(n.range), NodeKind::Null),
        Value::Array(a) => Node::new(span(a.range), NodeKind::Array(a.elements.iter().map(convert).collect())),
        Value::Object(o) => {
            let members = o
                .properties
                .iter()
                .map(|p| {
                    let (key, key_range) = match &p.name {
                        ObjectPropName::String(s) => (s.value.to_string(), s.range),
                        ObjectPropName::Word(w) => (w.value.to_string(), w.range),
                    };
                    Member { key, key_span: span(key_range), value: convert(&p.value) }
                })
                .collect();
            Node::new(span(o.range), NodeKind::Object(members))
        }
    }
}

fn span(r: jsonc_parser::common::Range) -> Span {
    Span::new(r.start, r.end)
}

/// The reading of well-formed documents.
mod quick {
    use super::{Member, Node, NodeKind, MAX_DEPTH};
    use crate::source::Span;
    use jiter::{Jiter, Peek};
    use std::ops::Range;

    /// The tree, or `None` when the document is not well-formed JSON or
    /// nests deeper than [`MAX_DEPTH`].
    pub fn parse(text: &str) -> Option<Node> {
        let mut reader = Reader { jiter: Jiter::new(text.as_bytes()), text };
        let peek = reader.jiter.peek().ok()?;
        let node = reader.value(peek, 0)?;
        reader.jiter.finish().ok()?;
        Some(node)
    }

    /// Where `raw`, a string's contents that `jiter` hands back as a slice of
    /// `text`, lies in it: inside the text, between its quotes. `None` (and
    /// the slower reading) were it ever anything else.
    fn contents(text: &str, raw: &[u8]) -> Option<Range<usize>> {
        let start = (raw.as_ptr() as usize).checked_sub(text.as_ptr() as usize)?;
        let end = start + raw.len();
        (start >= 1 && end < text.len()).then_some(start..end)
    }

    /// [`contents`] for an object's next key: `Some(None)` when there is none.
    fn key_contents(text: &str, raw: Option<&[u8]>) -> Option<Option<Range<usize>>> {
        match raw {
            Some(raw) => contents(text, raw).map(Some),
            None => Some(None),
        }
    }

    /// Room for the first items of an array or object: a statement's members
    /// and a list of actions have a handful, so one allocation usually does
    /// (a vector would grow from 4 to 8 on the way); an empty one takes none.
    fn first_capacity(any: bool) -> usize {
        if any {
            8
        } else {
            0
        }
    }

    struct Reader<'a> {
        jiter: Jiter<'a>,
        text: &'a str,
    }

    impl<'a> Reader<'a> {
        fn at(&self) -> usize {
            self.jiter.current_index()
        }

        /// The value that starts here (`peek` has skipped the blanks before it).
        fn value(&mut self, peek: Peek, depth: usize) -> Option<Node> {
            let start = self.at();
            let kind = match peek {
                Peek::Null => {
                    self.jiter.known_null().ok()?;
                    NodeKind::Null
                }
                Peek::True | Peek::False => NodeKind::Bool(self.jiter.known_bool(peek).ok()?),
                Peek::String => {
                    let raw = self.jiter.known_bytes().ok().and_then(|raw| contents(self.text, raw))?;
                    NodeKind::Str(self.string(raw)?)
                }
                Peek::Array => {
                    if depth >= MAX_DEPTH {
                        return None;
                    }
                    let mut next = self.jiter.known_array().ok()?;
                    let mut items = Vec::with_capacity(first_capacity(next.is_some()));
                    while let Some(peek) = next {
                        items.push(self.value(peek, depth + 1)?);
                        next = self.jiter.array_step().ok()?;
                    }
                    NodeKind::Array(items)
                }
                Peek::Object => {
                    if depth >= MAX_DEPTH {
                        return None;
                    }
                    let mut next = key_contents(self.text, self.jiter.next_object_bytes().ok()?)?;
                    let mut members = Vec::with_capacity(first_capacity(next.is_some()));
                    while let Some(raw) = next {
                        let key = self.string(raw.clone())?;
                        let key_span = Span::new(raw.start - 1, raw.end + 1);
                        let peek = self.jiter.peek().ok()?;
                        members.push(Member { key, key_span, value: self.value(peek, depth + 1)? });
                        next = key_contents(self.text, self.jiter.next_key_bytes().ok()?)?;
                    }
                    NodeKind::Object(members)
                }
                _ if peek.is_num() => {
                    let raw = self.jiter.known_number_bytes(peek).ok()?;
                    NodeKind::Number(std::str::from_utf8(raw).ok()?.to_string())
                }
                _ => return None,
            };
            Some(Node::new(Span::new(start, self.at()), kind))
        }

        /// The string whose contents lie at `raw`, escapes decoded. Without
        /// escapes it is a slice of the text, which is UTF-8 already: its ends
        /// are next to the quotes, so on character boundaries.
        fn string(&self, raw: Range<usize>) -> Option<String> {
            let contents = self.text.get(raw.clone())?;
            // `jiter` takes raw control characters in strings; JSON does not
            // (the slower reading says where).
            if contents.bytes().any(|b| b < 0x20) {
                return None;
            }
            if memchr::memchr(b'\\', contents.as_bytes()).is_none() {
                return Some(contents.to_string());
            }
            let quoted = &self.text.as_bytes()[raw.start - 1..raw.end + 1];
            Jiter::new(quoted).next_str().ok().map(str::to_string)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_spans_of_keys_and_values() {
        let text = r#"{"Version": "2012-10-17", "Statement": []}"#;
        let node = parse(text).unwrap();
        let m = node.get("Version").unwrap();
        assert_eq!(&text[m.key_span.range()], "\"Version\"");
        assert_eq!(&text[m.value.span.range()], "\"2012-10-17\"");
    }

    #[test]
    fn rejects_extensions_and_empty_input() {
        assert!(parse("{\"a\": 1,}").is_err());
        assert!(parse("// c\n{}").is_err());
        assert!(parse("").is_err());
        assert!(parse("{\"a\": tru").is_err());
    }

    #[test]
    fn error_spans_cover_whole_characters() {
        let text = "{\"a\": 0\u{4d6}0}";
        let err = parse(text).unwrap_err();
        assert!(text.is_char_boundary(err.span.start as usize) && text.is_char_boundary(err.span.end as usize));
        assert!(err.span.end > err.span.start);
    }

    /// The quick reading gives the very tree the error-reporting one gives.
    #[test]
    fn both_readings_agree() {
        let mut texts: Vec<String> = [
            r#"{"a": "x\"y\\z\u00e9\ud83d\ude00", "b": [1, -0, 1.5e+3, 12345678901234567890123, true, false, null]}"#,
            r#"  [ {}, [], "", {"": {"k": [[]]}} ]  "#,
            r#"{"dup": 1, "dup": 2, "\u0041": "tab\tnl\n"}"#,
            "\"lone string\"",
            "42",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let mut dirs = vec![fixtures];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "json") {
                    texts.extend(std::fs::read_to_string(&path).ok());
                }
            }
        }
        assert!(texts.len() > 20, "only {} documents", texts.len());
        // And each mutated a few times: a byte dropped, or one of JSON's
        // troublemakers put in.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |k: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % k as u64) as usize
        };
        let inserts = [
            "\"", "\\", ",", "}", "]", "{", "[", ":", "\\u00", "\\ud800", "-", "0", "e", "\u{7f}", "\t", "é", "//",
            "nul",
        ];
        let mut mutated = Vec::new();
        for text in &texts {
            for _ in 0..20 {
                let mut m = text.clone();
                let at = (0..=next(m.len() + 1)).rev().find(|&i| m.is_char_boundary(i)).unwrap_or(0);
                match next(2) {
                    0 if at < m.len() => {
                        m.remove(at);
                    }
                    _ => m.insert_str(at, inserts[next(inserts.len())]),
                }
                mutated.push(m);
            }
        }
        texts.extend(mutated);
        let mut taken = 0;
        for text in &texts {
            let slow = parse_with_errors(text);
            // What the quick reading takes, the other takes the same; what it
            // rejects goes to the other (which takes a raw tab in a string).
            if let Some(node) = quick::parse(text) {
                assert_eq!(Ok(node), slow.map_err(|e| e.message), "{text}");
                taken += 1;
            }
        }
        assert!(taken > texts.len() / 4, "the quick reading took {taken} of {}", texts.len());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(100_000) + &"]".repeat(100_000);
        let err = parse(&text).unwrap_err();
        assert!(err.message.contains("nesting"));
    }
}
