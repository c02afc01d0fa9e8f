//! The workload-level view: for each principal, the Chime SDK Voice access
//! its Allow statements give (by action family and access level) and the gaps
//! found in its policies, so a reviewer sees at a glance what a role can do.

use crate::catalog::{AccessLevel, Action};
use crate::finding::Finding;
use crate::index::{FactKind, ProjectIndex};
use crate::rules::chime_voice::voice_family;
use crate::rules::context::{resolve, ActionKind};
use crate::rules::principals::PrincipalPolicies;
use crate::rules::Category;
use crate::source::Span;
use std::collections::{BTreeMap, HashMap};

/// One principal's Chime SDK Voice access.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrincipalAccess {
    pub principal: String,
    /// Family → access level → number of actions, both in order. Lists, not
    /// maps: a large tree has tens of thousands of principals to keep. Once
    /// [`count_gaps`] ran, only the grants that take effect.
    pub families: Vec<(&'static str, Vec<(AccessLevel, usize)>)>,
    /// Where the principal's identity policies are (path and span), to count its gaps.
    pub policies: Vec<(String, Span)>,
    /// Each Chime SDK Voice action granted, with where (policy index, span of
    /// the action value): what [`count_gaps`] checks against the findings
    /// that say a grant does nothing.
    pub grants: Vec<(Action, Vec<(usize, Span)>)>,
    /// The principal and what runs as it (its Lambda functions), as findings name them.
    pub names: Vec<String>,
    /// Gap findings about the principal, once [`count_gaps`] ran.
    pub gaps: usize,
}

/// The principals that have any Chime SDK Voice access, from the policy sets
/// the project rules worked out (of a whole project or of one unit of it);
/// [`count_gaps`] finishes the view once the findings are final.
pub fn principal_access(sets: &[PrincipalPolicies], index: &ProjectIndex) -> Vec<PrincipalAccess> {
    let mut out = Vec::new();
    // The Lambda functions that run as each role, by the role's address: one
    // pass over the facts, not one a principal.
    let mut functions: HashMap<&str, Vec<&str>> = HashMap::new();
    if !sets.is_empty() {
        for f in &index.facts {
            if let FactKind::LambdaFunction { role, .. } = &f.kind {
                if let Some(address) = role.address() {
                    functions.entry(address).or_default().push(&f.address);
                }
            }
        }
    }
    for set in sets {
        let mut grants: BTreeMap<Action, Vec<(usize, Span)>> = BTreeMap::new();
        for (i, policy) in set.policies.identity.iter().enumerate() {
            for st in policy.statements.iter().filter(|s| s.is_allow()) {
                let Some(list) = st.action.as_ref().filter(|l| !l.negated) else { continue };
                for v in &list.values {
                    let actions: Vec<Action> = match resolve(v) {
                        ActionKind::Exact(a) => vec![a],
                        ActionKind::Pattern(m) => m.to_vec(),
                        ActionKind::All => crate::catalog::expand("chime:*"),
                        _ => Vec::new(),
                    };
                    for a in actions.into_iter().filter(|a| voice_family(*a).is_some()) {
                        grants.entry(a).or_default().push((i, v.span));
                    }
                }
            }
        }
        if grants.is_empty() {
            continue;
        }
        let policies = set.policies.identity.iter().map(|p| (p.source.path.clone(), p.span)).collect();
        let grants: Vec<_> = grants.into_iter().collect();
        let families = families(grants.iter().map(|(a, _)| *a));
        let mut names = vec![set.principal.clone()];
        names.extend(functions.get(set.principal.as_str()).into_iter().flatten().map(|f| f.to_string()));
        names.sort();
        names.dedup();
        out.push(PrincipalAccess { principal: set.principal.clone(), families, policies, grants, names, gaps: 0 });
    }
    out
}

/// Actions counted by family and access level.
fn families(actions: impl Iterator<Item = Action>) -> Vec<(&'static str, Vec<(AccessLevel, usize)>)> {
    let mut families: BTreeMap<&'static str, BTreeMap<AccessLevel, usize>> = BTreeMap::new();
    for a in actions {
        if let Some(f) = voice_family(a) {
            *families.entry(f).or_default().entry(a.access_level()).or_default() += 1;
        }
    }
    families.into_iter().map(|(f, levels)| (f, levels.into_iter().collect())).collect()
}

/// The rules whose findings say a grant does nothing.
const VOID_GRANT: [&str; 2] = ["ineffective-action", "deny-overrides-allow"];

/// Finishes the view once the findings are final (suppressions and the
/// baseline applied; it may run again on fewer of them): counts only the grants that take effect (not those
/// `ineffective-action` or `deny-overrides-allow` reports), counts each
/// principal's gap findings wherever they are reported (in its policies, or
/// naming it or a function that runs as it: at the role, the SIP media
/// application, the `[[require]]`), and puts the principals in order.
pub fn count_gaps(access: &mut Vec<PrincipalAccess>, findings: &[Finding]) {
    if access.is_empty() {
        return;
    }
    // Findings by the file they are in, so each principal looks only at its own files.
    let mut void_by_file: HashMap<&str, Vec<&Finding>> = HashMap::new();
    for f in findings.iter().filter(|f| VOID_GRANT.contains(&f.rule)) {
        void_by_file.entry(&f.source.path).or_default().push(f);
    }
    // Gap findings by file, and by each name quoted in their messages.
    let mut gaps_by_file: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut gaps_by_name: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, f) in findings.iter().enumerate().filter(|(_, f)| is_gap(f)) {
        gaps_by_file.entry(&f.source.path).or_default().push(i);
        for name in f.message.split('`').skip(1).step_by(2) {
            gaps_by_name.entry(name).or_default().push(i);
        }
    }
    for a in access.iter_mut() {
        let policies = &a.policies;
        let void = |action: &Action, (i, span): &(usize, Span)| {
            let quoted = format!("`{}`", action.full_name());
            void_by_file
                .get(policies[*i].0.as_str())
                .is_some_and(|found| found.iter().any(|f| f.span == *span && f.message.contains(&quoted)))
        };
        let effective = a.grants.iter().filter(|(action, sites)| !sites.iter().all(|site| void(action, site)));
        a.families = families(effective.map(|(action, _)| *action));
        let mut mine: Vec<usize> = policies
            .iter()
            .flat_map(|(path, span)| {
                let in_file = gaps_by_file.get(path.as_str()).map_or(&[][..], Vec::as_slice);
                in_file
                    .iter()
                    .copied()
                    .filter(move |&i| findings[i].span.start >= span.start && findings[i].span.end <= span.end)
            })
            .chain(a.names.iter().flat_map(|n| gaps_by_name.get(n.as_str()).into_iter().flatten().copied()))
            .collect();
        mine.sort_unstable();
        mine.dedup();
        a.gaps = mine.len();
    }
    access.retain(|a| !a.families.is_empty());
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
