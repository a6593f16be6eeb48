//! The catalogue's CSV list import: any text either parses into procedures that validate (or
//! say why not) or is refused with an error — never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use motcua_domain::catalogue::csv_import;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(list) = csv_import::parse(s) {
        for p in &list {
            let _ = p.validate();
        }
    }
});
