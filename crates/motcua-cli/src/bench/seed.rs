//! `motcua bench seed`: a realistic national data set, generated through the dossier lifecycle
//! of the domain (every event sealed onto its chain, every due date computed by the working
//! calendar) and bulk-loaded (COPY on PostgreSQL, batched transactions on SQLite).
//!
//! Dossiers are spread over every commune of the 34 provinces, procedures by a skewed
//! popularity (a few take most dossiers), submission times over the two years before `now` in
//! office hours, and each follows a plan of `crate::scenario` as far as its time allows — so
//! recent dossiers are open in every state and older ones finished, returned, refused, withdrawn
//! or stopped.

use crate::scenario::{self, Filing, POPULAR, Roles};
use anyhow::{Context, Result, anyhow};
use motcua_app::dossiers::seal_event;
use motcua_app::ports::{BulkBatch, StoredEvent};
use motcua_app::{App, AppSettings, Store};
use motcua_domain::VN_OFFSET;
use motcua_domain::agency::Level;
use motcua_domain::calendar::WorkingCalendar;
use motcua_domain::catalogue::{Channel, Procedure};
use motcua_domain::dossier::code::CodePattern;
use motcua_domain::dossier::{ActionContext, Dossier, NewDossier};
use motcua_domain::ids::{AgencyCode, ProvinceCode, UnitCode};
use motcua_domain::units::Commune;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Arc;
use time::{Duration, OffsetDateTime};

/// What to generate.
#[derive(Debug, Clone)]
pub struct SeedOptions {
    /// Number of dossiers.
    pub dossiers: usize,
    /// Dossiers per bulk transaction.
    pub batch: usize,
    /// Random seed (the same seed and `now` give the same data set).
    pub seed: u64,
    /// The end of the two-year window.
    pub now: OffsetDateTime,
}

/// What was loaded.
#[derive(Debug, Clone, Default)]
pub struct SeedReport {
    /// Dossiers written.
    pub dossiers: usize,
    /// Events written.
    pub events: usize,
    /// Dossiers per status.
    pub by_status: Vec<(String, usize)>,
}

/// Everything the generator needs, read once.
struct World {
    procedures: Vec<(Arc<Procedure>, f64)>,
    total_weight: f64,
    communes: Vec<Commune>,
    province_names: HashMap<ProvinceCode, String>,
    calendars: HashMap<ProvinceCode, Arc<WorkingCalendar>>,
    pattern: CodePattern,
}

/// Popularity: the procedures of [`POPULAR`] with their weights, every other procedure of the
/// catalogue after them on a Zipf tail (weight 1/rank).
fn weights(all: &[Procedure]) -> Vec<(Arc<Procedure>, f64)> {
    let mut out: Vec<(Arc<Procedure>, f64)> = Vec::new();
    for (code, w) in POPULAR {
        if let Some(p) = all.iter().find(|p| p.code.as_str() == *code) {
            out.push((Arc::new(p.clone()), f64::from(*w)));
        }
    }
    let mut rank = 1.0;
    for p in all {
        if !out.iter().any(|(q, _)| q.code == p.code) && p.case(None).is_some() {
            out.push((Arc::new(p.clone()), 2.0 / rank));
            rank += 1.0;
        }
    }
    out
}

fn actor_id(agency: &str, role: &str) -> String {
    let h = Sha256::digest(format!("bench-seed|{agency}|{role}").as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&h[..16]);
    format!("token:{}", uuid::Uuid::from_bytes(b))
}

/// The data set's account of `role` at `agency` as an assignment or a draft names it (the same
/// id as its actor's).
fn bench_account(agency: &str, role: &str) -> motcua_domain::dossier::Assignee {
    let h = Sha256::digest(format!("bench-seed|{agency}|{role}").as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&h[..16]);
    motcua_domain::dossier::Assignee {
        user: uuid::Uuid::from_bytes(b),
        name: format!(
            "{} {agency}",
            if role == "approver" {
                "Lãnh đạo phê duyệt"
            } else {
                "Chuyên viên thụ lý"
            }
        ),
    }
}

/// (actor id, agency) as recorded in events.
type Who = (String, String);

