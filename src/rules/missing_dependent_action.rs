use crate::catalog::{self, wildcard_match};
use crate::finding::{Finding, Severity};
use crate::index::FactKind;
use crate::policy::Policy;
use crate::rules::chime_voice::{self, NeedSeverity};
use crate::rules::context::resolve_exact;
use crate::rules::ProjectCx;
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
    /// AWS documents elsewhere (`chime:CreateSipMediaApplication` creates the
    /// Voice Connector service-linked role the first time, so it needs
    /// `iam:CreateServiceLinkedRole` unless the project defines that role).
    /// What no AWS page documents (`lambda:AddPermission` beside
    /// `chime:CreateSipMediaApplication`) is reported as info, with the reason.
    /// Dependencies that a call has only with
    /// certain request contents (`chime:TagResource` when tags are passed, the
    /// Amazon Connect connectors of `chime:CreateVoiceConnector`) are listed as
    /// conditional in that table and not required. The AWS managed policies
    /// attached to the principal count with what they grant
    /// (`AWSLambdaBasicExecutionRole` grants three `logs:` actions, not
    /// `logs:PutResourcePolicy`); a set with a policy known neither to the
    /// project nor to AWS (a customer policy ARN, a variable) is not judged.
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
    let mut reported: HashSet<(&str, u32, bool)> = HashSet::new();
    for set in cx.principal_policies() {
        if !set.complete {
            continue;
        }
        let granted = match granted_patterns(&set.policies.identity) {
            Some(g) => g,
            None => continue, // something is granted that cannot be known statically
        };
        for policy in set.own_identity() {
            for st in policy.statements.iter().filter(|s| s.is_allow()) {
                let Some(list) = st.action.as_ref().filter(|a| !a.negated) else { continue };
                for value in &list.values {
                    let Some(action) = resolve_exact(value) else { continue };
                    let curated: Vec<&chime_voice::Need> = chime_voice::needs_of(action)
                        .filter(|n| {
                            !n.unless_service_linked_role.as_deref().is_some_and(|s| defines_slr(cx, policy, s))
                        })
                        .collect();
                    if curated.is_empty() && action.dependent_actions().next().is_none() {
                        continue;
                    }
                    let full = action.full_name();
                    let documented = curated.iter().filter(|n| n.severity == NeedSeverity::Warning);
                    let undocumented = curated.iter().filter(|n| n.severity == NeedSeverity::Info);
                    let deps = action
                        .dependent_actions()
                        .chain(documented.clone().flat_map(|n| n.needs.iter().map(String::as_str)));
                    let missing = missing_of(&granted, &full, deps, &[]);
                    let missing_info = missing_of(
                        &granted,
                        &full,
                        undocumented.clone().flat_map(|n| n.needs.iter().map(String::as_str)),
                        &missing,
                    );
                    let whose = if policy.origin.is_none() {
                        "this policy does not grant".to_string()
                    } else {
                        format!("no policy of `{}` grants", set.principal)
                    };
                    if !missing.is_empty() && reported.insert((&policy.source.path, value.span.start, true)) {
                        let names = names(&missing);
                        let mut message = format!(
                            "`{full}` also needs {names}, which {whose}: the call fails with AccessDeniedException"
                        );
                        for n in documented
                            .filter(|n| n.needs.iter().any(|d| missing.iter().any(|m| m.eq_ignore_ascii_case(d))))
                        {
                            message.push_str(&format!(
                                " ({}; `{}` in rules/chime-voice/dependencies.json)",
                                n.why, n.source
                            ));
                        }
                        out.push(Finding::new(&MISSING_DEPENDENT_ACTION, &policy.source, value.span, message).with_help(format!(
                            "add a statement that allows {names} (these actions take `Resource: \"*\"` unless the catalog lists a resource type)"
                        )));
                    }
                    if !missing_info.is_empty() && reported.insert((&policy.source.path, value.span.start, false)) {
                        let names = names(&missing_info);
                        let mut message = format!("`{full}` may also need {names}, which {whose}");
                        for n in undocumented
                            .filter(|n| n.needs.iter().any(|d| missing_info.iter().any(|m| m.eq_ignore_ascii_case(d))))
                        {
                            message.push_str(&format!(": {}", n.why));
                        }
                        let mut finding = Finding::new(&MISSING_DEPENDENT_ACTION, &policy.source, value.span, message)
                            .with_help(format!(
                                "no AWS page lists this dependency (`no-aws-source` in rules/chime-voice/dependencies.json); \
                                 if the call fails with AccessDeniedException, allow {names}"
                            ));
                        finding.severity = Severity::Info;
                        out.push(finding);
                    }
                }
            }
        }
    }
}

