use super::*;
use crate::agency::{Agency, AgencyKind, Level};
use crate::ids::{AgencyCode, ProcedureCode, ProvinceCode, UnitCode};
use time::macros::date;

fn seed() -> Vec<Procedure> {
    let mut all: Vec<Procedure> =
        serde_json::from_str(include_str!("../../../../data/procedures/seed.json")).unwrap();
    for p in &mut all {
        p.version = 1;
    }
    all
}

fn proc_(code: &str) -> Procedure {
    seed()
        .into_iter()
        .find(|p| p.code.as_str() == code)
        .unwrap()
}

fn commune(code: &str, name: &str, province: &str) -> Commune {
    Commune {
        code: UnitCode::parse(code).unwrap(),
        name: name.into(),
        kind: "xã".into(),
        province_code: ProvinceCode::parse(province).unwrap(),
        codename: String::new(),
    }
}

fn a(code: &str) -> AgencyCode {
    AgencyCode::parse(code).unwrap()
}

fn u(code: &str) -> UnitCode {
    UnitCode::parse(code).unwrap()
}

fn rule(id: &str, subject: Subject, grant: Grant, units: &[&str]) -> AuthorityRule {
    AuthorityRule {
        id: id.into(),
        province_code: ProvinceCode::parse("68").unwrap(),
        subject,
        grant,
        units: units.iter().map(|c| u(c)).collect(),
        valid_from: date!(2025 - 07 - 01),
        valid_to: None,
        legal_basis: format!("Quyết định {id}"),
        issued_by: "UBND tỉnh".into(),
        example: false,
    }
}

fn sp(code: &str) -> Subject {
    Subject::Procedure(ProcedureCode::parse(code).unwrap())
}

/// Every standard agency of 68 and its communes 24958, 24781, 24784 is registered, plus `extra`.
fn registered(extra: &[&str]) -> impl Fn(&AgencyCode) -> bool {
    let extra: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
    move |c: &AgencyCode| {
        let (owner, suffix) = c.as_str().split_once('.').unwrap();
        let standard = ["UBND", "CA", "TTPVHCC", "STP", "SNV", "SXD", "BHXH"].contains(&suffix);
        (standard && ["68", "24958", "24781", "24784"].contains(&owner))
            || extra.iter().any(|e| e == c.as_str())
    }
}

fn agency_of(r: &Resolution) -> String {
    match r {
        Resolution::Competent(c) => c.agency.to_string(),
        Resolution::Gap { cause, .. } => format!("gap:{cause:?}"),
        Resolution::Overlap { competent } => format!(
            "overlap:{}",
            competent
                .iter()
                .map(|c| c.agency.as_str())
                .collect::<Vec<_>>()
                .join("+")
        ),
    }
}

fn chain_of(r: &Resolution) -> Vec<String> {
    match r {
        Resolution::Competent(c) => c
            .chain
            .iter()
            .map(|b| b.rule_id().unwrap_or("catalogue").to_owned())
            .collect(),
        _ => vec![],
    }
}

/// (case, rules, procedure, commune, expected agency, expected chain)
type Case<'a> = (
    &'a str,
    Vec<AuthorityRule>,
    &'a str,
    &'a Commune,
    &'a str,
    Vec<&'a str>,
);

/// The commune People's Committee delegating to the commune's service center.
fn pc_to_center() -> Grant {
    Grant::Delegation {
        from: Target::Kind(AgencyKind::CommunePeoplesCommittee),
        to: Target::Kind(AgencyKind::CommuneServiceCenter),
    }
}

