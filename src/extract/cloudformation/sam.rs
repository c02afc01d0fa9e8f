//! SAM `AWS::Serverless::Function` and `AWS::Serverless::StateMachine`: their
//! `Policies` (managed policy names or ARNs, SAM policy templates, inline
//! documents) and the role SAM creates for them when `Role` is not given.

use super::intrinsics::alternatives;
use super::{literal, Cx};
use crate::finding::reported::policy_syntax::POLICY_SYNTAX;
use crate::finding::Finding;
use crate::index::{FactKind, Ref};
use crate::policy::PolicyKind;
use crate::source::Span;
use crate::syntax::{Node, NodeKind};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The SAM policy template names and their parameters (`rules/sam-policy-templates.json`).
pub fn policy_templates() -> &'static BTreeMap<String, Vec<String>> {
    static TEMPLATES: OnceLock<BTreeMap<String, Vec<String>>> = OnceLock::new();
    TEMPLATES.get_or_init(|| {
        #[derive(serde::Deserialize)]
        struct File {
            templates: BTreeMap<String, Vec<String>>,
        }
        let text = include_str!("../../../rules/sam-policy-templates.json");
        serde_json::from_str::<File>(text).map(|f| f.templates).unwrap_or_default()
    })
}

/// The actions each SAM policy template allows (`rules/sam-policy-templates.json`).
fn template_actions() -> &'static BTreeMap<String, Vec<String>> {
    static ACTIONS: OnceLock<BTreeMap<String, Vec<String>>> = OnceLock::new();
    ACTIONS.get_or_init(|| {
        #[derive(serde::Deserialize)]
        struct File {
            actions: BTreeMap<String, Vec<String>>,
        }
        let text = include_str!("../../../rules/sam-policy-templates.json");
        serde_json::from_str::<File>(text).map(|f| f.actions).unwrap_or_default()
    })
}

/// How a SAM policy template in a role's `Policies` is named among the
/// policies attached to the role: its statements are SAM's, not the
/// project's text, so it is attached like a policy the project does not define.
const TEMPLATE: &str = "SAM policy template ";

pub fn template_ref(name: &str) -> Ref {
    Ref::Literal(format!("{TEMPLATE}{name}"))
}

/// The template an attached policy reference names, if it is one.
pub fn template_named(reference: &str) -> Option<&str> {
    reference.strip_prefix(TEMPLATE)
}

/// Whether the SAM policy template may allow `action`: `None` for a name
/// whose actions are not known.
pub fn template_may_allow(name: &str, action: &str) -> Option<bool> {
    let actions = template_actions().get(name)?;
    Some(actions.iter().any(|a| crate::catalog::wildcard_match(a, action, true)))
}

/// A managed policy ARN in the `aws` policy namespace, as SAM writes it.
fn aws_managed(name: &str) -> Ref {
    Ref::Literal(format!("arn:${{AWS::Partition}}:iam::aws:policy/{name}"))
}

