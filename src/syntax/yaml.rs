//! YAML with byte spans, on top of `saphyr-parser`'s event stream.
//!
//! The tree is the same [`Node`] tree the JSON front-end builds:
//!
//! - mappings become objects (keys as text, with `key_span`), sequences arrays;
//! - plain scalars are read with the YAML 1.2 core schema: `null`/`~`/empty,
//!   `true`/`false`, integers and floats (kept as written, so `0123` or
//!   `1e3` lose nothing); everything else is a string. `2012-10-17` is a
//!   string (the core schema has no timestamps), as CloudFormation reads it.
//!   Quoted and block scalars are always strings; `!!str` forces a string;
//! - a local tag (`!Sub`, `!Ref`, `!GetAtt`, any `!Name`) becomes the long form
//!   CloudFormation gives it: an object with one member, `Ref`, `Condition` or
//!   `Fn::Name`, whose `key_span` is the tag and whose value is the tagged node.
//!   The object's span covers tag and value. The front-end evaluates nothing:
//!   intrinsic functions are the extractor's business.
//! - anchors and aliases work; an alias is a copy of the anchored node (with the
//!   anchor's spans, which is where the user wrote it). Copies are bounded by
//!   [`MAX_ALIAS_NODES`], so a "billion laughs" file is an error, not an
//!   exhausted memory. Merge keys (`<<: *base`) are honoured.
//! - duplicate keys are an error, as CloudFormation rejects them.
//!
//! A file may hold several documents (`---`). All are parsed (a syntax error in
//! any of them is reported); [`parse_documents`] gives every one, which the
//! linter reads, and [`parse`] the first that looks like a CloudFormation
//! template (a mapping with `AWSTemplateFormatVersion` or `Resources`), else
//! the first document. An empty file is `null`.

use super::{Member, Node, NodeKind, SyntaxError, MAX_DEPTH};
use crate::source::Span;
use saphyr_parser::{Event, Parser, ScalarStyle, Tag};
use std::collections::HashMap;

/// The most nodes that alias expansion may add to a file's tree.
pub const MAX_ALIAS_NODES: usize = 100_000;

/// Parses a YAML stream into the tree of its template document (see the module docs).
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    Ok(build(text)?.finish())
}

/// Every document of a YAML stream, in order (one `null` for an empty
/// file), with spans into the whole text: each is linted.
pub fn parse_documents(text: &str) -> Result<Vec<Node>, SyntaxError> {
    Ok(parse_with_anchors(text)?.0)
}

/// [`parse_documents`], and the spans of the anchored nodes: text that an
/// alias repeats elsewhere.
pub fn parse_with_anchors(text: &str) -> Result<(Vec<Node>, Vec<Span>), SyntaxError> {
    let b = build(text)?;
    let anchored = b.anchors.into_values().map(|(node, ..)| node.span).collect();
    let documents = b.documents;
    let documents = if documents.is_empty() { vec![Node::new(Span::new(0, 0), NodeKind::Null)] } else { documents };
    Ok((documents, anchored))
}

fn build(text: &str) -> Result<Builder<'_>, SyntaxError> {
    let mut b = Builder::new(text);
    for event in Parser::new_from_str(text) {
        match event {
            Ok((event, span)) => b.event(event, span)?,
            Err(e) => {
                let at = b.offset(e.marker().index());
                return Err(SyntaxError::new(scan_message(e.info()), b.char_span(at)));
            }
        }
    }
    Ok(b)
}

fn scan_message(info: &str) -> String {
    let info = info.trim();
    let mut c = info.chars();
    match c.next() {
        Some(f) => format!("invalid YAML: {}{}", f.to_lowercase(), c.as_str()),
        None => "invalid YAML".to_string(),
    }
}

/// A finished node with its size, for alias accounting.
struct Done {
    node: Node,
    /// Nodes in the tree, this one included.
    count: usize,
    /// Levels of nesting below and including this node.
    height: usize,
    /// The scalar text, when the node may serve as a mapping key.
    key: Option<String>,
    /// A plain `<<`, the merge key.
    merge_key: bool,
}

enum Kind {
    Seq(Vec<Node>),
    Map { members: Vec<Member>, merged: Vec<Member>, pending: Option<(String, Span, bool)> },
}

struct Frame {
    kind: Kind,
    /// Where the node starts (at its tag or anchor, if any).
    start: usize,
    /// Where its content starts (after the tag).
    content_start: usize,
    /// The end of the last child, or of the flow indicator that closed it.
    end: usize,
    tag: Option<(String, Span)>,
    anchor: usize,
    count: usize,
    height: usize,
}

