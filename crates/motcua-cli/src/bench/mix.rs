//! The workload: which operations, in what proportions, by whom, on which dossiers.
//!
//! Each worker plays one site — a commune's one-stop counter (intake, transfer, handing back
//! results) with its People's Committee (specialist and approver) — and carries the dossiers it
//! opened through the lifecycle: received → transfer → assign → finish → return_result. Reads go
//! to dossiers of its site already in the database (the seeded data set) or to its own.

use crate::scenario;
use anyhow::{Result, anyhow};
use motcua_app::ports::DossierFilter;
use motcua_app::{App, StaffActor, Store};
use motcua_domain::access::Role;
use motcua_domain::agency::Agency;
use motcua_domain::calendar::WorkingCalendar;
use motcua_domain::catalogue::Procedure;
use motcua_domain::dossier::ReceivedComponent;
use motcua_domain::ids::{AgencyCode, ProcedureCode};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::VecDeque;
use std::sync::Arc;

/// An operation of the mix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Op {
    /// Counter intake: a new dossier, received at once (`POST /api/v1/dossiers`).
    Intake,
    /// The next lifecycle action on one of the worker's dossiers.
    Action,
    /// A dossier by code (`GET /api/v1/dossiers/{code}`).
    Read,
    /// Public tracking by code and phone (`GET /api/v1/track/{code}`).
    Track,
    /// The competent agency's inbox of dossiers in processing (`GET /api/v1/dossiers`).
    Inbox,
    /// Procedure search (`GET /api/v1/procedures?q=`).
    Search,
}

impl Op {
    /// Name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Op::Intake => "intake",
            Op::Action => "action",
            Op::Read => "read",
            Op::Track => "track",
            Op::Inbox => "inbox",
            Op::Search => "search",
        }
    }

    /// Whether it writes.
    pub fn is_write(self) -> bool {
        matches!(self, Op::Intake | Op::Action)
    }
}

/// The mix (weights out of 100): half writes, as at a morning peak when counters open.
pub const WEIGHTS: [(Op, u32); 6] = [
    (Op::Intake, 15),
    (Op::Action, 35),
    (Op::Read, 20),
    (Op::Track, 15),
    (Op::Inbox, 10),
    (Op::Search, 5),
];

/// Everyday searches.
pub const QUERIES: &[&str] = &[
    "khai sinh",
    "dang ky ket hon",
    "chứng thực bản sao",
    "thường trú",
    "ly lich tu phap",
    "xác nhận tình trạng hôn nhân",
];

/// One site: its agencies, tokens and dossiers already on record.
#[derive(Debug)]
pub struct Site {
    /// The one-stop counter.
    pub counter: Agency,
    /// The People's Committee that decides.
    pub competent: Agency,
    /// Tokens (secret, actor) for the counter officer, specialist and approver.
    pub counter_token: (String, StaffActor),
    /// Specialist.
    pub specialist_token: (String, StaffActor),
    /// Approver.
    pub approver_token: (String, StaffActor),
    /// The specialist account dossiers are assigned to (its user name).
    pub handler: String,
    /// The account as the store's assignment names it.
    pub handler_account: motcua_domain::dossier::Assignee,
    /// (code, phone) of dossiers received here before the run.
    pub known: Vec<(String, String)>,
    /// The counter's working calendar (for the baseline's lifecycle steps).
    pub calendar: Arc<WorkingCalendar>,
}

/// A dossier a worker opened, and where it is in its lifecycle.
#[derive(Debug, Clone)]
pub struct Flight {
    /// Code.
    pub code: String,
    /// Version last seen.
    pub version: i64,
    /// Actions done after intake (0: received).
    pub step: u8,
}

/// A worker's state.
#[derive(Debug)]
pub struct Stage {
    /// Random choices.
    pub rng: StdRng,
    /// The site.
    pub site: Arc<Site>,
    /// Its dossiers in progress, oldest first.
    pub flights: VecDeque<Flight>,
    /// Its recent dossiers (for reads when the site had none).
    pub recent: VecDeque<(String, String)>,
    /// Shared parts.
    pub workload: Arc<Shared>,
}

/// What every worker shares.
#[derive(Debug)]
pub struct Shared {
    /// The procedure filed.
    pub procedure: Arc<Procedure>,
    /// Its required components.
    pub components: Vec<ReceivedComponent>,
}

/// The prepared workload.
#[derive(Debug, Clone)]
pub struct Workload {
    /// Sites, one per worker (round robin).
    pub sites: Vec<Arc<Site>>,
    /// Shared parts.
    pub shared: Arc<Shared>,
    /// Random seed.
    pub seed: u64,
}

/// The procedure filed at counters in the run: certified copies (chứng thực bản sao), the most
/// filed procedure of a commune.
pub const PROCEDURE: &str = "2.000815";

