//! `--fix`, `--unsafe-fixes`, `--diff` and the fixes in the JSON and SARIF
//! reports. Every fix has a before/after pair under `fixtures/fix/<rule-id>/`
//! (`NAME.before.EXT`, `NAME.after.EXT`), compared byte for byte.

use crate::common::{findings_in, root, run_in};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Each `(rule, before, after)` of `fixtures/fix`.
fn pairs() -> Vec<(String, PathBuf, PathBuf)> {
    let mut out = Vec::new();
    for rule in std::fs::read_dir(root().join("fixtures/fix")).unwrap().flatten() {
        let rule_id = rule.file_name().to_string_lossy().into_owned();
        assert!(policy_lint::rules::find(&rule_id).is_some(), "fixtures/fix/{rule_id} names no rule");
        for f in std::fs::read_dir(rule.path()).unwrap().flatten() {
            let name = f.file_name().to_string_lossy().into_owned();
            if name.contains(".before.") {
                let after = rule.path().join(name.replace(".before.", ".after."));
                assert!(after.is_file(), "{} has no after file", f.path().display());
                out.push((rule_id.clone(), f.path(), after));
            }
        }
    }
    out.sort();
    assert!(out.len() >= 10, "the fix fixtures are there");
    out
}

/// `before` copied into a new directory under its name without `.before`.
fn copy(before: &Path) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let name = before.file_name().unwrap().to_string_lossy().replace(".before.", ".");
    std::fs::copy(before, dir.path().join(&name)).unwrap();
    (dir, name)
}

/// Findings by rule, counted: a fix may change a message that names what it
/// replaced (`confused-deputy` on the service now trusted), not the count.
fn counted(dir: &Path, args: &[&str]) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for h in findings_in(dir, args).0 {
        *out.entry(h.rule).or_default() += 1;
    }
    out
}

