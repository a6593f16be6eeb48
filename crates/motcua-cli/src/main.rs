//! # motcua
//!
//! The one binary: `serve`, `demo`, `init`, `migrate`, `import`, `export`, `token`, `audit`,
//! `calendar`, `pki`, `sign`, `verify`. This is the only place where the store, the use cases and the web layer are wired
//! together.

/// mimalloc instead of the system allocator: a request allocates and frees many small
/// buffers on two or more threads, where glibc's malloc spent about a tenth of the server's CPU
/// at the benchmark's peak (`perf`, docs/BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod anchor;
mod assistant_cmd;
mod authority_cmd;
mod backup;
mod bench;
mod calendar_cmd;
mod demo;
mod pki_cmd;
mod scenario;
mod server;
mod settings;
mod setup;

use anyhow::{Context, Result, anyhow, bail};
use clap::{Parser, Subcommand};
use motcua_domain::access::Role;
use motcua_domain::ids::AgencyCode;
use settings::{Overrides, Settings};
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Parser, Debug)]
#[command(
    name = "motcua",
    version,
    about = "One-stop administrative procedure system (một cửa)"
)]
struct Cli {
    /// TOML settings file (default: $MOTCUA_CONFIG, else ./motcua.toml if present).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Data directory (database and state).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// Database: a SQLite file (default <data-dir>/motcua.db, also `sqlite://PATH`) or a
    /// `postgres://user@host/db` URL (also $MOTCUA_DATABASE_URL).
    #[arg(long, global = true)]
    database: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the API and pages.
    Serve {
        /// Port.
        #[arg(long)]
        port: Option<u16>,
        /// Address to listen on.
        #[arg(long)]
        listen: Option<String>,
    },
    /// Create a demo database (units, catalogue, Lâm Đồng agencies, dossiers), print tokens, serve.
    Demo {
        /// Port.
        #[arg(long)]
        port: Option<u16>,
        /// Address to listen on.
        #[arg(long)]
        listen: Option<String>,
        /// Number of demo dossiers to generate on a new database.
        #[arg(long, default_value_t = 300)]
        dossiers: usize,
        /// Prepare the database and print the tokens, but do not serve.
        #[arg(long)]
        no_serve: bool,
    },
    /// Create the database and load units, agencies, the seed catalogue and holiday tables.
    Init,
    /// Apply database migrations.
    Migrate,
    /// Import reference data.
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Export reference data.
    Export {
        #[command(subcommand)]
        what: ExportWhat,
    },
    /// Scoped service tokens for integrations (people sign in with accounts).
    Token {
        #[command(subcommand)]
        what: TokenWhat,
    },
    /// Administration: staff accounts.
    Admin {
        #[command(subcommand)]
        what: AdminWhat,
    },
    /// The authority registry (who is competent for what, where).
    Authority {
        #[command(subcommand)]
        what: AuthorityWhat,
    },
    /// Audit log checks.
    Audit {
        #[command(subcommand)]
        what: AuditWhat,
    },
    /// Working-day calendar.
    Calendar {
        #[command(subcommand)]
        what: CalendarWhat,
    },
    /// Keys and certificates for signing documents (under <data-dir>/pki).
    Pki {
        #[command(subcommand)]
        what: PkiWhat,
    },
    /// Sign any PDF as an agency (PAdES, incremental update).
    Sign {
        /// The PDF to sign.
        input: PathBuf,
        /// Agency code, e.g. 24958.TTPVHCC.
        #[arg(long)]
        agency: String,
        /// Where to write the signed PDF.
        #[arg(long)]
        out: PathBuf,
        /// `/Reason` of the signature.
        #[arg(long, default_value = "Ký số văn bản")]
        reason: String,
    },
    /// Copy the SQLite database, online and consistent under load, to a new file (checked:
    /// integrity and every hash chain). PostgreSQL: pg_dump (docs/OPERATIONS.md).
    Backup {
        /// The new file.
        #[arg(long)]
        to: PathBuf,
    },
    /// Replace the SQLite database with a backup, after checking it. Stop the server first.
    Restore {
        /// The backup file.
        file: PathBuf,
        /// Replace an existing database (kept beside it as *.before-restore).
        #[arg(long)]
        force: bool,
    },
    /// The virtual assistant: its evaluation set, or one question.
    Assistant {
        #[command(subcommand)]
        what: AssistantWhat,
    },
    /// Benchmarks.
    Bench {
        #[command(subcommand)]
        what: BenchWhat,
    },
    /// Verify a signed PDF against the deployment's trust anchors: exit 0 with a summary when
    /// valid and trusted, non-zero with the reason otherwise.
    Verify {
        /// The PDF.
        file: PathBuf,
        /// Print the full report as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
enum BenchWhat {
    /// Load a national data set into the database (--database sqlite://… or postgres://…):
    /// dossiers over all communes and two years, full histories, every state.
    Seed {
        /// Number of dossiers.
        #[arg(long)]
        dossiers: usize,
        /// Dossiers per bulk transaction.
        #[arg(long, default_value_t = 10_000)]
        batch: usize,
        /// Random seed.
        #[arg(long, default_value_t = 766)]
        seed: u64,
    },
    /// A mixed workload through the HTTP API of a running server (loopback only), then the same
    /// mix's database statements directly (--database, the server's database); prints
    /// throughput, p50/p95/p99 per operation and ratio = API ÷ baseline.
    Run {
        /// The server, e.g. http://127.0.0.1:8080.
        #[arg(long)]
        url: String,
        #[command(flatten)]
        load: LoadArgs,
        /// Skip the baseline.
        #[arg(long)]
        no_baseline: bool,
        /// The server's process id, to report its memory.
        #[arg(long)]
        server_pid: Option<u32>,
    },
    /// The monitoring reads (indicators and 766 index of random provinces, communes, agencies
    /// and periods) through the HTTP API of a running server (loopback only; --database, the
    /// server's database, for the tokens); prints p50/p95/p99 per report.
    Dashboard {
        /// The server, e.g. http://127.0.0.1:8080.
        #[arg(long)]
        url: String,
        /// Seconds (at most 600).
        #[arg(long, default_value_t = 30)]
        duration: u64,
        /// Concurrent readers (1–64).
        #[arg(long, default_value_t = 4)]
        concurrency: usize,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// The mix's database statements alone, through the store (--database).
    Baseline {
        #[command(flatten)]
        load: LoadArgs,
    },
    /// The CPU cost of verifying hostile PDFs (thousands of `/ByteRange`s, hex blobs) of SIZE
    /// megabytes each, the upload limit by default (issue #29).
    Verify {
        /// File size in megabytes.
        #[arg(long, default_value_t = 5)]
        size_mb: usize,
        /// Runs of each file (the median is reported).
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
    /// Search and assistant latency on the seed catalogue and a generated catalogue of
    /// PROCEDURES (the evaluation questions, ROUNDS times each; no server, no database).
    Search {
        /// Size of the generated catalogue.
        #[arg(long, default_value_t = 6000)]
        procedures: usize,
        /// Rounds over the evaluation questions.
        #[arg(long, default_value_t = 20)]
        rounds: usize,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Render and sign a receipt (form 01) COUNT times; print p50/p95/p99 of render, sign, both.
    Documents {
        /// Measured iterations.
        #[arg(long, default_value_t = 300)]
        count: usize,
        /// Unmeasured iterations first.
        #[arg(long, default_value_t = 20)]
        warmup: usize,
    },
}

#[derive(Subcommand, Debug)]
enum AssistantWhat {
    /// Run the evaluation set (top-1, top-3, latency, grounding) against the seed catalogue;
    /// exit 1 when a target is missed.
    Eval {
        /// An evaluation file of the same shape as data/search/eval.toml (default: that file).
        #[arg(long)]
        file: Option<PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Ask one question (the database's catalogue and units).
    Ask {
        /// The question.
        question: String,
        /// The applicant's commune (2025 code).
        #[arg(long)]
        commune: Option<String>,
        /// Or the applicant's address (old or new).
        #[arg(long)]
        address: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(clap::Args, Debug, Clone)]
struct LoadArgs {
    /// Seconds per phase (at most 600).
    #[arg(long, default_value_t = 30)]
    duration: u64,
    /// Concurrent workers (at most 512).
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
    /// Total operations per second, paced (default: as fast as possible).
    #[arg(long)]
    rate: Option<f64>,
    /// Seconds of load before each phase's measurement starts (at most 60): connections,
    /// caches and prepared statements warm up unmeasured.
    #[arg(long, default_value_t = 0)]
    warmup: u64,
    /// Communes the workers play (one counter and People's Committee each).
    #[arg(long, default_value_t = 64)]
    sites: usize,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

impl LoadArgs {
    fn run_args(
        &self,
        url: Option<String>,
        no_baseline: bool,
        server_pid: Option<u32>,
    ) -> bench::RunArgs {
        bench::RunArgs {
            url,
            duration: std::time::Duration::from_secs(self.duration),
            concurrency: self.concurrency,
            rate: self.rate,
            warmup: std::time::Duration::from_secs(self.warmup),
            sites: self.sites,
            no_baseline,
            server_pid,
            json: self.json,
        }
    }
}

#[derive(Subcommand, Debug)]
enum PkiWhat {
    /// Create the deployment's local root CA (for tests, demos and local deployments). Without a
    /// configured passphrase, one is generated into <data-dir>/pki/passphrase (mode 0600).
    Init {
        /// A name for the deployment, shown in the CA's name.
        #[arg(long, default_value = "motcua")]
        name: String,
    },
    /// Issue an agency signing certificate from the local CA.
    Issue {
        /// Agency code, e.g. 24958.TTPVHCC.
        #[arg(long)]
        agency: String,
    },
    /// Import an agency's certificate and key from PKCS#12 (issued by the government CA). The
    /// PKCS#12 password is read from the environment variable named by --password-env.
    Import {
        /// Agency code.
        #[arg(long)]
        agency: String,
        /// The .p12/.pfx file.
        #[arg(long)]
        p12: PathBuf,
        /// Environment variable holding the PKCS#12 password.
        #[arg(long, default_value = "MOTCUA_P12_PASSWORD")]
        password_env: String,
    },
    /// Trust a CA certificate (PEM), e.g. the government CA's root.
    Trust {
        /// PEM file.
        file: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
enum ImportWhat {
    /// Reload units from a directory holding provinces_2025.csv, communes_2025.csv, mapping_2025.csv
    /// (default: the shipped files).
    Units {
        /// Directory.
        dir: Option<PathBuf>,
    },
    /// Import procedures from a JSON array (or a .csv list); changed records become new versions.
    Procedures {
        /// File.
        file: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
enum ExportWhat {
    /// Write the current catalogue as JSON.
    Procedures {
        /// Output file (default stdout).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
enum TokenWhat {
    /// Create a staff token scoped to an agency and role; prints the secret once.
    Create {
        /// Agency code, e.g. 24958.TTPVHCC.
        #[arg(long)]
        agency: String,
        /// counter_officer, specialist, approver, leader or admin.
        #[arg(long)]
        role: String,
        /// Free label.
        #[arg(long, default_value = "")]
        label: String,
        /// Days it works (1-3650; default 365): renew before then.
        #[arg(long, default_value_t = motcua_app::tokens::DEFAULT_TOKEN_DAYS)]
        days: i64,
    },
    /// List the tokens: id, agency, role, label, created, expires, revoked (never secrets).
    List,
    /// Revoke a token by id: it stops working at once here and within 30 s in other processes.
    Revoke {
        /// The token's id (from `token list` or its creation).
        id: uuid::Uuid,
    },
}

#[derive(Subcommand, Debug)]
enum AdminWhat {
    /// Staff accounts.
    User {
        #[command(subcommand)]
        what: UserWhat,
    },
}

#[derive(Subcommand, Debug)]
enum UserWhat {
    /// Create an account. Without --password-stdin a one-time password is printed once, to be
    /// changed at first login.
    Create {
        /// Login name (3–64: a–z, digits, '.', '_', '-').
        username: String,
        /// The officer's full name, as printed on forms.
        #[arg(long)]
        name: String,
        /// Home agency, e.g. 24958.TTPVHCC.
        #[arg(long)]
        agency: String,
        /// counter_officer, specialist, approver, leader, unit_leader, province_admin or admin.
        #[arg(long)]
        role: String,
        /// Read the password from the first line of standard input instead.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Disable an account (its sessions end at once).
    Disable {
        /// Login name.
        username: String,
    },
    /// Enable a disabled account.
    Enable {
        /// Login name.
        username: String,
    },
    /// Replace the password with a one-time password, printed once (sessions end, lock cleared).
    ResetPassword {
        /// Login name.
        username: String,
    },
    /// List accounts.
    List,
}

/// The role names, for messages.
fn role_names() -> String {
    Role::ALL
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

#[derive(Subcommand, Debug)]
enum AuthorityWhat {
    /// Report overlaps, gaps, expired and dangling delegations and level changes for a province
    /// (or every province).
    Check {
        /// Province code; every province when absent.
        #[arg(long)]
        province: Option<String>,
        /// Date to check (YYYY-MM-DD); today when absent.
        #[arg(long)]
        date: Option<String>,
        /// Print JSON: `{"overlaps": [...], "gaps": [...], ...}` (every province's findings
        /// together, each tagged with its province, when no --province is given).
        #[arg(long)]
        json: bool,
        /// Exit with status 1 when anything needs attention (for scripts and CI).
        #[arg(long)]
        strict: bool,
    },
    /// Load rules from a JSON file (an array of rules; rules already there are skipped).
    Load {
        /// The file.
        file: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
enum AuditWhat {
    /// Recompute every dossier's hash chain and the latest checkpoint's digest; fails naming the
    /// dossier if any event was altered or removed, or if the history up to the last checkpoint
    /// was rewritten (even with every hash recomputed).
    Verify,
    /// Verify every chain and anchor their state outside the database: a line MACed with the
    /// anchor key in <data-dir>/audit/checkpoints.jsonl (`serve` does this every
    /// `audit_checkpoint_minutes`).
    Checkpoint {
        /// The first checkpoint under an anchor key made elsewhere (refused once there are any).
        #[arg(long)]
        first: bool,
    },
}

#[derive(Subcommand, Debug)]
enum CalendarWhat {
    /// Print the date of Tết (lunar new year) of YEAR.
    Tet {
        /// Year, 1900-2100.
        year: i32,
    },
    /// Print the non-working days other than weekends of YEAR: `date, name`.
    Holidays {
        /// Year, 1900-2100.
        year: i32,
    },
    /// Print a due date.
    Due {
        /// Moment of receipt, RFC 3339.
        #[arg(long)]
        from: String,
        /// Processing time value.
        #[arg(long)]
        value: u32,
        /// working-days, working-hours, days, months or same-day.
        #[arg(long)]
        unit: String,
        /// Also print the explanation.
        #[arg(long)]
        explain: bool,
    },
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

fn main() -> Result<()> {
    // Every file motcua writes — the database and its WAL, backups, keys, the audit anchor —
    // holds personal data or secrets: readable by the owner only (issue #29).
    setup::private_files();
    let cli = Cli::parse();
    if let Command::Calendar { what } = &cli.command {
        let out = match what {
            CalendarWhat::Tet { year } => calendar_cmd::tet_cmd(*year)?,
            CalendarWhat::Holidays { year } => calendar_cmd::holidays_cmd(*year)?,
            CalendarWhat::Due {
                from,
                value,
                unit,
                explain,
            } => calendar_cmd::due_cmd(from, *value, unit, *explain)?,
        };
        println!("{}", out.trim_end());
        return Ok(());
    }
    let (port, listen) = match &cli.command {
        Command::Serve { port, listen } | Command::Demo { port, listen, .. } => {
            (*port, listen.clone())
        }
        _ => (None, None),
    };
    let flags = Overrides {
        data_dir: cli.data_dir.clone(),
        database: cli.database.clone(),
        listen,
        port,
    };
    let settings = Settings::load(cli.config.as_deref(), &|k| std::env::var(k).ok(), &flags)?;
    init_logging(&settings);
    match &cli.command {
        Command::Pki { what } => return pki_cmd::pki(&settings, what),
        Command::Sign {
            input,
            agency,
            out,
            reason,
        } => return pki_cmd::sign(&settings, input, agency, out, reason),
        Command::Verify { file, json } => return pki_cmd::verify(&settings, file, *json),
        Command::Bench {
            what: BenchWhat::Documents { count, warmup },
        } => return pki_cmd::bench_documents(*count, *warmup),
        Command::Bench {
            what: BenchWhat::Verify { size_mb, runs },
        } => return pki_cmd::bench_verify(*size_mb, *runs),
        Command::Bench {
            what:
                BenchWhat::Search {
                    procedures,
                    rounds,
                    json,
                },
        } => return assistant_cmd::bench_search(*procedures, *rounds, *json),
        Command::Assistant {
            what: AssistantWhat::Eval { file, json },
        } => return assistant_cmd::eval_cmd(file.as_deref(), *json),
        _ => {}
    }
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run(cli, settings))
}

async fn run(cli: Cli, s: Settings) -> Result<()> {
    // These must not open (and so create) the database first.
    match &cli.command {
        Command::Backup { to } => {
            println!("{}", backup::backup(&s, to).await?);
            // The audit anchor goes with the backup (a restore alone cannot prove its history).
            if let Some(copy) = s.anchor().export_beside(to)? {
                println!("audit checkpoints copied to {}", copy.display());
            }
            return Ok(());
        }
        Command::Restore { file, force } => {
            println!("{}", backup::restore(&s, file, *force).await?);
            return Ok(());
        }
        _ => {}
    }
    let serving = matches!(cli.command, Command::Serve { .. } | Command::Demo { .. });
    let db = setup::open_store(&s, serving).await?;
    let store = db.store();
    match cli.command {
        Command::Calendar { .. }
        | Command::Pki { .. }
        | Command::Sign { .. }
        | Command::Verify { .. }
        | Command::Backup { .. }
        | Command::Restore { .. }
        | Command::Bench {
            what: BenchWhat::Documents { .. } | BenchWhat::Search { .. } | BenchWhat::Verify { .. },
        } => {
            unreachable!("handled before")
        }
        Command::Assistant {
            what: AssistantWhat::Eval { .. },
        } => unreachable!("handled before"),
        Command::Bench {
            what:
                BenchWhat::Seed {
                    dossiers,
                    batch,
                    seed,
                },
        } => bench::seed_cmd(&s, &db, dossiers, batch, seed).await?,
        Command::Bench {
            what:
                BenchWhat::Run {
                    url,
                    load,
                    no_baseline,
                    server_pid,
                },
        } => {
            let r =
                bench::run_cmd(&s, &db, &load.run_args(Some(url), no_baseline, server_pid)).await;
            db.close().await;
            return r;
        }
        Command::Bench {
            what:
                BenchWhat::Dashboard {
                    url,
                    duration,
                    concurrency,
                    json,
                },
        } => {
            let r = bench::dashboard::dashboard_cmd(
                &s,
                &db,
                &url,
                std::time::Duration::from_secs(duration),
                concurrency,
                json,
            )
            .await;
            db.close().await;
            return r;
        }
        Command::Bench {
            what: BenchWhat::Baseline { load },
        } => {
            let r = bench::run_cmd(&s, &db, &load.run_args(None, false, None)).await;
            db.close().await;
            return r;
        }
        Command::Migrate => {
            let n = db.migrate().await?;
            println!(
                "database {} is at migration {n}",
                s.database_target().describe()
            );
        }
        Command::Init => {
            let (_, r) = setup::init(&s, store.clone()).await?;
            print_init(&s, &r);
        }
        Command::Authority {
            what:
                AuthorityWhat::Check {
                    province,
                    date,
                    json,
                    strict,
                },
        } => {
            let app = setup::open_app(&s, store.clone()).await?;
            let clean =
                authority_cmd::check(&app, province.as_deref(), date.as_deref(), json).await?;
            db.close().await;
            if strict && !clean {
                std::process::exit(1);
            }
            return Ok(());
        }
        Command::Assistant {
            what:
                AssistantWhat::Ask {
                    question,
                    commune,
                    address,
                    json,
                },
        } => {
            let app = setup::open_app(&s, store.clone()).await?;
            let q = motcua_app::assistant::Question {
                question,
                commune,
                address,
                ..Default::default()
            };
            let r = assistant_cmd::ask_cmd(&app, q, json).await;
            db.close().await;
            return r;
        }
        Command::Authority {
            what: AuthorityWhat::Load { file },
        } => {
            let app = setup::open_app(&s, store.clone()).await?;
            let n = authority_cmd::load(&app, &file).await?;
            println!("{n} rule(s) added");
        }
        Command::Serve { .. } => {
            let app = setup::open_app(&s, store.clone()).await?;
            if app.units().provinces().is_empty() {
                bail!("the database has no units; run `motcua init` first");
            }
            serve(&s, app).await?;
        }
        Command::Demo {
            dossiers, no_serve, ..
        } => {
            // The demo signs its documents with a local CA (created once), agencies' certificates
            // issued on first use.
            let mut s = s;
            s.pki_auto_issue = true;
            let pki = motcua_documents::pki::Pki::new(&s.data_dir);
            if !pki.has_ca() {
                let (_, written) = pki.init("demo", s.pki_passphrase.as_deref())?;
                println!(
                    "local demo CA created in {}{}",
                    pki.dir().display(),
                    if written.is_some() {
                        " (passphrase generated beside it: a demo, not a production setup)"
                    } else {
                        ""
                    }
                );
            }
            let (app, r) = setup::init(&s, store.clone()).await?;
            print_init(&s, &r);
            let added = authority_cmd::load_demo(&app).await?;
            if added > 0 {
                println!(
                    "authority registry: {added} illustrative rules for Lâm Đồng (a planted overlap and gap: `motcua authority check --province 68`)"
                );
            }
            let (actors, accounts, password) = demo::create_accounts(&app).await?;
            if store.count_dossiers().await.map_err(|e| anyhow!("{e}"))? == 0 && dossiers > 0 {
                let now = app.now();
                let clock = Arc::new(motcua_app::FixedClock::new(now));
                let gen_app = setup::with_documents(
                    &s,
                    motcua_app::App::new(store.clone(), clock.clone(), setup::app_settings(&s)?)
                        .await
                        .map_err(|e| anyhow!("{e}"))?,
                );
                let made = demo::generate(&gen_app, &clock, &actors, dossiers, now).await?;
                println!(
                    "generated {made} demo dossiers (applicants are generated, not real people)"
                );
                let planted = demo::plant_broker(&gen_app, &clock, &actors, now).await?;
                println!(
                    "planted a broker for the integrity review: {planted} dossiers of unrelated applicants with the one contact {} / {} (/reports/integrity)",
                    demo::PLANTED_BROKER_PHONE,
                    demo::PLANTED_BROKER_EMAIL
                );
            }
            println!("\nDemo staff accounts (sign in at /staff/login):");
            for a in &accounts {
                println!("  {:<15} {:<16} {}", a.agency, a.role.as_str(), a.username);
            }
            println!("Password of every demo account (new on every start): {password}");
            println!(
                "For the API, create a service token: motcua --data-dir {} token create --agency 24958.TTPVHCC --role counter_officer",
                s.data_dir.display()
            );
            if !no_serve {
                serve(&s, app).await?;
            }
            db.close().await;
            return Ok(());
        }
        Command::Import {
            what: ImportWhat::Units { dir },
        } => {
            let data = match dir {
                None => setup::shipped_units()?,
                Some(d) => {
                    let read = |f: &str| {
                        std::fs::read_to_string(d.join(f)).with_context(|| format!("reading {f}"))
                    };
                    motcua_domain::units::UnitsData::from_csv(
                        &read("provinces_2025.csv")?,
                        &read("communes_2025.csv")?,
                        &read("mapping_2025.csv")?,
                    )?
                }
            };
            store
                .replace_units(&data)
                .await
                .map_err(|e| anyhow!("{e}"))?;
            println!(
                "units: {} provinces, {} communes, {} mapping rows",
                data.provinces.len(),
                data.communes.len(),
                data.mapping.len()
            );
        }
        Command::Import {
            what: ImportWhat::Procedures { file },
        } => {
            let app = setup::open_app(&s, store.clone()).await?;
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let list = if file.extension().is_some_and(|e| e == "csv") {
                motcua_domain::catalogue::csv_import::parse(&text)?
            } else {
                serde_json::from_str(&text)
                    .context("the file must be a JSON array of procedures")?
            };
            let r = app
                .import_procedures(list)
                .await
                .map_err(|e| anyhow!("{e}"))?;
            println!(
                "created {}, new versions {}, unchanged {}",
                r.created.len(),
                r.updated.len(),
                r.unchanged.len()
            );
        }
        Command::Export {
            what: ExportWhat::Procedures { out },
        } => {
            let app = setup::open_app(&s, store.clone()).await?;
            let all = app.procedures().await.map_err(|e| anyhow!("{e}"))?;
            let json = serde_json::to_string_pretty(all.as_ref())?;
            match out {
                Some(p) => {
                    std::fs::write(&p, json).with_context(|| format!("writing {}", p.display()))?
                }
                None => println!("{json}"),
            }
        }
        Command::Token {
            what:
                TokenWhat::Create {
                    agency,
                    role,
                    label,
                    days,
                },
        } => {
            let app = setup::open_app(&s, store.clone()).await?;
            let role =
                Role::parse(&role).ok_or_else(|| anyhow!("role is one of {}", role_names()))?;
            let agency = AgencyCode::parse(&agency)?;
            let (rec, secret, _) = app
                .create_token_for(&agency, role, &label, days)
                .await
                .map_err(|e| anyhow!("{e}"))?;
            eprintln!(
                "token {} for {} as {}, valid until {} (shown once):",
                rec.id,
                rec.agency,
                role.as_str(),
                rec.expires_at
                    .map(motcua_domain::dossier::fmt)
                    .unwrap_or_default()
            );
            println!("{secret}");
        }
        Command::Token {
            what: TokenWhat::List,
        } => {
            let app = setup::open_app(&s, store.clone()).await?;
            let now = app.now();
            for t in app.tokens().await.map_err(|e| anyhow!("{e}"))? {
                let state = if t.revoked_at.is_some() {
                    "revoked"
                } else if !t.valid_at(now) {
                    "expired"
                } else {
                    "active"
                };
                println!(
                    "{}  {:<8} {:<16} {:<16} created {}  expires {}  {}",
                    t.id,
                    state,
                    t.agency,
                    t.role.as_str(),
                    motcua_domain::dossier::fmt(t.created_at),
                    t.expires_at
                        .map(motcua_domain::dossier::fmt)
                        .unwrap_or_else(|| "never".into()),
                    t.label
                );
            }
        }
        Command::Token {
            what: TokenWhat::Revoke { id },
        } => {
            let app = setup::open_app(&s, store.clone()).await?;
            app.revoke_token(id).await.map_err(|e| anyhow!("{e}"))?;
            println!("token {id} revoked");
        }
        Command::Admin {
            what: AdminWhat::User { what },
        } => {
            let app = setup::open_app(&s, store.clone()).await?;
            admin_user(&app, what).await?;
        }
        Command::Audit {
            what: AuditWhat::Checkpoint { first },
        } => {
            let app = setup::open_app(&s, store.clone()).await?;
            let (_, c) = s.anchor().checkpoint(&app, first).await?;
            println!(
                "checkpoint {}: {} dossiers, {} events, digest {}",
                motcua_domain::dossier::fmt(c.cutoff),
                c.dossiers,
                c.events,
                &c.digest[..16]
            );
        }
        Command::Audit {
            what: AuditWhat::Verify,
        } => {
            let app = setup::open_app(&s, store.clone()).await?;
            let (r, last, mismatch) = s.anchor().verify(&app).await?;
            for b in &r.breaks {
                println!("BROKEN {} at event {}: {}", b.dossier, b.seq, b.problem);
            }
            if let Some(m) = &mismatch {
                println!("REWRITTEN {m}");
            }
            if r.breaks.is_empty() && mismatch.is_none() {
                let anchored = match &last {
                    Some(c) => format!(
                        "; the checkpoint of {} matches",
                        motcua_domain::dossier::fmt(c.cutoff)
                    ),
                    None => "; no checkpoint yet (`motcua audit checkpoint`)".into(),
                };
                println!(
                    "audit ok: {} dossiers, {} events, every chain verifies{anchored}",
                    r.dossiers, r.events
                );
            } else {
                db.close().await;
                if r.breaks.is_empty() {
                    bail!("the audit history was rewritten before the last checkpoint");
                }
                bail!(
                    "{} of {} dossiers have a broken chain",
                    r.breaks.len(),
                    r.dossiers
                );
            }
        }
    }
    db.close().await;
    Ok(())
}

/// `motcua admin user …` (recorded in the security log as done by `cli`).
async fn admin_user(app: &motcua_app::App, what: UserWhat) -> Result<()> {
    let e = |e: motcua_app::AppError| anyhow!("{e}");
    match what {
        UserWhat::Create {
            username,
            name,
            agency,
            role,
            password_stdin,
        } => {
            let role =
                Role::parse(&role).ok_or_else(|| anyhow!("role is one of {}", role_names()))?;
            let agency = AgencyCode::parse(&agency)?;
            let password = if password_stdin {
                let mut line = String::new();
                std::io::stdin().read_line(&mut line)?;
                Some(line.trim_end_matches(['\r', '\n']).to_owned())
            } else {
                None
            };
            let (u, generated) = app
                .create_user("cli", &username, &name, &agency, role, password.as_deref())
                .await
                .map_err(e)?;
            eprintln!(
                "account {} ({}) for {} as {}",
                u.username,
                u.display_name,
                u.agency,
                u.role.as_str()
            );
            if let Some(p) = generated {
                eprintln!("one-time password (shown once; to be changed at first login):");
                println!("{p}");
            }
        }
        UserWhat::Disable { username } => {
            let u = app
                .set_user_disabled("cli", &username, true)
                .await
                .map_err(e)?;
            println!("account {} disabled; its sessions ended", u.username);
        }
        UserWhat::Enable { username } => {
            let u = app
                .set_user_disabled("cli", &username, false)
                .await
                .map_err(e)?;
            println!("account {} enabled", u.username);
        }
        UserWhat::ResetPassword { username } => {
            let p = app.reset_password("cli", &username).await.map_err(e)?;
            eprintln!(
                "one-time password for {username} (shown once; to be changed at first login):"
            );
            println!("{p}");
        }
        UserWhat::List => {
            for u in app.list_users().await.map_err(e)? {
                println!(
                    "{:<36} {:<16} {:<15} {}{}",
                    u.username,
                    u.role.as_str(),
                    u.agency,
                    u.display_name,
                    if u.disabled { " (disabled)" } else { "" }
                );
            }
        }
    }
    Ok(())
}

fn print_init(s: &Settings, r: &setup::InitReport) {
    println!(
        "database {}: {} provinces, {} communes, {} mapping rows, {} agencies; procedures: {} new, {} new versions, {} unchanged",
        s.database_target().describe(),
        r.units.0,
        r.units.1,
        r.units.2,
        r.agencies,
        r.procedures.0,
        r.procedures.1,
        r.procedures.2
    );
}

async fn serve(s: &Settings, app: motcua_app::App) -> Result<()> {
    let addr = format!("{}:{}", s.listen, s.port);
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .with_context(|| format!("binding {addr}"))?;
    let local = listener.local_addr()?;
    // Without a configured public address, documents link to the address actually bound.
    let app = match &s.public_url {
        Some(_) => app,
        None => app.with_public_url(&format!("http://{local}")),
    };
    println!(
        "\nmotcua is serving at http://{local}/  (API docs: http://{local}/api/docs) — Ctrl-C to stop"
    );
    // The search index (catalogue + popularity) is built now rather than on the first search.
    {
        let app = app.clone();
        tokio::spawn(async move {
            if let Err(e) = app.search_index().await {
                tracing::warn!(error = %e, "search index not built at start; the first search builds it");
            }
        });
    }
    // Every minute: linked applications — start any step whose prerequisite finished but whose
    // start was interrupted (a crash between the two writes) — and the escalation rules. Both
    // are idempotent.
    {
        let app = app.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
            let mut minutes: u64 = 0;
            loop {
                tick.tick().await;
                // Every hour: abandoned drafts and their files (idempotent).
                if minutes.is_multiple_of(60) {
                    match app.purge_stale_drafts().await {
                        Ok((0, _)) => {}
                        Ok((drafts, files)) => {
                            tracing::info!(drafts, files, "stale drafts removed")
                        }
                        Err(e) => tracing::warn!(error = %e, "stale drafts not removed"),
                    }
                }
                minutes += 1;
                let started = std::time::Instant::now();
                match app.advance_recent_linked(90).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(steps = n, "linked sweep opened steps"),
                    Err(e) => {
                        tracing::warn!(error = %e, "linked sweep failed; retrying in a minute")
                    }
                }
                // Escalation rules: due-soon, overdue and step-budget notices (idempotent).
                match app.apply_escalations().await {
                    Ok(run) => tracing::debug!(
                        checked = run.checked,
                        created = run.created,
                        watched = run.watched,
                        reloaded = run.reloaded,
                        elapsed_ms = started.elapsed().as_millis() as u64,
                        "minute sweep done"
                    ),
                    Err(e) => {
                        tracing::warn!(error = %e, "escalation run failed; retrying in a minute")
                    }
                }
            }
        });
    }
    if app.issues_documents() && s.defer_documents {
        tokio::spawn(app.clone().run_document_worker(s.documents_worker_share));
    }
    // The audit chain anchored outside the database at a fixed interval (anchor.rs).
    if s.audit_checkpoint_minutes > 0 {
        let (app, anchor) = (app.clone(), s.anchor());
        let every = std::time::Duration::from_secs(s.audit_checkpoint_minutes * 60);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
            loop {
                tick.tick().await;
                match anchor.checkpoint(&app, false).await {
                    Ok((_, c)) => tracing::info!(
                        dossiers = c.dossiers,
                        events = c.events,
                        "audit checkpoint written"
                    ),
                    Err(e) => tracing::error!(error = %e, "audit checkpoint NOT written"),
                }
            }
        });
    }
    let router = motcua_web::router_with(
        app,
        motcua_web::WebSettings {
            kiosk_reset_seconds: s.kiosk_reset_seconds.max(5),
            public_url: s.public_url.clone(),
            trusted_proxy: s.trusted_proxy,
            rate_limits: motcua_web::security::RateLimits {
                login_per_minute: s.rate_limit_login_per_minute,
                tracking_per_minute: s.rate_limit_tracking_per_minute,
                search_per_minute: s.rate_limit_search_per_minute,
                verify_per_minute: s.rate_limit_verify_per_minute,
                filing_per_minute: s.rate_limit_filing_per_minute,
                upload_mb_per_hour: s.upload_mb_per_hour,
            },
            oidc: match (&s.oidc_issuer, &s.oidc_client_id, &s.oidc_client_secret) {
                (Some(issuer), Some(client_id), Some(client_secret)) => {
                    Some(motcua_web::oidc::OidcSettings {
                        issuer: issuer.clone(),
                        client_id: client_id.clone(),
                        client_secret: client_secret.clone(),
                    })
                }
                (None, None, _) => None,
                _ => anyhow::bail!(
                    "citizen login needs oidc_issuer, oidc_client_id and the client secret together"
                ),
            },
        },
    );
    server::serve(
        listener,
        router,
        server::ConnectionLimits {
            max_connections: s.max_connections,
            header_timeout: std::time::Duration::from_secs(s.header_timeout_seconds.max(1)),
        },
        async {
            let _ = tokio::signal::ctrl_c().await;
        },
    )
    .await?;
    Ok(())
}
