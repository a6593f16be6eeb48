//! Administrative units after the 1 July 2025 reorganisation, and resolution of pre-2025
//! addresses to the new units.
//!
//! The data are the statistics office (NSO) catalogue: 34 provinces, 3,321 commune-level units,
//! and the 10,571-row conversion table from old communes (see `data/units/README.md`). A split old
//! commune has several rows, each marked partial; resolving it returns every candidate.

use crate::ids::{ProvinceCode, UnitCode};
use crate::text::fold;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A province or centrally-run city.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Province {
    /// Two-digit NSO code.
    pub code: ProvinceCode,
    /// Official name, e.g. "Tỉnh Lâm Đồng".
    pub name: String,
    /// `tỉnh` or `thành phố trung ương`.
    pub kind: String,
    /// ASCII code name, e.g. `lam_dong`.
    pub codename: String,
}

/// A commune-level unit: `xã`, `phường` or `đặc khu`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Commune {
    /// Five-digit NSO code.
    pub code: UnitCode,
    /// Official name, e.g. "Xã Đức Trọng".
    pub name: String,
    /// `xã`, `phường` or `đặc khu`.
    pub kind: String,
    /// The province it belongs to.
    pub province_code: ProvinceCode,
    /// ASCII code name.
    pub codename: String,
}

/// One row of the NSO conversion table: a link from an old commune to a new one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappingRow {
    /// Old (pre-2025) province code.
    pub old_province_code: String,
    /// Old province name.
    pub old_province_name: String,
    /// Old district code (three digits).
    pub old_district_code: String,
    /// Old district name.
    pub old_district_name: String,
    /// Old commune code; empty for the six rows without one.
    pub old_commune_code: String,
    /// Old commune name.
    pub old_commune_name: String,
    /// The new commune.
    pub new_commune_code: UnitCode,
    /// Its name.
    pub new_commune_name: String,
    /// The new province.
    pub new_province_code: ProvinceCode,
    /// Its name.
    pub new_province_name: String,
    /// The NSO note unchanged (`Nhập toàn bộ`, `Nhập một phần`, …).
    pub nso_note: String,
    /// True when only part of the old commune went to this new one.
    pub is_partial: bool,
    /// How many new communes the old one was split into.
    pub old_split_count: u32,
}

/// The whole unit catalogue as loaded from the shipped CSV files or the store.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnitsData {
    /// The 34 provinces.
    pub provinces: Vec<Province>,
    /// The 3,321 communes.
    pub communes: Vec<Commune>,
    /// The conversion table.
    pub mapping: Vec<MappingRow>,
}

/// A CSV file did not have the expected shape.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {message}")]
pub struct UnitsCsvError {
    /// Which file.
    pub file: &'static str,
    /// What went wrong.
    pub message: String,
}

#[derive(Deserialize)]
struct ProvinceCsv {
    code: String,
    name: String,
    r#type: String,
    codename: String,
}

#[derive(Deserialize)]
struct CommuneCsv {
    code: String,
    name: String,
    r#type: String,
    province_code: String,
    codename: String,
}

#[derive(Deserialize)]
struct MappingCsv {
    old_province_code: String,
    old_province_name: String,
    old_district_code: String,
    old_district_name: String,
    old_commune_code: String,
    old_commune_name: String,
    new_commune_code: String,
    new_commune_name: String,
    new_province_code: String,
    new_province_name: String,
    nso_note: String,
    is_partial: String,
    old_split_count: String,
}

fn read_csv<T: for<'de> Deserialize<'de>>(
    file: &'static str,
    text: &str,
) -> Result<Vec<T>, UnitsCsvError> {
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    rdr.deserialize()
        .enumerate()
        .map(|(i, r)| {
            r.map_err(|e| UnitsCsvError {
                file,
                message: format!("row {}: {e}", i + 2),
            })
        })
        .collect()
}

fn bad(file: &'static str, e: impl std::fmt::Display) -> UnitsCsvError {
    UnitsCsvError {
        file,
        message: e.to_string(),
    }
}

