//! `motcua bench run`: a mixed workload through the HTTP API, then the same database statements
//! issued directly through the store at the same concurrency (the baseline), in one run.
//!
//! Bounded: loopback addresses only, at most [`MAX_DURATION`] per phase and [`MAX_CONCURRENCY`]
//! workers. Open-loop pacing (`--rate`) measures latency from each request's scheduled start, so
//! a slow server cannot hide its queueing (no coordinated omission).

use super::mix::{Op, Stage, WEIGHTS, Workload};
use anyhow::{Context, Result, anyhow, bail};
use serde::Serialize;
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Longest a phase may run.
pub const MAX_DURATION: Duration = Duration::from_secs(600);
/// Longest warm-up before a phase is measured.
pub const MAX_WARMUP: Duration = Duration::from_secs(60);
/// Most concurrent workers.
pub const MAX_CONCURRENCY: usize = 512;

/// Latencies and errors of one operation.
#[derive(Debug, Default, Clone)]
pub struct Samples {
    /// Microseconds per successful operation.
    pub micros: Vec<u32>,
    /// Failed operations.
    pub errors: u64,
    /// A few error descriptions (status and code), for the report.
    pub examples: Vec<String>,
}

impl Samples {
    /// Records one outcome.
    pub fn record(&mut self, elapsed: Duration, outcome: Result<(), String>) {
        match outcome {
            Ok(()) => self
                .micros
                .push(u32::try_from(elapsed.as_micros()).unwrap_or(u32::MAX)),
            Err(e) => {
                self.errors += 1;
                if self.examples.len() < 5 && !self.examples.contains(&e) {
                    self.examples.push(e);
                }
            }
        }
    }

    /// Adds another worker's samples.
    pub fn merge(&mut self, other: Samples) {
        self.micros.extend(other.micros);
        self.errors += other.errors;
        for e in other.examples {
            if self.examples.len() < 5 && !self.examples.contains(&e) {
                self.examples.push(e);
            }
        }
    }
}

/// One operation's figures.
#[derive(Debug, Clone, Serialize)]
pub struct OpReport {
    /// Successful operations.
    pub count: u64,
    /// Successful operations per second.
    pub throughput: f64,
    /// Median latency.
    pub p50_ms: f64,
    /// 95th percentile.
    pub p95_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// Largest.
    pub max_ms: f64,
    /// Failed operations.
    pub errors: u64,
    /// Examples of errors.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub error_examples: Vec<String>,
}

/// Percentile (nearest rank) of sorted microseconds, in milliseconds.
pub fn percentile_ms(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    let i = rank.clamp(1, sorted.len()) - 1;
    f64::from(sorted[i]) / 1000.0
}

fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

impl OpReport {
    /// The figures of `s` over `secs` seconds.
    pub fn from(mut s: Samples, secs: f64) -> Self {
        s.micros.sort_unstable();
        let count = s.micros.len() as u64;
        Self {
            count,
            throughput: round(count as f64 / secs),
            p50_ms: round(percentile_ms(&s.micros, 50.0)),
            p95_ms: round(percentile_ms(&s.micros, 95.0)),
            p99_ms: round(percentile_ms(&s.micros, 99.0)),
            max_ms: round(s.micros.last().map_or(0.0, |m| f64::from(*m) / 1000.0)),
            errors: s.errors,
            error_examples: s.examples,
        }
    }
}

/// One second of a phase: the operations scheduled in it and how long they took — where a
/// stall of the machine (a checkpoint, the minute sweep, a burst of forms) shows as a slow second.
#[derive(Debug, Clone, Serialize)]
pub struct SecondReport {
    /// Seconds since the phase started.
    pub second: u32,
    /// Successful operations.
    pub ops: u64,
    /// Failed operations.
    pub errors: u64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// Largest.
    pub max_ms: f64,
}

/// What one worker measured: by operation, and by the second each operation was scheduled in.
#[derive(Debug, Default)]
pub struct WorkerSamples {
    /// By operation.
    pub by_op: BTreeMap<Op, Samples>,
    /// By second since the phase started.
    pub by_second: BTreeMap<u32, Samples>,
}

impl WorkerSamples {
    /// Records one outcome of `op`, scheduled `second` seconds into the phase.
    pub fn record(&mut self, op: Op, second: u32, elapsed: Duration, outcome: Result<(), String>) {
        self.by_second
            .entry(second)
            .or_default()
            .record(elapsed, outcome.clone());
        self.by_op.entry(op).or_default().record(elapsed, outcome);
    }
}

/// A phase's figures.
#[derive(Debug, Clone, Serialize)]
pub struct PhaseReport {
    /// Seconds measured.
    pub seconds: f64,
    /// All successful operations per second.
    pub throughput: f64,
    /// Writes (intake and lifecycle actions) per second.
    pub write_throughput: f64,
    /// Reads per second.
    pub read_throughput: f64,
    /// Failed operations.
    pub errors: u64,
    /// Per operation.
    pub operations: BTreeMap<&'static str, OpReport>,
    /// All writes together.
    pub writes: OpReport,
    /// All reads together.
    pub reads: OpReport,
    /// Where the CPU went.
    pub cpu: Option<CpuReport>,
    /// When the phase's measurement started (UTC, RFC 3339; after the warm-up), to set the
    /// timeline beside the server's and the database's logs.
    pub started_at: Option<String>,
    /// Second by second.
    pub timeline: Vec<SecondReport>,
}

