//! `policy-lint server`: a Language Server Protocol server on standard input
//! and output. Editors get the findings of the buffer as it is typed, the
//! AWS catalog under the cursor, completion in policy documents, and the
//! findings' fixes as code actions.
//!
//! It is a consumer of the pipeline, not a second one: a buffer is linted by
//! [`crate::lint`] with its unit (the other files of its Terraform module,
//! the template's siblings) read from disk and the open buffers read from
//! memory, under the same configuration, suppressions and baseline as the
//! command line; hover and completion read [`crate::catalog`]; code actions
//! are the findings' own [`crate::finding::Fix`]es.
//!
//! The protocol's types and messages come from `lsp-types` and `lsp-server`,
//! the two crates rust-analyzer is built on: kept by the rust-analyzer team,
//! small, synchronous (no async runtime for a linter whose work is CPU-bound
//! and takes milliseconds), and they leave the threads to us. The wire itself
//! is read here ([`transport`]): `lsp-server`'s reader stops at the first
//! malformed frame, and a server must answer it and read on.
//!
//! Threads: one reads standard input, one writes standard output, the main
//! loop answers requests (hover, completion and code actions are lookups of
//! microseconds) and hands changed documents to a lint thread, which waits
//! for typing to pause ([`ServerArgs::debounce`]), lints each changed unit
//! once, and publishes only when the document has not changed meanwhile.

pub mod actions;
pub mod catalog_help;
pub mod document;
pub mod transport;

use crate::config::{self, Config};
use crate::finding::{Applicability, Finding, Severity};
use crate::source::Language;
use document::Document;
use lsp_server::{ErrorCode, Message, Notification, Request, Response};
use lsp_types::{
    notification::Notification as _, request::Request as _, CodeDescription, Diagnostic, DiagnosticRelatedInformation,
    DiagnosticSeverity, Hover, HoverContents, Location, MarkupContent, MarkupKind, NumberOrString, TextEdit, Uri,
};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// `policy-lint server`.
#[derive(clap::Args, Debug, Clone)]
pub struct ServerArgs {
    /// Read this configuration file instead of the workspace's nearest `.policy-lint.toml`.
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Read no configuration file.
    #[arg(long, conflicts_with = "config")]
    pub isolated: bool,

    /// Report only findings not recorded in this baseline file (relative to the workspace).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Milliseconds to wait after a change for typing to pause before linting.
    #[arg(long, value_name = "MS", default_value_t = 30)]
    pub debounce: u64,

    /// Accepted for editors that pass it (VS Code's client does); standard input and output are the only transport.
    #[arg(long, hide = true)]
    pub stdio: bool,
}

/// A diagnostic as published, with what its code actions need.
#[derive(Debug, Clone)]
pub struct Published {
    pub rule: &'static str,
    pub diagnostic: Diagnostic,
    pub fix: Option<(Applicability, Vec<TextEdit>)>,
    pub fix_title: Option<String>,
}

/// What the main loop and the lint thread share.
struct State {
    root: PathBuf,
    /// The client watches files for us when asked (`client/registerCapability`).
    can_watch: bool,
    config: Arc<Config>,
    documents: HashMap<Uri, Document>,
    published: HashMap<Uri, (i32, Vec<Published>)>,
}

type Shared = Arc<Mutex<State>>;

fn lock(shared: &Shared) -> std::sync::MutexGuard<'_, State> {
    shared.lock().unwrap_or_else(|p| p.into_inner())
}

