//! `motcua demo`: a database with the real units and catalogue, the demo agencies of Lâm Đồng,
//! and a few hundred dossiers in every state over recent weeks, generated through the real use
//! cases (so every event is hash-chained and every due date computed as in production).
//!
//! The applicants are generated (common Vietnamese names, structurally valid CCCD numbers,
//! made-up phone numbers) and the demo says so; no real person's data is used.

use crate::scenario::{self, Filing, POPULAR, Roles};
use anyhow::{Result, anyhow};
use motcua_app::dossiers::OpenDossier;
use motcua_app::{Actor, App, AppError, FixedClock, StaffActor};
use motcua_domain::access::Role;
use motcua_domain::catalogue::Channel;
use motcua_domain::ids::{AgencyCode, ProcedureCode};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::sync::Arc;
use time::{Duration, OffsetDateTime};

/// A demo account, printed at start.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    /// Agency.
    pub agency: String,
    /// Role.
    pub role: Role,
    /// Login name.
    pub username: String,
}

/// The demo's accounts: one per agency and role below, user name `<role>.<agency>` in lower
/// case (e.g. `counter_officer.24958.ttpvhcc`).
const DEMO_STAFF: [(&str, Role); 25] = [
    ("24958.TTPVHCC", Role::CounterOfficer),
    ("24781.TTPVHCC", Role::CounterOfficer),
    ("68.TTPVHCC", Role::CounterOfficer),
    ("24958.UBND", Role::Specialist),
    // A colleague: dossiers are assigned from one specialist to another.
    ("24958.UBND", Role::Specialist),
    ("24958.UBND", Role::Approver),
    ("24781.UBND", Role::Specialist),
    ("24781.UBND", Role::Approver),
    ("24958.CA", Role::Specialist),
    ("24958.CA", Role::Approver),
    ("24781.CA", Role::Specialist),
    ("24781.CA", Role::Approver),
    ("68.CA", Role::Specialist),
    ("68.CA", Role::Approver),
    ("68.STP", Role::Specialist),
    ("68.STP", Role::Approver),
    ("68.SNV", Role::Specialist),
    ("68.SNV", Role::Approver),
    ("68.BHXH", Role::Specialist),
    ("68.BHXH", Role::Approver),
    ("68.UBND", Role::Admin),
    ("68.UBND", Role::ProvinceAdmin),
    ("24958.UBND", Role::Leader),
    ("24781.UBND", Role::Leader),
    ("24958.UBND", Role::UnitLeader),
];

/// Creates the demo accounts (or, on a database that has them, sets their password): one
/// password for all of them, new on every start, returned to be printed. Returns the actors
/// (for the generated history), the accounts and the password.
pub async fn create_accounts(app: &App) -> Result<(Vec<StaffActor>, Vec<DemoAccount>, String)> {
    let password = motcua_app::accounts::one_time_password();
    let mut actors = Vec::new();
    let mut accounts = Vec::new();
    let mut seen: Vec<(&str, Role)> = Vec::new();
    for (agency, role) in DEMO_STAFF {
        // The second account of a role at an agency: `specialist2.…`, "… 2 (tài khoản demo)".
        let n = seen.iter().filter(|x| **x == (agency, role)).count() + 1;
        seen.push((agency, role));
        let number = if n > 1 { n.to_string() } else { String::new() };
        let username = format!("{}{number}.{}", role.as_str(), agency.to_ascii_lowercase());
        let code = AgencyCode::parse(agency)?;
        match app
            .create_user(
                "demo",
                &username,
                &demo_officer(role, &number),
                &code,
                role,
                Some(&password),
            )
            .await
        {
            Ok(_) => {}
            Err(AppError::Invalid {
                code: "user.exists",
                ..
            }) => {
                app.set_user_password("demo", &username, &password, false)
                    .await
                    .map_err(|e| anyhow!("{e}"))?;
            }
            Err(e) => return Err(anyhow!("{username}: {e}")),
        }
        actors.push(
            app.account_actor(&username)
                .await
                .map_err(|e| anyhow!("{e}"))?,
        );
        accounts.push(DemoAccount {
            agency: agency.into(),
            role,
            username,
        });
    }
    Ok((actors, accounts, password))
}

/// The name of a demo account, printed as the officer on forms: says plainly it is a demo.
fn demo_officer(role: Role, number: &str) -> String {
    if number.is_empty() {
        format!("{} (tài khoản demo)", role.title_vi())
    } else {
        format!("{} {number} (tài khoản demo)", role.title_vi())
    }
}

