//! What the national portal is told (issue #33): the `DongBoHoSoMC` record and the
//! `CapNhatTienDoHoSoMC` steps along a lifecycle, the portal's time format, fees.

use crate::common::{cal, new_dossier, procedure};
use motcua_domain::catalogue::Channel;
use motcua_domain::dossier::{
    ActionContext, Command, Dossier, DossierResult, EventDraft, ResultDelivery, SupplementItem,
};
use motcua_domain::portal::{
    Handler, RecordNames, StepFact, dossier_record, parse_portal_time, portal_time, progress_step,
};
use time::macros::datetime;

#[test]
fn times_are_written_in_vietnam_time_as_the_portal_reads_them() {
    let cases = [
        (datetime!(2025-07-01 01:30:00 UTC), "20250701083000"),
        (datetime!(2025-12-31 17:00:05 UTC), "20260101000005"),
        (datetime!(2026-02-16 23:59:59 +07:00), "20260216235959"),
    ];
    for (t, text) in cases {
        assert_eq!(portal_time(t), text);
        assert_eq!(parse_portal_time(text), Some(t), "{text}");
    }
    for bad in [
        "",
        "2025070108300",
        "202507010830000",
        "2025-07-01T08:30",
        "20251301083000",
        "20250230083000",
        "20250701253000",
        "2025070108300x",
        "２０２５0701083000",
    ] {
        assert_eq!(parse_portal_time(bad), None, "{bad:?}");
    }
}

/// A dossier through `cmds` with every event, as the store would hold them.
fn lifecycle(
    channel: Channel,
    cmds: &[(Command, time::OffsetDateTime)],
) -> (Dossier, Vec<EventDraft>) {
    let p = procedure();
    let c = cal();
    let mut new = new_dossier(channel);
    new.result_delivery = Some(ResultDelivery::Postal {
        address: "12 Lê Lợi".into(),
    });
    let (mut d, first) = Dossier::open(
        new,
        ActionContext {
            now: datetime!(2025-07-01 08:00:00 +07:00),
            calendar: &c,
            procedure: &p,
        },
    )
    .unwrap();
    let mut events = vec![first];
    for (cmd, at) in cmds {
        let (next, e) = d
            .apply(
                cmd,
                ActionContext {
                    now: *at,
                    calendar: &c,
                    procedure: &p,
                },
            )
            .unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
        d = next;
        events.push(e);
    }
    (d, events)
}

fn facts(events: &[EventDraft]) -> Vec<StepFact<'_>> {
    events
        .iter()
        .enumerate()
        .map(|(i, e)| StepFact {
            seq: i as i64 + 1,
            action: e.action,
            status: e.status,
            at: e.at,
            payload: &e.payload,
        })
        .collect()
}

fn supplement_then_finish() -> (Dossier, Vec<EventDraft>) {
    lifecycle(
        Channel::Direct,
        &[
            (
                Command::RequestSupplement {
                    items: vec![SupplementItem {
                        component: "CCCD".into(),
                        note: Some("Bản sao không rõ".into()),
                    }],
                    reason: Some("Thiếu giấy tờ".into()),
                },
                datetime!(2025-07-01 10:00:00 +07:00),
            ),
            (
                Command::Supplement { components: vec![] },
                datetime!(2025-07-02 09:00:00 +07:00),
            ),
            (
                Command::RequestPayment {
                    amount_vnd: 50_000,
                    note: None,
                },
                datetime!(2025-07-02 10:00:00 +07:00),
            ),
            (
                Command::Pay {
                    amount_vnd: 50_000,
                    online: true,
                },
                datetime!(2025-07-02 11:00:00 +07:00),
            ),
            (
                Command::Finish {
                    result: DossierResult {
                        summary: "Giấy xác nhận tình trạng hôn nhân".into(),
                        document_number: Some("12/XN".into()),
                    },
                },
                datetime!(2025-07-03 15:00:00 +07:00),
            ),
            (
                Command::ReturnResult {
                    method: Some("postal".into()),
                },
                datetime!(2025-07-04 08:30:00 +07:00),
            ),
        ],
    )
}

