//! The integration tests: one crate, so `cargo test` links the tests once.
//! Each module is one theme; they run the real binary over the fixtures
//! (`env!("CARGO_BIN_EXE_policy-lint")`) or call the library.

mod common;

mod access_diff;
mod architecture;
mod catalog;
mod chime_rules;
mod cli;
mod cli_home;
mod cloudformation;
mod code;
mod fix;
mod fixtures;
mod hostile_trees;
mod iam_cases;
mod integrations;
mod least_privilege;
mod managed_policies;
mod other_causes;
mod output_safety;
mod readme_examples;
mod robustness;
mod server;
mod simulate_cli;
mod simulator;
mod terraform;
mod units;
mod untrusted_input;
