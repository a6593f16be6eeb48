//! Fixtures shared by the domain's integration tests.

use motcua_domain::calendar::{OfficeHours, WorkingCalendar, official_2025};
use motcua_domain::catalogue::Procedure;

/// 1.004873 (certified copy, 3 working days) from the seed catalogue, at version 1.
pub fn procedure() -> Procedure {
    let all: Vec<Procedure> =
        serde_json::from_str(include_str!("../../../../data/procedures/seed.json")).unwrap();
    let mut p = all
        .into_iter()
        .find(|p| p.code.as_str() == "1.004873")
        .unwrap();
    p.version = 1;
    p
}

/// Default office hours and the official 2025 holidays.
#[allow(dead_code)]
pub fn cal() -> WorkingCalendar {
    WorkingCalendar::new(OfficeHours::default(), [official_2025()])
}
