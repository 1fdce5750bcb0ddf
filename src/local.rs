//! The local vault file as a [`Backend`], and the one place where the
//! contract's order of checks is applied to every operation on it:
//! vault present (1), credential (43, or 500 for a vault failing
//! authentication), scope (43), read-only (555), body (500), existence (404).
//!
//! Administration commands (`list`, tokens, `vault …`) use the same
//! [`VaultConfig::read`] / [`VaultConfig::write`] sessions with a [`Need`],
//! so they inherit the same order.

use crate::credentials::check_body;
use crate::error::{Error, Result};
use crate::names::{AppName, Did, SecretName, UserId};
use crate::ops::{Backend, Principal, Reply, Request};
use crate::vault::keys::{Entry, Scope, State};
use crate::vault::{self, Credential, Unlocker, Vault, now, store};
use std::cell::RefCell;
use std::path::PathBuf;
use std::time::Duration;

/// Where the vault is and how it may be used; no credential.
#[derive(Debug, Clone)]
pub struct VaultConfig {
    /// The vault file (symlinks already resolved).
    pub path: PathBuf,
    /// `--read-only` or SSO_SECRETS_READ_ONLY: every write answers 555.
    pub read_only: bool,
    /// How long a writer waits for another (then exit 75).
    pub lock_timeout: Duration,
}

/// What a session needs of the credential.
#[derive(Debug, Default)]
pub struct Need {
    pub(crate) scopes: Vec<Scope>,
    pub(crate) write: bool,
    pub(crate) admin: bool,
    /// `vault read-only off` must work on a read-only vault.
    pub(crate) ignores_read_only_flag: bool,
}

impl Need {
    /// Read secrets of these scopes.
    pub fn read(scopes: Vec<Scope>) -> Self {
        Need {
            scopes,
            ..Need::default()
        }
    }
    /// Write secrets of these scopes.
    pub fn write(scopes: Vec<Scope>) -> Self {
        Need {
            scopes,
            write: true,
            ..Need::default()
        }
    }
    /// The passphrase.
    pub fn admin() -> Self {
        Need {
            admin: true,
            write: true,
            ..Need::default()
        }
    }
    /// The passphrase, also on a vault set read-only (`vault read-only off`).
    pub fn admin_ignoring_read_only_flag() -> Self {
        Need {
            ignores_read_only_flag: true,
            ..Need::admin()
        }
    }
}

/// Who an opened vault says the credential is.
pub fn principal_of(v: &Vault) -> Principal {
    if v.is_admin() {
        Principal::Passphrase
    } else {
        Principal::Token(v.keys.name.clone())
    }
}

fn authorize(v: &Vault, need: &Need) -> Result<()> {
    if need.admin && !v.is_admin() {
        return Err(Error::admin_only());
    }
    for s in &need.scopes {
        v.scope(s)?;
    }
    if need.write && !v.keys.write {
        return Err(Error::token_read_only(&v.keys.name));
    }
    Ok(())
}

impl VaultConfig {
    /// Fails with exit 1 when there is no usable vault file. Checked before
    /// any credential is resolved: nobody should be asked for a passphrase
    /// to a vault that is not there.
    pub fn check_present(&self) -> Result<()> {
        store::open_vault(&self.path).map(drop)
    }

    /// Opens the vault for reading and checks `need`, then runs `f`.
    /// `seen` learns who the credential is as soon as it is known.
    pub fn read<T>(
        &self,
        u: &Unlocker,
        need: &Need,
        seen: &mut Session,
        f: impl FnOnce(&Vault) -> Result<T>,
    ) -> Result<T> {
        let mut v = Vault::open(&self.path, u)?;
        seen.learn(&mut v);
        authorize(&v, need)?;
        f(&v)
    }

