crate::declare_rule! {
    /// ## What it does
    /// Checks the IAM policy grammar: a `Statement` that exists and is not
    /// empty, an `Effect` of exactly `Allow` or `Deny`, one of `Action` and
    /// `NotAction` (and of `Resource` and `NotResource`), known element names,
    /// values of the right type, known condition operators, a `Principal` only
    /// where the policy type takes one, and no duplicate `Sid`.
    ///
    /// ## Why is this bad?
    /// IAM rejects a malformed policy when it is created, so the deploy fails;
    /// some mistakes (a misspelt element in a hand-edited template) are easy to
    /// miss in review.
    ///
    /// ## Example
    /// ```json
    /// { "Version": "2012-10-17",
    ///   "Statement": [ { "Effect": "allow", "Action": "chime:GetSipRule", "NotAction": "chime:DeleteSipRule", "Resource": "*" } ] }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// { "Version": "2012-10-17",
    ///   "Statement": [ { "Effect": "Allow", "Action": "chime:GetSipRule", "Resource": "*" } ] }
    /// ```
    pub POLICY_SYNTAX, "policy-syntax", Error, Syntax,
    "the document is not a valid IAM policy"
}
