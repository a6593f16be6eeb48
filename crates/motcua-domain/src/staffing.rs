//! Counter staffing from volumes (issue #7; the Prime Minister's "staffing according to the volume
//! of dossiers received and handled"): the Erlang C queue model.
//!
//! Model and assumptions, shown beside the numbers:
//! - Applicants arrive at a one-stop counter at random (Poisson) at the average rate of that
//!   weekday and hour over the weeks observed; each counter officer serves one applicant at a
//!   time, first come first served, and nobody leaves the queue.
//! - Service times are exponential with the center's mean: the procedures' mean intake times
//!   weighted by how often each procedure is filed there.
//! - The number of officers needed in an hour is the smallest `c` such that the share of
//!   applicants waiting at most `target_wait` minutes reaches `target_level`:
//!   `P(W ≤ t) = 1 − C(c, a)·e^{−(cμ − λ)t}`, where `a = λ/μ` and `C` is Erlang's C formula.
//!
//! The intake time of a procedure is estimated from the counter's own events: the gap between
//! two consecutive intakes by the same officer on the same day, when it is at most
//! [`MAX_GAP_MINUTES`] (a longer gap means the officer was idle), credited to the later intake's
//! procedure; its median over at least [`MIN_SAMPLES`] gaps, else [`DEFAULT_SERVICE_MINUTES`].

use serde::Serialize;
use std::collections::BTreeMap;
use time::{OffsetDateTime, Weekday};

/// A gap longer than this is idle time, not service.
pub const MAX_GAP_MINUTES: f64 = 45.0;
/// Fewer gaps than this: use the default.
pub const MIN_SAMPLES: usize = 5;
/// The intake time assumed without enough observations.
pub const DEFAULT_SERVICE_MINUTES: f64 = 15.0;

/// Erlang's C formula: the probability that an arrival waits, with `c` servers and offered load
/// `a = λ/μ` Erlangs. 1 when the queue is unstable (`a ≥ c`); 0 with no load.
pub fn erlang_c(c: u32, a: f64) -> f64 {
    if a <= 0.0 {
        return 0.0;
    }
    if f64::from(c) <= a {
        return 1.0;
    }
    // Erlang B by the stable recurrence, then C from B.
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (f64::from(k) + a * b);
    }
    let c = f64::from(c);
    c * b / (c - a * (1.0 - b))
}

/// Share of arrivals served within `wait_min` minutes with `c` officers, `per_hour` arrivals an
/// hour and a mean service of `service_min` minutes.
pub fn service_level(c: u32, per_hour: f64, service_min: f64, wait_min: f64) -> f64 {
    if per_hour <= 0.0 {
        return 1.0;
    }
    let mu = 60.0 / service_min; // per hour
    let a = per_hour / mu;
    if f64::from(c) <= a {
        return 0.0;
    }
    let p_wait = erlang_c(c, a);
    1.0 - p_wait * (-(f64::from(c) * mu - per_hour) * wait_min / 60.0).exp()
}

/// The fewest officers that serve `level` (0–1) of arrivals within `wait_min` minutes; 0 with no
/// arrivals.
pub fn officers_needed(per_hour: f64, service_min: f64, wait_min: f64, level: f64) -> u32 {
    if per_hour <= 0.0 {
        return 0;
    }
    let a = per_hour * service_min / 60.0;
    // The smallest stable number of officers, then up until the target is met.
    let mut c = a.floor() as u32 + 1;
    while service_level(c, per_hour, service_min, wait_min) < level && c < 1_000 {
        c += 1;
    }
    c
}

/// One counter intake: who, when, which procedure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intake {
    /// The officer (actor id).
    pub officer: String,
    /// When.
    pub at: OffsetDateTime,
    /// Procedure code.
    pub procedure: String,
}

/// The estimated intake time of a procedure.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceTime {
    /// Procedure code.
    pub procedure: String,
    /// Minutes (the median gap, or the default).
    pub minutes: f64,
    /// Gaps observed.
    pub samples: usize,
    /// True when there were too few gaps and the default is used.
    pub assumed: bool,
    /// Intakes of the procedure.
    pub intakes: usize,
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Intake times by procedure from the counter's intakes.
pub fn service_times(intakes: &[Intake]) -> Vec<ServiceTime> {
    let mut by_officer_day: BTreeMap<(String, time::Date), Vec<&Intake>> = BTreeMap::new();
    let mut count: BTreeMap<&str, usize> = BTreeMap::new();
    for i in intakes {
        let day = i.at.to_offset(crate::VN_OFFSET).date();
        by_officer_day
            .entry((i.officer.clone(), day))
            .or_default()
            .push(i);
        *count.entry(i.procedure.as_str()).or_default() += 1;
    }
    let mut gaps: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for list in by_officer_day.values_mut() {
        list.sort_by_key(|i| i.at);
        for w in list.windows(2) {
            let minutes = (w[1].at - w[0].at).as_seconds_f64() / 60.0;
            if minutes > 0.0 && minutes <= MAX_GAP_MINUTES {
                gaps.entry(w[1].procedure.clone())
                    .or_default()
                    .push(minutes);
            }
        }
    }
    count
        .into_iter()
        .map(|(p, n)| {
            let mut g = gaps.remove(p).unwrap_or_default();
            let samples = g.len();
            let assumed = samples < MIN_SAMPLES;
            ServiceTime {
                procedure: p.to_owned(),
                minutes: if assumed {
                    DEFAULT_SERVICE_MINUTES
                } else {
                    (median(&mut g) * 10.0).round() / 10.0
                },
                samples,
                assumed,
                intakes: n,
            }
        })
        .collect()
}

