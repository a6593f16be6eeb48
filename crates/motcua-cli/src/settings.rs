//! Settings: command-line flags > `MOTCUA_*` environment variables > a TOML file > defaults.
//! `config.example.toml` documents every key.

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Every setting, after layering.
#[derive(Clone, PartialEq)]
pub struct Settings {
    /// Where the database and other state live.
    pub data_dir: PathBuf,
    /// The database: a SQLite file path (or `sqlite://PATH`) or a `postgres://` URL (default the
    /// SQLite file `<data_dir>/motcua.db`). A URL may hold a password: never printed.
    pub database: Option<String>,
    /// Largest number of database connections (PostgreSQL pool; SQLite readers).
    pub db_max_connections: u32,
    /// Longest a statement may run before PostgreSQL cancels it (milliseconds).
    pub db_statement_timeout_ms: u64,
    /// Longest a request waits for a pooled connection before failing with 503 (milliseconds).
    pub db_acquire_timeout_ms: u64,
    /// Address to listen on.
    pub listen: String,
    /// Port to listen on.
    pub port: u16,
    /// Dossier code pattern.
    pub code_pattern: String,
    /// Default office hours, e.g. "07:30-11:30,13:00-17:00".
    pub office_hours: String,
    /// `text` or `json` logs.
    pub log_format: String,
    /// Seconds without use before a kiosk page returns to the kiosk start.
    pub kiosk_reset_seconds: u32,
    /// The address citizens reach the server at (QR codes on printed slips).
    pub public_url: Option<String>,
    /// The passphrase that encrypts signing keys at rest (`MOTCUA_PKI_PASSPHRASE`, or the file
    /// named by `pki_passphrase_file` / `MOTCUA_PKI_PASSPHRASE_FILE`). Never in the TOML itself.
    pub pki_passphrase: Option<String>,
    /// Issue agency certificates from the local CA on first use (demo; default false).
    pub pki_auto_issue: bool,
    /// Render and sign the forms of an action after it commits (a background worker, or the
    /// first reader), not before: answers in milliseconds at the counter, and a morning peak
    /// is absorbed by the queue (default true).
    pub defer_documents: bool,
    /// The most of one core the deferred-forms worker uses (0.05–1.0; default 0.5).
    pub documents_worker_share: f64,
    /// A JSON file of escalation rules replacing the shipped `data/escalation/rules.json`.
    pub escalation_rules_file: Option<PathBuf>,
    /// The reverse proxy in front of the server: only its `X-Forwarded-For` is believed.
    pub trusted_proxy: Option<std::net::IpAddr>,
    /// Login attempts a minute per client address (0: no limit; default 10).
    pub rate_limit_login_per_minute: u32,
    /// Tracking lookups a minute per client address (0: no limit; default 30).
    pub rate_limit_tracking_per_minute: u32,
    /// Public searches a minute per client address (0: no limit; default 120).
    pub rate_limit_search_per_minute: u32,
    /// Public signature verifications a minute per client address (0: no limit; default 20).
    pub rate_limit_verify_per_minute: u32,
    /// Anonymous filings and wizard uploads a minute per client address (0: no limit;
    /// default 20).
    pub rate_limit_filing_per_minute: u32,
    /// Megabytes an address may upload to drafts in an hour (0: no limit; default 50).
    pub upload_mb_per_hour: u32,
    /// The audit anchor's key (hex, 32 bytes); default `<data_dir>/audit/anchor.key`, created on
    /// first use. Keep it where the database's writers cannot read it.
    pub audit_key_file: Option<PathBuf>,
    /// Minutes between audit checkpoints in `serve` (0: none; default 60).
    pub audit_checkpoint_minutes: u64,
    /// Connections served at once (default 1024); past it a new connection is closed at once.
    pub max_connections: usize,
    /// Seconds a client has to send a request's headers, and the longest idle time between
    /// requests on a kept-alive connection (default 15).
    pub header_timeout_seconds: u64,
    /// Minutes without a request before a staff session ends (default 30).
    pub session_idle_minutes: u32,
    /// Hours after login when a staff session ends whatever happens (default 12).
    pub session_hours: u32,
    /// The national identity provider (VNeID) for citizens' login: its issuer URL.
    pub oidc_issuer: Option<String>,
    /// Our client id at the provider.
    pub oidc_client_id: Option<String>,
    /// Our client secret (`MOTCUA_OIDC_CLIENT_SECRET`, or the file named by
    /// `oidc_client_secret_file` / `MOTCUA_OIDC_CLIENT_SECRET_FILE`). Never in the TOML itself.
    pub oidc_client_secret: Option<String>,
    /// The assistant's optional generator: an OpenAI-compatible API the deployment runs
    /// (e.g. `http://127.0.0.1:8081/v1`); none by default, and everything works without.
    pub assistant_generator_url: Option<String>,
    /// The model to ask the generator for.
    pub assistant_generator_model: String,
    /// Its bearer key (`MOTCUA_ASSISTANT_GENERATOR_KEY` only, never in the TOML).
    pub assistant_generator_key: Option<String>,
    /// Milliseconds before the template answer is used instead (default 3000).
    pub assistant_generator_timeout_ms: u64,
    /// The national portal and the delivery of the outbox to it (`[portal]`).
    pub portal: PortalConfig,
}