    /// A read-modify-write under the writer lock, committed atomically and
    /// durably. Checks come in the contract's order: credential, scope,
    /// read-only, then whatever `f` checks (body, existence).
    pub fn write<T>(
        &self,
        u: &Unlocker,
        need: &Need,
        seen: &mut Session,
        f: impl FnOnce(&mut Vault) -> Result<T>,
    ) -> Result<T> {
        let mut v = match self.open_for_write(u, seen)? {
            Ok(v) => v,
            // Refused before opening (555): authentication and scope still
            // outrank it, so they are checked on a read first.
            Err(refusal) => return self.read(u, need, seen, |_| Err(refusal)),
        };
        admit(&v, need)?;
        let out = f(&mut v)?;
        v.commit()?;
        Ok(out)
    }

    /// Takes the writer lock and opens the vault under it. The inner error
    /// is a refusal to write (555) that the caller reports only after the
    /// credential and scope checks.
    fn open_for_write(&self, u: &Unlocker, seen: &mut Session) -> Result<Result<Vault>> {
        if self.read_only {
            return Ok(Err(Error::writes_disabled()));
        }
        self.check_present()?;
        // Argon2 before the lock, so writers queue for milliseconds, not
        // for one another's key derivations.
        vault::prepare(&self.path, u);
        let lock = match store::lock(&self.path, self.lock_timeout) {
            Ok(l) => l,
            Err(store::LockError::ReadOnlyFs) => {
                return Ok(Err(Error::read_only_fs(&self.path)));
            }
            Err(store::LockError::Other(e)) => return Err(e),
        };
        let mut v = Vault::open_for_write(&self.path, u, lock)?;
        seen.learn(&mut v);
        Ok(Ok(v))
    }
}

/// Credential, scope and rights, then the vault's own read-only flag.
fn admit(v: &Vault, need: &Need) -> Result<()> {
    authorize(v, need)?;
    if v.header.read_only() && !need.ignores_read_only_flag {
        return Err(Error::ReadOnly(
            "the vault is set read-only (`sso-secrets vault read-only off` allows writes)".into(),
        ));
    }
    Ok(())
}

/// What a session learnt while opening the vault: who the credential is,
/// and warnings for the user (a vault file others can read).
#[derive(Debug, Default)]
pub struct Session {
    /// Who acted; [`Principal::Unknown`] until a slot opened.
    pub principal: Option<Principal>,
    /// Warnings for stderr.
    pub warnings: Vec<String>,
}

impl Session {
    fn learn(&mut self, v: &mut Vault) {
        self.principal = Some(principal_of(v));
        self.warnings.append(&mut v.warnings);
    }
}

/// The local vault, used with one credential.
pub struct LocalVault {
    config: VaultConfig,
    unlocker: Unlocker,
    session: RefCell<Session>,
}

impl LocalVault {
    /// A backend for `config` acting with `credential`. The passphrase's
    /// Argon2 key is cached, so any number of calls costs one run.
    pub fn new(config: VaultConfig, credential: Credential) -> Self {
        LocalVault {
            config,
            unlocker: Unlocker::new(credential),
            session: RefCell::default(),
        }
    }

    /// A backend for `config` acting with an unlocker already built (and
    /// perhaps already checked, for a passphrase typed at the terminal).
    pub fn with_unlocker(config: VaultConfig, unlocker: Unlocker) -> Self {
        LocalVault {
            config,
            unlocker,
            session: RefCell::default(),
        }
    }

    /// How many times the credential ran Argon2 (one per process is the goal).
    pub fn kdf_runs(&self) -> u32 {
        self.unlocker.kdf_runs()
    }
}

impl Backend for LocalVault {
    fn call(&self, request: Request) -> Result<Reply> {
        apply(
            &self.config,
            &self.unlocker,
            &mut self.session.borrow_mut(),
            request,
        )
    }

    fn principal(&self) -> Principal {
        self.session
            .borrow()
            .principal
            .clone()
            .unwrap_or(Principal::Unknown)
    }

    fn take_warnings(&self) -> Vec<String> {
        std::mem::take(&mut self.session.borrow_mut().warnings)
    }

