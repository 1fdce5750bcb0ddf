//! Reliability under concurrency, crashes, full disks and hostile bytes.

use crate::common::*;
use proptest::prelude::*;
use sso_secrets::status::Status;
use sso_secrets::testing::secret::SecretString;
use sso_secrets::testing::vault::store::file::FileStore;
use sso_secrets::testing::vault::{Credential, Unlocker, Vault as Lib};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

const D: &str = "did:ssi:name:v:reliability/alice";

#[test]
fn sixteen_writers_and_concurrent_readers_lose_nothing() {
    let v = Vault::new();
    v.put_did(D, "anchor", b"anchor-value");
    let token = v.create_token(&["w", "--write"]);
    let done = Arc::new(AtomicBool::new(false));
    let reads = Arc::new(Mutex::new(0usize));
    let readers: Vec<_> = (0..2)
        .map(|_| {
            let (path, token, done, reads) =
                (v.path.clone(), token.clone(), done.clone(), reads.clone());
            std::thread::spawn(move || {
                while !done.load(Ordering::SeqCst) {
                    let out = raw_bin()
                        .arg("--vault")
                        .arg(&path)
                        .args(["--no-input", "get-did", &did(D), "anchor"])
                        .env("SSO_SECRETS_TOKEN", &token)
                        .stdin(Stdio::null())
                        .output()
                        .unwrap();
                    assert_eq!(
                        out.status.code(),
                        Some(0),
                        "a read failed: {}",
                        stderr_of(&out)
                    );
                    assert_eq!(out.stdout, b"anchor-value");
                    *reads.lock().unwrap() += 1;
                }
            })
        })
        .collect();
    let writers: Vec<_> = (0..16)
        .map(|w| {
            let (path, token) = (v.path.clone(), token.clone());
            std::thread::spawn(move || {
                for i in 0..25 {
                    let mut child = raw_bin()
                        .arg("--vault")
                        .arg(&path)
                        .args([
                            "--no-input",
                            "--lock-timeout",
                            "60",
                            "put-did",
                            &did(D),
                            &format!("w{w}-{i}"),
                        ])
                        // Half the writers use the passphrase: its Argon2
                        // run happens before the lock, so they queue for
                        // milliseconds like the token writers.
                        .env(
                            if w % 2 == 0 {
                                "SSO_SECRETS_TOKEN"
                            } else {
                                "SSO_SECRETS_PASSPHRASE"
                            },
                            if w % 2 == 0 { token.as_str() } else { PASS },
                        )
                        .stdin(Stdio::piped())
                        .stderr(Stdio::piped())
                        .spawn()
                        .unwrap();
                    use std::io::Write;
                    child
                        .stdin
                        .take()
                        .unwrap()
                        .write_all(format!("value {w} {i}").as_bytes())
                        .unwrap();
                    let out = child.wait_with_output().unwrap();
                    assert!(
                        out.status.success(),
                        "writer {w} put {i}: {}",
                        stderr_of(&out)
                    );
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    done.store(true, Ordering::SeqCst);
    for r in readers {
        r.join().unwrap();
    }
    assert!(*reads.lock().unwrap() > 0);
    let list = String::from_utf8(stdout_of(v.token(&token).arg("list"))).unwrap();
    assert_eq!(list.lines().count(), 16 * 25 + 1);
    for (w, i) in [(0, 0), (7, 13), (15, 24)] {
        v.token(&token)
            .args(["get-did", &did(D), &format!("w{w}-{i}")])
            .assert()
            .success()
            .stdout(format!("value {w} {i}"));
    }
    let mut exported = 0;
    for line in String::from_utf8(stdout_of(v.pass().arg("export")))
        .unwrap()
        .lines()
    {
        let l: serde_json::Value = serde_json::from_str(line).unwrap();
        let name = l["name"].as_str().unwrap();
        if let Some(rest) = name.strip_prefix('w') {
            let (w, i) = rest.split_once('-').unwrap();
            assert_eq!(l["secret"], format!("value {w} {i}"));
            exported += 1;
        }
    }
    assert_eq!(exported, 400);
}

#[test]
fn writers_killed_at_random_moments_never_corrupt_the_vault() {
    let v = Vault::new();
    let token = v.create_token(&["w", "--write"]);
    // A few hundred KiB of other entries, so writes take long enough to be
    // interrupted in every phase.
    let mut lines = String::new();
    for i in 0..300 {
        lines.push_str(&format!(
            "{{\"kind\":\"did\",\"did\":\"did:x:{i}\",\"name\":\"n\",\"secret\":\"{}\"}}\n",
            "p".repeat(2000)
        ));
    }
    v.pass().arg("import").write_stdin(lines).assert().success();
    v.put_did(D, "target", b"round-start");
    let mut current = b"round-start".to_vec();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut completed = 0;
    for round in 0..200 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let delay = std::time::Duration::from_micros(seed % 6000);
        let new = format!("round-{round}-{}", "v".repeat((seed % 4000) as usize)).into_bytes();
        let body = v.file("body", &new);
        let mut child = raw_bin()
            .arg("--vault")
            .arg(&v.path)
            .args(["--no-input", "put-did", &did(D), "target", "--file"])
            .arg(&body)
            .env("SSO_SECRETS_TOKEN", &token)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill();
        let status = child.wait().unwrap();
        let out = v
            .token(&token)
            .args(["get-did", &did(D), "target"])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "round {round}: {}",
            stderr_of(&out)
        );
        if status.success() {
            completed += 1;
            assert_eq!(out.stdout, new, "round {round}: a completed put was lost");
        } else {
            assert!(
                out.stdout == current || out.stdout == new,
                "round {round}: neither old nor new value"
            );
        }
        current = out.stdout;
        if round % 25 == 0 {
            let list = v.token(&token).arg("list").output().unwrap();
            assert_eq!(
                list.status.code(),
                Some(0),
                "round {round}: {}",
                stderr_of(&list)
            );
        }
    }
    eprintln!("{completed} of 200 puts completed before the kill");
    // The next write removes what killed writers left behind.
    v.put_did(D, "after", b"x");
    let temps: Vec<_> = std::fs::read_dir(v.dir())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(temps.is_empty(), "{} temp files left", temps.len());
    v.pass().arg("list").assert().success();
}

#[test]
fn a_full_disk_leaves_the_previous_vault_intact() {
    let mnt = tempfile::tempdir().unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=512k", "tmpfs"])
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
        assert!(
            run(
                &["init", "--kdf-memory", "19", "--kdf-iterations", "2"],
                b""
            )
            .status
            .success()
        );
        assert!(
            run(&["put-did", &did(D), "first"], &[b'a'; 200_000])
                .status
                .success()
        );
        let before = std::fs::read(&path).unwrap();
        let out = run(&["put-did", &did(D), "second"], &[b'b'; 200_000]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
        let err = stderr_of(&out);
        assert!(
            err.starts_with("sso-secrets: error: cannot write vault"),
            "{err}"
        );
        assert!(
            err.contains("previous vault is unchanged") && err.lines().count() == 1,
            "{err}"
        );
        assert_eq!(std::fs::read(&path).unwrap(), before);
        let names: Vec<_> = std::fs::read_dir(mnt.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.contains(".tmp-")), "{names:?}");
        let get = run(&["get-did", &did(D), "first"], b"");
        assert_eq!(get.status.code(), Some(0));
        assert_eq!(get.stdout.len(), 200_000);
    });
    let _ = Command::new("umount").arg(mnt.path()).status();
    if let Err(p) = result {
        std::panic::resume_unwind(p);
    }
}

/// A small vault and a read token, as bytes on disk.
fn small() -> (Vault, String, Vec<u8>) {
    let v = Vault::new();
    v.put_sso("demo", "alice", b"sso-value");
    v.put_did(D, "credential", b"did-value");
    let token = v.create_token(&["reader"]);
    let bytes = v.bytes();
    (v, token, bytes)
}

/// Opens `bytes` in-process with `token` and reads every entry.
fn read_all(
    path: &std::path::Path,
    token: &str,
    bytes: &[u8],
) -> Result<Vec<(String, Vec<u8>)>, Status> {
    std::fs::write(path, bytes).unwrap();
    let u = Unlocker::new(Credential::Token(SecretString::new(token.to_string())));
    let v = Lib::open(&FileStore::new(path.to_path_buf()), &u).map_err(|e| e.status())?;
    let entries = v.entries().map_err(|e| e.status())?;
    Ok(entries
        .into_iter()
        .map(|(s, e)| (format!("{s:?}/{}", e.key), e.value.expose().to_vec()))
        .collect())
}

#[test]
fn a_bit_flip_in_any_byte_is_rejected() {
    let (v, token, original) = small();
    let path = v.dir().join("mutant");
    let good = read_all(&path, &token, &original).unwrap();
    assert_eq!(good.len(), 2);
    // Every byte, one bit each (the bit position rotates with the byte), in
    // process: every field of the file is hit; the proptest below adds
    // random multi-byte mutations, and vault_file.rs checks through the
    // binary that such failures reach the user as 43 or 50.
    for i in 0..original.len() {
        let bit = i * 8 + i % 8;
        let mut bytes = original.clone();
        bytes[bit / 8] ^= 1 << (bit % 8);
        match read_all(&path, &token, &bytes) {
            Err(Status::Unauthorized | Status::WrongFormat) => {}
            other => panic!("bit {bit}: {other:?}"),
        }
    }
}

#[test]
fn slots_and_buckets_swapped_between_vaults_are_rejected() {
    use sso_secrets::testing::vault::format::{self, Header};
    let (a, _, a_bytes) = small();
    let (b, _, b_bytes) = small();
    let split = |bytes: &[u8]| {
        let (version, hlen) = format::parse_prefix(&bytes[..format::PREFIX_LEN]).unwrap();
        let end = format::PREFIX_LEN + hlen as usize;
        (
            Header::parse(version, &bytes[format::PREFIX_LEN..end]).unwrap(),
            end,
        )
    };
    let (ha, a_end) = split(&a_bytes);
    let (hb, b_end) = split(&b_bytes);
    // b's passphrase slot in a's header.
    let mut h = ha.clone();
    h.slots[0] = hb.slots[0].clone();
    let mut swapped = h.encode().unwrap();
    swapped.extend_from_slice(&a_bytes[a_end..]);
    a.write_bytes(&swapped);
    let out = a
        .pass()
        .args(["get-sso", "demo", "--user-id", "alice"])
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(43 | 50)),
        "{}",
        stderr_of(&out)
    );
    // b's buckets after a's header and signature.
    let mut spliced = a_bytes[..a_end + 64].to_vec();
    spliced.extend_from_slice(&b_bytes[b_end + 64..]);
    a.write_bytes(&spliced);
    for args in [vec!["get-sso", "demo", "--user-id", "alice"], vec!["list"]] {
        let out = a.pass().args(&args).output().unwrap();
        assert!(
            matches!(out.status.code(), Some(43 | 50)),
            "{args:?}: {:?} {}",
            out.status.code(),
            stderr_of(&out)
        );
    }
    // A whole other vault with the same passphrase is simply that vault.
    drop(b);
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Insert(usize, u8),
    Delete(usize),
    Truncate(usize),
    Append(Vec<u8>),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1..=255u8).prop_map(|(i, x)| Mutation::Flip(i, x)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, x)| Mutation::Insert(i, x)),
        any::<usize>().prop_map(Mutation::Delete),
        any::<usize>().prop_map(Mutation::Truncate),
        proptest::collection::vec(any::<u8>(), 1..64).prop_map(Mutation::Append),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let n = bytes.len().max(1);
    match m {
        Mutation::Flip(i, x) if !bytes.is_empty() => bytes[i % n] ^= x,
        Mutation::Insert(i, x) => bytes.insert(i % (bytes.len() + 1), *x),
        Mutation::Delete(i) if !bytes.is_empty() => {
            bytes.remove(i % n);
        }
        Mutation::Truncate(i) => bytes.truncate(i % n),
        Mutation::Append(extra) => bytes.extend_from_slice(extra),
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Any mutated file is rejected (403/500, never a panic) or reads back
    /// exactly the original entries.
    #[test]
    fn any_mutated_file_is_rejected_or_reads_the_original(muts in proptest::collection::vec(mutation(), 1..4)) {
        use std::sync::OnceLock;
        static FIXTURE: OnceLock<(Vault, String, Vec<u8>)> = OnceLock::new();
        let (v, token, original) = FIXTURE.get_or_init(small);
        let path = v.dir().join(format!("mutant-{:?}", std::thread::current().id()));
        let good = read_all(&path, token, original).unwrap();
        let mut bytes = original.clone();
        for m in &muts {
            apply(&mut bytes, m);
        }
        match read_all(&path, token, &bytes) {
            Ok(entries) => prop_assert_eq!(entries, good),
            Err(s) => prop_assert!(matches!(s, Status::Unauthorized | Status::WrongFormat), "{:?}", s),
        }
    }
}

