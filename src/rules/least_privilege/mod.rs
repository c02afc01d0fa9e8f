//! What the least-privilege rules share: which policies grant anything, which
//! resources mean "everything", which conditions narrow a grant. Their data
//! tables are in [`tables`], the words of their messages in [`words`].
//!
//! The judgments here are the rules' contract, so they are written down once:
//!
//! - Only `Allow` statements are judged. A `Deny` never makes a grant too broad,
//!   and wildcards in a `Deny` are normal.
//! - Over-broad-grant rules judge identity policies. A resource policy is bounded
//!   by the resource it is attached to (`kms:*` for the account root is AWS's
//!   default key policy), and boundaries and SCPs set a ceiling; they grant nothing.
//! - A condition narrows a grant only when it is a positive test of a key that
//!   limits the grant (see `rules/condition-scopes.json`); an unreadable
//!   condition counts as narrowing. Unknown is never wrong.
//! - An attached AWS managed policy is judged like the project's own, and
//!   reported where the project attaches it ([`attached`]).

use crate::catalog::{self, Action, Service};
use crate::policy::{Condition, PolicyKind, Statement, Value, ValueText};
use crate::rules::{ActionKind, ActionRef, PolicyCx, StatementCx};
use crate::syntax::Piece;
use std::borrow::Cow;
use std::fmt;
use std::sync::LazyLock;

pub mod attached;
pub mod tables;
pub mod words;

pub use tables::{data, Capability, CredentialAction, Data, EscalationPath, Family, Step};
pub use words::{entry_text, list_words, thousands, through};

// ---------------------------------------------------------------------------
// Policy kinds
// ---------------------------------------------------------------------------

/// Policies whose `Allow` statements give their holder permissions: identity
/// policies (a standalone file without `Principal` is read as one).
pub fn is_identity(kind: PolicyKind) -> bool {
    matches!(kind, PolicyKind::Identity | PolicyKind::Unknown)
}

/// Policies that grant anything at all: everything but boundaries, SCPs and RCPs.
pub fn grants(kind: PolicyKind) -> bool {
    !matches!(kind, PolicyKind::Boundary | PolicyKind::Scp | PolicyKind::Rcp)
}

// ---------------------------------------------------------------------------
// Resources
// ---------------------------------------------------------------------------

/// `*`, or an ARN that names every resource: `arn:*`, `arn:aws:*:*:*:*`.
pub fn is_any_resource(text: &str) -> bool {
    if text.bytes().all(|b| b == b'*') {
        return !text.is_empty();
    }
    let Some(rest) = text.strip_prefix("arn:") else { return false };
    // Split as bytes: for strings this short, a plain loop beats the char searcher.
    let mut parts = rest.as_bytes().splitn(5, |&b| b == b':');
    let partition = parts.next().unwrap_or_default();
    if !(partition == b"*" || partition.starts_with(b"aws")) {
        return false;
    }
    // Then nothing more (`arn:*`), or four more parts that are all wildcards.
    let mut n = 0;
    for part in parts {
        if !part.iter().all(|&b| b == b'*') {
            return false;
        }
        n += 1;
    }
    (n == 0 && partition == b"*") || n == 4
}

/// The first literal `Resource` value that names every resource, unless the
/// element is `NotResource`.
pub fn star_resource(st: &Statement) -> Option<&Value> {
    let list = st.resource.as_ref().filter(|r| !r.negated)?;
    list.values.iter().find(|v| v.lit().is_some_and(is_any_resource))
}

/// The Allow statements of an identity policy that grant on `Resource: "*"`
/// with no condition that scopes them, each with its `*` value: what the
/// over-broad-grant rules judge.
pub fn unscoped_star_grants<'a>(cx: &'a PolicyCx<'a>) -> impl Iterator<Item = (&'a StatementCx<'a>, &'a Value)> + 'a {
    let identity = is_identity(cx.policy.kind);
    cx.statements.iter().filter(move |_| identity).filter_map(|sc| {
        let st = sc.st;
        if !st.is_allow() || st.action.as_ref().is_none_or(|a| a.negated) {
            return None;
        }
        let star = star_resource(st)?;
        (!scoped_for(st, None)).then_some((sc, star))
    })
}