/// How many findings of `rule` offer a fix, and how many do not.
fn with_and_without_fix(dir: &Path, name: &str, rule: &str) -> (usize, usize) {
    let out = run_in(dir, &["--format", "json", name]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let of_rule: Vec<&serde_json::Value> =
        doc["findings"].as_array().unwrap().iter().filter(|f| f["rule"] == rule).collect();
    let with = of_rule.iter().filter(|f| f.get("fix").is_some()).count();
    (with, of_rule.len() - with)
}

fn unsafe_rule(rule: &str) -> bool {
    policy_lint::rules::find(rule).unwrap().meta.fix == Some(policy_lint::finding::Applicability::Unsafe)
}

#[test]
fn every_fix_turns_before_into_after_byte_for_byte_and_the_finding_is_gone() {
    for (rule, before, after) in pairs() {
        let (dir, name) = copy(&before);
        let found = counted(dir.path(), &[&name]);
        let (fixable, unfixable) = with_and_without_fix(dir.path(), &name, &rule);
        assert!(fixable > 0, "{}: no {rule} finding with a fix", before.display());
        let mut args = vec!["--fix", "--select", rule.as_str(), name.as_str()];
        if unsafe_rule(&rule) {
            args.push("--unsafe-fixes");
        }
        let out = run_in(dir.path(), &args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("policy-lint: fixed "), "{}: {stderr}", before.display());
        let fixed = std::fs::read(dir.path().join(&name)).unwrap();
        assert!(fixed == std::fs::read(&after).unwrap(), "{} is not {}", before.display(), after.display());
        // Relinted whole: the fixed rule is silent and no other finding is new.
        let left = counted(dir.path(), &[&name]);
        let still = left.get(&rule).copied().unwrap_or(0);
        assert_eq!(still, unfixable, "{}: {rule} still fires: {left:?}", after.display());
        for (key, n) in &left {
            assert!(found.get(key).is_some_and(|m| m >= n), "{}: new finding {key:?}", after.display());
        }
        // A second run has nothing to do.
        let again = run_in(dir.path(), &args);
        assert!(!String::from_utf8_lossy(&again.stderr).contains("fixed"), "{}", before.display());
        assert!(std::fs::read(dir.path().join(&name)).unwrap() == fixed);
    }
}

/// Where a fix would have to guess, none is offered: `fixtures/fix/<rule>/never.*` and `never-*`
/// (two applications a role could mean, a JSON string where no reference
/// can go, a policy file that cannot name the account, a `Condition`
/// already written, code with a computed call, a KMS key policy).
#[test]
fn fixes_that_would_guess_are_not_offered() {
    let mut seen = 0;
    for rule in std::fs::read_dir(root().join("fixtures/fix")).unwrap().flatten() {
        let rule_id = rule.file_name().to_string_lossy().into_owned();
        for f in std::fs::read_dir(rule.path()).unwrap().flatten() {
            let name = f.file_name().to_string_lossy().into_owned();
            if !name.starts_with("never.") && !name.starts_with("never-") {
                continue;
            }
            let (with, without) = with_and_without_fix(&rule.path(), &name, &rule_id);
            assert_eq!(with, 0, "{}: a {rule_id} finding offers a fix", f.path().display());
            assert!(without > 0, "{}: no {rule_id} finding", f.path().display());
            seen += 1;
        }
    }
    assert!(seen >= 5, "the never-fix fixtures are there");
}

#[test]
fn diff_prints_what_fix_would_do_and_writes_nothing() {
    let before = root().join("fixtures/fix/unknown-action/flow-list.before.yaml");
    let (dir, name) = copy(&before);
    let out = run_in(dir.path(), &["--diff", &name]);
    assert_eq!(out.status.code(), Some(1), "a diff exits 1");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "--- a/flow-list.yaml\n+++ b/flow-list.yaml\n@@ -2,5 +2,5 @@\n Version: \"2012-10-17\"\n Statement:\n   - Effect: Allow\n-    Action: [chime:UpdateSipMediaApplicationCalls, 'chime:CreateSipMediaApplicationCalls', \"chime:GetSipMediaApplications\"]   # trailing comment\n+    Action: [chime:UpdateSipMediaApplicationCall, 'chime:CreateSipMediaApplicationCall', \"chime:GetSipMediaApplication\"]   # trailing comment\n     Resource: \"arn:aws:chime:us-east-1:111122223333:sma/*\"\n"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("would fix 3 findings in 1 file"));
    assert!(std::fs::read(dir.path().join(&name)).unwrap() == std::fs::read(&before).unwrap(), "--diff wrote");
    // Nothing to fix: no diff, exit 0.
    std::fs::copy(root().join("fixtures/fix/unknown-action/flow-list.after.yaml"), dir.path().join(&name)).unwrap();
    let out = run_in(dir.path(), &["--diff", &name]);
    assert_eq!((out.status.code(), out.stdout.is_empty()), (Some(0), true));
}

#[test]
fn fix_reports_only_what_is_left_and_keeps_the_file_mode() {
    let (dir, name) = copy(&root().join("fixtures/fix/unknown-action/json.before.json"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir.path().join(&name), std::fs::Permissions::from_mode(0o640)).unwrap();
    }
    let (hits, code) = findings_in(dir.path(), &["--fix", &name]);
    // `chime:FrobnicateTheWidgets` has no close action: it is left, and reported.
    let unknown: Vec<_> = hits.iter().filter(|h| h.rule == "unknown-action").map(|h| h.short()).collect();
    assert_eq!(unknown, ["json.json:12:43: error[unknown-action]"]);
    assert_eq!(code, 1);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join(&name)).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
    }
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(leftovers.len(), 1, "no temporary file left: {leftovers:?}");
}

