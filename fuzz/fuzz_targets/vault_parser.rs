//! Feeds arbitrary bytes to every parser that reads vault bytes before
//! anything is authenticated: the prefix, the header (slots, revoked ids,
//! bucket table), buckets and keyrings. None may panic, and a header that
//! parses must encode back to exactly the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sso_secrets::vault::format;
use sso_secrets::vault::keys::Keyring;

fuzz_target!(|data: &[u8]| {
    if data.len() >= format::PREFIX_LEN {
        if let Ok(hlen) = format::parse_prefix(&data[..format::PREFIX_LEN])
            && let Some(end) = format::PREFIX_LEN.checked_add(hlen as usize)
            && end <= data.len()
        {
            // The reader never parses a header shorter than its length field.
            if let Ok(h) = format::Header::parse(&data[format::PREFIX_LEN..end]) {
                assert_eq!(h.encode(), &data[..end], "header encoding is not canonical");
                let _ = h.file_len(end);
            }
        }
    }
    for count in [1usize, 2, 256] {
        let _ = format::parse_bucket(data, 0, count);
    }
    let _ = Keyring::decode(data);
});
