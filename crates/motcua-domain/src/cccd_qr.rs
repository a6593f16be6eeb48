//! The QR code on the chip identity card (CCCD), as a 2D scanner types it into a field: seven
//! fields separated by `|` — the 12-digit number, the old 9-digit number (often empty), the
//! full name, the date of birth (`ddmmyyyy`), the sex (`Nam`/`Nữ`), the permanent residence,
//! and the issue date (`ddmmyyyy`). This is the layout read from issued cards (no published
//! specification was found; `docs/DOMAIN.md` has none): a scan is taken only when every field
//! is where it should be, and a bad or partial scan names what is missing rather than filling
//! the form with half a person.

use crate::ids::CitizenId;
use time::{Date, Month};

/// What the card's QR code says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardScan {
    /// The CCCD number.
    pub id_number: CitizenId,
    /// The old identity card number (CMND, 9 digits), when the card carries it.
    pub old_id: Option<String>,
    /// Full name as printed.
    pub name: String,
    /// Date of birth.
    pub birth_date: Date,
    /// `Nam` or `Nữ`, as printed.
    pub sex: String,
    /// Permanent residence as printed (an address from before the 2025 merger, often).
    pub address: String,
    /// When the card was issued.
    pub issued: Date,
}

/// Why a scan was not taken: the parts missing or unreadable, by name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the card's QR code could not be read: {}", .missing.join(", "))]
pub struct BadScan {
    /// `id_number`, `old_id`, `name`, `birth_date`, `sex`, `address`, `issued` (or `fields`
    /// when the scan does not have the seven of them).
    pub missing: Vec<&'static str>,
}

/// The parts of a scan, in order.
pub const PARTS: [&str; 7] = [
    "id_number",
    "old_id",
    "name",
    "birth_date",
    "sex",
    "address",
    "issued",
];

fn date(s: &str) -> Option<Date> {
    if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let d: u8 = s[0..2].parse().ok()?;
    let m: u8 = s[2..4].parse().ok()?;
    let y: i32 = s[4..8].parse().ok()?;
    Date::from_calendar_date(y, Month::try_from(m).ok()?, d).ok()
}

impl CardScan {
    /// Reads a scan; every part that is missing or unreadable is named.
    pub fn parse(scan: &str) -> Result<CardScan, BadScan> {
        let scan = scan.trim();
        if scan.chars().count() > 500 || crate::text::has_hostile_chars(scan) {
            return Err(BadScan {
                missing: vec!["fields"],
            });
        }
        // A scan cut short: its absent parts are checked as empty, so each is named. Parts a
        // newer card may add after the seven are not read.
        let mut parts: Vec<&str> = scan.split('|').map(str::trim).collect();
        parts.resize(PARTS.len(), "");
        let mut missing = Vec::new();
        let id = CitizenId::parse(parts[0]).ok();
        if id.is_none() {
            missing.push("id_number");
        }
        let old_id = match parts[1] {
            "" => None,
            o if o.len() == 9 && o.bytes().all(|b| b.is_ascii_digit()) => Some(o.to_owned()),
            _ => {
                missing.push("old_id");
                None
            }
        };
        let name = crate::text::nfc(parts[2]);
        if name.is_empty() || name.chars().any(|c| c.is_ascii_digit()) {
            missing.push("name");
        }
        let birth = date(parts[3]);
        if birth.is_none() {
            missing.push("birth_date");
        }
        let sex = crate::text::nfc(parts[4]);
        if !matches!(sex.as_str(), "Nam" | "Nữ") {
            missing.push("sex");
        }
        let address = crate::text::nfc(parts[5]);
        if address.is_empty() {
            missing.push("address");
        }
        let issued = date(parts[6]);
        if issued.is_none() {
            missing.push("issued");
        }
        match (id, birth, issued) {
            (Some(id_number), Some(birth_date), Some(issued)) if missing.is_empty() => {
                Ok(CardScan {
                    id_number,
                    old_id,
                    name,
                    birth_date,
                    sex,
                    address,
                    issued,
                })
            }
            _ => Err(BadScan { missing }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const GOOD: &str = "068095001234|250123456|Nguyễn Văn An|15081995|Nam|Thôn Phú Thạnh, Phú Hội, Đức Trọng, Lâm Đồng|20042021";

    #[test]
    fn a_whole_scan_fills_the_applicant() {
        let s = CardScan::parse(GOOD).unwrap();
        assert_eq!(s.id_number.as_str(), "068095001234");
        assert_eq!(s.old_id.as_deref(), Some("250123456"));
        assert_eq!(s.name, "Nguyễn Văn An");
        assert_eq!(s.birth_date, date!(1995 - 08 - 15));
        assert_eq!(s.sex, "Nam");
        assert_eq!(s.address, "Thôn Phú Thạnh, Phú Hội, Đức Trọng, Lâm Đồng");
        assert_eq!(s.issued, date!(2021 - 04 - 20));
        // A card issued without an old number.
        let s =
            CardScan::parse("068195002345||Trần Thị Bé|01012000|Nữ|Xã Đức Trọng|01072025").unwrap();
        assert_eq!(s.old_id, None);
    }

    #[test]
    fn a_bad_or_partial_scan_names_what_is_missing() {
        let cases: [(&str, &[&str]); 7] = [
            (
                "068095001234|250123456|Nguyễn Văn An|1508",
                &["birth_date", "sex", "address", "issued"],
            ),
            (
                "068095001234|250123456|Nguyễn Văn An",
                &["birth_date", "sex", "address", "issued"],
            ),
            (
                "06809500|250123456|Nguyễn Văn An|15081995|Nam|X|20042021",
                &["id_number"],
            ),
            (
                "068095001234|250123456|Nguyễn Văn An|31021995|Nam|X|20042021",
                &["birth_date"],
            ),
            (
                "068095001234|25|Nguyễn Văn An|15081995|Male|X|2004",
                &["old_id", "sex", "issued"],
            ),
            (
                "068095001234||  |15081995|Nam||20042021",
                &["name", "address"],
            ),
            (
                "hello",
                &[
                    "id_number",
                    "name",
                    "birth_date",
                    "sex",
                    "address",
                    "issued",
                ],
            ),
        ];
        for (scan, want) in cases {
            assert_eq!(CardScan::parse(scan).unwrap_err().missing, want, "{scan}");
        }
        assert_eq!(
            CardScan::parse("068095001234|\u{202E}|A|15081995|Nam|X|20042021")
                .unwrap_err()
                .missing,
            ["fields"]
        );
    }
}