#[test]
fn never_writes_a_file_with_a_parse_error_a_link_or_one_outside_the_paths() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A module with a broken heredoc policy beside a fixable one.
    let broken = "resource \"aws_iam_policy\" \"broken\" {\n  policy = <<-EOF\n    {\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"chime:GetSipRule\", \"Resource\": \"*\"},]}\n    EOF\n}\n\nresource \"aws_iam_policy\" \"fixable\" {\n  policy = jsonencode({\n    Version   = \"2012-10-17\"\n    Statement = [{ Effect = \"Allow\", Action = \"lambda:InvokeFuntion\", Resource = \"*\" }]\n  })\n}\n";
    std::fs::create_dir(d.join("broken")).unwrap();
    std::fs::write(d.join("broken/main.tf"), broken).unwrap();
    let (hits, _) = findings_in(d, &["broken/main.tf"]);
    let rules: Vec<&str> = hits.iter().map(|h| h.rule.as_str()).collect();
    assert_eq!(rules, ["parse-error", "unknown-action"]);
    let out = run_in(d, &["--fix", "broken/main.tf"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("broken/main.tf: not fixed: the file has a parse error"), "{stderr}");
    assert_eq!(std::fs::read_to_string(d.join("broken/main.tf")).unwrap(), broken);

    // A policy read through `file()` from outside the path given.
    std::fs::create_dir_all(d.join("tf/policies")).unwrap();
    let policy = std::fs::read_to_string(root().join("fixtures/fix/unknown-action/json.before.json")).unwrap();
    std::fs::write(d.join("tf/policies/p.json"), &policy).unwrap();
    std::fs::write(
        d.join("tf/main.tf"),
        "resource \"aws_iam_policy\" \"p\" {\n  policy = file(\"${path.module}/policies/p.json\")\n}\n",
    )
    .unwrap();
    let out = run_in(d, &["--fix", "tf/main.tf"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("p.json: not fixed: it is outside the paths given"), "{stderr}");
    assert_eq!(std::fs::read_to_string(d.join("tf/policies/p.json")).unwrap(), policy);

    #[cfg(unix)]
    {
        std::fs::create_dir(d.join("links")).unwrap();
        std::os::unix::fs::symlink(d.join("tf/policies/p.json"), d.join("links/p.json")).unwrap();
        let out = run_in(d, &["--fix", "links/p.json"]);
        assert!(String::from_utf8_lossy(&out.stderr).contains("not fixed: it is a symbolic link"));
        assert!(std::fs::symlink_metadata(d.join("links/p.json")).unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read_to_string(d.join("tf/policies/p.json")).unwrap(), policy);
    }
}

#[test]
fn json_and_sarif_carry_the_fix() {
    let dir = "fixtures/fix/unknown-action";
    let out = crate::common::run(&["--format", "json", &format!("{dir}/crlf.before.json")]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = &doc["findings"][0];
    assert_eq!(f["rule"], "unknown-action");
    assert_eq!(
        f["fix"],
        serde_json::json!({
            "applicability": "safe",
            "edits": [{ "path": format!("{dir}/crlf.before.json"), "start": 100, "end": 136,
                        "text": "chime:UpdateSipMediaApplicationCall" }],
        })
    );
    let text = std::fs::read_to_string(root().join(dir).join("crlf.before.json")).unwrap();
    assert_eq!(&text[100..136], "chime:UpdateSipMediaApplicationCalls");

    let out = crate::common::run(&["--format", "sarif", &format!("{dir}/crlf.before.json")]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let fix = &doc["runs"][0]["results"][0]["fixes"][0];
    assert_eq!(fix["properties"]["applicability"], "safe");
    let change = &fix["artifactChanges"][0];
    assert_eq!(change["artifactLocation"]["uri"], format!("{dir}/crlf.before.json"));
    assert_eq!(
        change["replacements"][0],
        serde_json::json!({
            "deletedRegion": { "startLine": 6, "startColumn": 19, "endLine": 6, "endColumn": 55 },
            "insertedContent": { "text": "chime:UpdateSipMediaApplicationCall" },
        })
    );
    // A finding without a fix has no `fix` field.
    let out = crate::common::run(&["--format", "json", "fixtures/fix/unknown-action/json.after.json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(doc["findings"].as_array().unwrap().iter().all(|f| f.get("fix").is_none()));
}

#[test]
fn rules_and_explain_say_which_rules_fix() {
    let out = crate::common::run(&["rules", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let fix_of = |id: &str| doc["rules"].as_array().unwrap().iter().find(|r| r["id"] == id).unwrap()["fix"].clone();
    assert_eq!(fix_of("unknown-action"), "safe");
    assert_eq!(fix_of("invalid-version"), "safe");
    assert_eq!(fix_of("resource-star"), "unsafe");
    assert_eq!(fix_of("deprecated-action"), serde_json::Value::Null);
    let text = String::from_utf8(crate::common::run(&["rules"]).stdout).unwrap();
    assert!(text.lines().any(|l| l.starts_with("unknown-action ") && l.ends_with(" (fix: safe)")));
    let explain = String::from_utf8(crate::common::run(&["explain", "unknown-service"]).stdout).unwrap();
    assert!(explain.contains("Fix: safe (`--fix` applies it)."), "{explain}");
    // A rule without a fix says why.
    let explain = String::from_utf8(crate::common::run(&["explain", "deprecated-action"]).stdout).unwrap();
    assert!(!explain.contains("Fix: "), "{explain}");
    assert!(explain.contains("No fix is offered, on purpose."), "{explain}");
}

#[test]
fn unsafe_fixes_wait_for_unsafe_fixes() {
    let before = root().join("fixtures/fix/trust-principal-mismatch/lambda-role.before.tf");
    let (dir, name) = copy(&before);
    let out = run_in(dir.path(), &["--fix", &name]);
    assert_eq!(out.status.code(), Some(1), "the mismatch is left and reported");
    assert!(
        std::fs::read(dir.path().join(&name)).unwrap() == std::fs::read(&before).unwrap(),
        "--fix applied an unsafe fix"
    );
    let out = run_in(dir.path(), &["--fix", "--unsafe-fixes", "--select", "trust-principal-mismatch", &name]);
    assert_eq!(out.status.code(), Some(0));
    let after = root().join("fixtures/fix/trust-principal-mismatch/lambda-role.after.tf");
    assert!(std::fs::read(dir.path().join(&name)).unwrap() == std::fs::read(after).unwrap());
    let explain = String::from_utf8(crate::common::run(&["explain", "trust-principal-mismatch"]).stdout).unwrap();
    assert!(
        explain.contains("Fix: unsafe (it changes what is granted: `--fix --unsafe-fixes` applies it)."),
        "{explain}"
    );
}

#[test]
fn unsafe_fixes_and_standard_input_are_refused_alone() {
    let out = crate::common::run(&["--unsafe-fixes", "fixtures/fix"]);
    assert_eq!(out.status.code(), Some(2));
    let out = crate::common::run(&["--fix", "-"]);
    assert_eq!(out.status.code(), Some(2));
}

/// Every file of a tree, by path relative to it.
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if e.file_type().unwrap().is_dir() {
                stack.push(p);
            } else if e.file_type().unwrap().is_file() {
                out.insert(p.strip_prefix(dir).unwrap().to_path_buf(), std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

fn copy_tree(from: &Path, to: &Path) {
    for (rel, bytes) in files(from) {
        let p = to.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
}

/// Findings by path, and the paths with a parse error.
fn by_path(dir: &Path) -> (BTreeMap<String, usize>, Vec<String>) {
    let (hits, _) = findings_in(dir, &["--isolated", "."]);
    let mut count = BTreeMap::new();
    let mut broken = Vec::new();
    for h in hits {
        if h.rule == "parse-error" {
            broken.push(h.path.clone());
        }
        *count.entry(h.path).or_default() += 1;
    }
    broken.sort();
    broken.dedup();
    (count, broken)
}

/// `--fix --unsafe-fixes` over a copy of a tree: files still parse and no
/// file has more findings than before.
fn fixes_keep_files_whole(tree: &Path) -> usize {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(tree, dir.path());
    let (before, broken_before) = by_path(dir.path());
    let out = run_in(dir.path(), &["--isolated", "--fix", "--unsafe-fixes", "--format", "json", "."]);
    assert_ne!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let (after, broken_after) = by_path(dir.path());
    assert_eq!(broken_after, broken_before, "a fix broke a file");
    for (path, n) in &after {
        assert!(before.get(path).is_some_and(|m| m >= n), "{path}: {n} findings after, {:?} before", before.get(path));
    }
    let changed = files(tree).into_iter().zip(files(dir.path())).filter(|((_, a), (_, b))| a != b).count();
    changed
}

#[test]
fn property_fixes_never_break_a_fixture_nor_add_findings() {
    let changed = fixes_keep_files_whole(&root().join("fixtures"));
    assert!(changed >= 20, "the fixtures have fixes to apply ({changed} files changed)");
}

#[test]
fn property_fixes_never_break_a_corpus_file_nor_add_findings() {
    let Some(shared) = crate::common::shared() else { return };
    let corpus = shared.join("corpus");
    if !corpus.is_dir() {
        eprintln!("skipped: {} is absent", corpus.display());
        return;
    }
    fixes_keep_files_whole(&corpus);
}

/// `--fix main.tf` alone reads the rest of its module: what another file
/// declares (the account's `aws_caller_identity`, the permission) is not
/// declared again.
#[test]
fn a_terraform_file_is_fixed_with_its_whole_module() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("mod")).unwrap();
    let main = "resource \"aws_lambda_function\" \"handler\" {\n  function_name = \"sma-handler\"\n  role          = \"arn:aws:iam::111122223333:role/sma-handler\"\n  handler       = \"index.handler\"\n  runtime       = \"nodejs20.x\"\n  filename      = \"handler.zip\"\n}\n\nresource \"aws_chimesdkvoice_sip_media_application\" \"ivr\" {\n  aws_region = \"us-east-1\"\n  name       = \"ivr\"\n  endpoints {\n    lambda_arn = aws_lambda_function.handler.arn\n  }\n}\n";
    std::fs::write(d.join("mod/main.tf"), main).unwrap();
    std::fs::write(d.join("mod/identity.tf"), "data \"aws_caller_identity\" \"current\" {}\n").unwrap();
    let args = ["--fix", "--unsafe-fixes", "--select", "sma-lambda-permission-missing", "mod/main.tf"];
    let out = run_in(d, &args);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let fixed = std::fs::read_to_string(d.join("mod/main.tf")).unwrap();
    assert_eq!(
        &fixed[main.len()..],
        "\nresource \"aws_lambda_permission\" \"handler_voice_connector\" {\n  statement_id   = \"AllowChimeVoiceConnectorInvoke\"\n  action         = \"lambda:InvokeFunction\"\n  function_name  = aws_lambda_function.handler.function_name\n  principal      = \"voiceconnector.chime.amazonaws.com\"\n  source_account = data.aws_caller_identity.current.account_id\n}\n"
    );
    // The permission in another file of the module: nothing to add.
    std::fs::write(d.join("mod/permission.tf"), &fixed[main.len()..]).unwrap();
    std::fs::write(d.join("mod/main.tf"), main).unwrap();
    let out = run_in(d, &args);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::read_to_string(d.join("mod/main.tf")).unwrap(), main);
}

/// A file fixed keeps its owner (`--fix` run as root on a user's file); one
/// with other hard links is not written (the rename would part them).
#[cfg(unix)]
#[test]
fn fix_keeps_the_owner_and_never_parts_hard_links() {
    use std::os::unix::fs::MetadataExt;
    let (dir, name) = copy(&root().join("fixtures/fix/unknown-action/json.before.json"));
    let file = dir.path().join(&name);
    let ours = std::fs::metadata(&file).unwrap();
    let other = (ours.uid() + 4242, ours.gid() + 4242);
    // Only root can give a file away: elsewhere the owner cannot differ from ours.
    if std::os::unix::fs::chown(&file, Some(other.0), Some(other.1)).is_ok() {
        let out = run_in(dir.path(), &["--fix", &name]);
        assert!(String::from_utf8_lossy(&out.stderr).contains("policy-lint: fixed "));
        let after = std::fs::metadata(&file).unwrap();
        assert_eq!((after.uid(), after.gid()), other, "the owner was not kept");
    }
    let (dir, name) = copy(&root().join("fixtures/fix/unknown-action/json.before.json"));
    let before = std::fs::read(dir.path().join(&name)).unwrap();
    std::fs::hard_link(dir.path().join(&name), dir.path().join("other-name.json")).unwrap();
    let out = run_in(dir.path(), &["--fix", &name]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("{name}: not fixed: it has 2 hard links")), "{stderr}");
    assert!(std::fs::read(dir.path().join(&name)).unwrap() == before);
    assert_eq!(std::fs::metadata(dir.path().join(&name)).unwrap().nlink(), 2);
}

#[test]
fn diff_headers_of_an_absolute_path_are_as_git_writes_them() {
    let (dir, name) = copy(&root().join("fixtures/fix/invalid-version/old.before.json"));
    let path = dir.path().join(&name).to_string_lossy().into_owned();
    let out = run_in(dir.path(), &["--diff", &path]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let relative = path.trim_start_matches('/');
    assert!(stdout.starts_with(&format!("--- a/{relative}\n+++ b/{relative}\n@@ ")), "{stdout}");
}
