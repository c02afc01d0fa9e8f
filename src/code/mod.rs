//! The code the infrastructure deploys, and the AWS SDK calls it makes: for
//! each Lambda function of the project index with a known code location
//! (SAM `CodeUri`, CloudFormation `Code.ZipFile`, Terraform `archive_file`),
//! the Python, JavaScript, TypeScript, Java and Go files there, each call on an SDK
//! client, and the IAM actions it needs ([`mod@sdk`]).
//!
//! The parser is tree-sitter (`tree-sitter` 0.25 with the `tree-sitter-python`,
//! `-javascript`, `-typescript`, `-java` and `-go` grammar crates, the releases that
//! build with the crate's rust-version): one incremental, error-
//! tolerant parser for every language, with byte spans on every node, so a
//! call is reported at its line and column and a file with a syntax error
//! still yields the calls in the rest of it. The grammars are C compiled by
//! `cc`; no runtime, no network, nothing loaded at run time.
//!
//! What is not known is said, never guessed: a call on a name that holds no
//! known client is taken for the one client of the function's code with an
//! operation of that name (a guess, never reported denied), listed as an
//! unknown call when it is named like an operation of some other service, and
//! dropped otherwise; a computed call (`getattr`, `send(command)`) is a
//! dynamic call; a function whose code was not all read, or whose calls did
//! not all resolve, is not [`complete`](FunctionCode::complete), and
//! `unused-grant` stays silent on its role. Files are read through the
//! project's [`Boundary`] and the size limit: code outside the project, too
//! large, minified or not text is skipped with a note.

pub mod go;
pub mod java;
pub mod javascript;
pub mod python;
pub mod sdk;
pub mod tree;

use crate::boundary::{Admission, Boundary};
use crate::index::{CodeLocation, FactKind, ProjectIndex, Ref, Site};
use crate::source::{Source, SourceFile, Span};
use rayon::prelude::*;
use sdk::{sdk, Needs};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use tree::{FileCalls, ResourceHint};

/// The largest code file read (bytes): a handler is small; a bundle is not read.
pub const MAX_CODE_FILE: u64 = 2 * 1024 * 1024;
/// A line longer than this is minified or generated code, not a handler.
const MAX_LINE: usize = 5000;
/// At most this many files are read for one function.
const MAX_FILES: usize = 2000;

/// A function's code and the calls it makes.
#[derive(Debug, Clone)]
pub struct FunctionCode {
    /// The function's address (`SmaHandler`, `aws_lambda_function.sma`).
    pub function: String,
    pub site: Site,
    pub role: Ref,
    /// Where the code is, as shown to the user.
    pub location: String,
    pub files: Vec<Source>,
    pub calls: Vec<Call>,
    /// What was not read or not resolved, and where.
    pub notes: Vec<Note>,
    /// Every file of the code was read and every call resolved to actions.
    pub complete: bool,
    /// The files read are the handler's and those it imports (not every file
    /// of a directory whose handler file was not found): its calls are the
    /// function's, and `sdk-call-denied` reports them.
    pub from_handler: bool,
}

#[derive(Debug, Clone)]
pub struct Note {
    pub at: Option<(Source, Span)>,
    pub message: String,
    /// About a code file that is there but could not be read or parsed
    /// (`code-not-read`), not about code that is elsewhere.
    pub bad_code: bool,
}

/// One SDK call.
#[derive(Debug, Clone)]
pub struct Call {
    /// The code file, or for inline code the template, and where the call is.
    pub source: Source,
    pub span: Span,
    /// The boto3 name of the client's service (`chime-sdk-voice`), when known.
    pub service: Option<String>,
    /// As written.
    pub method: String,
    pub needs: Needs,
    /// The operation is computed at run time.
    pub dynamic: bool,
    /// The resource's ARN when the code or the infrastructure gives it.
    pub resource: Option<String>,
    /// What is known of the resource when its ARN is not (`SMA_ID` is `SipMediaApp`).
    pub resource_note: Option<String>,
    /// The project's resource the call acts on, when an environment variable
    /// the infrastructure sets names it (`SMA_ID: !Ref SipMediaApp`).
    pub resource_address: Option<String>,
    /// The receiver was not a known client: the service was taken from the
    /// one client of the function's code that has this operation. A guess:
    /// `sdk-call-denied` does not report it, `unused-grant` counts it as a use.
    pub inferred: bool,
}

