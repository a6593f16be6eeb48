//! Conformance checks of the store's identity role: tokens, accounts, sessions, the security log, citizens.

use super::*;

/// Tokens are found by the hash of their secret only.
pub async fn tokens_by_secret_hash(store: Arc<dyn Store>) {
    seeded(&store).await;
    let t = TokenRecord {
        id: uuid::Uuid::now_v7(),
        agency: a("24958.TTPVHCC"),
        role: Role::CounterOfficer,
        label: "x".into(),
        created_at: datetime!(2025-01-01 0:00 UTC),
        expires_at: Some(datetime!(2026-01-01 0:00 UTC)),
        revoked_at: None,
    };
    store.insert_token("abc", &t).await.unwrap();
    assert_eq!(store.token("abc").await.unwrap(), Some(t.clone()));
    assert!(store.token("abd").await.unwrap().is_none());
    // Listed (never with its secret), revoked once (issue #29).
    let older = TokenRecord {
        id: uuid::Uuid::now_v7(),
        created_at: datetime!(2024-06-01 0:00 UTC),
        expires_at: None,
        ..t.clone()
    };
    store.insert_token("old", &older).await.unwrap();
    let listed = store.tokens().await.unwrap();
    assert_eq!(listed, vec![t.clone(), older.clone()]);
    let at = datetime!(2025-02-01 0:00 UTC);
    assert!(store.revoke_token(t.id, at).await.unwrap());
    assert!(!store.revoke_token(t.id, at).await.unwrap(), "once");
    assert!(!store.revoke_token(uuid::Uuid::now_v7(), at).await.unwrap());
    let revoked = store.token("abc").await.unwrap().unwrap();
    assert_eq!(revoked.revoked_at, Some(at));
    assert!(!revoked.valid_at(datetime!(2025-01-15 0:00 UTC)));
    assert!(older.valid_at(datetime!(2030-01-01 0:00 UTC)));
    assert!(!t.valid_at(datetime!(2026-01-01 0:00 UTC)), "expired");
}

