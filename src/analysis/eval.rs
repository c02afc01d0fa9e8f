//! The evaluation engine: decides a [`Request`] against a [`PolicySet`] the way
//! IAM does, and says which statements decided it.
//!
//! IAM's order, as implemented (the IAM User Guide's "Policy evaluation logic"
//! and "Cross-account policy evaluation logic" pages):
//! 1. a matching `Deny` anywhere (identity, resource, boundary, SCP, RCP or
//!    session policy) denies;
//! 2. within one account, the request is allowed when a resource policy grants
//!    it to the caller's session or IAM user ARN directly (an implicit deny in
//!    the identity policies, the boundary or the session policy does not limit
//!    such a grant), or when an identity policy or a resource-policy grant to
//!    the caller's role ARN allows it **and** the permissions boundary and the
//!    session policy (when the set has them) allow it; **and** the SCPs allow it.
//!    A resource policy that names an account delegates to that account's
//!    identity policies: it grants nothing by itself;
//! 3. across accounts (the caller's account and the resource's are both known
//!    and differ), both sides must allow: the caller's identity policies with
//!    boundary, session policy and SCPs, and a resource policy that names the
//!    caller (or its account);
//! 4. otherwise it is implicitly denied.
//!
//! KMS key policies and role trust policies are the exception to 2: when the
//! set holds the key's or the role's policy ([`must_allow_itself`]), it must
//! allow the request even within one account, either by naming the caller (a
//! grant that stands alone) or by naming the account, which then delegates to
//! the identity policies ("IAM role trust policies and KMS key policies are
//! exceptions to this logic, because they must explicitly allow access for
//! principals", Policy evaluation logic).
//!
//! SCPs: an organization's SCPs are a deny list by default (AWS attaches
//! `FullAWSAccess` to every account). SCPs in the set that have only `Deny`
//! statements are read that way: they can deny, never fail to allow. When an
//! SCP in the set has `Allow` statements, the SCPs are an allow list and one of
//! them must allow the request. All SCPs in the set are read as attached at one
//! level of the organization. RCPs can only deny: `RCPFullAWSAccess` is always
//! attached and cannot be detached. Neither applies to a service-linked role,
//! and RCPs apply only to the services that support them ([`RCP_SERVICES`]).
//!
//! Matching:
//! - actions compare case-insensitively, `*` and `?` wildcards included;
//! - resources compare case-sensitively over the whole ARN: `*` matches any run
//!   of characters, `:` and `/` included, and `?` exactly one character. This is
//!   IAM's documented behaviour for a `*` at the end of an ARN segment (it
//!   "can expand to match beyond the colon boundaries"), applied to every `*`:
//!   `arn:aws:chime:*:sma/abc` matches `arn:aws:chime:us-east-1:111122223333:sma/abc`;
//! - the `Arn*` condition operators, on the other hand, compare each of the six
//!   ARN components on its own, as documented for them;
//! - policy variables (`${aws:username}`, `${aws:PrincipalTag/team}`, `${*}`,
//!   `${?}`, `${$}`, `${key, 'default'}`) are substituted from the request in
//!   `Resource` and in `String*`/`Arn*` condition values, except in policies of
//!   `Version` 2008-10-17 where IAM reads them literally;
//! - `Principal`/`NotPrincipal` are checked in resource and trust policies only;
//!   a `Deny` with `NotPrincipal` always applies to a caller with a permissions
//!   boundary, whatever it names;
//! - a policy without `Version` is read with the 2008-10-17 rules: its
//!   `${...}` are literal text; a variable whose key the request does not carry
//!   (declared with `--absent`, or `aws:username` of a role session) and a
//!   multivalued key (`aws:TagKeys`) used as a variable match nothing.
//!
//! Every comparison has three outcomes (see [`Match`]): a value the request does
//! not give, or a policy value not known statically, makes the answer
//! "depends on ..." instead of a guess — but only when it could change the
//! decision: a statement whose action already differs is simply not a match.

use super::conditions::{self, all, any};
use super::pattern::{Mode, Pattern, Tok};
use super::request::{CallerArn, Lookup, Request};
use crate::catalog;
use crate::policy::{Effect, Policy, PolicyKind, Principals, Statement, Value, ValueList};
use crate::source::Position;

/// A three-way answer: yes, no, or depends on these keys or unresolved values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Match {
    Yes,
    No,
    Depends(Vec<String>),
}

impl Match {
    pub fn is_yes(&self) -> bool {
        *self == Match::Yes
    }

    pub fn is_no(&self) -> bool {
        *self == Match::No
    }

