//! Output that stays safe and bounded on a stranger's files (issue 25): no
//! line, however long, breaks or bloats the human report; no file name or
//! policy value plants a line, an escape sequence, a link or an image in any
//! format; and a reader that goes away is an output error. Every hostile
//! input is made here, at run time.

use crate::common;

use common::run_in;
use std::fs;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A one-statement policy on one line, with `filler` between the statement's
/// opening and its `Action`.
fn policy_with(filler: &str, action: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Resource":"*",{filler}"Action":"{action}"}}]}}"#
    )
}

/// Characters that act on a terminal or a log (escape::is_hazard), as bytes of the output.
fn hazards(text: &str) -> Vec<char> {
    text.chars().filter(|&c| c != '\n' && policy_lint::escape::is_hazard(c)).collect()
}

/// Display column 65,536 made miette panic: the run lost every file's findings.
#[test]
fn a_finding_past_column_65535_is_shown_and_the_other_files_still_reported() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("tabs.json"), policy_with(&"\t".repeat(16 * 1024), "chime:Nope") + "\n").unwrap();
    fs::write(dir.path().join("ok.json"), policy_with("", "chime:Nada")).unwrap();
    let out = run_in(dir.path(), &["--fail-on", "never", "tabs.json", "ok.json"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    // Columns count characters, as in the other formats.
    let column = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*","#.len()
        + 16 * 1024
        + r#""Action":"#.len()
        + 1;
    assert!(text.contains(&format!("[tabs.json:1:{column}]")), "{text}");
    assert!(text.contains("[ok.json:1:80]"), "{text}");
    assert!(text.contains("Found 2 problems"), "{text}");
    // 60 characters before the span are shown (51 tabs, up to 4 columns each), then the rest of the line.
    let shown = format!(" 1 │ …{}\"Action\":\"chime:Nope\"}}]}}", " ".repeat(3 + 50 * 4));
    assert!(text.lines().any(|l| l == shown), "{text}");
}

/// The whole 2 MB line was printed for each finding on it (gigabytes of
/// output for a plan on one line); now a window of it, with `…` for the rest.
#[test]
fn a_two_megabyte_line_is_shown_as_a_window_around_each_finding() {
    let dir = tempfile::tempdir().unwrap();
    let head = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*","Action":"chime:Nope"},"#;
    let tail = r#"{"Effect":"Allow","Resource":"*","Action":"chime:Nada"}]}"#;
    let text = format!("{head}{}{tail}", " ".repeat(2_000_000));
    fs::write(dir.path().join("plan.json"), &text).unwrap();
    let out = run_in(dir.path(), &["plan.json"]);
    let second = head.len() + 2_000_000 + tail.find("\"chime:Nada").unwrap() + 1;
    let expected = format!(
        "unknown-action

  × `chime:Nope` is not an action of Amazon Chime
   ╭─[plan.json:1:80]
 1 │ …-17\",\"Statement\":[{{\"Effect\":\"Allow\",\"Resource\":\"*\",\"Action\":\"chime:Nope\"}},{spaces58}…
   · {pad61}{line12}
   ╰────

unknown-action

  × `chime:Nada` is not an action of Amazon Chime
   ╭─[plan.json:1:{second}]
 1 │ …{spaces18}{{\"Effect\":\"Allow\",\"Resource\":\"*\",\"Action\":\"chime:Nada\"}}]}}
   · {pad61}{line12}
   ╰────

Found 2 problems (2 errors, 0 warnings) in 1 file (1 policy).
",
        spaces58 = " ".repeat(58),
        spaces18 = " ".repeat(18),
        pad61 = " ".repeat(61),
        line12 = "─".repeat(12),
    );
    assert_eq!(stdout(&out), expected);
    assert_eq!(out.status.code(), Some(1));
}

/// A label far from its finding (a Deny 150 lines above the Allow it
/// shadows) keeps its own lines, not the file between: both are shown, apart.
#[test]
fn a_label_far_from_its_finding_is_shown_apart_without_the_lines_between() {
    let dir = tempfile::tempdir().unwrap();
    let filler: String = (0..30)
        .map(|i| format!(",\n{{\n\"Sid\": \"P{i}\",\n\"Effect\": \"Allow\",\n\"Action\": \"chime:GetSipRule\",\n\"Resource\": \"*\"\n}}"))
        .collect();
    let policy = format!(
        "{{\"Version\": \"2012-10-17\", \"Statement\": [\n{{\n\"Effect\": \"Deny\",\n\"Action\": \"chime:DeleteSipRule\",\n\"Resource\": \"*\"\n}}{filler},\n{{\n\"Effect\": \"Allow\",\n\"Action\": \"chime:DeleteSipRule\",\n\"Resource\": \"*\"\n}}\n]}}\n"
    );
    fs::write(dir.path().join("p.json"), policy).unwrap();
    let out = run_in(dir.path(), &["--select", "deny-overrides-allow", "--quiet", "p.json"]);
    let text = stdout(&out);
    let frames: Vec<&str> = text.lines().filter(|l| l.contains("╭─[")).collect();
    assert_eq!(frames, ["   ╭─[p.json:3:11]", "     ╭─[p.json:189:11]"], "{text}");
    assert!(text.contains(" 3 │ \"Effect\": \"Deny\","), "{text}");
    assert!(text.contains(" 189 │ \"Action\": \"chime:DeleteSipRule\","), "{text}");
    assert!(text.lines().count() < 30, "{text}");
}

/// The human header counted bytes (`1:82`) where the other formats count
/// characters (`1:78`).
#[test]
fn human_columns_count_characters_as_the_other_formats_do() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("p.json"), policy_with(r#""Sid":"éééé","#, "chime:Nope")).unwrap();
    let (hits, _) = common::findings_in(dir.path(), &["p.json"]);
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0].column, 93);
    let out = run_in(dir.path(), &["p.json"]);
    assert!(stdout(&out).contains("[p.json:1:93]"), "{}", stdout(&out));
}

/// A file name with a line break planted a line the problem matcher read as
/// a finding; values quoted in messages carried ESC and bidi overrides.
#[cfg(unix)]
#[test]
fn file_names_and_values_cannot_plant_lines_or_escape_sequences() {
    let dir = tempfile::tempdir().unwrap();
    let name = "evil\nfake.json:1:1: error[unknown-action]: planted";
    let policy = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Resource\": \"*\",\n      \"Action\": \"chime:\\u001b[31mNope\\u202e\"\n    }\n  ]\n}\n";
    fs::write(dir.path().join(name), policy).unwrap();
    let message = "`chime:\\u{1b}[31mNope\\u{202e}` is not an action of Amazon Chime";

    let compact = stdout(&run_in(dir.path(), &["--format", "compact", name]));
    assert_eq!(
        compact,
        format!("evil\\nfake.json:1:1: error[unknown-action]: planted:7:17: error[unknown-action]: {message}\n")
    );

    let github = stdout(&run_in(dir.path(), &["--format", "github", name]));
    assert_eq!(
        github,
        format!(
            "::error file=evil%0Afake.json%3A1%3A1%3A error[unknown-action]%3A planted,line=7,col=17,endLine=7,endColumn=45,title=unknown-action::{message}\n"
        )
    );

    let human = stdout(&run_in(dir.path(), &[name]));
    assert!(human.contains("[evil\\nfake.json:1:1: error[unknown-action]: planted:7:17]"), "{human}");
    assert!(human.contains(&format!("× {message}")), "{human}");
    assert_eq!(hazards(&human), Vec::<char>::new(), "{human}");

    // JSON and SARIF: serde escapes the controls, and the values read back whole.
    for format in ["json", "sarif"] {
        let text = stdout(&run_in(dir.path(), &["--format", format, name]));
        assert_eq!(hazards(&text), Vec::<char>::new(), "{text}");
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        let (path, message) = if format == "json" {
            (doc["findings"][0]["path"].clone(), doc["findings"][0]["message"].clone())
        } else {
            let result = &doc["runs"][0]["results"][0];
            (
                result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].clone(),
                result["message"]["text"].clone(),
            )
        };
        let raw_message = "`chime:\u{1b}[31mNope\u{202e}` is not an action of Amazon Chime";
        if format == "json" {
            assert_eq!(path, name);
        } else {
            assert_eq!(path, "evil%0Afake.json%3A1%3A1%3A%20error%5Bunknown-action%5D%3A%20planted");
        }
        assert!(message.as_str().unwrap().starts_with(raw_message), "{message}");
    }

    // GitLab: JSON, escaped as the JSON report is.
    let text = stdout(&run_in(dir.path(), &["--format", "gitlab", name]));
    assert_eq!(hazards(&text), Vec::<char>::new(), "{text}");
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc[0]["location"]["path"], name);
    assert!(doc[0]["description"].as_str().unwrap().starts_with("`chime:\u{1b}[31mNope\u{202e}`"), "{text}");

    // JUnit: XML cannot carry the controls at all; they are written as in compact.
    let junit = stdout(&run_in(dir.path(), &["--format", "junit", name]));
    assert_eq!(hazards(&junit), Vec::<char>::new(), "{junit}");
    assert!(junit.contains("classname=\"evil\\nfake.json:1:1: error[unknown-action]: planted\""), "{junit}");
    assert!(junit.contains("message=\"`chime:\\u{1b}[31mNope\\u{202e}` is not an action"), "{junit}");
}

