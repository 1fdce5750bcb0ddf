//! Command-line definitions (clap derive). No I/O here.

use crate::crypto::KdfParams;
use crate::names::{AppName, Did, SecretName, UserId, UserRef};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::ffi::OsString;
use std::path::PathBuf;

// Macros, not consts, so `concat!` can build the long help from them.
// Without `--remote` (the cargo feature) they do not mention it.
macro_rules! exit_codes {
    () => {
        concat!(
            "Exit status (RFC-134 status in brackets):
  0   [200] success
  43  [403] unauthorized: no credential, wrong passphrase or token, revoked or
            expired token, a token used outside its scope
  44  [404] no such secret (get-sso: also a deactivated one)
  50  [500] wrong secret format: empty or oversized body; the vault or an
            entry fails authentication (corrupted, truncated, tampered)
  55  [555] read-only: a write refused by --read-only, SSO_SECRETS_READ_ONLY,
            a vault set read-only, or a read-only file system
  1   [ - ] failure outside the RFC: no vault, I/O error, a vault others may write
",
            exit_75!(),
            "
  2   [ - ] usage: unknown command or flag, missing or invalid argument"
        )
    };
}
#[cfg(feature = "remote")]
macro_rules! exit_75 {
    () => {
        "  75  [ - ] temporary, worth retrying: vault busy past --lock-timeout; with
            --remote, a server unreachable, timed out, or answering 429/502/503/504"
    };
}
#[cfg(not(feature = "remote"))]
macro_rules! exit_75 {
    () => {
        "  75  [ - ] temporary, worth retrying: vault busy past --lock-timeout"
    };
}

#[cfg(feature = "remote")]
macro_rules! credentials {
    () => {
        "Credentials (first found wins): --token-file, SSO_SECRETS_TOKEN, --passphrase-file,
SSO_SECRETS_PASSPHRASE, then a hidden prompt on the terminal (never with --no-input
or without a terminal: then exit 43). Secrets are never taken on the command line.
With --remote only the token sources count: a passphrase never leaves the machine, and
with no token the requests carry no Authorization header (APIHub authenticates at its front)."
    };
}
#[cfg(not(feature = "remote"))]
macro_rules! credentials {
    () => {
        "Credentials (first found wins): --token-file, SSO_SECRETS_TOKEN, --passphrase-file,
SSO_SECRETS_PASSPHRASE, then a hidden prompt on the terminal (never with --no-input
or without a terminal: then exit 43). Secrets are never taken on the command line."
    };
}

/// Exit codes, shown in the long help and the man page.
pub const EXIT_CODES: &str = exit_codes!();

/// Where a subcommand's help sends the reader for the options every
/// command takes.
#[cfg(feature = "remote")]
pub const GLOBALS_POINTER: &str = "Global options (--vault, --json, --no-input, --read-only, \
--lock-timeout, --token-file, --passphrase-file, --remote, ...) work here too; \
`sso-secrets --help` lists them.";
/// Where a subcommand's help sends the reader for the options every
/// command takes.
#[cfg(not(feature = "remote"))]
pub const GLOBALS_POINTER: &str = "Global options (--vault, --json, --no-input, --read-only, \
--lock-timeout, --token-file, --passphrase-file, ...) work here too; \
`sso-secrets --help` lists them.";

/// The command line as it is parsed and as `--help` shows it. A
/// subcommand's help lists its own options and points at `sso-secrets
/// --help` for the global ones, which it still accepts: fourteen global
/// options above `get-sso`'s one hid the option a newcomer looked for.
/// (Completions and man pages are generated from [`Cli::command`], so they
/// still offer every option everywhere.)
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    let cmd = Cli::command();
    let globals: Vec<clap::Arg> = cmd
        .get_arguments()
        .filter(|a| a.is_global_set())
        .cloned()
        .collect();
    hide_globals(cmd, &globals)
}

/// Gives every subcommand its own hidden copy of the global options, before
/// clap builds the command: clap propagates a global option only where the
/// subcommand has none of that name, and the copies keep the name, so the
/// values still reach the top level. (Hiding them after the build would
/// leave clap's index of flags pointing at the wrong options.)
fn hide_globals(mut cmd: clap::Command, globals: &[clap::Arg]) -> clap::Command {
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    // `mut_subcommand` moves the subcommand to the end: going through all
    // of them in order keeps their order.
    for name in names {
        cmd = cmd.mut_subcommand(&name, |mut sc| {
            for a in globals {
                sc = sc.arg(a.clone().hide(true));
            }
            let after = sc.get_after_help().map(|h| h.to_string());
            sc = sc.after_help(match after {
                Some(h) => format!("{h}\n\n{GLOBALS_POINTER}"),
                None => GLOBALS_POINTER.to_string(),
            });
            if let Some(h) = sc.get_after_long_help().map(|h| h.to_string()) {
                sc = sc.after_long_help(format!("{h}\n\n{GLOBALS_POINTER}"));
            }
            hide_globals(sc, globals)
        });
    }
    cmd
}

/// How credentials are found.
#[cfg(test)]
const CREDENTIALS: &str = credentials!();

