use crate::catalog;
use crate::finding::Finding;
use crate::rules::{ActionKind, PolicyCx};

crate::declare_rule! {
    /// ## What it does
    /// Flags an action that its service does not have, and suggests the
    /// nearest real one (never the whole list).
    ///
    /// ## Why is this bad?
    /// IAM accepts unknown actions silently, so a typo grants nothing and the
    /// call fails at run time with `AccessDeniedException`.
    ///
    /// ## Example
    /// ```json
    /// "Action": "chime:CreateSipMediaApplicationCalls"
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "Action": "chime:CreateSipMediaApplicationCall"
    /// ```
    pub UNKNOWN_ACTION, "unknown-action", Error, Validity,
    "the action does not exist in its service"
}

pub fn check(cx: &PolicyCx, out: &mut Vec<Finding>) {
    for sc in &cx.statements {
        for a in &sc.actions {
            let ActionKind::UnknownAction { service, name } = &a.kind else { continue };
            let mut f = Finding::new(
                &UNKNOWN_ACTION,
                &cx.policy.source,
                a.value.span,
                format!("`{}:{name}` is not an action of {}", service.prefix(), service.name()),
            );
            if let Some(s) = catalog::suggest_action(service, name) {
                f.message.push_str(&format!("; did you mean `{}`?", s.full_name()));
                f = f.with_help(format!("replace it with `{}`", s.full_name()));
            }
            out.push(f);
        }
    }
}
