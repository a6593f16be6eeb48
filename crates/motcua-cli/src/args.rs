//! The command line: every command and its arguments (clap). What each does is in `commands/`.

use crate::bench;
use clap::{Parser, Subcommand};
use motcua_domain::access::Role;
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "motcua",
    version,
    about = "One-stop administrative procedure system (một cửa)"
)]
pub(crate) struct Cli {
    /// TOML settings file (default: $MOTCUA_CONFIG, else ./motcua.toml if present).
    #[arg(long, global = true)]
    pub(crate) config: Option<PathBuf>,
    /// Data directory (database and state).
    #[arg(long, global = true)]
    pub(crate) data_dir: Option<PathBuf>,
    /// Database: a SQLite file (default <data-dir>/motcua.db, also `sqlite://PATH`) or a
    /// `postgres://user@host/db` URL (also $MOTCUA_DATABASE_URL).
    #[arg(long, global = true)]
    pub(crate) database: Option<String>,
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Subcommand, Debug)]
pub(crate) enum Command {
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
    /// The exchange with the national portal: deliver the outbox, see it, retry or skip a
    /// message, verify the exchange log.
    Exchange {
        #[command(subcommand)]
        what: ExchangeWhat,
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
pub(crate) enum BenchWhat {
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
    /// The officer's search (names with and without diacritics, a family name alone, phones,
    /// identity numbers, codes) as the counters of random communes and their provinces'
    /// administrators, through the use case (--database); p50/p95/p99 per kind.
    Desk {
        /// Searches of each kind (1–10,000).
        #[arg(long, default_value_t = 200)]
        runs: usize,
        /// Random seed (which communes and dossiers).
        #[arg(long, default_value_t = 32)]
        seed: u64,
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
pub(crate) enum AssistantWhat {
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
pub(crate) struct LoadArgs {
    /// Seconds per phase (at most 600).
    #[arg(long, default_value_t = 30)]
    pub(crate) duration: u64,
    /// Concurrent workers (at most 512).
    #[arg(long, default_value_t = 32)]
    pub(crate) concurrency: usize,
    /// Total operations per second, paced (default: as fast as possible).
    #[arg(long)]
    pub(crate) rate: Option<f64>,
    /// Seconds of load before each phase's measurement starts (at most 60): connections,
    /// caches and prepared statements warm up unmeasured.
    #[arg(long, default_value_t = 0)]
    pub(crate) warmup: u64,
    /// Communes the workers play (one counter and People's Committee each).
    #[arg(long, default_value_t = 64)]
    pub(crate) sites: usize,
    /// Print one JSON object.
    #[arg(long)]
    pub(crate) json: bool,
}

impl LoadArgs {
    pub(crate) fn run_args(
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
pub(crate) enum PkiWhat {
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
pub(crate) enum ImportWhat {
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
pub(crate) enum ExportWhat {
    /// Write the current catalogue as JSON.
    Procedures {
        /// Output file (default stdout).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
pub(crate) enum TokenWhat {
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
pub(crate) enum AdminWhat {
    /// Staff accounts.
    User {
        #[command(subcommand)]
        what: UserWhat,
    },
    /// Record an agency's address, phone and public hours (shown on procedure pages where to
    /// file). Parts not given stay as they were; `--clear` removes the whole contact.
    AgencyContact {
        /// Agency code, e.g. 24958.TTPVHCC.
        agency: String,
        /// Street address.
        #[arg(long)]
        address: Option<String>,
        /// Phone number for the public.
        #[arg(long)]
        phone: Option<String>,
        /// Public hours in words.
        #[arg(long)]
        hours: Option<String>,
        /// Remove the recorded contact.
        #[arg(long)]
        clear: bool,
    },
}

#[derive(Subcommand, Debug)]
pub(crate) enum UserWhat {
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
pub(crate) fn role_names() -> String {
    Role::ALL
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

#[derive(Subcommand, Debug)]
pub(crate) enum AuthorityWhat {
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
pub(crate) enum ExchangeWhat {
    /// Deliver the outbox to the national portal ([portal] settings) until stopped — `serve`
    /// does the same — or, with --once, until nothing is due.
    Run {
        /// Stop when nothing is due (or the portal's circuit opens).
        #[arg(long)]
        once: bool,
    },
    /// The outbox in figures: backlog, oldest pending message, failures by reason, dead letters.
    Status {
        /// As JSON.
        #[arg(long)]
        json: bool,
    },
    /// Put a dead letter back in the queue, due now.
    Retry {
        /// The message (its event id, as `exchange status` lists it).
        id: uuid::Uuid,
        /// Why (kept with the message and in the security log).
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Leave a pending or dead message out for good; the dossier's later messages then go.
    Skip {
        /// The message (its event id).
        id: uuid::Uuid,
        /// Why (required: the portal will never get it).
        #[arg(long)]
        reason: String,
    },
    /// Recompute the exchange log's hash chain and compare its end with the latest audit
    /// checkpoint; fails naming the record if any was altered or removed.
    Verify,
}

#[derive(Subcommand, Debug)]
pub(crate) enum AuditWhat {
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
pub(crate) enum CalendarWhat {
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
