//! # motcua-store-tests
//!
//! One conformance suite that every [`Store`] must pass. Each check takes a fresh, migrated,
//! empty store; a backend crate runs them all with [`conformance_tests!`] (SQLite by default,
//! PostgreSQL when its store exists and `MOTCUA_TEST_DATABASE_URL` is set).

use motcua_app::ports::{
    Attachment, DocumentJob, DocumentRecord, DossierFilter, DraftRecord, IdempotencyRecord, Issued,
    NewDocument, StatusFilter, StoredEvent, TokenRecord, WatchCursor, WatchPage, WatchScope,
};
use motcua_app::{Store, StoreError};
use motcua_domain::access::Role;
use motcua_domain::agency::{Agency, AgencyKind, Level};
use motcua_domain::calendar::{
    HolidayYear, OfficeHours, ProcessingTime, TimeUnit, WorkingCalendar, default_holidays,
    official_2025,
};
use motcua_domain::catalogue::{Case, Channel, ChannelOffer, Component, Procedure};
use motcua_domain::dossier::chain::GENESIS;
use motcua_domain::dossier::{
    ActionContext, Applicant, Command, Dossier, DossierListing, EventDraft, NewDossier, Status,
};
use motcua_domain::ids::{AgencyCode, DossierCode, ProcedureCode, ProvinceCode, UnitCode};
use motcua_domain::units::{Commune, MappingRow, Province, UnitsData};
use sha2::Digest as _;
use std::sync::Arc;
use time::OffsetDateTime;
use time::macros::datetime;

/// Generates one `#[tokio::test]` per conformance check. `$make` is an async expression giving
/// `Some((store, guard))` — a fresh `Arc<dyn Store>` and anything to keep alive (a temp dir, a
/// database to drop) — or `None` when the backend is not available here (the test then returns
/// after the factory has said so).
#[macro_export]
macro_rules! conformance_tests {
    ($make:expr) => {
        $crate::conformance_tests!(@each $make;
            units_round_trip, agencies_by_unit_and_province, procedure_versions_are_kept,
            holiday_years_replace_per_province_and_year, office_hours_per_unit, code_sequences_are_unique_under_concurrency,
            several_sequences_are_taken_in_one_write,
            dossier_round_trip_and_idempotency, duplicate_idempotency_key_writes_nothing,
            stale_version_is_a_conflict_and_writes_nothing, concurrent_writes_fail_alone,
            list_filters_and_orders_by_due_date, open_lists_leave_closed_dossiers_out, watch_pages_walk_a_province_by_keyset, dossiers_are_read_by_codes,
            events_and_chain_heads, tokens_by_secret_hash, stale_drafts_are_purged_with_their_files, drafts_and_attachments_move_to_the_dossier, stats_count_by_status_agency_and_day,
            documents_are_written_with_their_transition_or_not_at_all,
            deferred_documents_are_finished_once, authority_rules_by_province,
            linked_applications_are_kept_once, kpi_counters_follow_every_write, notices_are_kept_once_by_key,
            accounts_sessions_and_the_security_log, citizens_find_their_dossiers_and_keep_sessions,
            bulk_load_writes_whole_histories_or_nothing);
    };
    (@each $make:expr; $($name:ident),*) => {
        $(
            #[tokio::test]
            async fn $name() {
                let Some((store, _guard)) = $make.await else {
                    return;
                };
                $crate::$name(store).await;
            }
        )*
    };
}

fn pc(code: &str) -> ProcedureCode {
    ProcedureCode::parse(code).unwrap()
}

fn p(code: &str) -> ProvinceCode {
    ProvinceCode::parse(code).unwrap()
}

fn u(code: &str) -> UnitCode {
    UnitCode::parse(code).unwrap()
}

fn a(code: &str) -> AgencyCode {
    AgencyCode::parse(code).unwrap()
}

/// A two-province, three-commune unit set.
pub fn small_units() -> UnitsData {
    let prov = |c: &str, n: &str| Province {
        code: p(c),
        name: n.into(),
        kind: "tỉnh".into(),
        codename: n.to_lowercase(),
    };
    let com = |c: &str, n: &str, pc: &str| Commune {
        code: u(c),
        name: n.into(),
        kind: "xã".into(),
        province_code: p(pc),
        codename: n.to_lowercase(),
    };
    UnitsData {
        provinces: vec![prov("68", "Tỉnh Lâm Đồng"), prov("01", "Thành phố Hà Nội")],
        communes: vec![
            com("24958", "Xã Đức Trọng", "68"),
            com("24781", "Phường Xuân Hương - Đà Lạt", "68"),
            com("00004", "Phường Ba Đình", "01"),
        ],
        mapping: vec![MappingRow {
            old_province_code: "68".into(),
            old_province_name: "Tỉnh Lâm Đồng".into(),
            old_district_code: "679".into(),
            old_district_name: "Huyện Đức Trọng".into(),
            old_commune_code: "24982".into(),
            old_commune_name: "Xã Phú Hội".into(),
            new_commune_code: u("24958"),
            new_commune_name: "Xã Đức Trọng".into(),
            new_province_code: p("68"),
            new_province_name: "Tỉnh Lâm Đồng".into(),
            nso_note: "Nhập toàn bộ".into(),
            is_partial: false,
            old_split_count: 1,
        }],
    }
}

fn agency(code: &str, kind: AgencyKind, unit: Option<&str>) -> Agency {
    Agency {
        code: a(code),
        name: format!("Agency {code}"),
        kind,
        level: kind.level(),
        province_code: p("68"),
        unit_code: unit.map(u),
    }
}

async fn seeded(store: &Arc<dyn Store>) {
    store.replace_units(&small_units()).await.unwrap();
    store
        .upsert_agencies(&[
            agency(
                "24958.TTPVHCC",
                AgencyKind::CommuneServiceCenter,
                Some("24958"),
            ),
            agency(
                "24958.UBND",
                AgencyKind::CommunePeoplesCommittee,
                Some("24958"),
            ),
            agency(
                "24781.TTPVHCC",
                AgencyKind::CommuneServiceCenter,
                Some("24781"),
            ),
            agency("68.STP", AgencyKind::DepartmentOfJustice, None),
        ])
        .await
        .unwrap();
}

/// A small procedure.
pub fn procedure(code: &str, version: u32) -> Procedure {
    Procedure {
        code: ProcedureCode::parse(code).unwrap(),
        version,
        name: format!("Thủ tục {code} v{version}"),
        name_en: None,
        field: "Chứng thực".into(),
        levels: vec![Level::Commune],
        competent_agency_kind: AgencyKind::CommunePeoplesCommittee,
        description: None,
        steps: vec![],
        cases: vec![Case {
            code: "default".into(),
            name: "Thông thường".into(),
            components: vec![Component {
                code: "BC".into(),
                name: "Bản chính".into(),
                originals: 1,
                copies: 0,
                form: None,
                form_url: None,
                required: true,
            }],
        }],
        channels: vec![ChannelOffer {
            channel: Channel::Direct,
            processing_time: ProcessingTime {
                value: 3,
                unit: TimeUnit::WorkingDays,
            },
            fees: vec![],
            note: None,
        }],
        requirements: vec![],
        legal_basis: vec![],
        results: vec![],
        full_online: false,
        boundary_free: false,
        unconfirmed: vec![],
    }
}

fn event_for(d: &Dossier, draft: &EventDraft, prev: &str) -> StoredEvent {
    motcua_app::dossiers::seal_event(d, draft, "test", "24958.TTPVHCC", prev)
}

