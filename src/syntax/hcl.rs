//! HCL (Terraform) with spans, on top of `hcl-edit`.
//!
//! The body becomes an object in the shape of `.tf.json`, so one extractor reads
//! both: an attribute is a member; a block is a member keyed by its type whose
//! value nests one object per label (`resource "aws_iam_role" "x" { ... }` is
//! `{"resource": {"aws_iam_role": {"x": {...}}}}`); repeated blocks are repeated
//! members; `dynamic "statement" { ... }` is a member `statement` whose value is
//! unknown. Each block's object spans the whole block, from its type keyword.
//!
//! Expressions: literals as themselves; `"a${var.b}c"` is a template keeping its
//! literal parts; `jsonencode(x)`, `tolist(x)`, `toset(x)` are `x`; `concat` of
//! lists is the list; a string or heredoc holding a JSON object is that object,
//! with every span pointing into the `.tf` file (holes such as `${var.x}` become
//! unknowns). Everything else (`var.x`, `aws_iam_role.x.arn`, `file("p.json")`,
//! conditionals, `for` expressions, splats) is unknown, its text kept so the
//! extractor can follow references.

mod embedded;

pub use embedded::{json_string_error, json_string_value};

use super::{Member, Node, NodeKind, Piece, SyntaxError, MAX_DEPTH};
use crate::source::Span;
use embedded::{Buffer, Escapes, Mapping};
use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::{Block, BlockLabel, Body};
use hcl_edit::template::{Element, Template};
use hcl_edit::Span as _;
use std::ops::Range;

/// Parses a Terraform file's body.
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    let body = hcl_edit::parser::parse_body(text).map_err(|e| error(text, &e, Mapping::offset(0)))?;
    let conv = Conv { text, map: Mapping::offset(0) };
    Ok(conv.body(&body, Span::new(0, text.len()), 0))
}

/// A `templatefile()` template that renders JSON: the JSON, its holes unknown;
/// `None` when it has directives or is not a JSON object.
pub fn template_json(text: &str) -> Option<Node> {
    let template = hcl_edit::parser::parse_template(text).ok()?;
    let conv = Conv { text, map: Mapping::offset(0) };
    conv.json_in_template(template.iter(), Escapes::Bare)?.ok()
}

/// Why a policy string that looks like JSON (`policy = "{ ..."` or a heredoc)
/// is not JSON, at the place in the file; `None` if it is JSON or has holes.
pub fn embedded_json_error(text: &str, span: Span) -> Option<SyntaxError> {
    let slice = text.get(span.range())?;
    let expr = hcl_edit::parser::parse_expr(slice).ok()?;
    let conv = Conv { text: slice, map: Mapping::offset(span.start as usize) };
    let result = match &expr {
        Expression::String(s) => {
            let r = s.span()?;
            conv.json_in_string(r.start + 1..r.end.saturating_sub(1).max(r.start + 1))
        }
        Expression::StringTemplate(t) => conv.json_in_template(t.iter(), Escapes::Quoted)?,
        Expression::HeredocTemplate(h) => conv.json_in_template(h.template.iter(), Escapes::Bare)?,
        _ => return None,
    };
    result.err()
}

/// A string of a `.tf.json` file (the token at `span`), read as Terraform reads
/// it: a template whose `${...}` holes are expressions (so `"${jsonencode({...})}"`
/// is the object), or a JSON object. `None` when it is a plain string.
pub fn tf_json_string(text: &str, span: Span) -> Option<Node> {
    let token = text.get(span.range())?;
    if !token.contains("${") && !token.contains("%{") {
        return json_string_value(text, span).and_then(Result::ok);
    }
    let buf = Buffer::from_json_token(token, span.start as usize)?;
    let template = hcl_edit::parser::parse_template(&buf.text).ok()?;
    let conv = Conv { text: &buf.text, map: Mapping::table(&buf.starts) };
    Some(conv.template(&template, span, Escapes::Bare, 0))
}

/// A function call written as an unknown value's text (`file("${path.module}/p.json")`):
/// its name and arguments.
pub fn function_call(text: &str) -> Option<(String, Vec<Node>)> {
    let Expression::FuncCall(call) = hcl_edit::parser::parse_expr(text).ok()? else {
        return None;
    };
    let conv = Conv { text, map: Mapping::offset(0) };
    Some((call.name.name.as_str().to_string(), call.args.iter().map(|a| conv.expr(a, 0)).collect()))
}

