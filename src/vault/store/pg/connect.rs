//! Naming and reaching a PostgreSQL database as libpq does: the URL, the
//! password from `PGPASSWORD` or the password file, and TLS with the
//! `sslmode` meanings libpq gives them, through rustls on the ring provider.

use crate::error::{Error, Result};
use postgres::config::{Host, SslMode};
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

/// True for the URLs that name a database rather than a vault file.
pub fn is_url(text: &str) -> bool {
    text.starts_with("postgresql://") || text.starts_with("postgres://")
}

/// libpq's `sslmode`, all six values. As in libpq, a root certificate
/// file that exists (`sslrootcert`, else `~/.postgresql/root.crt`) makes
/// `prefer` and `require` check the server's certificate chain against it
/// (not its name): someone who installed one expects it to be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tls {
    /// `disable`: plain TCP.
    Disable,
    /// `allow` / `prefer` (libpq's default): TLS when the server offers it,
    /// certificate checked only against a root certificate file that
    /// exists.
    Prefer,
    /// `require`: TLS, certificate checked only against a root certificate
    /// file that exists (a given `sslrootcert` makes it `verify-ca`, as
    /// libpq does).
    Require,
    /// `verify-ca`: TLS, certificate chain checked against the roots.
    VerifyCa,
    /// `verify-full`: and the host name.
    VerifyFull,
}

/// A database as `--vault` names it. The URL is kept as given (it holds no
/// password: one is refused), so it can be shown in messages.
#[derive(Clone, PartialEq, Eq)]
pub struct Target {
    url: String,
    /// The URL without the options this module handles itself.
    rest: String,
    tls: Tls,
    root_cert: Option<PathBuf>,
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Target({})", self.url)
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.url)
    }
}

impl Target {
    /// Parses a `postgresql://` URL. Bad syntax, an unknown option or a
    /// password in the URL (it would sit on argv, visible to every user)
    /// is a usage error (exit 2). `sslmode` and `sslrootcert` default to
    /// `PGSSLMODE` and `PGSSLROOTCERT`, as in libpq: a deployment that sets
    /// `PGSSLMODE=verify-full` must not get an unchecked connection.
    pub fn parse(url: &str) -> Result<Target> {
        Self::parse_with(url, |k| std::env::var(k).ok().filter(|v| !v.is_empty()))
    }

