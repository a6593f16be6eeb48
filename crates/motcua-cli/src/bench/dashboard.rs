//! `motcua bench dashboard`: the monitoring reads through the HTTP API of a running server —
//! the live indicators of a province, a commune or an agency and the 766 index — for random
//! units and periods over the data set's two years, with p50/p95/p99 per report. The target
//! (issue #7) is p95 under 200 ms over 5 million dossiers.

use super::load::{OpReport, Samples, check_loopback};
use crate::settings::Settings;
use crate::setup::{self, Db};
use anyhow::{Result, anyhow};
use motcua_domain::access::Role;
use motcua_domain::ids::AgencyCode;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The figures of a run.
#[derive(Debug, Serialize)]
pub struct DashboardReport {
    /// The server.
    pub url: String,
    /// Workers.
    pub concurrency: usize,
    /// Seconds.
    pub duration_s: f64,
    /// Per report: `kpis_province`, `kpis_commune`, `kpis_agency`, `index_province`,
    /// `index_commune`.
    pub reports: BTreeMap<&'static str, OpReport>,
}

const KINDS: [&str; 5] = [
    "kpis_province",
    "kpis_commune",
    "kpis_agency",
    "index_province",
    "index_commune",
];

/// Runs the reads for `duration` with `concurrency` workers.
pub async fn dashboard_cmd(
    s: &Settings,
    db: &Db,
    url: &str,
    duration: Duration,
    concurrency: usize,
    json: bool,
) -> Result<()> {
    check_loopback(url)?;
    if duration > Duration::from_secs(600) || concurrency == 0 || concurrency > 64 {
        return Err(anyhow!("at most 600 s and 1–64 workers"));
    }
    let app = setup::open_app(s, db.store()).await?;
    let units = app.units();
    let provinces: Vec<String> = units
        .provinces()
        .iter()
        .map(|p| p.code.to_string())
        .collect();
    // One administrator token per province (created for the run, like `bench run`'s).
    let mut tokens = BTreeMap::new();
    for p in &provinces {
        let agency = AgencyCode::parse(&format!("{p}.UBND"))?;
        let (_, secret, _) = app
            .create_token(&agency, Role::Admin, "bench dashboard")
            .await
            .map_err(|e| anyhow!("token for {agency}: {e}"))?;
        tokens.insert(p.clone(), secret);
    }
    let communes: Vec<(String, String)> = provinces
        .iter()
        .flat_map(|p| {
            units
                .communes_of(&p.parse().expect("province code"))
                .into_iter()
                .map(|c| (c.code.to_string(), p.clone()))
                .collect::<Vec<_>>()
        })
        .collect();
    let tokens = Arc::new(tokens);
    let communes = Arc::new(communes);
    let provinces = Arc::new(provinces);
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()?;
    let base = url.trim_end_matches('/').to_owned();
    let year = time::OffsetDateTime::now_utc().year();
    let started = Instant::now();
    let mut workers = Vec::new();
    for w in 0..concurrency {
        let (client, base, tokens, communes, provinces) = (
            client.clone(),
            base.clone(),
            tokens.clone(),
            communes.clone(),
            provinces.clone(),
        );
        workers.push(tokio::spawn(async move {
            let mut rng = StdRng::seed_from_u64(766 + w as u64);
            let mut samples: BTreeMap<&'static str, Samples> = BTreeMap::new();
            while started.elapsed() < duration {
                let kind = KINDS[rng.random_range(0..KINDS.len())];
                let (commune, commune_province) = &communes[rng.random_range(0..communes.len())];
                let province = &provinces[rng.random_range(0..provinces.len())];
                let period = match rng.random_range(0..3) {
                    0 => format!("year={}", year - rng.random_range(0..2)),
                    1 => format!(
                        "year={}&quarter={}",
                        year - rng.random_range(0..2),
                        rng.random_range(1..=4)
                    ),
                    _ => format!(
                        "year={}&month={}",
                        year - rng.random_range(0..2),
                        rng.random_range(1..=12)
                    ),
                };
                let (path, unit, token_province) = match kind {
                    "kpis_province" => ("kpis", province.clone(), province),
                    "kpis_commune" => ("kpis", commune.clone(), commune_province),
                    "kpis_agency" => ("kpis", format!("{commune}.UBND"), commune_province),
                    "index_province" => ("index", province.clone(), province),
                    _ => ("index", commune.clone(), commune_province),
                };
                let mut req =
                    client.get(format!("{base}/api/v1/reports/{path}?unit={unit}&{period}"));
                if path == "kpis" {
                    req = req.bearer_auth(&tokens[token_province]);
                }
                let t0 = Instant::now();
                let outcome = match req.send().await {
                    Ok(r) if r.status().is_success() => r
                        .bytes()
                        .await
                        .map(|_| ())
                        .map_err(|e| format!("body: {e}")),
                    Ok(r) => Err(format!("{}", r.status().as_u16())),
                    Err(e) => Err(format!("transport: {e}")),
                };
                samples
                    .entry(kind)
                    .or_default()
                    .record(t0.elapsed(), outcome);
            }
            samples
        }));
    }
    let mut all: BTreeMap<&'static str, Samples> = BTreeMap::new();
    for w in workers {
        for (k, s) in w.await? {
            all.entry(k).or_default().merge(s);
        }
    }
    let secs = started.elapsed().as_secs_f64();
    let report = DashboardReport {
        url: url.to_owned(),
        concurrency,
        duration_s: secs,
        reports: all
            .into_iter()
            .map(|(k, s)| (k, OpReport::from(s, secs)))
            .collect(),
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!("{concurrency} workers, {secs:.0} s");
        println!(
            "{:<16} {:>7} {:>9} {:>9} {:>9} {:>9} {:>7}",
            "report", "count", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors"
        );
        for (k, r) in &report.reports {
            println!(
                "{k:<16} {:>7} {:>9.1} {:>9.1} {:>9.1} {:>9.1} {:>7}",
                r.count, r.p50_ms, r.p95_ms, r.p99_ms, r.max_ms, r.errors
            );
        }
    }
    Ok(())
}
