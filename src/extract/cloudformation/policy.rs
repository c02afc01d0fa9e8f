//! Policy documents in a template, after intrinsic evaluation: `Fn::If`
//! resolved by where it stands, JSON strings read as documents, and the
//! resource policy statement an `AWS::Lambda::Permission` stands for.

use super::intrinsics::{alternatives, if_branches, is_if};
use crate::source::{SourceFile, Span};
use crate::syntax::{self, Member, Node, NodeKind, Piece};

/// The documents a (evaluated) policy value stands for: one, or one per branch
/// of an `Fn::If` around the whole document.
pub fn documents(node: &Node) -> Vec<Node> {
    alternatives(node).into_iter().map(document).collect()
}

fn document(node: &Node) -> Node {
    match &node.kind {
        NodeKind::Object(members) => {
            let members = members
                .iter()
                .map(|m| {
                    let value = match m.key.as_str() {
                        "Statement" => statements(&m.value),
                        _ => scalar(&m.value),
                    };
                    Member { key: m.key.clone(), key_span: m.key_span, value }
                })
                .collect();
            Node::new(node.span, NodeKind::Object(members))
        }
        // A bare list of statements (SAM).
        NodeKind::Array(_) => statements(node),
        _ => no_if(node),
    }
}

/// `Statement`: a list (or one object); `Fn::If` items contribute every branch's statements.
fn statements(node: &Node) -> Node {
    if let NodeKind::Object(_) = node.kind {
        if !is_if(node) {
            return statement(node);
        }
    }
    let mut out = branch_items(node, statement);
    match &node.kind {
        NodeKind::Array(_) => Node::new(node.span, NodeKind::Array(out)),
        _ if out.len() == 1 && !matches!(out[0].kind, NodeKind::Object(_)) => out.remove(0),
        _ => Node::new(node.span, NodeKind::Array(out)),
    }
}

fn statement(node: &Node) -> Node {
    let NodeKind::Object(members) = &node.kind else { return no_if(node) };
    let members = members
        .iter()
        .map(|m| {
            let value = match m.key.as_str() {
                "Action" | "NotAction" | "Resource" | "NotResource" => string_list(&m.value),
                "Principal" | "NotPrincipal" => principal(&m.value),
                "Condition" => condition(&m.value),
                _ => scalar(&m.value),
            };
            Member { key: m.key.clone(), key_span: m.key_span, value }
        })
        .collect();
    Node::new(node.span, NodeKind::Object(members))
}

/// A string element (`Effect`, `Sid`, `Version`): one value when every branch agrees, else unknown.
fn scalar(node: &Node) -> Node {
    if !is_if(node) {
        return no_if(node);
    }
    let alts = alternatives(node);
    match alts.first().map(|n| &n.kind) {
        Some(NodeKind::Str(first)) if alts.iter().all(|n| n.as_str() == Some(first)) => alts[0].clone(),
        _ => Node::unknown(node.span, "Fn::If"),
    }
}

/// The items of a list (or a single item) in every `Fn::If` branch, each
/// passed through `each`.
fn branch_items(node: &Node, each: fn(&Node) -> Node) -> Vec<Node> {
    let mut out = Vec::new();
    for alt in alternatives(node) {
        match &alt.kind {
            NodeKind::Array(items) => {
                for item in items {
                    out.extend(alternatives(item).into_iter().map(each));
                }
            }
            _ => out.push(each(alt)),
        }
    }
    out
}

/// A string-or-list element: the values of every branch.
fn string_list(node: &Node) -> Node {
    let list = matches!(node.kind, NodeKind::Array(_));
    if !list && !is_if(node) {
        return no_if(node);
    }
    let out = branch_items(node, no_if);
    Node::new(node.span, NodeKind::Array(out))
}

