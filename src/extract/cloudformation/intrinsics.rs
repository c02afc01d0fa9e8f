//! CloudFormation intrinsic functions, evaluated as far as a static reading can.
//!
//! The front-ends give long forms (`{"Fn::Sub": ...}`, `{"Ref": ...}`), whether
//! the template said `!Sub` in YAML or `"Fn::Sub"` in JSON. [`Eval::eval`]
//! rewrites a property value into plain nodes:
//!
//! | written | becomes |
//! |---|---|
//! | `Ref: AWS::NoValue` | removed (the member or list item disappears) |
//! | `Ref: X` (resource, parameter or pseudo parameter) | `Unknown("Ref:X")`: a parameter is the deployer's choice, so its default is not assumed |
//! | `Fn::GetAtt: [R, Arn]` / `R.Arn` | `Unknown("GetAtt:R.Arn")` |
//! | `Fn::Sub` | a `Template` of literal parts and holes (`AWS::Region`, `Param`, `Role.Arn`), or a string when it has no hole; its span is the template string's |
//! | `Fn::Join` | joined: literal parts stay literal, others become holes |
//! | `Fn::Select` | the item, when index and list are literal |
//! | `Fn::FindInMap` | the value from `Mappings`, when every key is literal |
//! | `Fn::If: [c, a, b]` | an `{"Fn::If": [a, b]}` marker keeping both branches (see [`if_branches`]) |
//! | anything else (`Fn::ImportValue`, `Fn::Split`, `Fn::GetAZs`, `Fn::Base64`, ...) | `Unknown("Fn::Name")` |
//!
//! `Fn::If` is kept as a marker because what "both branches" means depends on
//! where it stands: in a list of statements both branches' statements are
//! linted, in an `Action` both branches' actions, while an `Effect` that
//! depends on a condition is unknown. The policy normaliser resolves it.

use crate::syntax::{Member, Node, NodeKind, Piece};
use std::collections::HashMap;

/// The key of the `Fn::If` marker left by [`Eval::eval`].
pub const IF: &str = "Fn::If";

/// What the evaluator knows about the template.
pub struct Eval<'a> {
    /// Logical ids of resources, with their types and definitions.
    pub resources: HashMap<&'a str, (&'a str, &'a Node)>,
    pub mappings: Option<&'a Node>,
}

impl<'a> Eval<'a> {
    pub fn new(root: &'a Node) -> Eval<'a> {
        let resources = root
            .get("Resources")
            .and_then(|r| r.value.members())
            .into_iter()
            .flatten()
            .map(|m| (m.key.as_str(), (m.value.get("Type").and_then(|t| t.value.as_str()).unwrap_or(""), &m.value)))
            .collect();
        Eval { resources, mappings: root.get("Mappings").map(|m| &m.value) }
    }

    /// The type of a resource of this template.
    pub fn resource_type(&self, id: &str) -> Option<&'a str> {
        self.resources.get(id).map(|r| r.0)
    }

