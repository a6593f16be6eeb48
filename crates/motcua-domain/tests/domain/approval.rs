//! Assignment to accounts and the approval step (trình ký) applied to a dossier: what each
//! action records, and every refusal with its code.

use crate::common::{act, cal, new_dossier, officer, open, procedure};
use motcua_domain::catalogue::Channel;
use motcua_domain::dossier::{
    ActionContext, ActionKind, Command, Dossier, DossierError, DossierResult, Hold, Status,
};
use motcua_domain::ids::AgencyCode;
use time::OffsetDateTime;
use time::macros::datetime;

const T0: OffsetDateTime = datetime!(2025-03-03 08:00 +7);

fn try_act(d: &Dossier, cmd: Command, at: OffsetDateTime) -> Result<Dossier, DossierError> {
    d.apply(
        &cmd,
        ActionContext {
            now: at,
            calendar: &cal(),
            procedure: &procedure(),
        },
    )
    .map(|x| x.0)
}

fn draft(by: &str, approver: &str) -> Command {
    Command::SubmitDraft {
        result: DossierResult {
            summary: "Bản sao được chứng thực từ bản chính".into(),
            document_number: Some("15/CT".into()),
        },
        draft_document: None,
        by: officer(by),
        approver: officer(approver),
    }
}

/// Received at the counter and given to Trần Văn Bình.
fn assigned() -> Dossier {
    let d = open(new_dossier(Channel::Direct), T0);
    act(
        &d,
        Command::Assign {
            handler: officer("Trần Văn Bình"),
        },
        datetime!(2025-03-03 09:00 +7),
    )
}

#[test]
fn an_assignment_names_the_account_since_when_and_who_held_it_before() {
    let d = assigned();
    assert_eq!(d.handler.as_deref(), Some("Trần Văn Bình"));
    assert_eq!(d.handler_id, Some(officer("Trần Văn Bình").user));
    assert_eq!(d.handler_since, Some(datetime!(2025-03-03 09:00 +7)));
    assert_eq!(d.status, Status::Processing);
    let (moved, ev) = d
        .apply(
            &Command::Assign {
                handler: officer("Lê Thị Hoa"),
            },
            ActionContext {
                now: datetime!(2025-03-03 10:00 +7),
                calendar: &cal(),
                procedure: &procedure(),
            },
        )
        .unwrap();
    assert_eq!(moved.handler_id, Some(officer("Lê Thị Hoa").user));
    assert_eq!(moved.handler_since, Some(datetime!(2025-03-03 10:00 +7)));
    assert_eq!(ev.payload["previous_handler"], "Trần Văn Bình");
    assert_eq!(
        ev.payload["previous_handler_id"],
        officer("Trần Văn Bình").user.to_string()
    );
    // A transfer leaves nobody holding it at the new agency.
    let sent = act(
        &moved,
        Command::Transfer {
            to_agency: AgencyCode::parse("24958.UBND").unwrap(),
            note: None,
            consultation: false,
        },
        datetime!(2025-03-03 11:00 +7),
    );
    assert_eq!(
        (sent.handler, sent.handler_id, sent.handler_since),
        (None, None, None)
    );
}

#[test]
fn a_draft_approved_becomes_the_result_with_the_time_it_waited() {
    let d = act(
        &assigned(),
        draft("Trần Văn Bình", "Phạm Minh"),
        datetime!(2025-03-03 10:00 +7),
    );
    assert_eq!(
        d.status,
        Status::Processing,
        "national code 4 while it waits"
    );
    assert_eq!(d.hold(), Hold::Approval);
    assert_eq!(d.approval.as_ref().unwrap().approver, officer("Phạm Minh"));
    let (done, ev) = d
        .apply(
            &Command::ApproveDraft {},
            ActionContext {
                now: datetime!(2025-03-03 14:00 +7),
                calendar: &cal(),
                procedure: &procedure(),
            },
        )
        .unwrap();
    assert_eq!(done.status, Status::Finished);
    assert_eq!(done.approval, None);
    assert_eq!(
        done.result.as_ref().map(|r| r.summary.as_str()),
        Some("Bản sao được chứng thực từ bản chính")
    );
    assert!(done.timeliness.is_some());
    assert_eq!(done.finished_at, Some(datetime!(2025-03-03 14:00 +7)));
    assert_eq!(ev.action, ActionKind::ApproveDraft);
    assert_eq!(ev.payload["waited_seconds"], 4 * 3600);
    assert_eq!(ev.payload["approver"]["name"], "Phạm Minh");
}