struct Builder<'t> {
    text: &'t str,
    /// Byte offset of each character index, when the text is not ASCII.
    offsets: Option<Vec<u32>>,
    stack: Vec<Frame>,
    anchors: HashMap<usize, (Node, usize, usize)>,
    alias_nodes: usize,
    documents: Vec<Node>,
}

impl<'t> Builder<'t> {
    fn new(text: &'t str) -> Builder<'t> {
        let offsets = (!text.is_ascii()).then(|| {
            let mut v: Vec<u32> = text.char_indices().map(|(i, _)| i as u32).collect();
            v.push(text.len() as u32);
            v
        });
        Builder { text, offsets, stack: Vec::new(), anchors: HashMap::new(), alias_nodes: 0, documents: Vec::new() }
    }

    /// The byte offset of a character index.
    fn offset(&self, index: usize) -> usize {
        match &self.offsets {
            None => index.min(self.text.len()),
            Some(v) => v.get(index).map_or(self.text.len(), |&o| o as usize),
        }
    }

    /// The span of the one character at a byte offset (empty at the end of the text).
    fn char_span(&self, at: usize) -> Span {
        let len = self.text[at.min(self.text.len())..].chars().next().map_or(0, char::len_utf8);
        Span::new(at, at + len)
    }

    fn finish(mut self) -> Node {
        let pick = self
            .documents
            .iter()
            .position(|d| d.get("AWSTemplateFormatVersion").is_some() || d.get("Resources").is_some())
            .unwrap_or(0);
        if self.documents.is_empty() {
            Node::new(Span::new(0, 0), NodeKind::Null)
        } else {
            self.documents.swap_remove(pick)
        }
    }

    fn event(&mut self, event: Event<'_>, span: saphyr_parser::Span) -> Result<(), SyntaxError> {
        let start = self.offset(span.start.index());
        let end = self.offset(span.end.index()).max(start);
        match event {
            Event::Scalar(value, style, anchor, tag) => {
                let done = self.scalar(&value, style, tag.as_deref(), start, end);
                self.complete(done, anchor)
            }
            Event::SequenceStart(anchor, tag) => self.open(Kind::Seq(Vec::new()), start, end, anchor, tag.as_deref()),
            Event::MappingStart(anchor, tag) => self.open(
                Kind::Map { members: Vec::new(), merged: Vec::new(), pending: None },
                start,
                end,
                anchor,
                tag.as_deref(),
            ),
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(mut frame) = self.stack.pop() else { return Ok(()) };
                // A flow collection ends at its `]`/`}`; a block one at its last child.
                if end > start && matches!(self.text.as_bytes().get(start), Some(b']' | b'}')) {
                    frame.end = frame.end.max(end);
                }
                let done = self.close(frame)?;
                let anchor = done.1;
                self.complete(done.0, anchor)
            }
            Event::Alias(id) => {
                let Some((node, count, height)) = self.anchors.get(&id) else {
                    return Err(SyntaxError::new("invalid YAML: an alias to an unknown anchor", Span::new(start, end)));
                };
                self.alias_nodes = self.alias_nodes.saturating_add(*count);
                if self.alias_nodes > MAX_ALIAS_NODES {
                    return Err(SyntaxError::new(
                        format!("alias expansion exceeds {MAX_ALIAS_NODES} nodes (a \"billion laughs\" file?)"),
                        Span::new(start, end),
                    ));
                }
                if self.stack.len() + height > MAX_DEPTH {
                    return Err(SyntaxError::new(
                        format!("nesting deeper than {MAX_DEPTH} levels (through an alias)"),
                        Span::new(start, end),
                    ));
                }
                let key = node.scalar_text().or_else(|| matches!(node.kind, NodeKind::Null).then(String::new));
                let done = Done { node: node.clone(), count: *count, height: *height, key, merge_key: false };
                self.complete(done, 0)
            }
            Event::DocumentStart(_) => {
                self.stack.clear();
                Ok(())
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => Ok(()),
        }
    }

    fn open(
        &mut self,
        kind: Kind,
        start: usize,
        end: usize,
        anchor: usize,
        tag: Option<&Tag>,
    ) -> Result<(), SyntaxError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(SyntaxError::new(format!("nesting deeper than {MAX_DEPTH} levels"), self.char_span(start)));
        }
        let tag = tag.and_then(|t| self.local_tag(t, start));
        let flow = end > start && matches!(self.text.as_bytes().get(end - 1), Some(b'[' | b'{'));
        let mut content_start = self.after_properties(start);
        if matches!(kind, Kind::Seq(_)) && !flow {
            content_start = self.first_dash(content_start);
        }
        let start = start.min(content_start);
        let end = if flow { end } else { content_start };
        self.stack.push(Frame { kind, start, content_start, end, tag, anchor, count: 1, height: 1 });
        Ok(())
    }

    fn close(&mut self, frame: Frame) -> Result<(Done, usize), SyntaxError> {
        let span = Span::new(frame.content_start, frame.end.max(frame.content_start));
        let kind = match frame.kind {
            Kind::Seq(items) => NodeKind::Array(items),
            Kind::Map { mut members, merged, pending } => {
                if let Some((key, key_span, _)) = pending {
                    // A key without a value cannot happen in a well-formed stream; keep it as null.
                    members.push(Member { key, key_span, value: Node::new(key_span, NodeKind::Null) });
                }
                for m in merged {
                    if !members.iter().any(|e| e.key == m.key) {
                        members.push(m);
                    }
                }
                NodeKind::Object(members)
            }
        };
        let node = Node::new(span, kind);
        let done = self.wrap(node, frame.start, frame.tag, frame.count, frame.height, None);
        Ok((done, frame.anchor))
    }

    fn scalar(&self, value: &str, style: ScalarStyle, tag: Option<&Tag>, start: usize, end: usize) -> Done {
        let local = tag.and_then(|t| self.local_tag(t, start));
        let content_start = self.after_properties(start).min(end);
        let end = match style {
            ScalarStyle::DoubleQuoted | ScalarStyle::SingleQuoted => self.closing_quote(content_start, end),
            _ => end,
        };
        let span = Span::new(content_start, end);
        let plain = matches!(style, ScalarStyle::Plain);
        let kind = match tag {
            Some(t) if t.is_yaml_core_schema() && t.suffix == "str" => NodeKind::Str(value.to_string()),
            _ if !plain => NodeKind::Str(value.to_string()),
            _ => core_schema(value),
        };
        let node = Node::new(span, kind);
        let merge_key = plain && value == "<<" && tag.is_none();
        self.wrap(node, start, local, 1, 1, Some((value.to_string(), merge_key)))
    }

    /// Wraps a tagged node in its long form (`{"Fn::Sub": node}`).
    fn wrap(
        &self,
        node: Node,
        start: usize,
        tag: Option<(String, Span)>,
        count: usize,
        height: usize,
        key: Option<(String, bool)>,
    ) -> Done {
        let (key, merge_key) = match key {
            Some((k, m)) => (Some(k), m),
            None => (None, false),
        };
        match tag {
            None => Done { node, count, height, key, merge_key },
            Some((name, tag_span)) => {
                let span = Span::new(start, node.span.end as usize);
                let wrapped =
                    Node::new(span, NodeKind::Object(vec![Member { key: name, key_span: tag_span, value: node }]));
                Done { node: wrapped, count: count + 1, height: height + 1, key, merge_key: false }
            }
        }
    }

    /// The long-form name of a local tag (`!Sub` → `Fn::Sub`) and the tag's span.
    fn local_tag(&self, tag: &Tag, start: usize) -> Option<(String, Span)> {
        if tag.handle != "!" || tag.suffix.is_empty() {
            return None;
        }
        let name = match tag.suffix.as_str() {
            "Ref" | "Condition" => tag.suffix.clone(),
            other => format!("Fn::{other}"),
        };
        let bytes = self.text.as_bytes();
        let mut end = start;
        if bytes.get(start) == Some(&b'!') {
            while end < bytes.len() && !is_separator(bytes[end]) {
                end += 1;
            }
        } else if let Some(i) = self.text[start..].find('!') {
            // An anchor came first: `&a !Sub ...`.
            let s = start + i;
            end = s;
            while end < bytes.len() && !is_separator(bytes[end]) {
                end += 1;
            }
            return Some((name, Span::new(s, end)));
        }
        Some((name, Span::new(start, end.max(start + 1))))
    }

    /// Skips a node's properties (tag, anchor) and the space after them.
    fn after_properties(&self, start: usize) -> usize {
        let bytes = self.text.as_bytes();
        let mut i = start;
        loop {
            while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\r' | b'\n') {
                i += 1;
            }
            match bytes.get(i) {
                Some(b'!' | b'&') => {
                    while i < bytes.len() && !is_separator(bytes[i]) {
                        i += 1;
                    }
                }
                Some(b'#') if i > start && matches!(bytes[i - 1], b' ' | b'\t' | b'\r' | b'\n') => {
                    while i < bytes.len() && bytes[i] != b'\n' {
                        i += 1;
                    }
                }
                _ => return i,
            }
        }
    }

    /// Where a block sequence starts: its first `-`. The parser starts a
    /// sequence at the same indent as its key (`Action:` then `- x`) after
    /// that `-`, at the first item, and a span that is the item's would read
    /// as a single value (a fix would write a list into the item).
    fn first_dash(&self, at: usize) -> usize {
        let bytes = self.text.as_bytes();
        if bytes.get(at) == Some(&b'-') {
            return at;
        }
        let before = self.text[..at].trim_end_matches([' ', '\t']);
        if before.ends_with('-') {
            before.len() - 1
        } else {
            at
        }
    }

    /// The end of a quoted scalar that starts at `start`: after its closing
    /// quote. The parser's end is after the blanks and comment that follow
    /// it, and a fix of the scalar must not take them.
    fn closing_quote(&self, start: usize, end: usize) -> usize {
        let bytes = &self.text.as_bytes()[start..end];
        let Some(&quote) = bytes.first().filter(|q| matches!(q, b'"' | b'\'')) else { return end };
        let mut i = 1;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' if quote == b'"' => i += 2,
                // `''` is a quote inside a single-quoted scalar.
                b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
                b if b == quote => return start + i + 1,
                _ => i += 1,
            }
        }
        end
    }

    /// Hands a finished node to its parent, or makes it a document.
    fn complete(&mut self, done: Done, anchor: usize) -> Result<(), SyntaxError> {
        if anchor != 0 {
            self.anchors.insert(anchor, (done.node.clone(), done.count, done.height));
        }
        let Some(parent) = self.stack.last_mut() else {
            self.documents.push(done.node);
            return Ok(());
        };
        parent.count = parent.count.saturating_add(done.count);
        parent.height = parent.height.max(done.height + 1);
        parent.end = parent.end.max(done.node.span.end as usize);
        match &mut parent.kind {
            Kind::Seq(items) => items.push(done.node),
            Kind::Map { members, merged, pending } => match pending.take() {
                None => {
                    let Some(key) = done.key else {
                        return Err(SyntaxError::new(
                            "a mapping key must be a plain value, not a list or a mapping",
                            done.node.span,
                        ));
                    };
                    if !done.merge_key {
                        if let Some(first) = members.iter().find(|m| m.key == key) {
                            let line = 1 + self.text[..first.key_span.start as usize].matches('\n').count();
                            return Err(SyntaxError::new(
                                format!("duplicate key `{key}` (first on line {line})"),
                                done.node.span,
                            ));
                        }
                    }
                    *pending = Some((key, done.node.span, done.merge_key));
                }
                Some((key, key_span, merge)) => {
                    let mut value = done.node;
                    if value.span.is_empty() && matches!(value.kind, NodeKind::Null) {
                        // `Key:` with nothing after it: point at the key.
                        value.span = key_span;
                    }
                    if merge {
                        merge_into(merged, value);
                    } else {
                        members.push(Member { key, key_span, value });
                    }
                }
            },
        }
        Ok(())
    }
}

