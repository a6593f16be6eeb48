//! Escalation rules (issue #7): the shipped rules are valid; bad rules are refused; each rule
//! fires exactly when its clock has run out by its working hours — across lunch breaks, nights
//! and weekends — and a notice's key changes only with a new clock.

use crate::common::{act, cal, new_dossier, open, procedure};
use motcua_domain::catalogue::Channel;
use motcua_domain::dossier::{Command, Dossier};
use motcua_domain::escalation::{
    ClockFacts, EscalationRule, Verdict, assess, fires, notice_key, validate,
};
use motcua_domain::ids::AgencyCode;
use proptest::prelude::*;
use time::OffsetDateTime;
use time::macros::datetime;

fn rules() -> Vec<EscalationRule> {
    serde_json::from_str(include_str!("../../../../data/escalation/rules.json")).unwrap()
}

fn rule(id: &str) -> EscalationRule {
    rules().into_iter().find(|r| r.id == id).unwrap()
}

/// Received at the counter Monday 3 March 2025 09:00; due Thursday 09:00 (24 working hours).
fn received() -> Dossier {
    open(new_dossier(Channel::Direct), datetime!(2025-03-03 09:00 +7))
}

#[test]
fn the_shipped_rules_are_valid_and_bad_rules_are_refused() {
    assert_eq!(validate(&rules()), Ok(()));
    let mut twice = rules();
    twice.push(twice[0].clone());
    assert!(validate(&twice).unwrap_err().contains("twice"));
    type Spoil = fn(&mut EscalationRule);
    let bad: Vec<(&str, Spoil)> = vec![
        ("id", |r| r.id = "có dấu".into()),
        ("open status", |r| {
            r.statuses = vec![motcua_domain::dossier::Status::Returned]
        }),
        ("open status", |r| r.statuses = vec![]),
        ("notify", |r| r.notify = vec![]),
        ("after_working_hours", |r| r.after_working_hours = f64::NAN),
        ("after_working_hours", |r| r.after_working_hours = 1e6),
        ("message_vi", |r| r.message_vi = " ".into()),
    ];
    for (want, spoil) in bad {
        let mut r = rules();
        spoil(&mut r[0]);
        let e = validate(&r).unwrap_err();
        assert!(e.contains(want), "{want}: {e}");
    }
    let mut r = rule("intake-not-forwarded");
    r.clock = motcua_domain::escalation::Clock::InStatus {
        budget_working_hours: 0.0,
    };
    assert!(validate(&[r]).unwrap_err().contains("budget"));
}

#[test]
fn rules_fire_in_working_time() {
    let d = received();
    assert_eq!(d.due_at, Some(datetime!(2025-03-06 09:00 +7)));
    let cal = cal();
    // (rule, now, fires)
    let cases: &[(&str, OffsetDateTime, bool)] = &[
        // Due soon: within 4 working hours of Thursday 09:00.
        ("due-soon", datetime!(2025-03-05 13:00 +7), false), // 4 h Wed + 1.5 h Thu = 5.5 h
        ("due-soon", datetime!(2025-03-05 15:00 +7), true),  // 2 h + 1.5 h = 3.5 h
        ("due-soon", datetime!(2025-03-06 08:59 +7), true),
        ("due-soon", datetime!(2025-03-06 09:01 +7), false), // past due: not "soon" any more
        // Overdue: after the due instant.
        ("overdue", datetime!(2025-03-06 09:00 +7), false),
        ("overdue", datetime!(2025-03-06 09:01 +7), true),
        // A working day past due: Thu 2.5 h + 4 h, Fri 1.5 h = 8 h at Friday 09:00.
        (
            "overdue-1-day-to-leader",
            datetime!(2025-03-06 17:00 +7),
            false,
        ),
        (
            "overdue-1-day-to-leader",
            datetime!(2025-03-07 08:59 +7),
            false,
        ),
        (
            "overdue-1-day-to-leader",
            datetime!(2025-03-07 09:00 +7),
            true,
        ),
        (
            "overdue-1-day-to-leader",
            datetime!(2025-03-08 10:00 +7),
            true,
        ), // Saturday
        // Step budget: received Mon 09:00, 2 h budget → 11:00, + 2 h (lunch excluded) → 14:30.
        (
            "intake-not-forwarded",
            datetime!(2025-03-03 14:29 +7),
            false,
        ),
        ("intake-not-forwarded", datetime!(2025-03-03 14:30 +7), true),
    ];
    for (id, now, want) in cases {
        assert_eq!(
            fires(&rule(id), &ClockFacts::of(&d), &cal, *now),
            *want,
            "{id} at {now}"
        );
    }
    // Forwarded: the intake budget no longer applies; a paused dossier is not overdue.
    let forwarded = act(
        &d,
        Command::Transfer {
            to_agency: AgencyCode::parse("24958.UBND").unwrap(),
            note: None,
            consultation: false,
        },
        datetime!(2025-03-03 10:00 +7),
    );
    assert!(!fires(
        &rule("intake-not-forwarded"),
        &ClockFacts::of(&forwarded),
        &cal,
        datetime!(2025-03-03 15:00 +7)
    ));
    assert!(fires(
        &rule("overdue"),
        &ClockFacts::of(&forwarded),
        &cal,
        datetime!(2025-03-07 09:00 +7)
    ));
    let p = procedure();
    let component = p.cases[0].components[0].code.clone();
    let paused = act(
        &forwarded,
        Command::RequestSupplement {
            items: vec![motcua_domain::dossier::SupplementItem {
                component,
                note: None,
            }],
            reason: None,
        },
        datetime!(2025-03-04 09:00 +7),
    );
    assert!(!fires(
        &rule("overdue"),
        &ClockFacts::of(&paused),
        &cal,
        datetime!(2025-03-10 09:00 +7)
    ));
}