#[test]
fn a_draft_returned_goes_back_to_the_specialist_with_the_reason() {
    let d = act(
        &assigned(),
        draft("Trần Văn Bình", "Phạm Minh"),
        datetime!(2025-03-03 10:00 +7),
    );
    let at = datetime!(2025-03-03 11:00 +7);
    let back = act(
        &d,
        Command::ReturnDraft {
            reason: "Sai số chứng thực".into(),
        },
        at,
    );
    assert_eq!(back.status, Status::Processing);
    assert_eq!(back.approval, None);
    assert_eq!(back.hold(), Hold::None);
    assert_eq!(
        back.handler.as_deref(),
        Some("Trần Văn Bình"),
        "still the specialist's"
    );
    // A return needs its reason.
    assert_eq!(
        try_act(&d, Command::ReturnDraft { reason: " ".into() }, at).unwrap_err(),
        DossierError::ReasonRequired
    );
    // The second draft goes up again and is approved.
    let again = act(
        &back,
        draft("Trần Văn Bình", "Phạm Minh"),
        datetime!(2025-03-03 13:00 +7),
    );
    let done = act(
        &again,
        Command::ApproveDraft {},
        datetime!(2025-03-03 15:00 +7),
    );
    assert_eq!(done.status, Status::Finished);
    // Approval time counts in the indicators: two drafts decided, 1 h + 2 h of waiting.
    assert_eq!((back.approval_rounds, back.approval_seconds), (1, 3600));
    assert_eq!((done.approval_rounds, done.approval_seconds), (2, 3 * 3600));
    let c = motcua_domain::kpi::contribution(&done);
    assert_eq!(c.get(motcua_domain::kpi::Measure::ApprovalRounds), 2);
    assert_eq!(
        c.get(motcua_domain::kpi::Measure::ApprovalSeconds),
        3 * 3600
    );
    let delta = motcua_domain::kpi::delta(Some(&again), &done);
    assert_eq!(
        delta[0]
            .counts
            .get(motcua_domain::kpi::Measure::ApprovalSeconds),
        2 * 3600,
        "each decision adds its own wait once"
    );
}

#[test]
fn every_refusal_of_the_approval_step_has_its_code_and_changes_nothing() {
    let at = datetime!(2025-03-03 10:00 +7);
    let free = assigned();
    let waiting = act(&free, draft("Trần Văn Bình", "Phạm Minh"), at);
    let cases: Vec<(&str, &Dossier, Command, &str)> = vec![
        (
            "approve without a draft",
            &free,
            Command::ApproveDraft {},
            "dossier.no_draft",
        ),
        (
            "return without a draft",
            &free,
            Command::ReturnDraft { reason: "x".into() },
            "dossier.no_draft",
        ),
        (
            "self approval",
            &free,
            draft("Trần Văn Bình", "Trần Văn Bình"),
            "dossier.self_approval",
        ),
        (
            "a second draft",
            &waiting,
            draft("Trần Văn Bình", "Phạm Minh"),
            "dossier.awaiting_approval",
        ),
        (
            "finish around the draft",
            &waiting,
            Command::Finish {
                result: DossierResult {
                    summary: "x".into(),
                    document_number: None,
                },
            },
            "dossier.awaiting_approval",
        ),
        (
            "transfer while waiting",
            &waiting,
            Command::Transfer {
                to_agency: AgencyCode::parse("24958.UBND").unwrap(),
                note: None,
                consultation: false,
            },
            "dossier.awaiting_approval",
        ),
        (
            "reassign while waiting",
            &waiting,
            Command::Assign {
                handler: officer("Lê Thị Hoa"),
            },
            "dossier.awaiting_approval",
        ),
        (
            "ask for payment while waiting",
            &waiting,
            Command::RequestPayment {
                amount_vnd: 1,
                note: None,
            },
            "dossier.awaiting_approval",
        ),
        (
            "empty draft",
            &free,
            Command::SubmitDraft {
                result: DossierResult {
                    summary: "  ".into(),
                    document_number: None,
                },
                draft_document: None,
                by: officer("Trần Văn Bình"),
                approver: officer("Phạm Minh"),
            },
            "request.invalid_field",
        ),
    ];
    for (what, d, cmd, code) in cases {
        let e = try_act(d, cmd, at).expect_err(what);
        assert_eq!(e.code(), code, "{what}");
    }
    // A finished dossier has nothing to approve; a closed one nothing at all.
    let done = act(&waiting, Command::ApproveDraft {}, at);
    assert_eq!(
        try_act(&done, Command::ApproveDraft {}, at)
            .unwrap_err()
            .code(),
        "dossier.invalid_transition"
    );
    assert_eq!(
        try_act(&done, draft("Trần Văn Bình", "Phạm Minh"), at)
            .unwrap_err()
            .code(),
        "dossier.invalid_transition"
    );
    // The applicant may still withdraw while a draft waits, and the agency still stop.
    let gone = act(&waiting, Command::Withdraw { reason: None }, at);
    assert_eq!(gone.status, Status::Withdrawn);
}
