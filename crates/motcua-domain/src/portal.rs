//! What the national public service portal (DVCQG) is told about a dossier: the record of
//! `DongBoHoSoMC` and the processing steps of `CapNhatTienDoHoSoMC`, mapped from the dossier and
//! its events (docs/DOMAIN.md "National portal sync"; shared CONNECTED.md §1). Pure: the
//! application gathers the names (procedure, agencies, officers) and the events, this module
//! decides every field.
//!
//! The official packet standard (QCVN 120:2019/BTTTT) was not obtainable; the field names are
//! those open integrations use. Three codings are ours and kept here, in one place:
//! times are `yyyyMMddHHmmss` in Vietnam time (the portal's format in open integrations),
//! `HinhThuc` is how the result is handed over (0 at the counter, 1 by post, 2 electronically),
//! and `LoaiDoiTuong` is 1 (a citizen: every dossier motcua takes has a CCCD holder as
//! applicant).

use crate::catalogue::{Channel, Procedure};
use crate::dossier::{ActionKind, Dossier, ResultDelivery, Status};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// The portal's service names.
pub mod service {
    /// Opening a session.
    pub const LOGIN: &str = "DangNhap";
    /// Create or update a dossier.
    pub const SYNC: &str = "DongBoHoSoMC";
    /// One processing step.
    pub const PROGRESS: &str = "CapNhatTienDoHoSoMC";
    /// Look a dossier up.
    pub const LOOKUP: &str = "TraCuuHoSo";
    /// A procedure record.
    pub const PROCEDURE: &str = "LayThuTuc";
    /// The agency list.
    pub const AGENCIES: &str = "LayDanhMucCoQuan";
    /// The field list.
    pub const FIELDS: &str = "LayDanhMucLinhVuc";
}

/// A time as the portal writes it: `yyyyMMddHHmmss`, Vietnam time.
pub fn portal_time(t: OffsetDateTime) -> String {
    let t = t.to_offset(crate::VN_OFFSET);
    format!(
        "{:04}{:02}{:02}{:02}{:02}{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Reads a portal time back (`yyyyMMddHHmmss`, Vietnam time).
pub fn parse_portal_time(s: &str) -> Option<OffsetDateTime> {
    if s.len() != 14 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = |a: usize, b: usize| s[a..b].parse::<u32>().ok();
    let date = time::Date::from_calendar_date(
        n(0, 4)? as i32,
        time::Month::try_from(n(4, 6)? as u8).ok()?,
        n(6, 8)? as u8,
    )
    .ok()?;
    let clock = time::Time::from_hms(n(8, 10)? as u8, n(10, 12)? as u8, n(12, 14)? as u8).ok()?;
    Some(time::PrimitiveDateTime::new(date, clock).assume_offset(crate::VN_OFFSET))
}

/// A component handed in (`TaiLieuNop`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SubmittedPaper {
    /// The component's code in the procedure case.
    pub ma_thanh_phan: String,
    /// Its name.
    pub ten_tai_lieu: String,
    /// Originals.
    pub so_ban_chinh: u32,
    /// Copies.
    pub so_ban_sao: u32,
}

/// A fee line (`DanhSachLePhi`); `Gia: 0` for a free procedure — a missing list is not 0.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct FeeLine {
    /// The fee's name.
    pub ten_phi_le_phi: String,
    /// Amount in VND.
    pub gia: u64,
    /// 1 paid through the national payment platform, 2 through a local gateway, 0 not online.
    pub duoc_thanh_toan_truc_tuyen: u8,
}

/// A supplement request with the appointment before and after it (`DanhSachHoSoBoSung`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SupplementRound {
    /// When it was asked for.
    pub ngay_yeu_cau_bo_sung: String,
    /// What was asked for (component codes and notes).
    pub noi_dung_yeu_cau_bo_sung: String,
    /// The appointment when it was asked.
    pub ngay_hen_tra_cu: String,
    /// When the applicant answered (empty while waiting).
    pub ngay_bo_sung: String,
    /// The appointment after the answer (empty while waiting).
    pub ngay_hen_tra_moi: String,
}

/// A result paper (`DanhSachGiayToKetQua`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResultPaper {
    /// What was issued.
    pub ten_giay_to: String,
    /// Its number, if any.
    pub so_ky_hieu: String,
    /// When it was issued.
    pub ngay_ban_hanh: String,
}

