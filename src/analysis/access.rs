//! Who can do what: the access a project grants, principal by principal, and
//! what changes between two readings of it (`policy-lint diff`, `[[forbid]]`).
//!
//! The contract of the comparison, in a few lines:
//! - A principal ([`Subject`]) is a role, user or group with its policy set
//!   (inline and managed policies, boundary, the project's SCPs and RCPs); a
//!   policy file no entity uses, on its own; or a grantee of a resource or
//!   trust policy (public `*`, an account, a role, a service), once for each
//!   policy that names it.
//! - Access is decided by the engine ([`evaluate`]), never read off the text:
//!   the requests are each action of the catalog that an `Allow` of either
//!   reading matches, on each resource that statement writes (`*` included).
//!   Reordering, splitting a statement, renaming a Sid or an equivalent
//!   wildcard therefore change nothing, and narrowing `*` to an ARN loses `*`.
//! - An answer that turns on a condition key is access "on conditions"; one
//!   that turns on a value the project does not give (`var.x`, `!Ref`) is
//!   unknown, and reported as unknown, never as gained or lost.
//! - A principal whose policies are the same text in both readings is not
//!   evaluated at all: the work follows the size of the change.

use super::eval::{action_match, evaluate, Decision, Evaluation, Layer, PolicySet, StatementRef};
use super::holes;
use super::principal::{self, PrincipalKind};
use super::request::Request;
use super::terms::Terms;
use crate::catalog::{self, AccessLevel};
use crate::index::ProjectIndex;
use crate::policy::{Effect, Policy, PolicyKind, PrincipalEntry, Statement};
use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};

/// How far a grantee reaches beyond the project's own principals.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reach {
    /// Anyone: `"Principal": "*"` or `{"AWS": "*"}`.
    Public,
    /// An AWS account (or a principal of one) named by id: another account
    /// unless it is the resource's own.
    Account(String),
    /// A project principal, a service, or a principal whose account is not written.
    Internal,
}

/// What kind of principal a subject is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SubjectKind {
    Role,
    User,
    Group,
    /// An identity policy no role, user or group of the project uses.
    Policy,
    /// A principal named by a resource or trust policy.
    Grantee,
}

impl SubjectKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SubjectKind::Role => "role",
            SubjectKind::User => "user",
            SubjectKind::Group => "group",
            SubjectKind::Policy => "policy",
            SubjectKind::Grantee => "grantee",
        }
    }
}

/// One principal of one reading, with the policies that decide its requests.
pub struct Subject<'p> {
    /// The key across readings: an address, logical id, policy origin or
    /// `grantee via policy`.
    pub label: String,
    pub kind: SubjectKind,
    pub reach: Reach,
    /// The grantee as written (`lambda.amazonaws.com`, `*`, an ARN), for grantees.
    pub grantee: Option<String>,
    /// The names a configuration may give it: the label, the role or user
    /// name, the grantee as written.
    pub names: Vec<String>,
    set: PolicySet<'p>,
    /// Grantees: the statements of the granting policy that apply to them,
    /// read as identity policies (their `Principal` already decided).
    owned: Vec<Policy>,
    fingerprint: u64,
}

impl<'p> Subject<'p> {
    /// For messages: `` `aws_iam_role.x` ``, or ``everyone via `bucket.json` ``.
    pub fn shown(&self) -> String {
        shown(&self.label)
    }

    fn with_set(&self) -> PolicySet<'_> {
        if self.owned.is_empty() {
            return self.set.clone();
        }
        PolicySet::identity(self.owned.iter())
    }
}

/// A subject's label for messages, with code spans around the names.
pub fn shown(label: &str) -> String {
    match label.split_once(" via ") {
        Some((who, origin)) => format!("{who} via `{origin}`"),
        None => format!("`{label}`"),
    }
}

