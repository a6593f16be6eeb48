//! Agencies: the bodies that receive and handle dossiers. Each unit has its own (commune
//! People's Committee, commune police, commune Public Administration Service Center); each
//! province has departments, the provincial police and the provincial center.
//!
//! This is the minimal registry (code, name, unit, kind); competence — which agency handles which
//! procedure where — belongs to the authority registry.

use crate::ids::{AgencyCode, ProvinceCode, UnitCode};
use crate::units::{Commune, Province};
use serde::{Deserialize, Serialize};

/// The level an agency sits at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Level {
    /// Ministries and central bodies.
    Central,
    /// Province or centrally-run city.
    Province,
    /// Commune, ward or special zone.
    Commune,
}

/// What kind of body an agency is; procedures name the kind that is competent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum AgencyKind {
    /// Ủy ban nhân dân xã/phường/đặc khu (commune People's Committee).
    CommunePeoplesCommittee,
    /// Công an xã/phường (commune police).
    CommunePolice,
    /// Trung tâm Phục vụ hành chính công xã (commune service center, Decree 118/2025 art. 7(3)).
    CommuneServiceCenter,
    /// Ủy ban nhân dân tỉnh (provincial People's Committee).
    ProvincialPeoplesCommittee,
    /// Trung tâm Phục vụ hành chính công tỉnh (provincial service center).
    ProvincialServiceCenter,
    /// Công an tỉnh (provincial police).
    ProvincialPolice,
    /// Sở Tư pháp (Department of Justice).
    DepartmentOfJustice,
    /// Sở Nội vụ (Department of Home Affairs).
    DepartmentOfHomeAffairs,
    /// Sở Xây dựng (Department of Construction).
    DepartmentOfConstruction,
    /// Bảo hiểm xã hội (social insurance office serving the area).
    SocialInsurance,
}

impl AgencyKind {
    /// Whether a leader of the unit sits here: the People's Committee that governs the commune
    /// or province, and its public-administration service centre. A "unit leader" role held at
    /// any other body (a department, the police, social insurance) reaches that body only.
    pub fn leads_its_unit(self) -> bool {
        use AgencyKind::*;
        matches!(
            self,
            CommunePeoplesCommittee
                | CommuneServiceCenter
                | ProvincialPeoplesCommittee
                | ProvincialServiceCenter
        )
    }

    /// The level this kind of agency sits at.
    pub fn level(self) -> Level {
        use AgencyKind::*;
        match self {
            CommunePeoplesCommittee | CommunePolice | CommuneServiceCenter => Level::Commune,
            ProvincialPeoplesCommittee
            | ProvincialServiceCenter
            | ProvincialPolice
            | DepartmentOfJustice
            | DepartmentOfHomeAffairs
            | DepartmentOfConstruction
            | SocialInsurance => Level::Province,
        }
    }

    /// The code suffix used for the standard agencies (`24958.UBND`, `68.STP`, …).
    pub fn suffix(self) -> &'static str {
        use AgencyKind::*;
        match self {
            CommunePeoplesCommittee | ProvincialPeoplesCommittee => "UBND",
            CommunePolice | ProvincialPolice => "CA",
            CommuneServiceCenter | ProvincialServiceCenter => "TTPVHCC",
            DepartmentOfJustice => "STP",
            DepartmentOfHomeAffairs => "SNV",
            DepartmentOfConstruction => "SXD",
            SocialInsurance => "BHXH",
        }
    }

    /// True for the kinds that run a one-stop counter (receiving points).
    pub fn is_receiving_point(self) -> bool {
        matches!(
            self,
            AgencyKind::CommuneServiceCenter | AgencyKind::ProvincialServiceCenter
        )
    }

    /// The kind's title in Vietnamese (e.g. "Công an").
    pub fn title(self) -> &'static str {
        use AgencyKind::*;
        match self {
            CommunePeoplesCommittee | ProvincialPeoplesCommittee => "Ủy ban nhân dân",
            CommunePolice | ProvincialPolice => "Công an",
            CommuneServiceCenter | ProvincialServiceCenter => "Trung tâm Phục vụ hành chính công",
            DepartmentOfJustice => "Sở Tư pháp",
            DepartmentOfHomeAffairs => "Sở Nội vụ",
            DepartmentOfConstruction => "Sở Xây dựng",
            SocialInsurance => "Bảo hiểm xã hội",
        }
    }

    /// The standard kinds every commune has.
    pub const COMMUNE_STANDARD: [AgencyKind; 3] = [
        AgencyKind::CommunePeoplesCommittee,
        AgencyKind::CommunePolice,
        AgencyKind::CommuneServiceCenter,
    ];

    /// The standard kinds registered for every province.
    pub const PROVINCE_STANDARD: [AgencyKind; 7] = [
        AgencyKind::ProvincialPeoplesCommittee,
        AgencyKind::ProvincialServiceCenter,
        AgencyKind::ProvincialPolice,
        AgencyKind::DepartmentOfJustice,
        AgencyKind::DepartmentOfHomeAffairs,
        AgencyKind::DepartmentOfConstruction,
        AgencyKind::SocialInsurance,
    ];
}

