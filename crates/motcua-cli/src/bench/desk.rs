//! `motcua bench desk`: the officer's search (issue #32) over the data set, through the use
//! case (`App::list_dossiers`, the query the inbox and `GET /api/v1/dossiers?q=` make), as the
//! counter officers of random communes and the administrators of their provinces: by the
//! applicant's full name, by the name typed without diacritics with its last word half typed,
//! by the family name alone (a common word: the worst case), by phone, identity number and
//! code — each a search for a dossier on record, p50/p95/p99 per kind. The target: well under
//! 100 ms on 5 million dossiers (PostgreSQL).

use super::load::{OpReport, Samples};
use crate::settings::Settings;
use crate::setup::{self, Db};
use anyhow::{Result, anyhow};
use motcua_app::Actor;
use motcua_app::ports::{DossierFilter, StatusFilter};
use motcua_domain::access::Role;
use motcua_domain::dossier::DossierListing;
use motcua_domain::dossier::search::SearchQuery;
use motcua_domain::ids::AgencyCode;
use motcua_domain::text::fold;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Instant;

/// The kinds of search measured.
const KINDS: [&str; 7] = [
    "name_full",
    "name_folded_partial",
    "family_name_only",
    "phone",
    "id_number",
    "code",
    "name_province",
];

/// The figures of a run.
#[derive(Debug, Serialize)]
pub struct DeskReport {
    /// Dossiers in the store.
    pub dossiers: i64,
    /// Communes whose counters searched.
    pub communes: usize,
    /// Per kind.
    pub searches: BTreeMap<&'static str, OpReport>,
    /// Rows found per kind (the page is at most 50).
    pub found: BTreeMap<&'static str, u64>,
}

/// Runs `runs` searches of each kind.
pub async fn desk_cmd(s: &Settings, db: &Db, runs: usize, seed: u64, json: bool) -> Result<()> {
    if runs == 0 || runs > 10_000 {
        return Err(anyhow!("1–10,000 runs"));
    }
    let app = setup::open_app(s, db.store()).await?;
    let store = db.store();
    let units = app.units();
    let mut rng = StdRng::seed_from_u64(seed);
    let communes: Vec<_> = units
        .provinces()
        .iter()
        .flat_map(|p| units.communes_of(&p.code))
        .collect();
    // The counters of up to 40 communes with dossiers on record, each with a page of its
    // dossiers to search for.
    let mut sites: Vec<(Actor, Actor, Vec<DossierListing>)> = Vec::new();
    let mut tries = 0;
    while sites.len() < 40 && tries < 400 {
        tries += 1;
        let c = communes[rng.random_range(0..communes.len())];
        let Ok(center) = app
            .agency(&AgencyCode::parse(&format!("{}.TTPVHCC", c.code))?)
            .await
        else {
            continue;
        };
        let page = store
            .list_dossiers(&DossierFilter {
                agency: Some(center.code.clone()),
                status: StatusFilter::Open,
                limit: 50,
                ..Default::default()
            })
            .await
            .map_err(|e| anyhow!("{e}"))?;
        if page.is_empty() {
            continue;
        }
        let (_, _, counter) = app
            .create_token(&center.code, Role::CounterOfficer, "motcua bench desk")
            .await
            .map_err(|e| anyhow!("{e}"))?;
        let province = AgencyCode::parse(&format!("{}.UBND", center.province_code))?;
        let (_, _, admin) = app
            .create_token(&province, Role::ProvinceAdmin, "motcua bench desk")
            .await
            .map_err(|e| anyhow!("{e}"))?;
        sites.push((Actor::Staff(counter), Actor::Staff(admin), page));
    }
    if sites.is_empty() {
        return Err(anyhow!(
            "no commune has dossiers: run `motcua bench seed` first"
        ));
    }
    let mut samples: BTreeMap<&'static str, Samples> = BTreeMap::new();
    let mut found: BTreeMap<&'static str, u64> = BTreeMap::new();
    let started = Instant::now();
    for _ in 0..runs {
        for kind in KINDS {
            let (counter, admin, page) = &sites[rng.random_range(0..sites.len())];
            let d = &page[rng.random_range(0..page.len())];
            let folded = fold(&d.applicant.name);
            let words: Vec<&str> = folded.split(' ').collect();
            let typed = match kind {
                "name_full" | "name_province" => d.applicant.name.clone(),
                "name_folded_partial" => {
                    let mut w: Vec<String> = words.iter().map(|x| (*x).to_owned()).collect();
                    if let Some(last) = w.last_mut() {
                        *last = last.chars().take(2).collect();
                    }
                    w.join(" ")
                }
                "family_name_only" => words[0].to_owned(),
                "phone" => d.applicant.phone.to_string(),
                "id_number" => d.applicant.id_number.to_string(),
                _ => d.code.to_string(),
            };
            let actor = if kind == "name_province" {
                admin
            } else {
                counter
            };
            let f = DossierFilter {
                status: StatusFilter::Open,
                search: SearchQuery::parse(&typed).map_err(|e| anyhow!("{typed}: {e}"))?,
                limit: 50,
                ..Default::default()
            };
            let t = Instant::now();
            let r = app.list_dossiers(actor, f).await;
            let elapsed = t.elapsed();
            // Found, or a full page of others like it (a common family name).
            let outcome = match &r {
                Ok(rows) if rows.len() == 50 || rows.iter().any(|x| x.code == d.code) => Ok(()),
                Ok(_) => Err(format!("{kind} {typed:?} did not find {}", d.code)),
                Err(e) => Err(e.to_string()),
            };
            *found.entry(kind).or_default() += r.map(|x| x.len() as u64).unwrap_or(0);
            samples.entry(kind).or_default().record(elapsed, outcome);
        }
    }
    let secs = started.elapsed().as_secs_f64();
    let report = DeskReport {
        dossiers: store.count_dossiers().await.map_err(|e| anyhow!("{e}"))?,
        communes: sites.len(),
        searches: samples
            .into_iter()
            .map(|(k, s)| (k, OpReport::from(s, secs)))
            .collect(),
        found,
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    println!(
        "{} dossiers, the counters of {} communes and their provinces' administrators, {runs} searches of each kind:",
        report.dossiers, report.communes
    );
    println!(
        "{:<22} {:>8} {:>8} {:>8} {:>8} {:>7} {:>9}",
        "search", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors", "rows/run"
    );
    for (k, r) in &report.searches {
        println!(
            "{k:<22} {:>8.2} {:>8.2} {:>8.2} {:>8.2} {:>7} {:>9.1}",
            r.p50_ms,
            r.p95_ms,
            r.p99_ms,
            r.max_ms,
            r.errors,
            report.found.get(k).copied().unwrap_or(0) as f64 / runs as f64
        );
        for e in &r.error_examples {
            println!("    {e}");
        }
    }
    Ok(())
}
