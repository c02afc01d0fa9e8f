use crate::finding::Finding;
use crate::rules::{ActionKind, PolicyCx};

crate::declare_rule! {
    /// ## What it does
    /// Flags an allowed action that none of its statement's resources can
    /// apply to. The common case is an action that only takes `Resource: "*"`
    /// (`chime:ListSipMediaApplications`, `chime:CreateSipMediaApplication`)
    /// granted on a specific ARN. Silent where AWS's own managed policies scope
    /// such an action to ARNs of its service (`logs:DescribeLogGroups` on
    /// `arn:aws:logs:*:*:log-group:*`): IAM authorizes it against a resource of
    /// the service, which the Service Authorization Reference does not list.
    ///
    /// ## Why is this bad?
    /// The grant silently does nothing, and the call fails at run time with
    /// `AccessDeniedException` although the action appears in the policy.
    ///
    /// ## Example
    /// ```json
    /// { "Effect": "Allow", "Action": ["chime:GetSipMediaApplication", "chime:ListSipMediaApplications"],
    ///   "Resource": "arn:aws:chime:us-east-1:111122223333:sma/*" }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// [ { "Effect": "Allow", "Action": "chime:GetSipMediaApplication",
    ///     "Resource": "arn:aws:chime:us-east-1:111122223333:sma/*" },
    ///   { "Effect": "Allow", "Action": "chime:ListSipMediaApplications", "Resource": "*" } ]
    /// ```
    pub INEFFECTIVE_ACTION, "ineffective-action", Warning, Validity,
    "an allowed action that none of the statement's resources apply to"
}

pub fn check(cx: &PolicyCx, out: &mut Vec<Finding>) {
    for sc in &cx.statements {
        let (Some(action), Some(resources)) = (&sc.st.action, &sc.st.resource) else { continue };
        if !sc.st.is_allow() || action.negated || resources.negated || resources.has_unknown {
            continue;
        }
        let Some(patterns) = resources.values.iter().map(|v| v.as_pattern()).collect::<Option<Vec<_>>>() else {
            continue;
        };
        if patterns.is_empty() {
            continue;
        }
        if patterns.iter().any(|p| p.chars().all(|c| c == '*')) {
            continue;
        }
        // When no resource fits any action, `resource-mismatch` already says so.
        let mut any_fit = None;
        for a in &sc.actions {
            let ActionKind::Exact(act) = a.kind else { continue };
            if sc.resources_apply(act) {
                continue;
            }
            let only_star = !act.supports_resource_level();
            if only_star && patterns.iter().any(|p| aws_scopes(act, p)) {
                continue;
            }
            if !only_star && !*any_fit.get_or_insert_with(|| sc.granted().any(|a| sc.resources_apply(a))) {
                continue;
            }
            let (message, help) = if only_star {
                (
                    format!("`{}` only applies to `Resource: \"*\"`, which this statement does not name: the grant does nothing", act.full_name()),
                    format!("move `{}` to a statement with \"Resource\": \"*\"", act.full_name()),
                )
            } else {
                let formats: Vec<_> = act.resource_types().map(|(rt, _)| rt.arn_formats_shown()).collect();
                (
                    format!(
                        "none of this statement's resources is a resource `{}` applies to: the grant does nothing",
                        act.full_name()
                    ),
                    format!("`{}` takes {}", act.full_name(), formats.join(" or ")),
                )
            };
            out.push(Finding::new(&INEFFECTIVE_ACTION, &cx.policy.source, a.value.span, message).with_help(help));
        }
    }
}

/// AWS's own managed policies grant the `*`-only action on ARNs of the
/// pattern's namespace (`rules/catalog/scoped-by-aws.json`): IAM authorizes it
/// against a resource string of the service, and the reference is incomplete.
/// A pattern that starts with an unresolved value (`${AppInstanceArn}/user/*`)
/// may be an ARN of any namespace.
fn aws_scopes(act: crate::catalog::Action, pattern: &str) -> bool {
    let mut parts = pattern.splitn(4, ':');
    let ns = match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some("arn"), Some(_), Some(ns), Some(_)) => ns,
        _ if pattern.starts_with('*') => "*",
        _ => return false,
    };
    act.aws_scope_namespaces().any(|n| crate::catalog::wildcard_match(ns, n, true))
}
