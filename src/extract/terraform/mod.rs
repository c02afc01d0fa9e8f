//! Terraform: policies in `.tf` / `.tf.json` resources and data sources, and in
//! `terraform show -json` output, plus the infrastructure facts of the project index.
//!
//! Both `.tf` and `.tf.json` arrive as the same tree (`{"resource": {"aws_iam_role":
//! {"x": {...}}}}`, see [`crate::syntax::hcl`]), so one walk reads them. A file is
//! read on its own: `var.x` resolves to its literal default and `local.x` to its
//! value when they are declared in the same file; anything else stays unknown.
//! Addresses are those of the file's module (`aws_iam_role.x`), without a
//! `module.` prefix.

mod document;
mod network;
mod permission;
mod plan;
mod region;
mod voice;

pub use plan::extract_plan;

use super::{Extracted, ReferencedFile};
use crate::finding::reported::parse_error::PARSE_ERROR;
use crate::finding::Finding;
use crate::index::{CodeLocation, Fact, FactKind, FunctionCode, Ref, Site};
use crate::policy::{PolicyDoc, PolicyKind};
use crate::source::{Language, Source};
use crate::syntax::{self, hcl, Member, Node, NodeKind, Piece};
use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

/// `terraform show -json` output: `format_version` with `planned_values` or `values`.
pub fn is_plan(root: &Node) -> bool {
    root.get("format_version").is_some()
        && (root.get("planned_values").is_some()
            || root.get("values").is_some()
            || root.get("resource_changes").is_some())
}

/// Resources whose policy attribute holds a whole policy document, and the kind of policy.
const POLICY_ATTRIBUTES: &[(&str, &str, PolicyKind)] = &[
    ("aws_iam_policy", "policy", PolicyKind::Identity),
    ("aws_iam_role_policy", "policy", PolicyKind::Identity),
    ("aws_iam_user_policy", "policy", PolicyKind::Identity),
    ("aws_iam_group_policy", "policy", PolicyKind::Identity),
    ("aws_iam_role", "assume_role_policy", PolicyKind::Trust),
    ("aws_s3_bucket_policy", "policy", PolicyKind::Resource),
    ("aws_s3_bucket", "policy", PolicyKind::Resource),
    ("aws_sns_topic_policy", "policy", PolicyKind::Resource),
    ("aws_sns_topic", "policy", PolicyKind::Resource),
    ("aws_sqs_queue_policy", "policy", PolicyKind::Resource),
    ("aws_sqs_queue", "policy", PolicyKind::Resource),
    ("aws_kms_key", "policy", PolicyKind::Resource),
    ("aws_kms_key_policy", "policy", PolicyKind::Resource),
    ("aws_secretsmanager_secret_policy", "policy", PolicyKind::Resource),
    ("aws_secretsmanager_secret", "policy", PolicyKind::Resource),
    ("aws_ecr_repository_policy", "policy", PolicyKind::Resource),
];

/// Resources that run as a role on behalf of a service: (type, role attribute, service principal).
const ROLE_USERS: &[(&str, &str, &str)] = &[
    ("aws_ecs_task_definition", "task_role_arn", "ecs-tasks.amazonaws.com"),
    ("aws_ecs_task_definition", "execution_role_arn", "ecs-tasks.amazonaws.com"),
    ("aws_sfn_state_machine", "role_arn", "states.amazonaws.com"),
    ("aws_iam_instance_profile", "role", "ec2.amazonaws.com"),
];

/// A `.tf` or `.tf.json` file: its policies, each with the kind the file uses it as, and its facts.
pub fn extract(source: &Source, root: Node) -> Extracted {
    let format = if Language::from_path(&source.path) == Some(Language::Json) { Format::TfJson } else { Format::Hcl };
    let root = if format == Format::TfJson { prepare(root, &source.text, format) } else { root };
    let mut module = Module::new(source, &root, format);
    let resources = blocks(&root, "resource");
    module.boundaries = resources
        .iter()
        .filter(|b| matches!(b.rtype, "aws_iam_role" | "aws_iam_user"))
        .filter_map(|b| attr(b.body, "permissions_boundary"))
        .filter_map(|m| module.reference(&m.value).address().map(str::to_string))
        .collect();
    for b in blocks(&root, "data").iter().filter(|b| b.rtype == "archive_file") {
        let source = ["source_dir", "source_file"].iter().find_map(|k| module.path_attr(b.body, k));
        let output = module.path_attr(b.body, "output_path");
        module.archives.push((b.address.clone(), output, source));
    }
    for b in &resources {
        module.resource(b);
    }
    region::emit(&mut module, &root, &resources);
    let data = blocks(&root, "data");
    for b in data.iter().filter(|b| b.rtype == "aws_caller_identity") {
        module.fact(b, FactKind::CallerIdentity);
    }
    let documents: Vec<Block> = data.into_iter().filter(|b| b.rtype == "aws_iam_policy_document").collect();
    document::emit(&mut module, &documents);
    for (_, named) in nested(&root, "output") {
        for output in named.members().unwrap_or_default() {
            for body in output.value.items() {
                module.secret_output(&output.key, body);
            }
        }
    }
    module.out
}

