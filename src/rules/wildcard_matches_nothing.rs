use crate::finding::Finding;
use crate::rules::{ActionKind, PolicyCx};

crate::declare_rule! {
    /// ## What it does
    /// Flags an action pattern with `*` or `?` that matches no action of any
    /// service.
    ///
    /// ## Why is this bad?
    /// The pattern grants (or denies) nothing; usually it is a typo in the
    /// fixed part, and the intended actions are not granted.
    ///
    /// ## Example
    /// ```json
    /// "Action": "chime:*SipMediaApp*Cal"
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "Action": "chime:*SipMediaApplicationCall"
    /// ```
    pub WILDCARD_MATCHES_NOTHING, "wildcard-matches-nothing", Error, Validity,
    "an action pattern matches no action"
}

pub fn check(cx: &PolicyCx, out: &mut Vec<Finding>) {
    for (_, a) in cx.action_entries() {
        if matches!(&a.kind, ActionKind::Pattern(m) if m.is_empty()) {
            out.push(Finding::new(
                &WILDCARD_MATCHES_NOTHING,
                &cx.policy.source,
                a.value.span,
                format!("`{}` matches no action: it grants nothing", a.value.display()),
            ));
        }
    }
}
