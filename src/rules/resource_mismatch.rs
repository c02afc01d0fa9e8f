use crate::finding::Finding;
use crate::policy::arn::Arn;
use crate::rules::PolicyCx;

crate::declare_rule! {
    /// ## What it does
    /// Flags a resource ARN that fits no resource type of any action in its
    /// statement: a SIP media application ARN with
    /// `chime:PutVoiceConnectorOrigination`, which takes a Voice Connector.
    /// Statements with unresolved or `*` actions are skipped.
    ///
    /// ## Why is this bad?
    /// The statement grants nothing on that resource; the request the author
    /// had in mind is denied, usually because the ARN names the wrong kind of
    /// resource or is missing a path part (`sma/` vs `vc/`).
    ///
    /// ## Example
    /// ```json
    /// { "Effect": "Allow", "Action": "chime:PutVoiceConnectorOrigination",
    ///   "Resource": "arn:aws:chime:us-east-1:111122223333:sma/abc" }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// { "Effect": "Allow", "Action": "chime:PutVoiceConnectorOrigination",
    ///   "Resource": "arn:aws:chime:us-east-1:111122223333:vc/abcdef1ghij2klmno3pqr4" }
    /// ```
    pub RESOURCE_MISMATCH, "resource-mismatch", Error, Validity,
    "a resource ARN fits no resource type of the statement's actions"
}

pub fn check(cx: &PolicyCx, out: &mut Vec<Finding>) {
    for sc in &cx.statements {
        let (Some(action), Some(resources)) = (&sc.st.action, &sc.st.resource) else { continue };
        if action.negated || resources.negated || !sc.actions_known() {
            continue;
        }
        let actions: Vec<_> = sc.granted().filter(|a| a.supports_resource_level()).collect();
        if actions.is_empty() {
            continue;
        }
        for (i, value) in resources.values.iter().enumerate() {
            let Some(pattern) = value.as_pattern() else { continue };
            // Not an ARN at all (holes read as `*`): that is `invalid-arn`'s finding.
            if pattern.chars().all(|c| c == '*') || Arn::parse(&pattern).is_err() {
                continue;
            }
            if actions.iter().any(|&a| sc.value_applies(i, a)) {
                continue;
            }
            let expected: Vec<String> = actions
                .iter()
                .take(2)
                .filter_map(|a| {
                    a.resource_types()
                        .next()
                        .map(|(rt, _)| format!("`{}` takes {} {}", a.full_name(), rt.name(), rt.arn_formats_shown()))
                })
                .collect();
            out.push(
                Finding::new(
                    &RESOURCE_MISMATCH,
                    &cx.policy.source,
                    value.span,
                    format!(
                        "`{}` fits no resource type of the statement's actions, so it grants nothing",
                        value.display()
                    ),
                )
                .with_help(expected.join("; ")),
            );
        }
    }
}