/// Every principal of a project, with its policy set.
pub fn subjects<'p>(policies: &'p [Policy], index: &ProjectIndex) -> Vec<Subject<'p>> {
    let mut out = Vec::new();
    let mut used: BTreeSet<*const Policy> = BTreeSet::new();
    for p in principal::all_entities(policies, index) {
        let kind = match p.kind {
            PrincipalKind::Role => SubjectKind::Role,
            PrincipalKind::User => SubjectKind::User,
            PrincipalKind::Group => SubjectKind::Group,
            _ => continue,
        };
        for (_, q) in p.set.layers() {
            used.insert(q as *const Policy);
        }
        let mut s = subject(p.label, kind, Reach::Internal, None, p.set, Vec::new());
        s.names.extend(p.name);
        out.push(s);
    }
    let scps: Vec<&Policy> = policies.iter().filter(|p| matches!(p.kind, PolicyKind::Scp | PolicyKind::Rcp)).collect();
    for p in policies {
        match p.kind {
            // A policy resource of a template or module (`aws_iam_policy.x`)
            // grants only through the entities it is attached to; a policy
            // file stands for whoever it is attached to outside the project.
            PolicyKind::Identity | PolicyKind::Unknown
                if p.origin.is_none() && !used.contains(&(p as *const Policy)) =>
            {
                let mut set = PolicySet::identity([p]);
                for &s in &scps {
                    set.of_mut(if s.kind == PolicyKind::Rcp { Layer::Rcp } else { Layer::Scp }).push(s);
                }
                let mut s = subject(p.display_origin(), SubjectKind::Policy, Reach::Internal, None, set, Vec::new());
                s.names.push(p.source.path.clone());
                out.push(s);
            }
            PolicyKind::Resource | PolicyKind::Trust => out.extend(grantees(p)),
            _ => {}
        }
    }
    // Two policies of one origin (a role's inline policies written apart) make one subject.
    let mut merged: Vec<Subject<'p>> = Vec::with_capacity(out.len());
    out.sort_by(|a, b| a.label.cmp(&b.label));
    for s in out {
        match merged.last_mut() {
            Some(last) if last.label == s.label && last.kind == s.kind => {
                for (layer, p) in s.set.layers() {
                    let list = last.set.of_mut(layer);
                    if !list.iter().any(|q| std::ptr::eq(*q, p)) {
                        list.push(p);
                    }
                }
                last.owned.extend(s.owned);
                for n in s.names {
                    if !last.names.contains(&n) {
                        last.names.push(n);
                    }
                }
                last.fingerprint = last.fingerprint.rotate_left(7) ^ s.fingerprint;
            }
            _ => merged.push(s),
        }
    }
    merged
}

fn subject<'p>(
    label: String,
    kind: SubjectKind,
    reach: Reach,
    grantee: Option<String>,
    set: PolicySet<'p>,
    owned: Vec<Policy>,
) -> Subject<'p> {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for (layer, p) in set.layers() {
        layer.hash(&mut h);
        p.source.slice(p.span).hash(&mut h);
    }
    for p in &owned {
        for st in &p.statements {
            p.source.slice(st.span).hash(&mut h);
        }
    }
    let names = vec![label.clone()];
    Subject { label, kind, reach, grantee, names, set, owned, fingerprint: h.finish() }
}

/// The grantees of a resource or trust policy: each principal its `Allow`
/// statements name, with the statements that apply to it.
fn grantees<'p>(policy: &'p Policy) -> Vec<Subject<'p>> {
    let mut named: BTreeMap<(String, String), PrincipalEntry> = BTreeMap::new();
    for st in policy.statements.iter().filter(|s| s.effect == Effect::Allow) {
        let Some(p) = st.principal.as_ref().filter(|p| !p.negated) else { continue };
        for e in &p.entries {
            named.entry((e.kind.clone(), e.value.display())).or_insert_with(|| e.clone());
        }
    }
    let origin = policy.display_origin();
    let own_account = resource_account(policy);
    named
        .into_values()
        .map(|entry| {
            let written = entry.value.display();
            let public = (entry.kind == "*" || entry.kind == "AWS") && written == "*";
            let reach = match account_of(&entry) {
                _ if public => Reach::Public,
                Some(account) if Some(&account) != own_account.as_ref() => Reach::Account(account),
                _ => Reach::Internal,
            };
            let mut own = policy.clone();
            own.kind = PolicyKind::Identity;
            own.statements.retain(|st| applies_to(st, &entry));
            let who = match entry.kind.as_str() {
                _ if public => "everyone".to_string(),
                "Service" => format!("service {written}"),
                "Federated" => format!("federated {written}"),
                "CanonicalUser" => format!("canonical user {written}"),
                _ => written.clone(),
            };
            // Not the policy's kind: a trust policy that gains a statement
            // may read as a resource policy, and its grantees stay the same.
            let label = format!("{who} via {origin}");
            let mut s =
                subject(label, SubjectKind::Grantee, reach, Some(written.clone()), PolicySet::default(), vec![own]);
            s.names.push(written);
            s
        })
        .collect()
}