    pub(crate) fn not(self) -> Match {
        match self {
            Match::Yes => Match::No,
            Match::No => Match::Yes,
            d => d,
        }
    }

    /// The keys an undecided answer depends on (none when decided).
    pub fn keys(&self) -> &[String] {
        match self {
            Match::Depends(k) => k,
            _ => &[],
        }
    }
}

impl From<bool> for Match {
    fn from(b: bool) -> Match {
        if b {
            Match::Yes
        } else {
            Match::No
        }
    }
}

/// The role a policy plays in the decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Layer {
    /// Identity policies: inline and managed policies of the principal.
    Identity,
    /// The resource's own policy.
    Resource,
    /// The principal's permissions boundary.
    Boundary,
    /// Service control policies.
    Scp,
    /// Resource control policies (they can only deny).
    Rcp,
    /// The session policies passed when the role was assumed.
    Session,
}

impl Layer {
    pub fn as_str(self) -> &'static str {
        match self {
            Layer::Identity => "identity",
            Layer::Resource => "resource",
            Layer::Boundary => "boundary",
            Layer::Scp => "scp",
            Layer::Rcp => "rcp",
            Layer::Session => "session",
        }
    }

    /// How messages name it: "identity policy", "permissions boundary", ...
    pub fn describe(self) -> &'static str {
        match self {
            Layer::Identity => "identity policy",
            Layer::Resource => "resource policy",
            Layer::Boundary => "permissions boundary",
            Layer::Scp => "service control policy",
            Layer::Rcp => "resource control policy",
            Layer::Session => "session policy",
        }
    }
}

/// The policies that apply to one request, by role.
#[derive(Debug, Clone, Default)]
pub struct PolicySet<'p> {
    pub identity: Vec<&'p Policy>,
    /// The resource's policy, when it is part of the question.
    pub resource: Vec<&'p Policy>,
    /// The permissions boundary (its statements must also allow); empty when there is none.
    pub boundary: Vec<&'p Policy>,
    pub scps: Vec<&'p Policy>,
    /// Resource control policies of the resource's organization.
    pub rcps: Vec<&'p Policy>,
    /// Session policies of the caller's role session; empty when none was passed.
    pub session: Vec<&'p Policy>,
}

impl<'p> PolicySet<'p> {
    /// A set of identity policies only.
    pub fn identity(policies: impl IntoIterator<Item = &'p Policy>) -> PolicySet<'p> {
        PolicySet { identity: policies.into_iter().collect(), ..PolicySet::default() }
    }

    /// Places each policy by its kind: boundaries, SCPs and resource policies to
    /// their layer, trust policies nowhere (they decide who may assume a role,
    /// not what it may do), everything else as identity policies.
    pub fn by_kind(policies: impl IntoIterator<Item = &'p Policy>) -> PolicySet<'p> {
        let mut set = PolicySet::default();
        for p in policies {
            match p.kind {
                PolicyKind::Boundary => set.boundary.push(p),
                PolicyKind::Scp => set.scps.push(p),
                PolicyKind::Rcp => set.rcps.push(p),
                PolicyKind::Resource => set.resource.push(p),
                PolicyKind::Trust => {}
                PolicyKind::Identity | PolicyKind::Unknown => set.identity.push(p),
            }
        }
        set
    }

    /// Every policy with its layer.
    pub fn layers(&self) -> impl Iterator<Item = (Layer, &'p Policy)> + '_ {
        self.identity
            .iter()
            .map(|p| (Layer::Identity, *p))
            .chain(self.resource.iter().map(|p| (Layer::Resource, *p)))
            .chain(self.boundary.iter().map(|p| (Layer::Boundary, *p)))
            .chain(self.scps.iter().map(|p| (Layer::Scp, *p)))
            .chain(self.rcps.iter().map(|p| (Layer::Rcp, *p)))
            .chain(self.session.iter().map(|p| (Layer::Session, *p)))
    }

    /// The list of one layer, to add to.
    pub fn of_mut(&mut self, layer: Layer) -> &mut Vec<&'p Policy> {
        match layer {
            Layer::Identity => &mut self.identity,
            Layer::Resource => &mut self.resource,
            Layer::Boundary => &mut self.boundary,
            Layer::Scp => &mut self.scps,
            Layer::Rcp => &mut self.rcps,
            Layer::Session => &mut self.session,
        }
    }

    pub fn len(&self) -> usize {
        self.layers().count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One statement of one policy.
#[derive(Debug, Clone, Copy)]
pub struct StatementRef<'p> {
    pub policy: &'p Policy,
    /// Index into `policy.statements`.
    pub index: usize,
}

impl<'p> StatementRef<'p> {
    pub fn statement(&self) -> &'p Statement {
        &self.policy.statements[self.index]
    }

    pub fn path(&self) -> &'p str {
        &self.policy.source.path
    }

    /// Where the statement starts, 1-based.
    pub fn position(&self) -> Position {
        self.policy.source.position(self.statement().span.start)
    }

    /// `path:line:col` of the statement.
    pub fn location(&self) -> String {
        let p = self.position();
        format!("{}:{}:{}", self.path(), p.line, p.column)
    }

    pub fn sid(&self) -> Option<&'p str> {
        self.statement().sid.as_ref().and_then(|s| s.lit())
    }

