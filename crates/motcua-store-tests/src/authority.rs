//! Conformance checks of the store's authority role: the authority registry.

use super::*;

/// Authority rules: per province, ids unique within a province, ended by replacement.
pub async fn authority_rules_by_province(store: Arc<dyn Store>) {
    use motcua_domain::authority::{AuthorityRule, Grant, Subject, Target};
    let rule = |prov: &str, id: &str| AuthorityRule {
        id: id.into(),
        province_code: p(prov),
        subject: Subject::Procedure(ProcedureCode::parse("2.000815").unwrap()),
        grant: Grant::Delegation {
            from: Target::Kind(motcua_domain::agency::AgencyKind::CommunePeoplesCommittee),
            to: Target::Agency(a("24958.TTPVHCC")),
        },
        units: vec![u("24958")],
        valid_from: time::macros::date!(2025 - 07 - 01),
        valid_to: None,
        legal_basis: "Quyết định số 1/QĐ-UBND".into(),
        issued_by: "Ủy ban nhân dân tỉnh".into(),
        example: false,
    };
    store
        .insert_authority_rule(&rule("68", "B-2"))
        .await
        .unwrap();
    store
        .insert_authority_rule(&rule("68", "A-1"))
        .await
        .unwrap();
    store
        .insert_authority_rule(&rule("01", "A-1"))
        .await
        .unwrap();
    assert!(matches!(
        store.insert_authority_rule(&rule("68", "A-1")).await,
        Err(StoreError::Duplicate(_))
    ));
    let got = store.authority_rules(&p("68")).await.unwrap();
    assert_eq!(got, vec![rule("68", "A-1"), rule("68", "B-2")]);
    let ended = AuthorityRule {
        valid_to: Some(time::macros::date!(2025 - 12 - 31)),
        ..rule("68", "A-1")
    };
    assert!(store.replace_authority_rule(&ended).await.unwrap());
    assert!(
        !store
            .replace_authority_rule(&rule("68", "NONE"))
            .await
            .unwrap()
    );
    let got = store.authority_rules(&p("68")).await.unwrap();
    assert_eq!(got, vec![ended, rule("68", "B-2")]);
    assert_eq!(store.authority_rules(&p("01")).await.unwrap().len(), 1);
    assert!(store.authority_rules(&p("79")).await.unwrap().is_empty());
}