fn error(text: &str, e: &hcl_edit::parser::Error, map: Mapping) -> SyntaxError {
    // The location's line and column are exact, also past the end of a line.
    let loc = e.location();
    let line_start: usize =
        text.split_inclusive('\n').take(loc.line().saturating_sub(1)).map(str::len).sum::<usize>().min(text.len());
    let rest = &text[line_start..];
    let col = loc.column().saturating_sub(1);
    let offset = line_start + rest.char_indices().nth(col).map_or(rest.len(), |(i, _)| i);
    let end = text[offset..].chars().next().map_or(offset, |c| offset + c.len_utf8());
    SyntaxError::new(e.message().to_string(), map.span(offset..end.max(offset)))
}

/// Converts `hcl-edit` trees to nodes. Spans of `hcl-edit` are offsets into
/// `text`; `map` takes them to the file (they differ inside a `.tf.json` string).
struct Conv<'a> {
    text: &'a str,
    map: Mapping<'a>,
}

impl Conv<'_> {
    fn span(&self, r: Option<Range<usize>>) -> Span {
        r.map_or(Span::default(), |r| self.map.span(r))
    }

    fn slice(&self, r: Option<Range<usize>>) -> &str {
        r.and_then(|r| self.text.get(r)).unwrap_or("").trim()
    }

    fn body(&self, body: &Body, span: Span, depth: usize) -> Node {
        let mut members = Vec::new();
        for s in body.iter() {
            if let Some(a) = s.as_attribute() {
                members.push(Member {
                    key: a.key.as_str().to_string(),
                    key_span: self.span(a.key.span()),
                    value: self.expr(&a.value, depth + 1),
                });
            } else if let Some(b) = s.as_block() {
                members.push(self.block(b, depth + 1));
            }
        }
        Node::new(span, NodeKind::Object(members))
    }

    fn block(&self, b: &Block, depth: usize) -> Member {
        let span = self.span(b.span());
        let ident = b.ident.as_str();
        let ident_span = self.span(b.ident.span());
        if ident == "dynamic" && b.labels.len() == 1 {
            let label = &b.labels[0];
            return Member {
                key: label.as_str().to_string(),
                key_span: self.span(label.span()),
                value: Node::unknown(span, format!("dynamic \"{}\"", label.as_str())),
            };
        }
        let mut value =
            if depth > MAX_DEPTH { Node::unknown(span, "nested too deep") } else { self.body(&b.body, span, depth) };
        for label in b.labels.iter().rev() {
            let key = match label {
                BlockLabel::String(s) => s.value().to_string(),
                BlockLabel::Ident(i) => i.as_str().to_string(),
            };
            value = Node::new(span, NodeKind::Object(vec![Member { key, key_span: self.span(label.span()), value }]));
        }
        Member { key: ident.to_string(), key_span: ident_span, value }
    }

    fn expr(&self, e: &Expression, depth: usize) -> Node {
        let span = self.span(e.span());
        if depth > MAX_DEPTH {
            return Node::unknown(span, "nested too deep");
        }
        match e {
            Expression::Null(_) => Node::new(span, NodeKind::Null),
            Expression::Bool(b) => Node::new(span, NodeKind::Bool(*b.value())),
            Expression::Number(_) => Node::new(span, NodeKind::Number(self.slice(e.span()).to_string())),
            Expression::String(s) => {
                let value = s.value();
                if looks_like_json(value) {
                    if let Some(r) = e.span() {
                        if let Ok(node) = self.json_in_string(r.start + 1..r.end.saturating_sub(1).max(r.start + 1)) {
                            return node;
                        }
                    }
                }
                Node::new(span, NodeKind::Str(value.to_string()))
            }
            Expression::Array(a) => {
                Node::new(span, NodeKind::Array(a.iter().map(|i| self.expr(i, depth + 1)).collect()))
            }
            Expression::Object(o) => {
                let members = o
                    .iter()
                    .map(|(k, v)| {
                        let key = match k {
                            ObjectKey::Ident(i) => i.as_str().to_string(),
                            ObjectKey::Expression(Expression::String(s)) => s.value().to_string(),
                            ObjectKey::Expression(k) => match self.expr(k, depth + 1).kind {
                                NodeKind::Str(s) => s,
                                _ => format!("${{{}}}", self.slice(k.span())),
                            },
                        };
                        Member { key, key_span: self.span(k.span()), value: self.expr(v.expr(), depth + 1) }
                    })
                    .collect();
                Node::new(span, NodeKind::Object(members))
            }
            Expression::StringTemplate(t) => self.template(t, span, Escapes::Quoted, depth),
            Expression::HeredocTemplate(h) => self.template(&h.template, span, Escapes::Bare, depth),
            Expression::Parenthesis(p) => self.expr(p.inner(), depth + 1),
            Expression::Variable(v) => Node::unknown(span, v.as_str()),
            Expression::Traversal(_) => {
                Node::unknown(span, self.slice(e.span()).split_whitespace().collect::<String>())
            }
            Expression::FuncCall(call) => {
                let args: Vec<&Expression> = call.args.iter().collect();
                match (call.name.is_namespaced(), call.name.name.as_str(), args.as_slice()) {
                    (false, "jsonencode" | "tolist" | "toset", [arg]) if !call.args.expand_final() => {
                        self.expr(arg, depth + 1)
                    }
                    (false, "concat", args) if !call.args.expand_final() => {
                        let mut items = Vec::new();
                        for arg in args {
                            match self.expr(arg, depth + 1).kind {
                                NodeKind::Array(more) => items.extend(more),
                                _ => return Node::unknown(span, self.slice(e.span())),
                            }
                        }
                        Node::new(span, NodeKind::Array(items))
                    }
                    _ => Node::unknown(span, self.slice(e.span())),
                }
            }
            Expression::Conditional(_) | Expression::UnaryOp(_) | Expression::BinaryOp(_) | Expression::ForExpr(_) => {
                Node::unknown(span, self.slice(e.span()))
            }
        }
    }

    /// A quoted string with holes, or a heredoc.
    fn template(&self, t: &Template, span: Span, escapes: Escapes, depth: usize) -> Node {
        let elements: Vec<&Element> = t.iter().collect();
        if let [Element::Interpolation(i)] = elements.as_slice() {
            // `"${x}"` is `x`.
            let node = self.expr(&i.expr, depth + 1);
            return if matches!(node.kind, NodeKind::Unknown(_)) { Node { span, ..node } } else { node };
        }
        if let Some(Element::Literal(first)) = elements.first() {
            if looks_like_json(first) {
                if let Some(Ok(node)) = self.json_in_template(t.iter(), escapes) {
                    return node;
                }
            }
        }
        let mut pieces: Vec<Piece> = Vec::new();
        for el in &elements {
            match el {
                Element::Literal(l) => push_lit(&mut pieces, l),
                Element::Interpolation(i) => pieces.push(Piece::Hole(self.describe(&i.expr))),
                Element::Directive(_) => pieces.push(Piece::Hole("%{...}".into())),
            }
        }
        match pieces.as_slice() {
            [] => Node::new(span, NodeKind::Str(String::new())),
            [Piece::Lit(s)] => Node::new(span, NodeKind::Str(s.clone())),
            _ => Node::new(span, NodeKind::Template(pieces)),
        }
    }

    /// How a hole is shown: its expression's text (`var.account`).
    fn describe(&self, e: &Expression) -> String {
        let text = self.slice(e.span());
        match e {
            Expression::Traversal(_) | Expression::Variable(_) => text.split_whitespace().collect(),
            _ => text.to_string(),
        }
    }

    /// A quoted string's content (`raw`, without the quotes) read as JSON.
    fn json_in_string(&self, raw: Range<usize>) -> Result<Node, SyntaxError> {
        let mut buf = Buffer::default();
        buf.push_raw(self.text.get(raw.clone()).unwrap_or(""), raw.start, Escapes::Quoted);
        buf.finish(raw.end);
        buf.parse(self.map)
    }

    /// A template's text read as JSON, its interpolations as unknown values;
    /// `None` for templates with directives (`%{ for }`), which JSON cannot show.
    fn json_in_template<'e>(
        &self,
        elements: impl Iterator<Item = &'e Element>,
        escapes: Escapes,
    ) -> Option<Result<Node, SyntaxError>> {
        let mut buf = Buffer::default();
        let mut end = 0;
        for el in elements {
            match el {
                Element::Literal(l) => {
                    let r = l.span()?;
                    buf.push_raw(self.text.get(r.clone())?, r.start, escapes);
                    end = r.end;
                }
                Element::Interpolation(i) => {
                    let r = i.span()?;
                    buf.push_hole(r.clone(), self.describe(&i.expr));
                    end = r.end;
                }
                Element::Directive(_) => return None,
            }
        }
        buf.finish(end);
        Some(buf.parse(self.map))
    }
}