    /// `statement `Sid`` or `statement 2`.
    pub fn label(&self) -> String {
        self.statement().label()
    }
}

/// How one statement fared against the request.
#[derive(Debug, Clone)]
pub struct StatementResult<'p> {
    pub at: StatementRef<'p>,
    pub layer: Layer,
    pub effect: Effect,
    /// The statement applies to the request: all four parts below hold.
    pub outcome: Match,
    pub action: Match,
    pub resource: Match,
    /// Always yes outside resource and trust policies.
    pub principal: Match,
    /// Whom a resource-policy statement grants to (see [`Grant`]).
    pub grant: Grant,
    /// `None` when not evaluated: the action or the resource already fails.
    pub condition: Option<Match>,
    /// Indices (into `statement().conditions`) of the conditions that do not hold.
    pub failed_conditions: Vec<usize>,
}

/// What a resource-policy statement's `Principal` names, which decides what
/// else must allow the request (the evaluation-logic page's table of
/// "resource-based policies and implicit denies in other policy types").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Grant {
    /// An account (`111122223333`, `arn:aws:iam::111122223333:root`): it
    /// delegates to the account's identity policies and grants nothing itself.
    Account,
    /// An IAM role ARN: the grant is limited by the boundary and session policy.
    Role,
    /// The caller itself (a role session, an IAM user, a federated user, a
    /// service) or everyone (`*`): not limited by an implicit deny in the
    /// identity policies, the boundary or the session policy.
    Direct,
}

/// The services whose resources RCPs apply to (AWS Organizations User Guide,
/// "Resource control policies (RCPs)"; the five of the launch, 2024-11-13).
pub const RCP_SERVICES: &[&str] = &["s3", "sts", "kms", "sqs", "secretsmanager"];

/// IAM's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Allowed,
    /// A `Deny` statement matches.
    ExplicitDeny,
    /// Nothing allows it (or the boundary or an allow-list SCP does not).
    ImplicitDeny,
    /// The answer turns on values the request or the policies do not give:
    /// context keys (`aws:SourceArn`) or unresolved policy values (`${var.account}`).
    Depends {
        keys: Vec<String>,
    },
}

impl Decision {
    /// `allowed`, `explicit-deny`, `implicit-deny`, `depends`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Decision::Allowed => "allowed",
            Decision::ExplicitDeny => "explicit-deny",
            Decision::ImplicitDeny => "implicit-deny",
            Decision::Depends { .. } => "depends",
        }
    }

    pub fn is_allowed(&self) -> bool {
        *self == Decision::Allowed
    }

    pub fn is_denied(&self) -> bool {
        matches!(self, Decision::ExplicitDeny | Decision::ImplicitDeny)
    }
}

/// Why the closest statement does not grant the request.
#[derive(Debug, Clone, PartialEq)]
pub enum Miss {
    /// Right action and resource; these conditions do not hold.
    Condition { keys: Vec<String> },
    /// Right action, other resources.
    Resource { resources: Vec<String> },
    /// The action takes only `"Resource": "*"` and the statement names ARNs, which never match.
    ResourceNeedsStar { resources: Vec<String> },
    /// Right action and resource, another principal (resource policies).
    Principal,
    /// The statement names the action misspelt.
    MisspeltAction { written: String, value: Value },
    /// Right resource, other actions of the same service.
    OtherAction { actions: Vec<String> },
}

/// The statement that comes closest to allowing an implicitly denied request.
#[derive(Debug, Clone)]
pub struct NearMiss<'p> {
    pub at: StatementRef<'p>,
    pub layer: Layer,
    pub why: Miss,
}

