//! The body of a compiled runbook image: everything but the identities in
//! one postcard section, then the identities each encoded on its own, with
//! a table of where each ends and a lookup of their ids, so that a question
//! about one identity (`andon who`) decodes the plant's small sections and
//! that identity alone.
//!
//! | bytes | what |
//! |---|---|
//! | 8 | the length of the head, little-endian |
//! | n | the head: the runbook but its identities (postcard) |
//! | 8 | the number of identities `count` |
//! | 8 × count | where each identity's bytes end, from the start of the identities |
//! | 12 × count | the lookup: each identity's id hash (8 bytes) and position (4), sorted |
//! | rest | the identities, each postcard on its own, in runbook order |
//!
//! Decoding checks every length against the bytes there are: a damaged body
//! is `None`, never a panic or a huge allocation (the whole body is also
//! under the image's checksum).

use crate::model::{Identity, Person, Plant, Role, Rule, Runbook, State, System};
use std::hash::{BuildHasher, Hasher as _};
use std::path::PathBuf;

/// The head as written: the runbook's lists by reference.
#[derive(serde::Serialize)]
struct HeadOut<'a> {
    files: &'a [PathBuf],
    content_hash: &'a str,
    version: u32,
    plant: &'a Plant,
    states: &'a [State],
    people: &'a [Person],
    roles: &'a [Role],
    systems: &'a [System],
    rules: &'a [Rule],
}

/// The head as read.
#[derive(serde::Deserialize)]
struct HeadIn {
    files: Vec<PathBuf>,
    content_hash: String,
    version: u32,
    plant: Plant,
    states: Vec<State>,
    people: Vec<Person>,
    roles: Vec<Role>,
    systems: Vec<System>,
    rules: Vec<Rule>,
}

impl HeadIn {
    fn with(self, identities: Vec<Identity>) -> Runbook {
        Runbook {
            files: self.files,
            content_hash: self.content_hash,
            version: self.version,
            plant: self.plant,
            states: self.states,
            people: self.people,
            roles: self.roles,
            systems: self.systems,
            identities,
            rules: self.rules,
            index: crate::model::Index::default(),
        }
    }
}

/// The lookup's hash of an identity id (FxHash: fixed, and the image is
/// only read by the andon version that wrote it).
fn id_hash(id: &str) -> u64 {
    let mut h = rustc_hash::FxBuildHasher.build_hasher();
    h.write(id.as_bytes());
    h.write_u8(0xff);
    h.finish()
}

pub fn encode(runbook: &Runbook) -> Option<Vec<u8>> {
    let head = postcard::to_stdvec(&HeadOut {
        files: &runbook.files,
        content_hash: &runbook.content_hash,
        version: runbook.version,
        plant: &runbook.plant,
        states: &runbook.states,
        people: &runbook.people,
        roles: &runbook.roles,
        systems: &runbook.systems,
        rules: &runbook.rules,
    })
    .ok()?;
    let count = runbook.identities.len();
    let mut identities = Vec::new();
    let mut ends = Vec::with_capacity(count);
    for identity in &runbook.identities {
        identities = postcard::to_extend(identity, identities).ok()?;
        ends.push(identities.len() as u64);
    }
    let mut lookup: Vec<(u64, u32)> = runbook
        .identities
        .iter()
        .enumerate()
        .map(|(i, identity)| Some((id_hash(&identity.id.value), u32::try_from(i).ok()?)))
        .collect::<Option<_>>()?;
    lookup.sort_unstable();
    let mut out = Vec::with_capacity(head.len() + 24 + 20 * count + identities.len());
    out.extend_from_slice(&(head.len() as u64).to_le_bytes());
    out.extend_from_slice(&head);
    out.extend_from_slice(&(count as u64).to_le_bytes());
    for end in ends {
        out.extend_from_slice(&end.to_le_bytes());
    }
    for (hash, i) in lookup {
        out.extend_from_slice(&hash.to_le_bytes());
        out.extend_from_slice(&i.to_le_bytes());
    }
    out.extend_from_slice(&identities);
    Some(out)
}

/// A body cut in its sections, lengths checked.
struct Sections<'a> {
    head: &'a [u8],
    count: usize,
    ends: &'a [u8],
    lookup: &'a [u8],
    identities: &'a [u8],
}

fn u64_at(bytes: &[u8], at: usize) -> Option<u64> {
    let b = bytes.get(at..at.checked_add(8)?)?;
    Some(u64::from_le_bytes(b.try_into().ok()?))
}

impl<'a> Sections<'a> {
    fn cut(body: &'a [u8]) -> Option<Sections<'a>> {
        let head_len = usize::try_from(u64_at(body, 0)?).ok()?;
        let rest = body.get(8..)?;
        let (head, rest) = rest.split_at_checked(head_len)?;
        let count = usize::try_from(u64_at(rest, 0)?).ok()?;
        let rest = rest.get(8..)?;
        let (ends, rest) = rest.split_at_checked(count.checked_mul(8)?)?;
        let (lookup, identities) = rest.split_at_checked(count.checked_mul(12)?)?;
        let sections = Sections {
            head,
            count,
            ends,
            lookup,
            identities,
        };
        // The last identity ends where the body does.
        let last = match count {
            0 => 0,
            n => sections.end(n - 1)?,
        };
        (last == identities.len()).then_some(sections)
    }

    fn end(&self, i: usize) -> Option<usize> {
        usize::try_from(u64_at(self.ends, i.checked_mul(8)?)?).ok()
    }

    /// The bytes of identity `i`.
    fn identity(&self, i: usize) -> Option<&'a [u8]> {
        let from = match i {
            0 => 0,
            _ => self.end(i - 1)?,
        };
        self.identities.get(from..self.end(i)?)
    }

