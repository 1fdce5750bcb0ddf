//! Length-checked binary reading and writing (big-endian, length-prefixed).
//!
//! Every read is bounds-checked and turns a short buffer into a "vault fails
//! authentication" error: a parser over hostile bytes must never panic.

use crate::error::{Error, Result};

/// A cursor over bytes that refuses to read past the end.
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    what: &'static str,
}

impl<'a> Reader<'a> {
    /// Reads `buf`; `what` names it in errors.
    pub fn new(buf: &'a [u8], what: &'static str) -> Self {
        Self { buf, pos: 0, what }
    }
    /// Bytes not yet read.
    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }
    /// True when everything has been read.
    pub fn is_empty(&self) -> bool {
        self.remaining() == 0
    }
    /// The next `n` bytes.
    pub fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if n > self.remaining() {
            return Err(Error::corrupt(format!("{} is truncated", self.what)));
        }
        let out = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(out)
    }
    /// A fixed-size array.
    pub fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }
    /// One byte.
    pub fn u8(&mut self) -> Result<u8> {
        Ok(self.array::<1>()?[0])
    }
    /// A big-endian u16.
    pub fn u16(&mut self) -> Result<u16> {
        Ok(u16::from_be_bytes(self.array()?))
    }
    /// A big-endian u32.
    pub fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_be_bytes(self.array()?))
    }
    /// A big-endian u64.
    pub fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_be_bytes(self.array()?))
    }
    /// Bytes prefixed by a u16 length.
    pub fn bytes16(&mut self) -> Result<&'a [u8]> {
        let n = self.u16()?;
        self.take(usize::from(n))
    }
    /// Bytes prefixed by a u32 length.
    pub fn bytes32(&mut self) -> Result<&'a [u8]> {
        let n = self.u32()?;
        self.take(n as usize)
    }
    /// UTF-8 text prefixed by a u16 length.
    pub fn str16(&mut self) -> Result<String> {
        let what = self.what;
        String::from_utf8(self.bytes16()?.to_vec())
            .map_err(|_| Error::corrupt(format!("{what} holds text that is not UTF-8")))
    }
    /// Fails unless every byte was read.
    pub fn finish(&self) -> Result<()> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(Error::corrupt(format!(
                "{} has {} trailing bytes",
                self.what,
                self.remaining()
            )))
        }
    }
}

/// Appends big-endian, length-prefixed fields to a buffer.
pub trait Put {
    /// One byte.
    fn put_u8(&mut self, v: u8);
    /// Raw bytes, no prefix.
    fn put(&mut self, v: &[u8]);
    /// A big-endian u16.
    fn put_u16(&mut self, v: u16) {
        self.put(&v.to_be_bytes());
    }
    /// A big-endian u32.
    fn put_u32(&mut self, v: u32) {
        self.put(&v.to_be_bytes());
    }
    /// A big-endian u64.
    fn put_u64(&mut self, v: u64) {
        self.put(&v.to_be_bytes());
    }
    /// Bytes with a u16 length prefix. Callers bound the length (names are
    /// at most 256 bytes, AEAD outputs of them a little more).
    fn put_bytes16(&mut self, v: &[u8]) {
        self.put_u16(u16::try_from(v.len()).unwrap_or(u16::MAX));
        self.put(&v[..v.len().min(usize::from(u16::MAX))]);
    }
    /// Bytes with a u32 length prefix (values are at most 1 MiB).
    fn put_bytes32(&mut self, v: &[u8]) {
        self.put_u32(u32::try_from(v.len()).unwrap_or(u32::MAX));
        self.put(&v[..v.len().min(u32::MAX as usize)]);
    }
}

impl Put for Vec<u8> {
    fn put_u8(&mut self, v: u8) {
        self.push(v);
    }
    fn put(&mut self, v: &[u8]) {
        self.extend_from_slice(v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_truncation() {
        let mut w = Vec::new();
        w.put_u8(1);
        w.put_u16(2);
        w.put_u32(3);
        w.put_u64(4);
        w.put_bytes16(b"ab");
        w.put_bytes32(b"cde");
        let mut r = Reader::new(&w, "test");
        assert_eq!(r.u8().unwrap(), 1);
        assert_eq!(r.u16().unwrap(), 2);
        assert_eq!(r.u32().unwrap(), 3);
        assert_eq!(r.u64().unwrap(), 4);
        assert_eq!(r.bytes16().unwrap(), b"ab");
        assert_eq!(r.bytes32().unwrap(), b"cde");
        r.finish().unwrap();
        for cut in 0..w.len() {
            let mut r = Reader::new(&w[..cut], "test");
            let all = (|| -> Result<()> {
                r.u8()?;
                r.u16()?;
                r.u32()?;
                r.u64()?;
                r.bytes16()?;
                r.bytes32()?;
                Ok(())
            })();
            assert!(all.is_err(), "cut at {cut}");
        }
    }
}
