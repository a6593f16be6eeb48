//! Who may hold a dossier (issue #6, routing): a transfer goes to the competent agency or back to
//! the receiving point; anywhere else only as a consultation, and a consulted agency can only send
//! it back. Every case, legal or not, as a table.

use crate::common::{new_dossier, open, procedure};
use motcua_domain::calendar::{OfficeHours, WorkingCalendar, official_2025};
use motcua_domain::catalogue::Channel;
use motcua_domain::dossier::{ActionContext, Command, Dossier, DossierError};
use motcua_domain::ids::AgencyCode;
use time::macros::datetime;

fn a(s: &str) -> AgencyCode {
    AgencyCode::parse(s).unwrap()
}

/// A dossier received at 24958.TTPVHCC, competent 24958.UBND, then moved along `path`
/// (transfers as (to, consultation)).
fn dossier_at(path: &[(&str, bool)]) -> Dossier {
    let mut d = open(new_dossier(Channel::Direct), datetime!(2025-03-03 09:00 +7));
    for (to, consultation) in path {
        d = transfer(&d, to, *consultation).unwrap();
    }
    d
}

fn transfer(d: &Dossier, to: &str, consultation: bool) -> Result<Dossier, DossierError> {
    let cal = WorkingCalendar::new(OfficeHours::default(), [official_2025()]);
    let p = procedure();
    let ctx = ActionContext {
        now: datetime!(2025-03-04 09:00 +7),
        calendar: &cal,
        procedure: &p,
    };
    let cmd = Command::Transfer {
        to_agency: a(to),
        note: None,
        consultation,
    };
    d.apply(&cmd, ctx).map(|(d, _)| d)
}

#[test]
fn transfer_table() {
    // (case, path before, target, consultation, expected: Ok(holder, consultation_from) or Err(code))
    type Want = Result<(&'static str, Option<&'static str>), &'static str>;
    type Case<'a> = (&'a str, Vec<(&'a str, bool)>, &'a str, bool, Want);
    let cases: Vec<Case> = vec![
        (
            "counter → competent",
            vec![],
            "24958.UBND",
            false,
            Ok(("24958.UBND", None)),
        ),
        (
            "competent → back to the counter",
            vec![("24958.UBND", false)],
            "24958.TTPVHCC",
            false,
            Ok(("24958.TTPVHCC", None)),
        ),
        (
            "counter → an agency not competent",
            vec![],
            "68.STP",
            false,
            Err("authority.not_competent"),
        ),
        (
            "competent → another commune's body",
            vec![("24958.UBND", false)],
            "24781.UBND",
            false,
            Err("authority.not_competent"),
        ),
        (
            "to the holder itself",
            vec![],
            "24958.TTPVHCC",
            false,
            Err("dossier.transfer_to_self"),
        ),
        (
            "consultation out",
            vec![("24958.UBND", false)],
            "68.STP",
            true,
            Ok(("68.STP", Some("24958.UBND"))),
        ),
        (
            "consulted agency sends it back",
            vec![("24958.UBND", false), ("68.STP", true)],
            "24958.UBND",
            false,
            Ok(("24958.UBND", None)),
        ),
        (
            "consulted agency sends it back, flagged as consultation",
            vec![("24958.UBND", false), ("68.STP", true)],
            "24958.UBND",
            true,
            Ok(("24958.UBND", None)),
        ),
        (
            "consulted agency sends it elsewhere",
            vec![("24958.UBND", false), ("68.STP", true)],
            "24781.UBND",
            false,
            Err("dossier.consultation_must_return"),
        ),
        (
            "consulted agency consults further",
            vec![("24958.UBND", false), ("68.STP", true)],
            "68.CA",
            true,
            Err("dossier.consultation_must_return"),
        ),
        (
            "consulted agency sends it to the counter",
            vec![("24958.UBND", false), ("68.STP", true)],
            "24958.TTPVHCC",
            false,
            Err("dossier.consultation_must_return"),
        ),
        (
            "after the return, a new consultation",
            vec![
                ("24958.UBND", false),
                ("68.STP", true),
                ("24958.UBND", false),
            ],
            "68.CA",
            true,
            Ok(("68.CA", Some("24958.UBND"))),
        ),
    ];
    for (name, path, to, consultation, want) in cases {
        let d = dossier_at(&path);
        let got = transfer(&d, to, consultation);
        match (got, want) {
            (Ok(next), Ok((holder, from))) => {
                assert_eq!(next.current_agency.as_str(), holder, "{name}");
                assert_eq!(
                    next.consultation_from.as_ref().map(|a| a.as_str()),
                    from,
                    "{name}"
                );
                assert_eq!(
                    next.competent_agency.as_str(),
                    "24958.UBND",
                    "{name}: competence never moves"
                );
            }
            (Err(e), Err(code)) => assert_eq!(e.code(), code, "{name}: {e}"),
            (got, want) => panic!("{name}: got {got:?}, want {want:?}"),
        }
    }
}

