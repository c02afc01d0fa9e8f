use crate::catalog::{self, wildcard_match};
use crate::finding::Finding;
use crate::policy::Policy;
use crate::rules::context::resolve_exact;
use crate::rules::{chime_voice, ProjectCx};
use std::collections::HashSet;

crate::declare_rule! {
    /// ## What it does
    /// Flags an allowed action whose dependent actions the principal's
    /// policies do not grant, judged over the principal's whole policy set
    /// (every inline and attached policy in the project), not one statement.
    /// Dependencies come from AWS's table (the catalog's dependent actions,
    /// e.g. `chime:PutVoiceConnectorLoggingConfiguration` needs
    /// `logs:CreateLogDelivery` and `logs:GetLogDelivery`) and a curated
    /// Chime SDK Voice table in `rules/chime-voice/dependencies.json` for what
    /// AWS documents elsewhere (`chime:CreateSipMediaApplication` needs
    /// `lambda:GetPolicy`, `lambda:AddPermission` and, the first time,
    /// `iam:CreateServiceLinkedRole`). Dependencies that a call has only with
    /// certain request contents (`chime:TagResource` when tags are passed, the
    /// Amazon Connect connectors of `chime:CreateVoiceConnector`) are listed as
    /// conditional in that table and not required. A set with a policy from
    /// outside the project (an AWS managed policy, a variable) is not judged.
    ///
    /// ## Why is this bad?
    /// The call itself is allowed, then fails with `AccessDeniedException`
    /// on the action AWS performs on your behalf with your credentials: the
    /// error names an action that appears nowhere in your code.
    ///
    /// ## Example
    /// ```json
    /// { "Effect": "Allow", "Action": "chime:PutVoiceConnectorLoggingConfiguration",
    ///   "Resource": "arn:aws:chime:us-east-1:111122223333:vc/*" }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// [ { "Effect": "Allow", "Action": "chime:PutVoiceConnectorLoggingConfiguration",
    ///     "Resource": "arn:aws:chime:us-east-1:111122223333:vc/*" },
    ///   { "Effect": "Allow", "Resource": "*",
    ///     "Action": ["logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery",
    ///                "logs:DeleteLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy",
    ///                "logs:DescribeResourcePolicies", "logs:DescribeLogGroups"] } ]
    /// ```
    pub MISSING_DEPENDENT_ACTION, "missing-dependent-action", Warning, Gap,
    "an action granted without the actions it depends on"
}

pub fn check(cx: &ProjectCx, out: &mut Vec<Finding>) {
    let mut reported: HashSet<(String, u32)> = HashSet::new();
    for set in cx.policy_sets() {
        if !set.complete {
            continue;
        }
        let granted = match granted_patterns(&set.identity) {
            Some(g) => g,
            None => continue, // something is granted that cannot be known statically
        };
        for policy in &set.identity {
            for st in policy.statements.iter().filter(|s| s.is_allow()) {
                let Some(list) = st.action.as_ref().filter(|a| !a.negated) else { continue };
                for value in &list.values {
                    let Some(action) = resolve_exact(value) else { continue };
                    let curated = chime_voice::needs_of(action);
                    if curated.is_none() && action.dependent_actions().next().is_none() {
                        continue;
                    }
                    let full = action.full_name();
                    let mut deps: Vec<String> = action.dependent_actions().map(str::to_string).collect();
                    deps.extend(curated.iter().flat_map(|n| n.needs.iter().cloned()));
                    let mut seen = HashSet::new();
                    let missing: Vec<String> = deps
                        .into_iter()
                        .filter(|d| !granted.iter().any(|g| wildcard_match(g, d, true)))
                        .filter(|d| seen.insert(d.to_ascii_lowercase()))
                        .filter(|d| catalog::action(d).is_some() && !chime_voice::is_conditional(&full, d))
                        .collect();
                    if missing.is_empty() || !reported.insert((policy.source.path.clone(), value.span.start)) {
                        continue;
                    }
                    let names: Vec<String> = missing.iter().map(|m| format!("`{m}`")).collect();
                    let whose = if policy.origin.is_none() {
                        "this policy does not grant".to_string()
                    } else {
                        format!("no policy of `{}` grants", set.principal)
                    };
                    let mut message = format!(
                        "`{full}` also needs {}, which {whose}: the call fails with AccessDeniedException",
                        names.join(", ")
                    );
                    if let Some(n) = curated {
                        message.push_str(&format!(
                            " ({}; workflow `{}` in rules/chime-voice/dependencies.json)",
                            n.why, n.source
                        ));
                    }
                    out.push(Finding::new(&MISSING_DEPENDENT_ACTION, &policy.source, value.span, message).with_help(format!(
                        "add a statement that allows {} (these actions take `Resource: \"*\"` unless the catalog lists a resource type)",
                        names.join(", ")
                    )));
                }
            }
        }
    }
}

/// Every action pattern the set allows (ignoring resources and conditions:
/// the question is only whether the dependency is granted anywhere), or
/// `None` when an allowed action cannot be known statically.
fn granted_patterns<'a>(policies: &[&'a Policy]) -> Option<Vec<&'a str>> {
    let mut out = Vec::new();
    for p in policies {
        for st in p.statements.iter().filter(|s| s.is_allow()) {
            let Some(list) = &st.action else { continue };
            if list.has_unknown || list.values.iter().any(|v| v.lit().is_none()) {
                return None;
            }
            if list.negated {
                // NotAction grants everything else: treat as "anything may be granted".
                return None;
            }
            out.extend(list.values.iter().filter_map(|v| v.lit()));
        }
    }
    Some(out)
}