#[test]
fn invalid_utf8_arguments_and_closed_stdin() {
    use std::os::unix::ffi::OsStrExt;
    let v = Vault::new();
    let bad = std::ffi::OsStr::from_bytes(b"app\xff");
    v.pass()
        .arg("get-sso")
        .arg(bad)
        .args(["--user-id", "u"])
        .assert()
        .code(2);
    v.pass()
        .args(["get-sso", "app", "--user-id"])
        .arg(bad)
        .assert()
        .code(2);
    // stdin closed before any byte: an empty body, 500, nothing stored.
    let before = v.bytes();
    let out = raw_bin()
        .arg("--vault")
        .arg(&v.path)
        .args(["--no-input", "put-sso", "demo", "--user-id", "u"])
        .env("SSO_SECRETS_PASSPHRASE", PASS)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(50), "{}", stderr_of(&out));
    assert_eq!(v.bytes(), before);
}

#[cfg(target_os = "linux")]
#[test]
fn core_dumps_are_disabled_while_secrets_are_in_memory() {
    let v = Vault::new();
    // Start it with core dumps allowed (as far as the hard limit lets a
    // shell raise them), so only the binary itself can turn them off.
    let mut sh = Command::new("sh");
    for var in VARS {
        sh.env_remove(var);
    }
    let mut child = sh
        .args(["-c", "ulimit -c unlimited 2>/dev/null; exec \"$0\" \"$@\""])
        .arg(assert_cmd::cargo::cargo_bin("sso-secrets"))
        .arg("--vault")
        .arg(&v.path)
        .args(["--no-input", "put-sso", "demo", "--user-id", "u"])
        .env("SSO_SECRETS_PASSPHRASE", PASS)
        .env("XDG_STATE_HOME", NO_STATE)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The process holds the passphrase and waits for the body on stdin.
    // Poll: right after spawn, /proc may still show the pre-exec limits.
    let core_limit = || {
        std::fs::read_to_string(format!("/proc/{}/limits", child.id()))
            .ok()
            .and_then(|l| {
                l.lines()
                    .find(|l| l.starts_with("Max core file size"))
                    .map(String::from)
            })
            .unwrap_or_default()
    };
    // The soft limit (the one that applies) is 0; the hard limit is left as
    // it was, so a command run by `exec` gets the user's limits back (the
    // process is also non-dumpable, which no limit can undo).
    let is_zero = |line: &str| line.split_whitespace().nth(4) == Some("0");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let mut core = core_limit();
    while !is_zero(&core) && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
        core = core_limit();
    }
    drop(child.stdin.take());
    let _ = child.wait();
    assert!(is_zero(&core), "{core}");
}

