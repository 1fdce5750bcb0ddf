use super::*;
use crate::crypto::KdfParams;
use crate::error::Error;
use crate::names::{AppName, UserId};
use crate::ops::Credential;
use crate::secret::{SecretBytes, SecretString};
use crate::vault::keys::Scope;
use crate::vault::store::Location;
use crate::vault::{self, Unlocker};
use std::time::Duration;

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
        location: Location::File(dir.path().join("vault")),
        read_only: false,
        lock_timeout: Duration::from_secs(5),
    };
    let pw = SecretString::new("pw".into());
    vault::create(
        &*config.store().unwrap(),
        &pw,
        KdfParams::FLOOR,
        config.lock_timeout,
    )
    .unwrap();
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
            // The passphrase writes into the scoped writer's partition too
            // (signing its record with the data key), in the same batch.
            (pass(), put("a", "u5", b"five")),
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
    assert_eq!(statuses, [Ok, Ok, Unauthorized, WrongFormat, Ok]);
    assert_eq!(answers[0].0, Principal::Token("a-writer".into()));
    assert_eq!(answers[1].0, Principal::Passphrase);
    let reader = LocalVault::new(config, pass());
    for (app, user, want) in [
        ("a", "u1", &b"one"[..]),
        ("b", "u2", b"two"),
        ("a", "u5", b"five"),
    ] {
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

/// The chain's first step: a missing vault fails there (exit 1); a file
/// that passes its own checks but whose head does not parse passes it, and
/// fails only once the credential opens it (500 ranks with 403).
#[test]
fn a_head_that_does_not_parse_is_reported_after_the_credential() {
    let (dir, config, _) = setup();
    let missing = VaultConfig {
        location: Location::File(dir.path().join("none")),
        ..config.clone()
    };
    assert!(matches!(missing.present(), Err(Error::Failure(_))));
    let path = dir.path().join("vault");
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..100]).unwrap();
    let present = config.present().unwrap();
    let u = Unlocker::new(pass());
    let err = present.unlock(&u, &mut Session::default()).err().unwrap();
    assert_eq!(err.status(), crate::status::Status::WrongFormat);
}

/// A write refused by `--read-only` is reported by the last step, after
/// the credential and the scope, each from the one open of the head.
#[test]
fn a_refused_write_is_reported_after_credential_and_scope() {
    let (_dir, mut config, token) = setup();
    config.read_only = true;
    let u = Unlocker::new(token);
    let opened = |seen: &mut Session| {
        config
            .present()
            .unwrap()
            .lock(&config, &u, seen, Opening::Strict)
            .unwrap()
    };
    let out_of_scope =
        opened(&mut Session::default()).admit(&Need::write(vec![Scope::App("b".into())]));
    assert_eq!(
        out_of_scope.err().unwrap().status(),
        crate::status::Status::Unauthorized
    );
    let mut seen = Session::default();
    let refused = opened(&mut seen)
        .admit(&Need::write(vec![Scope::App("a".into())]))
        .unwrap()
        .writable();
    assert_eq!(
        refused.err().unwrap().status(),
        crate::status::Status::ReadOnly
    );
    assert_eq!(seen.principal, Some(Principal::Token("a-writer".into())));
}
