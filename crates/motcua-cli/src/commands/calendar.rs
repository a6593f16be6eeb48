//! `motcua calendar …`: Tết, holidays and due dates from the built-in tables (the official 2025
//! notice and the art. 112 defaults), with no database.

use crate::args::CalendarWhat;
use anyhow::{Result, bail};
use motcua_domain::calendar::lunar::tet;
use motcua_domain::calendar::{
    DayKind, OfficeHours, ProcessingTime, TimeUnit, WorkingCalendar, official_2025,
};
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, Weekday};

/// Runs `motcua calendar …` and prints its answer.
pub(crate) fn run(what: &CalendarWhat) -> Result<()> {
    let out = match what {
        CalendarWhat::Tet { year } => tet_cmd(*year)?,
        CalendarWhat::Holidays { year } => holidays_cmd(*year)?,
        CalendarWhat::Due {
            from,
            value,
            unit,
            explain,
        } => due_cmd(from, *value, unit, *explain)?,
    };
    println!("{}", out.trim_end());
    Ok(())
}

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
