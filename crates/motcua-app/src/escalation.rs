//! Applying the escalation rules (issue #7): a background job (every minute in `serve`) asks
//! each rule (`motcua_domain::escalation`) whether it fires for the open dossiers whose clocks
//! may have run out, in the dossier's working calendar, and records one notice per rule,
//! dossier and clock. Running it twice, concurrently, or after a crash adds nothing twice (the
//! notice's key is unique in the store).
//!
//! The sweep keeps its watch list in memory instead of re-reading it every minute (which, on
//! five million dossiers, sorted 53,000 rows with their data each minute and still looked at no
//! more than 2,000 of them). For each watched dossier it holds the few facts the rules read and
//! the instant before which no rule can fire ([`assess`]); a run looks only at the dossiers whose
//! instant has come. What can change that instant is covered three ways:
//! - time: the window of due dates moves with the clock; each run reads only the slice that
//!   entered it since the last run (a keyset page per province);
//! - this server's writes: intake and every action hand the dossier's new facts to the sweep
//!   ([`App::escalation_saw`]); it looks at them at its next run;
//! - anything else (another server, a calendar edit, a restart): the whole watch list is read
//!   again every [`RELOAD_EVERY`] and after a calendar change, and a notice about to be made
//!   from facts older than this run is checked against the stored dossier first.

use crate::AppError;
use crate::ports::{DOSSIERS_PER_READ, Notice, WatchCursor, WatchPage, WatchScope};
use crate::service::{Actor, App};
use motcua_domain::calendar::WorkingCalendar;
use motcua_domain::dossier::{Dossier, Status};
use motcua_domain::escalation::{Clock, ClockFacts, EscalationRule, Verdict, assess, notice_key};
use motcua_domain::ids::{AgencyCode, DossierCode, ProvinceCode};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use time::OffsetDateTime;
use uuid::Uuid;

/// The shipped rules (`data/escalation/rules.json`, checked by the domain's tests).
const SHIPPED: &str = include_str!("../../../data/escalation/rules.json");

/// Dossiers read per page when the watch list is loaded.
const PAGE: u32 = 1_000;

/// Dossiers assessed between two yields to the requests served on the same thread.
const YIELD_EVERY: usize = 128;

/// Lets the requests on this thread go first after every [`YIELD_EVERY`] items: thousands of
/// dossiers can fall due in one minute (all written since the last run, or a day's closing at
/// 11:30).
async fn yield_to_requests(n: usize) {
    if n % YIELD_EVERY == YIELD_EVERY - 1 {
        tokio::task::yield_now().await;
    }
}

/// How often the whole watch list is read again from the store.
pub const RELOAD_EVERY: time::Duration = time::Duration::hours(1);

/// Changes held for the next run at most; past this the next run reloads everything instead.
const MAX_PENDING_CHANGES: usize = 500_000;

/// What one run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EscalationRun {
    /// Dossiers whose rules were asked.
    pub checked: usize,
    /// Notices made.
    pub created: u64,
    /// Dossiers on the watch list after the run.
    pub watched: usize,
    /// Whether the run read the whole watch list from the store.
    pub reloaded: bool,
}

/// One watched dossier: what the rules read, and what a notice names.
#[derive(Debug, Clone)]
struct Watched {
    facts: ClockFacts,
    version: i64,
    code: DossierCode,
    province: ProvinceCode,
    receiving_agency: AgencyCode,
    current_agency: AgencyCode,
    /// Rules (by index) that have fired for these facts.
    fired: Vec<usize>,
    /// Read from the store, or written by this server, since the last run.
    fresh: bool,
}

impl Watched {
    fn of(d: &Dossier) -> Self {
        Self {
            facts: ClockFacts::of(d),
            version: d.version,
            code: d.code.clone(),
            province: d.province_code.clone(),
            receiving_agency: d.receiving_agency.clone(),
            current_agency: d.current_agency.clone(),
            fired: Vec::new(),
            fresh: true,
        }
    }
}

