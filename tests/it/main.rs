//! The one integration test binary: the real `andon` binary driven through a
//! small builder, split by topic.

mod docs;
mod harness;
mod hostile;
mod loading;
mod shipped;
mod who;
