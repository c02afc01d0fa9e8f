//! Properties that hold for any input: the whole pipeline never panics, and
//! every finding points inside its file, on character boundaries, at a line
//! and column that exist. Inputs are the fixtures mutated (bytes flipped,
//! inserted, deleted, duplicated, truncated, spliced), random token soups,
//! random policy trees (the fuzzer's generator, `fuzz/src/tree.rs`), and the
//! inputs the fuzzers once crashed on (`fuzz/regressions/`). A deterministic
//! generator keeps every run the same; a failure prints the input to replay.

use crate::common;

#[allow(dead_code)]
#[path = "../../fuzz/src/tree.rs"]
mod tree;

use policy_lint::config::Config;
use policy_lint::finding::Finding;
use policy_lint::report::{self, Format};
use policy_lint::source::{SourceFile, Span};
use policy_lint::syntax::Node;
use std::path::Path;

/// SplitMix64: small, fast, and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// Bytes that matter to the three syntaxes.
const INTERESTING: &[&[u8]] = &[
    b"{",
    b"}",
    b"[",
    b"]",
    b"\"",
    b":",
    b",",
    b"\n",
    b"\\",
    b"\\u",
    b"\\ud800",
    b"-",
    b" ",
    b"\t",
    b"\r\n",
    b"#",
    b"!",
    b"!Sub ",
    b"!Ref ",
    b"!GetAtt ",
    b"&a ",
    b"*a",
    b"<<: ",
    b"${",
    b"}}",
    b"%{",
    b"=",
    b"<<EOF\n",
    b"EOF\n",
    b"'",
    b"|",
    b">-",
    b"---\n",
    b"...\n",
    b"\xc3\xa9",
    b"\xf0\x9f\x98\x80",
    b"\xe2\x80\xa8",
    b"\0",
    b"\xff",
    b"*",
    b"?",
    b"arn:aws:chime:",
    b"chime:",
    b"Statement",
    b"Action",
    b"Resource",
    b"Condition",
    b"1e999",
    b"true",
];

/// One random change to `data`, using `other` as a source of material.
fn mutate(rng: &mut Rng, data: &mut Vec<u8>, other: &[u8]) {
    let len = data.len();
    match rng.below(16) {
        8..=15 if len > 0 => {
            // Change a letter or digit: inside strings this mostly keeps the syntax valid.
            let i = rng.below(len);
            if data[i].is_ascii_alphanumeric() {
                let with = rng.pick(&[&b"a"[..], b"Z", b"0", b"*", b"?", b":", b"/", b"-", b"\xc3\xa9", b"", b"${x}"]);
                data.splice(i..i + 1, with.iter().copied());
            }
        }
        0 if len > 0 => {
            let i = rng.below(len);
            data[i] ^= 1 << rng.below(8);
        }
        1 => {
            let i = rng.below(len + 1);
            let ins = rng.pick(INTERESTING);
            data.splice(i..i, ins.iter().copied());
        }
        2 if len > 0 => {
            let i = rng.below(len);
            let n = rng.below((len - i).min(64)) + 1;
            data.drain(i..i + n);
        }
        3 if len > 0 => {
            // Duplicate a range in place.
            let i = rng.below(len);
            let n = rng.below((len - i).min(256)) + 1;
            let chunk = data[i..i + n].to_vec();
            let at = rng.below(len + 1);
            data.splice(at..at, chunk);
        }
        4 => data.truncate(rng.below(len + 1)),
        5 if !other.is_empty() => {
            let i = rng.below(other.len());
            let n = rng.below((other.len() - i).min(512)) + 1;
            let at = rng.below(len + 1);
            data.splice(at..at, other[i..i + n].iter().copied());
        }
        6 if len > 0 => {
            let i = rng.below(len);
            data[i] = rng.pick(b"{}[]\":,\n\\ *?$!&");
        }
        _ => {
            let at = rng.below(len + 1);
            let b = rng.next() as u8;
            data.insert(at, b);
        }
    }
}

