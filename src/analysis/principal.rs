//! A principal's policy set, from the project: the inline policies, attached
//! managed policies and permissions boundary of a role (or user, or group)
//! that the project defines, plus the project's SCPs; or, for a policy file,
//! the file itself. An attached AWS managed policy (or one used as the
//! boundary) is read from the bundled documents ([`aws_managed`]).
//!
//! A principal is named by its Terraform address (`aws_iam_role.sma_handler`),
//! its CloudFormation logical id (`SmaHandlerRole`), its name (`RoleName`,
//! `name`), or the path of a policy file.

use super::eval::PolicySet;
use crate::index::{Fact, FactKind, ProjectIndex, Ref, Site};
use crate::policy::{aws_managed, Policy, PolicyKind};
use crate::source::{Source, Span};
use std::collections::HashMap;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalKind {
    Role,
    User,
    Group,
    /// A policy file (or another file's policies) named by path.
    PolicyFile,
    /// A policy resource named by address, on its own.
    Policy,
    /// Every policy of the project, for a project without roles.
    Project,
}

impl PrincipalKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalKind::Role => "role",
            PrincipalKind::User => "user",
            PrincipalKind::Group => "group",
            PrincipalKind::PolicyFile => "policy file",
            PrincipalKind::Policy => "policy",
            PrincipalKind::Project => "project",
        }
    }
}

/// A resolved principal and the policies that apply to it.
#[derive(Debug, Clone)]
pub struct Principal<'r> {
    /// The address, logical id or path.
    pub label: String,
    pub kind: PrincipalKind,
    /// The role or user name, when the project gives it.
    pub name: Option<String>,
    /// Where it is defined: the role's resource, or the file's first statement.
    pub site: Option<Site>,
    pub set: PolicySet<'r>,
    /// Attached policies that are neither the project's nor AWS managed
    /// policies (customer policy ARNs, unresolved references): they may grant
    /// or deny more. AWS managed policies are in `set`, read from the bundled
    /// documents.
    pub external: Vec<String>,
    /// A permissions boundary the project does not define.
    pub external_boundary: Option<String>,
}

/// Why a principal could not be resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResolveError {
    NotFound {
        spec: String,
        candidates: Vec<String>,
    },
    /// No principal was named and the project has several.
    Ambiguous {
        candidates: Vec<String>,
    },
    /// The project has no policies at all.
    Empty,
}

impl fmt::Display for ResolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |c: &[String]| {
            let shown: Vec<String> = c.iter().take(12).map(|s| format!("`{s}`")).collect();
            let more = if c.len() > 12 { format!(" and {} more", c.len() - 12) } else { String::new() };
            format!("{}{more}", shown.join(", "))
        };
        match self {
            ResolveError::NotFound { spec, candidates } if candidates.is_empty() => {
                write!(f, "no principal `{spec}` in the project (no roles, users, groups or policy files were found)")
            }
            ResolveError::NotFound { spec, candidates } => {
                write!(f, "no principal `{spec}` in the project; known: {}", list(candidates))
            }
            ResolveError::Ambiguous { candidates } => {
                write!(f, "the project has several principals; name one with --principal: {}", list(candidates))
            }
            ResolveError::Empty => write!(f, "no policies found"),
        }
    }
}