/// Opens a received dossier at `at` (3 working days) and returns it with its first event.
pub fn sample_dossier(code: &str, receiving: &str, at: OffsetDateTime) -> (Dossier, StoredEvent) {
    let cal = WorkingCalendar::new(OfficeHours::default(), [official_2025()]);
    let proc_ = procedure("2.000815", 1);
    let n = NewDossier {
        id: uuid::Uuid::now_v7(),
        code: DossierCode::parse(code).unwrap(),
        province_code: p("68"),
        case_code: None,
        channel: Channel::Direct,
        receiving_unit: u(&receiving[..5]),
        receiving_agency: a(receiving),
        competent_agency: a(&format!("{}.UBND", &receiving[..5])),
        applicant: Applicant {
            name: "Nguyễn Văn An".into(),
            id_number: "068095001234".parse().unwrap(),
            phone: "0912345678".parse().unwrap(),
            email: None,
            address: None,
        },
        summary: String::new(),
        components: vec![],
        receive_now: true,
        routing: None,
        linked: None,
        support_point: None,
    };
    let (d, draft) = Dossier::open(
        n,
        ActionContext {
            now: at,
            calendar: &cal,
            procedure: &proc_,
        },
    )
    .unwrap();
    let ev = event_for(&d, &draft, GENESIS);
    (
        Dossier {
            last_event_hash: ev.hash.clone(),
            ..d
        },
        ev,
    )
}

fn apply(d: &Dossier, cmd: Command, at: OffsetDateTime) -> (Dossier, StoredEvent) {
    let cal = WorkingCalendar::new(OfficeHours::default(), [official_2025()]);
    let proc_ = procedure("2.000815", 1);
    let (next, draft) = d
        .apply(
            &cmd,
            ActionContext {
                now: at,
                calendar: &cal,
                procedure: &proc_,
            },
        )
        .unwrap();
    let ev = event_for(&next, &draft, &d.last_event_hash);
    (
        Dossier {
            last_event_hash: ev.hash.clone(),
            ..next
        },
        ev,
    )
}

/// Applies `cmd` at `at` and stores the transition (no forms): the dossier as it now is.
async fn act(store: &Arc<dyn Store>, d: &Dossier, cmd: Command, at: OffsetDateTime) -> Dossier {
    let (next, ev) = apply(d, cmd, at);
    store.append_transition(d, &next, &ev, &[]).await.unwrap();
    next
}

/// Assigns `d` to `handler` at `at` (a transition that changes nothing but the data).
async fn assign(store: &Arc<dyn Store>, d: &Dossier, handler: &str, at: OffsetDateTime) -> Dossier {
    act(
        store,
        d,
        Command::Assign {
            handler: handler.into(),
        },
        at,
    )
    .await
}

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

/// Sequence numbers per prefix are consecutive and never handed out twice, even concurrently.
pub async fn code_sequences_are_unique_under_concurrency(store: Arc<dyn Store>) {
    let mut tasks = Vec::new();
    for _ in 0..40 {
        let s = store.clone();
        tasks.push(tokio::spawn(async move {
            s.next_code_sequence(&p("68"), "24958-250124-")
                .await
                .unwrap()
        }));
    }
    let mut got = Vec::new();
    for t in tasks {
        got.push(t.await.unwrap());
    }
    got.sort();
    assert_eq!(got, (1..=40).collect::<Vec<u64>>());
    assert_eq!(
        store
            .next_code_sequence(&p("68"), "24781-250124-")
            .await
            .unwrap(),
        1
    );
}

/// Several prefixes' numbers are taken in one write, in the order asked, concurrently with
/// writes asking in the other order (no deadlock); a prefix asked twice takes nothing.
pub async fn several_sequences_are_taken_in_one_write(store: Arc<dyn Store>) {
    let (code, receipt) = ("24958-250124-", "DOC-24958.UBND-2025-form01");
    for _ in 0..5 {
        store.next_code_sequence(&p("68"), code).await.unwrap();
    }
    let mut tasks = Vec::new();
    for i in 0..40 {
        let s = store.clone();
        tasks.push(tokio::spawn(async move {
            if i % 2 == 0 {
                let n = s
                    .next_code_sequences(&p("68"), &[code, receipt])
                    .await
                    .unwrap();
                (n[0], n[1])
            } else {
                let n = s
                    .next_code_sequences(&p("68"), &[receipt, code])
                    .await
                    .unwrap();
                (n[1], n[0])
            }
        }));
    }
    let (mut codes, mut receipts) = (Vec::new(), Vec::new());
    for t in tasks {
        let (c, r) = t.await.unwrap();
        codes.push(c);
        receipts.push(r);
    }
    codes.sort();
    receipts.sort();
    assert_eq!(codes, (6..=45).collect::<Vec<u64>>());
    assert_eq!(receipts, (1..=40).collect::<Vec<u64>>());

    assert!(
        store
            .next_code_sequences(&p("68"), &[receipt, code, receipt])
            .await
            .is_err()
    );
    assert_eq!(
        store
            .next_code_sequences(&p("68"), &[code, receipt])
            .await
            .unwrap(),
        vec![46, 41]
    );
}

/// A dossier reads back exactly as written; its idempotency key finds it.
pub async fn dossier_round_trip_and_idempotency(store: Arc<dyn Store>) {
    seeded(&store).await;
    let (d, ev) = sample_dossier(
        "24958-250124-0001",
        "24958.TTPVHCC",
        datetime!(2025-01-24 16:00 +7),
    );
    let idem = IdempotencyRecord {
        key: "k1".into(),
        request_hash: "h1".into(),
        dossier_code: d.code.clone(),
    };
    store
        .insert_dossier(&d, &ev, Some(&idem), &[])
        .await
        .unwrap();
    assert_eq!(store.dossier(&d.code).await.unwrap(), Some(d.clone()));
    assert_eq!(store.idempotency("k1").await.unwrap(), Some(idem));
    assert!(store.idempotency("k2").await.unwrap().is_none());
    assert_eq!(store.count_dossiers().await.unwrap(), 1);
}

/// A reused idempotency key or code fails and leaves nothing half-written.
pub async fn duplicate_idempotency_key_writes_nothing(store: Arc<dyn Store>) {
    seeded(&store).await;
    let (d1, e1) = sample_dossier(
        "24958-250124-0001",
        "24958.TTPVHCC",
        datetime!(2025-01-24 09:00 +7),
    );
    let (d2, e2) = sample_dossier(
        "24958-250124-0002",
        "24958.TTPVHCC",
        datetime!(2025-01-24 10:00 +7),
    );
    let k = |c: &DossierCode| IdempotencyRecord {
        key: "same".into(),
        request_hash: "h".into(),
        dossier_code: c.clone(),
    };
    store
        .insert_dossier(&d1, &e1, Some(&k(&d1.code)), &[])
        .await
        .unwrap();
    let r = store
        .insert_dossier(&d2, &e2, Some(&k(&d2.code)), &[])
        .await;
    assert!(matches!(r, Err(StoreError::Duplicate(_))), "{r:?}");
    assert!(store.dossier(&d2.code).await.unwrap().is_none());
    assert!(store.events(d2.id).await.unwrap().is_empty());
    // Same code again.
    let (d3, e3) = sample_dossier(
        "24958-250124-0001",
        "24958.TTPVHCC",
        datetime!(2025-01-24 11:00 +7),
    );
    assert!(matches!(
        store.insert_dossier(&d3, &e3, None, &[]).await,
        Err(StoreError::Duplicate(_))
    ));
    assert!(store.events(d3.id).await.unwrap().is_empty());
    assert_eq!(store.count_dossiers().await.unwrap(), 1);
}

/// Appending with a stale version is a conflict; the state and the log are unchanged.
pub async fn stale_version_is_a_conflict_and_writes_nothing(store: Arc<dyn Store>) {
    seeded(&store).await;
    let (d, ev) = sample_dossier(
        "24958-250124-0001",
        "24958.TTPVHCC",
        datetime!(2025-01-24 09:00 +7),
    );
    store.insert_dossier(&d, &ev, None, &[]).await.unwrap();
    let d2 = assign(&store, &d, "A", datetime!(2025-01-24 10:00 +7)).await;
    let (d3, ev3) = apply(
        &d,
        Command::Assign {
            handler: "B".into(),
        },
        datetime!(2025-01-24 10:05 +7),
    );
    assert!(matches!(
        store.append_transition(&d, &d3, &ev3, &[]).await,
        Err(StoreError::Conflict)
    ));
    assert_eq!(store.dossier(&d.code).await.unwrap(), Some(d2));
    assert_eq!(store.events(d.id).await.unwrap().len(), 2);
}

