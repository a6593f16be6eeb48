//! `motcua demo`: a database with the real units and catalogue, the demo agencies of Lâm Đồng,
//! and a few hundred dossiers in every state over recent weeks, generated through the real use
//! cases (so every event is hash-chained and every due date computed as in production).
//!
//! The applicants are generated (common Vietnamese names, structurally valid CCCD numbers,
//! made-up phone numbers) and the demo says so; no real person's data is used.

use anyhow::{Result, anyhow};
use motcua_app::dossiers::OpenDossier;
use motcua_app::{Actor, App, FixedClock, StaffActor};
use motcua_domain::access::Role;
use motcua_domain::catalogue::Channel;
use motcua_domain::dossier::{
    Applicant, Command, DossierResult, ReceivedComponent, SupplementItem,
};
use motcua_domain::ids::{AgencyCode, CitizenId, Phone, ProcedureCode};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::sync::Arc;
use time::{Duration, OffsetDateTime};

/// A token printed for the demo user.
#[derive(Debug, Clone)]
pub struct DemoToken {
    /// Agency.
    pub agency: String,
    /// Role.
    pub role: Role,
    /// The secret.
    pub secret: String,
}

/// Creates the demo tokens (new secrets on every start; secrets are never stored in clear).
pub async fn create_tokens(app: &App) -> Result<Vec<(StaffActor, DemoToken)>> {
    let specs = [
        ("24958.TTPVHCC", Role::CounterOfficer),
        ("24781.TTPVHCC", Role::CounterOfficer),
        ("68.TTPVHCC", Role::CounterOfficer),
        ("24958.UBND", Role::Specialist),
        ("24958.UBND", Role::Approver),
        ("24781.UBND", Role::Specialist),
        ("24781.UBND", Role::Approver),
        ("24958.CA", Role::Specialist),
        ("24958.CA", Role::Approver),
        ("24781.CA", Role::Specialist),
        ("24781.CA", Role::Approver),
        ("68.CA", Role::Specialist),
        ("68.STP", Role::Specialist),
        ("68.UBND", Role::Admin),
    ];
    let mut out = Vec::new();
    for (agency, role) in specs {
        let code = AgencyCode::parse(agency)?;
        let (rec, secret) = app
            .create_token(&code, role, &demo_officer(role))
            .await
            .map_err(|e| anyhow!("{e}"))?;
        out.push((
            StaffActor {
                token_id: rec.id,
                agency: rec.agency,
                role,
                label: rec.label,
            },
            DemoToken {
                agency: agency.into(),
                role,
                secret,
            },
        ));
    }
    Ok(out)
}

/// The label of a demo token, printed as the officer on forms: says plainly it is a demo account.
fn demo_officer(role: Role) -> String {
    let who = match role {
        Role::CounterOfficer => "Cán bộ tiếp nhận",
        Role::Specialist => "Chuyên viên xử lý",
        Role::Approver => "Lãnh đạo phê duyệt",
        Role::Leader => "Lãnh đạo đơn vị",
        Role::Admin => "Quản trị hệ thống",
    };
    format!("{who} (tài khoản demo)")
}

const FAMILY: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý",
];
const MIDDLE_M: &[&str] = &["Văn", "Hữu", "Đức", "Minh", "Quốc", "Thanh", "Công"];
const MIDDLE_F: &[&str] = &["Thị", "Ngọc", "Thu", "Thanh", "Minh", "Bích"];
const GIVEN_M: &[&str] = &[
    "An", "Bình", "Dũng", "Hải", "Hiếu", "Hùng", "Khánh", "Long", "Nam", "Phong", "Phúc", "Quân",
    "Sơn", "Tuấn", "Việt", "Thắng",
];
const GIVEN_F: &[&str] = &[
    "Chi", "Giang", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai", "Nga", "Tâm", "Thảo",
    "Trang", "Yến", "Nhung", "Vân",
];

/// (procedure, weight, receiving center index, competent agency suffix at the commune or province)
const MIX: &[(&str, u32)] = &[
    ("2.000815", 25),
    ("1.001193", 18),
    ("2.000884", 12),
    ("1.004873", 8),
    ("1.004222", 8),
    ("1.000894", 6),
    ("2.000635", 5),
    ("local.ly-lich-tu-phap", 5),
    ("1.001612", 4),
    ("1.000656", 4),
    ("local.xac-nhan-thong-tin-cu-tru", 4),
    ("1.004194", 3),
    ("local.giay-phep-xay-dung-nha-o", 3),
    ("1.004859", 2),
];

fn pick<'a, T>(rng: &mut StdRng, xs: &'a [T]) -> &'a T {
    &xs[rng.random_range(0..xs.len())]
}