/// Resolves the principal that `spec` names: an address or logical id, a
/// role/user/group name, a policy file path, or a policy's address.
pub fn resolve<'r>(policies: &'r [Policy], index: &ProjectIndex, spec: &str) -> Result<Principal<'r>, ResolveError> {
    let spec = spec.trim();
    if let Some(fact) = entities(index).find(|f| f.address == spec) {
        return Ok(entity(&PolicyLookup::new(policies), index, fact));
    }
    let named: Vec<&Fact> = entities(index).filter(|f| entity_name(f) == Some(spec)).collect();
    if named.len() == 1 {
        return Ok(entity(&PolicyLookup::new(policies), index, named[0]));
    }
    if let Some(p) = policy_file(policies, spec) {
        return Ok(p);
    }
    let by_origin: Vec<&'r Policy> = policies.iter().filter(|p| p.origin.as_deref() == Some(spec)).collect();
    if !by_origin.is_empty() {
        return Ok(Principal {
            label: spec.to_string(),
            kind: PrincipalKind::Policy,
            name: None,
            site: index.get_anywhere(spec).next().map(|f| f.site.clone()).or_else(|| first_statement_site(&by_origin)),
            set: with_scps(PolicySet::by_kind(by_origin), &scps_of(policies)),
            external: Vec::new(),
            external_boundary: None,
        });
    }
    Err(ResolveError::NotFound { spec: spec.to_string(), candidates: candidates(policies, index) })
}

/// The principal when none is named: the project's only role, user or group;
/// or, when it defines none, every policy of the project.
pub fn resolve_default<'r>(policies: &'r [Policy], index: &ProjectIndex) -> Result<Principal<'r>, ResolveError> {
    let all: Vec<&Fact> = entities(index).collect();
    match all.len() {
        1 => Ok(entity(&PolicyLookup::new(policies), index, all[0])),
        0 if policies.is_empty() => Err(ResolveError::Empty),
        0 => {
            let files = distinct_paths(policies.iter());
            Ok(Principal {
                label: if files.len() == 1 { files[0].clone() } else { format!("{} policy files", files.len()) },
                kind: if files.len() == 1 { PrincipalKind::PolicyFile } else { PrincipalKind::Project },
                name: None,
                site: first_statement_site(&policies.iter().collect::<Vec<_>>()),
                set: PolicySet::by_kind(policies.iter()),
                external: Vec::new(),
                external_boundary: None,
            })
        }
        _ => Err(ResolveError::Ambiguous { candidates: all.iter().map(|f| f.address.clone()).collect() }),
    }
}

/// The role (or user) an error message names, by its name: the `RoleName` /
/// `name` the project gives it, else an address or logical id that spells the
/// same name (`aws_iam_role.sma_handler`, `SmaHandlerRole` for `sma-handler`).
/// A project without roles: its only policy file, or the policy files whose
/// name contains the role name.
pub fn find_by_name<'r>(
    policies: &'r [Policy],
    index: &ProjectIndex,
    name: &str,
) -> Result<Principal<'r>, ResolveError> {
    let exact: Vec<&Fact> = entities(index).filter(|f| entity_name(f) == Some(name)).collect();
    if let [f] = exact[..] {
        return Ok(entity(&PolicyLookup::new(policies), index, f));
    }
    let folded: Vec<&Fact> =
        entities(index).filter(|f| entity_name(f).is_some_and(|n| n.eq_ignore_ascii_case(name))).collect();
    if let [f] = folded[..] {
        return Ok(entity(&PolicyLookup::new(policies), index, f));
    }
    let want = normalize(name);
    let by_address: Vec<&Fact> = entities(index)
        .filter(|f| {
            let last = normalize(f.address.rsplit('.').next().unwrap_or(&f.address));
            last == want
                || last.strip_suffix("role").is_some_and(|l| l == want)
                || last.strip_prefix("role").is_some_and(|l| l == want)
        })
        .collect();
    if let [f] = by_address[..] {
        return Ok(entity(&PolicyLookup::new(policies), index, f));
    }
    if entities(index).next().is_none() && !policies.is_empty() {
        let files = distinct_paths(policies.iter());
        let chosen: Vec<String> = if files.len() == 1 {
            files
        } else {
            files.into_iter().filter(|p| normalize(file_stem(p)).contains(&want)).collect()
        };
        if !chosen.is_empty() {
            let set: Vec<&'r Policy> = policies.iter().filter(|p| chosen.contains(&p.source.path)).collect();
            return Ok(files_principal(chosen.join(", "), set, policies));
        }
    }
    Err(ResolveError::NotFound { spec: name.to_string(), candidates: candidates(policies, index) })
}

