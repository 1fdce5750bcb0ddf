//! Connections per client address (`--max-connections-per-peer`).
//!
//! `--max-connections` bounds the server's work; without a share per peer,
//! one client that opens that many connections and sends nothing holds
//! every slot until the header timeout, again and again. An IPv6 peer is
//! counted by its /64, the block one host or one customer usually gets, so
//! that it cannot take a new address for each connection.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// How many connections each peer has open.
#[derive(Debug)]
pub(crate) struct Peers {
    limit: usize,
    open: Mutex<HashMap<IpAddr, usize>>,
}

/// One open connection of a peer; dropping it frees its place.
#[derive(Debug)]
pub(crate) struct PeerSlot {
    peers: Arc<Peers>,
    key: IpAddr,
}

impl Peers {
    /// At most `limit` connections per peer (at least one).
    pub(crate) fn new(limit: usize) -> Arc<Peers> {
        Arc::new(Peers {
            limit: limit.max(1),
            open: Mutex::default(),
        })
    }

    pub(crate) fn limit(&self) -> usize {
        self.limit
    }

    fn open(&self) -> MutexGuard<'_, HashMap<IpAddr, usize>> {
        // Counts are updated in one statement each: a panic elsewhere
        // cannot leave them half changed.
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A place for one more connection from `addr`, or `None` when the
    /// peer already has its share.
    pub(crate) fn admit(self: &Arc<Self>, addr: IpAddr) -> Option<PeerSlot> {
        let key = peer_of(addr);
        let mut open = self.open();
        let n = open.entry(key).or_insert(0);
        if *n >= self.limit {
            return None;
        }
        *n += 1;
        Some(PeerSlot {
            peers: self.clone(),
            key,
        })
    }
}

impl Drop for PeerSlot {
    fn drop(&mut self) {
        let mut open = self.peers.open();
        if let Some(n) = open.get_mut(&self.key) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                open.remove(&self.key);
            }
        }
    }
}

/// The peer an address belongs to: itself (IPv4, also when mapped into
/// IPv6), or its /64 (IPv6).
pub(crate) fn peer_of(addr: IpAddr) -> IpAddr {
    match addr.to_canonical() {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn each_peer_gets_its_share_back_when_a_connection_ends() {
        let peers = Peers::new(2);
        let a1 = peers.admit(ip("10.0.0.1")).unwrap();
        let a2 = peers.admit(ip("10.0.0.1")).unwrap();
        assert!(peers.admit(ip("10.0.0.1")).is_none());
        // Another peer is not affected.
        let b = peers.admit(ip("10.0.0.2")).unwrap();
        drop(a1);
        let a3 = peers.admit(ip("10.0.0.1")).unwrap();
        drop((a2, a3, b));
        assert!(peers.open().is_empty());
    }

    #[test]
    fn ipv6_peers_are_counted_by_their_64_and_mapped_ipv4_as_ipv4() {
        assert_eq!(
            peer_of(ip("2001:db8:1:2:aaaa::1")),
            peer_of(ip("2001:db8:1:2:ffff::9"))
        );
        assert_ne!(
            peer_of(ip("2001:db8:1:2::1")),
            peer_of(ip("2001:db8:1:3::1"))
        );
        assert_eq!(peer_of(ip("::ffff:10.0.0.1")), ip("10.0.0.1"));
        let peers = Peers::new(1);
        let _held = peers.admit(ip("10.0.0.1")).unwrap();
        assert!(peers.admit(ip("::ffff:10.0.0.1")).is_none());
        assert_eq!(Peers::new(0).limit(), 1);
    }
}
