//! The terminal console (`andon console`): a live incident on one screen.
//! Views are pure functions of [`model::Model`]; every change goes through
//! [`update::update`], which returns the effects (log appends, bell,
//! notifications, the report) for the event loop in [`run`] to carry out.

pub mod chrome;
pub mod clock;
pub mod drill;
mod keys;
pub mod model;
pub mod msg;
pub mod notify;
pub mod replay;
pub mod resume;
pub mod run;
pub mod search;
pub mod session;
pub mod shared;
pub mod steps;
pub mod terminal;
#[cfg(test)]
pub(crate) mod testing;
pub mod update;
pub mod views;

pub use clock::{Clock, ManualClock, ShiftedClock, SystemClock};
pub use model::Model;
pub use update::{Effect, Msg, update};