impl Call {
    /// The actions the call needs, when resolved.
    pub fn actions(&self) -> &[String] {
        match &self.needs {
            Needs::Actions(a) if !self.dynamic => a,
            _ => &[],
        }
    }

    pub fn resolved(&self) -> bool {
        !self.dynamic && matches!(self.needs, Needs::Actions(_) | Needs::NotAnOperation)
    }
}

/// Reads the code of every function of the index that says where its code is.
pub fn read(index: &ProjectIndex, boundary: &Boundary, max: u64) -> Vec<FunctionCode> {
    let functions: Vec<_> = index
        .facts
        .iter()
        .filter_map(|f| match &f.kind {
            FactKind::LambdaFunction { role, code: Some(code), .. } => Some((f, role, code)),
            _ => None,
        })
        .collect();
    functions
        .par_iter()
        .map(|(fact, role, code)| {
            read_function(&fact.address, &fact.site, role, code, boundary, max.min(MAX_CODE_FILE))
        })
        .collect()
}

/// The language a file is read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lang {
    Go,
    Java,
    Python,
    Js(javascript::Dialect),
}

fn lang_of(path: &str) -> Option<Lang> {
    use javascript::Dialect::*;
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    if name.ends_with(".min.js") || name.ends_with(".d.ts") || is_test(name) {
        return None;
    }
    let ext = name.rsplit_once('.')?.1;
    Some(match ext {
        "py" => Lang::Python,
        "java" => Lang::Java,
        "go" => Lang::Go,
        "js" | "mjs" | "cjs" | "jsx" => Lang::Js(JavaScript),
        "ts" | "mts" | "cts" => Lang::Js(TypeScript),
        "tsx" => Lang::Js(Tsx),
        _ => return None,
    })
}

/// Tests ship in a code directory but do not run in the function.
fn is_test(name: &str) -> bool {
    name.starts_with("test_")
        || name.ends_with("_test.py")
        || name.ends_with("_test.go")
        || name.contains(".test.")
        || name.contains(".spec.")
        || name == "conftest.py"
}

/// The languages a runtime reads; every language for an unknown runtime.
fn runtime_reads(runtime: Option<&str>, lang: Lang) -> bool {
    match runtime {
        Some(r) if r.starts_with("python") => lang == Lang::Python,
        Some(r) if r.starts_with("nodejs") => matches!(lang, Lang::Js(_)),
        Some(r) if r.starts_with("java") => lang == Lang::Java,
        // Go runs on an OS-only runtime (`provided.al2023`), or the retired `go1.x`.
        Some(r) if r.starts_with("go1") || r.starts_with("provided") => lang == Lang::Go,
        _ => true,
    }
}

fn calls_of(lang: Lang, text: &str) -> Option<FileCalls> {
    match lang {
        Lang::Python => python::calls(text),
        Lang::Java => java::calls(text),
        Lang::Go => go::calls(text),
        Lang::Js(d) => javascript::calls(text, d),
    }
}

