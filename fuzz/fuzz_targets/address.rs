//! Address resolution (pre-2025 addresses, typed by anyone on the public pages) over the real
//! unit data: never a panic, whatever the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use motcua_domain::units::{UnitDirectory, UnitsData};
use std::sync::OnceLock;

fn directory() -> &'static UnitDirectory {
    static D: OnceLock<UnitDirectory> = OnceLock::new();
    D.get_or_init(|| {
        UnitDirectory::new(
            UnitsData::from_csv(
                include_str!("../../data/units/provinces_2025.csv"),
                include_str!("../../data/units/communes_2025.csv"),
                include_str!("../../data/units/mapping_2025.csv"),
            )
            .expect("shipped unit data"),
        )
    })
}

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let d = directory();
    let _ = d.resolve_address(&s);
    let _ = d.resolve_old_code(&s);
});
