crate::declare_rule! {
    /// ## What it does
    /// Reports a Terraform `file()` or `templatefile()` call whose file is
    /// not read: it lies outside the project (the git work tree being linted,
    /// or the paths linted when there is none) once links are resolved, it is
    /// a file of the running system (`/proc`, `/sys`, `/dev`), or it is not a
    /// regular file. The policy it would hold is unknown, and not checked.
    ///
    /// ## Why is this bad?
    /// policy-lint runs on pull requests from anyone. A path chosen by the
    /// author of a change could otherwise make the run read the CI job's
    /// environment, a key or a credentials file, and print it in the log or
    /// store it in a baseline. A policy kept outside the project is also one
    /// that the project's reviewers do not see. The finding names the path,
    /// never what the file holds.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_iam_role_policy" "handler" {
    ///   role   = aws_iam_role.handler.id
    ///   policy = file("/home/ci/policies/handler.json")
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// resource "aws_iam_role_policy" "handler" {
    ///   role   = aws_iam_role.handler.id
    ///   policy = file("${path.module}/policies/handler.json")
    /// }
    /// ```
    pub FILE_OUTSIDE_PROJECT, "file-outside-project", Info, Syntax,
    "a file that `file()` or `templatefile()` names is outside the project, or not a regular file, and is not read"
}
