//! `policy-lint server`: the real binary started as a process, spoken to in
//! JSON-RPC over its standard input and output, as an editor does.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(20);

/// A server process and what it has said.
pub struct Server {
    child: Child,
    stdin: ChildStdin,
    incoming: mpsc::Receiver<Value>,
    /// Notifications read while waiting for something else.
    notifications: Vec<Value>,
    next_id: i64,
}

impl Server {
    pub fn start(root: &Path) -> Server {
        Server::start_with(root, &[])
    }

    pub fn start_with(root: &Path, args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_policy-lint"))
            .args(["server", "--debounce", "5"])
            .args(args)
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the server starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, incoming) = mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut length = 0;
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length:") {
                        length = v.trim().parse().unwrap();
                    }
                }
                let mut body = vec![0; length];
                r.read_exact(&mut body).unwrap();
                if tx.send(serde_json::from_slice(&body).expect("the server writes JSON")).is_err() {
                    return;
                }
            }
        });
        let mut server = Server { child, stdin, incoming, notifications: Vec::new(), next_id: 1 };
        let uri = uri(root);
        let capabilities = json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}});
        let init = server.request(
            "initialize",
            json!({"processId": null, "rootUri": uri, "capabilities": capabilities, "workspaceFolders": [{"uri": uri, "name": "w"}]}),
        );
        assert!(init["result"]["capabilities"]["hoverProvider"].as_bool().unwrap(), "{init}");
        server.notify("initialized", json!({}));
        // The server asks to be told of changes to its settings.
        let register = server.wait_for(|m| m["method"] == "client/registerCapability");
        let watchers = &register["params"]["registrations"][0]["registerOptions"]["watchers"];
        assert_eq!(watchers[0]["globPattern"], "**/.policy-lint.toml", "{register}");
        server.send(json!({"jsonrpc": "2.0", "id": register["id"], "result": null}));
        server
    }

    pub fn send_raw(&mut self, body: &[u8]) {
        let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        frame.extend_from_slice(body);
        self.stdin.write_all(&frame).unwrap();
        self.stdin.flush().unwrap();
    }

    fn send(&mut self, message: Value) {
        self.send_raw(message.to_string().as_bytes());
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and waits for its response (error or result).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait_for(|m| m["id"] == json!(id) && m.get("method").is_none())
    }

    /// The next message that `pred` accepts; others that are notifications are kept.
    pub fn wait_for(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let m = self.incoming.recv_timeout(left).expect("the server answers in time");
            if pred(&m) {
                return m;
            }
            if m.get("method").is_some() {
                self.notifications.push(m);
            }
        }
    }

    /// The diagnostics next published for `uri` at `version`.
    pub fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let is = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == json!(version)
        };
        if let Some(i) = self.notifications.iter().position(is) {
            return self.notifications.remove(i)["params"]["diagnostics"].as_array().unwrap().clone();
        }
        self.wait_for(is)["params"]["diagnostics"].as_array().unwrap().clone()
    }

    pub fn open(&mut self, path: &Path, language: &str, text: &str) -> String {
        let uri = uri(path);
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
        );
        uri
    }

    pub fn change(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    /// `shutdown` then `exit`: the process ends with 0.
    pub fn stop(mut self) {
        let r = self.request("shutdown", Value::Null);
        assert_eq!(r["result"], Value::Null, "{r}");
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert_eq!(status.code(), Some(0));
                return;
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn rules(diagnostics: &[Value]) -> Vec<&str> {
    diagnostics.iter().map(|d| d["code"].as_str().unwrap()).collect()
}

/// The position of the first `needle` in `text`, `after` characters into it.
fn position(text: &str, needle: &str, after: usize) -> Value {
    let at = text.find(needle).unwrap() + after;
    let line = text[..at].matches('\n').count();
    let character = at - text[..at].rfind('\n').map_or(0, |i| i + 1);
    json!({"line": line, "character": character})
}

/// Applies a workspace edit's edits for `uri` to `text` (ASCII text).
fn apply(text: &str, edit: &Value, uri: &str) -> String {
    let mut edits: Vec<&Value> = edit["changes"][uri].as_array().unwrap().iter().collect();
    let offset = |p: &Value| {
        let line = p["line"].as_u64().unwrap() as usize;
        let start: usize = text.split('\n').take(line).map(|l| l.len() + 1).sum();
        start + p["character"].as_u64().unwrap() as usize
    };
    edits.sort_by_key(|e| std::cmp::Reverse(offset(&e["range"]["start"])));
    let mut out = text.to_string();
    for e in edits {
        out.replace_range(offset(&e["range"]["start"])..offset(&e["range"]["end"]), e["newText"].as_str().unwrap());
    }
    out
}

const POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["chime:CreateSipMediaApplicationCalls"],
      "Resource": "arn:aws:chime:us-east-1:111122223333:sma/abc"
    }
  ]
}
"#;

