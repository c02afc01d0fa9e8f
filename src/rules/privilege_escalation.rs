use crate::catalog::{wildcard_match, Action};
use crate::finding::Finding;
use crate::policy::{Effect, Statement};
use crate::rules::least_privilege::{self as lp, Capability, EscalationPath};
use crate::rules::{ActionKind, ActionRef, PolicyCx, StatementCx};
use crate::source::Span;

crate::declare_rule! {
    /// ## What it does
    /// Flags an identity policy whose `Allow` statements let the principal
    /// raise its own privileges, and names the path. Paths are modelled by
    /// capability (`rules/privilege-escalation.json`):
    /// - writing permissions policies: `iam:PutRolePolicy`, `iam:PutUserPolicy`,
    ///   `iam:PutGroupPolicy`, `iam:AttachRolePolicy`, `iam:AttachUserPolicy`,
    ///   `iam:AttachGroupPolicy`, `iam:CreatePolicyVersion`, `iam:SetDefaultPolicyVersion`;
    /// - joining groups (`iam:AddUserToGroup`) and removing or replacing
    ///   permissions boundaries;
    /// - changing trust: `iam:UpdateAssumeRolePolicy`;
    /// - creating credentials for other users: `iam:CreateAccessKey`,
    ///   `iam:CreateLoginProfile`, `iam:UpdateLoginProfile`;
    /// - passing a role to something that runs code: `iam:PassRole` with
    ///   `lambda:CreateFunction` and `lambda:InvokeFunction`, `ec2:RunInstances`,
    ///   `cloudformation:CreateStack`, `glue:CreateDevEndpoint`, `codebuild:...`,
    ///   `sagemaker:...`, `ecs:...`, `states:...`;
    /// - changing code that already runs as a role: `lambda:UpdateFunctionCode`,
    ///   `glue:UpdateDevEndpoint`.
    ///
    /// The finding points at the action that completes the path. Wildcards
    /// count (`iam:*`, `iam:Put*`, `NotAction`); a policy that already grants
    /// `*` on `*` is `full-admin` and has nothing to escalate to.
    ///
    /// The first action of a path (the one that changes a policy, a trust, a
    /// credential, or the role passed) must be granted on a broad resource:
    /// `*`, or an ARN whose resource part is only wildcards (`role/*`,
    /// `user/*`, `function:*`), with no condition that limits it (`iam:PolicyARN`,
    /// `iam:PermissionsBoundary`, `aws:ResourceTag/...`; for `iam:PassRole`, an
    /// `iam:PassedToService` that does not allow the path's service). Grants
    /// on named resources (`role/app-*`, `user/${aws:username}`, a role ARN)
    /// are taken as deliberate: whether the named role is the principal's own
    /// or a more privileged one needs the whole account, not one policy. The
    /// other actions of a path only need to be allowed. An unconditional
    /// `Deny` of any action of a path in the same policy breaks it.
    ///
    /// This judges one policy at a time; a path split across several
    /// policies of the same principal is not seen yet.
    ///
    /// ## Why is this bad?
    /// Whatever else the policy restricts, the principal can turn itself into
    /// an administrator: these grants are equivalent to full access.
    ///
    /// ## Example
    /// ```json
    /// { "Effect": "Allow", "Action": ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"],
    ///   "Resource": "*" }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// [ { "Effect": "Allow", "Action": "iam:PassRole",
    ///     "Resource": "arn:aws:iam::111122223333:role/sma-handler-execution",
    ///     "Condition": { "StringEquals": { "iam:PassedToService": "lambda.amazonaws.com" } } },
    ///   { "Effect": "Allow", "Action": ["lambda:CreateFunction", "lambda:InvokeFunction"],
    ///     "Resource": "arn:aws:lambda:us-east-1:111122223333:function:sma-*" } ]
    /// ```
    pub PRIVILEGE_ESCALATION, "privilege-escalation", Error, LeastPrivilege,
    "grants that let the principal raise its own privileges"
}

/// A completed path: its capability, the path, and where each step is granted.
type Completed<'a> = (&'a Capability, &'a EscalationPath, Vec<Grant<'a>>);

/// Where a step of a path is granted.
struct Grant<'a> {
    action: Action,
    span: Span,
    entry: Option<&'a ActionRef<'a>>,
    /// For the target step: the broad resource, for the message.
    resource: Option<String>,
}

impl Grant<'_> {
    fn text(&self) -> String {
        let mut t = match self.entry {
            Some(e) => lp::through(self.action, Some(e)),
            None => format!("`{}` (through `NotAction`)", self.action),
        };
        if let Some(r) = &self.resource {
            t.push_str(&format!(" on {r}"));
        }
        t
    }
}

