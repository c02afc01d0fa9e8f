use crate::finding::Finding;
use crate::rules::least_privilege as lp;
use crate::rules::{ActionKind, PolicyCx};

crate::declare_rule! {
    /// ## What it does
    /// Flags a grant of an action whose API AWS has retired or no longer
    /// supports: the Amazon Chime SDK Voice proxy-session actions
    /// (`chime:CreateProxySession`, `chime:GetProxySession`,
    /// `chime:UpdateProxySession`, `chime:DeleteProxySession`,
    /// `chime:ListProxySessions`, `chime:PutVoiceConnectorProxy`,
    /// `chime:GetVoiceConnectorProxy`, `chime:DeleteVoiceConnectorProxy`; end of
    /// support April 7, 2026) and the SIP media application Alexa skill
    /// configuration (`chime:PutSipMediaApplicationAlexaSkillConfiguration`,
    /// `chime:GetSipMediaApplicationAlexaSkillConfiguration`); and the 56
    /// actions of the legacy Amazon Chime API (`chime:ListAccounts`,
    /// `chime:ListUsers`, `chime:CreateRoom`, ...), which ended with the Amazon
    /// Chime service on February 20, 2026, naming the Amazon Chime SDK action
    /// that replaces one where there is any (`chime:TagMeeting`:
    /// `chime:TagResource`). A pattern fires when every action it matches is
    /// retired.
    ///
    /// The list is data: the `deprecated` messages of the bundled catalog
    /// (`rules/catalog/chime.json`), taken from the `deprecated` flags of the
    /// botocore `chime-sdk-voice` service model (1.44.8, API version 2022-08-03)
    /// and from `rules/chime-retired-apis.json` (the end-of-support notice of
    /// the Amazon Chime API Reference). Silent for `Deny` statements. Services
    /// and actions that left the Service Authorization Reference are
    /// `retired-action`.
    ///
    /// ## Why is this bad?
    /// The call fails whatever IAM says, so the grant is dead weight: it widens
    /// the policy for nothing, and it hides that the code still calls an API
    /// that no longer works.
    ///
    /// ## Example
    /// ```json
    /// { "Effect": "Allow", "Action": ["chime:CreateProxySession", "chime:UpdateSipMediaApplicationCall"],
    ///   "Resource": "arn:aws:chime:us-east-1:111122223333:vc/abcdef1ghij2klmno3pqr4" }
    /// ```
    ///
    /// ## Use instead
    /// Remove the retired action (and move the workload off the API):
    /// ```json
    /// { "Effect": "Allow", "Action": "chime:UpdateSipMediaApplicationCall",
    ///   "Resource": "arn:aws:chime:us-east-1:111122223333:sma/*" }
    /// ```
    ///
    /// No fix is offered, on purpose. The successor of a retired API is
    /// another API (the Alexa skill configuration has none at all), not a
    /// new name for the same call: rewriting the action would grant what
    /// the code does not call, and removing it would deny a call the code
    /// still makes. Move the code first, then change the policy.
    pub DEPRECATED_ACTION, "deprecated-action", Warning, LeastPrivilege,
    "a grant of an action whose API AWS has retired"
}

pub fn check(cx: &PolicyCx, out: &mut Vec<Finding>) {
    for (_, a) in cx.granted_entries() {
        let matched = a.actions();
        let notice = match &a.kind {
            ActionKind::Exact(x) => x.deprecation(),
            ActionKind::Pattern(_) if !matched.is_empty() && matched.iter().all(|x| x.deprecation().is_some()) => {
                matched[0].deprecation()
            }
            _ => None,
        };
        let Some(notice) = notice else { continue };
        let (what, link) = match notice.split_once(" For more information") {
            Some((w, rest)) => (
                w.trim_end(),
                rest.find("https://").and_then(|i| rest[i..].split(|c: char| c.is_whitespace() || c == ')').next()),
            ),
            None => (notice, None),
        };
        let (what, successor) = match what.split_once(" Replaced by ") {
            Some((w, r)) => (w, Some(r.trim_end_matches('.'))),
            None => (what, None),
        };
        let text = lp::entry_text(a);
        let subject = if matched.len() > 1 {
            format!("`{text}` matches only retired actions")
        } else {
            format!("`{text}` is retired")
        };
        let mut help = match successor {
            Some(r) => format!("replace `{text}` with {r}, and move the code to that API"),
            None => format!("remove `{text}` from the policy, and move the code off the API"),
        };
        if let Some(link) = link {
            help.push_str(&format!(" ({})", link.trim_end_matches('.')));
        }
        // No fix: the successor is another API, so the code must move with the
        // policy; rewriting the policy alone denies the calls the code still makes.
        out.push(
            Finding::new(
                &DEPRECATED_ACTION,
                &cx.policy.source,
                a.value.span,
                format!("{subject} ({what}): the call fails whatever IAM says, so the grant is dead weight"),
            )
            .with_help(help),
        );
    }
}
