//! `motcua authority check|load`: the authority registry's checker and rule loading.

use super::{block_on, with_app};
use crate::args::AuthorityWhat;
use crate::settings::Settings;
use anyhow::{Result, anyhow, bail};
use motcua_app::App;
use motcua_domain::authority::{AuthorityReport, AuthorityRule};
use motcua_domain::ids::ProvinceCode;
use std::path::Path;

/// The demo's illustrative rules (marked `example`): a planted overlap at Phường Phan Thiết
/// (22945) and a planted gap at Đặc khu Phú Quý (23272), so the checker has something to show.
pub const DEMO_RULES: &str = include_str!("../../../../data/authority/demo-rules.json");

/// Runs `motcua authority …`. `check --strict` exits with 1 when the registry has a gap or an
/// overlap.
pub(crate) fn run(s: Settings, what: AuthorityWhat) -> Result<()> {
    match what {
        AuthorityWhat::Check {
            province,
            date,
            json,
            strict,
        } => {
            let clean = block_on(with_app(&s, async |app| {
                check(app, province.as_deref(), date.as_deref(), json).await
            }))?;
            if strict && !clean {
                std::process::exit(1);
            }
            Ok(())
        }
        AuthorityWhat::Load { file } => block_on(with_app(&s, async |app| {
            let n = load(app, &file).await?;
            println!("{n} rule(s) added");
            Ok(())
        })),
    }
}

fn parse_rules(json: &str) -> Result<Vec<AuthorityRule>> {
    serde_json::from_str(json).map_err(|e| anyhow!("authority rules: {e}"))
}

/// Loads the demo's rules (once; rules already there are skipped).
pub async fn load_demo(app: &App) -> Result<usize> {
    app.load_authority_rules(&parse_rules(DEMO_RULES)?)
        .await
        .map_err(|e| anyhow!("{e}"))
}

/// Loads rules from a file.
pub async fn load(app: &App, file: &Path) -> Result<usize> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| anyhow!("cannot read {}: {e}", file.display()))?;
    app.load_authority_rules(&parse_rules(&text)?)
        .await
        .map_err(|e| anyhow!("{e}"))
}

/// Runs the checker; returns true when nothing needs attention.
pub async fn check(
    app: &App,
    province: Option<&str>,
    date: Option<&str>,
    json: bool,
) -> Result<bool> {
    let date = date
        .map(|d| {
            motcua_domain::calendar::parse_iso_date(d)
                .ok_or_else(|| anyhow!("--date must be YYYY-MM-DD"))
        })
        .transpose()?;
    let provinces: Vec<ProvinceCode> = match province {
        Some(p) => vec![ProvinceCode::parse(p).map_err(|e| anyhow!("--province: {e}"))?],
        None => app
            .units()
            .provinces()
            .iter()
            .map(|p| p.code.clone())
            .collect(),
    };
    if provinces.is_empty() {
        bail!("the database has no units; run `motcua init` first");
    }
    let mut reports = Vec::new();
    for p in &provinces {
        reports.push(
            app.authority_check(p, date)
                .await
                .map_err(|e| anyhow!("{e}"))?,
        );
    }
    let clean = reports.iter().all(AuthorityReport::is_clean);
    if json {
        let out = if province.is_some() {
            serde_json::to_value(&reports[0])?
        } else {
            merged(&reports)?
        };
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        for r in &reports {
            print_report(r);
        }
    }
    Ok(clean)
}

/// Every province's findings in one object of the same shape as one report's, each finding
/// tagged with its `province`.
fn merged(reports: &[AuthorityReport]) -> Result<serde_json::Value> {
    let keys = [
        "overlaps",
        "gaps",
        "expired_delegations",
        "dangling_delegations",
        "level_changes",
    ];
    let mut out = serde_json::Map::new();
    out.insert(
        "date".into(),
        serde_json::to_value(reports.first().map(|r| r.date))?,
    );
    out.insert(
        "provinces".into(),
        serde_json::to_value(reports.iter().map(|r| &r.province).collect::<Vec<_>>())?,
    );
    for k in keys {
        let mut all = Vec::new();
        for r in reports {
            let v = serde_json::to_value(r)?;
            for mut item in v[k].as_array().cloned().unwrap_or_default() {
                item["province"] = serde_json::to_value(&r.province)?;
                all.push(item);
            }
        }
        out.insert(k.into(), serde_json::Value::Array(all));
    }
    Ok(serde_json::Value::Object(out))
}

fn print_report(r: &AuthorityReport) {
    println!(
        "province {} on {}: {} procedures × {} communes, {} rules",
        r.province, r.date, r.procedures, r.units, r.rules
    );
    if r.is_clean() {
        println!("  no overlap, no gap, no expired or dangling delegation, no level change");
        return;
    }
    for o in &r.overlaps {
        println!(
            "  OVERLAP {} {}: {} competent by {} in {} commune(s): {}",
            o.procedure,
            o.procedure_name,
            o.agencies
                .iter()
                .map(|a| a.as_str())
                .collect::<Vec<_>>()
                .join(" + "),
            o.rules.join(", "),
            o.units.len(),
            o.units
                .iter()
                .take(10)
                .map(|u| u.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
    for g in &r.gaps {
        println!(
            "  GAP {} {}: {} — in {} commune(s): {}",
            g.procedure,
            g.procedure_name,
            g.reason,
            g.units.len(),
            g.units
                .iter()
                .take(10)
                .map(|u| u.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
    for e in &r.expired_delegations {
        println!(
            "  EXPIRED delegation {} (ended {}; {}) with no successor",
            e.rule, e.valid_to, e.legal_basis
        );
    }
    for d in &r.dangling_delegations {
        println!(
            "  DANGLING delegation {}: agency {} does not exist{}",
            d.rule,
            d.agency,
            d.merged_into
                .as_ref()
                .map(|u| format!(" (its commune merged into {u})"))
                .unwrap_or_default()
        );
    }
    for l in &r.level_changes {
        println!(
            "  LEVEL {} {}: {:?} → {:?} by {}",
            l.procedure,
            l.procedure_name,
            l.from,
            l.to,
            l.by.join(", ")
        );
    }
}