#[test]
fn resolution_table() {
    let dalat = commune("24958", "Phường Xuân Hương - Đà Lạt", "68");
    let other = commune("24781", "Phường Lâm Viên - Đà Lạt", "68");
    let d = date!(2025 - 09 - 01);
    let mut expired = rule("D-OLD", sp("2.000815"), pc_to_center(), &[]);
    expired.valid_to = Some(date!(2025 - 08 - 31));
    let mut future = rule(
        "PC-FUTURE",
        sp("2.000815"),
        Grant::Decentralisation {
            to: Target::Kind(AgencyKind::DepartmentOfJustice),
        },
        &[],
    );
    future.valid_from = date!(2025 - 09 - 02);
    // (case, rules, procedure, commune, expected agency, expected chain)
    let cases: Vec<Case> = vec![
        (
            "catalogue default, commune kind",
            vec![],
            "1.001193",
            &dalat,
            "24958.UBND",
            vec!["catalogue"],
        ),
        (
            "catalogue default, police",
            vec![],
            "1.004222",
            &other,
            "24781.CA",
            vec!["catalogue"],
        ),
        (
            "catalogue default, provincial",
            vec![],
            "local.ly-lich-tu-phap",
            &dalat,
            "68.CA",
            vec!["catalogue"],
        ),
        (
            "assignment by procedure",
            vec![rule(
                "A1",
                sp("2.000815"),
                Grant::Assignment {
                    to: Target::Kind(AgencyKind::CommuneServiceCenter),
                },
                &[],
            )],
            "2.000815",
            &dalat,
            "24958.TTPVHCC",
            vec!["A1"],
        ),
        (
            "assignment of the field applies to its procedures",
            vec![rule(
                "AF",
                Subject::Field("Chứng thực".into()),
                Grant::Assignment {
                    to: Target::Kind(AgencyKind::CommuneServiceCenter),
                },
                &[],
            )],
            "2.000815",
            &dalat,
            "24958.TTPVHCC",
            vec!["AF"],
        ),
        (
            "the procedure's own assignment beats its field's",
            vec![
                rule(
                    "AF",
                    Subject::Field("Chứng thực".into()),
                    Grant::Assignment {
                        to: Target::Kind(AgencyKind::CommuneServiceCenter),
                    },
                    &[],
                ),
                rule(
                    "AP",
                    sp("2.000815"),
                    Grant::Assignment {
                        to: Target::Agency(a("68.STP")),
                    },
                    &[],
                ),
            ],
            "2.000815",
            &dalat,
            "68.STP",
            vec!["AP"],
        ),
        (
            "an assignment for other communes leaves this one out",
            vec![rule(
                "A2",
                sp("2.000815"),
                Grant::Assignment {
                    to: Target::Kind(AgencyKind::CommunePeoplesCommittee),
                },
                &["24781"],
            )],
            "2.000815",
            &dalat,
            "gap:NotCovered",
            vec![],
        ),
        (
            "decentralisation overrides for its communes",
            vec![rule(
                "PC",
                sp("2.000635"),
                Grant::Decentralisation {
                    to: Target::Kind(AgencyKind::DepartmentOfJustice),
                },
                &["24958"],
            )],
            "2.000635",
            &dalat,
            "68.STP",
            vec!["PC"],
        ),
        (
            "decentralisation leaves other communes to the default",
            vec![rule(
                "PC",
                sp("2.000635"),
                Grant::Decentralisation {
                    to: Target::Kind(AgencyKind::DepartmentOfJustice),
                },
                &["24958"],
            )],
            "2.000635",
            &other,
            "24781.UBND",
            vec!["catalogue"],
        ),
        (
            "delegation moves the competence to the delegate",
            vec![rule(
                "D1",
                sp("2.000815"),
                Grant::Delegation {
                    from: Target::Kind(AgencyKind::CommunePeoplesCommittee),
                    to: Target::Kind(AgencyKind::CommuneServiceCenter),
                },
                &[],
            )],
            "2.000815",
            &dalat,
            "24958.TTPVHCC",
            vec!["catalogue", "D1"],
        ),
        (
            "a delegation from another agency does nothing",
            vec![rule(
                "D2",
                sp("2.000815"),
                Grant::Delegation {
                    from: Target::Agency(a("68.STP")),
                    to: Target::Kind(AgencyKind::CommuneServiceCenter),
                },
                &[],
            )],
            "2.000815",
            &dalat,
            "24958.UBND",
            vec!["catalogue"],
        ),
        (
            "an expired delegation does nothing",
            vec![expired.clone()],
            "2.000815",
            &dalat,
            "24958.UBND",
            vec!["catalogue"],
        ),
        (
            "a rule not yet in force does nothing",
            vec![future.clone()],
            "2.000815",
            &dalat,
            "24958.UBND",
            vec!["catalogue"],
        ),
        (
            "two decentralisations to different agencies overlap",
            vec![
                rule(
                    "PC1",
                    sp("2.000635"),
                    Grant::Decentralisation {
                        to: Target::Kind(AgencyKind::DepartmentOfJustice),
                    },
                    &["24958"],
                ),
                rule(
                    "PC2",
                    sp("2.000635"),
                    Grant::Decentralisation {
                        to: Target::Kind(AgencyKind::CommuneServiceCenter),
                    },
                    &[],
                ),
            ],
            "2.000635",
            &dalat,
            "overlap:68.STP+24958.TTPVHCC",
            vec![],
        ),
        (
            "two rules naming the same agency do not overlap",
            vec![
                rule(
                    "A1",
                    sp("2.000815"),
                    Grant::Assignment {
                        to: Target::Kind(AgencyKind::CommunePeoplesCommittee),
                    },
                    &[],
                ),
                rule(
                    "A2",
                    sp("2.000815"),
                    Grant::Assignment {
                        to: Target::Agency(a("24958.UBND")),
                    },
                    &["24958"],
                ),
            ],
            "2.000815",
            &dalat,
            "24958.UBND",
            vec!["A1"],
        ),
        (
            "an unregistered agency is a gap",
            vec![rule(
                "A3",
                sp("2.000815"),
                Grant::Assignment {
                    to: Target::Agency(a("68.SYT")),
                },
                &[],
            )],
            "2.000815",
            &dalat,
            "gap:NotRegistered { agencies: [AgencyCode(\"68.SYT\")] }",
            vec![],
        ),
        (
            "another province's rule does nothing",
            vec![AuthorityRule {
                province_code: ProvinceCode::parse("01").unwrap(),
                ..rule(
                    "X",
                    sp("2.000815"),
                    Grant::Assignment {
                        to: Target::Agency(a("68.STP")),
                    },
                    &[],
                )
            }],
            "2.000815",
            &dalat,
            "24958.UBND",
            vec!["catalogue"],
        ),
    ];
    let exists = registered(&[]);
    for (name, rules, p, c, want, chain) in cases {
        let r = Registry::new(rules).resolve(&proc_(p), c, d, &exists);
        assert_eq!(agency_of(&r), want, "{name}");
        if !chain.is_empty() {
            assert_eq!(chain_of(&r), chain, "{name}");
        }
    }
    // Validity is inclusive at both ends.
    let reg = Registry::new(vec![expired, future]);
    let at = |d| agency_of(&reg.resolve(&proc_("2.000815"), &dalat, d, &exists));
    assert_eq!(at(date!(2025 - 08 - 31)), "24958.TTPVHCC");
    assert_eq!(at(date!(2025 - 09 - 01)), "24958.UBND");
    assert_eq!(at(date!(2025 - 09 - 02)), "68.STP");
    assert_eq!(at(date!(2025 - 06 - 30)), "24958.UBND");
}

