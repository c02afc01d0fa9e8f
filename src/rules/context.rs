//! What a policy rule sees: the policy, with every action of every statement
//! resolved against the catalog once, so no rule looks an action up twice.

use crate::catalog::{self, Action, Retired, Service};
use crate::policy::{Policy, Statement, Value};

/// How an action string in a policy resolves against the catalog.
#[derive(Debug, Clone)]
pub enum ActionKind {
    /// One action, `chime:CreateSipMediaApplicationCall`.
    Exact(Action),
    /// A pattern with `*`/`?` and the actions it matches (possibly none),
    /// sorted; shared, since the same pattern resolves to the same actions.
    Pattern(std::sync::Arc<[Action]>),
    /// `*` or `*:*`: every action of every service.
    All,
    /// The part before `:` is no service prefix.
    UnknownService { prefix: String },
    /// The service exists, the action does not.
    UnknownAction { service: &'static Service, name: String },
    /// A service or action that AWS retired: an older release of the
    /// reference lists it (a pattern: matches only retired actions; the one
    /// last listed latest).
    Retired(Retired),
    /// A prefix, or an action of a known service, that the reference never
    /// listed but AWS managed policies grant: real, and nothing more is known.
    Undocumented,
    /// No `service:action` shape at all.
    Malformed,
    /// Not known statically (`var.x`, `!Ref`, a string with holes).
    Unresolved,
}

#[derive(Debug, Clone)]
pub struct ActionRef<'a> {
    pub value: &'a Value,
    pub kind: ActionKind,
}

impl ActionRef<'_> {
    /// The safe fix that writes `new` in place of this entry, when the entry
    /// is a literal and its statement (`siblings`) does not name `new` already.
    pub fn replaced_by(
        &self,
        siblings: &[ActionRef],
        source: &crate::source::Source,
        new: &str,
    ) -> Option<crate::finding::Fix> {
        if siblings.iter().any(|s| s.value.lit().is_some_and(|l| l.eq_ignore_ascii_case(new))) {
            return None;
        }
        let current = self.value.lit()?;
        crate::finding::fix::replace(crate::finding::Applicability::Safe, source, self.value.span, current, new)
    }

    /// The catalog actions this entry stands for (none when unknown or `*`).
    pub fn actions(&self) -> &[Action] {
        match &self.kind {
            ActionKind::Exact(a) => std::slice::from_ref(a),
            ActionKind::Pattern(v) => v,
            _ => &[],
        }
    }
}

pub struct StatementCx<'a> {
    pub st: &'a Statement,
    /// The entries of `Action` or `NotAction` (see `st.action.negated`).
    pub actions: Vec<ActionRef<'a>>,
    /// Which `Resource` values fit which resource types, worked out when a rule
    /// first asks: several rules ask, the actions of `chime:*` share a handful
    /// of types, and the ARN-format match is the costly part.
    fits: std::cell::RefCell<Option<Vec<ValueFit>>>,
}

impl StatementCx<'_> {
    /// True when every action entry resolved to catalog actions, so the set is fully known.
    pub fn actions_known(&self) -> bool {
        self.st.action.as_ref().is_some_and(|a| !a.has_unknown)
            && self.actions.iter().all(|a| matches!(a.kind, ActionKind::Exact(_) | ActionKind::Pattern(_)))
    }

    /// Every catalog action named (for `Action`, not `NotAction`).
    pub fn granted(&self) -> impl Iterator<Item = Action> + '_ {
        let positive = self.st.action.as_ref().is_some_and(|a| !a.negated);
        self.actions.iter().filter(move |_| positive).flat_map(|a| a.actions().iter().copied())
    }

    /// Whether `Resource` value `i` can apply to `action`, as [`resource_applies`]
    /// says (an unresolved value applies to nothing here).
    pub fn value_applies(&self, i: usize, action: Action) -> bool {
        let mut fits = self.fits.borrow_mut();
        let fits = fits.get_or_insert_with(|| {
            let values = self.st.resource.iter().flat_map(|r| &r.values);
            values.map(|v| ValueFit::new(v.as_pattern().map(|p| p.into_owned()))).collect()
        });
        fits.get_mut(i).is_some_and(|f| f.applies(action))
    }

    /// Whether some `Resource` value can apply to `action`.
    pub fn resources_apply(&self, action: Action) -> bool {
        let n = self.st.resource.as_ref().map_or(0, |r| r.values.len());
        (0..n).any(|i| self.value_applies(i, action))
    }
}

