//! `motcua calendar`'s answers from the built-in tables.

use motcua_cli::commands::calendar::{due_cmd, holidays_cmd, tet_cmd};

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