#[test]
fn diagnostics_hover_completion_and_a_fix_typed_in_the_buffer() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path());
    let path = dir.path().join("policy.json");
    let uri = server.open(&path, "json", POLICY);
    let diags = server.diagnostics(&uri, 1);
    assert_eq!(rules(&diags), ["unknown-action"], "{diags:?}");
    let d = &diags[0];
    assert_eq!(d["severity"], 1);
    assert_eq!(d["source"], "policy-lint");
    assert_eq!(d["codeDescription"]["href"], "policy-lint://explain/unknown-action");
    assert_eq!(d["range"]["start"], position(POLICY, "\"chime:CreateSip", 0), "{d}");

    // Hover: the ARN's resource type, and the rule's documentation on the finding.
    let hover = server.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": position(POLICY, "arn:aws:chime", 5)}),
    );
    let text = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(text.contains("sip-media-application"), "{text}");
    let hover = server.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": position(POLICY, "chime:CreateSip", 3)}),
    );
    let text = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(text.contains("## What it does"), "the explain text of the finding's rule: {text}");

    // Completion of the service's actions after its prefix.
    let completion = server.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": position(POLICY, "chime:Create", 12)}),
    );
    let labels: Vec<&str> =
        completion["result"].as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert!(labels.contains(&"chime:CreateSipMediaApplicationCall"), "{labels:?}");

    // The fix as a code action, preferred since it is safe; typed in, the finding goes.
    let actions = server.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": d["range"], "context": {"diagnostics": [d]}}),
    );
    let actions = actions["result"].as_array().unwrap();
    let fix = actions.iter().find(|a| a["isPreferred"] == true).expect("a preferred fix");
    assert_eq!(fix["kind"], "quickfix");
    let fixed = apply(POLICY, &fix["edit"], &uri);
    assert!(fixed.contains("\"chime:CreateSipMediaApplicationCall\""), "{fixed}");
    assert!(actions.iter().all(|a| !a["title"].as_str().unwrap().starts_with("Suppress")), "JSON has no comments");
    server.change(&uri, 2, &fixed);
    assert_eq!(server.diagnostics(&uri, 2), Vec::<Value>::new());
    server.stop();
}