/// The fixtures, and a few templates for the front-ends that arrive later.
fn seeds() -> Vec<Vec<u8>> {
    let mut files = Vec::new();
    collect(&common::root().join("fixtures"), &mut files);
    files.sort();
    let mut seeds: Vec<Vec<u8>> = files.iter().map(|p| std::fs::read(p).unwrap()).collect();
    seeds.push(CFN_YAML.as_bytes().to_vec());
    seeds.push(TERRAFORM.as_bytes().to_vec());
    seeds
}

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            collect(&p, out);
        } else if !p.to_string_lossy().ends_with(".expected") {
            out.push(p);
        }
    }
}

/// The fuzz seeds: hand-written inputs that exercise every front-end feature.
const CFN_YAML: &str = include_str!("../../fuzz/seeds/template.yaml");

const TERRAFORM: &str = include_str!("../../fuzz/seeds/main.tf");

/// Checks one finding's place; returns what is wrong, if anything.
fn check_span(source: &SourceFile, span: Span) -> Result<(), String> {
    let text = &source.text;
    let (s, e) = (span.start as usize, span.end as usize);
    if s > e || e > text.len() {
        return Err(format!("span {s}..{e} outside the file of {} bytes", text.len()));
    }
    if !text.is_char_boundary(s) || !text.is_char_boundary(e) {
        return Err(format!("span {s}..{e} is not on character boundaries"));
    }
    for offset in [span.start, span.end] {
        let pos = source.position(offset);
        if pos.line == 0 || pos.line > source.line_count() {
            return Err(format!("line {} of {}", pos.line, source.line_count()));
        }
        // The line up to its `\n` (a lone `\r` is not a line break); the
        // column just after its last character is valid (an end, or the line break).
        let start = source.line_start(pos.line).unwrap_or(0);
        let end = source.line_start(pos.line + 1).map_or(text.len(), |e| e - 1);
        let line_chars = text[start..end].chars().count();
        if pos.column == 0 || pos.column > line_chars + 1 {
            return Err(format!("column {} on a line of {line_chars} characters", pos.column));
        }
    }
    Ok(())
}

fn check_findings(findings: &[Finding], what: &dyn Fn() -> String) {
    for f in findings {
        let mut places = vec![(&f.source, f.span)];
        places.extend(f.labels.iter().map(|l| (&l.source, l.span)));
        for (source, span) in places {
            if let Err(problem) = check_span(source, span) {
                panic!("{}[{}] `{}`: {problem}\ninput: {}", f.source.path, f.rule, f.message, what());
            }
        }
    }
}

/// Lints `bytes` under `name` and checks every finding; reports render too.
fn lint_and_check(name: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let what = || format!("{name}: {:?}", text);
    let config = Config::default();
    let report = match std::panic::catch_unwind(|| policy_lint::lint_text(name, &text, &config)) {
        Ok(r) => r,
        Err(_) => panic!("lint_text panicked on {}", what()),
    };
    check_findings(&report.findings, &what);
    for format in [Format::Compact, Format::Json, Format::Human] {
        let mut sink = Vec::new();
        if std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| report::write(&report, format, false, &mut sink)))
            .is_err()
        {
            panic!("the {format:?} report panicked on {}", what());
        }
    }
}

/// The same names, in the same order, as the `pipeline` fuzz target's (`fuzz/src/lib.rs`).
const NAMES: &[&str] = &["policy.json", "template.yaml", "main.tf", "stack.template.json", "main.tf.json"];

#[test]
fn mutated_fixtures_never_panic_and_findings_stay_inside_the_file() {
    let seeds = seeds();
    let mut rng = Rng(0x5eed_0ff1_c7c7);
    let rounds = if cfg!(debug_assertions) { 150 } else { 600 };
    for (i, seed) in seeds.iter().enumerate() {
        for name in NAMES {
            lint_and_check(name, seed);
        }
        for _ in 0..rounds {
            let mut data = seed.clone();
            let other = &seeds[rng.below(seeds.len())];
            for _ in 0..=rng.below(4) {
                mutate(&mut rng, &mut data, other);
            }
            let name = if i + 2 >= seeds.len() { NAMES[1 + (i + 2 - seeds.len())] } else { rng.pick(NAMES) };
            lint_and_check(name, &data);
        }
    }
}