/// The dependencies `granted` lacks, each once as first spelt, whatever its
/// case, leaving out those AWS needs only with certain request contents and
/// those already in `before`.
fn missing_of<'a>(
    granted: &Granted,
    action: &str,
    deps: impl Iterator<Item = &'a str>,
    before: &[&str],
) -> Vec<&'a str> {
    let mut missing: Vec<&str> = Vec::new();
    for d in deps {
        if granted.grants(d)
            || missing.iter().chain(before).any(|m| m.eq_ignore_ascii_case(d))
            || catalog::action(d).is_none()
            || chime_voice::is_conditional(action, d)
        {
            continue;
        }
        missing.push(d);
    }
    missing
}

fn names(actions: &[&str]) -> String {
    let mut names = String::new();
    for (i, m) in actions.iter().enumerate() {
        names.push_str(if i == 0 { "`" } else { ", `" });
        names.push_str(m);
        names.push('`');
    }
    names
}

/// Whether the template or module of `policy` defines the service-linked
/// role of `service` (`aws_iam_service_linked_role`,
/// `AWS::IAM::ServiceLinkedRole`): what a run over one unit sees as well.
fn defines_slr(cx: &ProjectCx, policy: &Policy, service: &str) -> bool {
    cx.index
        .in_scope(&policy.source)
        .any(|f| matches!(&f.kind, FactKind::ServiceLinkedRole { service: Some(s) } if s.eq_ignore_ascii_case(service)))
}

/// What a policy set allows, ignoring resources and conditions: the question
/// is only whether a dependency is granted anywhere.
struct Granted<'a> {
    /// Entries without wildcards. Such an entry matches only the same name,
    /// in any case (what `wildcard_match` makes of it), so it is compared as
    /// text: most entries are of this kind.
    names: Vec<&'a str>,
    /// Entries with `*` or `?`.
    patterns: Vec<&'a str>,
}

impl Granted<'_> {
    fn grants(&self, action: &str) -> bool {
        self.names.iter().any(|n| n.eq_ignore_ascii_case(action))
            || self.patterns.iter().any(|p| wildcard_match(p, action, true))
    }
}

/// Every action entry the set allows, or `None` when an allowed action
/// cannot be known statically.
fn granted_patterns<'a>(policies: &[&'a Policy]) -> Option<Granted<'a>> {
    let mut out = Granted { names: Vec::new(), patterns: Vec::new() };
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
            for entry in list.values.iter().filter_map(|v| v.lit()) {
                if catalog::has_wildcard(entry) {
                    out.patterns.push(entry);
                } else {
                    out.names.push(entry);
                }
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn granted_names_match_in_any_case_and_patterns_as_globs() {
        let g = Granted { names: vec!["logs:CreateLogDelivery"], patterns: vec!["lambda:*Policy", "iam:?ass*"] };
        for yes in ["logs:createlogdelivery", "LOGS:CreateLogDelivery", "lambda:GetPolicy", "iam:PassRole"] {
            assert!(g.grants(yes), "{yes}");
        }
        for no in ["logs:CreateLogDeliveries", "logs:GetLogDelivery", "lambda:GetPolicyVersion", "iam:GetRole"] {
            assert!(!g.grants(no), "{no}");
        }
    }
}
