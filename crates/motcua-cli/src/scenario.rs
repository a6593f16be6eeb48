//! The life of a generated dossier: who files it, which path it takes through the lifecycle and
//! how long each step waits. One plan serves the demo (through the use cases) and the
//! benchmark's data set (through the domain directly), so both hold the same kinds of history.
//!
//! The applicants are generated (common Vietnamese names, structurally valid CCCD numbers,
//! made-up phone numbers); no real person's data is used.

use motcua_domain::calendar::WorkingCalendar;
use motcua_domain::catalogue::Case;
use motcua_domain::dossier::{
    Applicant, Assignee, Command, Dossier, DossierResult, ReceivedComponent, SupplementItem,
};
use motcua_domain::ids::{AgencyCode, CitizenId, Phone};
use rand::Rng;
use rand::rngs::StdRng;
use time::OffsetDateTime;

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

/// The procedures most filed, most popular first, with relative weights (birth and marriage
/// registration, certified copies and residence registration take most of a commune's work).
pub const POPULAR: &[(&str, u32)] = &[
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

/// What a counter receives for a complete filing of `case`: every required component, with the
/// originals and copies the catalogue asks for.
pub fn required_components(case: &Case) -> Vec<ReceivedComponent> {
    case.components
        .iter()
        .filter(|c| c.required)
        .map(|c| ReceivedComponent {
            code: c.code.clone(),
            originals: c.originals,
            copies: c.copies,
        })
        .collect()
}

/// One of `xs`, uniformly.
pub fn pick<'a, T>(rng: &mut StdRng, xs: &'a [T]) -> &'a T {
    &xs[rng.random_range(0..xs.len())]
}

