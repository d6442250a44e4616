//! The one integration test binary: the real `andon` binary driven through a
//! small builder, split by topic.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers stop at their first failure"
)]

mod cache;
mod ci_files;
mod console;
mod console_signals;
mod coverage;
mod diff;
mod docs;
mod drill;
mod drill_run;
mod examples_bad;
mod explain;
mod harness;
mod hostile;
mod hostile_log;
mod import;
mod init;
mod json_output;
mod layers;
mod lint_gitlab;
mod lint_output;
mod loading;
mod log;
mod mutants;
mod mutate;
mod notify;
mod oncall;
mod replay;
mod report;
mod schema;
mod shared;
mod shared_console;
mod shipped;
mod signed_log;
mod tmux;
mod toolchain;
mod who;