fn read_function(
    address: &str,
    site: &Site,
    role: &Ref,
    code: &crate::index::FunctionCode,
    boundary: &Boundary,
    max: u64,
) -> FunctionCode {
    let mut out = FunctionCode {
        function: address.to_string(),
        site: site.clone(),
        role: role.clone(),
        location: String::new(),
        files: Vec::new(),
        calls: Vec::new(),
        notes: Vec::new(),
        complete: true,
        from_handler: true,
    };
    let runtime = code.runtime.as_deref();
    if runtime.is_some_and(|r| !["python", "nodejs", "java", "go1", "provided"].iter().any(|p| r.starts_with(p))) {
        let runtime = runtime.unwrap_or("");
        out.note(
            None,
            format!("the runtime `{runtime}` is not read (Python, JavaScript, TypeScript, Java and Go are)"),
        );
    }
    // Each file read: where a call is reported, the offset map for inline code, and its calls.
    let mut read: Vec<(Source, Option<LineMap>, FileCalls)> = Vec::new();
    match &code.location {
        CodeLocation::None => {
            out.location = "(no code location)".into();
            out.note(None, "the infrastructure names no code for this function".into());
        }
        CodeLocation::Unknown(what) => {
            out.location = format!("({what})");
            out.note(None, format!("the code is {what}: not read"));
        }
        CodeLocation::Inline { text, span } => {
            out.location = format!("{} (inline)", site.source.path);
            let lang = match runtime {
                Some(r) if r.starts_with("nodejs") => Some(Lang::Js(javascript::Dialect::JavaScript)),
                Some(r) if r.starts_with("python") => Some(Lang::Python),
                _ => None,
            };
            match lang.and_then(|l| calls_of(l, text)) {
                Some(calls) => {
                    let map = inline_map(&site.source.text, *span, text);
                    read.push((site.source.clone(), Some(map), calls));
                }
                None => out.note(Some((site.source.clone(), *span)), "inline code in a runtime not read".into()),
            }
        }
        CodeLocation::Path(path) => {
            out.location = path.clone();
            let path = Path::new(path);
            if path.is_dir() && !boundary.contains_dir(path) {
                out.note(None, format!("`{}` is outside the project: not read", path.display()));
                return out;
            }
            let all: Vec<PathBuf> = files_under(path, &mut out)
                .into_iter()
                .filter(|f| lang_of(&crate::paths::slashes(f)).is_some_and(|l| runtime_reads(runtime, l)))
                .map(|f| crate::paths::normalize(&f))
                .collect();
            let root =
                if path.is_dir() { path.to_path_buf() } else { path.parent().unwrap_or(Path::new("")).to_path_buf() };
            let start: Vec<PathBuf> = if path.is_dir() {
                match handler_file(&root, code.handler.as_deref(), &all) {
                    Some(f) => vec![f],
                    None => go_main_package(&root, &all),
                }
            } else {
                all.first().cloned().into_iter().collect()
            };
            // From the handler, the files it imports: another function's handler in the same
            // directory is not this function's code.
            let mut queue: Vec<PathBuf> = match start.is_empty() {
                false => start,
                true => {
                    if !all.is_empty() {
                        out.from_handler = false;
                        let handler = code.handler.as_deref().unwrap_or("(none)");
                        out.note(None, format!("the handler `{handler}` names no file under `{}`: every file is read, and its calls are listed, not reported", root.display()));
                    }
                    all.clone()
                }
            };
            let follow = out.from_handler;
            let known: HashSet<&PathBuf> = all.iter().collect();
            let mut seen: HashSet<PathBuf> = queue.iter().cloned().collect();
            while let Some(file) = queue.pop() {
                let Some((source, calls)) = read_file(&file, boundary, max, &mut out) else { continue };
                if follow {
                    let mut candidates: Vec<PathBuf> = Vec::new();
                    if lang_of(&crate::paths::slashes(&file)) == Some(Lang::Go) {
                        // A Go package is a directory: an import names every file of one.
                        for import in &calls.imports {
                            candidates.extend(go_package_files(import, &root, &all));
                        }
                    }
                    if lang_of(&crate::paths::slashes(&file)) == Some(Lang::Java) {
                        // A class uses the classes of its package without importing them.
                        let dir = file.parent().map(Path::to_path_buf);
                        candidates.extend(all.iter().filter(|f| f.parent().map(Path::to_path_buf) == dir).cloned());
                        for import in &calls.imports {
                            let suffix = format!("/{}.java", import.replace('.', "/"));
                            candidates
                                .extend(all.iter().filter(|f| crate::paths::slashes(f).ends_with(&suffix)).cloned());
                        }
                    }
                    for candidate in candidates {
                        if seen.insert(candidate.clone()) {
                            queue.push(candidate);
                        }
                    }
                    for import in &calls.imports {
                        for candidate in resolve_import(import, &file, &root) {
                            if known.contains(&candidate) && seen.insert(candidate.clone()) {
                                queue.push(candidate);
                            }
                        }
                    }
                }
                read.push((source, None, calls));
            }
            read.sort_by(|a, b| a.0.path.cmp(&b.0.path));
            if read.is_empty() && out.notes.is_empty() {
                out.note(
                    None,
                    format!("no Python, JavaScript, TypeScript, Java or Go file under `{}`", path.display()),
                );
            }
        }
    }
    let created: Vec<usize> = read.iter().flat_map(|(_, _, c)| c.created.iter().copied()).collect();
    for (source, map, file) in read {
        let at = |span: Span| match &map {
            Some(map) => map_span(map, span),
            None => span,
        };
        if let Some(why) = file.opaque {
            out.note(Some((source.clone(), at(Span::default()))), why.into());
        }
        if let Some(e) = file.syntax_error {
            out.notes.push(Note {
                at: Some((source.clone(), at(e))),
                message: "a syntax error: the SDK calls after it may be missed".into(),
                bad_code: true,
            });
            out.complete = false;
        }
        for c in file.calls {
            let mut inferred = false;
            let service = match c.service {
                Some(s) => Some(s),
                None => {
                    // A client passed in: the one client of this code with such an operation.
                    let mut fits =
                        created.iter().copied().filter(|&s| matches!(sdk().needs(s, &c.method), Needs::Actions(_)));
                    match (fits.next(), fits.next()) {
                        (Some(s), None) => {
                            inferred = true;
                            Some(s)
                        }
                        // Named like an operation: maybe a client made elsewhere, so not known.
                        _ if sdk::compound(&c.method) && sdk::some_service_has(&c.method) => None,
                        _ => continue,
                    }
                }
            };
            let method = match (c.document_client, sdk().document_client_operation(&sdk::pascal(&c.method))) {
                (true, Some(op)) => op.to_string(),
                _ => c.method.clone(),
            };
            let needs = match service {
                _ if c.dynamic => Needs::Unknown("computed at run time".into()),
                Some(service) => sdk().needs(service, &method),
                None => Needs::Unknown("the receiver holds no client the code makes".into()),
            };
            if needs == Needs::NotAnOperation {
                continue;
            }
            let (resource, resource_note) = resolve_resource(&c.resource, &code.environment);
            let resource_address = match &c.resource {
                ResourceHint::Env(var) => {
                    code.environment.iter().find(|(k, _)| k == var).and_then(|(_, r)| r.address())
                }
                _ => None,
            }
            .map(str::to_string);
            out.calls.push(Call {
                source: source.clone(),
                span: at(c.span),
                service: service.map(|s| sdk().service(s).boto3.clone()),
                method: c.method,
                needs,
                dynamic: c.dynamic,
                resource,
                resource_note,
                resource_address,
                inferred,
            });
        }
        out.files.push(source);
    }
    out.files.dedup_by(|a, b| a.path == b.path);
    if out.calls.iter().any(|c| !c.resolved()) {
        out.complete = false;
    }
    out
}