/// The decision with its reasons.
#[derive(Debug, Clone)]
pub struct Evaluation<'p> {
    pub decision: Decision,
    /// Every statement of the set, in set order.
    pub results: Vec<StatementResult<'p>>,
    /// Indices into `results`: the matching Deny statements (explicit deny), the
    /// matching Allow statements of every layer (allowed), or the statements
    /// whose outcome is undecided (depends). Empty for an implicit deny.
    pub deciding: Vec<usize>,
    /// For an implicit deny: the layer that does not allow the request.
    pub denied_in: Option<Layer>,
    /// For an implicit deny: the statement of that layer that comes closest.
    pub closest: Option<NearMiss<'p>>,
    /// Whether some Deny statement might also match (for an implicit deny, or
    /// an answer that depends): the keys it depends on.
    pub deny_depends: Vec<String>,
    /// The caller's account and the resource's differ: both sides had to allow.
    pub cross_account: bool,
}

impl<'p> Evaluation<'p> {
    pub fn deciding(&self) -> impl Iterator<Item = &StatementResult<'p>> {
        self.deciding.iter().map(|&i| &self.results[i])
    }
}

/// Decides `req` against `set`.
pub fn evaluate<'p>(set: &PolicySet<'p>, req: &Request) -> Evaluation<'p> {
    let rp = req.resource_pattern();
    let concrete = rp.toks.iter().all(|t| matches!(t, Tok::Lit(_))).then_some(req.resource.as_str());
    let caller = req.principal.as_deref().and_then(CallerArn::parse);
    let cx = Reading { req, rp: &rp, concrete, who: Caller { arn: caller, has_boundary: !set.boundary.is_empty() } };
    let mut results = Vec::new();
    for (layer, policy) in set.layers() {
        // Without `Version`, IAM reads the policy with the 2008-10-17 rules.
        let variables = policy.version.as_ref().is_some_and(|v| v.lit() != Some("2008-10-17"));
        let principals = policy.kind.has_principals();
        for index in 0..policy.statements.len() {
            let at = StatementRef { policy, index };
            results.push(statement_result(at, layer, &cx, variables, principals));
        }
    }

    // SCPs and RCPs do not apply to service-linked roles; RCPs only to the services that support them.
    let service_linked = caller.is_some_and(|c| c.kind == "assumed-role" && c.name.starts_with("AWSServiceRoleFor"));
    let rcp_service =
        req.action.split_once(':').is_some_and(|(s, _)| RCP_SERVICES.iter().any(|x| x.eq_ignore_ascii_case(s)));
    let applies = |l: Layer| match l {
        Layer::Scp => !service_linked,
        Layer::Rcp => !service_linked && rcp_service,
        _ => true,
    };
    let allow_where = |f: &dyn Fn(&StatementResult) -> bool| {
        any(results.iter().filter(|r| r.effect != Effect::Deny && f(r)).map(allow_outcome))
    };
    let identity_allow = allow_where(&|r| r.layer == Layer::Identity);
    let resource_any = allow_where(&|r| r.layer == Layer::Resource);
    let resource_direct = allow_where(&|r| r.layer == Layer::Resource && r.grant == Grant::Direct);
    let resource_role = allow_where(&|r| r.layer == Layer::Resource && r.grant == Grant::Role);
    let cap = |layer: Layer, present: bool| if present { allow_where(&|r| r.layer == layer) } else { Match::Yes };
    let boundary_allow = cap(Layer::Boundary, !set.boundary.is_empty());
    let session_allow = cap(Layer::Session, !set.session.is_empty());
    let scp_is_allow_list = set.scps.iter().any(|p| p.statements.iter().any(|s| s.effect != Effect::Deny));
    let scp_allow = cap(Layer::Scp, scp_is_allow_list && applies(Layer::Scp));
    let cross = cross_account(req, caller.as_ref());
    let capped = |m: Match| all([m, boundary_allow.clone(), session_allow.clone()].into_iter());
    let strict = !cross && !set.resource.is_empty() && must_allow_itself(&req.action);
    // What the caller's side grants, and what the resource's side must add.
    let (principal_allow, resource_side) = if cross {
        (capped(identity_allow.clone()), resource_any.clone())
    } else if strict {
        let resource_account = allow_where(&|r| r.layer == Layer::Resource && r.grant == Grant::Account);
        let delegated = all([resource_account, identity_allow.clone()].into_iter());
        (
            any([resource_direct.clone(), capped(any([delegated, resource_role.clone()].into_iter()))].into_iter()),
            Match::Yes,
        )
    } else {
        (
            any([resource_direct.clone(), capped(any([identity_allow.clone(), resource_role.clone()].into_iter()))]
                .into_iter()),
            Match::Yes,
        )
    };
    let allow = all([principal_allow.clone(), scp_allow.clone(), resource_side.clone()].into_iter());
    let deny = any(results.iter().filter(|r| r.effect != Effect::Allow && applies(r.layer)).map(deny_outcome));

    let mut ev = Evaluation {
        decision: Decision::ImplicitDeny,
        results,
        deciding: Vec::new(),
        denied_in: None,
        closest: None,
        deny_depends: deny.keys().to_vec(),
        cross_account: cross,
    };
    let pick = |ev: &Evaluation, f: &dyn Fn(&StatementResult) -> bool| -> Vec<usize> {
        ev.results.iter().enumerate().filter(|(_, r)| f(r)).map(|(i, _)| i).collect()
    };
    if deny.is_yes() {
        ev.decision = Decision::ExplicitDeny;
        ev.deciding = pick(&ev, &|r| r.effect == Effect::Deny && r.outcome.is_yes() && applies(r.layer));
        ev.deny_depends.clear();
    } else if allow.is_no() {
        ev.decision = Decision::ImplicitDeny;
        let nothing_grants = if cross {
            identity_allow.is_no()
        } else if strict {
            identity_allow.is_no() && resource_any.is_no()
        } else {
            identity_allow.is_no() && resource_role.is_no() && resource_direct.is_no()
        };
        let layer = if nothing_grants {
            Layer::Identity
        } else if strict && resource_any.is_no() {
            // The identity policies allow; the key or trust policy does not.
            Layer::Resource
        } else if principal_allow.is_no() && boundary_allow.is_no() {
            Layer::Boundary
        } else if principal_allow.is_no() && session_allow.is_no() {
            Layer::Session
        } else if principal_allow.is_no() {
            Layer::Identity
        } else if scp_allow.is_no() {
            Layer::Scp
        } else {
            Layer::Resource
        };
        ev.denied_in = Some(layer);
        ev.closest = closest(&ev.results, layer, req);
    } else if allow.is_yes() && deny.is_no() {
        ev.decision = Decision::Allowed;
        // The grants that count: a direct resource-policy grant stands alone.
        let direct_alone = !cross && resource_direct.is_yes();
        ev.deciding = pick(&ev, &|r| {
            r.effect == Effect::Allow
                && r.outcome.is_yes()
                && applies(r.layer)
                && !(direct_alone && r.layer == Layer::Resource && r.grant != Grant::Direct)
                // An account-wide grant counts only across accounts or where the
                // resource policy must allow by itself (a key policy, a trust policy).
                && (r.layer != Layer::Resource || r.grant != Grant::Account || cross || strict)
        });
    } else {
        // Something is undecided: the Deny side, the Allow side, or both.
        let mut open: Vec<Layer> = Vec::new();
        if !principal_allow.is_yes() || !resource_side.is_yes() {
            open.extend([Layer::Identity, Layer::Resource]);
        }
        if !boundary_allow.is_yes() {
            open.push(Layer::Boundary);
        }
        if !session_allow.is_yes() {
            open.push(Layer::Session);
        }
        if !scp_allow.is_yes() {
            open.push(Layer::Scp);
        }
        ev.deciding = pick(&ev, &|r| {
            let undecided_allow = r.effect != Effect::Deny && open.contains(&r.layer) && !allow_outcome(r).is_no();
            let undecided_deny =
                r.effect != Effect::Allow && applies(r.layer) && matches!(deny_outcome(r), Match::Depends(_));
            undecided_allow || undecided_deny
        });
        let mut keys = Vec::new();
        for m in [deny, principal_allow, resource_side, scp_allow] {
            if let Match::Depends(k) = m {
                conditions::merge(&mut keys, k);
            }
        }
        ev.decision = Decision::Depends { keys };
    }
    ev
}

