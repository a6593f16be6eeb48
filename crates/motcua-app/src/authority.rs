//! The authority registry's use cases: who is competent, routing at intake, the checker, and
//! the administration of rules (issue #6). The rules themselves are pure
//! (`motcua_domain::authority`); this module feeds them the province's rules, agencies and
//! catalogue, and caches what it read per province until a rule changes.

use crate::error::AppError;
use crate::ports::StoreError;
use crate::service::{App, StaffActor};
use motcua_domain::VN_OFFSET;
use motcua_domain::agency::Agency;
use motcua_domain::authority::{
    AuthorityReport, AuthorityRule, Grant, Lookups, Registry, Resolution, Routing, Subject, Target,
    check_province, may_file_at,
};
use motcua_domain::catalogue::Procedure;
use motcua_domain::ids::{AgencyCode, ProcedureCode, ProvinceCode, UnitCode};
use motcua_domain::units::Commune;
use std::collections::HashMap;
use std::sync::Arc;
use time::Date;

/// What the registry needs of one province, read once and kept until a rule or an agency
/// changes.
#[derive(Debug)]
pub struct ProvinceAuthority {
    /// The province's rules (every date).
    pub registry: Registry,
    /// Its registered agencies, every level.
    pub agencies: HashMap<AgencyCode, Agency>,
}

impl App {
    /// The registry and agencies of `province` (cached).
    pub async fn province_authority(
        &self,
        province: &ProvinceCode,
    ) -> Result<Arc<ProvinceAuthority>, AppError> {
        if let Some(p) = self
            .authority
            .read()
            .expect("authority cache")
            .get(province)
        {
            return Ok(p.clone());
        }
        // One load per province at a time: a cold cache under a burst of intakes would
        // otherwise read the same rules and agencies once per request.
        let _loading = self.authority_loading.lock().await;
        if let Some(p) = self
            .authority
            .read()
            .expect("authority cache")
            .get(province)
        {
            return Ok(p.clone());
        }
        let rules = self.store.authority_rules(province).await?;
        let agencies = self.store.agencies_in_province(province).await?;
        let p = Arc::new(ProvinceAuthority {
            registry: Registry::new(rules),
            agencies: agencies.into_iter().map(|a| (a.code.clone(), a)).collect(),
        });
        self.authority
            .write()
            .expect("authority cache")
            .insert(province.clone(), p.clone());
        Ok(p)
    }

    /// Forgets every province's cached registry (after a rule or agency change).
    pub fn forget_authority(&self) {
        self.authority.write().expect("authority cache").clear();
    }

    /// Today in Vietnam.
    pub fn today(&self) -> Date {
        self.now().to_offset(VN_OFFSET).date()
    }

    fn commune(&self, unit: &UnitCode) -> Result<Commune, AppError> {
        self.units().commune(unit).cloned().ok_or_else(|| {
            AppError::not_found("unit.not_found", format!("no commune {unit} (2025 codes)"))
        })
    }

    /// Who is competent for `procedure` for an applicant in `unit` on `date` (today when absent),
    /// with the chain of legal bases.
    pub async fn competence(
        &self,
        procedure: &ProcedureCode,
        unit: &UnitCode,
        date: Option<Date>,
    ) -> Result<(Arc<Procedure>, Resolution), AppError> {
        let p = self.procedure(procedure, None).await?;
        let commune = self.commune(unit)?;
        let auth = self.province_authority(&commune.province_code).await?;
        let exists = |a: &AgencyCode| auth.agencies.contains_key(a);
        let r = auth
            .registry
            .resolve(&p, &commune, date.unwrap_or_else(|| self.today()), &exists);
        Ok((p, r))
    }

