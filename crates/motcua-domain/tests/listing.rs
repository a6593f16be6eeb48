//! A list's view of a dossier ([`DossierListing`]) is decoded from the stored dossier's text:
//! every field it has must come out of that text exactly as the dossier holds it, in every
//! state a list shows, and its overdue rule must be the dossier's.

mod common;

use common::{cal, procedure};
use motcua_domain::catalogue::Channel;
use motcua_domain::dossier::{
    ActionContext, Applicant, Command, Dossier, DossierListing, DossierResult, NewDossier,
};
use motcua_domain::ids::{AgencyCode, DossierCode, ProvinceCode, UnitCode};
use time::OffsetDateTime;
use time::macros::datetime;

fn open(channel: Channel, at: OffsetDateTime) -> Dossier {
    Dossier::open(
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
                name: "Nguyễn Văn \"An\" <b>".into(),
                id_number: "068095001234".parse().unwrap(),
                phone: "0912345678".parse().unwrap(),
                email: Some("an@example.vn".into()),
                address: Some("Thôn 3, xã Đức Trọng".into()),
            },
            summary: "Chứng thực bản sao".into(),
            components: vec![],
            receive_now: channel == Channel::Direct,
            routing: None,
            linked: None,
            support_point: Some("Bưu điện xã".into()),
        },
        ActionContext {
            now: at,
            calendar: &cal(),
            procedure: &procedure(),
        },
    )
    .unwrap()
    .0
}

fn act(d: &Dossier, cmd: Command, at: OffsetDateTime) -> Dossier {
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

/// Every state a list shows: submitted online (no due date yet), received, transferred,
/// finished late, returned, refused.
fn states() -> Vec<(&'static str, Dossier)> {
    let t0 = datetime!(2025-03-03 09:00 +7);
    let online = open(Channel::Online, t0);
    let counter = open(Channel::Direct, t0);
    let transferred = act(
        &counter,
        Command::Transfer {
            to_agency: AgencyCode::parse("24958.UBND").unwrap(),
            note: None,
            consultation: false,
        },
        datetime!(2025-03-03 10:00 +7),
    );
    let finished = act(
        &transferred,
        Command::Finish {
            result: DossierResult {
                summary: "Bản sao".into(),
                document_number: Some("12/CT".into()),
            },
        },
        datetime!(2025-03-20 10:00 +7),
    );
    let returned = act(
        &finished,
        Command::ReturnResult { method: None },
        datetime!(2025-03-20 11:00 +7),
    );
    let refused = act(
        &online,
        Command::Refuse {
            reason: "không thuộc thẩm quyền".into(),
        },
        t0,
    );
    vec![
        ("online", online),
        ("counter", counter),
        ("transferred", transferred),
        ("finished", finished),
        ("returned", returned),
        ("refused", refused),
    ]
}

#[test]
fn a_listing_decoded_from_the_stored_text_is_the_dossiers_own_fields() {
    for (name, d) in states() {
        let text = serde_json::to_string(&d).unwrap();
        let decoded: DossierListing = serde_json::from_str(&text).unwrap();
        assert_eq!(decoded, DossierListing::from(&d), "{name}");
    }
    // The states above really exercise the optional fields.
    let all = states();
    assert!(all.iter().any(|(_, d)| d.due_at.is_none()));
    assert!(all.iter().any(|(_, d)| d.returned_at.is_some()));
    assert!(all.iter().any(|(_, d)| d.timeliness.is_some()));
}

#[test]
fn a_listing_is_overdue_exactly_when_its_dossier_is() {
    let times = [
        datetime!(2025-03-03 09:00 +7),
        datetime!(2025-03-06 09:00 +7),
        datetime!(2025-04-30 09:00 +7),
    ];
    let mut seen = [false, false];
    for (name, d) in states() {
        let l = DossierListing::from(&d);
        for now in times {
            assert_eq!(l.is_overdue(now), d.is_overdue(now), "{name} at {now}");
            seen[usize::from(d.is_overdue(now))] = true;
        }
    }
    assert_eq!(seen, [true, true], "both answers occur");
}
