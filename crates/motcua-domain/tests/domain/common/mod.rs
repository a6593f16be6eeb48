//! Fixtures shared by the domain's integration tests.

use motcua_domain::calendar::{OfficeHours, WorkingCalendar, official_2025};
use motcua_domain::catalogue::{Channel, Procedure};
use motcua_domain::dossier::{ActionContext, Applicant, Command, Dossier, NewDossier};
use motcua_domain::ids::{AgencyCode, DossierCode, ProvinceCode, UnitCode};
use time::OffsetDateTime;

/// 1.004873 (certified copy, 3 working days) from the seed catalogue, at version 1.
pub fn procedure() -> Procedure {
    let all: Vec<Procedure> =
        serde_json::from_str(include_str!("../../../../../data/procedures/seed.json")).unwrap();
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

/// 24958-250303-0001 of Nguyễn Văn An at the Đức Trọng centre for its People's Committee,
/// received at once when filed at the counter.
#[allow(dead_code)]
pub fn new_dossier(channel: Channel) -> NewDossier {
    NewDossier {
        id: uuid::Uuid::now_v7(),
        code: DossierCode::parse("24958-250303-0001").unwrap(),
        province_code: ProvinceCode::parse("68").unwrap(),
        case_code: None,
        channel,
        receiving_unit: UnitCode::parse("24958").unwrap(),
        receiving_agency: AgencyCode::parse("24958.TTPVHCC").unwrap(),
        competent_agency: AgencyCode::parse("24958.UBND").unwrap(),
        applicant: Applicant {
            name: "Nguyễn Văn An".into(),
            id_number: "068095001234".parse().unwrap(),
            phone: "0912345678".parse().unwrap(),
            email: None,
            address: None,
        },
        summary: String::new(),
        components: vec![],
        receive_now: channel == Channel::Direct,
        routing: None,
        linked: None,
        declaration: None,
        result_delivery: None,
        support_point: None,
    }
}

/// Opens a dossier at `at` under [`procedure`] and [`cal`].
#[allow(dead_code)]
pub fn open(new: NewDossier, at: OffsetDateTime) -> Dossier {
    Dossier::open(
        new,
        ActionContext {
            now: at,
            calendar: &cal(),
            procedure: &procedure(),
        },
    )
    .unwrap()
    .0
}

/// Applies a command at `at` under [`procedure`] and [`cal`]; panics with the command if refused.
#[allow(dead_code)]
pub fn act(d: &Dossier, cmd: Command, at: OffsetDateTime) -> Dossier {
    d.apply(
        &cmd,
        ActionContext {
            now: at,
            calendar: &cal(),
            procedure: &procedure(),
        },
    )
    .unwrap_or_else(|e| panic!("{cmd:?}: {e}"))
    .0
}

/// An officer's account for an assignment or a draft (the id derived from the name).
pub fn officer(name: &str) -> motcua_domain::dossier::Assignee {
    let mut h: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    for b in name.bytes() {
        h = (h ^ u128::from(b)).wrapping_mul(0x0000_0000_0100_0000_0000_0000_0000_013b);
    }
    motcua_domain::dossier::Assignee {
        user: uuid::Uuid::from_u128(h),
        name: name.to_owned(),
    }
}