    /// A resource's definition (`Type`, `Properties`, ...), not evaluated.
    pub fn resources_node(&self, id: &str) -> Option<&'a Node> {
        self.resources.get(id).map(|r| r.1)
    }

    /// Evaluates a value; `None` when it is `AWS::NoValue`.
    pub fn eval(&self, node: &Node) -> Option<Node> {
        self.eval_in(node, true)
    }

    fn eval_in(&self, node: &Node, find_in_map: bool) -> Option<Node> {
        match &node.kind {
            NodeKind::Object(members) => {
                if let [m] = members.as_slice() {
                    if let Some(result) = self.intrinsic(node, m, find_in_map) {
                        return result;
                    }
                }
                let members = members
                    .iter()
                    .filter_map(|m| {
                        self.eval_in(&m.value, find_in_map).map(|value| Member {
                            key: m.key.clone(),
                            key_span: m.key_span,
                            value,
                        })
                    })
                    .collect();
                Some(Node::new(node.span, NodeKind::Object(members)))
            }
            NodeKind::Array(items) => Some(Node::new(
                node.span,
                NodeKind::Array(items.iter().filter_map(|n| self.eval_in(n, find_in_map)).collect()),
            )),
            _ => Some(node.clone()),
        }
    }

    /// `Some(result)` when `m` is an intrinsic function call.
    fn intrinsic(&self, node: &Node, m: &Member, find_in_map: bool) -> Option<Option<Node>> {
        let arg = &m.value;
        let unknown = |what: String| Some(Some(Node::unknown(node.span, what)));
        match m.key.as_str() {
            "Ref" => match arg.as_str() {
                Some("AWS::NoValue") => Some(None),
                Some(name) => unknown(format!("Ref:{name}")),
                None => unknown("Ref".into()),
            },
            "Condition" => arg.as_str().map(|c| Some(Node::unknown(node.span, format!("Condition:{c}")))),
            "Fn::GetAtt" => {
                let target = match &arg.kind {
                    NodeKind::Str(s) => Some(s.clone()),
                    NodeKind::Array(parts) => match parts.as_slice() {
                        [r, a] => match (r.as_str(), a.as_str()) {
                            (Some(r), Some(a)) => Some(format!("{r}.{a}")),
                            (Some(r), None) => Some(r.to_string()),
                            _ => None,
                        },
                        _ => None,
                    },
                    _ => None,
                };
                unknown(target.map_or_else(|| "GetAtt".to_string(), |t| format!("GetAtt:{t}")))
            }
            "Fn::Sub" => Some(Some(self.sub(node, arg, find_in_map))),
            "Fn::Join" => Some(Some(self.join(node, arg, find_in_map))),
            "Fn::Select" => Some(self.select(node, arg, find_in_map)),
            "Fn::If" => Some(self.fn_if(node, arg, find_in_map)),
            "Fn::FindInMap" if find_in_map => Some(self.find_in_map(node, arg)),
            key if key.starts_with("Fn::") => unknown(key.to_string()),
            _ => None,
        }
    }

    fn sub(&self, node: &Node, arg: &Node, find_in_map: bool) -> Node {
        let (template, vars) = match &arg.kind {
            NodeKind::Str(_) => (arg, None),
            NodeKind::Array(parts) => match parts.as_slice() {
                [t, vars] if t.as_str().is_some() => (t, Some(vars)),
                [t] if t.as_str().is_some() => (t, None),
                _ => return Node::unknown(node.span, "Fn::Sub"),
            },
            _ => return Node::unknown(node.span, "Fn::Sub"),
        };
        let text = template.as_str().unwrap_or_default();
        let mut pieces = Vec::new();
        let mut rest = text;
        while let Some(i) = rest.find("${") {
            push_lit(&mut pieces, &rest[..i]);
            let after = &rest[i + 2..];
            if let Some(literal) = after.strip_prefix('!') {
                // `${!Literal}` is the text `${Literal}`.
                push_lit(&mut pieces, "${");
                rest = literal;
                continue;
            }
            let Some(close) = after.find('}') else {
                push_lit(&mut pieces, &rest[i..]);
                rest = "";
                break;
            };
            let name = &after[..close];
            match vars.and_then(|v| v.get(name)).and_then(|m| self.eval_in(&m.value, find_in_map)) {
                Some(value) => push_value(&mut pieces, &value, name),
                None => pieces.push(Piece::Hole(name.to_string())),
            }
            rest = &after[close + 1..];
        }
        push_lit(&mut pieces, rest);
        template_node(template.span, pieces)
    }

    fn join(&self, node: &Node, arg: &Node, find_in_map: bool) -> Node {
        let NodeKind::Array(parts) = &arg.kind else { return Node::unknown(node.span, "Fn::Join") };
        let [delimiter, list] = parts.as_slice() else { return Node::unknown(node.span, "Fn::Join") };
        let Some(delimiter) = delimiter.as_str() else { return Node::unknown(node.span, "Fn::Join") };
        let list = match self.eval_in(list, find_in_map) {
            Some(Node { kind: NodeKind::Array(items), .. }) => items,
            _ => return Node::unknown(node.span, "Fn::Join"),
        };
        let mut pieces = Vec::new();
        for (i, item) in list.iter().enumerate() {
            if i > 0 {
                push_lit(&mut pieces, delimiter);
            }
            push_value(&mut pieces, item, "Fn::Join");
        }
        template_node(node.span, pieces)
    }

    fn select(&self, node: &Node, arg: &Node, find_in_map: bool) -> Option<Node> {
        let unknown = || Some(Node::unknown(node.span, "Fn::Select"));
        let NodeKind::Array(parts) = &arg.kind else { return unknown() };
        let [index, list] = parts.as_slice() else { return unknown() };
        let index = match self.eval_in(index, find_in_map).map(|n| n.kind) {
            Some(NodeKind::Number(n) | NodeKind::Str(n)) => n.parse::<usize>().ok(),
            _ => None,
        };
        let list = self.eval_in(list, find_in_map);
        match (index, list) {
            (Some(i), Some(Node { kind: NodeKind::Array(items), .. })) if !items.iter().any(is_if) => {
                items.into_iter().nth(i).or_else(unknown)
            }
            _ => unknown(),
        }
    }

    fn fn_if(&self, node: &Node, arg: &Node, find_in_map: bool) -> Option<Node> {
        let NodeKind::Array(parts) = &arg.kind else { return Some(Node::unknown(node.span, "Fn::If")) };
        let [_, yes, no] = parts.as_slice() else { return Some(Node::unknown(node.span, "Fn::If")) };
        let branches: Vec<Node> = [yes, no].into_iter().filter_map(|b| self.eval_in(b, find_in_map)).collect();
        if branches.is_empty() {
            return None;
        }
        let value = Node::new(arg.span, NodeKind::Array(branches));
        let key_span = node.members().and_then(|m| m.first()).map_or(node.span, |m| m.key_span);
        Some(Node::new(node.span, NodeKind::Object(vec![Member { key: IF.to_string(), key_span, value }])))
    }

    fn find_in_map(&self, node: &Node, arg: &Node) -> Option<Node> {
        let unknown = || Some(Node::unknown(node.span, "Fn::FindInMap"));
        let NodeKind::Array(parts) = &arg.kind else { return unknown() };
        let (Some(map), Some(top), Some(second)) = (parts.first(), parts.get(1), parts.get(2)) else {
            return unknown();
        };
        let key = |n: &Node| self.eval_in(n, false).and_then(|n| n.scalar_text().filter(|_| !n.is_unresolved()));
        let (Some(map), Some(top), Some(second)) = (key(map), key(top), key(second)) else { return unknown() };
        let found = self
            .mappings
            .and_then(|m| m.get(&map))
            .and_then(|m| m.value.get(&top))
            .and_then(|m| m.value.get(&second))
            .map(|m| &m.value);
        match found {
            // Mapping values are literal; evaluating them without `Fn::FindInMap` cannot loop.
            Some(value) => self.eval_in(value, false),
            None => unknown(),
        }
    }
}