/// Staff accounts (unique names, login state, passwords, disabling), their sessions (by secret
/// hash; ended one by one or all at once) and the append-only security log by province.
pub async fn accounts_sessions_and_the_security_log(store: Arc<dyn Store>) {
    use motcua_app::ports::{SecurityEvent, SessionRecord, UserRecord};
    use motcua_domain::accounts::{LoginState, Username};
    seeded(&store).await;
    let t0 = datetime!(2025-03-03 08:00 +7);
    let user = |name: &str, agency: &str, role| UserRecord {
        id: uuid::Uuid::now_v7(),
        username: Username::parse(name).unwrap(),
        display_name: "Nguyễn Thị Hoa".into(),
        agency: a(agency),
        role,
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        must_change_password: true,
        disabled: false,
        login: LoginState::default(),
        password_changed_at: t0,
        created_at: t0,
    };
    let hoa = user("hoa.tiepnhan", "24958.TTPVHCC", Role::CounterOfficer);
    store.insert_user(&hoa).await.unwrap();
    let admin = user("admin.68", "68.STP", Role::ProvinceAdmin);
    store.insert_user(&admin).await.unwrap();
    // The name is unique.
    let again = user("hoa.tiepnhan", "24958.UBND", Role::Leader);
    assert!(matches!(
        store.insert_user(&again).await,
        Err(StoreError::Duplicate(_))
    ));
    let got = store
        .user_by_name(&Username::parse("hoa.tiepnhan").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(got, hoa);
    assert_eq!(store.user(admin.id).await.unwrap().unwrap(), admin);
    assert_eq!(store.user(uuid::Uuid::now_v7()).await.unwrap(), None);
    assert_eq!(store.users(None).await.unwrap().len(), 2);
    assert_eq!(store.users(Some(&p("79"))).await.unwrap(), vec![]);
    // Login state and password.
    let locked = LoginState {
        failures: 0,
        locked_until: Some(t0 + time::Duration::minutes(15)),
    };
    store.set_login_state(hoa.id, &locked).await.unwrap();
    assert_eq!(store.user(hoa.id).await.unwrap().unwrap().login, locked);
    let t1 = t0 + time::Duration::hours(1);
    store
        .set_password(hoa.id, "$argon2id$new", false, t1)
        .await
        .unwrap();
    let after = store.user(hoa.id).await.unwrap().unwrap();
    assert_eq!(after.password_hash, "$argon2id$new");
    assert!(!after.must_change_password);
    assert_eq!(after.password_changed_at, t1);
    assert_eq!(
        after.login,
        LoginState::default(),
        "a new password clears the lock"
    );
    assert!(store.set_user_disabled(hoa.id, true).await.unwrap());
    assert!(store.user(hoa.id).await.unwrap().unwrap().disabled);
    assert!(
        !store
            .set_user_disabled(uuid::Uuid::now_v7(), true)
            .await
            .unwrap()
    );
    // Sessions.
    let s = |user_id| SessionRecord {
        user_id,
        created_at: t0,
        last_seen_at: t0,
        ip: "203.0.113.7".into(),
    };
    store.insert_session("h1", &s(hoa.id)).await.unwrap();
    store.insert_session("h2", &s(hoa.id)).await.unwrap();
    store.insert_session("h3", &s(admin.id)).await.unwrap();
    assert_eq!(store.session("h1").await.unwrap().unwrap(), s(hoa.id));
    assert_eq!(store.session("nope").await.unwrap(), None);
    store.touch_session("h1", t1).await.unwrap();
    assert_eq!(store.session("h1").await.unwrap().unwrap().last_seen_at, t1);
    store.delete_session("h3").await.unwrap();
    assert_eq!(store.session("h3").await.unwrap(), None);
    assert_eq!(store.delete_user_sessions(hoa.id).await.unwrap(), 2);
    assert_eq!(store.session("h1").await.unwrap(), None);
    // The security log: newest first, by province.
    let e = |kind: &str, province: Option<&str>, at| SecurityEvent {
        id: uuid::Uuid::now_v7(),
        at,
        kind: kind.into(),
        actor: "user:x".into(),
        province: province.map(str::to_owned),
        subject: "hoa.tiepnhan".into(),
        ip: "203.0.113.7".into(),
        detail: String::new(),
    };
    let events = [
        e("login_failed", None, t0),
        e("login", Some("68"), t0 + time::Duration::minutes(1)),
        e("export", Some("79"), t0 + time::Duration::minutes(2)),
    ];
    for x in &events {
        store.insert_security_event(x).await.unwrap();
    }
    let all = store.security_events(None, 10).await.unwrap();
    assert_eq!(
        all.iter().map(|x| x.kind.as_str()).collect::<Vec<_>>(),
        ["export", "login", "login_failed"]
    );
    assert_eq!(all[0], events[2]);
    let lam_dong = store.security_events(Some(&p("68")), 10).await.unwrap();
    assert_eq!(lam_dong, vec![events[1].clone()]);
    assert_eq!(store.security_events(None, 1).await.unwrap().len(), 1);
}

/// A citizen's dossiers are found by the applicant's identification number (newest first, no one
/// else's), and citizens' sessions are kept by secret hash.
pub async fn citizens_find_their_dossiers_and_keep_sessions(store: Arc<dyn Store>) {
    use motcua_app::ports::CitizenSessionRecord;
    use motcua_domain::ids::CitizenId;
    seeded(&store).await;
    let mine = CitizenId::parse("068195001234").unwrap();
    let other = CitizenId::parse("079200001234").unwrap();
    let mut made = Vec::new();
    for (i, who) in [&mine, &other, &mine].into_iter().enumerate() {
        let (mut d, ev) = sample_dossier(
            &format!("24958-250303-000{}", i + 1),
            "24958.TTPVHCC",
            datetime!(2025-03-03 08:00 +7) + time::Duration::hours(i as i64),
        );
        d.applicant.id_number = who.clone();
        store.insert_dossier(&d, &ev, None, &[]).await.unwrap();
        made.push(d);
    }
    let found: Vec<String> = store
        .dossiers_of_applicant(&mine, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.code.to_string())
        .collect();
    assert_eq!(found, [made[2].code.to_string(), made[0].code.to_string()]);
    assert_eq!(
        store.dossiers_of_applicant(&mine, 1).await.unwrap().len(),
        1
    );
    assert!(
        store
            .dossiers_of_applicant(&CitizenId::parse("001000000000").unwrap(), 10)
            .await
            .unwrap()
            .is_empty()
    );
    // An action later: the citizen sees the dossier as it is now, once.
    let assigned = assign(
        &store,
        &made[0],
        "Trần Văn Bình",
        datetime!(2025-03-03 12:00 +7),
    )
    .await;
    let found = store.dossiers_of_applicant(&mine, 10).await.unwrap();
    assert_eq!(found.len(), 2);
    assert_eq!(found[1], assigned);
    // A dossier bulk-loaded (the seed, an import) is found like one taken at the counter.
    let (mut loaded, loaded_ev) = sample_dossier(
        "24958-250303-0009",
        "24958.TTPVHCC",
        datetime!(2025-03-04 08:00 +7),
    );
    loaded.applicant.id_number = mine.clone();
    store
        .bulk_load(&motcua_app::ports::BulkBatch {
            dossiers: vec![(loaded.clone(), vec![loaded_ev])],
            sequences: vec![],
        })
        .await
        .unwrap();
    let found = store.dossiers_of_applicant(&mine, 10).await.unwrap();
    assert_eq!(found.len(), 3);
    assert_eq!(found[0], loaded);
    let t0 = datetime!(2025-03-03 08:00 +7);
    let s = CitizenSessionRecord {
        subject: "068195001234".into(),
        id_number: mine.clone(),
        name: "Nguyễn Thị Lan".into(),
        created_at: t0,
        last_seen_at: t0,
    };
    store.insert_citizen_session("c1", &s).await.unwrap();
    assert_eq!(store.citizen_session("c1").await.unwrap(), Some(s.clone()));
    let t1 = t0 + time::Duration::minutes(5);
    store.touch_citizen_session("c1", t1).await.unwrap();
    assert_eq!(
        store
            .citizen_session("c1")
            .await
            .unwrap()
            .unwrap()
            .last_seen_at,
        t1
    );
    store.delete_citizen_session("c1").await.unwrap();
    assert_eq!(store.citizen_session("c1").await.unwrap(), None);
}
