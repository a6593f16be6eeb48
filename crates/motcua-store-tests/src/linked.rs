//! Conformance checks of the store's linked role: linked applications.

use super::*;

/// Linked applications: written once (a taken code or key writes nothing), read by code and by
/// the client's idempotency key, listed by filing time for the sweep.
pub async fn linked_applications_are_kept_once(store: Arc<dyn Store>) {
    use motcua_domain::linked::LinkedApplication;
    let app = |code: &str, at: OffsetDateTime| LinkedApplication {
        id: uuid::Uuid::now_v7(),
        code: DossierCode::parse(code).unwrap(),
        province_code: p("68"),
        service: ProcedureCode::parse("2.000986").unwrap(),
        receiving_agency: a("24958.TTPVHCC"),
        applicant_unit: u("24958"),
        channel: Channel::Direct,
        applicant: Applicant {
            name: "Nguyễn Thị Lan".into(),
            id_number: "068195001234".parse().unwrap(),
            phone: "0912345678".parse().unwrap(),
            email: None,
            address: None,
        },
        summary: "Khai sinh cho cháu An".into(),
        variants: [("funeral_allowance".to_owned(), "meritorious".to_owned())].into(),
        filed_at: at,
        filed_by: "token:x".into(),
        declarations: Default::default(),
    };
    let idem = |key: &str| IdempotencyRecord {
        key: key.into(),
        request_hash: "h1".into(),
        dossier_code: DossierCode::parse("24958-250901-0001").unwrap(),
    };
    let first = app("24958-250901-0001", datetime!(2025-09-01 09:00 UTC));
    store
        .insert_linked(&first, Some(&idem("k-1")))
        .await
        .unwrap();
    let second = app("24958-250902-0001", datetime!(2025-09-02 09:00 UTC));
    store.insert_linked(&second, None).await.unwrap();
    // The same code, or the same key, writes nothing.
    assert!(matches!(
        store
            .insert_linked(
                &app("24958-250901-0001", datetime!(2025-09-03 09:00 UTC)),
                None
            )
            .await,
        Err(StoreError::Duplicate(_))
    ));
    let third = app("24958-250903-0001", datetime!(2025-09-03 09:00 UTC));
    assert!(matches!(
        store.insert_linked(&third, Some(&idem("k-1"))).await,
        Err(StoreError::Duplicate(_))
    ));
    assert_eq!(store.linked(&third.code).await.unwrap(), None);
    assert_eq!(
        store.linked(&first.code).await.unwrap(),
        Some(first.clone())
    );
    let rec = store.linked_idempotency("k-1").await.unwrap().unwrap();
    assert_eq!(
        (rec.request_hash.as_str(), rec.dossier_code.as_str()),
        ("h1", "24958-250901-0001")
    );
    assert!(store.linked_idempotency("k-2").await.unwrap().is_none());
    let since = store
        .linked_since(datetime!(2025-09-01 12:00 UTC), 10)
        .await
        .unwrap();
    assert_eq!(since, vec![second.clone()]);
    let all = store
        .linked_since(datetime!(2025-01-01 00:00 UTC), 1)
        .await
        .unwrap();
    assert_eq!(all, vec![first], "oldest first, limited");
}
