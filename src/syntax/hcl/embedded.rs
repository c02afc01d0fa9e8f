//! JSON written inside a string: a Terraform heredoc or quoted string, a
//! `.tf.json` or plan string. The string's text is decoded into a buffer that
//! remembers, for every byte, where it came from, so each node of the JSON
//! points at the bytes the user wrote, escapes and all. Interpolations
//! (`${var.x}`) are read as `null` and come back as unknown values, or as holes
//! of a template when they sit inside a JSON string.

use crate::source::Span;
use crate::syntax::node::render_template;
use crate::syntax::{json, Member, Node, NodeKind, Piece, SyntaxError};
use std::ops::Range;

/// Where offsets of a text lie in the file: shifted by `base`, or looked up
/// in a table (one entry a byte, plus one for the end).
#[derive(Debug, Clone, Copy)]
pub(super) struct Mapping<'a> {
    base: usize,
    table: Option<&'a [u32]>,
}

impl<'a> Mapping<'a> {
    pub fn offset(base: usize) -> Mapping<'static> {
        Mapping { base, table: None }
    }

    pub fn table(table: &'a [u32]) -> Mapping<'a> {
        Mapping { base: 0, table: Some(table) }
    }

    fn at(&self, i: usize) -> usize {
        match self.table {
            None => self.base + i,
            Some([]) => 0,
            Some(t) => t[i.min(t.len() - 1)] as usize,
        }
    }

    pub fn span(&self, r: Range<usize>) -> Span {
        Span::new(self.at(r.start), self.at(r.end.max(r.start)))
    }
}

/// The escapes a string's text may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Escapes {
    /// A quoted HCL string: `\n`, `\"`, `\uNNNN`, ... and `$${`, `%%{`.
    Quoted,
    /// A heredoc or template file: only `$${` and `%%{`.
    Bare,
    /// A JSON string.
    Json,
}

/// Decoded text, with the outer offset of each byte.
#[derive(Debug, Default)]
pub(super) struct Buffer {
    bytes: Vec<u8>,
    pub text: String,
    pub starts: Vec<u32>,
    /// Interpolations, each read as `null` at this range of the buffer.
    holes: Vec<(Range<usize>, String)>,
}

impl Buffer {
    /// A JSON string token (with its quotes) found at offset `at`.
    pub fn from_json_token(token: &str, at: usize) -> Option<Buffer> {
        let inner = token.strip_prefix('"')?.strip_suffix('"')?;
        let mut buf = Buffer::default();
        buf.push_raw(inner, at + 1, Escapes::Json);
        buf.finish(at + token.len() - 1);
        Some(buf)
    }

    fn push(&mut self, b: u8, from: usize) {
        self.bytes.push(b);
        self.starts.push(from as u32);
    }

    /// Appends `raw`, found at offset `at`, decoding its escapes.
    pub fn push_raw(&mut self, raw: &str, at: usize, escapes: Escapes) {
        let bytes = raw.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if escapes != Escapes::Json
                && (b == b'$' || b == b'%')
                && bytes.get(i + 1) == Some(&b)
                && bytes.get(i + 2) == Some(&b'{')
            {
                self.push(b, at + i);
                self.push(b'{', at + i + 2);
                i += 3;
                continue;
            }
            if b == b'\\' && escapes != Escapes::Bare {
                if let Some((c, len)) = unescape(&raw[i..], escapes) {
                    let mut tmp = [0u8; 4];
                    for &byte in c.encode_utf8(&mut tmp).as_bytes() {
                        self.push(byte, at + i);
                    }
                    i += len;
                    continue;
                }
            }
            self.push(b, at + i);
            i += 1;
        }
    }

    /// Appends an interpolation found at `r`, read as `null`.
    pub fn push_hole(&mut self, r: Range<usize>, description: String) {
        let start = self.bytes.len();
        for &b in b"null" {
            self.push(b, r.start);
        }
        self.holes.push((start..self.bytes.len(), description));
    }

    /// Ends the buffer: `end` is the outer offset just past its last byte.
    pub fn finish(&mut self, end: usize) {
        self.starts.push(end as u32);
        self.text = String::from_utf8_lossy(&self.bytes).into_owned();
        if self.text.len() != self.bytes.len() {
            // Not UTF-8 after decoding (cannot happen for valid input): keep offsets aligned.
            self.starts.resize(self.text.len() + 1, end as u32);
        }
    }

    /// The buffer read as JSON, every span in the file.
    pub fn parse(&self, map: Mapping) -> Result<Node, SyntaxError> {
        let node = json::parse(&self.text).map_err(|e| SyntaxError::new(e.message, self.outer(e.span, map)))?;
        Ok(self.remap(node, map))
    }

    fn outer(&self, span: Span, map: Mapping) -> Span {
        let inner = Mapping::table(&self.starts).span(span.range());
        map.span(inner.range())
    }

    fn remap(&self, n: Node, map: Mapping) -> Node {
        let span = self.outer(n.span, map);
        let kind = match n.kind {
            NodeKind::Null => match self.holes.iter().find(|(r, _)| r.start == n.span.start as usize) {
                Some((_, d)) => NodeKind::Unknown(d.clone()),
                None => NodeKind::Null,
            },
            NodeKind::Str(s) => self.string(n.span, s),
            NodeKind::Array(items) => NodeKind::Array(items.into_iter().map(|i| self.remap(i, map)).collect()),
            NodeKind::Object(members) => NodeKind::Object(
                members
                    .into_iter()
                    .map(|m| Member {
                        key: match self.string(m.key_span, m.key) {
                            NodeKind::Template(p) => render_template(&p),
                            NodeKind::Str(s) => s,
                            _ => String::new(),
                        },
                        key_span: self.outer(m.key_span, map),
                        value: self.remap(m.value, map),
                    })
                    .collect(),
            ),
            other => other,
        };
        Node::new(span, kind)
    }

    /// A JSON string token at `span` of the buffer: a template when holes fall inside it.
    fn string(&self, span: Span, value: String) -> NodeKind {
        let (start, end) = (span.start as usize + 1, (span.end as usize).saturating_sub(1));
        let inside: Vec<&(Range<usize>, String)> =
            self.holes.iter().filter(|(r, _)| r.start >= start && r.end <= end).collect();
        if inside.is_empty() {
            return NodeKind::Str(value);
        }
        let mut pieces = Vec::new();
        let mut at = start;
        for (r, d) in inside {
            if r.start > at {
                pieces.push(Piece::Lit(json_unescape(&self.text[at..r.start])));
            }
            pieces.push(Piece::Hole(d.clone()));
            at = r.end;
        }
        if end > at {
            pieces.push(Piece::Lit(json_unescape(&self.text[at..end])));
        }
        NodeKind::Template(pieces)
    }
}