#[test]
fn rules_are_validated() {
    let communes = vec![commune("24958", "A", "68"), commune("24781", "B", "68")];
    let ok = rule(
        "68-2025-PC-01",
        sp("2.000815"),
        Grant::Assignment {
            to: Target::Kind(AgencyKind::CommunePeoplesCommittee),
        },
        &["24958"],
    );
    ok.validate(&communes).unwrap();
    let bad: Vec<(&str, AuthorityRule)> = vec![
        (
            "empty id",
            AuthorityRule {
                id: String::new(),
                ..ok.clone()
            },
        ),
        (
            "hostile id",
            AuthorityRule {
                id: "<script>".into(),
                ..ok.clone()
            },
        ),
        (
            "no legal basis",
            AuthorityRule {
                legal_basis: "  ".into(),
                ..ok.clone()
            },
        ),
        (
            "control chars",
            AuthorityRule {
                issued_by: "UBND\u{0}".into(),
                ..ok.clone()
            },
        ),
        (
            "ends before it starts",
            AuthorityRule {
                valid_to: Some(date!(2025 - 06 - 30)),
                ..ok.clone()
            },
        ),
        (
            "unit of another province",
            AuthorityRule {
                units: vec![u("00004")],
                ..ok.clone()
            },
        ),
        (
            "unit twice",
            AuthorityRule {
                units: vec![u("24958"), u("24958")],
                ..ok.clone()
            },
        ),
        (
            "empty field",
            AuthorityRule {
                subject: Subject::Field(" ".into()),
                ..ok.clone()
            },
        ),
        (
            "self-delegation",
            AuthorityRule {
                grant: Grant::Delegation {
                    from: Target::Agency(a("68.STP")),
                    to: Target::Agency(a("68.STP")),
                },
                ..ok.clone()
            },
        ),
        (
            "self-delegation, the kind naming the same provincial body",
            AuthorityRule {
                grant: Grant::Delegation {
                    from: Target::Kind(AgencyKind::DepartmentOfJustice),
                    to: Target::Agency(a("68.STP")),
                },
                ..ok.clone()
            },
        ),
        (
            "an id that is a path segment",
            AuthorityRule {
                id: "..".into(),
                ..ok.clone()
            },
        ),
        (
            "a year no decision has",
            AuthorityRule {
                valid_from: date!(0001 - 01 - 01),
                ..ok.clone()
            },
        ),
    ];
    for (name, r) in bad {
        assert!(r.validate(&communes).is_err(), "{name}");
    }
}