/// Generates `count` dossiers over the 30 days before `now`. Returns how many were made.
pub async fn generate(
    app: &App,
    clock: &Arc<FixedClock>,
    actors: &[StaffActor],
    count: usize,
    now: OffsetDateTime,
) -> Result<usize> {
    let mut rng = StdRng::seed_from_u64(766);
    let actor = |agency: &str, role: Role| -> Result<Actor> {
        actors
            .iter()
            .find(|a| a.agency.as_str() == agency && a.role == role)
            .cloned()
            .map(Actor::Staff)
            .ok_or_else(|| anyhow!("no demo actor {agency} {}", role.as_str()))
    };
    let units = app.units();
    let old_addresses = |code: &str| -> Vec<String> {
        units
            .data()
            .mapping
            .iter()
            .filter(|m| m.new_commune_code.as_str() == code)
            .map(|m| {
                format!(
                    "{}, {}, {}",
                    m.old_commune_name, m.old_district_name, m.old_province_name
                )
            })
            .collect()
    };
    let addrs = [old_addresses("24958"), old_addresses("24781")];
    let total_weight: u32 = POPULAR.iter().map(|m| m.1).sum();
    let cal = motcua_domain::calendar::WorkingCalendar::new(
        motcua_domain::calendar::OfficeHours::default(),
        [motcua_domain::calendar::official_2025()],
    );
    // Start times, in order, so codes follow time.
    let mut starts: Vec<OffsetDateTime> = (0..count)
        .map(|_| {
            let back = Duration::minutes(rng.random_range(30..30 * 24 * 60));
            let (t, _) = cal.next_office_instant(now - back);
            t
        })
        .filter(|t| *t < now)
        .collect();
    starts.sort();
    let mut made = 0;
    for t0 in starts {
        let mut w = rng.random_range(0..total_weight);
        let code = POPULAR
            .iter()
            .find(|m| {
                if w < m.1 {
                    true
                } else {
                    w -= m.1;
                    false
                }
            })
            .map(|m| m.0)
            .expect("weighted");
        let procedure = app
            .procedure(&ProcedureCode::parse(code)?, None)
            .await
            .map_err(|e| anyhow!("{e}"))?;
        let provincial =
            procedure.competent_agency_kind.level() != motcua_domain::agency::Level::Commune;
        let commune = if rng.random_bool(0.55) { 0 } else { 1 };
        let unit = ["24958", "24781"][commune];
        let center = if provincial {
            "68.TTPVHCC".to_string()
        } else {
            format!("{unit}.TTPVHCC")
        };
        let competent = if provincial {
            format!("68.{}", procedure.competent_agency_kind.suffix())
        } else {
            format!("{unit}.{}", procedure.competent_agency_kind.suffix())
        };
        let address = scenario::pick(&mut rng, &addrs[commune]).clone();
        let applicant = scenario::person(&mut rng, address, "68");
        let case = procedure.case(None).expect("seed procedures have a case");
        let components = scenario::required_components(case);
        let online = procedure
            .offer(Channel::Online)
            .is_some_and(|o| o.channel == Channel::Online)
            && rng.random_bool(0.3);
        clock.set(t0);
        // The declaration from its own generator, so the rest of the demo draws the same numbers
        // whichever procedures have one.
        let declaration = case.declaration.as_ref().map(|decl| {
            let mut own = StdRng::seed_from_u64(made as u64 ^ 0xDEC1);
            scenario::declaration(
                &mut own,
                decl,
                &applicant,
                unit,
                t0.to_offset(motcua_domain::VN_OFFSET).date(),
            )
        });
        let req = OpenDossier {
            procedure: procedure.code.clone(),
            case: None,
            channel: Some(if online {
                Channel::Online
            } else {
                Channel::Direct
            }),
            receiving_agency: Some(AgencyCode::parse(&center)?),
            applicant,
            applicant_unit: None,
            support_point: None,
            summary: None,
            components,
            receive: None,
            declaration,
            result_delivery: None,
        };
        let opener = if online {
            Actor::Public
        } else {
            actor(&center, Role::CounterOfficer)?
        };
        let mut d = app
            .open_dossier(&opener, req, None)
            .await
            .map_err(|e| anyhow!("{e}"))?;
        made += 1;
        let counter = actor(&center, Role::CounterOfficer)?;
        let specialist = actor(&competent, Role::Specialist)?;
        let approver = actor(&competent, Role::Approver)?;
        let account = |a: &Actor| match a {
            Actor::Staff(s) => motcua_domain::dossier::Assignee {
                user: s.id,
                name: s.label.clone(),
            },
            _ => motcua_domain::dossier::Assignee {
                user: uuid::Uuid::nil(),
                name: String::new(),
            },
        };
        // The plan: which path this dossier takes. Steps stop when their time passes "now".
        let roll: u32 = rng.random_range(0..100);
        let roles = Roles {
            handler: account(&specialist),
            approver_account: account(&approver),
            counter,
            specialist,
            approver,
        };
        let plan = scenario::plan(
            &mut rng,
            Filing {
                roll,
                online,
                first_component: case.components.first().map(|c| c.code.clone()),
                competent: &AgencyCode::parse(&competent)?,
                procedure_name: &procedure.name,
                year: now.year(),
            },
            &roles,
        );
        let mut t = t0;
        // The steps' times from the dossier's own generator: a plan with more or fewer steps
        // (the approval step, issue #32) leaves every later dossier of the demo as it was.
        let mut steps_rng = StdRng::seed_from_u64(made as u64 ^ 0x57E9);
        for (who, mut cmd) in plan.steps {
            let next = scenario::next_time(&mut steps_rng, &cal, t, plan.late);
            if next >= now {
                break;
            }
            t = next;
            scenario::prepare(&mut cmd, &d, &cal, t);
            clock.set(t);
            match app.act(&who, &d.code, d.version, cmd).await {
                Ok(next) => d = next,
                Err(e) => {
                    tracing::debug!(code = %d.code, error = %e, "demo step skipped");
                    break;
                }
            }
        }
    }
    Ok(made)
}

