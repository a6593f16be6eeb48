//! The procedure catalogue, shaped like the National Database of Administrative Procedures
//! (`LayThuTuc`): code, name, field, levels, competent agency kind, cases, channels with
//! processing time and fees, components per case, requirements, legal basis, results.
//!
//! Procedures are versioned: editing one creates a new version, and a dossier keeps the version
//! it was received under.

use crate::agency::{AgencyKind, Level};
use crate::calendar::ProcessingTime;
use crate::ids::ProcedureCode;
use crate::problem::{Problem, Problems, Wrong};
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
    /// What is wrong, in one line.
    pub message: String,
    /// Every problem, with its place.
    pub problems: Vec<Problem>,
}

/// At most this many items in one of a procedure's lists (steps, requirements, …).
pub const MAX_LIST: usize = 100;
/// At most this many originals or copies of one component.
pub const MAX_COPIES: u32 = 100;
/// A processing time above this many units is a typing mistake (a year is ~250 working days).
pub const MAX_TIME: u32 = 1000;
/// A fee above this many VND is a typing mistake (the largest national fees are in millions).
pub const MAX_FEE_VND: u64 = 100_000_000_000;
/// At most this many cases in one procedure.
pub const MAX_CASES: usize = 50;
/// At most this many components in one case.
pub const MAX_COMPONENTS: usize = 100;
/// At most this many fees on one channel.
pub const MAX_FEES: usize = 20;

/// Checks a case's or a component's code: 1–40 ASCII letters, digits, `-`, `_` or `.`, not
/// repeated among `seen` — compared without regard to letter case (`TK` and `tk` are one).
fn check_code(
    p: &mut Problems,
    at: String,
    code: &str,
    seen: &mut std::collections::HashSet<String>,
) {
    let alphabet = code.len() <= 40
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    if code.trim().is_empty() {
        p.add(at, Wrong::Required);
    } else if !alphabet {
        p.add(at, Wrong::BadId);
    } else if !seen.insert(code.to_ascii_lowercase()) {
        p.add(at, Wrong::Repeated);
    }
}

impl Procedure {
    /// Checks the record's own consistency: names present and clean, at least one level, case
    /// and channel, unique case, component and channel codes, bounded texts and numbers, form
    /// links that are web addresses. The first problem, as an error (see [`Self::problems`]).
    pub fn validate(&self) -> Result<(), InvalidProcedure> {
        let problems = self.problems();
        if problems.is_empty() {
            return Ok(());
        }
        let mut message = crate::problem::join(&problems);
        // The declaration's own checker says precisely what does not hold.
        for c in &self.cases {
            if let Some(d) = &c.declaration {
                let codes: Vec<&str> = c.components.iter().map(|x| x.code.as_str()).collect();
                if let Err(e) = d.validate(&codes) {
                    message.push_str(&format!(" (case {}: {e})", c.code));
                }
            }
        }
        Err(InvalidProcedure {
            code: self.code.to_string(),
            message,
            problems,
        })
    }

