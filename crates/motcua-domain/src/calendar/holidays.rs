//! Public holidays and the per-year holiday table.
//!
//! Labour Code 45/2019/QH14 art. 112(1) fixes the holidays; art. 112(3) lets the Prime Minister
//! fix the exact Tết days and the second National Day day each year; art. 111(3) makes a holiday
//! that falls on a weekly rest day up on the next working day. The calculator here only
//! *proposes* defaults; each year's official notice is data ([`HolidayYear`] with
//! [`HolidaySource::Official`]) that replaces the proposal.

use super::lunar::{LunarDate, lunar_to_solar, tet};
use serde::{Deserialize, Serialize};
use time::{Date, Duration, Month, Weekday};

/// Whether a listed day is a day off or a (swapped) working day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum DayKind {
    /// A day off that would otherwise be worked.
    Off,
    /// A weekend day that is worked (a swapped Saturday).
    Work,
}

/// One day of a year's table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SpecialDay {
    /// The date.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date: Date,
    /// Off or worked.
    pub kind: DayKind,
    /// Its name, e.g. "Tết Nguyên Đán".
    pub name: String,
}

/// Where a year's table comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum HolidaySource {
    /// Proposed by the calculator from art. 112.
    Default,
    /// Entered from the year's official notice (replaces the proposal).
    Official,
}

/// The holiday table of one year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HolidayYear {
    /// The year.
    pub year: i32,
    /// Default proposal or official notice.
    pub source: HolidaySource,
    /// Days off and swapped working days, in date order.
    pub days: Vec<SpecialDay>,
}

impl HolidayYear {
    /// The entry for `date`, if any.
    pub fn get(&self, date: Date) -> Option<&SpecialDay> {
        self.days.iter().find(|d| d.date == date)
    }

    /// Checks that every day belongs to the year and appears once.
    pub fn validate(&self) -> Result<(), String> {
        let mut seen = std::collections::BTreeSet::new();
        for d in &self.days {
            if d.date.year() != self.year {
                return Err(format!("{} is not in {}", d.date, self.year));
            }
            if !seen.insert(d.date) {
                return Err(format!("{} is listed twice", d.date));
            }
            if d.name.trim().is_empty() || d.name.chars().count() > 200 {
                return Err(format!("{} needs a name of 1-200 characters", d.date));
            }
        }
        Ok(())
    }
}

fn is_weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

fn ymd(y: i32, m: Month, d: u8) -> Date {
    Date::from_calendar_date(y, m, d).expect("valid fixed holiday")
}

/// The holidays proposed for `year` by Labour Code art. 112, with weekend holidays made up on
/// the next working day (art. 111(3)).
///
/// Tết is proposed as the last day of the old lunar year and the first four days of the new one;
/// the second National Day day as 1 September.
pub fn default_holidays(year: i32) -> HolidayYear {
    let mut off: Vec<(Date, String)> =
        vec![(ymd(year, Month::January, 1), "Tết Dương lịch".into())];
    // Tết of the lunar year starting in this solar year. The last day of the previous lunar year
    // is the day before Tết (it may fall in this solar year, as it always does after 1900).
    let t = tet(year);
    off.push((
        t - Duration::days(1),
        "Tết Nguyên Đán (ngày cuối năm âm lịch)".into(),
    ));
    for i in 0..4 {
        off.push((
            t + Duration::days(i),
            format!("Tết Nguyên Đán (mùng {})", i + 1),
        ));
    }
    if let Some(h) = lunar_to_solar(LunarDate {
        day: 10,
        month: 3,
        year,
        leap: false,
    }) {
        off.push((h, "Giỗ Tổ Hùng Vương (10/3 âm lịch)".into()));
    }
    off.push((
        ymd(year, Month::April, 30),
        "Ngày Chiến thắng (30/4)".into(),
    ));
    off.push((
        ymd(year, Month::May, 1),
        "Ngày Quốc tế Lao động (1/5)".into(),
    ));
    off.push((
        ymd(year, Month::September, 1),
        "Quốc khánh (ngày liền kề)".into(),
    ));
    off.push((ymd(year, Month::September, 2), "Quốc khánh (2/9)".into()));
    off.retain(|(d, _)| d.year() == year);
    off.sort_by_key(|(d, _)| *d);

    let mut taken: std::collections::BTreeSet<Date> = off.iter().map(|(d, _)| *d).collect();
    let mut makeups = Vec::new();
    for (d, name) in &off {
        if is_weekend(*d) {
            let mut m = *d + Duration::days(1);
            while is_weekend(m) || taken.contains(&m) {
                m += Duration::days(1);
            }
            if m.year() == year {
                taken.insert(m);
                makeups.push((m, format!("Nghỉ bù: {name}")));
            }
        }
    }
    off.extend(makeups);
    off.sort_by_key(|(d, _)| *d);
    HolidayYear {
        year,
        source: HolidaySource::Default,
        days: off
            .into_iter()
            .map(|(date, name)| SpecialDay {
                date,
                kind: DayKind::Off,
                name,
            })
            .collect(),
    }
}

