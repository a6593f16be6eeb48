//! The procedure catalogue, shaped like the National Database of Administrative Procedures
//! (`LayThuTuc`): code, name, field, levels, competent agency kind, cases, channels with
//! processing time and fees, components per case, requirements, legal basis, results.
//!
//! Procedures are versioned: editing one creates a new version, and a dossier keeps the version
//! it was received under.

use crate::agency::{AgencyKind, Level};
use crate::calendar::ProcessingTime;
use crate::ids::ProcedureCode;
use crate::text::has_hostile_chars;
pub mod csv_import;

use serde::{Deserialize, Serialize};

/// How a dossier reaches the one-stop unit (`KenhThucHien` / `HinhThuc`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Channel {
    /// In person at a counter (national code 1).
    Direct,
    /// Online through the portal (national code 2).
    Online,
    /// By post (national code 3).
    Postal,
    /// At a self-service kiosk of a one-stop unit (reported as direct).
    Kiosk,
}

impl Channel {
    /// The national portal's channel code (1 direct, 2 online, 3 postal); a kiosk filing is made
    /// at the one-stop unit and reported as direct.
    pub fn national_code(self) -> u8 {
        match self {
            Channel::Direct | Channel::Kiosk => 1,
            Channel::Online => 2,
            Channel::Postal => 3,
        }
    }

    /// The name used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Direct => "direct",
            Channel::Online => "online",
            Channel::Postal => "postal",
            Channel::Kiosk => "kiosk",
        }
    }
}

/// A fee or charge for one channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Fee {
    /// What it is for, e.g. "Lệ phí đăng ký khai sinh quá hạn".
    pub name: String,
    /// Amount in VND, when fixed nationally; `None` when set by the provincial People's Council
    /// or not known.
    pub amount_vnd: Option<u64>,
    /// Conditions, exemptions, or who sets the amount.
    #[serde(default)]
    pub note: Option<String>,
}

/// What a procedure offers on one channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChannelOffer {
    /// The channel.
    pub channel: Channel,
    /// Legal processing time on this channel.
    pub processing_time: ProcessingTime,
    /// Fees on this channel (empty = none charged).
    #[serde(default)]
    pub fees: Vec<Fee>,
    /// Free-text note ("up to 2 more working days for large volumes", …).
    #[serde(default)]
    pub note: Option<String>,
}

/// A document the applicant brings (thành phần hồ sơ).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Component {
    /// Code unique within the procedure version, e.g. `TK`.
    pub code: String,
    /// Name.
    pub name: String,
    /// Number of originals (bản chính).
    #[serde(default)]
    pub originals: u32,
    /// Number of copies (bản sao).
    #[serde(default)]
    pub copies: u32,
    /// Form name or reference, when there is a form.
    #[serde(default)]
    pub form: Option<String>,
    /// Where the official form file can be downloaded (the national database's form URL), when
    /// the catalogue record has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form_url: Option<String>,
    /// False for documents brought only in some situations.
    #[serde(default = "yes")]
    pub required: bool,
}

fn yes() -> bool {
    true
}

/// A case (trường hợp) of a procedure with its own components.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Case {
    /// Code unique within the procedure, e.g. `default`.
    pub code: String,
    /// Name of the case.
    pub name: String,
    /// Components of the dossier in this case.
    #[serde(default)]
    pub components: Vec<Component>,
    /// The electronic declaration (tờ khai điện tử) of this case, when the catalogue has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declaration: Option<crate::declaration::Declaration>,
}

/// One procedure record, at one version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Procedure {
    /// National code, e.g. `1.001193`.
    pub code: ProcedureCode,
    /// Version number, from 1; set by the catalogue, ignored on import.
    #[serde(default)]
    pub version: u32,
    /// Name in Vietnamese.
    pub name: String,
    /// Name in English (translation).
    #[serde(default)]
    pub name_en: Option<String>,
    /// Field (lĩnh vực), e.g. "Hộ tịch".
    pub field: String,
    /// Implementing level(s).
    pub levels: Vec<Level>,
    /// The kind of agency competent to decide.
    pub competent_agency_kind: AgencyKind,
    /// What the procedure is for, in plain words.
    #[serde(default)]
    pub description: Option<String>,
    /// Steps (trình tự thực hiện).
    #[serde(default)]
    pub steps: Vec<String>,
    /// Cases with their components; at least one.
    pub cases: Vec<Case>,
    /// Channels with processing time and fees; at least one.
    pub channels: Vec<ChannelOffer>,
    /// Requirements and conditions.
    #[serde(default)]
    pub requirements: Vec<String>,
    /// Legal basis.
    #[serde(default)]
    pub legal_basis: Vec<String>,
    /// Results (kết quả thực hiện).
    #[serde(default)]
    pub results: Vec<String>,
    /// Eligible for full-online service (toàn trình, Decree 42/2022).
    #[serde(default)]
    pub full_online: bool,
    /// May be filed at any one-stop point of the province (không phụ thuộc địa giới hành chính).
    #[serde(default)]
    pub boundary_free: bool,
    /// Fields of this record that hold example values, not confirmed legal facts
    /// (e.g. `channels.processing_time`). Shown to users as "example value".
    #[serde(default)]
    pub unconfirmed: Vec<String>,
}

