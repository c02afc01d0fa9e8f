//! Linting unit by unit (each template or module with its own project-wide
//! rules, the model dropped as soon as it is read) must report exactly what
//! linting the whole project at once reports: same findings, same workload view.

use policy_lint::config::{Config, KeepText};
use policy_lint::lint::{lint, lint_with_model, Report};
use std::path::Path;

/// Everything a user sees of a finding, and the workload view.
fn seen(report: &Report) -> (Vec<String>, Vec<String>) {
    let findings = report
        .findings
        .iter()
        .map(|f| {
            let labels: Vec<String> = f.labels.iter().map(|l| format!("{}@{:?}", l.message, l.span)).collect();
            format!(
                "{}:{:?}: {}[{}] {} | {:?} | {}",
                f.source.path,
                f.span,
                f.severity,
                f.rule,
                f.message,
                f.help,
                labels.join(";")
            )
        })
        .collect();
    let workload =
        report.workload.iter().map(|a| format!("{} {:?} gaps={}", a.principal, a.families, a.gaps)).collect();
    (findings, workload)
}

/// Every directory under `fixtures/` that holds files, and the tree itself.
fn fixture_dirs() -> Vec<String> {
    let mut dirs = vec!["fixtures".to_string()];
    let mut stack = vec![Path::new("fixtures").to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            if entry.file_type().unwrap().is_dir() {
                dirs.push(entry.path().to_string_lossy().into_owned());
                stack.push(entry.path());
            }
        }
    }
    dirs.sort();
    dirs
}

#[test]
fn each_fixture_directory_reads_the_same_unit_by_unit_as_whole() {
    let config = Config { workload: true, ..Config::default() };
    let mut compared = 0;
    for dir in fixture_dirs() {
        let paths = [dir.clone()];
        let by_units = lint(&paths, &config);
        let whole = lint_with_model(&paths, &config);
        assert_eq!(seen(&by_units), seen(&whole), "{dir}");
        assert_eq!((by_units.files, by_units.policy_count), (whole.files, whole.policy_count), "{dir}");
        compared += usize::from(!whole.findings.is_empty());
    }
    assert!(compared > 50, "only {compared} directories with findings were compared");
}

#[test]
fn units_drop_the_model_and_a_whole_project_keeps_it() {
    let paths = ["fixtures/terraform/cross-file".to_string()];
    let by_units = lint(&paths, &Config::default());
    assert!(by_units.policies.is_empty() && by_units.index.facts.is_empty());
    assert!(by_units.policy_count > 0);
    let whole = lint_with_model(&paths, &Config::default());
    assert_eq!(whole.policies.len(), by_units.policy_count);
    assert!(!whole.index.facts.is_empty());
}

#[test]
fn a_service_control_policy_makes_the_project_one_unit() {
    // An SCP in one Terraform module denies what a policy file elsewhere
    // allows: only a whole-project reading connects the two.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("org")).unwrap();
    std::fs::write(
        dir.path().join("org/scp.tf"),
        r#"resource "aws_organizations_policy" "guard" {
  name    = "guard"
  type    = "SERVICE_CONTROL_POLICY"
  content = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Deny", Action = "chime:CreateSipMediaApplicationCall", Resource = "*" }]
  })
}
"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("handler.json"),
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "chime:CreateSipMediaApplicationCall", "Resource": "arn:aws:chime:us-east-1:111122223333:sma/*"}]}"#,
    )
    .unwrap();
    let paths = [dir.path().to_string_lossy().into_owned()];
    let by_units = lint(&paths, &Config::default());
    let whole = lint_with_model(&paths, &Config::default());
    assert_eq!(seen(&by_units), seen(&whole));
    assert!(
        by_units.findings.iter().any(|f| f.rule == "deny-overrides-allow" && f.source.path.ends_with("handler.json")),
        "{:?}",
        seen(&by_units).0
    );
}

#[test]
fn findings_that_let_their_text_go_keep_their_positions() {
    // Every fixture directory but the two with a service control policy
    // (which would make the project one unit that keeps everything).
    let paths: Vec<String> = std::fs::read_dir("fixtures")
        .unwrap()
        .flatten()
        .map(|e| e.path().to_string_lossy().into_owned())
        .filter(|p| !p.ends_with("full-admin") && !p.ends_with("terraform"))
        .collect();
    let render = |config: &Config| {
        let report = lint(&paths, config);
        assert!(report.policies.is_empty(), "read unit by unit");
        assert_eq!(report.findings.iter().all(|f| f.source.text.is_empty()), config.keep_text != KeepText::Whole);
        let (mut json, mut sarif, mut human) = (Vec::new(), Vec::new(), Vec::new());
        policy_lint::report::json::write(&report, &mut json).unwrap();
        policy_lint::report::sarif::write(&report, &mut sarif).unwrap();
        policy_lint::report::human::write_findings(&report, false, &mut human).unwrap();
        [json, sarif, human].map(|out| String::from_utf8(out).unwrap())
    };
    let [json, sarif, human] = render(&Config::default());
    assert!(json.matches("\"rule\"").count() > 100);
    // Positions are enough for JSON; SARIF fingerprints need the element texts;
    // the human report's snippets the lines around each finding.
    let elements = render(&Config { keep_text: KeepText::Positions, element_text: true, ..Config::default() });
    assert_eq!((&json, &sarif), (&elements[0], &elements[1]));
    let positions = render(&Config { keep_text: KeepText::Positions, ..Config::default() });
    assert_eq!(json, positions[0]);
    let snippets = render(&Config { keep_text: KeepText::Snippets, ..Config::default() });
    assert_eq!(human, snippets[2]);
}