#[test]
fn a_notice_key_changes_only_with_a_new_clock() {
    let d = received();
    let cal = cal();
    let r = rule("overdue");
    let k = notice_key(&r, &ClockFacts::of(&d), &cal);
    assert!(k.starts_with("overdue:"));
    // Assigning changes nothing about the due date: the same notice.
    let assigned = act(
        &d,
        Command::Assign {
            handler: crate::common::officer("Trần Văn Bình"),
        },
        datetime!(2025-03-03 10:00 +7),
    );
    assert_eq!(notice_key(&r, &ClockFacts::of(&assigned), &cal), k);
    // A new appointment is a new clock.
    let moved = act(
        &assigned,
        Command::Reschedule {
            reason: "chờ xác minh".into(),
            new_due_at: datetime!(2025-03-10 09:00 +7),
        },
        datetime!(2025-03-05 10:00 +7),
    );
    assert_ne!(notice_key(&r, &ClockFacts::of(&moved), &cal), k);
    // Entering a status again restarts a step budget.
    let step = rule("intake-not-forwarded");
    assert_ne!(
        notice_key(&step, &ClockFacts::of(&d), &cal),
        notice_key(&step, &ClockFacts::of(&assigned), &cal),
        "assign moves to processing"
    );
}

/// What `assess` promises the sweep, for every rule, any dossier clock and any instant: "fires"
/// agrees with `fires`; "not before T" means it does not fire at any instant before T (so the
/// sweep may sleep until T), and a rule past its clock does fire at T (the walk is exact);
/// "never" means it does not fire at any later instant while the dossier stays as it is.
#[test]
fn a_verdict_never_sleeps_past_a_notice() {
    let cal = cal();
    let d = received();
    let base = datetime!(2025-01-20 00:00 +7); // before Tết 2025, across it and March
    let statuses = [
        motcua_domain::dossier::Status::Received,
        motcua_domain::dossier::Status::Processing,
        motcua_domain::dossier::Status::SupplementRequested,
    ];
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(3000));
    runner
        .run(
            &(
                0usize..4,
                0usize..3,
                0i64..60 * 86_400,
                0i64..60 * 86_400,
                0i64..60 * 86_400,
                proptest::collection::vec(0i64..20 * 86_400, 6),
            ),
            |(ri, si, due, since, now, later)| {
                let r = &rules()[ri];
                let f = ClockFacts {
                    id: d.id,
                    status: statuses[si],
                    due_at: Some(base + time::Duration::seconds(due)),
                    status_since: base + time::Duration::seconds(since),
                };
                let now = base + time::Duration::seconds(now);
                let v = assess(r, &f, &cal, now);
                prop_assert_eq!(v == Verdict::Fires, fires(r, &f, &cal, now));
                match v {
                    Verdict::Fires => {}
                    Verdict::NotBefore(t) => {
                        prop_assert!(t > now);
                        for dt in &later {
                            let at = now + time::Duration::seconds(*dt);
                            if at < t {
                                prop_assert!(
                                    !fires(r, &f, &cal, at),
                                    "{} fires at {at} < {t}",
                                    r.id
                                );
                            }
                        }
                        prop_assert!(fires(r, &f, &cal, t), "{} not at {t}", r.id);
                    }
                    Verdict::Never => {
                        for dt in &later {
                            let at = now + time::Duration::seconds(*dt);
                            prop_assert!(!fires(r, &f, &cal, at), "{} fires at {at}", r.id);
                        }
                    }
                }
                Ok(())
            },
        )
        .unwrap();
}

#[test]
fn verdicts_name_the_instant_a_rule_starts_to_fire() {
    let d = received(); // due Thursday 6 March 09:00, received Monday 09:00
    let cal = cal();
    let f = ClockFacts::of(&d);
    let monday = datetime!(2025-03-03 10:00 +7);
    // (rule, now, verdict)
    let cases: &[(&str, OffsetDateTime, Verdict)] = &[
        (
            "overdue",
            monday,
            Verdict::NotBefore(datetime!(2025-03-06 09:00:00.000000001 +7)),
        ),
        // A working day after the due date: Thursday 2.5 h + 4 h, Friday 1.5 h.
        (
            "overdue-1-day-to-leader",
            monday,
            Verdict::NotBefore(datetime!(2025-03-07 09:00 +7)),
        ),
        (
            "overdue-1-day-to-leader",
            datetime!(2025-03-07 09:00 +7),
            Verdict::Fires,
        ),
        // Budget 2 h from 09:00 → 11:00, then 2 h past it (lunch 11:30–13:00 excluded) → 14:30.
        (
            "intake-not-forwarded",
            monday,
            Verdict::NotBefore(datetime!(2025-03-03 14:30 +7)),
        ),
        // Due soon: 4 working hours before Thursday 09:00 is Wednesday 14:30 (1.5 h + 2.5 h).
        (
            "due-soon",
            monday,
            Verdict::NotBefore(datetime!(2025-03-05 14:30 +7)),
        ),
        ("due-soon", datetime!(2025-03-05 14:30 +7), Verdict::Fires),
        ("due-soon", datetime!(2025-03-05 15:00 +7), Verdict::Fires),
        ("due-soon", datetime!(2025-03-06 09:01 +7), Verdict::Never),
    ];
    for (id, now, want) in cases {
        assert_eq!(assess(&rule(id), &f, &cal, *now), *want, "{id} at {now}");
    }
    // A dossier in a status no rule watches: never, until it changes.
    let mut paused = f;
    paused.status = motcua_domain::dossier::Status::SupplementRequested;
    for r in rules() {
        assert_eq!(
            assess(&r, &paused, &cal, monday),
            Verdict::Never,
            "{}",
            r.id
        );
    }
}