/// The national portal (`[portal]` in the TOML; `MOTCUA_PORTAL_*`). Without a URL nothing is
/// sent: the outbox keeps every message, and `motcua exchange status` shows the backlog.
#[derive(Clone, PartialEq)]
pub struct PortalConfig {
    /// Base URL, `http://` or `https://`.
    pub url: Option<String>,
    /// The province's account at the portal.
    pub username: String,
    /// Its password (`MOTCUA_PORTAL_PASSWORD`, or the file `password_file` /
    /// `MOTCUA_PORTAL_PASSWORD_FILE` names). Never in the TOML itself, never logged.
    pub password: Option<String>,
    /// The `dstcode` header (default `DVCQG`).
    pub dstcode: String,
    /// A call's timeout in milliseconds (default 10 000).
    pub timeout_ms: u64,
    /// Minutes a session is used before a new login (default 30).
    pub session_minutes: u64,
    /// Answer codes that mean the session expired (default `[-1]`).
    pub session_error_codes: Vec<i64>,
    /// Attempts before a message becomes a dead letter (default 50).
    pub max_attempts: u32,
    /// Hours before a failing message becomes a dead letter (default 72).
    pub max_age_hours: u64,
    /// The first retry's wait in milliseconds (default 2 000); each later one doubles.
    pub retry_base_ms: u64,
    /// The longest wait between retries in seconds (default 600).
    pub retry_cap_seconds: u64,
    /// Failures in a row that open the circuit (default 5).
    pub breaker_failures: u32,
    /// Seconds the circuit stays open (default 30).
    pub breaker_cooldown_seconds: u64,
    /// Dossiers delivered at once (default 8).
    pub concurrency: usize,
    /// Milliseconds between looks at the outbox when it was empty (default 500).
    pub poll_ms: u64,
    /// Seconds a worker holds the messages it took (default 120): a server that dies holding
    /// them lets another take them over after this.
    pub lease_seconds: u64,
}

impl Default for PortalConfig {
    fn default() -> Self {
        PortalConfig {
            url: None,
            username: String::new(),
            password: None,
            dstcode: "DVCQG".into(),
            timeout_ms: 10_000,
            session_minutes: 30,
            session_error_codes: vec![-1],
            max_attempts: 50,
            max_age_hours: 72,
            retry_base_ms: 2_000,
            retry_cap_seconds: 600,
            breaker_failures: 5,
            breaker_cooldown_seconds: 30,
            concurrency: 8,
            poll_ms: 500,
            lease_seconds: 120,
        }
    }
}

