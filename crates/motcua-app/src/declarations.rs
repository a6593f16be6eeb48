//! Declarations printed like their paper forms: the blank form of a procedure (to fill by hand,
//! from the procedure page) and a dossier's filed declaration (for the officer's file), both
//! rendered by the same engine as the one-stop forms.

use crate::documents::date_words;
use crate::error::AppError;
use crate::service::{Actor, App};
use motcua_domain::declaration::Declaration;
use motcua_domain::declaration::show::Section;
use motcua_domain::ids::{DossierCode, ProcedureCode};
use serde_json::{Value, json};

fn no_declaration(code: &impl std::fmt::Display) -> AppError {
    AppError::not_found(
        "declaration.not_found",
        format!("{code} has no electronic declaration"),
    )
}

impl App {
    /// The blank form of the declaration of `procedure`'s case (the first when `case` is none).
    pub async fn blank_declaration_pdf(
        &self,
        procedure: &ProcedureCode,
        case: Option<&str>,
    ) -> Result<Vec<u8>, AppError> {
        let p = self.procedure(procedure, None).await?;
        let decl = p
            .case(case)
            .and_then(|c| c.declaration.clone())
            .ok_or_else(|| no_declaration(procedure))?;
        let applicant = json!({"name": null, "id_number": null, "address": null, "phone": null});
        let sections = decl.blank("vi");
        self.declaration_pdf_of(&decl, applicant, &sections, None, None, None)
            .await
    }

    /// A dossier's declaration as its paper form, filled (staff who see the dossier).
    pub async fn filed_declaration_pdf(
        &self,
        actor: &Actor,
        code: &DossierCode,
    ) -> Result<Vec<u8>, AppError> {
        let d = self.load(actor, code).await?;
        let filed = d.declaration.clone().ok_or_else(|| no_declaration(code))?;
        let p = self
            .procedure(&d.procedure.code, Some(d.procedure.version))
            .await?;
        let decl = p
            .case(Some(&d.case_code))
            .and_then(|c| c.declaration.clone())
            .ok_or_else(|| no_declaration(code))?;
        let agency = self.agency(&d.competent_agency).await?;
        let applicant = json!({
            "name": d.applicant.name,
            "id_number": d.applicant.id_number.as_str(),
            "address": d.applicant.address,
            "phone": d.applicant.phone.as_str(),
        });
        let sections = decl.show(&filed.answers, "vi");
        let place = self
            .units()
            .commune(&d.receiving_unit)
            .map(|c| c.name.clone())
            .unwrap_or_default();
        let note = format!(
            "Khai điện tử, nộp {} ({}), mã hồ sơ {}; dữ liệu tờ khai được lưu cùng hồ sơ.",
            crate::documents::time_words(d.submitted_at),
            match d.channel {
                motcua_domain::catalogue::Channel::Online => "trực tuyến",
                motcua_domain::catalogue::Channel::Kiosk => "tại ki-ốt",
                _ => "tại bộ phận một cửa",
            },
            d.code
        );
        self.declaration_pdf_of(
            &decl,
            applicant,
            &sections,
            Some(agency.name),
            Some((
                d.code.to_string(),
                format!("{place}, {}", date_words(d.submitted_at)),
            )),
            Some(note),
        )
        .await
    }

    async fn declaration_pdf_of(
        &self,
        decl: &Declaration,
        applicant: Value,
        sections: &[Section],
        agency: Option<String>,
        dossier: Option<(String, String)>,
        filed_note: Option<String>,
    ) -> Result<Vec<u8>, AppError> {
        let engine = self.documents.clone().ok_or_else(|| {
            AppError::Unavailable("documents are not configured on this server".into())
        })?;
        let (dossier, place_date) = match dossier {
            Some((code, place)) => (Some(code), Some(place)),
            None => (None, None),
        };
        let data = json!({
            "title": decl.title.vi,
            "basis": format!("{} — {}", decl.form.name, decl.form.basis),
            "agency": agency,
            "applicant": applicant,
            "sections": sections,
            "dossier": dossier,
            "place_date": place_date,
            "filed_note": filed_note,
        });
        crate::lanes::heavy(move || engine.render("declaration", &data, &[])).await
    }
}