impl UnitsData {
    /// Parses the three NSO CSV files (provinces, communes, mapping) and checks that every
    /// commune and mapping row points at a known province and commune.
    pub fn from_csv(provinces: &str, communes: &str, mapping: &str) -> Result<Self, UnitsCsvError> {
        const P: &str = "provinces_2025.csv";
        const C: &str = "communes_2025.csv";
        const M: &str = "mapping_2025.csv";
        let provinces = read_csv::<ProvinceCsv>(P, provinces)?
            .into_iter()
            .map(|r| {
                Ok(Province {
                    code: ProvinceCode::parse(&r.code).map_err(|e| bad(P, e))?,
                    name: r.name,
                    kind: r.r#type,
                    codename: r.codename,
                })
            })
            .collect::<Result<Vec<_>, UnitsCsvError>>()?;
        let communes = read_csv::<CommuneCsv>(C, communes)?
            .into_iter()
            .map(|r| {
                Ok(Commune {
                    code: UnitCode::parse(&r.code).map_err(|e| bad(C, e))?,
                    name: r.name,
                    kind: r.r#type,
                    province_code: ProvinceCode::parse(&r.province_code).map_err(|e| bad(C, e))?,
                    codename: r.codename,
                })
            })
            .collect::<Result<Vec<_>, UnitsCsvError>>()?;
        let mapping = read_csv::<MappingCsv>(M, mapping)?
            .into_iter()
            .map(|r| {
                Ok(MappingRow {
                    old_province_code: r.old_province_code,
                    old_province_name: r.old_province_name,
                    old_district_code: r.old_district_code,
                    old_district_name: r.old_district_name,
                    old_commune_code: r.old_commune_code,
                    old_commune_name: r.old_commune_name,
                    new_commune_code: UnitCode::parse(&r.new_commune_code)
                        .map_err(|e| bad(M, e))?,
                    new_commune_name: r.new_commune_name,
                    new_province_code: ProvinceCode::parse(&r.new_province_code)
                        .map_err(|e| bad(M, e))?,
                    new_province_name: r.new_province_name,
                    nso_note: r.nso_note,
                    is_partial: r.is_partial == "true",
                    old_split_count: r.old_split_count.parse().map_err(|e| bad(M, e))?,
                })
            })
            .collect::<Result<Vec<_>, UnitsCsvError>>()?;
        let data = Self {
            provinces,
            communes,
            mapping,
        };
        data.check()?;
        Ok(data)
    }

    fn check(&self) -> Result<(), UnitsCsvError> {
        let provinces: std::collections::HashSet<_> =
            self.provinces.iter().map(|p| &p.code).collect();
        let communes: std::collections::HashSet<_> =
            self.communes.iter().map(|c| &c.code).collect();
        if let Some(c) = self
            .communes
            .iter()
            .find(|c| !provinces.contains(&c.province_code))
        {
            return Err(bad(
                "communes_2025.csv",
                format!("{} has unknown province", c.code),
            ));
        }
        if let Some(m) = self
            .mapping
            .iter()
            .find(|m| !communes.contains(&m.new_commune_code))
        {
            return Err(bad(
                "mapping_2025.csv",
                format!("unknown new commune {}", m.new_commune_code),
            ));
        }
        Ok(())
    }
}

/// The old unit an address was matched to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OldUnit {
    /// Old commune code (empty for the few rows without one).
    pub commune_code: String,
    /// Old commune name.
    pub commune_name: String,
    /// Old district name.
    pub district_name: String,
    /// Old province name.
    pub province_name: String,
}

/// One candidate new unit for a resolved address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResolvedUnit {
    /// The old unit that matched, when the address was in the pre-2025 form.
    pub old: Option<OldUnit>,
    /// New commune code.
    pub commune_code: UnitCode,
    /// New commune name.
    pub commune_name: String,
    /// New province code.
    pub province_code: ProvinceCode,
    /// New province name.
    pub province_name: String,
    /// True when only part of the old commune went to this unit (a split): the applicant's exact
    /// place decides which candidate applies.
    pub partial: bool,
    /// The NSO note for the link.
    pub note: String,
}

/// The answer to "which new unit is this address in?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Resolution {
    /// Candidate new units; empty when nothing matched.
    pub candidates: Vec<ResolvedUnit>,
    /// True when several different old communes matched (the address did not say enough, e.g.
    /// no district for a commune name that exists in several districts).
    pub ambiguous: bool,
    /// `old` when matched against the pre-2025 units, `new` when the address already names a
    /// new unit, `none` when nothing matched.
    pub matched: &'static str,
}

/// Type words that may precede a unit name, folded. Longest first so "thi tran" wins over "t".
const PREFIXES: &[&str] = &[
    "thanh pho",
    "thi tran",
    "thi xa",
    "dac khu",
    "phuong",
    "huyen",
    "quan",
    "tinh",
    "xa",
    "tp",
    "tx",
    "tt",
    "q",
    "p",
    "h",
    "x",
    "t",
];