/// Many writes at once (which a store may commit together): each taken code, reused key and
/// stale version fails on its own with its own error and writes nothing; every other write is
/// there in full.
pub async fn concurrent_writes_fail_alone(store: Arc<dyn Store>) {
    seeded(&store).await;
    let at = datetime!(2025-01-24 09:00 +7);
    // Ten dossiers already stored; each gets a stale and a fresh action below.
    let mut stored = Vec::new();
    for i in 0..10 {
        let (d, ev) = sample_dossier(&format!("24958-250124-{:04}", i + 1), "24958.TTPVHCC", at);
        let key = IdempotencyRecord {
            key: format!("old-{i}"),
            request_hash: "h".into(),
            dossier_code: d.code.clone(),
        };
        store
            .insert_dossier(&d, &ev, Some(&key), &[])
            .await
            .unwrap();
        stored.push(d);
    }
    let mut tasks = Vec::new();
    for i in 0..30u32 {
        let s = store.clone();
        // Every third new dossier reuses a stored code, every fifth a stored key.
        let code = if i.is_multiple_of(3) {
            format!("24958-250124-{:04}", i % 10 + 1)
        } else {
            format!("24958-250124-{:04}", 100 + i)
        };
        let key = if i.is_multiple_of(5) {
            format!("old-{}", i % 10)
        } else {
            format!("new-{i}")
        };
        tasks.push(tokio::spawn(async move {
            let (d, ev) = sample_dossier(&code, "24958.TTPVHCC", at);
            let idem = IdempotencyRecord {
                key,
                request_hash: "h".into(),
                dossier_code: d.code.clone(),
            };
            let r = s.insert_dossier(&d, &ev, Some(&idem), &[]).await;
            (d, r)
        }));
    }
    let mut actions = Vec::new();
    for (i, d) in stored.iter().enumerate() {
        let (next, ev) = apply(
            d,
            Command::Assign {
                handler: format!("H{i}"),
            },
            datetime!(2025-01-24 10:00 +7),
        );
        // The stale one claims a version the dossier never has, before or after the other.
        let s = store.clone();
        let (stale, stale_ev) = (next.clone(), ev.clone());
        let mut never = d.clone();
        never.version += 7;
        actions.push(tokio::spawn(async move {
            s.append_transition(&never, &stale, &stale_ev, &[]).await
        }));
        let s = store.clone();
        let before = d.clone();
        actions.push(tokio::spawn(async move {
            s.append_transition(&before, &next, &ev, &[]).await
        }));
    }
    let mut written = 0;
    for t in tasks {
        let (d, r) = t.await.unwrap();
        let i: u32 = d.code.as_str()[13..].parse().unwrap();
        let clash = i <= 10;
        let dup_key = !clash && (i - 100).is_multiple_of(5);
        if clash || dup_key {
            assert!(
                matches!(r, Err(StoreError::Duplicate(_))),
                "{}: {r:?}",
                d.code.as_str()
            );
            assert!(
                store.events(d.id).await.unwrap().is_empty(),
                "{}",
                d.code.as_str()
            );
        } else {
            r.unwrap();
            assert_eq!(store.dossier(&d.code).await.unwrap(), Some(d.clone()));
            assert_eq!(store.events(d.id).await.unwrap().len(), 1);
            written += 1;
        }
    }
    assert_eq!(written, 16);
    let outcomes: Vec<_> = futures_join(actions).await;
    for pair in outcomes.chunks(2) {
        assert!(
            matches!(pair[0], Err(StoreError::Conflict)),
            "{:?}",
            pair[0]
        );
        assert!(pair[1].is_ok(), "{:?}", pair[1]);
    }
    for d in &stored {
        let now = store.dossier(&d.code).await.unwrap().unwrap();
        assert_eq!(now.version, d.version + 1);
        assert_eq!(store.events(d.id).await.unwrap().len(), 2);
    }
    assert_eq!(store.count_dossiers().await.unwrap(), 26);
}

async fn futures_join<T>(tasks: Vec<tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::with_capacity(tasks.len());
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

/// Lists filter by agency (receiving, competent or current), status, overdue and procedure, and
/// order by due date.
pub async fn list_filters_and_orders_by_due_date(store: Arc<dyn Store>) {
    seeded(&store).await;
    let (a1, e1) = sample_dossier(
        "24958-250303-0001",
        "24958.TTPVHCC",
        datetime!(2025-03-03 09:00 +7),
    ); // due Thu 6th 09:00
    let (a2, e2) = sample_dossier(
        "24958-250303-0002",
        "24958.TTPVHCC",
        datetime!(2025-03-03 08:00 +7),
    ); // due Thu 6th 08:00
    let (b1, f1) = sample_dossier(
        "24781-250310-0001",
        "24781.TTPVHCC",
        datetime!(2025-03-10 09:00 +7),
    );
    for (d, e) in [(&a1, &e1), (&a2, &e2), (&b1, &f1)] {
        store.insert_dossier(d, e, None, &[]).await.unwrap();
    }
    let a1t = act(
        &store,
        &a1,
        Command::Transfer {
            to_agency: a("68.STP"),
            note: None,
            consultation: true,
        },
        datetime!(2025-03-04 09:00 +7),
    )
    .await;
    let codes = |v: Vec<DossierListing>| {
        v.into_iter()
            .map(|d| d.code.to_string())
            .collect::<Vec<_>>()
    };
    let base = DossierFilter {
        limit: 50,
        ..Default::default()
    };
    let f = DossierFilter {
        agency: Some(a("24958.TTPVHCC")),
        ..base.clone()
    };
    assert_eq!(
        codes(store.list_dossiers(&f).await.unwrap()),
        ["24958-250303-0002", "24958-250303-0001"]
    );
    let f = DossierFilter {
        agency: Some(a("68.STP")),
        ..base.clone()
    };
    // A listing is the stored dossier's own fields, as it is now.
    assert_eq!(
        store.list_dossiers(&f).await.unwrap(),
        [DossierListing::from(&a1t)]
    );
    let f = DossierFilter {
        status: StatusFilter::Is(Status::Processing),
        ..base.clone()
    };
    assert_eq!(
        codes(store.list_dossiers(&f).await.unwrap()),
        ["24958-250303-0001"]
    );
    let f = DossierFilter {
        due_before: Some(datetime!(2025-03-07 00:00 +7)),
        ..base.clone()
    };
    assert_eq!(store.list_dossiers(&f).await.unwrap().len(), 2);
    // A window of due dates (the escalation job's): none before, all after.
    let all_due: Vec<_> = store
        .list_dossiers(&base)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|d| d.due_at)
        .collect();
    let earliest = *all_due.iter().min().unwrap();
    let f = DossierFilter {
        due_after: Some(earliest + time::Duration::seconds(1)),
        ..base.clone()
    };
    let later = store.list_dossiers(&f).await.unwrap();
    assert_eq!(
        later.len(),
        all_due.len() - all_due.iter().filter(|t| **t == earliest).count()
    );
    assert!(later.iter().all(|d| d.due_at.unwrap() > earliest));
    let f = DossierFilter {
        procedure: Some(ProcedureCode::parse("1.001193").unwrap()),
        ..base.clone()
    };
    assert!(store.list_dossiers(&f).await.unwrap().is_empty());
    let f = DossierFilter {
        province: Some(p("01")),
        ..base.clone()
    };
    assert!(store.list_dossiers(&f).await.unwrap().is_empty());
    let f = DossierFilter {
        province: Some(p("68")),
        ..base.clone()
    };
    assert_eq!(store.list_dossiers(&f).await.unwrap().len(), 3);
    let f = DossierFilter {
        limit: 1,
        offset: 1,
        ..base.clone()
    };
    assert_eq!(
        codes(store.list_dossiers(&f).await.unwrap()),
        ["24958-250303-0001"]
    );
    // An agency's pages: a dossier it both receives and holds comes once, pages do not overlap,
    // and the other filters apply to every role.
    for (offset, want) in [
        (0, vec!["24958-250303-0002"]),
        (1, vec!["24958-250303-0001"]),
        (2, vec![]),
    ] {
        let f = DossierFilter {
            agency: Some(a("24958.TTPVHCC")),
            limit: 1,
            offset,
            ..base.clone()
        };
        assert_eq!(
            codes(store.list_dossiers(&f).await.unwrap()),
            want,
            "offset {offset}"
        );
    }
    let f = DossierFilter {
        agency: Some(a("24958.TTPVHCC")),
        status: StatusFilter::Is(Status::Processing),
        ..base.clone()
    };
    assert_eq!(
        codes(store.list_dossiers(&f).await.unwrap()),
        ["24958-250303-0001"]
    );
}

