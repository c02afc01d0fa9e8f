//! `forbidden-access-granted`: a grant that a `[[forbid]]` of
//! `.policy-lint.toml` forbids. The check itself is [`crate::lint::forbid::check`],
//! run at the end of the pipeline once the project index is built.

crate::declare_rule! {
    /// ## What it does
    /// Decides, with the offline evaluation engine, whether any principal of
    /// the project (a role, user or group with all its policies, an identity
    /// policy on its own, or a principal that a resource or trust policy
    /// names) is allowed an action that a `[[forbid]]` of `.policy-lint.toml`
    /// keeps for the principals it lists, or keeps from everyone (`public =
    /// false`) or from other accounts (`cross-account = false`). Each such
    /// grant is reported at the statement that grants it, naming the principal.
    ///
    /// ## Why is this bad?
    /// Some access must never spread: `iam:PassRole` on every role, reading
    /// the call recordings bucket, invoking the SIP media application's
    /// handler from another account. A `[[forbid]]` writes that down once and
    /// every change is checked against it, in CI and in the editor.
    ///
    /// ## Example
    /// ```toml
    /// [[forbid]]
    /// principals = ["aws_iam_role.deployer"]
    /// actions    = ["iam:PassRole"]
    /// ```
    /// with a handler role whose policy allows `iam:*` on `*`.
    ///
    /// ## Use instead
    /// Grant the handler only what it needs, or list it in `principals`:
    /// ```json
    /// { "Effect": "Allow", "Action": "chime:UpdateSipMediaApplicationCall",
    ///   "Resource": "arn:aws:chime:us-east-1:111122223333:sma/*" }
    /// ```
    pub FORBIDDEN_ACCESS_GRANTED, "forbidden-access-granted", Error, LeastPrivilege,
    "a grant that a `[[forbid]]` of the configuration forbids"
}