    /// Reads from one open of the vault: the vault and credential checks
    /// once, then each request's scope and existence on its own.
    fn call_all(&self, requests: Vec<Request>) -> Vec<Result<Reply>> {
        if requests.iter().any(|r| r.operation().is_write()) {
            return requests.into_iter().map(|r| self.call(r)).collect();
        }
        let n = requests.len();
        let seen = &mut self.session.borrow_mut();
        let answers = self
            .config
            .read(&self.unlocker, &Need::default(), seen, |v| {
                Ok(requests
                    .into_iter()
                    .map(|r| {
                        authorize(v, &Need::read(vec![scope_of(&r)]))?;
                        apply_read(v, r)
                    })
                    .collect::<Vec<_>>())
            });
        match answers {
            Ok(answers) => answers,
            Err(e) => (0..n).map(|_| Err(same_error(&e))).collect(),
        }
    }
}

/// Writes from many callers applied in as few commits as possible (group
/// commit, for `serve`). Each request is checked exactly as a single
/// [`Backend::call`] would check it, and a failing request does not stop the
/// others. Requests that share a credential share one locked, atomic,
/// durable commit: every `Ok` answer is on disk when this returns. Answers
/// come back in the order of `batch`.
pub fn write_batch(
    config: &VaultConfig,
    batch: Vec<(Credential, Request)>,
) -> Vec<(Principal, Result<Reply>)> {
    let n = batch.len();
    // A vault session opens one slot, so requests are grouped by credential.
    let mut groups: Vec<(Credential, Vec<(usize, Request)>)> = Vec::new();
    for (i, (cred, req)) in batch.into_iter().enumerate() {
        match groups.iter_mut().find(|(c, _)| same_credential(c, &cred)) {
            Some((_, reqs)) => reqs.push((i, req)),
            None => groups.push((cred, vec![(i, req)])),
        }
    }
    let mut answers: Vec<Option<(Principal, Result<Reply>)>> = (0..n).map(|_| None).collect();
    for (cred, reqs) in groups {
        let u = Unlocker::new(cred);
        let mut seen = Session::default();
        for (i, result) in commit_group(config, &u, &mut seen, reqs) {
            let who = seen.principal.clone().unwrap_or(Principal::Unknown);
            answers[i] = Some((who, result));
        }
    }
    answers
        .into_iter()
        .map(|a| {
            a.unwrap_or((
                Principal::Unknown,
                Err(Error::failure("internal: no answer")),
            ))
        })
        .collect()
}

/// Constant time: credentials are secrets.
fn same_credential(a: &Credential, b: &Credential) -> bool {
    use subtle::ConstantTimeEq;
    match (a, b) {
        (Credential::Passphrase(x), Credential::Passphrase(y))
        | (Credential::Token(x), Credential::Token(y)) => {
            bool::from(x.expose().as_bytes().ct_eq(y.expose().as_bytes()))
        }
        _ => false,
    }
}

fn commit_group(
    config: &VaultConfig,
    u: &Unlocker,
    seen: &mut Session,
    reqs: Vec<(usize, Request)>,
) -> Vec<(usize, Result<Reply>)> {
    let refuse_all = |e: &Error, reqs: Vec<(usize, Request)>| {
        reqs.into_iter()
            .map(|(i, _)| (i, Err(same_error(e))))
            .collect::<Vec<_>>()
    };
    let mut v = match config.open_for_write(u, seen) {
        Ok(Ok(v)) => v,
        Ok(Err(refusal)) => {
            // Each request still gets its own credential and scope verdict.
            return reqs
                .into_iter()
                .map(|(i, req)| {
                    let need = Need::write(vec![scope_of(&req)]);
                    (
                        i,
                        config.read(u, &need, seen, |_| Err(same_error(&refusal))),
                    )
                })
                .collect();
        }
        Err(e) => return refuse_all(&e, reqs),
    };
    let mut out = Vec::with_capacity(reqs.len());
    let mut applied = Vec::new();
    for (i, req) in reqs {
        match admit(&v, &Need::write(vec![scope_of(&req)])).and_then(|()| apply_write(&mut v, req))
        {
            Ok(reply) => applied.push((i, reply)),
            Err(e) => out.push((i, Err(e))),
        }
    }
    match v.commit() {
        Ok(()) => out.extend(applied.into_iter().map(|(i, r)| (i, Ok(r)))),
        Err(e) => out.extend(applied.into_iter().map(|(i, _)| (i, Err(same_error(&e))))),
    }
    out
}