/// The watch list.
#[derive(Debug, Default)]
struct WatchList {
    /// Watched dossiers by id, each with the instant it is next looked at.
    watched: HashMap<Uuid, (Watched, OffsetDateTime)>,
    /// The same instants, in order.
    queue: BTreeSet<(OffsetDateTime, Uuid)>,
    /// Open dossiers due before this are loaded.
    horizon: Option<OffsetDateTime>,
    /// When the whole list was last read from the store.
    loaded_at: Option<OffsetDateTime>,
}

impl WatchList {
    /// Takes `w` in (unless a newer version is held), to be looked at `at`.
    fn offer(&mut self, mut w: Watched, at: OffsetDateTime) {
        let id = w.facts.id;
        if let Some((held, when)) = self.watched.get(&id) {
            if held.version > w.version {
                return;
            }
            if held.version == w.version {
                w.fired = held.fired.clone();
            }
            self.queue.remove(&(*when, id));
        }
        self.queue.insert((at, id));
        self.watched.insert(id, (w, at));
    }

    fn schedule(&mut self, id: Uuid, at: Option<OffsetDateTime>) {
        let Some((_, when)) = self.watched.get(&id) else {
            return;
        };
        self.queue.remove(&(*when, id));
        match at {
            Some(t) => {
                self.queue.insert((t, id));
                if let Some(e) = self.watched.get_mut(&id) {
                    e.1 = t;
                }
            }
            None => {
                self.watched.remove(&id);
            }
        }
    }
}

/// Dossiers written since the last run.
#[derive(Debug, Default)]
struct Changes {
    /// Collected only once the sweep has started (before, the first run reads everything).
    collecting: bool,
    list: Vec<Watched>,
    /// More than [`MAX_PENDING_CHANGES`] came: the next run reloads.
    overflowed: bool,
}

/// The sweep's state, shared by the clones of an [`App`].
#[derive(Debug, Default)]
pub(crate) struct Sweeper {
    list: tokio::sync::Mutex<WatchList>,
    changes: std::sync::Mutex<Changes>,
    /// A calendar changed: the next run reloads.
    calendars_changed: AtomicBool,
}

impl Sweeper {
    pub(crate) fn calendars_changed(&self) {
        self.calendars_changed.store(true, Ordering::Relaxed);
    }
}

/// What the rules say of one watched dossier now.
struct Outcome {
    id: Uuid,
    fires: Vec<usize>,
    next: Option<OffsetDateTime>,
}

impl App {
    /// The rules in force.
    pub fn escalation_rules(&self) -> Vec<EscalationRule> {
        match &self.settings.escalation_rules {
            Some(r) => r.clone(),
            None => serde_json::from_str(SHIPPED).unwrap_or_else(|e| {
                tracing::error!(error = %e, "the shipped escalation rules do not parse");
                Vec::new()
            }),
        }
    }

    /// Hands a dossier just written to the sweep (intake and every action call it).
    pub(crate) fn escalation_saw(&self, d: &Dossier) {
        let mut c = self.sweep.changes.lock().expect("changes lock");
        if !c.collecting || c.overflowed {
            return;
        }
        if c.list.len() >= MAX_PENDING_CHANGES {
            c.overflowed = true;
            c.list = Vec::new();
            return;
        }
        c.list.push(Watched::of(d));
    }