/// Runs the server until the client says `exit`; the process exit code:
/// 0 after `shutdown`, 1 otherwise (as the protocol asks).
pub fn run(args: &ServerArgs) -> u8 {
    let (out_tx, out_rx) = mpsc::channel::<Vec<u8>>();
    let writer = transport::writer(out_rx);
    let (in_tx, in_rx) = mpsc::channel::<transport::Incoming>();
    std::thread::spawn(move || {
        let stdin = std::io::stdin();
        let mut input = std::io::BufReader::new(stdin.lock());
        while let Ok(Some(incoming)) = transport::read(&mut input) {
            if in_tx.send(incoming).is_err() {
                return;
            }
        }
    });
    let send = {
        let out_tx = out_tx.clone();
        move |m: Message| {
            let _ = out_tx.send(transport::frame(&m));
        }
    };
    let cwd = std::env::current_dir().unwrap_or_default();
    let shared: Shared = Arc::new(Mutex::new(State {
        root: cwd,
        can_watch: false,
        config: Arc::new(Config::default()),
        documents: HashMap::new(),
        published: HashMap::new(),
    }));
    let (jobs, jobs_rx) = mpsc::channel::<PathBuf>();
    let linter = {
        let shared = shared.clone();
        let send = send.clone();
        let debounce = Duration::from_millis(args.debounce);
        std::thread::spawn(move || lint_loop(&shared, jobs_rx, debounce, &send))
    };
    let mut initialized = false;
    let mut shut_down = false;
    let mut code = 1;
    for incoming in in_rx {
        let message = match incoming {
            transport::Incoming::Refused(frame) => {
                let _ = out_tx.send(frame);
                continue;
            }
            transport::Incoming::Message(m) => m,
        };
        match message {
            Message::Request(req) => {
                if req.method == lsp_types::request::Initialize::METHOD {
                    if initialized {
                        send(transport::error(req.id, ErrorCode::InvalidRequest as i32, "initialize was sent twice"));
                        continue;
                    }
                    initialized = true;
                    send(initialize(&shared, args, req));
                    continue;
                }
                if !initialized {
                    send(transport::error(req.id, ErrorCode::ServerNotInitialized as i32, "initialize first"));
                    continue;
                }
                if shut_down {
                    send(transport::error(req.id, ErrorCode::InvalidRequest as i32, "the server is shut down"));
                    continue;
                }
                if req.method == lsp_types::request::Shutdown::METHOD {
                    shut_down = true;
                    send(Message::Response(Response::new_ok(req.id, serde_json::Value::Null)));
                    continue;
                }
                let id = req.id.clone();
                let answer = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| request(&shared, req)));
                send(answer.unwrap_or_else(|_| {
                    transport::error(id, ErrorCode::InternalError as i32, "the request failed inside the server")
                }));
            }
            Message::Notification(n) => {
                if n.method == lsp_types::notification::Exit::METHOD {
                    code = if shut_down { 0 } else { 1 };
                    break;
                }
                if initialized && !shut_down {
                    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        notification(&shared, args, n, &jobs, &send)
                    }));
                }
            }
            // Answers to our own requests (the file watcher's registration).
            Message::Response(_) => {}
        }
    }
    drop(jobs);
    let _ = linter.join();
    drop(send);
    drop(out_tx);
    let _ = writer.join();
    code
}

fn initialize(shared: &Shared, args: &ServerArgs, req: Request) -> Message {
    let params: lsp_types::InitializeParams = match serde_json::from_value(req.params) {
        Ok(p) => p,
        Err(e) => return transport::error(req.id, ErrorCode::InvalidParams as i32, format!("initialize: {e}")),
    };
    #[allow(deprecated)]
    let root = params
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .map(|f| &f.uri)
        .or(params.root_uri.as_ref())
        .and_then(document::uri_to_path)
        .or_else(|| params.root_path.as_ref().map(PathBuf::from));
    {
        let mut state = lock(shared);
        state.can_watch = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false);
        if let Some(root) = root.filter(|r| r.is_dir()) {
            // Findings name files relative to the workspace, as `policy-lint .` there would.
            let _ = std::env::set_current_dir(&root);
            state.root = root;
        }
    }
    let _ = reload_config(shared, args);
    let capabilities = lsp_types::ServerCapabilities {
        text_document_sync: Some(lsp_types::TextDocumentSyncCapability::Options(lsp_types::TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(lsp_types::TextDocumentSyncKind::INCREMENTAL),
            save: Some(lsp_types::TextDocumentSyncSaveOptions::Supported(true)),
            ..Default::default()
        })),
        hover_provider: Some(lsp_types::HoverProviderCapability::Simple(true)),
        completion_provider: Some(lsp_types::CompletionOptions {
            trigger_characters: Some(vec![":".into(), "\"".into(), "'".into()]),
            ..Default::default()
        }),
        code_action_provider: Some(lsp_types::CodeActionProviderCapability::Options(lsp_types::CodeActionOptions {
            code_action_kinds: Some(vec![lsp_types::CodeActionKind::QUICKFIX]),
            ..Default::default()
        })),
        ..Default::default()
    };
    let result = lsp_types::InitializeResult {
        capabilities,
        server_info: Some(lsp_types::ServerInfo {
            name: "policy-lint".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
    };
    Message::Response(Response::new_ok(req.id, result))
}

/// Reads the configuration (and the baseline) again; the error, said to the user, when it cannot.
fn reload_config(shared: &Shared, args: &ServerArgs) -> Result<(), String> {
    let root = lock(shared).root.clone();
    let overrides = config::Overrides { config: args.config.clone(), isolated: args.isolated, ..Default::default() };
    let resolved = config::resolve(&root, &overrides)
        .map_err(|errors| errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))?;
    let mut config = resolved.config;
    if let Some(file) = &args.baseline {
        let baseline = crate::baseline::Baseline::load(file, &root, config.max_file_size)
            .map_err(|m| format!("{}: {m}", file.display()))?;
        config.baseline = Some(Arc::new(baseline));
        config.element_text = true;
    }
    lock(shared).config = Arc::new(config);
    Ok(())
}

