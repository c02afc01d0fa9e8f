use crate::finding::Finding;
use crate::policy::arn::Arn;
use crate::policy::ValueText;
use crate::rules::PolicyCx;
use crate::syntax::Piece;

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
        for value in &list.values {
            let ValueText::Template(pieces) = &value.text else { continue };
            if let Some(why) = template_problem(pieces) {
                out.push(
                    Finding::new(
                        &INVALID_ARN,
                        &cx.policy.source,
                        value.span,
                        format!("`{}` is not a valid ARN: {why}", value.display()),
                    )
                    .with_help("write `*` or a full ARN such as `arn:${AWS::Partition}:chime:${AWS::Region}:${AWS::AccountId}:sma/*`"),
                );
            }
        }
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

/// Holes that never hold a `:`, so the ARN's fields around them stay where they are.
const COLON_FREE: &[&str] = &["AWS::Partition", "AWS::Region", "AWS::AccountId", "AWS::URLSuffix", "AWS::StackName"];

/// What is wrong with an ARN that has holes, judged only on what no value of
/// the holes can change: fields before the first hole that might hold a `:`.
fn template_problem(pieces: &[Piece]) -> Option<String> {
    let mut prefix = String::new();
    let mut complete = true;
    for p in pieces {
        match p {
            Piece::Lit(s) => prefix.push_str(s),
            Piece::Hole(h) if COLON_FREE.contains(&h.as_str()) => prefix.push('*'),
            Piece::Hole(_) => {
                complete = false;
                break;
            }
        }
    }
    if prefix.is_empty() || prefix.chars().all(|c| c == '*') {
        return None;
    }
    if complete {
        return Arn::parse(&prefix).err();
    }
    // Only the fields closed by a `:` before the first open hole are known.
    let fields: Vec<&str> = prefix.split(':').collect();
    let known = &fields[..fields.len() - 1];
    let head = known.first().copied().unwrap_or(prefix.as_str());
    if known.is_empty() {
        // `chime/...${X}`: no `:` yet; only a start that cannot become `arn` is known wrong.
        let wild = head.contains(['*', '?']);
        return (!wild && !"arn".starts_with(head) && !head.starts_with("arn"))
            .then(|| "an ARN starts with `arn:`".into());
    }
    // Complete the known fields with wildcards and let the ARN grammar judge them.
    let mut probe: Vec<&str> = known.to_vec();
    while probe.len() < 6 {
        probe.push("*");
    }
    Arn::parse(&probe.join(":")).err()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(parts: &[(&str, bool)]) -> Vec<Piece> {
        parts.iter().map(|&(s, hole)| if hole { Piece::Hole(s.into()) } else { Piece::Lit(s.into()) }).collect()
    }

    #[test]
    fn templates_are_judged_on_what_holes_cannot_change() {
        let ok = t(&[
            ("arn:", false),
            ("AWS::Partition", true),
            (":chime:", false),
            ("AWS::Region", true),
            (":", false),
            ("AWS::AccountId", true),
            (":sma/*", false),
        ]);
        assert_eq!(template_problem(&ok), None);
        assert_eq!(template_problem(&t(&[("Bucket.Arn", true), ("/*", false)])), None);
        assert_eq!(template_problem(&t(&[("arn:aws:s3:::", false), ("Bucket", true), ("/*", false)])), None);
        assert_eq!(template_problem(&t(&[("arn:aws:lambda:", false), ("FunctionPart", true)])), None);
        assert!(template_problem(&t(&[("chime:", false), ("AWS::Region", true), (":1:sma/*", false)])).is_some());
        assert!(template_problem(&t(&[("arn:amazon:s3:::", false), ("Bucket", true)])).is_some());
        assert!(template_problem(&t(&[
            ("arn:", false),
            ("AWS::Partition", true),
            (":chime:", false),
            ("AWS::Region", true)
        ]))
        .is_some());
        assert!(template_problem(&t(&[("arn:aws::", false), ("X", true)])).is_some());
    }
}