/// What goes to standard error names paths too.
#[test]
fn paths_on_standard_error_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["missing\u{1b}[2J\n.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr(&out), "policy-lint: missing\\u{1b}[2J\\n.json: no such file or directory\n");
}

/// Raw control characters in a file's text (a parse error's line) are shown
/// escaped in the snippet.
#[test]
fn control_characters_in_source_lines_are_shown_escaped() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("p.json"), "{\"Statement\": \"\u{1b}]0;owned\u{7}\rX\"\n").unwrap();
    let out = run_in(dir.path(), &["p.json"]);
    let human = stdout(&out);
    assert_eq!(hazards(&human), Vec::<char>::new(), "{human}");
    assert!(human.contains(r#" 1 │ {"Statement": "\u{1b}]0;owned\u{7}\rX""#), "{human}");
}

/// The step summary rendered Markdown and HTML from policy values: a value
/// that closes its code span could show an image from any host.
#[test]
fn the_step_summary_renders_no_link_image_or_html_from_values() {
    let dir = tempfile::tempdir().unwrap();
    let value = "nope` ![img](http://evil.example/a.png) <img src=http://evil.example/b.png> www.evil.example `";
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"chime:GetSipRule","Resource":"{value}"}}]}}"#
    );
    fs::write(dir.path().join("p.json"), policy).unwrap();
    let summary = dir.path().join("summary.md");
    let out = Command::new(env!("CARGO_BIN_EXE_policy-lint"))
        .args(["--format", "github", "--select", "invalid-arn", "p.json"])
        .current_dir(dir.path())
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let markdown = fs::read_to_string(&summary).unwrap();
    let line = markdown.lines().find(|l| l.starts_with("- ")).unwrap();
    assert_eq!(
        line,
        r"- `p.json:1:95` **error** `invalid-arn`: `nope` !\[img\](http:\/\/evil.example/a.png) &lt;img src=http:\/\/evil.example/b.png> www\.evil.example \`` is not a valid ARN: an ARN starts with `arn:\`"
    );
    for planted in ["![", "<img", "http://", "www.e"] {
        assert!(!markdown.contains(planted), "{planted} in {markdown}");
    }
}

/// On Unix `\` is a character of a file's name: SARIF kept it as `/`, a
/// directory that does not exist.
#[cfg(unix)]
#[test]
fn sarif_keeps_a_backslash_in_a_file_name() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a\\b.json"), policy_with("", "chime:Nope")).unwrap();
    let out = run_in(dir.path(), &["--format", "sarif", "a\\b.json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let location = &doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(location["uri"], "a%5Cb.json");
}

/// `policy-lint dir | head -1` exited 0 whatever was found: the reader did
/// not get the report, which is an output error (2), said by the exit code only.
#[test]
fn a_closed_output_pipe_exits_2_without_a_message() {
    for format in ["human", "compact", "json", "sarif", "github", "junit", "gitlab"] {
        let out = run_with_closed_stdout(&common::root(), &["--format", format, "--fail-on", "never", "fixtures"]);
        assert_eq!(out.status.code(), Some(2), "{format}: {}", stderr(&out));
        assert_eq!(stderr(&out), "", "{format}");
    }
}

fn run_with_closed_stdout(dir: &Path, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_policy-lint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    drop(child.stdout.take());
    child.wait_with_output().unwrap()
}
