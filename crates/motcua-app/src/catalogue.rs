//! Reference-data use cases: the procedure catalogue (versioned), agencies, holiday tables and
//! due-date computation.

use crate::error::AppError;
use crate::service::App;
use motcua_domain::agency::{Agency, commune_agencies, province_agencies};
use motcua_domain::calendar::{DueDate, HolidaySource, HolidayYear, OfficeHours, ProcessingTime};
use motcua_domain::catalogue::Procedure;
use motcua_domain::ids::{AgencyCode, ProcedureCode, ProvinceCode, UnitCode};
use std::sync::Arc;
use time::OffsetDateTime;

/// What an import did with each procedure.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportReport {
    /// Procedures stored as version 1.
    pub created: Vec<String>,
    /// Procedures stored as a new version.
    pub updated: Vec<String>,
    /// Procedures identical to their current version (nothing stored).
    pub unchanged: Vec<String>,
}

impl App {
    /// The latest version of every procedure (cached; refreshed after edits).
    pub async fn procedures(&self) -> Result<Arc<Vec<Procedure>>, AppError> {
        if let Some(c) = self.catalogue.read().expect("catalogue lock").clone() {
            return Ok(c);
        }
        let mut all = self.store.current_procedures().await?;
        all.sort_by(|a, b| a.code.cmp(&b.code));
        let all = Arc::new(all);
        *self.catalogue.write().expect("catalogue lock") = Some(all.clone());
        Ok(all)
    }

    /// A procedure at a version, or its latest. Versions are immutable, so each is read from
    /// the store once and then shared (every action reads its dossier's procedure: no copy of
    /// the whole record per request); the latest comes from the cached catalogue.
    pub async fn procedure(
        &self,
        code: &ProcedureCode,
        version: Option<u32>,
    ) -> Result<Arc<Procedure>, AppError> {
        let version = match version {
            Some(v) => Some(v),
            None => {
                let all = self.procedures().await?;
                // The catalogue is sorted by code.
                all.binary_search_by(|p| p.code.cmp(code))
                    .ok()
                    .map(|i| all[i].version)
            }
        };
        if let Some(v) = version
            && let Some(p) = self
                .versions
                .read()
                .expect("versions lock")
                .get(&(code.clone(), v))
        {
            return Ok(p.clone());
        }
        let p = self.store.procedure(code, version).await?.ok_or_else(|| {
            AppError::not_found(
                "catalogue.unknown_procedure",
                format!("no procedure {code}"),
            )
        })?;
        let p = Arc::new(p);
        self.versions
            .write()
            .expect("versions lock")
            .insert((p.code.clone(), p.version), p.clone());
        Ok(p)
    }

    /// Stores procedures: a new code becomes version 1, a changed one a new version, an identical
    /// one is left alone. Every record is validated before anything is stored.
    pub async fn import_procedures(
        &self,
        procedures: Vec<Procedure>,
    ) -> Result<ImportReport, AppError> {
        for p in &procedures {
            p.validate().map_err(|e| AppError::Invalid {
                code: "catalogue.invalid_procedure",
                message: e.to_string(),
                field: None,
            })?;
        }
        let mut report = ImportReport::default();
        for mut p in procedures {
            let current = self.store.procedure(&p.code, None).await?;
            match current {
                Some(cur) => {
                    p.version = cur.version;
                    if p == cur {
                        report.unchanged.push(p.code.to_string());
                        continue;
                    }
                    p.version = cur.version + 1;
                    self.store
                        .insert_procedure_version(&p)
                        .await
                        .map_err(|e| match e {
                            crate::StoreError::Duplicate(_) => AppError::VersionConflict {
                                current: i64::from(cur.version) + 1,
                            },
                            e => e.into(),
                        })?;
                    report.updated.push(p.code.to_string());
                }
                None => {
                    p.version = 1;
                    self.store.insert_procedure_version(&p).await?;
                    report.created.push(p.code.to_string());
                }
            }
        }
        *self.catalogue.write().expect("catalogue lock") = None;
        *self.search.write().expect("search lock") = None;
        Ok(report)
    }