/// The attributes of `aws_iam_access_key` that hold a secret.
const ACCESS_KEY_SECRETS: &[&str] = &["secret", "ses_smtp_password_v4"];

/// The access key and secret attribute an expression's text refers to:
/// `aws_iam_access_key.k.secret`, `aws_iam_access_key.k[0].ses_smtp_password_v4`,
/// also inside a function call (`nonsensitive(...)`).
fn access_key_secret(text: &str) -> Option<(String, String)> {
    const TYPE: &str = "aws_iam_access_key.";
    let mut rest = text;
    while let Some(i) = rest.find(TYPE) {
        let after = &rest[i..];
        let end = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '[' | ']' | '*' | '"')))
            .unwrap_or(after.len());
        let reference = &after[..end];
        if let Some((resource, attribute)) = reference.rsplit_once('.') {
            if ACCESS_KEY_SECRETS.contains(&attribute) {
                let resource = resource.split('[').next().unwrap_or(resource);
                return Some((resource.to_string(), attribute.to_string()));
            }
        }
        rest = &after[TYPE.len()..];
    }
    None
}

/// A file read by `file()` or `templatefile()`, as the policy it is used as.
pub fn extract_referenced(source: &Source, file: &ReferencedFile) -> Extracted {
    let node = if file.template {
        match hcl::template_json(&source.text) {
            Some(node) => node,
            None => return Extracted::default(),
        }
    } else {
        match syntax::json::parse(&source.text) {
            Ok(node) => node,
            Err(e) => {
                return Extracted {
                    findings: vec![Finding::new(&PARSE_ERROR, source, e.span, e.message)],
                    ..Extracted::default()
                }
            }
        }
    };
    Extracted {
        policies: vec![PolicyDoc {
            source: source.clone(),
            node,
            kind: file.kind,
            origin: Some(file.origin.clone()),
            version_implied: false,
        }],
        ..Extracted::default()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    /// `.tf`: strings were read by the HCL front-end.
    Hcl,
    /// `.tf.json`: strings are JSON tokens holding HCL templates.
    TfJson,
    /// Plan output: strings are JSON tokens holding plain values.
    Plan,
}

/// Reads the strings of a JSON file as Terraform does: in `.tf.json` a string
/// is a template (`"${aws_iam_role.x.arn}"`); in both, a string holding a JSON
/// object (a policy) is that object, with spans into the file.
fn prepare(node: Node, text: &str, format: Format) -> Node {
    let kind = match node.kind {
        NodeKind::Str(s) => {
            let converted = if format == Format::TfJson && (s.contains("${") || s.contains("%{")) {
                hcl::tf_json_string(text, node.span)
            } else if s.trim_start().starts_with('{') {
                hcl::json_string_value(text, node.span).and_then(Result::ok)
            } else {
                None
            };
            return converted.unwrap_or(Node::new(node.span, NodeKind::Str(s)));
        }
        NodeKind::Array(items) => NodeKind::Array(items.into_iter().map(|i| prepare(i, text, format)).collect()),
        NodeKind::Object(members) => NodeKind::Object(
            members
                .into_iter()
                .map(|m| Member { key: m.key, key_span: m.key_span, value: prepare(m.value, text, format) })
                .collect(),
        ),
        other => other,
    };
    Node::new(node.span, kind)
}

/// One `resource` or `data` block.
struct Block<'n> {
    address: String,
    rtype: &'n str,
    body: &'n Node,
}

/// The blocks of one kind (`resource`, `data`), in the order written.
fn blocks<'n>(root: &'n Node, kind: &str) -> Vec<Block<'n>> {
    let mut out = Vec::new();
    for (_, types) in nested(root, kind) {
        for t in types.members().unwrap_or_default() {
            for named in t.value.items() {
                for n in named.members().unwrap_or_default() {
                    for body in n.value.items().iter().filter(|b| b.members().is_some()) {
                        let address = match kind {
                            "data" => format!("data.{}.{}", t.key, n.key),
                            _ => format!("{}.{}", t.key, n.key),
                        };
                        out.push(Block { address, rtype: &t.key, body });
                    }
                }
            }
        }
    }
    out
}

