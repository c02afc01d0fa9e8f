//! The policy grammar and every per-policy rule on arbitrary trees, including
//! templates and unknown values no JSON file can produce (`src/tree.rs`).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let doc = policy_lint_fuzz::tree::policy_doc(data);
    let mut findings = Vec::new();
    let policy = policy_lint::policy::parse_policy(&doc, &mut findings);
    policy_lint::lint::run_policy_rules(&policy, &policy_lint::config::Config::default(), &mut findings);
    policy_lint_fuzz::check_findings(&findings);
});
