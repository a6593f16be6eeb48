//! Integrity signals (issue #7): brokers, forbidden demands, outliers — as tables, with the
//! ordinary cases that must not be flagged.

use crate::common::{new_dossier, open, procedure};
use motcua_domain::calendar::{OfficeHours, WorkingCalendar, official_2025};
use motcua_domain::catalogue::Channel;
use motcua_domain::dossier::{ActionContext, Applicant, Command, Dossier, NewDossier};
use motcua_domain::ids::DossierCode;
use motcua_domain::integrity::{
    ContactKind, ForbiddenDemand, OutlierRule, RateInput, broker_clusters, demand_flags,
    family_name, forbidden_demand, outliers,
};
use time::macros::datetime;

fn dossier(
    n: u32,
    name: &str,
    id: &str,
    phone: &str,
    email: Option<&str>,
    channel: Channel,
) -> Dossier {
    let base = new_dossier(channel);
    open(
        NewDossier {
            code: DossierCode::parse(&format!("24958-250303-{n:04}")).unwrap(),
            applicant: Applicant {
                name: name.into(),
                id_number: id.parse().unwrap(),
                phone: phone.parse().unwrap(),
                email: email.map(str::to_owned),
                address: None,
            },
            ..base
        },
        datetime!(2025-03-03 09:00 +7) + time::Duration::minutes(i64::from(n)),
    )
}

#[test]
fn family_names_are_the_first_word_folded() {
    assert_eq!(family_name("Nguyễn Văn An"), "nguyen");
    assert_eq!(family_name("  ĐẶNG thị Bình"), "dang");
}

#[test]
fn a_broker_is_found_and_a_family_or_a_few_neighbours_are_not() {
    let broker_names = [
        "Nguyễn Văn An",
        "Trần Thị Bình",
        "Lê Văn Cường",
        "Phạm Thị Dung",
        "Hoàng Văn Em",
    ];
    let mut all = Vec::new();
    for (i, name) in broker_names.iter().enumerate() {
        all.push(dossier(
            i as u32 + 1,
            name,
            &format!("06809500{:04}", 100 + i),
            "0909000766",
            Some("DichVu.HoSo@example.vn"),
            Channel::Online,
        ));
    }
    // A mother files for four children with her phone: one or two family names.
    for (i, name) in [
        "Võ Thị Hoa",
        "Đỗ Văn Khang",
        "Đỗ Thị Lan",
        "Đỗ Văn Minh",
        "Đỗ Thị Ngọc",
    ]
    .iter()
    .enumerate()
    {
        all.push(dossier(
            20 + i as u32,
            name,
            &format!("06809600{:04}", 200 + i),
            "0911222333",
            None,
            Channel::Direct,
        ));
    }
    // Three unrelated neighbours share one phone: fewer than the threshold.
    for (i, name) in ["Bùi Văn Ơn", "Cao Thị Phúc", "Dương Văn Quý"]
        .iter()
        .enumerate()
    {
        all.push(dossier(
            40 + i as u32,
            name,
            &format!("06809700{:04}", 300 + i),
            "0977000111",
            None,
            Channel::Direct,
        ));
    }
    // One applicant filing five times with their own phone: one applicant.
    for i in 0..5 {
        all.push(dossier(
            60 + i,
            "Lý Văn Sơn",
            "068098000400",
            "0988000222",
            None,
            Channel::Direct,
        ));
    }
    let found = broker_clusters(&all, 5);
    assert_eq!(
        found.len(),
        1,
        "the phone and the e-mail of the same dossiers are one cluster"
    );
    let contacts: Vec<(ContactKind, &str)> = found[0]
        .contacts
        .iter()
        .map(|c| (c.kind, c.value.as_str()))
        .collect();
    assert_eq!(
        contacts,
        vec![
            (ContactKind::Phone, "0909000766"),
            (ContactKind::Email, "dichvu.hoso@example.vn"),
        ]
    );
    assert_eq!(found[0].contact, "0909000766 · dichvu.hoso@example.vn");
    assert_eq!(found[0].applicants, 5);
    assert_eq!(found[0].dossiers.len(), 5);
    assert_eq!(found[0].family_names, 5);
    assert_eq!(found[0].agencies, vec!["24958.TTPVHCC".to_string()]);
    assert!(found[0].first <= found[0].last);
    // A lower threshold catches the neighbours; the family still is not.
    let lower = broker_clusters(&all, 3);
    assert!(lower.iter().any(|c| c.contact == "0977000111"));
    assert!(
        !lower
            .iter()
            .any(|c| c.contact == "0911222333" || c.contact == "0988000222")
    );
}

