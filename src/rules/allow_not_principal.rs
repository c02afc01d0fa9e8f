use crate::finding::Finding;
use crate::rules::PolicyCx;

crate::declare_rule! {
    /// ## What it does
    /// Flags an `Allow` statement that uses `NotPrincipal`: it grants access to
    /// every principal except the ones listed.
    ///
    /// Silent for `Deny` with `NotPrincipal`, which AWS documents (with care)
    /// for "deny everyone but these".
    ///
    /// ## Why is this bad?
    /// "Everyone except" includes every AWS account, every federated user and
    /// anonymous callers. AWS's IAM documentation recommends never combining
    /// `NotPrincipal` with `Allow`.
    ///
    /// ## Example
    /// ```json
    /// { "Effect": "Allow", "NotPrincipal": { "AWS": "arn:aws:iam::444455556666:root" },
    ///   "Action": "s3:GetObject", "Resource": "arn:aws:s3:::prompts-bucket/*" }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// { "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::111122223333:role/sma-handler" },
    ///   "Action": "s3:GetObject", "Resource": "arn:aws:s3:::prompts-bucket/*" }
    /// ```
    pub ALLOW_NOT_PRINCIPAL, "allow-not-principal", Warning, LeastPrivilege,
    "an Allow with `NotPrincipal` grants everyone else, anonymous callers included"
}

pub fn check(cx: &PolicyCx, out: &mut Vec<Finding>) {
    for sc in &cx.statements {
        let st = sc.st;
        let Some(p) = st.principal.as_ref().filter(|p| p.negated) else { continue };
        if !st.is_allow() {
            continue;
        }
        out.push(
            Finding::new(
                &ALLOW_NOT_PRINCIPAL,
                &cx.policy.source,
                p.key_span,
                "`NotPrincipal` in an Allow grants every principal except the ones listed: every AWS account and anonymous callers included",
            )
            .with_help("name the principals that need access in `Principal`"),
        );
    }
}