#[test]
fn rules_read_from_json() {
    let r: AuthorityRule = serde_json::from_str(
        r#"{"id":"68-PC-1","province_code":"68","subject":{"procedure":"2.000635"},
            "kind":"delegation","from":{"kind":"commune_peoples_committee"},"to":{"agency":"68.STP"},
            "units":["24958"],"valid_from":"2025-07-01","valid_to":"2026-06-30",
            "legal_basis":"QĐ 1","issued_by":"UBND tỉnh"}"#,
    )
    .unwrap();
    assert_eq!(
        r.grant,
        Grant::Delegation {
            from: Target::Kind(AgencyKind::CommunePeoplesCommittee),
            to: Target::Agency(a("68.STP"))
        }
    );
    assert_eq!(r.valid_to, Some(date!(2026 - 06 - 30)));
    let back: AuthorityRule = serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
    assert_eq!(back, r);
}

fn agency(code: &str, kind: AgencyKind, unit: Option<&str>) -> Agency {
    Agency {
        code: a(code),
        name: format!("Agency {code}"),
        kind,
        level: kind.level(),
        province_code: ProvinceCode::parse("68").unwrap(),
        unit_code: unit.map(u),
        contact: None,
    }
}

#[test]
fn filing_table() {
    let home = commune("24958", "Phường Xuân Hương - Đà Lạt", "68");
    let hanoi_point = Agency {
        province_code: ProvinceCode::parse("01").unwrap(),
        ..agency(
            "00004.TTPVHCC",
            AgencyKind::CommuneServiceCenter,
            Some("00004"),
        )
    };
    let own = agency(
        "24958.TTPVHCC",
        AgencyKind::CommuneServiceCenter,
        Some("24958"),
    );
    let neighbour = agency(
        "24781.TTPVHCC",
        AgencyKind::CommuneServiceCenter,
        Some("24781"),
    );
    let province = agency("68.TTPVHCC", AgencyKind::ProvincialServiceCenter, None);
    let cases: Vec<(&str, &str, &Agency, bool)> = vec![
        ("own commune", "1.001193", &own, true),
        (
            "another commune, not boundary-free",
            "1.001193",
            &neighbour,
            false,
        ),
        (
            "the provincial center, commune procedure",
            "1.001193",
            &province,
            false,
        ),
        (
            "boundary-free elsewhere in the province",
            "local.xac-nhan-thong-tin-cu-tru",
            &neighbour,
            true,
        ),
        (
            "boundary-free at the provincial center",
            "local.xac-nhan-thong-tin-cu-tru",
            &province,
            true,
        ),
        (
            "provincial procedure at a commune point",
            "local.ly-lich-tu-phap",
            &neighbour,
            true,
        ),
        (
            "provincial procedure at the provincial center",
            "local.ly-lich-tu-phap",
            &province,
            true,
        ),
        (
            "another province, boundary-free",
            "local.xac-nhan-thong-tin-cu-tru",
            &hanoi_point,
            false,
        ),
    ];
    for (name, p, at, ok) in cases {
        let r = may_file_at(&proc_(p), at, &home);
        assert_eq!(r.is_ok(), ok, "{name}: {r:?}");
        if let Err(refusal) = r {
            assert_eq!(refusal.file_at, vec![a("24958.TTPVHCC")], "{name}");
            assert!(
                refusal.message.contains("Phường Xuân Hương"),
                "{name}: {}",
                refusal.message
            );
        }
    }
}

