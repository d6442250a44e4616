//! Shared text: the loader gives every distinct string of a runbook one
//! allocation, however often it appears.
//!
//! A 100,000-identity plant names the same systems, states, roles and
//! purposes over and over; sharing them keeps a loaded plant small (see the
//! `load` benchmark). Cloning a [`Text`] copies a pointer.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Text(Arc<str>);

impl Text {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Text {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text(Arc::from(s))
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text(Arc::from(s))
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl serde::Serialize for Text {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// The texts decoded so far by one [`interning`]: a checksummed image of
/// the user's own cache, hashed with a fast non-keyed hash (FxHash's
/// multiply-rotate), SipHash being a third of the decode.
type Interned = std::collections::HashSet<Arc<str>, std::hash::BuildHasherDefault<Fx>>;

#[derive(Default)]
struct Fx(u64);

impl Fx {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl std::hash::Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }
    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

thread_local! {
    /// The texts decoded so far by [`interning`] on this thread.
    static INTERNED: std::cell::RefCell<Option<Interned>> =
        const { std::cell::RefCell::new(None) };
}

/// Runs `f` with equal texts decoded inside it sharing one allocation, as
/// the loader's do (a compiled runbook image is decoded so).
pub fn interning<R>(f: impl FnOnce() -> R) -> R {
    struct Done;
    impl Drop for Done {
        fn drop(&mut self) {
            INTERNED.with(|t| *t.borrow_mut() = None);
        }
    }
    INTERNED.with(|t| *t.borrow_mut() = Some(Interned::default()));
    let _done = Done;
    f()
}

impl Text {
    /// `s` as the shared text of [`interning`] when inside it, else a copy.
    fn interned(s: &str) -> Text {
        INTERNED.with(|t| match &mut *t.borrow_mut() {
            Some(set) => match set.get(s) {
                Some(shared) => Text(shared.clone()),
                None => {
                    let shared: Arc<str> = Arc::from(s);
                    set.insert(shared.clone());
                    Text(shared)
                }
            },
            None => Text::from(s),
        })
    }
}

impl<'de> serde::Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Text, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Text, E> {
                Ok(Text::interned(s))
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}
