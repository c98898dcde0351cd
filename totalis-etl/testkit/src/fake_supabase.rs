//! A small in-process imitation of the Supabase Storage HTTP API for tests
//! and benchmarks (std only): buckets, object upload with and without
//! `x-upsert`, object listing, public download, the service-key check,
//! keep-alive connections, injected failures and a delay per request.

use std::collections::{BTreeMap, VecDeque};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread;
use std::time::Duration;

/// The service key `FakeSupabase::start` accepts.
pub const DEFAULT_KEY: &str = "fake-service-key";

/// Objects by (bucket, path): (content type, bytes).
pub type Objects = BTreeMap<(String, String), (String, Vec<u8>)>;

#[derive(Default)]
struct State {
    /// Bucket id → public.
    buckets: BTreeMap<String, bool>,
    objects: Objects,
    put_count: usize,
    bucket_creates: usize,
    fail_puts: VecDeque<u16>,
    delay: Duration,
    requests: Vec<String>,
    connections: usize,
}

/// A running fake; the server stops when this is dropped.
pub struct FakeSupabase {
    /// Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash).
    pub url: String,
    /// The service key it accepts.
    pub key: String,
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
}

impl FakeSupabase {
    /// Starts a fake accepting [`DEFAULT_KEY`], with no buckets.
    pub fn start() -> FakeSupabase {
        FakeSupabase::start_with_key(DEFAULT_KEY)
    }

    /// Starts a fake accepting `key`, with no buckets.
    pub fn start_with_key(key: &str) -> FakeSupabase {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let state = Arc::new(Mutex::new(State::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let (st, sp, k) = (state.clone(), stop.clone(), key.to_string());
        thread::spawn(move || {
            for conn in listener.incoming() {
                if sp.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                st.lock().unwrap_or_else(|e| e.into_inner()).connections += 1;
                let (st, k) = (st.clone(), k.clone());
                thread::spawn(move || {
                    let _ = serve(conn, &st, &k);
                });
            }
        });
        FakeSupabase {
            url: format!("http://{addr}"),
            key: key.to_string(),
            addr,
            state,
            stop,
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Every stored object.
    pub fn objects(&self) -> Objects {
        self.state().objects.clone()
    }

    /// One stored object: (content type, bytes).
    pub fn object(&self, bucket: &str, path: &str) -> Option<(String, Vec<u8>)> {
        self.state()
            .objects
            .get(&(bucket.to_string(), path.to_string()))
            .cloned()
    }

    /// Upload requests received with a valid key (failed ones included).
    pub fn put_count(&self) -> usize {
        self.state().put_count
    }

    /// Buckets created through the API.
    pub fn bucket_creates(&self) -> usize {
        self.state().bucket_creates
    }

    /// Bucket id → public.
    pub fn buckets(&self) -> BTreeMap<String, bool> {
        self.state().buckets.clone()
    }

    /// Creates a bucket directly (as if it existed before the run).
    pub fn add_bucket(&self, bucket: &str, public: bool) {
        self.state().buckets.insert(bucket.to_string(), public);
    }

    /// Stores an object directly (as if uploaded before the run).
    pub fn put_object(&self, bucket: &str, path: &str, content_type: &str, bytes: &[u8]) {
        self.state().objects.insert((bucket.to_string(), path.to_string()), (content_type.to_string(), bytes.to_vec()));
    }

    /// Deletes an object directly (as if removed behind the import's back).
    pub fn remove_object(&self, bucket: &str, path: &str) {
        self.state().objects.remove(&(bucket.to_string(), path.to_string()));
    }

    /// The next `n` uploads answer `status` (e.g. 503) and store nothing.
    pub fn fail_next_puts(&self, n: usize, status: u16) {
        self.state()
            .fail_puts
            .extend(std::iter::repeat_n(status, n));
    }

    /// Every later request waits this long before it is answered.
    pub fn set_delay(&self, delay: Duration) {
        self.state().delay = delay;
    }

    /// Request lines received so far, e.g. "POST /storage/v1/bucket".
    pub fn requests(&self) -> Vec<String> {
        self.state().requests.clone()
    }

    /// TCP connections accepted so far (keep-alive clients reuse them).
    pub fn connections(&self) -> usize {
        self.state().connections
    }
}

impl Drop for FakeSupabase {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_millis(200));
    }
}

struct Request {
    method: String,
    path: String,
    headers: BTreeMap<String, String>,
    body: Vec<u8>,
}

struct Response {
    status: u16,
    content_type: String,
    body: Vec<u8>,
}

fn json(status: u16, value: serde_json::Value) -> Response {
    Response {
        status,
        content_type: "application/json".into(),
        body: value.to_string().into_bytes(),
    }
}

/// Supabase's error shape: the HTTP status often differs from `statusCode`.
fn error(status: u16, code: &str, error: &str, message: &str) -> Response {
    json(
        status,
        serde_json::json!({ "statusCode": code, "error": error, "message": message }),
    )
}

/// Answers requests on one connection until the client closes it.
fn serve(mut conn: TcpStream, state: &Mutex<State>, key: &str) -> std::io::Result<()> {
    conn.set_read_timeout(Some(Duration::from_secs(5)))?;
    conn.set_nodelay(true)?;
    while let Some(req) = read_request(&mut conn)? {
        let delay = {
            let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
            s.requests.push(format!("{} {}", req.method, req.path));
            s.delay
        };
        if !delay.is_zero() {
            thread::sleep(delay);
        }
        let resp = route(&req, state, key);
        let close = req.headers.get("connection").is_some_and(|v| v.eq_ignore_ascii_case("close"));
        write_response(&mut conn, &req.method, &resp, close)?;
        if close {
            break;
        }
    }
    Ok(())
}

fn read_request(conn: &mut TcpStream) -> std::io::Result<Option<Request>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = conn.read(&mut chunk)?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or("").split(' ');
    let method = first.next().unwrap_or("").to_string();
    let target = first.next().unwrap_or("/");
    let path = target.split('?').next().unwrap_or("/").to_string();
    let headers: BTreeMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        let n = conn.read(&mut chunk)?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    body.truncate(length);
    Ok(Some(Request {
        method,
        path,
        headers,
        body,
    }))
}

fn write_response(conn: &mut TcpStream, method: &str, resp: &Response, close: bool) -> std::io::Result<()> {
    let reason = match resp.status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    };
    let head = format!(
        "HTTP/1.1 {} {reason}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: {}\r\n\r\n",
        resp.status,
        resp.content_type,
        resp.body.len(),
        if close { "close" } else { "keep-alive" }
    );
    // One write: a head and a body sent apart meet Nagle and delayed ACKs.
    let mut out = head.into_bytes();
    if method != "HEAD" {
        out.extend_from_slice(&resp.body);
    }
    conn.write_all(&out)?;
    conn.flush()
}