/// `Principal`: `"*"` or a map of principal types to values; branches merge by type.
fn principal(node: &Node) -> Node {
    let alts = alternatives(node);
    if alts.iter().all(|a| matches!(a.kind, NodeKind::Object(_))) {
        let mut merged: Vec<Member> = Vec::new();
        for alt in &alts {
            for m in alt.members().unwrap_or_default() {
                merge_member(&mut merged, m, string_list(&m.value));
            }
        }
        if alts.len() > 1 {
            for m in &mut merged {
                m.value = string_list(&m.value);
            }
        }
        return Node::new(node.span, NodeKind::Object(merged));
    }
    scalar(node)
}

/// `Condition`: operators, each a map of keys to values; branches merge.
fn condition(node: &Node) -> Node {
    let alts = alternatives(node);
    if !alts.iter().all(|a| matches!(a.kind, NodeKind::Object(_))) {
        return if alts.len() == 1 { no_if(alts[0]) } else { Node::unknown(node.span, "Fn::If") };
    }
    let mut operators: Vec<Member> = Vec::new();
    for alt in alts {
        for op in alt.members().unwrap_or_default() {
            let keys = alternatives(&op.value);
            if !keys.iter().all(|k| matches!(k.kind, NodeKind::Object(_))) {
                let value = if keys.len() == 1 { no_if(keys[0]) } else { Node::unknown(op.value.span, "Fn::If") };
                merge_member(&mut operators, op, value);
                continue;
            }
            let mut merged: Vec<Member> = Vec::new();
            for k in keys {
                for key in k.members().unwrap_or_default() {
                    merge_member(&mut merged, key, string_list_or_value(&key.value));
                }
            }
            merge_member(&mut operators, op, Node::new(op.value.span, NodeKind::Object(merged)));
        }
    }
    Node::new(node.span, NodeKind::Object(operators))
}

fn string_list_or_value(node: &Node) -> Node {
    if is_if(node) || matches!(node.kind, NodeKind::Array(_)) {
        string_list(node)
    } else {
        no_if(node)
    }
}

/// Adds a member, or merges it into the one with the same key (objects member-wise, values into a list).
fn merge_member(into: &mut Vec<Member>, m: &Member, value: Node) {
    let Some(existing) = into.iter_mut().find(|e| e.key == m.key) else {
        into.push(Member { key: m.key.clone(), key_span: m.key_span, value });
        return;
    };
    let span = existing.value.span;
    let old = std::mem::replace(&mut existing.value, Node::new(span, NodeKind::Null));
    existing.value = match (old.kind, value.kind) {
        (NodeKind::Object(mut a), NodeKind::Object(b)) => {
            for bm in b {
                let v = bm.value.clone();
                merge_member(&mut a, &bm, v);
            }
            Node::new(span, NodeKind::Object(a))
        }
        (a, b) => {
            let mut items = match a {
                NodeKind::Array(items) => items,
                other => vec![Node::new(span, other)],
            };
            match b {
                NodeKind::Array(more) => items.extend(more),
                other => items.push(Node::new(value.span, other)),
            }
            Node::new(span, NodeKind::Array(items))
        }
    };
}

/// Replaces any `Fn::If` left deeper down by an unknown value.
pub fn no_if(node: &Node) -> Node {
    if if_branches(node).is_some() {
        return Node::unknown(node.span, "Fn::If");
    }
    match &node.kind {
        NodeKind::Object(members) => Node::new(
            node.span,
            NodeKind::Object(
                members
                    .iter()
                    .map(|m| Member { key: m.key.clone(), key_span: m.key_span, value: no_if(&m.value) })
                    .collect(),
            ),
        ),
        NodeKind::Array(items) => Node::new(node.span, NodeKind::Array(items.iter().map(no_if).collect())),
        _ => node.clone(),
    }
}

