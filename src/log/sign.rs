//! Anchors for a log a hash chain alone cannot protect: a chain shows an
//! edit inside it, but not a log cut at a line boundary, cut to nothing,
//! or rewritten and re-hashed from its first line. Two anchors close that:
//!
//! - **A signed head.** The console, given a key (`--sign-key FILE`),
//!   appends a `signed` event after every [`SIGN_EVERY`] events and after
//!   `closed`: an ed25519 signature of the head before it. The signed
//!   message is the ASCII text `andon-log-head v1 seq=SEQ hash=HASH`
//!   ([`head_message`]), SEQ in decimal and HASH the line's 64 lowercase
//!   hex digits. Whoever rewrites the log without the private key cannot
//!   sign the new heads (`log verify --key PUB`).
//! - **A written-down head** (`log verify --head SEQ:HASH`): the `seq` and
//!   `hash` printed at close and in the incident report; a later copy must
//!   still hold that line with that hash.
//!
//! Key files are two lines of text: `andon-log-key ed25519 private` (or
//! `public`) and the 32 bytes of the key in lowercase hex.

use super::event::{Body, Signed};
use super::story::{Finding, Weight};
use super::{Entry, Event};
use chrono::{DateTime, FixedOffset};
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// How many events a signing console writes between two signatures (and
/// it signs after `closed`): at most this many events of a session killed
/// before it could sign are not vouched for by the key.
pub const SIGN_EVERY: u64 = 20;

const PRIVATE: &str = "andon-log-key ed25519 private";
const PUBLIC: &str = "andon-log-key ed25519 public";
/// A key file is two short lines.
const MAX_KEY_BYTES: u64 = 4096;

/// Why a key could not be made or read.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot {action} `{path}`: {cause}")]
    Io {
        action: &'static str,
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("`{path}` is not an andon {what} key: {why}")]
    Format {
        path: PathBuf,
        what: &'static str,
        why: String,
    },
    #[error(
        "`{path}` can be read by others (mode {mode:o}): a private key must be mode 0600 (`chmod 600` it)"
    )]
    Open { path: PathBuf, mode: u32 },
    #[error("no random bytes from the operating system for a new key: {0}")]
    Random(String),
}

/// The private key a console signs its log's head with.
pub struct Signer {
    key: SigningKey,
    id: String,
}

impl std::fmt::Debug for Signer {
    /// The key's public half only: a private key is never printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Signer({})", self.id)
    }
}

/// The public key an auditor checks a log's signatures with.
#[derive(Debug, Clone)]
pub struct PublicKey {
    key: VerifyingKey,
    id: String,
}

impl Signer {
    /// Reads the private key file `path` (mode 0600, as `andon log keygen`
    /// writes it; one others can read is refused).
    pub fn read(path: &Path) -> Result<Signer, KeyError> {
        use std::os::unix::fs::PermissionsExt;
        let io = |action, cause| KeyError::Io {
            action,
            path: path.to_path_buf(),
            cause,
        };
        let mode = std::fs::metadata(path)
            .map_err(|e| io("read", e))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            return Err(KeyError::Open {
                path: path.to_path_buf(),
                mode: mode & 0o777,
            });
        }
        let seed = read_key(path, PRIVATE, "private")?;
        let key = SigningKey::from_bytes(&seed);
        let id = key_id(&key.verifying_key());
        Ok(Signer { key, id })
    }

    /// `ed25519:` and the public key in hex.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The `signed` event of the head `seq`, `hash` (the line it follows).
    pub fn sign(&self, at: DateTime<FixedOffset>, seq: u64, hash: &str) -> Event {
        let signature = self.key.sign(head_message(seq, hash).as_bytes());
        Event::new(
            at,
            Signed {
                head_seq: seq,
                head_hash: hash.to_owned(),
                key: self.id.clone(),
                signature: hex(&signature.to_bytes()),
            },
        )
    }
}

impl PublicKey {
    /// Reads the public key file `path` (`KEY.pub` of `andon log keygen`).
    pub fn read(path: &Path) -> Result<PublicKey, KeyError> {
        let bytes = read_key(path, PUBLIC, "public")?;
        let key = VerifyingKey::from_bytes(&bytes).map_err(|_| KeyError::Format {
            path: path.to_path_buf(),
            what: "public",
            why: "the 32 bytes are not an ed25519 public key".to_owned(),
        })?;
        Ok(PublicKey {
            id: key_id(&key),
            key,
        })
    }

