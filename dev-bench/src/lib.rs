//! Developer tools for measuring the runner (never shipped in the `runner`
//! binary): a TCP proxy in front of PostgreSQL that delays every chunk by a
//! fixed time in each direction (a network round trip of twice that) and
//! counts, per connection, the protocol round trips the client asked for:
//! simple `Query` messages plus extended-protocol `Sync` messages (the login
//! is not counted).
//!
//! Only unencrypted connections (`sslmode=disable`) can be counted; a TLS
//! connection is forwarded and marked as such. The TCP handshake with the
//! proxy is local: only data is delayed, so a trust login costs one round trip.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// What the client of one connection sent.
#[derive(Debug, Default, Clone)]
pub struct Counts {
    pub database: String,
    pub queries: u64,
    pub syncs: u64,
    pub tls: bool,
}

impl Counts {
    pub fn round_trips(&self) -> u64 {
        self.queries + self.syncs
    }
}

/// Reads the frontend (client → server) byte stream and counts messages.
#[derive(Default)]
pub struct Counter {
    buf: Vec<u8>,
    started: bool,
    asked_encryption: bool,
    pub counts: Counts,
}

const SSL_REQUEST: u32 = 80_877_103;
const GSS_REQUEST: u32 = 80_877_104;
const PROTOCOL_3: u32 = 196_608;

impl Counter {
    pub fn feed(&mut self, bytes: &[u8]) {
        if self.counts.tls {
            return;
        }
        self.buf.extend_from_slice(bytes);
        loop {
            if !self.started {
                // A TLS record (0x16) after an encryption request: opaque from here.
                if self.asked_encryption && self.buf.first() == Some(&0x16) {
                    self.counts.tls = true;
                    self.buf.clear();
                    return;
                }
                if self.buf.len() < 8 {
                    return;
                }
                let len = u32::from_be_bytes(self.buf[0..4].try_into().unwrap()) as usize;
                if self.buf.len() < len {
                    return;
                }
                let code = u32::from_be_bytes(self.buf[4..8].try_into().unwrap());
                match code {
                    SSL_REQUEST | GSS_REQUEST => self.asked_encryption = true,
                    PROTOCOL_3 => {
                        self.started = true;
                        let params: Vec<&[u8]> = self.buf[8..len].split(|b| *b == 0).collect();
                        for pair in params.chunks(2) {
                            if let [k, v] = pair {
                                if *k == b"database" {
                                    self.counts.database = String::from_utf8_lossy(v).into_owned();
                                }
                            }
                        }
                    }
                    _ => {}
                }
                self.buf.drain(..len.max(8));
            } else {
                if self.buf.len() < 5 {
                    return;
                }
                let len = u32::from_be_bytes(self.buf[1..5].try_into().unwrap()) as usize + 1;
                if self.buf.len() < len {
                    return;
                }
                match self.buf[0] {
                    b'Q' => self.counts.queries += 1,
                    b'S' => self.counts.syncs += 1,
                    _ => {}
                }
                self.buf.drain(..len);
            }
        }
    }
}

/// Forward `from` to `to`, each chunk `delay` after it was read; then `done`.
fn pipe(mut from: TcpStream, mut to: TcpStream, delay: Duration, counter: Option<Arc<Mutex<Counter>>>, done: impl FnOnce()) {
    let (tx, rx) = mpsc::channel::<(Instant, Option<Vec<u8>>)>();
    let writer = thread::spawn(move || {
        for (at, chunk) in rx {
            let due = at + delay;
            let now = Instant::now();
            if due > now {
                thread::sleep(due - now);
            }
            match chunk {
                Some(bytes) if to.write_all(&bytes).is_ok() => {}
                _ => break,
            }
        }
        let _ = to.shutdown(Shutdown::Write);
    });
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if let Some(c) = &counter {
                    c.lock().unwrap().feed(&buf[..n]);
                }
                if tx.send((Instant::now(), Some(buf[..n].to_vec()))).is_err() {
                    break;
                }
            }
        }
    }
    let _ = tx.send((Instant::now(), None));
    done();
    let _ = writer.join();
}