#[test]
fn the_record_carries_every_field_from_the_dossier_and_its_history() {
    let (d, events) = supplement_then_finish();
    let p = procedure();
    let names = RecordNames {
        field_code: "G09-TP05".into(),
        competent_agency: "UBND xã Đức Trọng".into(),
        receipt_number: Some("000123".into()),
    };
    let r = dossier_record(&d, Some(&p), &facts(&events), &names);
    assert_eq!(r.ma_ho_so, "24958-250303-0001");
    assert_eq!(r.ma_tthc, "1.004873");
    assert_eq!(r.ten_tthc, d.procedure_name);
    assert_eq!(
        (r.ma_linh_vuc.as_str(), r.ten_linh_vuc.as_str()),
        ("G09-TP05", p.field.as_str())
    );
    assert_eq!(r.so_bien_nhan, "000123");
    assert_eq!(r.chu_ho_so, "Nguyễn Văn An");
    assert_eq!(
        (r.loai_doi_tuong, r.so_dien_thoai.as_str()),
        (1, "0912345678")
    );
    assert_eq!(r.ngay_tiep_nhan, "20250701080000");
    assert_eq!(r.trang_thai_ho_so, 10, "returned");
    assert_eq!(r.ngay_ket_thuc_xu_ly, "20250703150000");
    assert_eq!(r.ngay_tra, "20250704083000");
    assert_eq!(r.hinh_thuc, 1, "by post");
    assert_eq!(r.kenh_thuc_hien, 1);
    assert_eq!(r.don_vi_xu_ly, "UBND xã Đức Trọng");
    // One supplement round: asked with the first appointment, answered with a later one.
    let [round] = r.danh_sach_ho_so_bo_sung.as_slice() else {
        panic!("{:?}", r.danh_sach_ho_so_bo_sung)
    };
    assert_eq!(round.ngay_yeu_cau_bo_sung, "20250701100000");
    assert_eq!(round.ngay_bo_sung, "20250702090000");
    assert!(round.noi_dung_yeu_cau_bo_sung.contains("Thiếu giấy tờ"));
    assert!(
        round
            .noi_dung_yeu_cau_bo_sung
            .contains("CCCD: Bản sao không rõ")
    );
    assert!(!round.ngay_hen_tra_cu.is_empty());
    assert!(round.ngay_hen_tra_moi > round.ngay_hen_tra_cu, "{round:?}");
    assert_eq!(r.ngay_hen_tra, round.ngay_hen_tra_moi);
    // The fee asked for and paid online; the result with its number.
    assert_eq!(r.danh_sach_le_phi.len(), 1);
    assert_eq!(r.danh_sach_le_phi[0].gia, 50_000);
    assert_eq!(r.danh_sach_le_phi[0].duoc_thanh_toan_truc_tuyen, 2);
    assert_eq!(r.danh_sach_giay_to_ket_qua[0].so_ky_hieu, "12/XN");
    assert_eq!(
        r.danh_sach_giay_to_ket_qua[0].ngay_ban_hanh,
        "20250703150000"
    );
    // The names the portal reads, exactly.
    let json = serde_json::to_value(&r).unwrap();
    for key in [
        "MaHoSo",
        "MaTTHC",
        "TenTTHC",
        "MaLinhVuc",
        "TenLinhVuc",
        "SoBienNhan",
        "ChuHoSo",
        "LoaiDoiTuong",
        "Email",
        "SoDienThoai",
        "TrichYeuHoSo",
        "NgayTiepNhan",
        "NgayHenTra",
        "TrangThaiHoSo",
        "NgayTra",
        "HinhThuc",
        "NgayKetThucXuLy",
        "DonViXuLy",
        "KenhThucHien",
        "TaiLieuNop",
        "DanhSachLePhi",
        "DanhSachHoSoBoSung",
        "DanhSachGiayToKetQua",
    ] {
        assert!(json.get(key).is_some(), "{key} missing from {json}");
    }
}