/// The mean intake time of a center: its procedures' times weighted by their intakes.
pub fn mean_service(times: &[ServiceTime]) -> f64 {
    let n: usize = times.iter().map(|t| t.intakes).sum();
    if n == 0 {
        return DEFAULT_SERVICE_MINUTES;
    }
    times
        .iter()
        .map(|t| t.minutes * t.intakes as f64)
        .sum::<f64>()
        / n as f64
}

/// Weekdays in table order (Monday first).
pub const WEEKDAYS: [Weekday; 7] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
    Weekday::Saturday,
    Weekday::Sunday,
];

/// Average arrivals per hour by (weekday index 0–6, hour 0–23), over `weeks` weeks.
pub fn arrivals(intakes: &[Intake], weeks: u32) -> BTreeMap<(u8, u8), f64> {
    let mut by: BTreeMap<(u8, u8), f64> = BTreeMap::new();
    for i in intakes {
        let t = i.at.to_offset(crate::VN_OFFSET);
        let wd = t.weekday().number_days_from_monday();
        *by.entry((wd, t.hour())).or_default() += 1.0;
    }
    let w = f64::from(weeks.max(1));
    for v in by.values_mut() {
        *v /= w;
    }
    by
}

/// The staffing target.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Target {
    /// Minutes an applicant may wait.
    pub wait_minutes: f64,
    /// Share of applicants served within that wait, 0–1.
    pub level: f64,
}

impl Default for Target {
    fn default() -> Self {
        Self {
            wait_minutes: 15.0,
            level: 0.8,
        }
    }
}

/// One hour of a center's week.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HourNeed {
    /// 0 Monday … 6 Sunday.
    pub weekday: u8,
    /// Hour of day (Vietnam time).
    pub hour: u8,
    /// Average arrivals in that hour.
    pub arrivals: f64,
    /// Officers needed.
    pub officers: u32,
}

/// Officers needed in every hour that had arrivals.
pub fn needs(
    arrivals: &BTreeMap<(u8, u8), f64>,
    service_min: f64,
    target: Target,
) -> Vec<HourNeed> {
    arrivals
        .iter()
        .map(|(&(weekday, hour), &per_hour)| HourNeed {
            weekday,
            hour,
            arrivals: (per_hour * 100.0).round() / 100.0,
            officers: officers_needed(per_hour, service_min, target.wait_minutes, target.level),
        })
        .collect()
}

/// How the officers on record compare with the need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Verdict {
    /// Fewer officers than the busiest hour needs.
    Understaffed,
    /// Enough.
    Adequate,
    /// At least two more than the busiest hour needs.
    Overstaffed,
}

/// Compares officers on record with the busiest hour's need.
pub fn verdict(on_record: u32, peak_need: u32) -> Verdict {
    if on_record < peak_need {
        Verdict::Understaffed
    } else if on_record >= peak_need + 2 {
        Verdict::Overstaffed
    } else {
        Verdict::Adequate
    }
}

/// The model's assumptions, in Vietnamese, shown beside the numbers (pages and API).
pub const ASSUMPTIONS_VI: [&str; 5] = [
    "Mô hình hàng đợi Erlang C (M/M/c): người dân đến ngẫu nhiên (Poisson) với tốc độ trung bình của từng giờ trong tuần trong các tuần quan sát; mỗi cán bộ tiếp nhận phục vụ một người một lúc, ai đến trước được phục vụ trước, không ai bỏ về.",
    "Thời gian phục vụ theo phân phối mũ, trung bình của trung tâm = thời gian tiếp nhận từng thủ tục, gia quyền theo số hồ sơ của thủ tục đó.",
    "Thời gian tiếp nhận một thủ tục = trung vị khoảng cách giữa hai lần tiếp nhận liên tiếp của cùng một cán bộ trong ngày (khoảng cách trên 45 phút coi là thời gian rảnh); dưới 5 quan sát thì dùng 15 phút.",
    "Số cán bộ cần = số nhỏ nhất để tỷ lệ người được phục vụ trong thời gian chờ mục tiêu đạt mức mục tiêu: P(W ≤ t) = 1 − C(c, a)·e^(−(cμ − λ)t).",
    "So với số tài khoản cán bộ tiếp nhận đang có: thiếu khi ít hơn số cần ở giờ cao điểm; thừa khi nhiều hơn từ 2 người trở lên.",
];
