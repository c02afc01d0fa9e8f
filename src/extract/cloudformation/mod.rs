//! CloudFormation and SAM templates (JSON or YAML): the policies in
//! `Resources`, and the infrastructure facts the cross-resource rules need.
//!
//! Each resource's `Properties` are first evaluated ([`intrinsics`]): short and
//! long forms of intrinsic functions become literal values, templates with
//! holes, or unknowns. Policy documents are then normalised ([`policy`]) and
//! handed on as [`PolicyDoc`](crate::policy::PolicyDoc)s whose `origin` is the logical id of the resource
//! they belong to (for a SAM function without `Role`, its implicit role
//! `<Function>Role`). Facts are recorded by logical id; `!Ref X` and
//! `!GetAtt X.Arn` to a resource of the template become `Ref::Address("X")`.

pub mod intrinsics;
mod network;
pub mod policy;
pub mod sam;
mod voice;

use super::Extracted;
use crate::finding::reported::policy_syntax::POLICY_SYNTAX;
use crate::finding::Finding;
use crate::index::{CodeLocation, Fact, FactKind, FunctionCode, Ref, Site};
use crate::policy::PolicyKind;
use crate::source::{Source, Span};
use crate::syntax::{Member, Node, NodeKind, Piece};
use intrinsics::{alternatives, hole_name, Eval};

/// The top-level sections of a CloudFormation (or SAM) template.
const SECTIONS: &[&str] = &[
    "AWSTemplateFormatVersion",
    "Description",
    "Metadata",
    "Parameters",
    "Rules",
    "Mappings",
    "Conditions",
    "Transform",
    "Resources",
    "Outputs",
    "Globals",
];

/// A template: `AWSTemplateFormatVersion`, or `Resources` entries with
/// `Type: AWS::...`, or a `Resources` map among nothing but template sections.
pub fn is_template(root: &Node) -> bool {
    if root.get("AWSTemplateFormatVersion").is_some() {
        return true;
    }
    let Some(resources) = root.get("Resources").and_then(|r| r.value.members()) else { return false };
    resources.iter().any(|m| m.value.get("Type").and_then(|t| t.value.as_str()).is_some_and(|t| t.starts_with("AWS::")))
        || root.members().is_some_and(|m| m.iter().all(|m| SECTIONS.contains(&m.key.as_str())))
}

pub fn extract(source: &Source, root: Node) -> Extracted {
    let ev = Eval::new(&root);
    let globals = root
        .get("Globals")
        .and_then(|g| g.value.get("Function"))
        .and_then(|f| ev.eval(&f.value))
        .unwrap_or_else(|| Node::new(Span::default(), NodeKind::Object(Vec::new())));
    let mut cx = Cx { source, ev: &ev, globals, boundaries: Vec::new(), out: Extracted::default() };
    let resources = root.get("Resources").and_then(|r| r.value.members()).unwrap_or_default();
    cx.boundaries = cx.boundaries(resources);
    for r in resources {
        cx.resource(&r.key, r.key_span, &r.value);
    }
    for output in root.get("Outputs").and_then(|o| o.value.members()).unwrap_or_default() {
        cx.secret_output(output);
    }
    cx.out
}

struct Cx<'a> {
    source: &'a Source,
    ev: &'a Eval<'a>,
    /// SAM `Globals.Function`, evaluated.
    globals: Node,
    /// Logical ids of the managed policies used as permissions boundaries.
    boundaries: Vec<String>,
    out: Extracted,
}

/// Resource types whose one property is a resource policy document.
const RESOURCE_POLICIES: &[(&str, &str)] = &[
    ("AWS::S3::BucketPolicy", "PolicyDocument"),
    ("AWS::SNS::TopicPolicy", "PolicyDocument"),
    ("AWS::SQS::QueuePolicy", "PolicyDocument"),
    ("AWS::KMS::Key", "KeyPolicy"),
    ("AWS::KMS::ReplicaKey", "KeyPolicy"),
    ("AWS::SecretsManager::ResourcePolicy", "ResourcePolicy"),
    ("AWS::Lex::ResourcePolicy", "Policy"),
    ("AWS::ECR::Repository", "RepositoryPolicyText"),
    ("AWS::Elasticsearch::Domain", "AccessPolicies"),
    ("AWS::OpenSearchService::Domain", "AccessPolicies"),
    ("AWS::S3::AccessPoint", "Policy"),
    ("AWS::EFS::FileSystem", "FileSystemPolicy"),
    ("AWS::Logs::ResourcePolicy", "PolicyDocument"),
];