#[test]
fn suppress_for_this_line_writes_the_comment_and_silences_the_finding() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path());
    let text = "Version: \"2012-10-17\"\nStatement:\n  - Effect: Allow\n    Action: chime:*\n    Resource: \"arn:aws:chime:us-east-1:111122223333:sma/*\"\n";
    let uri = server.open(&dir.path().join("policy.yaml"), "yaml", text);
    let diags = server.diagnostics(&uri, 1);
    let d = diags.iter().find(|d| d["code"] == "service-wildcard").expect("service-wildcard").clone();
    let actions = server.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": d["range"], "context": {"diagnostics": [d]}}),
    );
    let suppress = actions["result"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Suppress `service-wildcard` for this line")
        .expect("a suppression action")
        .clone();
    let suppressed = apply(text, &suppress["edit"], &uri);
    assert!(suppressed.contains("Action: chime:*  # policy-lint: ignore[service-wildcard] <reason>\n"), "{suppressed}");
    server.change(&uri, 2, &suppressed);
    let after = server.diagnostics(&uri, 2);
    assert!(!rules(&after).contains(&"service-wildcard"), "{after:?}");
    assert!(!rules(&after).iter().any(|r| r.contains("suppression")), "{after:?}");

    // Completion of condition operators and keys in YAML.
    let yaml = "Statement:\n  - Effect: Allow\n    Action: chime:GetSipRule\n    Condition:\n      StringEquals:\n        aws:\n";
    server.change(&uri, 3, yaml);
    let items = |server: &mut Server, pos: Value| -> Vec<String> {
        let r = server.request("textDocument/completion", json!({"textDocument": {"uri": uri}, "position": pos}));
        r["result"].as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap().to_string()).collect()
    };
    let keys = items(&mut server, position(yaml, "aws:\n", 4));
    assert!(keys.iter().any(|k| k == "aws:SourceAccount"), "{keys:?}");
    let ops = items(&mut server, position(yaml, "      StringEquals", 6));
    assert!(ops.iter().any(|k| k == "StringLike"), "{ops:?}");
    server.stop();
}

/// The text after the "Suppress `rule` for this line" action on the first `rule` diagnostic.
fn suppressed(server: &mut Server, uri: &str, text: &str, diags: &[Value], rule: &str) -> String {
    let d = diags.iter().find(|d| d["code"] == rule).unwrap_or_else(|| panic!("{rule}: {diags:?}"));
    let actions = server.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": d["range"], "context": {"diagnostics": [d]}}),
    );
    let title = format!("Suppress `{rule}` for this line");
    let action = actions["result"].as_array().unwrap().iter().find(|a| a["title"] == title.as_str()).cloned();
    apply(text, &action.unwrap_or_else(|| panic!("{title}: {actions}"))["edit"], uri)
}

/// Where a `#` is text (a YAML block scalar holding JSON) or would follow
/// another comment, the suppression goes on a line of its own above; the
/// file stays what it was and the finding goes, with no suppression finding.
#[test]
fn suppress_for_this_line_in_a_block_scalar_or_after_a_comment() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path());
    let template = "Resources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument: |\n        {\"Version\": \"2012-10-17\",\n         \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"sqs:SendMesage\", \"Resource\": \"*\"}]}\n";
    let module = "resource \"aws_iam_policy\" \"p\" {\n  policy = jsonencode({\n    Version = \"2012-10-17\"\n    Statement = [{ Effect = \"Allow\", Action = \"sqs:SendMesage\", Resource = \"*\" }] # the queue\n  })\n}\n";
    let cases = [
        ("template.yaml", "yaml", template, "      PolicyDocument: |\n"),
        ("main.tf", "terraform", module, "    Statement = [{"),
    ];
    for (name, language, text, below) in cases {
        let uri = server.open(&dir.path().join(name), language, text);
        let diags = server.diagnostics(&uri, 1);
        assert_eq!(rules(&diags), ["unknown-action"], "{name}: {diags:?}");
        let after = suppressed(&mut server, &uri, text, &diags, "unknown-action");
        let at = text.find(below).unwrap();
        let indent = &below[..below.len() - below.trim_start().len()];
        let expected =
            format!("{}{indent}# policy-lint: ignore[unknown-action] <reason>\n{}", &text[..at], &text[at..]);
        assert_eq!(after, expected);
        server.change(&uri, 2, &after);
        assert_eq!(server.diagnostics(&uri, 2), Vec::<Value>::new(), "{name}");
    }
    server.stop();
}