/// An attribute of a block body, unless it is absent or `null`.
/// How many instances a block makes: 1, its literal `count`, the size of a
/// literal `for_each`; `None` when either is not known.
fn instances(m: &Module, body: &Node) -> Option<u64> {
    if let Some(a) = attr(body, "count") {
        return match m.resolve(&a.value).kind {
            NodeKind::Number(n) => n.parse().ok(),
            _ => None,
        };
    }
    if let Some(a) = attr(body, "for_each") {
        return match m.resolve(&a.value).kind {
            NodeKind::Array(items) => Some(items.len() as u64),
            NodeKind::Object(members) => Some(members.len() as u64),
            _ => None,
        };
    }
    Some(1)
}

fn attr<'n>(body: &'n Node, key: &str) -> Option<&'n Member> {
    body.members()?.iter().find(|m| m.key == key && m.value.kind != NodeKind::Null)
}

/// The nested blocks of a type: repeated members in HCL, a list (or one object) in JSON.
fn nested<'n>(body: &'n Node, key: &str) -> Vec<(&'n Member, &'n Node)> {
    body.members()
        .unwrap_or_default()
        .iter()
        .filter(|m| m.key == key)
        .flat_map(|m| m.value.items().iter().map(move |n| (m, n)))
        .collect()
}

/// The texts of the unresolved parts of a value: references and the holes of templates.
fn expression_texts(node: &Node, out: &mut Vec<String>) {
    match &node.kind {
        NodeKind::Unknown(u) => out.push(u.clone()),
        NodeKind::Template(pieces) => {
            out.extend(pieces.iter().filter_map(|p| if let Piece::Hole(h) = p { Some(h.clone()) } else { None }))
        }
        NodeKind::Array(items) => items.iter().for_each(|i| expression_texts(i, out)),
        NodeKind::Object(members) => members.iter().for_each(|m| expression_texts(&m.value, out)),
        _ => {}
    }
}

/// How deep `local.a` → `local.b` → ... is followed.
const MAX_HOPS: usize = 16;

/// What one file knows, and what it found.
struct Module<'a> {
    source: &'a Source,
    format: Format,
    vars: HashMap<&'a str, &'a Node>,
    locals: HashMap<&'a str, &'a Node>,
    /// `aws_iam_policy` addresses used as permissions boundaries in this file.
    boundaries: HashSet<String>,
    /// Uses of `data.aws_iam_policy_document.<name>`: name and kind, in order.
    document_uses: Vec<(String, PolicyKind)>,
    /// The `arn` a `data "aws_iam_policy"` block of this file gives, by address:
    /// `data.aws_iam_policy.x.arn` is that ARN (an AWS managed policy, most often).
    policy_arns: HashMap<String, &'a Node>,
    /// `data "archive_file"` blocks: address, `output_path` and what they zip
    /// (`source_dir` or `source_file`), as paths from the working directory.
    archives: Vec<(String, Option<String>, Option<String>)>,
    out: Extracted,
}