/// The open list (the staff inbox's default) keeps every status but the closed ones, merged in
/// due-date order across statuses and roles; every status, or one closed status, finds the
/// closed; a status whose clock is stopped is never overdue.
pub async fn open_lists_leave_closed_dossiers_out(store: Arc<dyn Store>) {
    seeded(&store).await;
    let agency = "24958.TTPVHCC";
    // Received on the 3rd at 09:00 and 08:00 and on the 4th: due the 6th 09:00, the 6th 08:00,
    // the 7th.
    let (r1, e1) = sample_dossier("24958-250303-0001", agency, datetime!(2025-03-03 09:00 +7));
    let (r2, e2) = sample_dossier("24958-250303-0002", agency, datetime!(2025-03-03 08:00 +7));
    let (r3, e3) = sample_dossier("24958-250304-0001", agency, datetime!(2025-03-04 09:00 +7));
    for (d, e) in [(&r1, &e1), (&r2, &e2), (&r3, &e3)] {
        store.insert_dossier(d, e, None, &[]).await.unwrap();
    }
    // The first moves on to processing (another status, still open); the second is withdrawn.
    let p1 = act(
        &store,
        &r1,
        Command::Transfer {
            to_agency: a("68.STP"),
            note: None,
            consultation: true,
        },
        datetime!(2025-03-04 09:00 +7),
    )
    .await;
    let w2 = act(
        &store,
        &r2,
        Command::Withdraw { reason: None },
        datetime!(2025-03-04 10:00 +7),
    )
    .await;
    assert!(w2.status.is_closed() && !p1.status.is_closed());
    let list = |status: StatusFilter, due_before: Option<time::OffsetDateTime>| {
        let store = store.clone();
        async move {
            let f = DossierFilter {
                agency: Some(a(agency)),
                status,
                due_before,
                limit: 50,
                ..Default::default()
            };
            let by_agency = store.list_dossiers(&f).await.unwrap();
            // The same without the agency (the province's or the country's list) agrees.
            let everywhere = store
                .list_dossiers(&DossierFilter { agency: None, ..f })
                .await
                .unwrap();
            assert_eq!(by_agency, everywhere, "{status:?}");
            by_agency
                .into_iter()
                .map(|d| d.code.to_string())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        list(StatusFilter::Open, None).await,
        ["24958-250303-0001", "24958-250304-0001"]
    );
    assert_eq!(
        list(StatusFilter::Any, None).await,
        [
            "24958-250303-0002",
            "24958-250303-0001",
            "24958-250304-0001"
        ]
    );
    assert_eq!(
        list(StatusFilter::Is(Status::Withdrawn), None).await,
        ["24958-250303-0002"]
    );
    let later = Some(datetime!(2025-03-20 00:00 +7));
    assert_eq!(
        list(StatusFilter::Open, later).await,
        ["24958-250303-0001", "24958-250304-0001"]
    );
    assert!(
        list(StatusFilter::Is(Status::Withdrawn), later)
            .await
            .is_empty()
    );
}

/// The escalation sweep's pages: one province's open dossiers, due in a range (by due date, then
/// code, ties across a page boundary neither lost nor repeated) or in one status (by code);
/// closed dossiers and other provinces never appear.
pub async fn watch_pages_walk_a_province_by_keyset(store: Arc<dyn Store>) {
    seeded(&store).await;
    let mut open = Vec::new();
    // Five due Thursday 09:00 (a tie of five), two due Thursday 08:00, one due the next week.
    for (n, at) in [
        (1, datetime!(2025-03-03 09:00 +7)),
        (2, datetime!(2025-03-03 09:00 +7)),
        (3, datetime!(2025-03-03 09:00 +7)),
        (4, datetime!(2025-03-03 09:00 +7)),
        (5, datetime!(2025-03-03 09:00 +7)),
        (6, datetime!(2025-03-03 08:00 +7)),
        (7, datetime!(2025-03-03 08:00 +7)),
        (8, datetime!(2025-03-10 09:00 +7)),
    ] {
        let (d, e) = sample_dossier(&format!("24958-250303-000{n}"), "24958.TTPVHCC", at);
        store.insert_dossier(&d, &e, None, &[]).await.unwrap();
        open.push(d);
    }
    // In processing (still open); finished (closed); another province's.
    act(
        &store,
        &open[5],
        Command::Transfer {
            to_agency: a("24958.UBND"),
            note: None,
            consultation: false,
        },
        datetime!(2025-03-03 10:00 +7),
    )
    .await;
    act(
        &store,
        &open[6],
        Command::Finish {
            result: motcua_domain::dossier::DossierResult {
                summary: "ok".into(),
                document_number: None,
            },
        },
        datetime!(2025-03-03 10:00 +7),
    )
    .await;
    let (other, e) = sample_dossier(
        "00004-250303-0001",
        "24958.TTPVHCC",
        datetime!(2025-03-03 09:00 +7),
    );
    let other = Dossier {
        province_code: p("01"),
        ..other
    };
    store.insert_dossier(&other, &e, None, &[]).await.unwrap();

    // Every page of `scope` in the province, `limit` at a time.
    let walk = |province: &'static str, scope: WatchScope, limit: u32| {
        let store = store.clone();
        async move {
            let mut after: Option<WatchCursor> = None;
            let mut seen = Vec::new();
            loop {
                let page = store
                    .watch_page(&WatchPage {
                        province: p(province),
                        scope,
                        after: after.take(),
                        limit,
                    })
                    .await
                    .unwrap();
                assert!(page.len() <= limit as usize);
                after = page.last().map(WatchCursor::after);
                let more = page.len() == limit as usize;
                seen.extend(page.into_iter().map(|d| d.code.to_string()));
                if !more {
                    return seen;
                }
            }
        }
    };
    let week = WatchScope::DueBetween {
        from: datetime!(2025-03-06 00:00 +7),
        to: datetime!(2025-03-07 00:00 +7),
    };
    let want = [
        "24958-250303-0006",
        "24958-250303-0001",
        "24958-250303-0002",
        "24958-250303-0003",
        "24958-250303-0004",
        "24958-250303-0005",
    ];
    for limit in [1, 2, 3, 4, 50] {
        assert_eq!(walk("68", week, limit).await, want, "pages of {limit}");
    }
    // The range's end is excluded, its start included.
    let thursday_8 = WatchScope::DueBetween {
        from: datetime!(2025-03-06 08:00 +7),
        to: datetime!(2025-03-06 09:00 +7),
    };
    assert_eq!(walk("68", thursday_8, 2).await, ["24958-250303-0006"]);
    assert_eq!(
        walk("01", week, 2).await,
        ["00004-250303-0001"],
        "only its own province"
    );
    assert_eq!(
        walk("68", WatchScope::InStatus(Status::Received), 3).await,
        [
            "24958-250303-0001",
            "24958-250303-0002",
            "24958-250303-0003",
            "24958-250303-0004",
            "24958-250303-0005",
            "24958-250303-0008",
        ]
    );
    assert_eq!(
        walk("68", WatchScope::InStatus(Status::Processing), 3).await,
        ["24958-250303-0006"]
    );
    assert!(
        walk("68", WatchScope::InStatus(Status::Finished), 3)
            .await
            .contains(&"24958-250303-0007".to_owned()),
        "a status page reads the status it is given"
    );
}

