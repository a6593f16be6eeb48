//! Due dates: from a moment of receipt and a processing time to the appointment, with the
//! explanation of how it was reached.
//!
//! Rules (DOMAIN.md, issue #2):
//! - **working hours / working days** — walk forward through office hours from receipt; a
//!   receipt outside office hours starts at the next opening; N working days = N × one working
//!   day's hours.
//! - **same day** (time 0, "trong ngày") — due at today's closing if received by 15:00 on a
//!   working day, else at the next working day's closing (the 15:00 cut-off, Decree 118/2025).
//! - **days / months** — calendar periods; the period ends at the close of its last day, or if
//!   that day is not worked, at the close of the next working day (Civil Code 2015 art. 148).
//! - Supplement time is excluded: on resumption the due date moves forward by the working time
//!   that was paused ([`WorkingCalendar::shift_by_pause`]).

use super::{DayStatus, WorkingCalendar};
use crate::VN_OFFSET;
use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time};

/// The unit of a processing time (`DonViTinh` of the national catalogue).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum TimeUnit {
    /// Working hours ("giờ làm việc"); the catalogue's "hours" are working hours.
    WorkingHours,
    /// Working days ("ngày làm việc").
    WorkingDays,
    /// Calendar days ("ngày").
    Days,
    /// Calendar months ("tháng").
    Months,
    /// Within the day ("trong ngày"), with the 15:00 cut-off.
    SameDay,
}

impl TimeUnit {
    /// The unit's name as used on the command line and in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            TimeUnit::WorkingHours => "working-hours",
            TimeUnit::WorkingDays => "working-days",
            TimeUnit::Days => "days",
            TimeUnit::Months => "months",
            TimeUnit::SameDay => "same-day",
        }
    }

    /// Parses `working-days`, `working-hours`, `days`, `months` or `same-day`.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "working-hours" => TimeUnit::WorkingHours,
            "working-days" => TimeUnit::WorkingDays,
            "days" => TimeUnit::Days,
            "months" => TimeUnit::Months,
            "same-day" => TimeUnit::SameDay,
            _ => return None,
        })
    }
}

/// A legal processing time: value and unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProcessingTime {
    /// How many units (0 with any unit means within the day).
    pub value: u32,
    /// The unit.
    pub unit: TimeUnit,
}

impl ProcessingTime {
    /// The time in plain Vietnamese words, e.g. "3 ngày làm việc", "trong ngày".
    pub fn describe_vi(&self) -> String {
        if self.value == 0 || self.unit == TimeUnit::SameDay {
            return "trong ngày".into();
        }
        let unit = match self.unit {
            TimeUnit::WorkingHours => "giờ làm việc",
            TimeUnit::WorkingDays => "ngày làm việc",
            TimeUnit::Days => "ngày",
            TimeUnit::Months => "tháng",
            TimeUnit::SameDay => unreachable!("handled above"),
        };
        format!("{} {unit}", self.value)
    }

    /// The time in plain English words, e.g. "3 working days", "within the day".
    pub fn describe_en(&self) -> String {
        if self.value == 0 || self.unit == TimeUnit::SameDay {
            return "within the day".into();
        }
        let (one, many) = match self.unit {
            TimeUnit::WorkingHours => ("working hour", "working hours"),
            TimeUnit::WorkingDays => ("working day", "working days"),
            TimeUnit::Days => ("day", "days"),
            TimeUnit::Months => ("month", "months"),
            TimeUnit::SameDay => unreachable!("handled above"),
        };
        format!(
            "{} {}",
            self.value,
            if self.value == 1 { one } else { many }
        )
    }
}

/// A day the computation passed over, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SkippedDay {
    /// The date.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date: Date,
    /// `weekend` or the holiday's name.
    pub reason: String,
}

/// How a due date was computed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DueExplanation {
    /// `working-time`, `same-day-before-cutoff`, `same-day-after-cutoff`, `calendar-days`,
    /// `calendar-months`.
    pub rule: String,
    /// The legal rule applied.
    pub legal_basis: String,
    /// The moment of receipt.
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub from: OffsetDateTime,
    /// The processing time applied.
    pub processing_time: ProcessingTime,
    /// When working time started to run (next opening if received outside office hours).
    #[serde(with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub counting_from: Option<OffsetDateTime>,
    /// Working time counted, in minutes, for working-time rules.
    pub working_minutes: Option<i64>,
    /// Non-working days passed over.
    pub skipped_days: Vec<SkippedDay>,
    /// One sentence in Vietnamese.
    pub summary: String,
}

