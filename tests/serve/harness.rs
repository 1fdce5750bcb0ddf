//! A real `sso-secrets serve` process on a test vault, and an HTTP client.

use crate::common::{Vault, raw_bin};
use std::io::{BufRead, BufReader};
use std::process::{Child, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT` (or https), or `unix:PATH`.
    pub base: String,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    log: Arc<Mutex<Vec<String>>>,
    reader: Option<JoinHandle<()>>,
}

impl Server {
    /// `sso-secrets --vault V serve --listen 127.0.0.1:0 ARGS…`, once it
    /// has printed `listening on …`.
    pub fn start(v: &Vault, args: &[&str]) -> Server {
        Self::start_with(v, &["--listen", "127.0.0.1:0"], args)
    }

    pub fn start_with(v: &Vault, listen: &[&str], args: &[&str]) -> Server {
        Self::start_env(v, listen, args, &[])
    }

    /// [`Server::start_with`] with `env` added to the server's environment.
    pub fn start_env(v: &Vault, listen: &[&str], args: &[&str], env: &[(&str, &str)]) -> Server {
        let child = raw_bin()
            .arg("--vault")
            .arg(&v.path)
            .arg("serve")
            .args(listen)
            .args(args)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn serve");
        Self::attach(child)
    }

    /// A server already spawned (by something that then execs it), with
    /// its stderr piped, once it has printed `listening on …`.
    pub fn attach(mut child: Child) -> Server {
        let mut reader = BufReader::new(child.stderr.take().expect("stderr"));
        let mut first = String::new();
        reader.read_line(&mut first).expect("first line");
        let base = first
            .trim_end()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("first stderr line: {first:?}"))
            .to_string();
        // `unix:PATH` for a Unix socket: no scheme, and the path as address.
        let addr = base.split("://").nth(1).unwrap_or(&base).to_string();
        let log = Arc::new(Mutex::new(Vec::new()));
        let sink = log.clone();
        let reader = std::thread::spawn(move || {
            for line in reader.lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        Server {
            child,
            base,
            addr,
            log,
            reader: Some(reader),
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends SIGTERM.
    pub fn terminate(&self) {
        self.signal("TERM");
    }

    /// Sends signal `name` (`TERM`, `HUP`…).
    pub fn signal(&self, name: &str) {
        let ok = std::process::Command::new("kill")
            .args([&format!("-{name}"), &self.pid().to_string()])
            .status()
            .expect("kill")
            .success();
        assert!(ok, "kill -{name} failed");
    }

    /// The stderr lines after the first, so far.
    pub fn lines(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// Waits (a minute at most, then panics) for a log line `pred` accepts,
    /// and returns it parsed. For what the server logs on its own time, such
    /// as a timeout or a reload; the wait bounds a hang, it measures nothing.
    pub fn wait_for_log(
        &self,
        what: &str,
        pred: impl Fn(&serde_json::Value) -> bool,
    ) -> serde_json::Value {
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        loop {
            let found = self
                .lines()
                .iter()
                .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
                .find(|j| pred(j));
            if let Some(j) = found {
                return j;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "no log line for {what}: {:?}",
                self.lines()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// SIGTERM, then the exit status and every stderr line after the first.
    pub fn stop(mut self) -> (ExitStatus, Vec<String>) {
        self.terminate();
        let status = self.child.wait().expect("wait");
        if let Some(r) = self.reader.take() {
            r.join().unwrap();
        }
        let log = self.log.lock().unwrap().clone();
        (status, log)
    }

    pub fn client(&self, token: &str) -> Http {
        Http::new(&self.base, Some(token))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Resp {
    pub status: u16,
    pub body: Vec<u8>,
    pub headers: ureq::http::HeaderMap,
}

impl Resp {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    }
}

/// A ureq agent that returns every status as a response.
pub struct Http {
    agent: ureq::Agent,
    base: String,
    token: Option<String>,
}

impl Http {
    pub fn new(base: &str, token: Option<&str>) -> Http {
        Self::with_agent(base, token, ureq::Agent::config_builder())
    }

    pub fn with_agent(
        base: &str,
        token: Option<&str>,
        config: ureq::config::ConfigBuilder<ureq::typestate::AgentScope>,
    ) -> Http {
        let agent = config
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .new_agent();
        Http {
            agent,
            base: base.to_string(),
            token: token.map(String::from),
        }
    }

    /// Sends `method path` with `headers` (and the Bearer token) and `body`.
    pub fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> Resp {
        let mut req = ureq::http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base));
        if let Some(t) = &self.token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let result = match body {
            Some(b) => self.agent.run(req.body(b.to_vec()).unwrap()),
            None => self.agent.run(req.body(()).unwrap()),
        };
        let mut r = result.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let body = r
            .body_mut()
            .with_config()
            .limit(16 << 20)
            .read_to_vec()
            .unwrap();
        Resp {
            status,
            body,
            headers,
        }
    }

    pub fn get(&self, path: &str, user: Option<&str>) -> Resp {
        let h: Vec<(&str, &str)> = user.map(|u| ("user-id", u)).into_iter().collect();
        self.send("GET", path, &h, None)
    }

    pub fn put(&self, path: &str, user: Option<&str>, body: &[u8]) -> Resp {
        let h: Vec<(&str, &str)> = user.map(|u| ("user-id", u)).into_iter().collect();
        self.send("PUT", path, &h, Some(body))
    }

    pub fn delete(&self, path: &str, user: Option<&str>) -> Resp {
        let h: Vec<(&str, &str)> = user.map(|u| ("user-id", u)).into_iter().collect();
        self.send("DELETE", path, &h, None)
    }
}

/// A vault with a write token for everything; returns it with the token.
pub fn vault_with_token() -> (Vault, String) {
    let v = Vault::new();
    let t = v.create_token(&["writer", "--write"]);
    (v, t)
}

/// `{"secret":"…"}` for `value`.
pub fn json_secret(value: &str) -> Vec<u8> {
    serde_json::json!({ "secret": value })
        .to_string()
        .into_bytes()
}