fn decode(segment: &str) -> String {
    let b = segment.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = b
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (b[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).to_string()
}

/// Splits `<bucket>/<path...>` and percent-decodes both.
fn bucket_and_path(rest: &str) -> Option<(String, String)> {
    let (bucket, path) = rest.split_once('/')?;
    let path = path.split('/').map(decode).collect::<Vec<_>>().join("/");
    Some((decode(bucket), path))
}

fn route(req: &Request, state: &Mutex<State>, key: &str) -> Response {
    let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
    let p = req.path.as_str();
    if let (Some(rest), "GET") = (
        p.strip_prefix("/storage/v1/object/public/"),
        req.method.as_str(),
    ) {
        return public_get(&s, rest);
    }
    let bearer = format!("Bearer {key}");
    if req.headers.get("authorization") != Some(&bearer) {
        return error(401, "401", "Unauthorized", "Invalid JWT");
    }
    match (req.method.as_str(), p) {
        ("GET", _) if p.starts_with("/storage/v1/bucket/") => {
            let id = decode(&p["/storage/v1/bucket/".len()..]);
            match s.buckets.get(&id) {
                Some(public) => json(
                    200,
                    serde_json::json!({ "id": id, "name": id, "public": public }),
                ),
                None => error(400, "404", "Bucket not found", "Bucket not found"),
            }
        }
        ("POST", "/storage/v1/bucket") | ("POST", "/storage/v1/bucket/") => {
            create_bucket(&mut s, &req.body)
        }
        ("POST", _) if p.starts_with("/storage/v1/object/list/") => list(&s, &req.body, &p["/storage/v1/object/list/".len()..]),
        ("POST", _) if p.starts_with("/storage/v1/object/") => {
            upload(&mut s, req, &p["/storage/v1/object/".len()..])
        }
        ("HEAD", _) if p.starts_with("/storage/v1/object/") => {
            let found = bucket_and_path(&p["/storage/v1/object/".len()..])
                .and_then(|k| s.objects.get(&k));
            match found {
                Some((ct, bytes)) => Response {
                    status: 200,
                    content_type: ct.clone(),
                    body: bytes.clone(),
                },
                None => error(400, "404", "not_found", "Object not found"),
            }
        }
        _ => error(404, "404", "not_found", "Route not found"),
    }
}

fn public_get(s: &State, rest: &str) -> Response {
    let Some(key) = bucket_and_path(rest) else {
        return error(400, "404", "not_found", "Object not found");
    };
    if s.buckets.get(&key.0) != Some(&true) {
        return error(400, "404", "Bucket not found", "Bucket not found");
    }
    match s.objects.get(&key) {
        Some((ct, bytes)) => Response {
            status: 200,
            content_type: ct.clone(),
            body: bytes.clone(),
        },
        None => error(400, "404", "not_found", "Object not found"),
    }
}

fn create_bucket(s: &mut State, body: &[u8]) -> Response {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) else {
        return error(400, "400", "Bad Request", "body is not JSON");
    };
    let id = v
        .get("id")
        .or_else(|| v.get("name"))
        .and_then(|x| x.as_str())
        .unwrap_or("")
        .to_string();
    if id.is_empty() {
        return error(400, "400", "Bad Request", "name is required");
    }
    if s.buckets.contains_key(&id) {
        return error(400, "409", "Duplicate", "The resource already exists");
    }
    let public = v.get("public").and_then(|x| x.as_bool()).unwrap_or(false);
    s.buckets.insert(id.clone(), public);
    s.bucket_creates += 1;
    json(200, serde_json::json!({ "name": id }))
}