/// Reads and parses one code file, or notes why not.
fn read_file(file: &Path, boundary: &Boundary, max: u64, out: &mut FunctionCode) -> Option<(Source, FileCalls)> {
    let display = crate::paths::slashes(file);
    let lang = lang_of(&display)?;
    let admitted = match boundary.admit(file) {
        Admission::Read(p) => p,
        Admission::Missing => return None,
        Admission::Refused(why) => {
            out.note(None, format!("`{display}` is {why}: not read"));
            return None;
        }
    };
    let text = match crate::load::read_text(&admitted, max) {
        Ok(t) => t,
        Err(e) => {
            out.bad_file(&display, format!("`{display}` is not read: {e}"));
            return None;
        }
    };
    if text.contains('\0') {
        out.bad_file(&display, format!("`{display}` is not read: it is binary, not source code"));
        return None;
    }
    if text.lines().any(|l| l.len() > MAX_LINE) {
        out.bad_file(
            &display,
            format!("`{display}` is not read: a line of more than {MAX_LINE} bytes (minified or generated code)"),
        );
        return None;
    }
    let source = SourceFile::new(display.clone(), text);
    match calls_of(lang, &source.text) {
        Some(calls) => Some((source, calls)),
        None => {
            out.bad_file(&display, format!("`{display}` is not read: it took too long to parse"));
            None
        }
    }
}

/// Extensions a Node.js module is found with, in the order tried.
const JS_EXTENSIONS: &[&str] = &["js", "mjs", "cjs", "ts", "mts", "cts", "tsx", "jsx"];