/// Resources that run as a role, and the service that assumes it.
const ROLE_USERS: &[(&str, &str, &str)] = &[
    ("AWS::ECS::TaskDefinition", "TaskRoleArn", "ecs-tasks.amazonaws.com"),
    ("AWS::ECS::TaskDefinition", "ExecutionRoleArn", "ecs-tasks.amazonaws.com"),
    ("AWS::StepFunctions::StateMachine", "RoleArn", "states.amazonaws.com"),
];

impl Cx<'_> {
    /// The managed policies of this template that a role, a user or a SAM
    /// function (or SAM's `Globals`) names as its permissions boundary. Their
    /// documents are ceilings, not grants: broad by design, and linted as
    /// boundaries rather than as identity policies.
    fn boundaries(&self, resources: &[Member]) -> Vec<String> {
        let named = resources.iter().filter_map(|r| r.value.get("Properties")?.value.get("PermissionsBoundary"));
        let mut ids: Vec<String> = named
            .filter_map(|m| self.ev.eval(&m.value))
            .chain(self.globals.get("PermissionsBoundary").map(|m| m.value.clone()))
            .filter_map(|b| match self.to_ref(&b) {
                Ref::Address(id) => Some(id),
                _ => None,
            })
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    fn resource(&mut self, id: &str, site: Span, resource: &Node) {
        let Some(ty) = resource.get("Type").and_then(|t| t.value.as_str()) else { return };
        self.fact(id, site, FactKind::Typed { ty: ty.to_string() });
        let props = resource
            .get("Properties")
            .and_then(|p| self.ev.eval(&p.value))
            .unwrap_or_else(|| Node::new(resource.span, NodeKind::Object(Vec::new())));
        let prop = |k: &str| props.get(k).map(|m| &m.value);
        // A resource with a `Condition` is made or not as the stack's parameters decide.
        let made = if resource.get("Condition").is_some() { None } else { Some(1) };
        if made.is_none() {
            self.fact(id, site, FactKind::Instances { count: None });
        }
        if let Some(&(_, key)) = RESOURCE_POLICIES.iter().find(|(t, _)| *t == ty) {
            if let Some(doc) = prop(key) {
                self.policy(doc, PolicyKind::Resource, id, false);
            }
        }
        let mut role_users: Vec<(&str, Ref)> = Vec::new();
        for &(_, key, service) in ROLE_USERS.iter().filter(|(t, _, _)| *t == ty) {
            if let Some(role) = prop(key).map(|r| self.to_ref(r)) {
                if !role_users.iter().any(|(s, r)| *s == service && *r == role) {
                    role_users.push((service, role));
                }
            }
        }
        for (service, role) in role_users {
            self.fact(id, site, FactKind::RoleUser { service: service.into(), role });
        }
        voice::network(self, id, site, ty, &props, made);
        network::emit(self, id, site, ty, &props);
        match ty {
            "AWS::IAM::Role" => {
                if let Some(doc) = prop("AssumeRolePolicyDocument") {
                    self.policy(doc, PolicyKind::Trust, id, false);
                }
                self.inline_policies(prop("Policies"), id);
                let kind = FactKind::Role {
                    name: literal(prop("RoleName")),
                    managed_policies: self.refs(prop("ManagedPolicyArns")),
                    boundary: prop("PermissionsBoundary").map(|b| self.to_ref(b)),
                };
                self.fact(id, site, kind);
                self.attached_names(&format!("{id}.ManagedPolicyArns"), prop("ManagedPolicyArns"));
            }
            "AWS::IAM::User" => {
                self.inline_policies(prop("Policies"), id);
                let kind = FactKind::User {
                    name: literal(prop("UserName")),
                    managed_policies: self.refs(prop("ManagedPolicyArns")),
                    boundary: prop("PermissionsBoundary").map(|b| self.to_ref(b)),
                };
                self.fact(id, site, kind);
                self.attached_names(&format!("{id}.ManagedPolicyArns"), prop("ManagedPolicyArns"));
            }
            "AWS::IAM::Group" => {
                self.inline_policies(prop("Policies"), id);
                let kind = FactKind::Group {
                    name: literal(prop("GroupName")),
                    managed_policies: self.refs(prop("ManagedPolicyArns")),
                };
                self.fact(id, site, kind);
                self.attached_names(&format!("{id}.ManagedPolicyArns"), prop("ManagedPolicyArns"));
            }
            "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => {
                if let Some(doc) = prop("PolicyDocument") {
                    let boundary = ty == "AWS::IAM::ManagedPolicy" && self.boundaries.iter().any(|b| b == id);
                    let kind = if boundary { PolicyKind::Boundary } else { PolicyKind::Identity };
                    self.policy(doc, kind, id, false);
                }
                let mut attached_to = self.refs(prop("Roles"));
                attached_to.extend(self.refs(prop("Users")));
                attached_to.extend(self.refs(prop("Groups")));
                let kind = if ty == "AWS::IAM::Policy" {
                    FactKind::InlinePolicy { attached_to }
                } else {
                    FactKind::ManagedPolicy { name: literal(prop("ManagedPolicyName")), attached_to }
                };
                self.fact(id, site, kind);
            }
            "AWS::IAM::RolePolicy" | "AWS::IAM::UserPolicy" | "AWS::IAM::GroupPolicy" => {
                if let Some(doc) = prop("PolicyDocument") {
                    self.policy(doc, PolicyKind::Identity, id, false);
                }
                let attached_to = self.refs(prop("RoleName").or(prop("UserName")).or(prop("GroupName")));
                self.fact(id, site, FactKind::InlinePolicy { attached_to });
            }
            "AWS::IAM::InstanceProfile" => {
                for role in self.refs(prop("Roles")) {
                    self.fact(id, site, FactKind::RoleUser { service: "ec2.amazonaws.com".into(), role });
                }
            }
            "AWS::IAM::ServiceLinkedRole" => {
                self.fact(id, site, FactKind::ServiceLinkedRole { service: literal(prop("AWSServiceName")) });
            }
            "AWS::Organizations::Policy" => {
                let kind = match prop("Type").and_then(Node::as_str) {
                    Some("SERVICE_CONTROL_POLICY") => Some(PolicyKind::Scp),
                    Some("RESOURCE_CONTROL_POLICY") => Some(PolicyKind::Rcp),
                    _ => None,
                };
                if let (Some(kind), Some(doc)) = (kind, prop("Content")) {
                    self.policy(doc, kind, id, false);
                }
            }
            "AWS::SSO::PermissionSet" => {
                if let Some(doc) = prop("InlinePolicy") {
                    self.policy(doc, PolicyKind::Identity, id, false);
                }
            }
            "AWS::Lambda::Function" => {
                if prop("DeadLetterConfig").is_some() {
                    self.fact(id, site, FactKind::AsyncDelivery { function: Ref::Address(id.to_string()) });
                }
                let role = prop("Role").map_or(Ref::Unknown, |r| self.to_ref(r));
                let code = Some(Box::new(self.function_code(&props, false)));
                self.fact(id, site, FactKind::LambdaFunction { name: literal(prop("FunctionName")), role, code });
            }
            "AWS::Lambda::EventInvokeConfig" if prop("DestinationConfig").is_some() => {
                let function = prop("FunctionName").map_or(Ref::Unknown, |f| self.to_ref(f));
                self.fact(id, site, FactKind::AsyncDelivery { function });
            }
            "AWS::Lambda::Permission" => {
                if let Some(doc) = policy::lambda_permission(&props) {
                    self.push_doc(doc, PolicyKind::Resource, id, true);
                }
                let kind = self.lambda_permission_fact(&props);
                self.fact(id, site, kind);
            }
            "AWS::Lambda::LayerVersionPermission" => {
                if let Some(doc) = policy::layer_permission(&props) {
                    self.push_doc(doc, PolicyKind::Resource, id, true);
                }
            }
            "AWS::Serverless::Function" | "AWS::Serverless::StateMachine" => self.sam_resource(id, site, ty, &props),
            "AWS::Chime::SipMediaApplication" => {
                let endpoints = prop("Endpoints")
                    .map(|e| {
                        alternatives(e)
                            .into_iter()
                            .flat_map(|e| e.items().iter())
                            .flat_map(alternatives)
                            .filter_map(|e| e.get("LambdaArn"))
                            .map(|m| self.to_ref(&m.value))
                            .collect()
                    })
                    .unwrap_or_default();
                let kind = FactKind::SipMediaApplication {
                    name: literal(prop("Name")),
                    region: literal(prop("AwsRegion")),
                    endpoints,
                };
                self.fact(id, site, kind);
            }
            "AWS::Chime::VoiceConnector" => {
                let kind = FactKind::VoiceConnector { name: literal(prop("Name")), region: literal(prop("AwsRegion")) };
                self.fact(id, site, kind);
            }
            "AWS::Chime::SipRule" => {
                let target_applications = prop("TargetApplications")
                    .map(|t| {
                        alternatives(t)
                            .into_iter()
                            .flat_map(|t| t.items().iter())
                            .filter_map(|t| t.get("SipMediaApplicationId"))
                            .map(|m| self.to_ref(&m.value))
                            .collect()
                    })
                    .unwrap_or_default();
                self.fact(id, site, FactKind::SipRule { target_applications });
            }
            "AWS::Chime::MediaInsightsPipelineConfiguration"
            | "AWS::ChimeSDKMediaPipelines::MediaInsightsPipelineConfiguration" => {
                let role = prop("ResourceAccessRoleArn").map_or(Ref::Unknown, |r| self.to_ref(r));
                self.fact(id, site, FactKind::MediaInsightsPipeline { resource_access_role: role });
                // A post-call analytics data access role is assumed by Amazon Transcribe.
                let elements = prop("Elements").map(|e| e.items()).unwrap_or_default();
                for element in elements {
                    let role = element
                        .get("AmazonTranscribeCallAnalyticsProcessorConfiguration")
                        .and_then(|c| c.value.get("PostCallAnalyticsSettings"))
                        .and_then(|s| s.value.get("DataAccessRoleArn"));
                    if let Some(role) = role {
                        let kind = FactKind::RoleUser {
                            service: "transcribe.amazonaws.com".into(),
                            role: self.to_ref(&role.value),
                        };
                        self.fact(id, site, kind);
                    }
                }
            }
            _ => {}
        }
    }

    /// `Policies: [{PolicyName, PolicyDocument}]` of a role, user or group.
    fn inline_policies(&mut self, policies: Option<&Node>, origin: &str) {
        let Some(policies) = policies else { return };
        let docs: Vec<Node> = alternatives(policies)
            .into_iter()
            .flat_map(|p| p.items().iter())
            .flat_map(alternatives)
            .filter_map(|p| p.get("PolicyDocument").map(|d| d.value.clone()))
            .collect();
        for doc in docs {
            self.policy(&doc, PolicyKind::Identity, origin, false);
        }
    }

    /// Hands on a policy value: each branch of an `Fn::If`, a JSON string read as JSON.
    fn policy(&mut self, value: &Node, kind: PolicyKind, origin: &str, version_implied: bool) {
        for alt in alternatives(value) {
            match policy::json_string(self.source, alt) {
                Some(Ok(doc)) => self.push_doc(doc, kind, origin, version_implied),
                Some(Err((message, span))) => self.out.findings.push(Finding::new(
                    &POLICY_SYNTAX,
                    self.source,
                    span,
                    format!("the policy document is a string that is not valid JSON: {message}"),
                )),
                None => {
                    for doc in policy::documents(alt) {
                        self.push_doc(doc, kind, origin, version_implied);
                    }
                }
            }
        }
    }

    fn push_doc(&mut self, node: Node, kind: PolicyKind, origin: &str, version_implied: bool) {
        if !node.is_unresolved() {
            self.out.add_policy(self.source, node, kind, origin, version_implied);
        }
    }

    /// An output whose value holds an access key's secret (`!GetAtt Key.SecretAccessKey`,
    /// also inside `!Sub` or `!Join`): a fact for `credentials-exposure`.
    fn secret_output(&mut self, output: &Member) {
        let Some(value) = output.value.get("Value") else { return };
        let Some(evaluated) = self.ev.eval(&value.value) else { return };
        let mut holes = Vec::new();
        unknowns(&evaluated, &mut holes);
        for hole in holes {
            let Some((id, attribute)) = hole_name(&hole).split_once('.') else { continue };
            if attribute == "SecretAccessKey" && self.ev.resource_type(id) == Some("AWS::IAM::AccessKey") {
                let kind = FactKind::SecretOutput { resource: id.to_string(), attribute: attribute.to_string() };
                self.fact(&output.key, value.value.span, kind);
                return;
            }
        }
    }

    fn fact(&mut self, address: &str, span: Span, kind: FactKind) {
        let site = Site { source: self.source.clone(), span };
        self.out.facts.push(Fact { address: address.to_string(), site, kind });
    }

    /// Where a function's code is (`Code.ZipFile`, SAM `CodeUri` and
    /// `InlineCode`), its handler, runtime and environment; SAM's `Globals`
    /// fill in what the function leaves out.
    fn function_code(&self, props: &Node, sam: bool) -> FunctionCode {
        let own = |k: &str| props.get(k).map(|m| &m.value);
        let prop = |k: &str| own(k).or_else(|| self.globals.get(k).map(|m| &m.value).filter(|_| sam));
        let location = match (
            own("Code"),
            own("CodeUri"),
            own("InlineCode").or_else(|| own("Code")?.get("ZipFile").map(|m| &m.value)),
        ) {
            (_, _, Some(inline)) => match &inline.kind {
                NodeKind::Str(text) => CodeLocation::Inline { text: text.clone(), span: inline.span },
                _ => CodeLocation::Unknown("inline code that is not a literal string".into()),
            },
            (_, Some(uri), None) => match &uri.kind {
                NodeKind::Str(path) if sam && !path.starts_with("s3://") => {
                    CodeLocation::Path(crate::paths::join_relative(&self.source.path, path))
                }
                _ => CodeLocation::Unknown("code in S3 (`CodeUri` is not a local path)".into()),
            },
            (Some(_), _, None) => CodeLocation::Unknown("code in S3 or an image (`Code` has no `ZipFile`)".into()),
            (None, None, None) => match prop("CodeUri").map(|u| &u.kind) {
                Some(NodeKind::Str(path)) if !path.starts_with("s3://") => {
                    CodeLocation::Path(crate::paths::join_relative(&self.source.path, path))
                }
                _ => CodeLocation::None,
            },
        };
        let mut environment: Vec<(String, Ref)> = Vec::new();
        let globals_env = self.globals.get("Environment").filter(|_| sam).map(|m| &m.value);
        for env in [globals_env, own("Environment")].into_iter().flatten() {
            for var in env.get("Variables").and_then(|v| v.value.members()).unwrap_or_default() {
                let value = self.to_ref(&var.value);
                match environment.iter_mut().find(|(k, _)| *k == var.key) {
                    Some(slot) => slot.1 = value,
                    None => environment.push((var.key.clone(), value)),
                }
            }
        }
        FunctionCode { location, handler: literal(prop("Handler")), runtime: literal(prop("Runtime")), environment }
    }

    /// A reference to another resource, a literal, or unknown.
    fn to_ref(&self, node: &Node) -> Ref {
        match &node.kind {
            NodeKind::Str(s) => Ref::Literal(s.clone()),
            NodeKind::Unknown(u) => self.resource_ref(u),
            NodeKind::Template(pieces) => match pieces.as_slice() {
                [Piece::Hole(h)] => self.resource_ref(h),
                [Piece::Lit(_), ..] => Ref::Literal(crate::syntax::node::render_template(pieces)),
                _ => Ref::Unknown,
            },
            _ => Ref::Unknown,
        }
    }

    /// `Ref:X`, `GetAtt:X.Arn` or a hole `X.Arn` naming a resource of this template.
    fn resource_ref(&self, text: &str) -> Ref {
        let name = hole_name(text);
        if name.contains("::") {
            return Ref::Unknown;
        }
        let id = name.split('.').next().unwrap_or(name);
        match self.ev.resource_type(id) {
            Some(_) => Ref::Address(id.to_string()),
            None => Ref::Unknown,
        }
    }

    /// A list of references; every branch of an `Fn::If` counts.
    fn refs(&self, node: Option<&Node>) -> Vec<Ref> {
        let Some(node) = node else { return Vec::new() };
        alternatives(node)
            .into_iter()
            .flat_map(|n| n.items().iter())
            .flat_map(alternatives)
            .map(|n| self.to_ref(n))
            .collect()
    }

    /// An [`FactKind::AttachedPolicyName`] at each name or ARN written in a
    /// list of managed policies; `address` names the property
    /// (`HandlerRole.ManagedPolicyArns`), not the resource, whose own fact it is.
    fn attached_names(&mut self, address: &str, node: Option<&Node>) {
        let Some(node) = node else { return };
        let items: Vec<&Node> =
            alternatives(node).into_iter().flat_map(|n| n.items().iter()).flat_map(alternatives).collect();
        for item in items {
            self.attached_name(address, item);
        }
    }

    /// An [`FactKind::AttachedPolicyName`] at a name or ARN written in place.
    pub(super) fn attached_name(&mut self, address: &str, node: &Node) {
        if let Ref::Literal(policy) = self.to_ref(node) {
            self.fact(address, node.span, FactKind::AttachedPolicyName { policy });
        }
    }

    fn lambda_permission_fact(&self, props: &Node) -> FactKind {
        let get = |k: &str| props.get(k).map(|m| &m.value);
        let (function, qualifier) = get("FunctionName").map_or((Ref::Unknown, None), |f| self.function_ref(f));
        FactKind::LambdaPermission {
            function,
            qualifier,
            principal: literal(get("Principal")),
            action: literal(get("Action")),
            source_account: present(get("SourceAccount")),
            source_arn: present(get("SourceArn")),
        }
    }

    /// The function a `FunctionName` names, and the alias or version it is qualified with.
    fn function_ref(&self, node: &Node) -> (Ref, Option<String>) {
        match &node.kind {
            NodeKind::Str(s) => split_function_name(s),
            NodeKind::Unknown(u) => self.function_target(hole_name(u), None),
            NodeKind::Template(pieces) => match pieces.as_slice() {
                [Piece::Hole(h)] => self.function_target(h, None),
                [Piece::Hole(h), Piece::Lit(q)] if q.starts_with(':') && q.len() > 1 && !q[1..].contains(':') => {
                    self.function_target(h, Some(q[1..].to_string()))
                }
                [Piece::Lit(_), ..] => {
                    let (r, q) = split_function_name(&crate::syntax::node::render_template(pieces));
                    (r, q)
                }
                _ => (Ref::Unknown, None),
            },
            _ => (Ref::Unknown, None),
        }
    }

    /// `X`, `X.Arn`, `X.Alias` (SAM) where `X` may be a function, an alias or a version.
    fn function_target(&self, name: &str, qualifier: Option<String>) -> (Ref, Option<String>) {
        let (id, attribute) = name.split_once('.').unwrap_or((name, ""));
        match self.ev.resource_type(id) {
            Some("AWS::Lambda::Alias") | Some("AWS::Lambda::Version") => {
                // The alias or version names its function; follow it once.
                let resource = self.ev.resources_node(id);
                let props = resource.and_then(|r| r.get("Properties")).and_then(|p| self.ev.eval(&p.value));
                let function = props.as_ref().and_then(|p| p.get("FunctionName")).map(|f| &f.value);
                let target = match function.map(|f| &f.kind) {
                    Some(NodeKind::Unknown(u)) => self.resource_ref(u),
                    Some(NodeKind::Str(s)) => split_function_name(s).0,
                    _ => Ref::Unknown,
                };
                let q =
                    props.as_ref().and_then(|p| literal(p.get("Name").map(|n| &n.value))).unwrap_or_else(|| id.into());
                (target, Some(q))
            }
            Some(_) if attribute == "Alias" || attribute == "Version" => {
                let alias = self
                    .ev
                    .resources_node(id)
                    .and_then(|r| r.get("Properties"))
                    .and_then(|p| p.value.get("AutoPublishAlias"))
                    .and_then(|a| a.value.as_str().map(str::to_string));
                let q = if attribute == "Alias" { alias.unwrap_or_else(|| "Alias".into()) } else { "Version".into() };
                (Ref::Address(id.into()), Some(q))
            }
            Some(_) => (Ref::Address(id.into()), qualifier),
            None => (Ref::Unknown, qualifier),
        }
    }
}

