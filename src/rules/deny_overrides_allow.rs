use crate::catalog::wildcard_match;
use crate::finding::Finding;
use crate::policy::{Policy, Statement, ValueList};
use crate::rules::policy_sets::policy_sets;
use crate::rules::ProjectCx;
use std::collections::HashSet;

crate::declare_rule! {
    /// ## What it does
    /// Flags an Allow whose actions and resources are wholly or partly
    /// removed by an unconditional explicit Deny in the same policy or in the
    /// same principal's policy set (its other policies, its permissions
    /// boundary, and the SCPs in the project). It points at the allowed
    /// action and labels the Deny.
    ///
    /// ## Why is this bad?
    /// An explicit Deny always wins: the grant never takes effect, and the
    /// call fails with `AccessDeniedException` although the Allow is right
    /// there in the code.
    ///
    /// ## Example
    /// ```json
    /// [ { "Effect": "Allow", "Action": "chime:UpdateSipMediaApplicationCall",
    ///     "Resource": "arn:aws:chime:us-east-1:111122223333:sma/*" },
    ///   { "Effect": "Deny", "Action": "chime:*SipMediaApplication*", "Resource": "*" } ]
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// [ { "Effect": "Allow", "Action": "chime:UpdateSipMediaApplicationCall",
    ///     "Resource": "arn:aws:chime:us-east-1:111122223333:sma/*" },
    ///   { "Effect": "Deny", "Action": "chime:DeleteSipMediaApplication", "Resource": "*" } ]
    /// ```
    pub DENY_OVERRIDES_ALLOW, "deny-overrides-allow", Warning, Gap,
    "an Allow that an explicit Deny removes, so it never takes effect"
}

pub fn check(cx: &ProjectCx, out: &mut Vec<Finding>) {
    let mut reported: HashSet<(String, u32)> = HashSet::new();
    for set in policy_sets(cx.policies, cx.index) {
        let denies: Vec<(&Policy, &Statement)> = set
            .deny_sources()
            .flat_map(|p| p.statements.iter().map(move |s| (p, s)))
            .filter(|(_, s)| s.effect == crate::policy::Effect::Deny && !s.is_conditional())
            .collect();
        if denies.is_empty() {
            continue;
        }
        for policy in &set.identity {
            for st in policy.statements.iter().filter(|s| s.is_allow()) {
                let (Some(actions), Some(resources)) = (&st.action, &st.resource) else { continue };
                if actions.negated || resources.negated || resources.has_unknown {
                    continue;
                }
                for value in &actions.values {
                    let Some(action) = value.lit() else { continue };
                    let Some((deny_policy, deny, overlap)) =
                        denies.iter().find_map(|(dp, d)| covers(d, action, resources).map(|o| (*dp, *d, o)))
                    else {
                        continue;
                    };
                    if !reported.insert((policy.source.path.clone(), value.span.start)) {
                        continue;
                    }
                    let line = deny_policy.source.position(deny.span.start).line;
                    let where_ = if std::ptr::eq(deny_policy, *policy) {
                        format!("{} (line {line})", deny.label())
                    } else {
                        format!(
                            "{} of `{}` ({}:{line})",
                            deny.label(),
                            deny_policy.display_origin(),
                            deny_policy.source.path
                        )
                    };
                    let how = match overlap {
                        Overlap::Whole => "on every resource this statement names: the grant never takes effect",
                        Overlap::Part => {
                            "on some of the resources this statement names: part of the grant never takes effect"
                        }
                    };
                    out.push(
                        Finding::new(
                            &DENY_OVERRIDES_ALLOW,
                            &policy.source,
                            value.span,
                            format!("`{action}` is allowed here, but {where_} denies it {how}"),
                        )
                        .with_label(
                            &deny_policy.source,
                            deny.effect_span,
                            "the Deny that wins",
                        ),
                    );
                }
            }
        }
    }
}

enum Overlap {
    Whole,
    Part,
}

/// Whether an unconditional Deny removes `action` on some or all of `resources`.
fn covers(deny: &Statement, action: &str, resources: &ValueList) -> Option<Overlap> {
    let deny_actions = deny.action.as_ref()?;
    if deny_actions.has_unknown || deny_actions.values.iter().any(|v| v.lit().is_none()) {
        return None;
    }
    let named = deny_actions.values.iter().filter_map(|v| v.lit()).any(|p| wildcard_match(p, action, true));
    if named == deny_actions.negated {
        return None;
    }
    let deny_resources = deny.resource.as_ref()?;
    if deny_resources.has_unknown || deny_resources.values.iter().any(|v| v.lit().is_none()) {
        return None;
    }
    let (mut whole, mut any) = (true, false);
    for r in &resources.values {
        let r = r.as_pattern()?;
        let (all, some) = resource_overlap(deny_resources, &r);
        whole &= all;
        any |= some;
    }
    match (whole, any) {
        (true, _) => Some(Overlap::Whole),
        (false, true) => Some(Overlap::Part),
        _ => None,
    }
}

/// (the Deny covers all of `resource`, the Deny covers some of it).
fn resource_overlap(deny: &ValueList, resource: &str) -> (bool, bool) {
    let patterns: Vec<&str> = deny.values.iter().filter_map(|v| v.lit()).collect();
    if deny.negated {
        // NotResource: denied unless excluded; an excluded pattern that only
        // partly matches leaves part of the resource denied.
        let excluded_all = patterns.iter().any(|p| wildcard_match(p, resource, false));
        let excluded_some = patterns.iter().any(|p| wildcard_match(resource, p, false));
        return (!excluded_all && !excluded_some, !excluded_all);
    }
    let all = patterns.iter().any(|p| wildcard_match(p, resource, false));
    let some = all || patterns.iter().any(|p| wildcard_match(resource, p, false));
    (all, some)
}