fn person(rng: &mut StdRng, address: String) -> Applicant {
    let female = rng.random_bool(0.5);
    let name = format!(
        "{} {} {}",
        pick(rng, FAMILY),
        if female {
            pick(rng, MIDDLE_F)
        } else {
            pick(rng, MIDDLE_M)
        },
        if female {
            pick(rng, GIVEN_F)
        } else {
            pick(rng, GIVEN_M)
        }
    );
    let year: u32 = rng.random_range(1950..2006);
    let century_sex = match (year >= 2000, female) {
        (false, false) => 0,
        (false, true) => 1,
        (true, false) => 2,
        (true, true) => 3,
    };
    let id = format!(
        "068{century_sex}{:02}{:06}",
        year % 100,
        rng.random_range(0..1_000_000)
    );
    let prefix = pick(
        rng,
        &["090", "091", "098", "097", "086", "035", "038", "077"],
    );
    let phone = format!("{prefix}{:07}", rng.random_range(0..10_000_000));
    Applicant {
        name,
        id_number: CitizenId::parse(&id).expect("12 digits"),
        phone: Phone::parse(&phone).expect("10 digits"),
        email: None,
        address: Some(address),
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
    let total_weight: u32 = MIX.iter().map(|m| m.1).sum();
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
        let code = MIX
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
        let address = pick(&mut rng, &addrs[commune]).clone();
        let applicant = person(&mut rng, address);
        let case = procedure.case(None).expect("seed procedures have a case");
        let components: Vec<ReceivedComponent> = case
            .components
            .iter()
            .filter(|c| c.required)
            .map(|c| ReceivedComponent {
                code: c.code.clone(),
                originals: c.originals,
                copies: c.copies,
            })
            .collect();
        let online = procedure
            .offer(Channel::Online)
            .is_some_and(|o| o.channel == Channel::Online)
            && rng.random_bool(0.3);
        clock.set(t0);
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
            summary: None,
            components,
            receive: None,
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
        let approver = if provincial {
            specialist.clone()
        } else {
            actor(&competent, Role::Approver)?
        };
        // The plan: which path this dossier takes. Steps stop when their time passes "now".
        let roll: u32 = rng.random_range(0..100);
        let mut steps: Vec<(Actor, Command)> = Vec::new();
        if online {
            if (45..50).contains(&roll) {
                // Waiting for intake.
            } else if roll < 8 {
                steps.push((counter.clone(), Command::Refuse { reason: "Hồ sơ nộp trực tuyến thiếu bản chụp giấy tờ tùy thân, không đủ điều kiện tiếp nhận.".into() }));
            } else {
                steps.push((counter.clone(), Command::Receive { components: None }));
            }
        }
        let comp0 = case.components.first().map(|c| c.code.clone());
        let main: Vec<(Actor, Command)> = vec![
            (
                counter.clone(),
                Command::Transfer {
                    to_agency: AgencyCode::parse(&competent)?,
                    note: Some("Chuyển hồ sơ đến cơ quan giải quyết".into()),
                },
            ),
            (
                specialist.clone(),
                Command::Assign {
                    handler: "Chuyên viên thụ lý".into(),
                },
            ),
        ];
        let late = roll % 10 == 3;
        match roll {
            8..=12 => steps.push((
                counter.clone(),
                Command::Withdraw {
                    reason: Some("Người nộp hồ sơ xin rút để bổ sung giấy tờ khác".into()),
                },
            )),
            13..=17 => {
                steps.extend(main);
                steps.push((approver.clone(), Command::Stop { reason: "Phát hiện giấy tờ trong hồ sơ không hợp lệ, dừng giải quyết theo quy định.".into() }));
            }
            _ => {
                steps.extend(main);
                if roll < 35
                    && let Some(c) = comp0
                {
                    steps.push((
                        specialist.clone(),
                        Command::RequestSupplement {
                            items: vec![SupplementItem {
                                component: c,
                                note: Some("Bản chụp không rõ nét, đề nghị nộp lại".into()),
                            }],
                            reason: None,
                        },
                    ));
                    if roll < 30 {
                        steps.push((counter.clone(), Command::Supplement { components: vec![] }));
                    }
                }
                if (35..45).contains(&roll) {
                    steps.push((
                        specialist.clone(),
                        Command::RequestPayment {
                            amount_vnd: 50_000,
                            note: Some("Lệ phí theo quy định".into()),
                        },
                    ));
                    if roll < 42 {
                        steps.push((
                            counter.clone(),
                            Command::Pay {
                                amount_vnd: 50_000,
                                online: roll.is_multiple_of(2),
                            },
                        ));
                    }
                }
                if late {
                    steps.push((
                        approver.clone(),
                        Command::Reschedule {
                            reason: "Cần xác minh thêm thông tin với cơ quan khác".into(),
                            new_due_at: now,
                        },
                    ));
                }
                if !roll.is_multiple_of(11) {
                    steps.push((
                        approver.clone(),
                        Command::Finish {
                            result: DossierResult {
                                summary: format!("Đã giải quyết: {}", procedure.name),
                                document_number: Some(format!(
                                    "{}/{}",
                                    rng.random_range(1..900),
                                    now.year()
                                )),
                            },
                        },
                    ));
                    if !roll.is_multiple_of(3) {
                        steps.push((
                            counter.clone(),
                            Command::ReturnResult {
                                method: Some("counter".into()),
                            },
                        ));
                    }
                }
            }
        }
        let mut t = t0;
        for (who, mut cmd) in steps {
            // Next step: between 10 minutes and two working hours later; late ones wait longer.
            let gap = if late {
                rng.random_range(3600..5 * 8 * 3600)
            } else {
                rng.random_range(600..2 * 3600)
            };
            let (next, _) = cal.add_working_seconds(t, gap);
            if next >= now {
                break;
            }
            t = next;
            if let Command::Reschedule { new_due_at, .. } = &mut cmd {
                let base = d.due_at.unwrap_or(t).max(t);
                let (nd, _) = cal.add_working_seconds(base, 3 * 8 * 3600);
                *new_due_at = nd;
            }
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