#[test]
fn forbidden_demands_are_recognised_with_or_without_diacritics() {
    let cases: &[(&str, Option<ForbiddenDemand>)] = &[
        (
            "Công dân chưa có tài khoản VNeID",
            Some(ForbiddenDemand::VneidAccount),
        ),
        (
            "yeu cau kich hoat tai khoan dinh danh dien tu muc 2",
            Some(ForbiddenDemand::VneidAccount),
        ),
        (
            "Đề nghị bổ sung giấy xác nhận địa chỉ cũ và địa chỉ mới",
            Some(ForbiddenDemand::AddressProof),
        ),
        (
            "Chưa có giấy tờ chứng minh nơi cư trú cũ",
            Some(ForbiddenDemand::AddressProof),
        ),
        (
            "Cần đối chiếu đơn vị hành chính cũ sau sắp xếp",
            Some(ForbiddenDemand::AddressProof),
        ),
        ("Tờ khai thiếu chữ ký", None),
        ("Không thuộc thẩm quyền giải quyết của xã", None),
        ("Địa chỉ mới ghi chưa đầy đủ số nhà", None),
        ("", None),
    ];
    for (text, want) in cases {
        assert_eq!(forbidden_demand(text), *want, "{text}");
    }
}

#[test]
fn only_in_person_filings_are_flagged_for_demands() {
    let cal = WorkingCalendar::new(OfficeHours::default(), [official_2025()]);
    let p = procedure();
    let refuse = |d: &Dossier| {
        let cmd = Command::Refuse {
            reason: "Người nộp chưa có tài khoản VNeID".into(),
        };
        d.apply(
            &cmd,
            ActionContext {
                now: datetime!(2025-03-03 10:00 +7),
                calendar: &cal,
                procedure: &p,
            },
        )
    };
    let online = dossier(
        1,
        "Nguyễn Văn An",
        "068095000101",
        "0912000001",
        None,
        Channel::Online,
    );
    let online = refuse(&online).unwrap().0;
    let mut counter = dossier(
        2,
        "Trần Thị Bình",
        "068095000102",
        "0912000002",
        None,
        Channel::Direct,
    );
    // A counter dossier received at once cannot be "refused at intake" by the lifecycle; the
    // recorded state of one refused at the counter before receipt is what is checked.
    counter.status = motcua_domain::dossier::Status::Refused;
    counter.reason = Some("Người nộp chưa có tài khoản VNeID".into());
    let flags = demand_flags(&[online, counter]);
    assert_eq!(flags.len(), 1);
    assert_eq!(
        (flags[0].code.as_str(), flags[0].action),
        ("24958-250303-0002", "refusal")
    );
    assert_eq!(flags[0].demand, ForbiddenDemand::VneidAccount);
}

#[test]
fn outliers_are_far_above_their_peers_for_the_same_procedure() {
    let r = |who: &str, procedure: &str, n: i64, d: i64| RateInput {
        who: who.into(),
        procedure: procedure.into(),
        numerator: n,
        denominator: d,
    };
    let inputs = vec![
        // A refuses 8 of 20 (40 %); peers B and C 2 of 40 (5 %): flagged.
        r("A", "1.004873", 8, 20),
        r("B", "1.004873", 1, 20),
        r("C", "1.004873", 1, 20),
        // D: 30 % against peers' 20 %: more, but neither twice nor 15 points above.
        r("D", "2.000815", 6, 20),
        r("E", "2.000815", 4, 20),
        // F: 100 % of 5 — below the smallest base worth judging.
        r("F", "1.004873", 5, 5),
        // G alone with its procedure: no peers, nothing to compare.
        r("G", "1.001193", 10, 10),
    ];
    let found = outliers(&inputs, OutlierRule::default());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].who.as_str(), found[0].rate), ("A", 0.4));
    // Peers of A: B, C and F: 7 of 45.
    assert_eq!(found[0].peer_rate, 0.1556);
}