/// Errors are not `Clone` (a failure holds its cause chain); callers of one
/// failed commit each get the same status and text.
fn same_error(e: &Error) -> Error {
    match e {
        Error::Unauthorized(d) => Error::Unauthorized(d.clone()),
        Error::NotFound(d) => Error::NotFound(d.clone()),
        Error::WrongFormat(d) => Error::WrongFormat(d.clone()),
        Error::ReadOnly(d) => Error::ReadOnly(d.clone()),
        Error::Temporary(d) => Error::Temporary(d.clone()),
        Error::Usage(d) => Error::Usage(d.clone()),
        Error::Failure(f) => Error::failure(format!("{f:#}")),
    }
}

/// Performs one request as `u`: the check order for every RFC operation.
pub fn apply(
    config: &VaultConfig,
    u: &Unlocker,
    seen: &mut Session,
    request: Request,
) -> Result<Reply> {
    let op = request.operation();
    let need = if op.is_write() {
        Need::write(vec![scope_of(&request)])
    } else {
        Need::read(vec![scope_of(&request)])
    };
    if op.is_write() {
        config.write(u, &need, seen, |v| apply_write(v, request))
    } else {
        config.read(u, &need, seen, |v| apply_read(v, request))
    }
}

/// The scope a request touches.
pub fn scope_of(request: &Request) -> Scope {
    match request {
        Request::GetSso { app, .. }
        | Request::PutSso { app, .. }
        | Request::DeactivateSso { app, .. }
        | Request::RemoveSso { app, .. } => Scope::App(app.as_str().to_string()),
        Request::PutDid { did, .. }
        | Request::GetDid { did, .. }
        | Request::DeleteDid { did, .. } => Scope::Did(did.text().to_string()),
    }
}

fn sso_missing(app: &AppName, user: &UserId) -> Error {
    Error::NotFound(format!("no SSO secret for user {user:?} of app {app:?}"))
}

fn did_missing(did: &Did, name: &SecretName) -> Error {
    Error::NotFound(format!("no DID secret {name:?} for {did}"))
}

fn apply_read(v: &Vault, request: Request) -> Result<Reply> {
    let sk = v.scope(&scope_of(&request))?;
    match request {
        Request::GetSso { app, user } => match v.get(&sk, user.as_str())? {
            None => Err(sso_missing(&app, &user)),
            Some(e) if e.state == State::Deactivated => Err(Error::NotFound(format!(
                "the SSO secret for user {user:?} of app {app:?} is deactivated (put-sso re-activates it)"
            ))),
            Some(e) => Ok(Reply::Secret(e.value)),
        },
        Request::GetDid { did, name } => match v.get(&sk, name.as_str())? {
            Some(e) => Ok(Reply::Secret(e.value)),
            None => Err(did_missing(&did, &name)),
        },
        _ => Err(Error::failure("internal: a write passed as a read")),
    }
}

fn apply_write(v: &mut Vault, request: Request) -> Result<Reply> {
    let sk = v.scope(&scope_of(&request))?;
    match request {
        Request::PutSso { user, body, .. } => put(v, &sk, user.as_str(), body),
        Request::PutDid { name, body, .. } => put(v, &sk, name.as_str(), body),
        Request::DeactivateSso { app, user } => {
            let user = user.resolve(&app)?;
            let mut e = v
                .get(&sk, user.as_str())?
                .ok_or_else(|| sso_missing(&app, &user))?;
            if e.state == State::Active {
                e.state = State::Deactivated;
                e.updated = now();
                v.put(&sk, &e)?;
            }
            Ok(Reply::Done)
        }
        Request::RemoveSso { app, user } => {
            let user = user.resolve(&app)?;
            if v.delete(&sk, user.as_str())? {
                Ok(Reply::Done)
            } else {
                Err(sso_missing(&app, &user))
            }
        }
        Request::DeleteDid { did, name } => {
            if v.delete(&sk, name.as_str())? {
                Ok(Reply::Done)
            } else {
                Err(did_missing(&did, &name))
            }
        }
        Request::GetSso { .. } | Request::GetDid { .. } => {
            Err(Error::failure("internal: a read passed as a write"))
        }
    }
}