#[test]
fn fees_are_sent_explicitly_free_when_the_procedure_has_none_and_left_out_while_unknown() {
    let (d, events) = lifecycle(Channel::Direct, &[]);
    let mut p = procedure();
    // The seed's fee is set by the province (no amount): nothing to send until it is asked for.
    let r = dossier_record(&d, Some(&p), &facts(&events), &RecordNames::default());
    assert!(r.danh_sach_le_phi.is_empty(), "{:?}", r.danh_sach_le_phi);
    // Without fees at all the procedure is free, said with Gia 0 (a missing list is not 0).
    for c in &mut p.channels {
        c.fees.clear();
    }
    let r = dossier_record(&d, Some(&p), &facts(&events), &RecordNames::default());
    assert_eq!(r.danh_sach_le_phi.len(), 1);
    assert_eq!(r.danh_sach_le_phi[0].gia, 0);
    // A fee with its amount in the catalogue is sent as it is.
    p.channels[0].fees.push(motcua_domain::catalogue::Fee {
        name: "Phí".into(),
        amount_vnd: Some(8_000),
        note: None,
    });
    let r = dossier_record(&d, Some(&p), &facts(&events), &RecordNames::default());
    assert_eq!(r.danh_sach_le_phi[0].gia, 8_000);
    // Open, not received: status 2 at the counter, the agency's code when no name is known,
    // the dossier code as the receipt number, nothing ended.
    assert_eq!(r.trang_thai_ho_so, 2);
    assert_eq!(r.don_vi_xu_ly, "24958.UBND");
    assert_eq!(r.so_bien_nhan, "24958-250303-0001");
    assert_eq!(
        (r.ngay_tra.as_str(), r.ngay_ket_thuc_xu_ly.as_str()),
        ("", "")
    );
    assert_eq!(r.hinh_thuc, 1);
}

#[test]
fn every_step_names_who_did_what_when_and_the_appointment_then() {
    let (d, events) = supplement_then_finish();
    let facts = facts(&events);
    let who = Handler {
        name: "Trần Thị Bình".into(),
        title: "Công chức tiếp nhận".into(),
        department: "Trung tâm Phục vụ hành chính công".into(),
    };
    let steps: Vec<_> = (0..facts.len())
        .map(|i| progress_step(d.code.as_str(), &facts, i, &who).unwrap())
        .collect();
    let statuses: Vec<u8> = steps.iter().map(|s| s.trang_thai).collect();
    assert_eq!(
        statuses,
        [2, 5, 2, 6, 4, 9, 10],
        "the answer resumes where the request paused"
    );
    assert_eq!(steps[0].noi_dung_xu_ly, "Tiếp nhận hồ sơ");
    assert_eq!(steps[0].ngay_bat_dau, steps[0].thoi_diem_xu_ly);
    assert_eq!(
        steps[1].noi_dung_xu_ly,
        "Yêu cầu bổ sung, hoàn thiện hồ sơ: Thiếu giấy tờ"
    );
    assert_eq!(
        steps[1].ngay_bat_dau, "20250701080000",
        "began at the step before"
    );
    assert_eq!(steps[1].thoi_diem_xu_ly, "20250701100000");
    // The appointment in force: the first until the answer, then the later one.
    assert_eq!(
        steps[1].ngay_ket_thuc_theo_quy_dinh,
        steps[0].ngay_ket_thuc_theo_quy_dinh
    );
    assert!(steps[2].ngay_ket_thuc_theo_quy_dinh > steps[1].ngay_ket_thuc_theo_quy_dinh);
    assert_eq!(steps[6].nguoi_xu_ly, "Trần Thị Bình");
    assert_eq!(steps[6].ma_ho_so, "24958-250303-0001");
    assert!(progress_step(d.code.as_str(), &facts, facts.len(), &who).is_none());
    // Never without a name: the department's, else the one-stop unit's.
    let nameless = Handler {
        name: " ".into(),
        title: String::new(),
        department: "UBND xã Đức Trọng".into(),
    };
    let s = progress_step(d.code.as_str(), &facts, 0, &nameless).unwrap();
    assert_eq!(s.nguoi_xu_ly, "UBND xã Đức Trọng");
    let s = progress_step(d.code.as_str(), &facts, 0, &Handler::default()).unwrap();
    assert_eq!(s.nguoi_xu_ly, "Bộ phận Một cửa");
    let json = serde_json::to_value(&steps[0]).unwrap();
    for key in [
        "MaHoSo",
        "NguoiXuLy",
        "ChucDanh",
        "ThoiDiemXuLy",
        "PhongBanXuLy",
        "NoiDungXuLy",
        "TrangThai",
        "NgayBatDau",
        "NgayKetThucTheoQuyDinh",
    ] {
        assert!(json.get(key).is_some(), "{key} missing from {json}");
    }
}

#[test]
fn an_online_submission_is_status_1_until_received() {
    let (d, events) = lifecycle(Channel::Online, &[]);
    let r = dossier_record(
        &d,
        Some(&procedure()),
        &facts(&events),
        &RecordNames::default(),
    );
    assert_eq!((r.trang_thai_ho_so, r.kenh_thuc_hien), (1, 2));
    assert_eq!(r.ngay_hen_tra, "");
    assert_eq!(
        r.ngay_tiep_nhan, "20250701080000",
        "submitted, until received"
    );
}
