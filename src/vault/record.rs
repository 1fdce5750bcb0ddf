//! Scope partitions (format 3). A scope that scoped tokens may write keeps
//! its entries in its own partition instead of the base buckets: a bucket
//! table of its own, in a *record* signed by the scope's write key (or by
//! the data key, when a root writer changed it). A scoped write token holds
//! its scopes' write keys and not the data key, so it can change nothing
//! but its own partitions.
//!
//! ```text
//! records = records_len:u32 record*             (one per listed writer, in list order)
//! record  = record_len:u32 seq:u64 signer:u8 bucket_count:u32 bucket_ref* sig:64
//! ```
//! The signature covers a domain label, the vault id, the key epoch, the
//! writer (kind, tag, write key) and the record's fields: a record cannot
//! be moved to another scope, vault or key epoch. The records region as a
//! whole is signed by no one: each reader checks the one record it uses.

use super::codec::{Put, Reader};
use super::format::{self, BucketRef, Writer};
use crate::crypto::{self, SIG_LEN};
use crate::error::{Error, Result};

/// Most buckets a partition has (about 50 million entries before its
/// buckets grow past ~3,000 entries each). Every reader parses every record
/// before checking any signature, so this bounds what a scoped writer can
/// make everyone read at 640 KiB per record, whatever sizes it claims.
pub const MAX_PARTITION_BUCKETS: usize = 1 << 14;

/// The smallest encoded entry: lookup, kind, tag, salt and two length
/// fields, with empty ciphertexts.
const MIN_ENTRY_LEN: u64 = 32 + 1 + 16 + 24 + 2 + 4;

/// Signed by the data key (a root writer).
pub const SIGNER_DATA: u8 = 0;
/// Signed by the scope's write key (a scoped write token).
pub const SIGNER_SCOPE: u8 = 1;

/// One partition's record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Incremented on every write of this partition.
    pub seq: u64,
    /// [`SIGNER_DATA`] or [`SIGNER_SCOPE`].
    pub signer: u8,
    /// Length and SHA-256 of each of the partition's buckets.
    pub buckets: Vec<BucketRef>,
    /// Ed25519 signature over [`Record::message`].
    pub sig: [u8; SIG_LEN],
}

impl Record {
    /// An empty partition (one empty bucket), not yet signed.
    pub fn empty() -> Record {
        Record {
            seq: 0,
            signer: SIGNER_DATA,
            buckets: vec![BucketRef {
                count: 0,
                len: 0,
                hash: crypto::sha256(&[]),
            }],
            sig: [0; SIG_LEN],
        }
    }

    fn put_body(&self, w: &mut Vec<u8>) -> Result<()> {
        w.put_u64(self.seq);
        w.put_u8(self.signer);
        format::put_bucket_table(w, &self.buckets)
    }

    /// What the signature covers.
    pub fn message(&self, vault_id: &[u8; 16], epoch: &[u8; 16], w: &Writer) -> Result<Vec<u8>> {
        let mut m = Vec::with_capacity(128 + self.buckets.len() * 40);
        m.put(b"sso-secrets scope record v3");
        m.put(vault_id);
        m.put(epoch);
        m.put_u8(w.kind);
        m.put(&w.tag);
        m.put(&w.key);
        self.put_body(&mut m)?;
        Ok(m)
    }

    /// The key that must have signed this record: the data key's public
    /// half, or the listed write key; `None` for an unknown signer byte.
    pub fn signer_key(&self, data_key: &[u8; 32], w: &Writer) -> Option<[u8; 32]> {
        match self.signer {
            SIGNER_DATA => Some(*data_key),
            SIGNER_SCOPE => Some(w.key),
            _ => None,
        }
    }

    /// Total bytes of this partition's buckets.
    pub fn data_len(&self) -> Result<u64> {
        format::table_len(&self.buckets)
    }

    fn encode(&self, out: &mut Vec<u8>) -> Result<()> {
        let mut body = Vec::with_capacity(13 + self.buckets.len() * 40);
        self.put_body(&mut body)?;
        out.put_bytes32(&body);
        out.put(&self.sig);
        Ok(())
    }

