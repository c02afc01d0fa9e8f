use crate::catalog::{self, Action};
use crate::finding::Finding;
use crate::rules::least_privilege as lp;
use crate::rules::{ActionKind, ActionRef, PolicyCx};
use std::sync::OnceLock;

crate::declare_rule! {
    /// ## What it does
    /// Flags `iam:PassRole` granted on `*` or on every role
    /// (`arn:aws:iam::111122223333:role/*`) without an `iam:PassedToService`
    /// condition, in an identity policy. Patterns that include it
    /// (`iam:Pass*`) count; `iam:*` and `*` are left to `service-wildcard`
    /// and `full-admin`.
    ///
    /// Silent when the resource names roles (`role/sma-*`, `role/media-insights-access`),
    /// with a positive `iam:PassedToService` or any other `iam:` condition
    /// (`iam:AssociatedResourceArn`), with `aws:ResourceTag/...`, and for `Deny`.
    /// A role ARN with an unresolved part (`role/${var.name}`) is a named role.
    ///
    /// ## Why is this bad?
    /// Passing a role hands its permissions to a service that then acts with
    /// them. Unrestricted, the principal can give any role in the account,
    /// including an administrator role, to any service that runs its code:
    /// a Lambda function, an EC2 instance, a CloudFormation stack.
    ///
    /// ## Example
    /// ```json
    /// { "Effect": "Allow", "Action": "iam:PassRole", "Resource": "*" }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// { "Effect": "Allow", "Action": "iam:PassRole",
    ///   "Resource": "arn:aws:iam::111122223333:role/call-analytics-resource-access",
    ///   "Condition": { "StringEquals": { "iam:PassedToService": "mediapipelines.chime.amazonaws.com" } } }
    /// ```
    pub PASSROLE_UNRESTRICTED, "passrole-unrestricted", Warning, LeastPrivilege,
    "`iam:PassRole` on every role without an `iam:PassedToService` condition"
}

pub fn check(cx: &PolicyCx, out: &mut Vec<Finding>) {
    if !lp::is_identity(cx.policy.kind) {
        return;
    }
    let Some(pass_role) = pass_role() else { return };
    // The entries that name `iam:PassRole` (`iam:*` and `*` are left to other rules).
    let names_pass_role = |a: &&ActionRef| {
        matches!(a.kind, ActionKind::Exact(_) | ActionKind::Pattern(_))
            && lp::entry_grants(a, pass_role)
            && !lp::is_blanket(a)
    };
    for sc in &cx.statements {
        let st = sc.st;
        if !st.is_allow() || st.action.as_ref().is_none_or(|a| a.negated) {
            continue;
        }
        // Most statements do not name it: that is the cheap test, so it
        // comes before the resource and condition tests.
        let mut entries = sc.actions.iter().filter(names_pass_role).peekable();
        if entries.peek().is_none() {
            continue;
        }
        let Some(resource) = lp::broad_resource(st, pass_role) else { continue };
        if lp::scoped_for(st, Some("iam")) {
            continue;
        }
        for a in entries {
            let on = if lp::is_any_resource(&resource.display()) {
                format!("`{}`", resource.display())
            } else {
                format!("every role (`{}`)", resource.display())
            };
            let service = consumer(cx).unwrap_or_else(|| "<service>.amazonaws.com".to_string());
            out.push(
                Finding::new(
                    &PASSROLE_UNRESTRICTED,
                    &cx.policy.source,
                    a.value.span,
                    format!(
                        "{} on {on} without an `iam:PassedToService` condition lets the principal give any role, \
                         including one with more permissions than its own, to any service",
                        lp::through(pass_role, Some(a))
                    ),
                )
                .with_label(&cx.policy.source, resource.span, "every role")
                .with_help(format!(
                    "scope `Resource` to the roles the workload passes \
                     (`arn:${{Partition}}:iam::${{Account}}:role/${{RoleNameWithPath}}`) and add \
                     `\"Condition\": {{\"StringEquals\": {{\"iam:PassedToService\": \"{service}\"}}}}`"
                )),
            );
        }
    }
}

/// `iam:PassRole`, looked up in the catalog once.
pub(crate) fn pass_role() -> Option<Action> {
    static PASS_ROLE: OnceLock<Option<Action>> = OnceLock::new();
    *PASS_ROLE.get_or_init(|| catalog::action("iam:PassRole"))
}

/// The service the policy most likely passes roles to: the first granted
/// action that takes a role (`lambda:CreateFunction` → `lambda.amazonaws.com`),
/// from `rules/privilege-escalation.json`.
fn consumer(cx: &PolicyCx) -> Option<String> {
    let d = lp::data();
    for sc in cx.allows() {
        for a in sc.actions.iter().filter(|a| matches!(a.kind, ActionKind::Exact(_))) {
            let granted = a.actions()[0];
            if let Some((_, s)) = d.pass_role_consumers.iter().find(|(x, _)| *x == granted) {
                return Some(s.clone());
            }
        }
    }
    None
}
