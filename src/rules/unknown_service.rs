use crate::catalog;
use crate::finding::Finding;
use crate::rules::{ActionKind, PolicyCx};

crate::declare_rule! {
    /// ## What it does
    /// Flags an action whose service prefix (the part before `:`) is no AWS
    /// service, and suggests the nearest one.
    ///
    /// ## Why is this bad?
    /// IAM accepts the policy but the entry grants nothing. A common case:
    /// `chime-sdk-voice:` and `chimesdkvoice:` look right but grant nothing,
    /// because the IAM prefix of every Chime SDK API is `chime`.
    ///
    /// ## Example
    /// ```json
    /// "Action": "chime-sdk-voice:CreateSipMediaApplicationCall"
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "Action": "chime:CreateSipMediaApplicationCall"
    /// ```
    pub UNKNOWN_SERVICE, "unknown-service", Error, Validity,
    "the action's service prefix is no AWS service", fix = Safe
}

pub fn check(cx: &PolicyCx, out: &mut Vec<Finding>) {
    for (sc, a) in cx.action_entries() {
        let ActionKind::UnknownService { prefix } = &a.kind else { continue };
        let mut message = format!("`{prefix}` is not an AWS service prefix, so `{}` grants nothing", a.value.display());
        let suggestion = catalog::suggest_service(prefix);
        if prefix.to_ascii_lowercase().starts_with("chime") && suggestion == Some("chime") {
            message.push_str("; the IAM prefix of Amazon Chime SDK Voice (and every Chime SDK API) is `chime`");
        }
        let mut f = Finding::new(&UNKNOWN_SERVICE, &cx.policy.source, a.value.span, message);
        if let Some(s) = suggestion {
            let name = a.value.lit().and_then(|t| t.split_once(':')).map_or("", |(_, n)| n);
            f = f.with_help(format!("did you mean `{s}:{name}`?"));
            if !name.is_empty() {
                f = f.with_fix(a.replaced_by(&sc.actions, &cx.policy.source, &format!("{s}:{name}")));
            }
        }
        out.push(f);
    }
}