/// The file a handler (`app.lambda_handler`, `handlers/call.handler`,
/// `handlers.call.handler`) loads first, among the files of the directory.
fn handler_file(root: &Path, handler: Option<&str>, all: &[PathBuf]) -> Option<PathBuf> {
    let handler = handler?;
    // Java: `com.example.Handler::handleRequest` or `com.example.Handler`, under a source root.
    let class = handler.split("::").next().unwrap_or(handler);
    let java = format!("/{}.java", class.replace('.', "/"));
    if let Some(f) = all.iter().find(|f| crate::paths::slashes(f).ends_with(&java)) {
        return Some(f.clone());
    }
    let (module, _) = handler.rsplit_once('.')?;
    let mut candidates = vec![root.join(format!("{}.py", module.replace('.', "/")))];
    candidates.extend(JS_EXTENSIONS.iter().map(|e| root.join(format!("{module}.{e}"))));
    candidates.into_iter().map(|c| crate::paths::normalize(&c)).find(|c| all.contains(c))
}

/// A Go function's code: its `main` package, the Go files at the top of the
/// code directory (the handler names the built binary, `bootstrap`, not a file).
fn go_main_package(root: &Path, all: &[PathBuf]) -> Vec<PathBuf> {
    let root = crate::paths::normalize(root);
    all.iter()
        .filter(|f| lang_of(&crate::paths::slashes(f)) == Some(Lang::Go) && f.parent() == Some(root.as_path()))
        .cloned()
        .collect()
}

/// The Go files of the package an import path names, when it is a directory
/// of the code (`example.com/sma/internal/calls` → `internal/calls/*.go`).
fn go_package_files(import: &str, root: &Path, all: &[PathBuf]) -> Vec<PathBuf> {
    let root = crate::paths::normalize(root);
    all.iter()
        .filter(|f| lang_of(&crate::paths::slashes(f)) == Some(Lang::Go))
        .filter(|f| {
            let Some(dir) = f.parent().and_then(|d| d.strip_prefix(&root).ok()) else { return false };
            let dir = crate::paths::slashes(dir);
            !dir.is_empty() && (import == dir || import.ends_with(&format!("/{dir}")))
        })
        .cloned()
        .collect()
}

/// The files an import may name: a Python module from the code's root or
/// the importing file's package, a relative JavaScript path with the usual
/// extensions and `index` files. Packages (`boto3`, `@aws-sdk/...`) name none.
fn resolve_import(import: &str, from: &Path, root: &Path) -> Vec<PathBuf> {
    let dir = from.parent().unwrap_or(Path::new(""));
    let mut out = Vec::new();
    if import.starts_with("./") || import.starts_with("../") {
        let base = dir.join(import);
        let text = base.to_string_lossy().into_owned();
        out.push(base.clone());
        for e in JS_EXTENSIONS {
            out.push(PathBuf::from(format!("{text}.{e}")));
            out.push(base.join(format!("index.{e}")));
        }
        // TypeScript imports `./util.js` for `./util.ts`.
        if let Some(stem) = text.strip_suffix(".js") {
            out.push(PathBuf::from(format!("{stem}.ts")));
        }
    } else if !import.contains('/') {
        let dots = import.len() - import.trim_start_matches('.').len();
        let rest = import[dots..].replace('.', "/");
        let bases: Vec<PathBuf> = match dots {
            0 => vec![root.to_path_buf(), dir.to_path_buf()],
            n => {
                let mut d = dir.to_path_buf();
                for _ in 1..n {
                    d.push("..");
                }
                vec![d]
            }
        };
        for b in bases.into_iter().filter(|_| !rest.is_empty()) {
            out.push(b.join(format!("{rest}.py")));
            out.push(b.join(&rest).join("__init__.py"));
        }
    }
    out.iter().map(|p| crate::paths::normalize(p)).collect()
}

impl FunctionCode {
    fn note(&mut self, at: Option<(Source, Span)>, message: String) {
        self.complete = false;
        self.notes.push(Note { at, message, bad_code: false });
    }

    /// A code file that is there and was not read: reported at its start.
    fn bad_file(&mut self, display: &str, message: String) {
        self.complete = false;
        let at = Some((SourceFile::new(display, String::new()), Span::default()));
        self.notes.push(Note { at, message, bad_code: true });
    }
}

