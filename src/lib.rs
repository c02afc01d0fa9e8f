//! policy-lint: a static IAM policy linter with first-class Amazon Chime SDK Voice knowledge.
//!
//! The library is the product; the binary is a thin shell over [`cli::run`].
//! Embed it with [`lint()`]:
//!
//! ```no_run
//! let report = policy_lint::lint(&["infra".to_string()], &policy_lint::config::Config::default());
//! for f in &report.findings {
//!     println!("{}: {}", f.rule, f.message);
//! }
//! ```
//!
//! [`lint()`] keeps only the findings; [`lint::lint_with_model`] also keeps every
//! policy and the project index (what the simulator needs). The binary's
//! allocator is behind the default `mimalloc` feature: an embedding program
//! sets `default-features = false` to keep its own.

pub mod analysis;
pub mod baseline;
pub mod boundary;
pub mod catalog;
pub mod cli;
pub mod cli_simulate;
pub mod config;
pub mod discover;
pub mod extract;
pub mod finding;
pub mod index;
pub mod lint;
pub mod load;
pub mod policy;
pub mod report;
pub mod rules;
pub mod source;
pub mod suppress;
pub mod syntax;
pub mod workload;

pub use lint::{lint, lint_text, Report};