fn upload(s: &mut State, req: &Request, rest: &str) -> Response {
    s.put_count += 1;
    if let Some(status) = s.fail_puts.pop_front() {
        return error(status, &status.to_string(), "injected", "injected failure");
    }
    let Some(key) = bucket_and_path(rest) else {
        return error(400, "400", "Bad Request", "missing object path");
    };
    if !s.buckets.contains_key(&key.0) {
        return error(400, "404", "Bucket not found", "Bucket not found");
    }
    let upsert = req.headers.get("x-upsert").is_some_and(|v| v == "true");
    if !upsert && s.objects.contains_key(&key) {
        return error(400, "409", "Duplicate", "The resource already exists");
    }
    let ct = req
        .headers
        .get("content-type")
        .cloned()
        .unwrap_or_else(|| "application/octet-stream".into());
    let full = format!("{}/{}", key.0, key.1);
    s.objects.insert(key, (ct, req.body.clone()));
    json(200, serde_json::json!({ "Key": full }))
}

/// Objects and folders directly inside `prefix`, by name, one page.
fn list(s: &State, body: &[u8], bucket: &str) -> Response {
    let bucket = decode(bucket);
    if !s.buckets.contains_key(&bucket) {
        return error(400, "404", "Bucket not found", "Bucket not found");
    }
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) else {
        return error(400, "400", "Bad Request", "body is not JSON");
    };
    let Some(prefix) = v.get("prefix").and_then(|p| p.as_str()) else {
        return error(400, "400", "Bad Request", "body must have required property 'prefix'");
    };
    let limit = v.get("limit").and_then(|l| l.as_u64()).unwrap_or(100) as usize;
    let offset = v.get("offset").and_then(|o| o.as_u64()).unwrap_or(0) as usize;
    let folder = prefix.trim_end_matches('/');
    let mut entries: BTreeMap<String, Option<usize>> = BTreeMap::new();
    for ((b, path), (_, bytes)) in &s.objects {
        let rest = match folder {
            "" => Some(path.as_str()),
            f => path.strip_prefix(f).and_then(|r| r.strip_prefix('/')),
        };
        match (b == &bucket, rest.map(|r| r.split_once('/'))) {
            (true, Some(Some((sub, _)))) => {
                entries.entry(sub.to_string()).or_insert(None);
            }
            (true, Some(None)) => {
                entries.insert(rest.unwrap_or_default().to_string(), Some(bytes.len()));
            }
            _ => {}
        }
    }
    let page: Vec<serde_json::Value> = entries
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|(name, size)| match size {
            Some(size) => serde_json::json!({ "name": name, "id": format!("obj-{name}"), "metadata": { "size": size } }),
            None => serde_json::json!({ "name": name, "id": null, "metadata": null }),
        })
        .collect();
    json(200, serde_json::Value::Array(page))
}

/// A plain GET without credentials, as an app fetches a public URL:
/// (status, body).
pub fn get(url: &str) -> (u16, Vec<u8>) {
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let mut r = agent.get(url).call().unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let body = r.body_mut().read_to_vec().unwrap_or_else(|e| panic!("GET {url}: {e}"));
    (r.status().as_u16(), body)
}