pub fn check(cx: &PolicyCx, out: &mut Vec<Finding>) {
    if !lp::is_identity(cx.policy.kind) || is_admin(cx) {
        return;
    }
    let d = lp::data();
    let allowed = allowed_escalation_actions(cx, d);
    if allowed == 0 {
        return;
    }
    // Completed paths, grouped by the span of the action that completes them.
    let mut found: Vec<(Span, Vec<Completed>)> = Vec::new();
    for cap in &d.capabilities {
        for path in &cap.paths {
            // A step none of whose actions is allowed anywhere rules the path
            // out before any statement is searched.
            if path.steps.iter().any(|step| step.bits & allowed == 0) {
                continue;
            }
            let Some(grants) = complete(cx, path) else { continue };
            let Some(last) = grants.iter().map(|g| g.span).max_by_key(|s| (s.start, s.end)) else { continue };
            match found.iter_mut().find(|(s, _)| *s == last) {
                Some((_, v)) => v.push((cap, path, grants)),
                None => found.push((last, vec![(cap, path, grants)])),
            }
        }
    }
    for (span, paths) in found {
        let (cap, path, grants) = &paths[0];
        let steps: Vec<String> = grants.iter().map(Grant::text).collect();
        let head = match steps.split_first() {
            Some((first, [])) => first.clone(),
            Some((first, [rest @ .., last])) if !rest.is_empty() => {
                format!("{first} with {} and {last}", rest.join(", "))
            }
            Some((first, [last])) => format!("{first} with {last}"),
            _ => continue,
        };
        let mut message = format!("{head} {}: {} is privilege escalation", path.effect, cap.name);
        if paths.len() > 1 {
            message.push_str(&format!(" (and {} more escalation paths complete here)", paths.len() - 1));
        }
        let mut f = Finding::new(&PRIVILEGE_ESCALATION, &cx.policy.source, span, message).with_help(cap.fix.clone());
        for g in grants.iter().filter(|g| g.span != span) {
            f = f.with_label(&cx.policy.source, g.span, format!("`{}` granted here", g.action));
        }
        out.push(f);
    }
}

/// The policy already allows everything on everything (`full-admin`).
fn is_admin(cx: &PolicyCx) -> bool {
    cx.statements.iter().any(|sc| {
        sc.st.is_allow()
            && sc.st.action.as_ref().is_some_and(|a| !a.negated)
            && sc.actions.iter().any(|a| matches!(a.kind, ActionKind::All))
            && lp::star_resource(sc.st).is_some()
            && !lp::scoped_for(sc.st, None)
    })
}

/// The escalation actions (as a set, see `lp::Data::escalation_bit`) that
/// some `Allow` statement grants, on any resource, under any condition: what
/// a path needs at the least, found with one pass over the statements.
fn allowed_escalation_actions(cx: &PolicyCx, d: &lp::Data) -> u64 {
    let mut set = 0;
    for sc in cx.allows() {
        let Some(list) = sc.st.action.as_ref() else { continue };
        if list.negated {
            set |= d.escalation_bits(|a| lp::statement_grants(sc, a).is_some());
            continue;
        }
        for entry in &sc.actions {
            set |= match &entry.kind {
                // The usual entry: one lookup instead of one per escalation action.
                ActionKind::Exact(a) => d.escalation_bit(*a),
                ActionKind::Pattern(matched) => d.escalation_bits_in(matched),
                ActionKind::All => d.escalation_bits(|_| true),
                _ => 0,
            };
        }
    }
    set
}

/// Every step of the path granted (the first broadly), or `None`.
fn complete<'a>(cx: &'a PolicyCx, path: &EscalationPath) -> Option<Vec<Grant<'a>>> {
    let mut grants = Vec::with_capacity(path.steps.len());
    for (i, step) in path.steps.iter().enumerate() {
        let grant = step.actions.iter().find_map(|&action| {
            if denied(cx, action) {
                return None;
            }
            cx.statements.iter().find_map(|sc| {
                if i == 0 {
                    target_grant(sc, action, path.passed_to.as_deref())
                } else {
                    enabler_grant(sc, action)
                }
            })
        })?;
        grants.push(grant);
    }
    Some(grants)
}

fn grant_in<'a>(sc: &'a StatementCx<'a>, action: Action) -> Option<(Span, Option<&'a ActionRef<'a>>)> {
    let span = lp::statement_grants(sc, action)?;
    let negated = sc.st.action.as_ref().is_some_and(|a| a.negated);
    let entry = if negated { None } else { sc.actions.iter().find(|a| lp::entry_grants(a, action)) };
    Some((span, entry))
}

fn enabler_grant<'a>(sc: &'a StatementCx<'a>, action: Action) -> Option<Grant<'a>> {
    if !sc.st.is_allow() {
        return None;
    }
    let (span, entry) = grant_in(sc, action)?;
    Some(Grant { action, span, entry, resource: None })
}

fn target_grant<'a>(sc: &'a StatementCx<'a>, action: Action, passed_to: Option<&str>) -> Option<Grant<'a>> {
    let st = sc.st;
    if !st.is_allow() {
        return None;
    }
    // Whether the statement names the action at all is the cheap test and
    // usually fails; the resource and condition tests come after it.
    let (span, entry) = grant_in(sc, action)?;
    let resource = match st.resource.as_ref() {
        Some(r) if r.negated => "every resource but the `NotResource` ones".to_string(),
        Some(_) => format!("`{}`", lp::broad_resource(st, action)?.display()),
        None => return None,
    };
    let allows_service = |c: &crate::policy::Condition| {
        c.key.eq_ignore_ascii_case("iam:PassedToService")
            && passed_to
                .is_some_and(|to| c.values.iter().any(|v| v.as_pattern().is_none_or(|p| wildcard_match(&p, to, true))))
    };
    if lp::scoped_for_except(st, Some(action.service().prefix()), allows_service) {
        return None;
    }
    Some(Grant { action, span, entry, resource: Some(resource) })
}

/// An unconditional `Deny` of the action on every resource.
fn denied(cx: &PolicyCx, action: Action) -> bool {
    cx.statements.iter().any(|sc| {
        let st: &Statement = sc.st;
        st.effect == Effect::Deny
            && !st.is_conditional()
            && lp::star_resource(st).is_some()
            && st.action.as_ref().is_some_and(|a| !a.negated)
            && sc.actions.iter().any(|a| lp::entry_grants(a, action))
    })
}