/// A resource that reaches every resource of its kind: every resource, or an
/// ARN whose resource part is only wildcards, maybe after a type word
/// (`role/*`, `function:*`, `*`). `role/app-*` is scoped. A hole in a template
/// is not a wildcard: `role/${var.name}` is scoped, unknown is never wrong.
pub fn is_broad(value: &Value) -> bool {
    let text: Cow<str> = match &value.text {
        ValueText::Lit(s) => Cow::Borrowed(s),
        ValueText::Template(pieces) => Cow::Owned(
            pieces
                .iter()
                .map(|p| match p {
                    Piece::Lit(s) => s.as_str(),
                    Piece::Hole(_) => "\u{1}",
                })
                .collect(),
        ),
        ValueText::Unknown => return false,
    };
    if is_any_resource(&text) {
        return true;
    }
    let Some(rest) = text.strip_prefix("arn:") else { return false };
    let Some(resource) = rest.splitn(5, ':').nth(4) else { return false };
    let tail = match resource.find(['/', ':']) {
        Some(i) if !resource[..i].contains(['*', '?', '\u{1}']) => &resource[i + 1..],
        _ => resource,
    };
    !tail.is_empty() && tail.bytes().all(|b| b == b'*')
}

/// The first `Resource` value that is [`is_broad`] and fits `action` (a
/// `sma/*` ARN does not reach roles), unless the element is `NotResource`.
pub fn broad_resource(st: &Statement, action: Action) -> Option<&Value> {
    let list = st.resource.as_ref().filter(|r| !r.negated)?;
    list.values
        .iter()
        .find(|v| is_broad(v) && v.as_pattern().is_some_and(|p| crate::rules::context::resource_applies(action, &p)))
}

// ---------------------------------------------------------------------------
// Conditions
// ---------------------------------------------------------------------------

/// Is this a positive test that can narrow anything? Not for negated
/// operators, `Null`, `...IfExists` (requests without the key pass), or values
/// that are all `*` (or all `false` for `Bool`).
pub fn is_positive(c: &Condition) -> bool {
    let base = c.base_operator();
    if base.contains("Not") || base == "Null" || c.operator.ends_with("IfExists") {
        return false;
    }
    let all = |s: &str| !c.values.is_empty() && c.values.iter().all(|v| v.lit() == Some(s));
    !(all("*") || (base == "Bool" && all("false")))
}

/// Does `key` fall under one of `keys` (case-insensitive; an entry ending in
/// `/` or `:` covers every key under it)?
fn key_listed(key: &str, keys: &[String]) -> bool {
    keys.iter().any(|k| {
        if k.ends_with('/') || k.ends_with(':') {
            key.len() > k.len() && key.get(..k.len()).is_some_and(|h| h.eq_ignore_ascii_case(k))
        } else {
            key.eq_ignore_ascii_case(k)
        }
    })
}

/// A condition key of this service (`kms:ViaService` for `kms`).
fn is_service_key(key: &str, prefix: &str) -> bool {
    key.len() > prefix.len() + 1
        && key.as_bytes()[prefix.len()] == b':'
        && key.get(..prefix.len()).is_some_and(|h| h.eq_ignore_ascii_case(prefix))
}

/// Whether a condition of the statement narrows it: one whose key passes
/// `test` (asked first: most keys do not, and it is the cheaper question)
/// with a positive operator, or one that cannot be read.
fn narrowed_by(st: &Statement, test: impl Fn(&str) -> bool) -> bool {
    st.conditions_unknown || st.conditions.iter().any(|c| c.key_unknown || (test(&c.key) && is_positive(c)))
}

/// The statement's conditions limit the resources it reaches, in general or,
/// with `service`, for that service's actions (its own condition keys count).
pub fn scoped_for(st: &Statement, service: Option<&str>) -> bool {
    let d = data();
    narrowed_by(st, |k| key_listed(k, &d.resource_scope) || service.is_some_and(|p| is_service_key(k, p)))
}

/// Like [`scoped_for`], but conditions for which `ignore` is true do not count.
pub fn scoped_for_except(st: &Statement, service: Option<&str>, ignore: impl Fn(&Condition) -> bool) -> bool {
    let d = data();
    st.conditions_unknown
        || st.conditions.iter().any(|c| {
            !ignore(c)
                && (c.key_unknown
                    || ((key_listed(&c.key, &d.resource_scope) || service.is_some_and(|p| is_service_key(&c.key, p)))
                        && is_positive(c)))
        })
}

/// The statement's conditions narrow `Principal: "*"` to known callers.
pub fn principal_narrowed(st: &Statement) -> bool {
    narrowed_by(st, |k| key_listed(k, &data().principal_narrowing))
}

/// The statement's conditions tie a service principal to an account or resource.
pub fn source_bound(st: &Statement) -> bool {
    narrowed_by(st, |k| key_listed(k, &data().source))
}

// ---------------------------------------------------------------------------
// Action entries
// ---------------------------------------------------------------------------