/// Keeps SSO and DID secrets (RFC-134) in a local encrypted vault.
#[derive(Debug, Parser)]
#[command(
    name = "sso-secrets",
    version,
    about = "Keeps SSO and DID secrets (RFC-134) in a local encrypted vault",
    long_about = "Keeps SSO and DID secrets (RFC-134 \"SSO Secrets\") in a local AES-256-GCM \
encrypted vault file, unlocked by an Argon2id passphrase or by a scoped access token (the \
RFC's Bearer token). Every RFC status maps to a process exit code, so scripts can branch on it.",
    after_help = "Run `sso-secrets --help` for exit codes and credentials.",
    after_long_help = concat!(
        credentials!(),
        "\n\n",
        exit_codes!(),
        "\n\nExample:\n",
        "  sso-secrets init    # or, in a script: SSO_SECRETS_PASSPHRASE=... sso-secrets init\n",
        "  printf 's3cret' | sso-secrets put-sso demo --user-id alice\n",
        "  sso-secrets get-sso demo --user-id alice"
    )
)]
pub struct Cli {
    /// Options valid before or after the subcommand.
    #[command(flatten)]
    pub global: Global,
    /// The operation.
    #[command(subcommand)]
    pub command: Command,
}

/// Global options.
#[derive(Debug, Args)]
pub struct Global {
    // No clap `env` here: clap takes SSO_SECRETS_VAULT= (empty) as an empty
    // --vault; `Env` reads it instead, and an empty value counts as unset.
    /// Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]
    #[arg(long, global = true, value_name = "PATH|URL")]
    pub vault: Option<PathBuf>,
    /// Success: one JSON object on stdout; failure: one JSON object on stderr
    #[arg(long, global = true)]
    pub json: bool,
    /// Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)
    #[arg(long, global = true)]
    pub read_only: bool,
    /// Never prompt; what is missing fails instead
    #[arg(long, global = true)]
    pub no_input: bool,
    /// Seconds a writer waits for another writer before exit 75 "vault busy"
    #[arg(long, global = true, value_name = "SECONDS", default_value_t = 10.0,
          value_parser = parse_timeout)]
    pub lock_timeout: f64,
    /// Access token from the first line of this file (a leading "Bearer " is ignored)
    #[arg(long, global = true, value_name = "PATH")]
    pub token_file: Option<PathBuf>,
    /// Vault passphrase from the first line of this file
    #[arg(long, global = true, value_name = "PATH")]
    pub passphrase_file: Option<PathBuf>,
    #[cfg(feature = "remote")]
    // No clap `env`, as for --vault: `Env` reads SSO_SECRETS_REMOTE, and an
    // empty value counts as unset.
    /// Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)
    #[arg(long, global = true, value_name = "URL", help_heading = "Remote")]
    pub remote: Option<String>,
    #[cfg(feature = "remote")]
    /// With --remote: trust this CA certificate (PEM) instead of the system's roots
    #[arg(long, global = true, value_name = "PEM", help_heading = "Remote")]
    pub cacert: Option<PathBuf>,
    #[cfg(feature = "remote")]
    /// With --remote: seconds each request may take, retries included
    #[arg(long, global = true, value_name = "SECONDS", default_value_t = 10.0,
          value_parser = parse_remote_timeout, help_heading = "Remote")]
    pub timeout: f64,
    #[cfg(feature = "remote")]
    /// With --remote: further attempts for reads and deletes on exit-75 failures (never puts)
    #[arg(long, global = true, value_name = "N", default_value_t = 2,
          value_parser = clap::value_parser!(u32).range(0..=10), help_heading = "Remote")]
    pub retries: u32,
    /// Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS
    #[cfg(any(feature = "remote", feature = "serve"))]
    #[arg(long, global = true, help_heading = "Remote")]
    pub insecure_http: bool,
}

fn parse_timeout(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && (0.0..=86_400.0).contains(&v) => Ok(v),
        _ => Err(format!("{s:?} is not a number of seconds from 0 to 86400")),
    }
}

#[cfg(feature = "serve")]
fn parse_socket_mode(s: &str) -> Result<u32, String> {
    match u32::from_str_radix(s, 8) {
        Ok(m) if m & !0o770 == 0 && m & 0o600 == 0o600 => Ok(m),
        Ok(m) if m & 0o007 != 0 => Err(format!(
            "{s:?} lets every local user connect, and so act as the front; use 600 or 660"
        )),
        _ => Err(format!(
            "{s:?} is not an octal mode with read and write for the owner and no bits for \
             others, such as 600 or 660"
        )),
    }
}

