//! Where a procedure may be filed: the receiving point is not the competent agency.
//!
//! - A commune-level procedure is filed at the one-stop point of the applicant's own commune
//!   (where the competent commune body sits), unless the province lists it as **boundary-free**
//!   (*không phụ thuộc địa giới hành chính*, DOMAIN.md "The path of a dossier"): then at any
//!   one-stop point of the province, which forwards it.
//! - A provincial procedure may be filed at the provincial center or any commune one-stop point
//!   of the province, which forwards it to the department (the two-level model brings provincial
//!   procedures to commune counters; this is motcua's default policy, not a quoted rule).
//! - Never in another province: the receiving point could not forward it to a competent agency
//!   of its own registry.

use crate::agency::{Agency, AgencyKind, Level};
use crate::authority::standard_agency;
use crate::catalogue::Procedure;
use crate::ids::AgencyCode;
use crate::units::Commune;
use serde::Serialize;

/// Why a procedure may not be filed at a receiving point, and where it may be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[error("{message}")]
pub struct FilingRefusal {
    /// In words, for the officer and the applicant.
    pub message: String,
    /// One-stop points where it may be filed.
    pub file_at: Vec<AgencyCode>,
}

/// Checks that `p`, for an applicant living in `applicant_unit`, may be filed at `receiving`
/// (a one-stop point).
pub fn may_file_at(
    p: &Procedure,
    receiving: &Agency,
    applicant_unit: &Commune,
) -> Result<(), FilingRefusal> {
    let own_point = standard_agency(AgencyKind::CommuneServiceCenter, applicant_unit);
    if receiving.province_code != applicant_unit.province_code {
        return Err(FilingRefusal {
            message: format!(
                "{} ({}) thuộc tỉnh khác; hồ sơ của người cư trú tại {} nộp tại Trung tâm Phục vụ hành chính công của {}",
                receiving.name, receiving.code, applicant_unit.name, applicant_unit.name
            ),
            file_at: vec![own_point],
        });
    }
    let commune_level = p.competent_agency_kind.level() == Level::Commune;
    if !commune_level || p.boundary_free {
        return Ok(());
    }
    if receiving.unit_code.as_ref() == Some(&applicant_unit.code) {
        return Ok(());
    }
    Err(FilingRefusal {
        message: format!(
            "Thủ tục {} ({}) không thuộc danh mục tiếp nhận không phụ thuộc địa giới hành chính: nộp tại Trung tâm Phục vụ hành chính công của {}, nơi cư trú của người nộp",
            p.name, p.code, applicant_unit.name
        ),
        file_at: vec![own_point],
    })
}
