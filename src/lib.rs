//! andon: who may pull which cord.
//!
//! A runbook (YAML) says who may pause, revoke, override, disconnect, rotate
//! or constrain each machine identity of a plant, in each production state,
//! in what escalation order. This crate loads runbooks ([`load`]), resolves
//! who decides ([`engine`]) and drives the command line ([`cli`]).

pub mod cli;
pub mod diagnostics;
pub mod drill;
pub mod engine;
pub mod fsio;
pub mod import;
pub mod lint;
pub mod load;
pub mod log;
pub mod model;
pub mod share;
pub mod tui;
