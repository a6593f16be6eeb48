//! Identifiers parsed at the boundary ("parse, don't validate"): once a value of one of these
//! types exists, it is well-formed, so the rest of the code never re-checks it.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a raw string is not a valid identifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} {value:?} is not valid: {rule}")]
pub struct InvalidId {
    /// The kind of identifier (`province code`, `CCCD number`, …).
    pub what: &'static str,
    /// The rejected input (truncated).
    pub value: String,
    /// The rule it breaks.
    pub rule: &'static str,
}

fn invalid(what: &'static str, value: &str, rule: &'static str) -> InvalidId {
    InvalidId {
        what,
        value: value.chars().take(40).collect(),
        rule,
    }
}

macro_rules! string_id {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String))]
        pub struct $name(String);

        impl $name {
            /// The identifier as a string slice.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                $name::parse(&s).map_err(serde::de::Error::custom)
            }
        }

        impl std::str::FromStr for $name {
            type Err = InvalidId;
            fn from_str(s: &str) -> Result<Self, InvalidId> {
                $name::parse(s)
            }
        }
    };
}

fn all_digits(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_digit())
}

string_id!(
    /// A province code of the statistics office: two digits, e.g. `68` (Lâm Đồng).
    ProvinceCode
);
impl ProvinceCode {
    /// Parses a two-digit province code.
    pub fn parse(s: &str) -> Result<Self, InvalidId> {
        let s = s.trim();
        if all_digits(s, 2) {
            Ok(Self(s.to_owned()))
        } else {
            Err(invalid("province code", s, "two digits, e.g. 68"))
        }
    }
}

string_id!(
    /// A commune-level unit code of the statistics office: five digits, e.g. `24958`.
    UnitCode
);
impl UnitCode {
    /// Parses a five-digit commune code.
    pub fn parse(s: &str) -> Result<Self, InvalidId> {
        let s = s.trim();
        if all_digits(s, 5) {
            Ok(Self(s.to_owned()))
        } else {
            Err(invalid("unit code", s, "five digits, e.g. 24958"))
        }
    }
}

string_id!(
    /// An agency code, e.g. `24958.TTPVHCC` (a commune's service center) or `68.STP`
    /// (Lâm Đồng's Department of Justice). Letters, digits, `.`, `-` and `_`, at most 40.
    AgencyCode
);
impl AgencyCode {
    /// Parses an agency code.
    pub fn parse(s: &str) -> Result<Self, InvalidId> {
        let s = s.trim();
        let ok = !s.is_empty()
            && s.len() <= 40
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(invalid(
                "agency code",
                s,
                "letters, digits, '.', '-', '_', at most 40",
            ))
        }
    }
}

string_id!(
    /// A national procedure code, e.g. `1.001193`, or a local code for procedures the national
    /// database lists without one (letters, digits, `.`, `-`; at most 40).
    ProcedureCode
);
impl ProcedureCode {
    /// Parses a procedure code.
    pub fn parse(s: &str) -> Result<Self, InvalidId> {
        let s = s.trim();
        // Starting and ending with a letter or digit: `.`, `..` or `1.001193.` are not codes
        // (nor safe path segments).
        let edge = |b: Option<&u8>| b.is_some_and(u8::is_ascii_alphanumeric);
        let ok = !s.is_empty()
            && s.len() <= 40
            && edge(s.as_bytes().first())
            && edge(s.as_bytes().last())
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b".-_".contains(&b));
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(invalid("procedure code", s, "like 1.001193"))
        }
    }
}

string_id!(
    /// A citizen identity card number (CCCD): exactly 12 digits. The first three digits are the
    /// place of birth registration, the fourth encodes century and sex, the next two the year.
    CitizenId
);
impl CitizenId {
    /// Parses a CCCD number; spaces are tolerated and removed.
    pub fn parse(s: &str) -> Result<Self, InvalidId> {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        if all_digits(&s, 12) {
            Ok(Self(s))
        } else {
            Err(invalid("CCCD number", &s, "exactly 12 digits"))
        }
    }

    /// The number with all but the last four digits hidden, for lists and logs.
    pub fn masked(&self) -> String {
        format!("********{}", &self.0[8..])
    }
}

string_id!(
    /// A Vietnamese phone number, normalised to digits starting with `0` (e.g. `0912345678`);
    /// `+84` is accepted and rewritten.
    Phone
);
impl Phone {
    /// Parses a phone number; spaces, dots and dashes are tolerated.
    pub fn parse(s: &str) -> Result<Self, InvalidId> {
        let raw: String = s
            .chars()
            .filter(|c| !matches!(c, ' ' | '.' | '-'))
            .collect();
        let digits = match raw.strip_prefix("+84") {
            Some(rest) => format!("0{rest}"),
            None => raw.clone(),
        };
        let ok = (10..=11).contains(&digits.len())
            && digits.starts_with('0')
            && digits.bytes().all(|b| b.is_ascii_digit());
        if ok {
            Ok(Self(digits))
        } else {
            Err(invalid(
                "phone number",
                &raw,
                "10 or 11 digits starting with 0 or +84",
            ))
        }
    }

    /// The number with the middle digits hidden.
    pub fn masked(&self) -> String {
        let n = self.0.len();
        format!("{}****{}", &self.0[..3], &self.0[n - 3..])
    }
}

string_id!(
    /// A dossier code, the human reference printed on the receipt, e.g. `24958-250124-0001`.
    /// Upper-case letters, digits, `.` and `-`, at most 60 characters.
    DossierCode
);
impl DossierCode {
    /// Parses a dossier code.
    pub fn parse(s: &str) -> Result<Self, InvalidId> {
        let s = s.trim();
        let ok = !s.is_empty()
            && s.len() <= 60
            && s.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b"-.".contains(&b));
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(invalid("dossier code", s, "like 24958-250124-0001"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cccd_must_have_exactly_twelve_digits() {
        assert!(CitizenId::parse("068095001234").is_ok());
        assert!(CitizenId::parse("068 095 001 234").is_ok());
        for bad in [
            "",
            "06809500123",
            "0680950012345",
            "06809500123a",
            "٠٦٨٠٩٥٠٠١٢٣٤",
        ] {
            assert!(CitizenId::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn phone_accepts_plus84_and_rejects_letters() {
        assert_eq!(
            Phone::parse("+84 912 345 678").unwrap().as_str(),
            "0912345678"
        );
        assert!(Phone::parse("0912-345-678").is_ok());
        assert!(Phone::parse("912345678").is_err());
        assert!(Phone::parse("09123456ab").is_err());
    }

    #[test]
    fn masking_hides_the_middle() {
        assert_eq!(
            CitizenId::parse("068095001234").unwrap().masked(),
            "********1234"
        );
        assert_eq!(Phone::parse("0912345678").unwrap().masked(), "091****678");
    }

    #[test]
    fn codes_reject_hostile_strings() {
        assert!(UnitCode::parse("2495'").is_err());
        assert!(AgencyCode::parse("68.STP; DROP TABLE").is_err());
        assert!(DossierCode::parse("<script>").is_err());
        assert!(ProcedureCode::parse("1.001193").is_ok());
        assert!(ProcedureCode::parse("local.ly-lich-tu-phap").is_ok());
        for bad in [".", "..", "1.001193.", "-x", "a b", ""] {
            assert!(ProcedureCode::parse(bad).is_err(), "{bad}");
        }
    }
}
