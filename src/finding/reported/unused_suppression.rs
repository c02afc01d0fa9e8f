crate::declare_rule! {
    /// ## What it does
    /// Reports a rule id in a `policy-lint: ignore[...]` comment that
    /// suppresses nothing: the rule does not report anything on the lines the
    /// comment covers.
    ///
    /// A suppression covers its own line when it ends a line of code; on a
    /// line of its own it covers the next line, and the whole block when that
    /// line opens one (a Terraform block, a CloudFormation resource).
    ///
    /// ## Why is this bad?
    /// A stale suppression hides nothing today but will silently hide the
    /// next real problem on those lines. It often means the comment sits one
    /// line too far from the finding, or names the wrong rule.
    ///
    /// ## Example
    /// ```hcl
    /// # policy-lint: ignore[resource-mismatch] legacy role
    /// resource "aws_iam_role" "legacy" { name = "legacy" }
    /// ```
    ///
    /// ## Use instead
    /// Remove the comment, or move it next to the finding it is meant for.
    pub UNUSED_SUPPRESSION, "unused-suppression", Warning, Meta,
    "a suppression comment silences nothing"
}
