//! Base58 decoding (Bitcoin alphabet) with 32-bit limbs, for the access
//! token every `serve` request carries: the `bs58` crate converts one digit
//! at a time over every output byte, which for a token's 67 digits was
//! about 2 % of a get's server CPU; five digits per step over 32-bit limbs
//! does the same in a tenth of the work. Same results as `bs58::decode`
//! (checked against it by a property test below); encoding stays `bs58`'s.

use zeroize::Zeroizing;

const ALPHABET: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/// Digit value of each ASCII byte; 255 for a byte not in the alphabet.
const DIGITS: [u8; 128] = {
    let mut t = [255u8; 128];
    let mut i = 0;
    while i < ALPHABET.len() {
        t[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    t
};

/// The bytes `text` encodes, or `None` for a character outside the
/// alphabet. Leading `1`s are leading zero bytes, as in `bs58`. The
/// intermediate number and the result are zeroized when dropped (a token's
/// secret passes through them).
pub(crate) fn decode(text: &str) -> Option<Zeroizing<Vec<u8>>> {
    let text = text.as_bytes();
    let zeros = text.iter().take_while(|&&c| c == b'1').count();
    // The number, little-endian in 32-bit limbs: five digits (< 29.3 bits)
    // per limb at most, so the vector never grows (a reallocation would
    // leave a copy behind that is not zeroized).
    let mut limbs: Zeroizing<Vec<u32>> = Zeroizing::new(Vec::with_capacity(text.len() / 5 + 2));
    for chunk in text[zeros..].chunks(5) {
        let mut value = 0u64;
        let mut scale = 1u64;
        for &c in chunk {
            let d = *DIGITS.get(usize::from(c))?;
            if d == 255 {
                return None;
            }
            value = value * 58 + u64::from(d);
            scale *= 58;
        }
        // value < scale <= 58^5 < 2^32: each step fits in 64 bits.
        let mut carry = value;
        for limb in limbs.iter_mut() {
            let t = u64::from(*limb) * scale + carry;
            *limb = t as u32;
            carry = t >> 32;
        }
        if carry != 0 {
            limbs.push(carry as u32);
        }
    }
    let significant = limbs
        .last()
        .map_or(0, |top| limbs.len() * 4 - top.leading_zeros() as usize / 8);
    let mut out = Zeroizing::new(Vec::with_capacity(zeros + significant));
    out.resize(zeros, 0);
    for i in (0..significant).rev() {
        out.push((limbs[i / 4] >> (8 * (i % 4))) as u8);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn theirs(text: &str) -> Option<Vec<u8>> {
        bs58::decode(text).into_vec().ok()
    }

    #[test]
    fn edge_cases_decode_as_bs58_does() {
        for text in [
            "", "1", "11", "111z", "2", "z", "21", "1112", "5Q", "5R", "LUv", "LUw", "zzzzz",
            "zzzzzz", "1zzzzz", "0", "O", "I", "l", "é", "abc0", "abc ", "+",
        ] {
            assert_eq!(decode(text).map(|v| v.to_vec()), theirs(text), "{text:?}");
        }
    }

    proptest! {
        #[test]
        fn any_bytes_round_trip(bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
            let text = bs58::encode(&bytes).into_string();
            prop_assert_eq!(decode(&text).map(|v| v.to_vec()), Some(bytes));
        }

        #[test]
        fn any_text_decodes_as_bs58_does(text in "[1-9A-Za-z0+/ ]{0,90}") {
            prop_assert_eq!(decode(&text).map(|v| v.to_vec()), theirs(&text));
        }
    }
}
