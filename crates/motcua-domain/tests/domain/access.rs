//! Roles, jurisdictions and the account rules (lock-out, session clock, passwords), as tables.

use motcua_domain::access::{Jurisdiction, Place, Role};
use motcua_domain::accounts::{
    CredentialError, LockoutPolicy, LoginState, SessionEnd, SessionPolicy, Username, check_password,
};
use motcua_domain::agency::{Agency, AgencyKind, Level};
use motcua_domain::dossier::ActionKind;
use motcua_domain::ids::{AgencyCode, ProvinceCode, UnitCode};
use time::Duration;
use time::macros::datetime;

fn agency(code: &str, province: &str, unit: Option<&str>) -> Agency {
    Agency {
        code: AgencyCode::parse(code).unwrap(),
        name: code.into(),
        kind: AgencyKind::CommunePeoplesCommittee,
        level: if unit.is_some() {
            Level::Commune
        } else {
            Level::Province
        },
        province_code: ProvinceCode::parse(province).unwrap(),
        unit_code: unit.map(|u| UnitCode::parse(u).unwrap()),
        contact: None,
    }
}

#[test]
fn every_role_may_exactly_its_actions() {
    use ActionKind as A;
    let all = ActionKind::ALL;
    // (role, actions it may take); every other action is refused.
    let table: [(Role, &[ActionKind]); 7] = [
        (
            Role::CounterOfficer,
            &[
                A::Submit,
                A::Receive,
                A::Refuse,
                A::RequestSupplement,
                A::Supplement,
                A::Transfer,
                A::ReturnResult,
                A::Withdraw,
                A::Pay,
            ],
        ),
        (
            Role::Specialist,
            &[
                A::Assign,
                A::Transfer,
                A::RequestSupplement,
                A::Supplement,
                A::RequestPayment,
                A::Pay,
                // The specialist drafts; the approver decides (trình ký).
                A::SubmitDraft,
                A::Reschedule,
            ],
        ),
        (
            Role::Approver,
            &[
                A::Assign,
                A::Transfer,
                A::Finish,
                A::ApproveDraft,
                A::ReturnDraft,
                A::Reschedule,
                A::Stop,
            ],
        ),
        (Role::Leader, &all),
        (Role::UnitLeader, &all),
        (Role::ProvinceAdmin, &[]),
        (Role::Admin, &all),
    ];
    for (role, allowed) in table {
        for a in all {
            assert_eq!(
                role.may(a),
                allowed.contains(&a),
                "{} {}",
                role.as_str(),
                a.as_str()
            );
        }
    }
}

#[test]
fn role_names_round_trip_and_unknown_names_are_refused() {
    for r in Role::ALL {
        assert_eq!(Role::parse(r.as_str()), Some(r));
    }
    for bad in ["", "Admin", "root", "leader ", "superuser"] {
        assert_eq!(Role::parse(bad), None, "{bad:?}");
    }
    let admins: Vec<_> = Role::ALL
        .into_iter()
        .filter(|r| r.may_administer())
        .collect();
    assert_eq!(admins, [Role::ProvinceAdmin, Role::Admin]);
    let leaders: Vec<_> = Role::ALL.into_iter().filter(|r| r.leads()).collect();
    assert_eq!(
        leaders,
        [
            Role::Leader,
            Role::UnitLeader,
            Role::ProvinceAdmin,
            Role::Admin
        ]
    );
}

#[test]
fn a_jurisdiction_follows_from_the_role_and_the_home_agency() {
    let commune = agency("24958.UBND", "68", Some("24958"));
    let dept = Agency {
        kind: AgencyKind::DepartmentOfJustice,
        ..agency("68.STP", "68", None)
    };
    let province_pc = Agency {
        kind: AgencyKind::ProvincialPeoplesCommittee,
        ..agency("68.UBND", "68", None)
    };
    let center = Agency {
        kind: AgencyKind::ProvincialServiceCenter,
        ..agency("68.TTPVHCC", "68", None)
    };
    let police = Agency {
        kind: AgencyKind::CommunePolice,
        ..agency("24958.CA", "68", Some("24958"))
    };
    let cases = [
        (
            Role::CounterOfficer,
            &commune,
            Jurisdiction::Agency(commune.code.clone()),
        ),
        (
            Role::Specialist,
            &dept,
            Jurisdiction::Agency(dept.code.clone()),
        ),
        (
            Role::Approver,
            &commune,
            Jurisdiction::Agency(commune.code.clone()),
        ),
        (
            Role::Leader,
            &commune,
            Jurisdiction::Agency(commune.code.clone()),
        ),
        (
            Role::UnitLeader,
            &commune,
            Jurisdiction::Unit(UnitCode::parse("24958").unwrap()),
        ),
        // A unit leader at the province's People's Committee or service centre leads the
        // province's own level; at a department or the police, that body only (issue #29).
        (
            Role::UnitLeader,
            &province_pc,
            Jurisdiction::Province(ProvinceCode::parse("68").unwrap()),
        ),
        (
            Role::UnitLeader,
            &center,
            Jurisdiction::Province(ProvinceCode::parse("68").unwrap()),
        ),
        (
            Role::UnitLeader,
            &dept,
            Jurisdiction::Agency(dept.code.clone()),
        ),
        (
            Role::UnitLeader,
            &police,
            Jurisdiction::Agency(police.code.clone()),
        ),
        (
            Role::ProvinceAdmin,
            &commune,
            Jurisdiction::Province(ProvinceCode::parse("68").unwrap()),
        ),
        (Role::Admin, &commune, Jurisdiction::Country),
    ];
    for (role, home, want) in cases {
        assert_eq!(Jurisdiction::of(role, home), want, "{}", role.as_str());
    }
}

