//! Attacks on the PostgreSQL store from where its threats sit: someone who
//! can write the database's rows (or administers it), and someone on the
//! network between the tool and the database. Each test performs the
//! attack and states what must hold (issue: review of the storage joint).
//! Filed by where the attacker sits: the rows (`rows`), the change counter
//! and notifications (`watcher`), the network and the server's locks
//! (`network`); the helpers every file uses are here.

mod network;
mod rows;
mod watcher;

use crate::crypto::KdfParams;
use crate::error::Result;
use crate::secret::SecretString;
use crate::testing::Cluster;
use crate::vault::store::pg::{PgStore, Target};
use crate::vault::store::{Store, lock};
use crate::vault::test_support::{PASS, app, entry, pass};
use crate::vault::{Unlocker, Vault, create};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

static DATABASES: AtomicUsize = AtomicUsize::new(0);

/// A new vault in a new database of a throwaway cluster: the cluster, the
/// database's name and URL, and the store of a second process (the
/// passphrase holder's command line) beside the one under attack.
struct Db {
    cluster: Cluster,
    name: String,
    url: String,
}

impl Db {
    fn start() -> Option<Db> {
        let cluster = Cluster::start()?;
        let name = format!("attack{}", DATABASES.fetch_add(1, Ordering::Relaxed));
        let url = cluster.database(&name);
        let db = Db { cluster, name, url };
        let pw = SecretString::new(PASS.into());
        create(&*db.cli(), &pw, KdfParams::FLOOR, Duration::from_secs(5)).unwrap();
        Some(db)
    }

    /// The command line's store (another process: its own caches).
    fn cli(&self) -> Arc<dyn Store> {
        store(&format!("{}&application_name=cli", self.url))
    }

    /// The server's store (`serve`: one store for every request).
    fn server(&self) -> Arc<dyn Store> {
        store(&self.url)
    }

    /// A client of the database, as its administrator.
    fn admin(&self) -> postgres::Client {
        self.cluster.client(&self.name)
    }
}

fn store(url: &str) -> Arc<dyn Store> {
    PgStore::shared(&Target::parse(url).unwrap()).unwrap()
}

fn write<T>(store: &dyn Store, u: &Unlocker, f: impl FnOnce(&mut Vault) -> Result<T>) -> Result<T> {
    let mut v = Vault::open_for_write(lock(store, Duration::from_secs(30))??, u)?;
    let out = f(&mut v)?;
    v.commit()?;
    Ok(out)
}

fn put(store: &dyn Store, a: &str, user: &str, value: &str) {
    write(store, &pass(), |v| {
        let sk = v.scope(&app(a))?;
        v.put(&sk, &entry(user, value))
    })
    .unwrap();
}

fn get(store: &dyn Store, u: &Unlocker, a: &str, user: &str) -> Result<Option<String>> {
    let v = Vault::open(store, u)?;
    let sk = v.scope(&app(a))?;
    Ok(v.get(&sk, user)?
        .map(|e| String::from_utf8(e.value.expose().to_vec()).unwrap()))
}

fn read_token(store: &dyn Store, name: &str) -> SecretString {
    write(store, &pass(), |v| {
        v.create_token(name, &[app("a")], false, None)
    })
    .unwrap()
}

fn counter(db: &mut postgres::Client) -> i64 {
    db.query_one("SELECT counter FROM sso_secrets_head", &[])
        .unwrap()
        .get(0)
}

/// A TCP relay to the cluster's socket, standing where a network attacker
/// stands: it can delay what the database says to the watcher, or hold
/// everything (a stalled network, or a middlebox that keeps the connection
/// open and forwards nothing).
struct Relay {
    port: u16,
    /// Delay of what the database says on the watcher's connection.
    delay: Arc<Mutex<Option<Duration>>>,
    /// Forward nothing, either way, on any connection.
    hold: Arc<AtomicBool>,
    /// What the watcher's connection carried, and when.
    events: mpsc::Receiver<Seen>,
}

#[derive(Debug)]
enum Seen {
    /// The watcher asked the database to run a statement (a Bind message:
    /// the statement's snapshot is taken when it arrives).
    Asked(Instant),
    /// Bytes the database sent at `read` were handed to the watcher.
    Answered {
        /// When the relay read them from the database.
        read: Instant,
    },
}

impl Relay {
    fn start(cluster: &Cluster) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let socket = cluster.socket_dir().join(".s.PGSQL.5432");
        let delay: Arc<Mutex<Option<Duration>>> = Arc::new(Mutex::new(None));
        let hold = Arc::new(AtomicBool::new(false));
        let (tx, events) = mpsc::channel();
        let (d, h) = (delay.clone(), hold.clone());
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { return };
                let Ok(server) = UnixStream::connect(&socket) else {
                    return;
                };
                let watcher = Arc::new(AtomicBool::new(false));
                let up = (client.try_clone().unwrap(), server.try_clone().unwrap());
                let (w, h2, tx2) = (watcher.clone(), h.clone(), tx.clone());
                std::thread::spawn(move || {
                    let (mut from, mut to) = up;
                    let mut buf = vec![0; 64 * 1024];
                    while let Ok(n @ 1..) = from.read(&mut buf) {
                        while h2.load(Ordering::SeqCst) {
                            std::thread::sleep(Duration::from_millis(5));
                        }
                        if buf[..n].windows(6).any(|x| x == b"LISTEN") {
                            w.store(true, Ordering::SeqCst);
                        } else if w.load(Ordering::SeqCst) && buf[0] == b'B' {
                            let _ = tx2.send(Seen::Asked(Instant::now()));
                        }
                        if to.write_all(&buf[..n]).is_err() {
                            return;
                        }
                    }
                    let _ = to.shutdown(std::net::Shutdown::Write);
                });
                let (d2, h3, tx3) = (d.clone(), h.clone(), tx.clone());
                std::thread::spawn(move || {
                    let (mut from, mut to): (UnixStream, TcpStream) = (server, client);
                    let mut buf = vec![0; 64 * 1024];
                    while let Ok(n @ 1..) = from.read(&mut buf) {
                        let got = Instant::now();
                        while h3.load(Ordering::SeqCst) {
                            std::thread::sleep(Duration::from_millis(5));
                        }
                        let is_watcher = watcher.load(Ordering::SeqCst);
                        if is_watcher && let Some(d) = *d2.lock().unwrap() {
                            let d: Duration = d;
                            std::thread::sleep((got + d).saturating_duration_since(Instant::now()));
                        }
                        if to.write_all(&buf[..n]).is_err() {
                            return;
                        }
                        if is_watcher {
                            let _ = tx3.send(Seen::Answered { read: got });
                        }
                    }
                    let _ = to.shutdown(std::net::Shutdown::Write);
                });
            }
        });
        Relay {
            port,
            delay,
            hold,
            events,
        }
    }

    fn url(&self, db: &str) -> String {
        format!(
            "postgresql://postgres@127.0.0.1:{}/{db}?sslmode=disable",
            self.port
        )
    }

    /// Waits for the next event `want` accepts, and returns it.
    fn next(&self, want: impl Fn(&Seen) -> bool) -> Seen {
        let end = Instant::now() + Duration::from_secs(20);
        loop {
            let left = end.saturating_duration_since(Instant::now());
            let seen = self.events.recv_timeout(left).unwrap();
            if want(&seen) {
                return seen;
            }
        }
    }
}