impl std::fmt::Debug for PortalConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PortalConfig")
            .field("url", &self.url)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("dstcode", &self.dstcode)
            .field("timeout_ms", &self.timeout_ms)
            .field("session_minutes", &self.session_minutes)
            .field("max_attempts", &self.max_attempts)
            .field("max_age_hours", &self.max_age_hours)
            .field("concurrency", &self.concurrency)
            .finish_non_exhaustive()
    }
}

/// `[portal]` in the TOML (every key optional).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FilePortal {
    url: Option<String>,
    username: Option<String>,
    password_file: Option<PathBuf>,
    dstcode: Option<String>,
    timeout_ms: Option<u64>,
    session_minutes: Option<u64>,
    session_error_codes: Option<Vec<i64>>,
    max_attempts: Option<u32>,
    max_age_hours: Option<u64>,
    retry_base_ms: Option<u64>,
    retry_cap_seconds: Option<u64>,
    breaker_failures: Option<u32>,
    breaker_cooldown_seconds: Option<u64>,
    concurrency: Option<usize>,
    poll_ms: Option<u64>,
    lease_seconds: Option<u64>,
}

impl PortalConfig {
    fn layer(&mut self, f: FilePortal) -> Result<()> {
        macro_rules! take {
            ($($k:ident),*) => { $( if let Some(v) = f.$k { self.$k = v; } )* };
        }
        if let Some(v) = f.url {
            self.url = Some(v);
        }
        if let Some(v) = f.password_file {
            self.password = Some(read_secret(&v)?);
        }
        take!(
            username,
            dstcode,
            timeout_ms,
            session_minutes,
            session_error_codes,
            max_attempts,
            max_age_hours,
            retry_base_ms,
            retry_cap_seconds,
            breaker_failures,
            breaker_cooldown_seconds,
            concurrency,
            poll_ms,
            lease_seconds
        );
        Ok(())
    }

