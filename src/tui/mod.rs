//! The terminal consoles: the live console ([`live`]: `andon console`, a
//! drill, a resumed or shared incident) and the replay of a log
//! ([`replay`]), siblings drawn with one [`chrome`] in one [`terminal`]
//! and its event loop. In the live console views are pure functions of
//! [`live::model::Model`]; every change goes through
//! [`live::update::update`], which returns the effects (log appends, bell,
//! notifications, the report) for the event loop in [`live::run`] to carry
//! out.

pub mod chrome;
pub mod clock;
pub mod live;
pub mod notify;
pub mod replay;
pub mod terminal;
#[cfg(test)]
pub(crate) mod testing;

pub use clock::{Clock, ManualClock, ShiftedClock, SystemClock};
pub use live::model::Model;
pub use live::update::{Effect, Msg, update};