#[cfg(feature = "remote")]
fn parse_remote_timeout(s: &str) -> Result<f64, String> {
    match parse_timeout(s) {
        Ok(v) if v > 0.0 => Ok(v),
        _ => Err(format!(
            "{s:?} is not a number of seconds above 0, up to 86400"
        )),
    }
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a vault protected by a new passphrase
    #[command(after_help = "Examples:\n  sso-secrets init\n  \
        SSO_SECRETS_PASSPHRASE=... sso-secrets init --kdf-memory 256 --kdf-iterations 4")]
    Init(Kdf),
    /// RFC 1. Get SSO Secret: print the secret of a user of an app
    #[command(
        after_help = "Example:\n  (umask 077; sso-secrets get-sso demo --user-id alice > secret.bin)"
    )]
    GetSso(SsoArgs),
    /// RFC 2. Put SSO Secret: store (or re-activate) the secret of a user of an app
    #[command(
        after_help = "Examples:\n  printf 's3cret' | sso-secrets put-sso demo --user-id alice\n  \
        sso-secrets put-sso demo --user-id alice --file secret.bin"
    )]
    PutSso(PutSsoArgs),
    /// RFC 3. Deactivate SSO Secret: keep it, but get-sso answers 404 until the next put-sso
    #[command(
        override_usage = "sso-secrets deactivate-sso [OPTIONS] <APP> (<DID> | --user-id <USER_ID>)",
        after_help = "Examples:\n  sso-secrets deactivate-sso demo --user-id alice\n  \
        sso-secrets deactivate-sso demo \"$(sso-secrets did encode did:ssi:name:vault.example:demo/alice)\""
    )]
    DeactivateSso(SsoByDid),
    /// RFC 4. Remove SSO Secret: erase it
    #[command(
        override_usage = "sso-secrets remove-sso [OPTIONS] <APP> (<DID> | --user-id <USER_ID>)",
        after_help = "Examples:\n  sso-secrets remove-sso demo --user-id alice\n  \
        sso-secrets remove-sso demo \"$(sso-secrets did encode did:ssi:name:vault.example:demo/alice)\""
    )]
    RemoveSso(SsoByDid),
    /// RFC 5. Put DID Secret: store a named secret of a DID
    #[command(
        after_help = "Example:\n  DID=$(sso-secrets did encode did:ssi:name:vault.example:demo/alice)\n  \
        sso-secrets put-did \"$DID\" credential --file cred.json"
    )]
    PutDid(PutDidArgs),
    /// RFC 6. Get DID Secret: print a named secret of a DID
    #[command(after_help = "Example:\n  sso-secrets get-did \"$DID\" credential")]
    GetDid(DidArgs),
    /// RFC 7. Delete DID Secret: erase a named secret of a DID
    #[command(
        visible_alias = "remove-did",
        after_help = "Example:\n  sso-secrets delete-did \"$DID\" credential"
    )]
    DeleteDid(DidArgs),
    /// Serve the RFC-134 HTTP API from this vault (every request needs a Bearer token, or a trusted front)
    #[cfg(feature = "serve")]
    #[command(
        after_help = "The APIHub routes (GET /getSSOSecret/{app} with header user-id, PUT \
        /putSSOSecret/{app} with {\"secret\":\"…\"}, DELETE /deactivateSSOSecret/{app}/{did}, DELETE \
        /removeSSOSecret/{app}, PUT /putDIDSecret/{did}/{name}, GET /getDIDSecret/{did}/{name}, DELETE \
        /removeDIDSecret/{did}/{name}) and the RFC text's spellings; GET /healthz and GET \
        /metrics need no token.\n\
        Runs until SIGINT or SIGTERM, then finishes the requests in flight. The first line on \
        stderr is `listening on http://ADDR`, then one JSON line per request or connection \
        event.\n\n\
        Health (GET or HEAD /healthz, no token):\n  \
        200 ok while the vault opens and its head parses (a database: reachable, or reached \
        within 100 ms); else 503 with one word: missing (no vault at the path, or unreadable), \
        corrupt (the head does not parse), unreachable (the database). The server holds no \
        key, so /healthz cannot verify the vault's signatures: the first request with a token \
        does, and answers 500 for a vault that fails them.\n\n\
        Log (stderr, one JSON object per line):\n  \
        A request: time, peer (client address, or unix), method, route (the template, never \
        the path), status, duration_ms, token (its name, or null), for a front's request \
        caller (front:<16 hex digits>, the same for one user id during a run and naming \
        nobody; front when it set no user-id), and for every 4xx/5xx a reason: \
        no_token, malformed_token, unknown_token, invalid_token, revoked, expired, \
        out_of_scope, read_only_token, admin_only, other_user, no_user, not_found, \
        bad_request, no_route, \
        method_not_allowed, timeout, not_json, empty_secret, secret_too_large, bad_secret, \
        read_only, corrupt, busy, store_unreachable, failure; /healthz's 503 says missing, \
        corrupt or unreachable. A failure may carry a detail: the command line's words, \
        without the app, user id, DID or secret name. Never a secret, a token, a user id or a \
        DID.\n  \
        An event: time, event, peer, reason, detail. refused (per_peer_limit), saturated \
        (max_connections: every slot busy, new connections wait), tls_handshake_failed \
        (plain_http, not_tls, tls_error, timeout), timeout (header_timeout: a request begun \
        and not finished in time; idle keep-alive connections close silently), \
        connection_error (bad_http), tls_reloaded, tls_reload_failed (bad_certificate).\n\n\
        Metrics (GET or HEAD /metrics, or on --metrics-listen alone):\n  \
        OpenMetrics text (Prometheus scrapes it): sso_secrets_http_requests_total{route,method,\
        status}, sso_secrets_http_request_duration_seconds{route} (histogram), \
        sso_secrets_write_batch_size and sso_secrets_write_commit_duration_seconds \
        (histograms, per group commit), sso_secrets_open_connections, \
        sso_secrets_connections_accepted_total, sso_secrets_connections_refused_total{reason}, \
        sso_secrets_connection_limit_reached_total, sso_secrets_tls_handshake_failures_total\
        {reason}, sso_secrets_store_errors_total{reason}, sso_secrets_tls_reloads_total\
        {result}, sso_secrets_build_info{version}. Labels are route templates and words, never \
        names.\n\n\
        systemd:\n  \
        With NOTIFY_SOCKET set (Type=notify), READY=1 is sent once the port is open and \
        STOPPING=1 when shutdown begins. Socket activation: when systemd passes a listening \
        socket (LISTEN_FDS, LISTEN_PID; a TCP port, or a Unix socket as with --listen \
        unix:, whose mode is then the unit's SocketMode=), the server serves on it and \
        --listen is not used (the log's second line says so); the rules of --listen hold \
        (beyond loopback: --tls-cert/--tls-key or --insecure-http; no TLS on a Unix socket); \
        more than one socket is refused. Units: contrib/systemd/sso-secrets.service (hardened) and \
        contrib/systemd/sso-secrets.socket.\n\n\
        TLS rotation:\n  \
        SIGHUP reads --tls-cert and --tls-key again: new connections get the new certificate, \
        open ones keep theirs and stay open. A pair that does not load or fit is refused \
        (tls_reload_failed) and the certificate in use is kept.\n\n\
        Limits:\n  \
        A put's token must open its slot and be allowed to write the scope before any of \
        its body is read; otherwise 403 and the connection is closed. --header-timeout bounds a whole \
        request, headers and body together from its first byte (then 408). One address (an \
        IPv6 /64) holds at most --max-connections-per-peer connections: more are closed at \
        once, each logged as an \"event\":\"refused\" line with the peer's address.\n\n\
        Behind a trusted front (--trusted-front PEER, as APIHub deployments run):\n  \
        OpenDSU's clients send no token: the front (an SSO proxy) authenticates the browser \
        and sets user-id. A request without Authorization from a trusted peer (an IP address, \
        or unix: the --listen unix:PATH socket) is served with the token from --token-file or \
        SSO_SECRETS_TOKEN, for the user in user-id: SSO secrets of that user only (a DID \
        naming another user: 403, other_user), apps and DIDs as the token's scope allows. \
        From any other peer such a request is 403, and a request with its own Bearer token is \
        handled as without the flag. The token is opened at start (wrong, revoked or \
        expired: exit 43; the passphrase: exit 2) and again on every request, so `token \
        revoke` stops the front's next request. The front must drop the client's own \
        Authorization and user-id headers; the README has an nginx recipe.\n  \
        The socket is created with --socket-mode (600: serve's user only; 660: its group \
        too), never reachable with any other mode; a stale socket at PATH is replaced, a \
        socket a server answers on, or a file that is no socket, is refused (exit 1); it is \
        removed when the server stops.\n\n\
        Answers:\n  \
        An error body is a short generic reason (access denied, no such secret, secret \
        refused: empty, vault failed authentication, writes are disabled, vault busy, retry); \
        the command line's detail goes to the request's log line as \"detail\", without the \
        app, user id, DID or secret name.\n\n\
        Examples:\n  \
        sso-secrets serve --listen 127.0.0.1:8134\n  \
        sso-secrets serve --listen 0.0.0.0:8443 --tls-cert cert.pem --tls-key key.pem\n  \
        sso-secrets serve --listen unix:/run/sso-secrets/serve.sock --socket-mode 660 \\\n    \
        --trusted-front unix --token-file /etc/sso-secrets/front.token\n\n\
        TLS (a self-signed certificate for the address clients use; DNS:name for a name):\n  \
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 365 \\\n    \
        -subj /CN=vault -addext subjectAltName=IP:127.0.0.1 -keyout key.pem -out cert.pem\n  \
        sso-secrets serve --listen 127.0.0.1:8443 --tls-cert cert.pem --tls-key key.pem\n  \
        sso-secrets --remote https://127.0.0.1:8443 --cacert cert.pem get-sso demo --user-id alice\n\n\
        TLS with a CA of your own (clients trust ca.pem; renew server.pem without touching them):\n  \
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \\\n    \
        -subj /CN=sso-secrets-ca -addext basicConstraints=critical,CA:TRUE \\\n    \
        -addext keyUsage=critical,keyCertSign,cRLSign -keyout ca.key -out ca.pem\n  \
        openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \\\n    \
        -subj /CN=vault.example -keyout server.key -out server.csr\n  \
        printf 'subjectAltName=DNS:vault.example\\nextendedKeyUsage=serverAuth\\n' > server.ext\n  \
        openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -days 90 \\\n    \
        -extfile server.ext -out server.pem\n  \
        kill -HUP \"$(pidof sso-secrets)\"   # or: systemctl reload sso-secrets"
    )]
    Serve(ServeArgs),
    /// List the entries the credential may see (never their values)
    #[command(after_help = "Output: one line per entry, tab-separated:\n  \
        kind, app or DID, user id or name, state, created, updated\n\nExamples:\n  \
        sso-secrets list\n  sso-secrets list --json | jq '.entries[] | .app'")]
    List,
    /// Bulk put from JSON Lines or an APIHub secrets folder (all or nothing)
    #[command(
        after_help = "Lines:\n  {\"kind\":\"sso\",\"app\":\"demo\",\"user_id\":\"alice\",\"secret\":\"s3cret\"}\n  \
        {\"kind\":\"did\",\"did\":\"did:ssi:name:v:demo/alice\",\"name\":\"credential\",\"secret_base64\":\"AAEC\"}\n\n\
        Examples:\n  sso-secrets export --passphrase-file old.pass | \
        sso-secrets --vault new.vault --passphrase-file new.pass import\n  \
        SSO_SECRETS_ENCRYPTION_KEY=\"$NEW,$OLD\" sso-secrets import --apihub /srv/apihub/external-volume/secrets\n  \
        sso-secrets import --apihub ./secrets --prune --dry-run   # what would be overwritten and removed\n  \
        sso-secrets import --apihub ./secrets --prune             # mirror the folder's containers"
    )]
    #[cfg_attr(
        not(feature = "apihub"),
        command(
            about = "Bulk put from JSON Lines (all or nothing)",
            after_help = "Lines:\n  {\"kind\":\"sso\",\"app\":\"demo\",\"user_id\":\"alice\",\"secret\":\"s3cret\"}\n  \
        {\"kind\":\"did\",\"did\":\"did:ssi:name:v:demo/alice\",\"name\":\"credential\",\"secret_base64\":\"AAEC\"}\n\n\
        Example:\n  sso-secrets export --passphrase-file old.pass | \
        sso-secrets --vault new.vault --passphrase-file new.pass import"
        )
    )]
    Import {
        /// JSON Lines file (default: stdin)
        #[cfg_attr(feature = "apihub", arg(conflicts_with = "apihub"))]
        file: Option<PathBuf>,
        /// `--apihub` and its options.
        #[cfg(feature = "apihub")]
        #[command(flatten)]
        apihub: ApihubImportArgs,
    },
    /// Print every entry as JSON Lines, in clear, or write an APIHub secrets folder (needs the passphrase)
    #[command(
        after_help = "Examples (the output is plaintext; umask 077 keeps it yours alone):\n  \
        (umask 077; sso-secrets export > backup.jsonl)\n  \
        sso-secrets export --apihub-key-file apihub.key --apihub ./secrets"
    )]
    #[cfg_attr(
        not(feature = "apihub"),
        command(
            about = "Print every entry as JSON Lines, in clear (needs the passphrase)",
            after_help = "Example (the output is plaintext; umask 077 keeps it yours alone):\n  \
        (umask 077; sso-secrets export > backup.jsonl)"
        )
    )]
    Export {
        /// `--apihub` and its options.
        #[cfg(feature = "apihub")]
        #[command(flatten)]
        apihub: ApihubExportArgs,
    },
    /// Run a command with secrets in its environment (never on its argv)
    #[command(
        long_about = "Reads every named secret first (any failure: its exit code, and the command \
is not run), then replaces this process with COMMAND, with each secret in its variable. The pid, \
signals and exit status are COMMAND's own; 127 if it cannot be found, 126 if it cannot be run. \
SSO_SECRETS_TOKEN, SSO_SECRETS_PASSPHRASE and SSO_SECRETS_ENCRYPTION_KEY are not passed on.",
        after_help = "Examples:\n  \
        sso-secrets exec --sso DB_PASSWORD demo alice -- ./deploy.sh\n  \
        sso-secrets exec --sso PGPASSWORD demo alice --did CRED \"$DID\" credential -- psql -h db"
    )]
    Exec(ExecArgs),
    /// Copy a template with its {{ sso … }} and {{ did … }} placeholders filled in
    #[command(
        long_about = "Copies TEMPLATE to FILE, replacing {{ sso \"APP\" \"USER_ID\" }} and \
{{ did \"DID\" \"NAME\" }} with the secrets' bytes. Arguments are JSON strings; \\{{ is a \
literal {{. A malformed placeholder is a usage error naming its line and column. Every secret is \
read before anything is written; FILE is created 0600 and replaced atomically, never half-written. \
A symbolic link at FILE is followed to the file it names, except one that another user owns in a \
sticky directory such as /tmp: that is refused (exit 1), since anyone may have planted it.",
        after_help = "Example:\n  \
        printf 'password = {{ sso \"demo\" \"alice\" }}\\n' > app.conf.tpl\n  \
        sso-secrets inject -i app.conf.tpl -o app.conf"
    )]
    Inject(InjectArgs),
    /// Base58 helpers for DIDs (no vault needed)
    #[command(
        subcommand,
        after_help = "Examples:\n  sso-secrets did encode did:ssi:name:vault.example:demo/alice\n  \
        sso-secrets did decode \"$DID\""
    )]
    Did(DidCommand),
    /// Access tokens: the RFC's Bearer tokens (need the passphrase)
    #[command(
        subcommand,
        after_help = "Examples:\n  (umask 077; sso-secrets token create ci-demo --app demo --expires-in 90d > ci.token)\n  \
        sso-secrets token list\n  sso-secrets token revoke ci-demo"
    )]
    Token(TokenCommand),
    /// Vault administration
    #[command(
        subcommand,
        after_help = "Examples:\n  sso-secrets vault info\n  sso-secrets vault read-only on"
    )]
    Vault(VaultCommand),
    /// Read the audit trail (passphrase), verify it, or prune it
    #[command(
        args_conflicts_with_subcommands = true,
        after_help = "Output: one line per record, tab-separated:\n  \
        seq, time, operation, status, principal, front end, target\n\nExamples:\n  \
        sso-secrets audit --since 1d\n  sso-secrets audit verify\n  \
        sso-secrets audit prune --before 2026-01-01"
    )]
    Audit(AuditArgs),
    /// Print a shell completion script
    #[command(after_help = "Examples (the README shows each shell's setup):\n  \
        echo 'source <(sso-secrets completions bash)' >> ~/.bashrc\n  \
        sso-secrets completions fish > ~/.config/fish/completions/sso-secrets.fish")]
    Completions {
        /// The shell
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Print the man page, or install every page for `man sso-secrets`
    #[command(
        after_help = "Examples:\n  sso-secrets man --install-dir ~/.local/share/man\n  \
        sso-secrets man | man -l -"
    )]
    Man {
        /// Write every page into DIR/man1 (DIR is a directory of man's search
        /// path, e.g. ~/.local/share/man or /usr/local/share/man)
        #[arg(long, value_name = "DIR")]
        install_dir: Option<PathBuf>,
    },
    /// Regenerate completions/ and man/ (for developers)
    #[command(hide = true)]
    GenerateAssets {
        /// Repository root to write into
        #[arg(long, default_value = ".")]
        out_dir: PathBuf,
    },
}