fn request(shared: &Shared, req: Request) -> Message {
    use lsp_types::request::{CodeActionRequest, Completion, HoverRequest};
    let state = lock(shared);
    match req.method.as_str() {
        HoverRequest::METHOD => answer::<HoverRequest>(req, |p| {
            let pos = p.text_document_position_params;
            let doc = state.documents.get(&pos.text_document.uri)?;
            let published = state.published.get(&doc.uri).filter(|(v, _)| *v == doc.version);
            hover(doc, published.map_or(&[][..], |(_, p)| p), pos.position)
        }),
        Completion::METHOD => answer::<Completion>(req, |p| {
            let pos = p.text_document_position;
            let doc = state.documents.get(&pos.text_document.uri)?;
            let at = document::offset(&doc.text, pos.position);
            Some(lsp_types::CompletionResponse::Array(catalog_help::complete(&doc.text, at)))
        }),
        CodeActionRequest::METHOD => answer::<CodeActionRequest>(req, |p| {
            let doc = state.documents.get(&p.text_document.uri)?;
            let (version, published) = state.published.get(&doc.uri)?;
            (*version == doc.version).then(|| actions::actions(doc, published, p.range))
        }),
        _ => transport::error(req.id, ErrorCode::MethodNotFound as i32, format!("unknown method `{}`", req.method)),
    }
}

/// Parses a request's parameters and answers it (`null` when `f` has nothing).
fn answer<R: lsp_types::request::Request>(req: Request, f: impl FnOnce(R::Params) -> R::Result) -> Message {
    match serde_json::from_value::<R::Params>(req.params) {
        Ok(params) => {
            let result = serde_json::to_value(f(params)).unwrap_or_default();
            Message::Response(Response { id: req.id, result: Some(result), error: None })
        }
        Err(e) => transport::error(req.id, ErrorCode::InvalidParams as i32, format!("{}: {e}", R::METHOD)),
    }
}

fn hover(doc: &Document, published: &[Published], position: lsp_types::Position) -> Option<Hover> {
    let at = document::offset(&doc.text, position);
    let mut parts = Vec::new();
    let mut range = None;
    if let Some((md, (start, end))) = catalog_help::hover(&doc.text, at) {
        parts.push(md);
        range = Some(document::range(&doc.text, start, end));
    }
    // The documentation of the rules whose findings are under the cursor.
    let mut shown = BTreeSet::new();
    for p in published.iter().filter(|p| p.diagnostic.range.start <= position && position <= p.diagnostic.range.end) {
        if shown.insert(p.rule) {
            if let Some(rule) = crate::rules::find(p.rule) {
                let doc_text: Vec<&str> = rule.meta.doc.lines().map(|l| l.strip_prefix(' ').unwrap_or(l)).collect();
                parts.push(format!(
                    "### `{}` ({})\n\n{}\n\n{}",
                    rule.meta.id,
                    rule.meta.severity,
                    rule.meta.summary,
                    doc_text.join("\n")
                ));
            }
        }
    }
    (!parts.is_empty()).then(|| Hover {
        contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value: parts.join("\n---\n") }),
        range,
    })
}