    /// [`Target::parse`], with the environment read through `env`.
    fn parse_with(url: &str, env: impl Fn(&str) -> Option<String>) -> Result<Target> {
        let bad = |why: String| Error::Usage(format!("invalid PostgreSQL URL: {why}"));
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let mut tls = None;
        let mut root_cert = None;
        let mut kept = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let value = percent_encoding::percent_decode_str(v)
                .decode_utf8()
                .map_err(|_| bad(format!("{k} is not UTF-8")))?
                .into_owned();
            match k {
                "sslmode" => tls = Some(sslmode(&value).map_err(bad)?),
                "sslrootcert" => root_cert = Some(PathBuf::from(value)),
                "password" => {
                    return Err(bad(
                        "a password does not belong in the URL (argv is visible to every user); \
                         put it in ~/.pgpass (or PGPASSFILE) or PGPASSWORD"
                            .into(),
                    ));
                }
                "sslcert" | "sslkey" | "sslpassword" => {
                    return Err(bad(format!("{k} (client certificates) is not supported")));
                }
                _ => kept.push(pair),
            }
        }
        let rest = if kept.is_empty() {
            base.to_string()
        } else {
            format!("{base}?{}", kept.join("&"))
        };
        let config = postgres::Config::from_str(&rest).map_err(|e| bad(with_cause(&e)))?;
        if config.get_password().is_some() {
            return Err(bad(
                "a password does not belong in the URL (argv is visible to every user); \
                 put it in ~/.pgpass (or PGPASSFILE) or PGPASSWORD"
                    .into(),
            ));
        }
        let tls = match tls {
            Some(t) => Some(t),
            None => env("PGSSLMODE")
                .map(|m| sslmode(&m))
                .transpose()
                .map_err(|why| bad(format!("PGSSLMODE: {why}")))?,
        };
        let root_cert = root_cert.or_else(|| env("PGSSLROOTCERT").map(PathBuf::from));
        let system = root_cert
            .as_ref()
            .is_some_and(|p| p.as_os_str() == "system");
        let mut tls = match tls {
            // The system's roots trust anyone who can get a certificate for
            // a name he controls: only the name check means anything, so
            // libpq makes it the default and refuses anything weaker.
            None if system => Tls::VerifyFull,
            Some(t) if system && t != Tls::VerifyFull => {
                return Err(bad(
                    "sslrootcert=system needs sslmode=verify-full (any certificate from a public \
                     authority would pass a weaker check)"
                        .into(),
                ));
            }
            t => t.unwrap_or(Tls::Prefer),
        };
        if tls == Tls::Require && root_cert.is_some() {
            tls = Tls::VerifyCa;
        }
        Ok(Target {
            url: url.to_string(),
            rest,
            tls,
            root_cert,
        })
    }

    /// The connection settings: the URL's, then libpq's environment
    /// defaults, the password, and the timeouts this tool needs.
    fn config(&self) -> Result<postgres::Config> {
        let mut c = postgres::Config::from_str(&self.rest)
            .map_err(|e| Error::Usage(format!("invalid PostgreSQL URL: {e}")))?;
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        if c.get_hosts().is_empty() {
            match env("PGHOST") {
                Some(h) if h.starts_with('/') => c.host_path(h),
                Some(h) => c.host(&h),
                None => c.host_path(default_socket_dir()),
            };
        }
        if c.get_ports().is_empty()
            && let Some(p) = env("PGPORT").and_then(|p| p.parse().ok())
        {
            c.port(p);
        }
        if c.get_user().is_none() {
            let user = env("PGUSER")
                .or_else(|| {
                    nix::unistd::User::from_uid(nix::unistd::geteuid())
                        .ok()
                        .flatten()
                        .map(|u| u.name)
                })
                .ok_or_else(|| Error::Usage("the PostgreSQL URL names no user".into()))?;
            c.user(&user);
        }
        if c.get_dbname().is_none()
            && let Some(db) = env("PGDATABASE")
        {
            c.dbname(&db);
        }
        if let Some(pw) = password(&c) {
            c.password(pw);
        }
        if c.get_connect_timeout().is_none() {
            c.connect_timeout(Duration::from_secs(5));
        }
        c.keepalives_idle(Duration::from_secs(30));
        c.application_name("sso-secrets");
        c.ssl_mode(match self.tls {
            Tls::Disable => SslMode::Disable,
            Tls::Prefer => SslMode::Prefer,
            Tls::Require | Tls::VerifyCa | Tls::VerifyFull => SslMode::Require,
        });
        Ok(c)
    }

    /// Opens one connection.
    pub(super) fn connect(&self) -> Result<postgres::Client> {
        let config = self.config()?;
        let tls = tokio_postgres_rustls::MakeRustlsConnect::new(self.tls_config()?);
        let err = |e: postgres::Error| super::db_error(self, "cannot connect to", &e);
        let mut client = config.connect(tls).map_err(err)?;
        // A lock wait (an administrator's `LOCK TABLE`, a schema change)
        // ends here, as a temporary failure, before the caller's own limit
        // gives the connection up.
        client
            .batch_execute("SET lock_timeout = '5s'")
            .map_err(err)?;
        Ok(client)
    }

    fn tls_config(&self) -> Result<rustls::ClientConfig> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let home = directories::BaseDirs::new().map(|d| d.home_dir().to_path_buf());
        let verifier: Arc<dyn ServerCertVerifier> = match self.tls {
            Tls::Disable => Arc::new(Unverified(provider.clone())),
            Tls::Prefer | Tls::Require => match self.root_file_present(home.as_deref()) {
                None => Arc::new(Unverified(provider.clone())),
                Some(_) => {
                    let roots = self.roots()?;
                    let webpki = WebPkiServerVerifier::builder_with_provider(
                        Arc::new(roots),
                        provider.clone(),
                    )
                    .build()
                    .map_err(|e| Error::failure(format!("TLS roots for {self}: {e}")))?;
                    Arc::new(Verified {
                        webpki,
                        check_name: false,
                    })
                }
            },
            Tls::VerifyCa | Tls::VerifyFull => {
                let roots = self.roots()?;
                let webpki =
                    WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                        .build()
                        .map_err(|e| Error::failure(format!("TLS roots for {self}: {e}")))?;
                Arc::new(Verified {
                    webpki,
                    check_name: self.tls == Tls::VerifyFull,
                })
            }
        };
        Ok(rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::failure(format!("TLS setup: {e}")))?
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth())
    }

    /// For `prefer` and `require`: the root certificate file to check the
    /// server against, when one exists (`sslrootcert`, else
    /// `~/.postgresql/root.crt` under `home`), as libpq decides.
    fn root_file_present(&self, home: Option<&Path>) -> Option<PathBuf> {
        let path = match &self.root_cert {
            Some(p) => p.clone(),
            None => home?.join(".postgresql/root.crt"),
        };
        path.is_file().then_some(path)
    }

    /// `sslrootcert` (`system`: the system's roots), else libpq's default
    /// `~/.postgresql/root.crt`.
    fn roots(&self) -> Result<RootCertStore> {
        let mut roots = RootCertStore::empty();
        let path = match &self.root_cert {
            Some(p) if p.as_os_str() == "system" => {
                let found = rustls_native_certs::load_native_certs();
                for c in found.certs {
                    let _ = roots.add(c);
                }
                return Ok(roots);
            }
            Some(p) => p.clone(),
            None => directories::BaseDirs::new()
                .map(|d| d.home_dir().join(".postgresql/root.crt"))
                .ok_or_else(|| Error::failure("sslmode needs sslrootcert=<PEM file>"))?,
        };
        let certs = CertificateDer::pem_file_iter(&path)
            .and_then(|i| i.collect::<std::result::Result<Vec<_>, _>>())
            .map_err(|e| {
                Error::failure(format!(
                    "cannot read the database's root certificate {} (sslrootcert): {e}",
                    path.display()
                ))
            })?;
        for c in certs {
            roots
                .add(c)
                .map_err(|e| Error::failure(format!("{}: {e}", path.display())))?;
        }
        Ok(roots)
    }
}