/// The account an `AWS` principal entry names: `111122223333`, or the account of an ARN.
fn account_of(entry: &PrincipalEntry) -> Option<String> {
    if entry.kind != "AWS" {
        return None;
    }
    let v = entry.value.lit()?;
    if v.len() == 12 && v.bytes().all(|b| b.is_ascii_digit()) {
        return Some(v.to_string());
    }
    let account = v.split(':').nth(4)?;
    (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())).then(|| account.to_string())
}

/// The account the resources of a resource policy belong to, when its
/// statements name them by ARNs that all write the same account: a grantee of
/// that account is no other account. (Unknown when an ARN leaves the account
/// out, as S3's do, or reads it from a value not known here.)
fn resource_account(policy: &Policy) -> Option<String> {
    let mut account = None;
    for list in policy.statements.iter().filter_map(|st| st.resource.as_ref()) {
        if list.negated || list.has_unknown {
            return None;
        }
        for value in &list.values {
            let arn_account = value.lit()?.split(':').nth(4)?;
            if arn_account.len() != 12 || !arn_account.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            match &account {
                None => account = Some(arn_account.to_string()),
                Some(a) if a == arn_account => {}
                Some(_) => return None,
            }
        }
    }
    account
}

/// Does a statement of a resource policy apply to this grantee? Statements
/// without `Principal`, those naming it or everyone, and a `NotPrincipal`
/// that leaves it out.
fn applies_to(st: &Statement, entry: &PrincipalEntry) -> bool {
    let Some(p) = &st.principal else { return true };
    let names = |e: &PrincipalEntry| {
        (e.kind == entry.kind && e.value.display() == entry.value.display())
            || ((e.kind == "*" || e.kind == "AWS") && e.value.lit() == Some("*"))
    };
    let hit = p.entries.iter().any(names);
    if p.negated {
        !hit
    } else {
        hit
    }
}

/// What one reading answers for one request.
enum State<'p> {
    /// When it is allowed (never, always, or on conditions).
    Known(Terms<'p>),
    /// On values the project does not give: what it turns on.
    Unknown(Vec<String>),
}

fn state<'p>(ev: &Evaluation<'p>) -> State<'p> {
    match &ev.decision {
        Decision::Depends { keys } if keys.iter().any(|k| is_unresolved(k)) => State::Unknown(keys.clone()),
        _ => State::Known(Terms::of(ev)),
    }
}

/// A key that names a value the project does not give, not a request's context key.
fn is_unresolved(key: &str) -> bool {
    key.contains("unresolved") || key.starts_with("${")
}

/// The rank `--fail-on-new-access` compares: list < read < tagging < write < permissions management.
pub fn level_rank(level: AccessLevel) -> u8 {
    match level {
        AccessLevel::List => 0,
        AccessLevel::Read => 1,
        AccessLevel::Tagging => 2,
        AccessLevel::Write => 3,
        AccessLevel::PermissionsManagement => 4,
    }
}

/// Actions of one service on one resource, that one statement grants (or granted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grouped {
    pub service: String,
    /// The action patterns of the responsible statement that cover these actions.
    pub patterns: Vec<String>,
    pub resource: String,
    /// Full action names, sorted.
    pub actions: Vec<String>,
    /// How many of them at each access level (levels present only).
    pub levels: Vec<(AccessLevel, usize)>,
    /// The conditions of the responsible statement, as written: those the
    /// access is gained on, or for access lost, those it remains on (an
    /// `Allow` of the work tree), is denied on (a `Deny`) or was granted on
    /// (a statement of BASE).
    pub conditions: Vec<String>,
    /// For unknown changes: what the answer turns on.
    pub depends: Vec<String>,
    /// `path:line` of the responsible statement.
    pub at: Option<String>,
    /// The statement is in BASE (the access was lost with it).
    pub at_base: bool,
    /// The statement is a `Deny`: its conditions say when the access is denied.
    pub denies: bool,
}

impl Grouped {
    pub fn highest_level(&self) -> Option<AccessLevel> {
        self.levels.iter().map(|(l, _)| *l).max_by_key(|l| level_rank(*l))
    }
}

/// What changed for one principal.
#[derive(Debug, Clone)]
pub struct AccessChange {
    pub principal: String,
    pub kind: SubjectKind,
    pub reach: Reach,
    pub grantee: Option<String>,
    /// The principal is new in the work tree, or gone from it.
    pub added: bool,
    pub removed: bool,
    pub gained: Vec<Grouped>,
    pub lost: Vec<Grouped>,
    pub unknown: Vec<Grouped>,
}