    /// Saves one procedure edited by a system administrator: `base_version` is the version the
    /// editor was opened on (0 for a new code). A save over a version someone else has saved
    /// since is refused (`catalogue.stale_version`), a new code that exists already
    /// (`catalogue.code_exists`); every problem of the record is named (`catalogue.invalid_procedure`).
    pub async fn save_procedure(
        &self,
        staff: &crate::StaffActor,
        p: Procedure,
        base_version: u32,
    ) -> Result<ImportReport, AppError> {
        if staff.role != motcua_domain::access::Role::Admin {
            return Err(AppError::Forbidden(
                "only a system administrator edits the national catalogue".into(),
            ));
        }
        let current = self.store.procedure(&p.code, None).await?;
        // A new code may not differ from one already there by letter case only.
        if base_version == 0
            && current.is_none()
            && self
                .procedures()
                .await?
                .iter()
                .any(|x| x.code.as_str().eq_ignore_ascii_case(p.code.as_str()))
        {
            return Err(AppError::Invalid {
                code: "catalogue.code_exists",
                message: format!(
                    "the catalogue already has a procedure {} (in another case)",
                    p.code
                ),
                field: Some("code".into()),
            });
        }
        match (&current, base_version) {
            (Some(_), 0) => {
                return Err(AppError::Invalid {
                    code: "catalogue.code_exists",
                    message: format!("the catalogue already has a procedure {}", p.code),
                    field: Some("code".into()),
                });
            }
            (Some(cur), v) if cur.version != v => {
                return Err(AppError::Invalid {
                    code: "catalogue.stale_version",
                    message: format!(
                        "version {} of {} was saved after you opened version {v}; reopen it",
                        cur.version, p.code
                    ),
                    field: None,
                });
            }
            (None, v) if v != 0 => {
                return Err(AppError::not_found(
                    "catalogue.unknown_procedure",
                    format!("no procedure {}", p.code),
                ));
            }
            _ => {}
        }
        let code = p.code.clone();
        let report = match self.import_procedures(vec![p]).await {
            // Someone saved the same version a moment before.
            Err(AppError::VersionConflict { current }) => {
                return Err(AppError::Invalid {
                    code: "catalogue.stale_version",
                    message: format!("version {current} of {code} was saved meanwhile; reopen it"),
                    field: None,
                });
            }
            r => r?,
        };
        let what = if !report.created.is_empty() {
            "created"
        } else if !report.updated.is_empty() {
            "new version"
        } else {
            "unchanged"
        };
        self.audit_security(
            "catalogue_saved",
            &staff.actor_id(),
            None,
            code.as_str(),
            &crate::accounts::Origin::default(),
            what,
        )
        .await;
        Ok(report)
    }

    /// Registers the standard agencies of every province and commune (idempotent).
    pub async fn register_standard_agencies(&self) -> Result<usize, AppError> {
        let units = self.units();
        let mut all: Vec<Agency> = Vec::new();
        for p in units.provinces() {
            all.extend(province_agencies(p));
        }
        for c in &units.data().communes {
            all.extend(commune_agencies(c));
        }
        for chunk in all.chunks(2000) {
            self.store.upsert_agencies(chunk).await?;
        }
        self.agencies.write().expect("agency lock").clear();
        self.forget_authority();
        Ok(all.len())
    }

    /// Agencies of a commune (its own) plus, for context, none of the province's; use
    /// [`App::agencies_of_province`] for those.
    pub async fn agencies_of_unit(&self, unit: &UnitCode) -> Result<Vec<Agency>, AppError> {
        if self.units().commune(unit).is_none() {
            return Err(AppError::not_found(
                "unit.not_found",
                format!("no commune {unit}"),
            ));
        }
        Ok(self.store.agencies_of_unit(unit).await?)
    }

    /// Province-level agencies of a province.
    pub async fn agencies_of_province(
        &self,
        province: &ProvinceCode,
    ) -> Result<Vec<Agency>, AppError> {
        if self.units().province(province).is_none() {
            return Err(AppError::not_found(
                "unit.not_found",
                format!("no province {province}"),
            ));
        }
        Ok(self.store.agencies_of_province(province).await?)
    }

