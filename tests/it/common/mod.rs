//! Helpers shared by the integration tests: run the real binary, read its JSON.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `policy-lint` with arguments, from the crate root.
pub fn run(args: &[&str]) -> Output {
    run_in(&root(), args)
}

pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_policy-lint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .expect("the binary runs")
}

/// One finding as `path:line:col: severity[rule]`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hit {
    pub path: String,
    pub line: u64,
    pub column: u64,
    pub severity: String,
    pub rule: String,
    pub message: String,
}

impl Hit {
    pub fn short(&self) -> String {
        format!("{}:{}:{}: {}[{}]", self.path, self.line, self.column, self.severity, self.rule)
    }
}

/// Runs with `--format json` and returns the findings and the exit code.
pub fn findings(args: &[&str]) -> (Vec<Hit>, i32) {
    findings_in(&root(), args)
}

pub fn findings_in(dir: &Path, args: &[&str]) -> (Vec<Hit>, i32) {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let out = run_in(dir, &all);
    let text = String::from_utf8_lossy(&out.stdout);
    let doc: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {text}\nstderr: {}", String::from_utf8_lossy(&out.stderr)));
    let hits = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| Hit {
            path: f["path"].as_str().unwrap().to_string(),
            line: f["line"].as_u64().unwrap(),
            column: f["column"].as_u64().unwrap(),
            severity: f["severity"].as_str().unwrap().to_string(),
            rule: f["rule"].as_str().unwrap().to_string(),
            message: f["message"].as_str().unwrap().to_string(),
        })
        .collect();
    (hits, out.status.code().unwrap_or(-1))
}

/// The path of `../shared`, when it is there. Tests that use it skip
/// otherwise, and say so on standard error, past the test harness's capture
/// (which hides what a passing test prints), so a run without it is not
/// mistaken for one that checked the real-world data.
pub fn shared() -> Option<PathBuf> {
    let p = root().join("..").join("shared");
    if p.join("reference").is_dir() {
        return Some(p);
    }
    let test = std::thread::current().name().unwrap_or("a test").to_string();
    let _ = writeln!(std::io::stderr(), "skipped {test}: ../shared is absent");
    None
}

/// Whether a rule is one of the least-privilege rules. Front-end tests are
/// about where findings land; what those rules think of a fixture's grants is
/// tested with the rules themselves.
pub fn is_least_privilege(rule: &str) -> bool {
    policy_lint::rules::find(rule).is_some_and(|r| r.meta.category == policy_lint::rules::Category::LeastPrivilege)
}

/// What a run of the binary under a deadline printed, how it ended, and how long it took.
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
    pub took: std::time::Duration,
    /// CPU time (user and system) the binary used: unlike `took`, it does not
    /// grow when other processes load the machine, so ratios of it are steady.
    pub cpu: std::time::Duration,
}

impl Run {
    /// Lines of compact output for one rule.
    pub fn lines_of(&self, rule: &str) -> Vec<&str> {
        self.stdout.lines().filter(|l| l.contains(&format!("[{rule}]"))).collect()
    }
}

/// Runs the binary in `dir` with `args`, extra environment and `stdin` (none
/// when `None`), and kills it (failing the test) if it is still running after
/// `deadline`: a hang is a failure, never a stuck test run.
pub fn run_until(
    dir: &Path,
    args: &[&str],
    env: &[(&str, &std::ffi::OsStr)],
    stdin: Option<&[u8]>,
    deadline: std::time::Duration,
) -> Run {
    use std::io::Read;
    use std::process::Stdio;
    #[expect(clippy::zombie_processes, reason = "`reap` waits for it with wait4, which clippy does not see")]
    let mut child = Command::new(env!("CARGO_BIN_EXE_policy-lint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .envs(env.iter().copied())
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let start = std::time::Instant::now();
    let writer = child.stdin.take().zip(stdin.map(<[u8]>::to_vec)).map(|(mut input, bytes)| {
        std::thread::spawn(move || {
            let _ = input.write_all(&bytes);
        })
    });
    let read_all = |mut from: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut s = Vec::new();
            let _ = from.read_to_end(&mut s);
            s
        })
    };
    let out_reader = read_all(Box::new(child.stdout.take().unwrap()));
    let err_reader = read_all(Box::new(child.stderr.take().unwrap()));
    let (code, cpu) = loop {
        if let Some(ended) = reap(child.id()) {
            break ended;
        }
        if start.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("policy-lint {args:?} in {} hung: killed after {deadline:?}", dir.display());
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    };
    let took = start.elapsed();
    if let Some(w) = writer {
        let _ = w.join();
    }
    Run {
        stdout: String::from_utf8_lossy(&out_reader.join().unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&err_reader.join().unwrap()).into_owned(),
        code,
        took,
        cpu,
    }
}

/// The exit code (-1 for a signal) and CPU time of child `pid` once it has
/// ended, without blocking; `wait4` because std's `try_wait` gives no usage.
fn reap(pid: u32) -> Option<(i32, std::time::Duration)> {
    let mut status = 0;
    // SAFETY: an all-zero `rusage` is valid; `wait4` writes both out-parameters.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet reaped (only this loop waits for it).
    let got = unsafe { libc::wait4(pid as libc::pid_t, &mut status, libc::WNOHANG, &mut usage) };
    if got == 0 {
        return None;
    }
    assert_eq!(got, pid as libc::pid_t, "wait4: {}", std::io::Error::last_os_error());
    let code = if libc::WIFEXITED(status) { libc::WEXITSTATUS(status) } else { -1 };
    let time = |t: libc::timeval| std::time::Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    Some((code, time(usage.ru_utime) + time(usage.ru_stime)))
}

/// Makes a FIFO at `path` (with the system's `mkfifo`).
pub fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo").arg(path).status().map(|s| s.success()).unwrap_or(false);
    assert!(ok, "mkfifo {}", path.display());
}