/// A running proxy; every connection's counts, in the order they were accepted.
pub struct Proxy {
    pub addr: SocketAddr,
    connections: Arc<Mutex<Vec<Arc<Mutex<Counter>>>>>,
}

impl Proxy {
    /// Listen on `listen` (port 0: any) in front of `upstream`. `on_close`
    /// gets each connection's counts when its client closes.
    pub fn start(
        listen: &str,
        upstream: &str,
        delay_each_way: Duration,
        on_close: impl Fn(&Counts) + Send + Sync + 'static,
    ) -> std::io::Result<Proxy> {
        let listener = TcpListener::bind(listen)?;
        let addr = listener.local_addr()?;
        let connections: Arc<Mutex<Vec<Arc<Mutex<Counter>>>>> = Arc::default();
        let list = connections.clone();
        let upstream = upstream.to_string();
        let on_close = Arc::new(on_close);
        thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let Ok(server) = TcpStream::connect(&upstream) else {
                    eprintln!("latency-proxy: cannot connect to {upstream}");
                    continue;
                };
                let _ = client.set_nodelay(true);
                let _ = server.set_nodelay(true);
                let counter = Arc::new(Mutex::new(Counter::default()));
                list.lock().unwrap().push(counter.clone());
                let (c2, s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
                thread::spawn(move || pipe(s2, c2, delay_each_way, None, || {}));
                let on_close = on_close.clone();
                thread::spawn(move || {
                    let c = counter.clone();
                    pipe(client, server, delay_each_way, Some(counter), move || on_close(&c.lock().unwrap().counts))
                });
            }
        });
        Ok(Proxy { addr, connections })
    }

    /// The counts of every connection so far. A message is counted before it
    /// is forwarded, so once a client has its answer, its question is here.
    pub fn counts(&self) -> Vec<Counts> {
        self.connections.lock().unwrap().iter().map(|c| c.lock().unwrap().counts.clone()).collect()
    }

    /// Forget the connections so far.
    pub fn reset(&self) {
        self.connections.lock().unwrap().clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(kind: u8, body: &[u8]) -> Vec<u8> {
        let mut m = vec![kind];
        m.extend_from_slice(&((body.len() + 4) as u32).to_be_bytes());
        m.extend_from_slice(body);
        m
    }

    #[test]
    fn counts_queries_and_syncs_after_the_startup_in_any_chunking() {
        let mut stream = Vec::new();
        stream.extend_from_slice(&8u32.to_be_bytes());
        stream.extend_from_slice(&SSL_REQUEST.to_be_bytes());
        let params = b"user\0postgres\0database\0bench_db\0\0";
        stream.extend_from_slice(&((params.len() + 8) as u32).to_be_bytes());
        stream.extend_from_slice(&PROTOCOL_3.to_be_bytes());
        stream.extend_from_slice(params);
        stream.extend(msg(b'p', b"password\0"));
        stream.extend(msg(b'Q', b"SELECT 1\0"));
        stream.extend(msg(b'P', b"\0SELECT $1\0\0\0"));
        stream.extend(msg(b'S', b""));
        stream.extend(msg(b'B', b"\0\0\0\0\0\0\0\0"));
        stream.extend(msg(b'S', b""));
        stream.extend(msg(b'X', b""));
        for chunk in [1, 3, 7, stream.len()] {
            let mut c = Counter::default();
            for piece in stream.chunks(chunk) {
                c.feed(piece);
            }
            let n = &c.counts;
            assert_eq!((n.database.as_str(), n.queries, n.syncs, n.tls), ("bench_db", 1, 2, false), "chunk {chunk}");
        }
    }

    #[test]
    fn a_tls_connection_is_marked_and_not_counted() {
        let mut c = Counter::default();
        let mut stream = Vec::new();
        stream.extend_from_slice(&8u32.to_be_bytes());
        stream.extend_from_slice(&SSL_REQUEST.to_be_bytes());
        stream.extend_from_slice(&[0x16, 3, 1, 0, 5, b'Q', 0, 0, 0, 4]);
        c.feed(&stream);
        assert!(c.counts.tls);
        assert_eq!(c.counts.queries, 0);
    }
}
