//! Live indicators kept incrementally: what one dossier contributes to the monthly counters of
//! its unit, so that dashboards and the Decision 766 index read a few hundred counter rows
//! instead of scanning dossiers.
//!
//! The rule is one pure function, [`contribution`]: the counters a dossier in a given state adds
//! to its bucket. Every write adds `contribution(after) − contribution(before)` to the bucket, in
//! the same transaction as the dossier, so the counters are always exactly the sum over the
//! dossiers as they are stored (a rebuild from the dossiers gives the same rows; the store
//! conformance suite checks it).
//!
//! The bucket ([`KpiKey`]) is the dossier's province, competent agency, procedure and the month
//! (Vietnam time) it was **submitted**: the 766 index measures the dossiers received in a period,
//! and a dossier's bucket never moves, whatever happens to it later.

use crate::catalogue::Channel;
use crate::dossier::{Dossier, Status, Timeliness};
use crate::ids::{AgencyCode, ProcedureCode, ProvinceCode};
use serde::Serialize;
use time::OffsetDateTime;

/// One counter of the monthly table. The store has one column per measure, named
/// [`Measure::column`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Dossiers filed (every channel, whatever happened next).
    Filed,
    /// Received (an appointment was issued).
    Received,
    /// Filed in person at a counter.
    ChannelDirect,
    /// Filed online.
    ChannelOnline,
    /// Filed by post.
    ChannelPostal,
    /// Filed at a kiosk.
    ChannelKiosk,
    /// Still owed to the applicant: received, processing, supplement requested, awaiting payment.
    Open,
    /// Finished (a result recorded), returned or not.
    Finished,
    /// Finished on a day before the appointment's day.
    Early,
    /// Finished by the appointment (not early).
    OnTime,
    /// Finished late (after the appointment, rescheduled, or supplemented twice).
    Late,
    /// Refused at intake.
    Refused,
    /// Withdrawn by the applicant.
    Withdrawn,
    /// Stopped by the agency.
    Stopped,
    /// Result returned.
    Returned,
    /// At least one supplement request.
    Supplemented,
    /// More than one supplement request (late under 766 whatever the dates).
    SupplementedTwice,
    /// An apology and new appointment issued.
    Rescheduled,
    /// Fees or financial obligations requested.
    FeeDue,
    /// Paid online.
    PaidOnline,
    /// Finished with an electronic result signed by the competent agency.
    ElectronicResult,
    /// Finished dossiers whose processing time is known (received and finished).
    TimedCount,
    /// Sum of their processing times, in seconds.
    TimedSeconds,
    /// Processing time at most 4 hours.
    TimeLe4h,
    /// More than 4 hours, at most 8.
    TimeLe8h,
    /// More than 8 hours, at most 1 day.
    TimeLe1d,
    /// More than 1 day, at most 3.
    TimeLe3d,
    /// More than 3 days, at most 5.
    TimeLe5d,
    /// More than 5 days, at most 10.
    TimeLe10d,
    /// More than 10 days, at most 20.
    TimeLe20d,
    /// More than 20 days, at most 30.
    TimeLe30d,
    /// More than 30 days.
    TimeGt30d,
    /// Draft decisions an approver decided on (approved or returned; issue #32).
    ApprovalRounds,
    /// How long those drafts waited for their approver, in seconds.
    ApprovalSeconds,
    /// Received by the national portal: the dossier's first message acknowledged (issue #33,
    /// the 766 index's DOSSIER_SYNC). Counted by the exchange when the portal acknowledges it,
    /// never by a dossier write: [`contribution`] leaves it 0.
    Synced,
}

/// Number of measures.
pub const MEASURES: usize = 35;

