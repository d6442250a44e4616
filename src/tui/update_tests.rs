//! Model tests: messages in, model and effects out, on a manual clock.