fn notification(
    shared: &Shared,
    args: &ServerArgs,
    n: Notification,
    jobs: &mpsc::Sender<PathBuf>,
    send: &dyn Fn(Message),
) {
    use lsp_types::notification::{
        DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument,
    };
    match n.method.as_str() {
        lsp_types::notification::Initialized::METHOD if lock(shared).can_watch => send(watch_settings(args)),
        DidOpenTextDocument::METHOD => {
            let Ok(p) = serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(n.params) else { return };
            let Some(path) = document::uri_to_path(&p.text_document.uri) else { return };
            let mut state = lock(shared);
            let display = display_of(&state.root, &path);
            let unit = unit_root(&path, &state.root);
            let doc = Document {
                uri: p.text_document.uri.clone(),
                path,
                display,
                unit,
                version: p.text_document.version,
                text: p.text_document.text,
            };
            let unit = lintable(&doc).then(|| doc.unit.clone());
            state.documents.insert(p.text_document.uri, doc);
            if let Some(unit) = unit {
                let _ = jobs.send(unit);
            }
        }
        DidChangeTextDocument::METHOD => {
            let Ok(p) = serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(n.params) else { return };
            let mut state = lock(shared);
            let Some(doc) = state.documents.get_mut(&p.text_document.uri) else { return };
            for change in &p.content_changes {
                document::apply_change(&mut doc.text, change);
            }
            doc.version = p.text_document.version;
            if lintable(doc) {
                let _ = jobs.send(doc.unit.clone());
            }
        }
        DidCloseTextDocument::METHOD => {
            let Ok(p) = serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(n.params) else { return };
            let mut state = lock(shared);
            if let Some(doc) = state.documents.remove(&p.text_document.uri) {
                state.published.remove(&doc.uri);
                send(publish(&doc.uri, None, Vec::new()));
                // The file on disk stands for it again in its unit.
                let _ = jobs.send(doc.unit);
            }
        }
        DidSaveTextDocument::METHOD | DidChangeWatchedFiles::METHOD => {
            let uris: Vec<Uri> = if n.method == DidSaveTextDocument::METHOD {
                serde_json::from_value::<lsp_types::DidSaveTextDocumentParams>(n.params)
                    .map(|p| vec![p.text_document.uri])
                    .unwrap_or_default()
            } else {
                serde_json::from_value::<lsp_types::DidChangeWatchedFilesParams>(n.params)
                    .map(|p| p.changes.into_iter().map(|c| c.uri).collect())
                    .unwrap_or_default()
            };
            let settings = |u: &Uri| {
                let s = u.as_str();
                s.ends_with(config::FILE_NAME)
                    || args
                        .baseline
                        .as_ref()
                        .is_some_and(|b| b.file_name().is_some_and(|n| s.ends_with(&*n.to_string_lossy())))
            };
            if uris.iter().any(settings) {
                if let Err(message) = reload_config(shared, args) {
                    let params = lsp_types::ShowMessageParams {
                        typ: lsp_types::MessageType::ERROR,
                        message: format!("policy-lint: {message}"),
                    };
                    send(Message::Notification(Notification::new(
                        lsp_types::notification::ShowMessage::METHOD.into(),
                        params,
                    )));
                }
                let state = lock(shared);
                for doc in state.documents.values().filter(|d| lintable(d)) {
                    let _ = jobs.send(doc.unit.clone());
                }
            }
        }
        _ => {}
    }
}

/// Asks the client to tell us when `.policy-lint.toml` (or the baseline) changes on disk.
fn watch_settings(args: &ServerArgs) -> Message {
    let mut globs = vec![format!("**/{}", config::FILE_NAME)];
    globs.extend(args.baseline.as_ref().and_then(|b| b.file_name()).map(|n| format!("**/{}", n.to_string_lossy())));
    let watchers: Vec<lsp_types::FileSystemWatcher> = globs
        .into_iter()
        .map(|g| lsp_types::FileSystemWatcher { glob_pattern: lsp_types::GlobPattern::String(g), kind: None })
        .collect();
    let params = lsp_types::RegistrationParams {
        registrations: vec![lsp_types::Registration {
            id: "policy-lint-settings".into(),
            method: lsp_types::notification::DidChangeWatchedFiles::METHOD.into(),
            register_options: serde_json::to_value(lsp_types::DidChangeWatchedFilesRegistrationOptions { watchers })
                .ok(),
        }],
    };
    Message::Request(Request::new(
        lsp_server::RequestId::from("policy-lint/watch".to_string()),
        lsp_types::request::RegisterCapability::METHOD.into(),
        params,
    ))
}