/// Many dossiers by code in one call: each one found once, unknown codes left out.
pub async fn dossiers_are_read_by_codes(store: Arc<dyn Store>) {
    seeded(&store).await;
    let mut written = Vec::new();
    for n in 1..=5 {
        let (d, e) = sample_dossier(
            &format!("24958-250303-000{n}"),
            "24958.TTPVHCC",
            datetime!(2025-03-03 09:00 +7),
        );
        store.insert_dossier(&d, &e, None, &[]).await.unwrap();
        written.push(d);
    }
    assert!(store.dossiers(&[]).await.unwrap().is_empty());
    let ask = [
        written[3].code.clone(),
        DossierCode::parse("24958-250303-0999").unwrap(),
        written[0].code.clone(),
        written[0].code.clone(),
        written[4].code.clone(),
    ];
    let mut got = store.dossiers(&ask).await.unwrap();
    got.sort_by(|a, b| a.code.as_str().cmp(b.code.as_str()));
    assert_eq!(
        got,
        vec![written[0].clone(), written[3].clone(), written[4].clone()]
    );
    // After a transition the read gives the new version.
    let moved = assign(&store, &written[0], "A", datetime!(2025-03-03 10:00 +7)).await;
    let got = store.dossiers(&[written[0].code.clone()]).await.unwrap();
    assert_eq!(got, vec![moved]);
}

/// Events come back in order, alone or with their dossier in one read; chain heads match the
/// dossier rows.
pub async fn events_and_chain_heads(store: Arc<dyn Store>) {
    seeded(&store).await;
    let (d, ev) = sample_dossier(
        "24958-250124-0001",
        "24958.TTPVHCC",
        datetime!(2025-01-24 09:00 +7),
    );
    store.insert_dossier(&d, &ev, None, &[]).await.unwrap();
    let (d2, ev2) = apply(
        &d,
        Command::Assign {
            handler: "A".into(),
        },
        datetime!(2025-01-24 10:00 +7),
    );
    store.append_transition(&d, &d2, &ev2, &[]).await.unwrap();
    let evs = store.events(d.id).await.unwrap();
    assert_eq!(evs, vec![ev.clone(), ev2.clone()]);
    let heads = store.chain_heads().await.unwrap();
    assert_eq!(heads.len(), 1);
    assert_eq!(heads[0].version, 2);
    assert_eq!(heads[0].last_event_hash, ev2.hash);

    // The dossier with its events in one read: this dossier's only, in order, the new version.
    let (other, other_ev) = sample_dossier(
        "24958-250124-0002",
        "24958.TTPVHCC",
        datetime!(2025-01-24 09:30 +7),
    );
    store
        .insert_dossier(&other, &other_ev, None, &[])
        .await
        .unwrap();
    assert_eq!(
        store.dossier_with_events(&d.code).await.unwrap(),
        Some((d2, vec![ev, ev2]))
    );
    assert_eq!(
        store.dossier_with_events(&other.code).await.unwrap(),
        Some((other, vec![other_ev]))
    );
    let unknown = DossierCode::parse("24958-250124-0999").unwrap();
    assert_eq!(store.dossier_with_events(&unknown).await.unwrap(), None);
}

/// A bulk load stores every dossier with its events exactly as given, raises code sequences
/// (never lowers them), and on a duplicate key writes nothing at all.
pub async fn bulk_load_writes_whole_histories_or_nothing(store: Arc<dyn Store>) {
    use motcua_app::ports::BulkBatch;
    seeded(&store).await;
    let mut dossiers = Vec::new();
    for i in 1..=3 {
        let (d, ev) = sample_dossier(
            &format!("24958-250124-{i:04}"),
            "24958.TTPVHCC",
            datetime!(2025-01-24 09:00 +7),
        );
        let (d2, ev2) = apply(
            &d,
            Command::Assign {
                // Text that needs quoting in any bulk format.
                handler: r#"Lê "Văn", A,B \N"#.into(),
            },
            datetime!(2025-01-24 10:00 +7),
        );
        dossiers.push((d2, vec![ev, ev2]));
    }
    let prefix = "24958-250124".to_string();
    store.next_code_sequence(&p("68"), &prefix).await.unwrap();
    let batch = BulkBatch {
        dossiers: dossiers.clone(),
        sequences: vec![(p("68"), prefix.clone(), 3)],
    };
    store.bulk_load(&batch).await.unwrap();
    for (d, evs) in &dossiers {
        assert_eq!(store.dossier(&d.code).await.unwrap().as_ref(), Some(d));
        assert_eq!(&store.events(d.id).await.unwrap(), evs);
    }
    assert_eq!(store.count_dossiers().await.unwrap(), 3);
    // The sequence was raised to 3: the next intake gets 4.
    assert_eq!(
        store.next_code_sequence(&p("68"), &prefix).await.unwrap(),
        4
    );
    // A lower number never lowers it.
    let lower = BulkBatch {
        dossiers: vec![],
        sequences: vec![(p("68"), prefix.clone(), 1)],
    };
    store.bulk_load(&lower).await.unwrap();
    assert_eq!(
        store.next_code_sequence(&p("68"), &prefix).await.unwrap(),
        5
    );
    // One duplicate in a batch: nothing of the batch is written.
    let (fresh, fresh_ev) = sample_dossier(
        "24958-250124-0009",
        "24958.TTPVHCC",
        datetime!(2025-01-24 11:00 +7),
    );
    let bad = BulkBatch {
        dossiers: vec![(fresh.clone(), vec![fresh_ev]), dossiers[0].clone()],
        sequences: vec![],
    };
    assert!(store.bulk_load(&bad).await.is_err());
    assert_eq!(store.dossier(&fresh.code).await.unwrap(), None);
    assert_eq!(store.count_dossiers().await.unwrap(), 3);
}

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

/// Abandoned drafts go, with their files and the bytes no other file shares (issue #29); a
/// fresh draft and a submitted dossier's files stay.
pub async fn stale_drafts_are_purged_with_their_files(store: Arc<dyn Store>) {
    seeded(&store).await;
    let old = datetime!(2025-03-01 08:00 UTC);
    let fresh = datetime!(2025-03-03 08:00 UTC);
    let draft = |at| DraftRecord {
        id: uuid::Uuid::new_v4(),
        province_code: p("00"),
        procedure: ProcedureCode::parse("2.000815").unwrap(),
        data: serde_json::json!({}),
        created_at: at,
        updated_at: at,
    };
    let (stale, kept) = (draft(old), draft(fresh));
    store.save_draft(&stale).await.unwrap();
    store.save_draft(&kept).await.unwrap();
    let file = |draft: uuid::Uuid, sha: &str| Attachment {
        id: uuid::Uuid::now_v7(),
        province_code: p("00"),
        draft_id: Some(draft),
        dossier_id: None,
        component_code: "BC".into(),
        file_name: "a.pdf".into(),
        content_type: "application/pdf".into(),
        size: 8,
        sha256: sha.into(),
        created_at: old,
    };
    // "only" is the stale draft's alone; "shared" is also the fresh draft's.
    store
        .add_attachment(&file(stale.id, "only"), b"%PDF-1.1")
        .await
        .unwrap();
    store
        .add_attachment(&file(stale.id, "shared"), b"%PDF-1.2")
        .await
        .unwrap();
    store
        .add_attachment(&file(kept.id, "shared"), b"%PDF-1.2")
        .await
        .unwrap();
    let (drafts, files) = store
        .purge_drafts(datetime!(2025-03-02 00:00 UTC))
        .await
        .unwrap();
    assert_eq!((drafts, files), (1, 2));
    assert!(store.draft(stale.id).await.unwrap().is_none());
    assert!(store.draft_attachments(stale.id).await.unwrap().is_empty());
    assert!(store.attachment_bytes("only").await.unwrap().is_none());
    assert!(store.attachment_bytes("shared").await.unwrap().is_some());
    assert!(store.draft(kept.id).await.unwrap().is_some());
    assert_eq!(store.draft_attachments(kept.id).await.unwrap().len(), 1);
    // Nothing left to purge at that moment: nothing changes.
    assert_eq!(
        store
            .purge_drafts(datetime!(2025-03-02 00:00 UTC))
            .await
            .unwrap(),
        (0, 0)
    );
}

