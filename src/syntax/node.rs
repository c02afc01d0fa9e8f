//! The one spanned node tree that every front-end (JSON, YAML, HCL) produces.
//!
//! Everything after the front-ends is written once against this tree. Values
//! that cannot be resolved statically (`var.x`, `!Ref Param`) are
//! [`NodeKind::Unknown`]; strings with holes (`!Sub "arn:aws:chime:${AWS::Region}:..."`)
//! are [`NodeKind::Template`], keeping their literal parts so checks on those
//! parts still work. Unknown is never wrong: rules stay silent on it.

use crate::source::Span;

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub span: Span,
    pub kind: NodeKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Null,
    Bool(bool),
    /// The number as written, so nothing is lost to float conversion.
    Number(String),
    Str(String),
    /// A string with unresolved holes, e.g. `arn:aws:chime:${AWS::Region}:...`.
    Template(Vec<Piece>),
    Array(Vec<Node>),
    Object(Vec<Member>),
    /// A value that cannot be known statically; the text says what it was.
    Unknown(String),
}

/// One part of a [`NodeKind::Template`] string.
#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    Lit(String),
    Hole(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub key: String,
    pub key_span: Span,
    pub value: Node,
}

impl Node {
    pub fn new(span: Span, kind: NodeKind) -> Node {
        Node { span, kind }
    }

    pub fn unknown(span: Span, what: impl Into<String>) -> Node {
        Node { span, kind: NodeKind::Unknown(what.into()) }
    }

    /// The string value when it is fully known.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Str(s) => Some(s),
            _ => None,
        }
    }

    /// True for a value with unresolved parts (an unknown, or a template string).
    pub fn is_unresolved(&self) -> bool {
        matches!(self.kind, NodeKind::Unknown(_) | NodeKind::Template(_))
    }

    pub fn members(&self) -> Option<&[Member]> {
        match &self.kind {
            NodeKind::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The member with this exact key, if this node is an object.
    pub fn get(&self, key: &str) -> Option<&Member> {
        self.members()?.iter().find(|m| m.key == key)
    }

    /// The member whose key matches case-insensitively.
    pub fn get_ignore_case(&self, key: &str) -> Option<&Member> {
        self.members()?.iter().find(|m| m.key.eq_ignore_ascii_case(key))
    }

    /// Array items, or the node itself as a one-item list (IAM's "string or list").
    pub fn items(&self) -> &[Node] {
        match &self.kind {
            NodeKind::Array(items) => items,
            _ => std::slice::from_ref(self),
        }
    }

    /// A short name of the node's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            NodeKind::Null => "null",
            NodeKind::Bool(_) => "a boolean",
            NodeKind::Number(_) => "a number",
            NodeKind::Str(_) | NodeKind::Template(_) => "a string",
            NodeKind::Array(_) => "a list",
            NodeKind::Object(_) => "an object",
            NodeKind::Unknown(_) => "an unresolved value",
        }
    }

    /// A scalar as text (strings, numbers, booleans); templates render holes as `${...}`.
    pub fn scalar_text(&self) -> Option<String> {
        match &self.kind {
            NodeKind::Str(s) => Some(s.clone()),
            NodeKind::Number(n) => Some(n.clone()),
            NodeKind::Bool(b) => Some(b.to_string()),
            NodeKind::Template(pieces) => Some(render_template(pieces)),
            _ => None,
        }
    }

    /// Depth-first walk over this node and all nodes below it.
    pub fn walk(&self, f: &mut dyn FnMut(&Node)) {
        f(self);
        match &self.kind {
            NodeKind::Array(items) => items.iter().for_each(|n| n.walk(f)),
            NodeKind::Object(members) => members.iter().for_each(|m| m.value.walk(f)),
            _ => {}
        }
    }
}

/// A template as text, each hole shown as `${...}` around its description.
pub fn render_template(pieces: &[Piece]) -> String {
    let mut out = String::new();
    for p in pieces {
        match p {
            Piece::Lit(s) => out.push_str(s),
            Piece::Hole(h) => {
                out.push_str("${");
                out.push_str(h);
                out.push('}');
            }
        }
    }
    out
}
