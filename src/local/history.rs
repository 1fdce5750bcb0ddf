//! What the passphrase holder's machine remembers of each vault it opened,
//! to notice a vault that goes back.
//!
//! The vault cannot tell an older copy of itself from the current one: a
//! copy is validly signed, and the `generation` in its header is set by
//! whoever signs it, which includes an unscoped write token revoked since
//! (it keeps its copy from before the revoke, where its slot and the data
//! key still work). What nobody but the passphrase can make is a new key
//! epoch. So after every passphrase open this machine records, per vault
//! id, the key epoch, the generation and a hash of the head it saw, and
//! the epochs it saw replaced; the next open compares. A vault whose epoch
//! was seen replaced, whose generation is lower within the epoch, or whose
//! head differs at the same generation, gets one warning line. The record
//! is never required: a state file that is missing, unreadable or
//! unwritable changes nothing.

use crate::durable::{Clobber, Staged, TempName};
use crate::text::hex;
use crate::vault::HeadId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// Epochs remembered as replaced, per vault (the most recent ones).
const MAX_SUPERSEDED: usize = 64;
/// Vaults remembered (the most recently opened ones).
const MAX_VAULTS: usize = 256;

/// The state file (`seen.json` in the user's state directory).
#[derive(Debug, Clone)]
pub struct History {
    path: PathBuf,
}

/// The state file's contents.
#[derive(Debug, Default, Serialize, Deserialize)]
struct State {
    /// By vault id (hex).
    vaults: BTreeMap<String, Seen>,
}

/// What this machine last saw of one vault.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Seen {
    /// Key epoch (hex).
    epoch: String,
    /// Header generation within that epoch.
    generation: u64,
    /// The last audit record anchored (0: none).
    #[serde(default)]
    anchor: u64,
    /// SHA-256 of the head (hex).
    head: String,
    /// Epochs seen replaced by a later one, oldest first (hex).
    #[serde(default)]
    superseded: Vec<String>,
    /// When this machine last recorded it (Unix seconds).
    #[serde(default)]
    at: u64,
}

/// What the state file said before a vault was opened.
#[derive(Debug, Default)]
pub(crate) struct Before(State);

/// How `head` compares with what this machine saw of its vault.
#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    /// Never seen, or the same head, or later.
    Fine,
    /// Its key epoch was seen replaced by a later one.
    OlderEpoch,
    /// A lower generation of the epoch seen last.
    OlderGeneration(u64),
    /// The same generation as seen, another head.
    Fork,
    /// An earlier audit anchor than the one seen (an unscoped write token
    /// can put one back within an epoch; the records after it may be cut).
    OlderAnchor(u64),
}

fn verdict(seen: Option<&Seen>, head: &HeadId) -> Verdict {
    let Some(seen) = seen else {
        return Verdict::Fine;
    };
    let epoch = hex(&head.epoch);
    if seen.superseded.contains(&epoch) {
        return Verdict::OlderEpoch;
    }
    if head.anchor < seen.anchor {
        return Verdict::OlderAnchor(seen.anchor);
    }
    if seen.epoch != epoch {
        return Verdict::Fine;
    }
    if head.generation < seen.generation {
        Verdict::OlderGeneration(seen.generation)
    } else if head.generation == seen.generation && seen.head != hex(&head.hash) {
        Verdict::Fork
    } else {
        Verdict::Fine
    }
}

impl History {
    /// The state file at `path` (its directory is created, 0700, when
    /// first written).
    pub fn new(path: PathBuf) -> Self {
        History { path }
    }

    /// What the state file says now. Read before the vault's head is read,
    /// so that a write this machine records meanwhile (another process)
    /// is never mistaken for the newer one.
    pub(crate) fn before(&self) -> Before {
        Before(self.read().unwrap_or_default())
    }