impl World {
    async fn load(app: &App, store: &Arc<dyn Store>, settings: &AppSettings) -> Result<Self> {
        let units = app.units();
        let data = units.data();
        let procedures = weights(&app.procedures().await.map_err(|e| anyhow!("{e}"))?);
        if procedures.is_empty() {
            return Err(anyhow!("the catalogue is empty; run `motcua init` first"));
        }
        let total_weight = procedures.iter().map(|p| p.1).sum();
        let mut calendars = HashMap::new();
        for p in &data.provinces {
            let years = store
                .holiday_years(&p.code)
                .await
                .map_err(|e| anyhow!("{e}"))?;
            calendars.insert(
                p.code.clone(),
                Arc::new(WorkingCalendar::new(
                    settings.default_office_hours.clone(),
                    years,
                )),
            );
        }
        Ok(Self {
            procedures,
            total_weight,
            communes: data.communes.clone(),
            province_names: data
                .provinces
                .iter()
                .map(|p| (p.code.clone(), p.name.clone()))
                .collect(),
            calendars,
            pattern: settings.code_pattern.clone(),
        })
    }

    fn procedure(&self, rng: &mut StdRng) -> &Arc<Procedure> {
        let mut w = rng.random_range(0.0..self.total_weight);
        for (p, pw) in &self.procedures {
            if w < *pw {
                return p;
            }
            w -= pw;
        }
        &self.procedures[self.procedures.len() - 1].0
    }
}

/// One dossier's whole history, or `None` when its plan was refused by the lifecycle at
/// opening (it then is not generated).
fn one(
    w: &World,
    rng: &mut StdRng,
    now: OffsetDateTime,
    seqs: &mut HashMap<String, (ProvinceCode, u64)>,
) -> Result<Option<(Dossier, Vec<StoredEvent>, String)>> {
    let commune = scenario::pick(rng, &w.communes).clone();
    let procedure = w.procedure(rng).clone();
    let province = commune.province_code.clone();
    let cal = w
        .calendars
        .get(&province)
        .ok_or_else(|| anyhow!("no calendar for {province}"))?
        .clone();
    let provincial = procedure.competent_agency_kind.level() != Level::Commune;
    // Provincial procedures are filed at the province's centre or, boundary-free, at a commune.
    let at_province = provincial && rng.random_bool(0.5);
    let center = if at_province {
        format!("{province}.TTPVHCC")
    } else {
        format!("{}.TTPVHCC", commune.code)
    };
    let suffix = procedure.competent_agency_kind.suffix();
    let competent = if provincial {
        format!("{province}.{suffix}")
    } else {
        format!("{}.{suffix}", commune.code)
    };
    let online = procedure
        .offer(Channel::Online)
        .is_some_and(|o| o.channel == Channel::Online)
        && rng.random_bool(0.3);
    // Two years back, in office hours.
    let back = Duration::minutes(rng.random_range(60..730 * 24 * 60));
    let (t0, _) = cal.next_office_instant(now - back);
    if t0 >= now {
        return Ok(None);
    }
    let case = procedure
        .case(None)
        .ok_or_else(|| anyhow!("procedure {} has no case", procedure.code))?;
    let components = scenario::required_components(case);
    let address = format!(
        "{}, {}",
        commune.name,
        w.province_names
            .get(&province)
            .map(String::as_str)
            .unwrap_or("")
    );
    let applicant = scenario::person(rng, address, province.as_str());
    let unit_for_code = if at_province {
        province.to_string()
    } else {
        commune.code.to_string()
    };
    let prefix = w
        .pattern
        .prefix(&unit_for_code, &center, t0.to_offset(VN_OFFSET).date());
    let entry = seqs.entry(prefix.clone()).or_insert((province.clone(), 0));
    entry.1 += 1;
    let code = w
        .pattern
        .code(&prefix, entry.1)
        .map_err(|e| anyhow!("{e}"))?;
    let who = |agency: &str, role: &str| -> Who { (actor_id(agency, role), agency.to_owned()) };
    let counter = who(&center, "counter_officer");
    let specialist = who(&competent, "specialist");
    let approver = who(&competent, "approver");
    let opener: Who = if online {
        ("applicant".into(), String::new())
    } else {
        counter.clone()
    };
    let n = NewDossier {
        id: uuid::Uuid::now_v7(),
        code,
        province_code: province.clone(),
        case_code: None,
        channel: if online {
            Channel::Online
        } else {
            Channel::Direct
        },
        receiving_unit: UnitCode::parse(commune.code.as_str()).map_err(|e| anyhow!("{e}"))?,
        receiving_agency: AgencyCode::parse(&center).map_err(|e| anyhow!("{e}"))?,
        competent_agency: AgencyCode::parse(&competent).map_err(|e| anyhow!("{e}"))?,
        applicant,
        summary: String::new(),
        components,
        receive_now: !online,
        routing: None,
        linked: None,
        declaration: None,
        result_delivery: None,
        support_point: None,
    };
    let ctx = |t| ActionContext {
        now: t,
        calendar: &cal,
        procedure: &procedure,
    };
    let Ok((d, first)) = Dossier::open(n, ctx(t0)) else {
        return Ok(None);
    };
    let ev = seal_event(&d, &first, &opener.0, &opener.1, &d.last_event_hash);
    let mut d = Dossier {
        last_event_hash: ev.hash.clone(),
        ..d
    };
    let mut events = vec![ev];
    let roll: u32 = rng.random_range(0..100);
    let plan = scenario::plan(
        rng,
        Filing {
            roll,
            online,
            first_component: case.components.first().map(|c| c.code.clone()),
            competent: &d.competent_agency,
            procedure_name: &procedure.name,
            year: t0.year(),
        },
        &Roles {
            // The data set's accounts: one per agency and role, as its actors are.
            handler: bench_account(&competent, "specialist"),
            approver_account: bench_account(&competent, "approver"),
            counter,
            specialist,
            approver,
        },
    );
    let mut t = t0;
    for ((actor, agency), mut cmd) in plan.steps {
        let next = scenario::next_time(rng, &cal, t, plan.late);
        if next >= now {
            break;
        }
        t = next;
        scenario::prepare(&mut cmd, &d, &cal, t);
        let Ok((nd, draft)) = d.apply(&cmd, ctx(t)) else {
            break;
        };
        let ev = seal_event(&nd, &draft, &actor, &agency, &d.last_event_hash);
        d = Dossier {
            last_event_hash: ev.hash.clone(),
            ..nd
        };
        events.push(ev);
    }
    Ok(Some((d, events, prefix)))
}

