//! Issue 25, "safe to run on a pull request from a stranger": every file the
//! run reads (the baseline and the configuration too) has the limits of a
//! file to lint, time grows linearly with the input, and odd input is
//! reported rather than taken. Hostile inputs are generated here, at run time.
//! Every run is killed after a deadline, and the test fails if it had to be.

#![cfg(unix)]

use crate::common::{mkfifo, run_until, Run};
use std::fs;
use std::io::Read;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::time::Duration;

const DEADLINE: Duration = Duration::from_secs(60);

/// A policy with one `unknown-action` at 6:17.
const TYPOS: &str = include_str!("../../fixtures/unknown-action/fire/typos.json");

/// Runs the binary in `dir` with compact output and `stdin` as its input.
fn run(dir: &Path, args: &[&str], stdin: &[u8]) -> Run {
    let args: Vec<&str> = ["--format", "compact", "--quiet"].iter().chain(args).copied().collect();
    run_until(dir, &args, &[], Some(stdin), DEADLINE)
}

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    dir
}

/// A policy of `actions` (JSON strings, written as given) in one statement.
fn policy(actions: &[&str]) -> String {
    let list = actions.iter().map(|a| format!("\"{a}\"")).collect::<Vec<_>>().join(", ");
    format!("{{\"Version\": \"2012-10-17\", \"Statement\": [{{\"Effect\": \"Allow\", \"Action\": [{list}], \"Resource\": \"arn:aws:s3:::b/*\"}}]}}\n")
}

mod baseline_and_config_files {
    use super::*;

    #[test]
    fn a_baseline_that_is_a_link_to_dev_zero_or_a_fifo_is_refused_at_once() {
        let dir = project(&[("p.json", TYPOS)]);
        symlink("/dev/zero", dir.path().join("zero.json")).unwrap();
        mkfifo(&dir.path().join("fifo.json"));
        for name in ["zero.json", "fifo.json"] {
            let r = run(dir.path(), &["--baseline", name, "p.json"], b"");
            assert_eq!(r.code, 2, "{name}: {}", r.stderr);
            assert_eq!(r.stderr, format!("policy-lint: {name}: cannot read the baseline: not a regular file\n"));
        }
    }

    #[test]
    fn a_baseline_larger_than_max_file_size_is_refused() {
        let dir = project(&[("p.json", TYPOS)]);
        let big = format!("{{\"version\": 1, \"findings\": []}}{}", " ".repeat(2000));
        fs::write(dir.path().join("big.json"), &big).unwrap();
        let r = run(dir.path(), &["--max-file-size", "1KiB", "--baseline", "big.json", "p.json"], b"");
        assert_eq!(r.code, 2);
        assert_eq!(
            r.stderr,
            format!(
                "policy-lint: big.json: cannot read the baseline: the file is {} bytes, more than the limit of 1024 bytes (set `max-file-size` to raise it)\n",
                big.len()
            )
        );
        // Under the limit it is read as before.
        let r = run(dir.path(), &["--baseline", "big.json", "p.json"], b"");
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert_eq!(r.stdout.lines().count(), 3, "{}", r.stdout);
    }

    #[test]
    fn a_config_that_is_a_link_to_dev_zero_a_fifo_or_too_large_is_refused() {
        let dir = project(&[("p.json", TYPOS)]);
        symlink("/dev/zero", dir.path().join("zero.toml")).unwrap();
        mkfifo(&dir.path().join("fifo.toml"));
        for name in ["zero.toml", "fifo.toml"] {
            let r = run(dir.path(), &["--config", name, "p.json"], b"");
            assert_eq!(r.code, 2);
            assert_eq!(
                r.stderr,
                format!("policy-lint: {name}: cannot read the configuration file: not a regular file\n")
            );
        }
        fs::write(dir.path().join("big.toml"), format!("# {}\n", "x".repeat(3000))).unwrap();
        let r = run(dir.path(), &["--config", "big.toml", "--max-file-size", "2K", "p.json"], b"");
        assert_eq!(r.code, 2);
        assert_eq!(
            r.stderr,
            "policy-lint: big.toml: cannot read the configuration file: the file is 3003 bytes, more than the limit of 2048 bytes (`--max-file-size` raises it)\n"
        );
    }

    /// 5,000 globs, each unlike the others: read once into one set, the run
    /// stays well inside its deadline and applies them. (More only measures how
    /// fast a debug build of the regex crate compiles them: 50,000 took 23 s.)
    #[test]
    fn a_config_of_many_exclude_globs_is_compiled_once() {
        let globs: Vec<String> = (0..5_000).map(|i| format!("\"d{i}/**/*.{i}.json\"")).collect();
        let config = format!("exclude = [{}, \"skip\"]\n", globs.join(", "));
        let dir = project(&[("lint/p.json", TYPOS), ("skip/p.json", TYPOS), ("x.toml", &config)]);
        let r = run(dir.path(), &["--config", "x.toml", "."], b"");
        let places: Vec<&str> = r.stdout.lines().map(|l| l.split(": ").next().unwrap()).collect();
        assert_eq!(places, ["lint/p.json:6:17", "lint/p.json:11:18", "lint/p.json:11:42"], "{}", r.stderr);
    }

