//! `motcua bench`: the national data set (`seed`), the mixed HTTP workload with its database
//! baseline (`run`), the baseline alone (`baseline`), the monitoring reads (`dashboard`);
//! `documents` lives in `commands::pki`.

pub mod baseline;
pub mod dashboard;
pub mod desk;
pub mod http;
pub mod load;
pub mod mix;
pub mod seed;

use crate::settings::Settings;
use crate::setup::{self, Db};
use anyhow::{Result, anyhow};
use load::{Pace, PhaseReport};
use mix::Workload;
use serde::Serialize;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// `bench seed`: init the reference data if needed, then generate and load.
pub async fn seed_cmd(
    s: &Settings,
    db: &Db,
    dossiers: usize,
    batch: usize,
    seed: u64,
) -> Result<()> {
    let (app, _) = setup::init(s, db.store()).await?;
    let bar = indicatif::ProgressBar::new(dossiers as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{elapsed_precise} [{bar:40}] {pos}/{len} dossiers ({per_sec}, eta {eta})",
        )?
        .progress_chars("=> "),
    );
    let started = Instant::now();
    let report = seed::seed(
        &app,
        db.store(),
        &setup::app_settings(s)?,
        &seed::SeedOptions {
            dossiers,
            batch,
            seed,
            now: time::OffsetDateTime::now_utc(),
        },
        &|n| {
            bar.set_position(n as u64);
            // Without a terminal (a log file, CI) the bar is hidden: a line per tenth instead.
            let tenth = (dossiers / 10).max(1);
            if bar.is_hidden() && (n / tenth) != (n.saturating_sub(batch) / tenth) {
                eprintln!(
                    "{n}/{dossiers} dossiers loaded ({:.0} s)",
                    started.elapsed().as_secs_f64()
                );
            }
        },
    )
    .await?;
    bar.finish();
    let load_secs = started.elapsed().as_secs_f64();
    db.analyze().await?;
    println!(
        "loaded {} dossiers and {} events into {} in {:.1} s ({:.0} dossiers/s), then analyzed in {:.1} s",
        report.dossiers,
        report.events,
        s.database_target().describe(),
        load_secs,
        report.dossiers as f64 / load_secs,
        started.elapsed().as_secs_f64() - load_secs,
    );
    for (status, n) in &report.by_status {
        println!("  {status:<22} {n}");
    }
    Ok(())
}

/// Options of `bench run` and `bench baseline`.
#[derive(Debug, Clone)]
pub struct RunArgs {
    /// Server address (loopback); `None` for the baseline alone.
    pub url: Option<String>,
    /// Phase length.
    pub duration: Duration,
    /// Workers.
    pub concurrency: usize,
    /// Paced total rate.
    pub rate: Option<f64>,
    /// Unmeasured load before each phase.
    pub warmup: Duration,
    /// Sites (communes) the workers play.
    pub sites: usize,
    /// Skip the baseline.
    pub no_baseline: bool,
    /// The server's process id, to report its memory.
    pub server_pid: Option<u32>,
    /// Print JSON.
    pub json: bool,
}

#[derive(Debug, Serialize)]
struct RunReport {
    url: Option<String>,
    database: String,
    concurrency: usize,
    rate: Option<f64>,
    warmup_s: f64,
    duration_s: f64,
    /// API operations per second (all operations of the mix).
    throughput: Option<f64>,
    write_throughput: Option<f64>,
    /// The same mix's database statements per second, issued directly.
    baseline_throughput: Option<f64>,
    baseline_write_throughput: Option<f64>,
    /// throughput ÷ baseline_throughput.
    ratio: Option<f64>,
    /// write_throughput ÷ baseline_write_throughput.
    write_ratio: Option<f64>,
    errors: u64,
    operations: Option<std::collections::BTreeMap<&'static str, load::OpReport>>,
    api: Option<PhaseReport>,
    baseline: Option<PhaseReport>,
    server_rss_mib: Option<f64>,
    server_peak_rss_mib: Option<f64>,
}

fn ratio(a: f64, b: f64) -> Option<f64> {
    (b > 0.0).then(|| (a / b * 1000.0).round() / 1000.0)
}