/// A due date and its explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DueDate {
    /// The due instant (shown at +07:00).
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub due: OffsetDateTime,
    /// How it was computed.
    pub explanation: DueExplanation,
}

/// The same-day cut-off: a same-day procedure received after 15:00 is due the next working day.
pub const SAME_DAY_CUTOFF: Time = time::macros::time!(15:00);

fn at(date: Date, t: Time) -> OffsetDateTime {
    PrimitiveDateTime::new(date, t).assume_offset(VN_OFFSET)
}

fn seconds_of_day(t: Time) -> i64 {
    i64::from(t.hour()) * 3600 + i64::from(t.minute()) * 60 + i64::from(t.second())
}

fn time_of(secs: i64) -> Time {
    Time::from_hms(
        (secs / 3600) as u8,
        ((secs / 60) % 60) as u8,
        (secs % 60) as u8,
    )
    .expect("within a day")
}

fn skip_reason(s: &DayStatus) -> String {
    match s {
        DayStatus::Weekend => "cuối tuần".into(),
        DayStatus::Holiday(n) => n.clone(),
        DayStatus::Working | DayStatus::SwappedWorking(_) => String::new(),
    }
}

fn fmt_vn(t: OffsetDateTime) -> String {
    let t = t.to_offset(VN_OFFSET);
    format!(
        "{:02}:{:02} ngày {:02}/{:02}/{}",
        t.hour(),
        t.minute(),
        t.day(),
        u8::from(t.month()),
        t.year()
    )
}

/// Hard stop for walks: no legal processing time comes near ten years.
const MAX_WALK_DAYS: i64 = 3700;

impl WorkingCalendar {
    /// The first instant at or after `from` that is office time, and the non-working days
    /// passed over to reach it.
    pub fn next_office_instant(&self, from: OffsetDateTime) -> (OffsetDateTime, Vec<SkippedDay>) {
        let (t, skipped) = self.add_working_seconds_inner(from, 0, true);
        (t, skipped)
    }

    /// Adds `seconds` of working time to `from`, walking through office hours.
    pub fn add_working_seconds(
        &self,
        from: OffsetDateTime,
        seconds: i64,
    ) -> (OffsetDateTime, Vec<SkippedDay>) {
        if seconds <= 0 {
            return (from, vec![]);
        }
        self.add_working_seconds_inner(from, seconds, false)
    }

    fn add_working_seconds_inner(
        &self,
        from: OffsetDateTime,
        seconds: i64,
        stop_at_first_office_instant: bool,
    ) -> (OffsetDateTime, Vec<SkippedDay>) {
        let local = from.to_offset(VN_OFFSET);
        let mut date = local.date();
        let mut t = seconds_of_day(local.time());
        let mut remaining = seconds;
        let mut skipped = Vec::new();
        for _ in 0..MAX_WALK_DAYS {
            let status = self.day_status(date);
            if status.is_working() {
                for p in self.office().periods() {
                    let (open, close) = (seconds_of_day(p.open), seconds_of_day(p.close));
                    if t < close {
                        let start = t.max(open);
                        if stop_at_first_office_instant {
                            return (at(date, time_of(start)), skipped);
                        }
                        let avail = close - start;
                        if remaining <= avail {
                            return (at(date, time_of(start + remaining)), skipped);
                        }
                        remaining -= avail;
                        t = close;
                    }
                }
            } else {
                skipped.push(SkippedDay {
                    date,
                    reason: skip_reason(&status),
                });
            }
            date = date.next_day().expect("date in range");
            t = 0;
        }
        (at(date, self.office().closing()), skipped)
    }

    /// Working time, in seconds, between `a` and `b` (0 if `b` ≤ `a`).
    pub fn working_seconds_between(&self, a: OffsetDateTime, b: OffsetDateTime) -> i64 {
        self.working_seconds_between_up_to(a, b, i64::MAX)
    }

    /// `min(working_seconds_between(a, b), cap)`, walking only as many days as it takes to
    /// reach `cap`: "has the clock run `cap` seconds?" costs a few days' walk even when `a` is
    /// years back (the minute's escalation sweep asks it of thousands of dossiers).
    pub fn working_seconds_between_up_to(
        &self,
        a: OffsetDateTime,
        b: OffsetDateTime,
        cap: i64,
    ) -> i64 {
        if b <= a {
            return 0;
        }
        let (a, b) = (a.to_offset(VN_OFFSET), b.to_offset(VN_OFFSET));
        let mut total = 0;
        let mut date = a.date();
        while date <= b.date() && total < cap {
            if self.is_working_day(date) {
                for p in self.office().periods() {
                    let start = at(date, p.open).max(a);
                    let end = at(date, p.close).min(b);
                    if end > start {
                        total += (end - start).whole_seconds();
                    }
                }
            }
            date = date.next_day().expect("date in range");
        }
        total.min(cap)
    }

