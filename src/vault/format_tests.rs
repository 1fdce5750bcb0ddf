use super::*;

fn sample() -> Header {
    Header {
        version: VERSION,
        epoch: [3; 16],
        vault_id: [9; 16],
        flags: FLAG_READ_ONLY,
        created: 1,
        generation: 2,
        slots: vec![
            Slot {
                id: [1; 16],
                lock: SlotLock::Passphrase {
                    kdf: KdfParams::FLOOR,
                    salt: [2; 16],
                },
                nonce: [3; 12],
                sealed: vec![4; 40],
                sig: [5; 64],
            },
            Slot {
                id: [5; 16],
                lock: SlotLock::Token {
                    salt: [6; 16],
                    check: [7; 32],
                    escrow_nonce: [8; 12],
                    escrow: vec![9; 48],
                },
                nonce: [10; 12],
                sealed: vec![11; 50],
                sig: [12; 64],
            },
        ],
        revoked: vec![[12; 16]],
        writers: vec![
            Writer {
                kind: KIND_SSO,
                tag: [1; 16],
                key: [2; 32],
            },
            Writer {
                kind: KIND_DID,
                tag: [0; 16],
                key: [3; 32],
            },
        ],
        buckets: vec![
            BucketRef {
                count: 0,
                len: 0,
                hash: [0; 32],
            },
            BucketRef {
                count: 1,
                len: 5,
                hash: [1; 32],
            },
        ],
        audit: Some(AuditBlock {
            on: true,
            seal_key: [4; 32],
            wrap_nonce: [5; 12],
            wrapped: vec![6; 48],
            anchor: Anchor {
                start_seq: 1,
                start_prev: [7; 32],
                seq: 3,
                hash: [8; 32],
                time: 9,
                sig: [10; 64],
            },
        }),
    }
}

#[test]
fn header_round_trip() {
    let h = sample();
    let bytes = h.encode().unwrap();
    let (version, len) = parse_prefix(&bytes[..PREFIX_LEN]).unwrap();
    assert_eq!((version, len as usize), (VERSION, bytes.len() - PREFIX_LEN));
    let back = Header::parse(version, &bytes[PREFIX_LEN..]).unwrap();
    assert_eq!(back.encode().unwrap(), bytes);
    assert!(back.read_only());
    assert_eq!(back.epoch, [3; 16]);
    assert_eq!(table_len(&back.buckets).unwrap(), 5);
    assert_eq!(back.writer_of(KIND_DID, &[0; 16]), Some(1));
    assert_eq!(back.writer_of(KIND_SSO, &[0; 16]), None);
    // Format 2 has no writer list.
    let mut v2 = sample();
    v2.version = VERSION_2;
    assert!(v2.encode().is_err(), "writers in a format 2 header");
    v2.writers.clear();
    assert!(v2.encode().is_err(), "an audit block in a format 2 header");
    v2.audit = None;
    let bytes = v2.encode().unwrap();
    let back = Header::parse(VERSION_2, &bytes[PREFIX_LEN..]).unwrap();
    assert_eq!(back.encode().unwrap(), bytes);
}

#[test]
fn the_audit_block_round_trips_and_its_switch_is_under_every_slot_signature() {
    let h = sample();
    let bytes = h.encode().unwrap();
    let back = Header::parse(VERSION, &bytes[PREFIX_LEN..]).unwrap();
    assert_eq!(back.audit, h.audit);
    assert!(back.audit_on());
    let digest = h.list_digest().unwrap();
    let mut off = h.clone();
    off.audit.as_mut().unwrap().on = false;
    assert_ne!(off.list_digest().unwrap(), digest, "the switch");
    let mut key = h.clone();
    key.audit.as_mut().unwrap().seal_key[0] ^= 1;
    assert_ne!(key.list_digest().unwrap(), digest, "the key");
    let mut none = h.clone();
    none.audit = None;
    assert_ne!(none.list_digest().unwrap(), digest, "the block");
    // The anchor is signed on its own: moving it re-signs no slot.
    let mut moved = h.clone();
    moved.audit.as_mut().unwrap().anchor.seq += 1;
    assert_eq!(moved.list_digest().unwrap(), digest);
}

#[test]
fn an_unknown_block_or_flag_in_the_slot_table_is_refused() {
    let h = sample();
    let bytes = h.encode().unwrap();
    // The tag sits right after the revoked list, at the table's end less
    // the block.
    let table = h.encode_table().unwrap();
    let mut block = Vec::new();
    h.audit.as_ref().unwrap().encode(&mut block);
    let at = bytes
        .windows(table.len())
        .position(|w| w == &table[..])
        .unwrap()
        + table.len()
        - block.len();
    for (offset, value) in [(0, 0xA2u8), (1, 0x03)] {
        let mut bad = bytes.clone();
        bad[at + offset] = value;
        assert!(Header::parse(VERSION, &bad[PREFIX_LEN..]).is_err());
    }
}

