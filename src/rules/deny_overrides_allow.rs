use crate::catalog::wildcard_match;
use crate::finding::Finding;
use crate::policy::{Policy, Statement, ValueList};
use crate::rules::ProjectCx;
use std::collections::HashSet;

crate::declare_rule! {
    /// ## What it does
    /// Flags an allowed action that an unconditional explicit Deny removes on
    /// every resource the Allow names (one action of several is enough) in the same policy or in the
    /// same principal's policy set (its other policies, its permissions
    /// boundary, and the SCPs in the project). It points at the allowed
    /// action and labels the Deny. A Deny that carves an exception out of a
    /// broader Allow (allow `sma/*`, deny `sma/prod-*`) is the normal
    /// guardrail pattern and stays silent.
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
    for set in cx.principal_policies() {
        let denies: Vec<(&Policy, &Statement)> = set
            .deny_sources()
            .flat_map(|p| p.statements.iter().map(move |s| (p, s)))
            .filter(|(_, s)| s.effect == crate::policy::Effect::Deny && !s.is_conditional())
            .collect();
        if denies.is_empty() {
            continue;
        }
        for policy in set.own_identity() {
            for st in policy.statements.iter().filter(|s| s.is_allow()) {
                let (Some(actions), Some(resources)) = (&st.action, &st.resource) else { continue };
                if actions.negated || resources.negated || resources.has_unknown {
                    continue;
                }
                for value in &actions.values {
                    let Some(action) = value.lit() else { continue };
                    let Some(&(deny_policy, deny)) = denies.iter().find(|(_, d)| covers(d, action, resources)) else {
                        continue;
                    };
                    if !reported.insert((policy.source.path.clone(), value.span.start)) {
                        continue;
                    }
                    let line = deny_policy.source.position(deny.span.start).line;
                    let where_ = if std::ptr::eq(deny_policy, policy) {
                        format!("{} (line {line})", deny.label())
                    } else {
                        format!(
                            "{} of `{}` ({}:{line})",
                            deny.label(),
                            deny_policy.display_origin(),
                            deny_policy.source.path
                        )
                    };
                    out.push(
                        Finding::new(
                            &DENY_OVERRIDES_ALLOW,
                            &policy.source,
                            value.span,
                            format!("`{action}` is allowed here, but {where_} denies it on every resource this statement names: the grant never takes effect"),
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

/// Whether an unconditional Deny removes `action` on every one of `resources`.
fn covers(deny: &Statement, action: &str, resources: &ValueList) -> bool {
    let known = |l: &ValueList| !l.has_unknown && l.values.iter().all(|v| v.lit().is_some());
    let (Some(deny_actions), Some(deny_resources)) = (&deny.action, &deny.resource) else { return false };
    if !known(deny_actions) || !known(deny_resources) {
        return false;
    }
    let named = deny_actions.values.iter().filter_map(|v| v.lit()).any(|p| wildcard_match(p, action, true));
    if named == deny_actions.negated {
        return false;
    }
    resources.values.iter().all(|r| r.as_pattern().is_some_and(|r| denied_everywhere(deny_resources, &r)))
}

/// Whether the Deny's resources cover every resource the pattern can name.
fn denied_everywhere(deny: &ValueList, resource: &str) -> bool {
    let patterns = deny.values.iter().filter_map(|v| v.lit());
    if deny.negated {
        // NotResource: denied unless some excluded pattern could name it.
        let mut patterns = patterns;
        return !patterns.any(|p| wildcard_match(p, resource, false) || wildcard_match(resource, p, false));
    }
    let mut patterns = patterns;
    patterns.any(|p| wildcard_match(p, resource, false))
}
