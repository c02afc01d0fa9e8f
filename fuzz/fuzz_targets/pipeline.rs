//! The whole pipeline (front-end, classification, extraction, grammar, rules,
//! every report format) on arbitrary bytes; the first byte picks the file name.
#![no_main]
use libfuzzer_sys::fuzz_target;
use policy_lint::report::{self, Format};

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let names = policy_lint_fuzz::NAMES;
    let name = names[pick as usize % names.len()];
    let text = String::from_utf8_lossy(rest);
    let report = policy_lint::lint_text(name, &text, &policy_lint::config::Config::default());
    policy_lint_fuzz::check_findings(&report.findings);
    for format in [Format::Compact, Format::Json, Format::Human] {
        report::write(&report, format, false, &mut std::io::sink()).unwrap();
    }
});
