//! The replay console (`andon replay LOG`): a decision log opened read-only
//! on its own timeline. Step, seek and play through its events and see, at
//! each moment, the production state, who was unavailable, the open
//! decisions with their frozen chains and the level reached, the decisions
//! taken, and with `--against` where another runbook answers differently.
//!
//! The same shape as the live console: the moments come from
//! [`crate::log::replay`], views are pure functions of [`model::Model`],
//! every change goes through [`update::update`], and [`run`] merges keys,
//! the player's timer and signals in one tokio task.

pub mod model;
pub mod run;
pub mod update;
pub mod view;

#[cfg(test)]
mod tests;

pub use model::{Against, Integrity, Model};
pub use update::{Effect, Msg, update};
