//! `data "aws_iam_policy_document"`: Terraform's policy builder, read as the
//! policy it renders. Each `statement` block becomes a statement with IAM
//! element names (`actions` → `Action`, `principals { type identifiers }` →
//! `Principal`, `condition { test variable values }` → `Condition`) whose nodes
//! are the HCL values themselves, so findings point at the `.tf` text.
//!
//! `source_policy_documents` and `override_policy_documents` naming documents
//! of the same file are merged as Terraform does: sources first, then this
//! document's statements, then overrides, a statement replacing an earlier one
//! with the same `Sid`. A document that only serves as another one's source or
//! override in this file is checked as part of that one, not twice.

use super::{attr, document_name, nested, Block, Module};
use crate::policy::PolicyKind;
use crate::source::Span;
use crate::syntax::{node::render_template, Member, Node, NodeKind};
use std::collections::{HashMap, HashSet};

const SOURCES: &[&str] = &["source_policy_documents", "source_json"];
const OVERRIDES: &[&str] = &["override_policy_documents", "override_json"];

/// How deep documents built from documents are followed.
const MAX_MERGE_DEPTH: usize = 8;

/// Adds the file's policy documents to the module's policies, each with the
/// kind the file uses it as (the first use wins); a document used nowhere in
/// the file gets its kind from what it says (see [`PolicyKind::Unknown`]), so a
/// trust policy used from another file is not read as an identity policy.
pub(super) fn emit(m: &mut Module, docs: &[Block]) {
    let by_name: HashMap<&str, &Block> = docs.iter().map(|b| (name_of(b), b)).collect();
    let mut parts: HashSet<String> = HashSet::new();
    for b in docs {
        for key in SOURCES.iter().chain(OVERRIDES) {
            for item in list(m, b.body, key) {
                if let NodeKind::Unknown(text) = &item.kind {
                    parts.extend(document_name(text).map(str::to_string));
                }
            }
        }
    }
    for b in docs {
        let name = name_of(b);
        let used = m.document_uses.iter().find(|(n, _)| n == name).map(|(_, k)| *k);
        if used.is_none() && parts.contains(name) {
            continue;
        }
        let (statements, partial) = merged(m, &by_name, name, 0);
        if statements.is_empty() && partial {
            continue;
        }
        let span = b.body.span;
        let mut members = Vec::new();
        for (key, element) in [("version", "Version"), ("policy_id", "Id")] {
            if let Some(a) = attr(b.body, key) {
                members.push(Member { key: element.into(), key_span: a.key_span, value: m.resolve(&a.value) });
            }
        }
        members.push(Member {
            key: "Statement".into(),
            key_span: opening(span),
            value: Node::new(span, NodeKind::Array(statements)),
        });
        let node = Node::new(span, NodeKind::Object(members));
        m.doc(node, used.unwrap_or(PolicyKind::Unknown), &b.address, true);
    }
}

fn name_of<'b>(b: &'b Block) -> &'b str {
    b.address.strip_prefix("data.aws_iam_policy_document.").unwrap_or(&b.address)
}

fn opening(span: Span) -> Span {
    Span { start: span.start, end: span.start.saturating_add(1).min(span.end) }
}

/// The items of a list attribute (`source_policy_documents`) or the one value of
/// a string attribute (`source_json`).
fn list(m: &Module, body: &Node, key: &str) -> Vec<Node> {
    match attr(body, key).map(|a| m.resolve(&a.value)) {
        Some(Node { kind: NodeKind::Array(items), .. }) => items,
        Some(n) => vec![n],
        None => Vec::new(),
    }
}

/// The statements a document renders, and whether some source could not be read.
fn merged(m: &Module, by_name: &HashMap<&str, &Block>, name: &str, depth: usize) -> (Vec<Node>, bool) {
    let Some(b) = by_name.get(name).filter(|_| depth <= MAX_MERGE_DEPTH) else {
        return (Vec::new(), true);
    };
    let mut partial = false;
    let mut out = Statements::default();
    let mut from = |keys: &[&str], out: &mut Statements, replace: bool| {
        for key in keys {
            for item in list(m, b.body, key) {
                let statements = match &item.kind {
                    NodeKind::Unknown(text) => match document_name(text) {
                        Some(n) => {
                            let (s, p) = merged(m, by_name, n, depth + 1);
                            partial |= p;
                            s
                        }
                        None => {
                            partial = true;
                            Vec::new()
                        }
                    },
                    // `jsonencode({...})` or JSON text: its statements.
                    NodeKind::Object(_) => item.get("Statement").map(|s| s.value.items().to_vec()).unwrap_or_default(),
                    _ => {
                        partial = true;
                        Vec::new()
                    }
                };
                for st in statements {
                    if replace {
                        out.replace_or_push(st);
                    } else {
                        out.push(st);
                    }
                }
            }
        }
    };
    from(SOURCES, &mut out, false);
    for st in own_statements(m, b.body) {
        out.replace_or_push(st);
    }
    from(OVERRIDES, &mut out, true);
    (out.list, partial)
}

/// A document's statements in order, with where each non-empty `Sid` first
/// stands: a statement replaces the one with its `Sid` in constant time, so
/// a document of many statements merges in linear time.
#[derive(Default)]
struct Statements {
    list: Vec<Node>,
    by_sid: HashMap<String, usize>,
}

impl Statements {
    fn push(&mut self, st: Node) {
        if let Some(sid) = sid(&st) {
            self.by_sid.entry(sid).or_insert(self.list.len());
        }
        self.list.push(st);
    }