/// `exec`.
#[derive(Debug, Args)]
pub struct ExecArgs {
    /// Put the SSO secret of USER_ID of APP in variable VAR (repeatable)
    #[arg(long, num_args = 3, value_names = ["VAR", "APP", "USER_ID"])]
    pub sso: Vec<String>,
    /// Put the DID secret NAME of DID (base58 or did:… text) in variable VAR (repeatable)
    #[arg(long, num_args = 3, value_names = ["VAR", "DID", "NAME"])]
    pub did: Vec<String>,
    /// The command to run and its arguments, after --
    #[arg(last = true, required = true, value_name = "COMMAND")]
    pub command: Vec<OsString>,
}

/// `inject`.
#[derive(Debug, Args)]
pub struct InjectArgs {
    /// Template to read (default or -: stdin)
    #[arg(short = 'i', long = "in-file", value_name = "TEMPLATE")]
    pub input: Option<PathBuf>,
    /// File to write, 0600, replaced atomically (default or -: stdout)
    #[arg(short = 'o', long = "out-file", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Argon2id parameters.
#[derive(Debug, Args)]
pub struct Kdf {
    /// Argon2id memory in MiB (19 to 4096)
    #[arg(long, value_name = "MiB", default_value_t = KdfParams::DEFAULT.memory_mib,
          value_parser = kdf_memory)]
    pub kdf_memory: u32,
    /// Argon2id iterations (2 to 64)
    #[arg(long, value_name = "N", default_value_t = KdfParams::DEFAULT.iterations,
          value_parser = kdf_iterations)]
    pub kdf_iterations: u32,
}

