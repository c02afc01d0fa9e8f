//! Shared by the fuzz targets: the policy-tree generator and the checks every
//! target makes on what the library returns.

pub mod tree;

use policy_lint::finding::Finding;
use policy_lint::source::{SourceFile, Span};
use policy_lint::syntax::{Node, NodeKind};

/// Panics unless `span` lies inside `text` on character boundaries.
pub fn check_span(text: &str, span: Span, what: &str) {
    let (s, e) = (span.start as usize, span.end as usize);
    assert!(s <= e && e <= text.len(), "{what}: span {s}..{e} outside {} bytes", text.len());
    assert!(text.is_char_boundary(s) && text.is_char_boundary(e), "{what}: span {s}..{e} splits a character");
}

/// Every node's and key's span lies inside the text.
pub fn check_tree(text: &str, node: &Node) {
    check_span(text, node.span, "node");
    match &node.kind {
        NodeKind::Array(items) => items.iter().for_each(|n| check_tree(text, n)),
        NodeKind::Object(members) => {
            for m in members {
                check_span(text, m.key_span, "key");
                check_tree(text, &m.value);
            }
        }
        _ => {}
    }
}

/// A front-end's result: a tree inside the text, or an error located inside it.
pub fn check_front_end(text: &str, parse: fn(&str) -> Result<Node, policy_lint::syntax::SyntaxError>) {
    match parse(text) {
        Ok(node) => check_tree(text, &node),
        Err(e) => check_span(text, e.span, "syntax error"),
    }
}

/// Every finding (and label) is inside its file, at a line and column that exist.
pub fn check_findings(findings: &[Finding]) {
    for f in findings {
        let mut places = vec![(&f.source, f.span)];
        places.extend(f.labels.iter().map(|l| (&l.source, l.span)));
        for (source, span) in places {
            check_span(&source.text, span, f.rule);
            check_position(source, span);
        }
    }
}

fn check_position(source: &SourceFile, span: Span) {
    for offset in [span.start, span.end] {
        let pos = source.position(offset);
        assert!(pos.line >= 1 && pos.line <= source.line_count(), "line {} of {}", pos.line, source.line_count());
        let chars = raw_line(source, pos.line).chars().count();
        assert!(pos.column >= 1 && pos.column <= chars + 1, "column {} on a line of {chars} characters", pos.column);
    }
}

/// A line's text up to (not including) its `\n`; a lone `\r` is not a line break.
pub fn raw_line(source: &SourceFile, line: usize) -> &str {
    let start = source.line_start(line).unwrap_or(0);
    let end = source.line_start(line + 1).map_or(source.text.len(), |e| e - 1);
    &source.text[start..end]
}

/// The names the whole-pipeline target lints its input under.
pub const NAMES: &[&str] = &["policy.json", "template.yaml", "main.tf", "stack.template.json", "main.tf.json"];
