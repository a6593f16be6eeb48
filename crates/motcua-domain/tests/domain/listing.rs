//! A list's view of a dossier ([`DossierListing`]) is decoded from the stored dossier's text:
//! every field it has must come out of that text exactly as the dossier holds it, in every
//! state a list shows, and its overdue rule must be the dossier's.

use crate::common::{act, new_dossier, open};
use motcua_domain::catalogue::Channel;
use motcua_domain::dossier::{
    Applicant, Command, Dossier, DossierListing, DossierResult, NewDossier,
};
use motcua_domain::ids::AgencyCode;
use time::OffsetDateTime;
use time::macros::datetime;

/// The common dossier with every optional field of the applicant filled, hostile characters in
/// the name and a support point.
fn open_full(channel: Channel, at: OffsetDateTime) -> Dossier {
    let base = new_dossier(channel);
    open(
        NewDossier {
            applicant: Applicant {
                name: "Nguyễn Văn \"An\" <b>".into(),
                email: Some("an@example.vn".into()),
                address: Some("Thôn 3, xã Đức Trọng".into()),
                ..base.applicant
            },
            summary: "Chứng thực bản sao".into(),
            support_point: Some("Bưu điện xã".into()),
            ..base
        },
        at,
    )
}

/// Every state a list shows: submitted online (no due date yet), received, transferred,
/// finished late, returned, refused.
fn states() -> Vec<(&'static str, Dossier)> {
    let t0 = datetime!(2025-03-03 09:00 +7);
    let online = open_full(Channel::Online, t0);
    let counter = open_full(Channel::Direct, t0);
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