    /// The first instant from which no more than `seconds` of working time are left before `to`
    /// ("due within 4 working hours" starts here): `to` walked back through office hours by
    /// `seconds`, then — when that lands on an opening — back over the closed time before it,
    /// which leaves no more working time than the opening does. `to` itself if `seconds` ≤ 0.
    pub fn start_of_last_working_seconds(
        &self,
        to: OffsetDateTime,
        seconds: i64,
    ) -> OffsetDateTime {
        if seconds <= 0 {
            return to;
        }
        let local = to.to_offset(VN_OFFSET);
        let mut date = local.date();
        let mut t = seconds_of_day(local.time());
        let mut remaining = seconds;
        for _ in 0..MAX_WALK_DAYS {
            if self.is_working_day(date) {
                for p in self.office().periods().iter().rev() {
                    let (open, close) = (seconds_of_day(p.open), seconds_of_day(p.close));
                    if t <= open {
                        continue;
                    }
                    let end = t.min(close);
                    if remaining == 0 {
                        // Everything between this period's close and the opening reached is
                        // closed time.
                        return at(date, time_of(end));
                    }
                    if remaining < end - open {
                        return at(date, time_of(end - remaining));
                    }
                    remaining -= end - open;
                    t = open;
                }
            }
            date = date.previous_day().expect("date in range");
            t = 86_400;
        }
        at(date, self.office().opening())
    }

    /// The closing instant of `date` if it is worked, else of the next working day.
    fn close_of_working_day_from(
        &self,
        date: Date,
        skipped: &mut Vec<SkippedDay>,
    ) -> OffsetDateTime {
        let mut d = date;
        for _ in 0..MAX_WALK_DAYS {
            let status = self.day_status(d);
            if status.is_working() {
                return at(d, self.office().closing());
            }
            skipped.push(SkippedDay {
                date: d,
                reason: skip_reason(&status),
            });
            d = d.next_day().expect("date in range");
        }
        at(d, self.office().closing())
    }

    /// The due date for a dossier received at `from` with processing time `time`.
    pub fn due(&self, from: OffsetDateTime, time: ProcessingTime) -> DueDate {
        let from = from.to_offset(VN_OFFSET);
        if time.value == 0 || time.unit == TimeUnit::SameDay {
            return self.due_same_day(from, time);
        }
        match time.unit {
            TimeUnit::WorkingHours | TimeUnit::WorkingDays => {
                let seconds = match time.unit {
                    TimeUnit::WorkingHours => i64::from(time.value) * 3600,
                    _ => i64::from(time.value) * self.office().day_seconds(),
                };
                let (start, _) = self.next_office_instant(from);
                let (due, skipped) = self.add_working_seconds(from, seconds);
                let summary = format!(
                    "Tiếp nhận lúc {}; tính {} ({} phút làm việc) trong giờ hành chính từ {}, bỏ qua {} ngày nghỉ; hạn {}.",
                    fmt_vn(from),
                    time.describe_vi(),
                    seconds / 60,
                    fmt_vn(start),
                    skipped.len(),
                    fmt_vn(due)
                );
                DueDate {
                    due,
                    explanation: DueExplanation {
                        rule: "working-time".into(),
                        legal_basis: "Thời hạn tính theo giờ/ngày làm việc trong giờ hành chính; không tính ngày nghỉ hằng tuần và ngày nghỉ lễ, Tết (Bộ luật Lao động 2019 điều 111–112)".into(),
                        from,
                        processing_time: time,
                        counting_from: Some(start),
                        working_minutes: Some(seconds / 60),
                        skipped_days: skipped,
                        summary,
                    },
                }
            }
            TimeUnit::Days | TimeUnit::Months => {
                let end_date = if time.unit == TimeUnit::Days {
                    from.date() + Duration::days(i64::from(time.value))
                } else {
                    add_months(from.date(), time.value)
                };
                let mut skipped = Vec::new();
                let due = self.close_of_working_day_from(end_date, &mut skipped);
                let rolled = if skipped.is_empty() {
                    String::new()
                } else {
                    format!(" {end_date} là ngày nghỉ nên hạn chuyển sang ngày làm việc tiếp theo.")
                };
                DueDate {
                    due,
                    explanation: DueExplanation {
                        rule: if time.unit == TimeUnit::Days { "calendar-days" } else { "calendar-months" }.into(),
                        legal_basis: "Thời hạn tính theo ngày/tháng dương lịch; ngày cuối là ngày nghỉ thì kết thúc vào cuối ngày làm việc tiếp theo (Bộ luật Dân sự 2015 điều 148)".into(),
                        from,
                        processing_time: time,
                        counting_from: None,
                        working_minutes: None,
                        summary: format!(
                            "Tiếp nhận lúc {}; cộng {}, thời hạn kết thúc cuối ngày {}.{} Hạn {}.",
                            fmt_vn(from),
                            time.describe_vi(),
                            end_date,
                            rolled,
                            fmt_vn(due)
                        ),
                        skipped_days: skipped,
                    },
                }
            }
            TimeUnit::SameDay => unreachable!("handled above"),
        }
    }