    /// `ed25519:` and the key in hex, as `signed` events name it.
    pub fn id(&self) -> &str {
        &self.id
    }
}

/// Makes a key pair: the private key in `path` and the public one in
/// `path.pub`, each a new file (mode 0600, never through a link; an
/// existing file is refused). Returns the public key's path and id.
pub fn keygen(path: &Path) -> Result<(PathBuf, String), KeyError> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| KeyError::Random(e.to_string()))?;
    let key = SigningKey::from_bytes(&seed);
    let public = {
        let mut name = path.as_os_str().to_owned();
        name.push(".pub");
        PathBuf::from(name)
    };
    let id = key_id(&key.verifying_key());
    // Both names checked first, so that a refusal leaves neither file.
    for p in [path, public.as_path()] {
        if std::fs::symlink_metadata(p).is_ok() {
            return Err(KeyError::Io {
                action: "create",
                path: p.to_path_buf(),
                cause: std::io::Error::from(std::io::ErrorKind::AlreadyExists),
            });
        }
    }
    write_new(path, &format!("{PRIVATE}\n{}\n", hex(&seed)))?;
    write_new(
        &public,
        &format!("{PUBLIC}\n{}\n", hex(key.verifying_key().as_bytes())),
    )?;
    Ok((public, id))
}

fn write_new(path: &Path, text: &str) -> Result<(), KeyError> {
    use std::io::Write;
    crate::fsio::create_new(path)
        .and_then(|mut f| f.write_all(text.as_bytes()).and_then(|()| f.sync_all()))
        .and_then(|()| crate::fsio::sync_folder(path))
        .map_err(|cause| KeyError::Io {
            action: "create",
            path: path.to_path_buf(),
            cause,
        })
}

/// The text whose signature a `signed` event holds.
pub fn head_message(seq: u64, hash: &str) -> String {
    format!("andon-log-head v1 seq={seq} hash={hash}")
}

fn key_id(key: &VerifyingKey) -> String {
    format!("ed25519:{}", hex(key.as_bytes()))
}

fn read_key(path: &Path, first: &str, what: &'static str) -> Result<[u8; 32], KeyError> {
    let text = crate::fsio::read_to_string(path, MAX_KEY_BYTES).map_err(|cause| KeyError::Io {
        action: "read",
        path: path.to_path_buf(),
        cause,
    })?;
    let format = |why: &str| KeyError::Format {
        path: path.to_path_buf(),
        what,
        why: why.to_owned(),
    };
    let mut lines = text.lines();
    if lines.next() != Some(first) {
        return Err(format(&format!("its first line is not `{first}`")));
    }
    let bytes = lines
        .next()
        .and_then(|l| unhex::<32>(l.trim()))
        .ok_or_else(|| format("its second line is not 64 hex digits"))?;
    Ok(bytes)
}

fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

fn unhex<const N: usize>(text: &str) -> Option<[u8; N]> {
    if text.len() != N * 2 {
        return None;
    }
    let mut out = [0u8; N];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(text.get(i * 2..i * 2 + 2)?, 16).ok()?;
    }
    Some(out)
}

/// What `log verify --key` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signatures {
    /// Signatures that verify with the key and name the line before them.
    pub good: usize,
    /// The `seq` of the last head a good signature covers.
    pub covered: Option<u64>,
    /// Events after the last good signature (its own line aside): the key
    /// does not vouch for them, as (first seq, last seq).
    pub unsigned: Option<(u64, u64)>,
    /// A signature that does not verify, by another key, or of another
    /// head; each an error.
    pub findings: Vec<Finding>,
}

impl Signatures {
    /// Whether the key vouches for the whole log.
    pub fn hold(&self) -> bool {
        self.findings.is_empty() && self.good > 0 && self.unsigned.is_none()
    }
}