fn lookups_report(
    rules: Vec<AuthorityRule>,
    extra: &[&str],
    procedures: &[Procedure],
    previous: &[(ProcedureCode, u32, Level)],
    on: time::Date,
) -> AuthorityReport {
    let communes = vec![
        commune("24958", "Phường Xuân Hương - Đà Lạt", "68"),
        commune("24781", "Phường Lâm Viên - Đà Lạt", "68"),
        commune("24784", "Phường Cam Ly - Đà Lạt", "68"),
        commune("00004", "Phường Ba Đình", "01"),
    ];
    let exists = registered(extra);
    let level_of = |c: &AgencyCode| -> Option<Level> {
        if !exists(c) {
            return None;
        }
        Some(if c.as_str().starts_with("68.") {
            Level::Province
        } else {
            Level::Commune
        })
    };
    let merged = |old: &str| (old == "24961").then(|| u("24958"));
    let lookups = Lookups {
        exists: &exists,
        level_of: &level_of,
        merged_into: &merged,
    };
    check_province(
        &ProvinceCode::parse("68").unwrap(),
        on,
        procedures,
        &communes,
        &Registry::new(rules),
        &lookups,
        previous,
    )
}

#[test]
fn checker_finds_each_kind_of_problem_and_nothing_else() {
    let on = date!(2025 - 09 - 01);
    let all = seed();
    // A clean registry: the catalogue alone.
    let clean = lookups_report(vec![], &[], &all, &[], on);
    assert!(clean.is_clean(), "{clean:#?}");
    assert_eq!((clean.units, clean.procedures), (3, all.len()));

    let mut expired = rule("D-OLD", sp("2.000815"), pc_to_center(), &[]);
    expired.valid_to = Some(date!(2025 - 08 - 31));
    let mut renewed_old = rule("D-R1", sp("2.000884"), pc_to_center(), &[]);
    renewed_old.valid_to = Some(date!(2025 - 08 - 31));
    let mut renewed_new = renewed_old.clone();
    renewed_new.id = "D-R2".into();
    renewed_new.valid_from = date!(2025 - 09 - 01);
    renewed_new.valid_to = None;
    let rules = vec![
        // Overlap in 24958 only.
        rule(
            "O1",
            sp("local.xac-nhan-thong-tin-cu-tru"),
            Grant::Assignment {
                to: Target::Kind(AgencyKind::CommunePolice),
            },
            &[],
        ),
        rule(
            "O2",
            sp("local.xac-nhan-thong-tin-cu-tru"),
            Grant::Assignment {
                to: Target::Kind(AgencyKind::CommunePeoplesCommittee),
            },
            &["24958"],
        ),
        // Gap in 24784 only.
        rule(
            "G1",
            sp("local.giay-phep-xay-dung-nha-o"),
            Grant::Assignment {
                to: Target::Kind(AgencyKind::CommunePeoplesCommittee),
            },
            &["24958", "24781"],
        ),
        expired,
        renewed_old,
        renewed_new,
        // A delegation to the agency of a commune merged away.
        rule(
            "D-MERGED",
            sp("1.004873"),
            Grant::Delegation {
                from: Target::Agency(a("24958.UBND")),
                to: Target::Agency(a("24961.UBND")),
            },
            &["24958"],
        ),
        // A provincial department made competent for one commune: a level change.
        rule(
            "PC-STP",
            sp("2.000635"),
            Grant::Decentralisation {
                to: Target::Kind(AgencyKind::DepartmentOfJustice),
            },
            &["24781"],
        ),
    ];
    let r = lookups_report(rules, &[], &all, &[], on);
    assert_eq!(r.overlaps.len(), 1, "{:#?}", r.overlaps);
    let o = &r.overlaps[0];
    assert_eq!(o.procedure.as_str(), "local.xac-nhan-thong-tin-cu-tru");
    assert_eq!(o.units, vec![u("24958")]);
    assert_eq!(o.rules, vec!["O1".to_owned(), "O2".to_owned()]);
    assert_eq!(o.agencies, vec![a("24958.CA"), a("24958.UBND")]);

    // The merged-away delegate makes a second gap (1.004873 in 24958).
    let mut gaps: Vec<_> = r
        .gaps
        .iter()
        .map(|g| (g.procedure.as_str(), g.units.clone(), g.cause.clone()))
        .collect();
    gaps.sort();
    assert_eq!(
        gaps,
        vec![
            (
                "1.004873",
                vec![u("24958")],
                GapCause::NotRegistered {
                    agencies: vec![a("24961.UBND")]
                }
            ),
            (
                "local.giay-phep-xay-dung-nha-o",
                vec![u("24784")],
                GapCause::NotCovered
            ),
        ]
    );
    assert_eq!(r.expired_delegations.len(), 1);
    assert_eq!(r.expired_delegations[0].rule, "D-OLD");
    assert_eq!(
        r.dangling_delegations,
        vec![DanglingRule {
            rule: "D-MERGED".into(),
            agency: a("24961.UBND"),
            merged_into: Some(u("24958"))
        }]
    );
    assert_eq!(r.level_changes.len(), 1, "{:#?}", r.level_changes);
    let l = &r.level_changes[0];
    assert_eq!(
        (l.procedure.as_str(), l.from, l.to),
        ("2.000635", Level::Commune, Level::Province)
    );
    assert_eq!(
        (l.by.clone(), l.units.clone()),
        (vec!["PC-STP".to_owned()], vec![u("24781")])
    );
    assert_eq!(r.rules, 8);
}