/// Whether the resource's own policy must allow `action` even within one
/// account: a KMS key's key policy ("no AWS principal, including the account
/// root user, has any permissions to a KMS key unless it is explicitly allowed
/// in a key policy", AWS KMS Developer Guide, "Key policies"), and a role's
/// trust policy for assuming it and for what the trust policy governs with it
/// (`sts:TagSession`, `sts:SetSourceIdentity`, `sts:SetContext`).
pub fn must_allow_itself(action: &str) -> bool {
    let Some((service, name)) = action.split_once(':') else { return false };
    let lower = name.to_ascii_lowercase();
    service.eq_ignore_ascii_case("kms")
        || (service.eq_ignore_ascii_case("sts")
            && (lower.starts_with("assumerole")
                || ["tagsession", "setsourceidentity", "setcontext"].contains(&lower.as_str())))
}

/// The caller's account and the resource's, when both are known, differ.
fn cross_account(req: &Request, caller: Option<&CallerArn>) -> bool {
    let single = |key: &str| match req.lookup(key) {
        Lookup::Present(v) if v.len() == 1 => Some(v[0].clone()),
        _ => None,
    };
    let caller_account = caller.map(|c| c.account.to_string()).or_else(|| single("aws:PrincipalAccount"));
    match (caller_account, single("aws:ResourceAccount")) {
        (Some(a), Some(b)) => !a.is_empty() && a != b,
        _ => false,
    }
}