impl<'a> Module<'a> {
    fn new(source: &'a Source, root: &'a Node, format: Format) -> Module<'a> {
        let mut vars = HashMap::new();
        for (_, named) in nested(root, "variable") {
            for v in named.members().unwrap_or_default() {
                if let Some(d) = v.value.items().first().and_then(|b| attr(b, "default")) {
                    if is_literal(&d.value) && d.value.as_str() != Some("") {
                        vars.insert(v.key.as_str(), &d.value);
                    }
                }
            }
        }
        let mut locals = HashMap::new();
        for (_, l) in nested(root, "locals") {
            for m in l.members().unwrap_or_default() {
                locals.insert(m.key.as_str(), &m.value);
            }
        }
        let policy_arns = blocks(root, "data")
            .into_iter()
            .filter(|b| b.rtype == "aws_iam_policy")
            .filter_map(|b| {
                let arn =
                    attr(b.body, "arn").filter(|m| matches!(m.value.kind, NodeKind::Str(_) | NodeKind::Template(_)));
                arn.map(|m| (b.address, &m.value))
            })
            .collect();
        Module {
            source,
            format,
            vars,
            locals,
            boundaries: HashSet::new(),
            document_uses: Vec::new(),
            policy_arns,
            archives: Vec::new(),
            out: Extracted::default(),
        }
    }

    /// The value a `var.x` or `local.x` stands for, if this file says.
    fn lookup(&self, text: &str) -> Option<&'a Node> {
        if let Some(name) = text.strip_prefix("var.").filter(|n| is_ident(n)) {
            return self.vars.get(name).copied();
        }
        if let Some(address) = text.strip_suffix(".arn").filter(|t| t.starts_with("data.aws_iam_policy.")) {
            return self.policy_arns.get(address).copied();
        }
        text.strip_prefix("local.").filter(|n| is_ident(n)).and_then(|n| self.locals.get(n).copied())
    }

    /// The node with the variables and locals this file defines put in.
    fn resolve(&self, node: &Node) -> Node {
        self.resolve_hops(node, 0)
    }

    fn resolve_hops(&self, node: &Node, hops: usize) -> Node {
        match &node.kind {
            NodeKind::Unknown(text) if hops < MAX_HOPS => match self.lookup(text) {
                Some(v) => self.resolve_hops(v, hops + 1),
                None => node.clone(),
            },
            NodeKind::Template(pieces) if hops < MAX_HOPS => {
                let mut out: Vec<Piece> = Vec::new();
                for p in pieces {
                    let lit = match p {
                        Piece::Hole(h) => self.lookup(h).map(|v| self.resolve_hops(v, hops + 1)).and_then(|v| {
                            v.scalar_text().filter(|_| {
                                matches!(v.kind, NodeKind::Str(_) | NodeKind::Number(_) | NodeKind::Bool(_))
                            })
                        }),
                        Piece::Lit(s) => Some(s.clone()),
                    };
                    match (lit, out.last_mut()) {
                        (Some(s), Some(Piece::Lit(last))) => last.push_str(&s),
                        (Some(s), _) => out.push(Piece::Lit(s)),
                        (None, _) => out.push(p.clone()),
                    }
                }
                let kind = match out.as_slice() {
                    [Piece::Lit(s)] => NodeKind::Str(s.clone()),
                    [] => NodeKind::Str(String::new()),
                    _ => NodeKind::Template(out),
                };
                Node::new(node.span, kind)
            }
            NodeKind::Array(items) => {
                Node::new(node.span, NodeKind::Array(items.iter().map(|i| self.resolve_hops(i, hops)).collect()))
            }
            NodeKind::Object(members) => Node::new(
                node.span,
                NodeKind::Object(
                    members
                        .iter()
                        .map(|m| Member {
                            key: m.key.clone(),
                            key_span: m.key_span,
                            value: self.resolve_hops(&m.value, hops),
                        })
                        .collect(),
                ),
            ),
            _ => node.clone(),
        }
    }

    /// A literal string attribute (after resolving variables), e.g. a name.
    fn literal(&self, body: &Node, key: &str) -> Option<String> {
        match self.resolve(&attr(body, key)?.value).kind {
            NodeKind::Str(s) if !s.is_empty() => Some(s),
            _ => None,
        }
    }

    /// What a value refers to: `aws_iam_role.x.arn` → `aws_iam_role.x`, a literal ARN, or unknown.
    fn reference(&self, node: &Node) -> Ref {
        match self.resolve(node).kind {
            NodeKind::Str(s) if !s.is_empty() => Ref::Literal(s),
            NodeKind::Unknown(text) => address_of(&text).map_or(Ref::Unknown, Ref::Address),
            // `arn:${data.aws_partition.current.partition}:iam::aws:policy/...`:
            // an ARN with holes still names what its literal parts name.
            NodeKind::Template(pieces) if matches!(pieces.first(), Some(Piece::Lit(l)) if l.starts_with("arn:")) => {
                Ref::Literal(crate::syntax::node::render_template(&pieces))
            }
            _ => Ref::Unknown,
        }
    }

    fn reference_of(&self, body: &Node, key: &str) -> Ref {
        attr(body, key).map_or(Ref::Unknown, |m| self.reference(&m.value))
    }

    /// Each item of a list attribute as a reference.
    fn references(&self, body: &Node, key: &str) -> Vec<Ref> {
        let Some(m) = attr(body, key) else { return Vec::new() };
        match self.resolve(&m.value).kind {
            NodeKind::Array(items) => items.iter().map(|i| self.reference(i)).collect(),
            _ => vec![Ref::Unknown],
        }
    }

    /// An `output` whose value is an access key's secret, unless it is marked
    /// `sensitive = true`: a fact for `credentials-exposure`.
    fn secret_output(&mut self, name: &str, body: &Node) {
        let sensitive = attr(body, "sensitive").map(|m| self.resolve(&m.value).kind);
        if matches!(sensitive, Some(NodeKind::Bool(true)))
            || matches!(&sensitive, Some(NodeKind::Str(s)) if s == "true")
        {
            return;
        }
        let Some(value) = attr(body, "value") else { return };
        let mut texts = Vec::new();
        expression_texts(&value.value, &mut texts);
        let Some((resource, attribute)) = texts.iter().find_map(|t| access_key_secret(t)) else { return };
        self.out.facts.push(Fact {
            address: format!("output.{name}"),
            site: Site { source: self.source.clone(), span: value.value.span },
            kind: FactKind::SecretOutput { resource, attribute },
        });
    }

    /// An [`FactKind::AttachedPolicyName`] at each name or ARN written in
    /// place in `key` (one value or a list), addressed by the attribute
    /// (`aws_iam_role.x.managed_policy_arns`); one that comes from a variable
    /// is written elsewhere, and is not marked.
    fn attached_names(&mut self, b: &Block, body: &Node, key: &str) {
        let Some(m) = attr(body, key) else { return };
        let items = match &m.value.kind {
            NodeKind::Array(items) => items.iter().collect(),
            _ => vec![&m.value],
        };
        for item in items.into_iter().filter(|i| matches!(i.kind, NodeKind::Str(_) | NodeKind::Template(_))) {
            if let Ref::Literal(policy) = self.reference(item) {
                self.out.facts.push(Fact {
                    address: format!("{}.{key}", b.address),
                    site: Site { source: self.source.clone(), span: item.span },
                    kind: FactKind::AttachedPolicyName { policy },
                });
            }
        }
    }

    /// A path attribute with `path.module` (and `path.root`, `path.cwd`, taken
    /// as the module's directory) put in, from the working directory.
    fn path_attr(&self, body: &Node, key: &str) -> Option<String> {
        let text = match self.resolve(&attr(body, key)?.value).kind {
            NodeKind::Str(s) => s,
            NodeKind::Template(pieces) => {
                let mut out = String::new();
                for p in &pieces {
                    match p {
                        Piece::Lit(s) => out.push_str(s),
                        Piece::Hole(h) if matches!(h.trim(), "path.module" | "path.root" | "path.cwd") => out.push('.'),
                        Piece::Hole(_) => return None,
                    }
                }
                out
            }
            NodeKind::Unknown(u) if matches!(u.trim(), "path.module" | "path.root" | "path.cwd") => ".".into(),
            _ => return None,
        };
        Some(crate::paths::join_relative(&self.source.path, &text))
    }

    /// Where an `aws_lambda_function`'s code is: the directory or file a
    /// `data "archive_file"` zips into its `filename`; its handler, runtime
    /// and `environment { variables = {...} }`.
    fn function_code(&self, body: &Node) -> FunctionCode {
        let location = if attr(body, "image_uri").is_some() {
            CodeLocation::Unknown("a container image (`image_uri`)".into())
        } else if attr(body, "s3_bucket").is_some() {
            CodeLocation::Unknown("code in S3 (`s3_bucket`)".into())
        } else if let Some(m) = attr(body, "filename") {
            let by_address = match self.resolve(&m.value).kind {
                NodeKind::Unknown(u) => address_of(&u).and_then(|a| self.archives.iter().find(|z| z.0 == a)),
                _ => None,
            };
            let by_path = self
                .path_attr(body, "filename")
                .and_then(|p| self.archives.iter().find(|z| z.1.as_deref() == Some(p.as_str())));
            match by_address.or(by_path) {
                Some((_, _, Some(source))) => CodeLocation::Path(source.clone()),
                _ => CodeLocation::Unknown("a zip file that no `data \"archive_file\"` of the module makes".into()),
            }
        } else {
            CodeLocation::None
        };
        let mut environment = Vec::new();
        for (_, env) in nested(body, "environment") {
            if let Some(vars) = attr(env, "variables") {
                for var in self.resolve(&vars.value).members().unwrap_or_default() {
                    environment.push((var.key.clone(), self.reference(&var.value)));
                }
            }
        }
        FunctionCode {
            location,
            handler: self.literal(body, "handler"),
            runtime: self.literal(body, "runtime"),
            environment,
        }
    }

    fn fact(&mut self, b: &Block, kind: FactKind) {
        self.out.facts.push(Fact {
            address: b.address.clone(),
            site: Site { source: self.source.clone(), span: b.body.span },
            kind,
        });
    }

    fn doc(&mut self, node: Node, kind: PolicyKind, origin: &str, version_implied: bool) {
        self.out.add_policy(self.source, node, kind, origin, version_implied);
    }

    /// A policy attribute: a document in place (`jsonencode`, heredoc, string),
    /// a policy document data source, or a file.
    fn policy(&mut self, b: &Block, member: &Member, kind: PolicyKind) {
        let value = self.resolve(&member.value);
        match &value.kind {
            NodeKind::Null => {}
            NodeKind::Str(s) if s.trim().is_empty() => {}
            NodeKind::Str(s) if s.trim_start().starts_with('{') => {
                let error = match self.format {
                    Format::Hcl => hcl::embedded_json_error(&self.source.text, value.span),
                    Format::TfJson | Format::Plan => hcl::json_string_error(&self.source.text, value.span),
                };
                let (span, message) = match error {
                    Some(e) => (e.span, format!("the policy is not valid JSON: {}", e.message)),
                    None => (value.span, "the policy is not valid JSON".to_string()),
                };
                self.out.findings.push(Finding::new(&PARSE_ERROR, self.source, span, message));
            }
            NodeKind::Unknown(text) => {
                if let Some(name) = document_name(text) {
                    self.document_uses.push((name.to_string(), kind));
                    self.out.facts.push(Fact {
                        address: b.address.clone(),
                        site: Site { source: self.source.clone(), span: member.key_span },
                        kind: FactKind::PolicyReference {
                            document: Ref::Address(format!("data.aws_iam_policy_document.{name}")),
                            used_as: kind,
                        },
                    });
                } else if let Some((path, written, template)) = self.file_reference(text) {
                    self.out.referenced_files.push(ReferencedFile {
                        path,
                        written,
                        resolved: PathBuf::new(),
                        site: Site { source: self.source.clone(), span: value.span },
                        kind,
                        origin: b.address.clone(),
                        template,
                    });
                }
            }
            // Holes that are not JSON: nothing can be known.
            NodeKind::Template(_) => {}
            // Anything else is not a policy document: the grammar says so.
            _ => self.doc(value, kind, &b.address, false),
        }
    }

    /// The path named in `file("p.json")` or `templatefile("p.json.tpl", {...})`
    /// (relative to this file's directory), as it is written (`${path.module}`
    /// kept, for messages), and whether it is a template. Whether the file may
    /// be read is the pipeline's to say ([`crate::boundary`]).
    fn file_reference(&self, text: &str) -> Option<(PathBuf, String, bool)> {
        let (function, args) = hcl::function_call(text)?;
        let template = match function.as_str() {
            "file" => false,
            "templatefile" => true,
            _ => return None,
        };
        let arg = self.resolve(args.first()?);
        let (path, written) = match &arg.kind {
            NodeKind::Str(s) => (s.clone(), s.clone()),
            NodeKind::Template(pieces) => {
                let (mut path, mut written) = (String::new(), String::new());
                for p in pieces {
                    match p {
                        Piece::Lit(l) => {
                            path.push_str(l);
                            written.push_str(l);
                        }
                        Piece::Hole(h) if h == "path.module" || h == "path.root" => {
                            path.push('.');
                            written.push_str(&format!("${{{h}}}"));
                        }
                        Piece::Hole(_) => return None,
                    }
                }
                (path, written)
            }
            _ => return None,
        };
        let dir = Path::new(&self.source.path).parent().unwrap_or(Path::new(""));
        Some((normalize(&dir.join(path)), written, template))
    }

    fn resource(&mut self, b: &Block) {
        let body = b.body;
        if attr(body, "count").is_some() || attr(body, "for_each").is_some() {
            let count = instances(self, body);
            self.fact(b, FactKind::Instances { count });
        }
        for &(t, key, kind) in POLICY_ATTRIBUTES {
            if t == b.rtype {
                if let Some(m) = attr(body, key) {
                    let kind = if kind == PolicyKind::Identity && self.boundaries.contains(&b.address) {
                        PolicyKind::Boundary
                    } else {
                        kind
                    };
                    self.policy(b, m, kind);
                }
            }
        }
        for &(t, key, service) in ROLE_USERS {
            if t == b.rtype && attr(body, key).is_some() {
                let role = self.reference_of(body, key);
                self.fact(b, FactKind::RoleUser { service: service.to_string(), role });
            }
        }
        voice::network(self, b);
        network::emit(self, b);
        match b.rtype {
            "aws_iam_role" => {
                for (_, inline) in nested(body, "inline_policy") {
                    if let Some(m) = attr(inline, "policy") {
                        self.policy(b, m, PolicyKind::Identity);
                    }
                }
                let kind = FactKind::Role {
                    name: self.literal(body, "name"),
                    managed_policies: self.references(body, "managed_policy_arns"),
                    boundary: attr(body, "permissions_boundary").map(|m| self.reference(&m.value)),
                };
                self.fact(b, kind);
                self.attached_names(b, body, "managed_policy_arns");
            }
            "aws_iam_user" => {
                let kind = FactKind::User {
                    name: self.literal(body, "name"),
                    managed_policies: Vec::new(),
                    boundary: attr(body, "permissions_boundary").map(|m| self.reference(&m.value)),
                };
                self.fact(b, kind);
            }
            "aws_iam_group" => {
                let kind = FactKind::Group { name: self.literal(body, "name"), managed_policies: Vec::new() };
                self.fact(b, kind);
            }
            "aws_iam_policy" => {
                let kind = FactKind::ManagedPolicy { name: self.literal(body, "name"), attached_to: Vec::new() };
                self.fact(b, kind);
            }
            "aws_iam_role_policy" | "aws_iam_user_policy" | "aws_iam_group_policy" => {
                let key = &b.rtype["aws_iam_".len()..b.rtype.len() - "_policy".len()];
                let kind = FactKind::InlinePolicy { attached_to: vec![self.reference_of(body, key)] };
                self.fact(b, kind);
            }
            "aws_iam_role_policy_attachment" | "aws_iam_user_policy_attachment" | "aws_iam_group_policy_attachment" => {
                let key = &b.rtype["aws_iam_".len()..b.rtype.len() - "_policy_attachment".len()];
                let kind = FactKind::PolicyAttachment {
                    policy: self.reference_of(body, "policy_arn"),
                    principal: self.reference_of(body, key),
                };
                self.fact(b, kind);
                self.attached_names(b, body, "policy_arn");
            }
            "aws_iam_policy_attachment" => {
                let policy = self.reference_of(body, "policy_arn");
                for key in ["roles", "users", "groups"] {
                    for principal in self.references(body, key) {
                        self.fact(b, FactKind::PolicyAttachment { policy: policy.clone(), principal });
                    }
                }
                self.attached_names(b, body, "policy_arn");
            }
            "aws_iam_role_policy_attachments_exclusive" => {
                let principal = self.reference_of(body, "role_name");
                for policy in self.references(body, "policy_arns") {
                    self.fact(b, FactKind::PolicyAttachment { policy, principal: principal.clone() });
                }
                self.attached_names(b, body, "policy_arns");
            }
            "aws_lambda_function" => {
                if !nested(body, "dead_letter_config").is_empty() {
                    self.fact(b, FactKind::AsyncDelivery { function: Ref::Address(b.address.clone()) });
                }
                let kind = FactKind::LambdaFunction {
                    name: self.literal(body, "function_name"),
                    role: self.reference_of(body, "role"),
                    code: Some(Box::new(self.function_code(body))),
                };
                self.fact(b, kind);
            }
            "aws_lambda_function_event_invoke_config" if !nested(body, "destination_config").is_empty() => {
                let function = self.reference_of(body, "function_name");
                self.fact(b, FactKind::AsyncDelivery { function });
            }
            "aws_lambda_permission" => {
                let kind = FactKind::LambdaPermission {
                    function: self.reference_of(body, "function_name"),
                    qualifier: self.literal(body, "qualifier"),
                    principal: self.literal(body, "principal"),
                    action: self.literal(body, "action"),
                    source_account: self.literal(body, "source_account"),
                    source_arn: self.literal(body, "source_arn"),
                };
                self.fact(b, kind);
                let node = permission::lambda_permission(self, body);
                self.doc(node, PolicyKind::Resource, &b.address, true);
            }
            "aws_lambda_layer_version_permission" => {
                let node = permission::layer_permission(self, body);
                self.doc(node, PolicyKind::Resource, &b.address, true);
            }
            "aws_organizations_policy" => {
                let kind = match attr(body, "type").map(|m| self.resolve(&m.value).kind) {
                    None => Some(PolicyKind::Scp),
                    Some(NodeKind::Str(t)) if t == "SERVICE_CONTROL_POLICY" => Some(PolicyKind::Scp),
                    Some(NodeKind::Str(t)) if t == "RESOURCE_CONTROL_POLICY" => Some(PolicyKind::Rcp),
                    Some(_) => None,
                };
                if let (Some(kind), Some(m)) = (kind, attr(body, "content")) {
                    self.policy(b, m, kind);
                }
            }
            "aws_chimesdkvoice_sip_media_application" => {
                let endpoints =
                    nested(body, "endpoints").iter().map(|(_, e)| self.reference_of(e, "lambda_arn")).collect();
                let kind = FactKind::SipMediaApplication {
                    name: self.literal(body, "name"),
                    region: self.literal(body, "aws_region"),
                    endpoints,
                };
                self.fact(b, kind);
            }
            "aws_chimesdkvoice_sip_rule" => {
                let target_applications = nested(body, "target_applications")
                    .iter()
                    .map(|(_, t)| self.reference_of(t, "sip_media_application_id"))
                    .collect();
                self.fact(b, FactKind::SipRule { target_applications });
            }
            "aws_chimesdkvoice_voice_connector" | "aws_chime_voice_connector" => {
                let kind = FactKind::VoiceConnector {
                    name: self.literal(body, "name"),
                    region: self.literal(body, "aws_region"),
                };
                self.fact(b, kind);
            }
            "aws_chimesdkvoice_voice_connector_streaming" | "aws_chime_voice_connector_streaming" => {
                let kind = FactKind::VoiceConnectorStreaming {
                    voice_connector: self.reference_of(body, "voice_connector_id"),
                };
                self.fact(b, kind);
            }
            "aws_chimesdkvoice_voice_connector_logging" | "aws_chime_voice_connector_logging" => {
                let kind =
                    FactKind::VoiceConnectorLogging { voice_connector: self.reference_of(body, "voice_connector_id") };
                self.fact(b, kind);
            }
            "aws_iam_service_linked_role" => {
                let kind = FactKind::ServiceLinkedRole { service: self.literal(body, "aws_service_name") };
                self.fact(b, kind);
            }
            "aws_chimesdkmediapipelines_media_insights_pipeline_configuration" => {
                let kind = FactKind::MediaInsightsPipeline {
                    resource_access_role: self.reference_of(body, "resource_access_role_arn"),
                };
                self.fact(b, kind);
            }
            _ => {}
        }
    }
}

