//! Objects as files under `<root>/<bucket>/<path>`, for development, tests
//! and benchmarks.

use std::collections::{BTreeSet, HashSet};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::{check_names, encode_path, encode_segment, Storage, StorageError};

/// Suffix of the file an object is written to before it is renamed into place.
const PARTIAL: &str = ".partial";

#[derive(Clone, Debug)]
pub struct FilesystemStorage {
    root: PathBuf,
    public_base_url: String,
    /// Folders made (or found) by this store: a put into one of them costs
    /// four system calls (create, write, close, rename) and no more.
    folders: Arc<Mutex<HashSet<PathBuf>>>,
}

impl FilesystemStorage {
    /// Storage under `root`; public URLs are `<public_base_url>/<bucket>/<path>`.
    pub fn new(root: PathBuf, public_base_url: String) -> Self {
        let public_base_url = public_base_url.trim_end_matches('/').to_string();
        FilesystemStorage { root, public_base_url, folders: Arc::default() }
    }

    /// Makes the folder of an object (once per folder), inside an existing bucket.
    fn folder(&self, bucket: &str, dir: &Path) -> Result<(), StorageError> {
        let mut known = self.folders.lock().unwrap_or_else(|e| e.into_inner());
        if known.contains(dir) {
            return Ok(());
        }
        if !self.root.join(bucket).is_dir() {
            return Err(StorageError::fatal(format!("bucket '{bucket}' does not exist (ensure_bucket first)")));
        }
        fs::create_dir_all(dir).map_err(|e| Self::io_error("cannot create directory", dir, e))?;
        known.insert(dir.to_path_buf());
        Ok(())
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

/// Writes `bytes` to `target` so that readers see either the old or the new
/// file, never a partial one: write the sibling `.<name>.partial`, then
/// rename it over the target. The temp name is fixed (one writer per object:
/// the import holds the schema's lock), so a run killed mid-write leaves at
/// most that file, which the rerun overwrites and renames away.
fn write_atomically(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = target.parent().unwrap_or(Path::new("."));
    let name = target.file_name().and_then(|n| n.to_str()).unwrap_or("object");
    let temp = dir.join(format!(".{name}{PARTIAL}"));
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
        fs::create_dir_all(&dir).map_err(|e| Self::io_error("cannot create bucket directory", &dir, e))
    }

    /// Like Supabase, the bucket must exist (see `ensure_bucket`); folders
    /// inside it are created as needed.
    fn put(&self, bucket: &str, path: &str, _content_type: &str, bytes: &[u8]) -> Result<(), StorageError> {
        check_names(bucket, path)?;
        let file = self.file_path(bucket, path);
        self.folder(bucket, file.parent().unwrap_or(&self.root))?;
        write_atomically(&file, bytes).map_err(|e| Self::io_error("cannot write", &file, e))
    }

    /// Regular files only; `.partial` files are not objects.
    fn list(&self, bucket: &str, folder: &str) -> Result<BTreeSet<String>, StorageError> {
        check_names(bucket, folder)?;
        let dir = self.file_path(bucket, folder);
        let entries = match fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeSet::new()),
            Err(e) => return Err(Self::io_error("cannot list", &dir, e)),
        };
        let mut out = BTreeSet::new();
        for entry in entries {
            let entry = entry.map_err(|e| Self::io_error("cannot list", &dir, e))?;
            let name = entry.file_name().to_string_lossy().to_string();
            let is_file = entry.file_type().is_ok_and(|t| t.is_file());
            if is_file && !(name.starts_with('.') && name.ends_with(PARTIAL)) {
                out.insert(format!("{folder}/{name}"));
            }
        }
        Ok(out)
    }

    fn public_url(&self, bucket: &str, path: &str) -> String {
        format!("{}/{}/{}", self.public_base_url, encode_segment(bucket), encode_path(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_root(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("totalis-storage-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn put_overwrite_list_and_url() {
        let root = temp_root("fs");
        let store = FilesystemStorage::new(root.clone(), "http://localhost:9000/files/".into());
        assert_eq!(store.describe(), format!("filesystem {}", root.display()));
        let err = store.put("coach-images", "legacy/image_1.jpg", "image/jpeg", b"x").unwrap_err();
        assert!(err.message.contains("does not exist") && !err.retryable, "{err}");

        store.ensure_bucket("coach-images").unwrap();
        store.ensure_bucket("coach-images").unwrap();
        assert!(store.list("coach-images", "legacy").unwrap().is_empty());
        store.put("coach-images", "legacy/image_1.jpg", "image/jpeg", b"first").unwrap();
        store.put("coach-images", "legacy/image_1.jpg", "image/jpeg", b"second").unwrap();
        store.put("coach-images", "legacy/deeper/image_2.jpg", "image/jpeg", b"2").unwrap();
        let file = root.join("coach-images/legacy/image_1.jpg");
        assert_eq!(fs::read(&file).unwrap(), b"second");
        // Only the objects directly inside the folder; no temp files left behind.
        let listed: Vec<String> = store.list("coach-images", "legacy").unwrap().into_iter().collect();
        assert_eq!(listed, ["legacy/image_1.jpg"]);
        assert_eq!(fs::read_dir(root.join("coach-images/legacy")).unwrap().count(), 2, "image_1.jpg and the folder deeper");
        assert_eq!(store.public_url("coach-images", "legacy/image 1.jpg"), "http://localhost:9000/files/coach-images/legacy/image%201.jpg");
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_write_cut_short_leaves_no_object_and_the_next_write_replaces_it() {
        let root = temp_root("partial");
        let store = FilesystemStorage::new(root.clone(), "http://x".into());
        store.ensure_bucket("b").unwrap();
        // What a process killed mid-write leaves behind.
        fs::create_dir_all(root.join("b/legacy")).unwrap();
        fs::write(root.join("b/legacy/.image_3.png.partial"), b"half").unwrap();
        assert!(store.list("b", "legacy").unwrap().is_empty(), "a partial file is not an object");
        store.put("b", "legacy/image_3.png", "image/png", b"whole").unwrap();
        let names: Vec<String> = fs::read_dir(root.join("b/legacy")).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect();
        assert_eq!(names, ["image_3.png"]);
        assert_eq!(fs::read(root.join("b/legacy/image_3.png")).unwrap(), b"whole");
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn refuses_paths_that_escape_the_root() {
        let root = temp_root("escape");
        let store = FilesystemStorage::new(root.clone(), "http://x".into());
        store.ensure_bucket("b").unwrap();
        for bad in ["../x", "a/../../x", "/abs", "a//b", "a\\b", ""] {
            let e = store.put("b", bad, "image/png", b"x").unwrap_err();
            assert!(e.message.starts_with("invalid object path"), "{bad}: {e}");
        }
        assert!(store.ensure_bucket("..").is_err());
        assert!(store.put("a/b", "x", "image/png", b"x").is_err());
        assert!(store.list("b", "..").is_err());
        fs::remove_dir_all(&root).unwrap();
    }
}