    #[test]
    fn the_baseline_is_replaced_whole_never_rewritten_in_place() {
        let dir = project(&[("p.json", TYPOS)]);
        let file = dir.path().join("baseline.json");
        fs::write(&file, "old").unwrap();
        // A reader holding the old file keeps reading the old file.
        let mut held = fs::File::open(&file).unwrap();
        let r = run(dir.path(), &["--write-baseline", "baseline.json", "p.json"], b"");
        assert_eq!(r.code, 0, "{}", r.stderr);
        let mut old = String::new();
        held.read_to_string(&mut old).unwrap();
        assert_eq!(old, "old");
        let new = fs::read_to_string(&file).unwrap();
        assert!(new.starts_with("{\n  \"version\": 1,") && new.ends_with("}\n"), "{new}");
        let left: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(left.len(), 2, "no temporary file is left behind: {left:?}");
    }
}

mod sizes {
    use super::*;

    #[test]
    fn the_largest_max_file_size_reads_standard_input_whole() {
        let r = run(Path::new("."), &["--max-file-size", "18446744073709551615", "-"], TYPOS.as_bytes());
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(r.stdout.starts_with("<stdin>:6:17: error[unknown-action]: "), "{}", r.stdout);
    }

    #[test]
    fn the_command_line_takes_the_sizes_the_config_file_takes() {
        let dir = project(&[("p.json", TYPOS)]);
        for size in ["10MiB", "10M", "10MB", "512 KiB", "1048576", "1G", "1gb"] {
            let r = run(dir.path(), &["--max-file-size", size, "p.json"], b"");
            assert_eq!(r.code, 1, "--max-file-size {size}: {}", r.stderr);
            fs::write(dir.path().join(".policy-lint.toml"), format!("max-file-size = \"{size}\"\n")).unwrap();
            let r = run(dir.path(), &["p.json"], b"");
            assert_eq!(r.code, 1, "max-file-size = {size:?}: {}", r.stderr);
        }
        for size in ["0", "0MB", "-1", "1.5MB", "10X", "18446744073709551616", "20000000000GB"] {
            let r = run(dir.path(), &["--isolated", &format!("--max-file-size={size}"), "p.json"], b"");
            assert_eq!(r.code, 2, "--max-file-size {size} is refused");
            assert!(r.stderr.contains(&format!("`{size}` is not a size")), "{}", r.stderr);
            fs::write(dir.path().join(".policy-lint.toml"), format!("max-file-size = \"{size}\"\n")).unwrap();
            let r = run(dir.path(), &["p.json"], b"");
            assert_eq!(r.code, 2, "max-file-size = {size:?} is refused");
            assert!(r.stderr.contains("expected a positive size in bytes"), "{}", r.stderr);
        }
    }
}

mod odd_input {
    use super::*;

    #[test]
    fn an_action_with_a_second_colon_is_an_unknown_action() {
        let text = policy(&["iam:PassRole:x", "s3:GetObject:y:z", "nope:Get:x", "iam:PassRole:*"]);
        let dir = project(&[("p.json", &text)]);
        let r = run(dir.path(), &["p.json"], b"");
        let lines: Vec<&str> = r.stdout.lines().collect();
        assert_eq!(
            lines,
            [
                "p.json:1:72: error[unknown-action]: `iam:PassRole:x` is not an action of AWS Identity and Access Management (IAM); did you mean `iam:PassRole`?",
                "p.json:1:90: error[unknown-action]: `s3:GetObject:y:z` is not an action of Amazon S3; did you mean `s3:GetObject`?",
                "p.json:1:110: error[unknown-service]: `nope` is not an AWS service prefix, so `nope:Get:x` grants nothing",
                "p.json:1:124: error[wildcard-matches-nothing]: `iam:PassRole:*` matches no action: it grants nothing",
            ],
            "{}",
            r.stdout
        );
    }

    #[test]
    fn a_raw_control_character_in_a_json_string_is_a_parse_error_at_it() {
        for c in ['\u{0}', '\u{1}', '\t', '\n', '\u{1f}'] {
            let text = policy(&[&format!("s3:Get{c}Object")]);
            let dir = project(&[("p.json", &text)]);
            let r = run(dir.path(), &["p.json"], b"");
            let column = text.find(c).unwrap() + 1;
            assert_eq!(
                r.stdout,
                format!("p.json:1:{column}: error[parse-error]: a raw control character (U+{:04X}) in a string: write it escaped\n", c as u32),
                "{c:?}"
            );
        }
        // Escaped, and outside strings, they are what JSON allows.
        let r = run(Path::new("."), &["-"], policy(&["s3:Get\\tObject"]).replace(", ", ",\t\r\n").as_bytes());
        // The tab is shown escaped, as every control character in a message is.
        assert!(r.stdout.starts_with("<stdin>:3:12: error[unknown-action]: `s3:Get\\tObject`"), "{}", r.stdout);
    }

