//! The IAM policy model and the grammar that reads it from a node tree.

pub mod arn;
pub mod aws_managed;
pub mod model;
pub mod operator;
pub mod parse;
pub mod size;

pub use model::*;
pub use parse::parse_policy;