/// A literal string or number.
/// The unresolved parts of a value (`GetAtt:Key.SecretAccessKey`, the holes
/// of a `!Sub`), wherever they sit in it.
fn unknowns(node: &Node, out: &mut Vec<String>) {
    match &node.kind {
        NodeKind::Unknown(u) => out.push(u.clone()),
        NodeKind::Template(pieces) => {
            out.extend(pieces.iter().filter_map(|p| if let Piece::Hole(h) = p { Some(h.clone()) } else { None }))
        }
        NodeKind::Array(items) => items.iter().for_each(|i| unknowns(i, out)),
        NodeKind::Object(members) => members.iter().for_each(|m| unknowns(&m.value, out)),
        _ => {}
    }
}

fn literal(node: Option<&Node>) -> Option<String> {
    match &node?.kind {
        NodeKind::Str(s) | NodeKind::Number(s) => Some(s.clone()),
        _ => None,
    }
}

/// A value that is set, shown as written: literal text, or holes as `${...}`.
fn present(node: Option<&Node>) -> Option<String> {
    let node = node?;
    match &node.kind {
        NodeKind::Unknown(u) => Some(format!("${{{}}}", hole_name(u))),
        NodeKind::Null => None,
        _ => node.scalar_text().or_else(|| Some("${...}".into())),
    }
}

