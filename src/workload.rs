//! The workload-level view: for each principal, the Chime SDK Voice access
//! its Allow statements give (by action family and access level) and the gaps
//! found in its policies, so a reviewer sees at a glance what a role can do.

use crate::catalog::{AccessLevel, Action};
use crate::finding::Finding;
use crate::rules::chime_voice::voice_family;
use crate::rules::context::{resolve, ActionKind};
use crate::rules::principals::PrincipalPolicies;
use crate::rules::Category;
use crate::source::Span;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One principal's Chime SDK Voice access.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrincipalAccess {
    pub principal: String,
    /// Family → access level → number of actions, both in order. Lists, not
    /// maps: a large tree has tens of thousands of principals to keep.
    pub families: Vec<(&'static str, Vec<(AccessLevel, usize)>)>,
    /// Where the principal's identity policies are (path and span), to count its gaps.
    pub policies: Vec<(String, Span)>,
    /// Gap findings inside the principal's policies, once [`count_gaps`] ran.
    pub gaps: usize,
}

/// The principals that have any Chime SDK Voice access, from the policy sets
/// the project rules worked out (of a whole project or of one unit of it);
/// [`count_gaps`] finishes the view once the findings are final.
pub fn principal_access(sets: &[PrincipalPolicies]) -> Vec<PrincipalAccess> {
    let mut out = Vec::new();
    for set in sets {
        let mut actions: BTreeSet<Action> = BTreeSet::new();
        for policy in &set.policies.identity {
            for st in policy.statements.iter().filter(|s| s.is_allow()) {
                let Some(list) = st.action.as_ref().filter(|l| !l.negated) else { continue };
                for v in &list.values {
                    match resolve(v) {
                        ActionKind::Exact(a) => {
                            actions.insert(a);
                        }
                        ActionKind::Pattern(m) => actions.extend(m.iter().copied()),
                        ActionKind::All => actions.extend(crate::catalog::expand("chime:*")),
                        _ => {}
                    }
                }
            }
        }
        let mut families: BTreeMap<&'static str, BTreeMap<AccessLevel, usize>> = BTreeMap::new();
        for a in actions {
            if let Some(f) = voice_family(a) {
                *families.entry(f).or_default().entry(a.access_level()).or_default() += 1;
            }
        }
        if families.is_empty() {
            continue;
        }
        let policies = set.policies.identity.iter().map(|p| (p.source.path.clone(), p.span)).collect();
        let families = families.into_iter().map(|(f, levels)| (f, levels.into_iter().collect())).collect();
        out.push(PrincipalAccess { principal: set.principal.clone(), families, policies, gaps: 0 });
    }
    out
}

/// Counts each principal's gap findings (those that survived suppressions and
/// the baseline) and puts the principals in order.
pub fn count_gaps(access: &mut Vec<PrincipalAccess>, findings: &[Finding]) {
    if access.is_empty() {
        return;
    }
    // Gap findings by the file they are in, so each principal looks only at its own files.
    let mut gaps_by_file: HashMap<&str, Vec<&Finding>> = HashMap::new();
    for f in findings.iter().filter(|f| is_gap(f)) {
        gaps_by_file.entry(&f.source.path).or_default().push(f);
    }
    for a in access.iter_mut() {
        a.gaps = a
            .policies
            .iter()
            .flat_map(|(path, span)| {
                let in_file = gaps_by_file.get(path.as_str()).map_or(&[][..], Vec::as_slice);
                in_file.iter().filter(move |f| f.span.start >= span.start && f.span.end <= span.end)
            })
            .count();
    }
    // Two principals of one name (a `HandlerRole` in two templates) are shown
    // once: the one whose policies come first in path order.
    access.sort_by(|a, b| {
        let first = |x: &PrincipalAccess| x.policies.first().map(|(path, span)| (path.clone(), span.start));
        a.principal.cmp(&b.principal).then_with(|| first(a).cmp(&first(b)))
    });
    access.dedup_by(|a, b| a.principal == b.principal);
}

/// A gap finding at warning or error: an info finding (a dependency no AWS
/// page documents) says what may be missing, not what is.
fn is_gap(f: &Finding) -> bool {
    f.severity != crate::finding::Severity::Info
        && crate::rules::find(f.rule).is_some_and(|r| r.meta.category == Category::Gap)
}

/// The summary as text lines, for the human format.
pub fn render(access: &[PrincipalAccess]) -> String {
    let mut s = String::new();
    if access.is_empty() {
        return s;
    }
    s.push_str("Chime SDK Voice access by principal:\n");
    for p in access {
        // A name from the files (a logical id, an address): escaped as paths are.
        s.push_str(&format!("  {}\n", crate::escape::controls(&p.principal)));
        for (family, levels) in &p.families {
            let levels: Vec<String> = levels.iter().map(|(l, n)| format!("{n} {}", l.as_str())).collect();
            s.push_str(&format!("    {family}: {}\n", levels.join(", ")));
        }
        if p.gaps > 0 {
            s.push_str(&format!("    gaps found: {}\n", p.gaps));
        }
    }
    s
}
