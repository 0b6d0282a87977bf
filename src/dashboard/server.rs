//! The dashboard's HTTP server, std only: GET requests on 127.0.0.1, one thread per
//! connection, every path behind the token.
//!
//! | path | answers |
//! |---|---|
//! | `/?token=T` | the page (self-contained HTML and JavaScript) |
//! | `/events?token=T` | server-sent events: a [`Snapshot`](super::Snapshot) every [`UPDATE_INTERVAL`] |
//! | `/api/snapshot?token=T[&since=N]` | one snapshot as JSON (the last [`SNAPSHOT_SPANS`] spans, or those from index N) |
//!
//! A closed tab ends its event stream at the next write; with no tab open nothing is built.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use super::state::State;

/// How often the event stream sends a snapshot.
pub const UPDATE_INTERVAL: Duration = Duration::from_millis(250);

/// Spans in a `/api/snapshot` answer without `since`, at most.
pub const SNAPSHOT_SPANS: usize = 1000;

/// Spans in one event of the stream, at most (the rest follow in the next events).
const EVENT_SPANS: usize = 5000;

/// Connections served at once; more are refused with 503.
const MAX_CONNECTIONS: usize = 32;

const PAGE: &str = include_str!("page.html");

/// What the server threads share with the dashboard.
#[derive(Debug)]
pub(crate) struct Shared {
    pub state: Mutex<State>,
    pub token: String,
    pub stop: AtomicBool,
    connections: AtomicUsize,
}

impl Shared {
    pub fn new(token: String) -> Shared {
        Shared {
            state: Mutex::new(State::default()),
            token,
            stop: AtomicBool::new(false),
            connections: AtomicUsize::new(0),
        }
    }

    pub fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }
}

/// Accepts connections until [`Shared::stop`] is set (and a connection wakes the loop).
pub(crate) fn serve(listener: TcpListener, shared: std::sync::Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stopped() {
            return;
        }
        let Ok(stream) = stream else { continue };
        if shared.connections.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            shared.connections.fetch_sub(1, Ordering::SeqCst);
            let _ = respond(&stream, "503 Service Unavailable", "text/plain", b"busy");
            continue;
        }
        let shared = std::sync::Arc::clone(&shared);
        let spawned = std::thread::Builder::new()
            .name("parlab-dashboard-http".into())
            .spawn(move || {
                let _ = handle(&stream, &shared);
                shared.connections.fetch_sub(1, Ordering::SeqCst);
            });
        if spawned.is_err() {
            // No thread for it: the connection is dropped, the count was the thread's.
            continue;
        }
    }
}

/// One request's `(method, path, query)`, or `None`.
fn read_request(stream: &TcpStream) -> Option<(String, String, String)> {
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut reader = BufReader::new(std::io::Read::take(stream, 8192));
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?;
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let (path, query) = (path.to_string(), query.to_string());
    // The headers: read and ignored.
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).ok()? == 0 || header.trim().is_empty() {
            break;
        }
    }
    Some((method, path, query))
}

/// The value of `key` in a query string.
fn param<'a>(query: &'a str, key: &str) -> Option<&'a str> {
    query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v)
}

/// Compares without stopping at the first difference.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn handle(stream: &TcpStream, shared: &Shared) -> std::io::Result<()> {
    let Some((method, path, query)) = read_request(stream) else {
        return Ok(());
    };
    if !param(&query, "token").is_some_and(|t| same(t, &shared.token)) {
        let body =
            b"403 forbidden: open the dashboard with the address it printed, token included \
                     (http://127.0.0.1:PORT/?token=...)\n";
        return respond(stream, "403 Forbidden", "text/plain; charset=utf-8", body);
    }
    if method != "GET" {
        return respond(
            stream,
            "405 Method Not Allowed",
            "text/plain",
            b"GET only\n",
        );
    }
    match path.as_str() {
        "/" => respond(
            stream,
            "200 OK",
            "text/html; charset=utf-8",
            PAGE.as_bytes(),
        ),
        "/api/snapshot" => {
            let since = param(&query, "since").and_then(|s| s.parse().ok());
            let max = if since.is_some() {
                EVENT_SPANS
            } else {
                SNAPSHOT_SPANS
            };
            let snap = shared.lock().snapshot(since, max);
            let body = serde_json::to_vec(&snap).unwrap_or_default();
            respond(stream, "200 OK", "application/json", &body)
        }
        "/events" => events(stream, shared),
        _ => respond(stream, "404 Not Found", "text/plain", b"not found\n"),
    }
}

fn head(status: &str, content_type: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nCache-Control: no-store\r\n\
         Referrer-Policy: no-referrer\r\nX-Content-Type-Options: nosniff\r\n\
         Content-Security-Policy: default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\r\n"
    )
}

fn respond(
    mut stream: &TcpStream,
    status: &str,
    content_type: &str,
    body: &[u8],
) -> std::io::Result<()> {
    let head = head(status, content_type);
    write!(
        stream,
        "{head}Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(body)?;
    stream.flush()
}

/// The event stream: a snapshot with the spans this client has not seen, until it goes away.
fn events(mut stream: &TcpStream, shared: &Shared) -> std::io::Result<()> {
    let head = head("200 OK", "text/event-stream");
    write!(
        stream,
        "{head}Connection: keep-alive\r\n\r\nretry: 1000\n\n"
    )?;
    let (mut map, mut seen) = (0, 0);
    while !shared.stopped() {
        let snap = {
            let state = shared.lock();
            if state.map_id() != map {
                (map, seen) = (state.map_id(), 0);
            }
            state.snapshot(Some(seen), EVENT_SPANS)
        };
        seen = snap.span_offset + snap.spans.len();
        let json = serde_json::to_string(&snap).unwrap_or_default();
        write!(stream, "data: {json}\n\n")?;
        stream.flush()?;
        std::thread::sleep(UPDATE_INTERVAL);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_parameters_and_token_comparison() {
        assert_eq!(param("a=1&token=xyz", "token"), Some("xyz"));
        assert_eq!(param("tokens=1", "token"), None);
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd") && !same("abc", "ab"));
    }
}