    fn due_same_day(&self, from: OffsetDateTime, time: ProcessingTime) -> DueDate {
        let mut skipped = Vec::new();
        let today_ok = self.is_working_day(from.date()) && from.time() <= SAME_DAY_CUTOFF;
        let (due, rule) = if today_ok {
            (
                at(from.date(), self.office().closing()),
                "same-day-before-cutoff",
            )
        } else {
            let next = from.date().next_day().expect("date in range");
            if !self.is_working_day(from.date()) {
                skipped.push(SkippedDay {
                    date: from.date(),
                    reason: skip_reason(&self.day_status(from.date())),
                });
            }
            (
                self.close_of_working_day_from(next, &mut skipped),
                "same-day-after-cutoff",
            )
        };
        let summary = if today_ok {
            format!(
                "Thủ tục giải quyết trong ngày, tiếp nhận lúc {} (trước 15:00): hạn {}.",
                fmt_vn(from),
                fmt_vn(due)
            )
        } else {
            format!(
                "Thủ tục giải quyết trong ngày, tiếp nhận lúc {} (sau 15:00 hoặc ngoài ngày làm việc): hạn cuối ngày làm việc tiếp theo, {}.",
                fmt_vn(from),
                fmt_vn(due)
            )
        };
        DueDate {
            due,
            explanation: DueExplanation {
                rule: rule.into(),
                legal_basis: "Hồ sơ giải quyết trong ngày tiếp nhận sau 15 giờ thì trả kết quả trong ngày làm việc tiếp theo (Nghị định 118/2025/NĐ-CP)".into(),
                from,
                processing_time: time,
                counting_from: None,
                working_minutes: None,
                skipped_days: skipped,
                summary,
            },
        }
    }

    /// Moves a due date forward by the working time between `paused_at` and `resumed_at`
    /// (the time the applicant took to supplement is not counted). Returns the new due date and
    /// the working seconds paused.
    pub fn shift_by_pause(
        &self,
        due: OffsetDateTime,
        paused_at: OffsetDateTime,
        resumed_at: OffsetDateTime,
    ) -> (OffsetDateTime, i64) {
        let paused = self.working_seconds_between(paused_at, resumed_at);
        let (new_due, _) = self.add_working_seconds(due, paused);
        (new_due.to_offset(VN_OFFSET), paused)
    }
}

/// Adds calendar months, clamping the day to the end of the month (31 Jan + 1 month = 28/29 Feb).
pub fn add_months(d: Date, months: u32) -> Date {
    let total = i64::from(d.year()) * 12 + i64::from(u8::from(d.month()) - 1) + i64::from(months);
    let year = (total / 12) as i32;
    let month = time::Month::try_from((total % 12 + 1) as u8).expect("1..=12");
    let last = time::util::days_in_month(month, year);
    Date::from_calendar_date(year, month, d.day().min(last)).expect("clamped")
}

#[cfg(test)]
mod tests {
    use super::super::{OfficeHours, official_2025};
    use super::*;
    use time::macros::{date, datetime};

    fn cal() -> WorkingCalendar {
        WorkingCalendar::new(OfficeHours::default(), [official_2025()])
    }

    fn pt(value: u32, unit: TimeUnit) -> ProcessingTime {
        ProcessingTime { value, unit }
    }

    #[test]
    fn friday_before_tet_plus_three_working_days_is_wednesday_after() {
        let d = cal().due(datetime!(2025-01-24 16:00 +7), pt(3, TimeUnit::WorkingDays));
        assert_eq!(d.due, datetime!(2025-02-05 16:00 +7));
        assert_eq!(d.explanation.working_minutes, Some(3 * 8 * 60));
        let skipped: Vec<Date> = d.explanation.skipped_days.iter().map(|s| s.date).collect();
        assert_eq!(skipped.first(), Some(&date!(2025 - 01 - 25)));
        assert!(skipped.contains(&date!(2025 - 01 - 27)));
        assert_eq!(skipped.len(), 9); // 25–26 Jan, 27–31 Jan, 1–2 Feb
    }