impl Workload {
    /// Creates tokens for `sites` communes spread over the provinces and reads each site's
    /// existing dossiers.
    pub async fn prepare(
        app: &App,
        store: &Arc<dyn Store>,
        sites: usize,
        seed: u64,
    ) -> Result<Self> {
        let procedure = app
            .procedure(&ProcedureCode::parse(PROCEDURE)?, None)
            .await
            .map_err(|e| anyhow!("{e}: run `motcua init` (or `bench seed`) first"))?;
        let components = scenario::required_components(
            procedure
                .case(None)
                .ok_or_else(|| anyhow!("procedure {PROCEDURE} has no case"))?,
        );
        let units = app.units();
        let communes = &units.data().communes;
        if communes.is_empty() {
            return Err(anyhow!(
                "the database has no units: run `motcua init` first"
            ));
        }
        let step = (communes.len() / sites.max(1)).max(1);
        let mut out = Vec::new();
        for i in 0..sites.min(communes.len()) {
            let c = &communes[(i * step + 7) % communes.len()];
            let counter = app
                .agency(&AgencyCode::parse(&format!("{}.TTPVHCC", c.code))?)
                .await
                .map_err(|e| anyhow!("{e}"))?;
            let competent = app
                .agency(&AgencyCode::parse(&format!("{}.UBND", c.code))?)
                .await
                .map_err(|e| anyhow!("{e}"))?;
            let token = |agency: AgencyCode, role: Role| async move {
                let (_, secret, actor) = app
                    .create_token(&agency, role, "motcua bench run")
                    .await
                    .map_err(|e| anyhow!("{e}"))?;
                Ok::<_, anyhow::Error>((secret, actor))
            };
            let known = store
                .list_dossiers(&DossierFilter {
                    agency: Some(counter.code.clone()),
                    limit: 200,
                    ..Default::default()
                })
                .await
                .map_err(|e| anyhow!("{e}"))?
                .into_iter()
                .map(|d| (d.code.to_string(), d.applicant.phone.to_string()))
                .collect();
            let calendar = app
                .calendar_for(&counter)
                .await
                .map_err(|e| anyhow!("{e}"))?;
            // The specialist's account (assignments name real accounts); made on the first run.
            let handler = format!("bench.specialist.{}", c.code);
            let user = match app
                .create_user(
                    "bench",
                    &handler,
                    "Chuyên viên thụ lý (tài khoản benchmark)",
                    &competent.code,
                    Role::Specialist,
                    None,
                )
                .await
            {
                Ok((u, _)) => u,
                Err(_) => store
                    .user_by_name(&motcua_domain::accounts::Username::parse(&handler)?)
                    .await
                    .map_err(|e| anyhow!("{e}"))?
                    .ok_or_else(|| anyhow!("no account {handler}"))?,
            };
            out.push(Arc::new(Site {
                handler_account: motcua_domain::dossier::Assignee {
                    user: user.id,
                    name: user.display_name.clone(),
                },
                handler,
                counter_token: token(counter.code.clone(), Role::CounterOfficer).await?,
                specialist_token: token(competent.code.clone(), Role::Specialist).await?,
                approver_token: token(competent.code.clone(), Role::Approver).await?,
                counter,
                competent,
                known,
                calendar,
            }));
        }
        Ok(Self {
            sites: out,
            shared: Arc::new(Shared {
                procedure,
                components,
            }),
            seed,
        })
    }

    /// The state of worker `w`.
    pub fn stage_for(&self, w: usize) -> Stage {
        Stage {
            rng: StdRng::seed_from_u64(self.seed ^ (w as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)),
            site: self.sites[w % self.sites.len()].clone(),
            flights: VecDeque::new(),
            recent: VecDeque::new(),
            workload: self.shared.clone(),
        }
    }
}

impl Stage {
    /// The next operation: by weight, but an action needs a dossier in progress and a read needs
    /// a dossier to read (an intake is done instead).
    pub fn choose(&mut self, weights: &[(Op, u32)]) -> Op {
        let total: u32 = weights.iter().map(|w| w.1).sum();
        let mut x = self.rng.random_range(0..total);
        let mut op = weights[0].0;
        for (o, w) in weights {
            if x < *w {
                op = *o;
                break;
            }
            x -= w;
        }
        match op {
            Op::Action if self.flights.is_empty() => Op::Intake,
            Op::Read | Op::Track if self.site.known.is_empty() && self.recent.is_empty() => {
                Op::Intake
            }
            other => other,
        }
    }

    /// A dossier to read: (code, phone).
    pub fn target(&mut self) -> (String, String) {
        let from_known =
            !self.site.known.is_empty() && (self.recent.is_empty() || self.rng.random_bool(0.7));
        if from_known {
            scenario::pick(&mut self.rng, &self.site.known).clone()
        } else {
            let i = self.rng.random_range(0..self.recent.len());
            self.recent[i].clone()
        }
    }

    /// Records a dossier this worker opened.
    pub fn opened(&mut self, code: String, version: i64, phone: String) {
        self.recent.push_back((code.clone(), phone));
        if self.recent.len() > 256 {
            self.recent.pop_front();
        }
        self.flights.push_back(Flight {
            code,
            version,
            step: 0,
        });
    }

    /// After an action succeeded: the dossier moves on, or leaves the queue when returned.
    pub fn advanced(&mut self, mut f: Flight, version: i64) {
        f.version = version;
        f.step += 1;
        if f.step < 4 {
            self.flights.push_back(f);
        }
    }

    /// A fresh applicant for an intake.
    pub fn applicant(&mut self) -> motcua_domain::dossier::Applicant {
        let province = self.site.counter.province_code.to_string();
        scenario::person(
            &mut self.rng,
            format!("{} (bench)", self.site.counter.name),
            &province,
        )
    }
}
