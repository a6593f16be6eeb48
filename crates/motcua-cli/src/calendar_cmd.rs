//! `motcua calendar …`: Tết, holidays and due dates from the built-in tables (the official 2025
//! notice and the art. 112 defaults), with no database.

use anyhow::{Result, bail};
use motcua_domain::calendar::lunar::tet;
use motcua_domain::calendar::{
    DayKind, OfficeHours, ProcessingTime, TimeUnit, WorkingCalendar, official_2025,
};
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, Weekday};

fn check_year(year: i32) -> Result<()> {
    if !(1900..=2100).contains(&year) {
        bail!("years 1900-2100 are supported");
    }
    Ok(())
}

/// The built-in calendar: default office hours, the 2025 notice, defaults elsewhere.
pub fn builtin_calendar(office: OfficeHours) -> WorkingCalendar {
    WorkingCalendar::new(office, [official_2025()])
}

/// `calendar tet YEAR`.
pub fn tet_cmd(year: i32) -> Result<String> {
    check_year(year)?;
    Ok(tet(year).to_string())
}

/// `calendar holidays YEAR`: non-working days other than weekends, one per line: `date, name`.
pub fn holidays_cmd(year: i32) -> Result<String> {
    check_year(year)?;
    let cal = builtin_calendar(OfficeHours::default());
    let y = cal.year(year);
    let mut out = String::new();
    for d in &y.days {
        if d.kind == DayKind::Off
            && !matches!(d.date.weekday(), Weekday::Saturday | Weekday::Sunday)
        {
            out.push_str(&format!("{}, {}\n", d.date, d.name));
        }
    }
    Ok(out)
}

/// `calendar due --from --value --unit`: the due instant in RFC 3339 at +07:00.
pub fn due_cmd(from: &str, value: u32, unit: &str, explain: bool) -> Result<String> {
    let from = OffsetDateTime::parse(from, &Rfc3339)
        .map_err(|e| anyhow::anyhow!("--from must be RFC 3339: {e}"))?;
    check_year(from.year())?;
    let Some(unit) = TimeUnit::parse(unit) else {
        bail!("--unit is working-days, working-hours, days, months or same-day");
    };
    let cal = builtin_calendar(OfficeHours::default());
    let due = cal.due(from, ProcessingTime { value, unit });
    let mut out = motcua_domain::dossier::fmt(due.due);
    if explain {
        out.push('\n');
        out.push_str(&due.explanation.summary);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_friday_before_tet_example() {
        assert_eq!(
            due_cmd("2025-01-24T16:00:00+07:00", 3, "working-days", false).unwrap(),
            "2025-02-05T16:00:00+07:00"
        );
    }

    #[test]
    fn holidays_2025_list_the_notice_days_on_weekdays() {
        let out = holidays_cmd(2025).unwrap();
        assert!(out.starts_with("2025-01-01, "));
        assert!(out.contains("2025-05-02, "));
        assert!(!out.contains("2025-04-26"));
        assert_eq!(out.lines().count(), 12);
    }

    #[test]
    fn out_of_range_years_are_refused() {
        assert!(tet_cmd(1899).is_err());
        assert_eq!(tet_cmd(2026).unwrap(), "2026-02-17");
    }
}
