//! Fail closed: a record that cannot be made durable fails its operation,
//! and nothing is printed.

use super::{audited, frames, trail_path, verify};
use crate::common::{PASS, bin, stderr_of, unavailable};
use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};

#[test]
fn with_a_read_only_trail_a_get_prints_nothing_and_fails() {
    let (v, t) = audited();
    std::fs::set_permissions(trail_path(&v), std::fs::Permissions::from_mode(0o400)).unwrap();
    for mut c in [v.token(&t), v.pass()] {
        let out = c
            .args(["get-sso", "demo", "--user-id", "alice@example.com"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
        assert!(out.stdout.is_empty(), "a secret was printed");
        let err = stderr_of(&out);
        assert!(
            err.starts_with("sso-secrets: error: the audit record could not be written, so nothing is released: cannot append to audit trail")
                && err.lines().count() == 1,
            "{err}"
        );
    }
    // exec runs nothing either.
    let marker = v.dir().join("ran");
    v.token(&t)
        .args([
            "exec",
            "--sso",
            "S",
            "demo",
            "alice@example.com",
            "--",
            "touch",
        ])
        .arg(&marker)
        .assert()
        .code(1);
    assert!(!marker.exists());
    std::fs::set_permissions(trail_path(&v), std::fs::Permissions::from_mode(0o600)).unwrap();
    let (code, err) = verify(&v);
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn a_trail_others_can_write_is_refused() {
    let (v, t) = audited();
    std::fs::set_permissions(trail_path(&v), std::fs::Permissions::from_mode(0o622)).unwrap();
    let out = v
        .token(&t)
        .args(["get-sso", "demo", "--user-id", "alice@example.com"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(stderr_of(&out).contains("writable by group or others"));
}

/// A SIGKILL in the middle of an append leaves part of a frame: it
/// answered nobody, so the next append cuts it, and the trail verifies.
#[test]
fn an_interrupted_append_is_cut_and_the_trail_verifies() {
    let (v, t) = audited();
    let whole = frames(&v).concat();
    let last = frames(&v).pop().unwrap();
    let mut torn = whole.clone();
    torn.extend_from_slice(&last[..last.len() / 2]);
    std::fs::write(trail_path(&v), &torn).unwrap();
    let (code, err) = verify(&v);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("interrupted append"), "{err}");
    v.token(&t)
        .args(["get-sso", "demo", "--user-id", "alice@example.com"])
        .assert()
        .success();
    let (code, err) = verify(&v);
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("interrupted append"), "{err}");
}

/// A full disk (a 1 MiB tmpfs, filled): the get fails, prints nothing.
#[test]
fn with_a_full_disk_a_get_prints_nothing_and_fails() {
    let mnt = tempfile::tempdir().unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs"])
        .arg(mnt.path())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        unavailable("cannot mount a tmpfs here");
        return;
    }
    let path = mnt.path().join("vault");
    let run = |args: &[&str], body: &[u8]| {
        let mut c = bin();
        c.arg("--vault")
            .arg(&path)
            .env("SSO_SECRETS_PASSPHRASE", PASS)
            .args(args)
            .write_stdin(body.to_vec());
        c.output().unwrap()
    };
    let result = std::panic::catch_unwind(|| {
        let init = ["init", "--kdf-memory", "19", "--kdf-iterations", "2"];
        assert!(run(&init, b"").status.success());
        assert!(
            run(&["put-sso", "demo", "--user-id", "a"], b"s3cret")
                .status
                .success()
        );
        assert!(run(&["vault", "audit", "on"], b"").status.success());
        // Fill what is left.
        let filler = mnt.path().join("filler");
        let mut f = std::fs::File::create(&filler).unwrap();
        let block = vec![0u8; 4096];
        while std::io::Write::write_all(&mut f, &block).is_ok() {}
        drop(f);
        // The trail's last page may still have room for a few records:
        // gets succeed until a record needs a page that is not there.
        let mut out = run(&["get-sso", "demo", "--user-id", "a"], b"");
        for _ in 0..40 {
            if !out.status.success() {
                break;
            }
            assert_eq!(out.stdout, b"s3cret");
            out = run(&["get-sso", "demo", "--user-id", "a"], b"");
        }
        assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
        assert!(out.stdout.is_empty(), "a secret was printed");
        assert!(
            stderr_of(&out).contains("No space left on device"),
            "{}",
            stderr_of(&out)
        );
        std::fs::remove_file(&filler).unwrap();
        let out = run(&["get-sso", "demo", "--user-id", "a"], b"");
        assert_eq!(out.stdout, b"s3cret");
        let out = run(&["audit", "verify"], b"");
        assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    });
    let _ = Command::new("umount").arg(mnt.path()).status();
    if let Err(p) = result {
        std::panic::resume_unwind(p);
    }
}

/// Someone who can open the trail holds its lock and never lets go: a get
/// fails with 75 (worth retrying) after 10 s and prints nothing; it never
/// hangs.
#[test]
fn a_stuck_trail_lock_holder_ends_in_75_and_prints_nothing() {
    let (v, t) = audited();
    let held = std::fs::File::open(trail_path(&v)).unwrap();
    held.lock().unwrap();
    let out = v
        .token(&t)
        .args(["get-sso", "demo", "--user-id", "alice@example.com"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(75), "{}", stderr_of(&out));
    assert!(out.stdout.is_empty());
    assert!(
        stderr_of(&out).contains("audit trail busy"),
        "{}",
        stderr_of(&out)
    );
    drop(held);
    let (code, err) = verify(&v);
    assert_eq!(code, Some(0), "{err}");
}

/// `export --apihub` writes every secret (sealed to APIHub's key) into a
/// folder: with a trail that cannot be written, it writes nothing.
#[cfg(feature = "apihub")]
#[test]
fn with_a_read_only_trail_an_apihub_export_writes_nothing() {
    let (v, _t) = audited();
    std::fs::set_permissions(trail_path(&v), std::fs::Permissions::from_mode(0o400)).unwrap();
    let env = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/apihub/keys.env"
    ))
    .unwrap();
    let key = env
        .lines()
        .find_map(|l| l.strip_prefix("KEY_A="))
        .unwrap()
        .to_string();
    let out_dir = v.dir().join("apihub-out");
    let out = v
        .pass()
        .env("SSO_SECRETS_ENCRYPTION_KEY", key)
        .args(["export", "--apihub"])
        .arg(&out_dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    let written: Vec<_> = std::fs::read_dir(&out_dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    assert!(written.is_empty(), "written with no record: {written:?}");
}
