//! Feeds arbitrary bytes to every parser that reads vault bytes before
//! anything is authenticated: the prefix, the header (slots, revoked ids,
//! writer list, bucket table, audit block), the scope records, buckets,
//! keyrings and audit records, for
//! every format version, and a whole head as a database store holds it.
//! None may panic, and a header or records region that
//! parses must encode back to exactly the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sso_secrets::testing::vault::keys::Keyring;
use sso_secrets::testing::vault::{HeadRead, format, record};

fuzz_target!(|data: &[u8]| {
    if data.len() >= format::PREFIX_LEN {
        if let Ok((version, hlen)) = format::parse_prefix(&data[..format::PREFIX_LEN])
            && let Some(end) = format::PREFIX_LEN.checked_add(hlen as usize)
            && end <= data.len()
        {
            // The reader never parses a header shorter than its length field.
            if let Ok(h) = format::Header::parse(version, &data[format::PREFIX_LEN..end]) {
                // Headers are written in formats 2 and 3.
                if version != format::VERSION_1
                    && let Ok(bytes) = h.encode()
                {
                    assert_eq!(bytes, &data[..end], "header encoding is not canonical");
                }
                let _ = format::table_len(&h.buckets);
            }
        }
    }
    for n in [0usize, 1, 3] {
        if let Ok(records) = record::parse_records(data, n) {
            let bytes = record::encode_records(&records).unwrap();
            assert_eq!(&bytes[4..], data, "record encoding is not canonical");
        }
    }
    for (count, entries) in [(1usize, 1u32), (2, 0), (256, 3)] {
        let _ = format::parse_bucket(data, 0, count, entries);
    }
    for version in [1, 2, 3] {
        let _ = Keyring::decode(version, data);
    }
    // An audit record: clear fields parsed, the rest kept as sealed bytes.
    if let Ok(raw) = sso_secrets::testing::audit::Raw::parse(data) {
        assert_eq!(raw.encode(), data, "audit record encoding is not canonical");
    }
    // A database store holds the head as one value: parsed whole, nothing
    // after its records, and the buckets it names listed for collection.
    if let Ok(head) = HeadRead::parse(data) {
        let _ = head.bucket_hashes().count();
    }
});
