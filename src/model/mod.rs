//! The runbook as plain data: states, people, roles, systems, identities and
//! authority rules, each keeping the span of the YAML node it came from; and
//! the drill scenarios that rehearse it.
//!
//! Nothing here reads files or the clock; `load` builds these values and
//! `engine` answers questions about them.

pub mod clock;
mod responses;
mod runbook;
mod scenario;
mod span;
mod text;
mod vocabulary;

pub use responses::*;
pub use runbook::*;
pub use scenario::*;
pub use span::{FileId, Source, Span, Spanned};
pub use text::{Text, interning, unsafe_to_show, visible};
pub use vocabulary::*;