/// A document policy-lint reads: JSON, YAML or Terraform, by its name.
fn lintable(doc: &Document) -> bool {
    Language::from_path(&doc.display).is_some()
}

/// The unit a file is linted with, as the pipeline reads units
/// ([`crate::index::scope`]): the directory of a Terraform file (its module,
/// whose files name one another); a policy file that a module reads through
/// `file()`, that module, so that its policies are what the module uses them
/// as (`used_from`), as `policy-lint .` reads them; a template or another
/// policy file on its own (its addresses are its own). Only this is walked
/// and linted again on a change: a policy's directory of 200 siblings would
/// be linted for nothing, since their findings are not the buffer's.
fn unit_root(path: &Path, root: &Path) -> PathBuf {
    if crate::source::is_terraform(&path.to_string_lossy()) {
        path.parent().map(Path::to_path_buf).unwrap_or_default()
    } else {
        reading_module(path, root).unwrap_or_else(|| path.to_path_buf())
    }
}

/// The nearest directory, from the file's own up to the workspace root,
/// with a Terraform file that names the file in a call (`file(".../name")`).
/// A look at the text on disk, not a parse: linted with that module, a file
/// the module does not read after all is read on its own there, as before.
fn reading_module(path: &Path, root: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    let names_it = |tf: &Path| {
        crate::source::is_terraform(&tf.to_string_lossy())
            && std::fs::read_to_string(tf).is_ok_and(|text| text.contains("file(") && text.contains(name))
    };
    let mut dir = path.parent();
    while let Some(d) = dir.filter(|d| d.starts_with(root)) {
        let entries = std::fs::read_dir(d).into_iter().flatten().flatten();
        if entries.map(|e| e.path()).any(|p| names_it(&p)) {
            return Some(d.to_path_buf());
        }
        dir = d.parent();
    }
    None
}

/// A path as findings name it: relative to the workspace root when under it.
fn display_of(root: &Path, path: &Path) -> String {
    match path.strip_prefix(root) {
        Ok(rel) if !rel.as_os_str().is_empty() => rel.to_string_lossy().into_owned(),
        _ => path.to_string_lossy().into_owned(),
    }
}

/// The lint thread: waits for a pause in the changes, lints each changed
/// unit once, publishes what is still current.
fn lint_loop(shared: &Shared, jobs: mpsc::Receiver<PathBuf>, debounce: Duration, send: &dyn Fn(Message)) {
    let mut pending: BTreeSet<PathBuf> = BTreeSet::new();
    loop {
        if pending.is_empty() {
            match jobs.recv() {
                Ok(unit) => {
                    pending.insert(unit);
                }
                Err(_) => return,
            }
        }
        // Debounce: until no change came for `debounce`.
        loop {
            match jobs.recv_timeout(debounce) {
                Ok(unit) => {
                    pending.insert(unit);
                }
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        while let Some(unit) = pending.pop_first() {
            // A change that came meanwhile makes this unit's lint stale: start over with it.
            let mut newer = false;
            while let Ok(u) = jobs.try_recv() {
                newer |= u == unit;
                pending.insert(u);
            }
            if newer {
                pending.insert(unit);
                break;
            }
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| lint_and_publish(shared, &unit, send)));
        }
    }
}

fn lint_and_publish(shared: &Shared, unit: &Path, send: &dyn Fn(Message)) {
    let (docs, config, root) = {
        let state = lock(shared);
        let docs: Vec<Document> =
            state.documents.values().filter(|d| lintable(d) && d.path.starts_with(unit)).cloned().collect();
        (docs, state.config.clone(), state.root.clone())
    };
    if docs.is_empty() {
        return;
    }
    let findings = lint_unit(unit, &root, &docs, &config);
    let mut state = lock(shared);
    for doc in &docs {
        let Some(current) = state.documents.get(&doc.uri) else { continue };
        if current.version != doc.version || current.text != doc.text {
            // Stale: a newer lint of this document is queued.
            continue;
        }
        let published: Vec<Published> =
            findings.iter().filter(|f| f.source.path == doc.display).map(|f| to_published(f, doc, &root)).collect();
        send(publish(&doc.uri, Some(doc.version), published.iter().map(|p| p.diagnostic.clone()).collect()));
        state.published.insert(doc.uri.clone(), (doc.version, published));
    }
}