/// A generated applicant. `province` gives the first digits of the CCCD number.
pub fn person(rng: &mut StdRng, address: String, province: &str) -> Applicant {
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
    let digits: String = province.chars().filter(char::is_ascii_digit).collect();
    let id = format!(
        "0{:0>2}{century_sex}{:02}{:06}",
        &digits[digits.len().saturating_sub(2)..],
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

/// Who acts at each step.
#[derive(Debug, Clone)]
pub struct Roles<A> {
    /// The receiving counter.
    pub counter: A,
    /// The competent agency's specialist.
    pub specialist: A,
    /// Who approves.
    pub approver: A,
    /// The specialist's account, as an assignment names it.
    pub handler: Assignee,
    /// The approver's account, as a draft names it.
    pub approver_account: Assignee,
}

/// A dossier's plan: its steps after opening, and whether it runs late.
#[derive(Debug, Clone)]
pub struct Plan<A> {
    /// (actor, command) in order; a step that fails the lifecycle ends the plan.
    pub steps: Vec<(A, Command)>,
    /// Steps wait longer, and the appointment is rescheduled once.
    pub late: bool,
}

/// What the plan depends on.
#[derive(Debug, Clone)]
pub struct Filing<'a> {
    /// 0..100: which path.
    pub roll: u32,
    /// Filed online (waits for intake, may be refused there).
    pub online: bool,
    /// The first component of the case (what a supplement request asks for).
    pub first_component: Option<String>,
    /// The competent agency (the transfer's target).
    pub competent: &'a AgencyCode,
    /// The procedure's name (in the result summary).
    pub procedure_name: &'a str,
    /// The year in the result's document number.
    pub year: i32,
}

/// The path a dossier takes, from a roll of 0..100: online filings waiting for intake or
/// refused; withdrawn; stopped; supplements requested (and supplied or not); fees requested
/// (and paid or not); rescheduled; finished and returned, or finished and waiting.
pub fn plan<A: Clone>(rng: &mut StdRng, f: Filing<'_>, r: &Roles<A>) -> Plan<A> {
    let Filing {
        roll,
        online,
        first_component,
        competent,
        procedure_name,
        year,
    } = f;
    let mut steps: Vec<(A, Command)> = Vec::new();
    if online {
        if (45..50).contains(&roll) {
            // Waiting for intake.
            return Plan { steps, late: false };
        } else if roll < 8 {
            steps.push((
                r.counter.clone(),
                Command::Refuse {
                    reason: "Hồ sơ nộp trực tuyến thiếu bản chụp giấy tờ tùy thân, không đủ điều kiện tiếp nhận.".into(),
                },
            ));
            return Plan { steps, late: false };
        } else {
            steps.push((r.counter.clone(), Command::Receive { components: None }));
        }
    }
    let main = [
        (
            r.counter.clone(),
            Command::Transfer {
                to_agency: competent.clone(),
                consultation: false,
                note: Some("Chuyển hồ sơ đến cơ quan giải quyết".into()),
            },
        ),
        (
            r.specialist.clone(),
            Command::Assign {
                handler: r.handler.clone(),
            },
        ),
    ];
    let late = roll % 10 == 3;
    match roll {
        8..=12 => steps.push((
            r.counter.clone(),
            Command::Withdraw {
                reason: Some("Người nộp hồ sơ xin rút để bổ sung giấy tờ khác".into()),
            },
        )),
        13..=17 => {
            steps.extend(main);
            steps.push((
                r.approver.clone(),
                Command::Stop {
                    reason:
                        "Phát hiện giấy tờ trong hồ sơ không hợp lệ, dừng giải quyết theo quy định."
                            .into(),
                },
            ));
        }
        _ => {
            steps.extend(main);
            if roll < 35
                && let Some(c) = first_component
            {
                steps.push((
                    r.specialist.clone(),
                    Command::RequestSupplement {
                        items: vec![SupplementItem {
                            component: c,
                            note: Some("Bản chụp không rõ nét, đề nghị nộp lại".into()),
                        }],
                        reason: None,
                    },
                ));
                if roll < 30 {
                    steps.push((
                        r.counter.clone(),
                        Command::Supplement { components: vec![] },
                    ));
                }
            }
            if (35..45).contains(&roll) {
                steps.push((
                    r.specialist.clone(),
                    Command::RequestPayment {
                        amount_vnd: 50_000,
                        note: Some("Lệ phí theo quy định".into()),
                    },
                ));
                if roll < 42 {
                    steps.push((
                        r.counter.clone(),
                        Command::Pay {
                            amount_vnd: 50_000,
                            online: roll.is_multiple_of(2),
                        },
                    ));
                }
            }
            if late {
                steps.push((
                    r.approver.clone(),
                    Command::Reschedule {
                        reason: "Cần xác minh thêm thông tin với cơ quan khác".into(),
                        // Set when the step runs (see `prepare`).
                        new_due_at: OffsetDateTime::UNIX_EPOCH,
                    },
                ));
            }
            if !roll.is_multiple_of(11) {
                let result = DossierResult {
                    summary: format!("Đã giải quyết: {procedure_name}"),
                    document_number: Some(format!("{}/{year}", rng.random_range(1..900))),
                };
                if roll.is_multiple_of(2) && r.handler.user != r.approver_account.user {
                    // Trình ký: the specialist's draft, approved by the approver.
                    steps.push((
                        r.specialist.clone(),
                        Command::SubmitDraft {
                            result,
                            draft_document: None,
                            by: r.handler.clone(),
                            approver: r.approver_account.clone(),
                        },
                    ));
                    steps.push((r.approver.clone(), Command::ApproveDraft {}));
                } else {
                    steps.push((r.approver.clone(), Command::Finish { result }));
                }
                if !roll.is_multiple_of(3) {
                    steps.push((
                        r.counter.clone(),
                        Command::ReturnResult {
                            method: Some("counter".into()),
                        },
                    ));
                }
            }
        }
    }
    Plan { steps, late }
}

/// When the next step happens after `t`: between 10 minutes and two working hours later; late
/// dossiers wait between one and forty working hours.
pub fn next_time(
    rng: &mut StdRng,
    cal: &WorkingCalendar,
    t: OffsetDateTime,
    late: bool,
) -> OffsetDateTime {
    let gap = if late {
        rng.random_range(3600..5 * 8 * 3600)
    } else {
        rng.random_range(600..2 * 3600)
    };
    cal.add_working_seconds(t, gap).0
}

/// Fills in what a command can only know when it runs: a rescheduled appointment three working
/// days after the current one (or after `t`).
pub fn prepare(cmd: &mut Command, d: &Dossier, cal: &WorkingCalendar, t: OffsetDateTime) {
    if let Command::Reschedule { new_due_at, .. } = cmd {
        let base = d.due_at.unwrap_or(t).max(t);
        *new_due_at = cal.add_working_seconds(base, 3 * 8 * 3600).0;
    }
}

/// Sample words for the texts of the shipped declarations, by field key (generated data, like
/// every demo name).
const SAMPLE_TEXTS: &[(&str, &str)] = &[
    ("birth_place", "Bệnh viện Đa khoa tỉnh"),
    ("hometown", "Lâm Đồng"),
    ("relationship", "Con"),
    ("death_place", "Tại nhà riêng"),
    ("death_cause", "Bệnh già"),
    ("death_time", "08 giờ 30 phút"),
    ("notice_number", "125/GBT"),
    ("notice_issuer", "Trạm Y tế xã"),
    ("head_relationship", "Chủ hộ"),
    (
        "request",
        "Đăng ký thường trú tại chỗ ở hợp pháp của gia đình",
    ),
    ("business_name", "HỘ KINH DOANH BÌNH AN"),
    ("trades", "Bán lẻ lương thực, thực phẩm (4721)"),
    ("name", "Bằng tốt nghiệp trung học phổ thông"),
];

/// Generated answers to `decl` for `applicant` living in `commune`, filed on `filing`: every
/// required question answered plausibly, every rule kept (a child born in the last weeks,
/// spouses and owners of age, a death before its notice).
pub fn declaration(
    rng: &mut StdRng,
    decl: &motcua_domain::declaration::Declaration,
    applicant: &Applicant,
    commune: &str,
    filing: time::Date,
) -> serde_json::Value {
    use motcua_domain::declaration::{Field, FieldKind};
    use serde_json::{Value, json};
    fn day(d: time::Date) -> String {
        motcua_domain::declaration::check::date_text(d)
    }
    fn one(
        rng: &mut StdRng,
        key: &str,
        f: &Field,
        applicant: &Applicant,
        commune: &str,
        filing: time::Date,
    ) -> Option<Value> {
        if !f.required || f.when.is_some() {
            return None;
        }
        Some(match &f.kind {
            FieldKind::Text { .. } => {
                let text = SAMPLE_TEXTS
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map(|(_, v)| (*v).to_owned())
                    .unwrap_or_else(|| {
                        if key.ends_with("name") {
                            applicant.name.clone()
                        } else {
                            "Không".to_owned()
                        }
                    });
                json!(text)
            }
            FieldKind::Number { min, max } => json!(min.unwrap_or(1).max(1).min(max.unwrap_or(1))),
            FieldKind::Money { .. } => json!(100_000_000u64),
            FieldKind::Date { .. } => {
                let back = if key == "notice_date" { 0 } else { 1 };
                json!(day(filing - time::Duration::days(back)))
            }
            FieldKind::Choice { options } => json!(options.first()?.key),
            FieldKind::YesNo => json!(false),
            FieldKind::IdDocument { .. } => {
                json!({"kind": "cccd", "number": format!("068{:09}", rng.random_range(0..1_000_000_000u32))})
            }
            FieldKind::Phone => json!(applicant.phone.as_str()),
            FieldKind::Email => return None,
            FieldKind::Address => json!({"commune": commune, "street": "Thôn 1"}),
            FieldKind::Person(parts) => {
                let who = person(rng, String::new(), "68");
                let birth = match key {
                    "child" => filing - time::Duration::days(rng.random_range(1..30)),
                    "deceased" => time::Date::from_calendar_date(
                        rng.random_range(1930..1960),
                        time::Month::June,
                        15,
                    )
                    .ok()?,
                    _ => time::Date::from_calendar_date(
                        rng.random_range(1965..2000),
                        time::Month::March,
                        rng.random_range(1..28),
                    )
                    .ok()?,
                };
                let mut m = serde_json::Map::new();
                m.insert("name".into(), json!(who.name));
                if parts.birth_date.asked() {
                    m.insert("birth_date".into(), json!(day(birth)));
                }
                if parts.sex.asked() {
                    m.insert(
                        "sex".into(),
                        json!(if rng.random_bool(0.5) {
                            "male"
                        } else {
                            "female"
                        }),
                    );
                }
                if parts.id == motcua_domain::declaration::Ask::Required {
                    m.insert(
                        "id".into(),
                        json!({"kind": "cccd", "number": who.id_number.as_str()}),
                    );
                }
                if parts.relationship.asked() {
                    m.insert("relationship".into(), json!("Con"));
                }
                if parts.ethnicity.asked() {
                    m.insert("ethnicity".into(), json!("Kinh"));
                }
                if parts.nationality.asked() {
                    m.insert("nationality".into(), json!("Việt Nam"));
                }
                Value::Object(m)
            }
            FieldKind::Group { fields, min, .. } => {
                let items: Vec<Value> = (0..(*min).max(1))
                    .map(|_| {
                        let m: serde_json::Map<String, Value> = fields
                            .iter()
                            .filter_map(|g| {
                                Some((
                                    g.key.clone(),
                                    one(rng, &g.key, g, applicant, commune, filing)?,
                                ))
                            })
                            .collect();
                        Value::Object(m)
                    })
                    .collect();
                json!(items)
            }
        })
    }
    let mut out = serde_json::Map::new();
    for (_, f) in decl.fields() {
        if let Some(v) = one(rng, &f.key, f, applicant, commune, filing) {
            out.insert(f.key.clone(), v);
        }
    }
    // A death is registered after it happened and its notice was issued.
    if let Some(Value::String(d)) = out.get("death_date").cloned() {
        out.insert("notice_date".into(), json!(d));
    }
    Value::Object(out)
}
