//! `[[forbid]]`: each table of the configuration checked by the engine over
//! every principal of the project ([`crate::analysis::access::subjects`]);
//! a grant that breaks one is a `forbidden-access-granted` finding at the
//! statement that grants it, naming the principal.

use crate::analysis::access::{allowed, requests_of, subjects, Reach, Subject};
use crate::catalog::wildcard_match;
use crate::config::forbid::Forbid;
pub use crate::finding::reported::forbidden_access_granted::FORBIDDEN_ACCESS_GRANTED;
use crate::finding::Finding;
use crate::index::ProjectIndex;
use crate::policy::Policy;
use std::collections::BTreeMap;

/// The `forbidden-access-granted` findings: one for each principal, table and
/// granting statement.
pub fn check(policies: &[Policy], index: &ProjectIndex, forbids: &[Forbid]) -> Vec<Finding> {
    let mut out = Vec::new();
    for subject in subjects(policies, index) {
        let mut requests: Option<Vec<(String, String)>> = None;
        for f in forbids {
            let Some(why) = breaks(&subject, f) else { continue };
            let all = requests.get_or_insert_with(|| requests_of(&subject));
            let wanted: Vec<(String, String)> = all
                .iter()
                .filter(|(a, r)| {
                    f.actions.iter().any(|p| wildcard_match(p, a, true))
                        && f.resources.iter().any(|p| wildcard_match(p, r, false) || wildcard_match(r, p, false))
                })
                .cloned()
                .collect();
            // By granting statement: its actions and resources.
            let mut by_site: BTreeMap<(String, u32), Site> = BTreeMap::new();
            for a in allowed(&subject, &wanted) {
                let Some((source, span)) = a.site else { continue };
                let entry = by_site
                    .entry((source.path.clone(), span.start))
                    .or_insert_with(|| (source.clone(), span, Vec::new(), Vec::new()));
                if !entry.2.contains(&a.action) {
                    entry.2.push(a.action);
                }
                if !entry.3.contains(&a.resource) {
                    entry.3.push(a.resource);
                }
            }
            for (source, span, actions, resources) in by_site.into_values() {
                out.push(Finding::new(
                    &FORBIDDEN_ACCESS_GRANTED,
                    &source,
                    span,
                    format!(
                        "{} is allowed {} on {}, which the [[forbid]] at {}:{} {why}",
                        subject.shown(),
                        listed(&actions),
                        listed(&resources),
                        f.source.path,
                        f.line
                    ),
                ));
            }
        }
    }
    out
}

/// A granting statement, with the actions and resources it grants.
type Site = (crate::source::Source, crate::source::Span, Vec<String>, Vec<String>);

/// Why this principal may not have the table's access, or `None` when it may.
fn breaks(subject: &Subject, f: &Forbid) -> Option<String> {
    match &subject.reach {
        Reach::Public if f.no_public => return Some("forbids to everyone (`public = false`)".to_string()),
        Reach::Account(a) if f.no_cross_account => {
            return Some(format!("forbids to other accounts (`cross-account = false`; this names account {a})"))
        }
        _ => {}
    }
    let list = f.principals.as_ref()?;
    if subject.names.iter().any(|n| list.contains(n)) {
        return None;
    }
    let shown: Vec<String> = list.iter().map(|p| format!("`{p}`")).collect();
    Some(if shown.is_empty() {
        "forbids to every principal".to_string()
    } else {
        format!("keeps for {}", shown.join(", "))
    })
}

/// `a`, or `a`, `b` and 3 more.
fn listed(items: &[String]) -> String {
    let shown: Vec<String> = items.iter().take(3).map(|i| format!("`{i}`")).collect();
    match items.len() {
        0..=3 => shown.join(", "),
        n => format!("{} and {} more", shown.join(", "), n - 3),
    }
}