/// Upper bounds of the processing-time histogram, in seconds, with their measures (the last is
/// unbounded).
pub const TIME_BUCKETS: [(Measure, Option<i64>); 9] = [
    (Measure::TimeLe4h, Some(4 * 3600)),
    (Measure::TimeLe8h, Some(8 * 3600)),
    (Measure::TimeLe1d, Some(24 * 3600)),
    (Measure::TimeLe3d, Some(3 * 86_400)),
    (Measure::TimeLe5d, Some(5 * 86_400)),
    (Measure::TimeLe10d, Some(10 * 86_400)),
    (Measure::TimeLe20d, Some(20 * 86_400)),
    (Measure::TimeLe30d, Some(30 * 86_400)),
    (Measure::TimeGt30d, None),
];

impl Measure {
    /// Every measure, in column order.
    pub const ALL: [Measure; MEASURES] = [
        Measure::Filed,
        Measure::Received,
        Measure::ChannelDirect,
        Measure::ChannelOnline,
        Measure::ChannelPostal,
        Measure::ChannelKiosk,
        Measure::Open,
        Measure::Finished,
        Measure::Early,
        Measure::OnTime,
        Measure::Late,
        Measure::Refused,
        Measure::Withdrawn,
        Measure::Stopped,
        Measure::Returned,
        Measure::Supplemented,
        Measure::SupplementedTwice,
        Measure::Rescheduled,
        Measure::FeeDue,
        Measure::PaidOnline,
        Measure::ElectronicResult,
        Measure::TimedCount,
        Measure::TimedSeconds,
        Measure::TimeLe4h,
        Measure::TimeLe8h,
        Measure::TimeLe1d,
        Measure::TimeLe3d,
        Measure::TimeLe5d,
        Measure::TimeLe10d,
        Measure::TimeLe20d,
        Measure::TimeLe30d,
        Measure::TimeGt30d,
        Measure::ApprovalRounds,
        Measure::ApprovalSeconds,
        Measure::Synced,
    ];

    /// Position in [`Measure::ALL`] (and in a [`Counts`]).
    pub fn index(self) -> usize {
        self as usize
    }

    /// The store's column name.
    pub fn column(self) -> &'static str {
        match self {
            Measure::Filed => "filed",
            Measure::Received => "received",
            Measure::ChannelDirect => "ch_direct",
            Measure::ChannelOnline => "ch_online",
            Measure::ChannelPostal => "ch_postal",
            Measure::ChannelKiosk => "ch_kiosk",
            Measure::Open => "open",
            Measure::Finished => "finished",
            Measure::Early => "early",
            Measure::OnTime => "on_time",
            Measure::Late => "late",
            Measure::Refused => "refused",
            Measure::Withdrawn => "withdrawn",
            Measure::Stopped => "stopped",
            Measure::Returned => "returned",
            Measure::Supplemented => "supplemented",
            Measure::SupplementedTwice => "supplemented_twice",
            Measure::Rescheduled => "rescheduled",
            Measure::FeeDue => "fee_due",
            Measure::PaidOnline => "paid_online",
            Measure::ElectronicResult => "electronic_result",
            Measure::TimedCount => "timed_count",
            Measure::TimedSeconds => "timed_seconds",
            Measure::TimeLe4h => "t_le_4h",
            Measure::TimeLe8h => "t_le_8h",
            Measure::TimeLe1d => "t_le_1d",
            Measure::TimeLe3d => "t_le_3d",
            Measure::TimeLe5d => "t_le_5d",
            Measure::TimeLe10d => "t_le_10d",
            Measure::TimeLe20d => "t_le_20d",
            Measure::TimeLe30d => "t_le_30d",
            Measure::TimeGt30d => "t_gt_30d",
            Measure::ApprovalRounds => "approval_rounds",
            Measure::ApprovalSeconds => "approval_seconds",
            Measure::Synced => "synced",
        }
    }
}

/// A vector of counters, one per measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts(pub [i64; MEASURES]);

impl Default for Counts {
    fn default() -> Self {
        Counts([0; MEASURES])
    }
}

impl Counts {
    /// One counter.
    pub fn get(&self, m: Measure) -> i64 {
        self.0[m.index()]
    }