impl Kdf {
    /// The parameters, already range-checked by the parser.
    pub fn params(&self) -> KdfParams {
        KdfParams {
            memory_mib: self.kdf_memory,
            iterations: self.kdf_iterations,
        }
    }
}

fn kdf_memory(s: &str) -> Result<u32, String> {
    let (f, c) = (KdfParams::FLOOR.memory_mib, KdfParams::CEILING.memory_mib);
    match s.parse::<u32>() {
        Ok(v) if (f..=c).contains(&v) => Ok(v),
        _ => Err(format!(
            "Argon2id memory must be a number of MiB from {f} to {c}"
        )),
    }
}

fn kdf_iterations(s: &str) -> Result<u32, String> {
    let (f, c) = (KdfParams::FLOOR.iterations, KdfParams::CEILING.iterations);
    match s.parse::<u32>() {
        Ok(v) if (f..=c).contains(&v) => Ok(v),
        _ => Err(format!(
            "Argon2id iterations must be a number from {f} to {c}"
        )),
    }
}

/// An SSO secret by app and user id.
#[derive(Debug, Args)]
pub struct SsoArgs {
    /// Application name
    pub app: AppName,
    /// User id
    #[arg(long, value_name = "USER_ID")]
    pub user_id: UserId,
}

/// `put-sso`.
#[derive(Debug, Args)]
pub struct PutSsoArgs {
    /// Application name
    pub app: AppName,
    /// User id
    #[arg(long, value_name = "USER_ID")]
    pub user_id: UserId,
    /// Read the secret from this file (- or default: stdin, or a hidden prompt)
    #[arg(long, value_name = "PATH")]
    pub file: Option<PathBuf>,
}