    /// Routes a filing: checks that `p` may be filed at `receiving` for an applicant living in
    /// `applicant_unit`, then finds the one competent agency today. Refusals say where it may be
    /// filed, or why no agency (or more than one) is competent.
    pub(crate) async fn route(
        &self,
        p: &Procedure,
        receiving: &Agency,
        applicant_unit: &UnitCode,
    ) -> Result<(Agency, Routing), AppError> {
        let commune = self.commune(applicant_unit).map_err(|e| {
            e.not_found_as(|| {
                AppError::invalid(
                    "applicant_unit",
                    format!("no commune {applicant_unit} (use the 2025 codes; old addresses resolve at /api/v1/units/resolve)"),
                )
            })
        })?;
        if let Err(refusal) = may_file_at(p, receiving, &commune) {
            let mut places = Vec::new();
            for code in &refusal.file_at {
                places.push(match self.agency(code).await {
                    Ok(a) => format!("{} ({})", a.name, a.code),
                    Err(_) => code.to_string(),
                });
            }
            return Err(AppError::Invalid {
                code: "authority.wrong_receiving_point",
                message: format!("{} — nộp tại: {}", refusal.message, places.join("; ")),
                field: Some("receiving_agency".into()),
            });
        }
        let date = self.today();
        let auth = self.province_authority(&commune.province_code).await?;
        let exists = |a: &AgencyCode| auth.agencies.contains_key(a);
        match auth.registry.resolve(p, &commune, date, &exists) {
            Resolution::Competent(c) => {
                let agency = auth
                    .agencies
                    .get(&c.agency)
                    .cloned()
                    .ok_or_else(|| AppError::Internal("resolved agency vanished".into()))?;
                Ok((
                    agency,
                    Routing {
                        applicant_unit: commune.code.clone(),
                        date,
                        chain: c.chain,
                    },
                ))
            }
            Resolution::Gap { reason, rules, .. } => Err(AppError::Invalid {
                code: "authority.no_competent_agency",
                message: format!(
                    "Không có cơ quan có thẩm quyền giải quyết thủ tục {} cho {}: {reason}{}. Báo quản trị viên sổ thẩm quyền của tỉnh.",
                    p.code,
                    commune.name,
                    if rules.is_empty() {
                        String::new()
                    } else {
                        format!(" (quy định: {})", rules.join(", "))
                    }
                ),
                field: Some("procedure".into()),
            }),
            Resolution::Overlap { competent } => Err(AppError::Invalid {
                code: "authority.overlap",
                message: format!(
                    "Thẩm quyền giải quyết thủ tục {} cho {} đang chồng chéo giữa {}: hồ sơ không thể chuyển tự động. Báo quản trị viên sổ thẩm quyền của tỉnh.",
                    p.code,
                    commune.name,
                    competent
                        .iter()
                        .map(|c| c.agency.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                field: Some("procedure".into()),
            }),
        }
    }

    /// The checker's report for `province` on `date` (today when absent).
    pub async fn authority_check(
        &self,
        province: &ProvinceCode,
        date: Option<Date>,
    ) -> Result<AuthorityReport, AppError> {
        let units = self.units();
        if units.province(province).is_none() {
            return Err(AppError::not_found(
                "unit.not_found",
                format!("no province {province}"),
            ));
        }
        let communes: Vec<Commune> = units.communes_of(province).into_iter().cloned().collect();
        let auth = self.province_authority(province).await?;
        let procedures = self.procedures().await?;
        let mut previous_levels = Vec::new();
        for p in procedures.iter().filter(|p| p.version > 1) {
            let before = self.procedure(&p.code, Some(p.version - 1)).await?;
            let level = before.competent_agency_kind.level();
            if level != p.competent_agency_kind.level() {
                previous_levels.push((p.code.clone(), before.version, level));
            }
        }
        let exists = |a: &AgencyCode| auth.agencies.contains_key(a);
        let level_of = |a: &AgencyCode| auth.agencies.get(a).map(|x| x.kind.level());
        let merged_into = |old: &str| {
            let r = units.resolve_old_code(old);
            match r.candidates.as_slice() {
                [one] => Some(one.commune_code.clone()),
                _ => None,
            }
        };
        Ok(check_province(
            province,
            date.unwrap_or_else(|| self.today()),
            &procedures,
            &communes,
            &auth.registry,
            &Lookups {
                exists: &exists,
                level_of: &level_of,
                merged_into: &merged_into,
            },
            &previous_levels,
        ))
    }

    /// A province's rules.
    pub async fn authority_rules(
        &self,
        province: &ProvinceCode,
    ) -> Result<Vec<AuthorityRule>, AppError> {
        Ok(self
            .province_authority(province)
            .await?
            .registry
            .rules()
            .to_vec())
    }

    /// Reading a province's registry and report: its staff, or a system administrator.
    pub async fn may_read_registry(
        &self,
        staff: &StaffActor,
        province: &ProvinceCode,
    ) -> Result<(), AppError> {
        if staff.province == *province || staff.jurisdiction.covers_province(province) {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!(
                "you work for {}, not in province {province}",
                staff.agency
            )))
        }
    }

