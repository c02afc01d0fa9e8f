//! Trees built to trip a linter up: symbolic link loops, links out of the
//! scanned root, unreadable files and directories, names that are not UTF-8,
//! FIFOs and devices. Each is skipped or reported once, the run goes on, the
//! exit code says "findings" (1) or "errors" (2), and nothing hangs: every run
//! is killed after a deadline and the test fails if it had to be.

#![cfg(unix)]

use crate::common::{mkfifo, run_until, Run};
use std::fs;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

const DEADLINE: Duration = Duration::from_secs(20);

/// A policy with one `unknown-action` at 6:17.
const TYPOS: &str = include_str!("../../fixtures/unknown-action/fire/typos.json");

/// Runs the binary in `dir` with compact output; kills it (and fails) if it
/// is still running after [`DEADLINE`].
fn run(dir: &Path, args: &[&str]) -> Run {
    run_with_env(dir, args, &[])
}

fn run_with_env(dir: &Path, args: &[&str], env: &[(&str, &std::ffi::OsStr)]) -> Run {
    let args: Vec<&str> = ["--format", "compact"].iter().chain(args).copied().collect();
    run_until(dir, &args, env, None, DEADLINE)
}

fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("infra")).unwrap();
    fs::write(dir.path().join("infra/typos.json"), TYPOS).unwrap();
    dir
}

#[test]
fn symlink_loops_are_not_followed_and_the_run_goes_on() {
    let dir = tree();
    let infra = dir.path().join("infra");
    symlink(".", infra.join("here")).unwrap();
    symlink("..", infra.join("up")).unwrap();
    symlink("self.json", infra.join("self.json")).unwrap();
    fs::create_dir(infra.join("a")).unwrap();
    symlink("../b", infra.join("a/to-b")).unwrap();
    fs::create_dir(infra.join("b")).unwrap();
    symlink("../a", infra.join("b/to-a")).unwrap();
    let r = run(dir.path(), &["infra"]);
    assert_eq!(r.lines_of("unknown-action").len(), 3, "{}", r.stdout);
    assert!(r.stdout.lines().all(|l| l.starts_with("infra/typos.json:")), "{}", r.stdout);
    assert_eq!(r.stderr, "", "links are skipped silently when not followed");
    assert_eq!(r.code, 1);
}

#[test]
fn followed_symlink_loops_are_reported_once_each() {
    let dir = tree();
    let infra = dir.path().join("infra");
    symlink(".", infra.join("here")).unwrap();
    fs::create_dir(infra.join("a")).unwrap();
    symlink("..", infra.join("a/back")).unwrap();
    symlink("self.json", infra.join("self.json")).unwrap();
    let r = run(dir.path(), &["--follow-links", "infra"]);
    // Each file once, however many names the links give it.
    assert_eq!(r.lines_of("unknown-action").len(), 3, "{}", r.stdout);
    let loops: Vec<&str> = r.stderr.lines().filter(|l| l.contains("symbolic link loop")).collect();
    assert_eq!(loops.len(), 3, "{}", r.stderr);
    for name in ["infra/here:", "infra/a/back:", "infra/self.json:"] {
        assert_eq!(loops.iter().filter(|l| l.contains(name)).count(), 1, "{name} in {}", r.stderr);
    }
    assert_eq!(r.code, 2, "a walk error outranks findings");
}

