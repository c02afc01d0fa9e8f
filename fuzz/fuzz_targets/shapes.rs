//! The whole pipeline on the shapes hostile files take rather than on what
//! they say: one long line, text pushed far right (wide and multi-byte
//! characters before it), many YAML documents in one stream, and odd file
//! names. The first byte picks the name and the shape, the second how much;
//! the rest is the text (seeded from `fixtures/` by `seed.sh`).
#![no_main]
use libfuzzer_sys::fuzz_target;
use policy_lint::report::{self, Format};

/// Names with spaces, non-ASCII, a leading dash, colons, a line break, and
/// the suffixes that pick each front-end.
const NAMES: &[&str] = &[
    "policy.json",
    "template.yaml",
    "main.tf",
    "a b/ünï cödé.json",
    "-.yml",
    "x:1:2.template.json",
    "dir/\nline.yaml",
    "C:\\x\\stack.template",
    "no-extension",
    "main.tf.json",
];

fuzz_target!(|data: &[u8]| {
    let [pick, amount, rest @ ..] = data else { return };
    let name = NAMES[*pick as usize % NAMES.len()];
    let text = String::from_utf8_lossy(rest);
    let n = *amount as usize % 64 + 1;
    let text = match (*pick as usize / NAMES.len()) % 4 {
        // Every line break gone: a one-line file (JSON stays JSON).
        0 => text.replace(['\n', '\r'], " "),
        // Each line pushed right by wide, multi-byte and tab characters.
        1 => {
            let pad = "é€😀\t ".repeat(n * 8);
            text.lines().map(|l| format!("{pad}{l}\n")).collect()
        }
        // The text as many documents of one YAML stream.
        2 => std::iter::repeat_n(text.as_ref(), n).collect::<Vec<_>>().join("\n---\n"),
        // The text repeated on one line, many findings per line.
        _ => std::iter::repeat_n(text.replace('\n', " ").as_str(), n).collect::<Vec<_>>().join(" "),
    };
    let report = policy_lint::lint_text(name, &text, &policy_lint::config::Config::default());
    policy_lint_fuzz::check_findings(&report.findings);
    for format in [Format::Compact, Format::Json, Format::Sarif, Format::Github, Format::Junit, Format::Gitlab, Format::Human] {
        report::write(&report, format, false, &mut std::io::sink()).unwrap();
    }
});