    /// Applies every rule to the open dossiers whose clocks may have run out.
    pub async fn apply_escalations(&self) -> Result<EscalationRun, AppError> {
        let rules = self.escalation_rules();
        let now = self.now();
        let mut list = self.sweep.list.lock().await;
        // Candidates: for due-date rules, open dossiers due in a window around now — up to the
        // furthest look-ahead and back past the latest rule (Z working hours are at most
        // Z × 3 calendar hours, plus a week for weekends, holidays and a server that was down);
        // a dossier overdue for longer already had its notices, or is on the overdue list. For
        // step budgets: the dossiers in those statuses.
        let due_rules = rules.iter().filter(|r| matches!(r.clock, Clock::Due));
        let ahead_hours = due_rules
            .clone()
            .map(|r| (-r.after_working_hours).max(0.0))
            .fold(0.0_f64, f64::max);
        let behind_hours = due_rules
            .map(|r| r.after_working_hours.max(0.0))
            .fold(0.0_f64, f64::max);
        let window = rules
            .iter()
            .any(|r| matches!(r.clock, Clock::Due))
            .then(|| {
                (
                    now - time::Duration::hours((behind_hours * 3.0).ceil() as i64)
                        - time::Duration::days(7),
                    now + time::Duration::hours((ahead_hours * 3.0).ceil() as i64)
                        + time::Duration::days(3),
                )
            });
        let mut step_statuses: Vec<Status> = rules
            .iter()
            .filter(|r| matches!(r.clock, Clock::InStatus { .. }))
            .flat_map(|r| r.statuses.iter().copied())
            .collect();
        step_statuses.sort_by_key(|s| s.national_code());
        step_statuses.dedup();

        // Changes made from here on reach this run's end; those before are in what is read now.
        let overflowed = {
            let mut c = self.sweep.changes.lock().expect("changes lock");
            c.collecting = true;
            if c.overflowed {
                c.list = Vec::new();
            }
            std::mem::take(&mut c.overflowed)
        };
        let calendars_changed = self.sweep.calendars_changed.swap(false, Ordering::Relaxed);
        let reload = overflowed
            || calendars_changed
            || list
                .loaded_at
                .is_none_or(|t| now < t || now - t >= RELOAD_EVERY);
        if reload {
            // Until a load succeeds, every run tries again.
            list.loaded_at = None;
            let mut fresh = WatchList::default();
            let read = match self.watch_pages(window, &step_statuses).await {
                Ok(read) => read,
                Err(e) => {
                    if calendars_changed {
                        self.sweep.calendars_changed();
                    }
                    return Err(e);
                }
            };
            for mut w in read {
                // Still the same facts in the same calendars: what fired for them stays fired.
                if !calendars_changed
                    && let Some((held, _)) = list.watched.get(&w.facts.id)
                    && held.version == w.version
                {
                    w.fired = held.fired.clone();
                }
                fresh.offer(w, now);
            }
            fresh.horizon = window.map(|(_, to)| to);
            fresh.loaded_at = Some(now);
            *list = fresh;
        } else if let (Some((from, to)), Some(h)) = (window, list.horizon)
            && to > h
        {
            // The window's far end moved: read the slice that entered it.
            for w in self.watch_pages(Some((h.max(from), to)), &[]).await? {
                list.offer(w, now);
            }
            list.horizon = Some(to);
        }
        let pending = std::mem::take(&mut self.sweep.changes.lock().expect("changes lock").list);
        for w in pending {
            list.offer(w, now);
        }

        let due: Vec<Uuid> = list
            .queue
            .range(..=(now, Uuid::max()))
            .map(|(_, id)| *id)
            .collect();
        let mut outcomes = Vec::with_capacity(due.len());
        let mut stale = Vec::new();
        for (n, id) in due.iter().enumerate() {
            yield_to_requests(n).await;
            let (w, _) = &list.watched[id];
            let o = self.outcome(&rules, w, now).await?;
            if !o.fires.is_empty() && !w.fresh {
                stale.push(outcomes.len());
            }
            outcomes.push(o);
        }
        // Notices made from facts held since an earlier run: the stored dossiers have the say
        // (another server may have moved them on), read a thousand at a time.
        let mut refreshed = Vec::new();
        for chunk in stale.chunks(DOSSIERS_PER_READ) {
            let codes: Vec<DossierCode> = chunk
                .iter()
                .map(|&i| list.watched[&outcomes[i].id].0.code.clone())
                .collect();
            let stored: HashMap<Uuid, Dossier> = self
                .store
                .dossiers(&codes)
                .await?
                .into_iter()
                .map(|d| (d.id, d))
                .collect();
            for &i in chunk {
                let id = outcomes[i].id;
                let (held, _) = &list.watched[&id];
                outcomes[i] = match stored.get(&id) {
                    Some(d) if d.version == held.version => continue,
                    Some(d) => {
                        let w = Watched::of(d);
                        let o = self.outcome(&rules, &w, now).await?;
                        refreshed.push(w);
                        o
                    }
                    None => Outcome {
                        id,
                        fires: vec![],
                        next: None,
                    },
                };
            }
        }
        for w in refreshed {
            list.offer(w, now);
        }
        let mut notices = Vec::new();
        for (n, o) in outcomes.iter().enumerate() {
            yield_to_requests(n).await;
            let Some((w, _)) = list.watched.get(&o.id) else {
                continue;
            };
            if o.fires.is_empty() {
                continue;
            }
            let cal = self.watched_calendar(w).await?;
            for &i in &o.fires {
                let r = &rules[i];
                notices.push(Notice {
                    key: notice_key(r, &w.facts, &cal),
                    province_code: w.province.clone(),
                    dossier_code: w.code.clone(),
                    rule_id: r.id.clone(),
                    action: r.action,
                    agency: w.current_agency.clone(),
                    roles: r.notify.clone(),
                    message: r.message_vi.clone(),
                    created_at: now,
                });
            }
        }
        // Nothing above changed the list's schedule: a failure leaves every dossier due, and
        // the next run asks again.
        let created = if notices.is_empty() {
            0
        } else {
            self.store.insert_notices(&notices).await?
        };
        for o in outcomes {
            if let Some((w, _)) = list.watched.get_mut(&o.id) {
                w.fired.extend(o.fires);
                w.fresh = false;
            }
            list.schedule(o.id, o.next);
        }
        if created > 0 {
            tracing::info!(created, checked = due.len(), "escalation notices");
        }
        Ok(EscalationRun {
            checked: due.len(),
            created,
            watched: list.watched.len(),
            reloaded: reload,
        })
    }

