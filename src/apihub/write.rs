//! Writing secrets as an APIHub secrets folder: one `<container>.secret`
//! per container, each sealed with a fresh random IV and AAD, so that an
//! APIHub started with the same key serves them as they are.

use super::classify::{Address, CREDENTIAL_CONTAINERS, classify, place};
use super::format;
use crate::crypto;
use crate::durable::{self, Clobber, Staged, Step, TempName};
use crate::error::{Error, Result};
use crate::secret::{Key32, SecretBytes};
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

/// One container's plaintext, ready to seal.
pub struct Planned {
    /// Container name; the file is `<container>.secret`.
    pub container: String,
    /// The JSON text of its object.
    pub plaintext: SecretBytes,
    /// How many secrets it holds.
    pub count: usize,
}

/// Longest file name most file systems take, in bytes.
const NAME_MAX: usize = 255;

/// A container name must be a single file name that APIHub maps back to
/// the same container (it strips from the last `.`, which is ours).
fn check_container(c: &str, what: &dyn Fn() -> String) -> Result<()> {
    let refuse = |why: &str| {
        Err(Error::failure(format!(
            "{}: {why}; nothing written",
            what()
        )))
    };
    if c.contains('/') || c == "." || c == ".." {
        return refuse("its container name is not a file name");
    }
    if c.len() + ".secret".len() > NAME_MAX {
        return refuse("its container name is too long for a file name");
    }
    if CREDENTIAL_CONTAINERS.contains(&c) {
        return refuse("its container is one of APIHub's own credential containers");
    }
    Ok(())
}

fn describe(a: &Address) -> String {
    match a {
        Address::Sso { app, user } => format!("SSO secret of app {app:?}, user id {user:?}"),
        Address::Did { did, name } => format!("DID secret {name:?} of {did}"),
    }
}

/// Groups secrets into containers, refusing what APIHub cannot hold: a
/// value that is not UTF-8 (APIHub stores strings), a container name that
/// is not a file name or is one of its credential containers, two secrets
/// that land on the same (container, key). Returns the plan and warnings
/// for secrets that an import would read back differently.
pub fn plan<'a>(
    secrets: impl IntoIterator<Item = (&'a Address, &'a SecretBytes)>,
) -> Result<(Vec<Planned>, Vec<String>)> {
    let mut containers: BTreeMap<&str, Vec<(String, &str)>> = BTreeMap::new();
    let mut taken: HashMap<(&str, String), &Address> = HashMap::new();
    let mut warnings = Vec::new();
    for (address, value) in secrets {
        let what = || describe(address);
        let text = std::str::from_utf8(value.expose()).map_err(|_| {
            Error::failure(format!(
                "{}: the value is not UTF-8 text, and APIHub stores text; nothing written",
                what()
            ))
        })?;
        let (container, key) = place(address);
        check_container(container, &what)?;
        if let Some(other) = taken.insert((container, key.clone()), address) {
            return Err(Error::failure(format!(
                "{} and {} would both be key {key:?} of container {container:?}; nothing written",
                describe(other),
                what()
            )));
        }
        if classify(container, &key).ok().map(|(a, _)| a).as_ref() != Some(address) {
            warnings.push(format!(
                "warning: {}: its user id reads as a DID, so an import of this folder takes it for a DID secret",
                what()
            ));
        }
        containers.entry(container).or_default().push((key, text));
    }
    let planned = containers
        .into_iter()
        .map(|(container, entries)| {
            let pairs: Vec<(&str, &str)> = entries.iter().map(|(k, v)| (k.as_str(), *v)).collect();
            Planned {
                container: container.to_string(),
                plaintext: format::render(&pairs),
                count: pairs.len(),
            }
        })
        .collect();
    Ok((planned, warnings))
}

/// Writes the planned containers into `dir` (created 0700 when missing),
/// each file 0600. Refuses, writing nothing, when any target file exists;
/// each file is written to a temporary name and renamed without replacing,
/// and if a rename fails the files already placed are removed again.
pub fn write(dir: &Path, planned: &[Planned], key: &Key32) -> Result<()> {
    let shown = dir.display();
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| Error::io(format!("cannot create {shown}"), e))?;
    let target = |p: &Planned| dir.join(format!("{}.secret", p.container));
    for p in planned {
        let t = target(p);
        if std::fs::symlink_metadata(&t).is_ok() {
            return Err(Error::failure(format!(
                "{} exists; export --apihub never overwrites a container (nothing written)",
                t.display()
            )));
        }
    }
    let mut temps = Vec::with_capacity(planned.len());
    for p in planned {
        let sealed = format::seal(
            key,
            &crypto::random()?,
            &crypto::random()?,
            p.plaintext.expose(),
        )
        .map_err(|_| {
            Error::failure(format!(
                "container {:?} is beyond AES-GCM's 64 GiB limit; nothing written",
                p.container
            ))
        })?;
        let name = TempName {
            prefix: ".sso-secrets-export.",
            suffix: "",
        };
        let staged = Staged::write(dir, name, |f| f.write_all(&sealed)).map_err(|f| {
            match (f.step, &f.temp) {
                (Step::Create, _) | (_, None) => {
                    Error::io(format!("cannot create a file in {shown}"), f.error)
                }
                (Step::Write, Some(temp)) => {
                    let what = format!("cannot write {}", temp.display());
                    Error::io(what, f.error_at_temp())
                }
                (_, Some(temp)) => Error::io(format!("cannot write {}", temp.display()), f.error),
            }
        })?;
        temps.push(staged);
    }
    let mut placed: Vec<PathBuf> = Vec::with_capacity(planned.len());
    for (staged, p) in temps.into_iter().zip(planned) {
        let t = target(p);
        if let Err(f) = staged.rename(&t, Clobber::No) {
            for done in &placed {
                let _ = std::fs::remove_file(done);
            }
            return Err(Error::io(
                format!("cannot create {} (nothing written)", t.display()),
                f.error,
            ));
        }
        placed.push(t);
    }
    durable::sync_dir(dir).map_err(|f| Error::io(format!("cannot sync {shown}"), f.error))
}
