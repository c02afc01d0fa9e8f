use crate::catalog;
use crate::finding::Finding;
use crate::rules::{ActionKind, PolicyCx};
use serde::Deserialize;
use std::sync::OnceLock;

crate::declare_rule! {
    /// ## What it does
    /// Flags an action that its service does not have, and suggests the
    /// nearest real one (never the whole list). API operations that IAM
    /// authorizes with another action (`sqs:SendMessageBatch` is authorized by
    /// `sqs:SendMessage`, `bedrock:Converse` by `bedrock:InvokeModel`) name
    /// that action, from the table in `rules/non-iam-actions.json`.
    ///
    /// ## Why is this bad?
    /// IAM accepts unknown actions silently, so a typo grants nothing and the
    /// call fails at run time with `AccessDeniedException`.
    ///
    /// ## Example
    /// ```json
    /// "Action": "chime:CreateSipMediaApplicationCalls"
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "Action": "chime:CreateSipMediaApplicationCall"
    /// ```
    pub UNKNOWN_ACTION, "unknown-action", Error, Validity,
    "the action does not exist in its service", fix = Safe
}

pub fn check(cx: &PolicyCx, out: &mut Vec<Finding>) {
    for (sc, a) in cx.action_entries() {
        let ActionKind::UnknownAction { service, name } = &a.kind else { continue };
        let mut f = Finding::new(
            &UNKNOWN_ACTION,
            &cx.policy.source,
            a.value.span,
            format!("`{}:{name}` is not an action of {}", service.prefix(), service.name()),
        );
        let written = format!("{}:{name}", service.prefix());
        if let Some(alias) = non_iam_actions().iter().find(|a| a.written.eq_ignore_ascii_case(&written)) {
            f.message.push_str(&format!(
                ": it is an API operation that IAM authorizes with `{}` ({})",
                alias.authorized_by, alias.source
            ));
            f = f.with_help(format!("grant `{}` instead", alias.authorized_by));
            f = f.with_fix(a.replaced_by(&sc.actions, &cx.policy.source, &alias.authorized_by));
        } else if let Some(s) = catalog::suggest_action(service, name) {
            f.message.push_str(&format!("; did you mean `{}`?", s.full_name()));
            f = f.with_help(format!("replace it with `{}`", s.full_name()));
            f = f.with_fix(a.replaced_by(&sc.actions, &cx.policy.source, &s.full_name()));
        }
        out.push(f);
    }
}

#[derive(Deserialize)]
struct NonIamActions {
    actions: Vec<NonIamAction>,
}

/// An API operation that IAM authorizes with another action.
#[derive(Deserialize)]
struct NonIamAction {
    written: String,
    authorized_by: String,
    source: String,
}

/// Reads `rules/non-iam-actions.json` ([`crate::rules::prepare`]).
pub(crate) fn prepare() {
    non_iam_actions();
}

fn non_iam_actions() -> &'static [NonIamAction] {
    static DATA: OnceLock<NonIamActions> = OnceLock::new();
    &DATA
        .get_or_init(|| {
            serde_json::from_str(include_str!("../../rules/non-iam-actions.json"))
                .expect("rules/non-iam-actions.json is checked by the tests")
        })
        .actions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_alias_is_unknown_and_points_at_a_real_action() {
        for a in non_iam_actions() {
            assert!(catalog::action(&a.written).is_none(), "{} is a real action", a.written);
            assert!(catalog::action(&a.authorized_by).is_some(), "{} is not", a.authorized_by);
        }
    }
}
