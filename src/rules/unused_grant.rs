use crate::catalog;
use crate::code::sdk::sdk;
use crate::finding::Finding;
use crate::index::FactKind;
use crate::policy::Effect;
use crate::rules::ProjectCx;
use std::collections::{BTreeSet, HashMap};

crate::declare_rule! {
    /// ## What it does
    /// Flags an action that a Lambda function's role allows (by its exact
    /// name, in a policy the project defines) and that no code of the
    /// functions running as that role calls. It speaks only when everything
    /// is known: every function of the role had its code read, every SDK call
    /// in it resolved to actions, and nothing else (a state machine, an ECS
    /// task, an instance profile) uses the role. Actions the Lambda service
    /// uses with the role itself (CloudWatch Logs, X-Ray, networking, KMS,
    /// event source polling, and for a function with a dead-letter queue or
    /// invocation destinations, the delivery to them) are never flagged; nor
    /// are wildcards, which the least-privilege rules judge.
    ///
    /// ## Why is this bad?
    /// A grant nothing uses is attack surface: a compromised handler, or a
    /// dependency with a vulnerability, can use it. Grants that outlive the
    /// code that needed them are how roles drift to more than they need.
    ///
    /// ## Example
    /// ```yaml
    /// Action:
    ///   - chime:UpdateSipMediaApplicationCall
    ///   - chime:DeleteSipMediaApplication   # no code calls it
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// Action:
    ///   - chime:UpdateSipMediaApplicationCall
    /// ```
    pub UNUSED_GRANT, "unused-grant", Info, Gap,
    "an action a function's role allows that none of its code calls"
}

/// Of one role: whether all its functions' code is known, their addresses,
/// and the actions (lowercase) their calls need.
type RoleUse<'a> = (bool, Vec<&'a str>, BTreeSet<String>);

/// What Lambda uses with a function's role to deliver its asynchronous
/// invocations to a dead-letter queue or topic, or to a destination of any
/// type (SQS, SNS, Lambda, EventBridge, S3).
const DELIVERY: &[&str] =
    &["sqs:SendMessage", "sns:Publish", "lambda:InvokeFunction", "events:PutEvents", "s3:PutObject", "s3:ListBucket"];

pub fn check(cx: &ProjectCx, out: &mut Vec<Finding>) {
    let decided = cx.decided();
    // Each role: whether all its functions' code is known, and the actions they call.
    let mut roles: HashMap<(String, String), RoleUse> = HashMap::new();
    // Templates and modules with a function whose role is not known: it may be any of their roles.
    let mut unknown_roles: BTreeSet<&str> = BTreeSet::new();
    for d in decided {
        let Some(role) = &d.role else {
            unknown_roles.insert(crate::index::scope(&d.code.site.source.path));
            continue;
        };
        let Some(site) = &role.site else { continue };
        let key = (crate::index::scope(&site.source.path).to_string(), role.label.clone());
        let entry = roles.entry(key).or_insert((true, Vec::new(), BTreeSet::new()));
        entry.0 &= d.code.complete;
        entry.1.push(&d.code.function);
        let fn_scope = crate::index::scope(&d.code.site.source.path);
        let delivers = cx.index.facts.iter().any(|f| {
            matches!(&f.kind, FactKind::AsyncDelivery { function } if function.address() == Some(d.code.function.as_str()))
                && crate::index::scope(&f.site.source.path) == fn_scope
        });
        if delivers {
            entry.2.extend(DELIVERY.iter().map(|a| a.to_ascii_lowercase()));
        }
        for call in &d.code.calls {
            entry.2.extend(call.actions().iter().map(|a| a.to_ascii_lowercase()));
        }
    }
    // Functions whose code is not described also run as their role: any unread one keeps it silent.
    for f in &cx.index.facts {
        if let FactKind::LambdaFunction { role, code, .. } = &f.kind {
            let read = code.is_some();
            if let (false, Some(a)) = (read, role.address()) {
                let key = (crate::index::scope(&f.site.source.path).to_string(), a.to_string());
                if let Some(e) = roles.get_mut(&key) {
                    e.0 = false;
                }
            }
        }
        if let FactKind::RoleUser { role, .. } = &f.kind {
            if let Some(a) = role.address() {
                let key = (crate::index::scope(&f.site.source.path).to_string(), a.to_string());
                if let Some(e) = roles.get_mut(&key) {
                    e.0 = false;
                }
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    for d in decided {
        let Some(role) = &d.role else { continue };
        let Some(site) = &role.site else { continue };
        let key = (crate::index::scope(&site.source.path).to_string(), role.label.clone());
        let Some((true, functions, called)) = roles.get(&key) else { continue };
        if unknown_roles.contains(key.0.as_str()) {
            continue;
        }
        if !seen.insert(key.clone()) {
            continue;
        }
        let functions = functions.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", ");
        for policy in role.set.identity.iter().filter(|p| owned(cx, p, &role.label)) {
            for st in policy.statements.iter().filter(|s| s.effect == Effect::Allow) {
                let Some(actions) = st.action.as_ref().filter(|a| !a.negated) else { continue };
                for (value, text) in actions.literals() {
                    if catalog::has_wildcard(text) || sdk().used_by_runtime(text) {
                        continue;
                    }
                    let Some(action) = catalog::action(text) else { continue };
                    let name = action.full_name();
                    if called.contains(&name.to_ascii_lowercase()) {
                        continue;
                    }
                    out.push(
                        Finding::new(
                            &UNUSED_GRANT,
                            &policy.source,
                            value.span,
                            format!(
                                "role `{}` allows `{name}`, but no code of the functions that run as it ({functions}) calls it",
                                role.label
                            ),
                        )
                        .with_help("remove the action, or keep it if code outside these functions uses the role"),
                    );
                }
            }
        }
    }
}

/// A policy that only this role uses: its inline policy, or a standalone
/// inline policy (or the policy document it names) attached to it alone.
/// A managed policy may be attached elsewhere, outside the project too.
fn owned(cx: &ProjectCx, policy: &crate::policy::Policy, role: &str) -> bool {
    let Some(origin) = policy.origin.as_deref() else { return false };
    if origin == role {
        return true;
    }
    let alone = |address: &str| {
        cx.index.get(&policy.source, address).any(|f| {
            matches!(&f.kind, FactKind::InlinePolicy { attached_to } if attached_to.len() == 1 && attached_to[0].address() == Some(role))
        })
    };
    if alone(origin) {
        return true;
    }
    let users: Vec<&str> = cx
        .index
        .in_scope(&policy.source)
        .filter(|f| matches!(&f.kind, FactKind::PolicyReference { document, .. } if document.address() == Some(origin)))
        .map(|f| f.address.as_str())
        .collect();
    users.len() == 1 && alone(users[0])
}