/// Why a procedure record is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("procedure {code}: {message}")]
pub struct InvalidProcedure {
    /// The procedure code (as given).
    pub code: String,
    /// What is wrong.
    pub message: String,
}

impl Procedure {
    /// Checks the record's own consistency: names present and clean, at least one case and
    /// channel, unique case, component and channel codes.
    pub fn validate(&self) -> Result<(), InvalidProcedure> {
        let err = |m: String| InvalidProcedure {
            code: self.code.to_string(),
            message: m,
        };
        let text_ok = |s: &str, max: usize| {
            !s.trim().is_empty() && s.chars().count() <= max && !has_hostile_chars(s)
        };
        if !text_ok(&self.name, 500) {
            return Err(err(
                "name must be 1-500 characters without control characters".into(),
            ));
        }
        if !text_ok(&self.field, 200) {
            return Err(err("field must be 1-200 characters".into()));
        }
        if self.levels.is_empty() {
            return Err(err("at least one level is required".into()));
        }
        if self.cases.is_empty() {
            return Err(err("at least one case is required".into()));
        }
        if self.channels.is_empty() {
            return Err(err("at least one channel is required".into()));
        }
        let mut seen = std::collections::HashSet::new();
        for c in &self.cases {
            if !seen.insert(c.code.as_str()) || !text_ok(&c.code, 40) {
                return Err(err(format!(
                    "case code {:?} is empty, too long or repeated",
                    c.code
                )));
            }
            let mut comps = std::collections::HashSet::new();
            for comp in &c.components {
                if let Some(u) = &comp.form_url {
                    // Only web addresses or local paths: never `javascript:` or `data:` links.
                    let scheme_ok = u.starts_with("https://")
                        || u.starts_with("http://")
                        || (u.starts_with('/') && !u.starts_with("//"));
                    if !scheme_ok
                        || u.len() > 500
                        || has_hostile_chars(u)
                        || u.contains(char::is_whitespace)
                    {
                        return Err(err(format!(
                            "form_url of component {:?} must be an http(s) address or a local path",
                            comp.code
                        )));
                    }
                }
                if !comps.insert(comp.code.as_str())
                    || !text_ok(&comp.code, 40)
                    || !text_ok(&comp.name, 500)
                {
                    return Err(err(format!(
                        "component {:?} of case {} is invalid or repeated",
                        comp.code, c.code
                    )));
                }
            }
        }
        for c in &self.cases {
            if let Some(d) = &c.declaration {
                let comps: Vec<&str> = c.components.iter().map(|x| x.code.as_str()).collect();
                d.validate(&comps)
                    .map_err(|e| err(format!("case {}: {e}", c.code)))?;
            }
        }
        let mut chans = std::collections::HashSet::new();
        for ch in &self.channels {
            if !chans.insert(ch.channel) {
                return Err(err(format!(
                    "channel {} is listed twice",
                    ch.channel.as_str()
                )));
            }
        }
        Ok(())
    }

    /// The case with `code`, or the first case when `code` is `None`.
    pub fn case(&self, code: Option<&str>) -> Option<&Case> {
        match code {
            Some(c) => self.cases.iter().find(|x| x.code == c),
            None => self.cases.first(),
        }
    }

    /// The offer on `channel`; a kiosk filing uses the online offer if there is no kiosk one,
    /// else the direct one; postal uses direct if not listed.
    pub fn offer(&self, channel: Channel) -> Option<&ChannelOffer> {
        let find = |c: Channel| self.channels.iter().find(|o| o.channel == c);
        find(channel).or_else(|| match channel {
            Channel::Kiosk => find(Channel::Online).or_else(|| find(Channel::Direct)),
            Channel::Postal | Channel::Online => find(Channel::Direct),
            Channel::Direct => None,
        })
    }
}

/// A version reference: which procedure, at which version, a dossier was received under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProcedureRef {
    /// The procedure code.
    pub code: ProcedureCode,
    /// The version.
    pub version: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed() -> Vec<Procedure> {
        serde_json::from_str(include_str!("../../../data/procedures/seed.json"))
            .expect("seed parses")
    }

    #[test]
    fn every_seed_procedure_is_valid() {
        let all = seed();
        assert_eq!(all.len(), 28);
        for p in &all {
            p.validate().unwrap_or_else(|e| panic!("{e}"));
        }
    }

    #[test]
    fn form_links_must_be_web_addresses() {
        let mut p = seed().remove(0);
        p.cases[0].components[0].form_url = Some("javascript:alert(1)".into());
        assert!(p.validate().is_err());
        p.cases[0].components[0].form_url = Some("//evil.example/x".into());
        assert!(p.validate().is_err());
        p.cases[0].components[0].form_url =
            Some("https://dichvucong.gov.vn/mau/to-khai.docx".into());
        assert!(p.validate().is_ok());
    }
}