    #[test]
    fn every_document_of_a_yaml_stream_is_linted_at_its_place_in_the_file() {
        let template = |action: &str| {
            format!(
                "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Version: \"2012-10-17\"\n        Statement:\n          - Effect: Allow\n            Action: {action}\n            Resource: arn:aws:s3:::b/*\n"
            )
        };
        let text = format!(
            "{}---\n{}---\nnot: a template\n---\n{}",
            template("s3:GetObjectt"),
            template("s3:PutObjectt"),
            template("s3:ListBuckett")
        );
        let dir = project(&[("t.yaml", &text)]);
        let r = run(dir.path(), &["--select", "unknown-action", "t.yaml"], b"");
        let places: Vec<&str> = r.stdout.lines().map(|l| l.split(": error").next().unwrap()).collect();
        assert_eq!(places, ["t.yaml:10:21", "t.yaml:22:21", "t.yaml:36:21"], "{}", r.stdout);
        assert!(r.stdout.contains("`s3:ListBuckett`"), "{}", r.stdout);
    }
}

/// Time linear in the input: four times the input takes well under the
/// sixteen times a quadratic part would (the bench measures it finely).
mod linear_time {
    use super::*;

    fn ratio(make: &dyn Fn(usize) -> String, n: usize) -> f64 {
        ratio_named(make, n, "<stdin>")
    }

    /// One timing at a time: timings taken side by side measure each other.
    static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

    fn ratio_named(make: &dyn Fn(usize) -> String, n: usize, name: &str) -> f64 {
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let time = |k: usize| {
            let text = make(k);
            let best = (0..3)
                .map(|_| {
                    let r = run(Path::new("."), &["--isolated", "--stdin-filename", name, "-"], text.as_bytes());
                    assert_eq!(r.code, 1, "{}", r.stderr);
                    r.cpu
                })
                .min()
                .unwrap();
            best.as_secs_f64()
        };
        time(4 * n) / time(n)
    }

    /// Findings on one long line of non-ASCII text: each column used to be
    /// counted from the line's start.
    #[test]
    fn many_findings_on_one_non_ascii_line() {
        let make = |n: usize| {
            let actions: Vec<String> = (0..n).map(|i| format!("\"s3:Gét{i}\"")).collect();
            let id = "é".repeat(200 * n);
            format!("{{\"Version\": \"2012-10-17\", \"Id\": \"{id}\", \"Statement\": [{{\"Effect\": \"Allow\", \"Action\": [{}], \"Resource\": \"arn:aws:s3:::b/*\"}}]}}\n", actions.join(", "))
        };
        let r = ratio(&make, 2_000);
        assert!(r < 8.0, "4x the findings on one line took {r:.1}x the time");
    }

    /// Statements with `Sid`s: each used to be looked up among all before it.
    #[test]
    fn many_statements_with_sids() {
        let make = |n: usize| {
            let st: Vec<String> = (0..n)
                .map(|i| format!("{{\"Sid\": \"S{i}\", \"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::b{i}/*\"}}"))
                .collect();
            format!("{{\"Version\": \"2012-10-17\", \"Statement\": [{}, {{\"Sid\": \"S0\", \"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"}}]}}", st.join(",\n"))
        };
        let r = ratio(&make, 5_000);
        assert!(r < 8.0, "4x the statements took {r:.1}x the time");
    }

    /// Suppression comments stacked above one line: each looked for the line
    /// past all the others; and each finding was checked against every
    /// suppression of its file.
    #[test]
    fn many_suppressions() {
        let template = |comments: String, statements: String| {
            format!("AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n{comments}  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Version: \"2012-10-17\"\n        Statement:\n{statements}")
        };
        let stacked = |n: usize| {
            let comments: String =
                (0..n).map(|i| format!("  # policy-lint: ignore[resource-star] reason {i}\n")).collect();
            template(
                comments,
                "          - Effect: Allow\n            Action: s3:GetObject\n            Resource: \"*\"\n".into(),
            )
        };
        let r = ratio_named(&stacked, 5_000, "t.yaml");
        assert!(r < 8.0, "4x the stacked suppressions took {r:.1}x the time");
        let each = |n: usize| {
            let statements: String = (0..n)
                .map(|i| format!("          - Effect: Allow # policy-lint: ignore[resource-star] r\n            Action: s3:GetObject\n            Resource: \"arn:aws:s3:::b{i}/*\"\n            Condition: {{Bool: {{aws:SecureTransport: nope}}}}\n"))
                .collect();
            template(String::new(), statements)
        };
        let r = ratio_named(&each, 1_500, "t.yaml");
        assert!(r < 8.0, "4x the suppressed statements took {r:.1}x the time");
    }
}