/// The broker planted in the demo data (issue #7): one phone number and e-mail address given as
/// the contact of seven unrelated applicants over three weeks, filed online and at the counter of
/// Xã Đức Trọng. Marked here, and printed by `motcua demo`, as planted.
pub const PLANTED_BROKER_PHONE: &str = "0966766766";
/// The planted broker's e-mail address (a reserved example domain).
pub const PLANTED_BROKER_EMAIL: &str = "dichvu.hoso.nhanh@example.vn";

/// Files the planted broker's dossiers (1.004873, certified copies) before `now`.
pub async fn plant_broker(
    app: &App,
    clock: &Arc<FixedClock>,
    actors: &[StaffActor],
    now: OffsetDateTime,
) -> Result<usize> {
    let mut rng = StdRng::seed_from_u64(111);
    let counter = actors
        .iter()
        .find(|a| a.agency.as_str() == "24958.TTPVHCC" && a.role == Role::CounterOfficer)
        .cloned()
        .map(Actor::Staff)
        .ok_or_else(|| anyhow!("no demo counter officer at 24958.TTPVHCC"))?;
    let procedure = app
        .procedure(&ProcedureCode::parse("1.004873")?, None)
        .await
        .map_err(|e| anyhow!("{e}"))?;
    let case = procedure.case(None).expect("seed procedures have a case");
    let cal = motcua_domain::calendar::WorkingCalendar::new(
        motcua_domain::calendar::OfficeHours::default(),
        [motcua_domain::calendar::official_2025()],
    );
    let mut made = 0;
    for i in 0..7i64 {
        let mut applicant = scenario::person(
            &mut rng,
            "Thôn Phú Thạnh, Xã Phú Hội, Huyện Đức Trọng, Tỉnh Lâm Đồng".into(),
            "68",
        );
        applicant.phone = PLANTED_BROKER_PHONE.parse().map_err(|e| anyhow!("{e}"))?;
        applicant.email = Some(PLANTED_BROKER_EMAIL.into());
        let (t, _) = cal.next_office_instant(now - Duration::days(21 - 3 * i));
        if t >= now {
            continue;
        }
        clock.set(t);
        let online = i % 2 == 1;
        let req = OpenDossier {
            procedure: procedure.code.clone(),
            case: None,
            channel: Some(if online {
                Channel::Online
            } else {
                Channel::Direct
            }),
            receiving_agency: Some(AgencyCode::parse("24958.TTPVHCC")?),
            applicant,
            applicant_unit: None,
            support_point: None,
            summary: None,
            components: scenario::required_components(case),
            receive: None,
            declaration: None,
            result_delivery: None,
        };
        let opener = if online {
            Actor::Public
        } else {
            counter.clone()
        };
        app.open_dossier(&opener, req, None)
            .await
            .map_err(|e| anyhow!("{e}"))?;
        made += 1;
    }
    Ok(made)
}