/// An SSO secret by app and either a base58 DID or a user id.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("user").required(true).args(["did", "user_id"]))]
pub struct SsoByDid {
    /// Application name
    pub app: AppName,
    /// The user's DID (base58, or did:… text); an OpenDSU name DID of this app names its user
    pub did: Option<Did>,
    /// User id
    #[arg(long, value_name = "USER_ID")]
    pub user_id: Option<UserId>,
}

impl SsoByDid {
    /// The user, by DID or by id (clap's required group makes exactly one
    /// present; the error arm only guards direct construction).
    pub fn user(&self) -> crate::error::Result<UserRef> {
        match (&self.did, &self.user_id) {
            (Some(d), None) => Ok(UserRef::Did(d.clone())),
            (None, Some(u)) => Ok(UserRef::Id(u.clone())),
            _ => Err(crate::error::Error::Usage(
                "give either a <DID> or --user-id, not both".into(),
            )),
        }
    }
}

/// A DID secret.
#[derive(Debug, Args)]
pub struct DidArgs {
    /// The DID: base58 of its text, or the text itself (did:…)
    pub did: Did,
    /// Secret name, e.g. credential
    pub name: SecretName,
}

/// `put-did`.
#[derive(Debug, Args)]
pub struct PutDidArgs {
    /// The DID: base58 of its text, or the text itself (did:…)
    pub did: Did,
    /// Secret name, e.g. credential
    pub name: SecretName,
    /// Read the secret from this file (- or default: stdin, or a hidden prompt)
    #[arg(long, value_name = "PATH")]
    pub file: Option<PathBuf>,
}