#[test]
fn the_writer_list_must_be_sorted_and_known() {
    let mut h = sample();
    h.writers.swap(0, 1);
    let bytes = h.encode().unwrap();
    assert!(
        Header::parse(VERSION, &bytes[PREFIX_LEN..]).is_err(),
        "out of order"
    );
    let mut h = sample();
    h.writers[1] = h.writers[0].clone();
    let bytes = h.encode().unwrap();
    assert!(
        Header::parse(VERSION, &bytes[PREFIX_LEN..]).is_err(),
        "a duplicate"
    );
    let mut h = sample();
    h.writers[1].kind = 7;
    let bytes = h.encode().unwrap();
    assert!(
        Header::parse(VERSION, &bytes[PREFIX_LEN..]).is_err(),
        "an unknown kind"
    );
}

#[test]
fn every_truncation_of_a_header_is_an_error() {
    let bytes = sample().encode().unwrap();
    for cut in PREFIX_LEN..bytes.len() {
        assert!(
            Header::parse(VERSION, &bytes[PREFIX_LEN..cut]).is_err(),
            "cut {cut}"
        );
    }
}

#[test]
fn exactly_one_passphrase_slot_but_planted_duplicates_still_parse() {
    let mut h = sample();
    let mut p = h.slots[0].clone();
    p.id = [42; 16];
    h.slots.push(p);
    let bytes = h.encode().unwrap();
    assert!(Header::parse(VERSION, &bytes[PREFIX_LEN..]).is_err());
    let mut h = sample();
    h.slots.remove(0);
    let bytes = h.encode().unwrap();
    assert!(Header::parse(VERSION, &bytes[PREFIX_LEN..]).is_err());
    // Duplicate or revoked ids are left to the signatures (a planted slot
    // must not make the file unreadable for `vault check --repair`).
    let mut h = sample();
    h.slots.push(h.slots[1].clone());
    h.revoked.push(h.slots[1].id);
    let bytes = h.encode().unwrap();
    let back = Header::parse(VERSION, &bytes[PREFIX_LEN..]).unwrap();
    assert_eq!(back.slots.len(), 3);
    assert_eq!(back.slots[2].sig, [12; 64]);
}

#[test]
fn bad_prefix_is_rejected() {
    assert!(parse_prefix(b"SSOSVLT\0\x00\x04\0\0\0\0").is_err());
    assert!(parse_prefix(b"SSOSVLT\0\x00\x01\0\0\0\0").is_ok());
    assert!(parse_prefix(b"NOTAVLT\0\x00\x01\0\0\0\0").is_err());
    assert!(parse_prefix(b"SSOSVLT\0\x00\x01\xff\xff\xff\xff").is_err());
}

#[test]
fn buckets_partition_by_top_bits() {
    let mut l = [0u8; 32];
    assert_eq!(bucket_of(&l, 1), 0);
    l[0] = 0x80;
    assert_eq!(bucket_of(&l, 2), 1);
    assert_eq!(bucket_of(&l, 4), 2);
    assert_eq!(bucket_count_for(0), 1);
    assert_eq!(bucket_count_for(64), 1);
    assert_eq!(bucket_count_for(65), 32);
    assert_eq!(bucket_count_for(1_000), 128);
    assert_eq!(bucket_count_for(100_000), 1024);
    assert!(!needs_rebucket(0, 1));
    assert!(!needs_rebucket(100_000, 1024));
    assert!(!needs_rebucket(100_000, 512));
    assert!(needs_rebucket(100_000, 256));
    assert!(needs_rebucket(1_000, 1));
    assert!(needs_rebucket(10, 64));
}

#[test]
fn bucket_round_trip_and_order_check() {
    let e = |b: u8| RawEntry {
        lookup: [b; 32],
        kind: 2,
        tag: [0; 16],
        salt: [0; 24],
        scope_ct: vec![1, 2],
        body_ct: vec![3; 20],
    };
    let entries = vec![e(1), e(2)];
    let bytes = encode_bucket(&entries);
    assert_eq!(parse_bucket(&bytes, 0, 1, 2).unwrap(), entries);
    assert!(parse_bucket(&bytes, 0, 1, 1).is_err());
    assert!(parse_bucket(&bytes, 0, 1, 3).is_err());
    let swapped = encode_bucket(&[e(2), e(1)]);
    assert!(parse_bucket(&swapped, 0, 1, 2).is_err());
}