    #[test]
    fn due_date_table() {
        let c = cal();
        let cases = [
            // (received, time, due)
            (
                datetime!(2025-03-03 08:00 +7),
                pt(4, TimeUnit::WorkingHours),
                datetime!(2025-03-03 13:30 +7),
            ),
            (
                datetime!(2025-03-03 06:00 +7),
                pt(1, TimeUnit::WorkingDays),
                datetime!(2025-03-03 17:00 +7),
            ),
            (
                datetime!(2025-03-03 12:00 +7),
                pt(2, TimeUnit::WorkingHours),
                datetime!(2025-03-03 15:00 +7),
            ),
            (
                datetime!(2025-03-03 18:00 +7),
                pt(1, TimeUnit::WorkingHours),
                datetime!(2025-03-04 08:30 +7),
            ),
            (
                datetime!(2025-03-08 10:00 +7),
                pt(1, TimeUnit::WorkingDays),
                datetime!(2025-03-10 17:00 +7),
            ),
            // Same day: by 15:00 → today's close; after → next working day's close.
            (
                datetime!(2025-03-03 15:00 +7),
                pt(0, TimeUnit::SameDay),
                datetime!(2025-03-03 17:00 +7),
            ),
            (
                datetime!(2025-03-03 15:01 +7),
                pt(0, TimeUnit::SameDay),
                datetime!(2025-03-04 17:00 +7),
            ),
            (
                datetime!(2025-03-07 16:00 +7),
                pt(0, TimeUnit::WorkingDays),
                datetime!(2025-03-10 17:00 +7),
            ),
            (
                datetime!(2025-03-08 09:00 +7),
                pt(0, TimeUnit::SameDay),
                datetime!(2025-03-10 17:00 +7),
            ),
            // Swapped Saturday 26 April 2025 is worked.
            (
                datetime!(2025-04-25 16:00 +7),
                pt(2, TimeUnit::WorkingHours),
                datetime!(2025-04-26 08:30 +7),
            ),
            // Calendar days: 10 days from 2025-04-22 ends 2 May (off) → Monday 5 May close.
            (
                datetime!(2025-04-22 09:00 +7),
                pt(10, TimeUnit::Days),
                datetime!(2025-05-05 17:00 +7),
            ),
            (
                datetime!(2025-03-03 09:00 +7),
                pt(3, TimeUnit::Days),
                datetime!(2025-03-06 17:00 +7),
            ),
            // Months: 31 Jan + 1 month = 28 Feb 2025 (Friday).
            (
                datetime!(2025-01-31 09:00 +7),
                pt(1, TimeUnit::Months),
                datetime!(2025-02-28 17:00 +7),
            ),
        ];
        for (from, time, want) in cases {
            assert_eq!(c.due(from, time).due, want, "{from} + {time:?}");
        }
    }

    #[test]
    fn pause_moves_the_due_date_by_the_working_time_paused() {
        let c = cal();
        // Paused Monday 08:00 → Wednesday 08:00 = 2 working days (16 h); due Fri 17:00 → Tue 17:00.
        let (due, paused) = c.shift_by_pause(
            datetime!(2025-03-07 17:00 +7),
            datetime!(2025-03-03 07:30 +7),
            datetime!(2025-03-05 07:30 +7),
        );
        assert_eq!(paused, 16 * 3600);
        assert_eq!(due, datetime!(2025-03-11 17:00 +7));
    }

    #[test]
    fn working_seconds_between_skips_lunch_and_nights() {
        let c = cal();
        assert_eq!(
            c.working_seconds_between(
                datetime!(2025-03-03 11:00 +7),
                datetime!(2025-03-03 14:00 +7)
            ),
            90 * 60
        );
        assert_eq!(
            c.working_seconds_between(
                datetime!(2025-03-07 16:00 +7),
                datetime!(2025-03-10 08:30 +7)
            ),
            2 * 3600
        );
    }

    #[test]
    fn add_months_clamps_to_month_end() {
        assert_eq!(add_months(date!(2024 - 01 - 31), 1), date!(2024 - 02 - 29));
        assert_eq!(add_months(date!(2024 - 11 - 30), 3), date!(2025 - 02 - 28));
    }
}
