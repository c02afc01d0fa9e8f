use crate::finding::Finding;
use crate::rules::least_privilege as lp;
use crate::rules::PolicyCx;

crate::declare_rule! {
    /// ## What it does
    /// Flags an `Allow` statement that uses `NotResource`: it grants its actions
    /// on every resource except the ones listed.
    ///
    /// Silent for `Deny` with `NotResource` (the normal way to write "deny
    /// everywhere but here"), for permissions boundaries and SCPs, and when a
    /// condition limits the resources (`aws:ResourceTag/...`, `aws:ResourceAccount`, ...).
    ///
    /// ## Why is this bad?
    /// The grant covers every resource that exists or will exist, in every
    /// account the actions can reach, except a short list. A new SIP media
    /// application or bucket is in scope the moment it is created.
    ///
    /// ## Example
    /// ```json
    /// { "Effect": "Allow", "Action": "chime:UpdateSipMediaApplicationCall",
    ///   "NotResource": "arn:aws:chime:us-east-1:111122223333:sma/production" }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// { "Effect": "Allow", "Action": "chime:UpdateSipMediaApplicationCall",
    ///   "Resource": "arn:aws:chime:us-east-1:111122223333:sma/staging" }
    /// ```
    pub ALLOW_NOT_RESOURCE, "allow-not-resource", Warning, LeastPrivilege,
    "an Allow with `NotResource` grants on every other resource, including ones created later"
}

pub fn check(cx: &PolicyCx, out: &mut Vec<Finding>) {
    if !lp::grants(cx.policy.kind) {
        return;
    }
    for sc in &cx.statements {
        let st = sc.st;
        // An empty `NotResource` is a `policy-syntax` error of its own.
        let Some(list) = st.resource.as_ref().filter(|r| r.negated && (r.has_unknown || !r.values.is_empty())) else {
            continue;
        };
        if !st.is_allow() || lp::scoped_for(st, None) {
            continue;
        }
        if list.values.iter().any(|v| v.lit().is_some_and(lp::is_any_resource)) {
            // `NotResource: "*"` grants nothing at all.
            continue;
        }
        let excluded: Vec<String> = list.values.iter().map(|v| v.display()).collect();
        let but = if excluded.is_empty() {
            String::new()
        } else {
            format!(" except {}", lp::list_words(&excluded, 2, "and"))
        };
        out.push(
            Finding::new(
                &ALLOW_NOT_RESOURCE,
                &cx.policy.source,
                list.key_span,
                format!(
                    "`NotResource` in an Allow grants its actions on every resource{but}, including resources created later"
                ),
            )
            .with_help("list the resources the workload uses in `Resource`; deny the others in a `Deny` statement if needed"),
        );
    }
}