    /// Changing a province's registry: an administrator whose jurisdiction covers the province.
    async fn may_manage_rules(
        &self,
        staff: &StaffActor,
        province: &ProvinceCode,
    ) -> Result<(), AppError> {
        if !staff.role.may_administer() {
            return Err(AppError::Forbidden(
                "only an administrator maintains the authority registry".into(),
            ));
        }
        if !staff.jurisdiction.covers_province(province) {
            return Err(AppError::Forbidden(format!(
                "you administer {}, not province {province}",
                staff.agency
            )));
        }
        Ok(())
    }

    /// Adds a rule to its province's registry (an administrator of that province).
    pub async fn add_authority_rule(
        &self,
        staff: &StaffActor,
        rule: AuthorityRule,
    ) -> Result<AuthorityRule, AppError> {
        self.may_manage_rules(staff, &rule.province_code).await?;
        self.validate_rule(&rule)?;
        self.check_rule_references(&rule).await?;
        match self.store.insert_authority_rule(&rule).await {
            Ok(()) => {}
            Err(StoreError::Duplicate(_)) => {
                return Err(AppError::Invalid {
                    code: "authority.duplicate_rule",
                    message: format!(
                        "province {} already has a rule {}; rules are never edited: end it and add a new one",
                        rule.province_code, rule.id
                    ),
                    field: Some("id".into()),
                });
            }
            Err(e) => return Err(e.into()),
        }
        self.forget_authority();
        tracing::info!(province = %rule.province_code, id = %rule.id, by = %staff.actor_id(), "authority rule added");
        self.audit_security(
            "authority_rule_added",
            &staff.actor_id(),
            Some(&rule.province_code),
            &rule.id,
            &crate::accounts::Origin::default(),
            rule.grant.kind_name(),
        )
        .await;
        Ok(rule)
    }

    /// Loads rules in bulk (the demo's illustrative rules, an import): each checked, a rule
    /// already there skipped. Returns how many were added.
    pub async fn load_authority_rules(&self, rules: &[AuthorityRule]) -> Result<usize, AppError> {
        let mut added = 0;
        for r in rules {
            self.validate_rule(r)?;
            match self.store.insert_authority_rule(r).await {
                Ok(()) => added += 1,
                Err(StoreError::Duplicate(_)) => {}
                Err(e) => return Err(e.into()),
            }
        }
        self.forget_authority();
        Ok(added)
    }

    /// What a new rule names exists: its procedure or field in the catalogue, its named
    /// agencies registered in the rule's province; its number is not one already there in
    /// another letter case. (`authority.unknown_reference` with the form's field;
    /// `authority.duplicate_rule`.)
    async fn check_rule_references(&self, rule: &AuthorityRule) -> Result<(), AppError> {
        let unknown = |field: &str, what: String| AppError::Invalid {
            code: "authority.unknown_reference",
            message: what,
            field: Some(field.to_owned()),
        };
        let catalogue = self.procedures().await?;
        match &rule.subject {
            Subject::Procedure(c) if !catalogue.iter().any(|p| &p.code == c) => {
                return Err(unknown(
                    "procedure",
                    format!("no procedure {c} in the catalogue"),
                ));
            }
            Subject::Field(f) if !catalogue.iter().any(|p| &p.field == f) => {
                return Err(unknown("field", format!("no field {f:?} in the catalogue")));
            }
            _ => {}
        }
        let agencies = self.agencies_of_province(&rule.province_code).await?;
        let named = |t: &Target| match t {
            Target::Agency(a) => Some(a.clone()),
            Target::Kind(_) => None,
        };
        let (from, to) = match &rule.grant {
            Grant::Delegation { from, to } => (named(from), named(to)),
            Grant::Assignment { to }
            | Grant::Decentralisation { to }
            | Grant::Consultation { to } => (None, named(to)),
        };
        for (field, agency) in [("from_agency", from), ("to_agency", to)] {
            if let Some(a) = agency {
                // Consultation may name an agency of another province (that is its point).
                let elsewhere_ok =
                    matches!(rule.grant, Grant::Consultation { .. }) && field == "to_agency";
                let known = agencies.iter().any(|x| x.code == a)
                    || (elsewhere_ok && self.agency(&a).await.is_ok());
                if !known {
                    return Err(unknown(
                        field,
                        format!("no agency {a} in province {}", rule.province_code),
                    ));
                }
            }
        }
        let existing = self.store.authority_rules(&rule.province_code).await?;
        if existing.iter().any(|r| r.id.eq_ignore_ascii_case(&rule.id)) {
            return Err(AppError::Invalid {
                code: "authority.duplicate_rule",
                message: format!(
                    "province {} already has a rule {} (in another letter case)",
                    rule.province_code, rule.id
                ),
                field: Some("id".into()),
            });
        }
        Ok(())
    }

