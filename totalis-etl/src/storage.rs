//! Object storage for the migrated images, behind a small trait so the
//! pipeline runs against Supabase Storage in production and against the local
//! filesystem (or the fake server in [`fake_supabase`]) in tests.

use std::fmt;
use std::fs;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Where the images go.
pub trait Storage {
    /// Human description for reports, never containing secrets (e.g.
    /// "filesystem ./target/x" or "supabase https://abc.supabase.co").
    fn describe(&self) -> String;
    /// Make sure the bucket exists (public). Idempotent.
    fn ensure_bucket(&self, bucket: &str) -> Result<(), StorageError>;
    /// Upload with upsert semantics (same path overwritten).
    fn put(
        &self,
        bucket: &str,
        path: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> Result<(), StorageError>;
    /// Whether the object exists (used to skip re-uploads and to check after).
    fn exists(&self, bucket: &str, path: &str) -> Result<bool, StorageError>;
    /// The public URL of an object (computed; no request).
    fn public_url(&self, bucket: &str, path: &str) -> String;
}

impl<S: Storage + ?Sized> Storage for &S {
    fn describe(&self) -> String {
        (**self).describe()
    }
    fn ensure_bucket(&self, bucket: &str) -> Result<(), StorageError> {
        (**self).ensure_bucket(bucket)
    }
    fn put(
        &self,
        bucket: &str,
        path: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> Result<(), StorageError> {
        (**self).put(bucket, path, content_type, bytes)
    }
    fn exists(&self, bucket: &str, path: &str) -> Result<bool, StorageError> {
        (**self).exists(bucket, path)
    }
    fn public_url(&self, bucket: &str, path: &str) -> String {
        (**self).public_url(bucket, path)
    }
}

/// A storage operation that failed. `retryable` says whether the cause looked
/// transient (timeout, connection, 5xx, 429) so a later attempt may succeed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StorageError {
    /// One line for the report; never contains the service key.
    pub message: String,
    /// True for timeouts, connection errors, 5xx and 429.
    pub retryable: bool,
}

impl StorageError {
    /// An error that will not go away by trying again.
    pub fn fatal(message: impl Into<String>) -> Self {
        StorageError {
            message: message.into(),
            retryable: false,
        }
    }