impl PhaseReport {
    /// The `n` seconds with the highest 99th percentile, worst first.
    pub fn slowest_seconds(&self, n: usize) -> Vec<&SecondReport> {
        let mut v: Vec<&SecondReport> = self.timeline.iter().collect();
        v.sort_by(|a, b| b.p99_ms.total_cmp(&a.p99_ms).then(a.second.cmp(&b.second)));
        v.truncate(n);
        v
    }
}

/// Sums per-worker samples into a report.
pub fn phase_report(per_worker: Vec<WorkerSamples>, secs: f64) -> PhaseReport {
    let mut all: BTreeMap<Op, Samples> = BTreeMap::new();
    let mut seconds: BTreeMap<u32, Samples> = BTreeMap::new();
    for w in per_worker {
        for (op, s) in w.by_op {
            all.entry(op).or_default().merge(s);
        }
        for (second, s) in w.by_second {
            seconds.entry(second).or_default().merge(s);
        }
    }
    let timeline = seconds
        .into_iter()
        .map(|(second, s)| {
            let r = OpReport::from(s, 1.0);
            SecondReport {
                second,
                ops: r.count,
                errors: r.errors,
                p99_ms: r.p99_ms,
                max_ms: r.max_ms,
            }
        })
        .collect();
    let (mut writes, mut reads) = (Samples::default(), Samples::default());
    for (op, s) in &all {
        if op.is_write() {
            writes.merge(s.clone());
        } else {
            reads.merge(s.clone());
        }
    }
    let operations: BTreeMap<&'static str, OpReport> = all
        .into_iter()
        .map(|(op, s)| (op.name(), OpReport::from(s, secs)))
        .collect();
    let writes = OpReport::from(writes, secs);
    let reads = OpReport::from(reads, secs);
    PhaseReport {
        seconds: round(secs),
        throughput: round(writes.throughput + reads.throughput),
        write_throughput: writes.throughput,
        read_throughput: reads.throughput,
        errors: writes.errors + reads.errors,
        operations,
        writes,
        reads,
        cpu: None,
        started_at: None,
        timeline,
    }
}

/// Refuses anything but a loopback address: the benchmark never loads another machine.
pub fn check_loopback(url: &str) -> Result<()> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| anyhow!("--url must be http://127.0.0.1:PORT (loopback only)"))?;
    let authority = rest.split('/').next().unwrap_or("");
    let host = if let Some(h) = authority.strip_prefix('[') {
        h.split(']').next().unwrap_or("")
    } else {
        authority.rsplit_once(':').map_or(authority, |x| x.0)
    };
    let ok = host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
    if !ok {
        bail!("--url must be a loopback address (127.0.0.1, ::1 or localhost), not {host:?}");
    }
    Ok(())
}

/// How a phase runs.
#[derive(Debug, Clone)]
pub struct Pace {
    /// How long.
    pub duration: Duration,
    /// Workers.
    pub concurrency: usize,
    /// Total operations per second for all workers (`None`: as fast as possible).
    pub rate: Option<f64>,
    /// Load run before the measured `duration`, recorded nowhere.
    pub warmup: Duration,
}

impl Pace {
    /// Checks the bounds.
    pub fn checked(self) -> Result<Self> {
        if self.duration.is_zero() || self.duration > MAX_DURATION {
            bail!("--duration must be 1–{} seconds", MAX_DURATION.as_secs());
        }
        if self.concurrency == 0 || self.concurrency > MAX_CONCURRENCY {
            bail!("--concurrency must be 1–{MAX_CONCURRENCY}");
        }
        if let Some(r) = self.rate
            && !(r > 0.0 && r <= 100_000.0)
        {
            bail!("--rate must be between 0 and 100000 operations per second");
        }
        if self.warmup > MAX_WARMUP {
            bail!("--warmup must be at most {} seconds", MAX_WARMUP.as_secs());
        }
        Ok(self)
    }
}

/// Something that performs operations: the HTTP client or the direct store.
#[async_trait::async_trait]
pub trait Driver: Send + Sync + 'static {
    /// Performs `op` for `worker`; the outcome is `Err(description)` on failure.
    async fn perform(&self, worker: &mut Stage, op: Op) -> Result<(), String>;
}

