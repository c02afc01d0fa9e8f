//! What an attached AWS managed policy grants, reported at the attachment.
//! The project cannot edit `AmazonS3FullAccess`, but it chose to attach it,
//! and the line that attaches it is where a narrower policy goes instead. The
//! judgment is the rule's own: its policy check runs on the managed policy
//! (once per policy and run), and what it finds is reported at each place the
//! project names that policy.

use crate::finding::{Finding, RuleMeta};
use crate::index::FactKind;
use crate::policy::{aws_managed, Policy};
use crate::rules::{PolicyCx, ProjectCx};
use std::collections::HashMap;

/// `rule`'s findings on each AWS managed policy the project attaches, one
/// finding at each attachment that joins them.
pub fn at_attachments(
    cx: &ProjectCx,
    rule: &'static RuleMeta,
    check: fn(&PolicyCx, &mut Vec<Finding>),
    help: &str,
    out: &mut Vec<Finding>,
) {
    let mut judged: HashMap<*const Policy, Option<String>> = HashMap::new();
    for fact in &cx.index.facts {
        let FactKind::AttachedPolicyName { policy } = &fact.kind else { continue };
        let bare_names = !crate::index::is_terraform(&fact.site.source.path);
        let Some(managed) = aws_managed::lookup(policy, bare_names) else { continue };
        let grants = judged.entry(managed as *const Policy).or_insert_with(|| {
            let mut found = Vec::new();
            check(&PolicyCx::new(managed), &mut found);
            let messages: Vec<String> = found.into_iter().map(|f| f.message).collect();
            (!messages.is_empty()).then(|| messages.join("; "))
        });
        let Some(grants) = grants else { continue };
        let name = managed.source.path.strip_prefix(aws_managed::SOURCE_PREFIX).unwrap_or(policy);
        out.push(
            Finding::new(
                rule,
                &fact.site.source,
                fact.site.span,
                format!("`{name}`, an AWS managed policy attached here: {grants}"),
            )
            .with_help(help),
        );
    }
}