/// The branches of an `Fn::If` marker.
pub fn if_branches(node: &Node) -> Option<&[Node]> {
    match &node.kind {
        NodeKind::Object(members) if members.len() == 1 && members[0].key == IF => match &members[0].value.kind {
            NodeKind::Array(items) => Some(items),
            _ => None,
        },
        _ => None,
    }
}

pub fn is_if(node: &Node) -> bool {
    if_branches(node).is_some()
}

/// Every value a node may take: the branches of nested `Fn::If`s, flattened.
pub fn alternatives(node: &Node) -> Vec<&Node> {
    match if_branches(node) {
        Some(branches) => branches.iter().flat_map(alternatives).collect(),
        None => vec![node],
    }
}

/// The name of the hole an unknown value leaves in a string: `Ref:X` → `X`,
/// `GetAtt:R.Arn` → `R.Arn`, anything else as it is.
pub fn hole_name(unknown: &str) -> &str {
    unknown.strip_prefix("Ref:").or_else(|| unknown.strip_prefix("GetAtt:")).unwrap_or(unknown)
}

fn push_lit(pieces: &mut Vec<Piece>, s: &str) {
    if s.is_empty() {
        return;
    }
    if let Some(Piece::Lit(last)) = pieces.last_mut() {
        last.push_str(s);
    } else {
        pieces.push(Piece::Lit(s.to_string()));
    }
}

fn push_value(pieces: &mut Vec<Piece>, value: &Node, hole: &str) {
    match &value.kind {
        NodeKind::Str(s) | NodeKind::Number(s) => push_lit(pieces, s),
        NodeKind::Bool(b) => push_lit(pieces, if *b { "true" } else { "false" }),
        NodeKind::Template(parts) => {
            for p in parts {
                match p {
                    Piece::Lit(s) => push_lit(pieces, s),
                    Piece::Hole(h) => pieces.push(Piece::Hole(h.clone())),
                }
            }
        }
        NodeKind::Unknown(u) => pieces.push(Piece::Hole(hole_name(u).to_string())),
        _ => pieces.push(Piece::Hole(hole.to_string())),
    }
}