#[test]
fn a_jurisdiction_covers_its_own_places_and_nothing_else() {
    let own = agency("24958.UBND", "68", Some("24958"));
    let same_unit = agency("24958.CA", "68", Some("24958"));
    let other_commune = agency("24781.UBND", "68", Some("24781"));
    let dept = agency("68.STP", "68", None);
    let other_province = agency("79.STP", "79", None);
    let places = [&own, &same_unit, &other_commune, &dept, &other_province];
    // (jurisdiction, which of the places above it covers)
    let table = [
        (
            Jurisdiction::Agency(own.code.clone()),
            [true, false, false, false, false],
        ),
        (
            Jurisdiction::Unit(UnitCode::parse("24958").unwrap()),
            [true, true, false, false, false],
        ),
        (
            Jurisdiction::Province(ProvinceCode::parse("68").unwrap()),
            [true, true, true, true, false],
        ),
        (Jurisdiction::Country, [true, true, true, true, true]),
    ];
    for (j, want) in table {
        for (p, w) in places.iter().zip(want) {
            assert_eq!(j.covers(Place::from(*p)), w, "{j:?} {}", p.code);
        }
    }
    let p68 = ProvinceCode::parse("68").unwrap();
    let u = UnitCode::parse("24958").unwrap();
    assert!(!Jurisdiction::Agency(own.code.clone()).covers_unit(&u, &p68));
    assert!(Jurisdiction::Unit(u.clone()).covers_unit(&u, &p68));
    assert!(!Jurisdiction::Unit(u.clone()).covers_province(&p68));
    assert!(Jurisdiction::Province(p68.clone()).covers_province(&p68));
    assert!(
        !Jurisdiction::Province(p68.clone()).covers_province(&ProvinceCode::parse("79").unwrap())
    );
}

#[test]
fn user_names_are_lower_case_and_plain() {
    for (input, want) in [
        ("nguyen.an", Some("nguyen.an")),
        ("  Nguyen.An ", Some("nguyen.an")),
        (
            "counter_officer.24958.ttpvhcc",
            Some("counter_officer.24958.ttpvhcc"),
        ),
        ("ab", None),
        (".an", None),
        ("an an", None),
        ("nguyễn", None),
        ("a'; DROP TABLE staff_users; --", None),
        ("<script>", None),
    ] {
        assert_eq!(
            Username::parse(input).ok().map(|u| u.to_string()),
            want.map(str::to_owned),
            "{input:?}"
        );
    }
    assert!(Username::parse(&"a".repeat(65)).is_err());
}

#[test]
fn passwords_are_long_and_not_the_user_name() {
    let u = Username::parse("hoa.tiepnhan").unwrap();
    for (pw, want) in [
        ("correct horse battery", Ok(())),
        ("Mật khẩu dài hơn mười", Ok(())),
        ("short", Err(CredentialError::TooShort)),
        ("123456789", Err(CredentialError::TooShort)),
        ("aaaaaaaaaaaa", Err(CredentialError::Guessable)),
        ("HOA.TIEPNHAN2025", Err(CredentialError::Guessable)),
    ] {
        assert_eq!(check_password(&u, pw), want, "{pw:?}");
    }
    assert_eq!(
        check_password(&u, &"x".repeat(300)),
        Err(CredentialError::TooLong)
    );
}

#[test]
fn five_failures_lock_the_account_for_fifteen_minutes() {
    let p = LockoutPolicy::default();
    let t0 = datetime!(2025-03-03 08:00 UTC);
    let mut s = LoginState::default();
    for i in 1..p.max_failures {
        s = s.after_failure(t0, &p);
        assert_eq!(s.failures, i);
        assert_eq!(s.locked_at(t0), None, "not locked after {i}");
    }
    s = s.after_failure(t0, &p);
    assert_eq!(s.locked_at(t0), Some(t0 + Duration::minutes(15)));
    assert_eq!(
        s.locked_at(t0 + Duration::minutes(14)),
        Some(t0 + Duration::minutes(15))
    );
    assert_eq!(
        s.locked_at(t0 + Duration::minutes(15)),
        None,
        "unlocked at the end"
    );
    assert_eq!(s.after_success(), LoginState::default());
}

#[test]
fn sessions_end_when_idle_or_too_old() {
    let p = SessionPolicy::default();
    let t0 = datetime!(2025-03-03 07:30 UTC);
    let m = Duration::minutes;
    let cases = [
        // (last seen after login, now after login, expected)
        (m(0), m(29), Ok(())),
        (m(0), m(30), Err(SessionEnd::Idle)),
        (m(600), m(629), Ok(())),
        (m(700), m(720), Err(SessionEnd::Absolute)),
        (m(719), m(720), Err(SessionEnd::Absolute)),
    ];
    for (seen, now, want) in cases {
        assert_eq!(p.check(t0, t0 + seen, t0 + now), want, "{seen} {now}");
    }
    assert!(!p.needs_touch(t0, t0 + Duration::seconds(59)));
    assert!(p.needs_touch(t0, t0 + m(1)));
}