#[test]
fn links_out_of_the_root_are_not_followed_unless_named() {
    let dir = tree();
    let outside = dir.path().join("outside");
    fs::create_dir(&outside).unwrap();
    fs::write(outside.join("secret.json"), TYPOS).unwrap();
    let infra = dir.path().join("infra");
    symlink("../outside", infra.join("out-dir")).unwrap();
    symlink("../outside/secret.json", infra.join("out-file.json")).unwrap();
    symlink("/", infra.join("slash")).unwrap();

    let r = run(dir.path(), &["infra"]);
    assert!(r.stdout.lines().all(|l| l.starts_with("infra/typos.json:")), "{}", r.stdout);
    assert_eq!(r.lines_of("unknown-action").len(), 3);
    assert_eq!(r.stderr, "");
    assert_eq!(r.code, 1);

    // A link named on the command line is the user's choice: followed, shown under its own name.
    let r = run(dir.path(), &["infra/out-file.json"]);
    assert_eq!(r.lines_of("unknown-action").len(), 3, "{}", r.stdout);
    assert!(
        r.stdout.lines().all(|l| l.starts_with("infra/out-file.json:6:") || l.starts_with("infra/out-file.json:11:")),
        "{}",
        r.stdout
    );

    // With --follow-links the outside directory is walked too, each file once.
    fs::remove_file(infra.join("slash")).unwrap();
    let r = run(dir.path(), &["--follow-links", "infra"]);
    let files: std::collections::BTreeSet<&str> = r.stdout.lines().filter_map(|l| l.split(':').next()).collect();
    assert_eq!(files.len(), 2, "{}", r.stdout);
    assert!(files.contains("infra/typos.json"), "{files:?}");
    assert!(files.contains("infra/out-dir/secret.json") || files.contains("infra/out-file.json"), "{files:?}");
}

#[test]
fn fifos_in_a_tree_are_skipped_without_opening_them() {
    let dir = tree();
    mkfifo(&dir.path().join("infra/pipe.json"));
    mkfifo(&dir.path().join("infra/pipe.tf"));
    let r = run(dir.path(), &["infra"]);
    assert_eq!(r.lines_of("unknown-action").len(), 3, "{}", r.stdout);
    assert!(!r.stdout.contains("pipe"), "{}", r.stdout);
    assert_eq!(r.stderr, "");
    assert_eq!(r.code, 1);
}

#[test]
fn fifos_and_devices_named_explicitly_are_reported_once_and_skipped() {
    let dir = tree();
    mkfifo(&dir.path().join("named.json"));
    symlink("named.json", dir.path().join("via-link.json")).unwrap();
    let r = run(dir.path(), &["named.json", "via-link.json", "/dev/null", "infra/typos.json"]);
    assert_eq!(r.lines_of("unknown-action").len(), 3, "the run goes on: {}", r.stdout);
    let errors: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(errors.len(), 3, "{}", r.stderr);
    assert!(errors.contains(&"policy-lint: named.json: a FIFO, not a regular file; skipped"), "{}", r.stderr);
    assert!(errors.contains(&"policy-lint: via-link.json: a FIFO, not a regular file; skipped"), "{}", r.stderr);
    assert!(errors.contains(&"policy-lint: /dev/null: a device, not a regular file; skipped"), "{}", r.stderr);
    assert_eq!(r.code, 2);
}

#[test]
fn unreadable_files_and_directories_are_reported_once_each() {
    let dir = tree();
    let infra = dir.path().join("infra");
    let locked_file = infra.join("locked.json");
    fs::write(&locked_file, TYPOS).unwrap();
    fs::set_permissions(&locked_file, fs::Permissions::from_mode(0o000)).unwrap();
    let locked_dir = infra.join("locked-dir");
    fs::create_dir(&locked_dir).unwrap();
    fs::write(locked_dir.join("inner.json"), TYPOS).unwrap();
    fs::set_permissions(&locked_dir, fs::Permissions::from_mode(0o000)).unwrap();

    let r = run(dir.path(), &["infra"]);
    let file_unreadable = fs::read(&locked_file).is_err();
    let dir_unreadable = fs::read_dir(&locked_dir).is_err();
    // Restore before asserting, so the temporary directory can be removed.
    fs::set_permissions(&locked_dir, fs::Permissions::from_mode(0o755)).unwrap();
    fs::set_permissions(&locked_file, fs::Permissions::from_mode(0o644)).unwrap();

    assert!(r.stdout.contains("infra/typos.json:6:17: error[unknown-action]"), "{}", r.stdout);
    if file_unreadable {
        let lines: Vec<&str> = r.stdout.lines().filter(|l| l.starts_with("infra/locked.json:")).collect();
        assert_eq!(lines, ["infra/locked.json:1:1: error[parse-error]: cannot read the file: permission denied"]);
    } else {
        // Root reads anything: the file is linted like any other.
        assert!(r.stdout.contains("infra/locked.json:6:17: error[unknown-action]"), "{}", r.stdout);
    }
    if dir_unreadable {
        let lines: Vec<&str> = r.stderr.lines().filter(|l| l.contains("locked-dir")).collect();
        assert_eq!(lines, ["policy-lint: infra/locked-dir: permission denied"], "{}", r.stderr);
        assert_eq!(r.code, 2);
    } else {
        assert!(r.stdout.contains("infra/locked-dir/inner.json:6:17: error[unknown-action]"), "{}", r.stdout);
        assert_eq!(r.stderr, "");
        assert_eq!(r.code, 1);
    }
}