/// One `Resource` value and the resource types it was matched against.
struct ValueFit {
    /// The value with holes read as `*`; `None` when wholly unknown.
    pattern: Option<String>,
    /// All `*`: applies to every action.
    any: bool,
    /// The resource types matched so far (by index), with the answer: a
    /// statement's actions share a handful of them.
    memo: Vec<(u32, bool)>,
}

impl ValueFit {
    fn new(pattern: Option<String>) -> ValueFit {
        let any = pattern.as_deref().is_some_and(|p| p.chars().all(|c| c == '*'));
        ValueFit { pattern, any, memo: Vec::new() }
    }

    fn applies(&mut self, action: Action) -> bool {
        let Some(pattern) = self.pattern.as_deref() else { return false };
        if self.any {
            return true;
        }
        let memo = &mut self.memo;
        action.resource_types().any(|(rt, _)| {
            let id = rt.index() as u32;
            match memo.iter().find(|(i, _)| *i == id) {
                Some(&(_, fits)) => fits,
                None => {
                    let fits = rt.matches_arn(pattern);
                    memo.push((id, fits));
                    fits
                }
            }
        })
    }
}

pub struct PolicyCx<'a> {
    pub policy: &'a Policy,
    pub statements: Vec<StatementCx<'a>>,
}

impl<'a> PolicyCx<'a> {
    pub fn new(policy: &'a Policy) -> PolicyCx<'a> {
        let statements = policy
            .statements
            .iter()
            .map(|st| StatementCx {
                st,
                actions: st
                    .action
                    .iter()
                    .flat_map(|list| list.values.iter())
                    .map(|value| ActionRef { value, kind: resolve(value) })
                    .collect(),
                fits: std::cell::RefCell::default(),
            })
            .collect();
        PolicyCx { policy, statements }
    }

    /// Every entry of every statement's `Action` or `NotAction`, with its statement.
    pub fn action_entries(&self) -> impl Iterator<Item = (&StatementCx<'a>, &ActionRef<'a>)> {
        self.statements.iter().flat_map(|sc| sc.actions.iter().map(move |a| (sc, a)))
    }

    /// The statements that allow.
    pub fn allows(&self) -> impl Iterator<Item = &StatementCx<'a>> {
        self.statements.iter().filter(|sc| sc.st.is_allow())
    }

    /// Every entry of `Action` (not `NotAction`) of the statements that allow:
    /// what the policy grants by name.
    pub fn granted_entries(&self) -> impl Iterator<Item = (&StatementCx<'a>, &ActionRef<'a>)> {
        self.allows()
            .filter(|sc| sc.st.action.as_ref().is_some_and(|a| !a.negated))
            .flat_map(|sc| sc.actions.iter().map(move |a| (sc, a)))
    }
}

/// Resolves one action string.
pub fn resolve(value: &Value) -> ActionKind {
    match value.lit() {
        Some(text) => with_resolved(text, ActionKind::clone),
        None => ActionKind::Unresolved,
    }
}

/// What `answer` makes of an action string's resolution, looked up in (or
/// added to) this thread's memory of them without copying it.
fn with_resolved<R>(text: &str, answer: impl FnOnce(&ActionKind) -> R) -> R {
    thread_local! {
        /// Action strings this thread has resolved: a tree's policies repeat
        /// the same actions, and a wildcard is expanded over a whole service.
        /// Hashed with a seeded hash several times quicker than the standard
        /// one on strings this short.
        static RESOLVED: std::cell::RefCell<foldhash::HashMap<Box<str>, ActionKind>> =
            std::cell::RefCell::default();
    }
    /// Beyond this many distinct strings the cache starts over.
    const CAPACITY: usize = 4096;
    RESOLVED.with_borrow_mut(|cache| {
        if let Some(kind) = cache.get(text) {
            return answer(kind);
        }
        let kind = resolve_text(text);
        let answered = answer(&kind);
        if cache.len() >= CAPACITY {
            cache.clear();
        }
        cache.insert(text.into(), kind);
        answered
    })
}