/// A function name or ARN, without its `:alias` or `:version` qualifier.
fn split_function_name(text: &str) -> (Ref, Option<String>) {
    let (base, qualifier) = match text.find(":function:") {
        Some(i) => {
            let after = &text[i + ":function:".len()..];
            match after.split_once(':') {
                Some((name, q)) => (&text[..i + ":function:".len() + name.len()], Some(q)),
                None => (text, None),
            }
        }
        None if !text.starts_with("arn:") => match text.split_once(':') {
            Some((name, q)) => (name, Some(q)),
            None => (text, None),
        },
        None => (text, None),
    };
    (Ref::Literal(base.to_string()), qualifier.filter(|q| !q.is_empty()).map(str::to_string))
}

/// A cheap look at a walked YAML file: `AWSTemplateFormatVersion`, or a
/// top-level `Resources:` and some `AWS::` type. Other YAML (CI workflows,
/// Kubernetes manifests, Serverless Framework files) is not read, so its
/// YAML quirks are never reported.
pub fn looks_like_yaml_template(text: &str) -> bool {
    text.contains("AWSTemplateFormatVersion")
        || (text.contains("AWS::")
            && text.lines().any(|l| {
                let l = l.trim_start_matches('\u{feff}');
                ["Resources", "\"Resources\"", "'Resources'"]
                    .iter()
                    .any(|k| l.strip_prefix(k).is_some_and(|rest| rest.trim_start().starts_with(':')))
            }))
}