    /// The calendar a watched dossier's clocks run in: its receiving agency's.
    async fn watched_calendar(&self, w: &Watched) -> Result<Arc<WorkingCalendar>, AppError> {
        let agency = self.agency(&w.receiving_agency).await?;
        self.calendar_for(&agency).await
    }

    /// What each rule that has not fired yet says of `w` now.
    async fn outcome(
        &self,
        rules: &[EscalationRule],
        w: &Watched,
        now: OffsetDateTime,
    ) -> Result<Outcome, AppError> {
        let cal = self.watched_calendar(w).await?;
        let mut o = Outcome {
            id: w.facts.id,
            fires: Vec::new(),
            next: None,
        };
        for (i, r) in rules.iter().enumerate() {
            if w.fired.contains(&i) {
                continue;
            }
            match assess(r, &w.facts, &cal, now) {
                Verdict::Fires => o.fires.push(i),
                Verdict::NotBefore(t) => o.next = Some(o.next.map_or(t, |n| n.min(t))),
                Verdict::Never => {}
            }
        }
        Ok(o)
    }

    /// Every province's open dossiers due in `window` (if any) and, when `statuses` are given,
    /// those in these statuses, a keyset page at a time — each page cut down to what the rules
    /// read as it arrives, so a load holds one page of whole dossiers at most.
    async fn watch_pages(
        &self,
        window: Option<(OffsetDateTime, OffsetDateTime)>,
        statuses: &[Status],
    ) -> Result<Vec<Watched>, AppError> {
        let provinces: Vec<ProvinceCode> = self
            .units()
            .data()
            .provinces
            .iter()
            .map(|p| p.code.clone())
            .collect();
        let mut scopes: Vec<WatchScope> =
            statuses.iter().map(|s| WatchScope::InStatus(*s)).collect();
        if let Some((from, to)) = window {
            scopes.push(WatchScope::DueBetween { from, to });
        }
        let mut out = Vec::new();
        for province in provinces {
            for scope in &scopes {
                let mut after: Option<WatchCursor> = None;
                loop {
                    let page = self
                        .store
                        .watch_page(&WatchPage {
                            province: province.clone(),
                            scope: *scope,
                            after: after.take(),
                            limit: PAGE,
                        })
                        .await?;
                    let full = page.len() == PAGE as usize;
                    after = page.last().map(WatchCursor::after);
                    out.extend(page.iter().map(Watched::of));
                    if !full {
                        break;
                    }
                }
            }
        }
        Ok(out)
    }

    /// A staff member's notices: their agency's, for their role, newest first.
    pub async fn my_notices(&self, actor: &Actor, limit: u32) -> Result<Vec<Notice>, AppError> {
        let Actor::Staff(s) = actor else {
            return Err(AppError::Unauthenticated);
        };
        Ok(self
            .store
            .notices_for(&s.agency, s.role, limit.clamp(1, 200))
            .await?)
    }
}