/// A draft keeps its answers; files go with it to the dossier, the draft goes away; bytes are
/// stored once per content.
pub async fn drafts_and_attachments_move_to_the_dossier(store: Arc<dyn Store>) {
    seeded(&store).await;
    let now = datetime!(2025-03-03 08:00 UTC);
    let draft = DraftRecord {
        id: uuid::Uuid::new_v4(),
        province_code: p("00"),
        procedure: ProcedureCode::parse("2.000815").unwrap(),
        data: serde_json::json!({"name": "Nguyễn Văn An"}),
        created_at: now,
        updated_at: now,
    };
    store.save_draft(&draft).await.unwrap();
    let changed = DraftRecord {
        province_code: p("68"),
        data: serde_json::json!({"name": "Lê Thị Hoa"}),
        ..draft.clone()
    };
    store.save_draft(&changed).await.unwrap();
    assert_eq!(store.draft(draft.id).await.unwrap(), Some(changed));
    let file = |code: &str, sha: &str| Attachment {
        id: uuid::Uuid::now_v7(),
        province_code: p("00"),
        draft_id: Some(draft.id),
        dossier_id: None,
        component_code: code.into(),
        file_name: "ban-chinh.pdf".into(),
        content_type: "application/pdf".into(),
        size: 8,
        sha256: sha.into(),
        created_at: now,
    };
    let a1 = file("BC", "aa");
    let a2 = file("BS", "aa");
    let a3 = file("BS", "bb");
    store.add_attachment(&a1, b"%PDF-1.4").await.unwrap();
    store.add_attachment(&a2, b"%PDF-1.4").await.unwrap();
    store.add_attachment(&a3, b"%PDF-1.5").await.unwrap();
    assert!(
        store
            .remove_draft_attachment(draft.id, a3.id)
            .await
            .unwrap()
    );
    assert!(
        !store
            .remove_draft_attachment(uuid::Uuid::new_v4(), a1.id)
            .await
            .unwrap()
    );
    assert_eq!(
        store.draft_attachments(draft.id).await.unwrap(),
        vec![a1.clone(), a2.clone()]
    );
    assert_eq!(
        store.attachment_bytes("aa").await.unwrap().as_deref(),
        Some(&b"%PDF-1.4"[..])
    );
    let (d, ev) = sample_dossier(
        "24958-250303-0001",
        "24958.TTPVHCC",
        datetime!(2025-03-03 09:00 +7),
    );
    store.insert_dossier(&d, &ev, None, &[]).await.unwrap();
    store.link_draft(draft.id, d.id, &p("68")).await.unwrap();
    assert!(store.draft(draft.id).await.unwrap().is_none());
    assert!(store.draft_attachments(draft.id).await.unwrap().is_empty());
    let linked = store.dossier_attachments(d.id).await.unwrap();
    assert_eq!(linked.len(), 2);
    assert!(
        linked
            .iter()
            .all(|a| a.dossier_id == Some(d.id) && a.province_code == p("68"))
    );
}

/// Dashboard counts: per status, per receiving agency, per day, on time/late, overdue now.
pub async fn stats_count_by_status_agency_and_day(store: Arc<dyn Store>) {
    seeded(&store).await;
    let (a1, e1) = sample_dossier(
        "24958-250303-0001",
        "24958.TTPVHCC",
        datetime!(2025-03-03 09:00 +7),
    );
    let (a2, e2) = sample_dossier(
        "24958-250304-0001",
        "24958.TTPVHCC",
        datetime!(2025-03-04 09:00 +7),
    );
    let (b1, f1) = sample_dossier(
        "24781-250304-0001",
        "24781.TTPVHCC",
        datetime!(2025-03-04 10:00 +7),
    );
    for (d, e) in [(&a1, &e1), (&a2, &e2), (&b1, &f1)] {
        store.insert_dossier(d, e, None, &[]).await.unwrap();
    }
    act(
        &store,
        &a1,
        Command::Finish {
            result: motcua_domain::dossier::DossierResult {
                summary: "ok".into(),
                document_number: None,
            },
        },
        datetime!(2025-03-04 10:00 +7),
    )
    .await;
    let now = datetime!(2025-03-20 09:00 +7);
    let since = datetime!(2025-03-01 00:00 +7);
    let all = store
        .dossier_stats(&p("68"), None, now, since)
        .await
        .unwrap();
    assert_eq!(
        all.by_status,
        vec![("finished".to_string(), 1), ("received".to_string(), 2)]
    );
    assert_eq!(
        all.per_day,
        vec![("2025-03-03".to_string(), 1), ("2025-03-04".to_string(), 2)]
    );
    assert_eq!((all.on_time, all.late, all.overdue), (1, 0, 2));
    assert_eq!(all.by_agency[0], ("24781.TTPVHCC".to_string(), 1, 0, 0, 1));
    assert_eq!(all.by_agency[1], ("24958.TTPVHCC".to_string(), 2, 1, 1, 1));
    let one = store
        .dossier_stats(&p("68"), Some(&a("24781.TTPVHCC")), now, since)
        .await
        .unwrap();
    assert_eq!(one.by_status, vec![("received".to_string(), 1)]);
    assert!(
        store
            .dossier_stats(&p("01"), None, now, since)
            .await
            .unwrap()
            .by_status
            .is_empty()
    );
}

fn sample_document(d: &Dossier, kind: &str, bytes: &[u8], at: OffsetDateTime) -> NewDocument {
    NewDocument {
        record: DocumentRecord {
            id: uuid::Uuid::now_v7(),
            province_code: d.province_code.clone(),
            dossier_id: d.id,
            dossier_code: d.code.clone(),
            kind: kind.into(),
            number: Some("01/GTN".into()),
            title: "Giấy tiếp nhận hồ sơ và hẹn trả kết quả".into(),
            file_name: format!("{}-{kind}.pdf", d.code),
            sha256: hex::encode(sha2::Sha256::digest(bytes)),
            size: bytes.len() as i64,
            signed_by: Some(d.receiving_agency.clone()),
            signer_name: Some("Trung tâm".into()),
            actor: "token:test".into(),
            event_seq: Some(d.version),
            created_at: at,
        },
        bytes: bytes.to_vec(),
    }
}

/// Documents are stored in the same transaction as the dossier or transition that issues them:
/// a conflicting transition stores none; they are listed in order, found by id and by hash, and
/// their bytes come back exactly; standalone documents (results, scans) are added alone.
pub async fn documents_are_written_with_their_transition_or_not_at_all(store: Arc<dyn Store>) {
    seeded(&store).await;
    let t0 = datetime!(2025-01-24 09:00 +7);
    let (d, ev) = sample_dossier("24958-250124-0009", "24958.TTPVHCC", t0);
    let receipt = sample_document(&d, "form01", b"%PDF-1.7 receipt", t0);
    store
        .insert_dossier(&d, &ev, None, &[Issued::Document(receipt.clone())])
        .await
        .unwrap();
    let (d2, ev2) = apply(
        &d,
        Command::Assign {
            handler: "A".into(),
        },
        t0 + time::Duration::hours(1),
    );
    let slip = sample_document(
        &d2,
        "form06",
        b"%PDF-1.7 slip",
        t0 + time::Duration::hours(1),
    );
    store
        .append_transition(&d, &d2, &ev2, &[Issued::Document(slip.clone())])
        .await
        .unwrap();
    // A stale transition with a document: nothing of it is written.
    let (d3, ev3) = apply(
        &d,
        Command::Assign {
            handler: "B".into(),
        },
        t0 + time::Duration::hours(2),
    );
    let lost = sample_document(
        &d3,
        "form02",
        b"%PDF-1.7 lost",
        t0 + time::Duration::hours(2),
    );
    assert!(matches!(
        store
            .append_transition(&d, &d3, &ev3, &[Issued::Document(lost.clone())])
            .await,
        Err(StoreError::Conflict)
    ));
    assert_eq!(store.document(lost.record.id).await.unwrap(), None);
    let scan = sample_document(&d2, "scan", b"%PDF-1.7 scan", t0 + time::Duration::hours(3));
    store.add_document(&scan).await.unwrap();

    let listed = store.dossier_documents(d.id).await.unwrap();
    assert_eq!(
        listed,
        vec![
            receipt.record.clone(),
            slip.record.clone(),
            scan.record.clone()
        ]
    );
    assert_eq!(
        store.document(slip.record.id).await.unwrap(),
        Some(slip.record.clone())
    );
    assert_eq!(
        store.document_bytes(receipt.record.id).await.unwrap(),
        Some(receipt.bytes.clone())
    );
    assert_eq!(
        store
            .documents_by_sha256(&scan.record.sha256)
            .await
            .unwrap(),
        vec![scan.record.clone()]
    );
    assert!(
        store
            .documents_by_sha256(&"0".repeat(64))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.document(uuid::Uuid::now_v7()).await.unwrap(), None);
    // The same id twice is refused (documents are immutable).
    assert!(store.add_document(&scan).await.is_err());
}

