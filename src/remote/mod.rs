//! `--remote`: the RFC-134 operations sent to a server over HTTP, the
//! second [`Backend`] beside the local vault.
//!
//! Routes and bodies are the ones the OpenDSU APIHub server answers to, so
//! an existing deployment works unchanged (see `rfc/REFERENCE-NOTES.md`).
//! The server authorises; this side only refuses what must never leave the
//! machine (a passphrase, a token over plain http to another host) and what
//! cannot travel (a putSSOSecret body that is not UTF-8). A token is
//! optional: APIHub deployments authenticate at their front and never read
//! `Authorization`, so without one the requests carry no such header.

mod agent;
mod answer;
mod endpoint;
mod route;
mod tls;

use endpoint::Endpoint;

use crate::credentials::Sources;
use crate::error::{Error, Result};
use crate::ops::{Backend, Credential, MAX_BODY, Operation, Principal, Reply, Request};
use crate::secret::{SecretBytes, SecretString};
use std::io::Read;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use ureq::Agent;
use ureq::http::{HeaderValue, Response};

/// How to reach the server, from the command line.
#[derive(Debug, Clone)]
pub struct Options {
    /// `--remote` / SSO_SECRETS_REMOTE.
    pub url: String,
    /// `--cacert`: trust this CA (PEM) instead of the system's roots.
    pub cacert: Option<PathBuf>,
    /// `--timeout`: each operation's budget, retries included.
    pub timeout: Duration,
    /// `--retries`: further attempts for reads and deletes.
    pub retries: u32,
    /// `--insecure-http`: allow a token over plain http to any host.
    pub insecure_http: bool,
    /// `--read-only` / SSO_SECRETS_READ_ONLY: refuse writes here already.
    pub read_only: bool,
}

/// An RFC-134 server over HTTP.
pub struct RemoteBackend {
    endpoint: Endpoint,
    agent: Agent,
    /// `Authorization: Bearer <token>`, or none without a token.
    bearer: Option<HeaderValue>,
    /// A passphrase source was given (and left unused): said when the
    /// server turns a request without a token away.
    passphrase_given: bool,
    /// `--cacert`, for the advice on a refused certificate.
    cacert: Option<PathBuf>,
    timeout: Duration,
    retries: u32,
    read_only: bool,
}

/// What one attempt produced, and how long the server asked us to wait.
struct Attempt {
    result: Result<Reply>,
    retry_after: Option<Duration>,
}

impl RemoteBackend {
    /// Checks the URL, takes the token (if any) from the credential
    /// sources and builds the client. Nothing is sent yet, and nothing is
    /// prompted for.
    pub fn connect(opts: &Options, sources: &Sources<'_>) -> Result<Self> {
        let endpoint = Endpoint::parse(&opts.url)?;
        // Before the token is read: a refusal is a usage error, which
        // outranks an unreadable token file.
        let with_token = sources.token_file.is_some() || sources.env.token.is_some();
        let checked = endpoint.plain_http_addrs(opts.insecure_http, with_token, |name, port| {
            use std::net::ToSocketAddrs;
            (name, port).to_socket_addrs().map(Iterator::collect)
        })?;
        let bearer = token(sources)?.map(|t| bearer(&t)).transpose()?;
        let agent = agent::build(
            &endpoint,
            checked,
            opts.cacert.as_deref(),
            opts.timeout,
            |k| std::env::var(k).ok(),
        )?;
        Ok(RemoteBackend {
            endpoint,
            agent,
            bearer,
            passphrase_given: sources.passphrase_file.is_some() || sources.env.passphrase.is_some(),
            cacert: opts.cacert.clone(),
            timeout: opts.timeout,
            retries: opts.retries,
            read_only: opts.read_only,
        })
    }

    fn attempt(&self, op: Operation, req: &route::Prepared, deadline: Instant) -> Attempt {
        let host = self.endpoint.host();
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Attempt {
                result: Err(Error::Temporary(format!("{host} did not answer in time"))),
                retry_after: None,
            };
        }
        let mut builder = ureq::http::Request::builder()
            .method(req.method.clone())
            .uri(&req.url);
        if let Some(bearer) = &self.bearer {
            builder = builder.header("authorization", bearer.clone());
        }
        if let Some(user) = &req.user {
            builder = builder.header("user-id", user.clone());
        }
        let sent = match &req.body {
            Some((body, content_type)) => builder
                .header("content-type", *content_type)
                .body(body.expose())
                .map_err(|e| Error::failure(format!("cannot build the request: {e}")))
                .and_then(|r| self.run(r, remaining)),
            None => builder
                .body(())
                .map_err(|e| Error::failure(format!("cannot build the request: {e}")))
                .and_then(|r| self.run(r, remaining)),
        };
        let mut response = match sent {
            Ok(r) => r,
            Err(e) => {
                return Attempt {
                    result: Err(e),
                    retry_after: None,
                };
            }
        };
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let mut reader = response.body_mut().as_reader();
        let result = if (200..300).contains(&status) {
            if op.is_write() {
                Ok(Reply::Done)
            } else {
                let mut buf = SecretBytes::new(Vec::new());
                match (&mut reader)
                    .take(MAX_BODY as u64 + 1)
                    .read_to_end(buf.expose_mut())
                {
                    Ok(_) if buf.len() > MAX_BODY => Err(Error::WrongFormat(format!(
                        "{host} sent a secret larger than 1 MiB"
                    ))),
                    Ok(_) => Ok(Reply::Secret(buf)),
                    Err(e) => Err(Error::Temporary(format!(
                        "the answer from {host} was cut short: {e}"
                    ))),
                }
            }
        } else {
            let mut text = Vec::new();
            // The detail is all we want of an error body; a broken one
            // still leaves the status to go by.
            let _ = (&mut reader).take(4096).read_to_end(&mut text);
            let location = response
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok());
            match answer::status_error(status, &text, host, location) {
                Error::Unauthorized(why) if self.bearer.is_none() => {
                    Err(Error::Unauthorized(format!("{why} ({})", self.no_token())))
                }
                other => Err(other),
            }
        };
        Attempt {
            result,
            retry_after,
        }
    }

    /// What a refused request without a token is missing.
    fn no_token(&self) -> &'static str {
        if self.passphrase_given {
            "no access token was sent, and a passphrase never is; give a token with \
             --token-file or SSO_SECRETS_TOKEN"
        } else {
            "no access token was sent; give one with --token-file or SSO_SECRETS_TOKEN if the \
             server takes Bearer tokens"
        }
    }

    fn run<B: ureq::AsSendBody>(
        &self,
        request: ureq::http::Request<B>,
        remaining: Duration,
    ) -> Result<Response<ureq::Body>> {
        let request = self
            .agent
            .configure_request(request)
            .timeout_global(Some(remaining))
            .build();
        self.agent
            .run(request)
            .map_err(|e| answer::transport_error(e, self.endpoint.host(), self.cacert.as_deref()))
    }
}