/// A policy document written as a JSON string (`PolicyDocument: '{"Version": ...}'`):
/// the parsed document with spans in the template where the string's text can be
/// found there verbatim, else every span at the string. `Err` when it is not JSON.
pub fn json_string(source: &SourceFile, node: &Node) -> Option<Result<Node, (String, Span)>> {
    let NodeKind::Str(text) = &node.kind else { return None };
    if !text.trim_start().starts_with(['{', '[']) {
        return None;
    }
    let map = SpanMap::new(source.slice(node.span), node.span.start as usize, text);
    match syntax::json::parse(text) {
        Ok(mut doc) => {
            map.apply(&mut doc, node.span);
            Some(Ok(doc))
        }
        Err(e) => {
            let span = map.span(e.span).unwrap_or(node.span);
            Some(Err((e.message, span)))
        }
    }
}

/// Where the lines of a string's value are in the source text.
struct SpanMap {
    /// (offset in the value, offset in the file), for the start of each line.
    lines: Option<Vec<(usize, usize)>>,
}

impl SpanMap {
    fn new(raw: &str, raw_start: usize, value: &str) -> SpanMap {
        let mut lines = Vec::new();
        let mut cursor = 0;
        let mut value_offset = 0;
        for line in value.split_inclusive('\n') {
            let content = line.trim_end_matches(['\n', '\r']);
            if content.is_empty() {
                value_offset += line.len();
                continue;
            }
            match raw.get(cursor..).and_then(|r| r.find(content)) {
                Some(i) => {
                    lines.push((value_offset, raw_start + cursor + i));
                    cursor += i + content.len();
                }
                None => return SpanMap { lines: None },
            }
            value_offset += line.len();
        }
        SpanMap { lines: Some(lines) }
    }

    fn offset(&self, value_offset: usize) -> Option<usize> {
        let lines = self.lines.as_ref()?;
        let i = lines.partition_point(|&(v, _)| v <= value_offset);
        let (v, f) = *lines.get(i.checked_sub(1)?)?;
        Some(f + (value_offset - v))
    }

    fn span(&self, span: Span) -> Option<Span> {
        let start = self.offset(span.start as usize)?;
        let end = if span.is_empty() { start } else { self.offset(span.end as usize - 1)? + 1 };
        Some(Span::new(start, end))
    }

    fn apply(&self, node: &mut Node, fallback: Span) {
        node.span = self.span(node.span).unwrap_or(fallback);
        match &mut node.kind {
            NodeKind::Object(members) => {
                for m in members {
                    m.key_span = self.span(m.key_span).unwrap_or(fallback);
                    self.apply(&mut m.value, fallback);
                }
            }
            NodeKind::Array(items) => items.iter_mut().for_each(|n| self.apply(n, fallback)),
            _ => {}
        }
    }
}

/// The one-statement resource policy that an `AWS::Lambda::Permission` adds
/// to its function, built from the template's own nodes so findings point at them.
pub fn lambda_permission(props: &Node) -> Option<Node> {
    let get = |k: &str| props.get(k);
    let mut statement = vec![member_at(props, "Effect", NodeKind::Str("Allow".into()))];
    if let Some(p) = get("Principal") {
        let principal = match p.value.scalar_text() {
            Some(text) if text == "*" => p.value.clone(),
            Some(text) => {
                let kind = if is_service_principal(&text) { "Service" } else { "AWS" };
                Node::new(
                    p.value.span,
                    NodeKind::Object(vec![Member { key: kind.into(), key_span: p.key_span, value: p.value.clone() }]),
                )
            }
            None => p.value.clone(),
        };
        statement.push(Member { key: "Principal".into(), key_span: p.key_span, value: principal });
    }
    if let Some(a) = get("Action") {
        statement.push(Member { key: "Action".into(), key_span: a.key_span, value: a.value.clone() });
    }
    if let Some(f) = get("FunctionName") {
        statement.push(Member { key: "Resource".into(), key_span: f.key_span, value: function_arn(&f.value) });
    }
    let mut conditions: Vec<Member> = Vec::new();
    for (property, operator, key) in [
        ("SourceAccount", "StringEquals", "aws:SourceAccount"),
        ("SourceArn", "ArnLike", "aws:SourceArn"),
        ("PrincipalOrgID", "StringEquals", "aws:PrincipalOrgID"),
        ("FunctionUrlAuthType", "StringEquals", "lambda:FunctionUrlAuthType"),
    ] {
        if let Some(m) = get(property) {
            let test = Member { key: key.into(), key_span: m.key_span, value: m.value.clone() };
            match conditions.iter_mut().find(|c| c.key == operator) {
                Some(Member { value: Node { kind: NodeKind::Object(keys), .. }, .. }) => keys.push(test),
                _ => conditions.push(Member {
                    key: operator.into(),
                    key_span: m.key_span,
                    value: Node::new(m.value.span, NodeKind::Object(vec![test])),
                }),
            }
        }
    }
    if !conditions.is_empty() {
        statement.push(member_at(props, "Condition", NodeKind::Object(conditions)));
    }
    Some(one_statement_document(props, statement))
}