/// An agency of the registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Agency {
    /// Code, e.g. `24958.TTPVHCC`.
    pub code: AgencyCode,
    /// Full name in Vietnamese.
    pub name: String,
    /// Kind of body.
    pub kind: AgencyKind,
    /// Level.
    pub level: Level,
    /// The province it belongs to (the tenant key).
    pub province_code: ProvinceCode,
    /// The commune it serves, for commune-level agencies.
    pub unit_code: Option<UnitCode>,
    /// Where and how the public reaches it, as its province administrator recorded it (never
    /// generated: absent until recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<AgencyContact>,
}

/// An agency's address, phone and public hours.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgencyContact {
    /// Street address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Phone number for the public.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Public hours in words (e.g. "Thứ Hai – Thứ Sáu 7:30–11:30, 13:30–17:00; sáng thứ Bảy").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<String>,
}

impl AgencyContact {
    /// Checks and trims the contact: texts without control characters, an address and hours of
    /// at most 300 characters, a phone number of digits (spaces, dots, dashes, `+` allowed).
    /// Empty parts become absent; an all-empty contact is `None`.
    pub fn checked(self) -> Result<Option<AgencyContact>, String> {
        let clean = |v: Option<String>, name: &str, max: usize| -> Result<Option<String>, String> {
            match v.map(|s| crate::text::nfc(&s)).filter(|s| !s.is_empty()) {
                None => Ok(None),
                Some(s) if s.chars().count() > max || crate::text::has_hostile_chars(&s) => Err(
                    format!("{name}: at most {max} characters, no control characters"),
                ),
                Some(s) => Ok(Some(s)),
            }
        };
        let phone = clean(self.phone, "phone", 40)?;
        if let Some(p) = &phone {
            let ok = p.chars().filter(char::is_ascii_digit).count() >= 6
                && p.chars()
                    .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '.' | '-' | '+' | '(' | ')'));
            if !ok {
                return Err("phone: digits, spaces, dots, dashes, + and brackets".into());
            }
        }
        let c = AgencyContact {
            address: clean(self.address, "address", 300)?,
            phone,
            hours: clean(self.hours, "hours", 300)?,
        };
        Ok((c != AgencyContact::default()).then_some(c))
    }
}

/// Strips the type word from a province name for agency titles ("Tỉnh Lâm Đồng" → "tỉnh Lâm Đồng").
fn lower_first(name: &str) -> String {
    let mut c = name.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The standard agencies of a commune (People's Committee, police, service center).
pub fn commune_agencies(c: &Commune) -> Vec<Agency> {
    AgencyKind::COMMUNE_STANDARD
        .iter()
        .map(|&kind| Agency {
            code: AgencyCode::parse(&format!("{}.{}", c.code, kind.suffix()))
                .expect("unit codes are digits"),
            name: format!("{} {}", kind.title(), lower_first(&c.name)),
            kind,
            level: Level::Commune,
            province_code: c.province_code.clone(),
            unit_code: Some(c.code.clone()),
            contact: None,
        })
        .collect()
}

/// The standard agencies of a province (People's Committee, center, police, departments).
pub fn province_agencies(p: &Province) -> Vec<Agency> {
    AgencyKind::PROVINCE_STANDARD
        .iter()
        .map(|&kind| {
            let name = match kind {
                AgencyKind::ProvincialPeoplesCommittee
                | AgencyKind::ProvincialPolice
                | AgencyKind::ProvincialServiceCenter
                | AgencyKind::SocialInsurance => {
                    format!("{} {}", kind.title(), lower_first(&p.name))
                }
                _ => format!(
                    "{} {}",
                    kind.title(),
                    p.name
                        .trim_start_matches("Tỉnh ")
                        .trim_start_matches("Thành phố ")
                ),
            };
            Agency {
                code: AgencyCode::parse(&format!("{}.{}", p.code, kind.suffix()))
                    .expect("province codes are digits"),
                name,
                kind,
                level: Level::Province,
                province_code: p.code.clone(),
                unit_code: None,
                contact: None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_commune_gets_committee_police_and_center() {
        let c = Commune {
            code: UnitCode::parse("24958").unwrap(),
            name: "Xã Đức Trọng".into(),
            kind: "xã".into(),
            province_code: ProvinceCode::parse("68").unwrap(),
            codename: "xa_duc_trong".into(),
        };
        let a = commune_agencies(&c);
        let codes: Vec<_> = a.iter().map(|a| a.code.as_str()).collect();
        assert_eq!(codes, ["24958.UBND", "24958.CA", "24958.TTPVHCC"]);
        assert_eq!(a[2].name, "Trung tâm Phục vụ hành chính công xã Đức Trọng");
    }

    #[test]
    fn a_province_gets_its_department_of_justice() {
        let p = Province {
            code: ProvinceCode::parse("68").unwrap(),
            name: "Tỉnh Lâm Đồng".into(),
            kind: "tỉnh".into(),
            codename: "lam_dong".into(),
        };
        let a = province_agencies(&p);
        let stp = a
            .iter()
            .find(|a| a.kind == AgencyKind::DepartmentOfJustice)
            .unwrap();
        assert_eq!(stp.code.as_str(), "68.STP");
        assert_eq!(stp.name, "Sở Tư pháp Lâm Đồng");
        assert_eq!(stp.level, Level::Province);
    }
}