    fn check(&self) -> Result<()> {
        let Some(url) = &self.url else {
            return Ok(());
        };
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            bail!("portal url must start with http:// or https://");
        }
        if self.username.trim().is_empty() || self.password.as_deref().unwrap_or("").is_empty() {
            bail!(
                "the portal needs a username and a password (MOTCUA_PORTAL_PASSWORD or password_file)"
            );
        }
        if self.dstcode.trim().is_empty() || self.dstcode.chars().any(|c| c.is_control()) {
            bail!("portal dstcode must be a plain, non-empty header value");
        }
        if self.timeout_ms == 0 || self.max_attempts == 0 || self.concurrency == 0 {
            bail!("portal timeout_ms, max_attempts and concurrency must be above 0");
        }
        if self.lease_seconds * 1000 < self.timeout_ms * 2 {
            bail!("portal lease_seconds must hold at least two calls (2 × timeout_ms)");
        }
        if self.retry_base_ms == 0 || self.retry_cap_seconds * 1000 < self.retry_base_ms {
            bail!("portal retry_base_ms must be above 0 and at most retry_cap_seconds");
        }
        Ok(())
    }
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // No secrets today; keep Debug explicit so none slips in later.
        f.debug_struct("Settings")
            .field("data_dir", &self.data_dir)
            .field("database", &self.database_target().describe())
            .field("db_max_connections", &self.db_max_connections)
            .field("db_statement_timeout_ms", &self.db_statement_timeout_ms)
            .field("db_acquire_timeout_ms", &self.db_acquire_timeout_ms)
            .field("listen", &self.listen)
            .field("port", &self.port)
            .field("code_pattern", &self.code_pattern)
            .field("office_hours", &self.office_hours)
            .field("log_format", &self.log_format)
            .field("kiosk_reset_seconds", &self.kiosk_reset_seconds)
            .field("public_url", &self.public_url)
            .field(
                "pki_passphrase",
                &self.pki_passphrase.as_ref().map(|_| "***"),
            )
            .field("pki_auto_issue", &self.pki_auto_issue)
            .field("defer_documents", &self.defer_documents)
            .field("documents_worker_share", &self.documents_worker_share)
            .field("escalation_rules_file", &self.escalation_rules_file)
            .field("trusted_proxy", &self.trusted_proxy)
            .field(
                "rate_limits",
                &(
                    self.rate_limit_login_per_minute,
                    self.rate_limit_tracking_per_minute,
                    self.rate_limit_search_per_minute,
                    self.rate_limit_verify_per_minute,
                    self.rate_limit_filing_per_minute,
                    self.upload_mb_per_hour,
                ),
            )
            .field("audit_key_file", &self.audit_key_file)
            .field("audit_checkpoint_minutes", &self.audit_checkpoint_minutes)
            .field("max_connections", &self.max_connections)
            .field("header_timeout_seconds", &self.header_timeout_seconds)
            .field("session_idle_minutes", &self.session_idle_minutes)
            .field("session_hours", &self.session_hours)
            .field("oidc_issuer", &self.oidc_issuer)
            .field("oidc_client_id", &self.oidc_client_id)
            .field("assistant_generator_url", &self.assistant_generator_url)
            .field("assistant_generator_model", &self.assistant_generator_model)
            .field(
                "oidc_client_secret",
                &self.oidc_client_secret.as_ref().map(|_| "***"),
            )
            .field("portal", &self.portal)
            .finish()
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("motcua-data"),
            database: None,
            db_max_connections: 16,
            db_statement_timeout_ms: 5_000,
            db_acquire_timeout_ms: 3_000,
            listen: "127.0.0.1".into(),
            port: 8080,
            code_pattern: "{unit}-{yymmdd}-{seq:4}".into(),
            office_hours: "07:30-11:30,13:00-17:00".into(),
            log_format: "text".into(),
            kiosk_reset_seconds: 120,
            public_url: None,
            pki_passphrase: None,
            pki_auto_issue: false,
            defer_documents: true,
            documents_worker_share: 0.5,
            escalation_rules_file: None,
            trusted_proxy: None,
            rate_limit_login_per_minute: 10,
            rate_limit_tracking_per_minute: 30,
            rate_limit_search_per_minute: 120,
            rate_limit_verify_per_minute: 20,
            rate_limit_filing_per_minute: 20,
            upload_mb_per_hour: 50,
            audit_key_file: None,
            audit_checkpoint_minutes: 60,
            max_connections: 1024,
            header_timeout_seconds: 15,
            session_idle_minutes: 30,
            session_hours: 12,
            oidc_issuer: None,
            oidc_client_id: None,
            assistant_generator_url: None,
            assistant_generator_model: "local".into(),
            assistant_generator_key: None,
            assistant_generator_timeout_ms: 3000,
            oidc_client_secret: None,
            portal: PortalConfig::default(),
        }
    }
}

/// The TOML file's shape (every key optional).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    data_dir: Option<PathBuf>,
    database: Option<String>,
    db_max_connections: Option<u32>,
    db_statement_timeout_ms: Option<u64>,
    db_acquire_timeout_ms: Option<u64>,
    listen: Option<String>,
    port: Option<u16>,
    code_pattern: Option<String>,
    office_hours: Option<String>,
    log_format: Option<String>,
    kiosk_reset_seconds: Option<u32>,
    public_url: Option<String>,
    pki_passphrase_file: Option<PathBuf>,
    pki_auto_issue: Option<bool>,
    defer_documents: Option<bool>,
    documents_worker_share: Option<f64>,
    escalation_rules_file: Option<PathBuf>,
    trusted_proxy: Option<std::net::IpAddr>,
    rate_limit_login_per_minute: Option<u32>,
    rate_limit_tracking_per_minute: Option<u32>,
    rate_limit_search_per_minute: Option<u32>,
    rate_limit_verify_per_minute: Option<u32>,
    rate_limit_filing_per_minute: Option<u32>,
    upload_mb_per_hour: Option<u32>,
    audit_key_file: Option<PathBuf>,
    audit_checkpoint_minutes: Option<u64>,
    max_connections: Option<usize>,
    header_timeout_seconds: Option<u64>,
    session_idle_minutes: Option<u32>,
    session_hours: Option<u32>,
    oidc_issuer: Option<String>,
    oidc_client_id: Option<String>,
    oidc_client_secret_file: Option<PathBuf>,
    assistant_generator_url: Option<String>,
    assistant_generator_model: Option<String>,
    assistant_generator_timeout_ms: Option<u64>,
    portal: Option<FilePortal>,
}