impl AccessChange {
    /// Public or cross-account access gained: reported first.
    pub fn is_exposure(&self) -> bool {
        !self.gained.is_empty() && self.reach != Reach::Internal
    }
}

/// The access changes from `base` to `head`, principal by principal: public
/// and cross-account access gained first, then by principal.
pub fn diff(base: &[Subject], head: &[Subject]) -> Vec<AccessChange> {
    let by_label = |list: &[Subject]| -> BTreeMap<String, usize> {
        list.iter().enumerate().map(|(i, s)| (s.label.clone(), i)).collect()
    };
    let (b, h) = (by_label(base), by_label(head));
    let labels: BTreeSet<&String> = b.keys().chain(h.keys()).collect();
    let mut out: Vec<AccessChange> = Vec::new();
    for label in labels {
        let bs = b.get(label).map(|&i| &base[i]);
        let hs = h.get(label).map(|&i| &head[i]);
        if let (Some(x), Some(y)) = (bs, hs) {
            if x.fingerprint == y.fingerprint {
                continue;
            }
        }
        let change = compare(bs, hs);
        if !(change.gained.is_empty() && change.lost.is_empty() && change.unknown.is_empty()) {
            out.push(change);
        }
    }
    out.sort_by(|a, b| (!a.is_exposure(), &a.reach, &a.principal).cmp(&(!b.is_exposure(), &b.reach, &b.principal)));
    out
}

fn compare(base: Option<&Subject>, head: Option<&Subject>) -> AccessChange {
    let any = head.or(base).expect("a subject on one side");
    let base_set = base.map(|s| s.with_set());
    let head_set = head.map(|s| s.with_set());
    let mut requests: BTreeSet<(String, String)> = BTreeSet::new();
    for set in base_set.iter().chain(head_set.iter()) {
        for (layer, p) in set.layers() {
            if matches!(layer, Layer::Identity | Layer::Resource) {
                candidates(p, &mut requests);
            }
        }
    }
    let actions: BTreeSet<String> = requests.iter().map(|(a, _)| a.clone()).collect();
    for set in base_set.iter().chain(head_set.iter()) {
        for (_, p) in set.layers() {
            denied(p, &actions, &mut requests);
        }
    }
    let mut gained: Groups = BTreeMap::new();
    let mut lost: Groups = BTreeMap::new();
    let mut unknown: Groups = BTreeMap::new();
    for (action, resource) in requests {
        let req = holes::request(&action, &resource);
        let eb = base_set.as_ref().map(|s| decide(s, &req));
        let eh = head_set.as_ref().map(|s| decide(s, &req));
        let sb = eb.as_ref().map_or(State::Known(Terms::default()), state);
        let sh = eh.as_ref().map_or(State::Known(Terms::default()), state);
        let (tb, th) = match (sb, sh) {
            (State::Unknown(a), State::Unknown(b)) if a == b => continue,
            (State::Unknown(k), State::Known(_)) => {
                add(&mut unknown, &action, &resource, eb.as_ref().and_then(responsible), true, k);
                continue;
            }
            (_, State::Unknown(k)) => {
                add(&mut unknown, &action, &resource, eh.as_ref().and_then(responsible), false, k);
                continue;
            }
            (State::Known(tb), State::Known(th)) => (tb, th),
        };
        let wider = !th.within(&tb);
        let narrower = !tb.within(&th);
        let sets: Vec<&PolicySet> = base_set.iter().chain(head_set.iter()).collect();
        if wider || narrower {
            // A hole of the resource that a statement matches for some values only.
            if let Some(keys) = holes::may_decide(&sets, &req) {
                let at = eh.as_ref().and_then(responsible);
                add(&mut unknown, &action, &resource, at.or(eb.as_ref().and_then(responsible)), at.is_none(), keys);
                continue;
            }
        }
        if wider {
            add(&mut gained, &action, &resource, eh.as_ref().and_then(responsible), false, Vec::new());
        }
        if !narrower {
            continue;
        }
        let base_at = eb.as_ref().and_then(responsible);
        let (at, at_base) = if wider {
            // Granted on other terms: lost on BASE's.
            (base_at, true)
        } else if let Some(deny) = eh.as_ref().filter(|e| e.decision == Decision::ExplicitDeny) {
            (responsible(deny), false)
        } else if th.allow.is_empty() {
            (base_at, true)
        } else if !tb.allows_within(&th) || th.new_deny(&tb).is_none() {
            // Still allowed, on narrower conditions.
            (eh.as_ref().and_then(responsible), false)
        } else {
            // Still allowed, except where a new conditional Deny applies.
            (th.new_deny(&tb), false)
        };
        add(&mut lost, &action, &resource, at, at_base, Vec::new());
    }
    AccessChange {
        principal: any.label.clone(),
        kind: any.kind,
        reach: any.reach.clone(),
        grantee: any.grantee.clone(),
        added: base.is_none(),
        removed: head.is_none(),
        gained: finish(gained),
        lost: finish(lost),
        unknown: finish(unknown),
    }
}

