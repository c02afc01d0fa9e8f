crate::declare_rule! {
    /// ## What it does
    /// Reports a file that cannot be read as its language (JSON, YAML or HCL),
    /// or cannot be read at all, at the place where reading stopped.
    ///
    /// ## Why is this bad?
    /// A file that does not parse is rejected by IAM, CloudFormation or
    /// Terraform at deploy time, and none of its policies can be checked.
    ///
    /// ## Example
    /// ```json
    /// { "Version": "2012-10-17", "Statement": [ { "Effect": "Allow", } ] }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// { "Version": "2012-10-17", "Statement": [ { "Effect": "Allow" } ] }
    /// ```
    pub PARSE_ERROR, "parse-error", Error, Syntax,
    "the file is not valid JSON, YAML or HCL, or could not be read"
}
