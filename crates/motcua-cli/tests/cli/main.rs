//! The `motcua` command's tests as one binary: the built binary run end to end (`commands`,
//! `durability`), and the few pure parts of the command line called directly. Run one module with
//! `cargo test -p motcua-cli --test cli -- durability::`.

mod bench_load;
mod calendar;
mod commands;
mod durability;
mod exchange;
mod settings;