/// Flags that override settings (each `None` when not given).
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    /// `--data-dir`.
    pub data_dir: Option<PathBuf>,
    /// `--database`.
    pub database: Option<String>,
    /// `--listen`.
    pub listen: Option<String>,
    /// `--port`.
    pub port: Option<u16>,
}

impl Settings {
    /// Layers defaults, the TOML file (`config` or `MOTCUA_CONFIG`, or `./motcua.toml` if present),
    /// the environment, and the flags.
    pub fn load(
        config: Option<&Path>,
        env: &dyn Fn(&str) -> Option<String>,
        flags: &Overrides,
    ) -> Result<Self> {
        let mut s = Settings::default();
        let path = config
            .map(Path::to_path_buf)
            .or_else(|| env("MOTCUA_CONFIG").map(PathBuf::from))
            .or_else(|| {
                let p = PathBuf::from("motcua.toml");
                p.exists().then_some(p)
            });
        if let Some(path) = path {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            let f: FileSettings =
                toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
            if let Some(v) = f.data_dir {
                s.data_dir = v
            }
            if let Some(v) = f.database {
                s.database = Some(v)
            }
            if let Some(v) = f.db_max_connections {
                s.db_max_connections = v
            }
            if let Some(v) = f.db_statement_timeout_ms {
                s.db_statement_timeout_ms = v
            }
            if let Some(v) = f.db_acquire_timeout_ms {
                s.db_acquire_timeout_ms = v
            }
            if let Some(v) = f.listen {
                s.listen = v
            }
            if let Some(v) = f.port {
                s.port = v
            }
            if let Some(v) = f.code_pattern {
                s.code_pattern = v
            }
            if let Some(v) = f.office_hours {
                s.office_hours = v
            }
            if let Some(v) = f.log_format {
                s.log_format = v
            }
            if let Some(v) = f.kiosk_reset_seconds {
                s.kiosk_reset_seconds = v
            }
            if let Some(v) = f.public_url {
                s.public_url = Some(v)
            }
            if let Some(v) = f.pki_passphrase_file {
                s.pki_passphrase = Some(read_secret(&v)?)
            }
            if let Some(v) = f.pki_auto_issue {
                s.pki_auto_issue = v
            }
            if let Some(v) = f.defer_documents {
                s.defer_documents = v
            }
            if let Some(v) = f.escalation_rules_file {
                s.escalation_rules_file = Some(v)
            }
            if let Some(v) = f.documents_worker_share {
                s.documents_worker_share = v
            }
            if let Some(v) = f.trusted_proxy {
                s.trusted_proxy = Some(v)
            }
            if let Some(v) = f.rate_limit_login_per_minute {
                s.rate_limit_login_per_minute = v
            }
            if let Some(v) = f.rate_limit_tracking_per_minute {
                s.rate_limit_tracking_per_minute = v
            }
            if let Some(v) = f.rate_limit_search_per_minute {
                s.rate_limit_search_per_minute = v
            }
            if let Some(v) = f.rate_limit_verify_per_minute {
                s.rate_limit_verify_per_minute = v
            }
            if let Some(v) = f.rate_limit_filing_per_minute {
                s.rate_limit_filing_per_minute = v
            }
            if let Some(v) = f.upload_mb_per_hour {
                s.upload_mb_per_hour = v
            }
            if let Some(v) = f.audit_key_file {
                s.audit_key_file = Some(v)
            }
            if let Some(v) = f.audit_checkpoint_minutes {
                s.audit_checkpoint_minutes = v
            }
            if let Some(v) = f.max_connections {
                s.max_connections = v
            }
            if let Some(v) = f.header_timeout_seconds {
                s.header_timeout_seconds = v
            }
            if let Some(v) = f.session_idle_minutes {
                s.session_idle_minutes = v
            }
            if let Some(v) = f.session_hours {
                s.session_hours = v
            }
            if let Some(v) = f.oidc_issuer {
                s.oidc_issuer = Some(v)
            }
            if let Some(v) = f.oidc_client_id {
                s.oidc_client_id = Some(v)
            }
            if let Some(v) = f.assistant_generator_url {
                s.assistant_generator_url = Some(v)
            }
            if let Some(v) = f.assistant_generator_model {
                s.assistant_generator_model = v
            }
            if let Some(v) = f.assistant_generator_timeout_ms {
                s.assistant_generator_timeout_ms = v
            }
            if let Some(v) = f.oidc_client_secret_file {
                s.oidc_client_secret = Some(read_secret(&v)?)
            }
            if let Some(p) = f.portal {
                s.portal.layer(p)?;
            }
        }
        if let Some(v) = env("MOTCUA_TRUSTED_PROXY") {
            s.trusted_proxy = Some(
                v.parse()
                    .context("MOTCUA_TRUSTED_PROXY must be an IP address")?,
            )
        }
        for (name, slot) in [
            (
                "MOTCUA_RATE_LIMIT_LOGIN_PER_MINUTE",
                &mut s.rate_limit_login_per_minute,
            ),
            (
                "MOTCUA_RATE_LIMIT_TRACKING_PER_MINUTE",
                &mut s.rate_limit_tracking_per_minute,
            ),
            (
                "MOTCUA_RATE_LIMIT_SEARCH_PER_MINUTE",
                &mut s.rate_limit_search_per_minute,
            ),
            (
                "MOTCUA_RATE_LIMIT_VERIFY_PER_MINUTE",
                &mut s.rate_limit_verify_per_minute,
            ),
            (
                "MOTCUA_RATE_LIMIT_FILING_PER_MINUTE",
                &mut s.rate_limit_filing_per_minute,
            ),
            ("MOTCUA_UPLOAD_MB_PER_HOUR", &mut s.upload_mb_per_hour),
            ("MOTCUA_SESSION_IDLE_MINUTES", &mut s.session_idle_minutes),
            ("MOTCUA_SESSION_HOURS", &mut s.session_hours),
        ] {
            if let Some(v) = env(name) {
                *slot = v
                    .parse()
                    .with_context(|| format!("{name} must be a whole number"))?
            }
        }
        if let Some(v) = env("MOTCUA_DATA_DIR") {
            s.data_dir = v.into()
        }
        if let Some(v) = env("MOTCUA_DATABASE") {
            s.database = Some(v)
        }
        if let Some(v) = env("MOTCUA_DATABASE_URL") {
            s.database = Some(v)
        }
        if let Some(v) = env("MOTCUA_AUDIT_KEY_FILE") {
            s.audit_key_file = Some(v.into())
        }
        if let Some(v) = env("MOTCUA_AUDIT_CHECKPOINT_MINUTES") {
            s.audit_checkpoint_minutes = v
                .parse()
                .context("MOTCUA_AUDIT_CHECKPOINT_MINUTES must be a number of minutes")?
        }
        if let Some(v) = env("MOTCUA_MAX_CONNECTIONS") {
            s.max_connections = v
                .parse()
                .context("MOTCUA_MAX_CONNECTIONS must be a number")?
        }
        if let Some(v) = env("MOTCUA_HEADER_TIMEOUT_SECONDS") {
            s.header_timeout_seconds = v
                .parse()
                .context("MOTCUA_HEADER_TIMEOUT_SECONDS must be a number of seconds")?
        }
        if let Some(v) = env("MOTCUA_DB_MAX_CONNECTIONS") {
            s.db_max_connections = v
                .parse()
                .context("MOTCUA_DB_MAX_CONNECTIONS must be a number")?
        }
        if let Some(v) = env("MOTCUA_DB_STATEMENT_TIMEOUT_MS") {
            s.db_statement_timeout_ms = v
                .parse()
                .context("MOTCUA_DB_STATEMENT_TIMEOUT_MS must be a number of milliseconds")?
        }
        if let Some(v) = env("MOTCUA_DB_ACQUIRE_TIMEOUT_MS") {
            s.db_acquire_timeout_ms = v
                .parse()
                .context("MOTCUA_DB_ACQUIRE_TIMEOUT_MS must be a number of milliseconds")?
        }
        if let Some(v) = env("MOTCUA_LISTEN") {
            s.listen = v
        }
        if let Some(v) = env("MOTCUA_PORT") {
            s.port = v.parse().context("MOTCUA_PORT must be a port number")?
        }
        if let Some(v) = env("MOTCUA_CODE_PATTERN") {
            s.code_pattern = v
        }
        if let Some(v) = env("MOTCUA_OFFICE_HOURS") {
            s.office_hours = v
        }
        if let Some(v) = env("MOTCUA_LOG_FORMAT") {
            s.log_format = v
        }
        if let Some(v) = env("MOTCUA_PUBLIC_URL") {
            s.public_url = Some(v)
        }
        if let Some(v) = env("MOTCUA_ASSISTANT_GENERATOR_URL") {
            s.assistant_generator_url = Some(v)
        }
        if let Some(v) = env("MOTCUA_ASSISTANT_GENERATOR_MODEL") {
            s.assistant_generator_model = v
        }
        if let Some(v) = env("MOTCUA_ASSISTANT_GENERATOR_KEY") {
            s.assistant_generator_key = Some(v)
        }
        if let Some(v) = env("MOTCUA_OIDC_ISSUER") {
            s.oidc_issuer = Some(v)
        }
        if let Some(v) = env("MOTCUA_OIDC_CLIENT_ID") {
            s.oidc_client_id = Some(v)
        }
        if let Some(v) = env("MOTCUA_OIDC_CLIENT_SECRET_FILE") {
            s.oidc_client_secret = Some(read_secret(Path::new(&v))?)
        }
        if let Some(v) = env("MOTCUA_OIDC_CLIENT_SECRET") {
            s.oidc_client_secret = Some(v)
        }
        if let Some(v) = env("MOTCUA_PORTAL_URL") {
            s.portal.url = Some(v)
        }
        if let Some(v) = env("MOTCUA_PORTAL_USERNAME") {
            s.portal.username = v
        }
        if let Some(v) = env("MOTCUA_PORTAL_DSTCODE") {
            s.portal.dstcode = v
        }
        if let Some(v) = env("MOTCUA_PORTAL_PASSWORD_FILE") {
            s.portal.password = Some(read_secret(Path::new(&v))?)
        }
        if let Some(v) = env("MOTCUA_PORTAL_PASSWORD") {
            s.portal.password = Some(v)
        }
        if let Some(v) = env("MOTCUA_PKI_PASSPHRASE_FILE") {
            s.pki_passphrase = Some(read_secret(Path::new(&v))?)
        }
        if let Some(v) = env("MOTCUA_PKI_PASSPHRASE") {
            s.pki_passphrase = Some(v)
        }
        if let Some(v) = env("MOTCUA_DEFER_DOCUMENTS") {
            s.defer_documents = match v.as_str() {
                "true" | "1" => true,
                "false" | "0" => false,
                _ => bail!("MOTCUA_DEFER_DOCUMENTS must be true or false"),
            }
        }
        if let Some(v) = env("MOTCUA_DOCUMENTS_WORKER_SHARE") {
            s.documents_worker_share = v
                .parse()
                .context("MOTCUA_DOCUMENTS_WORKER_SHARE must be a number between 0.05 and 1")?
        }
        if let Some(v) = env("MOTCUA_ESCALATION_RULES_FILE") {
            s.escalation_rules_file = Some(PathBuf::from(v))
        }
        if let Some(v) = env("MOTCUA_KIOSK_RESET_SECONDS") {
            s.kiosk_reset_seconds = v
                .parse()
                .context("MOTCUA_KIOSK_RESET_SECONDS must be a number of seconds")?
        }
        if let Some(v) = &flags.data_dir {
            s.data_dir = v.clone()
        }
        if let Some(v) = &flags.database {
            s.database = Some(v.clone())
        }
        if let Some(v) = &flags.listen {
            s.listen = v.clone()
        }
        if let Some(v) = flags.port {
            s.port = v
        }
        if !matches!(s.log_format.as_str(), "text" | "json") {
            bail!("log_format must be text or json");
        }
        if !(0.05..=1.0).contains(&s.documents_worker_share) {
            bail!("documents_worker_share must be between 0.05 and 1");
        }
        if s.db_max_connections == 0 {
            bail!("db_max_connections must be at least 1");
        }
        s.portal.check()?;
        Ok(s)
    }

