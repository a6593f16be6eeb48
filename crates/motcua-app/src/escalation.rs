//! Applying the escalation rules (issue #7): a background job (every minute in `serve`) reads
//! the open dossiers whose clocks may have run out, asks each rule (`motcua_domain::escalation`)
//! whether it fires in the dossier's working calendar, and records one notice per rule, dossier
//! and clock. Running it twice, concurrently, or after a crash adds nothing twice (the notice's
//! key is unique in the store).

use crate::AppError;
use crate::ports::{DossierFilter, Notice};
use crate::service::{Actor, App};
use motcua_domain::dossier::{Dossier, Status};
use motcua_domain::escalation::{Clock, EscalationRule, fires, notice_key};
use std::collections::BTreeMap;

/// The shipped rules (`data/escalation/rules.json`, checked by the domain's tests).
const SHIPPED: &str = include_str!("../../../data/escalation/rules.json");

/// Most dossiers read per status in one run (a run every minute catches up the rest).
const PER_RUN: u32 = 2_000;

/// What one run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EscalationRun {
    /// Dossiers looked at.
    pub checked: usize,
    /// Notices made.
    pub created: u64,
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

    /// Applies every rule to the open dossiers once.
    pub async fn apply_escalations(&self) -> Result<EscalationRun, AppError> {
        let rules = self.escalation_rules();
        let now = self.now();
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
        let mut candidates: BTreeMap<String, Dossier> = BTreeMap::new();
        if rules.iter().any(|r| matches!(r.clock, Clock::Due)) {
            let due_before = now
                + time::Duration::hours((ahead_hours * 3.0).ceil() as i64)
                + time::Duration::days(3);
            let due_after = now
                - time::Duration::hours((behind_hours * 3.0).ceil() as i64)
                - time::Duration::days(7);
            for d in self
                .store
                .list_dossiers(&DossierFilter {
                    due_before: Some(due_before),
                    due_after: Some(due_after),
                    limit: PER_RUN,
                    ..Default::default()
                })
                .await?
            {
                candidates.insert(d.code.to_string(), d);
            }
        }
        let mut step_statuses: Vec<Status> = rules
            .iter()
            .filter(|r| matches!(r.clock, Clock::InStatus { .. }))
            .flat_map(|r| r.statuses.iter().copied())
            .collect();
        step_statuses.sort_by_key(|s| s.national_code());
        step_statuses.dedup();
        for status in step_statuses {
            for d in self
                .store
                .list_dossiers(&DossierFilter {
                    status: Some(status),
                    limit: PER_RUN,
                    ..Default::default()
                })
                .await?
            {
                candidates.insert(d.code.to_string(), d);
            }
        }
        let mut notices = Vec::new();
        for d in candidates.values() {
            let clock_agency = self.agency(&d.receiving_agency).await?;
            let cal = self.calendar_for(&clock_agency).await?;
            for r in &rules {
                if fires(r, d, &cal, now) {
                    notices.push(Notice {
                        key: notice_key(r, d, &cal),
                        province_code: d.province_code.clone(),
                        dossier_code: d.code.clone(),
                        rule_id: r.id.clone(),
                        action: r.action,
                        agency: d.current_agency.clone(),
                        roles: r.notify.clone(),
                        message: r.message_vi.clone(),
                        created_at: now,
                    });
                }
            }
        }
        let created = if notices.is_empty() {
            0
        } else {
            self.store.insert_notices(&notices).await?
        };
        if created > 0 {
            tracing::info!(created, checked = candidates.len(), "escalation notices");
        }
        Ok(EscalationRun {
            checked: candidates.len(),
            created,
        })
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