/// `{"Statement": [{...members}]}` at the span of the resource's properties.
fn one_statement_document(props: &Node, members: Vec<Member>) -> Node {
    let statement = Node::new(props.span, NodeKind::Object(members));
    Node::new(
        props.span,
        NodeKind::Object(vec![Member {
            key: "Statement".into(),
            key_span: props.span,
            value: Node::new(props.span, NodeKind::Array(vec![statement])),
        }]),
    )
}

/// `AWS::Lambda::LayerVersionPermission`: who may use a layer version.
pub fn layer_permission(props: &Node) -> Option<Node> {
    let mut statement = vec![member_at(props, "Effect", NodeKind::Str("Allow".into()))];
    if let Some(p) = props.get("Principal") {
        let value = match p.value.as_str() {
            Some("*") => p.value.clone(),
            _ => Node::new(
                p.value.span,
                NodeKind::Object(vec![Member { key: "AWS".into(), key_span: p.key_span, value: p.value.clone() }]),
            ),
        };
        statement.push(Member { key: "Principal".into(), key_span: p.key_span, value });
    }
    if let Some(a) = props.get("Action") {
        statement.push(Member { key: "Action".into(), key_span: a.key_span, value: a.value.clone() });
    }
    if let Some(l) = props.get("LayerVersionArn") {
        statement.push(Member { key: "Resource".into(), key_span: l.key_span, value: l.value.clone() });
    }
    if let Some(o) = props.get("OrganizationId") {
        let test = Member { key: "aws:PrincipalOrgID".into(), key_span: o.key_span, value: o.value.clone() };
        let op = Member {
            key: "StringEquals".into(),
            key_span: o.key_span,
            value: Node::new(o.value.span, NodeKind::Object(vec![test])),
        };
        statement.push(member_at(props, "Condition", NodeKind::Object(vec![op])));
    }
    Some(one_statement_document(props, statement))
}

fn member_at(props: &Node, key: &str, kind: NodeKind) -> Member {
    let at = Span { start: props.span.start, end: props.span.start };
    Member { key: key.into(), key_span: at, value: Node::new(at, kind) }
}

/// A service principal (`voiceconnector.chime.amazonaws.com`) rather than an account or ARN.
pub fn is_service_principal(text: &str) -> bool {
    !text.starts_with("arn:")
        && (text.ends_with(".amazonaws.com") || text.ends_with(".amazonaws.com.cn") || text.ends_with(".amazon.com"))
}

/// `FunctionName` as the ARN the statement's `Resource` holds: a name or
/// partial ARN gets the missing parts as holes.
fn function_arn(node: &Node) -> Node {
    let text = match &node.kind {
        NodeKind::Str(s) => s.as_str(),
        NodeKind::Template(pieces) => {
            return match pieces.first() {
                Some(Piece::Lit(s)) if s.starts_with("arn:") => node.clone(),
                _ => Node::unknown(node.span, "FunctionName"),
            }
        }
        _ => return node.clone(),
    };
    if text.starts_with("arn:") {
        return node.clone();
    }
    let hole = |h: &str| Piece::Hole(h.into());
    let lit = |s: String| Piece::Lit(s);
    let pieces = if text.contains(":function:") {
        // `123456789012:function:name`
        vec![
            lit("arn:".into()),
            hole("AWS::Partition"),
            lit(":lambda:".into()),
            hole("AWS::Region"),
            lit(format!(":{text}")),
        ]
    } else {
        vec![
            lit("arn:".into()),
            hole("AWS::Partition"),
            lit(":lambda:".into()),
            hole("AWS::Region"),
            lit(":".into()),
            hole("AWS::AccountId"),
            lit(format!(":function:{text}")),
        ]
    };
    Node::new(node.span, NodeKind::Template(pieces))
}

