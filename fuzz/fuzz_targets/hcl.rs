//! The HCL front-end (templates, heredocs, jsonencode) on arbitrary text: no panic, no stack overflow, spans inside the text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    policy_lint_fuzz::check_front_end(&text, policy_lint::syntax::hcl::parse);
});
