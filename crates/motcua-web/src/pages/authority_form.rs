//! The authority registry's "add a rule" form (issue #32): the rule's parts picked from lists —
//! procedure or field from the catalogue, agencies by kind or by name, communes by name — and
//! read back into an [`AuthorityRule`] whose every problem
//! ([`AuthorityRule::problems`]) is shown beside its field. Bulk loading stays a file import.

use motcua_domain::agency::AgencyKind;
use motcua_domain::authority::{AuthorityRule, Grant, Subject, Target};
use motcua_domain::calendar::parse_iso_date;
use motcua_domain::ids::{AgencyCode, ProcedureCode, ProvinceCode, UnitCode};
use motcua_domain::problem::{Problem, Wrong};
use motcua_domain::units::Commune;
use std::collections::HashMap;

/// The rule kinds, by their API names.
pub const GRANTS: [&str; 4] = [
    "assignment",
    "decentralisation",
    "delegation",
    "consultation",
];

/// One agency choice (`to` or `from`): by kind, or one agency.
#[derive(Debug, Clone, Default)]
pub struct TargetField {
    /// `kind` or `agency`.
    pub by: String,
    /// The kind's API name.
    pub kind: String,
    /// The agency's code.
    pub agency: String,
}

/// The form as typed.
#[derive(Debug, Clone, Default)]
pub struct RuleForm {
    /// Rule id.
    pub id: String,
    /// `procedure` or `field`.
    pub subject: String,
    /// The procedure's code.
    pub procedure: String,
    /// The field's name.
    pub field: String,
    /// Rule kind (one of [`GRANTS`]).
    pub grant: String,
    /// The agency that becomes competent (or is consulted, or is the delegate).
    pub to: TargetField,
    /// The delegating agency (delegation only).
    pub from: TargetField,
    /// `all` (the whole province) or `some`.
    pub scope: String,
    /// Communes ticked.
    pub units: Vec<String>,
    /// First day in force (YYYY-MM-DD).
    pub valid_from: String,
    /// Last day in force, or empty.
    pub valid_to: String,
    /// Legal basis.
    pub legal_basis: String,
    /// Issuing body.
    pub issued_by: String,
}

