//! One model of an IAM policy, whatever file it came from. Every element keeps
//! the span of the text the user wrote, in the file they edit.

use crate::source::{Source, Span};
use crate::syntax::{Node, NodeKind, Piece};
use std::borrow::Cow;

/// What a policy is for; decides which elements it may have and which rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyKind {
    /// Attached to a user, group or role (no `Principal`).
    Identity,
    /// Attached to a resource (bucket, topic, key, Lambda function...): has `Principal`.
    Resource,
    /// A role's assume-role (trust) policy.
    Trust,
    /// A permissions boundary.
    Boundary,
    /// An AWS Organizations service control policy.
    Scp,
    /// An AWS Organizations resource control policy: limits what may be done
    /// to the resources of the member accounts; grants nothing.
    Rcp,
    /// A standalone document whose use is not known.
    Unknown,
}

impl PolicyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyKind::Identity => "identity",
            PolicyKind::Resource => "resource",
            PolicyKind::Trust => "trust",
            PolicyKind::Boundary => "boundary",
            PolicyKind::Scp => "scp",
            PolicyKind::Rcp => "rcp",
            PolicyKind::Unknown => "unknown",
        }
    }

    /// Policies that name a `Principal` in each statement.
    pub fn has_principals(self) -> bool {
        matches!(self, PolicyKind::Resource | PolicyKind::Trust)
    }
}

/// A policy document found by a front-end, before it is read as a policy.
#[derive(Debug, Clone)]
pub struct PolicyDoc {
    pub source: Source,
    /// The document: an object with `Statement`, or (for SAM) a list of statements.
    pub node: Node,
    pub kind: PolicyKind,
    /// Where it lives: a Terraform address or CloudFormation logical id; `None` for a policy file.
    pub origin: Option<String>,
    /// True when the format supplies the version itself (Terraform policy documents, SAM).
    pub version_implied: bool,
}

/// A string the user wrote, possibly with unresolved holes.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub span: Span,
    pub text: ValueText,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ValueText {
    Lit(String),
    /// Literal parts with holes, e.g. `arn:aws:chime:${AWS::Region}:...`.
    Template(Vec<Piece>),
    /// Nothing can be known statically.
    Unknown,
}

impl Value {
    pub fn from_node(node: &Node) -> Option<Value> {
        let text = match &node.kind {
            NodeKind::Str(s) => ValueText::Lit(s.clone()),
            NodeKind::Number(n) => ValueText::Lit(n.clone()),
            NodeKind::Bool(b) => ValueText::Lit(b.to_string()),
            NodeKind::Template(p) => ValueText::Template(p.clone()),
            NodeKind::Unknown(_) => ValueText::Unknown,
            _ => return None,
        };
        Some(Value { span: node.span, text })
    }

    /// The text when it is fully known.
    pub fn lit(&self) -> Option<&str> {
        match &self.text {
            ValueText::Lit(s) => Some(s),
            _ => None,
        }
    }

    /// The text with each hole turned into `*`, so it can be matched as a pattern
    /// that covers every value the hole might take; `None` when wholly unknown.
    /// Borrowed for literals: rules ask this per action in their inner loops.
    pub fn as_pattern(&self) -> Option<Cow<'_, str>> {
        match &self.text {
            ValueText::Lit(s) => Some(Cow::Borrowed(s)),
            ValueText::Template(pieces) => Some(Cow::Owned(
                pieces
                    .iter()
                    .map(|p| match p {
                        Piece::Lit(s) => s.as_str(),
                        Piece::Hole(_) => "*",
                    })
                    .collect(),
            )),
            ValueText::Unknown => None,
        }
    }

    /// Text for messages: holes shown as `${...}`.
    pub fn display(&self) -> String {
        match &self.text {
            ValueText::Lit(s) => s.clone(),
            ValueText::Template(p) => crate::syntax::node::render_template(p),
            ValueText::Unknown => "<unresolved>".to_string(),
        }
    }

    pub fn is_resolved(&self) -> bool {
        matches!(self.text, ValueText::Lit(_))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
    /// Missing, unresolved or invalid (already reported by `policy-syntax`).
    Unknown,
}

/// `Action`/`NotAction`, `Resource`/`NotResource`: a list of values, maybe negated.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueList {
    /// True for the `Not...` form.
    pub negated: bool,
    /// The span of the key (`"Action"`), for findings about the element itself.
    pub key_span: Span,
    /// The span of the whole value (string or list).
    pub span: Span,
    pub values: Vec<Value>,
    /// Some value could not be resolved (an unknown list, a `for` expression...).
    pub has_unknown: bool,
}

