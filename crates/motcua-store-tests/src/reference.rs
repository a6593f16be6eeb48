//! Conformance checks of the store's reference role: units, agencies, procedure versions, holidays, office hours.

use super::*;

/// Units are stored and loaded unchanged, in order.
pub async fn units_round_trip(store: Arc<dyn Store>) {
    let data = small_units();
    store.replace_units(&data).await.unwrap();
    assert_eq!(store.load_units().await.unwrap(), data);
    // Replacing again does not duplicate anything.
    store.replace_units(&data).await.unwrap();
    assert_eq!(store.load_units().await.unwrap(), data);
}

/// Agencies are found by code, commune and province.
pub async fn agencies_by_unit_and_province(store: Arc<dyn Store>) {
    seeded(&store).await;
    let got = store.agency(&a("24958.UBND")).await.unwrap().unwrap();
    assert_eq!(got.kind, AgencyKind::CommunePeoplesCommittee);
    assert_eq!(got.unit_code, Some(u("24958")));
    let of_unit: Vec<String> = store
        .agencies_of_unit(&u("24958"))
        .await
        .unwrap()
        .iter()
        .map(|a| a.code.to_string())
        .collect();
    assert_eq!(of_unit, ["24958.TTPVHCC", "24958.UBND"]);
    let of_prov: Vec<String> = store
        .agencies_of_province(&p("68"))
        .await
        .unwrap()
        .iter()
        .map(|a| a.code.to_string())
        .collect();
    assert_eq!(of_prov, ["68.STP"]);
    let in_prov: Vec<String> = store
        .agencies_in_province(&p("68"))
        .await
        .unwrap()
        .iter()
        .map(|a| a.code.to_string())
        .collect();
    assert_eq!(in_prov.len(), 4, "every level: {in_prov:?}");
    assert!(in_prov.contains(&"24958.UBND".to_owned()) && in_prov.contains(&"68.STP".to_owned()));
    assert!(
        store
            .agencies_in_province(&p("79"))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(store.agency(&a("99.NONE")).await.unwrap().is_none());
    assert_eq!(store.count_agencies().await.unwrap(), 4);

    // A recorded contact is kept when the registry is upserted again without one (`init`), and
    // an empty one reads back as none.
    let contact = motcua_domain::agency::AgencyContact {
        address: Some("Số 1 Quốc lộ 20, Xã Đức Trọng".into()),
        phone: Some("0263 3843 000".into()),
        hours: None,
    };
    let with = Agency {
        contact: Some(contact.clone()),
        ..got.clone()
    };
    store.upsert_agencies(&[with]).await.unwrap();
    store
        .upsert_agencies(std::slice::from_ref(&got))
        .await
        .unwrap();
    assert_eq!(
        store
            .agency(&a("24958.UBND"))
            .await
            .unwrap()
            .unwrap()
            .contact,
        Some(contact)
    );
    let cleared = Agency {
        contact: Some(Default::default()),
        ..got
    };
    store.upsert_agencies(&[cleared]).await.unwrap();
    assert_eq!(
        store
            .agency(&a("24958.UBND"))
            .await
            .unwrap()
            .unwrap()
            .contact,
        None
    );
}

/// Every version is kept; the latest is current; a version number is never reused.
pub async fn procedure_versions_are_kept(store: Arc<dyn Store>) {
    let code = ProcedureCode::parse("2.000815").unwrap();
    store
        .insert_procedure_version(&procedure("2.000815", 1))
        .await
        .unwrap();
    store
        .insert_procedure_version(&procedure("2.000815", 2))
        .await
        .unwrap();
    store
        .insert_procedure_version(&procedure("1.001193", 1))
        .await
        .unwrap();
    assert_eq!(
        store.procedure(&code, None).await.unwrap().unwrap().version,
        2
    );
    assert_eq!(
        store.procedure(&code, Some(1)).await.unwrap().unwrap().name,
        "Thủ tục 2.000815 v1"
    );
    assert!(store.procedure(&code, Some(3)).await.unwrap().is_none());
    assert!(matches!(
        store
            .insert_procedure_version(&procedure("2.000815", 2))
            .await,
        Err(StoreError::Duplicate(_))
    ));
    let current: Vec<(String, u32)> = store
        .current_procedures()
        .await
        .unwrap()
        .iter()
        .map(|p| (p.code.to_string(), p.version))
        .collect();
    assert_eq!(
        current,
        [("1.001193".to_string(), 1), ("2.000815".to_string(), 2)]
    );
}

/// A year's table is per province and replaced on save.
pub async fn holiday_years_replace_per_province_and_year(store: Arc<dyn Store>) {
    seeded(&store).await;
    store
        .save_holiday_year(&p("68"), &default_holidays(2026))
        .await
        .unwrap();
    store
        .save_holiday_year(&p("68"), &official_2025())
        .await
        .unwrap();
    let mut edited = official_2025();
    edited.days.pop();
    store.save_holiday_year(&p("68"), &edited).await.unwrap();
    let years: Vec<HolidayYear> = store.holiday_years(&p("68")).await.unwrap();
    assert_eq!(years.len(), 2);
    assert_eq!(years[0], edited);
    assert!(store.holiday_years(&p("01")).await.unwrap().is_empty());
}

/// Office hours are per unit.
pub async fn office_hours_per_unit(store: Arc<dyn Store>) {
    seeded(&store).await;
    assert!(store.office_hours(&u("24958")).await.unwrap().is_none());
    let h = OfficeHours::parse("07:00-11:00,13:30-17:30").unwrap();
    store
        .set_office_hours(&u("24958"), &p("68"), &h)
        .await
        .unwrap();
    assert_eq!(store.office_hours(&u("24958")).await.unwrap(), Some(h));
}