#[test]
fn malformed_messages_unknown_methods_and_broken_files_never_crash_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path());
    server.send_raw(b"{not json");
    let r = server.wait_for(|m| m.get("error").is_some());
    assert_eq!(r["error"]["code"], -32700, "{r}");
    assert_eq!(r["id"], Value::Null);
    server.send_raw(br#"{"jsonrpc": "2.0", "id": 77, "something": "else"}"#);
    let r = server.wait_for(|m| m["id"] == 77);
    assert_eq!(r["error"]["code"], -32600, "{r}");
    let r = server.request("policy-lint/nothing", json!({}));
    assert_eq!(r["error"]["code"], -32601, "{r}");
    let r = server.request("textDocument/hover", json!({"wrong": true}));
    assert_eq!(r["error"]["code"], -32602, "{r}");
    // A file that does not parse: a diagnostic, and the server goes on.
    let uri = server.open(&dir.path().join("broken.json"), "json", "{\"Statement\": [");
    assert_eq!(rules(&server.diagnostics(&uri, 1)), ["parse-error"]);
    let uri = server.open(
        &dir.path().join("broken.tf"),
        "terraform",
        "resource \"aws_iam_policy\" \"p\" {\n  policy = jsonencode({\n",
    );
    assert_eq!(rules(&server.diagnostics(&uri, 1)), ["parse-error"]);
    // A new YAML buffer, on disk nowhere, gets the error the file saved would
    // (`policy-lint broken.yaml`), though it does not look like a policy yet.
    let yaml = "Version: \"2012-10-17\n";
    let uri = server.open(&dir.path().join("broken.yaml"), "yaml", yaml);
    let diags = server.diagnostics(&uri, 1);
    assert_eq!(rules(&diags), ["parse-error"], "{diags:?}");
    assert_eq!(diags[0]["range"]["start"], position(yaml, "\"2012", 0));
    // An unknown document, a position past the end: nothing, not an error.
    let r = server.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": "file:///nowhere.json"}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(r["result"], Value::Null, "{r}");
    let r = server.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 99, "character": 99}}),
    );
    assert!(r.get("error").is_none(), "{r}");
    server.stop();
}