    /// True when `head`'s audit anchor is earlier than the one `before`
    /// saw: a passphrase write must not move it (over records that may be
    /// forged in place of those cut).
    pub(crate) fn anchor_went_back(before: &Before, head: &HeadId) -> bool {
        // Whatever else went back with it (an older epoch or generation).
        before
            .0
            .vaults
            .get(&hex(&head.vault_id))
            .is_some_and(|seen| head.anchor < seen.anchor)
    }

    /// Whether [`History::compare`] has something to say of `head`: then a
    /// head read before `before` was may just be older than a write this
    /// machine recorded since, and is read again before it is judged.
    pub(crate) fn objects(before: &Before, head: &HeadId) -> bool {
        verdict(before.0.vaults.get(&hex(&head.vault_id)), head) != Verdict::Fine
    }

    /// One line for stderr when `head` goes back from what `before` saw of
    /// its vault, or forks from it.
    pub(crate) fn compare(before: &Before, head: &HeadId) -> Option<String> {
        let seen = before.0.vaults.get(&hex(&head.vault_id));
        Some(match verdict(seen, head) {
            Verdict::Fine => return None,
            Verdict::OlderEpoch => "warning: the vault went back to a key epoch that this machine saw replaced (an older copy of the file, from before a `token revoke`, `vault passwd` or `vault rotate`: a token revoked since works on it again); if you did not put it back on purpose, run `sso-secrets vault rotate` (any rekey ends this warning)".to_string(),
            Verdict::OlderGeneration(saw) => format!(
                "warning: the vault went back: generation {} of its key epoch, where this machine saw generation {saw} (an older copy of the file was put back)",
                head.generation
            ),
            Verdict::OlderAnchor(saw) => format!(
                "warning: the vault's audit anchor went back to record {}, where this machine saw record {saw} anchored (an earlier anchor was put back: records after it may have been cut from the trail)",
                head.anchor
            ),
            Verdict::Fork => format!(
                "warning: the vault forked: this machine saw another head at the same generation {} of its key epoch (another copy was written from the same start)",
                head.generation
            ),
        })
    }

    /// Records `head` as seen, unless it goes back or forks from what the
    /// state file holds now (that stays, so every later open says it again
    /// until the vault moves past it). Failures are ignored.
    pub(crate) fn record(&self, head: &HeadId, now: u64) {
        let _ = self.try_record(head, now);
    }