fn push_lit(pieces: &mut Vec<Piece>, s: &str) {
    if let Some(Piece::Lit(last)) = pieces.last_mut() {
        last.push_str(s);
    } else if !s.is_empty() {
        pieces.push(Piece::Lit(s.to_string()));
    }
}

/// A string worth reading as JSON: it opens an object.
fn looks_like_json(s: &str) -> bool {
    s.trim_start().starts_with('{')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at<'t>(text: &'t str, node: &Node) -> &'t str {
        &text[node.span.range()]
    }

    fn attr<'n>(root: &'n Node, path: &[&str]) -> &'n Node {
        let mut n = root;
        for p in path {
            n = &n.get(p).unwrap_or_else(|| panic!("no `{p}` in {n:?}")).value;
        }
        n
    }

    #[test]
    fn blocks_nest_by_label_like_tf_json() {
        let text = "resource \"aws_iam_role\" \"r\" {\n  name = \"x\"\n  inline_policy {\n    name = \"p\"\n  }\n}\n";
        let root = parse(text).unwrap();
        let body = attr(&root, &["resource", "aws_iam_role", "r"]);
        assert!(at(text, body).starts_with("resource \"aws_iam_role\""));
        assert_eq!(attr(body, &["name"]).as_str(), Some("x"));
        assert_eq!(attr(body, &["inline_policy", "name"]).as_str(), Some("p"));
        let m = root.get("resource").unwrap().value.get("aws_iam_role").unwrap();
        assert_eq!(&text[m.key_span.range()], "\"aws_iam_role\"");
    }

    #[test]
    fn templates_keep_literal_parts_and_describe_holes() {
        let text = "a = \"arn:aws:chime:us-east-1:${var.account}:vc/*\"\nb = \"${aws_iam_role.x.arn}\"\nc = var.y\n";
        let root = parse(text).unwrap();
        assert_eq!(
            attr(&root, &["a"]).kind,
            NodeKind::Template(vec![
                Piece::Lit("arn:aws:chime:us-east-1:".into()),
                Piece::Hole("var.account".into()),
                Piece::Lit(":vc/*".into())
            ])
        );
        assert_eq!(attr(&root, &["b"]).kind, NodeKind::Unknown("aws_iam_role.x.arn".into()));
        assert_eq!(attr(&root, &["c"]).kind, NodeKind::Unknown("var.y".into()));
    }

    #[test]
    fn jsonencode_is_the_hcl_object_with_hcl_spans() {
        let text = "p = jsonencode({\n  Version = \"2012-10-17\"\n  Statement = [{ Action = [\"chime:X\"] }]\n})\n";
        let root = parse(text).unwrap();
        let p = attr(&root, &["p"]);
        assert_eq!(attr(p, &["Version"]).as_str(), Some("2012-10-17"));
        let st = &attr(p, &["Statement"]).items()[0];
        let action = &attr(st, &["Action"]).items()[0];
        assert_eq!(at(text, action), "\"chime:X\"");
    }

    #[test]
    fn heredoc_json_spans_point_into_the_file() {
        for op in ["<<", "<<-"] {
            let text = format!(
                "p = {op}EOF\n    {{\n      \"Action\": \"chime:X\",\n      \"Resource\": \"arn:aws:s3:::${{var.b}}/$${{aws:username}}\",\n      \"Sid\": ${{jsonencode(var.s)}}\n    }}\n    EOF\n"
            );
            let text = text.as_str();
            let root = parse(text).unwrap();
            let p = attr(&root, &["p"]);
            let action = attr(p, &["Action"]);
            assert_eq!(at(text, action), "\"chime:X\"", "{op}");
            let res = attr(p, &["Resource"]);
            assert_eq!(at(text, res), "\"arn:aws:s3:::${var.b}/$${aws:username}\"");
            assert_eq!(
                res.kind,
                NodeKind::Template(vec![
                    Piece::Lit("arn:aws:s3:::".into()),
                    Piece::Hole("var.b".into()),
                    Piece::Lit("/${aws:username}".into())
                ])
            );
            let sid = attr(p, &["Sid"]);
            assert_eq!(sid.kind, NodeKind::Unknown("jsonencode(var.s)".into()));
            assert_eq!(at(text, sid), "${jsonencode(var.s)}");
        }
    }

    #[test]
    fn escaped_json_string_spans_point_into_the_file() {
        let text = "p = \"{\\\"Action\\\": \\\"chime:X\\\", \\\"N\\\": \\u0031}\"\n";
        let root = parse(text).unwrap();
        let p = attr(&root, &["p"]);
        assert_eq!(at(text, attr(p, &["Action"])), "\\\"chime:X\\\"");
        assert_eq!(attr(p, &["Action"]).as_str(), Some("chime:X"));
        assert_eq!(p.get("Action").map(|m| &text[m.key_span.range()]), Some("\\\"Action\\\""));
        assert_eq!(attr(p, &["N"]).kind, NodeKind::Number("1".into()));
    }

    #[test]
    fn invalid_json_in_a_heredoc_stays_a_string_and_the_error_is_located() {
        let text = "p = <<EOF\n{\n  \"Action\": \"x\",\n}\nEOF\n";
        let root = parse(text).unwrap();
        let p = attr(&root, &["p"]);
        assert!(matches!(p.kind, NodeKind::Str(_)));
        let e = embedded_json_error(text, p.span).unwrap();
        // The JSON front-end reports the trailing comma, as it does in a `.json` file.
        assert_eq!(&text[e.span.start as usize..e.span.start as usize + 1], ",");
    }

    #[test]
    fn unknown_forms_never_fail() {
        let text = "a = [for x in var.l : x]\nb = var.c ? 1 : 2\nc = aws_instance.x[*].id\nd = file(\"${path.module}/p.json\")\ndynamic \"statement\" {\n  for_each = var.s\n  content {}\n}\ne = concat([\"a\"], [\"b\"])\n";
        let root = parse(text).unwrap();
        assert!(matches!(attr(&root, &["a"]).kind, NodeKind::Unknown(_)));
        assert!(matches!(attr(&root, &["b"]).kind, NodeKind::Unknown(_)));
        assert_eq!(attr(&root, &["c"]).kind, NodeKind::Unknown("aws_instance.x[*].id".into()));
        assert_eq!(attr(&root, &["d"]).kind, NodeKind::Unknown("file(\"${path.module}/p.json\")".into()));
        assert_eq!(attr(&root, &["statement"]).kind, NodeKind::Unknown("dynamic \"statement\"".into()));
        assert_eq!(attr(&root, &["e"]).items().len(), 2);
    }

    #[test]
    fn syntax_errors_are_located() {
        let text = "resource \"a\" \"b\" {\n  x = = 1\n}\n";
        let e = parse(text).unwrap_err();
        let pos = crate::source::SourceFile::new("t.tf", text).position(e.span.start);
        assert_eq!((pos.line, pos.column), (2, 7), "{e:?}");
        let e = parse("a = \"x").unwrap_err();
        assert!(e.span.start as usize <= 6);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = format!("a = {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        // Run where rayon would: a thread with the default 2 MiB stack.
        let r = std::thread::Builder::new().stack_size(2 << 20).spawn(move || parse(&text).is_err()).unwrap();
        assert!(r.join().unwrap());
    }

    #[test]
    fn tf_json_strings_are_templates() {
        let text = r#"{"p": "${jsonencode({Action = \"chime:X\"})}", "r": "${aws_iam_role.x.arn}", "l": "a$${b}"}"#;
        let root = super::super::json::parse(text).unwrap();
        let p = tf_json_string(text, attr(&root, &["p"]).span).unwrap();
        let action = attr(&p, &["Action"]);
        assert_eq!(action.as_str(), Some("chime:X"));
        assert_eq!(at(text, action), "\\\"chime:X\\\"");
        let r = tf_json_string(text, attr(&root, &["r"]).span).unwrap();
        assert_eq!(r.kind, NodeKind::Unknown("aws_iam_role.x.arn".into()));
        let l = tf_json_string(text, attr(&root, &["l"]).span).unwrap();
        assert_eq!(l.as_str(), Some("a${b}"));
    }

    #[test]
    fn template_files_render_json_with_holes() {
        let node = template_json("{\"Resource\": \"arn:aws:s3:::${bucket}/*\"}").unwrap();
        assert!(matches!(attr(&node, &["Resource"]).kind, NodeKind::Template(_)));
        assert!(template_json("{%{ for x in y }\"a\": 1%{ endfor }}").is_none());
    }
}
