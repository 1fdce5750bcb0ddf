//! The access log: one JSON object per line on stderr, written by the
//! thread that owns stderr so request tasks never block on it.
//!
//! A request's line holds the time, the peer's address, the method, the
//! route template (never the raw path, which carries names and DIDs), the
//! status, the duration, the token's name, for a request a trusted front
//! made for a user the `caller` (`front:` and a marker of the user id that
//! names nobody, see [`super::front`]), and, for every 4xx and 5xx, a
//! machine-readable `reason` (see [`super::reason`]) and, where there is
//! one, its `detail` (what the command line would say, which the HTTP
//! client is not told, with the request's app, user id, DID and secret name
//! replaced): never a secret, a token, a user id or a DID. What happens to
//! a connection outside any request (refused, a failed TLS handshake, a
//! request that never arrived in time, a certificate reload) is a line with
//! an `event` instead of a `method`.

use super::listen::Peer;
use crate::ops::Principal;
use std::sync::mpsc::Sender;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// One finished request.
pub(crate) struct Entry<'a> {
    pub peer: Peer,
    pub method: &'a str,
    /// The matched template; `None` for a path no route knows.
    pub route: Option<&'static str>,
    pub status: u16,
    pub duration: Duration,
    pub principal: &'a Principal,
    /// A front request: `front` or `front:<marker>`.
    pub caller: Option<&'a str>,
    /// Why it failed, one word for machines: set for every 4xx and 5xx.
    pub reason: Option<&'static str>,
    /// Why it failed, in words, already free of the request's names.
    pub detail: Option<&'a str>,
}

impl Entry<'_> {
    /// The log line, without its newline: one JSON object, written
    /// directly (no intermediate map), since it is built for every request.
    pub(crate) fn line(&self, now: SystemTime) -> String {
        let token = match self.principal {
            Principal::Token(name) | Principal::Front { token: name, .. } => json_string(name),
            _ => "null".into(),
        };
        let caller = self
            .caller
            .map(|c| format!(r#","caller":{}"#, json_string(c)))
            .unwrap_or_default();
        let route = self.route.map_or_else(|| "null".into(), json_string);
        let ms = serde_json::Number::from_f64((self.duration.as_secs_f64() * 1e6).round() / 1e3)
            .map_or_else(|| "null".into(), |n| n.to_string());
        format!(
            r#"{{"time":"{}","peer":"{}","method":{},"route":{route},"status":{},"duration_ms":{ms},"token":{token}{caller}{}}}"#,
            humantime::format_rfc3339_millis(now.max(UNIX_EPOCH)),
            self.peer,
            json_string(self.method),
            self.status,
            why(self.reason, self.detail),
        )
    }
}

/// Something that happened to a connection, or to the server, outside any
/// request.
pub(crate) struct Event<'a> {
    /// What happened: `refused`, `tls_handshake_failed`, `timeout`,
    /// `connection_error`, `tls_reloaded`, `tls_reload_failed`, `saturated`.
    pub event: &'static str,
    /// The client, for what happened to one connection.
    pub peer: Option<Peer>,
    pub reason: Option<&'static str>,
    pub detail: Option<&'a str>,
}

impl Event<'_> {
    pub(crate) fn line(&self, now: SystemTime) -> String {
        let peer = self
            .peer
            .map(|p| format!(r#","peer":"{p}""#))
            .unwrap_or_default();
        format!(
            r#"{{"time":"{}","event":"{}"{peer}{}}}"#,
            humantime::format_rfc3339_millis(now.max(UNIX_EPOCH)),
            self.event,
            why(self.reason, self.detail),
        )
    }
}

/// `,"reason":…,"detail":…` for the fields that are there.
fn why(reason: Option<&str>, detail: Option<&str>) -> String {
    let mut out = String::new();
    if let Some(r) = reason {
        out.push_str(r#","reason":"#);
        out.push_str(&json_string(r));
    }
    if let Some(d) = detail {
        out.push_str(r#","detail":"#);
        out.push_str(&json_string(d));
    }
    out
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

    /// Logs one event.
    pub(crate) fn event(&self, event: &Event<'_>) {
        self.write(event.line(SystemTime::now()));
    }

    /// Logs a connection closed unserved because `peer` already holds
    /// `limit` connections.
    pub(crate) fn refused(&self, peer: Peer, limit: usize) {
        let detail =
            format!("too many connections per peer: {limit} open (--max-connections-per-peer)");
        self.event(&Event {
            event: "refused",
            peer: Some(peer),
            reason: Some("per_peer_limit"),
            detail: Some(&detail),
        });
    }
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
            peer: Peer::Ip("::ffff:192.0.2.7".parse().unwrap()),
            method: "GET",
            route: Some("/getSSOSecret/{app}"),
            status: 200,
            duration: Duration::from_micros(1234),
            principal: &p,
            caller: None,
            reason: None,
            detail: None,
        };
        let t = UNIX_EPOCH + Duration::from_millis(1_764_374_400_042);
        let v: serde_json::Value = serde_json::from_str(&e.line(t)).unwrap();
        assert_eq!(v["time"], "2025-11-29T00:00:00.042Z");
        assert_eq!(v["peer"], "192.0.2.7");
        assert_eq!(v["route"], "/getSSOSecret/{app}");
        assert_eq!(v["status"], 200);
        assert_eq!(v["duration_ms"], 1.234);
        assert_eq!(v["token"], "ci");
        assert!(v.get("reason").is_none() && v.get("detail").is_none());
        assert!(v.get("caller").is_none());
        let front = Principal::Front {
            token: "front".into(),
            user: crate::names::UserId::new("alice").ok(),
        };
        let via = Entry {
            peer: Peer::Unix,
            principal: &front,
            caller: Some("front:0123456789abcdef"),
            ..e
        };
        let line = via.line(t);
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["peer"], "unix");
        assert_eq!(v["token"], "front");
        assert_eq!(v["caller"], "front:0123456789abcdef");
        assert!(!line.contains("alice"), "{line}");
        let anon = Entry {
            principal: &Principal::Unknown,
            route: None,
            status: 404,
            reason: Some("no_route"),
            ..e
        };
        let v: serde_json::Value = serde_json::from_str(&anon.line(t)).unwrap();
        assert!(v["token"].is_null() && v["route"].is_null());
        assert_eq!(v["reason"], "no_route");
        let failed = Entry {
            status: 403,
            reason: Some("revoked"),
            detail: Some("this access token has been revoked \"quoted\""),
            ..e
        };
        let v: serde_json::Value = serde_json::from_str(&failed.line(t)).unwrap();
        assert_eq!(v["reason"], "revoked");
        assert_eq!(v["detail"], "this access token has been revoked \"quoted\"");
    }

    #[test]
    fn an_event_is_one_json_object_with_its_peer() {
        let t = UNIX_EPOCH + Duration::from_millis(1_764_374_400_042);
        for peer in ["192.0.2.7", "2001:db8::7"] {
            let line = Event {
                event: "refused",
                peer: Some(Peer::Ip(peer.parse().unwrap())),
                reason: Some("per_peer_limit"),
                detail: Some("4 open"),
            }
            .line(t);
            let v: serde_json::Value = serde_json::from_str(&line).unwrap();
            assert_eq!(v["event"], "refused");
            assert_eq!(v["peer"], peer);
            assert_eq!(v["reason"], "per_peer_limit");
            assert_eq!(v["detail"], "4 open");
        }
        let line = Event {
            event: "tls_reloaded",
            peer: None,
            reason: None,
            detail: None,
        }
        .line(t);
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v.as_object().unwrap().len(), 2, "{line}");
    }
}
