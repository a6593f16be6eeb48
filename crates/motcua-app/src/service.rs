//! The application service: the store, the clock, settings, and in-memory caches of slowly
//! changing reference data (units, catalogue, calendars).
//!
//! The use cases are methods of [`App`], one module per area: `accounts` (staff accounts,
//! sessions, the security log), `assistant`, `audit` (the hash chains), `authority` (competence,
//! routing, the registry), `catalogue`, `citizens`, `documents` (forms, signatures, verification),
//! `dossiers` (intake, actions, reads, consultations), `drafts` (online applications),
//! `escalation`, `integrity`, `linked`, `monitoring` (the 766 index, live indicators, the
//! dashboard), `staffing` and `tokens`; the health check (`App::health`) is here.

use crate::error::AppError;
use crate::ports::{Clock, Store};
use motcua_domain::access::{Jurisdiction, Place, Role};
use motcua_domain::agency::Agency;
use motcua_domain::calendar::{OfficeHours, WorkingCalendar};
use motcua_domain::catalogue::Procedure;
use motcua_domain::dossier::code::CodePattern;
use motcua_domain::ids::{AgencyCode, ProcedureCode, ProvinceCode, UnitCode};
use motcua_domain::units::UnitDirectory;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use uuid::Uuid;

/// Working calendars by province and unit (a unit's office hours, its province's holidays).
type CalendarCache = HashMap<(ProvinceCode, Option<UnitCode>), Arc<WorkingCalendar>>;
type VersionCache = HashMap<(ProcedureCode, u32), Arc<Procedure>>;

/// Settings the use cases need.
#[derive(Debug, Clone, Default)]
pub struct AppSettings {
    /// Dossier code pattern.
    pub code_pattern: CodePattern,
    /// Office hours for units without their own.
    pub default_office_hours: OfficeHours,
    /// Store the forms an action issues as jobs in its transaction and render them after the
    /// commit (a worker, or the first reader); otherwise render them before the commit.
    pub defer_documents: bool,
    /// Escalation rules; `None`: the shipped `data/escalation/rules.json`.
    pub escalation_rules: Option<Vec<motcua_domain::escalation::EscalationRule>>,
    /// Staff session timeouts.
    pub sessions: motcua_domain::accounts::SessionPolicy,
    /// Lock-out after failed logins.
    pub lockout: motcua_domain::accounts::LockoutPolicy,
}

/// How a staff member proved who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Principal {
    /// A scoped service token (integrations, the bench, scripts): `Authorization: Bearer`.
    Token,
    /// A person's account, signed in with a password: a session cookie.
    Account,
}

/// A staff member: a person's account or a scoped service token, with a role held at a home
/// agency and the jurisdiction that follows from them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffActor {
    /// Account or token id (with `principal`, the actor recorded in events).
    pub id: Uuid,
    /// Account or token.
    pub principal: Principal,
    /// The home agency.
    pub agency: AgencyCode,
    /// The home agency's province.
    pub province: ProvinceCode,
    /// The role.
    pub role: Role,
    /// Where the role reaches.
    pub jurisdiction: Jurisdiction,
    /// The officer's name as printed on forms (an account's display name, a token's label).
    pub label: String,
}

impl StaffActor {
    /// The actor of `role` at `home` (the jurisdiction follows from them).
    pub fn new(id: Uuid, principal: Principal, home: &Agency, role: Role, label: String) -> Self {
        StaffActor {
            id,
            principal,
            agency: home.code.clone(),
            province: home.province_code.clone(),
            role,
            jurisdiction: Jurisdiction::of(role, home),
            label,
        }
    }

    /// The actor id recorded in events and logs (`user:<id>` or `token:<id>`).
    pub fn actor_id(&self) -> String {
        match self.principal {
            Principal::Token => format!("token:{}", self.id),
            Principal::Account => format!("user:{}", self.id),
        }
    }
}

/// Who is calling a use case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// Staff, scoped to an agency.
    Staff(StaffActor),
    /// Anyone (online submission, public tracking).
    Public,
    /// The system acting on its own, e.g. opening the next step of a linked application when
    /// its prerequisite finished (`name` says what, and is recorded as the actor).
    System(String),
    /// The applicant of a dossier, signed in (their number as the identity provider vouched
    /// for it): the actions the law gives the applicant, e.g. answering a supplement request.
    Applicant(motcua_domain::ids::CitizenId),
}

impl Actor {
    /// The actor id recorded in events.
    pub fn id(&self) -> String {
        match self {
            Actor::Staff(s) => s.actor_id(),
            Actor::Public => "applicant".into(),
            Actor::System(name) => format!("system:{name}"),
            Actor::Applicant(id) => format!("applicant:{}", id.masked()),
        }
    }

    /// The agency recorded in events.
    pub fn agency(&self) -> String {
        match self {
            Actor::Staff(s) => s.agency.to_string(),
            Actor::Public | Actor::System(_) | Actor::Applicant(_) => String::new(),
        }
    }
}

