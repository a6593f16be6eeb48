use super::*;

fn def(code: &str) -> &'static MetricDef {
    METRICS.iter().find(|m| m.code == code).unwrap()
}

fn counted(n: u64, d: u64) -> Input {
    Input::Counted {
        numerator: n,
        denominator: d,
    }
}

#[test]
fn groups_add_up_to_100_and_metrics_to_their_group() {
    let total: f64 = Group::ALL.iter().map(|g| g.points()).sum();
    assert_eq!(total, 100.0);
    for g in Group::ALL {
        let sum: f64 = METRICS.iter().filter(|m| m.group == g).map(|m| m.max).sum();
        assert_eq!(sum, g.points(), "{g:?}");
    }
    let mut codes: Vec<&str> = METRICS.iter().map(|m| m.code).collect();
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), METRICS.len(), "codes are unique");
}

/// (metric, numerator, denominator, expected ratio, expected score) — computed by hand.
#[test]
fn formulas_against_hand_computed_examples() {
    let cases: &[(&str, u64, u64, f64, f64)] = &[
        // No target: max × ratio.
        ("ON_TIME", 17, 20, 0.85, 17.0),
        ("ON_TIME", 2, 3, 0.6667, 13.33),
        ("ON_TIME", 0, 5, 0.0, 0.0),
        ("ON_TIME", 5, 5, 1.0, 20.0),
        ("DOSSIERS_PAID_ONLINE", 1, 3, 0.3333, 2.0),
        ("ELECTRONIC_RESULT", 3, 4, 0.75, 4.5),
        // Capped linear: min(max, max × ratio ÷ target).
        ("ONLINE_PROCEDURES", 6, 10, 0.6, 3.0),
        ("ONLINE_PROCEDURES", 8, 10, 0.8, 4.0),
        ("ONLINE_PROCEDURES", 9, 10, 0.9, 4.0),
        ("ONLINE_CHANNEL", 1, 4, 0.25, 2.0),
        ("ONLINE_CHANNEL", 3, 4, 0.75, 4.0),
        ("PAYABLE_ONLINE", 1, 2, 0.5, 1.25),
        ("DIGITISED", 7, 10, 0.7, 3.5),
        ("PROCEDURE_SATISFACTION", 81, 100, 0.81, 5.4),
        ("PROCEDURE_SATISFACTION", 95, 100, 0.95, 6.0),
    ];
    for (code, n, d, ratio, want) in cases {
        for level in [UnitLevel::Province, UnitLevel::Agency, UnitLevel::Commune] {
            let s = score(def(code), &counted(*n, *d), level);
            assert_eq!(s.basis, Basis::Scored, "{code}");
            assert_eq!(s.ratio, Some(*ratio), "{code} {n}/{d}");
            assert_eq!(s.score, Some(*want), "{code} {n}/{d}");
            assert_eq!((s.numerator, s.denominator), (Some(*n), Some(*d)));
            assert!(s.score.unwrap() <= s.max_score);
        }
    }
}

#[test]
fn the_commune_rule_nothing_to_count_and_no_data() {
    let publish = def("PUBLISH_ON_TIME");
    let none = Input::NoData {
        reason: "ngày công bố chưa được ghi nhận".into(),
    };
    // Not applicable to a commune: full points, whatever the input.
    for input in [none.clone(), counted(0, 10)] {
        let s = score(publish, &input, UnitLevel::Commune);
        assert_eq!((s.basis, s.score), (Basis::NotApplicable, Some(6.0)));
    }
    // Elsewhere: scored, or no data (never scored as 0 or full).
    let s = score(publish, &none, UnitLevel::Province);
    assert_eq!((s.basis, s.score), (Basis::NoData, None));
    assert_eq!(s.note.as_deref(), Some("ngày công bố chưa được ghi nhận"));
    assert_eq!(
        score(publish, &counted(1, 2), UnitLevel::Province).score,
        Some(3.0)
    );
    // A metric that applies to communes is scored for them too.
    assert_eq!(
        score(def("ON_TIME"), &none, UnitLevel::Commune).basis,
        Basis::NoData
    );
    // Nothing to count: not scored.
    let s = score(def("ON_TIME"), &counted(0, 0), UnitLevel::Commune);
    assert_eq!((s.basis, s.score, s.ratio), (Basis::Empty, None, None));
}

#[test]
fn totals_separate_earned_lost_and_unmeasured_points() {
    let input = |code: &str| match code {
        "ON_TIME" => Some(counted(9, 10)),
        "ONLINE_CHANNEL" => Some(counted(1, 4)),
        "FULL_ONLINE_DOSSIERS" => Some(counted(0, 0)),
        _ => None,
    };
    let c = compute(UnitLevel::Commune, &input);
    // Transparency: 6 + 4 + 2 not applicable (full), sync no data (6).
    let g = |x: Group| c.groups.iter().find(|g| g.group == x).unwrap().clone();
    assert_eq!(
        (
            g(Group::Transparency).score,
            g(Group::Transparency).unmeasured
        ),
        (12.0, 6.0)
    );
    assert_eq!(
        (g(Group::Progress).score, g(Group::Progress).unmeasured),
        (18.0, 0.0)
    );
    assert_eq!(
        (
            g(Group::OnlineService).score,
            g(Group::OnlineService).unmeasured
        ),
        (2.0, 8.0)
    );
    assert_eq!(c.total, 32.0);
    assert_eq!(c.unmeasured, 64.0);
    // Earned + unmeasured + lost = 100 (lost: 2 on time, 2 online channel).
    assert_eq!(c.total + c.unmeasured + 4.0, 100.0);
    let p = compute(UnitLevel::Province, &input);
    assert_eq!(
        p.total, 20.0,
        "a province earns no transparency points it has no data for"
    );
    assert_eq!(p.unmeasured, 76.0);
    assert_eq!(p.metrics.len(), METRICS.len());
}
