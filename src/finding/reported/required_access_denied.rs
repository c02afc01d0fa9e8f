//! `required-access-denied`: a `[[require]]` of `.policy-lint.toml` that the
//! policies do not grant. The check itself is [`crate::lint::require::check`],
//! run at the end of the pipeline once the project index is built.

crate::declare_rule! {
    /// ## What it does
    /// Proves, with the offline evaluation engine, every `[[require]]` of
    /// `.policy-lint.toml`: that the principal (a Terraform role address, a
    /// CloudFormation logical id, a role name or a policy file) is allowed each
    /// listed action on each listed resource. Each one that is explicitly
    /// denied, implicitly denied, or that depends on something the project does
    /// not say is reported at the principal's definition, with the reason: the
    /// Deny that blocks it, the permissions boundary, or the statement that
    /// comes closest to granting it.
    ///
    /// ## Why is this bad?
    /// The workload will fail at run time with `AccessDeniedException`. Writing
    /// down what each role must be able to do, and proving it on every change,
    /// keeps the failure in CI instead of production.
    ///
    /// ## Example
    /// ```toml
    /// [[require]]
    /// principal = "aws_iam_role.sma_handler"
    /// actions   = ["chime:UpdateSipMediaApplicationCall"]
    /// resources = ["arn:aws:chime:us-east-1:111122223333:sma/*"]
    /// ```
    /// with a role whose policy grants the action only on `sma/abc`.
    ///
    /// ## Use instead
    /// Grant what the requirement names:
    /// ```json
    /// { "Effect": "Allow", "Action": "chime:UpdateSipMediaApplicationCall",
    ///   "Resource": "arn:aws:chime:us-east-1:111122223333:sma/*" }
    /// ```
    /// When the answer depends on a condition key, give its value in the
    /// table: `context = { "aws:SourceAccount" = "111122223333" }`.
    pub REQUIRED_ACCESS_DENIED, "required-access-denied", Error, Gap,
    "a `[[require]]` assertion that the policies do not grant"
}