/// `chime:*`: the entry names a whole (known) service.
pub fn whole_service(a: &ActionRef) -> Option<&'static Service> {
    // Such an entry always resolves to a pattern: the text of the others
    // (most entries name one action) need not be read again.
    if !matches!(a.kind, ActionKind::Pattern(_)) {
        return None;
    }
    let (prefix, name) = a.value.lit()?.split_once(':')?;
    if prefix.contains(['*', '?']) || name.is_empty() || !name.bytes().all(|b| b == b'*') {
        return None;
    }
    catalog::service(prefix)
}

/// Entries that name every action: `*`, or a whole service. Rules about
/// single actions leave them to `full-admin` and `service-wildcard`.
pub fn is_blanket(a: &ActionRef) -> bool {
    matches!(a.kind, ActionKind::All) || whole_service(a).is_some()
}

/// Does this `Action` entry grant `action`?
pub fn entry_grants(a: &ActionRef, action: Action) -> bool {
    match &a.kind {
        ActionKind::Exact(x) => *x == action,
        // `catalog::expand` returns actions in `Action` order.
        ActionKind::Pattern(v) => v.binary_search(&action).is_ok(),
        ActionKind::All => true,
        _ => false,
    }
}

/// Does the statement's `Action` (or `NotAction`) grant `action`? For
/// `NotAction`, only when every entry is known and none matches it.
/// Returns the span to point at: the entry, or the `NotAction` key.
pub fn statement_grants(sc: &StatementCx, action: Action) -> Option<crate::source::Span> {
    let list = sc.st.action.as_ref()?;
    if !list.negated {
        return sc.actions.iter().find(|a| entry_grants(a, action)).map(|a| a.value.span);
    }
    let known = !list.has_unknown
        && sc.actions.iter().all(|a| {
            matches!(
                a.kind,
                ActionKind::Exact(_) | ActionKind::Pattern(_) | ActionKind::All | ActionKind::UnknownAction { .. }
            )
        });
    (known && !sc.actions.iter().any(|a| entry_grants(a, action))).then_some(list.key_span)
}

pub use crate::catalog::scopable;

/// An ARN format of the catalog, shown with the account placeholder spelled
/// `${Account}` throughout (the Amazon Chime table says `${AccountId}`). Kept
/// as the catalog's text: a message shows only the first few of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArnFormat(&'static str);

impl fmt::Display for ArnFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `str::replace` would set up a substring search for every format
        // shown, which costs more than the search: the finder is built once.
        static ACCOUNT_ID: LazyLock<memchr::memmem::Finder> =
            LazyLock::new(|| memchr::memmem::Finder::new("${AccountId}"));
        let mut start = 0;
        for i in ACCOUNT_ID.find_iter(self.0.as_bytes()) {
            f.write_str(&self.0[start..i])?;
            f.write_str("${Account}")?;
            start = i + ACCOUNT_ID.needle().len();
        }
        f.write_str(&self.0[start..])
    }
}

