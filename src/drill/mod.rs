//! Drills: runs of a scenario against the runbook it names.
//!
//! - [`check`]: static readiness; with no responses, can the runbook meet
//!   each expectation at all?
//! - [`Drill`]: the drill state machine on a clock it is given (injects,
//!   unavailability, decisions judged as they are taken, state changes),
//!   for `andon drill run` and the console's drill mode; [`play`] runs a
//!   whole responses file through it.
//! - [`judge`]: how a decision, an expectation and an objective are judged
//!   (the statuses and the HSEEP ratings).
//! - [`record`]: a drill as decision-log events.
//! - [`report`]: the after-action report, as Markdown (with a Mermaid
//!   picture and a plain-text timeline) and JSON.
//!
//! Nothing here reads the clock or touches files.

pub mod check;
pub mod judge;
mod markdown;
mod notes;
mod picture;
pub mod record;
pub mod report;
pub mod run;

pub use check::{Check, Engaged, Readiness, Report, check};
pub use judge::{Act, Judged, Judgement, Named, ObjectiveRating, Rating, Score, Status};
pub use record::LogSource;
pub use report::AfterAction;
pub use run::{Drill, DrillError, Entry, Finished, play};

#[cfg(test)]
mod tests;