/// `serve`.
#[cfg(feature = "serve")]
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on (port 0: any free port), or unix:PATH
    /// for a Unix socket (for a front on this host); not used when systemd
    /// passes a socket (LISTEN_FDS)
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8134")]
    pub listen: String,
    /// Permissions of the --listen unix: socket, in octal: 600 (this user
    /// only) or 660 (its group too, e.g. with the front's user in it); no
    /// bits for others
    #[arg(long, value_name = "MODE", default_value = "600", value_parser = parse_socket_mode)]
    pub socket_mode: u32,
    /// Serve requests without Authorization from this peer (an IP address,
    /// or `unix` for the --listen unix: socket) with the token from
    /// --token-file or SSO_SECRETS_TOKEN, for the user in its user-id
    /// header (repeatable)
    #[arg(long, value_name = "PEER")]
    pub trusted_front: Vec<crate::serve::Trusted>,
    /// PEM certificate chain: serve HTTPS (needs --tls-key)
    #[arg(long, value_name = "PEM", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key for --tls-cert
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Connections served at once; more wait to be accepted
    #[arg(long, value_name = "N", default_value_t = 512,
          value_parser = clap::value_parser!(u32).range(1..=65_536))]
    pub max_connections: u32,
    /// Connections one client address (an IPv6 /64) may hold at once; more
    /// are closed at once and logged [default: half of --max-connections]
    #[arg(long, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=65_536))]
    pub max_connections_per_peer: Option<u32>,
    /// Seconds a client may take to send a whole request, headers and body
    /// together from its first byte (then 408), or its TLS handshake; also
    /// how long an idle connection stays open
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0, value_parser = parse_timeout)]
    pub header_timeout: f64,
    /// Serve /metrics on this address alone (plain HTTP, no token) instead
    /// of on --listen
    #[arg(long, value_name = "ADDR:PORT")]
    pub metrics_listen: Option<String>,
}

/// `did ...`.
#[derive(Debug, Subcommand)]
pub enum DidCommand {
    /// Print the base58 form of DID text
    #[command(
        after_help = "Example:\n  sso-secrets did encode did:ssi:name:vault.example:demo/alice"
    )]
    Encode {
        /// DID text, e.g. did:ssi:name:vault.example:demo/alice
        text: String,
    },
    /// Print the text of a base58 DID
    #[command(after_help = "Example:\n  sso-secrets did decode \"$DID\"")]
    Decode {
        /// Base58 (Bitcoin alphabet)
        base58: String,
    },
}

/// `token ...`.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Issue an access token and print it once
    #[command(
        after_help = "Examples:\n  (umask 077; sso-secrets token create ci-demo --app demo --expires-in 30d > ci.token)\n  \
        sso-secrets token create deployer --did \"$DID\" --write"
    )]
    Create {
        /// A unique name for the token
        name: String,
        /// Cover this app's SSO secrets (repeatable)
        #[arg(long = "app", value_name = "APP")]
        apps: Vec<AppName>,
        /// Cover this DID's DID secrets, base58 or did:… text (repeatable)
        #[arg(long = "did", value_name = "DID")]
        dids: Vec<Did>,
        /// Allow writes (tokens are read-only otherwise)
        #[arg(long)]
        write: bool,
        /// Expire after this long: 30s, 15m, 12h, 7d, 1w, 2h30m (default: never)
        #[arg(long, value_name = "DURATION", value_parser = crate::time::parse_duration)]
        expires_in: Option<std::time::Duration>,
    },
    /// List tokens: names, scopes, creation and expiry (never the tokens)
    #[command(after_help = "Example:\n  sso-secrets token list --json")]
    List,
    /// Revoke a token and rotate the keys it could read
    #[command(after_help = "Example:\n  sso-secrets token revoke ci-demo")]
    Revoke {
        /// The token's name
        name: String,
    },
}

/// on/off.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OnOff {
    /// Refuse writes
    On,
    /// Allow writes
    Off,
}

/// `audit ...`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// What to do (default: list the records)
    #[command(subcommand)]
    pub command: Option<AuditCommand>,
    /// Only records from the last DURATION (30m, 12h, 7d)
    #[arg(long, value_name = "DURATION", value_parser = crate::time::parse_duration)]
    pub since: Option<std::time::Duration>,
}

/// `audit verify`, `audit prune`.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the trail's hash chain against the anchor the passphrase signed (exit 50 when it fails)
    #[command(after_help = "Example:\n  sso-secrets audit verify")]
    Verify,
    /// Drop the records older than DATE and anchor what remains (passphrase)
    #[command(after_help = "Example:\n  sso-secrets audit prune --before 2026-01-01")]
    Prune {
        /// A date (2026-01-01) or time (2026-01-01T12:00:00Z), UTC
        #[arg(long, value_name = "DATE", value_parser = crate::time::parse_date)]
        before: u64,
    },
}

/// `vault audit on|off`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum AuditSwitch {
    /// Record every operation, before its result is released
    On,
    /// Stop recording (the trail and its key are kept)
    Off,
}

