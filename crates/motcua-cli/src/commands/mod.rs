//! One module per command. [`run`] loads the settings a command needs and hands it over; a
//! command that needs the database opens it through [`with_db`], which closes it whatever the
//! command returned.

mod admin;
mod assistant;
mod audit;
mod authority;
mod backup;
mod bench;
#[doc(hidden)]
pub mod calendar;
mod demo;
mod exchange;
mod export;
mod import;
mod init;
mod migrate;
mod pki;
mod serve;
mod token;

use crate::args::{Cli, Command};
use crate::settings::{Overrides, Settings};
use crate::setup::{self, Db};
use anyhow::Result;

/// Runs one parsed command line.
pub(crate) fn run(cli: Cli) -> Result<()> {
    let Cli {
        config,
        data_dir,
        database,
        command,
    } = cli;
    // The settings (file, environment, flags), and the log set up from them.
    let load = |port: Option<u16>, listen: Option<String>| -> Result<Settings> {
        let flags = Overrides {
            data_dir: data_dir.clone(),
            database: database.clone(),
            listen,
            port,
        };
        let s = Settings::load(config.as_deref(), &|k| std::env::var(k).ok(), &flags)?;
        init_logging(&s);
        Ok(s)
    };
    match command {
        // The built-in calendar needs no settings and no database.
        Command::Calendar { what } => calendar::run(&what),
        Command::Serve { port, listen } => block_on(serve::run(load(port, listen)?)),
        Command::Demo {
            port,
            listen,
            dossiers,
            no_serve,
        } => block_on(demo::run(load(port, listen)?, dossiers, no_serve)),
        Command::Init => block_on(init::run(load(None, None)?)),
        Command::Migrate => block_on(migrate::run(load(None, None)?)),
        Command::Import { what } => block_on(import::run(load(None, None)?, what)),
        Command::Export { what } => block_on(export::run(load(None, None)?, what)),
        Command::Token { what } => block_on(token::run(load(None, None)?, what)),
        Command::Admin { what } => block_on(admin::run(load(None, None)?, what)),
        Command::Authority { what } => authority::run(load(None, None)?, what),
        Command::Audit { what } => block_on(audit::run(load(None, None)?, what)),
        Command::Exchange { what } => block_on(exchange::run(load(None, None)?, what)),
        Command::Pki { what } => pki::pki(&load(None, None)?, &what),
        Command::Sign {
            input,
            agency,
            out,
            reason,
        } => pki::sign(&load(None, None)?, &input, &agency, &out, &reason),
        Command::Verify { file, json } => pki::verify(&load(None, None)?, &file, json),
        Command::Backup { to } => block_on(backup::run_backup(load(None, None)?, to)),
        Command::Restore { file, force } => {
            block_on(backup::run_restore(load(None, None)?, file, force))
        }
        Command::Assistant { what } => assistant::run(load(None, None)?, what),
        Command::Bench { what } => bench::run(load(None, None)?, what),
    }
}

fn init_logging(s: &Settings) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("MOTCUA_LOG")
        .unwrap_or_else(|_| "info,sqlx=warn".into());
    let b = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if s.log_format == "json" {
        b.json().init();
    } else {
        b.init();
    }
}

/// Runs an asynchronous command on a new multi-threaded runtime.
fn block_on<T>(f: impl Future<Output = Result<T>>) -> Result<T> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(f)
}

/// Opens the database (`serving`: with the pool a server needs), runs `f` on it and closes it,
/// whatever `f` returned.
async fn with_db<T>(
    s: &Settings,
    serving: bool,
    f: impl AsyncFnOnce(&Db) -> Result<T>,
) -> Result<T> {
    let db = setup::open_store(s, serving).await?;
    let r = f(&db).await;
    db.close().await;
    r
}

/// Opens the database and the application over it, runs `f` and closes the database.
async fn with_app<T>(
    s: &Settings,
    f: impl AsyncFnOnce(&motcua_app::App) -> Result<T>,
) -> Result<T> {
    with_db(s, false, async |db| {
        let app = setup::open_app(s, db.store()).await?;
        f(&app).await
    })
    .await
}

/// The store's errors as the command line's.
fn app_err(e: motcua_app::AppError) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}
