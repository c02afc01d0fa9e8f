//! The library's layers, and a check that every import points down them.
//!
//! Each top-level module of `src/` sits in one layer; a module may name
//! (`crate::x`) only modules of lower layers. The check reads the sources
//! themselves: comments and each file's tests (from its first top-level
//! `#[cfg(test)]` on) are left out, since a doc link or a test fixture is no
//! dependency. A new module must be given a layer here, which is the point:
//! where it sits is decided, not grown into.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Bottom to top, as `src/lib.rs` tells it.
const LAYERS: &[&[&str]] = &[
    // Text and paths.
    &["source", "paths", "escape"],
    // Plain data every layer makes or reads; the file system; the AWS data.
    &["finding", "discover", "catalog"],
    &["load", "boundary", "syntax", "git"],
    // The IAM model, where policies and infrastructure facts live, the engine.
    &["policy"],
    &["index"],
    &["extract"],
    &["code"],
    &["analysis"],
    &["rules"],
    // What the run keeps, is told and remembers.
    &["workload", "baseline"],
    &["config"],
    &["suppress"],
    &["outcome"],
    // The pipeline, then what shows its outcome.
    &["lint"],
    &["report"],
    &["server"],
    &["cli"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

/// Each top-level module's imports of other top-level modules, with a file
/// that makes each one.
fn imports() -> BTreeMap<String, BTreeMap<String, String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let modules: BTreeSet<String> = std::fs::read_dir(&src)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().trim_end_matches(".rs").to_string())
        .filter(|m| m != "lib" && m != "main")
        .collect();
    let mut graph: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let rel = path.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
            let module = rel.split('/').next().unwrap().trim_end_matches(".rs").to_string();
            if !rel.ends_with(".rs") || module == "lib" || module == "main" {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let code = text.split("\n#[cfg(test)]").next().unwrap_or("");
            let code: String = code.lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n");
            let entry = graph.entry(module.clone()).or_default();
            for named in crate_paths(&code) {
                if named != module && modules.contains(&named) {
                    entry.entry(named).or_insert_with(|| rel.clone());
                }
            }
        }
    }
    graph
}

/// The first segment of every `crate::` path in `code`, including each
/// member of a `use crate::{a::x, b}` group.
fn crate_paths(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let inner = &group[..group.find("};").or_else(|| group.find('}')).unwrap_or(group.len())];
            for part in inner.split(',') {
                let part = part.trim().trim_start_matches('{');
                out.push(part.split("::").next().unwrap_or("").trim().to_string());
            }
        } else {
            out.push(rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect());
        }
    }
    out
}

#[test]
fn every_module_has_a_layer() {
    let missing: Vec<String> = imports().into_keys().filter(|m| layer_of(m).is_none()).collect();
    assert!(missing.is_empty(), "modules without a layer in tests/it/architecture.rs: {missing:?}");
}

#[test]
fn imports_point_down_the_layers() {
    let mut upward = Vec::new();
    for (module, named) in imports() {
        let Some(own) = layer_of(&module) else { continue };
        for (other, file) in named {
            if layer_of(&other).is_some_and(|l| l >= own) {
                upward.push(format!("{module} imports {other} (src/{file})"));
            }
        }
    }
    assert!(upward.is_empty(), "imports that do not point down:\n  {}", upward.join("\n  "));
}

/// The check itself finds what it is meant to find.
#[test]
fn crate_paths_are_read_from_uses_and_paths() {
    let code = "use crate::finding::{Finding, Severity};\nuse crate::{lint, rules::RULES};\nlet x = crate::catalog::closest(a);";
    assert_eq!(crate_paths(code), ["finding", "lint", "rules", "catalog"]);
}