fn resolve_text(text: &str) -> ActionKind {
    if text == "*" || text == "*:*" {
        return ActionKind::All;
    }
    let Some((prefix, name)) = text.split_once(':') else { return ActionKind::Malformed };
    // A name with a `:` of its own (`iam:PassRole:x`) is no action of the
    // service: it goes on to be an unknown action (or service), not silence.
    if prefix.is_empty() || name.is_empty() {
        return ActionKind::Malformed;
    }
    if catalog::has_wildcard(prefix) {
        return ActionKind::Pattern(catalog::expand(text).into());
    }
    let Some(service) = catalog::service(prefix) else {
        if let Some(r) = catalog::retired_service(prefix) {
            return ActionKind::Retired(r);
        }
        if catalog::is_undocumented_service(prefix) {
            return ActionKind::Undocumented;
        }
        return ActionKind::UnknownService { prefix: prefix.to_string() };
    };
    if catalog::has_wildcard(name) {
        let matched = catalog::expand(text);
        if matched.is_empty() {
            if let Some(r) = service.retired_actions_matching(name).max_by_key(|r| r.last_listed) {
                return ActionKind::Retired(r);
            }
        }
        return ActionKind::Pattern(matched.into());
    }
    match service.action(name) {
        Some(a) => ActionKind::Exact(a),
        None => match service.retired_action(name) {
            Some(r) => ActionKind::Retired(r),
            None if service.is_undocumented_action(name) => ActionKind::Undocumented,
            None => ActionKind::UnknownAction { service, name: name.to_string() },
        },
    }
}

/// The action when [`resolve`] says `Exact`, without expanding patterns
/// (which never are): for rules that only look at exact actions.
pub fn resolve_exact(value: &Value) -> Option<Action> {
    let text = value.lit()?;
    if catalog::has_wildcard(text) {
        return None;
    }
    with_resolved(text, |kind| match kind {
        ActionKind::Exact(a) => Some(*a),
        _ => None,
    })
}

/// Whether a resource entry can apply to an action: `*` applies to every
/// action; an ARN (holes read as wildcards) applies when it fits one of the
/// action's resource types. Actions without resource types take only `*`.
pub fn resource_applies(action: Action, resource: &str) -> bool {
    if resource.chars().all(|c| c == '*') {
        return true;
    }
    action.resource_types().any(|(rt, _)| rt.matches_arn(resource))
}

/// What a project rule sees: every policy of the run and the project index.
pub struct ProjectCx<'a> {
    pub policies: &'a [Policy],
    pub index: &'a crate::index::ProjectIndex,
    /// The functions' code and its SDK calls, when the run read it ([`crate::code::read`]).
    pub code: &'a [crate::code::FunctionCode],
    sets: std::cell::OnceCell<Vec<crate::rules::principals::PrincipalPolicies<'a>>>,
    /// For each policy (by address), the principals whose own identity
    /// policies include it: positions in `sets`.
    holders: std::cell::OnceCell<std::collections::HashMap<*const Policy, Vec<usize>>>,
    decided: std::cell::OnceCell<Vec<crate::rules::sdk_call_denied::Decided<'a, 'a>>>,
}

impl<'a> ProjectCx<'a> {
    pub fn new(policies: &'a [Policy], index: &'a crate::index::ProjectIndex) -> ProjectCx<'a> {
        ProjectCx {
            policies,
            index,
            code: &[],
            sets: std::cell::OnceCell::new(),
            holders: std::cell::OnceCell::new(),
            decided: std::cell::OnceCell::new(),
        }
    }

    /// With the functions' code read.
    pub fn with_code(self, code: &'a [crate::code::FunctionCode]) -> ProjectCx<'a> {
        ProjectCx { code, ..self }
    }

    /// Each principal's policy set, worked out once for all the rules that ask.
    pub fn principal_policies(&self) -> &[crate::rules::principals::PrincipalPolicies<'a>] {
        self.sets.get_or_init(|| crate::rules::principals::principal_policies(self.policies, self.index))
    }

    /// Every call of every function, decided against its role: worked out
    /// once for the rules that ask (`sdk-call-denied`, `unused-grant`).
    pub fn decided(&self) -> &[crate::rules::sdk_call_denied::Decided<'a, 'a>] {
        self.decided.get_or_init(|| crate::rules::sdk_call_denied::decide(self.policies, self.index, self.code))
    }

    /// The principals whose own identity policies include `policy`, worked
    /// out once for the whole project (each fix asks for its policy's).
    pub fn holders_of(
        &self,
        policy: &Policy,
    ) -> impl Iterator<Item = &crate::rules::principals::PrincipalPolicies<'a>> {
        let sets = self.principal_policies();
        let holders = self.holders.get_or_init(|| {
            let mut by_policy: std::collections::HashMap<*const Policy, Vec<usize>> = std::collections::HashMap::new();
            for (i, set) in sets.iter().enumerate() {
                for p in set.own_identity() {
                    let at = by_policy.entry(p as *const Policy).or_default();
                    if at.last() != Some(&i) {
                        at.push(i);
                    }
                }
            }
            by_policy
        });
        holders.get(&(policy as *const Policy)).into_iter().flatten().map(move |&i| &sets[i])
    }
}