/// Checks every `signed` event of `events` (an intact chain) with `key`.
pub fn check(events: &[Entry], key: &PublicKey) -> Signatures {
    let mut found = Signatures {
        good: 0,
        covered: None,
        unsigned: None,
        findings: Vec::new(),
    };
    let mut last_good_line: Option<usize> = None;
    for (i, e) in events.iter().enumerate() {
        let Body::Signed(s) = &e.event.body else {
            continue;
        };
        let error = |text: String| Finding {
            line: e.line,
            seq: e.seq,
            weight: Weight::Error,
            text,
        };
        let before = i.checked_sub(1).and_then(|j| events.get(j));
        if before.is_none_or(|b| b.seq != s.head_seq || b.hash != s.head_hash) {
            found.findings.push(error(format!(
                "the signature is of head seq {}, not of the line before it",
                s.head_seq
            )));
            continue;
        }
        if s.key != key.id {
            found.findings.push(error(format!(
                "signed with another key ({}), not {}",
                super::story::one_line(&s.key),
                key.id
            )));
            continue;
        }
        let good = unhex::<64>(&s.signature)
            .map(|b| Signature::from_bytes(&b))
            .is_some_and(|sig| {
                (key.key)
                    .verify_strict(head_message(s.head_seq, &s.head_hash).as_bytes(), &sig)
                    .is_ok()
            });
        if !good {
            found.findings.push(error(format!(
                "the signature of head seq {} does not verify with {}: the log was rewritten by someone without the private key",
                s.head_seq, key.id
            )));
            continue;
        }
        found.good += 1;
        found.covered = Some(s.head_seq);
        last_good_line = Some(i);
    }
    let after = last_good_line.map_or(0, |i| i + 1);
    if let (Some(first), Some(last)) = (events.get(after), events.last()) {
        found.unsigned = Some((first.seq, last.seq));
    }
    found
}

/// `SEQ:HASH`, as `log verify` and the console print a head.
pub fn parse_head(text: &str) -> Result<(u64, String), String> {
    let why = || {
        format!(
            "`{}` is not a head: give SEQ:HASH, as `andon log verify` prints it (`42:` and 64 hex digits)",
            super::story::one_line(text)
        )
    };
    let (seq, hash) = text.split_once(':').ok_or_else(why)?;
    let seq: u64 = seq.trim().parse().map_err(|_| why())?;
    let hash = hash.trim().to_ascii_lowercase();
    if unhex::<32>(&hash).is_none() {
        return Err(why());
    }
    Ok((seq, hash))
}

/// What the log says at the written-down head `seq`, `hash`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AtHead {
    /// The line is there with that hash; so many events follow it.
    Holds { after: u64 },
    /// The log ends before it, at this `seq` (0: empty): it was cut.
    Missing { last: u64 },
    /// The line is there with another hash: the log was rewritten.
    Differs { line: usize, hash: String },
}

/// Checks `events` (an intact chain) against the head `seq`, `hash`.
pub fn check_head(events: &[Entry], seq: u64, hash: &str) -> AtHead {
    match events.iter().position(|e| e.seq == seq) {
        Some(i) if events[i].hash == hash => AtHead::Holds {
            after: (events.len() - i - 1) as u64,
        },
        Some(i) => AtHead::Differs {
            line: events[i].line,
            hash: events[i].hash.clone(),
        },
        None => AtHead::Missing {
            last: events.last().map_or(0, |e| e.seq),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "3f1c0000000000000000000000000000000000000000000000000000000000aa";

    #[test]
    fn a_head_is_seq_colon_hash_as_verify_prints_it() {
        assert_eq!(parse_head(&format!("42:{HASH}")), Ok((42, HASH.to_owned())));
        let upper = format!(" 42 : {} ", HASH.to_ascii_uppercase());
        assert_eq!(parse_head(&upper), Ok((42, HASH.to_owned())));
        for bad in [
            "42",
            "42:abc",
            &format!("-1:{HASH}"),
            &format!("x:{HASH}"),
            "",
        ] {
            let err = parse_head(bad).unwrap_err();
            assert!(err.contains("is not a head: give SEQ:HASH"), "{bad}: {err}");
        }
        // A value from the command line is shown escaped.
        let err = parse_head("\u{1b}[2J").unwrap_err();
        assert!(!err.contains('\u{1b}'), "{err}");
    }

    #[test]
    fn the_signed_message_is_fixed() {
        assert_eq!(
            head_message(7, HASH),
            format!("andon-log-head v1 seq=7 hash={HASH}")
        );
    }

    #[test]
    fn a_key_file_must_be_ours() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.pub");
        for (text, why) in [
            ("ssh-ed25519 AAAA\n", "its first line is not"),
            (
                &format!("{PUBLIC}\nzz\n") as &str,
                "its second line is not 64 hex digits",
            ),
        ] {
            std::fs::write(&path, text).unwrap();
            let err = PublicKey::read(&path).unwrap_err().to_string();
            assert!(err.contains(why), "{err}");
        }
    }
}