    fn decode_identity(&self, i: usize) -> Option<Identity> {
        let (identity, rest) = postcard::take_from_bytes(self.identity(i)?).ok()?;
        rest.is_empty().then_some(identity)
    }

    fn head(&self) -> Option<HeadIn> {
        let (head, rest) = postcard::take_from_bytes(self.head).ok()?;
        rest.is_empty().then_some(head)
    }

    /// The positions whose id hashes as `id` does.
    fn positions(&self, id: &str) -> Option<Vec<usize>> {
        let hash = id_hash(id);
        let entry = |k: usize| -> Option<(u64, usize)> {
            let at = k.checked_mul(12)?;
            let h = u64_at(self.lookup, at)?;
            let b = self.lookup.get(at + 8..at + 12)?;
            Some((
                h,
                usize::try_from(u32::from_le_bytes(b.try_into().ok()?)).ok()?,
            ))
        };
        // The first entry not below `hash`.
        let (mut lo, mut hi) = (0, self.count);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if entry(mid)?.0 < hash {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        let mut out = Vec::new();
        for k in lo..self.count {
            let (h, i) = entry(k)?;
            if h != hash {
                break;
            }
            out.push(i);
        }
        Some(out)
    }
}

/// Identities a decoding thread takes at least: a plant this small is
/// decoded on one.
const PER_THREAD: usize = 20_000;

/// The whole runbook of a body. A large plant's identities are decoded on
/// every core, in runbook order, each thread sharing its equal texts (as
/// the parser shares them); the head's texts are shared among themselves.
pub fn decode(body: &[u8]) -> Option<Runbook> {
    decode_with(body, PER_THREAD)
}

/// [`decode`], with at least `per_thread` identities a thread.
fn decode_with(body: &[u8], per_thread: usize) -> Option<Runbook> {
    let sections = Sections::cut(body)?;
    let head = crate::model::interning(|| sections.head())?;
    let count = sections.count;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = cores.max(2).min(count / per_thread.max(1)).clamp(1, 8);
    let chunk = count.div_ceil(threads);
    let range = |t: usize| t * chunk..((t + 1) * chunk).min(count);
    let decode_range = |r: std::ops::Range<usize>| {
        crate::model::interning(|| {
            r.map(|i| sections.decode_identity(i))
                .collect::<Option<Vec<_>>>()
        })
    };
    let identities = if threads == 1 {
        decode_range(0..count)?
    } else {
        std::thread::scope(|s| {
            let parts: Vec<_> = (1..threads)
                .map(|t| s.spawn(move || decode_range(range(t))))
                .collect();
            let mut all = decode_range(range(0))?;
            all.reserve(count - all.len());
            for part in parts {
                all.extend(part.join().ok()??);
            }
            Some(all)
        })?
    };
    Some(head.with(identities))
}

/// The runbook of a body with identity `id` as its only identity:
/// `Some(None)` when the body is whole but has no such identity.
pub fn decode_one(body: &[u8], id: &str) -> Option<Option<Runbook>> {
    let sections = Sections::cut(body)?;
    let mut found = None;
    for i in sections.positions(id)? {
        let identity = crate::model::interning(|| sections.decode_identity(i))?;
        if identity.id.value == id {
            found = Some(identity);
            break;
        }
    }
    let Some(identity) = found else {
        return Some(None);
    };
    let head = crate::model::interning(|| sections.head())?;
    Some(Some(head.with(vec![identity])))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(rb: &Runbook) -> String {
        format!(
            "{:?}",
            (
                &rb.files,
                &rb.content_hash,
                &rb.plant,
                &rb.states,
                &rb.people,
                &rb.roles,
                &rb.systems,
                &rb.identities,
                &rb.rules
            )
        )
    }

    #[test]
    fn a_body_decodes_to_its_runbook_on_one_thread_or_many() {
        let runbook = crate::engine::random_plant::runbook(7, 40, 30);
        let body = encode(&runbook).unwrap();
        let expected = facts(&runbook);
        assert_eq!(facts(&decode_with(&body, usize::MAX).unwrap()), expected);
        // Threads of 3, 7 and 40 identities: the same runbook, in order.
        for per_thread in [3, 7, 40] {
            assert_eq!(facts(&decode_with(&body, per_thread).unwrap()), expected);
        }
        for identity in &runbook.identities {
            let one = decode_one(&body, &identity.id.value).unwrap().unwrap();
            assert_eq!(one.identities.len(), 1);
            assert_eq!(format!("{:?}", one.identities[0]), format!("{identity:?}"));
        }
        assert!(decode_one(&body, "id-none").unwrap().is_none());
    }

    #[test]
    fn a_cut_or_damaged_body_is_refused_without_a_panic() {
        let runbook = crate::engine::random_plant::runbook(8, 12, 10);
        let body = encode(&runbook).unwrap();
        for cut in [0, 1, 8, 9, body.len() / 3, body.len() / 2, body.len() - 1] {
            assert!(decode(&body[..cut]).is_none(), "cut at {cut}");
            assert!(decode_one(&body[..cut], "id3").is_none_or(|r| r.is_none()));
        }
        // A count of identities far beyond the bytes.
        let head = usize::try_from(u64::from_le_bytes(body[..8].try_into().unwrap())).unwrap();
        let mut huge = body.clone();
        huge[8 + head..16 + head].copy_from_slice(&u64::MAX.to_le_bytes());
        assert!(decode(&huge).is_none());
        assert!(decode_one(&huge, "id3").is_none());
        // Every single byte flipped in turn: refused or decoded, never a panic.
        for i in 0..body.len() {
            let mut bad = body.clone();
            bad[i] ^= 0x5a;
            let _ = decode(&bad);
            let _ = decode_one(&bad, "id3");
        }
    }
}