impl Backend for RemoteBackend {
    fn call(&self, request: Request) -> Result<Reply> {
        let op = request.operation();
        if op.is_write() && self.read_only {
            return Err(Error::writes_disabled());
        }
        let prepared = route::prepare(&self.endpoint, request)?;
        let deadline = Instant::now() + self.timeout;
        // A put whose answer was lost may have been stored; sending it again
        // could overwrite a newer value, so only reads and deletes retry.
        let attempts = if op.is_idempotent() {
            self.retries.saturating_add(1)
        } else {
            1
        };
        let mut n = 0;
        loop {
            n += 1;
            let Attempt {
                result,
                retry_after,
            } = self.attempt(op, &prepared, deadline);
            match result {
                Err(Error::Temporary(why)) if n < attempts => {
                    let wait = backoff(n).max(retry_after.unwrap_or_default());
                    if Instant::now() + wait >= deadline {
                        return Err(Error::Temporary(why));
                    }
                    std::thread::sleep(wait);
                }
                other => return other,
            }
        }
    }

    fn principal(&self) -> Principal {
        Principal::Remote
    }
}

/// The token from `--token-file` or SSO_SECRETS_TOKEN, if one is given.
/// The passphrase sources are never consulted and nothing is prompted for:
/// a passphrase must not leave the machine, and a server that wants no
/// token (APIHub behind its front) must not make anyone type one.
fn token(sources: &Sources<'_>) -> Result<Option<SecretString>> {
    if sources.token_file.is_none() && sources.env.token.is_none() {
        return Ok(None);
    }
    match sources.credential()? {
        Credential::Token(t) if !t.expose().is_empty() => Ok(Some(t)),
        _ => Err(Error::Unauthorized("the access token is empty".into())),
    }
}

/// `Bearer <token>`, the token as given (an `ssos_` token, a JWT, ...).
/// RFC 6750 tokens are visible ASCII; anything else would be mangled or
/// refused on the way.
fn bearer(token: &SecretString) -> Result<HeaderValue> {
    let bad = || {
        Error::Unauthorized(
            "the access token has characters that cannot travel in an HTTP header".into(),
        )
    };
    if !token.expose().bytes().all(|b| b.is_ascii_graphic()) {
        return Err(bad());
    }
    let mut value =
        HeaderValue::try_from(format!("Bearer {}", token.expose())).map_err(|_| bad())?;
    value.set_sensitive(true);
    Ok(value)
}

/// Exponential backoff from 100 ms, capped at 2 s, with "equal jitter"
/// (half fixed, half random) so that clients turned away together do not
/// come back together.
fn backoff(attempt: u32) -> Duration {
    use ring::rand::{SecureRandom, SystemRandom};
    let ceiling = 100u64.saturating_mul(1 << attempt.min(5)).min(2000);
    let mut r = [0u8; 4];
    let random = match SystemRandom::new().fill(&mut r) {
        Ok(()) => u64::from(u32::from_le_bytes(r)),
        Err(_) => u64::from(u32::MAX / 2),
    };
    let half = ceiling / 2;
    Duration::from_millis(half + random % (half + 1))
}

/// Text from outside (a server's answer, a URL) made safe for one line of
/// stderr, at most 200 characters: control and format characters (bidi
/// overrides, zero-width characters) escaped as [`crate::text::escape`]
/// escapes names, so a server can neither drive the terminal nor make its
/// words read in another order or hide some of them. A backslash stays as
/// it is: `serve` sends the command line's detail, already escaped, and the
/// line must read as it does locally.
pub(crate) fn shorten(text: &str) -> String {
    let mut out = String::new();
    for (n, c) in text.trim().chars().enumerate() {
        if n == 200 {
            out.push('…');
            break;
        }
        if c.is_control() || crate::text::is_format_char(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests;