    fn set(&mut self, m: Measure, v: i64) {
        self.0[m.index()] = v;
    }

    /// Adds `other` to these counters.
    pub fn add(&mut self, other: &Counts) {
        for (a, b) in self.0.iter_mut().zip(other.0.iter()) {
            *a += b;
        }
    }

    /// `self − other`.
    pub fn minus(&self, other: &Counts) -> Counts {
        let mut out = *self;
        for (a, b) in out.0.iter_mut().zip(other.0.iter()) {
            *a -= b;
        }
        out
    }

    /// True when every counter is 0 (nothing to write).
    pub fn is_zero(&self) -> bool {
        self.0.iter().all(|v| *v == 0)
    }
}

/// The bucket a dossier counts in.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KpiKey {
    /// Province (tenant key).
    pub province: ProvinceCode,
    /// The competent agency.
    pub agency: AgencyCode,
    /// The month it was submitted, `YYYY-MM`, Vietnam time.
    pub month: String,
    /// The procedure.
    pub procedure: ProcedureCode,
}

/// What to add to one bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KpiDelta {
    /// The bucket.
    pub key: KpiKey,
    /// The signed change of each counter.
    pub counts: Counts,
}

/// `YYYY-MM` of an instant, Vietnam time.
pub fn month_of(at: OffsetDateTime) -> String {
    let d = at.to_offset(crate::VN_OFFSET).date();
    format!("{:04}-{:02}", d.year(), u8::from(d.month()))
}

/// The bucket of a dossier.
pub fn key_of(d: &Dossier) -> KpiKey {
    KpiKey {
        province: d.province_code.clone(),
        agency: d.competent_agency.clone(),
        month: month_of(d.submitted_at),
        procedure: d.procedure.code.clone(),
    }
}

/// Processing time of a finished dossier: from receipt to the recorded result, less the working
/// time the clock was paused for a supplement (the applicant's time is not the agency's;
/// DOMAIN.md "Supplement only once").
pub fn processing_seconds(d: &Dossier) -> Option<i64> {
    let (Some(received), Some(finished)) = (d.received_at, d.finished_at) else {
        return None;
    };
    Some(((finished - received).whole_seconds() - d.paused_seconds).max(0))
}

/// What a dossier in its current state adds to its bucket.
pub fn contribution(d: &Dossier) -> Counts {
    let mut c = Counts::default();
    let one = |b: bool| i64::from(b);
    c.set(Measure::Filed, 1);
    c.set(Measure::Received, one(d.received_at.is_some()));
    c.set(Measure::ChannelDirect, one(d.channel == Channel::Direct));
    c.set(Measure::ChannelOnline, one(d.channel == Channel::Online));
    c.set(Measure::ChannelPostal, one(d.channel == Channel::Postal));
    c.set(Measure::ChannelKiosk, one(d.channel == Channel::Kiosk));
    c.set(
        Measure::Open,
        one(d.status.is_open_with_clock() || d.status == Status::SupplementRequested),
    );
    c.set(Measure::Finished, one(d.finished_at.is_some()));
    c.set(Measure::Early, one(d.timeliness == Some(Timeliness::Early)));
    c.set(
        Measure::OnTime,
        one(d.timeliness == Some(Timeliness::OnTime)),
    );
    c.set(Measure::Late, one(d.timeliness == Some(Timeliness::Late)));
    c.set(Measure::Refused, one(d.status == Status::Refused));
    c.set(Measure::Withdrawn, one(d.status == Status::Withdrawn));
    c.set(Measure::Stopped, one(d.status == Status::Stopped));
    c.set(Measure::Returned, one(d.status == Status::Returned));
    c.set(Measure::Supplemented, one(d.supplement_requests >= 1));
    c.set(Measure::SupplementedTwice, one(d.supplement_requests >= 2));
    c.set(Measure::Rescheduled, one(d.rescheduled));
    c.set(
        Measure::FeeDue,
        one(d.payment_due_vnd.is_some_and(|v| v > 0)),
    );
    c.set(Measure::PaidOnline, one(d.paid_online));
    c.set(
        Measure::ElectronicResult,
        one(d.finished_at.is_some() && d.electronic_result),
    );
    c.set(Measure::ApprovalRounds, i64::from(d.approval_rounds));
    c.set(Measure::ApprovalSeconds, d.approval_seconds);
    if let (Some(secs), true) = (processing_seconds(d), d.finished_at.is_some()) {
        c.set(Measure::TimedCount, 1);
        c.set(Measure::TimedSeconds, secs);
        let bucket = TIME_BUCKETS
            .iter()
            .find(|(_, max)| max.is_none_or(|m| secs <= m))
            .map(|(m, _)| *m)
            .unwrap_or(Measure::TimeGt30d);
        c.set(bucket, 1);
    }
    c
}