fn entities(index: &ProjectIndex) -> impl Iterator<Item = &Fact> {
    index
        .facts
        .iter()
        .filter(|f| matches!(f.kind, FactKind::Role { .. } | FactKind::User { .. } | FactKind::Group { .. }))
}

fn entity_name(f: &Fact) -> Option<&str> {
    match &f.kind {
        FactKind::Role { name, .. } | FactKind::User { name, .. } | FactKind::Group { name, .. } => name.as_deref(),
        _ => None,
    }
}

fn normalize(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect()
}

fn file_stem(path: &str) -> &str {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    name.split('.').next().unwrap_or(name)
}

fn distinct_paths<'a>(policies: impl Iterator<Item = &'a Policy>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in policies {
        if !out.contains(&p.source.path) {
            out.push(p.source.path.clone());
        }
    }
    out
}

fn candidates(policies: &[Policy], index: &ProjectIndex) -> Vec<String> {
    let mut out: Vec<String> = entities(index).map(|f| f.address.clone()).collect();
    if out.is_empty() {
        out = distinct_paths(policies.iter().filter(|p| p.origin.is_none()));
    }
    out
}

/// The project's SCPs and RCPs: they apply to every principal and resource.
fn scps_of(policies: &[Policy]) -> Vec<&Policy> {
    policies.iter().filter(|p| matches!(p.kind, PolicyKind::Scp | PolicyKind::Rcp)).collect()
}

/// Adds the project's SCPs and RCPs to a set.
fn with_scps<'r>(mut set: PolicySet<'r>, scps: &[&'r Policy]) -> PolicySet<'r> {
    for &p in scps {
        let layer = if p.kind == PolicyKind::Rcp { &mut set.rcps } else { &mut set.scps };
        if !layer.iter().any(|q| std::ptr::eq(*q, p)) {
            layer.push(p);
        }
    }
    set
}

fn first_statement_site(policies: &[&Policy]) -> Option<Site> {
    let p = policies.first()?;
    let span = p.statements.first().map_or(p.span, |s| s.span);
    Some(Site {
        source: p.source.clone(),
        span: Span { start: span.start, end: span.start.saturating_add(1).min(span.end) },
    })
}

/// Paths compare after dropping `./` and using `/`.
fn same_path(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        let s = s.replace('\\', "/");
        let mut t = s.as_str();
        while let Some(r) = t.strip_prefix("./") {
            t = r;
        }
        t.to_string()
    };
    if norm(a) == norm(b) {
        return true;
    }
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

fn policy_file<'r>(policies: &'r [Policy], spec: &str) -> Option<Principal<'r>> {
    let looks_like_path = spec.contains(['/', '\\']) || spec.contains('.');
    if !looks_like_path {
        return None;
    }
    let mut set: Vec<&'r Policy> = policies.iter().filter(|p| same_path(&p.source.path, spec)).collect();
    if set.is_empty() {
        // A path relative to another directory (a configuration file's): the one file that ends with it.
        let tail = format!("/{}", spec.trim_start_matches("./").replace('\\', "/"));
        let ends = |p: &&Policy| p.source.path.replace('\\', "/").ends_with(&tail);
        if distinct_paths(policies.iter().filter(ends)).len() == 1 {
            set = policies.iter().filter(ends).collect();
        }
    }
    if set.is_empty() {
        return None;
    }
    Some(files_principal(set[0].source.path.clone(), set, policies))
}

/// The principal a set of policy files stands for (with the project's SCPs).
fn files_principal<'r>(label: String, set: Vec<&'r Policy>, policies: &'r [Policy]) -> Principal<'r> {
    Principal {
        label,
        kind: PrincipalKind::PolicyFile,
        name: None,
        site: first_statement_site(&set),
        set: with_scps(PolicySet::by_kind(set), &scps_of(policies)),
        external: Vec::new(),
        external_boundary: None,
    }
}