impl ValueList {
    /// Literal values only.
    pub fn literals(&self) -> impl Iterator<Item = (&Value, &str)> {
        self.values.iter().filter_map(|v| v.lit().map(|s| (v, s)))
    }

    pub fn contains_lit(&self, s: &str) -> bool {
        self.values.iter().any(|v| v.lit() == Some(s))
    }
}

/// One entry of a `Principal` map: `"Service": "lambda.amazonaws.com"`.
#[derive(Debug, Clone, PartialEq)]
pub struct PrincipalEntry {
    /// `AWS`, `Service`, `Federated`, `CanonicalUser`, or `*` for `Principal: "*"`.
    pub kind: String,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Principals {
    pub negated: bool,
    pub key_span: Span,
    pub span: Span,
    pub entries: Vec<PrincipalEntry>,
    pub has_unknown: bool,
}

impl Principals {
    /// True when anyone at all is named: `"*"` or `{"AWS": "*"}`.
    pub fn is_public(&self) -> bool {
        self.entries.iter().any(|e| (e.kind == "*" || e.kind == "AWS") && e.value.lit() == Some("*"))
    }

    pub fn services(&self) -> impl Iterator<Item = &Value> {
        self.entries.iter().filter(|e| e.kind == "Service").map(|e| &e.value)
    }
}

/// One condition test: `"StringEquals": {"aws:SourceAccount": "111122223333"}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// The operator as written, with any `ForAnyValue:`/`ForAllValues:` qualifier and `IfExists` suffix.
    pub operator: String,
    pub operator_span: Span,
    pub key: String,
    pub key_span: Span,
    pub values: Vec<Value>,
    pub values_span: Span,
    /// The key itself is unresolved (a Terraform `variable` from a var, say).
    pub key_unknown: bool,
}

impl Condition {
    /// The operator without qualifier and `IfExists`, e.g. `StringLike`.
    pub fn base_operator(&self) -> &str {
        let op = self.operator.rsplit(':').next().unwrap_or(&self.operator);
        op.strip_suffix("IfExists").unwrap_or(op)
    }

    pub fn set_qualifier(&self) -> Option<&str> {
        self.operator.split_once(':').map(|(q, _)| q)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub span: Span,
    /// Index within the policy, for messages (`statement 2`).
    pub index: usize,
    pub sid: Option<Value>,
    pub effect: Effect,
    pub effect_span: Span,
    pub principal: Option<Principals>,
    pub action: Option<ValueList>,
    pub resource: Option<ValueList>,
    pub conditions: Vec<Condition>,
    /// The `Condition` block could not be fully resolved: treat the statement as conditional.
    pub conditions_unknown: bool,
}

impl Statement {
    pub fn is_allow(&self) -> bool {
        self.effect == Effect::Allow
    }

    /// The statement has conditions (known or not) that may narrow it.
    pub fn is_conditional(&self) -> bool {
        !self.conditions.is_empty() || self.conditions_unknown
    }

    /// A label for messages: the Sid if there is one, else the index.
    pub fn label(&self) -> String {
        match self.sid.as_ref().and_then(|s| s.lit()) {
            Some(sid) => format!("statement `{sid}`"),
            None => format!("statement {}", self.index + 1),
        }
    }

    /// True when any condition tests one of these keys (case-insensitive; a key
    /// ending in `/` matches any tag key under it).
    pub fn has_condition_key(&self, keys: &[&str]) -> bool {
        self.conditions.iter().any(|c| {
            c.key_unknown
                || keys.iter().any(|k| {
                    if let Some(prefix) = k.strip_suffix('/') {
                        c.key.len() > prefix.len() && c.key[..prefix.len() + 1].eq_ignore_ascii_case(k)
                    } else {
                        c.key.eq_ignore_ascii_case(k)
                    }
                })
        })
    }
}

#[derive(Debug, Clone)]
pub struct Policy {
    pub source: Source,
    pub span: Span,
    pub kind: PolicyKind,
    pub origin: Option<String>,
    /// The Terraform file whose resource reads this policy through `file()`
    /// or `templatefile()`: the module its `origin` is an address of (the
    /// policy's own file is elsewhere, often in another directory).
    pub used_from: Option<String>,
    pub version: Option<Value>,
    pub statements: Vec<Statement>,
    /// The document's size as IAM counts it against its quotas.
    pub size: super::size::Size,
}

impl Policy {
    /// Where the policy lives, for messages: `aws_iam_role.x` or the file path.
    pub fn display_origin(&self) -> String {
        self.origin.clone().unwrap_or_else(|| self.source.path.clone())
    }

    /// The path whose template or module the policy's `origin` belongs to.
    pub fn origin_path(&self) -> &str {
        self.used_from.as_deref().unwrap_or(&self.source.path)
    }
}
