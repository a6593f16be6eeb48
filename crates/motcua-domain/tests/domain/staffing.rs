//! Counter staffing (issue #7): Erlang C against hand-computed values, the officers needed, the
//! intake times read from the counter's own events, arrivals by weekday and hour, the verdict.

use motcua_domain::staffing::{
    DEFAULT_SERVICE_MINUTES, Intake, Target, Verdict, arrivals, erlang_c, mean_service, needs,
    officers_needed, service_level, service_times, verdict,
};
use time::macros::datetime;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 0.0005
}

#[test]
fn erlang_c_matches_hand_computed_values() {
    // (servers, load in Erlangs, probability of waiting)
    let cases: &[(u32, f64, f64)] = &[
        (1, 0.5, 0.5),    // M/M/1: ρ
        (2, 1.0, 0.3333), // 2·(1/3)/(2 − 1·(1 − 1/5))... = 1/3
        (3, 2.0, 0.4444),
        (4, 3.0, 0.5094),
        (3, 3.0, 1.0), // unstable
        (5, 0.0, 0.0), // no load
    ];
    for (c, a, want) in cases {
        let got = erlang_c(*c, *a);
        assert!(close(got, *want), "C({c}, {a}) = {got}, want {want}");
    }
}

#[test]
fn officers_needed_for_80_percent_within_15_minutes() {
    // (arrivals per hour, minutes per applicant, officers)
    let cases: &[(f64, f64, u32)] = &[
        (0.0, 15.0, 0),
        (2.0, 15.0, 2),  // a = 0.5: one officer serves only 69.7 % within 15 min
        (1.0, 10.0, 1),  // a = 0.17: one officer serves 94.5 %
        (12.0, 10.0, 3), // a = 2: 2 is unstable, 3 gives 90.1 %
        (30.0, 6.0, 4),  // a = 3: 4 gives 95.8 %
        (20.0, 15.0, 7), // a = 5: 6 give 78.4 %, 7 give 95.6 %
    ];
    for (per_hour, minutes, want) in cases {
        assert_eq!(
            officers_needed(*per_hour, *minutes, 15.0, 0.8),
            *want,
            "{per_hour}/h × {minutes} min"
        );
    }
    assert!(close(service_level(1, 2.0, 15.0, 15.0), 0.6967));
    assert!(close(service_level(3, 12.0, 10.0, 15.0), 0.9008));
    assert!(close(service_level(4, 30.0, 6.0, 15.0), 0.9582));
    // One fewer than needed misses the target.
    assert!(close(service_level(6, 20.0, 15.0, 15.0), 0.7839));
    assert!(close(service_level(7, 20.0, 15.0, 15.0), 0.9561));
}

#[test]
fn intake_times_are_the_median_gaps_of_one_officer_in_a_day() {
    let at = |h: u8, m: u8| {
        datetime!(2025-03-03 00:00 +7)
            + time::Duration::hours(i64::from(h))
            + time::Duration::minutes(i64::from(m))
    };
    let i = |o: &str, t, p: &str| Intake {
        officer: o.into(),
        at: t,
        procedure: p.into(),
    };
    let mut list = vec![
        // Officer A: gaps of 10, 12, 8, 10, 11 minutes before intakes of 1.004873; then an idle
        // hour (not service) before one more.
        i("A", at(8, 0), "1.004873"),
        i("A", at(8, 10), "1.004873"),
        i("A", at(8, 22), "1.004873"),
        i("A", at(8, 30), "1.004873"),
        i("A", at(8, 40), "1.004873"),
        i("A", at(8, 51), "1.004873"),
        i("A", at(10, 0), "1.004873"),
        // Officer B, interleaved in time, never mixed with A: two gaps for 2.000815.
        i("B", at(8, 5), "2.000815"),
        i("B", at(8, 25), "2.000815"),
        i("B", at(8, 45), "2.000815"),
    ];
    list.reverse();
    let times = service_times(&list);
    assert_eq!(times.len(), 2);
    let a = &times[0];
    assert_eq!(
        (
            a.procedure.as_str(),
            a.minutes,
            a.samples,
            a.assumed,
            a.intakes
        ),
        ("1.004873", 10.0, 5, false, 7)
    );
    let b = &times[1];
    assert_eq!(
        (b.procedure.as_str(), b.minutes, b.samples, b.assumed),
        ("2.000815", DEFAULT_SERVICE_MINUTES, 2, true)
    );
    // Weighted by intakes: (7 × 10 + 3 × 15) / 10.
    assert!(close(mean_service(&times), 11.5));
    assert_eq!(mean_service(&[]), DEFAULT_SERVICE_MINUTES);
}

#[test]
fn arrivals_are_averaged_by_weekday_and_hour_in_vietnam_time() {
    let mut list = Vec::new();
    // Two Mondays, 8:00–9:00 Vietnam time: 6 and 2 intakes; one Tuesday 14:xx.
    for k in 0..6 {
        list.push(Intake {
            officer: "A".into(),
            at: datetime!(2025-03-03 08:00 +7) + time::Duration::minutes(k * 9),
            procedure: "p".into(),
        });
    }
    for k in 0..2 {
        list.push(Intake {
            officer: "A".into(),
            at: datetime!(2025-03-10 01:00 UTC) + time::Duration::minutes(k * 9),
            procedure: "p".into(),
        });
    }
    list.push(Intake {
        officer: "A".into(),
        at: datetime!(2025-03-04 14:30 +7),
        procedure: "p".into(),
    });
    let a = arrivals(&list, 2);
    assert_eq!(a.get(&(0, 8)), Some(&4.0));
    assert_eq!(a.get(&(1, 14)), Some(&0.5));
    assert_eq!(a.len(), 2);
    let n = needs(&a, 10.0, Target::default());
    // Monday 8–9: 4 an hour × 10 min (a = 0.67) needs 2; Tuesday 14–15: 0.5 an hour needs 1.
    assert_eq!(n.iter().map(|h| h.officers).collect::<Vec<_>>(), vec![2, 1]);
}

#[test]
fn verdicts_compare_staff_on_record_with_the_busiest_hour() {
    let cases: &[(u32, u32, Verdict)] = &[
        (1, 3, Verdict::Understaffed),
        (3, 3, Verdict::Adequate),
        (4, 3, Verdict::Adequate),
        (5, 3, Verdict::Overstaffed),
        (0, 0, Verdict::Adequate),
        (2, 0, Verdict::Overstaffed),
    ];
    for (on, need, want) in cases {
        assert_eq!(verdict(*on, *need), *want, "{on} on record, {need} needed");
    }
}