/// Does a reference point at this entity (by address or by its name)?
fn refers_to(r: &Ref, address: &str, name: Option<&str>) -> bool {
    match r {
        Ref::Address(a) => a == address,
        Ref::Literal(l) => name.is_some_and(|n| l == n || l.rsplit('/').next() == Some(n) && l.starts_with("arn:")),
        Ref::Unknown => false,
    }
}

/// The project's policies by where they are defined (template or module, and
/// address), so finding a principal's policies does not scan the project.
pub struct PolicyLookup<'a> {
    by_origin: HashMap<(&'a str, &'a str), Vec<&'a Policy>>,
    /// Every SCP and RCP of the project: they apply to every principal.
    scps: Vec<&'a Policy>,
    /// The facts that attach policies to principals, by template or module
    /// and the address or name they attach to (positions in the index):
    /// built for [`all_entities`], so each principal does not scan its module.
    attaching: Option<HashMap<(String, String), Vec<usize>>>,
}

impl<'a> PolicyLookup<'a> {
    pub fn new(policies: &'a [Policy]) -> PolicyLookup<'a> {
        let mut by_origin: HashMap<(&'a str, &'a str), Vec<&'a Policy>> = HashMap::new();
        let scps = scps_of(policies);
        for p in policies {
            if let Some(origin) = p.origin.as_deref() {
                by_origin.entry((crate::index::scope(p.origin_path()), origin)).or_default().push(p);
            }
        }
        PolicyLookup { by_origin, scps, attaching: None }
    }

    /// The same, with the facts that attach policies indexed by the
    /// principal they name.
    pub fn with_attachments(policies: &'a [Policy], index: &ProjectIndex) -> PolicyLookup<'a> {
        let mut attaching: HashMap<(String, String), Vec<usize>> = HashMap::new();
        for (i, f) in index.facts.iter().enumerate() {
            let named: Vec<&Ref> = match &f.kind {
                FactKind::InlinePolicy { attached_to } | FactKind::ManagedPolicy { attached_to, .. } => {
                    attached_to.iter().collect()
                }
                FactKind::PolicyAttachment { principal, .. } => vec![principal],
                _ => continue,
            };
            let scope = crate::index::scope(&f.site.source.path);
            for r in named {
                let keys = match r {
                    Ref::Address(a) => vec![a.as_str()],
                    Ref::Literal(l) if l.starts_with("arn:") => vec![l.as_str(), l.rsplit('/').next().unwrap_or(l)],
                    Ref::Literal(l) => vec![l.as_str()],
                    Ref::Unknown => vec![],
                };
                for key in keys {
                    let at = attaching.entry((scope.to_string(), key.to_string())).or_default();
                    if at.last() != Some(&i) {
                        at.push(i);
                    }
                }
            }
        }
        PolicyLookup { attaching: Some(attaching), ..PolicyLookup::new(policies) }
    }

    /// The facts of `here`'s template or module that may attach a policy to
    /// the principal at `address` (named `name`), in the index's order.
    pub fn attaching<'i>(
        &self,
        index: &'i ProjectIndex,
        here: &Source,
        address: &str,
        name: Option<&str>,
    ) -> Vec<&'i Fact> {
        let Some(attaching) = &self.attaching else { return index.in_scope(here).collect() };
        let scope = crate::index::scope(&here.path).to_string();
        let mut at: Vec<usize> = std::iter::once(address)
            .chain(name)
            .flat_map(|key| attaching.get(&(scope.clone(), key.to_string())).into_iter().flatten().copied())
            .collect();
        at.sort_unstable();
        at.dedup();
        at.into_iter().map(|i| &index.facts[i]).collect()
    }