/// An error with its causes (the URL parser says what was wrong only in
/// its source).
fn with_cause(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(&format!(": {s}"));
        source = s.source();
    }
    text
}

/// libpq's `sslmode` values.
fn sslmode(value: &str) -> std::result::Result<Tls, String> {
    Ok(match value {
        "disable" => Tls::Disable,
        "allow" | "prefer" => Tls::Prefer,
        "require" => Tls::Require,
        "verify-ca" => Tls::VerifyCa,
        "verify-full" => Tls::VerifyFull,
        other => return Err(format!("unknown sslmode {other:?}")),
    })
}

/// Where Debian's and most distributions' servers put their socket.
fn default_socket_dir() -> &'static str {
    if Path::new("/var/run/postgresql").is_dir() {
        "/var/run/postgresql"
    } else {
        "/tmp"
    }
}

/// `PGPASSWORD`, else the first matching line of the password file
/// (`PGPASSFILE`, default `~/.pgpass`), which libpq ignores, as this does,
/// when group or others can read it.
fn password(c: &postgres::Config) -> Option<Vec<u8>> {
    if let Some(pw) = std::env::var_os("PGPASSWORD").filter(|p| !p.is_empty()) {
        return Some(pw.into_encoded_bytes());
    }
    let file = std::env::var_os("PGPASSFILE")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| directories::BaseDirs::new().map(|d| d.home_dir().join(".pgpass")))?;
    let meta = std::fs::metadata(&file).ok()?;
    use std::os::unix::fs::MetadataExt;
    if !meta.is_file() || meta.mode() & 0o077 != 0 {
        return None;
    }
    let text = std::fs::read_to_string(&file).ok()?;
    let host = match c.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        _ => "localhost".into(),
    };
    let port = c.get_ports().first().copied().unwrap_or(5432).to_string();
    let user = c.get_user().unwrap_or_default();
    let db = c.get_dbname().unwrap_or(user);
    pgpass_lookup(&text, [&host, &port, db, user])
}

/// The password of the first `host:port:database:user:password` line that
/// matches (`*` matches anything; `\:` and `\\` are escapes).
fn pgpass_lookup(text: &str, want: [&str; 4]) -> Option<Vec<u8>> {
    for line in text.lines() {
        if line.starts_with('#') {
            continue;
        }
        let mut fields = Vec::new();
        let mut cur = String::new();
        let mut chars = line.chars();
        while let Some(ch) = chars.next() {
            match ch {
                '\\' => cur.extend(chars.next()),
                ':' if fields.len() < 4 => fields.push(std::mem::take(&mut cur)),
                _ => cur.push(ch),
            }
        }
        if fields.len() != 4 {
            continue;
        }
        if fields.iter().zip(want).all(|(f, w)| f == "*" || f == w) {
            return Some(cur.into_bytes());
        }
    }
    None
}

