//! The wire: `Content-Length` framed JSON-RPC on standard input and output.
//!
//! `lsp-server`'s own stdio transport ends its reader thread on the first
//! malformed message, which leaves the editor talking to a server that no
//! longer listens. This reader answers a frame that is not JSON with a
//! JSON-RPC parse error (`-32700`, id `null`), one that is JSON but no
//! message with an invalid request (`-32600`), and reads on.

use lsp_server::{Message, RequestId, Response, ResponseError};
use std::io::{self, BufRead, Write};

/// JSON-RPC's own error codes, for frames that are not messages.
const PARSE_ERROR: i32 = -32700;
const INVALID_REQUEST: i32 = -32600;

/// What the reader hands the main loop.
pub enum Incoming {
    Message(Message),
    /// A frame that could not be read as a message: the answer to send.
    Refused(Vec<u8>),
}

/// Reads frames until end of input (`Ok(None)`).
pub fn read(input: &mut impl BufRead) -> io::Result<Option<Incoming>> {
    let mut length: Option<usize> = None;
    let mut line = String::new();
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let header = line.trim_end_matches(['\r', '\n']);
        if header.is_empty() {
            if length.is_some() {
                break;
            }
            continue;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().ok();
                if length.is_none() {
                    return Ok(Some(Incoming::Refused(error_frame(None, PARSE_ERROR, "malformed Content-Length"))));
                }
            }
        } else {
            return Ok(Some(Incoming::Refused(error_frame(None, PARSE_ERROR, "malformed header"))));
        }
    }
    let length = length.unwrap_or(0);
    // A frame larger than this is no LSP message an editor sends.
    if length > 256 << 20 {
        io::copy(&mut io::Read::take(&mut *input, length as u64), &mut io::sink())?;
        return Ok(Some(Incoming::Refused(error_frame(None, PARSE_ERROR, "message too large"))));
    }
    let mut body = vec![0; length];
    input.read_exact(&mut body)?;
    let value: serde_json::Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return Ok(Some(Incoming::Refused(error_frame(None, PARSE_ERROR, &format!("not JSON: {e}"))))),
    };
    let id = value.get("id").cloned();
    // Every field of a response is optional to `lsp-server`: a request
    // without its method would pass for one.
    let shaped = value.get("method").is_some_and(|m| m.is_string())
        || (value.get("method").is_none() && (value.get("result").is_some() || value.get("error").is_some()));
    let message = if shaped {
        serde_json::from_value::<Message>(value).map_err(|e| e.to_string())
    } else {
        Err("no method, result or error".to_string())
    };
    match message {
        Ok(message) => Ok(Some(Incoming::Message(message))),
        Err(e) => {
            let id = id.filter(|i| i.is_string() || i.is_number());
            Ok(Some(Incoming::Refused(error_frame(id, INVALID_REQUEST, &format!("not a JSON-RPC message: {e}")))))
        }
    }
}

/// A message framed for the wire.
pub fn frame(message: &Message) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing to a vector does not fail.
    let _ = message.write(&mut out);
    out
}

/// An error response as raw JSON, for an id `lsp-server` cannot hold (`null`).
fn error_frame(id: Option<serde_json::Value>, code: i32, message: &str) -> Vec<u8> {
    let body = serde_json::json!({
        "jsonrpc": "2.0",
        "id": id.unwrap_or(serde_json::Value::Null),
        "error": { "code": code, "message": message },
    })
    .to_string();
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body.as_bytes());
    out
}

/// An error response to a request.
pub fn error(id: RequestId, code: i32, message: impl Into<String>) -> Message {
    Message::Response(Response {
        id,
        result: None,
        error: Some(ResponseError { code, message: message.into(), data: None }),
    })
}

/// Writes frames to standard output as they come, on a thread of its own.
pub fn writer(frames: std::sync::mpsc::Receiver<Vec<u8>>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let stdout = io::stdout();
        let mut out = stdout.lock();
        for f in frames {
            if out.write_all(&f).and_then(|()| out.flush()).is_err() {
                return;
            }
        }
    })
}