/// What every statement is read against.
struct Reading<'a> {
    req: &'a Request,
    rp: &'a Pattern,
    /// The request's resource when it is one ARN, not a pattern.
    concrete: Option<&'a str>,
    who: Caller<'a>,
}

/// What the engine knows of the caller when it reads `Principal` and `NotPrincipal`.
struct Caller<'a> {
    arn: Option<CallerArn<'a>>,
    has_boundary: bool,
}

/// Does the statement allow the request? (A statement with an unresolved
/// `Effect` might.)
fn allow_outcome(r: &StatementResult) -> Match {
    match r.effect {
        Effect::Allow => r.outcome.clone(),
        Effect::Deny => Match::No,
        Effect::Unknown => unknown_effect(&r.outcome),
    }
}

fn deny_outcome(r: &StatementResult) -> Match {
    match r.effect {
        Effect::Deny => r.outcome.clone(),
        Effect::Allow => Match::No,
        Effect::Unknown => unknown_effect(&r.outcome),
    }
}

fn unknown_effect(m: &Match) -> Match {
    match m {
        Match::No => Match::No,
        other => {
            let mut keys = vec!["the statement's Effect (unresolved)".to_string()];
            conditions::merge(&mut keys, other.keys().to_vec());
            Match::Depends(keys)
        }
    }
}

fn statement_result<'p>(
    at: StatementRef<'p>,
    layer: Layer,
    cx: &Reading,
    variables: bool,
    principals: bool,
) -> StatementResult<'p> {
    let (req, rp, concrete, who) = (cx.req, cx.rp, cx.concrete, &cx.who);
    let st = at.statement();
    let action = action_match(st.action.as_ref(), &req.action);
    let deny = st.effect == Effect::Deny;
    let resource = match &st.resource {
        Some(list) => resource_match(list, rp, concrete, req, variables, deny),
        // Missing `Resource` (resource and trust policies): the resource the policy is attached to.
        None => Match::Yes,
    };
    let (principal, grant) = match (&st.principal, principals) {
        (Some(p), true) => principal_match(p, req, who),
        _ => (Match::Yes, Grant::Direct),
    };
    let mut failed_conditions = Vec::new();
    let condition = if action.is_no() || resource.is_no() {
        None
    } else {
        let mut parts: Vec<Match> = Vec::with_capacity(st.conditions.len() + 1);
        for (i, c) in st.conditions.iter().enumerate() {
            let m = conditions::evaluate(c, req, variables);
            if m.is_no() {
                failed_conditions.push(i);
            }
            parts.push(m);
        }
        if st.conditions_unknown {
            parts.push(Match::Depends(vec!["an unresolved Condition block".to_string()]));
        }
        Some(all(parts.into_iter()))
    };
    let outcome = match &condition {
        None => Match::No,
        Some(c) => all([&action, &resource, &principal, c].into_iter().cloned()),
    };
    StatementResult {
        at,
        layer,
        effect: st.effect,
        outcome,
        action,
        resource,
        principal,
        grant,
        condition,
        failed_conditions,
    }
}

pub(crate) fn action_match(list: Option<&ValueList>, action: &str) -> Match {
    let Some(list) = list else { return Match::No };
    let mut undecided = Vec::new();
    let mut hit = false;
    for v in &list.values {
        match v.lit() {
            Some(t) => {
                if catalog::wildcard_match(t, action, true) {
                    hit = true;
                    break;
                }
            }
            None => {
                if v.as_pattern().is_none_or(|p| catalog::wildcard_match(&p, action, true)) {
                    undecided.push(format!("the action `{}` (unresolved)", v.display()));
                }
            }
        }
    }
    if !hit && list.has_unknown {
        undecided.push(format!("an unresolved {} entry", if list.negated { "NotAction" } else { "Action" }));
    }
    let m = if hit {
        Match::Yes
    } else if undecided.is_empty() {
        Match::No
    } else {
        Match::Depends(undecided)
    };
    if list.negated {
        m.not()
    } else {
        m
    }
}