/// The dossier as `DongBoHoSoMC` sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DossierRecord {
    /// The dossier code (Circular 01/2018 arts. 19–20).
    pub ma_ho_so: String,
    /// Procedure code.
    #[serde(rename = "MaTTHC")]
    pub ma_tthc: String,
    /// Procedure name.
    #[serde(rename = "TenTTHC")]
    pub ten_tthc: String,
    /// Field code (empty when the catalogue has none from the portal).
    pub ma_linh_vuc: String,
    /// Field name.
    pub ten_linh_vuc: String,
    /// Receipt number.
    pub so_bien_nhan: String,
    /// The applicant's name.
    pub chu_ho_so: String,
    /// 1 citizen, 2 business.
    pub loai_doi_tuong: u8,
    /// E-mail.
    pub email: String,
    /// Phone.
    pub so_dien_thoai: String,
    /// What the dossier is about.
    pub trich_yeu_ho_so: String,
    /// Received (or submitted, while not yet received).
    pub ngay_tiep_nhan: String,
    /// The appointment (empty before intake).
    pub ngay_hen_tra: String,
    /// Status code 1–10.
    pub trang_thai_ho_so: u8,
    /// When the result was handed over (empty before).
    pub ngay_tra: String,
    /// How the result is handed over: 0 at the counter, 1 by post, 2 electronically.
    pub hinh_thuc: u8,
    /// When processing ended (finished, refused, withdrawn or stopped; empty before).
    pub ngay_ket_thuc_xu_ly: String,
    /// The competent agency's name.
    pub don_vi_xu_ly: String,
    /// Channel code: 1 direct, 2 online, 3 postal.
    pub kenh_thuc_hien: u8,
    /// Components handed in.
    pub tai_lieu_nop: Vec<SubmittedPaper>,
    /// Fees.
    pub danh_sach_le_phi: Vec<FeeLine>,
    /// Supplement rounds.
    pub danh_sach_ho_so_bo_sung: Vec<SupplementRound>,
    /// Result papers.
    pub danh_sach_giay_to_ket_qua: Vec<ResultPaper>,
}

/// One processing step as `CapNhatTienDoHoSoMC` sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProgressStep {
    /// The dossier code.
    pub ma_ho_so: String,
    /// Who acted.
    pub nguoi_xu_ly: String,
    /// Their title.
    pub chuc_danh: String,
    /// When.
    pub thoi_diem_xu_ly: String,
    /// Their department or agency.
    pub phong_ban_xu_ly: String,
    /// What was done.
    pub noi_dung_xu_ly: String,
    /// Status code 1–10 after the step.
    pub trang_thai: u8,
    /// When the step began (the previous step's time).
    pub ngay_bat_dau: String,
    /// The appointment in force after the step (empty when none).
    pub ngay_ket_thuc_theo_quy_dinh: String,
}

/// One event of a dossier as the mapping reads it.
#[derive(Debug, Clone)]
pub struct StepFact<'a> {
    /// Sequence number (1-based).
    pub seq: i64,
    /// The action.
    pub action: ActionKind,
    /// Status after it.
    pub status: Status,
    /// When.
    pub at: OffsetDateTime,
    /// Its payload.
    pub payload: &'a serde_json::Value,
}

/// Who acted at a step, as the application found them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Handler {
    /// Name (an officer's, "Người nộp hồ sơ", or the system's).
    pub name: String,
    /// Title.
    pub title: String,
    /// Department or agency.
    pub department: String,
}

/// The names the record needs besides the dossier.
#[derive(Debug, Clone, Default)]
pub struct RecordNames {
    /// The field's portal code, when the catalogue has one.
    pub field_code: String,
    /// The competent agency's name.
    pub competent_agency: String,
    /// The intake receipt's number (form 01), when issued.
    pub receipt_number: Option<String>,
}

/// What an action means, as the step's content says it.
pub fn action_vi(a: ActionKind) -> &'static str {
    match a {
        ActionKind::Submit => "Nộp hồ sơ trực tuyến",
        ActionKind::Receive => "Tiếp nhận hồ sơ",
        ActionKind::Refuse => "Từ chối tiếp nhận hồ sơ",
        ActionKind::RequestSupplement => "Yêu cầu bổ sung, hoàn thiện hồ sơ",
        ActionKind::Supplement => "Bổ sung hồ sơ",
        ActionKind::Assign => "Phân công xử lý",
        ActionKind::Transfer => "Chuyển xử lý",
        ActionKind::RequestPayment => "Yêu cầu thực hiện nghĩa vụ tài chính",
        ActionKind::Pay => "Đã thực hiện nghĩa vụ tài chính",
        ActionKind::Finish => "Có kết quả giải quyết",
        ActionKind::SubmitDraft => "Trình ký kết quả",
        ActionKind::ApproveDraft => "Phê duyệt kết quả",
        ActionKind::ReturnDraft => "Trả lại dự thảo để xử lý lại",
        ActionKind::ReturnResult => "Trả kết quả",
        ActionKind::Reschedule => "Gia hạn, hẹn lại ngày trả kết quả",
        ActionKind::Withdraw => "Rút hồ sơ theo yêu cầu",
        ActionKind::Stop => "Dừng xử lý hồ sơ",
    }
}

