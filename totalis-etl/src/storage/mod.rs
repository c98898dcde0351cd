//! Object storage for the migrated images, behind a small trait so the
//! pipeline runs against Supabase Storage in production and against a local
//! directory in development (tests also use the fake Supabase server of the
//! dev-only `totalis-testkit` crate).

use std::collections::BTreeSet;
use std::fmt;

mod filesystem;
mod supabase;

pub use filesystem::FilesystemStorage;
pub use supabase::{HttpOptions, SupabaseStorage};

/// Where the images go. Shared by the upload workers, hence `Send + Sync`.
pub trait Storage: Send + Sync {
    /// Human description for reports, never containing secrets (e.g.
    /// "filesystem ./target/x" or "supabase https://abc.supabase.co").
    fn describe(&self) -> String;
    /// Make sure the bucket exists (public). Idempotent.
    fn ensure_bucket(&self, bucket: &str) -> Result<(), StorageError>;
    /// Upload with upsert semantics (same path overwritten); readers see the
    /// old object or the new one, never a part.
    fn put(&self, bucket: &str, path: &str, content_type: &str, bytes: &[u8]) -> Result<(), StorageError>;
    /// Paths of the objects directly inside `folder` of the bucket (e.g.
    /// "legacy/image_1.jpg" for folder "legacy"); empty when the bucket or
    /// folder does not exist. A few requests per thousand objects.
    fn list(&self, bucket: &str, folder: &str) -> Result<BTreeSet<String>, StorageError>;
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
    fn put(&self, bucket: &str, path: &str, content_type: &str, bytes: &[u8]) -> Result<(), StorageError> {
        (**self).put(bucket, path, content_type, bytes)
    }
    fn list(&self, bucket: &str, folder: &str) -> Result<BTreeSet<String>, StorageError> {
        (**self).list(bucket, folder)
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
        StorageError { message: message.into(), retryable: false }
    }

    /// An error that may go away by trying again.
    pub fn retryable(message: impl Into<String>) -> Self {
        StorageError { message: message.into(), retryable: true }
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
    path.split('/').map(encode_segment).collect::<Vec<_>>().join("/")
}

/// Refuses bucket names and object paths that could escape the storage root
/// or that Supabase would not accept either.
fn check_names(bucket: &str, path: &str) -> Result<(), StorageError> {
    let bad_bucket = bucket.is_empty() || bucket.contains(['/', '\\', '\0']) || bucket == "." || bucket == "..";
    if bad_bucket {
        return Err(StorageError::fatal(format!("invalid bucket name '{bucket}'")));
    }
    let bad_path = path.is_empty() || path.contains(['\\', '\0']) || path.split('/').any(|s| s.is_empty() || s == "." || s == "..");
    if bad_path {
        return Err(StorageError::fatal(format!("invalid object path '{path}'")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_keeps_slashes_and_unreserved_characters() {
        assert_eq!(encode_path("legacy/image_1.jpg"), "legacy/image_1.jpg");
        assert_eq!(encode_path("a b/c~d-e"), "a%20b/c~d-e");
        assert_eq!(encode_segment("a/b"), "a%2Fb");
    }

    #[test]
    fn names_that_could_escape_the_root_are_refused() {
        for bad in ["../x", "a/../../x", "/abs", "a//b", "a\\b", "", "a/./b"] {
            let e = check_names("b", bad).unwrap_err();
            assert!(e.message.starts_with("invalid object path") && !e.retryable, "{bad}: {e}");
        }
        for bad in ["", ".", "..", "a/b", "a\\b"] {
            assert!(check_names(bad, "x").unwrap_err().message.starts_with("invalid bucket name"), "{bad}");
        }
        assert!(check_names("coach-images", "legacy/image_1.jpg").is_ok());
    }
}
