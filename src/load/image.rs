//! The compiled runbook image: a loaded runbook written once in a compact
//! binary form (postcard, through the model's serde derives; spans
//! included, so findings still point at lines), read on later loads instead
//! of parsing the YAML again.
//!
//! An image is never trusted beyond its header. It is kept in the cache
//! folder under a name taken from the runbook's path, and begins with:
//!
//! | bytes | what |
//! |---|---|
//! | 8 | the magic `ANDONIMG` |
//! | 4 | the image format version, little-endian |
//! | 2 + n | the andon version that wrote it (length, then UTF-8) |
//! | 32 | the key: BLAKE3 of the format and andon versions and of every runbook file's path, length and bytes, as read |
//! | 8 | the length of the body, little-endian |
//! | 32 | BLAKE3 of the body |
//!
//! then the body ([`super::image_body`]: the plant's small sections, then
//! each identity on its own, so that one can be decoded alone). The key is
//! the files' content, never their size or
//! mtime, so an edit that keeps both still misses. A short, damaged, or
//! foreign image, or one written for other content, is ignored: the
//! runbook is parsed and a fresh image replaces it, written through
//! [`crate::fsio::write_atomically`], so a reader sees a whole image or the
//! previous one, and two processes filling the cache at once each write a
//! whole image, the last one staying.

use crate::model::Runbook;
use std::path::{Path, PathBuf};

const MAGIC: &[u8; 8] = b"ANDONIMG";
/// Bumped whenever the model's or the body's layout changes (2: the
/// identities as a table, see [`super::image_body`]).
const FORMAT: u32 = 2;
const VERSION: &str = env!("CARGO_PKG_VERSION");
/// Largest image read: twice the largest runbook (a 1,000,000-identity
/// plant's image is 306 MB, its YAML 458 MiB).
const MAX_IMAGE_BYTES: u64 = 2 * crate::fsio::MAX_RUNBOOK_BYTES;

/// Where images are kept, if anywhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cache {
    Off,
    Dir(PathBuf),
}

impl Cache {
    /// The cache a command uses: `--no-cache`, then `--cache-dir`, then
    /// `ANDON_CACHE_DIR` (`off` disables it), then `$XDG_CACHE_HOME/andon`,
    /// then `~/.cache/andon`; none of them: off.
    pub fn choose(no_cache: bool, dir: Option<&Path>) -> Cache {
        if no_cache {
            return Cache::Off;
        }
        if let Some(dir) = dir {
            return Cache::Dir(dir.to_path_buf());
        }
        let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
        if let Some(dir) = var("ANDON_CACHE_DIR") {
            return if dir == "off" {
                Cache::Off
            } else {
                Cache::Dir(PathBuf::from(dir))
            };
        }
        // The XDG base directory spec ignores a relative XDG_CACHE_HOME.
        if let Some(xdg) = var("XDG_CACHE_HOME").map(PathBuf::from)
            && xdg.is_absolute()
        {
            return Cache::Dir(xdg.join("andon"));
        }
        match var("HOME").map(PathBuf::from) {
            Some(home) if home.is_absolute() => Cache::Dir(home.join(".cache").join("andon")),
            _ => Cache::Off,
        }
    }
}

/// What a cached load did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// No cache: the runbook was parsed.
    Off,
    /// The image matched and was read; nothing was parsed.
    Hit,
    /// No usable image: parsed, and a fresh image written.
    Written,
    /// No usable image: parsed; the image could not be written.
    Unwritten,
}

/// The key of a runbook's files as read.
pub struct Key(blake3::Hasher);

impl Default for Key {
    fn default() -> Key {
        let mut h = blake3::Hasher::new();
        h.update(MAGIC);
        h.update(&FORMAT.to_le_bytes());
        h.update(VERSION.as_bytes());
        h.update(&[0]);
        Key(h)
    }
}

impl Key {
    /// Adds one file: its path, a NUL, its length, a NUL, its bytes.
    pub fn add(&mut self, path: &Path, bytes: &[u8]) {
        self.0.update(path.to_string_lossy().as_bytes());
        self.0.update(&[0]);
        self.0.update(&(bytes.len() as u64).to_le_bytes());
        self.0.update(&[0]);
        self.0.update(bytes);
    }

