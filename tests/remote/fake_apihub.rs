//! A stand-in for the OpenDSU APIHub secrets component, as
//! `rfc/REFERENCE-NOTES.md` describes it: its routes, `Fail` bodies, the
//! read whitelist behind its 403s, 405 in read-only mode, 555 for a
//! container it cannot decrypt, and no look at `Authorization` at all.
//! Every request is recorded, and answers can be scripted (503 then 200)
//! or delayed (a slow server).

use std::collections::{HashMap, VecDeque};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
struct State {
    /// (container, key) → value, as APIHub keys them.
    store: HashMap<(String, String), Vec<u8>>,
    seen: Vec<Seen>,
    script: VecDeque<(u16, &'static str)>,
    read_only: bool,
    delay: Option<Duration>,
}

pub struct FakeApiHub {
    pub addr: SocketAddr,
    tls: bool,
    state: Arc<Mutex<State>>,
}

impl FakeApiHub {
    pub fn start() -> Self {
        Self::serve(None)
    }

    pub fn start_tls(config: Arc<rustls::ServerConfig>) -> Self {
        Self::serve(Some(config))
    }

    fn serve(tls: Option<Arc<rustls::ServerConfig>>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(State::default()));
        let shared = state.clone();
        let is_tls = tls.is_some();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let state = shared.clone();
                let tls = tls.clone();
                std::thread::spawn(move || match tls {
                    None => handle(stream, &state),
                    Some(config) => {
                        let Ok(conn) = rustls::ServerConnection::new(config) else {
                            return;
                        };
                        handle(rustls::StreamOwned::new(conn, stream), &state);
                    }
                });
            }
        });
        FakeApiHub {
            addr,
            tls: is_tls,
            state,
        }
    }

    pub fn url(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.state.lock().unwrap().seen.clone()
    }

    pub fn forget_seen(&self) {
        self.state.lock().unwrap().seen.clear();
    }

    /// The next requests get these answers, in order, whatever they ask.
    pub fn script(&self, answers: &[(u16, &'static str)]) {
        self.state
            .lock()
            .unwrap()
            .script
            .extend(answers.iter().copied());
    }

    pub fn set_read_only(&self, on: bool) {
        self.state.lock().unwrap().read_only = on;
    }

    pub fn set_delay(&self, delay: Option<Duration>) {
        self.state.lock().unwrap().delay = delay;
    }

    pub fn stored(&self, container: &str, key: &str) -> Option<Vec<u8>> {
        let k = (container.to_string(), key.to_string());
        self.state.lock().unwrap().store.get(&k).cloned()
    }
}

fn handle(mut stream: impl Read + Write, state: &Mutex<State>) {
    let Some(req) = read_request(&mut stream) else {
        return;
    };
    let delay = {
        let mut s = state.lock().unwrap();
        s.seen.push(req.clone());
        s.delay
    };
    if let Some(d) = delay {
        std::thread::sleep(d);
    }
    let (status, body) = answer(&mut state.lock().unwrap(), &req);
    let head = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: text/plain\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
    let _ = stream.flush();
}

fn read_request(stream: &mut impl Read) -> Option<Seen> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_string();
    let path = first.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Seen {
        method,
        path,
        headers,
        body,
    })
}

const FAIL: &[u8] = b"Fail";

fn answer(s: &mut State, req: &Seen) -> (u16, Vec<u8>) {
    if let Some((status, body)) = s.script.pop_front() {
        return (status, body.as_bytes().to_vec());
    }
    if s.read_only && req.method != "GET" {
        return (405, b"read only mode is active".to_vec());
    }
    let segs: Vec<&str> = req.path.trim_start_matches('/').split('/').collect();
    // A missing user-id is stored under "undefined", as APIHub does.
    let user = req.header("user-id").unwrap_or("undefined").to_string();
    match (req.method.as_str(), segs.as_slice()) {
        (_, [_, "Broken", ..]) => (555, FAIL.to_vec()),
        ("GET", ["getSSOSecret", app]) => {
            if !["DSU_Fabric", "Demiurge"].contains(app) {
                return (403, FAIL.to_vec());
            }
            match s.store.get(&(app.to_string(), user)) {
                Some(v) => (200, v.clone()),
                None => (404, FAIL.to_vec()),
            }
        }
        ("PUT", ["putSSOSecret", app]) => {
            let Ok(json) = serde_json::from_slice::<serde_json::Value>(&req.body) else {
                return (500, FAIL.to_vec());
            };
            let Some(secret) = json.get("secret").and_then(|v| v.as_str()) else {
                return (500, FAIL.to_vec());
            };
            s.store
                .insert((app.to_string(), user), secret.as_bytes().to_vec());
            (200, Vec::new())
        }
        // Both hard-delete the caller's own secret; the DID is ignored.
        ("DELETE", ["deactivateSSOSecret", app, _] | ["removeSSOSecret", app]) => {
            match s.store.remove(&(app.to_string(), user)) {
                Some(_) => (200, Vec::new()),
                None => (404, FAIL.to_vec()),
            }
        }
        ("PUT", ["putDIDSecret", did, name]) => {
            s.store
                .insert((name.to_string(), did.to_string()), req.body.clone());
            (200, Vec::new())
        }
        ("GET", ["getDIDSecret", did, name]) => {
            if *name != "credential" {
                return (403, FAIL.to_vec());
            }
            match s.store.get(&(name.to_string(), did.to_string())) {
                Some(v) => (200, v.clone()),
                None => (404, b"Failed to get DID secret".to_vec()),
            }
        }
        ("DELETE", ["removeDIDSecret", did, name]) => {
            match s.store.remove(&(name.to_string(), did.to_string())) {
                Some(_) => (200, Vec::new()),
                None => (404, FAIL.to_vec()),
            }
        }
        _ => (404, Vec::new()),
    }
}

/// A CONNECT proxy that tunnels every request to `target`, whatever host
/// it names, and records the CONNECT lines it got.
pub struct ConnectProxy {
    pub addr: SocketAddr,
    pub lines: Arc<Mutex<Vec<String>>>,
}

impl ConnectProxy {
    pub fn start(target: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let lines = Arc::new(Mutex::new(Vec::new()));
        let seen = lines.clone();
        std::thread::spawn(move || {
            for mut client in listener.incoming().flatten() {
                let seen = seen.clone();
                std::thread::spawn(move || {
                    let Some(req) = read_request(&mut client) else {
                        return;
                    };
                    seen.lock()
                        .unwrap()
                        .push(format!("{} {}", req.method, req.path));
                    let Ok(server) = TcpStream::connect(target) else {
                        return;
                    };
                    let _ = client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
                    let (mut c2, mut s2) =
                        (client.try_clone().unwrap(), server.try_clone().unwrap());
                    let (mut c1, mut s1) = (client, server);
                    std::thread::spawn(move || {
                        let _ = std::io::copy(&mut c2, &mut s2);
                    });
                    let _ = std::io::copy(&mut s1, &mut c1);
                });
            }
        });
        ConnectProxy { addr, lines }
    }
}