/// The kind's API name (`commune_peoples_committee`).
pub fn kind_name(k: AgencyKind) -> String {
    serde_json::to_value(k)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn parse_kind(s: &str) -> Option<AgencyKind> {
    serde_json::from_value(serde_json::Value::String(s.to_owned())).ok()
}

impl RuleForm {
    /// A blank form: a delegation from the commune People's Committee to its service centre,
    /// for the whole province, from `today`.
    pub fn blank(today: time::Date) -> Self {
        RuleForm {
            subject: "procedure".into(),
            grant: "assignment".into(),
            to: TargetField {
                by: "kind".into(),
                kind: kind_name(AgencyKind::CommunePeoplesCommittee),
                agency: String::new(),
            },
            from: TargetField {
                by: "kind".into(),
                kind: kind_name(AgencyKind::CommunePeoplesCommittee),
                agency: String::new(),
            },
            scope: "all".into(),
            valid_from: today.to_string(),
            ..RuleForm::default()
        }
    }

    /// The form as posted.
    pub fn from_post(f: &HashMap<String, String>) -> Self {
        let get = |k: &str| f.get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
        let target = |p: &str| TargetField {
            by: get(&format!("{p}_by")),
            kind: get(&format!("{p}_kind")),
            agency: get(&format!("{p}_agency")),
        };
        let mut units: Vec<String> = f
            .keys()
            .filter_map(|k| k.strip_prefix("unit-"))
            .map(str::to_owned)
            .collect();
        units.sort();
        RuleForm {
            id: get("id"),
            subject: get("subject"),
            procedure: get("procedure"),
            field: get("field"),
            grant: get("grant"),
            to: target("to"),
            from: target("from"),
            scope: get("scope"),
            units,
            valid_from: get("valid_from"),
            valid_to: get("valid_to"),
            legal_basis: get("legal_basis"),
            issued_by: get("issued_by"),
        }
    }

    /// The rule for `province`, or every problem with the form field it belongs to.
    pub fn to_rule(
        &self,
        province: &ProvinceCode,
        communes: &[Commune],
    ) -> Result<AuthorityRule, Vec<(String, Problem)>> {
        let mut problems: Vec<(String, Problem)> = Vec::new();
        let mut wrong =
            |id: &str, what: Wrong| problems.push((id.to_owned(), Problem::new(id, what)));
        let subject = match self.subject.as_str() {
            "procedure" => match ProcedureCode::parse(&self.procedure) {
                Ok(c) => Some(Subject::Procedure(c)),
                Err(_) => {
                    wrong("procedure", Wrong::Required);
                    None
                }
            },
            "field" => Some(Subject::Field(self.field.clone())),
            _ => {
                wrong("subject-procedure", Wrong::UnknownChoice);
                None
            }
        };
        let mut target = |t: &TargetField, p: &str| -> Option<Target> {
            match t.by.as_str() {
                "kind" => match parse_kind(&t.kind) {
                    Some(k) => Some(Target::Kind(k)),
                    None => {
                        wrong(&format!("{p}_kind"), Wrong::UnknownChoice);
                        None
                    }
                },
                "agency" => match AgencyCode::parse(&t.agency) {
                    Ok(a) => Some(Target::Agency(a)),
                    Err(_) => {
                        wrong(&format!("{p}_agency"), Wrong::Required);
                        None
                    }
                },
                _ => {
                    wrong(&format!("{p}_by-kind"), Wrong::UnknownChoice);
                    None
                }
            }
        };
        let to = target(&self.to, "to");
        let grant = match self.grant.as_str() {
            "assignment" => to.map(|to| Grant::Assignment { to }),
            "decentralisation" => to.map(|to| Grant::Decentralisation { to }),
            "consultation" => to.map(|to| Grant::Consultation { to }),
            "delegation" => {
                let from = target(&self.from, "from");
                to.zip(from)
                    .map(|(to, from)| Grant::Delegation { from, to })
            }
            _ => {
                wrong("grant", Wrong::UnknownChoice);
                None
            }
        };
        let mut units = Vec::new();
        if self.scope != "some" && self.scope != "all" {
            wrong("scope-all", Wrong::UnknownChoice);
        }
        if self.scope == "some" {
            if self.units.is_empty() {
                wrong("scope-some", Wrong::Required);
            }
            for u in &self.units {
                match UnitCode::parse(u) {
                    Ok(u) => units.push(u),
                    Err(_) => wrong("scope-some", Wrong::OutsideProvince),
                }
            }
        }
        let valid_from = parse_iso_date(&self.valid_from);
        if valid_from.is_none() {
            let what = if self.valid_from.is_empty() {
                Wrong::Required
            } else {
                Wrong::BadDate
            };
            wrong("valid_from", what);
        }
        let valid_to = if self.valid_to.is_empty() {
            None
        } else {
            let d = parse_iso_date(&self.valid_to);
            if d.is_none() {
                wrong("valid_to", Wrong::BadDate);
            }
            d
        };
        let complete = subject.is_some() && grant.is_some() && valid_from.is_some();
        // What could be read is checked even when a part could not, so every problem shows at
        // once (an unreadable part stands in as a value with no problem of its own).
        let rule = AuthorityRule {
            id: self.id.clone(),
            province_code: province.clone(),
            subject: subject.unwrap_or_else(|| Subject::Field("-".into())),
            grant: grant.unwrap_or(Grant::Consultation {
                to: Target::Kind(AgencyKind::ProvincialPeoplesCommittee),
            }),
            units,
            valid_from: valid_from.unwrap_or(time::Date::MIN),
            valid_to,
            legal_basis: self.legal_basis.clone(),
            issued_by: self.issued_by.clone(),
            example: false,
        };
        for p in rule.problems(communes) {
            let id = field_id(&p.at);
            if !problems.iter().any(|(i, _)| *i == id) {
                problems.push((id, p));
            }
        }
        if complete && problems.is_empty() {
            Ok(rule)
        } else {
            Err(problems)
        }
    }
}
/// The form field a rule path belongs to.
fn field_id(at: &str) -> String {
    match at.split('.').next().unwrap_or(at) {
        "units" => "scope-some".into(),
        "valid_from" => "valid_from".into(),
        "subject" => "field".into(),
        "to" => "to_by-kind".into(),
        other => other.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn communes() -> Vec<Commune> {
        ["24958", "24961"]
            .iter()
            .map(|c| Commune {
                code: UnitCode::parse(c).unwrap(),
                name: format!("Xã {c}"),
                kind: "xã".into(),
                province_code: ProvinceCode::parse("68").unwrap(),
                codename: format!("xa_{c}"),
            })
            .collect()
    }

    fn post(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn good() -> Vec<(&'static str, &'static str)> {
        vec![
            ("id", "68-2026-UQ-01"),
            ("subject", "procedure"),
            ("procedure", "1.004873"),
            ("grant", "delegation"),
            ("from_by", "kind"),
            ("from_kind", "commune_peoples_committee"),
            ("to_by", "kind"),
            ("to_kind", "commune_service_center"),
            ("scope", "some"),
            ("unit-24958", "on"),
            ("valid_from", "2026-01-01"),
            ("valid_to", ""),
            ("legal_basis", "Quyết định số 12/QĐ-UBND"),
            ("issued_by", "UBND tỉnh Lâm Đồng"),
        ]
    }

    #[test]
    fn a_complete_form_is_a_rule() {
        let p = ProvinceCode::parse("68").unwrap();
        let r = RuleForm::from_post(&post(&good()))
            .to_rule(&p, &communes())
            .unwrap();
        assert_eq!(r.units, [UnitCode::parse("24958").unwrap()]);
        assert!(matches!(
            r.grant,
            Grant::Delegation {
                from: Target::Kind(AgencyKind::CommunePeoplesCommittee),
                to: Target::Kind(AgencyKind::CommuneServiceCenter)
            }
        ));
        assert_eq!(r.valid_to, None);
        assert!(!r.example);
    }

    #[test]
    fn every_problem_is_named_at_once_beside_its_field() {
        let p = ProvinceCode::parse("68").unwrap();
        let mut f = post(&good());
        f.insert("id".into(), "có dấu".into());
        f.insert("to_kind".into(), "commune_peoples_committee".into());
        f.insert("valid_to".into(), "2025-01-01".into());
        f.insert("unit-99999".into(), "on".into());
        f.insert("legal_basis".into(), " ".into());
        let errs = RuleForm::from_post(&f)
            .to_rule(&p, &communes())
            .unwrap_err();
        let got: Vec<(&str, Wrong)> = errs.iter().map(|(i, x)| (i.as_str(), x.what)).collect();
        for want in [
            ("id", Wrong::BadId),
            ("to_by-kind", Wrong::SelfDelegation),
            ("valid_to", Wrong::EndsBeforeStart),
            ("scope-some", Wrong::OutsideProvince),
            ("legal_basis", Wrong::Required),
        ] {
            assert!(got.contains(&want), "{want:?} not in {got:?}");
        }
    }

    #[test]
    fn unreadable_parts_still_show_the_other_problems() {
        let p = ProvinceCode::parse("68").unwrap();
        let mut f = post(&good());
        f.insert("procedure".into(), String::new());
        f.insert("valid_from".into(), "31/12/2026".into());
        f.insert("issued_by".into(), String::new());
        let errs = RuleForm::from_post(&f)
            .to_rule(&p, &communes())
            .unwrap_err();
        let ids: Vec<&str> = errs.iter().map(|(i, _)| i.as_str()).collect();
        assert_eq!(ids, ["procedure", "valid_from", "issued_by"]);
    }
}