#[test]
fn random_token_soups_never_panic() {
    let mut rng = Rng(42);
    for _ in 0..2000 {
        let mut data = Vec::new();
        for _ in 0..rng.below(80) {
            data.extend_from_slice(rng.pick(INTERESTING));
            if rng.below(3) == 0 {
                data.extend_from_slice(rng.pick(&[&b"\"chime:Get*\""[..], b" ", b"\"Allow\"", b"x", b"1"]));
            }
        }
        lint_and_check(rng.pick(NAMES), &data);
    }
}

#[test]
fn random_policy_trees_never_panic() {
    let mut rng = Rng(7);
    let config = Config::default();
    for _ in 0..3000 {
        let bytes: Vec<u8> = (0..rng.below(600)).map(|_| rng.next() as u8).collect();
        check_tree(&bytes, &config);
    }
}

/// The fuzz target `policy_tree`'s body: grammar and rules on an arbitrary tree.
fn check_tree(bytes: &[u8], config: &Config) {
    let doc = tree::policy_doc(bytes);
    let mut findings = Vec::new();
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let policy = policy_lint::policy::parse_policy(&doc, &mut findings);
        policy_lint::lint::run_policy_rules(&policy, config, &mut findings);
    }));
    if run.is_err() {
        panic!("the policy grammar or a rule panicked on the tree from {bytes:?}\n{}", doc.source.text);
    }
    check_findings(&findings, &|| format!("tree from {bytes:?}\n{}", doc.source.text));
}

type FrontEnd = fn(&str) -> Result<Node, policy_lint::syntax::SyntaxError>;

/// A front-end's tree (or error) lies inside the text, on character boundaries.
fn check_front_end(bytes: &[u8], parse: FrontEnd) {
    let text = String::from_utf8_lossy(bytes);
    let source = SourceFile::new("input", text.as_ref());
    let check = |span: Span, what: &str| {
        if let Err(problem) = check_span(&source, span) {
            panic!("{what}: {problem}\ninput: {text:?}");
        }
    };
    match parse(&text) {
        Ok(node) => node.walk(&mut |n| {
            check(n.span, "node");
            for m in n.members().unwrap_or_default() {
                check(m.key_span, "key");
            }
        }),
        Err(e) => check(e.span, "syntax error"),
    }
}

/// Replays `fuzz/regressions/<target>/*` the way each fuzz target reads its input.
#[test]
fn fuzz_regressions_replay() {
    let dir = common::root().join("fuzz").join("regressions");
    let Ok(targets) = std::fs::read_dir(&dir) else { return };
    let config = Config::default();
    let mut n = 0;
    for target in targets {
        let target = target.unwrap().path();
        let Ok(files) = std::fs::read_dir(&target) else { continue };
        let kind = target.file_name().unwrap().to_string_lossy().into_owned();
        for file in files {
            let bytes = std::fs::read(file.unwrap().path()).unwrap();
            n += 1;
            match kind.as_str() {
                "policy_tree" => check_tree(&bytes, &config),
                "pipeline" => {
                    if let Some((&pick, rest)) = bytes.split_first() {
                        lint_and_check(NAMES[pick as usize % NAMES.len()], rest);
                    }
                }
                "json" => {
                    check_front_end(&bytes, policy_lint::syntax::json::parse);
                    lint_and_check("policy.json", &bytes);
                }
                "yaml" => {
                    check_front_end(&bytes, policy_lint::syntax::yaml::parse);
                    lint_and_check("template.yaml", &bytes);
                }
                "hcl" => {
                    check_front_end(&bytes, policy_lint::syntax::hcl::parse);
                    lint_and_check("main.tf", &bytes);
                }
                other => panic!("fuzz/regressions/{other}: not a fuzz target"),
            }
        }
    }
    assert!(n > 0, "no regression inputs in {}", dir.display());
}

#[test]
fn output_is_byte_identical_from_run_to_run() {
    let run = |args: &[&str]| common::run(args).stdout;
    for format in ["compact", "json", "human"] {
        let args = ["--fail-on", "never", "--format", format, "fixtures"];
        let first = run(&args);
        assert!(!first.is_empty());
        for _ in 0..3 {
            assert!(run(&args) == first, "`policy-lint {}` printed something else on a later run", args.join(" "));
        }
    }
}