/// `vault ...`.
#[derive(Debug, Subcommand)]
pub enum VaultCommand {
    /// Turn the audit trail on or off (passphrase)
    #[command(
        after_help = "Examples:\n  sso-secrets vault audit on\n  sso-secrets audit --since 1d"
    )]
    Audit {
        /// on or off
        #[arg(value_enum)]
        state: AuditSwitch,
    },
    /// Show format version, KDF parameters, counts, read-only state, tokens
    #[command(after_help = "Example:\n  sso-secrets vault info --json")]
    Info,
    /// Set the vault read-only (every write answers 55) or writable again
    #[command(
        after_help = "Examples:\n  sso-secrets vault read-only on\n  sso-secrets vault read-only off"
    )]
    ReadOnly {
        /// on or off
        #[arg(value_enum)]
        state: OnOff,
    },
    /// Change the passphrase (and optionally the Argon2id cost)
    #[command(
        after_help = "Example:\n  sso-secrets vault passwd --new-passphrase-file new.pass --kdf-memory 256"
    )]
    Passwd {
        /// New passphrase from the first line of this file (default: prompt twice)
        #[arg(long, value_name = "PATH")]
        new_passphrase_file: Option<PathBuf>,
        /// New Argon2id memory in MiB, 19 to 4096 (default: keep)
        #[arg(long, value_name = "MiB", value_parser = kdf_memory)]
        kdf_memory: Option<u32>,
        /// New Argon2id iterations, 2 to 64 (default: keep)
        #[arg(long, value_name = "N", value_parser = kdf_iterations)]
        kdf_iterations: Option<u32>,
    },
    /// After a leak: renew every key, re-encrypt every secret, invalidate every token
    #[command(
        after_help = "Every token is invalidated and listed on stderr for reissue.\n\nExample:\n  sso-secrets vault rotate --new-passphrase-file new.pass"
    )]
    Rotate {
        /// New passphrase from the first line of this file (default: keep the passphrase)
        #[arg(long, value_name = "PATH")]
        new_passphrase_file: Option<PathBuf>,
    },
    /// Report key slots and entries that fail authentication or whose names the command line refuses; --repair drops them
    #[command(
        after_help = "Examples:\n  sso-secrets vault check\n  sso-secrets vault check --repair --yes"
    )]
    Check {
        /// Drop what the check reports (asks for confirmation)
        #[arg(long)]
        repair: bool,
        /// Do not ask for confirmation
        #[arg(long, requires = "repair")]
        yes: bool,
    },
    /// Convert an older vault to format 3: version 2 keeps every token, version 1 is a full rotation (tokens are reissued)
    #[command(after_help = "Example:\n  sso-secrets vault upgrade")]
    Upgrade,
    /// Copy the whole vault, keys and tokens included, to another file or database
    #[command(
        after_help = "Every token keeps working against the copy. A destination that holds a vault is refused (exit 1, nothing written).\n\nExamples:\n  sso-secrets vault copy --to 'postgresql://vault@db.example/secrets?sslmode=verify-full&sslrootcert=/etc/ssl/db-ca.pem'\n  sso-secrets --vault 'postgresql://vault@db.example/secrets' vault copy --to backup.vault"
    )]
    Copy {
        /// Destination: a vault file path or a postgresql:// URL
        #[arg(long, value_name = "PATH|URL")]
        to: std::ffi::OsString,
    },
}

/// Shells with completion scripts.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Shell {
    /// GNU Bash
    Bash,
    /// Z shell
    Zsh,
    /// fish
    Fish,
    /// PowerShell
    Powershell,
    /// Elvish
    Elvish,
}

/// `import --apihub`: an OpenDSU APIHub server's secrets folder.
#[cfg(feature = "apihub")]
#[derive(Debug, Args)]
#[command(next_help_heading = "APIHub")]
pub struct ApihubImportArgs {
    /// Read an APIHub secrets folder (its external-volume/secrets) instead of JSON Lines
    #[arg(long, value_name = "DIR")]
    pub apihub: Option<PathBuf>,
    /// APIHub's key, as in SSO_SECRETS_ENCRYPTION_KEY ("new,old" tries both), from the first line of PATH
    #[arg(long, value_name = "PATH", requires = "apihub")]
    pub apihub_key_file: Option<PathBuf>,
    /// Open the vault read-only and say what the import would store, overwrite, reactivate and (with --prune) remove, by name, never value; write nothing
    #[arg(long, requires = "apihub")]
    pub dry_run: bool,
    /// Also remove the SSO secrets of each app, and the DID secrets of each name, that is a container of the folder but that the container no longer holds (same all-or-nothing write)
    #[arg(long, requires = "apihub")]
    pub prune: bool,
}

/// `export --apihub`: write the vault as an APIHub secrets folder.
#[cfg(feature = "apihub")]
#[derive(Debug, Args)]
#[command(next_help_heading = "APIHub")]
pub struct ApihubExportArgs {
    /// Write APIHub .secret files into DIR (created 0700) instead of JSON Lines; never overwrites
    #[arg(long, value_name = "DIR")]
    pub apihub: Option<PathBuf>,
    /// APIHub's key, as in SSO_SECRETS_ENCRYPTION_KEY (the first is used), from the first line of PATH
    #[arg(long, value_name = "PATH", requires = "apihub")]
    pub apihub_key_file: Option<PathBuf>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_valid() {
        Cli::command().debug_assert();
    }

    #[test]
    fn credentials_text_matches_long_help() {
        let help = Cli::command().render_long_help().to_string();
        assert!(help.contains(CREDENTIALS.lines().next().unwrap_or_default()));
        for code in ["43  [403]", "55  [555]", "75  [ - ]", "2   [ - ]"] {
            assert!(help.contains(code), "long help lacks exit code {code}");
        }
    }
}
