//! The working-day calendar: office hours, weekends, holidays, and due dates.
//!
//! Deadlines in the one-stop system are counted in working time. [`WorkingCalendar`] knows a
//! unit's office hours and the holiday tables, and computes due dates with an explanation of
//! the rule that produced them ([`due`]).

pub mod due;
pub mod holidays;
pub mod lunar;
mod office;

pub use due::{DueDate, DueExplanation, ProcessingTime, SkippedDay, TimeUnit};
pub use holidays::{
    DayKind, HolidaySource, HolidayYear, SpecialDay, default_holidays, official_2025,
};
pub use office::{OfficeHours, OfficePeriod};

/// A calendar date written `YYYY-MM-DD` (surrounding spaces ignored); `None` otherwise.
pub fn parse_iso_date(s: &str) -> Option<time::Date> {
    time::Date::parse(
        s.trim(),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()
}

use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};
use time::{Date, Weekday};

/// Default holiday proposals, computed once per process for 1900–2100.
static DEFAULTS: LazyLock<BTreeMap<i32, Arc<HolidayYear>>> = LazyLock::new(|| {
    (1900..=2100)
        .map(|y| (y, Arc::new(default_holidays(y))))
        .collect()
});

/// Why a day is or is not worked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DayStatus {
    /// A normal working day.
    Working,
    /// A weekend day that is worked by official notice.
    SwappedWorking(String),
    /// Saturday or Sunday.
    Weekend,
    /// A holiday or notice day off, with its name.
    Holiday(String),
}

impl DayStatus {
    /// True when the office is open that day.
    pub fn is_working(&self) -> bool {
        matches!(self, DayStatus::Working | DayStatus::SwappedWorking(_))
    }
}

/// A unit's working calendar: its office hours and the holiday tables in force.
#[derive(Debug, Clone)]
pub struct WorkingCalendar {
    office: OfficeHours,
    official: BTreeMap<i32, Arc<HolidayYear>>,
}

impl WorkingCalendar {
    /// A calendar with the given office hours and official yearly tables; years without an
    /// official table use the defaults of Labour Code art. 112.
    pub fn new(office: OfficeHours, official: impl IntoIterator<Item = HolidayYear>) -> Self {
        Self {
            office,
            official: official
                .into_iter()
                .map(|y| (y.year, Arc::new(y)))
                .collect(),
        }
    }

    /// The office hours.
    pub fn office(&self) -> &OfficeHours {
        &self.office
    }

    /// The table in force for `year`: the official one if entered, else the default proposal.
    pub fn year(&self, year: i32) -> Arc<HolidayYear> {
        if let Some(y) = self.official.get(&year) {
            return y.clone();
        }
        DEFAULTS
            .get(&year)
            .cloned()
            .unwrap_or_else(|| Arc::new(default_holidays(year)))
    }

    /// Whether `date` is worked, and why.
    pub fn day_status(&self, date: Date) -> DayStatus {
        let year = self.year(date.year());
        if let Some(special) = year.get(date) {
            return match special.kind {
                DayKind::Off => DayStatus::Holiday(special.name.clone()),
                DayKind::Work => DayStatus::SwappedWorking(special.name.clone()),
            };
        }
        match date.weekday() {
            Weekday::Saturday | Weekday::Sunday => DayStatus::Weekend,
            _ => DayStatus::Working,
        }
    }

    /// True when the office is open on `date`.
    pub fn is_working_day(&self, date: Date) -> bool {
        self.day_status(date).is_working()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn cal() -> WorkingCalendar {
        WorkingCalendar::new(OfficeHours::default(), [official_2025()])
    }

    #[test]
    fn day_status_table() {
        let c = cal();
        let cases = [
            (date!(2025 - 01 - 24), true),  // Friday
            (date!(2025 - 01 - 25), false), // Saturday
            (date!(2025 - 01 - 27), false), // Tết 2025 (official)
            (date!(2025 - 04 - 26), true),  // swapped Saturday
            (date!(2025 - 05 - 02), false), // swapped day off
            (date!(2026 - 02 - 17), false), // Tết 2026 (default)
            (date!(2026 - 02 - 23), true),
        ];
        for (d, working) in cases {
            assert_eq!(c.is_working_day(d), working, "{d}");
        }
    }
}
