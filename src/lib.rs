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
//!
//! The modules, bottom to top; each imports only modules listed before it
//! (`tests/it/architecture.rs` checks it):
//!
//! 1. Text and paths: [`source`] (files, spans, line index), [`paths`],
//!    [`escape`] (text from the files made safe to print).
//! 2. What every layer makes or reads: [`finding`] (findings, rule metadata, the
//!    rules the lower layers report), [`discover`] and [`load`] (walk and read
//!    files), [`boundary`] (which files a linted file may make us read),
//!    [`git`] (the project at a revision, from the repository's object store),
//!    [`catalog`] (the bundled AWS data).
//! 3. [`syntax`]: JSON, YAML and HCL into one spanned node tree.
//! 4. [`policy`]: the IAM grammar and model; [`index`]: the infrastructure facts;
//!    [`extract`]: where policies and facts live in each kind of file; [`code`]: the
//!    SDK calls of the functions' code.
//! 5. [`analysis`]: the engine that decides requests; [`rules`]: one file a rule.
//! 6. [`workload`], [`baseline`], [`config`], [`suppress`]: what the run
//!    works out, remembers and is told; [`outcome`]: what a run found.
//! 7. [`lint`](mod@lint): the pipeline; [`report`]: one file a format; [`server`]: the
//!    language server; [`cli`]: the commands.

pub mod escape;
pub mod paths;
pub mod source;

pub mod boundary;
pub mod catalog;
pub mod discover;
pub mod finding;
pub mod git;
pub mod load;

pub mod syntax;

pub mod extract;
pub mod index;
pub mod policy;

pub mod code;

pub mod analysis;
pub mod rules;

pub mod baseline;
pub mod config;
pub mod outcome;
pub mod suppress;
pub mod workload;

pub mod cli;
pub mod lint;
pub mod report;
pub mod server;

pub use lint::{lint, lint_text};
pub use outcome::Report;