#[test]
fn names_that_are_not_utf8_are_read_and_shown_lossily() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let dir = tree();
    let infra = dir.path().join("infra");
    let odd_dir = infra.join(OsStr::from_bytes(b"r\xe9gion"));
    fs::create_dir(&odd_dir).unwrap();
    fs::write(odd_dir.join(OsStr::from_bytes(b"caf\xe9.json")), TYPOS).unwrap();
    let r = run(dir.path(), &["infra"]);
    assert!(r.stdout.contains("infra/r\u{FFFD}gion/caf\u{FFFD}.json:6:17: error[unknown-action]"), "{}", r.stdout);
    assert_eq!(r.lines_of("unknown-action").len(), 6, "{}", r.stdout);
    assert_eq!(r.code, 1);
}

#[test]
fn tool_directories_are_skipped_and_gitignore_respected() {
    let dir = tree();
    let infra = dir.path().join("infra");
    for skipped in [".git", ".terraform/modules", "node_modules/pkg", "cdk.out/asset.0123abcd", "ignored"] {
        fs::create_dir_all(infra.join(skipped)).unwrap();
        fs::write(infra.join(skipped).join("policy.json"), TYPOS).unwrap();
    }
    fs::write(infra.join(".gitignore"), "ignored/\n").unwrap();
    // Hidden directories other than those are the user's (Chalice keeps policies in `.chalice/`).
    fs::create_dir_all(infra.join(".chalice")).unwrap();
    fs::write(infra.join(".chalice/policy-dev.json"), TYPOS).unwrap();
    fs::create_dir_all(infra.join("cdk.out")).unwrap();
    fs::write(infra.join("cdk.out/asset.json"), TYPOS).unwrap();
    let r = run(dir.path(), &["infra"]);
    let files: std::collections::BTreeSet<&str> = r.stdout.lines().filter_map(|l| l.split(':').next()).collect();
    let want: std::collections::BTreeSet<&str> =
        ["infra/.chalice/policy-dev.json", "infra/cdk.out/asset.json", "infra/typos.json"].into();
    assert_eq!(files, want, "{}", r.stdout);
}

/// git's global excludes file, named by git's configuration or at its
/// default place, keeps files out of the walk as a `.gitignore` does.
#[test]
fn global_git_excludes_are_respected() {
    let dir = tree();
    fs::write(dir.path().join("infra/generated.json"), TYPOS).unwrap();
    let home = tempfile::tempdir().unwrap();
    let none = home.path().join("none");
    let env = [
        ("HOME", home.path().as_os_str()),
        ("XDG_CONFIG_HOME", "".as_ref()),
        ("GIT_CONFIG_GLOBAL", "".as_ref()),
        ("GIT_CONFIG_SYSTEM", none.as_os_str()),
    ];
    let files = || {
        let r = run_with_env(dir.path(), &["infra"], &env);
        r.stdout
            .lines()
            .filter_map(|l| l.split(':').next())
            .map(str::to_string)
            .collect::<std::collections::BTreeSet<_>>()
    };
    let both: std::collections::BTreeSet<String> =
        ["infra/generated.json", "infra/typos.json"].map(String::from).into();
    let one: std::collections::BTreeSet<String> = ["infra/typos.json"].map(String::from).into();
    assert_eq!(files(), both, "no global excludes");
    fs::write(home.path().join(".gitconfig"), "[core]\n\texcludesFile = ~/global-ignore\n").unwrap();
    assert_eq!(files(), both, "named, but not there");
    fs::write(home.path().join("global-ignore"), "generated.json\n").unwrap();
    assert_eq!(files(), one, "named in ~/.gitconfig");
    fs::remove_file(home.path().join(".gitconfig")).unwrap();
    assert_eq!(files(), both, "no longer named");
    fs::create_dir_all(home.path().join(".config/git")).unwrap();
    fs::write(home.path().join(".config/git/ignore"), "generated.json\n").unwrap();
    assert_eq!(files(), one, "at the default place");
}

