use crate::catalog;
use crate::finding::Finding;
use crate::rules::least_privilege as lp;
use crate::rules::{ActionKind, PolicyCx};

crate::declare_rule! {
    /// ## What it does
    /// Flags an `Allow` statement that uses `NotAction`: it grants every action
    /// of every service except the ones listed.
    ///
    /// Silent for `Deny` with `NotAction` (the normal way to write "deny all
    /// but these"), for permissions boundaries and SCPs (a ceiling such as
    /// "everything but `iam:*`" grants nothing), and when a condition limits
    /// the resources (`aws:ResourceTag/...`, `aws:ResourceAccount`, ...).
    ///
    /// ## Why is this bad?
    /// The grant is defined by what it leaves out, so it grows on its own:
    /// every action AWS adds, in every service, is allowed the day it ships.
    /// Readers also misread it as a deny list.
    ///
    /// ## Example
    /// ```json
    /// { "Effect": "Allow", "NotAction": "iam:*", "Resource": "*" }
    /// ```
    ///
    /// ## Use instead
    /// List what is allowed; deny what must never happen in a `Deny`:
    /// ```json
    /// { "Effect": "Allow", "Action": ["chime:CreateSipMediaApplicationCall", "chime:UpdateSipMediaApplicationCall"],
    ///   "Resource": "arn:aws:chime:us-east-1:111122223333:sma/*" }
    /// ```
    pub ALLOW_NOT_ACTION, "allow-not-action", Warning, LeastPrivilege,
    "an Allow with `NotAction` grants everything else, including services added later"
}

pub fn check(cx: &PolicyCx, out: &mut Vec<Finding>) {
    if !lp::grants(cx.policy.kind) {
        return;
    }
    for sc in &cx.statements {
        let st = sc.st;
        // An empty `NotAction` is a `policy-syntax` error of its own.
        let Some(list) = st.action.as_ref().filter(|a| a.negated && (a.has_unknown || !a.values.is_empty())) else {
            continue;
        };
        if !st.is_allow() || lp::scoped_for(st, None) || sc.actions.iter().any(|a| matches!(a.kind, ActionKind::All)) {
            continue;
        }
        let total: usize = catalog::services().map(|s| s.action_count()).sum();
        let mut excluded: Vec<catalog::Action> = sc.actions.iter().flat_map(|a| a.actions().iter().copied()).collect();
        excluded.sort();
        excluded.dedup();
        let known = sc.actions_known();
        let what = if known {
            format!(
                "every action except the {} it lists: {} actions today, and every action AWS adds later",
                lp::thousands(excluded.len()),
                lp::thousands(total - excluded.len())
            )
        } else {
            "every action except the ones it lists, including every action AWS adds later".to_string()
        };
        out.push(
            Finding::new(
                &ALLOW_NOT_ACTION,
                &cx.policy.source,
                list.key_span,
                format!("`NotAction` in an Allow grants {what}"),
            )
            .with_help("list the allowed actions in `Action`; put what must never be allowed in a `Deny` statement"),
        );
    }
}
