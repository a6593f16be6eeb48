//! The incremental counters (issue #7, live KPIs): what a dossier contributes in each state, and
//! that the deltas of every write add up to the contribution of the dossier as it ends — along
//! every path of the lifecycle, so a counter can never drift from the dossiers.

use crate::common::{act, new_dossier, open, procedure};
use motcua_domain::catalogue::Channel;
use motcua_domain::dossier::{Command, Dossier, DossierResult, SupplementItem};
use motcua_domain::kpi::{
    Counts, Measure, contribution, delta, key_of, month_of, officer_counts, percentile_bound,
    totals,
};
use time::macros::datetime;

fn finish() -> Command {
    Command::Finish {
        result: DossierResult {
            summary: "Bản sao".into(),
            document_number: None,
        },
    }
}

fn supplement_request(d: &Dossier) -> Command {
    let p = procedure();
    let case = p.cases.iter().find(|c| c.code == d.case_code).unwrap();
    Command::RequestSupplement {
        items: vec![SupplementItem {
            component: case.components[0].code.clone(),
            note: None,
        }],
        reason: None,
    }
}

/// The measures that are 1 (the time measures aside) for a contribution.
fn ones(c: &Counts) -> Vec<Measure> {
    Measure::ALL
        .into_iter()
        .filter(|m| c.get(*m) == 1 && *m != Measure::TimedSeconds)
        .collect()
}

#[test]
fn contribution_of_each_state() {
    use Measure::*;
    let t0 = datetime!(2025-03-03 09:00 +7);
    let counter = open(new_dossier(Channel::Direct), t0);
    let online = open(new_dossier(Channel::Online), t0);
    let finished = act(&counter, finish(), datetime!(2025-03-03 10:00 +7));
    let returned = act(
        &finished,
        Command::ReturnResult { method: None },
        datetime!(2025-03-03 11:00 +7),
    );
    let refused = act(
        &online,
        Command::Refuse {
            reason: "không thuộc thẩm quyền".into(),
        },
        t0,
    );
    let supplemented = act(&counter, supplement_request(&counter), t0);
    let withdrawn = act(&counter, Command::Withdraw { reason: None }, t0);
    let stopped = act(
        &counter,
        Command::Stop {
            reason: "người nộp qua đời".into(),
        },
        t0,
    );
    let paid = act(
        &act(
            &counter,
            Command::RequestPayment {
                amount_vnd: 8_000,
                note: None,
            },
            t0,
        ),
        Command::Pay {
            amount_vnd: 8_000,
            online: true,
        },
        t0,
    );
    let mut electronic = finished.clone();
    electronic.electronic_result = true;
    let cases: Vec<(&str, &Dossier, Vec<Measure>)> = vec![
        (
            "received at the counter",
            &counter,
            vec![Filed, Received, ChannelDirect, Open],
        ),
        (
            "submitted online, not received",
            &online,
            vec![Filed, ChannelOnline],
        ),
        (
            "finished in an hour: early, ≤ 4 h",
            &finished,
            vec![
                Filed,
                Received,
                ChannelDirect,
                Finished,
                Early,
                TimedCount,
                TimeLe4h,
            ],
        ),
        (
            "returned",
            &returned,
            vec![
                Filed,
                Received,
                ChannelDirect,
                Finished,
                Early,
                Returned,
                TimedCount,
                TimeLe4h,
            ],
        ),
        ("refused", &refused, vec![Filed, ChannelOnline, Refused]),
        (
            "supplement requested (still owed)",
            &supplemented,
            vec![Filed, Received, ChannelDirect, Open, Supplemented],
        ),
        (
            "withdrawn",
            &withdrawn,
            vec![Filed, Received, ChannelDirect, Withdrawn],
        ),
        (
            "stopped",
            &stopped,
            vec![Filed, Received, ChannelDirect, Stopped],
        ),
        (
            "paid online",
            &paid,
            vec![Filed, Received, ChannelDirect, Open, FeeDue, PaidOnline],
        ),
        (
            "finished with a signed electronic result",
            &electronic,
            vec![
                Filed,
                Received,
                ChannelDirect,
                Finished,
                Early,
                ElectronicResult,
                TimedCount,
                TimeLe4h,
            ],
        ),
    ];
    for (name, d, want) in cases {
        assert_eq!(ones(&contribution(d)), want, "{name}");
    }
    assert_eq!(contribution(&finished).get(TimedSeconds), 3600);
}