/// The application: every use case is a method (see the `dossiers`, `catalogue`, `tokens` and
/// `audit` modules).
#[derive(Clone)]
pub struct App {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) settings: AppSettings,
    pub(crate) units: Arc<RwLock<Arc<UnitDirectory>>>,
    pub(crate) catalogue: Arc<RwLock<Option<Arc<Vec<Procedure>>>>>,
    /// The search index of `catalogue` (cleared with it).
    pub(crate) search: Arc<RwLock<Option<Arc<crate::assistant::SearchState>>>>,
    /// The optional generator that rephrases the assistant's answers.
    pub(crate) generator: Option<Arc<motcua_search::generator::Generator>>,
    /// Set while the index is rebuilt in the background.
    pub(crate) search_refreshing: Arc<std::sync::atomic::AtomicBool>,
    pub(crate) calendars: Arc<RwLock<CalendarCache>>,
    /// Agencies read so far (cleared when agencies are registered). Every action reads two or
    /// three; they change only by registration.
    pub(crate) agencies: Arc<RwLock<HashMap<AgencyCode, Agency>>>,
    /// Procedure versions read so far: a stored version never changes, so it is never stale.
    pub(crate) versions: Arc<RwLock<VersionCache>>,
    /// Tokens recently authenticated (by secret hash), for at most `tokens::TOKEN_CACHE_TTL`.
    pub(crate) tokens: Arc<RwLock<crate::tokens::TokenCache>>,
    /// Each province's authority registry and agencies (cleared when a rule or agency changes).
    pub(crate) authority:
        Arc<RwLock<HashMap<ProvinceCode, Arc<crate::authority::ProvinceAuthority>>>>,
    /// Held while a province's registry is loaded into `authority`.
    pub(crate) authority_loading: Arc<tokio::sync::Mutex<()>>,
    pub(crate) documents: Option<Arc<dyn crate::documents::DocumentEngine>>,
    pub(crate) public_url: String,
    /// The escalation sweep's watch list (`crate::escalation`).
    pub(crate) sweep: Arc<crate::escalation::Sweeper>,
    /// Failed logins by (name, address) and by name (`crate::accounts::LoginThrottle`).
    pub(crate) logins: Arc<std::sync::Mutex<crate::accounts::LoginThrottle>>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl App {
    /// Builds the application and loads the unit directory from the store.
    pub async fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        settings: AppSettings,
    ) -> Result<Self, AppError> {
        let units = store.load_units().await?;
        Ok(Self {
            store,
            clock,
            settings,
            units: Arc::new(RwLock::new(Arc::new(UnitDirectory::new(units)))),
            catalogue: Arc::new(RwLock::new(None)),
            search: Arc::default(),
            search_refreshing: Arc::default(),
            generator: None,
            calendars: Arc::new(RwLock::new(HashMap::new())),
            agencies: Arc::default(),
            versions: Arc::default(),
            tokens: Arc::default(),
            authority: Arc::default(),
            authority_loading: Arc::default(),
            documents: None,
            public_url: "http://127.0.0.1:8080".into(),
            sweep: Arc::default(),
            logins: Arc::default(),
        })
    }

    /// The database answers (one `SELECT 1`; `/healthz`).
    pub async fn health(&self) -> Result<(), AppError> {
        Ok(self.store.ping().await?)
    }

    /// The store (for the CLI's maintenance commands).
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// The clock reading.
    pub fn now(&self) -> time::OffsetDateTime {
        self.clock.now()
    }

    /// The unit directory.
    pub fn units(&self) -> Arc<UnitDirectory> {
        self.units.read().expect("units lock").clone()
    }

    /// Reloads the unit directory from the store (after an import).
    pub async fn reload_units(&self) -> Result<(), AppError> {
        let data = self.store.load_units().await?;
        *self.units.write().expect("units lock") = Arc::new(UnitDirectory::new(data));
        Ok(())
    }

    /// Whether `staff`'s jurisdiction covers `agency` (an unknown agency is covered by no one
    /// but a system administrator).
    pub async fn covers(&self, staff: &StaffActor, agency: &AgencyCode) -> bool {
        match &staff.jurisdiction {
            Jurisdiction::Agency(a) => a == agency,
            Jurisdiction::Country => true,
            j => match self.agency(agency).await {
                Ok(a) => j.covers(Place::from(&a)),
                Err(_) => false,
            },
        }
    }

    /// An agency by code, or `agency.not_found`.
    pub async fn agency(&self, code: &AgencyCode) -> Result<Agency, AppError> {
        if let Some(a) = self.agencies.read().expect("agency lock").get(code) {
            return Ok(a.clone());
        }
        let a =
            self.store.agency(code).await?.ok_or_else(|| {
                AppError::not_found("agency.not_found", format!("no agency {code}"))
            })?;
        self.agencies
            .write()
            .expect("agency lock")
            .insert(code.clone(), a.clone());
        Ok(a)
    }

    /// The working calendar of an agency: its unit's office hours (or the default) and its
    /// province's holiday tables.
    pub async fn calendar_for(&self, agency: &Agency) -> Result<Arc<WorkingCalendar>, AppError> {
        let key = (agency.province_code.clone(), agency.unit_code.clone());
        if let Some(c) = self.calendars.read().expect("calendar lock").get(&key) {
            return Ok(c.clone());
        }
        let years = self.store.holiday_years(&agency.province_code).await?;
        let office = match &agency.unit_code {
            Some(u) => self.store.office_hours(u).await?,
            None => None,
        }
        .unwrap_or_else(|| self.settings.default_office_hours.clone());
        let cal = Arc::new(WorkingCalendar::new(office, years));
        self.calendars
            .write()
            .expect("calendar lock")
            .insert(key, cal.clone());
        Ok(cal)
    }

    pub(crate) fn invalidate_calendars(&self) {
        self.calendars.write().expect("calendar lock").clear();
        self.sweep.calendars_changed();
    }
}