/// Runs `driver` with the workload's mix for the pace; returns per-worker samples and the
/// seconds measured.
pub async fn run_phase<D: Driver>(
    driver: Arc<D>,
    workload: &Workload,
    pace: &Pace,
) -> Result<(Vec<WorkerSamples>, f64)> {
    let stop = Arc::new(AtomicBool::new(false));
    // Operations scheduled before `started` (the warm-up) are performed but not recorded.
    let started = Instant::now() + pace.warmup;
    let mut tasks = Vec::new();
    for w in 0..pace.concurrency {
        let driver = driver.clone();
        let stop = stop.clone();
        let mut stage = workload.stage_for(w);
        let interval = pace
            .rate
            .map(|r| Duration::from_secs_f64(pace.concurrency as f64 / r));
        tasks.push(tokio::spawn(async move {
            let mut samples = WorkerSamples::default();
            // Workers start spread over one interval so paced load is smooth.
            let mut next = Instant::now()
                + interval.map_or(Duration::ZERO, |i| i.mul_f64(w as f64 / 64.0 % 1.0));
            while !stop.load(Ordering::Relaxed) {
                if interval.is_some() {
                    let now = Instant::now();
                    if next > now {
                        tokio::time::sleep_until(next.into()).await;
                    }
                }
                let scheduled = if interval.is_some() {
                    next
                } else {
                    Instant::now()
                };
                let op = stage.choose(&WEIGHTS);
                let outcome = driver.perform(&mut stage, op).await;
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                if scheduled >= started {
                    let second = scheduled.duration_since(started).as_secs();
                    samples.record(
                        op,
                        u32::try_from(second).unwrap_or(u32::MAX),
                        scheduled.elapsed(),
                        outcome,
                    );
                }
                if let Some(i) = interval {
                    next += i;
                }
            }
            samples
        }));
    }
    tokio::time::sleep(pace.warmup + pace.duration).await;
    stop.store(true, Ordering::Relaxed);
    let secs = started.elapsed().as_secs_f64();
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.context("worker")?);
    }
    Ok((out, secs))
}

/// Runs a phase and reports it with the CPU each component used meanwhile.
pub async fn measured_phase<D: Driver>(
    driver: Arc<D>,
    workload: &Workload,
    pace: &Pace,
    server_pid: Option<u32>,
) -> Result<PhaseReport> {
    let before = CpuMark::now(server_pid);
    let started_at = (time::OffsetDateTime::now_utc() + pace.warmup)
        .format(&time::format_description::well_known::Rfc3339)
        .ok();
    let (samples, secs) = run_phase(driver, workload, pace).await?;
    let after = CpuMark::now(server_pid);
    let mut r = phase_report(samples, secs);
    r.started_at = started_at;
    r.cpu = Some(before.report(after, r.writes.count + r.reads.count));
    Ok(r)
}

/// The server's memory, read from /proc (Linux): (resident now, peak resident) in MiB.
pub fn server_memory_mib(pid: u32) -> Option<(f64, f64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| -> Option<f64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(round(kb / 1024.0))
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

/// CPU seconds (user + system) a process has used, from /proc (Linux; 100 ticks a second).
pub fn cpu_seconds(pid: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces) start at field 3.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// CPU seconds of every PostgreSQL process on this machine (the server under test runs here).
pub fn postgres_cpu_seconds() -> f64 {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return 0.0;
    };
    dir.filter_map(Result::ok)
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|pid| pid.bytes().all(|b| b.is_ascii_digit()))
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .is_ok_and(|c| c.trim() == "postgres")
        })
        .filter_map(|pid| cpu_seconds(&pid))
        .sum()
}

/// Where the CPU went during a phase: seconds per component, and per thousand operations.
#[derive(Debug, Clone, Serialize)]
pub struct CpuReport {
    /// The motcua server (when its pid is known).
    pub server_s: Option<f64>,
    /// PostgreSQL processes on this machine (0 for SQLite).
    pub postgres_s: f64,
    /// This load generator.
    pub client_s: f64,
    /// Server CPU milliseconds per operation.
    pub server_ms_per_op: Option<f64>,
    /// PostgreSQL CPU milliseconds per operation.
    pub postgres_ms_per_op: f64,
    /// Load generator CPU milliseconds per operation.
    pub client_ms_per_op: f64,
}

/// CPU counters at one instant.
#[derive(Debug, Clone, Copy)]
pub struct CpuMark {
    server: Option<f64>,
    postgres: f64,
    client: f64,
}

impl CpuMark {
    /// Reads the counters now.
    pub fn now(server_pid: Option<u32>) -> Self {
        Self {
            server: server_pid.and_then(|p| cpu_seconds(&p.to_string())),
            postgres: postgres_cpu_seconds(),
            client: cpu_seconds("self").unwrap_or(0.0),
        }
    }

    /// The CPU used since `self` for `ops` operations.
    pub fn report(self, later: CpuMark, ops: u64) -> CpuReport {
        let per = |s: f64| round(s * 1000.0 / ops.max(1) as f64);
        let server = later.server.zip(self.server).map(|(b, a)| round(b - a));
        let postgres = round(later.postgres - self.postgres);
        let client = round(later.client - self.client);
        CpuReport {
            server_s: server,
            postgres_s: postgres,
            client_s: client,
            server_ms_per_op: server.map(per),
            postgres_ms_per_op: per(postgres),
            client_ms_per_op: per(client),
        }
    }
}