#[test]
fn the_refusal_explains_who_may_hold_it() {
    let d = dossier_at(&[]);
    let e = transfer(&d, "68.STP", false).unwrap_err();
    let m = e.to_string();
    assert!(
        m.contains("68.STP") && m.contains("24958.UBND") && m.contains("consultation"),
        "{m}"
    );
}

fn apply(d: &Dossier, cmd: &Command) -> Result<Dossier, DossierError> {
    let cal = WorkingCalendar::new(OfficeHours::default(), [official_2025()]);
    let p = procedure();
    let ctx = ActionContext {
        now: datetime!(2025-03-05 09:00 +7),
        calendar: &cal,
        procedure: &p,
    };
    d.apply(cmd, ctx).map(|(d, _)| d)
}

/// Issue #29: while a consultation is out, every action but the transfer back is refused with
/// `dossier.in_consultation` — by whoever asks (the lifecycle does not know who), and the
/// dossier offers the transfer only.
#[test]
fn while_a_consultation_is_out_only_the_transfer_back_is_legal() {
    use motcua_domain::dossier::{ActionKind, DossierResult, SupplementItem};
    let d = dossier_at(&[("24958.UBND", false), ("24958.CA", true)]);
    assert_eq!(d.consultation_from, Some(a("24958.UBND")));
    assert_eq!(d.legal_actions(), vec![ActionKind::Transfer]);
    let refused = [
        Command::Receive { components: None },
        Command::Refuse { reason: "x".into() },
        Command::RequestSupplement {
            items: vec![SupplementItem {
                component: "TK".into(),
                note: None,
            }],
            reason: None,
        },
        Command::Supplement { components: vec![] },
        Command::Assign {
            handler: crate::common::officer("cán bộ"),
        },
        Command::RequestPayment {
            amount_vnd: 1000,
            note: None,
        },
        Command::Pay {
            amount_vnd: 1000,
            online: false,
        },
        Command::Finish {
            result: DossierResult {
                summary: "Đã cấp".into(),
                document_number: None,
            },
        },
        Command::ReturnResult { method: None },
        Command::SubmitDraft {
            result: DossierResult {
                summary: "x".into(),
                document_number: None,
            },
            draft_document: None,
            by: crate::common::officer("A"),
            approver: crate::common::officer("B"),
        },
        Command::ApproveDraft {},
        Command::ReturnDraft { reason: "x".into() },
        Command::Reschedule {
            reason: "x".into(),
            new_due_at: datetime!(2025-04-01 09:00 +7),
        },
        Command::Withdraw { reason: None },
        Command::Stop { reason: "x".into() },
    ];
    // Every action kind but submit (never on an existing dossier) and transfer is listed.
    assert_eq!(refused.len(), ActionKind::ALL.len() - 2);
    for cmd in &refused {
        assert_eq!(
            apply(&d, cmd).map_err(|e| e.code()),
            Err("dossier.in_consultation"),
            "{cmd:?}"
        );
    }
    // Elsewhere, even as a new consultation: it must come back first.
    for consultation in [false, true] {
        assert_eq!(
            transfer(&d, "68.STP", consultation).map_err(|e| e.code()),
            Err("dossier.consultation_must_return")
        );
    }
    let back = transfer(&d, "24958.UBND", false).unwrap();
    assert_eq!(back.consultation_from, None);
    assert!(back.legal_actions().contains(&ActionKind::Finish));
}