/// Every path under `dir` with its type, size, mode and modification time.
fn snapshot(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let m = fs::symlink_metadata(&p).unwrap();
            out.push(format!(
                "{} {:?} {} {:o} {:?}",
                p.display(),
                m.file_type(),
                m.len(),
                m.permissions().mode(),
                m.modified().ok()
            ));
            if m.is_dir() {
                stack.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn the_scanned_tree_is_never_written() {
    let dir = tree();
    fs::create_dir_all(dir.path().join("infra/sub")).unwrap();
    fs::write(dir.path().join("infra/sub/t.json"), "{\"Statement\": [").unwrap();
    let before = snapshot(dir.path());
    for args in [&["infra"][..], &["--parse-only", "infra"], &["--follow-links", "infra"]] {
        run(dir.path(), args);
    }
    assert_eq!(snapshot(dir.path()), before);
}

/// A change can name any path in `file()`: the CI job's environment, a key
/// outside the checkout, a link that leads out of it, a FIFO. None of it is
/// read: every format, and a baseline written from the run, name the path at
/// most, never a byte of what it holds.
#[test]
fn files_named_by_terraform_outside_the_project_are_never_read() {
    const SECRET: &str = "s3cr3t-t0ken-4f9a";
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    fs::create_dir_all(project.join("policies")).unwrap();
    fs::write(dir.path().join("credentials.json"), format!("{{\"{SECRET}\": 1}}\n{SECRET}\n")).unwrap();
    symlink("../../credentials.json", project.join("policies/linked.json")).unwrap();
    mkfifo(&project.join("policies/pipe.json"));
    let tf = r#"resource "aws_iam_role_policy" "environment" {
  role   = "handler"
  policy = file("/proc/self/environ")
}
resource "aws_iam_role_policy" "outside" {
  role   = "handler"
  policy = file("${path.module}/../credentials.json")
}
resource "aws_iam_role_policy" "linked" {
  role   = "handler"
  policy = templatefile("policies/linked.json", {})
}
resource "aws_iam_role_policy" "pipe" {
  role   = "handler"
  policy = file("policies/pipe.json")
}
"#;
    fs::write(project.join("main.tf"), tf).unwrap();
    let secret = std::ffi::OsStr::new(SECRET);
    for format in ["human", "json", "sarif", "github"] {
        let out = Command::new(env!("CARGO_BIN_EXE_policy-lint"))
            .args(["--format", format, "project"])
            .current_dir(dir.path())
            .env("LEAKED_SECRET", secret)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
        assert!(!text.contains(SECRET), "{format} leaked:\n{text}");
        assert!(text.contains("file-outside-project"), "{format}:\n{text}");
        assert_eq!(out.status.code(), Some(0), "{format}: infos only\n{text}");
    }
    let r = run_with_env(dir.path(), &["project"], &[("LEAKED_SECRET", secret)]);
    assert!(!r.stdout.contains(SECRET) && !r.stderr.contains(SECRET), "compact leaked:\n{}{}", r.stdout, r.stderr);
    let got: Vec<String> =
        r.stdout.lines().filter_map(|l| l.split_once("]: ")).map(|(at, _)| format!("{at}]")).collect();
    assert_eq!(
        got,
        [
            "project/main.tf:3:12: info[file-outside-project]",
            "project/main.tf:7:12: info[file-outside-project]",
            "project/main.tf:11:12: info[file-outside-project]",
            "project/main.tf:15:12: info[file-outside-project]",
        ],
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("`/proc/self/environ` is a file of the running system"), "{}", r.stdout);
    assert!(r.stdout.contains("`policies/pipe.json` is not a regular file"), "{}", r.stdout);
    let baseline = dir.path().join("baseline.json");
    let b = baseline.to_string_lossy().into_owned();
    let r = run_with_env(dir.path(), &["--write-baseline", &b, "project"], &[("LEAKED_SECRET", secret)]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!fs::read_to_string(&baseline).unwrap().contains(SECRET));
}
