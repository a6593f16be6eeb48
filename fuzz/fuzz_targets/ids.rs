//! Every parser of a code or value typed by a person or sent by a client: none may panic, and
//! what one accepts must read back as itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use motcua_domain::accounts::Username;
use motcua_domain::calendar::{OfficeHours, parse_iso_date};
use motcua_domain::dossier::code::CodePattern;
use motcua_domain::ids::{AgencyCode, CitizenId, DossierCode, Phone, ProcedureCode, ProvinceCode, UnitCode};

fn round_trip<T: std::fmt::Display + PartialEq + std::fmt::Debug>(
    parse: impl Fn(&str) -> Option<T>,
    s: &str,
) {
    if let Some(v) = parse(s) {
        let again = parse(&v.to_string());
        assert_eq!(again.as_ref(), Some(&v), "{s:?} read back differently");
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    round_trip(|x| ProvinceCode::parse(x).ok(), s);
    round_trip(|x| UnitCode::parse(x).ok(), s);
    round_trip(|x| AgencyCode::parse(x).ok(), s);
    round_trip(|x| ProcedureCode::parse(x).ok(), s);
    round_trip(|x| DossierCode::parse(x).ok(), s);
    round_trip(|x| Phone::parse(x).ok(), s);
    round_trip(|x| CitizenId::parse(x).ok(), s);
    round_trip(|x| Username::parse(x).ok(), s);
    if let Ok(p) = Phone::parse(s) {
        let _ = p.masked();
    }
    if let Ok(c) = CitizenId::parse(s) {
        let _ = c.masked();
    }
    let _ = CodePattern::parse(s);
    let _ = OfficeHours::parse(s);
    let _ = parse_iso_date(s);
});
