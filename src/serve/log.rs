//! The access log: one JSON object per request on stderr, written by the
//! thread that owns stderr so request tasks never block on it.
//!
//! A line holds the time, the method, the route template (never the raw
//! path, which carries names and DIDs), the status, the duration, the
//! token's name and, for a failure, its `detail` (what the command line
//! would say, which the HTTP client is not told, with the request's app,
//! user id, DID and secret name replaced): never a secret, a token, a user
//! id or a DID. A connection
//! closed unserved (its peer over `--max-connections-per-peer`) gets a line
//! with `"event":"refused"` and the peer's address.

use crate::ops::Principal;
use std::net::IpAddr;
use std::sync::mpsc::Sender;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// One finished request.
pub(crate) struct Entry<'a> {
    pub method: &'a str,
    /// The matched template; `None` for a path no route knows.
    pub route: Option<&'static str>,
    pub status: u16,
    pub duration: Duration,
    pub principal: &'a Principal,
    /// Why it failed, already free of the request's names.
    pub detail: Option<&'a str>,
}

impl Entry<'_> {
    /// The log line, without its newline: one JSON object, written
    /// directly (no intermediate map), since it is built for every request.
    pub(crate) fn line(&self, now: SystemTime) -> String {
        let token = match self.principal {
            Principal::Token(name) => json_string(name),
            _ => "null".into(),
        };
        let route = self.route.map_or_else(|| "null".into(), json_string);
        let ms = serde_json::Number::from_f64((self.duration.as_secs_f64() * 1e6).round() / 1e3)
            .map_or_else(|| "null".into(), |n| n.to_string());
        let detail = self
            .detail
            .map(|d| format!(r#","detail":{}"#, json_string(d)))
            .unwrap_or_default();
        format!(
            r#"{{"time":"{}","method":{},"route":{route},"status":{},"duration_ms":{ms},"token":{token}{detail}}}"#,
            humantime::format_rfc3339_millis(now.max(UNIX_EPOCH)),
            json_string(self.method),
            self.status,
        )
    }
}

/// `s` as a JSON string literal.
fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "null".into())
}

/// Where log lines go: the thread that writes stderr. `None` closes it.
#[derive(Clone)]
pub(crate) struct Log(pub Sender<Option<String>>);

impl Log {
    /// Sends one line; a closed log (shutting down) drops it.
    pub(crate) fn write(&self, line: String) {
        let _ = self.0.send(Some(line));
    }

    /// Ends [`drain`], even while request tasks still hold senders.
    pub(crate) fn close(&self) {
        let _ = self.0.send(None);
    }

    /// Logs one finished request.
    pub(crate) fn request(&self, entry: &Entry<'_>) {
        self.write(entry.line(SystemTime::now()));
    }

    /// Logs a connection closed unserved because `peer` already holds
    /// `limit` connections.
    pub(crate) fn refused(&self, peer: IpAddr, limit: usize) {
        self.write(refused_line(peer, limit, SystemTime::now()));
    }
}

/// `{"time":…,"event":"refused","peer":…,"reason":…}`: the peer's address,
/// which an operator needs to act on it, and nothing the client sent.
fn refused_line(peer: IpAddr, limit: usize, now: SystemTime) -> String {
    format!(
        r#"{{"time":"{}","event":"refused","peer":"{peer}","reason":"too many connections per peer: {limit} open (--max-connections-per-peer)"}}"#,
        humantime::format_rfc3339_millis(now.max(UNIX_EPOCH)),
    )
}

/// Writes lines from `rx` to `out` until the log is closed, one write per
/// burst of lines rather than one per line.
pub(crate) fn drain(rx: std::sync::mpsc::Receiver<Option<String>>, out: &mut dyn std::io::Write) {
    let mut buf = String::new();
    let mut open = true;
    while open {
        let Ok(first) = rx.recv() else { break };
        let mut next = Some(first);
        while let Some(item) = next {
            match item {
                Some(line) => {
                    buf.push_str(&line);
                    buf.push('\n');
                }
                None => open = false,
            }
            next = if open && buf.len() < 64 * 1024 {
                rx.try_recv().ok()
            } else {
                None
            };
        }
        // Stderr gone (closed by the parent) is no reason to stop serving.
        let _ = out.write_all(buf.as_bytes()).and_then(|()| out.flush());
        buf.clear();
        // Lines sent while this thread sleeps cost their senders no wake-up;
        // under load that is most of them.
        if open {
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_one_json_object_without_names() {
        let p = Principal::Token("ci".into());
        let e = Entry {
            method: "GET",
            route: Some("/getSSOSecret/{app}"),
            status: 404,
            duration: Duration::from_micros(1234),
            principal: &p,
            detail: None,
        };
        let t = UNIX_EPOCH + Duration::from_millis(1_764_374_400_042);
        let v: serde_json::Value = serde_json::from_str(&e.line(t)).unwrap();
        assert_eq!(v["time"], "2025-11-29T00:00:00.042Z");
        assert_eq!(v["route"], "/getSSOSecret/{app}");
        assert_eq!(v["status"], 404);
        assert_eq!(v["duration_ms"], 1.234);
        assert_eq!(v["token"], "ci");
        let anon = Entry {
            principal: &Principal::Unknown,
            route: None,
            ..e
        };
        let v: serde_json::Value = serde_json::from_str(&anon.line(t)).unwrap();
        assert!(v["token"].is_null() && v["route"].is_null());
        assert!(v.get("detail").is_none());
        let failed = Entry {
            status: 403,
            detail: Some("this access token has been revoked \"quoted\""),
            ..e
        };
        let v: serde_json::Value = serde_json::from_str(&failed.line(t)).unwrap();
        assert_eq!(v["detail"], "this access token has been revoked \"quoted\"");
    }

    #[test]
    fn a_refused_connection_is_one_json_object_with_its_peer() {
        let t = UNIX_EPOCH + Duration::from_millis(1_764_374_400_042);
        for peer in ["192.0.2.7", "2001:db8::7"] {
            let line = refused_line(peer.parse().unwrap(), 4, t);
            let v: serde_json::Value = serde_json::from_str(&line).unwrap();
            assert_eq!(v["event"], "refused");
            assert_eq!(v["peer"], peer);
            assert!(v["reason"].as_str().unwrap().contains("4 open"), "{line}");
        }
    }
}