    /// Adds a statement, in place of an earlier one with the same non-empty `Sid`.
    fn replace_or_push(&mut self, st: Node) {
        match sid(&st).and_then(|s| self.by_sid.get(&s)) {
            Some(&i) => self.list[i] = st,
            None => self.push(st),
        }
    }
}

fn sid(n: &Node) -> Option<String> {
    n.get("Sid").and_then(|s| s.value.as_str().filter(|s| !s.is_empty()).map(str::to_string))
}

/// The document's own `statement` blocks; a dynamic one is an unknown statement.
fn own_statements(m: &Module, body: &Node) -> Vec<Node> {
    nested(body, "statement")
        .into_iter()
        .map(|(key, st)| match st.kind {
            NodeKind::Object(_) => statement(m, key, st),
            _ => st.clone(),
        })
        .collect()
}

fn statement(m: &Module, key: &Member, st: &Node) -> Node {
    let mut members = Vec::new();
    let elements = [
        ("sid", "Sid"),
        ("effect", "Effect"),
        ("actions", "Action"),
        ("not_actions", "NotAction"),
        ("resources", "Resource"),
        ("not_resources", "NotResource"),
    ];
    for (attribute, element) in elements {
        if let Some(a) = attr(st, attribute) {
            let value = m.resolve(&a.value);
            if attribute == "sid" && value.as_str() == Some("") {
                continue;
            }
            members.push(Member { key: element.into(), key_span: a.key_span, value });
        }
    }
    if attr(st, "effect").is_none() {
        // Terraform's default.
        members.push(Member {
            key: "Effect".into(),
            key_span: key.key_span,
            value: Node::new(key.key_span, NodeKind::Str("Allow".into())),
        });
    }
    members.extend(principals(m, st, "principals", "Principal"));
    members.extend(principals(m, st, "not_principals", "NotPrincipal"));
    members.extend(conditions(m, st));
    Node::new(st.span, NodeKind::Object(members))
}

/// `principals { type = "Service" identifiers = [...] }` blocks as one `Principal` map.
fn principals(m: &Module, st: &Node, block: &str, element: &str) -> Option<Member> {
    let blocks = nested(st, block);
    let (first_key, first) = *blocks.first()?;
    let member = |value: Node| Member { key: element.into(), key_span: first_key.key_span, value };
    let mut entries: Vec<Member> = Vec::new();
    for (_, p) in &blocks {
        if p.members().is_none() {
            return Some(member(Node::unknown(p.span, format!("dynamic \"{block}\""))));
        }
        let ty = attr(p, "type").map(|a| m.resolve(&a.value));
        let ids =
            attr(p, "identifiers").map_or(Node::new(p.span, NodeKind::Array(Vec::new())), |a| m.resolve(&a.value));
        match ty {
            Some(Node { kind: NodeKind::Str(t), span }) if t == "*" => {
                // Terraform renders `type = "*"` as `"Principal": "*"`.
                return Some(member(Node::new(span, NodeKind::Str("*".into()))));
            }
            Some(Node { kind: NodeKind::Str(t), span }) => match entries.iter_mut().find(|e| e.key == t) {
                Some(e) => {
                    let mut items = e.value.items().to_vec();
                    items.extend(ids.items().iter().cloned());
                    e.value = Node::new(e.value.span, NodeKind::Array(items));
                }
                None => entries.push(Member { key: t, key_span: span, value: ids }),
            },
            Some(other) => return Some(member(Node::unknown(other.span, "principal type"))),
            None => return Some(member(Node::unknown(p.span, "principal type"))),
        }
    }
    Some(member(Node::new(first.span, NodeKind::Object(entries))))
}

/// `condition { test variable values }` blocks as one `Condition` map.
fn conditions(m: &Module, st: &Node) -> Option<Member> {
    let blocks = nested(st, "condition");
    let (first_key, first) = *blocks.first()?;
    let mut operators: Vec<Member> = Vec::new();
    for (key, c) in &blocks {
        if c.members().is_none() {
            // A dynamic block: the statement's conditions cannot be known.
            operators.push(Member {
                key: "${dynamic \"condition\"}".into(),
                key_span: key.key_span,
                value: (*c).clone(),
            });
            continue;
        }
        let text = |attribute: &str| {
            attr(c, attribute).map(|a| {
                let v = m.resolve(&a.value);
                let key = match &v.kind {
                    NodeKind::Str(s) => s.clone(),
                    NodeKind::Template(p) => format!("${{{}}}", render_template(p)),
                    NodeKind::Unknown(t) => format!("${{{t}}}"),
                    _ => format!("${{{}}}", v.type_name()),
                };
                (key, v.span)
            })
        };
        let (Some((test, test_span)), Some((variable, variable_span))) = (text("test"), text("variable")) else {
            continue;
        };
        let values = attr(c, "values").map_or(Node::new(c.span, NodeKind::Array(Vec::new())), |a| m.resolve(&a.value));
        let entry = Member { key: variable, key_span: variable_span, value: values };
        match operators.iter_mut().find(|o| o.key == test) {
            Some(Member { value: Node { kind: NodeKind::Object(entries), .. }, .. }) => entries.push(entry),
            _ => operators.push(Member {
                key: test,
                key_span: test_span,
                value: Node::new(c.span, NodeKind::Object(vec![entry])),
            }),
        }
    }
    Some(Member {
        key: "Condition".into(),
        key_span: first_key.key_span,
        value: Node::new(first.span, NodeKind::Object(operators)),
    })
}