/// `<<: *base` or `<<: [*a, *b]`: earlier sources win, explicit keys win over all.
fn merge_into(merged: &mut Vec<Member>, value: Node) {
    let sources = match value.kind {
        NodeKind::Array(items) => items,
        _ => vec![value],
    };
    for source in sources {
        if let NodeKind::Object(members) = source.kind {
            for m in members {
                if !merged.iter().any(|e| e.key == m.key) {
                    merged.push(m);
                }
            }
        }
    }
}

fn is_separator(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b',' | b'[' | b']' | b'{' | b'}')
}

/// A plain scalar read with the YAML 1.2 core schema.
fn core_schema(v: &str) -> NodeKind {
    match v {
        "" | "~" | "null" | "Null" | "NULL" => return NodeKind::Null,
        "true" | "True" | "TRUE" => return NodeKind::Bool(true),
        "false" | "False" | "FALSE" => return NodeKind::Bool(false),
        _ => {}
    }
    if is_number(v) {
        NodeKind::Number(v.to_string())
    } else {
        NodeKind::Str(v.to_string())
    }
}

fn is_number(v: &str) -> bool {
    if let Some(hex) = v.strip_prefix("0x") {
        return !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit());
    }
    if let Some(oct) = v.strip_prefix("0o") {
        return !oct.is_empty() && oct.bytes().all(|b| (b'0'..=b'7').contains(&b));
    }
    let unsigned = v.strip_prefix(['-', '+']).unwrap_or(v);
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") || matches!(v, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    // [0-9]+ | \.[0-9]+ | [0-9]+\.[0-9]*, then an optional exponent.
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        None => digits(mantissa),
        Some(("", frac)) => digits(frac),
        Some((int, frac)) => digits(int) && (frac.is_empty() || digits(frac)),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e)));
    // A plain integer is an int only without an exponent; `1e3` needs a float form.
    mantissa_ok && exponent_ok && (exponent.is_none() || !mantissa.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice(text: &str, span: Span) -> &str {
        &text[span.range()]
    }

    #[test]
    fn mappings_sequences_and_scalars_keep_byte_spans() {
        let text =
            "Version: 2012-10-17\nStatement:\n  - Effect: Allow\n    Action: [\"s3:GetObject\", 'x']\n    N: 12\n";
        let root = parse(text).unwrap();
        let v = root.get("Version").unwrap();
        assert_eq!(slice(text, v.key_span), "Version");
        assert_eq!(v.value.kind, NodeKind::Str("2012-10-17".into()));
        let st = &root.get("Statement").unwrap().value.items()[0];
        assert_eq!(slice(text, st.get("Effect").unwrap().value.span), "Allow");
        let action = &st.get("Action").unwrap().value;
        assert_eq!(slice(text, action.span), "[\"s3:GetObject\", 'x']");
        assert_eq!(slice(text, action.items()[0].span), "\"s3:GetObject\"");
        assert_eq!(slice(text, action.items()[1].span), "'x'");
        assert_eq!(st.get("N").unwrap().value.kind, NodeKind::Number("12".into()));
        assert!(slice(text, st.span).starts_with("Effect: Allow"));
        assert!(slice(text, st.span).ends_with("N: 12"));
    }

    #[test]
    fn a_sequence_at_its_keys_indent_starts_at_its_first_dash() {
        let text = "A:\n  Action:\n  - s3:* # all\n  - s3:GetObject\n  R: 1\nB:\n  Action:\n    - s3:*\n";
        let root = parse(text).unwrap();
        let action = |k: &str| root.get(k).unwrap().value.get("Action").unwrap().value.clone();
        assert_eq!(slice(text, action("A").span), "- s3:* # all\n  - s3:GetObject");
        assert_eq!(slice(text, action("A").items()[0].span), "s3:*");
        assert_eq!(slice(text, action("B").span), "- s3:*");
    }

    #[test]
    fn a_quoted_scalar_ends_at_its_closing_quote() {
        let text = "A: \"x \\\" y\"  # say \"hi\"\nB: 'it''s'   # c\nC: [\"a\" , 'b' ]\n";
        let root = parse(text).unwrap();
        assert_eq!(slice(text, root.get("A").unwrap().value.span), "\"x \\\" y\"");
        assert_eq!(slice(text, root.get("B").unwrap().value.span), "'it''s'");
        let c = &root.get("C").unwrap().value;
        assert_eq!((slice(text, c.items()[0].span), slice(text, c.items()[1].span)), ("\"a\"", "'b'"));
    }

    #[test]
    fn spans_are_bytes_in_non_ascii_text() {
        let text = "# adiós, Andrés\nA: 'é'\nB: !Sub \"ñ${X}\"\n";
        let root = parse(text).unwrap();
        assert_eq!(slice(text, root.get("A").unwrap().value.span), "'é'");
        let b = &root.get("B").unwrap().value;
        assert_eq!(slice(text, b.span), "!Sub \"ñ${X}\"");
        let sub = b.get("Fn::Sub").unwrap();
        assert_eq!(slice(text, sub.key_span), "!Sub");
        assert_eq!(slice(text, sub.value.span), "\"ñ${X}\"");
    }

    #[test]
    fn crlf_line_endings() {
        let text = "A: 1\r\nB:\r\n  - 'x'\r\n";
        let root = parse(text).unwrap();
        assert_eq!(slice(text, root.get("B").unwrap().value.items()[0].span), "'x'");
    }

    #[test]
    fn tags_become_long_forms() {
        let text =
            "R: !Ref Bucket\nG: !GetAtt [Role, Arn]\nI: !If\n  - C\n  - a\n  - !Ref AWS::NoValue\nE: !Equals [a, b]\n";
        let root = parse(text).unwrap();
        let r = &root.get("R").unwrap().value;
        assert_eq!(r.get("Ref").unwrap().value.as_str(), Some("Bucket"));
        let g = &root.get("G").unwrap().value.get("Fn::GetAtt").unwrap().value;
        assert_eq!(slice(text, g.span), "[Role, Arn]");
        let i = &root.get("I").unwrap().value;
        let m = i.get("Fn::If").unwrap();
        assert_eq!(slice(text, m.key_span), "!If");
        assert_eq!(m.value.items().len(), 3);
        assert!(slice(text, m.value.span).starts_with("- C"));
        assert!(slice(text, i.span).starts_with("!If"));
        assert!(root.get("E").unwrap().value.get("Fn::Equals").is_some());
    }

    #[test]
    fn core_schema_scalars() {
        let root = parse("a: ~\nb: true\nc: 'true'\nd: 0x1F\ne: 1.5e3\nf: 012345678901\ng: .inf\nh: 1e3\ni: yes\nj:\n")
            .unwrap();
        let k = |key: &str| root.get(key).unwrap().value.kind.clone();
        assert_eq!(k("a"), NodeKind::Null);
        assert_eq!(k("b"), NodeKind::Bool(true));
        assert_eq!(k("c"), NodeKind::Str("true".into()));
        assert_eq!(k("d"), NodeKind::Number("0x1F".into()));
        assert_eq!(k("e"), NodeKind::Number("1.5e3".into()));
        assert_eq!(k("f"), NodeKind::Number("012345678901".into()));
        assert_eq!(k("g"), NodeKind::Number(".inf".into()));
        assert_eq!(k("h"), NodeKind::Number("1e3".into()));
        assert_eq!(k("i"), NodeKind::Str("yes".into()));
        assert_eq!(k("j"), NodeKind::Null);
    }

    #[test]
    fn anchors_aliases_and_merge_keys() {
        let text = "base: &b {x: 1, y: 2}\nuse: *b\nmerged:\n  <<: *b\n  y: 3\n";
        let root = parse(text).unwrap();
        assert_eq!(root.get("use").unwrap().value, root.get("base").unwrap().value);
        let merged = &root.get("merged").unwrap().value;
        assert_eq!(merged.get("y").unwrap().value.kind, NodeKind::Number("3".into()));
        assert_eq!(merged.get("x").unwrap().value.kind, NodeKind::Number("1".into()));
    }

    #[test]
    fn billion_laughs_is_an_error() {
        let mut text =
            String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (i, name) in ["b", "c", "d", "e", "f", "g", "h", "i"].iter().enumerate() {
            let prev = ["a", "b", "c", "d", "e", "f", "g", "h"][i];
            text.push_str(&format!("{name}: &{name} [{}]\n", vec![format!("*{prev}"); 9].join(",")));
        }
        let err = parse(&text).unwrap_err();
        assert!(err.message.contains("alias expansion exceeds"), "{}", err.message);
    }

    #[test]
    fn errors_point_at_the_problem() {
        let text = "a: 1\nb: [1, 2\nc: 3\n";
        let err = parse(text).unwrap_err();
        assert!(err.message.starts_with("invalid YAML"), "{}", err.message);
        let dup = parse("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!(dup.message, "duplicate key `a` (first on line 1)");
        assert_eq!(dup.span, Span::new(10, 11));
        let deep = "[".repeat(1000) + &"]".repeat(1000);
        assert!(parse(&deep).is_err());
        let block: String = (0..400).map(|i| format!("{}k{i}:\n", " ".repeat(i))).collect();
        let err = parse(&block).unwrap_err();
        assert!(err.message.contains("nesting deeper than"), "{}", err.message);
    }

    #[test]
    fn multi_document_picks_the_template() {
        let text = "kind: Thing\n---\nAWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n";
        let root = parse(text).unwrap();
        assert!(root.get("AWSTemplateFormatVersion").is_some());
        assert_eq!(parse("").unwrap().kind, NodeKind::Null);
        assert_eq!(parse("# only a comment\n").unwrap().kind, NodeKind::Null);
    }
}