/// A `.json` (or `.template`) file that is not strict JSON, read as YAML when
/// that gives a template. The AWS CLI (`cloudformation package`/`deploy`) and
/// the SAM CLI read templates with a YAML parser, so a JSON template with a
/// trailing comma, or a YAML template named `.template`, deploys; IAM policy
/// files get no such leniency.
pub fn template_read_as_yaml(text: &str) -> Option<Node> {
    crate::syntax::yaml::parse(text).ok().filter(is_template)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_templates_are_told_from_other_yaml() {
        assert!(looks_like_yaml_template("AWSTemplateFormatVersion: 2010-09-09\n"));
        assert!(looks_like_yaml_template(
            "Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: AWS::Serverless::Function\n"
        ));
        assert!(looks_like_yaml_template("\"Resources\" : {\"A\": {\"Type\": \"AWS::SNS::Topic\"}}\n"));
        assert!(!looks_like_yaml_template(
            "service: x\nresources:\n  Resources:\n    R:\n      Type: AWS::SNS::Topic\n"
        ));
        assert!(!looks_like_yaml_template("jobs:\n  deploy:\n    steps:\n      - run: echo AWS::Region\n"));
    }

    #[test]
    fn function_names_lose_their_qualifier() {
        let arn = "arn:aws:lambda:us-east-1:111122223333:function:handler";
        assert_eq!(split_function_name(&format!("{arn}:live")), (Ref::Literal(arn.into()), Some("live".into())));
        assert_eq!(split_function_name(arn), (Ref::Literal(arn.into()), None));
        assert_eq!(split_function_name("handler:3"), (Ref::Literal("handler".into()), Some("3".into())));
        let partial = "111122223333:function:handler";
        assert_eq!(split_function_name(partial), (Ref::Literal(partial.into()), None));
    }

    #[test]
    fn templates_are_recognised_by_their_sections() {
        let t = |s: &str| is_template(&crate::syntax::yaml::parse(s).unwrap());
        assert!(t("AWSTemplateFormatVersion: '2010-09-09'\n"));
        assert!(t("Resources:\n  A:\n    Type: AWS::SNS::Topic\n"));
        assert!(t("Parameters: {}\nResources: {}\n"));
        assert!(!t("Resources: {}\nkind: Deployment\n"));
        assert!(!t("Statement: []\n"));
    }
}