#[test]
fn deltas_add_up_to_the_final_contribution_along_every_path() {
    let t0 = datetime!(2025-03-03 09:00 +7);
    // (name, channel, actions with their times)
    type Step = fn(&Dossier) -> Command;
    let receive: Step = |_| Command::Receive { components: None };
    let assign: Step = |_| Command::Assign {
        handler: crate::common::officer("Trần Thị Bình"),
    };
    let req: Step = supplement_request;
    let sup: Step = |_| Command::Supplement { components: vec![] };
    let fin: Step = |_| finish();
    let ret: Step = |_| Command::ReturnResult { method: None };
    let stop: Step = |_| Command::Stop {
        reason: "hết thời hạn bổ sung".into(),
    };
    let reschedule: Step = |d| Command::Reschedule {
        reason: "chờ xác minh".into(),
        new_due_at: d.due_at.unwrap() + time::Duration::days(7),
    };
    let paths: Vec<(&str, Channel, Vec<Step>)> = vec![
        (
            "online, received, finished, returned",
            Channel::Online,
            vec![receive, assign, fin, ret],
        ),
        (
            "counter, supplement, finished",
            Channel::Direct,
            vec![req, sup, fin],
        ),
        (
            "counter, rescheduled, finished",
            Channel::Direct,
            vec![reschedule, fin, ret],
        ),
        (
            "counter, supplement, stopped",
            Channel::Direct,
            vec![req, stop],
        ),
    ];
    for (name, channel, steps) in paths {
        let mut d = open(new_dossier(channel), t0);
        let mut sum = Counts::default();
        for dl in delta(None, &d) {
            sum.add(&dl.counts);
        }
        let mut at = t0;
        for step in steps {
            at += time::Duration::days(2);
            let next = act(&d, step(&d), at);
            for dl in delta(Some(&d), &next) {
                assert_eq!(dl.key, key_of(&d), "{name}: the bucket never moves");
                sum.add(&dl.counts);
            }
            d = next;
            assert_eq!(sum, contribution(&d), "{name}: after {}", d.status.as_str());
        }
        assert_eq!(totals([&d]).len(), 1);
    }
}

#[test]
fn a_twice_supplemented_dossier_counts_late() {
    // The domain allows one request; a dossier imported from an earlier system may carry two,
    // and Decision 766 counts it late.
    let t0 = datetime!(2025-03-03 09:00 +7);
    let mut d = open(new_dossier(Channel::Direct), t0);
    d.supplement_requests = 2;
    d = act(&d, finish(), t0 + time::Duration::hours(1));
    let c = contribution(&d);
    assert_eq!(c.get(Measure::SupplementedTwice), 1);
    assert_eq!(c.get(Measure::Late), 1);
    assert_eq!(c.get(Measure::Early) + c.get(Measure::OnTime), 0);
}

#[test]
fn buckets_are_months_in_vietnam_time() {
    assert_eq!(month_of(datetime!(2025-03-31 23:30 +7)), "2025-03");
    // 31 March 17:30 UTC is 1 April 00:30 in Vietnam.
    assert_eq!(month_of(datetime!(2025-03-31 17:30 UTC)), "2025-04");
    assert_eq!(month_of(datetime!(2025-12-31 16:59 UTC)), "2025-12");
    assert_eq!(month_of(datetime!(2025-12-31 17:00 UTC)), "2026-01");
}

#[test]
fn only_staff_actions_for_an_agency_count_for_officers() {
    // (actor, agency, action, [actions, finishes, intakes, refusals, supplement requests])
    let cases: &[(&str, &str, &str, Option<[i64; 5]>)] = &[
        ("token:0192", "24958.UBND", "finish", Some([1, 1, 0, 0, 0])),
        ("token:0192", "24958.UBND", "assign", Some([1, 0, 0, 0, 0])),
        (
            "token:0192",
            "24958.TTPVHCC",
            "receive",
            Some([1, 0, 1, 0, 0]),
        ),
        (
            "token:0192",
            "24958.TTPVHCC",
            "refuse",
            Some([1, 0, 1, 1, 0]),
        ),
        (
            "token:0192",
            "24958.UBND",
            "request_supplement",
            Some([1, 0, 0, 0, 1]),
        ),
        ("token:0192", "", "receive", None),
        ("applicant", "", "submit", None),
        ("system:linked", "24958.TTPVHCC", "receive", None),
    ];
    for (actor, agency, action, want) in cases {
        assert_eq!(
            officer_counts(actor, agency, action).map(|c| c.0),
            *want,
            "{actor} {agency} {action}"
        );
    }
}

#[test]
fn percentiles_are_bucket_bounds() {
    let mut c = Counts::default();
    let set = |c: &mut Counts, m: Measure, v: i64| c.0[m.index()] = v;
    assert_eq!(percentile_bound(&c, 0.5), None, "empty");
    set(&mut c, Measure::TimedCount, 10);
    set(&mut c, Measure::TimeLe4h, 5);
    set(&mut c, Measure::TimeLe3d, 4);
    set(&mut c, Measure::TimeGt30d, 1);
    assert_eq!(percentile_bound(&c, 0.5), Some(Some(4 * 3600)));
    assert_eq!(percentile_bound(&c, 0.6), Some(Some(3 * 86_400)));
    assert_eq!(percentile_bound(&c, 0.9), Some(Some(3 * 86_400)));
    assert_eq!(
        percentile_bound(&c, 0.95),
        Some(None),
        "in the open last bucket"
    );
}