    /// The deployment's document engine (forms, signatures, verification).
    pub fn document_engine(&self) -> motcua_documents::Engine {
        motcua_documents::Engine::new(
            &self.data_dir,
            &motcua_documents::EngineSettings {
                passphrase: self.pki_passphrase.clone(),
                auto_issue: self.pki_auto_issue,
            },
        )
    }

    /// Where the audit anchor (checkpoints and key) is kept.
    pub fn anchor(&self) -> crate::anchor::Anchor {
        crate::anchor::Anchor::new(&self.data_dir, self.audit_key_file.as_deref())
    }

    /// Which database to open.
    pub fn database_target(&self) -> DatabaseTarget {
        match &self.database {
            None => DatabaseTarget::Sqlite(self.data_dir.join("motcua.db")),
            Some(v) => DatabaseTarget::parse(v),
        }
    }
}

/// A database: a SQLite file or a PostgreSQL server.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseTarget {
    /// The embedded SQLite store in this file.
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL (`postgres://user:password@host:port/db`).
    Postgres(String),
}

impl DatabaseTarget {
    /// `postgres://…` / `postgresql://…` → PostgreSQL; `sqlite://PATH`, `sqlite:PATH` or a plain
    /// path → SQLite.
    pub fn parse(v: &str) -> Self {
        if v.starts_with("postgres://") || v.starts_with("postgresql://") {
            return DatabaseTarget::Postgres(v.to_owned());
        }
        let path = v
            .strip_prefix("sqlite://")
            .or_else(|| v.strip_prefix("sqlite:"))
            .unwrap_or(v);
        DatabaseTarget::Sqlite(PathBuf::from(path))
    }

    /// For messages and logs: the path, or the URL with any password replaced by `***`.
    pub fn describe(&self) -> String {
        match self {
            DatabaseTarget::Sqlite(p) => p.display().to_string(),
            DatabaseTarget::Postgres(url) => redact_url(url),
        }
    }
}

impl std::fmt::Debug for DatabaseTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

/// `scheme://user:secret@host/…` → `scheme://user:***@host/…`; a `password=` query parameter
/// is masked too.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, tail) = match rest.find(['/', '?']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let authority = match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{user}:***@{host}"),
            None => format!("{userinfo}@{host}"),
        },
        None => authority.to_owned(),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let q: Vec<String> = query
                .split('&')
                .map(|kv| match kv.split_once('=') {
                    Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                    _ => kv.to_owned(),
                })
                .collect();
            format!("{path}?{}", q.join("&"))
        }
        None => tail.to_owned(),
    };
    format!("{scheme}://{authority}{tail}")
}

/// A secret from a file (trailing newline removed).
fn read_secret(path: &Path) -> Result<String> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the secret file {}", path.display()))?;
    Ok(text.trim_end_matches(['\r', '\n']).to_owned())
}
