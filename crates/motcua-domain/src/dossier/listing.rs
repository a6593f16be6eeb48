//! What a list of dossiers shows of each one.
//!
//! An inbox page, the leader's overdue list and the register (form 07) show a few fields of
//! each dossier. A [`DossierListing`] is decoded from the same stored text as a [`Dossier`] —
//! its fields have the dossier's names and types — but everything else in that text (the
//! components, the supplements, the routing, the result…) is skipped rather than built: on an
//! inbox page of 50 dossiers that was most of the server's work for the request.

use super::{Applicant, Dossier, PendingApproval, Status, Timeliness};
use crate::catalogue::ProcedureRef;
use crate::ids::{AgencyCode, DossierCode, ProvinceCode};
use serde::Deserialize;
use time::OffsetDateTime;
use uuid::Uuid;

/// A dossier as a list shows it (a subset of [`Dossier`], same field names).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct DossierListing {
    /// Internal id.
    pub id: Uuid,
    /// The dossier's code.
    pub code: DossierCode,
    /// The province whose dossier it is.
    pub province_code: ProvinceCode,
    /// The procedure and version.
    pub procedure: ProcedureRef,
    /// The procedure's name.
    pub procedure_name: String,
    /// Status.
    pub status: Status,
    /// Version (for actions).
    pub version: i64,
    /// The receiving point.
    pub receiving_agency: AgencyCode,
    /// The competent agency.
    pub competent_agency: AgencyCode,
    /// The agency holding it now.
    pub current_agency: AgencyCode,
    /// The applicant.
    pub applicant: Applicant,
    /// The officer handling it.
    #[serde(default)]
    pub handler: Option<String>,
    /// Since when (absent for assignments from before accounts were picked).
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub handler_since: Option<OffsetDateTime>,
    /// A draft waiting for its approver.
    #[serde(default)]
    pub approval: Option<PendingApproval>,
    /// Submitted.
    #[serde(with = "time::serde::rfc3339")]
    pub submitted_at: OffsetDateTime,
    /// Received.
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub received_at: Option<OffsetDateTime>,
    /// Due.
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub due_at: Option<OffsetDateTime>,
    /// Result returned.
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub returned_at: Option<OffsetDateTime>,
    /// On time or late, once finished.
    #[serde(default)]
    pub timeliness: Option<Timeliness>,
}

impl DossierListing {
    /// The same rule as [`Dossier::is_overdue`].
    pub fn is_overdue(&self, now: OffsetDateTime) -> bool {
        super::overdue(self.status, self.due_at, now)
    }
}

impl From<&Dossier> for DossierListing {
    fn from(d: &Dossier) -> Self {
        DossierListing {
            id: d.id,
            code: d.code.clone(),
            province_code: d.province_code.clone(),
            procedure: d.procedure.clone(),
            procedure_name: d.procedure_name.clone(),
            status: d.status,
            version: d.version,
            receiving_agency: d.receiving_agency.clone(),
            competent_agency: d.competent_agency.clone(),
            current_agency: d.current_agency.clone(),
            applicant: d.applicant.clone(),
            handler: d.handler.clone(),
            handler_since: d.handler_since,
            approval: d.approval.clone(),
            submitted_at: d.submitted_at,
            received_at: d.received_at,
            due_at: d.due_at,
            returned_at: d.returned_at,
            timeliness: d.timeliness,
        }
    }
}
