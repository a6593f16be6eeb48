//! Calendar invariants: Tết for every year 1900–2100 against an independent reference, and
//! property tests that a due date always lands in office hours on a working day.

use motcua_domain::VN_OFFSET;
use motcua_domain::calendar::lunar::{solar_to_lunar, tet};
use motcua_domain::calendar::{
    OfficeHours, ProcessingTime, TimeUnit, WorkingCalendar, official_2025,
};
use proptest::prelude::*;
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time};

#[test]
fn tet_matches_the_reference_for_every_year_1900_to_2100() {
    let reference = include_str!("data/tet_1900_2100.csv");
    let mut checked = 0;
    for line in reference.lines().skip(1) {
        let (year, date) = line.split_once(',').expect("year,date");
        let year: i32 = year.parse().unwrap();
        assert_eq!(tet(year).to_string(), date, "Tết {year}");
        checked += 1;
    }
    assert_eq!(checked, 201);
}

#[test]
fn tet_is_lunar_first_day_of_first_month() {
    for year in 1900..=2100 {
        let l = solar_to_lunar(tet(year));
        assert_eq!(
            (l.day, l.month, l.year, l.leap),
            (1, 1, year, false),
            "{year}"
        );
    }
}

fn calendar() -> WorkingCalendar {
    WorkingCalendar::new(OfficeHours::default(), [official_2025()])
}

fn unit_strategy() -> impl Strategy<Value = TimeUnit> {
    prop_oneof![
        Just(TimeUnit::WorkingHours),
        Just(TimeUnit::WorkingDays),
        Just(TimeUnit::Days),
        Just(TimeUnit::Months),
        Just(TimeUnit::SameDay),
    ]
}

fn instant_strategy() -> impl Strategy<Value = OffsetDateTime> {
    // Any minute between 2024-01-01 and 2027-12-31, local time.
    (0i64..(4 * 366), 0u8..24, 0u8..60).prop_map(|(days, h, m)| {
        let d =
            Date::from_calendar_date(2024, time::Month::January, 1).unwrap() + Duration::days(days);
        PrimitiveDateTime::new(d, Time::from_hms(h, m, 0).unwrap()).assume_offset(VN_OFFSET)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn a_due_date_is_always_in_office_hours_on_a_working_day(from in instant_strategy(), value in 0u32..40, unit in unit_strategy()) {
        let cal = calendar();
        let due = cal.due(from, ProcessingTime { value, unit });
        let local = due.due.to_offset(VN_OFFSET);
        prop_assert!(cal.is_working_day(local.date()), "{} lands on a non-working day", local);
        prop_assert!(cal.office().contains(local.time()), "{} is outside office hours", local);
        prop_assert!(due.due > from || (value == 0 || unit == TimeUnit::SameDay), "due {} not after {}", due.due, from);
    }

    #[test]
    fn working_time_added_is_working_time_counted(from in instant_strategy(), hours in 1i64..200) {
        let cal = calendar();
        let (due, _) = cal.add_working_seconds(from, hours * 3600);
        prop_assert_eq!(cal.working_seconds_between(from, due), hours * 3600);
    }

    #[test]
    fn a_capped_count_is_the_full_count_capped(a in instant_strategy(), b in instant_strategy(), cap_h in 0i64..400) {
        let cal = calendar();
        let cap = cap_h * 3600 + 1;
        prop_assert_eq!(
            cal.working_seconds_between_up_to(a, b, cap),
            cal.working_seconds_between(a, b).min(cap)
        );
    }

    #[test]
    fn the_last_working_stretch_starts_exactly_where_the_time_left_drops_to_it(to in instant_strategy(), minutes in 1i64..6000) {
        let cal = calendar();
        let k = minutes * 60;
        let s = cal.start_of_last_working_seconds(to, k);
        prop_assert!(s <= to);
        prop_assert_eq!(cal.working_seconds_between(s, to), k);
        prop_assert!(cal.working_seconds_between(s - Duration::seconds(1), to) > k, "{} is not the first", s);
    }

    #[test]
    fn a_pause_never_moves_the_due_date_backwards(from in instant_strategy(), pause_h in 0i64..300, due_h in 1i64..100) {
        let cal = calendar();
        let (due, _) = cal.add_working_seconds(from, due_h * 3600);
        let resumed = from + Duration::hours(pause_h);
        let (shifted, paused) = cal.shift_by_pause(due, from, resumed);
        prop_assert!(shifted >= due);
        prop_assert_eq!(cal.working_seconds_between(due, shifted), paused);
    }
}