    /// An error that may go away by trying again.
    pub fn retryable(message: impl Into<String>) -> Self {
        StorageError {
            message: message.into(),
            retryable: true,
        }
    }
}

impl fmt::Display for StorageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StorageError {}

/// Percent-encodes one URL path segment (everything but RFC 3986 unreserved).
fn encode_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Percent-encodes an object path segment by segment, keeping the `/`.
fn encode_path(path: &str) -> String {
    path.split('/')
        .map(encode_segment)
        .collect::<Vec<_>>()
        .join("/")
}

/// Refuses bucket names and object paths that could escape the storage root
/// or that Supabase would not accept either.
fn check_names(bucket: &str, path: &str) -> Result<(), StorageError> {
    let bad_bucket =
        bucket.is_empty() || bucket.contains(['/', '\\', '\0']) || bucket == "." || bucket == "..";
    if bad_bucket {
        return Err(StorageError::fatal(format!(
            "invalid bucket name '{bucket}'"
        )));
    }
    let bad_path = path.is_empty()
        || path.contains(['\\', '\0'])
        || path
            .split('/')
            .any(|s| s.is_empty() || s == "." || s == "..");
    if bad_path {
        return Err(StorageError::fatal(format!("invalid object path '{path}'")));
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Filesystem

/// Objects as files under `<root>/<bucket>/<path>`, for tests and dry runs.
#[derive(Clone, Debug)]
pub struct FilesystemStorage {
    root: PathBuf,
    public_base_url: String,
}

impl FilesystemStorage {
    /// Storage under `root`; public URLs are `<public_base_url>/<bucket>/<path>`.
    pub fn new(root: PathBuf, public_base_url: String) -> Self {
        let public_base_url = public_base_url.trim_end_matches('/').to_string();
        FilesystemStorage {
            root,
            public_base_url,
        }
    }

    /// The file an object is stored in (whether or not it exists).
    pub fn file_path(&self, bucket: &str, path: &str) -> PathBuf {
        let mut file = self.root.join(bucket);
        file.extend(path.split('/'));
        file
    }

    fn io_error(what: &str, at: &Path, e: std::io::Error) -> StorageError {
        StorageError::fatal(format!("{what} {}: {e}", at.display()))
    }
}

/// Distinguishes temp files of concurrent writers in one process.
static TEMP_COUNTER: AtomicUsize = AtomicUsize::new(0);

/// Writes `bytes` to `target` so that readers see either the old or the new
/// file, never a partial one: write a sibling temp file, then rename over.
fn write_atomically(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = target.parent().unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("object");
    let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    let temp = dir.join(format!(".{name}.tmp-{}-{n}", std::process::id()));
    let result = (|| {
        let mut f = fs::File::create(&temp)?;
        // No fsync: this store is for development and tests, where an fsync
        // per image made imports 10x slower; the rename alone keeps readers
        // from ever seeing a partial file.
        f.write_all(bytes)?;
        fs::rename(&temp, target)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

impl Storage for FilesystemStorage {
    fn describe(&self) -> String {
        format!("filesystem {}", self.root.display())
    }

    fn ensure_bucket(&self, bucket: &str) -> Result<(), StorageError> {
        check_names(bucket, "x")?;
        let dir = self.root.join(bucket);
        fs::create_dir_all(&dir)
            .map_err(|e| Self::io_error("cannot create bucket directory", &dir, e))
    }

    /// Like Supabase, the bucket must exist (see `ensure_bucket`); folders
    /// inside it are created as needed.
    fn put(
        &self,
        bucket: &str,
        path: &str,
        _content_type: &str,
        bytes: &[u8],
    ) -> Result<(), StorageError> {
        check_names(bucket, path)?;
        let bucket_dir = self.root.join(bucket);
        if !bucket_dir.is_dir() {
            return Err(StorageError::fatal(format!(
                "bucket '{bucket}' does not exist (ensure_bucket first)"
            )));
        }
        let file = self.file_path(bucket, path);
        debug_assert!(file.components().all(|c| c != Component::ParentDir));
        if let Some(dir) = file.parent() {
            fs::create_dir_all(dir)
                .map_err(|e| Self::io_error("cannot create directory", dir, e))?;
        }
        write_atomically(&file, bytes).map_err(|e| Self::io_error("cannot write", &file, e))
    }

    fn exists(&self, bucket: &str, path: &str) -> Result<bool, StorageError> {
        check_names(bucket, path)?;
        Ok(self.file_path(bucket, path).is_file())
    }

    fn public_url(&self, bucket: &str, path: &str) -> String {
        format!(
            "{}/{}/{}",
            self.public_base_url,
            encode_segment(bucket),
            encode_path(path)
        )
    }
}

// ---------------------------------------------------------------------------
// Failure injection

/// Wraps a storage and fails every `put` after the first `ok_puts` successful
/// ones, with the non-retryable error "injected failure on upload k" (k counts
/// all put calls from 1). Everything else is passed through. The counter is
/// atomic so the wrapper stays `Sync`.
#[derive(Debug)]
pub struct FailAfter<S> {
    inner: S,
    ok_puts: usize,
    count: AtomicUsize,
}

impl<S> FailAfter<S> {
    /// Lets `ok_puts` uploads through, then fails.
    pub fn new(inner: S, ok_puts: usize) -> Self {
        FailAfter {
            inner,
            ok_puts,
            count: AtomicUsize::new(0),
        }
    }

    /// The wrapped storage.
    pub fn inner(&self) -> &S {
        &self.inner
    }

    /// How many times `put` was called so far.
    pub fn put_calls(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }
}

impl<S: Storage> Storage for FailAfter<S> {
    fn describe(&self) -> String {
        format!(
            "{} (failing after {} uploads)",
            self.inner.describe(),
            self.ok_puts
        )
    }
    fn ensure_bucket(&self, bucket: &str) -> Result<(), StorageError> {
        self.inner.ensure_bucket(bucket)
    }
    fn put(
        &self,
        bucket: &str,
        path: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> Result<(), StorageError> {
        let k = self.count.fetch_add(1, Ordering::SeqCst) + 1;
        if k > self.ok_puts {
            return Err(StorageError::fatal(format!(
                "injected failure on upload {k}"
            )));
        }
        self.inner.put(bucket, path, content_type, bytes)
    }
    fn exists(&self, bucket: &str, path: &str) -> Result<bool, StorageError> {
        self.inner.exists(bucket, path)
    }
    fn public_url(&self, bucket: &str, path: &str) -> String {
        self.inner.public_url(bucket, path)
    }
}

// ---------------------------------------------------------------------------
// Supabase

/// Timeouts and retries of the Supabase client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HttpOptions {
    /// For one whole request (connect, send, receive).
    pub timeout: Duration,
    /// Extra attempts after a transient failure (timeout, connection error, 5xx, 429).
    pub retries: u32,
    /// Wait before the first retry; doubles for each further one.
    pub backoff: Duration,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            timeout: Duration::from_secs(30),
            retries: 3,
            backoff: Duration::from_millis(500),
        }
    }
}

/// The Supabase Storage HTTP API, authenticated with the service-role key.
pub struct SupabaseStorage {
    base_url: String,
    service_key: String,
    opts: HttpOptions,
    agent: ureq::Agent,
}

impl fmt::Debug for SupabaseStorage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SupabaseStorage")
            .field("base_url", &self.base_url)
            .field("service_key", &"<redacted>")
            .field("opts", &self.opts)
            .finish()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Method {
    Get,
    Head,
    Post,
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Post => "POST",
        })
    }
}

/// A response that arrived (any status).
struct Reply {
    status: u16,
    body: String,
}

impl Reply {
    fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_str(&self.body).ok()
    }

