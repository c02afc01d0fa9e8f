//! Permissions that Terraform writes as attributes rather than as a policy:
//! `aws_lambda_permission` and `aws_lambda_layer_version_permission` each add
//! one statement to a resource policy. The statement is built from the
//! attributes, every element carrying the span of the attribute it came from,
//! so the rules report on the `principal = ...` or `source_arn = ...` line.

use super::{attr, Module};
use crate::source::Span;
use crate::syntax::{Member, Node, NodeKind, Piece};

/// `aws_lambda_permission`: Allow `principal` to call `action` on the function,
/// under `source_account`, `source_arn`, `principal_org_id` and `function_url_auth_type`.
pub(super) fn lambda_permission(m: &Module, body: &Node) -> Node {
    let mut st = Statement::new(m, body);
    st.copy("statement_id", "Sid");
    st.principal();
    st.copy("action", "Action");
    // The function: its ARN when written, otherwise unknown (a name or a reference).
    if let Some(a) = attr(body, "function_name") {
        let value = m.resolve(&a.value);
        let value = if value.scalar_text().is_some_and(|t| t.starts_with("arn:")) {
            value
        } else {
            Node::unknown(value.span, "the function's ARN")
        };
        st.members.push(Member { key: "Resource".into(), key_span: a.key_span, value });
    }
    st.condition("StringEquals", "aws:SourceAccount", "source_account");
    st.condition("ArnLike", "aws:SourceArn", "source_arn");
    st.condition("StringEquals", "aws:PrincipalOrgID", "principal_org_id");
    st.condition("StringEquals", "lambda:FunctionUrlAuthType", "function_url_auth_type");
    st.finish()
}

/// `aws_lambda_layer_version_permission`: Allow an account (or everyone, or an
/// organization) to `lambda:GetLayerVersion` one version of a layer.
pub(super) fn layer_permission(m: &Module, body: &Node) -> Node {
    let mut st = Statement::new(m, body);
    st.copy("statement_id", "Sid");
    st.principal();
    st.copy("action", "Action");
    if let Some(a) = attr(body, "layer_name") {
        let layer = m.resolve(&a.value);
        let version = attr(body, "version_number").map(|v| m.resolve(&v.value));
        let value = match (layer.as_str(), version.as_ref().and_then(Node::scalar_text)) {
            (Some(arn), Some(v)) if arn.starts_with("arn:") && version.as_ref().is_some_and(|n| !n.is_unresolved()) => {
                Node::new(layer.span, NodeKind::Str(format!("{arn}:{v}")))
            }
            _ => Node::unknown(layer.span, "the layer version's ARN"),
        };
        st.members.push(Member { key: "Resource".into(), key_span: a.key_span, value });
    }
    st.condition("StringEquals", "aws:PrincipalOrgID", "organization_id");
    st.finish()
}

struct Statement<'m, 'a> {
    m: &'m Module<'a>,
    body: &'m Node,
    members: Vec<Member>,
    conditions: Vec<Member>,
    condition_key: Option<Span>,
}

impl<'m, 'a> Statement<'m, 'a> {
    fn new(m: &'m Module<'a>, body: &'m Node) -> Self {
        let at = Span { start: body.span.start, end: body.span.start.saturating_add(1).min(body.span.end) };
        let effect = Member { key: "Effect".into(), key_span: at, value: Node::new(at, NodeKind::Str("Allow".into())) };
        Statement { m, body, members: vec![effect], conditions: Vec::new(), condition_key: None }
    }

    fn copy(&mut self, attribute: &str, element: &str) {
        if let Some(a) = attr(self.body, attribute) {
            let value = self.m.resolve(&a.value);
            if value.as_str() != Some("") {
                self.members.push(Member { key: element.into(), key_span: a.key_span, value });
            }
        }
    }

    /// `principal = "voiceconnector.chime.amazonaws.com"` is a service; an
    /// account or ARN is `AWS`; `"*"` is everyone.
    fn principal(&mut self) {
        let Some(a) = attr(self.body, "principal") else { return };
        let value = self.m.resolve(&a.value);
        let tail = match &value.kind {
            NodeKind::Str(s) if s == "*" => {
                self.members.push(Member { key: "Principal".into(), key_span: a.key_span, value });
                return;
            }
            NodeKind::Str(s) => Some(s.as_str()),
            NodeKind::Template(pieces) => match pieces.last() {
                Some(Piece::Lit(s)) => Some(s.as_str()),
                _ => None,
            },
            _ => None,
        };
        let value = match tail {
            Some(t) => {
                let kind =
                    if t.ends_with(".amazonaws.com") || t.ends_with(".amazonaws.com.cn") { "Service" } else { "AWS" };
                let span = value.span;
                Node::new(span, NodeKind::Object(vec![Member { key: kind.into(), key_span: a.key_span, value }]))
            }
            None => value,
        };
        self.members.push(Member { key: "Principal".into(), key_span: a.key_span, value });
    }

    fn condition(&mut self, operator: &str, key: &str, attribute: &str) {
        let Some(a) = attr(self.body, attribute) else { return };
        let value = self.m.resolve(&a.value);
        if value.as_str() == Some("") {
            return;
        }
        self.condition_key.get_or_insert(a.key_span);
        let entry = Member { key: key.into(), key_span: a.key_span, value };
        match self.conditions.iter_mut().find(|o| o.key == operator) {
            Some(Member { value: Node { kind: NodeKind::Object(entries), .. }, .. }) => entries.push(entry),
            _ => self.conditions.push(Member {
                key: operator.into(),
                key_span: a.key_span,
                value: Node::new(a.key_span.to(entry.value.span), NodeKind::Object(vec![entry])),
            }),
        }
    }

    fn finish(mut self) -> Node {
        if let Some(key_span) = self.condition_key {
            let span = self.conditions.iter().map(|c| c.value.span).reduce(Span::to).unwrap_or(key_span);
            self.members.push(Member {
                key: "Condition".into(),
                key_span,
                value: Node::new(span, NodeKind::Object(self.conditions)),
            });
        }
        let span = self.body.span;
        let statement = Node::new(span, NodeKind::Object(self.members));
        Node::new(
            span,
            NodeKind::Object(vec![Member {
                key: "Statement".into(),
                key_span: Span { start: span.start, end: span.start.saturating_add(1).min(span.end) },
                value: Node::new(span, NodeKind::Array(vec![statement])),
            }]),
        )
    }
}