    fn validate_rule(&self, rule: &AuthorityRule) -> Result<(), AppError> {
        let units = self.units();
        if units.province(&rule.province_code).is_none() {
            return Err(AppError::invalid(
                "province_code",
                format!("no province {}", rule.province_code),
            ));
        }
        let communes: Vec<Commune> = units
            .communes_of(&rule.province_code)
            .into_iter()
            .cloned()
            .collect();
        rule.validate(&communes).map_err(|e| AppError::Invalid {
            code: "authority.invalid_rule",
            message: e.to_string(),
            field: None,
        })
    }

    /// Ends a rule on `valid_to` (rules are never edited otherwise). The end may not be before
    /// the rule's start.
    pub async fn end_authority_rule(
        &self,
        staff: &StaffActor,
        province: &ProvinceCode,
        id: &str,
        valid_to: Date,
    ) -> Result<AuthorityRule, AppError> {
        self.may_manage_rules(staff, province).await?;
        let rules = self.store.authority_rules(province).await?;
        let mut rule = rules.into_iter().find(|r| r.id == id).ok_or_else(|| {
            AppError::not_found(
                "authority.unknown_rule",
                format!("no rule {id} in province {province}"),
            )
        })?;
        if !(1945..=2100).contains(&valid_to.year()) {
            return Err(AppError::invalid(
                "valid_to",
                "a year between 1945 and 2100",
            ));
        }
        if valid_to < rule.valid_from {
            return Err(AppError::Invalid {
                code: "authority.end_before_start",
                message: format!(
                    "the rule starts on {}; it cannot end before",
                    rule.valid_from
                ),
                field: Some("valid_to".into()),
            });
        }
        if rule.valid_to.is_some_and(|t| t < valid_to) {
            return Err(AppError::Invalid {
                code: "authority.end_extends",
                message: "the rule already ended earlier; add a new rule instead of extending it"
                    .into(),
                field: Some("valid_to".into()),
            });
        }
        rule.valid_to = Some(valid_to);
        self.store.replace_authority_rule(&rule).await?;
        self.forget_authority();
        tracing::info!(%province, id, %valid_to, by = %staff.actor_id(), "authority rule ended");
        self.audit_security(
            "authority_rule_ended",
            &staff.actor_id(),
            Some(province),
            id,
            &crate::accounts::Origin::default(),
            &valid_to.to_string(),
        )
        .await;
        Ok(rule)
    }
}

impl App {
    /// Records an agency's address, phone and public hours (`by` names who, for the log): the
    /// parts given replace the recorded ones, the others stay; `clear` removes the contact.
    /// Checked (lengths, control characters, a phone of digits); nothing is invented.
    pub async fn set_agency_contact(
        &self,
        by: &str,
        code: &motcua_domain::ids::AgencyCode,
        given: motcua_domain::agency::AgencyContact,
        clear: bool,
    ) -> Result<motcua_domain::agency::Agency, AppError> {
        let mut agency = self.agency(code).await?;
        let old = agency.contact.clone().unwrap_or_default();
        let merged = motcua_domain::agency::AgencyContact {
            address: given.address.or(old.address),
            phone: given.phone.or(old.phone),
            hours: given.hours.or(old.hours),
        };
        let contact = if clear {
            None
        } else {
            merged
                .checked()
                .map_err(|m| AppError::invalid("contact", m))?
        };
        // The store keeps a recorded contact when given none (`init` upserts the registry
        // again): clearing writes an empty one, read back as none.
        agency.contact = contact.clone();
        let mut write = agency.clone();
        if write.contact.is_none() {
            write.contact = Some(motcua_domain::agency::AgencyContact::default());
        }
        self.store
            .upsert_agencies(std::slice::from_ref(&write))
            .await?;
        self.agencies
            .write()
            .expect("agency lock")
            .insert(code.clone(), agency.clone());
        tracing::info!(agency = %code, by, cleared = clear, "agency contact recorded");
        Ok(agency)
    }
}