    pub fn finish(&self) -> [u8; 32] {
        *self.0.finalize().as_bytes()
    }
}

/// The image file of the runbook at `root` in `dir`.
pub fn path_in(dir: &Path, root: &Path) -> PathBuf {
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let name = blake3::hash(root.to_string_lossy().as_bytes()).to_hex();
    dir.join(format!("{}.img", &name[..32]))
}

/// The image's bytes for `runbook`, whose files gave `key`.
pub fn encode(runbook: &Runbook, key: &[u8; 32]) -> Option<Vec<u8>> {
    let body = super::image_body::encode(runbook)?;
    let mut out = Vec::with_capacity(body.len() + 96);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT.to_le_bytes());
    let version = u16::try_from(VERSION.len()).ok()?;
    out.extend_from_slice(&version.to_le_bytes());
    out.extend_from_slice(VERSION.as_bytes());
    out.extend_from_slice(key);
    out.extend_from_slice(&(body.len() as u64).to_le_bytes());
    out.extend_from_slice(blake3::hash(&body).as_bytes());
    out.extend_from_slice(&body);
    Some(out)
}

/// The body of `bytes` when they are a whole, undamaged image of this
/// format and andon version for `key`.
fn body<'a>(bytes: &'a [u8], key: &[u8; 32]) -> Option<&'a [u8]> {
    let mut rest = bytes;
    let mut take = |n: usize| -> Option<&[u8]> {
        let (head, tail) = rest.split_at_checked(n)?;
        rest = tail;
        Some(head)
    };
    if take(8)? != MAGIC || take(4)? != FORMAT.to_le_bytes() {
        return None;
    }
    let version = u16::from_le_bytes(take(2)?.try_into().ok()?);
    if take(usize::from(version))? != VERSION.as_bytes() || take(32)? != key {
        return None;
    }
    let length = u64::from_le_bytes(take(8)?.try_into().ok()?);
    let checksum: [u8; 32] = take(32)?.try_into().ok()?;
    let body = take(usize::try_from(length).ok()?)?;
    if !rest.is_empty() || blake3::hash(body).as_bytes() != &checksum {
        return None;
    }
    Some(body)
}

/// The runbook in `bytes` when they are a whole, undamaged image of this
/// format and andon version for `key`; its index is left to rebuild.
pub fn decode(bytes: &[u8], key: &[u8; 32]) -> Option<Runbook> {
    super::image_body::decode(body(bytes, key)?)
}

/// The image at `path` for `key`, read for identity `id` alone: the
/// runbook with that identity as its only one, or the whole runbook when
/// the image has no such identity (so that the question can say which ids
/// are near); `None` when absent or unusable. `buffer` holds the image's
/// bytes meanwhile.
pub fn read_one(path: &Path, key: &[u8; 32], id: &str, buffer: &mut Vec<u8>) -> Option<Runbook> {
    crate::fsio::read_into(path, MAX_IMAGE_BYTES, buffer).ok()?;
    let body = body(buffer, key)?;
    match super::image_body::decode_one(body, id)? {
        Some(runbook) => Some(runbook),
        None => super::image_body::decode(body),
    }
}

/// Reads the image at `path` for `key`; `None` when absent or unusable.
/// `buffer` holds the image's bytes meanwhile.
pub fn read(path: &Path, key: &[u8; 32], buffer: &mut Vec<u8>) -> Option<Runbook> {
    crate::fsio::read_into(path, MAX_IMAGE_BYTES, buffer).ok()?;
    decode(buffer, key)
}

/// Writes the image of `runbook` at `path`, creating its folder (mode
/// 0700) when missing.
pub fn write(path: &Path, runbook: &Runbook, key: &[u8; 32]) -> std::io::Result<()> {
    let bytes = encode(runbook, key).ok_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::InvalidData, "cannot encode the runbook")
    })?;
    let dir = crate::fsio::folder(path);
    if !dir.exists() {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
    }
    crate::fsio::write_atomically(path, &bytes)
}
