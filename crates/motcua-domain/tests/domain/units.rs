//! Unit catalogue and address resolution against the shipped NSO data.

use motcua_domain::units::{UnitDirectory, UnitsData};
use std::sync::LazyLock;

static DIR: LazyLock<UnitDirectory> = LazyLock::new(|| {
    let data = UnitsData::from_csv(
        include_str!("../../../../data/units/provinces_2025.csv"),
        include_str!("../../../../data/units/communes_2025.csv"),
        include_str!("../../../../data/units/mapping_2025.csv"),
    )
    .expect("shipped data parses");
    UnitDirectory::new(data)
});

fn new_codes(address: &str) -> Vec<String> {
    let mut v: Vec<String> = DIR
        .resolve_address(address)
        .candidates
        .iter()
        .map(|c| c.commune_code.to_string())
        .collect();
    v.sort();
    v.dedup();
    v
}

#[test]
fn the_shipped_catalogue_has_34_provinces_3321_communes_10571_links() {
    let d = DIR.data();
    assert_eq!(d.provinces.len(), 34);
    assert_eq!(d.communes.len(), 3321);
    assert_eq!(d.mapping.len(), 10571);
    let lam_dong = DIR.communes_of(&"68".parse().unwrap());
    assert_eq!(lam_dong.len(), 124);
    assert_eq!(DIR.communes_of(&"01".parse().unwrap()).len(), 126);
    assert_eq!(DIR.communes_of(&"79".parse().unwrap()).len(), 168);
}

#[test]
fn old_addresses_resolve_with_or_without_diacritics_and_prefixes() {
    let cases = [
        ("Xã Phú Hội, Huyện Đức Trọng, Tỉnh Lâm Đồng", "24958"),
        ("xa phu hoi, huyen duc trong, tinh lam dong", "24958"),
        ("Phú Hội, Đức Trọng, Lâm Đồng", "24958"),
        ("XÃ PHÚ HỘI, H. ĐỨC TRỌNG, LÂM ĐỒNG", "24958"),
        (
            "Thị trấn Liên Nghĩa, Huyện Đức Trọng, Tỉnh Lâm Đồng",
            "24958",
        ),
        ("TT Liên Nghĩa, Đức Trọng, Lâm Đồng", "24958"),
        (
            "Thôn 2, Xã Phú Hội, Huyện Đức Trọng, Tỉnh Lâm Đồng",
            "24958",
        ),
        // A new address is recognised as such.
        ("Xã Đức Trọng, Tỉnh Lâm Đồng", "24958"),
    ];
    for (address, want) in cases {
        assert_eq!(new_codes(address), vec![want.to_string()], "{address}");
    }
}

#[test]
fn city_prefixes_and_numbered_wards_are_tolerated() {
    // Phường 1 of the old city of Đà Lạt; "Tp." / "TP" / "Thành phố" all work.
    let a = new_codes("Phường 1, Thành phố Đà Lạt, Tỉnh Lâm Đồng");
    assert!(!a.is_empty());
    assert_eq!(new_codes("P. 1, Tp. Đà Lạt, Lâm Đồng"), a);
    assert_eq!(new_codes("Phường 01, TP Đà Lạt, Lâm Đồng"), a);
    // District 1 of old Hồ Chí Minh City: "Q.1".
    let b = new_codes("Phường Bến Nghé, Q.1, TP Hồ Chí Minh");
    assert!(!b.is_empty());
    assert_eq!(
        new_codes("Phuong Ben Nghe, Quan 1, Thanh pho Ho Chi Minh"),
        b
    );
}

#[test]
fn the_district_tells_same_named_communes_apart() {
    // Many provinces have a "Xã Tân Hòa"; without district or province the answer is ambiguous.
    let r = DIR.resolve_address("Xã Tân Hòa");
    assert!(r.ambiguous, "expected several old communes named Tân Hòa");
    let with_province: Vec<_> = DIR
        .data()
        .mapping
        .iter()
        .filter(|m| m.old_commune_name == "Xã Tân Hòa")
        .map(|m| (m.old_district_name.clone(), m.old_province_name.clone()))
        .collect();
    let (district, province) = &with_province[0];
    let r = DIR.resolve_address(&format!("Xã Tân Hòa, {district}, {province}"));
    assert!(!r.ambiguous, "{district}, {province}: {r:?}");
}

#[test]
fn a_split_old_commune_returns_every_candidate_marked_partial() {
    let r = DIR.resolve_old_code("00019"); // Phường Điện Biên, Ba Đình: split in four
    assert_eq!(r.candidates.len(), 4);
    assert!(r.candidates.iter().all(|c| c.partial));
    let r = DIR.resolve_address("Phường Điện Biên, Quận Ba Đình, Thành phố Hà Nội");
    assert_eq!(r.candidates.len(), 4);
    assert!(
        !r.ambiguous,
        "one old commune split in four is not ambiguous"
    );
}

#[test]
fn unknown_addresses_resolve_to_nothing() {
    let r = DIR.resolve_address("Xã Không Tồn Tại, Huyện Hư Cấu");
    assert!(r.candidates.is_empty());
    assert_eq!(r.matched, "none");
    assert!(DIR.resolve_old_code("99999").candidates.is_empty());
}