    fn try_record(&self, head: &HeadId, now: u64) -> std::io::Result<()> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
        // Serialises read-merge-write among this user's processes.
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(0o600)
            .open(self.path.with_extension("lock"))?;
        lock.lock()?;
        let mut state = self.read().unwrap_or_default();
        let key = hex(&head.vault_id);
        let seen = state.vaults.get(&key);
        let next = match (seen, verdict(seen, head)) {
            (
                _,
                Verdict::OlderEpoch
                | Verdict::OlderGeneration(_)
                | Verdict::Fork
                | Verdict::OlderAnchor(_),
            ) => None,
            // The same epoch: the same head or a later one (and the time
            // refreshed: the least recently opened vault is forgotten first).
            (Some(s), Verdict::Fine) if s.epoch == hex(&head.epoch) => Some(Seen {
                generation: head.generation,
                anchor: head.anchor,
                head: hex(&head.hash),
                at: now,
                ..s.clone()
            }),
            (s, Verdict::Fine) => {
                let mut superseded = s.map(|s| s.superseded.clone()).unwrap_or_default();
                if let Some(s) = s {
                    superseded.retain(|e| *e != s.epoch);
                    superseded.push(s.epoch.clone());
                }
                let excess = superseded.len().saturating_sub(MAX_SUPERSEDED);
                superseded.drain(..excess);
                Some(Seen {
                    epoch: hex(&head.epoch),
                    generation: head.generation,
                    anchor: head.anchor,
                    head: hex(&head.hash),
                    superseded,
                    at: now,
                })
            }
        };
        let Some(next) = next else {
            return Ok(());
        };
        state.vaults.insert(key, next);
        while state.vaults.len() > MAX_VAULTS {
            let oldest = state
                .vaults
                .iter()
                .min_by_key(|(_, s)| s.at)
                .map(|(k, _)| k.clone());
            match oldest {
                Some(k) => state.vaults.remove(&k),
                None => break,
            };
        }
        let text = serde_json::to_vec_pretty(&state).map_err(std::io::Error::other)?;
        let name = TempName {
            prefix: ".seen.",
            suffix: "",
        };
        // The directory is not synced: a record lost in a crash costs one
        // missed warning, never a wrong one.
        Staged::write(dir, name, |f| f.write_all(&text))
            .and_then(|staged| staged.rename(&self.path, Clobber::Yes))
            .map_err(|f| f.error)
    }

    /// The state file, if it reads and parses.
    fn read(&self) -> Option<State> {
        let bytes = std::fs::read(&self.path).ok()?;
        serde_json::from_slice(&bytes).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn head(epoch: u8, generation: u64, hash: u8) -> HeadId {
        HeadId {
            vault_id: [1; 16],
            epoch: [epoch; 16],
            generation,
            hash: [hash; 32],
            anchor: 0,
        }
    }

    fn said(h: &History, head: &HeadId) -> Option<String> {
        let w = History::compare(&h.before(), head);
        h.record(head, 1);
        w
    }

    #[test]
    fn a_vault_that_goes_back_or_forks_is_said_until_it_moves_on() {
        let dir = tempfile::tempdir().unwrap();
        let h = History::new(dir.path().join("state/seen.json"));
        assert_eq!(said(&h, &head(1, 5, 1)), None);
        assert_eq!(said(&h, &head(1, 6, 2)), None);
        let back = said(&h, &head(1, 5, 1)).unwrap();
        assert!(back.contains("generation 5") && back.contains("saw generation 6"));
        let fork = said(&h, &head(1, 6, 9)).unwrap();
        assert!(fork.contains("forked"), "{fork}");
        // A new epoch (a rekey) moves on; the old one is now replaced.
        assert_eq!(said(&h, &head(2, 7, 3)), None);
        let old = said(&h, &head(1, 1000, 4)).unwrap();
        assert!(old.contains("key epoch"), "{old}");
        // Said again while it lasts; a later rekey of that copy moves on.
        assert!(said(&h, &head(1, 1001, 5)).is_some());
        assert_eq!(said(&h, &head(3, 1002, 6)), None);
        assert!(said(&h, &head(2, 8, 7)).is_some());
        // Another vault is another record.
        let other = HeadId {
            vault_id: [2; 16],
            ..head(1, 1, 1)
        };
        assert_eq!(said(&h, &other), None);
        let mode = std::fs::metadata(dir.path().join("state/seen.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn an_audit_anchor_that_goes_back_is_said() {
        let dir = tempfile::tempdir().unwrap();
        let h = History::new(dir.path().join("seen.json"));
        let at = |generation, hash, anchor| HeadId {
            anchor,
            ..head(1, generation, hash)
        };
        assert_eq!(said(&h, &at(5, 1, 10)), None);
        // A write token put back an earlier anchor, with a higher generation.
        let back = said(&h, &at(9, 2, 4)).unwrap();
        assert!(back.contains("anchor went back to record 4") && back.contains("record 10"));
        assert_eq!(said(&h, &at(10, 3, 12)), None);
        // A rekey keeps the anchor: an earlier one in a new epoch is said too.
        let rekeyed = HeadId {
            anchor: 11,
            ..head(2, 11, 4)
        };
        assert!(said(&h, &rekeyed).is_some());
    }

    #[test]
    fn a_missing_or_broken_state_file_is_no_error() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("seen.json");
        std::fs::write(&file, b"{ not json").unwrap();
        let h = History::new(file.clone());
        assert_eq!(said(&h, &head(1, 5, 1)), None);
        // Rewritten whole.
        assert!(said(&h, &head(1, 4, 1)).is_some());
        let blocked = History::new(file.join("below-a-file/seen.json"));
        assert_eq!(said(&blocked, &head(1, 5, 1)), None);
        assert_eq!(said(&blocked, &head(1, 4, 1)), None);
    }
}
