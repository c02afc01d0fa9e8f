//! Rules that no check of their own runs: the layer that meets the problem
//! reports it (the front-ends `parse-error`, the policy grammar
//! `policy-syntax` and `invalid-version`, the pipeline the rest). They are
//! declared here, below every layer that reports them, and listed in the
//! registry ([`crate::rules::RULES`]) with the others.

pub mod file_outside_project;
pub mod forbidden_access_granted;
pub mod invalid_suppression;
pub mod invalid_version;
pub mod parse_error;
pub mod policy_syntax;
pub mod required_access_denied;
pub mod unused_suppression;