fn opt_time(t: Option<OffsetDateTime>) -> String {
    t.map(portal_time).unwrap_or_default()
}

fn payload_time(p: &serde_json::Value, key: &str) -> Option<OffsetDateTime> {
    p.get(key)
        .and_then(|v| v.as_str())
        .and_then(|s| OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok())
}

/// The appointment in force after each event, in order: intake and an answered supplement
/// set it (`due_at`), a reschedule moves it (`new_due_at`).
fn appointments(events: &[StepFact<'_>]) -> Vec<Option<OffsetDateTime>> {
    let mut current = None;
    events
        .iter()
        .map(|e| {
            if let Some(t) =
                payload_time(e.payload, "due_at").or_else(|| payload_time(e.payload, "new_due_at"))
            {
                current = Some(t);
            }
            current
        })
        .collect()
}

fn supplement_rounds(events: &[StepFact<'_>]) -> Vec<SupplementRound> {
    let due = appointments(events);
    let mut out: Vec<SupplementRound> = Vec::new();
    for (i, e) in events.iter().enumerate() {
        match e.action {
            ActionKind::RequestSupplement => {
                let items = e
                    .payload
                    .get("items")
                    .and_then(|v| v.as_array())
                    .map(|items| {
                        items
                            .iter()
                            .map(|it| {
                                let c = it.get("component").and_then(|v| v.as_str()).unwrap_or("");
                                match it.get("note").and_then(|v| v.as_str()) {
                                    Some(n) if !n.is_empty() => format!("{c}: {n}"),
                                    _ => c.to_owned(),
                                }
                            })
                            .collect::<Vec<_>>()
                            .join("; ")
                    })
                    .unwrap_or_default();
                let reason = e
                    .payload
                    .get("reason")
                    .and_then(|v| v.as_str())
                    .unwrap_or("");
                let what = match (reason.is_empty(), items.is_empty()) {
                    (true, _) => items,
                    (false, true) => reason.to_owned(),
                    (false, false) => format!("{reason} ({items})"),
                };
                out.push(SupplementRound {
                    ngay_yeu_cau_bo_sung: portal_time(e.at),
                    noi_dung_yeu_cau_bo_sung: what,
                    ngay_hen_tra_cu: opt_time(due[i]),
                    ngay_bo_sung: String::new(),
                    ngay_hen_tra_moi: String::new(),
                });
            }
            ActionKind::Supplement => {
                if let Some(open) = out.iter_mut().rev().find(|r| r.ngay_bo_sung.is_empty()) {
                    open.ngay_bo_sung = portal_time(e.at);
                    open.ngay_hen_tra_moi = opt_time(due[i]);
                }
            }
            _ => {}
        }
    }
    out
}

fn fee_lines(d: &Dossier, procedure: Option<&Procedure>) -> Vec<FeeLine> {
    let online = u8::from(d.paid_online) * 2;
    if let Some(amount) = d.payment_due_vnd {
        return vec![FeeLine {
            ten_phi_le_phi: "Phí, lệ phí".into(),
            gia: amount,
            duoc_thanh_toan_truc_tuyen: online,
        }];
    }
    let Some(offer) = procedure.and_then(|p| p.offer(d.channel)) else {
        return Vec::new();
    };
    if offer.fees.is_empty() {
        // A procedure without fees is sent as free, explicitly (CONNECTED.md §1).
        return vec![FeeLine {
            ten_phi_le_phi: "Không thu phí, lệ phí".into(),
            gia: 0,
            duoc_thanh_toan_truc_tuyen: 0,
        }];
    }
    // A fee the province sets (no amount in the catalogue) is sent once it is asked for.
    offer
        .fees
        .iter()
        .filter_map(|f| {
            f.amount_vnd.map(|gia| FeeLine {
                ten_phi_le_phi: f.name.clone(),
                gia,
                duoc_thanh_toan_truc_tuyen: 0,
            })
        })
        .collect()
}

/// The dossier's record for `DongBoHoSoMC`, as of its current state and `events` (all of them,
/// in order).
pub fn dossier_record(
    d: &Dossier,
    procedure: Option<&Procedure>,
    events: &[StepFact<'_>],
    names: &RecordNames,
) -> DossierRecord {
    let component_name = |code: &str| {
        procedure
            .and_then(|p| p.case(Some(d.case_code.as_str())))
            .and_then(|c| c.components.iter().find(|x| x.code == code))
            .map(|c| c.name.clone())
            .unwrap_or_else(|| code.to_owned())
    };
    let ended = d.finished_at.or(d.closed_at);
    DossierRecord {
        ma_ho_so: d.code.to_string(),
        ma_tthc: d.procedure.code.to_string(),
        ten_tthc: d.procedure_name.clone(),
        ma_linh_vuc: names.field_code.clone(),
        ten_linh_vuc: procedure.map(|p| p.field.clone()).unwrap_or_default(),
        so_bien_nhan: names
            .receipt_number
            .clone()
            .unwrap_or_else(|| d.code.to_string()),
        chu_ho_so: d.applicant.name.clone(),
        loai_doi_tuong: 1,
        email: d.applicant.email.clone().unwrap_or_default(),
        so_dien_thoai: d.applicant.phone.to_string(),
        trich_yeu_ho_so: d.summary.clone(),
        ngay_tiep_nhan: portal_time(d.received_at.unwrap_or(d.submitted_at)),
        ngay_hen_tra: opt_time(d.appointment_at),
        trang_thai_ho_so: d.status.national_code(),
        ngay_tra: opt_time(d.returned_at),
        hinh_thuc: match &d.result_delivery {
            None | Some(ResultDelivery::Counter) => 0,
            Some(ResultDelivery::Postal { .. }) => 1,
            Some(ResultDelivery::Electronic) => 2,
        },
        ngay_ket_thuc_xu_ly: opt_time(ended),
        don_vi_xu_ly: if names.competent_agency.is_empty() {
            d.competent_agency.to_string()
        } else {
            names.competent_agency.clone()
        },
        kenh_thuc_hien: d.channel.national_code(),
        tai_lieu_nop: d
            .components
            .iter()
            .map(|c| SubmittedPaper {
                ma_thanh_phan: c.code.clone(),
                ten_tai_lieu: component_name(&c.code),
                so_ban_chinh: c.originals,
                so_ban_sao: c.copies,
            })
            .collect(),
        danh_sach_le_phi: fee_lines(d, procedure),
        danh_sach_ho_so_bo_sung: supplement_rounds(events),
        danh_sach_giay_to_ket_qua: d
            .result
            .iter()
            .map(|r| ResultPaper {
                ten_giay_to: r.summary.clone(),
                so_ky_hieu: r.document_number.clone().unwrap_or_default(),
                ngay_ban_hanh: opt_time(d.finished_at),
            })
            .collect(),
    }
}

/// The processing step of `events[index]` for `CapNhatTienDoHoSoMC`.
pub fn progress_step(
    code: &str,
    events: &[StepFact<'_>],
    index: usize,
    who: &Handler,
) -> Option<ProgressStep> {
    let e = events.get(index)?;
    let due = appointments(&events[..=index]).pop().flatten();
    let began = index
        .checked_sub(1)
        .and_then(|i| events.get(i))
        .map(|p| p.at)
        .unwrap_or(e.at);
    let mut content = action_vi(e.action).to_owned();
    if let Some(extra) = ["reason", "note"]
        .iter()
        .find_map(|k| e.payload.get(*k).and_then(|v| v.as_str()))
        .filter(|s| !s.is_empty())
    {
        content.push_str(": ");
        content.push_str(extra);
    }
    // The portal requires a name: an officer without one is named by their department.
    let name = [&who.name, &who.department]
        .into_iter()
        .find(|s| !s.trim().is_empty())
        .cloned()
        .unwrap_or_else(|| "Bộ phận Một cửa".to_owned());
    Some(ProgressStep {
        ma_ho_so: code.to_owned(),
        nguoi_xu_ly: name,
        chuc_danh: who.title.clone(),
        thoi_diem_xu_ly: portal_time(e.at),
        phong_ban_xu_ly: who.department.clone(),
        noi_dung_xu_ly: content,
        trang_thai: e.status.national_code(),
        ngay_bat_dau: portal_time(began),
        ngay_ket_thuc_theo_quy_dinh: opt_time(due),
    })
}

/// The channel a portal channel code names (1 direct, 2 online, 3 postal).
pub fn channel_of(code: u8) -> Option<Channel> {
    match code {
        1 => Some(Channel::Direct),
        2 => Some(Channel::Online),
        3 => Some(Channel::Postal),
        _ => None,
    }
}