/// The engine's answer, except that a `Deny` touching only part of the
/// request's resources (`arn:aws:s3:::b/secret/*` of `arn:aws:s3:::b/*`) does
/// not decide it: the answer is then the one for a resource the pattern names
/// that no such `Deny` touches, and the narrower resources are requests of
/// their own ([`denied`]).
fn decide<'p>(set: &PolicySet<'p>, req: &Request) -> Evaluation<'p> {
    let ev = evaluate(set, req);
    let resource_level = catalog::action(&req.action).is_some_and(|a| a.supports_resource_level());
    if ev.decision != Decision::ExplicitDeny || !resource_level || !req.resource.contains(['*', '?']) {
        return ev;
    }
    // A character no ARN and no policy writes stands for "any other value".
    let other = req.resource.replace(['*', '?'], "\u{3}");
    let rest = evaluate(set, &holes::request(&req.action, &other));
    if rest.decision == Decision::ExplicitDeny {
        ev
    } else {
        rest
    }
}

/// The requests a policy's `Deny` statements name, for the actions some
/// `Allow` names: what a `Deny` narrower than a grant takes away.
fn denied(p: &Policy, actions: &BTreeSet<String>, out: &mut BTreeSet<(String, String)>) {
    for st in p.statements.iter().filter(|s| s.effect == Effect::Deny) {
        let Some(list) = st.resource.as_ref().filter(|l| !l.negated) else { continue };
        for a in actions.iter().filter(|a| action_match(st.action.as_ref(), a).is_yes()) {
            for v in &list.values {
                out.insert((a.clone(), holes::resource_text(v)));
            }
        }
    }
}

/// The statement that decides: the first deciding one, preferring an `Allow`
/// for an allowed or undecided request.
fn responsible<'p>(ev: &Evaluation<'p>) -> Option<StatementRef<'p>> {
    let mut deciding = ev.deciding();
    let first = ev.deciding().next().map(|r| r.at);
    match ev.decision {
        Decision::ExplicitDeny => first,
        _ => deciding.find(|r| r.effect == Effect::Allow).map(|r| r.at).or(first),
    }
}

type Groups<'a> = BTreeMap<(String, String, String, bool), (Vec<String>, Option<StatementRef<'a>>, Vec<String>)>;

fn add<'a>(
    groups: &mut Groups<'a>,
    action: &str,
    resource: &str,
    at: Option<StatementRef<'a>>,
    at_base: bool,
    depends: Vec<String>,
) {
    let service = action.split_once(':').map_or(action, |(s, _)| s).to_ascii_lowercase();
    let key = (service, resource.to_string(), at.map(|a| a.location()).unwrap_or_default(), at_base);
    let entry = groups.entry(key).or_insert_with(|| (Vec::new(), at, Vec::new()));
    entry.0.push(action.to_string());
    for k in depends {
        if !entry.2.contains(&k) {
            entry.2.push(k);
        }
    }
}

fn finish(groups: Groups) -> Vec<Grouped> {
    groups
        .into_iter()
        .map(|((service, resource, location, at_base), (mut actions, at, depends))| {
            actions.sort();
            actions.dedup();
            let mut levels: BTreeMap<AccessLevel, usize> = BTreeMap::new();
            for a in &actions {
                if let Some(x) = catalog::action(a) {
                    *levels.entry(x.access_level()).or_default() += 1;
                }
            }
            let mut levels: Vec<(AccessLevel, usize)> = levels.into_iter().collect();
            levels.sort_by_key(|(l, n)| (std::cmp::Reverse(*n), level_rank(*l)));
            let (patterns, conditions) = match at {
                Some(at) => (patterns_of(at.statement(), &actions), conditions_of(at.statement())),
                None => (Vec::new(), Vec::new()),
            };
            let at_line = at.map(|_| location.rsplit_once(':').map_or(location.clone(), |(l, _)| l.to_string()));
            let denies = at.is_some_and(|at| at.statement().effect == Effect::Deny);
            let resource = holes::shown(&resource);
            Grouped { service, patterns, resource, actions, levels, conditions, depends, at: at_line, at_base, denies }
        })
        .collect()
}

