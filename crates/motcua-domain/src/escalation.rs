//! Escalation rules as data (issue #7; in the manner of DIGIT's auto-escalation, but counted in
//! working time): "a dossier in status S, past its clock by Z working hours → notify role R, or
//! move it to the leader's inbox". A negative Z is a due-soon notice (Z working hours before).
//!
//! Two clocks:
//! - `due`: the dossier's current due date (the appointment, moved by supplements and
//!   reschedules);
//! - `in_status`: a step budget — `budget_working_hours` after the dossier entered its current
//!   status (DOMAIN.md "Step budgets", e.g. intake 2 h, appraisal 3 h).
//!
//! A rule fires once per dossier and clock start: [`notice_key`] names the notice, so applying
//! the rules again (every minute, after a crash, on two servers) never repeats one; a dossier
//! that re-enters the status, or gets a new due date, starts a new clock.

use crate::access::Role;
use crate::calendar::WorkingCalendar;
use crate::dossier::{Dossier, Status};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Which clock a rule measures.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "clock", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Clock {
    /// The dossier's due date.
    Due,
    /// A budget of working hours from entering the current status.
    InStatus {
        /// The step's budget.
        budget_working_hours: f64,
    },
}

/// What a rule does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum RuleAction {
    /// Tell the roles of the holding agency.
    Notify,
    /// Put the dossier in the holding agency's leader's inbox.
    EscalateToLeader,
}

/// One rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EscalationRule {
    /// Stable id (part of each notice's key).
    pub id: String,
    /// The statuses it watches.
    pub statuses: Vec<Status>,
    /// The clock.
    #[serde(flatten)]
    pub clock: Clock,
    /// Working hours past the clock (negative: before it, a due-soon notice).
    pub after_working_hours: f64,
    /// Who is told (roles at the agency holding the dossier).
    pub notify: Vec<Role>,
    /// Notify, or move to the leader's inbox.
    pub action: RuleAction,
    /// The notice's words, in Vietnamese.
    pub message_vi: String,
}

/// Why a rule set is not acceptable.
pub fn validate(rules: &[EscalationRule]) -> Result<(), String> {
    let mut ids = std::collections::BTreeSet::new();
    for r in rules {
        let ok_id = !r.id.is_empty()
            && r.id.len() <= 60
            && r.id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !ok_id {
            return Err(format!("rule id {:?}: 1-60 letters, digits, - or _", r.id));
        }
        if !ids.insert(r.id.as_str()) {
            return Err(format!("rule id {} is used twice", r.id));
        }
        if r.statuses.is_empty() || r.statuses.iter().any(|s| s.is_closed()) {
            return Err(format!("rule {}: watch at least one open status", r.id));
        }
        if r.notify.is_empty() {
            return Err(format!("rule {}: notify at least one role", r.id));
        }
        if !r.after_working_hours.is_finite() || r.after_working_hours.abs() > 400.0 {
            return Err(format!("rule {}: after_working_hours within ±400", r.id));
        }
        if let Clock::InStatus {
            budget_working_hours: b,
        } = r.clock
            && !(b.is_finite() && b > 0.0 && b <= 400.0)
        {
            return Err(format!(
                "rule {}: budget_working_hours within (0, 400]",
                r.id
            ));
        }
        if r.message_vi.trim().is_empty() || r.message_vi.chars().count() > 300 {
            return Err(format!("rule {}: message_vi of 1-300 characters", r.id));
        }
    }
    Ok(())
}

/// What the rules read of a dossier: its identity (for the notice key), its status and its two
/// clocks. Small enough that the sweep keeps one per watched open dossier in memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockFacts {
    /// The dossier's id.
    pub id: uuid::Uuid,
    /// Its status.
    pub status: Status,
    /// Its current due date, if it has one.
    pub due_at: Option<OffsetDateTime>,
    /// When its current status began (received, or submitted, for one that never moved).
    pub status_since: OffsetDateTime,
}

impl ClockFacts {
    /// The facts of `d` now.
    pub fn of(d: &Dossier) -> Self {
        Self {
            id: d.id,
            status: d.status,
            due_at: d.due_at,
            status_since: d.status_since.or(d.received_at).unwrap_or(d.submitted_at),
        }
    }
}

/// What a rule says of a dossier at an instant, as long as the dossier does not change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// It fires now (its notice is due, once per clock).
    Fires,
    /// It does not fire before this instant (it may fire then or later).
    NotBefore(OffsetDateTime),
    /// It will not fire for this status and clock (another status or clock may).
    Never,
}

/// When the rule's clock runs out for `f`, if it has one.
fn clock_end(
    rule: &EscalationRule,
    f: &ClockFacts,
    cal: &WorkingCalendar,
) -> Option<OffsetDateTime> {
    match rule.clock {
        Clock::Due => f.due_at,
        Clock::InStatus {
            budget_working_hours,
        } => Some(
            cal.add_working_seconds(
                f.status_since,
                (budget_working_hours * 3600.0).round() as i64,
            )
            .0,
        ),
    }
}

/// Whether `rule` fires for `f` at `now`, and if not, from when it might.
///
/// Both instants are exact: a rule past its clock (`after_working_hours` ≥ 0) fires from the
/// instant the clock has run that many working hours (the calendar walked forward from the
/// clock); a due-soon rule (negative) fires from the first instant with no more than that many
/// working hours left (walked back from the due date) until the due date.
pub fn assess(
    rule: &EscalationRule,
    f: &ClockFacts,
    cal: &WorkingCalendar,
    now: OffsetDateTime,
) -> Verdict {
    if !rule.statuses.contains(&f.status) {
        return Verdict::Never;
    }
    let Some(end) = clock_end(rule, f, cal) else {
        return Verdict::Never;
    };
    let z = (rule.after_working_hours * 3600.0).round() as i64;
    if z >= 0 {
        // Capped walk: only whether the clock passed `z` matters, not by how much.
        if now > end && cal.working_seconds_between_up_to(end, now, z) >= z {
            return Verdict::Fires;
        }
        let first = if z == 0 {
            end + time::Duration::nanoseconds(1)
        } else {
            cal.add_working_seconds(end, z).0
        };
        return Verdict::NotBefore(first.max(now + time::Duration::nanoseconds(1)));
    }
    if now > end {
        return Verdict::Never;
    }
    if cal.working_seconds_between_up_to(now, end, -z + 1) <= -z {
        return Verdict::Fires;
    }
    Verdict::NotBefore(cal.start_of_last_working_seconds(end, -z))
}

/// Whether `rule` fires for `f` at `now`.
pub fn fires(
    rule: &EscalationRule,
    f: &ClockFacts,
    cal: &WorkingCalendar,
    now: OffsetDateTime,
) -> bool {
    assess(rule, f, cal, now) == Verdict::Fires
}

/// The notice's key: the rule, the dossier, and the clock it ran out on.
pub fn notice_key(rule: &EscalationRule, f: &ClockFacts, cal: &WorkingCalendar) -> String {
    let end = clock_end(rule, f, cal)
        .map(|t| t.unix_timestamp().to_string())
        .unwrap_or_default();
    format!("{}:{}:{end}", rule.id, f.id)
}
