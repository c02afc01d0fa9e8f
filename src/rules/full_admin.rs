use crate::catalog;
use crate::finding::Finding;
use crate::rules::least_privilege as lp;
use crate::rules::{ActionKind, PolicyCx, ProjectCx};

crate::declare_rule! {
    /// ## What it does
    /// Flags an `Allow` of every action (`"Action": "*"` or `"*:*"`) on every
    /// resource (`"Resource": "*"`) in an identity policy: administrator access.
    ///
    /// Silent for `Deny` statements, for resource policies, permissions
    /// boundaries and SCPs (they do not grant: the `FullAWSAccess` SCP is the
    /// default), and when a condition limits the resources the grant reaches
    /// (`aws:ResourceTag/...`, `aws:ResourceAccount`, `aws:SourceArn`,
    /// `aws:CalledVia`...). Conditions on the caller (`aws:MultiFactorAuthPresent`,
    /// `aws:SourceIp`, `aws:RequestedRegion`) do not make it less than admin.
    ///
    /// An attached AWS managed policy that grants it (`AdministratorAccess`) is
    /// reported where the project attaches it: the ARN in `ManagedPolicyArns`,
    /// `managed_policy_arns` or `policy_arn`, or the name in SAM `Policies`.
    ///
    /// ## Why is this bad?
    /// The identity can do anything in the account, including changing its own
    /// permissions and deleting every resource; one leaked credential or one
    /// bug in the workload is a full compromise. It is usually written to get
    /// past an `AccessDeniedException`, and then never narrowed.
    ///
    /// ## Example
    /// ```json
    /// { "Effect": "Allow", "Action": "*", "Resource": "*" }
    /// ```
    ///
    /// ## Use instead
    /// Name the actions the workload calls and the resources it calls them on:
    /// ```json
    /// { "Effect": "Allow",
    ///   "Action": ["chime:CreateSipMediaApplicationCall", "chime:UpdateSipMediaApplicationCall"],
    ///   "Resource": "arn:aws:chime:us-east-1:111122223333:sma/6e4b1f3c-0d35-4d0e-9a6f-2f1a9c8e7b10" }
    /// ```
    /// If the identity really administers the account, attach the AWS managed
    /// policy `AdministratorAccess` and suppress this finding there with the
    /// reason (`# policy-lint: ignore[full-admin] break-glass role, SEC-12`),
    /// so the intent is explicit and reviewed.
    pub FULL_ADMIN, "full-admin", Error, LeastPrivilege,
    "an Allow of every action on every resource: administrator access"
}

pub fn check(cx: &PolicyCx, out: &mut Vec<Finding>) {
    // Most policies name no `*` action: then the resource and condition
    // tests of `unscoped_star_grants` need not run.
    if !cx.statements.iter().flat_map(|sc| &sc.actions).any(|a| matches!(a.kind, ActionKind::All)) {
        return;
    }
    for (sc, star) in lp::unscoped_star_grants(cx) {
        for a in sc.actions.iter().filter(|a| matches!(a.kind, ActionKind::All)) {
            let (services, actions) = catalog::services().fold((0, 0), |(s, n), svc| (s + 1, n + svc.action_count()));
            out.push(
                Finding::new(
                    &FULL_ADMIN,
                    &cx.policy.source,
                    a.value.span,
                    format!(
                        "`{}` on `Resource: \"{}\"` grants all {} actions of all {services} AWS services: this is administrator access",
                        lp::entry_text(a),
                        star.display(),
                        lp::thousands(actions),
                    ),
                )
                .with_label(&cx.policy.source, star.span, "on every resource")
                .with_help(
                    "name the actions the workload calls and the ARNs it calls them on; if this identity really \
                     administers the account, attach the AWS managed policy `AdministratorAccess` instead and \
                     suppress the finding there with the reason, so the intent is explicit",
                ),
            );
        }
    }
}

/// `AdministratorAccess` (or another AWS managed policy that grants `*` on
/// `*`), reported where the project attaches it.
pub fn attached(cx: &ProjectCx, out: &mut Vec<Finding>) {
    lp::attached::at_attachments(
        cx,
        &FULL_ADMIN,
        check,
        "attach a policy that names the actions the workload calls and the ARNs it calls them on; if this identity \
         really administers the account, suppress this finding here with the reason, so the intent is explicit",
        out,
    );
}
