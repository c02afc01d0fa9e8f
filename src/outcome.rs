//! What a run found: the findings in order, the paths that could not be
//! walked, counts, each principal's Chime SDK Voice access, and (when the
//! caller asked for it) the model the engine decides requests against. Plain
//! data, made by the pipeline ([`crate::lint`](mod@crate::lint)) and read by the formats
//! ([`crate::report`]) and the subcommands.

use crate::discover::WalkError;
use crate::finding::Finding;
use crate::index::ProjectIndex;
use crate::policy::Policy;
use crate::workload::PrincipalAccess;

/// The result of a run.
#[derive(Debug, Default)]
pub struct Report {
    /// Sorted by path, then position, then rule.
    pub findings: Vec<Finding>,
    /// Paths that could not be walked; `missing_root` ones are usage errors.
    pub errors: Vec<WalkError>,
    /// Files read and linted.
    pub files: usize,
    /// Policies read.
    pub policy_count: usize,
    /// Every policy of the project: filled by [`crate::lint::lint_with_model`] only.
    pub policies: Vec<Policy>,
    /// The project index: filled by [`crate::lint::lint_with_model`] only.
    pub index: ProjectIndex,
    /// Each principal's Chime SDK Voice access, when [`crate::config::Config::workload`] asks for it.
    pub workload: Vec<PrincipalAccess>,
}