/// A value with nothing unresolved in it (a variable default).
fn is_literal(node: &Node) -> bool {
    let mut literal = node.kind != NodeKind::Null;
    node.walk(&mut |n| literal &= !n.is_unresolved());
    literal
}

fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// The address a reference points into: `aws_iam_role.x[0].arn` → `aws_iam_role.x`,
/// `data.aws_iam_policy.p.arn` → `data.aws_iam_policy.p`.
fn address_of(text: &str) -> Option<String> {
    let mut parts = text.split('.');
    let first = parts.next()?;
    let (prefix, rtype) = if first == "data" { ("data.", parts.next()?) } else { ("", first) };
    let name = parts.next()?.split('[').next()?;
    let reserved = ["var", "local", "module", "path", "count", "each", "self", "terraform"];
    (rtype.contains('_') && !reserved.contains(&rtype) && is_ident(rtype) && is_ident(name))
        .then(|| format!("{prefix}{rtype}.{name}"))
}

/// `data.aws_iam_policy_document.x.json` (or `.minified_json`, or `x[0].json`) → `x`.
fn document_name(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("data.aws_iam_policy_document.")?;
    let (target, attribute) = rest.rsplit_once('.')?;
    let name = target.split('[').next()?;
    (matches!(attribute, "json" | "minified_json") && is_ident(name)).then_some(name)
}

/// `infra/./policies/../p.json` → `infra/p.json`, without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.components().next_back(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_name_the_resource() {
        assert_eq!(address_of("aws_iam_role.x.arn").as_deref(), Some("aws_iam_role.x"));
        assert_eq!(address_of("aws_iam_role.x[0].name").as_deref(), Some("aws_iam_role.x"));
        assert_eq!(address_of("data.aws_iam_policy.p.arn").as_deref(), Some("data.aws_iam_policy.p"));
        assert_eq!(address_of("var.role_arn"), None);
        assert_eq!(address_of("module.m.role_arn"), None);
        assert_eq!(document_name("data.aws_iam_policy_document.trust.json"), Some("trust"));
        assert_eq!(document_name("data.aws_iam_policy_document.t[0].minified_json"), Some("t"));
        assert_eq!(document_name("data.aws_iam_policy_document.t.id"), None);
    }

    #[test]
    fn paths_are_normalized_lexically() {
        assert_eq!(normalize(Path::new("infra/./policies/../p.json")), PathBuf::from("infra/p.json"));
        assert_eq!(normalize(Path::new("../p.json")), PathBuf::from("../p.json"));
        assert_eq!(normalize(Path::new("./p.json")), PathBuf::from("p.json"));
    }
}
