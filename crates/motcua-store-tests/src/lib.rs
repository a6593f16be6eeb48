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

// One file per role of the port (motcua_app::ports), as the stores are split.
mod authority;
mod documents;
mod dossiers;
mod exchange;
mod identity;
mod linked;
mod monitoring;
mod reference;
pub use authority::*;
pub use documents::*;
pub use dossiers::*;
pub use exchange::*;
pub use identity::*;
pub use linked::*;
pub use monitoring::*;
pub use reference::*;

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
            list_filters_and_orders_by_due_date, open_lists_leave_closed_dossiers_out, the_desk_searches_filters_and_counts_in_its_scope, watch_pages_walk_a_province_by_keyset, dossiers_are_read_by_codes,
            events_and_chain_heads, tokens_by_secret_hash, stale_drafts_are_purged_with_their_files, drafts_and_attachments_move_to_the_dossier, stats_count_by_status_agency_and_day,
            documents_are_written_with_their_transition_or_not_at_all,
            deferred_documents_are_finished_once, authority_rules_by_province,
            linked_applications_are_kept_once, kpi_counters_follow_every_write, notices_are_kept_once_by_key,
            accounts_sessions_and_the_security_log, citizens_find_their_dossiers_and_keep_sessions,
            bulk_load_writes_whole_histories_or_nothing,
            every_write_queues_its_event_and_a_refused_write_none, the_outbox_is_claimed_in_each_dossiers_order,
            a_dead_letter_holds_its_dossier_back, concurrent_claims_never_share_a_message, the_exchange_log_is_one_chain);
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
        contact: None,
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
            declaration: None,
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
        declaration: None,
        result_delivery: None,
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

/// An officer's account for an assignment (the id derived from the name, so one name is one
/// account across a test).
pub fn officer(name: &str) -> motcua_domain::dossier::Assignee {
    let mut h: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    for b in name.bytes() {
        h = (h ^ u128::from(b)).wrapping_mul(0x0000_0000_0100_0000_0000_0000_0000_013b);
    }
    motcua_domain::dossier::Assignee {
        user: uuid::Uuid::from_u128(h),
        name: name.to_owned(),
    }
}

/// Assigns `d` to `handler` at `at` (a transition that changes nothing but the data).
async fn assign(store: &Arc<dyn Store>, d: &Dossier, handler: &str, at: OffsetDateTime) -> Dossier {
    act(
        store,
        d,
        Command::Assign {
            handler: crate::officer(handler),
        },
        at,
    )
    .await
}