    /// Every problem of the record, each with its place (`cases.0.components.1.code`,
    /// `channels.online.fees.0.name`, …), so an editing form can show them all at once.
    pub fn problems(&self) -> Vec<Problem> {
        let mut p = Problems::default();
        p.text("name", &self.name, 500);
        p.optional_text("name_en", self.name_en.as_deref().unwrap_or(""), 500);
        p.text("field", &self.field, 200);
        p.optional_text(
            "description",
            self.description.as_deref().unwrap_or(""),
            4000,
        );
        if self.levels.is_empty() {
            p.add("levels", Wrong::Required);
        }
        for (list, items) in [
            ("steps", &self.steps),
            ("requirements", &self.requirements),
            ("legal_basis", &self.legal_basis),
            ("results", &self.results),
        ] {
            if items.len() > MAX_LIST {
                p.add(list, Wrong::TooLarge(MAX_LIST as u64));
            }
            for (i, item) in items.iter().enumerate() {
                p.text(format!("{list}.{i}"), item, 2000);
            }
        }
        if self.cases.is_empty() {
            p.add("cases", Wrong::Required);
        } else if self.cases.len() > MAX_CASES {
            p.add("cases", Wrong::TooLarge(MAX_CASES as u64));
        }
        let mut seen = std::collections::HashSet::new();
        for (i, c) in self.cases.iter().enumerate() {
            let at = format!("cases.{i}");
            check_code(&mut p, format!("{at}.code"), &c.code, &mut seen);
            p.text(format!("{at}.name"), &c.name, 500);
            // A case without components is allowed: an imported list may not have them yet (the
            // 766 index counts such a record as incomplete, `content_complete`).
            if c.components.len() > MAX_COMPONENTS {
                p.add(
                    format!("{at}.components"),
                    Wrong::TooLarge(MAX_COMPONENTS as u64),
                );
            }
            let mut comps = std::collections::HashSet::new();
            for (j, comp) in c.components.iter().enumerate() {
                let at = format!("{at}.components.{j}");
                check_code(&mut p, format!("{at}.code"), &comp.code, &mut comps);
                p.text(format!("{at}.name"), &comp.name, 500);
                for (what, n) in [("originals", comp.originals), ("copies", comp.copies)] {
                    if n > MAX_COPIES {
                        p.add(format!("{at}.{what}"), Wrong::TooLarge(MAX_COPIES.into()));
                    }
                }
                p.optional_text(
                    format!("{at}.form"),
                    comp.form.as_deref().unwrap_or(""),
                    300,
                );
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
                        p.add(format!("{at}.form_url"), Wrong::BadAddress);
                    }
                }
            }
            if let Some(d) = &c.declaration {
                let codes: Vec<&str> = c.components.iter().map(|x| x.code.as_str()).collect();
                if d.validate(&codes).is_err() {
                    p.add(format!("{at}.declaration"), Wrong::BadDeclaration);
                }
            }
        }
        if self.channels.is_empty() {
            p.add("channels", Wrong::Required);
        }
        let mut chans = std::collections::HashSet::new();
        for ch in &self.channels {
            let at = format!("channels.{}", ch.channel.as_str());
            if !chans.insert(ch.channel) {
                p.add(&at, Wrong::Repeated);
            }
            if ch.processing_time.value > MAX_TIME {
                p.add(
                    format!("{at}.processing_time"),
                    Wrong::TooLarge(MAX_TIME.into()),
                );
            }
            p.optional_text(format!("{at}.note"), ch.note.as_deref().unwrap_or(""), 1000);
            if ch.fees.len() > MAX_FEES {
                p.add(format!("{at}.fees"), Wrong::TooLarge(MAX_FEES as u64));
            }
            for (k, fee) in ch.fees.iter().enumerate() {
                let at = format!("{at}.fees.{k}");
                p.text(format!("{at}.name"), &fee.name, 300);
                if fee.amount_vnd.is_some_and(|a| a > MAX_FEE_VND) {
                    p.add(format!("{at}.amount_vnd"), Wrong::TooLarge(MAX_FEE_VND));
                }
                p.optional_text(
                    format!("{at}.note"),
                    fee.note.as_deref().unwrap_or(""),
                    1000,
                );
            }
        }
        p.0
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
        assert_eq!(
            p.problems(),
            vec![Problem::new(
                "cases.0.components.0.form_url",
                Wrong::BadAddress
            )]
        );
        p.cases[0].components[0].form_url = Some("//evil.example/x".into());
        assert!(p.validate().is_err());
        p.cases[0].components[0].form_url =
            Some("https://dichvucong.gov.vn/mau/to-khai.docx".into());
        assert!(p.validate().is_ok());
    }

    #[test]
    fn every_problem_is_named_with_its_place_at_once() {
        let mut p = seed().remove(0);
        p.name = " ".into();
        p.levels.clear();
        p.steps.push("bad\u{7}".into());
        p.cases[0].components[1].code = p.cases[0].components[0].code.clone();
        p.cases[0].components[0].copies = 101;
        let online = p
            .channels
            .iter()
            .position(|c| c.channel == Channel::Online)
            .unwrap();
        p.channels[online].fees[0].name = String::new();
        p.channels[online].fees[0].amount_vnd = Some(MAX_FEE_VND + 1);
        p.channels[online].processing_time.value = 5000;
        let dup = p.channels[0].clone();
        p.channels.push(dup);
        let steps = p.steps.len() - 1;
        let got: Vec<(String, Wrong)> = p.problems().into_iter().map(|x| (x.at, x.what)).collect();
        let want = [
            ("name".to_string(), Wrong::Required),
            ("levels".into(), Wrong::Required),
            (format!("steps.{steps}"), Wrong::ControlChars),
            ("cases.0.components.0.copies".into(), Wrong::TooLarge(100)),
            ("cases.0.components.1.code".into(), Wrong::Repeated),
            (
                "channels.online.processing_time".into(),
                Wrong::TooLarge(1000),
            ),
            ("channels.online.fees.0.name".into(), Wrong::Required),
            (
                "channels.online.fees.0.amount_vnd".into(),
                Wrong::TooLarge(MAX_FEE_VND),
            ),
            ("channels.direct".into(), Wrong::Repeated),
        ];
        for w in &want {
            assert!(got.contains(w), "{w:?} missing from {got:?}");
        }
        assert_eq!(got.len(), want.len(), "{got:?}");
        let err = p.validate().unwrap_err();
        assert_eq!(err.problems.len(), want.len());
        assert!(
            err.message
                .starts_with("name is required; levels is required")
        );
    }

    #[test]
    fn codes_have_an_alphabet_and_are_compared_without_letter_case() {
        let mut p = seed().remove(0);
        p.cases[0].code = "a b/<x>".into();
        p.cases[0].components[1].code = p.cases[0].components[0].code.to_lowercase();
        let got: Vec<(String, Wrong)> = p.problems().into_iter().map(|x| (x.at, x.what)).collect();
        assert!(
            got.contains(&("cases.0.code".to_string(), Wrong::BadId)),
            "{got:?}"
        );
        assert!(got.contains(&("cases.0.components.1.code".to_string(), Wrong::Repeated)));
    }

    #[test]
    fn no_case_or_channel_is_refused() {
        let mut p = seed().remove(0);
        p.cases.clear();
        p.channels.clear();
        let at: Vec<String> = p.problems().into_iter().map(|x| x.at).collect();
        assert_eq!(at, ["cases", "channels"]);
    }
}
