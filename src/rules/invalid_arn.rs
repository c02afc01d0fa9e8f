use crate::finding::Finding;
use crate::policy::arn::Arn;
use crate::rules::PolicyCx;

crate::declare_rule! {
    /// ## What it does
    /// Flags a `Resource` or `NotResource` entry that is neither `*` nor a
    /// well-formed ARN (`arn:partition:service:region:account-id:resource`).
    /// Values with unresolved parts (`${AWS::Region}`, `var.x`) are checked
    /// only on their literal parts.
    ///
    /// ## Why is this bad?
    /// IAM rejects some malformed ARNs and silently never matches others; a
    /// bare name such as a function name or an `sma/...` path grants nothing.
    ///
    /// ## Example
    /// ```json
    /// "Resource": "chime:us-east-1:111122223333:sma/*"
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "Resource": "arn:aws:chime:us-east-1:111122223333:sma/*"
    /// ```
    pub INVALID_ARN, "invalid-arn", Error, Validity,
    "a resource is neither `*` nor a well-formed ARN"
}

pub fn check(cx: &PolicyCx, out: &mut Vec<Finding>) {
    for st in &cx.policy.statements {
        let Some(list) = &st.resource else { continue };
        for (value, text) in list.literals() {
            if text == "*" {
                continue;
            }
            if let Err(why) = Arn::parse(text) {
                out.push(
                    Finding::new(
                        &INVALID_ARN,
                        &cx.policy.source,
                        value.span,
                        format!("`{text}` is not a valid ARN: {why}"),
                    )
                    .with_help("write `*` or a full ARN such as `arn:aws:chime:us-east-1:111122223333:sma/*`"),
                );
            }
        }
    }
}