    fn parse(r: &mut Reader<'_>) -> Result<Record> {
        let body = r.bytes32()?;
        let mut b = Reader::new(body, "scope record");
        let seq = b.u64()?;
        let signer = b.u8()?;
        let buckets = format::parse_bucket_table(&mut b)?;
        b.finish()?;
        // Checked before any signature, because every reader parses every
        // record: a record may not claim more buckets than its entries
        // call for (writers redistribute every table they change), nor
        // more entries than its bytes can hold. So a scoped writer cannot
        // make everyone's open parse a huge table without a file as large.
        let total = format::table_entries(&buckets)?;
        if buckets.len() > MAX_PARTITION_BUCKETS
            || format::needs_rebucket_within(total, buckets.len(), MAX_PARTITION_BUCKETS)
        {
            return Err(Error::corrupt(format!(
                "a scope record has {} buckets for {total} entries",
                buckets.len()
            )));
        }
        if buckets
            .iter()
            .any(|x| u64::from(x.count) * MIN_ENTRY_LEN > u64::from(x.len))
        {
            return Err(Error::corrupt(
                "a scope record counts more entries than its buckets' bytes hold",
            ));
        }
        Ok(Record {
            seq,
            signer,
            buckets,
            sig: r.array()?,
        })
    }
}

/// Encodes the records region, length first.
pub fn encode_records(records: &[Record]) -> Result<Vec<u8>> {
    let mut body = Vec::with_capacity(records.iter().map(|r| 80 + 40 * r.buckets.len()).sum());
    for r in records {
        r.encode(&mut body)?;
    }
    let mut out = Vec::with_capacity(4 + body.len());
    out.put_bytes32(&body);
    Ok(out)
}

/// Parses the records region's body (after its length): exactly `n`
/// records and nothing after them.
pub fn parse_records(bytes: &[u8], n: usize) -> Result<Vec<Record>> {
    // A record is at least 4 + 13 + 40 + 64 bytes.
    if n.saturating_mul(121) > bytes.len() {
        return Err(Error::corrupt(format!(
            "the file holds fewer scope records than its {n} listed writers"
        )));
    }
    let mut r = Reader::new(bytes, "scope records");
    let out = (0..n)
        .map(|_| Record::parse(&mut r))
        .collect::<Result<Vec<_>>>()?;
    r.finish()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn writer() -> Writer {
        Writer {
            kind: 1,
            tag: [7; 16],
            key: [9; 32],
        }
    }

    #[test]
    fn records_round_trip_and_refuse_what_does_not_fit() {
        let mut a = Record::empty();
        a.seq = 5;
        a.sig = [3; SIG_LEN];
        let mut b = Record::empty();
        b.signer = SIGNER_SCOPE;
        b.buckets = vec![a.buckets[0].clone(); 2];
        let bytes = encode_records(&[a.clone(), b.clone()]).unwrap();
        let body = &bytes[4..];
        assert_eq!(parse_records(body, 2).unwrap(), vec![a, b]);
        assert!(parse_records(body, 3).is_err(), "a missing record");
        assert!(parse_records(body, 1).is_err(), "bytes after the records");
        assert!(parse_records(&body[..body.len() - 1], 2).is_err());
        // A record's bucket table must be a power of two.
        let mut c = Record::empty();
        c.buckets = vec![c.buckets[0].clone(); 3];
        let bytes = encode_records(&[c]).unwrap();
        assert!(parse_records(&bytes[4..], 1).is_err());
    }

    #[test]
    fn a_record_is_bound_to_its_scope_vault_and_epoch() {
        let r = Record::empty();
        let m = r.message(&[1; 16], &[2; 16], &writer()).unwrap();
        let mut other = writer();
        other.tag[0] ^= 1;
        assert_ne!(m, r.message(&[1; 16], &[2; 16], &other).unwrap());
        assert_ne!(m, r.message(&[1; 16], &[3; 16], &writer()).unwrap());
        assert_ne!(m, r.message(&[0; 16], &[2; 16], &writer()).unwrap());
        let mut bumped = r.clone();
        bumped.seq += 1;
        assert_ne!(m, bumped.message(&[1; 16], &[2; 16], &writer()).unwrap());
    }
}