/// Generates and loads the data set, calling `progress` with the number of dossiers loaded.
pub async fn seed(
    app: &App,
    store: Arc<dyn Store>,
    settings: &AppSettings,
    opts: &SeedOptions,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<SeedReport> {
    let world = Arc::new(World::load(app, &store, settings).await?);
    let batch = opts.batch.max(1);
    // The generator runs on a blocking thread while the previous batch is being written.
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Result<BulkBatch>>(2);
    let (total, seed, now) = (opts.dossiers, opts.seed, opts.now);
    let gen_world = world.clone();
    let generator = tokio::task::spawn_blocking(move || {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut seqs: HashMap<String, (ProvinceCode, u64)> = HashMap::new();
        let mut made = 0;
        while made < total {
            let mut b = BulkBatch::default();
            let mut touched: Vec<String> = Vec::new();
            while b.dossiers.len() < batch && made < total {
                match one(&gen_world, &mut rng, now, &mut seqs) {
                    Ok(Some((d, evs, prefix))) => {
                        touched.push(prefix);
                        b.dossiers.push((d, evs));
                        made += 1;
                    }
                    Ok(None) => {}
                    Err(e) => {
                        let _ = tx.blocking_send(Err(e));
                        return;
                    }
                }
            }
            touched.sort();
            touched.dedup();
            b.sequences = touched
                .into_iter()
                .filter_map(|p| seqs.get(&p).map(|(prov, n)| (prov.clone(), p, *n)))
                .collect();
            if tx.blocking_send(Ok(b)).is_err() {
                return;
            }
        }
    });
    let mut report = SeedReport::default();
    let mut by_status: HashMap<String, usize> = HashMap::new();
    while let Some(b) = rx.recv().await {
        let b = b?;
        store
            .bulk_load(&b)
            .await
            .map_err(|e| anyhow!("{e}"))
            .context("bulk load")?;
        report.dossiers += b.dossiers.len();
        for (d, evs) in &b.dossiers {
            report.events += evs.len();
            *by_status.entry(d.status.as_str().to_owned()).or_default() += 1;
        }
        progress(report.dossiers);
    }
    generator.await.context("generator")?;
    let mut v: Vec<_> = by_status.into_iter().collect();
    v.sort();
    report.by_status = v;
    Ok(report)
}