#[test]
fn secret_holding_types_print_redacted() {
    let (v, token, _) = small();
    let u = Unlocker::new(Credential::Token(SecretString::new(token.clone())));
    let lib = Lib::open(&FileStore::new(v.path.clone()), &u).unwrap();
    let entries = lib.entries().unwrap();
    let printed = format!(
        "{:?} {:?} {:?}",
        sso_secrets::testing::vault::keys(&lib),
        entries,
        u_debug(&token)
    );
    for leak in ["sso-value", "did-value", &token[5..]] {
        assert!(
            !printed.contains(leak),
            "{leak} leaked into Debug: {printed}"
        );
    }
    assert!(printed.contains("(redacted)"));
}

fn u_debug(token: &str) -> String {
    format!(
        "{:?}",
        Credential::Token(SecretString::new(token.to_string()))
    )
}

#[test]
fn a_passphrase_write_runs_argon2_exactly_once() {
    use sso_secrets::testing::vault::store::Store;
    use sso_secrets::testing::vault::{keys::Entry, keys::Scope, keys::State, prepare};
    let v = Vault::new();
    let store = FileStore::new(v.path.clone());
    let u = Unlocker::new(Credential::Passphrase(SecretString::new(PASS.into())));
    // What `put-*` does: derive before the lock, then open under it.
    prepare(&store, &u);
    let lock = store.lock(std::time::Duration::from_secs(5)).ok().unwrap();
    let mut vault = Lib::open_for_write(lock, &u).unwrap();
    let sk = vault.scope(&Scope::App("demo".into())).unwrap();
    let entry = Entry {
        state: State::Active,
        created: 1,
        updated: 1,
        key: "alice".into(),
        value: sso_secrets::testing::secret::SecretBytes::new(b"x".to_vec()),
    };
    vault.put(&sk, &entry).unwrap();
    vault.commit().unwrap();
    assert_eq!(u.kdf_runs(), 1);
    // And a read in the same process reuses it.
    Lib::open(&store, &u).unwrap();
    assert_eq!(u.kdf_runs(), 1);
}
