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

/// A character never emitted as it is: control characters (newline and
/// tab included: a caller that keeps lines lets them through), DEL, C1
/// controls, and the bidirectional marks, overrides and isolates.
pub fn unsafe_to_show(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` as it may reach a terminal or a CI log: the text andon prints is
/// its own, the values in it come from runbooks, scenarios and logs that a
/// pull request or a vendor wrote. Control characters (but newline and
/// tab), DEL, C1 controls and the bidirectional overrides and isolates
/// are shown escaped (`\u{1b}`), never emitted: no OSC 52 clipboard write,
/// no OSC 8 link, no `ESC[2J`, no `\r` overwriting a line, no U+202E
/// reversing it. A line that would start a GitHub or Azure workflow
/// command (`::error`, `##[`) has its first character escaped.
pub fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    let risky = |c: char| c != '\n' && c != '\t' && unsafe_to_show(c);
    let command = |line: &str| line.starts_with("::") || line.starts_with("##[");
    if !text.chars().any(risky) && !text.split('\n').any(command) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let mut chars = line.chars();
        if command(line)
            && let Some(first) = chars.next()
        {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(first)));
        }
        for c in chars {
            if risky(c) {
                out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
            } else {
                out.push(c);
            }
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The texts decoded so far by one [`interning`]: a checksummed image of
/// the user's own cache, hashed with FxHash (rustc-hash, the compiler's
/// own non-keyed hash), SipHash being a third of the decode.
type Interned = std::collections::HashSet<Arc<str>, rustc_hash::FxBuildHasher>;

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

#[cfg(test)]
mod tests {
    use super::visible;

    #[test]
    fn control_and_bidi_characters_are_shown_never_emitted() {
        assert_eq!(
            visible("plain text\nline two\ttab"),
            "plain text\nline two\ttab"
        );
        assert_eq!(
            visible("Alice \u{1b}]52;c;aGk=\u{7}\u{202e}Martin\r"),
            "Alice \\u{1b}]52;c;aGk=\\u{7}\\u{202e}Martin\\u{d}"
        );
        assert_eq!(visible("\u{9b}2J \u{7f}"), "\\u{9b}2J \\u{7f}");
    }

    #[test]
    fn a_line_that_would_be_a_workflow_command_is_defused() {
        assert_eq!(
            visible("name\n::add-mask::x\n##[error]y\nok :: fine"),
            "name\n\\u{3a}:add-mask::x\n\\u{23}#[error]y\nok :: fine"
        );
    }
}