/// An Allow must cover every resource the request names; a Deny need only touch one.
fn resource_match(
    list: &ValueList,
    rp: &Pattern,
    concrete: Option<&str>,
    req: &Request,
    variables: bool,
    deny: bool,
) -> Match {
    // For `NotResource`, the statement applies to what lies outside the list:
    // an Allow applies to all of the request when no value touches it; a Deny
    // applies to some of it when no value covers it.
    let covering = deny == list.negated;
    let mut parts = Vec::with_capacity(list.values.len() + 1);
    for v in &list.values {
        // Fast path: a literal without variables against one concrete resource.
        if let (Some(text), Some(lit)) = (concrete, v.lit()) {
            if !(variables && lit.contains("${")) {
                if catalog::wildcard_match(lit, text, false) {
                    parts.clear();
                    parts.push(Match::Yes);
                    break;
                }
                continue;
            }
        }
        let m = match Pattern::from_value(v, Mode::Glob, variables, req) {
            None => Match::Depends(vec![format!("the resource `{}` (unresolved)", v.display())]),
            Some(p) => {
                let hit = if covering { p.covers(rp, false) } else { p.overlaps(rp, false) };
                match (hit, p.unresolved.is_empty()) {
                    (false, _) => Match::No,
                    (true, true) => Match::Yes,
                    (true, false) => Match::Depends(p.unresolved),
                }
            }
        };
        let decisive = m.is_yes();
        parts.push(m);
        if decisive {
            break;
        }
    }
    if list.has_unknown {
        parts.push(Match::Depends(vec![format!(
            "an unresolved {} entry",
            if list.negated { "NotResource" } else { "Resource" }
        )]));
    }
    let m = any(parts.into_iter());
    if list.negated {
        m.not()
    } else {
        m
    }
}

fn principal_match(p: &Principals, req: &Request, who: &Caller) -> (Match, Grant) {
    if p.negated {
        // "The NotPrincipal element with a Deny effect will always deny any IAM
        // principal that has a permissions boundary policy attached."
        if who.has_boundary && who.arn.is_some_and(|c| matches!(c.kind, "assumed-role" | "user" | "role")) {
            return (Match::Yes, Grant::Direct);
        }
        let mut parts: Vec<Match> = p.entries.iter().map(|e| principal_entry_match(&e.kind, &e.value, req).0).collect();
        if p.has_unknown {
            parts.push(Match::Depends(vec!["an unresolved principal".to_string()]));
        }
        return (any(parts.into_iter()).not(), Grant::Direct);
    }
    let mut parts = Vec::with_capacity(p.entries.len() + 1);
    let mut grant = None;
    for e in &p.entries {
        let (m, g) = principal_entry_match(&e.kind, &e.value, req);
        if !m.is_no() && grant.is_none_or(|best| g > best) {
            grant = Some(g);
        }
        parts.push(m);
    }
    if p.has_unknown {
        parts.push(Match::Depends(vec!["an unresolved principal".to_string()]));
    }
    (any(parts.into_iter()), grant.unwrap_or(Grant::Role))
}

fn principal_entry_match(kind: &str, value: &Value, req: &Request) -> (Match, Grant) {
    if (kind == "*" || kind == "AWS") && value.lit() == Some("*") {
        return (Match::Yes, Grant::Direct);
    }
    let grant = match (kind, value.lit()) {
        ("AWS", Some(v)) => aws_grant(v),
        ("AWS", None) => Grant::Role,
        _ => Grant::Direct,
    };
    let Some(caller) = req.principal.as_deref() else {
        return (Match::Depends(vec!["aws:PrincipalArn".to_string()]), grant);
    };
    let Some(v) = value.lit() else {
        return (Match::Depends(vec![format!("the principal `{}` (unresolved)", value.display())]), grant);
    };
    let m = Match::from(match kind {
        "AWS" => aws_principal_matches(v, caller),
        "Service" => v.eq_ignore_ascii_case(caller),
        _ => v == caller,
    });
    // A grant to the IAM user who federated reaches the federated user's
    // session, limited by the boundary and session policy as a role's is.
    let federated = CallerArn::parse(caller).is_some_and(|c| c.kind == "federated-user");
    (m, if federated && grant == Grant::Direct && kind == "AWS" && v != caller { Grant::Role } else { grant })
}

/// What an `AWS` principal entry grants to: an account, a role, or a session or user.
fn aws_grant(entry: &str) -> Grant {
    if entry.len() == 12 && entry.bytes().all(|b| b.is_ascii_digit()) {
        return Grant::Account;
    }
    match CallerArn::parse(entry).map(|e| e.kind) {
        Some("root") => Grant::Account,
        Some("role") => Grant::Role,
        _ => Grant::Direct,
    }
}