/// `sslmode` prefer/require without roots: encrypted, not authenticated
/// (as libpq). The handshake signatures are still checked.
#[derive(Debug)]
struct Unverified(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for Unverified {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// `verify-ca` (chain only) and `verify-full` (chain and name).
#[derive(Debug)]
struct Verified {
    webpki: Arc<WebPkiServerVerifier>,
    check_name: bool,
}

impl ServerCertVerifier for Verified {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        match self
            .webpki
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) if !self.check_name => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.webpki.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse_as_libpq_reads_them_and_refuse_passwords() {
        let t = Target::parse(
            "postgresql://app@db.example:5433/vault?sslmode=verify-full&sslrootcert=/etc/ca.pem",
        )
        .unwrap();
        assert_eq!(t.tls, Tls::VerifyFull);
        assert_eq!(t.root_cert.as_deref(), Some(Path::new("/etc/ca.pem")));
        assert_eq!(t.rest, "postgresql://app@db.example:5433/vault");
        let t = Target::parse("postgres://app@/vault?host=/run/pg").unwrap();
        assert_eq!(t.tls, Tls::Prefer);
        // require with a root certificate is verify-ca, as in libpq.
        let t = Target::parse("postgresql://h/db?sslmode=require&sslrootcert=/ca").unwrap();
        assert_eq!(t.tls, Tls::VerifyCa);
        for bad in [
            "postgresql://app:hunter2@h/db",
            "postgresql://app@h/db?password=x",
            "postgresql://h/db?sslmode=sometimes",
            "postgresql://h/db?nonsense=1",
            "postgresql://h/db?sslcert=/c",
            // Keys are percent-decoded too: no way around the checks.
            "postgresql://h/db?pass%77ord=hunter2",
            "postgresql://h/db?ssl%72ootcert=/ca",
        ] {
            let e = Target::parse(bad).unwrap_err();
            assert_eq!(e.status(), crate::status::Status::Usage, "{bad}");
            assert!(!e.detail().contains("hunter2"), "{}", e.detail());
        }
        // An encoded sslmode is not this module's to read, and the
        // driver's reading of it is overridden by this module's own.
        let t = Target::parse_with("postgresql://h/db?ssl%6Dode=disable", |_| None).unwrap();
        assert_eq!(t.tls, Tls::Prefer);
        assert_eq!(
            t.config().unwrap().get_ssl_mode(),
            postgres::config::SslMode::Prefer
        );
    }

    #[test]
    fn sslmode_and_sslrootcert_default_and_combine_as_in_libpq() {
        let none = |_: &str| None;
        // sslrootcert=system: verify-full unless said otherwise, and
        // nothing weaker (any public authority's certificate would do).
        let t = Target::parse_with("postgresql://h/db?sslrootcert=system", none).unwrap();
        assert_eq!(t.tls, Tls::VerifyFull);
        for weak in ["disable", "allow", "prefer", "require", "verify-ca"] {
            let url = format!("postgresql://h/db?sslrootcert=system&sslmode={weak}");
            let e = Target::parse_with(&url, none).unwrap_err();
            assert_eq!(e.status(), crate::status::Status::Usage, "{weak}");
        }
        // PGSSLMODE and PGSSLROOTCERT when the URL says nothing; the URL wins.
        let env = |k: &str| match k {
            "PGSSLMODE" => Some("verify-full".to_string()),
            "PGSSLROOTCERT" => Some("/etc/ca.pem".to_string()),
            _ => None,
        };
        let t = Target::parse_with("postgresql://h/db", env).unwrap();
        assert_eq!(t.tls, Tls::VerifyFull);
        assert_eq!(t.root_cert.as_deref(), Some(Path::new("/etc/ca.pem")));
        let t = Target::parse_with("postgresql://h/db?sslmode=disable", env).unwrap();
        assert_eq!(t.tls, Tls::Disable);
        let system = |k: &str| (k == "PGSSLROOTCERT").then(|| "system".to_string());
        let t = Target::parse_with("postgresql://h/db", system).unwrap();
        assert_eq!(t.tls, Tls::VerifyFull);
        let bad = |k: &str| (k == "PGSSLMODE").then(|| "sometimes".to_string());
        let e = Target::parse_with("postgresql://h/db", bad).unwrap_err();
        assert_eq!(e.status(), crate::status::Status::Usage);
        // ~/.postgresql/root.crt, once it exists, is what prefer and
        // require check the server against.
        let home = tempfile::tempdir().unwrap();
        let t = Target::parse_with("postgresql://h/db?sslmode=require", none).unwrap();
        assert_eq!(t.root_file_present(Some(home.path())), None);
        std::fs::create_dir(home.path().join(".postgresql")).unwrap();
        let file = home.path().join(".postgresql/root.crt");
        std::fs::write(&file, "").unwrap();
        assert_eq!(t.root_file_present(Some(home.path())), Some(file));
    }

    #[test]
    fn the_password_file_matches_as_libpq_does() {
        let text = "# comment\nother:*:*:*:no\n*:5432:vault:app:pa\\:ss\nlocalhost:*:*:*:sock\n";
        assert_eq!(
            pgpass_lookup(text, ["db", "5432", "vault", "app"]).as_deref(),
            Some(&b"pa:ss"[..])
        );
        assert_eq!(
            pgpass_lookup(text, ["localhost", "5433", "x", "y"]).as_deref(),
            Some(&b"sock"[..])
        );
        assert_eq!(pgpass_lookup(text, ["db", "5433", "vault", "app"]), None);
    }
}
