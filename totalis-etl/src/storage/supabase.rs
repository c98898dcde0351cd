//! The Supabase Storage HTTP API, authenticated with the service-role key,
//! over one keep-alive agent shared by the upload workers.

use std::collections::BTreeSet;
use std::fmt;
use std::time::Duration;

use super::{check_names, encode_path, encode_segment, Storage, StorageError};

/// Timeouts, retries and connections of the Supabase client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HttpOptions {
    /// For one whole request (connect, send, receive).
    pub timeout: Duration,
    /// Extra attempts after a transient failure (timeout, connection error, 5xx, 429).
    pub retries: u32,
    /// Wait before the first retry; doubles for each further one.
    pub backoff: Duration,
    /// Connections kept open for reuse (one per upload worker).
    pub connections: usize,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions { timeout: Duration::from_secs(30), retries: 3, backoff: Duration::from_millis(500), connections: 8 }
    }
}

/// Objects listed per request (Supabase's maximum).
const LIST_PAGE: usize = 1000;

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
    Post,
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Method::Get => "GET",
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
        let field = |name: &str| json.as_ref().and_then(|j| j.get(name)).and_then(|v| v.as_str()).map(str::to_string);
        let text = field("message").or_else(|| field("error")).unwrap_or_else(|| self.body.trim().to_string());
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
            .max_idle_connections(opts.connections.max(1))
            .max_idle_connections_per_host(opts.connections.max(1))
            .build();
        SupabaseStorage { base_url: base_url.trim_end_matches('/').to_string(), service_key, opts, agent: ureq::Agent::new_with_config(config) }
    }

    fn object_url(&self, bucket: &str, path: &str) -> String {
        format!("{}/storage/v1/object/{}/{}", self.base_url, encode_segment(bucket), encode_path(path))
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
        let retryable = matches!(e, E::Timeout(_) | E::Io(_) | E::ConnectionFailed | E::HostNotFound | E::Protocol(_));
        let text = match &e {
            E::Timeout(_) => format!("timed out after {:?}", self.opts.timeout),
            other => other.to_string(),
        };
        StorageError { message: self.redact(text), retryable }
    }

    /// One request, without retries.
    fn once(&self, method: Method, url: &str, headers: &[(&str, &str)], body: Option<&[u8]>) -> Result<Reply, StorageError> {
        let bearer = format!("Bearer {}", self.service_key);
        let auth = [("Authorization", bearer.as_str()), ("apikey", self.service_key.as_str())];
        let result = match method {
            Method::Get => {
                let mut rb = self.agent.get(url);
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
        let body = response.body_mut().with_config().lossy_utf8(true).read_to_string().map_err(|e| self.transport_error(e))?;
        Ok(Reply { status, body })
    }

    /// A request with retries on transient failures; any other status is
    /// returned for the caller to interpret.
    fn call(&self, method: Method, url: &str, headers: &[(&str, &str)], body: Option<&[u8]>) -> Result<Reply, StorageError> {
        let mut delay = self.opts.backoff;
        let mut attempt = 0;
        loop {
            let outcome = self.once(method, url, headers, body);
            let transient = match &outcome {
                Ok(r) if r.status >= 500 || r.status == 429 => Some(format!("HTTP {}: {}", r.status, r.message())),
                Err(e) if e.retryable => Some(e.message.clone()),
                _ => None,
            };
            let Some(reason) = transient else {
                return outcome;
            };
            let reason = self.redact(reason);
            if attempt >= self.opts.retries {
                let tries = if attempt == 0 { "1 attempt".to_string() } else { format!("{} attempts", attempt + 1) };
                return Err(StorageError::retryable(format!("{method} {url} failed after {tries}: {reason}")));
            }
            log::warn!("{method} {url}: {reason}; retrying in {delay:?}");
            std::thread::sleep(delay);
            delay = delay.saturating_mul(2);
            attempt += 1;
        }
    }

    fn unexpected(&self, method: Method, url: &str, reply: &Reply) -> StorageError {
        StorageError::fatal(self.redact(format!("{method} {url}: HTTP {}: {}", reply.status, reply.message())))
    }

    fn create_bucket(&self, bucket: &str) -> Result<(), StorageError> {
        let url = format!("{}/storage/v1/bucket", self.base_url);
        let body = serde_json::json!({ "id": bucket, "name": bucket, "public": true }).to_string();
        let reply = self.call(Method::Post, &url, &[("Content-Type", "application/json")], Some(body.as_bytes()))?;
        if (200..300).contains(&reply.status) {
            log::info!("created public bucket {bucket}");
            return Ok(());
        }
        // Someone created it between our GET and POST: fine.
        let json = reply.json();
        let code = json.as_ref().and_then(|j| j.get("statusCode")).and_then(|v| v.as_str()).unwrap_or("");
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
        let url = format!("{}/storage/v1/bucket/{}", self.base_url, encode_segment(bucket));
        let reply = self.call(Method::Get, &url, &[], None)?;
        match reply.status {
            200..=299 => {
                let public = reply.json().and_then(|j| j.get("public").and_then(|v| v.as_bool()));
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

    fn put(&self, bucket: &str, path: &str, content_type: &str, bytes: &[u8]) -> Result<(), StorageError> {
        check_names(bucket, path)?;
        let url = self.object_url(bucket, path);
        let headers = [("x-upsert", "true"), ("Content-Type", content_type), ("Cache-Control", "max-age=3600")];
        let reply = self.call(Method::Post, &url, &headers, Some(bytes))?;
        if (200..300).contains(&reply.status) {
            Ok(())
        } else {
            Err(self.unexpected(Method::Post, &url, &reply))
        }
    }

    /// `POST /storage/v1/object/list/<bucket>` a page of 1000 at a time;
    /// entries without an id are folders. A missing bucket lists nothing.
    fn list(&self, bucket: &str, folder: &str) -> Result<BTreeSet<String>, StorageError> {
        check_names(bucket, folder)?;
        let url = format!("{}/storage/v1/object/list/{}", self.base_url, encode_segment(bucket));
        let mut out = BTreeSet::new();
        for offset in (0..).step_by(LIST_PAGE) {
            let body = serde_json::json!({
                "prefix": folder, "limit": LIST_PAGE, "offset": offset, "sortBy": { "column": "name", "order": "asc" }
            })
            .to_string();
            let reply = self.call(Method::Post, &url, &[("Content-Type", "application/json")], Some(body.as_bytes()))?;
            if matches!(reply.status, 400 | 404) && reply.message().contains("not found") {
                return Ok(out);
            }
            if !(200..300).contains(&reply.status) {
                return Err(self.unexpected(Method::Post, &url, &reply));
            }
            let page = reply.json().and_then(|j| j.as_array().cloned()).ok_or_else(|| {
                StorageError::fatal(format!("POST {url}: the answer is not a JSON array: {}", truncate(&reply.body, 200)))
            })?;
            for entry in &page {
                let is_object = entry.get("id").is_some_and(|id| !id.is_null());
                if let (true, Some(name)) = (is_object, entry.get("name").and_then(|n| n.as_str())) {
                    out.insert(format!("{folder}/{name}"));
                }
            }
            if page.len() < LIST_PAGE {
                break;
            }
        }
        Ok(out)
    }

    fn public_url(&self, bucket: &str, path: &str) -> String {
        format!("{}/storage/v1/object/public/{}/{}", self.base_url, encode_segment(bucket), encode_path(path))
    }
}

#[cfg(test)]
mod tests {
    use super::truncate;

    #[test]
    fn truncation_counts_characters() {
        assert_eq!(truncate("ééé", 2), "éé…");
        assert_eq!(truncate("ab", 2), "ab");
    }
}