/// An `AWS` principal entry (account id, account root, role, user, or session
/// ARN) names the caller.
fn aws_principal_matches(entry: &str, caller: &str) -> bool {
    if entry == caller {
        return true;
    }
    let Some(c) = CallerArn::parse(caller) else { return false };
    if entry.len() == 12 && entry.bytes().all(|b| b.is_ascii_digit()) {
        return entry == c.account;
    }
    let Some(e) = CallerArn::parse(entry) else { return false };
    if e.account != c.account || e.partition != c.partition {
        return false;
    }
    match e.kind {
        "root" => true,
        // A role (with or without a path) names its sessions too.
        "role" => (c.kind == "role" || c.kind == "assumed-role") && c.name == e.name,
        "assumed-role" => c.kind == "assumed-role" && c.name == e.name && c.session == e.session,
        // The IAM user names the federated users it creates (GetFederationToken).
        "user" => (c.kind == "user" || c.kind == "federated-user") && c.name == e.name,
        kind => c.kind == kind && c.name == e.name,
    }
}

/// The Allow statement of `layer` that comes closest to granting the request.
fn closest<'p>(results: &[StatementResult<'p>], layer: Layer, req: &Request) -> Option<NearMiss<'p>> {
    let layers: &[Layer] =
        if matches!(layer, Layer::Identity | Layer::Resource) { &[Layer::Identity, Layer::Resource] } else { &[layer] };
    let literal_star = req.resource_pattern().toks == [Tok::Lit('*')];
    let mut best: Option<(u8, NearMiss<'p>)> = None;
    for r in results.iter().filter(|r| r.effect == Effect::Allow && layers.contains(&r.layer)) {
        let st = r.at.statement();
        let shown = |l: &Option<ValueList>| -> Vec<String> {
            l.as_ref().map(|l| l.values.iter().map(Value::display).collect()).unwrap_or_default()
        };
        let condition_fails = r.condition.as_ref().is_some_and(Match::is_no);
        let candidate = if !r.action.is_no() && !r.resource.is_no() && !condition_fails && r.principal.is_no() {
            Some((1, Miss::Principal))
        } else if !r.action.is_no() && !r.resource.is_no() && condition_fails {
            let keys = r.failed_conditions.iter().map(|&i| st.conditions[i].key.clone()).collect();
            Some((0, Miss::Condition { keys }))
        } else if !r.action.is_no() && r.resource.is_no() {
            let resources = shown(&st.resource);
            if literal_star {
                Some((2, Miss::ResourceNeedsStar { resources }))
            } else {
                Some((2, Miss::Resource { resources }))
            }
        } else if r.action.is_no() {
            match misspelt(st, &req.action) {
                Some((written, value)) if !r.resource.is_no() => Some((3, Miss::MisspeltAction { written, value })),
                Some((written, value)) => Some((5, Miss::MisspeltAction { written, value })),
                None if !r.resource.is_no() && same_service(st, &req.action) => {
                    Some((4, Miss::OtherAction { actions: shown(&st.action) }))
                }
                None => None,
            }
        } else {
            None
        };
        if let Some((rank, why)) = candidate {
            if best.as_ref().is_none_or(|(b, _)| rank < *b) {
                best = Some((rank, NearMiss { at: r.at, layer: r.layer, why }));
            }
        }
    }
    best.map(|(_, m)| m)
}

/// An action entry of the statement that is the requested action misspelt.
fn misspelt(st: &Statement, action: &str) -> Option<(String, Value)> {
    let list = st.action.as_ref().filter(|l| !l.negated)?;
    for (value, text) in list.literals() {
        let Some((prefix, name)) = text.split_once(':') else { continue };
        if text.contains(['*', '?']) {
            continue;
        }
        let fixed = match catalog::service(prefix) {
            Some(svc) if svc.action(name).is_none() => catalog::suggest_action(svc, name).map(|a| a.full_name()),
            Some(_) => None,
            None => catalog::suggest_service(prefix)
                .and_then(|p| {
                    catalog::action(&format!("{p}:{name}"))
                        .or_else(|| catalog::service(p).and_then(|svc| catalog::suggest_action(svc, name)))
                })
                .map(|a| a.full_name()),
        };
        if fixed.is_some_and(|f| f.eq_ignore_ascii_case(action)) {
            return Some((text.to_string(), value.clone()));
        }
    }
    None
}

fn same_service(st: &Statement, action: &str) -> bool {
    let prefix = action.split_once(':').map_or(action, |(p, _)| p);
    st.action.as_ref().is_some_and(|l| {
        !l.negated && l.literals().any(|(_, t)| t.split_once(':').is_some_and(|(p, _)| p.eq_ignore_ascii_case(prefix)))
    })
}