/// A string token of a JSON file (`.tf.json`, plan output) that holds a JSON
/// object, read with spans into the file; `None` if it does not look like one.
pub fn json_string_value(text: &str, span: Span) -> Option<Result<Node, SyntaxError>> {
    let buf = Buffer::from_json_token(text.get(span.range())?, span.start as usize)?;
    if !buf.text.trim_start().starts_with('{') {
        return None;
    }
    Some(buf.parse(Mapping::offset(0)))
}

/// Why a JSON file's string that looks like a JSON object is not one.
pub fn json_string_error(text: &str, span: Span) -> Option<SyntaxError> {
    json_string_value(text, span)?.err()
}

/// Part of a JSON string's content, unescaped; as written if it cannot be.
fn json_unescape(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_string();
    }
    serde_json::from_str::<String>(&format!("\"{s}\"")).unwrap_or_else(|_| s.to_string())
}

/// The escape at the start of `s` (which starts with `\`): the character and the length written.
fn unescape(s: &str, escapes: Escapes) -> Option<(char, usize)> {
    let b = s.as_bytes();
    let c = match *b.get(1)? {
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'"' => '"',
        b'\\' => '\\',
        b'/' if escapes == Escapes::Json => '/',
        b'b' if escapes == Escapes::Json => '\u{8}',
        b'f' if escapes == Escapes::Json => '\u{c}',
        b'u' => {
            let hi = hex(s.get(2..6)?)?;
            if escapes == Escapes::Json && (0xD800..0xDC00).contains(&hi) {
                let lo = s.get(6..8).filter(|p| *p == "\\u").and_then(|_| hex(s.get(8..12)?))?;
                let c = char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo.checked_sub(0xDC00)?))?;
                return Some((c, 12));
            }
            return char::from_u32(hi).map(|c| (c, 6));
        }
        b'U' if escapes == Escapes::Quoted => return char::from_u32(hex(s.get(2..10)?)?).map(|c| (c, 10)),
        _ => return None,
    };
    Some((c, 2))
}

fn hex(s: &str) -> Option<u32> {
    if s.bytes().all(|b| b.is_ascii_hexdigit()) {
        u32::from_str_radix(s, 16).ok()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_map_back_through_escapes() {
        let text = r#"{"policy": "{\"Action\": \"chime:\u0058\"}"}"#;
        let root = json::parse(text).unwrap();
        let p = &root.get("policy").unwrap().value;
        let doc = json_string_value(text, p.span).unwrap().unwrap();
        let a = &doc.get("Action").unwrap().value;
        assert_eq!(a.as_str(), Some("chime:X"));
        assert_eq!(&text[a.span.range()], r#"\"chime:\u0058\""#);
    }

    #[test]
    fn json_string_errors_are_located() {
        let text = r#"{"policy": "{\"Action\": }"}"#;
        let root = json::parse(text).unwrap();
        let p = &root.get("policy").unwrap().value;
        let e = json_string_error(text, p.span).unwrap();
        assert_eq!(&text[e.span.start as usize..e.span.start as usize + 1], "}");
    }
}