impl Cx<'_> {
    pub(super) fn sam_resource(&mut self, id: &str, site: Span, ty: &str, props: &Node) {
        let prop = |k: &str| props.get(k).map(|m| &m.value);
        let function = ty == "AWS::Serverless::Function";
        let implicit = format!("{id}Role");
        let explicit_role = prop("Role");
        let origin = if explicit_role.is_some() { id.to_string() } else { implicit.clone() };
        let mut managed = Vec::new();
        if let Some(policies) = prop("Policies") {
            managed = self.sam_policies(policies, &origin);
        }
        if let Some(doc) = prop("AssumeRolePolicyDocument").filter(|_| function) {
            self.policy(doc, PolicyKind::Trust, &implicit, false);
        }
        let role = match explicit_role {
            Some(r) => self.to_ref(r),
            None => {
                let mut policies = Vec::new();
                if function {
                    policies.push(aws_managed("service-role/AWSLambdaBasicExecutionRole"));
                    let tracing = prop("Tracing").or(self.globals.get("Tracing").map(|m| &m.value));
                    if tracing.is_some_and(|t| t.as_str() != Some("Disabled")) {
                        policies.push(aws_managed("AWSXrayWriteOnlyAccess"));
                    }
                    if prop("VpcConfig").or(self.globals.get("VpcConfig").map(|m| &m.value)).is_some() {
                        policies.push(aws_managed("service-role/AWSLambdaVPCAccessExecutionRole"));
                    }
                    policies.extend(event_source_policies(prop("Events")));
                } else if prop("Tracing")
                    .and_then(|t| t.get("Enabled"))
                    .is_some_and(|e| e.value.kind == NodeKind::Bool(true))
                {
                    policies.push(aws_managed("AWSXrayWriteOnlyAccess"));
                }
                policies.extend(managed);
                let boundary = prop("PermissionsBoundary")
                    .or_else(|| self.globals.get("PermissionsBoundary").map(|m| &m.value).filter(|_| function))
                    .map(|b| self.to_ref(b));
                let kind = FactKind::Role { name: None, managed_policies: policies, boundary };
                self.fact(&implicit, site, kind);
                Ref::Address(implicit.clone())
            }
        };
        if function {
            let destinations = prop("EventInvokeConfig").and_then(|c| c.get("DestinationConfig"));
            if prop("DeadLetterQueue").is_some() || destinations.is_some() {
                self.fact(id, site, FactKind::AsyncDelivery { function: Ref::Address(id.to_string()) });
            }
            let code = Some(Box::new(self.function_code(props, true)));
            self.fact(id, site, FactKind::LambdaFunction { name: literal(prop("FunctionName")), role, code });
        } else {
            self.fact(id, site, FactKind::RoleUser { service: "states.amazonaws.com".into(), role });
        }
    }

    /// Reads `Policies`; returns the managed policies and the SAM policy
    /// templates ([`template_ref`]).
    fn sam_policies(&mut self, policies: &Node, origin: &str) -> Vec<Ref> {
        let mut managed = Vec::new();
        let items: Vec<Node> = alternatives(policies)
            .into_iter()
            .flat_map(|p| match &p.kind {
                NodeKind::Array(items) => items.iter().flat_map(alternatives).cloned().collect::<Vec<_>>(),
                _ => vec![p.clone()],
            })
            .collect();
        for item in &items {
            match &item.kind {
                NodeKind::Str(_) | NodeKind::Template(_) | NodeKind::Unknown(_) => {
                    managed.push(self.to_ref(item));
                    self.attached_name(&format!("{origin}.Policies"), item);
                }
                NodeKind::Object(members) => {
                    if item.get("Statement").is_some() {
                        self.policy(item, PolicyKind::Identity, origin, true);
                    } else if let [m] = members.as_slice() {
                        if !policy_templates().contains_key(&m.key) {
                            self.unknown_template(m.key_span, &m.key);
                        }
                        managed.push(template_ref(&m.key));
                    } else if item.get("Effect").is_some() || item.get("Action").is_some() {
                        self.out.findings.push(
                            Finding::new(
                                &POLICY_SYNTAX,
                                self.source,
                                opening(item.span),
                                "a SAM `Policies` entry that is a map needs `Statement`: this is a statement, not a policy document",
                            )
                            .with_help("write it as `- Statement:` followed by the statement as a list item"),
                        );
                    } else {
                        self.out.findings.push(Finding::new(
                            &POLICY_SYNTAX,
                            self.source,
                            opening(item.span),
                            "a SAM `Policies` entry must be a managed policy name or ARN, a policy template (one key) or a policy document with `Statement`",
                        ));
                    }
                }
                _ => {}
            }
        }
        managed
    }

    fn unknown_template(&mut self, span: Span, name: &str) {
        let hint = crate::catalog::closest(name, policy_templates().keys().map(String::as_str))
            .map(|k| format!("; did you mean `{k}`?"))
            .unwrap_or_default();
        self.out.findings.push(
            Finding::new(&POLICY_SYNTAX, self.source, span, format!("`{name}` is not a SAM policy template{hint}"))
                .with_help("see the AWS SAM policy template list; a policy document needs a `Statement` key"),
        );
    }
}

/// Managed policies SAM attaches for pull-based event sources.
fn event_source_policies(events: Option<&Node>) -> Vec<Ref> {
    let mut out: Vec<Ref> = Vec::new();
    for event in events.and_then(Node::members).unwrap_or_default() {
        let name = match event.value.get("Type").and_then(|t| t.value.as_str()) {
            Some("SQS") => "service-role/AWSLambdaSQSQueueExecutionRole",
            Some("Kinesis") => "service-role/AWSLambdaKinesisExecutionRole",
            Some("DynamoDB") => "service-role/AWSLambdaDynamoDBExecutionRole",
            Some("MSK") => "service-role/AWSLambdaMSKExecutionRole",
            _ => continue,
        };
        let r = aws_managed(name);
        if !out.contains(&r) {
            out.push(r);
        }
    }
    out
}

fn opening(span: Span) -> Span {
    Span { start: span.start, end: span.start.saturating_add(1).min(span.end.max(span.start + 1)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_are_loaded() {
        let t = policy_templates();
        assert!(t.len() >= 80, "{}", t.len());
        assert_eq!(t["DynamoDBCrudPolicy"], ["TableName"]);
        assert!(t.contains_key("LambdaInvokePolicy"));
        assert!(t.contains_key("S3ReadPolicy"));
    }
}