    /// The due date for a receipt at `from` with processing time `time`, on the calendar of
    /// `agency` (or the default calendar of the agency's province).
    pub async fn due_date(
        &self,
        from: OffsetDateTime,
        time: ProcessingTime,
        agency: &AgencyCode,
    ) -> Result<DueDate, AppError> {
        let agency = self.agency(agency).await?;
        let cal = self.calendar_for(&agency).await?;
        Ok(cal.due(from, time))
    }

    /// The holiday table in force for a province and year (official if entered, else default).
    pub async fn holiday_year(
        &self,
        province: &ProvinceCode,
        year: i32,
    ) -> Result<HolidayYear, AppError> {
        if !(1900..=2100).contains(&year) {
            return Err(AppError::invalid("year", "years 1900-2100 are supported"));
        }
        let official = self.store.holiday_years(province).await?;
        Ok(official
            .into_iter()
            .find(|y| y.year == year)
            .unwrap_or_else(|| motcua_domain::calendar::default_holidays(year)))
    }

    /// A commune's office hours (its own, or the deployment default) and whether they are its own.
    pub async fn office_hours(&self, unit: &UnitCode) -> Result<(OfficeHours, bool), AppError> {
        if self.units().commune(unit).is_none() {
            return Err(AppError::not_found(
                "unit.not_found",
                format!("no commune {unit}"),
            ));
        }
        Ok(match self.store.office_hours(unit).await? {
            Some(h) => (h, true),
            None => (self.settings.default_office_hours.clone(), false),
        })
    }

    /// Sets a commune's office hours; due dates computed afterwards use them.
    pub async fn set_office_hours(
        &self,
        unit: &UnitCode,
        hours: &OfficeHours,
    ) -> Result<(), AppError> {
        let commune =
            self.units().commune(unit).cloned().ok_or_else(|| {
                AppError::not_found("unit.not_found", format!("no commune {unit}"))
            })?;
        self.store
            .set_office_hours(unit, &commune.province_code, hours)
            .await?;
        self.invalidate_calendars();
        Ok(())
    }

    /// Saves a year's official table for a province (replacing the default proposal).
    pub async fn save_holiday_year(
        &self,
        province: &ProvinceCode,
        mut year: HolidayYear,
    ) -> Result<(), AppError> {
        year.validate().map_err(|m| AppError::invalid("days", m))?;
        year.source = HolidaySource::Official;
        year.days.sort_by_key(|d| d.date);
        self.store.save_holiday_year(province, &year).await?;
        self.invalidate_calendars();
        Ok(())
    }
}

/// What a leader's dashboard shows.
#[derive(Debug, Clone)]
pub struct Dashboard {
    /// `province` (an administrator sees the whole province) or `agency`.
    pub scope: String,
    /// The counts.
    pub stats: crate::ports::DossierStats,
    /// The most overdue open dossiers (up to 20), oldest due date first.
    pub overdue: Vec<motcua_domain::dossier::DossierListing>,
}

impl App {
    /// The dashboard of a leader (their agency) or an administrator (their province).
    pub async fn dashboard(
        &self,
        staff: &crate::service::StaffActor,
    ) -> Result<Dashboard, AppError> {
        use motcua_domain::access::Role;
        if !staff.role.leads() {
            return Err(AppError::Forbidden(
                "the dashboard is for leaders and administrators".into(),
            ));
        }
        let agency = self.agency(&staff.agency).await?;
        let now = self.now();
        let since = now - time::Duration::days(30);
        let whole_province = matches!(staff.role, Role::ProvinceAdmin | Role::Admin);
        let scope_agency = (!whole_province).then_some(&staff.agency);
        let stats = self
            .store
            .dossier_stats(&agency.province_code, scope_agency, now, since)
            .await?;
        let filter = crate::ports::DossierFilter {
            province: Some(agency.province_code.clone()),
            agency: scope_agency.cloned(),
            due_before: Some(now),
            limit: 20,
            ..Default::default()
        };
        let overdue = self.store.list_dossiers(&filter).await?;
        Ok(Dashboard {
            scope: if whole_province {
                "province".into()
            } else {
                "agency".into()
            },
            stats,
            overdue,
        })
    }
}
