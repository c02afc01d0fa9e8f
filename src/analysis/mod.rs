//! Analysis over the policy model: the offline evaluation engine (allow,
//! explicit deny, implicit deny, or "depends on `key`"), the policy set of a
//! principal, and AccessDeniedException diagnosis.
//!
//! The entry points:
//! - [`principal::resolve`] turns `aws_iam_role.sma_handler`, a logical id, a
//!   role name or a policy file into a [`principal::Principal`] with its [`PolicySet`];
//! - [`evaluate`] decides a [`Request`] against a [`PolicySet`] and returns an
//!   [`Evaluation`]: the [`Decision`], the deciding statements with their
//!   locations, and for an implicit deny the closest statement ([`NearMiss`]);
//! - [`explain_denied`] reads an AccessDeniedException message and explains it;
//!
//! ```
//! use policy_lint::analysis::{evaluate, Decision, PolicySet, Request};
//! let report = policy_lint::lint_text(
//!     "p.json",
//!     r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
//!        "Action": "chime:UpdateSipMediaApplicationCall",
//!        "Resource": "arn:aws:chime:us-east-1:111122223333:sma/*"}]}"#,
//!     &Default::default(),
//! );
//! let set = PolicySet::by_kind(&report.policies);
//! let req = Request::new("chime:UpdateSipMediaApplicationCall", "arn:aws:chime:us-east-1:111122223333:sma/abc");
//! assert_eq!(evaluate(&set, &req).decision, Decision::Allowed);
//! ```

pub mod access;
mod conditions;
pub mod eval;
pub mod explain_denied;
mod holes;
mod implies;
mod pattern;
pub mod principal;
pub mod request;
mod terms;

pub use eval::{
    evaluate, Decision, Evaluation, Grant, Layer, Match, Miss, NearMiss, PolicySet, StatementRef, StatementResult,
};
pub use request::{Lookup, Request};
