//! The failure injector: a storage whose uploads fail after the first k.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};

use totalis_etl::storage::{Storage, StorageError};

/// Wraps a storage and fails every `put` after the first `ok_puts` ones,
/// with the non-retryable error "injected failure on upload k" (k counts all
/// put calls from 1). Everything else is passed through.
#[derive(Debug)]
pub struct FailAfter<S> {
    inner: S,
    ok_puts: usize,
    count: AtomicUsize,
}

impl<S> FailAfter<S> {
    /// Lets `ok_puts` uploads through, then fails.
    pub fn new(inner: S, ok_puts: usize) -> Self {
        FailAfter { inner, ok_puts, count: AtomicUsize::new(0) }
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
        format!("{} (failing after {} uploads)", self.inner.describe(), self.ok_puts)
    }
    fn ensure_bucket(&self, bucket: &str) -> Result<(), StorageError> {
        self.inner.ensure_bucket(bucket)
    }
    fn put(&self, bucket: &str, path: &str, content_type: &str, bytes: &[u8]) -> Result<(), StorageError> {
        let k = self.count.fetch_add(1, Ordering::SeqCst) + 1;
        if k > self.ok_puts {
            return Err(StorageError::fatal(format!("injected failure on upload {k}")));
        }
        self.inner.put(bucket, path, content_type, bytes)
    }
    fn list(&self, bucket: &str, folder: &str) -> Result<BTreeSet<String>, StorageError> {
        self.inner.list(bucket, folder)
    }
    fn public_url(&self, bucket: &str, path: &str) -> String {
        self.inner.public_url(bucket, path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use totalis_etl::storage::FilesystemStorage;

    #[test]
    fn lets_k_uploads_through_then_fails() {
        let root = std::env::temp_dir().join(format!("totalis-failafter-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let store = FailAfter::new(FilesystemStorage::new(root.clone(), "http://x".into()), 2);
        store.ensure_bucket("b").unwrap();
        store.put("b", "d/one", "image/png", b"1").unwrap();
        store.put("b", "d/two", "image/png", b"2").unwrap();
        let e = store.put("b", "d/three", "image/png", b"3").unwrap_err();
        assert_eq!(e, StorageError::fatal("injected failure on upload 3"));
        assert_eq!(store.put("b", "d/four", "image/png", b"4").unwrap_err().message, "injected failure on upload 4");
        assert_eq!(store.put_calls(), 4);
        assert_eq!(store.list("b", "d").unwrap().into_iter().collect::<Vec<_>>(), ["d/one", "d/two"]);
        assert_eq!(store.public_url("b", "d/one"), "http://x/b/d/one");
        assert!(store.describe().contains("failing after 2 uploads"));
        // Works through a reference too.
        let by_ref = FailAfter::new(store.inner(), 0);
        assert!(by_ref.put("b", "d/five", "image/png", b"5").is_err());
        std::fs::remove_dir_all(&root).unwrap();
    }
}
