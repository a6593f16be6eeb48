//! The documents crate's tests as one binary: forms rendered, signatures made and verified.

mod forms;
mod signatures;
