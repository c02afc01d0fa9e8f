crate::declare_rule! {
    /// ## What it does
    /// Flags a standalone policy document without `Version`, and any `Version`
    /// other than `2012-10-17`. Formats that supply the version themselves
    /// (SAM statement lists, Terraform `aws_iam_policy_document`) are not flagged.
    ///
    /// ## Why is this bad?
    /// Without a version IAM uses `2008-10-17`, under which policy variables
    /// such as `${aws:username}` are taken literally: a statement meant for
    /// each user's own prefix silently matches nothing. Any other value is
    /// rejected.
    ///
    /// ## Example
    /// ```json
    /// { "Version": "2008-10-17", "Statement": [ ... ] }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// { "Version": "2012-10-17", "Statement": [ ... ] }
    /// ```
    pub INVALID_VERSION, "invalid-version", Warning, Syntax,
    "the policy has no `Version` or not `2012-10-17`", fix = Safe
}
