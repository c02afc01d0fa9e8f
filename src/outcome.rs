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
    /// Every file met and what became of it, in path order, when
    /// [`crate::config::Config::list_files`] asks for it (`--show-files`).
    pub files_seen: Vec<FileSeen>,
    /// What `--baseline` hid and left unmatched, when one was applied.
    pub baseline: Option<crate::baseline::Applied>,
}

/// A file the run met, and what it did with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSeen {
    pub path: String,
    pub fate: Fate,
}

/// What the run did with a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// Read and linted (a `parse-error` included).
    Linted,
    /// Read for the project's cross-resource rules, not reported (`--project-root`).
    ReadNotReported,
    /// Read, and holds no policy, template or Terraform.
    NotPolicy,
    /// Left out by `exclude`.
    Excluded,
}

impl Fate {
    pub fn describe(self) -> &'static str {
        match self {
            Fate::Linted => "linted",
            Fate::ReadNotReported => {
                "read for the project's cross-resource rules, not reported (outside the paths given)"
            }
            Fate::NotPolicy => "skipped: no IAM policy, CloudFormation template or Terraform in it",
            Fate::Excluded => "skipped: matches `exclude`",
        }
    }
}