/// `bench run` (with a URL) and `bench baseline` (without).
pub async fn run_cmd(s: &Settings, db: &Db, args: &RunArgs) -> Result<()> {
    let pace = Pace {
        duration: args.duration,
        concurrency: args.concurrency,
        rate: args.rate,
        warmup: args.warmup,
    }
    .checked()?;
    if let Some(url) = &args.url {
        load::check_loopback(url)?;
    }
    let app = setup::open_app(s, db.store()).await?;
    let seed = 0x766;
    let workload = Workload::prepare(&app, &db.store(), args.sites.max(1), seed).await?;
    // The baseline first: the API phase leaves forms for the server's worker to render, which
    // must not take CPU from the baseline.
    let baseline = if args.no_baseline {
        None
    } else {
        let driver = Arc::new(baseline::StoreDriver::new(
            db.store(),
            setup::app_settings(s)?.code_pattern,
        ));
        Some(load::measured_phase(driver, &workload, &pace, None).await?)
    };
    let api = match &args.url {
        Some(url) => {
            let driver = Arc::new(http::HttpDriver::new(url)?);
            Some(load::measured_phase(driver, &workload, &pace, args.server_pid).await?)
        }
        None => None,
    };
    let memory = args.server_pid.and_then(load::server_memory_mib);
    let report = RunReport {
        url: args.url.clone(),
        database: s.database_target().describe(),
        concurrency: args.concurrency,
        rate: args.rate,
        warmup_s: args.warmup.as_secs_f64(),
        duration_s: args.duration.as_secs_f64(),
        throughput: api.as_ref().map(|a| a.throughput),
        write_throughput: api.as_ref().map(|a| a.write_throughput),
        baseline_throughput: baseline.as_ref().map(|b| b.throughput),
        baseline_write_throughput: baseline.as_ref().map(|b| b.write_throughput),
        ratio: api
            .as_ref()
            .zip(baseline.as_ref())
            .and_then(|(a, b)| ratio(a.throughput, b.throughput)),
        write_ratio: api
            .as_ref()
            .zip(baseline.as_ref())
            .and_then(|(a, b)| ratio(a.write_throughput, b.write_throughput)),
        errors: api.as_ref().map_or(0, |a| a.errors) + baseline.as_ref().map_or(0, |b| b.errors),
        operations: api.as_ref().map(|a| a.operations.clone()),
        api,
        baseline,
        server_rss_mib: memory.map(|m| m.0),
        server_peak_rss_mib: memory.map(|m| m.1),
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    println!(
        "database {}, {} workers{}, {} s per phase{}",
        report.database,
        report.concurrency,
        report
            .rate
            .map(|r| format!(" paced at {r} ops/s"))
            .unwrap_or_default(),
        report.duration_s,
        if report.warmup_s > 0.0 {
            format!(" after {} s unmeasured", report.warmup_s)
        } else {
            String::new()
        }
    );
    for (name, phase) in [("API", &report.api), ("baseline", &report.baseline)] {
        let Some(p) = phase else { continue };
        println!(
            "\n{name}: {:.0} ops/s ({:.0} writes/s, {:.0} reads/s), {} errors",
            p.throughput, p.write_throughput, p.read_throughput, p.errors
        );
        println!(
            "  {:<8} {:>8} {:>9} {:>8} {:>8} {:>8} {:>8} {:>7}",
            "op", "count", "ops/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors"
        );
        let rows = p
            .operations
            .iter()
            .map(|(k, v)| (*k, v))
            .chain([("writes", &p.writes), ("reads", &p.reads)]);
        if let Some(c) = &p.cpu {
            println!(
                "  CPU: server {} s ({} ms/op), PostgreSQL {} s ({} ms/op), load generator {} s ({} ms/op)",
                c.server_s.map_or("?".into(), |v| v.to_string()),
                c.server_ms_per_op.map_or("?".into(), |v| v.to_string()),
                c.postgres_s,
                c.postgres_ms_per_op,
                c.client_s,
                c.client_ms_per_op
            );
        }
        for (op, r) in rows {
            println!(
                "  {op:<8} {:>8} {:>9.1} {:>8.2} {:>8.2} {:>8.2} {:>8.2} {:>7}",
                r.count, r.throughput, r.p50_ms, r.p95_ms, r.p99_ms, r.max_ms, r.errors
            );
            for e in &r.error_examples {
                println!("           error: {e}");
            }
        }
        let slowest = p.slowest_seconds(5);
        if !slowest.is_empty() {
            println!("  slowest seconds (by p99; the whole timeline is in --json):");
            for sec in slowest {
                println!(
                    "    second {:>3}: {} ops, {} errors, p99 {:.2} ms, max {:.2} ms",
                    sec.second, sec.ops, sec.errors, sec.p99_ms, sec.max_ms
                );
            }
        }
    }
    if let Some(r) = report.ratio {
        println!(
            "\nratio = API throughput ÷ baseline throughput = {r} (writes: {})",
            report.write_ratio.map_or("-".into(), |w| w.to_string())
        );
    }
    if let (Some(rss), Some(peak)) = (report.server_rss_mib, report.server_peak_rss_mib) {
        println!("server memory: {rss} MiB resident, {peak} MiB peak");
    }
    if report.errors > 0
        && report
            .api
            .as_ref()
            .is_some_and(|a| a.errors > a.writes.count / 100)
    {
        return Err(anyhow!("more than 1 % of API operations failed"));
    }
    Ok(())
}
