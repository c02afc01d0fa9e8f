use crate::catalog::wildcard_match;
use crate::finding::Finding;
use crate::policy::{PolicyKind, Statement};
use crate::rules::least_privilege as lp;
use crate::rules::PolicyCx;

crate::declare_rule! {
    /// ## What it does
    /// Flags `"Principal": "*"` or `{"AWS": "*"}` in an `Allow` statement of a
    /// resource or trust policy that has no condition narrowing who can use it.
    ///
    /// These conditions narrow it (positive tests only; `...IfExists`,
    /// negated operators and `Null` do not): `aws:SourceArn`,
    /// `aws:SourceAccount`, `aws:SourceOrgID`, `aws:SourceOrgPaths`,
    /// `aws:SourceOwner`, `aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`,
    /// `aws:PrincipalAccount`, `aws:PrincipalArn`, `aws:PrincipalServiceName`,
    /// `aws:userid`, `aws:SourceVpce`, `aws:SourceVpc`, `aws:SourceIp`,
    /// `aws:VpcSourceIp`, `kms:CallerAccount`, `s3:DataAccessPointAccount`,
    /// `s3:DataAccessPointArn`. A `Deny` in the same policy with
    /// `"Principal": "*"`, a condition on one of these keys and the same
    /// actions (the "deny unless from my organization" pattern) narrows it too.
    ///
    /// ## Why is this bad?
    /// `*` is everyone: every AWS account and, for services that allow it,
    /// anonymous callers. A bucket of call recordings or prompts becomes
    /// public; a role with `*` in its trust policy can be assumed from any account.
    ///
    /// ## Example
    /// ```json
    /// { "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
    ///   "Resource": "arn:aws:s3:::call-recordings/*" }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// { "Effect": "Allow", "Principal": { "Service": "voiceconnector.chime.amazonaws.com" },
    ///   "Action": "s3:GetObject", "Resource": "arn:aws:s3:::call-recordings/*",
    ///   "Condition": { "StringEquals": { "aws:SourceAccount": "111122223333" } } }
    /// ```
    pub PUBLIC_PRINCIPAL, "public-principal", Error, LeastPrivilege,
    "`Principal: \"*\"` in an Allow without a condition that narrows who can use it"
}

pub fn check(cx: &PolicyCx, out: &mut Vec<Finding>) {
    if !cx.policy.kind.has_principals() {
        return;
    }
    for sc in &cx.statements {
        let st = sc.st;
        let Some(p) = st.principal.as_ref().filter(|p| !p.negated) else { continue };
        if !st.is_allow() || !p.is_public() || lp::principal_narrowed(st) {
            continue;
        }
        if denied_unless_narrowed(cx, st) {
            continue;
        }
        let Some(star) = p.entries.iter().find(|e| (e.kind == "*" || e.kind == "AWS") && e.value.lit() == Some("*"))
        else {
            continue;
        };
        let actions: Vec<String> = sc.actions.iter().map(|a| a.value.display()).collect();
        let what = if cx.policy.kind == PolicyKind::Trust {
            "assume this role".to_string()
        } else if actions.is_empty() {
            "use this grant".to_string()
        } else {
            format!("call {} here", lp::list_words(&actions, 3, "and"))
        };
        out.push(
            Finding::new(
                &PUBLIC_PRINCIPAL,
                &cx.policy.source,
                star.value.span,
                format!("`Principal: \"*\"` lets anyone, in any AWS account or none, {what}"),
            )
            .with_help(
                "name the accounts, roles or services that need access in `Principal`, or add a condition that \
                 narrows it: `aws:PrincipalOrgID` for your organization, `aws:SourceAccount` or `aws:SourceArn` for \
                 a service, `aws:SourceVpce` for a VPC endpoint",
            ),
        );
    }
}

/// A `Deny` for everyone that tests a narrowing key and covers the Allow's actions.
fn denied_unless_narrowed(cx: &PolicyCx, allow: &Statement) -> bool {
    let Some(allowed) = allow.action.as_ref().filter(|a| !a.negated && !a.has_unknown) else { return false };
    cx.statements.iter().any(|sc| {
        let st = sc.st;
        if st.effect != crate::policy::Effect::Deny
            || !st.principal.as_ref().is_some_and(|p| !p.negated && p.is_public())
        {
            return false;
        }
        let narrowing_keys = &lp::data().principal_narrowing;
        let tests_key = st.conditions.iter().any(|c| narrowing_keys.iter().any(|k| c.key.eq_ignore_ascii_case(k)));
        let Some(denied) = st.action.as_ref().filter(|a| !a.negated) else { return false };
        tests_key
            && allowed.values.iter().all(|v| {
                v.lit().is_some_and(|t| denied.literals().any(|(_, d)| d == "*" || wildcard_match(d, t, true)))
            })
    })
}
