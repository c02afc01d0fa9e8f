//! The workload-level view: for each principal, the Chime SDK Voice access
//! its Allow statements give (by action family and access level) and the gaps
//! found in its policies, so a reviewer sees at a glance what a role can do.

use crate::catalog::{AccessLevel, Action};
use crate::finding::Finding;
use crate::lint::Report;
use crate::rules::chime_voice::voice_family;
use crate::rules::context::{resolve, ActionKind};
use crate::rules::policy_sets::policy_sets;
use crate::rules::Category;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One principal's Chime SDK Voice access.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrincipalAccess {
    pub principal: String,
    /// Family → access level → number of actions.
    pub families: BTreeMap<&'static str, BTreeMap<AccessLevel, usize>>,
    /// Gap findings inside the principal's policies.
    pub gaps: usize,
}

/// The principals that have any Chime SDK Voice access, in principal order.
pub fn voice_access(report: &Report) -> Vec<PrincipalAccess> {
    // Gap findings by the file they are in, so each set looks only at its own files.
    let mut gaps_by_file: HashMap<*const crate::source::SourceFile, Vec<&Finding>> = HashMap::new();
    for f in report.findings.iter().filter(|f| is_gap(f)) {
        gaps_by_file.entry(std::sync::Arc::as_ptr(&f.source)).or_default().push(f);
    }
    let mut out = Vec::new();
    for set in policy_sets(&report.policies, &report.index) {
        let mut actions: BTreeSet<Action> = BTreeSet::new();
        for policy in &set.identity {
            for st in policy.statements.iter().filter(|s| s.is_allow()) {
                let Some(list) = st.action.as_ref().filter(|l| !l.negated) else { continue };
                for v in &list.values {
                    match resolve(v) {
                        ActionKind::Exact(a) => {
                            actions.insert(a);
                        }
                        ActionKind::Pattern(m) => actions.extend(m),
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
        let gaps = set
            .identity
            .iter()
            .flat_map(|p| {
                let in_file = gaps_by_file.get(&std::sync::Arc::as_ptr(&p.source)).map_or(&[][..], Vec::as_slice);
                in_file.iter().filter(move |f| within(f, p))
            })
            .count();
        out.push(PrincipalAccess { principal: set.principal, families, gaps });
    }
    out.sort_by(|a, b| a.principal.cmp(&b.principal));
    out.dedup_by(|a, b| a.principal == b.principal);
    out
}

fn is_gap(f: &Finding) -> bool {
    crate::rules::find(f.rule).is_some_and(|r| r.meta.category == Category::Gap)
}

fn within(f: &Finding, p: &crate::policy::Policy) -> bool {
    std::sync::Arc::ptr_eq(&f.source, &p.source) && f.span.start >= p.span.start && f.span.end <= p.span.end
}

/// The summary as text lines, for the human format.
pub fn render(access: &[PrincipalAccess]) -> String {
    let mut s = String::new();
    if access.is_empty() {
        return s;
    }
    s.push_str("Chime SDK Voice access by principal:\n");
    for p in access {
        s.push_str(&format!("  {}\n", p.principal));
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