/// What a write changes: `after − before` on the dossier's bucket (both on theirs, should the
/// bucket ever differ). Empty when nothing counted changes.
pub fn delta(before: Option<&Dossier>, after: &Dossier) -> Vec<KpiDelta> {
    let new_key = key_of(after);
    let new = contribution(after);
    let mut out = Vec::with_capacity(2);
    match before {
        Some(b) => {
            let old_key = key_of(b);
            let old = contribution(b);
            if old_key == new_key {
                let counts = new.minus(&old);
                if !counts.is_zero() {
                    out.push(KpiDelta {
                        key: new_key,
                        counts,
                    });
                }
            } else {
                out.push(KpiDelta {
                    key: old_key,
                    counts: Counts::default().minus(&old),
                });
                out.push(KpiDelta {
                    key: new_key,
                    counts: new,
                });
            }
        }
        None => out.push(KpiDelta {
            key: new_key,
            counts: new,
        }),
    }
    out
}

/// Contributions of many dossiers summed by bucket (bulk loads and rebuilds).
#[derive(Debug, Clone, Default)]
pub struct Tally(std::collections::BTreeMap<KpiKey, Counts>);

impl Tally {
    /// Adds one dossier.
    pub fn add(&mut self, d: &Dossier) {
        self.0.entry(key_of(d)).or_default().add(&contribution(d));
    }

    /// The sums, one delta per bucket.
    pub fn into_deltas(self) -> Vec<KpiDelta> {
        self.0
            .into_iter()
            .map(|(key, counts)| KpiDelta { key, counts })
            .collect()
    }
}

/// Where a dossier stands in a dossier-counted 766 metric: `None` outside its denominator,
/// `Some(true)` in its numerator, `Some(false)` counted against. Read from the same
/// [`contribution`] the counters add, so the list behind a metric always matches its counts.
/// `overdue_now` says whether the dossier is open past its due date now (the on-time metric
/// counts those against); `full_online` whether its procedure is marked full-online.
pub fn metric_member(
    code: &str,
    d: &Dossier,
    overdue_now: bool,
    full_online: bool,
) -> Option<bool> {
    let c = contribution(d);
    let has = |m: Measure| c.get(m) > 0;
    let (den, num) = match code {
        "ON_TIME" => (
            has(Measure::Finished) || overdue_now,
            has(Measure::Early) || has(Measure::OnTime),
        ),
        "ONLINE_CHANNEL" => (true, has(Measure::ChannelOnline)),
        "FULL_ONLINE_DOSSIERS" => (full_online, has(Measure::ChannelOnline)),
        "DOSSIERS_PAID_ONLINE" => (has(Measure::FeeDue), has(Measure::PaidOnline)),
        "ELECTRONIC_RESULT" => (has(Measure::Finished), has(Measure::ElectronicResult)),
        _ => return None,
    };
    den.then_some(num)
}