fn template_node(span: crate::source::Span, pieces: Vec<Piece>) -> Node {
    match pieces.as_slice() {
        [] => Node::new(span, NodeKind::Str(String::new())),
        [Piece::Lit(s)] => Node::new(span, NodeKind::Str(s.clone())),
        _ => Node::new(span, NodeKind::Template(pieces)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::yaml;

    fn eval_at(text: &str, key: &str) -> Option<Node> {
        let root = yaml::parse(text).unwrap();
        let ev = Eval::new(&root);
        ev.eval(&root.get(key).unwrap().value)
    }

    #[test]
    fn sub_keeps_literal_parts_and_holes() {
        let n =
            eval_at("A: !Sub \"arn:${AWS::Partition}:chime:${AWS::Region}:${AWS::AccountId}:sma/*\"\n", "A").unwrap();
        assert_eq!(
            n.kind,
            NodeKind::Template(vec![
                Piece::Lit("arn:".into()),
                Piece::Hole("AWS::Partition".into()),
                Piece::Lit(":chime:".into()),
                Piece::Hole("AWS::Region".into()),
                Piece::Lit(":".into()),
                Piece::Hole("AWS::AccountId".into()),
                Piece::Lit(":sma/*".into()),
            ])
        );
        assert_eq!(n.span.start, 3 + 5);
        let vars = eval_at("A: !Sub ['${B}/x/${!aws:username}/${C}', {B: name, C: !Ref Res}]\n", "A").unwrap();
        assert_eq!(
            vars.kind,
            NodeKind::Template(vec![Piece::Lit("name/x/${aws:username}/".into()), Piece::Hole("Res".into())])
        );
        let plain = eval_at("A: !Sub 'arn:aws:s3:::b'\n", "A").unwrap();
        assert_eq!(plain.kind, NodeKind::Str("arn:aws:s3:::b".into()));
    }

    #[test]
    fn join_select_refs_and_no_value() {
        let j = eval_at("A: !Join ['', ['arn:', !Ref AWS::Partition, ':s3:::', !GetAtt B.Arn]]\n", "A").unwrap();
        assert_eq!(
            j.kind,
            NodeKind::Template(vec![
                Piece::Lit("arn:".into()),
                Piece::Hole("AWS::Partition".into()),
                Piece::Lit(":s3:::".into()),
                Piece::Hole("B.Arn".into()),
            ])
        );
        let s = eval_at("A: !Select [1, [a, b, c]]\n", "A").unwrap();
        assert_eq!(s.kind, NodeKind::Str("b".into()));
        let r = eval_at("A: !Ref Thing\n", "A").unwrap();
        assert_eq!(r.kind, NodeKind::Unknown("Ref:Thing".into()));
        assert!(eval_at("A: !Ref AWS::NoValue\n", "A").is_none());
        let list = eval_at("A: [a, !Ref AWS::NoValue, {Ref: AWS::NoValue}, b]\n", "A").unwrap();
        assert_eq!(list.items().len(), 2);
        let g = eval_at("A: {\"Fn::GetAtt\": [\"Role\", \"Arn\"]}\n", "A").unwrap();
        assert_eq!(g.kind, NodeKind::Unknown("GetAtt:Role.Arn".into()));
    }

    #[test]
    fn if_keeps_both_branches() {
        let n = eval_at("A: !If [C, x, !Ref AWS::NoValue]\n", "A").unwrap();
        let b = if_branches(&n).unwrap();
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].kind, NodeKind::Str("x".into()));
        assert!(eval_at("A: !If [C, !Ref AWS::NoValue, !Ref AWS::NoValue]\n", "A").is_none());
    }

    #[test]
    fn find_in_map_reads_literal_keys_and_cannot_loop() {
        let text = "Mappings:\n  M:\n    k:\n      v: found\n      loop: !FindInMap [M, k, loop]\nA: !FindInMap [M, k, v]\nB: !FindInMap [M, !Ref AWS::Region, v]\nC: !FindInMap [M, k, loop]\n";
        assert_eq!(eval_at(text, "A").unwrap().kind, NodeKind::Str("found".into()));
        assert_eq!(eval_at(text, "B").unwrap().kind, NodeKind::Unknown("Fn::FindInMap".into()));
        assert_eq!(eval_at(text, "C").unwrap().kind, NodeKind::Unknown("Fn::FindInMap".into()));
    }
}