/// The official 2025 table, as announced: 1 Jan; Tết 27–31 Jan; Hùng Kings 7 Apr; 30 Apr, 1 May
/// and 2 May off with Saturday 26 Apr worked; 1–2 Sep.
pub fn official_2025() -> HolidayYear {
    let off = |m, d, name: &str| SpecialDay {
        date: ymd(2025, m, d),
        kind: DayKind::Off,
        name: name.into(),
    };
    HolidayYear {
        year: 2025,
        source: HolidaySource::Official,
        days: vec![
            off(Month::January, 1, "Tết Dương lịch"),
            off(Month::January, 27, "Tết Nguyên Đán"),
            off(Month::January, 28, "Tết Nguyên Đán"),
            off(Month::January, 29, "Tết Nguyên Đán"),
            off(Month::January, 30, "Tết Nguyên Đán"),
            off(Month::January, 31, "Tết Nguyên Đán"),
            off(Month::April, 7, "Giỗ Tổ Hùng Vương"),
            SpecialDay {
                date: ymd(2025, Month::April, 26),
                kind: DayKind::Work,
                name: "Làm bù cho ngày 2/5".into(),
            },
            off(Month::April, 30, "Ngày Chiến thắng"),
            off(Month::May, 1, "Ngày Quốc tế Lao động"),
            off(Month::May, 2, "Nghỉ hoán đổi (làm bù thứ Bảy 26/4)"),
            off(Month::September, 1, "Quốc khánh"),
            off(Month::September, 2, "Quốc khánh"),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn defaults_for_2026_follow_article_112() {
        let y = default_holidays(2026);
        let days: Vec<Date> = y.days.iter().map(|d| d.date).collect();
        // Tết 2026 is 17 February: 16–20 Feb. Hùng Kings 10/3 lunar = 26 April (a Sunday),
        // made up on Monday 27 April. 30 Apr Thu, 1 May Fri. 1–2 Sep Tue–Wed.
        for want in [
            date!(2026 - 01 - 01),
            date!(2026 - 02 - 16),
            date!(2026 - 02 - 17),
            date!(2026 - 02 - 20),
            date!(2026 - 04 - 26),
            date!(2026 - 04 - 27),
            date!(2026 - 04 - 30),
            date!(2026 - 05 - 01),
            date!(2026 - 09 - 01),
            date!(2026 - 09 - 02),
        ] {
            assert!(days.contains(&want), "{want} missing from {days:?}");
        }
        assert!(y.validate().is_ok());
    }

    #[test]
    fn a_weekend_holiday_is_made_up_on_the_next_free_weekday() {
        // 2028: 1 January is a Saturday → made up on Monday 3 January.
        let y = default_holidays(2028);
        let made_up = y.get(date!(2028 - 01 - 03)).expect("make-up day");
        assert!(made_up.name.starts_with("Nghỉ bù"));
    }

    #[test]
    fn official_2025_has_the_swapped_saturday() {
        let y = official_2025();
        assert_eq!(y.get(date!(2025 - 04 - 26)).unwrap().kind, DayKind::Work);
        assert_eq!(y.get(date!(2025 - 05 - 02)).unwrap().kind, DayKind::Off);
        assert!(y.validate().is_ok());
    }
}