    /// Supabase's error text: `message`, else `error`, else the raw body;
    /// at most 200 characters.
    fn message(&self) -> String {
        let json = self.json();
        let field = |name: &str| {
            json.as_ref()
                .and_then(|j| j.get(name))
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        let text = field("message")
            .or_else(|| field("error"))
            .unwrap_or_else(|| self.body.trim().to_string());
        if text.is_empty() {
            return "(empty body)".to_string();
        }
        truncate(&text, 200)
    }
}

fn truncate(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

impl SupabaseStorage {
    /// A client for the project at `base_url` (e.g. `https://abc.supabase.co`).
    pub fn new(base_url: String, service_key: String, opts: HttpOptions) -> Self {
        let config = ureq::Agent::config_builder()
            // Non-2xx statuses come back as responses, so we can read Supabase's message.
            .http_status_as_error(false)
            .timeout_global(Some(opts.timeout))
            .build();
        SupabaseStorage {
            base_url: base_url.trim_end_matches('/').to_string(),
            service_key,
            opts,
            agent: ureq::Agent::new_with_config(config),
        }
    }

    fn object_url(&self, bucket: &str, path: &str) -> String {
        format!(
            "{}/storage/v1/object/{}/{}",
            self.base_url,
            encode_segment(bucket),
            encode_path(path)
        )
    }

    /// Removes the key from text that may end up in errors or logs. (Keys of
    /// under 4 characters are not real keys, and replacing them would garble
    /// every message.)
    fn redact(&self, text: String) -> String {
        if self.service_key.len() < 4 {
            text
        } else {
            text.replace(&self.service_key, "<redacted>")
        }
    }

    fn transport_error(&self, e: ureq::Error) -> StorageError {
        use ureq::Error as E;
        let retryable = matches!(
            e,
            E::Timeout(_) | E::Io(_) | E::ConnectionFailed | E::HostNotFound | E::Protocol(_)
        );
        let text = match &e {
            E::Timeout(_) => format!("timed out after {:?}", self.opts.timeout),
            other => other.to_string(),
        };
        StorageError {
            message: self.redact(text),
            retryable,
        }
    }

    /// One request, without retries.
    fn once(
        &self,
        method: Method,
        url: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> Result<Reply, StorageError> {
        let bearer = format!("Bearer {}", self.service_key);
        let auth = [
            ("Authorization", bearer.as_str()),
            ("apikey", self.service_key.as_str()),
        ];
        let result = match method {
            Method::Get | Method::Head => {
                let mut rb = if method == Method::Get {
                    self.agent.get(url)
                } else {
                    self.agent.head(url)
                };
                for (k, v) in auth.iter().chain(headers) {
                    rb = rb.header(*k, *v);
                }
                rb.call()
            }
            Method::Post => {
                let mut rb = self.agent.post(url);
                for (k, v) in auth.iter().chain(headers) {
                    rb = rb.header(*k, *v);
                }
                rb.send(body.unwrap_or_default())
            }
        };
        let mut response = result.map_err(|e| self.transport_error(e))?;
        let status = response.status().as_u16();
        let body = if method == Method::Head {
            String::new()
        } else {
            let read = response
                .body_mut()
                .with_config()
                .lossy_utf8(true)
                .read_to_string();
            read.map_err(|e| self.transport_error(e))?
        };
        Ok(Reply { status, body })
    }

    /// A request with retries on transient failures; any other status is
    /// returned for the caller to interpret.
    fn call(
        &self,
        method: Method,
        url: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> Result<Reply, StorageError> {
        let mut delay = self.opts.backoff;
        let mut attempt = 0;
        loop {
            let outcome = self.once(method, url, headers, body);
            let transient = match &outcome {
                Ok(r) if r.status >= 500 || r.status == 429 => {
                    Some(format!("HTTP {}: {}", r.status, r.message()))
                }
                Err(e) if e.retryable => Some(e.message.clone()),
                _ => None,
            };
            let Some(reason) = transient else {
                return outcome;
            };
            let reason = self.redact(reason);
            if attempt >= self.opts.retries {
                let tries = if attempt == 0 {
                    "1 attempt".to_string()
                } else {
                    format!("{} attempts", attempt + 1)
                };
                return Err(StorageError::retryable(format!(
                    "{method} {url} failed after {tries}: {reason}"
                )));
            }
            log::warn!("{method} {url}: {reason}; retrying in {delay:?}");
            std::thread::sleep(delay);
            delay = delay.saturating_mul(2);
            attempt += 1;
        }
    }

    fn unexpected(&self, method: Method, url: &str, reply: &Reply) -> StorageError {
        StorageError::fatal(self.redact(format!(
            "{method} {url}: HTTP {}: {}",
            reply.status,
            reply.message()
        )))
    }

    fn create_bucket(&self, bucket: &str) -> Result<(), StorageError> {
        let url = format!("{}/storage/v1/bucket", self.base_url);
        let body = serde_json::json!({ "id": bucket, "name": bucket, "public": true }).to_string();
        let reply = self.call(
            Method::Post,
            &url,
            &[("Content-Type", "application/json")],
            Some(body.as_bytes()),
        )?;
        if (200..300).contains(&reply.status) {
            log::info!("created public bucket {bucket}");
            return Ok(());
        }
        // Someone created it between our GET and POST: fine.
        let json = reply.json();
        let code = json
            .as_ref()
            .and_then(|j| j.get("statusCode"))
            .and_then(|v| v.as_str())
            .unwrap_or("");
        if reply.status == 409 || code == "409" {
            return Ok(());
        }
        Err(self.unexpected(Method::Post, &url, &reply))
    }
}

impl Storage for SupabaseStorage {
    fn describe(&self) -> String {
        format!("supabase {}", self.base_url)
    }

    /// GET the bucket; if Supabase says it is missing (400 or 404), create it
    /// public. An existing private bucket is an error: its public URLs would
    /// not work, and making it public is not our call.
    fn ensure_bucket(&self, bucket: &str) -> Result<(), StorageError> {
        check_names(bucket, "x")?;
        let url = format!(
            "{}/storage/v1/bucket/{}",
            self.base_url,
            encode_segment(bucket)
        );
        let reply = self.call(Method::Get, &url, &[], None)?;
        match reply.status {
            200..=299 => {
                let public = reply
                    .json()
                    .and_then(|j| j.get("public").and_then(|v| v.as_bool()));
                if public == Some(false) {
                    return Err(StorageError::fatal(format!(
                        "bucket '{bucket}' exists but is not public, so its public URLs would not work; make it public in Supabase"
                    )));
                }
                Ok(())
            }
            400 | 404 => self.create_bucket(bucket),
            _ => Err(self.unexpected(Method::Get, &url, &reply)),
        }
    }

    fn put(
        &self,
        bucket: &str,
        path: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> Result<(), StorageError> {
        check_names(bucket, path)?;
        let url = self.object_url(bucket, path);
        let headers = [
            ("x-upsert", "true"),
            ("Content-Type", content_type),
            ("Cache-Control", "max-age=3600"),
        ];
        let reply = self.call(Method::Post, &url, &headers, Some(bytes))?;
        if (200..300).contains(&reply.status) {
            Ok(())
        } else {
            Err(self.unexpected(Method::Post, &url, &reply))
        }
    }

    fn exists(&self, bucket: &str, path: &str) -> Result<bool, StorageError> {
        check_names(bucket, path)?;
        let url = self.object_url(bucket, path);
        let reply = self.call(Method::Head, &url, &[], None)?;
        match reply.status {
            200..=299 => Ok(true),
            400 | 404 => Ok(false),
            _ => Err(self.unexpected(Method::Head, &url, &reply)),
        }
    }

    fn public_url(&self, bucket: &str, path: &str) -> String {
        format!(
            "{}/storage/v1/object/public/{}/{}",
            self.base_url,
            encode_segment(bucket),
            encode_path(path)
        )
    }
}

// ---------------------------------------------------------------------------
// Fake server

/// A small in-process imitation of the Supabase Storage HTTP API for tests
/// (std only): buckets, object upload with and without `x-upsert`, HEAD,
/// public download, the service-key check, injected failures and delays.
pub mod fake_supabase {
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

    fn serve(mut conn: TcpStream, state: &Mutex<State>, key: &str) -> std::io::Result<()> {
        conn.set_read_timeout(Some(Duration::from_secs(5)))?;
        let Some(req) = read_request(&mut conn)? else {
            return Ok(());
        };
        let delay = {
            let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
            s.requests.push(format!("{} {}", req.method, req.path));
            s.delay
        };
        if !delay.is_zero() {
            thread::sleep(delay);
        }
        let resp = route(&req, state, key);
        write_response(&mut conn, &req.method, &resp)
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

    fn write_response(conn: &mut TcpStream, method: &str, resp: &Response) -> std::io::Result<()> {
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
            "HTTP/1.1 {} {reason}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            resp.status,
            resp.content_type,
            resp.body.len()
        );
        conn.write_all(head.as_bytes())?;
        if method != "HEAD" {
            conn.write_all(&resp.body)?;
        }
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
}

#[cfg(test)]
mod tests {
    use super::fake_supabase::{FakeSupabase, DEFAULT_KEY};
    use super::*;
    use std::time::Instant;

    fn temp_root(name: &str) -> PathBuf {
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("totalis-storage-{name}-{}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    fn fast() -> HttpOptions {
        HttpOptions {
            timeout: Duration::from_secs(2),
            retries: 2,
            backoff: Duration::from_millis(10),
        }
    }

    fn client(fake: &FakeSupabase) -> SupabaseStorage {
        SupabaseStorage::new(format!("{}/", fake.url), fake.key.clone(), fast())
    }

    /// A plain GET without credentials: (status, content type, body).
    fn public_get(url: &str) -> (u16, String, Vec<u8>) {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut r = agent.get(url).call().unwrap();
        let ct = r
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        (r.status().as_u16(), ct, r.body_mut().read_to_vec().unwrap())
    }

    #[test]
    fn filesystem_put_overwrite_exists_and_url() {
        let root = temp_root("fs");
        let fs_store = FilesystemStorage::new(root.clone(), "http://localhost:9000/files/".into());
        assert_eq!(
            fs_store.describe(),
            format!("filesystem {}", root.display())
        );
        let err = fs_store
            .put("coach-images", "legacy/image_1.jpg", "image/jpeg", b"x")
            .unwrap_err();
        assert!(
            err.message.contains("does not exist") && !err.retryable,
            "{err}"
        );

        fs_store.ensure_bucket("coach-images").unwrap();
        fs_store.ensure_bucket("coach-images").unwrap();
        assert!(!fs_store
            .exists("coach-images", "legacy/image_1.jpg")
            .unwrap());
        fs_store
            .put("coach-images", "legacy/image_1.jpg", "image/jpeg", b"first")
            .unwrap();
        assert!(fs_store
            .exists("coach-images", "legacy/image_1.jpg")
            .unwrap());
        fs_store
            .put(
                "coach-images",
                "legacy/image_1.jpg",
                "image/jpeg",
                b"second",
            )
            .unwrap();
        let file = root.join("coach-images/legacy/image_1.jpg");
        assert_eq!(fs::read(&file).unwrap(), b"second");
        // No temp files left behind.
        assert_eq!(
            fs::read_dir(root.join("coach-images/legacy"))
                .unwrap()
                .count(),
            1
        );
        assert_eq!(
            fs_store.public_url("coach-images", "legacy/image 1.jpg"),
            "http://localhost:9000/files/coach-images/legacy/image%201.jpg"
        );
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn filesystem_refuses_paths_that_escape_the_root() {
        let root = temp_root("escape");
        let fs_store = FilesystemStorage::new(root.clone(), "http://x".into());
        fs_store.ensure_bucket("b").unwrap();
        for bad in ["../x", "a/../../x", "/abs", "a//b", "a\\b", ""] {
            let e = fs_store.put("b", bad, "image/png", b"x").unwrap_err();
            assert!(e.message.starts_with("invalid object path"), "{bad}: {e}");
        }
        assert!(fs_store.ensure_bucket("..").is_err());
        assert!(fs_store.put("a/b", "x", "image/png", b"x").is_err());
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn fail_after_lets_k_uploads_through_then_fails() {
        let root = temp_root("failafter");
        let store = FailAfter::new(FilesystemStorage::new(root.clone(), "http://x".into()), 2);
        store.ensure_bucket("b").unwrap();
        store.put("b", "one", "image/png", b"1").unwrap();
        store.put("b", "two", "image/png", b"2").unwrap();
        let e = store.put("b", "three", "image/png", b"3").unwrap_err();
        assert_eq!(e, StorageError::fatal("injected failure on upload 3"));
        let e = store.put("b", "four", "image/png", b"4").unwrap_err();
        assert_eq!(e.message, "injected failure on upload 4");
        assert_eq!(store.put_calls(), 4);
        assert!(store.exists("b", "two").unwrap());
        assert!(!store.exists("b", "three").unwrap());
        assert_eq!(store.public_url("b", "one"), "http://x/b/one");
        assert!(store.describe().contains("failing after 2 uploads"));
        // Works through a reference too.
        let by_ref = FailAfter::new(store.inner(), 0);
        assert!(by_ref.put("b", "five", "image/png", b"5").is_err());
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn supabase_upload_then_public_download_returns_the_same_bytes() {
        let fake = FakeSupabase::start();
        let s = client(&fake);
        s.ensure_bucket("coach-images").unwrap();
        let bytes = b"\x89PNG\r\n\x1a\n-some-png-bytes".to_vec();
        assert!(!s.exists("coach-images", "legacy/image_7.png").unwrap());
        s.put("coach-images", "legacy/image_7.png", "image/png", &bytes)
            .unwrap();
        assert!(s.exists("coach-images", "legacy/image_7.png").unwrap());

        let url = s.public_url("coach-images", "legacy/image_7.png");
        assert_eq!(
            url,
            format!(
                "{}/storage/v1/object/public/coach-images/legacy/image_7.png",
                fake.url
            )
        );
        assert_eq!(
            public_get(&url),
            (200, "image/png".to_string(), bytes.clone())
        );
        assert_eq!(
            fake.object("coach-images", "legacy/image_7.png"),
            Some(("image/png".into(), bytes))
        );
        assert_eq!(s.describe(), format!("supabase {}", fake.url));
    }

    #[test]
    fn supabase_paths_are_percent_encoded_per_segment() {
        let fake = FakeSupabase::start();
        let s = client(&fake);
        s.ensure_bucket("b").unwrap();
        s.put("b", "dir with space/Über#1.jpg", "image/jpeg", b"j")
            .unwrap();
        assert!(fake.object("b", "dir with space/Über#1.jpg").is_some());
        let url = s.public_url("b", "dir with space/Über#1.jpg");
        assert!(
            url.ends_with("/b/dir%20with%20space/%C3%9Cber%231.jpg"),
            "{url}"
        );
        assert_eq!(public_get(&url).2, b"j");
    }

    #[test]
    fn supabase_upsert_overwrites() {
        let fake = FakeSupabase::start();
        let s = client(&fake);
        s.ensure_bucket("b").unwrap();
        s.put("b", "p.jpg", "image/jpeg", b"old").unwrap();
        s.put("b", "p.jpg", "image/png", b"new").unwrap();
        assert_eq!(
            fake.object("b", "p.jpg"),
            Some(("image/png".into(), b"new".to_vec()))
        );
        assert_eq!(fake.objects().len(), 1);
        assert_eq!(fake.put_count(), 2);
    }

    #[test]
    fn fake_refuses_a_second_upload_without_upsert() {
        let fake = FakeSupabase::start();
        fake.add_bucket("b", true);
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let url = format!("{}/storage/v1/object/b/p", fake.url);
        let post = || {
            let mut r = agent
                .post(&url)
                .header("Authorization", format!("Bearer {DEFAULT_KEY}"))
                .send(&b"x"[..])
                .unwrap();
            (r.status().as_u16(), r.body_mut().read_to_string().unwrap())
        };
        assert_eq!(post().0, 200);
        let (status, body) = post();
        assert_eq!(status, 400);
        assert!(
            body.contains("\"statusCode\":\"409\"") && body.contains("Duplicate"),
            "{body}"
        );
    }

    #[test]
    fn supabase_retries_after_503s_and_succeeds() {
        let fake = FakeSupabase::start();
        let s = client(&fake);
        s.ensure_bucket("b").unwrap();
        fake.fail_next_puts(2, 503);
        s.put("b", "p.png", "image/png", b"png").unwrap();
        assert_eq!(fake.put_count(), 3, "two failures and the success");
        assert_eq!(fake.object("b", "p.png").unwrap().1, b"png");
    }

    #[test]
    fn supabase_gives_up_after_the_configured_retries() {
        let fake = FakeSupabase::start();
        let s = client(&fake);
        s.ensure_bucket("b").unwrap();
        fake.fail_next_puts(5, 429);
        let e = s.put("b", "p.png", "image/png", b"png").unwrap_err();
        assert!(e.retryable);
        assert!(
            e.message.contains("failed after 3 attempts") && e.message.contains("HTTP 429"),
            "{e}"
        );
        assert_eq!(fake.put_count(), 3);
    }

    #[test]
    fn supabase_wrong_key_fails_at_once_without_leaking_it() {
        let fake = FakeSupabase::start();
        fake.add_bucket("b", true);
        let secret = "super-secret-service-role-key";
        let s = SupabaseStorage::new(fake.url.clone(), secret.into(), fast());
        let e = s.put("b", "p.png", "image/png", b"png").unwrap_err();
        assert!(!e.retryable);
        assert!(
            e.message.contains("HTTP 401") && e.message.contains("Invalid JWT"),
            "{e}"
        );
        assert_eq!(fake.requests().len(), 1, "no retry on 401");
        for text in [
            e.to_string(),
            format!("{e:?}"),
            format!("{s:?}"),
            s.describe(),
        ] {
            assert!(!text.contains(secret), "{text}");
        }
        assert!(s.ensure_bucket("b").is_err());
    }

    #[test]
    fn supabase_client_error_names_supabases_message() {
        let fake = FakeSupabase::start();
        let s = client(&fake);
        let e = s.put("missing", "p.png", "image/png", b"png").unwrap_err();
        assert!(!e.retryable);
        assert!(e.message.contains("HTTP 400: Bucket not found"), "{e}");
        assert_eq!(fake.put_count(), 1);
    }

    #[test]
    fn supabase_ensure_bucket_creates_a_missing_bucket_once() {
        let fake = FakeSupabase::start();
        let s = client(&fake);
        s.ensure_bucket("category-icons").unwrap();
        s.ensure_bucket("category-icons").unwrap();
        assert_eq!(fake.bucket_creates(), 1);
        assert_eq!(fake.buckets().get("category-icons"), Some(&true));
        let creates = fake
            .requests()
            .iter()
            .filter(|r| *r == "POST /storage/v1/bucket")
            .count();
        assert_eq!(creates, 1);
    }

    #[test]
    fn supabase_refuses_an_existing_private_bucket() {
        let fake = FakeSupabase::start();
        fake.add_bucket("voice-messages", false);
        let e = client(&fake).ensure_bucket("voice-messages").unwrap_err();
        assert!(e.message.contains("not public"), "{e}");
        assert_eq!(fake.bucket_creates(), 0);
    }

    #[test]
    fn supabase_timeout_is_retryable() {
        let fake = FakeSupabase::start();
        fake.add_bucket("b", true);
        fake.set_delay(Duration::from_millis(400));
        let opts = HttpOptions {
            timeout: Duration::from_millis(100),
            retries: 1,
            backoff: Duration::from_millis(10),
        };
        let s = SupabaseStorage::new(fake.url.clone(), fake.key.clone(), opts);
        let started = Instant::now();
        let e = s.exists("b", "p.png").unwrap_err();
        assert!(e.retryable, "{e}");
        assert!(
            e.message.contains("timed out") && e.message.contains("after 2 attempts"),
            "{e}"
        );
        assert!(started.elapsed() < Duration::from_millis(1500));
    }

    #[test]
    fn supabase_connection_refused_is_retryable() {
        // Bind then drop, so the port is very likely closed.
        let addr = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let opts = HttpOptions {
            timeout: Duration::from_millis(300),
            retries: 1,
            backoff: Duration::from_millis(5),
        };
        let s = SupabaseStorage::new(format!("http://{addr}"), "test-key".into(), opts);
        let e = s.exists("b", "p").unwrap_err();
        assert!(e.retryable, "{e}");
    }

    #[test]
    fn encoding_keeps_slashes_and_unreserved_characters() {
        assert_eq!(encode_path("legacy/image_1.jpg"), "legacy/image_1.jpg");
        assert_eq!(encode_path("a b/c~d-e"), "a%20b/c~d-e");
        assert_eq!(encode_segment("a/b"), "a%2Fb");
        assert_eq!(truncate("ééé", 2), "éé…");
        assert_eq!(truncate("ab", 2), "ab");
    }
}