/// Folds a unit name and strips its type word: "Tp. Đà Lạt" → "da lat", "Phường 01" → "1".
pub fn unit_key(name: &str) -> String {
    let folded = fold(name);
    let mut rest = folded.as_str();
    for p in PREFIXES {
        if let Some(r) = rest.strip_prefix(p).and_then(|r| r.strip_prefix(' ')) {
            rest = r;
            break;
        }
    }
    rest.split(' ')
        .map(|w| {
            if w.bytes().all(|b| b.is_ascii_digit()) {
                let t = w.trim_start_matches('0');
                if t.is_empty() { "0" } else { t }
            } else {
                w
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The in-memory directory of units, indexed for lookups and address resolution.
#[derive(Debug, Clone)]
pub struct UnitDirectory {
    data: UnitsData,
    commune_by_code: HashMap<UnitCode, usize>,
    mapping_by_old_code: HashMap<String, Vec<usize>>,
    mapping_by_old_key: HashMap<String, Vec<usize>>,
    new_by_key: HashMap<String, Vec<usize>>,
    province_keys: HashMap<String, Vec<String>>,
    /// Folded old district name of each mapping row (same index).
    district_keys: Vec<String>,
}

impl UnitDirectory {
    /// Builds the indexes.
    pub fn new(data: UnitsData) -> Self {
        let mut commune_by_code = HashMap::new();
        let mut new_by_key: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, c) in data.communes.iter().enumerate() {
            commune_by_code.insert(c.code.clone(), i);
            new_by_key.entry(unit_key(&c.name)).or_default().push(i);
        }
        let mut mapping_by_old_code: HashMap<String, Vec<usize>> = HashMap::new();
        let mut mapping_by_old_key: HashMap<String, Vec<usize>> = HashMap::new();
        // Province keys: both old and new names, each pointing at the province codes (old or new)
        // whose rows they identify.
        let mut province_keys: HashMap<String, Vec<String>> = HashMap::new();
        for (i, m) in data.mapping.iter().enumerate() {
            if !m.old_commune_code.is_empty() {
                mapping_by_old_code
                    .entry(m.old_commune_code.clone())
                    .or_default()
                    .push(i);
            }
            mapping_by_old_key
                .entry(unit_key(&m.old_commune_name))
                .or_default()
                .push(i);
            let v = province_keys
                .entry(unit_key(&m.old_province_name))
                .or_default();
            if !v.contains(&m.old_province_code) {
                v.push(m.old_province_code.clone());
            }
        }
        for p in &data.provinces {
            let v = province_keys.entry(unit_key(&p.name)).or_default();
            let code = format!("new:{}", p.code);
            if !v.contains(&code) {
                v.push(code);
            }
        }
        let district_keys = data
            .mapping
            .iter()
            .map(|m| unit_key(&m.old_district_name))
            .collect();
        Self {
            district_keys,
            data,
            commune_by_code,
            mapping_by_old_code,
            mapping_by_old_key,
            new_by_key,
            province_keys,
        }
    }

    /// The underlying data.
    pub fn data(&self) -> &UnitsData {
        &self.data
    }

    /// All provinces, in NSO order.
    pub fn provinces(&self) -> &[Province] {
        &self.data.provinces
    }

    /// A province by code.
    pub fn province(&self, code: &ProvinceCode) -> Option<&Province> {
        self.data.provinces.iter().find(|p| &p.code == code)
    }

    /// The communes of a province, in NSO order.
    pub fn communes_of(&self, province: &ProvinceCode) -> Vec<&Commune> {
        self.data
            .communes
            .iter()
            .filter(|c| &c.province_code == province)
            .collect()
    }

    /// A commune by code.
    pub fn commune(&self, code: &UnitCode) -> Option<&Commune> {
        self.commune_by_code
            .get(code)
            .map(|&i| &self.data.communes[i])
    }

    fn candidate(&self, m: &MappingRow) -> ResolvedUnit {
        ResolvedUnit {
            old: Some(OldUnit {
                commune_code: m.old_commune_code.clone(),
                commune_name: m.old_commune_name.clone(),
                district_name: m.old_district_name.clone(),
                province_name: m.old_province_name.clone(),
            }),
            commune_code: m.new_commune_code.clone(),
            commune_name: m.new_commune_name.clone(),
            province_code: m.new_province_code.clone(),
            province_name: m.new_province_name.clone(),
            partial: m.is_partial,
            note: m.nso_note.clone(),
        }
    }

    /// Resolves an old (pre-2025) commune code to its new unit(s).
    pub fn resolve_old_code(&self, old_code: &str) -> Resolution {
        let rows = self
            .mapping_by_old_code
            .get(old_code.trim())
            .cloned()
            .unwrap_or_default();
        let candidates: Vec<_> = rows
            .iter()
            .map(|&i| self.candidate(&self.data.mapping[i]))
            .collect();
        Resolution {
            matched: if candidates.is_empty() { "none" } else { "old" },
            ambiguous: false,
            candidates,
        }
    }

    /// Resolves a free-text address such as "Xã Phú Hội, Huyện Đức Trọng, Tỉnh Lâm Đồng".
    ///
    /// Parts are separated by commas; the last parts are taken as province and district when
    /// they name one, and the commune is the right-most remaining part that names an old commune
    /// (or, failing that, a new one). Diacritics and type words ("Tp.", "Huyện", "Q.") are optional.
    pub fn resolve_address(&self, address: &str) -> Resolution {
        let mut parts: Vec<String> = address
            .split([',', ';', '\n'])
            .map(unit_key)
            .filter(|p| !p.is_empty())
            .collect();
        let mut province: Option<&Vec<String>> = None;
        if let Some(last) = parts.last()
            && let Some(codes) = self.province_keys.get(last)
            && parts.len() > 1
        {
            province = Some(codes);
            parts.pop();
        }
        let province_ok = |m: &MappingRow| match province {
            None => true,
            Some(codes) => codes.iter().any(|c| {
                c == &m.old_province_code
                    || c.strip_prefix("new:") == Some(m.new_province_code.as_str())
            }),
        };
        // District: the last remaining part if it names an old district of a matching row.
        let mut district: Option<String> = None;
        if parts.len() > 1 {
            let last = parts.last().cloned().unwrap_or_default();
            let names_district = self
                .data
                .mapping
                .iter()
                .zip(&self.district_keys)
                .any(|(m, k)| k == &last && province_ok(m));
            if names_district {
                district = Some(last);
                parts.pop();
            }
        }
        for part in parts.iter().rev() {
            let rows: Vec<&MappingRow> = self
                .mapping_by_old_key
                .get(part)
                .map(|v| v.iter().map(|&i| &self.data.mapping[i]).collect())
                .unwrap_or_default();
            let rows: Vec<&MappingRow> = rows
                .into_iter()
                .filter(|m| province_ok(m))
                .filter(|m| {
                    district
                        .as_ref()
                        .is_none_or(|d| &unit_key(&m.old_district_name) == d)
                })
                .collect();
            if !rows.is_empty() {
                let mut olds: Vec<(&str, &str)> = rows
                    .iter()
                    .map(|m| (m.old_province_code.as_str(), m.old_commune_code.as_str()))
                    .collect();
                olds.sort();
                olds.dedup();
                return Resolution {
                    candidates: rows.iter().map(|m| self.candidate(m)).collect(),
                    ambiguous: olds.len() > 1,
                    matched: "old",
                };
            }
            let news: Vec<&Commune> = self
                .new_by_key
                .get(part)
                .map(|v| v.iter().map(|&i| &self.data.communes[i]).collect())
                .unwrap_or_default();
            let news: Vec<&Commune> = news
                .into_iter()
                .filter(|c| match province {
                    None => true,
                    Some(codes) => codes
                        .iter()
                        .any(|p| p.strip_prefix("new:") == Some(c.province_code.as_str())),
                })
                .collect();
            if !news.is_empty() && district.is_none() {
                let candidates: Vec<ResolvedUnit> = news
                    .iter()
                    .map(|c| ResolvedUnit {
                        old: None,
                        commune_code: c.code.clone(),
                        commune_name: c.name.clone(),
                        province_code: c.province_code.clone(),
                        province_name: self
                            .province(&c.province_code)
                            .map(|p| p.name.clone())
                            .unwrap_or_default(),
                        partial: false,
                        note: String::new(),
                    })
                    .collect();
                return Resolution {
                    ambiguous: candidates.len() > 1,
                    candidates,
                    matched: "new",
                };
            }
        }
        Resolution {
            candidates: vec![],
            ambiguous: false,
            matched: "none",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_keys_strip_type_words_and_leading_zeros() {
        let cases = [
            ("Xã Phú Hội", "phu hoi"),
            ("Tp. Đà Lạt", "da lat"),
            ("TP Đà Lạt", "da lat"),
            ("Thành phố Đà Lạt", "da lat"),
            ("Q.1", "1"),
            ("Quận 1", "1"),
            ("Phường 01", "1"),
            ("Huyện Đức Trọng", "duc trong"),
            ("Thị trấn Liên Nghĩa", "lien nghia"),
            ("Xuân Hương", "xuan huong"),
        ];
        for (input, want) in cases {
            assert_eq!(unit_key(input), want, "{input}");
        }
    }
}