/// The 766 metrics counted over dossiers (the others come from the catalogue or are not
/// recorded).
pub const DOSSIER_METRICS: [&str; 5] = [
    "ON_TIME",
    "ONLINE_CHANNEL",
    "FULL_ONLINE_DOSSIERS",
    "DOSSIERS_PAID_ONLINE",
    "ELECTRONIC_RESULT",
];

/// Sums contributions of many dossiers by bucket.
pub fn totals<'a>(dossiers: impl IntoIterator<Item = &'a Dossier>) -> Vec<KpiDelta> {
    let mut t = Tally::default();
    for d in dossiers {
        t.add(d);
    }
    t.into_deltas()
}

/// The officer counters' columns, in order: actions taken, results recorded, intake decisions
/// (receive or refuse), refusals at intake, supplement requests.
pub const OFFICER_MEASURES: [&str; 5] = [
    "actions",
    "finishes",
    "intakes",
    "refusals",
    "supplement_requests",
];

/// One officer's counters (see [`OFFICER_MEASURES`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OfficerCounts(pub [i64; 5]);

impl OfficerCounts {
    /// Actions taken.
    pub fn actions(&self) -> i64 {
        self.0[0]
    }
    /// Results recorded.
    pub fn finishes(&self) -> i64 {
        self.0[1]
    }
    /// Intake decisions (receive or refuse).
    pub fn intakes(&self) -> i64 {
        self.0[2]
    }
    /// Refusals at intake.
    pub fn refusals(&self) -> i64 {
        self.0[3]
    }
    /// Supplement requests.
    pub fn supplement_requests(&self) -> i64 {
        self.0[4]
    }
    /// Adds `o`.
    pub fn add(&mut self, o: &OfficerCounts) {
        for (a, b) in self.0.iter_mut().zip(o.0.iter()) {
            *a += b;
        }
    }
}

/// Whether an event's actor is a staff member: a person's account (`user:…`) or a service
/// token (`token:…`) — not the applicant, not the system. (Until issue #32 only tokens counted:
/// the work of every signed-in officer was missing from the officers' and staffing reports.)
pub fn is_staff_actor(actor: &str) -> bool {
    actor.starts_with("token:") || actor.starts_with("user:")
}

/// What an event adds to its officer's counters. Only staff actions for an agency count (the
/// applicant's and the system's do not).
pub fn officer_counts(actor: &str, agency: &str, action: &str) -> Option<OfficerCounts> {
    if !is_staff_actor(actor) || agency.is_empty() {
        return None;
    }
    let one = |b: bool| i64::from(b);
    Some(OfficerCounts([
        1,
        one(action == "finish"),
        one(action == "receive" || action == "refuse"),
        one(action == "refuse"),
        one(action == "request_supplement"),
    ]))
}

/// The bucket of an officer's counters: province, agency acted for, officer, month of the
/// action (Vietnam time), procedure of the dossier.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OfficerKey {
    /// Province.
    pub province: ProvinceCode,
    /// The agency the officer acted for.
    pub agency: String,
    /// The actor id (`user:…` or `token:…`).
    pub officer: String,
    /// `YYYY-MM` of the action.
    pub month: String,
    /// The dossier's procedure.
    pub procedure: ProcedureCode,
}

/// Officers' counters summed by bucket (one write, a bulk load, a rebuild).
#[derive(Debug, Clone, Default)]
pub struct OfficerTally(std::collections::BTreeMap<OfficerKey, OfficerCounts>);

impl OfficerTally {
    /// Adds one event (ignored unless it is a staff action).
    pub fn add(
        &mut self,
        province: &ProvinceCode,
        agency: &str,
        actor: &str,
        action: &str,
        at: OffsetDateTime,
        procedure: &ProcedureCode,
    ) {
        if let Some(c) = officer_counts(actor, agency, action) {
            self.0
                .entry(OfficerKey {
                    province: province.clone(),
                    agency: agency.to_owned(),
                    officer: actor.to_owned(),
                    month: month_of(at),
                    procedure: procedure.clone(),
                })
                .or_default()
                .add(&c);
        }
    }

