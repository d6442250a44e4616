//! The terminal console (`andon console`): a live incident, a drill or a
//! replay on one screen. Views are pure functions of [`model::Model`]; every
//! change goes through [`update::update`], which returns the effects (log
//! appends, bell, notifications) for the event loop to carry out.

pub mod notify;