    /// The policies a resource at `address` (in the template or module of
    /// `from`) defines or uses: those written inside it, and the Terraform
    /// policy documents it names (`policy = data.aws_iam_policy_document.x.json`).
    /// A CloudFormation logical id is unique within its template, a Terraform
    /// address within its module: a `HandlerRole` of another stack is another role.
    pub fn at(&self, index: &ProjectIndex, from: &Source, address: &str) -> Vec<&'a Policy> {
        let scope = crate::index::scope(&from.path);
        let documents = index.get(from, address).filter_map(|f| match &f.kind {
            FactKind::PolicyReference { document: Ref::Address(d), .. } => Some(d.as_str()),
            _ => None,
        });
        std::iter::once(address)
            .chain(documents)
            .flat_map(|origin| self.by_origin.get(&(scope, origin)).into_iter().flatten().copied())
            .collect()
    }
}

/// Every role, user and group of the project with its policy set.
pub fn all_entities<'r>(policies: &'r [Policy], index: &ProjectIndex) -> Vec<Principal<'r>> {
    let lookup = PolicyLookup::with_attachments(policies, index);
    entities(index).map(|f| entity(&lookup, index, f)).collect()
}

fn entity<'r>(lookup: &PolicyLookup<'r>, index: &ProjectIndex, fact: &Fact) -> Principal<'r> {
    let address = fact.address.as_str();
    let name = entity_name(fact);
    let (kind, managed, boundary) = match &fact.kind {
        FactKind::Role { managed_policies, boundary, .. } => {
            (PrincipalKind::Role, managed_policies.clone(), boundary.clone())
        }
        FactKind::User { managed_policies, boundary, .. } => {
            (PrincipalKind::User, managed_policies.clone(), boundary.clone())
        }
        FactKind::Group { managed_policies, .. } => (PrincipalKind::Group, managed_policies.clone(), None),
        _ => (PrincipalKind::Policy, Vec::new(), None),
    };
    let mut identity: Vec<&'r Policy> = Vec::new();
    let mut external = Vec::new();
    let here = &fact.site.source;
    let push = |list: &mut Vec<&'r Policy>, origin: &str| {
        let mut found = false;
        for p in lookup.at(index, here, origin).into_iter().filter(|p| p.kind != PolicyKind::Trust) {
            found = true;
            if !list.iter().any(|q| std::ptr::eq(*q, p)) {
                list.push(p);
            }
        }
        found
    };
    // The entity's own inline policies.
    push(&mut identity, address);
    // Standalone inline policies, managed policies and attachments that name it.
    // Inline policy resources first, then managed policies and attachments.
    let attaching = lookup.attaching(index, here, address, name);
    let mut refs: Vec<Ref> = attaching
        .iter()
        .filter(|f| matches!(&f.kind, FactKind::InlinePolicy { attached_to } if attached_to.iter().any(|r| refers_to(r, address, name))))
        .map(|f| Ref::Address(f.address.clone()))
        .collect();
    refs.extend(managed);
    for f in &attaching {
        match &f.kind {
            FactKind::ManagedPolicy { attached_to, .. } if attached_to.iter().any(|r| refers_to(r, address, name)) => {
                refs.push(Ref::Address(f.address.clone()));
            }
            FactKind::PolicyAttachment { policy, principal } if refers_to(principal, address, name) => {
                refs.push(policy.clone());
            }
            _ => {}
        }
    }
    // An AWS managed policy is read from the bundled documents; a bare name
    // is one only where SAM `Policies` allows it (not in Terraform).
    let bare_names = !crate::index::is_terraform(&here.path);
    let aws_managed = |origin: &str| aws_managed::lookup(origin, bare_names);
    for r in &refs {
        match resolve_policy_ref(index, r) {
            Some(origin) => {
                if !push(&mut identity, &origin) {
                    match aws_managed(&origin) {
                        Some(p) if !identity.iter().any(|q| std::ptr::eq(*q, p)) => identity.push(p),
                        Some(_) => {}
                        None => external.push(origin),
                    }
                }
            }
            None => external.push(describe_ref(r)),
        }
    }
    let mut set = PolicySet::default();
    let mut external_boundary = None;
    if let Some(b) = &boundary {
        match resolve_policy_ref(index, b) {
            Some(origin) => {
                let mut list = Vec::new();
                if push(&mut list, &origin) {
                    set.boundary = list;
                } else if let Some(p) = aws_managed(&origin) {
                    set.boundary = vec![p];
                } else {
                    external_boundary = Some(origin);
                }
            }
            None => external_boundary = Some(describe_ref(b)),
        }
    }
    for p in identity {
        match p.kind {
            PolicyKind::Resource => set.resource.push(p),
            PolicyKind::Scp => set.scps.push(p),
            _ => set.identity.push(p),
        }
    }
    let mut seen = Vec::new();
    external.retain(|e| {
        if seen.contains(e) {
            false
        } else {
            seen.push(e.clone());
            true
        }
    });
    Principal {
        label: address.to_string(),
        kind,
        name: name.map(str::to_string),
        site: Some(fact.site.clone()),
        set: with_scps(set, &lookup.scps),
        external,
        external_boundary,
    }
}