fn sample_job(d: &Dossier, kind: &str, seq: i64, at: OffsetDateTime) -> DocumentJob {
    DocumentJob {
        id: uuid::Uuid::now_v7(),
        province_code: d.province_code.clone(),
        dossier_id: d.id,
        dossier_code: d.code.clone(),
        kind: kind.into(),
        number: Some("01/GTN".into()),
        issuer: d.receiving_agency.clone(),
        actor: "token:test".into(),
        officer: Some("Cán bộ \"một cửa\"".into()),
        event_seq: seq,
        issued_at: at,
        dossier: serde_json::to_string(d).unwrap(),
    }
}

/// Deferred forms: a job is written with its transition (or not at all), listed oldest first
/// and per dossier, and finished once: the document stored and the job gone together; a second
/// finisher stores nothing.
pub async fn deferred_documents_are_finished_once(store: Arc<dyn Store>) {
    seeded(&store).await;
    let t0 = datetime!(2025-01-24 09:00 +7);
    let (d, ev) = sample_dossier("24958-250124-0011", "24958.TTPVHCC", t0);
    let receipt = sample_job(&d, "form01", 1, t0);
    store
        .insert_dossier(&d, &ev, None, &[Issued::Deferred(receipt.clone())])
        .await
        .unwrap();
    let t1 = t0 + time::Duration::hours(1);
    let (d2, ev2) = apply(
        &d,
        Command::Transfer {
            to_agency: a("24958.UBND"),
            note: None,
            consultation: false,
        },
        t1,
    );
    let slip = sample_job(&d2, "form06", 2, t1);
    store
        .append_transition(&d, &d2, &ev2, &[Issued::Deferred(slip.clone())])
        .await
        .unwrap();
    // A stale transition's job is not written.
    let (d3, ev3) = apply(
        &d,
        Command::Assign {
            handler: "B".into(),
        },
        t1,
    );
    let lost = sample_job(&d3, "form06", 2, t1);
    assert!(matches!(
        store
            .append_transition(&d, &d3, &ev3, &[Issued::Deferred(lost)])
            .await,
        Err(StoreError::Conflict)
    ));
    assert_eq!(
        store.document_jobs(10).await.unwrap(),
        vec![receipt.clone(), slip.clone()]
    );
    assert_eq!(store.document_jobs(1).await.unwrap(), vec![receipt.clone()]);
    assert_eq!(
        store.dossier_document_jobs(d.id).await.unwrap(),
        vec![receipt.clone(), slip.clone()]
    );
    // Finishing the receipt stores it under the job's id and removes the job.
    let mut doc = sample_document(&d, "form01", b"%PDF-1.7 receipt", t0);
    doc.record.id = receipt.id;
    assert!(store.complete_document_job(&doc).await.unwrap());
    assert_eq!(
        store.document(receipt.id).await.unwrap(),
        Some(doc.record.clone())
    );
    assert_eq!(store.document_jobs(10).await.unwrap(), vec![slip.clone()]);
    // A second finisher of the same job writes nothing.
    let mut again = sample_document(&d, "form01", b"%PDF-1.7 other bytes", t0);
    again.record.id = receipt.id;
    assert!(!store.complete_document_job(&again).await.unwrap());
    assert_eq!(
        store.document_bytes(receipt.id).await.unwrap(),
        Some(doc.bytes.clone())
    );
    // Concurrent finishers of one job: exactly one stores it.
    let mut tasks = Vec::new();
    for i in 0..4u8 {
        let store = store.clone();
        let mut doc = sample_document(&d2, "form06", &[b'%', b'P', b'D', b'F', i], t1);
        doc.record.id = slip.id;
        tasks.push(tokio::spawn(async move {
            store.complete_document_job(&doc).await.unwrap()
        }));
    }
    let mut won = 0;
    for t in tasks {
        won += usize::from(t.await.unwrap());
    }
    assert_eq!(won, 1);
    assert!(store.document_jobs(10).await.unwrap().is_empty());
    assert_eq!(store.dossier_documents(d.id).await.unwrap().len(), 2);

    // A refused intake (its code is taken) writes no job either.
    let (dup, dup_ev) = sample_dossier("24958-250124-0011", "24958.TTPVHCC", t1);
    let dup_job = sample_job(&dup, "form01", 1, t1);
    assert!(matches!(
        store
            .insert_dossier(&dup, &dup_ev, None, &[Issued::Deferred(dup_job)])
            .await,
        Err(StoreError::Duplicate(_))
    ));
    assert!(store.document_jobs(10).await.unwrap().is_empty());
    // Several jobs in one write, absent fields included, come back as written.
    let (e, e_ev) = sample_dossier("24958-250124-0012", "24958.TTPVHCC", t1);
    let first = sample_job(&e, "form01", 1, t1);
    let second = DocumentJob {
        number: None,
        officer: None,
        ..sample_job(&e, "form06", 1, t1)
    };
    store
        .insert_dossier(
            &e,
            &e_ev,
            None,
            &[
                Issued::Deferred(first.clone()),
                Issued::Deferred(second.clone()),
            ],
        )
        .await
        .unwrap();
    assert_eq!(
        store.dossier_document_jobs(e.id).await.unwrap(),
        vec![first, second]
    );
}

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

