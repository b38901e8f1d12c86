//! `gopherlint server`: a Language Server Protocol server over standard input and output.
//! Diagnostics are pushed on open and on every change; code actions offer each finding's fix,
//! an ignore comment and every safe fix at once; hover shows what gopherlint knows at the
//! cursor. Each document is linted with the options the command line would use for its path
//! (see [`crate::cli::DocumentResolver`]). The loop is single-threaded: a lint takes well under
//! a millisecond for a file of a few hundred lines, so nothing waits on it.

mod actions;
mod diagnostics;
mod documents;
mod hover;
mod position;

use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
    DidSaveTextDocument, Exit, LogMessage, Notification as _, PublishDiagnostics, ShowMessage,
};
use lsp_types::request::{
    CodeActionRequest, HoverRequest, RegisterCapability, Request as _, Shutdown,
};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability,
    DidChangeWatchedFilesRegistrationOptions, FileSystemWatcher, GlobPattern, Hover, HoverContents,
    HoverProviderCapability, InitializeParams, MarkupContent, MarkupKind, MessageType,
    PublishDiagnosticsParams, Registration, RegistrationParams, SaveOptions, ServerCapabilities,
    ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions,
};

use documents::Documents;
use position::{Encoding, Positions};

/// The exit code when the client ends the session properly (`shutdown`, then `exit`).
const EXIT_OK: u8 = 0;
/// The exit code otherwise: `exit` without `shutdown`, a closed input, a protocol error.
const EXIT_ABNORMAL: u8 = 1;

/// Runs the server on standard input and output until the client ends the session.
pub fn run() -> u8 {
    let (connection, io_threads) = Connection::stdio();
    let code = match serve(&connection) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("gopherlint server: {message}");
            EXIT_ABNORMAL
        }
    };
    drop(connection);
    // The writer thread flushes what is queued; the reader ends with the input.
    let _ = io_threads.join();
    code
}

/// The session over a connection: initialisation, then messages until `exit`.
pub fn serve(connection: &Connection) -> Result<u8, String> {
    let (id, params) = connection.initialize_start().map_err(|e| e.to_string())?;
    let params: InitializeParams = match serde_json::from_value(params) {
        Ok(params) => params,
        Err(e) => {
            let error = Response::new_err(
                id,
                lsp_server::ErrorCode::InvalidParams as i32,
                format!("invalid initialize parameters: {e}"),
            );
            let _ = connection.sender.send(error.into());
            return Err(format!("invalid initialize parameters: {e}"));
        }
    };
    let encoding = Encoding::negotiate(
        params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_deref()),
    );
    let can_watch = params
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|w| w.dynamic_registration)
        .unwrap_or(false);
    let capabilities = ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![
                CodeActionKind::QUICKFIX,
                CodeActionKind::new(actions::FIX_ALL),
            ]),
            ..CodeActionOptions::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        ..ServerCapabilities::default()
    };
    let result = serde_json::json!({
        "capabilities": capabilities,
        "serverInfo": ServerInfo {
            name: "gopherlint".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        },
    });
    connection
        .initialize_finish(id, result)
        .map_err(|e| e.to_string())?;
    let mut server = Server {
        connection,
        encoding,
        documents: Documents::new(),
        shutting_down: false,
        next_request: 0,
    };
    if can_watch {
        server.watch_settings();
    }
    for message in &connection.receiver {
        match message {
            Message::Request(request) => server.request(request),
            Message::Notification(notification) => {
                if notification.method == Exit::METHOD {
                    return Ok(if server.shutting_down {
                        EXIT_OK
                    } else {
                        EXIT_ABNORMAL
                    });
                }
                server.notification(notification);
            }
            // Answers to our own requests (the watcher registration): nothing to do.
            Message::Response(_) => {}
        }
    }
    Ok(EXIT_ABNORMAL)
}

struct Server<'a> {
    connection: &'a Connection,
    encoding: Encoding,
    documents: Documents,
    shutting_down: bool,
    next_request: i32,
}