/// The address of the project policy a reference names: an address, or a
/// literal name/ARN that matches a managed policy's name. `Some(literal)` for
/// a literal that names nothing in the project (an AWS managed policy ARN).
fn resolve_policy_ref(index: &ProjectIndex, r: &Ref) -> Option<String> {
    match r {
        Ref::Address(a) => Some(a.clone()),
        Ref::Literal(l) => {
            let last = l.rsplit('/').next().unwrap_or(l);
            index
                .facts
                .iter()
                .find(|f| matches!(&f.kind, FactKind::ManagedPolicy { name: Some(n), .. } if n == last || n == l))
                .map(|f| f.address.clone())
                .or_else(|| Some(l.clone()))
        }
        Ref::Unknown => None,
    }
}

fn describe_ref(r: &Ref) -> String {
    match r {
        Ref::Address(a) | Ref::Literal(a) => a.clone(),
        Ref::Unknown => "a policy reference not known statically".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::Fact;
    use crate::policy::PolicyDoc;
    use crate::source::SourceFile;

    fn policy(path: &str, origin: Option<&str>, kind: PolicyKind, json: &str) -> Policy {
        let source = SourceFile::new(path, json);
        let node = crate::syntax::json::parse(json).unwrap();
        let doc = PolicyDoc { source, node, kind, origin: origin.map(str::to_string), version_implied: false };
        crate::policy::parse_policy(&doc, &mut Vec::new())
    }

    fn fact(address: &str, kind: FactKind) -> Fact {
        Fact {
            address: address.into(),
            site: Site { source: SourceFile::new("main.tf", "x"), span: Span::default() },
            kind,
        }
    }

    const ALLOW: &str =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"chime:GetSipRule","Resource":"*"}]}"#;

    #[test]
    fn a_role_collects_inline_attached_and_boundary_policies() {
        let policies = vec![
            policy(
                "main.tf",
                Some("aws_iam_role.r"),
                PolicyKind::Trust,
                r#"{"Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
            ),
            policy("main.tf", Some("aws_iam_role.r"), PolicyKind::Identity, ALLOW),
            policy("main.tf", Some("aws_iam_role_policy.p"), PolicyKind::Identity, ALLOW),
            policy("main.tf", Some("aws_iam_policy.m"), PolicyKind::Identity, ALLOW),
            policy("main.tf", Some("aws_iam_policy.via_attachment"), PolicyKind::Identity, ALLOW),
            policy("main.tf", Some("aws_iam_policy.b"), PolicyKind::Identity, ALLOW),
            policy("main.tf", Some("aws_iam_policy.unrelated"), PolicyKind::Identity, ALLOW),
            policy("scp.json", None, PolicyKind::Scp, ALLOW),
        ];
        let index = ProjectIndex::new(vec![
            fact(
                "aws_iam_role.r",
                FactKind::Role {
                    name: Some("sma-handler".into()),
                    managed_policies: vec![
                        Ref::Address("aws_iam_policy.m".into()),
                        Ref::Literal("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole".into()),
                        Ref::Unknown,
                    ],
                    boundary: Some(Ref::Address("aws_iam_policy.b".into())),
                },
            ),
            fact(
                "aws_iam_role_policy.p",
                FactKind::InlinePolicy { attached_to: vec![Ref::Address("aws_iam_role.r".into())] },
            ),
            fact(
                "aws_iam_role_policy_attachment.a",
                FactKind::PolicyAttachment {
                    policy: Ref::Address("aws_iam_policy.via_attachment".into()),
                    principal: Ref::Literal("sma-handler".into()),
                },
            ),
        ]);
        for spec in ["aws_iam_role.r", "sma-handler"] {
            let p = resolve(&policies, &index, spec).unwrap();
            assert_eq!(p.kind, PrincipalKind::Role);
            let origins: Vec<_> = p.set.identity.iter().map(|p| p.origin.clone().unwrap()).collect();
            assert_eq!(
                origins,
                [
                    "aws_iam_role.r",
                    "aws_iam_role_policy.p",
                    "aws_iam_policy.m",
                    // An AWS managed policy is read from the bundled documents.
                    "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
                    "aws_iam_policy.via_attachment"
                ]
            );
            assert_eq!(p.set.boundary.len(), 1);
            assert_eq!(p.set.boundary[0].origin.as_deref(), Some("aws_iam_policy.b"));
            assert_eq!(p.set.scps.len(), 1);
            assert_eq!(p.external, ["a policy reference not known statically"]);
        }
        let by_name = find_by_name(&policies, &index, "sma-handler").unwrap();
        assert_eq!(by_name.label, "aws_iam_role.r");
        assert!(resolve_default(&policies, &index).is_ok());
        let err = resolve(&policies, &index, "aws_iam_role.nope").unwrap_err();
        assert!(err.to_string().contains("aws_iam_role.r"), "{err}");
        let lone = resolve(&policies, &index, "aws_iam_policy.unrelated").unwrap();
        assert_eq!((lone.kind, lone.set.identity.len()), (PrincipalKind::Policy, 1));
    }

    #[test]
    fn names_fall_back_to_addresses_and_logical_ids() {
        let policies = vec![policy("t.yaml", Some("SmaHandlerRole"), PolicyKind::Identity, ALLOW)];
        let index = ProjectIndex::new(vec![fact(
            "SmaHandlerRole",
            FactKind::Role { name: None, managed_policies: vec![], boundary: None },
        )]);
        assert_eq!(find_by_name(&policies, &index, "sma-handler").unwrap().label, "SmaHandlerRole");
        let index = ProjectIndex::new(vec![
            fact("aws_iam_role.sma_handler", FactKind::Role { name: None, managed_policies: vec![], boundary: None }),
            fact("aws_iam_role.other", FactKind::Role { name: None, managed_policies: vec![], boundary: None }),
        ]);
        assert_eq!(find_by_name(&policies, &index, "sma-handler").unwrap().label, "aws_iam_role.sma_handler");
        assert!(matches!(resolve_default(&policies, &index), Err(ResolveError::Ambiguous { .. })));
    }

    #[test]
    fn policy_files_are_their_own_set() {
        let policies = vec![
            policy("infra/sma-handler-policy.json", None, PolicyKind::Identity, ALLOW),
            policy("infra/other.json", None, PolicyKind::Identity, ALLOW),
        ];
        let index = ProjectIndex::default();
        let p = resolve(&policies, &index, "./infra/sma-handler-policy.json").unwrap();
        assert_eq!((p.kind, p.set.identity.len()), (PrincipalKind::PolicyFile, 1));
        let p = resolve(&policies, &index, "other.json").unwrap();
        assert_eq!(p.label, "infra/other.json");
        assert_eq!(find_by_name(&policies, &index, "sma-handler").unwrap().label, "infra/sma-handler-policy.json");
        let all = resolve_default(&policies, &index).unwrap();
        assert_eq!((all.kind, all.set.identity.len()), (PrincipalKind::Project, 2));
        assert!(resolve(&policies, &index, "nope.json").is_err());
    }
}
