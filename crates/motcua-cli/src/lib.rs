//! The `motcua` command as a library: the only place where the store, the use cases and the web
//! layer are wired together. `src/main.rs` calls [`main`]; the crate's tests (`tests/cli/`) run
//! the built binary and call the few pure parts below directly.
//!
//! Each command is one module of `commands/`; its arguments are in `args.rs`.

mod anchor;
mod args;
#[doc(hidden)]
pub mod bench;
#[doc(hidden)]
pub mod commands;
mod demo;
#[doc(hidden)]
pub mod portal;
mod scenario;
mod server;
#[doc(hidden)]
pub mod settings;
mod setup;

/// Runs the command line: parses the arguments and runs the command.
pub fn main() -> anyhow::Result<()> {
    use clap::Parser;
    // Every file motcua writes — the database and its WAL, backups, keys, the audit anchor —
    // holds personal data or secrets: readable by the owner only (issue #29).
    setup::private_files();
    commands::run(args::Cli::parse())
}