/// The monthly counters follow every write (intake, transition, bulk load) in the same
/// transaction, read back by unit and period, and a rebuild from the dossiers gives the same rows
/// (issue #7, live KPIs).
pub async fn kpi_counters_follow_every_write(store: Arc<dyn Store>) {
    use motcua_app::ports::{BulkBatch, KpiQuery};
    use motcua_domain::kpi::Measure;
    seeded(&store).await;
    let (a1, e1) = sample_dossier(
        "24958-250303-0001",
        "24958.TTPVHCC",
        datetime!(2025-03-03 09:00 +7),
    );
    let (a2, e2) = sample_dossier(
        "24958-250304-0001",
        "24958.TTPVHCC",
        datetime!(2025-03-04 09:00 +7),
    );
    let (b1, f1) = sample_dossier(
        "24781-250401-0001",
        "24781.TTPVHCC",
        datetime!(2025-04-01 09:00 +7),
    );
    for (d, e) in [(&a1, &e1), (&a2, &e2), (&b1, &f1)] {
        store.insert_dossier(d, e, None, &[]).await.unwrap();
    }
    let (a1f, mut a1e) = apply(
        &a1,
        Command::Finish {
            result: motcua_domain::dossier::DossierResult {
                summary: "ok".into(),
                document_number: None,
            },
        },
        datetime!(2025-03-04 10:00 +7),
    );
    a1e.actor = "token:0192e0a0-0000-7000-8000-000000000001".into();
    store.append_transition(&a1, &a1f, &a1e, &[]).await.unwrap();
    // A conflicting write changes no counter.
    assert!(store.append_transition(&a1, &a1f, &a1e, &[]).await.is_err());
    let q = |agencies: Option<Vec<AgencyCode>>, from: &str, to: &str| KpiQuery {
        province: p("68"),
        agencies,
        from_month: from.into(),
        to_month: to.into(),
    };
    let march = store
        .kpi_rows(&q(None, "2025-03", "2025-03"))
        .await
        .unwrap();
    assert_eq!(march.len(), 1, "{march:?}");
    let r = &march[0];
    assert_eq!(
        (r.agency.as_str(), r.month.as_str(), r.procedure.as_str()),
        ("24958.UBND", "2025-03", "2.000815")
    );
    let c = &r.counts;
    assert_eq!(
        [
            c.get(Measure::Filed),
            c.get(Measure::Received),
            c.get(Measure::Finished),
            c.get(Measure::Open),
            c.get(Measure::ChannelDirect),
            c.get(Measure::TimedCount),
        ],
        [2, 2, 1, 1, 2, 1]
    );
    assert_eq!(c.get(Measure::Early) + c.get(Measure::OnTime), 1);
    let only_b = store
        .kpi_rows(&q(Some(vec![a("24781.UBND")]), "2025-01", "2025-12"))
        .await
        .unwrap();
    assert_eq!(only_b.len(), 1);
    assert_eq!(only_b[0].month, "2025-04");
    assert!(
        store
            .kpi_rows(&q(Some(vec![]), "2025-01", "2025-12"))
            .await
            .unwrap()
            .is_empty(),
        "no agency, no rows"
    );
    // Sums by agency, procedure and month, in the database, equal the rows' sums.
    use motcua_app::ports::KpiGroup;
    let all = store
        .kpi_rows(&q(None, "2025-01", "2025-12"))
        .await
        .unwrap();
    for by in [KpiGroup::Agency, KpiGroup::Procedure, KpiGroup::Month] {
        let got = store
            .kpi_grouped(&q(None, "2025-01", "2025-12"), by)
            .await
            .unwrap();
        let mut want: std::collections::BTreeMap<String, motcua_domain::kpi::Counts> =
            Default::default();
        for r in &all {
            let k = match by {
                KpiGroup::Agency => r.agency.to_string(),
                KpiGroup::Procedure => r.procedure.to_string(),
                KpiGroup::Month => r.month.clone(),
            };
            want.entry(k).or_default().add(&r.counts);
        }
        assert_eq!(got, want.into_iter().collect::<Vec<_>>(), "{by:?}");
    }
    // Popularity: dossiers filed per procedure, every province, from a month on.
    assert_eq!(
        store.procedure_popularity("2025-01").await.unwrap(),
        vec![("2.000815".to_string(), 3)]
    );
    assert_eq!(
        store.procedure_popularity("2025-04").await.unwrap(),
        vec![("2.000815".to_string(), 1)]
    );
    assert!(
        store
            .procedure_popularity("2026-01")
            .await
            .unwrap()
            .is_empty()
    );
    let months = store
        .kpi_grouped(
            &q(Some(vec![a("24958.UBND")]), "2025-01", "2025-12"),
            KpiGroup::Month,
        )
        .await
        .unwrap();
    assert_eq!(months.len(), 1, "only March for 24958.UBND");
    // The three at once (grouping sets on PostgreSQL) are the same sums.
    let three = store
        .kpi_breakdown(&q(None, "2025-01", "2025-12"))
        .await
        .unwrap();
    for (got, by) in three
        .iter()
        .zip([KpiGroup::Agency, KpiGroup::Procedure, KpiGroup::Month])
    {
        let want = store
            .kpi_grouped(&q(None, "2025-01", "2025-12"), by)
            .await
            .unwrap();
        assert_eq!(got, &want, "{by:?}");
    }
    // An agency's open dossiers by handler (a2 open, not assigned; a1 finished).
    let load = store.handler_load(&a("24958.TTPVHCC")).await.unwrap();
    assert_eq!(load, vec![(None, 1)]);
    // One counter summed over every month: the backlog (a2 and b1 open).
    assert_eq!(
        store
            .kpi_sum(&q(None, "0000-00", "9999-99"), Measure::Open)
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        store
            .kpi_sum(
                &q(Some(vec![a("24781.UBND")]), "2025-03", "2025-03"),
                Measure::Open
            )
            .await
            .unwrap(),
        0
    );
    // Only staff actions count for officers (the sample intakes are by "test").
    let officers = store
        .officer_rows(&p("68"), Some(&a("24958.TTPVHCC")), "2025-03", "2025-03")
        .await
        .unwrap();
    assert_eq!(officers.len(), 1, "{officers:?}");
    assert_eq!(officers[0].procedure.as_str(), "2.000815");
    assert_eq!(officers[0].counts.0, [1, 1, 0, 0, 0]);
    let whole = store
        .officer_rows(&p("68"), None, "2025-01", "2025-12")
        .await
        .unwrap();
    assert_eq!(whole, officers);
    // Overdue now: a2 is open past its due date on 20 March; a1 is finished.
    let overdue = store
        .overdue_counts(
            &p("68"),
            datetime!(2025-03-01 00:00 +7),
            datetime!(2025-04-01 00:00 +7),
            datetime!(2025-03-20 09:00 +7),
        )
        .await
        .unwrap();
    assert_eq!(overdue, vec![(a("24958.UBND"), pc("2.000815"), 1)]);
    // A rebuild from the dossiers gives the same counters.
    let before = store
        .kpi_rows(&q(None, "2000-01", "2100-12"))
        .await
        .unwrap();
    let n = store.rebuild_kpis(&p("68")).await.unwrap();
    assert_eq!(n, 2);
    assert_eq!(
        store
            .officer_rows(&p("68"), None, "2025-01", "2025-12")
            .await
            .unwrap(),
        officers,
        "the officers' counters are rebuilt from the events"
    );
    let mut after = store
        .kpi_rows(&q(None, "2000-01", "2100-12"))
        .await
        .unwrap();
    let mut sorted = before.clone();
    sorted.sort_by(|x, y| (&x.agency, &x.month).cmp(&(&y.agency, &y.month)));
    after.sort_by(|x, y| (&x.agency, &x.month).cmp(&(&y.agency, &y.month)));
    assert_eq!(after, sorted);
    // A bulk load adds its dossiers' counters.
    let (c1, g1) = sample_dossier(
        "24958-250305-0001",
        "24958.TTPVHCC",
        datetime!(2025-03-05 09:00 +7),
    );
    store
        .bulk_load(&BulkBatch {
            dossiers: vec![(c1, vec![g1])],
            sequences: vec![],
        })
        .await
        .unwrap();
    let march = store
        .kpi_rows(&q(None, "2025-03", "2025-03"))
        .await
        .unwrap();
    assert_eq!(march[0].counts.get(Measure::Filed), 3);
}

/// Escalation notices are kept once per key and read by agency and role, newest first.
pub async fn notices_are_kept_once_by_key(store: Arc<dyn Store>) {
    use motcua_app::ports::Notice;
    use motcua_domain::escalation::RuleAction;
    seeded(&store).await;
    let n = |key: &str, role: Vec<Role>, action, at| Notice {
        key: key.into(),
        province_code: p("68"),
        dossier_code: DossierCode::parse("24958-250303-0001").unwrap(),
        rule_id: key.split(':').next().unwrap().into(),
        action,
        agency: a("24958.UBND"),
        roles: role,
        message: "Hồ sơ đã quá hạn".into(),
        created_at: at,
    };
    let batch = vec![
        n(
            "overdue:x:1",
            vec![Role::Specialist, Role::Leader],
            RuleAction::Notify,
            datetime!(2025-03-06 09:01 +7),
        ),
        n(
            "to-leader:x:1",
            vec![Role::Leader],
            RuleAction::EscalateToLeader,
            datetime!(2025-03-07 09:00 +7),
        ),
    ];
    assert_eq!(store.insert_notices(&batch).await.unwrap(), 2);
    // Again, concurrently: nothing new.
    let (x, y) = tokio::join!(store.insert_notices(&batch), store.insert_notices(&batch));
    assert_eq!(x.unwrap() + y.unwrap(), 0);
    let leader = store
        .notices_for(&a("24958.UBND"), Role::Leader, 10)
        .await
        .unwrap();
    assert_eq!(
        leader.iter().map(|n| n.key.as_str()).collect::<Vec<_>>(),
        vec!["to-leader:x:1", "overdue:x:1"]
    );
    assert_eq!(leader[0], batch[1]);
    let specialist = store
        .notices_for(&a("24958.UBND"), Role::Specialist, 10)
        .await
        .unwrap();
    assert_eq!(specialist, vec![batch[0].clone()]);
    assert!(
        store
            .notices_for(&a("24958.UBND"), Role::CounterOfficer, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .notices_for(&a("24781.UBND"), Role::Leader, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store
            .notices_for(&a("24958.UBND"), Role::Leader, 1)
            .await
            .unwrap()
            .len(),
        1
    );
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