/// The files of a code location: the file, or the files under the directory
/// (no links followed; `node_modules`, `vendor`, hidden and cache directories skipped).
fn files_under(path: &Path, out: &mut FunctionCode) -> Vec<std::path::PathBuf> {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        out.note(None, format!("`{}` does not exist", path.display()));
        return Vec::new();
    };
    if !meta.is_dir() {
        return vec![path.to_path_buf()];
    }
    let mut files = Vec::new();
    let mut dirs = vec![path.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        let mut entries: Vec<_> = entries.flatten().collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let name = e.file_name().to_string_lossy().into_owned();
            let Ok(ft) = e.file_type() else { continue };
            if ft.is_dir() {
                if !(name.starts_with('.')
                    || matches!(
                        name.as_str(),
                        // Go's `vendor/` holds the modules the code uses, the SDK among them.
                        "node_modules" | "__pycache__" | "venv" | "vendor" | "tests" | "test" | "__tests__"
                    ))
                {
                    dirs.push(e.path());
                }
            } else if ft.is_file() {
                if files.len() >= MAX_FILES {
                    out.note(
                        None,
                        format!("more than {MAX_FILES} files under `{}`: the rest is not read", path.display()),
                    );
                    return files;
                }
                files.push(e.path());
            }
        }
    }
    files.sort();
    files
}

/// The ARN of the resource a call names, or what is known of it.
fn resolve_resource(hint: &ResourceHint, env: &[(String, Ref)]) -> (Option<String>, Option<String>) {
    match hint {
        ResourceHint::None => (None, None),
        ResourceHint::Arn(arn) => (Some(arn.clone()), None),
        ResourceHint::Env(var) if sdk().runtime_variable(var) => (None, None),
        ResourceHint::Env(var) => match env.iter().find(|(k, _)| k == var).map(|(_, r)| r) {
            Some(Ref::Literal(v)) if v.starts_with("arn:") && !v.contains("${") => (Some(v.clone()), None),
            Some(Ref::Literal(v)) => (None, Some(format!("`{var}` is `{v}`"))),
            Some(Ref::Address(a)) => (None, Some(format!("`{var}` is the project's `{a}`"))),
            Some(Ref::Unknown) => (None, Some(format!("`{var}` is set to a value not known statically"))),
            None => (None, Some(format!("`{var}` is not set by the infrastructure"))),
        },
    }
}

/// (code line start, template offset) of each line of inline code.
type LineMap = Vec<(usize, usize)>;

/// For inline code: the offset in the template of each line of the code
/// (code line start, template offset), found by reading the template's text
/// forward from the value; empty when a line is not found verbatim (a JSON
/// string with escapes), and every call is then reported at the value.
fn inline_map(template: &str, value: Span, code: &str) -> LineMap {
    let mut map = Vec::new();
    let mut cursor = value.start as usize;
    let mut line_start = 0;
    for line in code.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        if !content.trim().is_empty() {
            match template.get(cursor..).and_then(|t| t.find(content)) {
                Some(i) => {
                    map.push((line_start, cursor + i));
                    cursor += i + content.len();
                }
                None => return vec![(0, value.start as usize)],
            }
        }
        line_start += line.len();
    }
    if map.is_empty() {
        map.push((0, value.start as usize));
    }
    map
}

fn map_span(map: &[(usize, usize)], span: Span) -> Span {
    let start = span.start as usize;
    let i = map.partition_point(|(code, _)| *code <= start).saturating_sub(1);
    let Some(&(code, template)) = map.get(i) else { return span };
    let moved = template + start.saturating_sub(code);
    Span::new(moved, moved + (span.end - span.start) as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_code_maps_to_the_template_lines() {
        let template = "Code:\n  ZipFile: |\n    import boto3\n    c = boto3.client('s3')\n";
        let code = "import boto3\nc = boto3.client('s3')\n";
        let start = template.find("|").unwrap();
        let map = inline_map(template, Span::new(start, template.len()), code);
        let span = map_span(&map, Span::new(13 + 4, 13 + 9));
        assert_eq!(&template[span.range()], "boto3");
    }

    #[test]
    fn languages_by_name() {
        assert_eq!(lang_of("src/app.py"), Some(Lang::Python));
        assert_eq!(lang_of("src/test_app.py"), None);
        assert_eq!(lang_of("dist/bundle.min.js"), None);
        assert_eq!(lang_of("src/index.ts"), Some(Lang::Js(javascript::Dialect::TypeScript)));
        assert_eq!(lang_of("README.md"), None);
    }
}
