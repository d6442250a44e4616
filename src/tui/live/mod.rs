//! The live console (`andon console`, a drill, a resumed or shared
//! incident): its model, `update`, keys, views and event loop. What it
//! shares with the replay (the chrome, the terminal and its event loop, the
//! clock, notifications) is one level up, in `tui`.

pub mod drill;
mod keys;
pub mod model;
pub mod msg;
pub mod resume;
pub mod run;
pub mod search;
pub mod session;
pub mod shared;
pub mod steps;
pub mod update;
pub mod views;