#[test]
fn server_help_says_what_it_is() {
    let out = crate::common::run(&["server", "--help"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(text.contains("Language Server Protocol") && text.contains("--debounce"), "{text}");
}

/// The buffer is read with the rest of its Terraform module on disk: the
/// permission in the module's other file counts, and the buffer's text,
/// not the file on disk, is what is linted.
#[test]
fn a_buffer_is_linted_with_its_module_on_disk() {
    let one = include_str!("../../fixtures/sma-lambda-permission-missing/silent/with-permission.tf");
    let at = one.find("resource \"aws_lambda_permission\"").unwrap();
    let end = one.find("resource \"aws_chimesdkvoice_sip_media_application\"").unwrap();
    let (main, permission) = (format!("{}{}", &one[..at], &one[end..]), one[at..end].to_string());
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("infra")).unwrap();
    std::fs::write(dir.path().join("infra/main.tf"), "").unwrap();
    std::fs::write(dir.path().join("infra/permission.tf"), &permission).unwrap();
    let mut server = Server::start(dir.path());
    let uri = server.open(&dir.path().join("infra/main.tf"), "terraform", &main);
    assert_eq!(server.diagnostics(&uri, 1), Vec::<Value>::new());
    // The permission deleted in an open buffer of the module: the handler's finding comes.
    let perm_uri = server.open(&dir.path().join("infra/permission.tf"), "terraform", &permission);
    server.diagnostics(&perm_uri, 1);
    server.change(&perm_uri, 2, "");
    assert_eq!(server.diagnostics(&perm_uri, 2), Vec::<Value>::new());
    // main.tf's diagnostics are published again with permission.tf's.
    let fired = |m: &Value| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == uri
            && !m["params"]["diagnostics"].as_array().unwrap().is_empty()
    };
    let diags = match server.notifications.iter().position(fired) {
        Some(i) => server.notifications.remove(i),
        None => server.wait_for(fired),
    }["params"]["diagnostics"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(rules(&diags), ["sma-lambda-permission-missing"], "{diags:?}");
    server.stop();
}

/// `.policy-lint.toml` read again when it changes; a baseline applied as on the command line.
#[test]
fn configuration_changes_and_baselines_apply() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("policy.json"), POLICY).unwrap();
    let mut server = Server::start(dir.path());
    let uri = server.open(&dir.path().join("policy.json"), "json", POLICY);
    assert_eq!(rules(&server.diagnostics(&uri, 1)), ["unknown-action"]);
    let config = dir.path().join(".policy-lint.toml");
    std::fs::write(&config, "ignore = [\"unknown-action\"]\n").unwrap();
    server.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": self::uri(&config), "type": 1}]}));
    assert_eq!(server.diagnostics(&uri, 1), Vec::<Value>::new());
    // A configuration that does not parse: said to the user, the last good one kept.
    std::fs::write(&config, "ignore = [\"unknown-actoin\"]\n").unwrap();
    server.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": self::uri(&config), "type": 2}]}));
    let said = server.wait_for(|m| m["method"] == "window/showMessage");
    assert!(said["params"]["message"].as_str().unwrap().contains("unknown-actoin"), "{said}");
    server.stop();

    std::fs::remove_file(&config).unwrap();
    let out = crate::common::run_in(dir.path(), &["--write-baseline", "baseline.json", "policy.json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut server = Server::start_with(dir.path(), &["--baseline", "baseline.json"]);
    let uri = server.open(&dir.path().join("policy.json"), "json", POLICY);
    assert_eq!(server.diagnostics(&uri, 1), Vec::<Value>::new());
    // A new occurrence is reported.
    let more = POLICY.replace(
        "\"chime:CreateSipMediaApplicationCalls\"",
        "\"chime:CreateSipMediaApplicationCalls\", \"chime:GetSipRul\"",
    );
    server.change(&uri, 2, &more);
    assert_eq!(rules(&server.diagnostics(&uri, 2)), ["unknown-action"]);
    server.stop();
}

/// The README shows `policy-lint server --help` as the binary prints it.
/// `UPDATE_README=1` rewrites it.
#[test]
fn readme_server_help_is_the_binarys() {
    const START: &str = "<!-- server-help:start -->\n";
    const END: &str = "<!-- server-help:end -->";
    // At a width of its own: clap wraps help at `COLUMNS` when it is set.
    let out = Command::new(env!("CARGO_BIN_EXE_policy-lint"))
        .args(["server", "--help"])
        .env("COLUMNS", "100")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    let block = format!("```console\n$ policy-lint server --help\n{}```\n", help.trim_end().to_string() + "\n");
    let path = crate::common::root().join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let start = readme.find(START).expect("README.md has a server-help:start marker") + START.len();
    let end = start + readme[start..].find(END).expect("a server-help:end marker after the start");
    if readme[start..end] == block {
        return;
    }
    if std::env::var_os("UPDATE_README").is_some() {
        std::fs::write(&path, format!("{}{block}{}", &readme[..start], &readme[end..])).unwrap();
        return;
    }
    panic!("README.md's `policy-lint server --help` is stale: `UPDATE_README=1 cargo test --locked --test it readme` rewrites it");
}

/// A related location in a file not open is in UTF-16 units of its text on
/// disk, as the protocol counts, not in characters.
#[test]
fn related_information_in_a_file_not_open_counts_utf16_units() {
    let dir = tempfile::tempdir().unwrap();
    let require = "[[require]]\nprincipal = \"aws_iam_role.r\"\nactions = [\"s3:GetObject\"]\nresources = [\"arn:aws:s3:::b/k\"]\n";
    std::fs::write(dir.path().join(".policy-lint.toml"), require).unwrap();
    std::fs::create_dir(dir.path().join("mod")).unwrap();
    let role = "resource \"aws_iam_role\" \"r\" {\n  name = \"r\"\n  assume_role_policy = jsonencode({ Version = \"2012-10-17\", Statement = [{ Effect = \"Allow\", Principal = { Service = \"lambda.amazonaws.com\" }, Action = \"sts:AssumeRole\" }] })\n}\n";
    let policy = "resource \"aws_iam_role_policy\" \"p\" {\n  role   = aws_iam_role.r.id\n  policy = jsonencode({ Version = \"2012-10-17\", Statement = [\n    { Sid = \"A\", Effect = \"Allow\", Action = \"s3:GetObject\", Resource = \"*\" },\n    /* \u{1F600}\u{1F600}\u{1F600} */ { Sid = \"D\", Effect = \"Deny\", Action = \"s3:GetObject\", Resource = \"*\" }\n  ] })\n}\n";
    std::fs::write(dir.path().join("mod/a.tf"), role).unwrap();
    std::fs::write(dir.path().join("mod/b.tf"), policy).unwrap();
    let mut server = Server::start(dir.path());
    let uri = server.open(&dir.path().join("mod/a.tf"), "terraform", role);
    let diags = server.diagnostics(&uri, 1);
    assert_eq!(rules(&diags), ["required-access-denied"], "{diags:?}");
    let related = &diags[0]["relatedInformation"][0]["location"];
    assert_eq!(related["uri"], self::uri(&dir.path().join("mod/b.tf")));
    // Four spaces, `/* `, three emoji of two units each, ` */ `: the `{` is at 17.
    assert_eq!(related["range"]["start"], json!({"line": 4, "character": 17}), "{related}");
    server.stop();
}

/// A policy file that a Terraform module reads through `file()` is linted
/// as the module uses it, as `policy-lint .` reads it, even with the module
/// not open: the role's own policy grants what `[[forbid]]` allows the role.
#[test]
fn a_policy_file_read_by_a_module_is_linted_with_the_module() {
    let dir = tempfile::tempdir().unwrap();
    let forbid = "[[forbid]]\nprincipals = [\"aws_iam_role.deployer\"]\nactions = [\"iam:PassRole\"]\n";
    std::fs::write(dir.path().join(".policy-lint.toml"), forbid).unwrap();
    std::fs::create_dir_all(dir.path().join("infra/policies")).unwrap();
    let module = "resource \"aws_iam_role\" \"deployer\" {\n  name = \"deployer\"\n  assume_role_policy = jsonencode({ Version = \"2012-10-17\", Statement = [{ Effect = \"Allow\", Principal = { Service = \"codebuild.amazonaws.com\" }, Action = \"sts:AssumeRole\" }] })\n}\n\nresource \"aws_iam_role_policy\" \"deploy\" {\n  role   = aws_iam_role.deployer.id\n  policy = file(\"${path.module}/policies/deploy.json\")\n}\n";
    std::fs::write(dir.path().join("infra/main.tf"), module).unwrap();
    let policy = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    { \"Effect\": \"Allow\", \"Action\": [\"iam:PassRole\", \"s3:GetObjekt\"], \"Resource\": \"arn:aws:iam::111122223333:role/app\" }\n  ]\n}\n";
    std::fs::write(dir.path().join("infra/policies/deploy.json"), policy).unwrap();
    let cli = crate::common::run_in(dir.path(), &["--format", "json", "."]);
    let cli: Value = serde_json::from_slice(&cli.stdout).unwrap();
    let cli_rules: Vec<&str> =
        cli["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap()).collect();
    assert_eq!(cli_rules, ["unknown-action"], "{cli}");
    let mut server = Server::start(dir.path());
    let uri = server.open(&dir.path().join("infra/policies/deploy.json"), "json", policy);
    let diags = server.diagnostics(&uri, 1);
    assert_eq!(rules(&diags), cli_rules, "{diags:?}");
    assert_eq!(diags[0]["range"]["start"], position(policy, "\"s3:GetObjekt", 0));
    server.stop();
}
