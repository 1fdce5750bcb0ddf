//! Records: sealing round trip, the chain, and hostile bytes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::record::{Content, Front, Raw, Sealer, Who, hash_body};

fn content() -> Content {
    Content {
        op: "getSSOSecret".into(),
        principal: Who::Token {
            id: "00".into(),
            name: "reader-bob".into(),
        },
        front: Front::Serve {
            peer: "127.0.0.1".into(),
        },
        status: 200,
        target: vec![("app".into(), "demo".into())],
    }
}

#[test]
fn a_sealed_record_opens_with_the_private_key_only_and_binds_its_clear_fields() {
    let secret = x25519_dalek::StaticSecret::from([7u8; 32]);
    let public = x25519_dalek::PublicKey::from(&secret).to_bytes();
    let vid = [1u8; 16];
    let raw = Sealer::new(vid, public)
        .unwrap()
        .seal(5, 1000, [2; 32], &content())
        .unwrap();
    let body = raw.encode();
    let back = Raw::parse(&body).unwrap();
    assert_eq!(back, raw);
    assert_eq!(back.open(&vid, &secret).unwrap(), content());
    assert!(back.open(&[9; 16], &secret).is_err(), "another vault");
    let other = x25519_dalek::StaticSecret::from([8u8; 32]);
    assert!(back.open(&vid, &other).is_err(), "another key");
    // seq, time and prev are in the AAD: changing one fails the seal.
    for at in [1usize, 9, 17] {
        let mut b = body.clone();
        b[at] ^= 1;
        assert!(
            Raw::parse(&b).unwrap().open(&vid, &secret).is_err(),
            "byte {at}"
        );
        assert_ne!(hash_body(&vid, &b), hash_body(&vid, &body));
    }
    assert!(!body.windows(4).any(|w| w == b"demo"));
}

#[test]
fn a_low_order_audit_key_is_refused_and_hostile_bodies_do_not_parse() {
    assert!(Sealer::new([0; 16], [0; 32]).is_err());
    assert!(Raw::parse(&[]).is_err());
    assert!(Raw::parse(&[1; 40]).is_err());
    assert!(Raw::parse(&[2; 200]).is_err(), "unknown version");
    assert!(Raw::parse(&vec![1; super::record::MAX_BODY + 1]).is_err());
}

#[test]
fn frames_stop_at_a_torn_or_foreign_tail() {
    let frame = |b: &[u8]| {
        let l = (b.len() as u32).to_be_bytes();
        [&l[..], b, &l].concat()
    };
    let a = frame(&[1; 120]);
    let b = frame(&[2; 130]);
    let whole = [a.clone(), b.clone()].concat();
    assert_eq!(
        super::file::frames(&whole),
        (vec![vec![1; 120], vec![2; 130]], whole.len())
    );
    let torn = [a.clone(), b[..50].to_vec()].concat();
    assert_eq!(super::file::frames(&torn).1, a.len());
    let mut lying = whole.clone();
    lying[a.len() + 4 + 130] ^= 1;
    assert_eq!(super::file::frames(&lying).1, a.len());
}

#[test]
fn debug_output_names_no_principal_and_no_target() {
    let text = format!("{:?}", content());
    assert!(
        !text.contains("reader-bob") && !text.contains("demo"),
        "{text}"
    );
}