#[cfg(test)]
mod tests {
    use super::super::intrinsics::Eval;
    use super::*;
    use crate::syntax::yaml;

    fn docs(text: &str) -> Vec<Node> {
        let root = yaml::parse(text).unwrap();
        let ev = Eval::new(&root);
        documents(&ev.eval(&root.get("D").unwrap().value).unwrap())
    }

    #[test]
    fn if_in_statements_keeps_both_branches() {
        let d = docs(
            "D:\n  Statement:\n    - !If\n      - C\n      - {Effect: Allow, Action: a:B, Resource: '*'}\n      - {Effect: Deny, Action: [c:D], Resource: '*'}\n    - Effect: !If [C, Allow, Deny]\n      Action: !If [C, [x:Y], x:Z]\n      Resource: '*'\n",
        );
        assert_eq!(d.len(), 1);
        let st = d[0].get("Statement").unwrap().value.items();
        assert_eq!(st.len(), 3);
        assert_eq!(st[2].get("Effect").unwrap().value.kind, NodeKind::Unknown("Fn::If".into()));
        let actions: Vec<_> = st[2].get("Action").unwrap().value.items().iter().map(|n| n.as_str()).collect();
        assert_eq!(actions, [Some("x:Y"), Some("x:Z")]);
    }

    #[test]
    fn if_around_the_document_gives_two_documents() {
        let d = docs("D: !If [C, {Statement: []}, {Version: '2012-10-17', Statement: []}]\n");
        assert_eq!(d.len(), 2);
    }

    #[test]
    fn principal_and_condition_branches_merge() {
        let d = docs(
            "D:\n  Statement:\n    - Principal: !If [C, {AWS: a}, {AWS: b, Service: s}]\n      Condition:\n        StringEquals: !If [C, {k: 1}, {k: 2, j: 3}]\n",
        );
        let st = &d[0].get("Statement").unwrap().value.items()[0];
        let p = &st.get("Principal").unwrap().value;
        assert_eq!(p.get("AWS").unwrap().value.items().len(), 2);
        assert_eq!(p.get("Service").unwrap().value.items().len(), 1);
        let se = &st.get("Condition").unwrap().value.get("StringEquals").unwrap().value;
        assert_eq!(se.get("k").unwrap().value.items().len(), 2);
        assert!(se.get("j").is_some());
    }

    #[test]
    fn json_strings_map_back_into_the_file() {
        let text = "D: '{\"Statement\": [{\"Action\": \"s3:Get\"}]}'\n";
        let source = SourceFile::new("t.yaml", text);
        let root = yaml::parse(text).unwrap();
        let node = &root.get("D").unwrap().value;
        let doc = json_string(&source, node).unwrap().unwrap();
        let action = &doc.get("Statement").unwrap().value.items()[0].get("Action").unwrap().value;
        assert_eq!(&text[action.span.range()], "\"s3:Get\"");
        let block = "D: |\n  {\n    \"Statement\": [\n      {\"Action\": \"s3:Get\"}\n    ]\n  }\n";
        let source = SourceFile::new("t.yaml", block);
        let root = yaml::parse(block).unwrap();
        let doc = json_string(&source, &root.get("D").unwrap().value).unwrap().unwrap();
        let action = &doc.get("Statement").unwrap().value.items()[0].get("Action").unwrap().value;
        assert_eq!(&block[action.span.range()], "\"s3:Get\"");
    }
}
