use crate::finding::Finding;
use crate::policy::Effect;
use crate::rules::PolicyCx;

crate::declare_rule! {
    /// ## What it does
    /// Flags `aws:MultiFactorAuthPresent` tested with `Bool` where the key
    /// may be absent:
    ///
    /// - in a `Deny` with `"false"` (meant: deny unless signed in with MFA);
    /// - in an `Allow` with `"false"` (meant: allow without MFA).
    ///
    /// Silent for `BoolIfExists`, for `"true"` in an `Allow` (the key is
    /// present and true only with MFA, which is what such a statement wants),
    /// and for a `Null` test.
    ///
    /// ## Why is this bad?
    /// The key is absent from requests signed with long-term access keys
    /// (an IAM user's keys, the root user's). `Bool` on an absent key does not
    /// match: a `Deny ... "Bool": {"aws:MultiFactorAuthPresent": "false"}`
    /// never applies to access keys, so anyone holding a user's key is not
    /// stopped by it. AWS recommends `BoolIfExists`: IAM User Guide, "AWS
    /// global condition context keys", `aws:MultiFactorAuthPresent`
    /// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent>).
    ///
    /// ## Example
    /// ```json
    /// { "Effect": "Deny", "NotAction": "iam:*", "Resource": "*",
    ///   "Condition": { "Bool": { "aws:MultiFactorAuthPresent": "false" } } }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// { "Effect": "Deny", "NotAction": "iam:*", "Resource": "*",
    ///   "Condition": { "BoolIfExists": { "aws:MultiFactorAuthPresent": "false" } } }
    /// ```
    pub MFA_CONDITION_MISUSED, "mfa-condition-misused", Warning, LeastPrivilege,
    "`aws:MultiFactorAuthPresent` tested with `Bool` where the key is absent for long-term access keys"
}

const KEY: &str = "aws:MultiFactorAuthPresent";

pub fn check(cx: &PolicyCx, out: &mut Vec<Finding>) {
    for st in &cx.policy.statements {
        for c in &st.conditions {
            // `Bool` exactly: `BoolIfExists` is the recommended form.
            if !c.key.eq_ignore_ascii_case(KEY) || c.operator != "Bool" {
                continue;
            }
            if !c.values.iter().any(|v| v.lit().is_some_and(|t| t.eq_ignore_ascii_case("false"))) {
                continue;
            }
            let message = match st.effect {
                Effect::Deny => format!(
                    "this Deny never applies to requests signed with long-term access keys: they carry no \
                     `{KEY}`, and `Bool` does not match a missing key; use `BoolIfExists`"
                ),
                Effect::Allow => format!(
                    "`\"Bool\": {{\"{KEY}\": \"false\"}}` in an Allow matches only temporary credentials obtained \
                     without MFA, not requests signed with long-term access keys (they carry no `{KEY}`); use \
                     `BoolIfExists` for \"without MFA\", or test `\"true\"` to require MFA"
                ),
                Effect::Unknown => continue,
            };
            out.push(
                Finding::new(&MFA_CONDITION_MISUSED, &cx.policy.source, c.operator_span, message)
                    .with_help(format!("write `\"BoolIfExists\": {{\"{KEY}\": \"false\"}}`")),
            );
        }
    }
}
