//! Counter staffing from volumes (issue #7): for each one-stop center, arrivals per hour by
//! weekday and intake times from its own history, the officers needed (Erlang C,
//! `motcua_domain::staffing`), compared with the officers on record.

use crate::AppError;
use crate::service::{Actor, App};
use motcua_domain::access::Role;
use motcua_domain::ids::AgencyCode;
use motcua_domain::staffing::{
    ASSUMPTIONS_VI, HourNeed, Intake, ServiceTime, Target, Verdict, arrivals, mean_service, needs,
    service_times, verdict,
};
use serde::Serialize;
use std::collections::BTreeMap;

/// One center's staffing.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CenterStaffing {
    /// The receiving agency.
    pub agency: String,
    /// Its name.
    pub name: String,
    /// In-person intakes in the window.
    pub intakes: usize,
    /// Per week.
    pub per_week: f64,
    /// Mean intake time, minutes.
    pub mean_service_minutes: f64,
    /// Intake time by procedure.
    pub service_times: Vec<ServiceTime>,
    /// Officers needed by weekday and hour.
    pub hours: Vec<HourNeed>,
    /// The busiest hour.
    pub peak: Option<HourNeed>,
    /// Counter officers on record.
    pub on_record: u32,
    /// The comparison.
    pub verdict: Verdict,
}

/// The staffing table of a unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffingReport {
    /// The unit's code.
    pub unit: String,
    /// Its name.
    pub unit_name: String,
    /// Weeks of history read.
    pub weeks: u32,
    /// The target.
    pub target: Target,
    /// The model and its assumptions.
    pub assumptions: Vec<&'static str>,
    /// Every center of the unit with intakes or counter officers.
    pub centers: Vec<CenterStaffing>,
}

impl App {
    /// The staffing table of a unit's centers over the last `weeks` weeks (its leaders, its
    /// province's administrators).
    pub async fn staffing_report(
        &self,
        actor: &Actor,
        unit_code: &str,
        weeks: u32,
        target: Target,
    ) -> Result<StaffingReport, AppError> {
        if !(1..=52).contains(&weeks) {
            return Err(AppError::invalid("weeks", "weeks must be 1 to 52"));
        }
        if !(1.0..=240.0).contains(&target.wait_minutes) || !(0.5..=0.99).contains(&target.level) {
            return Err(AppError::invalid(
                "target",
                "the wait must be 1 to 240 minutes and the level 0.5 to 0.99",
            ));
        }
        let unit = self.monitored_unit(actor, unit_code).await?;
        let now = self.now();
        let from = now - time::Duration::weeks(i64::from(weeks));
        let in_unit = |a: &AgencyCode| unit.agencies.as_ref().is_none_or(|l| l.contains(a));
        let mut by_center: BTreeMap<AgencyCode, Vec<Intake>> = BTreeMap::new();
        for (agency, officer, at, procedure) in self
            .store
            .counter_intakes(&unit.province, from, now)
            .await?
        {
            if in_unit(&agency) {
                by_center.entry(agency).or_default().push(Intake {
                    officer,
                    at,
                    procedure: procedure.to_string(),
                });
            }
        }
        let mut on_record: BTreeMap<AgencyCode, u32> = BTreeMap::new();
        for (agency, role, n) in self.store.staff_on_record(&unit.province).await? {
            if role == Role::CounterOfficer && in_unit(&agency) {
                on_record.insert(agency.clone(), u32::try_from(n).unwrap_or(u32::MAX));
                by_center.entry(agency).or_default();
            }
        }
        let mut centers = Vec::new();
        for (agency, intakes) in by_center {
            let times = service_times(&intakes);
            let mean = mean_service(&times);
            let hours = needs(&arrivals(&intakes, weeks), mean, target);
            let peak = hours
                .iter()
                .max_by(|a, b| {
                    a.officers.cmp(&b.officers).then(
                        a.arrivals
                            .partial_cmp(&b.arrivals)
                            .unwrap_or(std::cmp::Ordering::Equal),
                    )
                })
                .cloned();
            let staff = on_record.get(&agency).copied().unwrap_or(0);
            let name = self
                .agency(&agency)
                .await
                .map(|a| a.name)
                .unwrap_or_default();
            centers.push(CenterStaffing {
                agency: agency.to_string(),
                name,
                intakes: intakes.len(),
                per_week: (intakes.len() as f64 / f64::from(weeks) * 10.0).round() / 10.0,
                mean_service_minutes: (mean * 10.0).round() / 10.0,
                service_times: times,
                verdict: verdict(staff, peak.as_ref().map_or(0, |p| p.officers)),
                hours,
                peak,
                on_record: staff,
            });
        }
        Ok(StaffingReport {
            unit: unit.code.clone(),
            unit_name: unit.name.clone(),
            weeks,
            target,
            assumptions: ASSUMPTIONS_VI.to_vec(),
            centers,
        })
    }
}