#[test]
fn catalogue_versions_that_change_level_are_reported() {
    let mut all = seed();
    let p = all
        .iter_mut()
        .find(|p| p.code.as_str() == "local.ly-lich-tu-phap")
        .unwrap();
    p.version = 2;
    let code = p.code.clone();
    let r = lookups_report(
        vec![],
        &[],
        &all,
        &[(code.clone(), 1, Level::Commune)],
        date!(2025 - 09 - 01),
    );
    assert_eq!(r.level_changes.len(), 1);
    assert_eq!(
        r.level_changes[0].by,
        vec!["catalogue version 2".to_owned()]
    );
    assert_eq!(
        (r.level_changes[0].from, r.level_changes[0].to),
        (Level::Commune, Level::Province)
    );
    // The same level in the previous version is not a change.
    let r = lookups_report(
        vec![],
        &[],
        &all,
        &[(code, 1, Level::Province)],
        date!(2025 - 09 - 01),
    );
    assert!(r.level_changes.is_empty());
}

#[test]
fn a_routing_chain_reads_as_words_for_the_control_slip() {
    let dalat = commune("24958", "Xã Đức Trọng", "68");
    let reg = Registry::new(vec![rule(
        "68-UQ-1",
        sp("1.004873"),
        pc_to_center(),
        &["24958"],
    )]);
    let Resolution::Competent(c) = reg.resolve(
        &proc_("1.004873"),
        &dalat,
        date!(2025 - 09 - 01),
        &registered(&[]),
    ) else {
        panic!("competent")
    };
    let r = Routing {
        applicant_unit: u("24958"),
        date: date!(2025 - 09 - 01),
        chain: c.chain,
    };
    assert_eq!(
        r.describe_vi(),
        "danh mục TTHC 1.004873 v1 → ủy quyền 68-UQ-1 (Quyết định 68-UQ-1)"
    );
}
