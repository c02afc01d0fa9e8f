//! Extractors: find where policies (and infrastructure facts) live in a parsed
//! file. Each input format has one; all of them hand the same
//! [`PolicyDoc`]s to the policy grammar.

pub mod cloudformation;
pub mod policy_file;
pub mod terraform;

use crate::finding::Finding;
use crate::index::Fact;
use crate::policy::{PolicyDoc, PolicyKind};
use crate::source::{Language, Source};
use crate::syntax::Node;

/// What an extractor found in one file.
#[derive(Debug, Default)]
pub struct Extracted {
    pub policies: Vec<PolicyDoc>,
    pub facts: Vec<Fact>,
    pub findings: Vec<Finding>,
    /// Other files this one points at (`file("policy.json")`), to lint as policy files.
    pub referenced_files: Vec<ReferencedFile>,
}

impl Extracted {
    /// Keeps a policy document that the resource or logical id `origin` holds.
    pub fn add_policy(&mut self, source: &Source, node: Node, kind: PolicyKind, origin: &str, version_implied: bool) {
        let origin = Some(origin.to_string());
        self.policies.push(PolicyDoc { source: source.clone(), node, kind, origin, version_implied });
    }
}

/// A policy file that a configuration reads (`policy = file("policy.json")`,
/// `templatefile("trust.json.tpl", {...})`), linted as the policy it is used as.
#[derive(Debug, Clone)]
pub struct ReferencedFile {
    /// The file: the referring file's directory joined with the path written there.
    pub path: std::path::PathBuf,
    /// The path as written in the call.
    pub written: String,
    /// The path to read, links resolved, once the project's boundary admitted
    /// it ([`crate::boundary`]); empty until then.
    pub resolved: std::path::PathBuf,
    /// The call (`file("policy.json")`), where a refusal to read it is reported.
    pub site: crate::index::Site,
    pub kind: crate::policy::PolicyKind,
    /// The resource that uses it (`aws_iam_role_policy.x`).
    pub origin: String,
    /// Read through `templatefile()`: `${...}` are unknown values, and a
    /// template that does not render to JSON statically is skipped.
    pub template: bool,
}

/// What kind of document a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    /// A standalone IAM policy document.
    PolicyFile,
    /// A CloudFormation or SAM template (JSON or YAML).
    CloudFormation,
    /// Terraform configuration: `.tf` or `.tf.json`.
    Terraform,
    /// `terraform show -json` output.
    TerraformPlan,
    /// Anything else: skipped.
    NotPolicy,
}

/// Decides what a parsed file is. `explicit` files (named on the command line)
/// are read as policy files when nothing else fits, so their problems are reported.
pub fn classify(source: &Source, language: Language, root: &Node, explicit: bool) -> DocKind {
    if language == Language::Hcl || crate::source::is_terraform(&source.path) {
        return DocKind::Terraform;
    }
    if cloudformation::is_template(root) {
        return DocKind::CloudFormation;
    }
    if terraform::is_plan(root) {
        return DocKind::TerraformPlan;
    }
    let has_statement = root.get("Statement").is_some();
    if (language == Language::Json && (has_statement || explicit)) || (language == Language::Yaml && has_statement) {
        return DocKind::PolicyFile;
    }
    DocKind::NotPolicy
}

/// Runs the extractor for the file's kind.
pub fn extract(source: &Source, kind: DocKind, root: Node) -> Extracted {
    match kind {
        DocKind::PolicyFile => policy_file::extract(source, root),
        DocKind::CloudFormation => cloudformation::extract(source, root),
        DocKind::Terraform => terraform::extract(source, root),
        DocKind::TerraformPlan => terraform::extract_plan(source, root),
        DocKind::NotPolicy => Extracted::default(),
    }
}