/// The findings of the unit under `unit` for the open documents in it, each
/// read from the editor's buffer, the unit's other files from disk
/// ([`crate::lint::overlay::lint_overlay`]): what the buffers saved would get.
fn lint_unit(unit: &Path, root: &Path, docs: &[Document], config: &Config) -> Vec<Finding> {
    use crate::lint::overlay::{lint_overlay, MemoryFile};
    // `[[require]]` assertions are about the whole project: read it all, as the command line does.
    let unit = if unit == root || !config.require.is_empty() { ".".to_string() } else { display_of(root, unit) };
    let paths: Vec<String> = docs.iter().map(|d| d.display.clone()).collect();
    let overlay = docs
        .iter()
        .map(|d| MemoryFile { path: d.path.clone(), display: d.display.clone(), text: d.text.clone() })
        .collect();
    lint_overlay(&unit, &paths, overlay, config).findings
}

fn publish(uri: &Uri, version: Option<i32>, diagnostics: Vec<Diagnostic>) -> Message {
    let params = lsp_types::PublishDiagnosticsParams { uri: uri.clone(), diagnostics, version };
    Message::Notification(Notification::new(lsp_types::notification::PublishDiagnostics::METHOD.into(), params))
}

fn to_published(f: &Finding, doc: &Document, root: &Path) -> Published {
    let same_text = f.source.text == doc.text;
    let range = span_range(&f.source, f.span, f.start, f.end);
    let severity = match f.severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    };
    let related: Vec<DiagnosticRelatedInformation> = f
        .labels
        .iter()
        .filter_map(|l| {
            let uri = if l.source.path == doc.display {
                doc.uri.clone()
            } else {
                document::path_to_uri(&root.join(&l.source.path))?
            };
            let range = span_range(&l.source, l.span, l.start, l.end);
            Some(DiagnosticRelatedInformation { location: Location { uri, range }, message: l.message.clone() })
        })
        .collect();
    let mut message = f.message.clone();
    if let Some(help) = &f.help {
        message.push('\n');
        message.push_str(help);
    }
    let fix = f.fix.as_ref().filter(|_| same_text).map(|fix| (fix.applicability, actions::fix_edits(&doc.text, fix)));
    let fix_title = f.fix.as_ref().and_then(|fix| match fix.edits.as_slice() {
        [e] if e.start != e.end && e.text.len() <= 80 && !e.text.contains('\n') => {
            let old = doc.text.get(e.start as usize..e.end as usize).unwrap_or("");
            Some(format!("Replace {old} with {}", e.text))
        }
        _ => None,
    });
    Published {
        rule: f.rule,
        diagnostic: Diagnostic {
            range,
            severity: Some(severity),
            code: Some(NumberOrString::String(f.rule.to_string())),
            code_description: format!("policy-lint://explain/{}", f.rule)
                .parse()
                .ok()
                .map(|href| CodeDescription { href }),
            source: Some("policy-lint".into()),
            message,
            related_information: (!related.is_empty()).then_some(related),
            tags: None,
            data: None,
        },
        fix,
        fix_title,
    }
}

/// The LSP range of `span`, its columns in UTF-16 units counted in the text
/// the span was found in: the buffer's, or for a file not open the one read
/// from disk. From the 1-based positions when that text is not at hand.
fn span_range(
    source: &crate::source::SourceFile,
    span: crate::source::Span,
    start: crate::source::Position,
    end: crate::source::Position,
) -> lsp_types::Range {
    if (span.end as usize) <= source.text.len() && span.start <= span.end {
        document::range(&source.text, span.start as usize, span.end as usize)
    } else {
        lsp_range(start, end)
    }
}

/// A finding's 1-based line and character column as an LSP range (columns
/// in characters; the same as UTF-16 units outside the astral planes).
fn lsp_range(start: crate::source::Position, end: crate::source::Position) -> lsp_types::Range {
    let p = |p: crate::source::Position| lsp_types::Position {
        line: p.line.saturating_sub(1) as u32,
        character: p.column.saturating_sub(1) as u32,
    };
    lsp_types::Range { start: p(start), end: p(end) }
}