/// The ARN formats an action can be scoped to: required resource types first,
/// then the simplest (shortest) format first.
pub fn arn_formats(actions: &[Action]) -> Vec<ArnFormat> {
    // A handful of formats for hundreds of actions: a list is enough to dedupe.
    // Each is kept with whether it was first seen on a required type.
    let mut formats: Vec<(bool, &'static str)> = Vec::new();
    for a in actions {
        for (rt, req) in a.resource_types() {
            for f in rt.arn_formats() {
                if !formats.iter().any(|&(_, seen)| seen == f) {
                    formats.push((req, f));
                }
            }
        }
    }
    // A stable sort: formats of one kind and length keep the order they came in.
    formats.sort_by_key(|&(req, f)| (!req, f.len()));
    formats.into_iter().map(|(_, f)| ArnFormat(f)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::source::Span;

    fn lit(s: &str) -> Value {
        Value { span: Span::default(), text: ValueText::Lit(s.into()) }
    }

    #[test]
    fn tables_load_and_resolve() {
        let d = data();
        assert!(d.capabilities.len() >= 6);
        assert!(d.capabilities.iter().all(|c| !c.paths.is_empty()));
        assert!(d.credentials.iter().all(|c| c.action.supports_resource_level()), "credential actions can be scoped");
        assert!(d.source_arn.contains_key("voiceconnector.chime.amazonaws.com"));
        assert!(d
            .pass_role_consumers
            .iter()
            .any(|(a, to)| a.full_name() == "lambda:CreateFunction" && to == "lambda.amazonaws.com"));
    }

    #[test]
    fn families_cover_the_supported_voice_actions_once() {
        let mut all: Vec<Action> = data().families.iter().flat_map(|f| f.actions.iter().copied()).collect();
        let n = all.len();
        all.sort();
        all.dedup();
        assert_eq!(n, all.len(), "an action is in two families");
        let shared = ["TagResource", "UntagResource", "ListTagsForResource"];
        let want: Vec<Action> = catalog::service("chime")
            .unwrap()
            .actions()
            .filter(|a| a.is_sdk_voice() && a.deprecation().is_none() && !shared.contains(&a.name()))
            .collect();
        assert_eq!(all, want);
    }

    #[test]
    fn any_and_broad_resources() {
        for s in ["*", "**", "arn:*", "arn:aws:*:*:*:*", "arn:*:*:*:*:*"] {
            assert!(is_any_resource(s), "{s}");
        }
        for s in ["", "arn:aws:s3:::*", "arn:aws:chime:*:*:*/x", "arn:aws:iam::*:role/*"] {
            assert!(!is_any_resource(s), "{s}");
        }
        for s in [
            "*",
            "arn:aws:iam::*:role/*",
            "arn:aws:iam::123456789012:role/*",
            "arn:aws:lambda:*:*:function:*",
            "arn:aws:s3:::*",
        ] {
            assert!(is_broad(&lit(s)), "{s}");
        }
        for s in [
            "arn:aws:iam::123456789012:role/app-*",
            "arn:aws:iam::123456789012:role/service-role/*",
            "arn:aws:iam::*:user/${aws:username}",
            "arn:aws:iam::123456789012:role/deploy",
        ] {
            assert!(!is_broad(&lit(s)), "{s}");
        }
        let hole = Value {
            span: Span::default(),
            text: ValueText::Template(vec![Piece::Lit("arn:aws:iam::123:role/".into()), Piece::Hole("var.x".into())]),
        };
        assert!(!is_broad(&hole));
        let star = Value {
            span: Span::default(),
            text: ValueText::Template(vec![
                Piece::Lit("arn:aws:iam::".into()),
                Piece::Hole("AWS::AccountId".into()),
                Piece::Lit(":role/*".into()),
            ]),
        };
        assert!(is_broad(&star));
    }

    #[test]
    fn expanded_patterns_are_sorted_for_binary_search() {
        for p in ["*:Get*", "chime:*", "*", "i*:*Role*", "*Get*"] {
            let v = catalog::expand(p);
            assert!(v.windows(2).all(|w| w[0] < w[1]), "{p}");
        }
        assert!(data().is_single_step_target(catalog::action("iam:PutRolePolicy").unwrap()));
        assert!(!data().is_single_step_target(catalog::action("iam:PassRole").unwrap()));
    }

    #[test]
    fn escalation_steps_as_sets() {
        let d = data();
        for step in d.capabilities.iter().flat_map(|c| &c.paths).flat_map(|p| &p.steps) {
            let want = step.actions.iter().fold(0, |set, &a| set | d.escalation_bit(a));
            assert!(want != 0 && step.bits == want, "{:?}", step.actions);
        }
        let pass_role = d.escalation_bit(catalog::action("iam:PassRole").unwrap());
        assert_eq!(d.escalation_bits_in(&catalog::expand("iam:Pass*")), pass_role);
        assert_eq!(d.escalation_bits_in(&catalog::expand("chime:*")), 0);
        assert_eq!(d.escalation_bits_in(&catalog::expand("*")), d.escalation_bits(|_| true));
        assert_eq!(d.escalation_bit(catalog::action("s3:GetObject").unwrap()), 0);
    }

    #[test]
    fn number_words() {
        assert_eq!(thousands(22321), "22,321");
        assert_eq!(thousands(316), "316");
        let v: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        assert_eq!(list_words(&v, 3, "or"), "`a`, `b` or `c`");
        assert_eq!(list_words(&v, 2, "and"), "`a`, `b` and 1 more");
        assert_eq!(list_words(&v[..1], 2, "and"), "`a`");
        assert_eq!(list_words(&v[..2], 3, "and"), "`a` and `b`");
        assert_eq!(list_words(&v, 1, "or"), "`a` or 2 more");
        assert_eq!(list_words(&v, 0, "or"), "");
        assert_eq!(list_words::<String>(&[], 3, "or"), "");
    }

    #[test]
    fn arn_formats_spell_the_account_placeholder_one_way() {
        let a = catalog::action("chime:UpdateSipMediaApplicationCall").unwrap();
        let shown: Vec<String> = arn_formats(&[a]).iter().map(|f| f.to_string()).collect();
        assert_eq!(shown, ["arn:${Partition}:chime:${Region}:${Account}:sma/${SipMediaApplicationId}"]);
        for rt in catalog::services().flat_map(|s| s.resource_types()) {
            let f = rt.arn_format();
            assert_eq!(ArnFormat(f).to_string(), f.replace("${AccountId}", "${Account}"));
        }
    }
}