/// The action values of a statement that match one of `actions`, as written.
fn patterns_of(st: &Statement, actions: &[String]) -> Vec<String> {
    let Some(list) = &st.action else { return Vec::new() };
    if list.negated {
        return vec![format!("NotAction {}", list.values.iter().map(|v| v.display()).collect::<Vec<_>>().join(", "))];
    }
    let mut out = Vec::new();
    for v in &list.values {
        let written = v.display();
        let hits = actions.iter().any(|a| v.lit().is_some_and(|t| catalog::wildcard_match(t, a, true)));
        if hits && !out.contains(&written) {
            out.push(written);
        }
    }
    out
}

/// A statement's conditions, one line each: `StringEquals aws:SourceAccount = 111122223333`.
fn conditions_of(st: &Statement) -> Vec<String> {
    let mut out: Vec<String> = st
        .conditions
        .iter()
        .map(|c| {
            let values: Vec<String> = c.values.iter().map(|v| v.display()).collect();
            format!("{} {} = {}", c.operator, c.key, values.join(" | "))
        })
        .collect();
    if st.conditions_unknown {
        out.push("an unresolved Condition block".to_string());
    }
    out
}

/// The requests a policy's `Allow` statements name: each catalog action
/// their patterns match, on each resource they write.
fn candidates(p: &Policy, out: &mut BTreeSet<(String, String)>) {
    for st in p.statements.iter().filter(|s| s.effect != Effect::Deny) {
        let mut actions: Vec<String> = Vec::new();
        if let Some(list) = &st.action {
            if list.negated {
                actions.extend(catalog::expand("*").into_iter().map(|a| a.full_name()));
            } else {
                for v in &list.values {
                    let Some(t) = v.lit() else { continue };
                    if catalog::has_wildcard(t) {
                        actions.extend(catalog::expand(t).into_iter().map(|a| a.full_name()));
                    } else {
                        actions.push(catalog::action(t).map_or_else(|| t.to_string(), |a| a.full_name()));
                    }
                }
            }
        }
        let mut resources: Vec<String> = vec![];
        match &st.resource {
            Some(list) if !list.negated => resources.extend(list.values.iter().map(holes::resource_text)),
            _ => resources.push("*".to_string()),
        }
        for a in &actions {
            // Skip requests the statement's own pattern cannot decide (unknown actions stay).
            if action_match(st.action.as_ref(), a).is_no() {
                continue;
            }
            for r in &resources {
                out.insert((a.clone(), r.clone()));
            }
        }
    }
}

/// One request a subject is allowed, with the statement that allows it.
#[derive(Debug, Clone)]
pub struct Allowed {
    pub action: String,
    pub resource: String,
    /// The granting statement's file and span.
    pub site: Option<(crate::source::Source, crate::source::Span)>,
}

/// The requests of `requests` that a subject is allowed (without conditions),
/// each with the statement that allows it.
pub fn allowed(subject: &Subject, requests: &[(String, String)]) -> Vec<Allowed> {
    let set = subject.with_set();
    let mut out = Vec::new();
    for (action, resource) in requests {
        let req = Request::new(action.clone(), resource.clone());
        let ev = evaluate(&set, &req);
        if ev.decision.is_allowed() {
            let site = responsible(&ev).map(|r| (r.policy.source.clone(), r.statement().span));
            out.push(Allowed { action: action.clone(), resource: resource.clone(), site });
        }
    }
    out
}

/// The `(action, resource)` requests a subject's `Allow` statements name.
pub fn requests_of(subject: &Subject) -> Vec<(String, String)> {
    let mut out = BTreeSet::new();
    for (layer, p) in subject.with_set().layers() {
        if matches!(layer, Layer::Identity | Layer::Resource) {
            candidates(p, &mut out);
        }
    }
    out.into_iter().map(|(action, resource)| (action, holes::shown(&resource))).collect()
}