    /// The sums.
    pub fn into_rows(self) -> Vec<(OfficerKey, OfficerCounts)> {
        self.0.into_iter().collect()
    }
}

/// A percentile of the processing-time histogram: the upper bound (seconds) of the bucket that
/// holds it, `None` for the open last bucket or an empty histogram.
pub fn percentile_bound(c: &Counts, p: f64) -> Option<Option<i64>> {
    let n = c.get(Measure::TimedCount);
    if n <= 0 {
        return None;
    }
    let rank = ((p * n as f64).ceil() as i64).max(1);
    let mut seen = 0;
    for (m, max) in TIME_BUCKETS {
        seen += c.get(m);
        if seen >= rank {
            return Some(max);
        }
    }
    Some(None)
}

/// A reporting period: a month, a quarter or a year (calendar, Vietnam time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Period {
    /// One month.
    Month {
        /// Year.
        year: i32,
        /// 1–12.
        month: u8,
    },
    /// One quarter.
    Quarter {
        /// Year.
        year: i32,
        /// 1–4.
        quarter: u8,
    },
    /// One year.
    Year {
        /// Year.
        year: i32,
    },
}

/// Why a period cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    /// Outside 2000–2100.
    #[error("year must be between 2000 and 2100")]
    Year,
    /// Not 1–4.
    #[error("quarter must be 1 to 4")]
    Quarter,
    /// Not 1–12.
    #[error("month must be 1 to 12")]
    Month,
    /// Both a quarter and a month.
    #[error("give a quarter or a month, not both")]
    Both,
}

impl Period {
    /// The period of `year` with an optional quarter or month.
    pub fn new(year: i32, quarter: Option<u8>, month: Option<u8>) -> Result<Self, PeriodError> {
        if !(2000..=2100).contains(&year) {
            return Err(PeriodError::Year);
        }
        match (quarter, month) {
            (Some(_), Some(_)) => Err(PeriodError::Both),
            (Some(q), None) if (1..=4).contains(&q) => Ok(Period::Quarter { year, quarter: q }),
            (Some(_), None) => Err(PeriodError::Quarter),
            (None, Some(m)) if (1..=12).contains(&m) => Ok(Period::Month { year, month: m }),
            (None, Some(_)) => Err(PeriodError::Month),
            (None, None) => Ok(Period::Year { year }),
        }
    }

    /// First and last month, `YYYY-MM`.
    pub fn months(self) -> (String, String) {
        let (y, a, b) = match self {
            Period::Month { year, month } => (year, month, month),
            Period::Quarter { year, quarter } => (year, quarter * 3 - 2, quarter * 3),
            Period::Year { year } => (year, 1, 12),
        };
        (format!("{y:04}-{a:02}"), format!("{y:04}-{b:02}"))
    }

    /// `[start, end)` as instants (midnight Vietnam time).
    pub fn bounds(self) -> (OffsetDateTime, OffsetDateTime) {
        let (first, last) = self.months();
        let start = |ym: &str, next: bool| {
            let y: i32 = ym[..4].parse().unwrap_or(2000);
            let m: u8 = ym[5..].parse().unwrap_or(1);
            let (y, m) = if next {
                if m == 12 { (y + 1, 1) } else { (y, m + 1) }
            } else {
                (y, m)
            };
            let month = time::Month::try_from(m).unwrap_or(time::Month::January);
            time::Date::from_calendar_date(y, month, 1)
                .unwrap_or(time::Date::MIN)
                .midnight()
                .assume_offset(crate::VN_OFFSET)
        };
        (start(&first, false), start(&last, true))
    }

    /// A label: `2025-03`, `2025-Q1`, `2025`.
    pub fn label(self) -> String {
        match self {
            Period::Month { year, month } => format!("{year:04}-{month:02}"),
            Period::Quarter { year, quarter } => format!("{year:04}-Q{quarter}"),
            Period::Year { year } => format!("{year:04}"),
        }
    }
}