fn put(
    v: &mut Vault,
    sk: &vault::keys::ScopeKeys,
    key: &str,
    body: crate::secret::SecretBytes,
) -> Result<Reply> {
    check_body(&body)?;
    let t = now();
    let created = v.get(sk, key)?.map_or(t, |e| e.created);
    let entry = Entry {
        state: State::Active,
        created,
        updated: t,
        key: key.to_string(),
        value: body,
    };
    v.put(sk, &entry)?;
    Ok(Reply::Done)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::KdfParams;
    use crate::secret::{SecretBytes, SecretString};

    fn pass() -> Credential {
        Credential::Passphrase(SecretString::new("pw".into()))
    }

    fn put(app: &str, user: &str, value: &[u8]) -> Request {
        Request::PutSso {
            app: AppName::new(app).unwrap(),
            user: UserId::new(user).unwrap(),
            body: SecretBytes::new(value.to_vec()),
        }
    }

    fn get(app: &str, user: &str) -> Request {
        Request::GetSso {
            app: AppName::new(app).unwrap(),
            user: UserId::new(user).unwrap(),
        }
    }

    fn setup() -> (tempfile::TempDir, VaultConfig, Credential) {
        let dir = tempfile::tempdir().unwrap();
        let config = VaultConfig {
            path: dir.path().join("vault"),
            read_only: false,
            lock_timeout: Duration::from_secs(5),
        };
        let pw = SecretString::new("pw".into());
        vault::create(&config.path, &pw, KdfParams::FLOOR, config.lock_timeout).unwrap();
        let u = Unlocker::new(pass());
        let token = config
            .write(&u, &Need::admin(), &mut Session::default(), |v| {
                v.create_token("a-writer", &[Scope::App("a".into())], true, None)
            })
            .unwrap();
        (dir, config, Credential::Token(token))
    }

    #[test]
    fn a_batch_checks_each_request_and_commits_the_rest_together() {
        let (_dir, config, token) = setup();
        let token2 = match &token {
            Credential::Token(t) => Credential::Token(t.clone()),
            Credential::Passphrase(_) => unreachable!(),
        };
        let answers = write_batch(
            &config,
            vec![
                (token, put("a", "u1", b"one")),
                (pass(), put("b", "u2", b"two")),
                (token2, put("b", "u3", b"out of scope")),
                (pass(), put("b", "u4", b"")),
            ],
        );
        let statuses: Vec<_> = answers
            .iter()
            .map(|(_, r)| {
                r.as_ref()
                    .map_or_else(Error::status, |_| crate::status::Status::Ok)
            })
            .collect();
        use crate::status::Status::*;
        assert_eq!(statuses, [Ok, Ok, Unauthorized, WrongFormat]);
        assert_eq!(answers[0].0, Principal::Token("a-writer".into()));
        assert_eq!(answers[1].0, Principal::Passphrase);
        let reader = LocalVault::new(config, pass());
        for (app, user, want) in [("a", "u1", &b"one"[..]), ("b", "u2", b"two")] {
            match reader.call(get(app, user)).unwrap() {
                Reply::Secret(s) => assert_eq!(s.expose(), want),
                Reply::Done => panic!("a get answered Done"),
            }
        }
        assert_eq!(
            reader.call(get("b", "u3")).unwrap_err().status(),
            crate::status::Status::NotFound
        );
        assert_eq!(reader.kdf_runs(), 1);
    }

    #[test]
    fn a_read_only_config_answers_each_request_in_the_contract_order() {
        let (_dir, mut config, token) = setup();
        config.read_only = true;
        let answers = write_batch(
            &config,
            vec![(token, put("b", "x", b"1")), (pass(), put("b", "x", b"1"))],
        );
        assert_eq!(
            answers[0].1.as_ref().unwrap_err().status(),
            crate::status::Status::Unauthorized
        );
        assert_eq!(
            answers[1].1.as_ref().unwrap_err().status(),
            crate::status::Status::ReadOnly
        );
    }
}
