//! The dossier state machine as a table: every (status, action) pair, legal or not.

use motcua_domain::dossier::{ActionKind as A, Hold, Status as S, legal_actions, next_status};

/// Every legal transition. Anything not listed must be refused.
const LEGAL: &[(S, A, S)] = &[
    (S::Submitted, A::Receive, S::Received),
    (S::Submitted, A::Refuse, S::Refused),
    (S::Submitted, A::RequestSupplement, S::SupplementRequested),
    (S::Submitted, A::Withdraw, S::Withdrawn),
    (S::Received, A::RequestSupplement, S::SupplementRequested),
    (S::Received, A::Assign, S::Processing),
    (S::Received, A::Transfer, S::Processing),
    (S::Received, A::RequestPayment, S::AwaitingPayment),
    (S::Received, A::Finish, S::Finished),
    (S::Received, A::Reschedule, S::Received),
    (S::Received, A::Withdraw, S::Withdrawn),
    (S::Received, A::Stop, S::Stopped),
    (S::Processing, A::RequestSupplement, S::SupplementRequested),
    (S::Processing, A::Assign, S::Processing),
    (S::Processing, A::Transfer, S::Processing),
    (S::Processing, A::RequestPayment, S::AwaitingPayment),
    (S::Processing, A::Finish, S::Finished),
    // The approval step (trình ký) inside "processing": national code 4 throughout; which of
    // the three is legal depends on the hold (tested below).
    (S::Received, A::SubmitDraft, S::Processing),
    (S::Processing, A::SubmitDraft, S::Processing),
    (S::Processing, A::ReturnDraft, S::Processing),
    (S::Processing, A::ApproveDraft, S::Finished),
    (S::Processing, A::Reschedule, S::Processing),
    (S::Processing, A::Withdraw, S::Withdrawn),
    (S::Processing, A::Stop, S::Stopped),
    // Supplement returns to the status held when it was requested (tested separately below).
    (S::SupplementRequested, A::Supplement, S::Processing),
    (S::SupplementRequested, A::Withdraw, S::Withdrawn),
    (S::SupplementRequested, A::Stop, S::Stopped),
    (S::AwaitingPayment, A::Pay, S::Processing),
    (S::AwaitingPayment, A::Reschedule, S::AwaitingPayment),
    (S::AwaitingPayment, A::Withdraw, S::Withdrawn),
    (S::AwaitingPayment, A::Stop, S::Stopped),
    (S::Finished, A::ReturnResult, S::Returned),
];

#[test]
fn every_status_action_pair_is_legal_exactly_when_listed() {
    let mut checked = 0;
    for from in S::ALL {
        for action in A::ALL {
            let want = LEGAL
                .iter()
                .find(|(f, a, _)| *f == from && *a == action)
                .map(|x| x.2);
            let resume = (from == S::SupplementRequested).then_some(S::Processing);
            assert_eq!(
                next_status(from, action, resume),
                want,
                "{} --{}-->",
                from.as_str(),
                action.as_str()
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 10 * 17);
}

#[test]
fn supplement_returns_to_the_status_it_paused() {
    for resume in [S::Submitted, S::Received, S::Processing] {
        assert_eq!(
            next_status(S::SupplementRequested, A::Supplement, Some(resume)),
            Some(resume)
        );
    }
    for bad in [None, Some(S::Finished), Some(S::SupplementRequested)] {
        assert_eq!(
            next_status(S::SupplementRequested, A::Supplement, bad),
            None,
            "{bad:?}"
        );
    }
}

#[test]
fn submit_is_never_legal_on_an_existing_dossier() {
    for s in S::ALL {
        assert_eq!(next_status(s, A::Submit, Some(S::Processing)), None);
    }
}

#[test]
fn closed_dossiers_never_reopen() {
    for s in S::ALL.into_iter().filter(|s| s.is_closed()) {
        assert!(
            Hold::ALL
                .iter()
                .all(|h| legal_actions(s, Some(S::Processing), *h).is_empty()),
            "{} has actions",
            s.as_str()
        );
    }
}

#[test]
fn statuses_map_one_to_one_onto_national_codes() {
    let codes: Vec<u8> = S::ALL.iter().map(|s| s.national_code()).collect();
    assert_eq!(codes, (1..=10).collect::<Vec<u8>>());
    for s in S::ALL {
        assert_eq!(S::parse(s.as_str()), Some(s));
    }
}

/// The table's second dimension (issue #29): with a consultation out, the transfer (back) is
/// the only action offered, in every status that allows a transfer at all.
#[test]
fn a_consultation_out_leaves_only_the_transfer() {
    use motcua_domain::dossier::legal_during_consultation;
    for a in A::ALL {
        assert_eq!(legal_during_consultation(a), a == A::Transfer, "{a:?}");
    }
    for s in S::ALL {
        let resume = (s == S::SupplementRequested).then_some(S::Processing);
        let want: Vec<A> = next_status(s, A::Transfer, resume)
            .map(|_| vec![A::Transfer])
            .unwrap_or_default();
        assert_eq!(
            legal_actions(s, resume, Hold::Consultation),
            want,
            "{}",
            s.as_str()
        );
    }
}

/// The hold of a waiting draft, as a table: what each action may do in it. Anything not
/// allowed must be refused, in every status.
#[test]
fn a_waiting_draft_allows_its_approval_its_return_and_the_exits_only() {
    const IN_APPROVAL: &[A] = &[
        A::ApproveDraft,
        A::ReturnDraft,
        A::Reschedule,
        A::Withdraw,
        A::Stop,
    ];
    const ONLY_IN_APPROVAL: &[A] = &[A::ApproveDraft, A::ReturnDraft];
    for a in A::ALL {
        assert_eq!(
            Hold::Approval.allows(a),
            IN_APPROVAL.contains(&a),
            "approval {a:?}"
        );
        assert_eq!(
            Hold::None.allows(a),
            !ONLY_IN_APPROVAL.contains(&a),
            "none {a:?}"
        );
        assert_eq!(
            Hold::Consultation.allows(a),
            a == A::Transfer,
            "consultation {a:?}"
        );
    }
    // What the desk offers while a draft waits in processing.
    assert_eq!(
        legal_actions(S::Processing, None, Hold::Approval),
        vec![
            A::ApproveDraft,
            A::ReturnDraft,
            A::Reschedule,
            A::Withdraw,
            A::Stop
        ]
    );
    // And without one: no approval, no return, a draft can go up.
    let free = legal_actions(S::Processing, None, Hold::None);
    assert!(free.contains(&A::SubmitDraft) && free.contains(&A::Finish));
    assert!(!free.contains(&A::ApproveDraft) && !free.contains(&A::ReturnDraft));
    // The national code stays 4 ("Đang xử lý") until the approval finishes it.
    for a in [A::SubmitDraft, A::ReturnDraft] {
        assert_eq!(
            next_status(S::Processing, a, None).map(S::national_code),
            Some(4)
        );
    }
}
