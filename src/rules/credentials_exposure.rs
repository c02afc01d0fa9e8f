use crate::finding::Finding;
use crate::index::FactKind;
use crate::rules::least_privilege as lp;
use crate::rules::{ActionKind, PolicyCx, ProjectCx};

crate::declare_rule! {
    /// ## What it does
    /// Flags actions that return credentials or secrets, or set them, granted
    /// on `"Resource": "*"` in an identity policy: `sts:AssumeRole`,
    /// `secretsmanager:GetSecretValue`, `ssm:GetParameter(s)`, `kms:Decrypt`,
    /// `chime:PutVoiceConnectorTerminationCredentials`, `ec2:GetPasswordData`,
    /// ... (the list, with what each returns, is `rules/credential-actions.json`).
    /// Patterns that include one (`ssm:GetParam*`) count; `*` and `service:*`
    /// are left to `full-admin` and `service-wildcard`. Creating access keys or
    /// passwords for other IAM users is `privilege-escalation`.
    ///
    /// Silent for `Deny`, for scoped resources, and when a condition limits the
    /// resources (`aws:ResourceTag/...`, or a key of the service such as
    /// `kms:ViaService` or `secretsmanager:SecretId`).
    ///
    /// Also flags, at the value, a secret that leaves the stack: an
    /// `AWS::IAM::AccessKey`'s `SecretAccessKey` (`!GetAtt Key.SecretAccessKey`)
    /// in CloudFormation `Outputs`, and a Terraform `output` of
    /// `aws_iam_access_key.<name>.secret` or `.ses_smtp_password_v4` without
    /// `sensitive = true`.
    ///
    /// ## Why is this bad?
    /// On `*` the grant reaches every secret of its kind in the account: the
    /// database password of another application, every SecureString parameter,
    /// every role that trusts the account, the SIP credentials of every Voice
    /// Connector. One compromised function then leaks them all. A secret in an
    /// output is shown in plain text to everyone who can describe the stack
    /// (`cloudformation:DescribeStacks`) or read the plan and apply logs.
    ///
    /// ## Example
    /// ```json
    /// { "Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*" }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// { "Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
    ///   "Resource": "arn:aws:secretsmanager:us-east-1:111122223333:secret:sip-trunk-*" }
    /// ```
    pub CREDENTIALS_EXPOSURE, "credentials-exposure", Warning, LeastPrivilege,
    "an action that returns credentials or secrets, granted on `*`, or a secret in a stack's outputs"
}

pub fn check(cx: &PolicyCx, out: &mut Vec<Finding>) {
    let d = lp::data();
    for (sc, star) in lp::unscoped_star_grants(cx) {
        let st = sc.st;
        for a in &sc.actions {
            if lp::is_blanket(a) || !matches!(a.kind, ActionKind::Exact(_) | ActionKind::Pattern(_)) {
                continue;
            }
            let Some(cred) = d
                .credentials
                .iter()
                .find(|c| lp::entry_grants(a, c.action) && !lp::scoped_for(st, Some(c.action.service().prefix())))
            else {
                continue;
            };
            let formats = lp::arn_formats(&[cred.action]);
            out.push(
                Finding::new(
                    &CREDENTIALS_EXPOSURE,
                    &cx.policy.source,
                    a.value.span,
                    format!(
                        "{} on `Resource: \"{}\"` returns {}",
                        lp::through(cred.action, Some(a)),
                        star.display(),
                        cred.returns
                    ),
                )
                .with_label(&cx.policy.source, star.span, "every resource")
                .with_help(format!("scope it to the ARNs the workload needs: {}", lp::list_words(&formats, 2, "or"))),
            );
        }
    }
}

/// Secrets that leave the stack or module as outputs (facts the front-ends
/// record as [`FactKind::SecretOutput`]).
pub fn check_outputs(cx: &ProjectCx, out: &mut Vec<Finding>) {
    for fact in &cx.index.facts {
        let FactKind::SecretOutput { resource, attribute } = &fact.kind else { continue };
        let terraform = crate::index::is_terraform(&fact.site.source.path);
        let (message, help) = if terraform {
            (
                format!(
                    "`{}` hands out `{resource}.{attribute}`, the access key's secret, without `sensitive = true`: \
                     Terraform stops with \"Output refers to sensitive values\", and wrapped in `nonsensitive()` \
                     the secret is printed by every plan and apply",
                    fact.address
                ),
                "keep the secret out of outputs (store it in Secrets Manager, or use `pgp_key` and output \
                 `encrypted_secret`), or at least set `sensitive = true`"
                    .to_string(),
            )
        } else {
            (
                format!(
                    "output `{}` hands out the secret access key of `{resource}`: whoever can describe the stack \
                     (`cloudformation:DescribeStacks`) reads it in plain text",
                    fact.address
                ),
                format!(
                    "store the secret in AWS Secrets Manager (an `AWS::SecretsManager::Secret` whose \
                     `SecretString` holds `!GetAtt {resource}.SecretAccessKey`) and output the secret's ARN, or \
                     avoid long-term access keys altogether"
                ),
            )
        };
        out.push(Finding::new(&CREDENTIALS_EXPOSURE, &fact.site.source, fact.site.span, message).with_help(help));
    }
}