impl Server<'_> {
    fn send(&self, message: Message) {
        // The client has gone when this fails; the loop ends with the input.
        let _ = self.connection.sender.send(message);
    }

    fn notify<N: lsp_types::notification::Notification>(&self, params: N::Params) {
        self.send(Notification::new(N::METHOD.to_string(), params).into());
    }

    /// A line in the client's log (its output panel).
    fn log(&self, typ: MessageType, message: String) {
        self.notify::<LogMessage>(lsp_types::LogMessageParams { typ, message });
    }

    /// Asks the client to tell us when a config file or a build configuration changes.
    fn watch_settings(&mut self) {
        let watchers = [
            "**/gopherlint.toml",
            "**/.gopherlint.toml",
            "**/.dockerignore",
            "**/*.dockerignore",
            "**/go.mod",
            "**/go.work",
            "**/.github/workflows/*.{yml,yaml}",
            "**/{docker-,}compose*.{yml,yaml}",
            "**/docker-bake.{hcl,json}",
            "**/.goreleaser.{yml,yaml}",
            "**/Makefile",
        ]
        .iter()
        .map(|glob| FileSystemWatcher {
            glob_pattern: GlobPattern::String((*glob).to_string()),
            kind: None,
        })
        .collect();
        let options = DidChangeWatchedFilesRegistrationOptions { watchers };
        let params = RegistrationParams {
            registrations: vec![Registration {
                id: "gopherlint-settings".into(),
                method: DidChangeWatchedFiles::METHOD.into(),
                register_options: serde_json::to_value(options).ok(),
            }],
        };
        self.next_request += 1;
        let id = RequestId::from(format!("gopherlint-{}", self.next_request));
        self.send(Request::new(id, RegisterCapability::METHOD.into(), params).into());
    }

    fn request(&mut self, request: Request) {
        if self.shutting_down {
            self.send(
                Response::new_err(
                    request.id,
                    lsp_server::ErrorCode::InvalidRequest as i32,
                    "the server is shutting down".into(),
                )
                .into(),
            );
            return;
        }
        let response = match request.method.as_str() {
            Shutdown::METHOD => {
                self.shutting_down = true;
                Response::new_ok(request.id, ())
            }
            CodeActionRequest::METHOD => {
                match serde_json::from_value::<lsp_types::CodeActionParams>(request.params) {
                    Ok(params) => Response::new_ok(
                        request.id,
                        self.documents.code_actions(&params, self.encoding),
                    ),
                    Err(e) => invalid(request.id, e),
                }
            }
            HoverRequest::METHOD => {
                match serde_json::from_value::<lsp_types::HoverParams>(request.params) {
                    Ok(params) => {
                        let hover = self
                            .documents
                            .hover(&params, self.encoding)
                            .map(|markdown| Hover {
                                contents: HoverContents::Markup(MarkupContent {
                                    kind: MarkupKind::Markdown,
                                    value: markdown,
                                }),
                                range: None,
                            });
                        Response::new_ok(request.id, hover)
                    }
                    Err(e) => invalid(request.id, e),
                }
            }
            _ => Response::new_err(
                request.id,
                lsp_server::ErrorCode::MethodNotFound as i32,
                format!("gopherlint does not handle `{}`", request.method),
            ),
        };
        self.send(response.into());
    }

    fn notification(&mut self, notification: Notification) {
        let method = notification.method.as_str();
        let params = notification.params;
        let changed = match method {
            DidOpenTextDocument::METHOD => {
                serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(params)
                    .ok()
                    .and_then(|p| self.documents.open(p.text_document))
            }
            DidChangeTextDocument::METHOD => {
                serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(params)
                    .ok()
                    .and_then(|p| self.documents.change(p))
            }
            DidCloseTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(params)
                    && self.documents.close(&p.text_document.uri)
                {
                    // A closed document's findings go from the client's list.
                    self.notify::<PublishDiagnostics>(PublishDiagnosticsParams::new(
                        p.text_document.uri,
                        Vec::new(),
                        None,
                    ));
                }
                None
            }
            // A saved file may be a config, a .dockerignore or a build configuration; a
            // watched one changed: everything is read again and every document linted again.
            DidSaveTextDocument::METHOD | DidChangeWatchedFiles::METHOD => {
                self.documents.reload_settings();
                Some(self.documents.uris())
            }
            _ => None,
        };
        for uri in changed.unwrap_or_default() {
            self.lint(&uri);
        }
    }

    /// Lints a document and pushes its diagnostics; a problem is logged, never fatal.
    fn lint(&mut self, uri: &lsp_types::Uri) {
        let outcome = self.documents.lint(uri, self.encoding);
        for (typ, message) in outcome.messages {
            if typ == MessageType::ERROR && outcome.show {
                self.notify::<ShowMessage>(lsp_types::ShowMessageParams {
                    typ,
                    message: message.clone(),
                });
            }
            self.log(typ, message);
        }
        if let Some(published) = outcome.published {
            self.notify::<PublishDiagnostics>(published);
        }
    }
}

fn invalid(id: RequestId, error: serde_json::Error) -> Response {
    Response::new_err(
        id,
        lsp_server::ErrorCode::InvalidParams as i32,
        format!("invalid parameters: {error}"),
    )
}

/// The positions of a text, for the modules that convert them.
fn positions(text: &str, encoding: Encoding) -> Positions<'_> {
    Positions::new(text, encoding)
}
