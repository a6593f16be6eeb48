//! Dossier use cases: open (online submission or counter intake), act, read, list, track.

use crate::documents::Form;
use crate::error::AppError;
use crate::ports::{DossierFilter, IdempotencyRecord, Issued, StoreError, StoredEvent};
use crate::service::{Actor, App, StaffActor};
use motcua_domain::VN_OFFSET;
use motcua_domain::agency::Agency;
use motcua_domain::catalogue::{Channel, Procedure};
use motcua_domain::declaration::FiledDeclaration;
use motcua_domain::dossier::chain::{ChainInput, chain_time, event_hash};
use motcua_domain::dossier::search::SearchQuery;
use motcua_domain::dossier::{
    ActionContext, ActionKind, Applicant, Command, Dossier, DossierListing, EventDraft, NewDossier,
    ReceivedComponent, Status,
};
use motcua_domain::ids::{AgencyCode, DossierCode, Phone, ProcedureCode, UnitCode};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// A request to open a dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpenDossier {
    /// Procedure code; the latest version is used and kept by the dossier.
    pub procedure: ProcedureCode,
    /// Case code; the first case when absent.
    #[serde(default)]
    pub case: Option<String>,
    /// Channel: staff intake is `direct` (default) or `postal`; public submission is `online`
    /// (default) or `kiosk`.
    #[serde(default)]
    pub channel: Option<Channel>,
    /// The receiving agency (a one-stop point). Staff: defaults to the token's agency and must
    /// equal it. Public: required.
    #[serde(default)]
    pub receiving_agency: Option<AgencyCode>,
    /// The applicant.
    pub applicant: Applicant,
    /// The applicant's commune (2025 code): routes the dossier to the competent agency. Defaults
    /// to the receiving point's commune; at a provincial center, to the commune the applicant's
    /// address resolves to (old addresses included).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "24958"))]
    pub applicant_unit: Option<UnitCode>,
    /// The support point that helped the applicant file (a post office, a community
    /// digital-technology team…), if any: recorded, distinct from the receiving point.
    #[serde(default)]
    pub support_point: Option<String>,
    /// Requested content; defaults to the procedure name.
    #[serde(default)]
    pub summary: Option<String>,
    /// Components received or declared.
    #[serde(default)]
    pub components: Vec<ReceivedComponent>,
    /// Staff only: `false` registers the dossier as submitted without receiving it yet (a postal
    /// filing before its check, or a counter filing to be refused or asked for supplements at
    /// intake). Default `true`: received at once with its appointment.
    #[serde(default)]
    pub receive: Option<bool>,
    /// The answers to the case's electronic declaration (`GET /api/v1/procedures/{code}` gives
    /// its fields): one object keyed by field key. Required online and at a kiosk when the case
    /// has a declaration; optional at the counter (the paper form may be brought instead).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub declaration: Option<serde_json::Value>,
    /// How the applicant receives the result: `{"method": "counter"}` (the default),
    /// `{"method": "postal", "address": "…"}` or `{"method": "electronic"}` (downloaded from the
    /// applicant's own page after signing in).
    #[serde(default)]
    pub result_delivery: Option<motcua_domain::dossier::ResultDelivery>,
}

/// A dossier ready to be opened: checked, routed, its receiving point and competent agency
/// known.
pub(crate) struct Intake {
    pub procedure: Arc<Procedure>,
    pub case: Option<String>,
    pub channel: Channel,
    pub receiving: Agency,
    pub competent: Agency,
    pub routing: motcua_domain::authority::Routing,
    pub applicant: Applicant,
    pub summary: Option<String>,
    pub components: Vec<ReceivedComponent>,
    pub receive_now: bool,
    pub linked: Option<motcua_domain::dossier::LinkedStep>,
    pub support_point: Option<String>,
    pub declaration: Option<FiledDeclaration>,
    pub result_delivery: Option<motcua_domain::dossier::ResultDelivery>,
}

/// How much of a dossier a staff member sees ([`App::sight_of`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sight {
    /// Everything.
    Full,
    /// Only what a consultation needs ([`ConsultationView`]).
    Consulted,
}

/// A component as the consulted agency sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsultedComponent {
    /// Component code.
    pub code: String,
    /// Its name in the procedure.
    pub name: String,
    /// Originals received.
    pub originals: u32,
    /// Copies received.
    pub copies: u32,
}

/// What a consulted agency reads of a dossier it holds for a consultation.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsultationView {
    /// Dossier code.
    pub code: String,
    /// The version to name when sending it back.
    pub version: i64,
    /// Procedure code.
    pub procedure: String,
    /// Procedure name.
    pub procedure_name: String,
    /// Requested content.
    pub summary: String,
    /// Status.
    pub status: Status,
    /// The dossier's due date.
    pub due_at: Option<String>,
    /// The applicant's name.
    pub applicant_name: String,
    /// The applicant's identification number, masked.
    pub applicant_id_masked: String,
    /// The components received.
    pub components: Vec<ConsultedComponent>,
    /// The agency that asked (where the dossier goes back).
    pub asked_by: String,
    /// Its name.
    pub asked_by_name: String,
    /// When it asked.
    pub asked_at: Option<String>,
    /// What it asked (the transfer's note).
    pub note: Option<String>,
    /// The component files.
    pub files: Vec<crate::ports::Attachment>,
}

/// What public tracking shows: no personal data beyond what the applicant gave (the phone
/// number proves it is theirs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrackingView {
    /// Dossier code.
    pub code: String,
    /// Procedure name.
    pub procedure_name: String,
    /// Status.
    pub status: Status,
    /// National status code.
    pub status_code: u8,
    /// Status name in Vietnamese.
    pub status_name: String,
    /// When submitted.
    pub submitted_at: String,
    /// Appointment (current due date).
    pub due_at: Option<String>,
    /// Name of the agency holding it.
    pub current_agency: String,
    /// Timeline: (time, action, status).
    pub timeline: Vec<TrackingStep>,
    /// While documents are asked for: the officer's reason and the items (the applicant answers
    /// signed in; anyone with the code and phone only reads what is asked).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supplement: Option<TrackingSupplement>,
    /// How the applicant chose to receive the result (`counter`, `postal`, `online`); tracking
    /// says when it is ready and where, never hands the file out.
    pub result_delivery: String,
}

/// What a supplement request asks for, as tracking shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrackingSupplement {
    /// The officer's reason.
    pub reason: Option<String>,
    /// Each item asked for.
    pub items: Vec<TrackingSupplementItem>,
}

/// One item of a supplement request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrackingSupplementItem {
    /// Component code.
    pub component: String,
    /// Its name in the procedure.
    pub name: String,
    /// The officer's note.
    pub note: Option<String>,
}

/// One step of the public timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrackingStep {
    /// When.
    pub at: String,
    /// Action name.
    pub action: String,
    /// Status after it.
    pub status: String,
}

/// An `Idempotency-Key` as given, trimmed: 1–200 visible ASCII characters.
pub(crate) fn checked_idempotency_key(k: &str) -> Result<&str, AppError> {
    let k = k.trim();
    if k.is_empty() || k.len() > 200 || !k.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(AppError::invalid(
            "Idempotency-Key",
            "1-200 visible ASCII characters",
        ));
    }
    Ok(k)
}

/// An `Idempotency-Key` in its caller's namespace: an agency's keys are its own (another
/// agency can neither learn that a key exists nor take it first), and an anonymous caller's key
/// is bound to its request, so nobody can squat it and a replay needs the very request it
/// answers (issue #29).
pub(crate) fn scoped_idempotency_key(actor: &Actor, key: &str, request_hash: &str) -> String {
    match actor {
        Actor::Staff(s) => format!("agency:{}:{key}", s.agency),
        Actor::Public => format!("public:{request_hash}:{key}"),
        Actor::System(_) => format!("system:{key}"),
        Actor::Applicant(id) => format!("applicant:{id}:{key}"),
    }
}

fn request_hash(actor: &Actor, req: &OpenDossier) -> String {
    let body = serde_json::to_string(req).unwrap_or_default();
    hex::encode(Sha256::digest(format!("{}\n{body}", actor.id()).as_bytes()))
}

/// Turns an action's event draft into the stored event, hashed onto the dossier's chain after
/// `prev_hash`. The due date and its explanation go into the payload, so the hash covers them.
pub fn seal_event(
    d: &Dossier,
    draft: &EventDraft,
    actor: &str,
    agency: &str,
    prev_hash: &str,
) -> StoredEvent {
    let mut payload = draft.payload.clone();
    if let Some(due) = &draft.due {
        payload["due"] = serde_json::to_value(due).unwrap_or_default();
    }
    let payload = payload.to_string();
    let id = d.id.to_string();
    let at = chain_time(draft.at);
    let hash = event_hash(&ChainInput {
        prev_hash,
        dossier_id: &id,
        seq: d.version,
        action: draft.action.as_str(),
        actor,
        agency,
        at: &at,
        payload: &payload,
    });
    StoredEvent {
        id: uuid::Uuid::now_v7(),
        dossier_id: d.id,
        province_code: d.province_code.clone(),
        seq: d.version,
        action: draft.action.as_str().into(),
        status: draft.status.as_str().into(),
        actor: actor.to_owned(),
        agency: agency.to_owned(),
        at: draft.at.to_offset(time::UtcOffset::UTC),
        payload,
        prev_hash: prev_hash.to_owned(),
        hash,
    }
}

/// The answer for a dossier that is absent or outside the actor's sight: the same for both, so
/// a code is not a capability.
fn not_visible(code: &DossierCode) -> AppError {
    AppError::not_found(
        "dossier.not_found",
        format!("no dossier {code} in your jurisdiction"),
    )
}

/// The least time a tracking miss (unknown code, wrong phone) takes to answer.
pub const TRACKING_MISS_FLOOR: std::time::Duration = std::time::Duration::from_millis(30);

impl App {
    /// The dossier and its events for `code` when `phone` is its applicant's; `None` otherwise.
    async fn track_lookup(
        &self,
        code: &str,
        phone: &str,
    ) -> Result<Option<(Dossier, Vec<StoredEvent>)>, AppError> {
        let (Ok(code), Ok(phone)) = (
            DossierCode::parse(&code.to_uppercase()),
            Phone::parse(phone),
        ) else {
            return Ok(None);
        };
        Ok(self
            .store
            .dossier_with_events(&code)
            .await?
            .filter(|(d, _)| d.applicant.phone == phone))
    }

    /// Whether `staff` may perform `kind` on `d` (role and jurisdiction; not the state, which
    /// the lifecycle decides). The receiving counter deals with the applicant (intake,
    /// supplements, withdrawal, fees, returning results) wherever the dossier is; the result is
    /// recorded only by the competent agency (it is signed in that agency's name); everything
    /// else is for the agency holding the dossier or the competent agency — or a leader or
    /// administrator whose jurisdiction covers one of them. An agency holding the dossier only
    /// for a consultation may send it back and nothing else.
    pub async fn may_act(&self, staff: &StaffActor, d: &Dossier, kind: ActionKind) -> bool {
        if !staff.role.may(kind) {
            return false;
        }
        if kind == ActionKind::Finish {
            return self.covers(staff, &d.competent_agency).await;
        }
        let counter_action = matches!(
            kind,
            ActionKind::Receive
                | ActionKind::Supplement
                | ActionKind::Withdraw
                | ActionKind::Pay
                | ActionKind::ReturnResult
        );
        match self.sight_of(staff, d).await {
            Some(Sight::Full) => {
                (counter_action && self.covers(staff, &d.receiving_agency).await)
                    || self.covers(staff, &d.current_agency).await
                    || self.covers(staff, &d.competent_agency).await
            }
            Some(Sight::Consulted) => kind == ActionKind::Transfer,
            None => false,
        }
    }

    /// How much of `d` a staff member sees: all of it when their jurisdiction covers the
    /// receiving point or the competent agency, or the agency holding it outside a
    /// consultation; only the consultation's part ([`ConsultationView`]) when it covers just
    /// the agency consulted; nothing otherwise.
    pub async fn sight_of(&self, staff: &StaffActor, d: &Dossier) -> Option<Sight> {
        if self.covers(staff, &d.receiving_agency).await
            || self.covers(staff, &d.competent_agency).await
        {
            return Some(Sight::Full);
        }
        if self.covers(staff, &d.current_agency).await {
            return Some(match d.consultation_from {
                Some(_) => Sight::Consulted,
                None => Sight::Full,
            });
        }
        None
    }

    /// Whether `staff` sees a listed dossier only because its agency holds it for a
    /// consultation (the holder is neither the receiving point nor the competent agency only
    /// during a consultation).
    pub async fn holds_only_for_consultation(
        &self,
        staff: &StaffActor,
        d: &DossierListing,
    ) -> bool {
        !self.covers(staff, &d.receiving_agency).await
            && !self.covers(staff, &d.competent_agency).await
            && self.covers(staff, &d.current_agency).await
    }

    /// Whether `actor` may read all of `d` (see [`App::sight_of`]).
    pub(crate) async fn may_see(&self, actor: &Actor, d: &Dossier) -> bool {
        match actor {
            Actor::Staff(s) => self.sight_of(s, d).await == Some(Sight::Full),
            Actor::Public | Actor::System(_) | Actor::Applicant(_) => false,
        }
    }

    pub(crate) async fn load(
        &self,
        actor: &Actor,
        code: &DossierCode,
    ) -> Result<Dossier, AppError> {
        match self.store.dossier(code).await? {
            Some(d) if self.may_see(actor, &d).await => Ok(d),
            _ => Err(not_visible(code)),
        }
    }

    /// A dossier the actor sees in full or as a consulted agency, with the sight.
    pub(crate) async fn load_any(
        &self,
        staff: &StaffActor,
        code: &DossierCode,
    ) -> Result<(Dossier, Sight), AppError> {
        if let Some(d) = self.store.dossier(code).await?
            && let Some(sight) = self.sight_of(staff, &d).await
        {
            return Ok((d, sight));
        }
        Err(not_visible(code))
    }

    /// What a consulted agency reads of a dossier it holds for a consultation: the procedure,
    /// the request, the components and their files, who asked and why — the applicant only by
    /// name and masked number (what the opinion needs to name the person; no phone, e-mail or
    /// address). Staff who see the whole dossier get the same view of it.
    pub async fn consultation(
        &self,
        actor: &Actor,
        code: &DossierCode,
    ) -> Result<ConsultationView, AppError> {
        let Actor::Staff(staff) = actor else {
            return Err(AppError::Unauthenticated);
        };
        let (d, _) = self.load_any(staff, code).await?;
        let Some(asked_by) = d.consultation_from.clone() else {
            return Err(AppError::not_found(
                "dossier.not_found",
                format!("dossier {code} is not out for a consultation"),
            ));
        };
        let events = self.store.events(d.id).await?;
        // The transfer that sent it here: when, and the note that says what is asked.
        let asked = events
            .iter()
            .rev()
            .find(|e| e.action == ActionKind::Transfer.as_str());
        let note = asked
            .and_then(|e| serde_json::from_str::<serde_json::Value>(&e.payload).ok())
            .and_then(|p| p["note"].as_str().map(str::to_owned));
        let procedure = self
            .procedure(&d.procedure.code, Some(d.procedure.version))
            .await?;
        let case = procedure.case(Some(&d.case_code));
        let components = d
            .components
            .iter()
            .map(|c| ConsultedComponent {
                code: c.code.clone(),
                name: case
                    .and_then(|k| k.components.iter().find(|x| x.code == c.code))
                    .map(|x| x.name.clone())
                    .unwrap_or_else(|| c.code.clone()),
                originals: c.originals,
                copies: c.copies,
            })
            .collect();
        let asked_by_name = match self.agency(&asked_by).await {
            Ok(a) => a.name,
            Err(_) => asked_by.to_string(),
        };
        Ok(ConsultationView {
            code: d.code.to_string(),
            version: d.version,
            procedure: d.procedure.code.to_string(),
            procedure_name: d.procedure_name.clone(),
            summary: d.summary.clone(),
            status: d.status,
            due_at: d.due_at.map(motcua_domain::dossier::fmt),
            applicant_name: d.applicant.name.clone(),
            applicant_id_masked: d.applicant.id_number.masked(),
            components,
            asked_by: asked_by.to_string(),
            asked_by_name,
            asked_at: asked.map(|e| motcua_domain::dossier::fmt(e.at)),
            note,
            files: self.store.dossier_attachments(d.id).await?,
        })
    }

    fn event_row(
        &self,
        d: &Dossier,
        draft: &EventDraft,
        actor: &Actor,
        prev_hash: &str,
    ) -> StoredEvent {
        seal_event(d, draft, &actor.id(), &actor.agency(), prev_hash)
    }

    /// Opens a dossier. Staff (counter intake) receive it at once and the appointment is issued;
    /// the public (online, kiosk) submit it for intake. With an `Idempotency-Key`, a retry with the
    /// same request returns the same dossier; the same key with another request is refused.
    pub async fn open_dossier(
        &self,
        actor: &Actor,
        req: OpenDossier,
        idem_key: Option<&str>,
    ) -> Result<Dossier, AppError> {
        let idem = match idem_key.map(checked_idempotency_key).transpose()? {
            Some(k) => {
                let hash = request_hash(actor, &req);
                let k = scoped_idempotency_key(actor, k, &hash);
                if let Some(found) = self.store.idempotency(&k).await? {
                    return self.replay(actor, found, &hash).await;
                }
                Some((k, hash))
            }
            None => None,
        };

        let (channel, receiving_code, receive_now) = match actor {
            Actor::Staff(s) => {
                if !s.role.may(ActionKind::Receive) {
                    return Err(AppError::Forbidden(format!(
                        "role {} may not receive dossiers",
                        s.role.as_str()
                    )));
                }
                let ch = req.channel.unwrap_or(Channel::Direct);
                if !matches!(ch, Channel::Direct | Channel::Postal) {
                    return Err(AppError::invalid(
                        "channel",
                        "counter intake is direct or postal",
                    ));
                }
                let rc = req
                    .receiving_agency
                    .clone()
                    .unwrap_or_else(|| s.agency.clone());
                if rc != s.agency {
                    return Err(AppError::Forbidden(
                        "a counter may only receive for its own agency".into(),
                    ));
                }
                (ch, rc, req.receive.unwrap_or(true))
            }
            Actor::Public => {
                let ch = req.channel.unwrap_or(Channel::Online);
                if !matches!(ch, Channel::Online | Channel::Kiosk) {
                    return Err(AppError::invalid(
                        "channel",
                        "public submission is online or kiosk",
                    ));
                }
                let rc = req
                    .receiving_agency
                    .clone()
                    .ok_or_else(|| AppError::invalid("receiving_agency", "choose where to file"))?;
                (ch, rc, false)
            }
            Actor::System(_) | Actor::Applicant(_) => {
                return Err(AppError::Forbidden(
                    "dossiers are opened online, at a kiosk or at the counter".into(),
                ));
            }
        };
        let receiving = self.agency(&receiving_code).await.map_err(|e| {
            e.not_found_as(|| {
                AppError::invalid("receiving_agency", format!("no agency {receiving_code}"))
            })
        })?;
        if !receiving.kind.is_receiving_point() {
            return Err(AppError::invalid(
                "receiving_agency",
                format!("{receiving_code} is not a one-stop receiving point"),
            ));
        }
        let procedure = self.procedure(&req.procedure, None).await?;
        let mut components = req.components.clone();
        let declaration = self.filed_declaration(
            &procedure,
            req.case.as_deref(),
            channel,
            req.declaration.as_ref(),
            &mut components,
        )?;
        let applicant_unit = self.applicant_unit(&req, &receiving)?;
        let (competent, routing) = self.route(&procedure, &receiving, &applicant_unit).await?;
        self.open_routed(
            actor,
            Intake {
                procedure,
                case: req.case,
                channel,
                receiving,
                competent,
                routing,
                applicant: req.applicant,
                summary: req.summary,
                components,
                receive_now,
                linked: None,
                support_point: req.support_point,
                declaration,
                result_delivery: req.result_delivery,
            },
            idem,
        )
        .await
    }

    /// The declaration of a new dossier, checked against its case's on the filing date (Vietnam's
    /// calendar day): refused whole with every failing path (`declaration.invalid`), required
    /// online and at a kiosk when the case has one. Filed, it stands for the paper form it
    /// replaces (the component is recorded as received).
    pub fn filed_declaration(
        &self,
        procedure: &Procedure,
        case: Option<&str>,
        channel: Channel,
        answers: Option<&serde_json::Value>,
        components: &mut Vec<ReceivedComponent>,
    ) -> Result<Option<FiledDeclaration>, AppError> {
        let declaration = procedure.case(case).and_then(|c| c.declaration.as_ref());
        let (declaration, answers) = match (declaration, answers) {
            (None, None) => return Ok(None),
            (None, Some(_)) => {
                return Err(AppError::invalid(
                    "declaration",
                    "this procedure case has no electronic declaration",
                ));
            }
            (Some(_), None) if matches!(channel, Channel::Direct | Channel::Postal) => {
                return Ok(None);
            }
            (Some(_), None) => {
                return Err(AppError::invalid(
                    "declaration",
                    "this procedure's declaration must be filled in when filing online",
                ));
            }
            (Some(d), Some(a)) => (d, a),
        };
        let units = self.units();
        let ctx = motcua_domain::declaration::CheckContext {
            filing_date: self.now().to_offset(VN_OFFSET).date(),
            units: &units,
        };
        let checked = declaration.check(answers, ctx)?;
        if let Some(code) = &declaration.replaces_component
            && !components.iter().any(|c| &c.code == code)
        {
            components.push(ReceivedComponent {
                code: code.clone(),
                originals: 1,
                copies: 0,
            });
        }
        Ok(Some(FiledDeclaration {
            code: declaration.code.clone(),
            answers: checked,
        }))
    }

    /// The receiving unit (the point's commune, or the province's first commune for a
    /// provincial center) and the code prefix of what it receives at `now`.
    pub(crate) fn code_prefix(
        &self,
        receiving: &Agency,
        now: time::OffsetDateTime,
    ) -> (Option<UnitCode>, String) {
        let unit = receiving.unit_code.clone().or_else(|| {
            self.units()
                .communes_of(&receiving.province_code)
                .first()
                .map(|c| c.code.clone())
        });
        let unit_for_code = receiving
            .unit_code
            .as_ref()
            .map(|u| u.to_string())
            .unwrap_or_else(|| receiving.province_code.to_string());
        let prefix = self.settings.code_pattern.prefix(
            &unit_for_code,
            receiving.code.as_str(),
            now.to_offset(VN_OFFSET).date(),
        );
        (unit, prefix)
    }

    /// The applicant's commune: as given, else the receiving point's commune, else the commune
    /// the applicant's address resolves to.
    fn applicant_unit(&self, req: &OpenDossier, receiving: &Agency) -> Result<UnitCode, AppError> {
        if let Some(u) = &req.applicant_unit {
            return Ok(u.clone());
        }
        if let Some(u) = &receiving.unit_code {
            return Ok(u.clone());
        }
        let resolved = req
            .applicant
            .address
            .as_deref()
            .map(|a| self.units().resolve_address(a));
        match resolved.as_ref().map(|r| r.candidates.as_slice()) {
            Some([one]) if one.province_code == receiving.province_code => {
                Ok(one.commune_code.clone())
            }
            _ => Err(AppError::invalid(
                "applicant_unit",
                "give the applicant's commune (2025 code) or an address that names it: a provincial center files for every commune",
            )),
        }
    }

    /// Opens a routed dossier: numbers it, issues its receipt when received at once, and stores
    /// it with its first event (and idempotency record) in one write.
    pub(crate) async fn open_routed(
        &self,
        actor: &Actor,
        intake: Intake,
        idem: Option<(String, String)>,
    ) -> Result<Dossier, AppError> {
        let Intake {
            procedure,
            case,
            channel,
            receiving,
            competent,
            routing,
            applicant,
            summary,
            components,
            receive_now,
            linked,
            support_point,
            declaration,
            result_delivery,
        } = intake;
        let calendar = self.calendar_for(&receiving).await?;
        let now = self.now();
        let (unit, prefix) = self.code_prefix(&receiving, now);
        let unit = unit.ok_or_else(|| AppError::Internal("province without communes".into()))?;

        // Validate everything before a sequence number is taken.
        let draft = NewDossier {
            id: uuid::Uuid::now_v7(),
            code: DossierCode::parse("PENDING").expect("valid"),
            province_code: receiving.province_code.clone(),
            case_code: case,
            channel,
            receiving_unit: unit,
            receiving_agency: receiving.code.clone(),
            competent_agency: competent.code.clone(),
            applicant,
            summary: summary.unwrap_or_default(),
            components,
            receive_now,
            routing: Some(routing),
            linked,
            support_point,
            declaration,
            result_delivery,
        };
        let ctx = ActionContext {
            now,
            calendar: &calendar,
            procedure: &procedure,
        };
        let (probe, probe_first) = Dossier::open(draft.clone(), ctx)?;
        // The form the first event issues (the receipt, when received at once) is numbered in
        // the same write as the dossier's code: one commit for both numbers.
        let form = Form::issued_by(probe_first.action).filter(|_| probe.received_at.is_some());
        let form_prefix = form.and_then(|f| self.form_number_prefix(f, &probe, actor, now));
        let prefixes: Vec<&str> = std::iter::once(prefix.as_str())
            .chain(form_prefix.as_deref())
            .collect();
        let numbers = self
            .store
            .next_code_sequences(&receiving.province_code, &prefixes)
            .await?;
        let (seq, form_number) = match numbers[..] {
            [seq] => (seq, None),
            [seq, form_number] => (seq, Some(form_number)),
            _ => return Err(AppError::Internal("sequence numbers missing".into())),
        };
        let code = self
            .settings
            .code_pattern
            .code(&prefix, seq)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let (d, first) = Dossier::open(NewDossier { code, ..draft }, ctx)?;
        let event = self.event_row(&d, &first, actor, &d.last_event_hash);
        let d = Dossier {
            last_event_hash: event.hash.clone(),
            ..d
        };
        let docs: Vec<Issued> = match form {
            Some(form) => self
                .issue_form(form, &d, std::slice::from_ref(&event), actor, form_number)
                .await?
                .into_iter()
                .collect(),
            None => Vec::new(),
        };
        let idem_rec = idem.map(|(key, request_hash)| IdempotencyRecord {
            key,
            request_hash,
            dossier_code: d.code.clone(),
        });
        match self
            .store
            .insert_dossier(&d, &event, idem_rec.as_ref(), &docs)
            .await
        {
            Ok(()) => {
                self.escalation_saw(&d);
                Ok(d)
            }
            Err(StoreError::Duplicate(_)) if idem_rec.is_some() => {
                // A concurrent request with the same key won the race.
                let rec = idem_rec.expect("checked");
                let found = self
                    .store
                    .idempotency(&rec.key)
                    .await?
                    .ok_or_else(|| AppError::Internal("idempotency row vanished".into()))?;
                self.replay(actor, found, &rec.request_hash).await
            }
            Err(e) => Err(e.into()),
        }
    }

    async fn replay(
        &self,
        actor: &Actor,
        found: IdempotencyRecord,
        hash: &str,
    ) -> Result<Dossier, AppError> {
        if found.request_hash != hash {
            return Err(AppError::IdempotencyMismatch);
        }
        let d = self
            .store
            .dossier(&found.dossier_code)
            .await?
            .ok_or_else(|| AppError::Internal("idempotent dossier missing".into()))?;
        if matches!(
            actor,
            Actor::Public | Actor::System(_) | Actor::Applicant(_)
        ) || self.may_see(actor, &d).await
        {
            Ok(d)
        } else {
            Err(AppError::Internal("idempotent dossier missing".into()))
        }
    }

    /// An action as the API names it: its name, then its fields. Submitting is the applicant's
    /// own filing (online, through a draft): staff receive at the counter instead, so `submit`
    /// is refused as a transition staff cannot make, whatever the role. An unknown name is
    /// `dossier.unknown_action`; fields that do not make the action are `request.invalid_field`.
    pub async fn act_by_name(
        &self,
        actor: &Actor,
        code: &DossierCode,
        version: i64,
        action: &str,
        mut fields: serde_json::Map<String, serde_json::Value>,
    ) -> Result<Dossier, AppError> {
        let Some(kind) = ActionKind::parse(action) else {
            return Err(AppError::Invalid {
                code: "dossier.unknown_action",
                message: "unknown action".into(),
                field: Some("action".into()),
            });
        };
        if kind == ActionKind::Submit {
            let d = self.dossier(actor, code).await?;
            return Err(AppError::from(
                motcua_domain::dossier::DossierError::InvalidTransition {
                    status: d.status.as_str(),
                    action: "submit",
                },
            ));
        }
        // Assignments and drafts name accounts by user name: resolved against the accounts.
        if matches!(kind, ActionKind::Assign | ActionKind::SubmitDraft) {
            let Actor::Staff(staff) = actor else {
                return Err(AppError::Unauthenticated);
            };
            let (d, sight) = self.load_any(staff, code).await?;
            // Who may act is decided before the accounts named are looked up: a caller who may
            // not assign learns nothing of the accounts.
            self.check_may(staff, &d, sight, None, kind).await?;
            if let Some(cmd) = self.desk_request(&d, kind, &fields).await? {
                return self.act(actor, code, version, cmd).await;
            }
        }
        fields.insert(
            "action".into(),
            serde_json::Value::String(action.to_owned()),
        );
        let cmd: Command =
            serde_json::from_value(serde_json::Value::Object(fields)).map_err(|e| {
                AppError::Invalid {
                    code: "request.invalid_field",
                    message: e.to_string().chars().take(300).collect(),
                    field: None,
                }
            })?;
        self.act(actor, code, version, cmd).await
    }

    /// Applies an action to a dossier at `version` (the version the client last read).
    pub async fn act(
        &self,
        actor: &Actor,
        code: &DossierCode,
        version: i64,
        cmd: Command,
    ) -> Result<Dossier, AppError> {
        let Actor::Staff(staff) = actor else {
            return Err(AppError::Unauthenticated);
        };
        let (d, sight) = self.load_any(staff, code).await?;
        self.check_may(staff, &d, sight, Some(&cmd), cmd.kind())
            .await?;
        if version != d.version {
            return Err(AppError::VersionConflict { current: d.version });
        }
        let cmd = self.checked_desk_command(staff, &d, cmd).await?;
        if let Command::Transfer {
            to_agency,
            consultation,
            ..
        } = &cmd
        {
            let target = self.agency(to_agency).await.map_err(|e| {
                e.not_found_as(|| AppError::invalid("to_agency", format!("no agency {to_agency}")))
            })?;
            if *consultation && d.consultation_from.is_none() {
                self.check_consultation_target(&d, &target).await?;
            }
        }
        self.commit_action(actor, d, cmd).await
    }

    /// Whether `staff`, who sees `d` with `sight`, may apply `cmd` to it: a consulted agency
    /// only sends it back; the role must allow the action; the jurisdiction must cover the
    /// agency the action belongs to ([`App::may_act`]).
    async fn check_may(
        &self,
        staff: &StaffActor,
        d: &Dossier,
        sight: Sight,
        cmd: Option<&Command>,
        kind: ActionKind,
    ) -> Result<(), AppError> {
        if sight == Sight::Consulted {
            let back = matches!((cmd, &d.consultation_from),
                (Some(Command::Transfer { to_agency, .. }), Some(from)) if to_agency == from);
            if !back {
                return Err(AppError::Denied {
                    code: "dossier.consultation_only",
                    message: format!(
                        "your agency holds {} for a consultation: it may only send it back to {}",
                        d.code,
                        d.consultation_from
                            .as_ref()
                            .map(|a| a.as_str())
                            .unwrap_or("")
                    ),
                });
            }
        }
        if !staff.role.may(kind) {
            return Err(AppError::Forbidden(format!(
                "role {} may not {}",
                staff.role.as_str(),
                kind.as_str()
            )));
        }
        if !self.may_act(staff, d, kind).await {
            return Err(AppError::Forbidden(format!(
                "the dossier is held by {}; only that agency may {}",
                d.current_agency,
                kind.as_str()
            )));
        }
        Ok(())
    }

    /// Applies an authorised command to the dossier as read and stores the transition (the
    /// caller has checked who may act and at which version): the event on the chain, the form
    /// the action issues, the linked application's next steps.
    pub(crate) async fn commit_action(
        &self,
        actor: &Actor,
        d: Dossier,
        cmd: Command,
    ) -> Result<Dossier, AppError> {
        let code = &d.code;
        let kind = cmd.kind();
        let procedure = self
            .procedure(&d.procedure.code, Some(d.procedure.version))
            .await?;
        let clock_agency = self.agency(&d.receiving_agency).await?;
        let calendar = self.calendar_for(&clock_agency).await?;
        let ctx = ActionContext {
            now: self.now(),
            calendar: &calendar,
            procedure: &procedure,
        };
        let (mut next, draft) = d.apply(&cmd, ctx)?;
        if kind == ActionKind::ApproveDraft
            && let Some(doc) = d.approval.as_ref().and_then(|a| a.draft_document)
        {
            // The approved draft document becomes the result, signed in the competent
            // agency's name, before the result is recorded (as an uploaded result is).
            self.sign_draft_result(actor, &d, doc).await?;
        }
        if matches!(kind, ActionKind::Finish | ActionKind::ApproveDraft) {
            // Decision 766 "electronic result": a result signed by the competent agency is on
            // record when the result is recorded.
            next.electronic_result = self
                .store
                .dossier_documents(d.id)
                .await?
                .iter()
                .any(|doc| doc.kind == "result");
        }
        let event = self.event_row(&next, &draft, actor, &d.last_event_hash);
        let next = Dossier {
            last_event_hash: event.hash.clone(),
            ..next
        };
        let docs: Vec<Issued> = match Form::issued_by(kind) {
            Some(form) => {
                // Rendering now needs the whole history (the control slip lists it); a deferred
                // form reads it when it is rendered.
                let mut events = if self.settings.defer_documents {
                    Vec::new()
                } else {
                    self.store.events(d.id).await?
                };
                events.push(event.clone());
                self.issue_form(form, &next, &events, actor, None)
                    .await?
                    .into_iter()
                    .collect()
            }
            None => Vec::new(),
        };
        match self.store.append_transition(&d, &next, &event, &docs).await {
            Ok(()) => {
                self.escalation_saw(&next);
                if next.linked.is_some() && next.status != d.status {
                    // A step's result may start the next steps of its linked application. If
                    // this fails (or the process dies here), reading the application or the
                    // sweep in `serve` starts them later: starting is idempotent.
                    if let Err(e) = self.advance_linked_of(&next).await {
                        tracing::warn!(dossier = %next.code, error = %e, "linked application not advanced yet");
                    }
                }
                Ok(next)
            }
            Err(StoreError::Conflict) => {
                let current = self
                    .store
                    .dossier(code)
                    .await?
                    .map(|x| x.version)
                    .unwrap_or(d.version);
                Err(AppError::VersionConflict { current })
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Where a consultation may go: an agency of the dossier's own province, or one the
    /// province's authority registry names in a consultation rule in force for the procedure and
    /// the applicant's commune. A consultation carries the applicant's dossier to another body;
    /// across a province's border that needs a rule, not an officer's choice.
    async fn check_consultation_target(
        &self,
        d: &Dossier,
        target: &Agency,
    ) -> Result<(), AppError> {
        if target.province_code == d.province_code {
            return Ok(());
        }
        let procedure = self
            .procedure(&d.procedure.code, Some(d.procedure.version))
            .await?;
        let unit = d
            .routing
            .as_ref()
            .map(|r| r.applicant_unit.clone())
            .unwrap_or_else(|| d.receiving_unit.clone());
        let auth = self.province_authority(&d.province_code).await?;
        let allowed = self.units().commune(&unit).is_some_and(|c| {
            auth.registry
                .consultation_allowed(&procedure, c, self.today(), &target.code)
        });
        if allowed {
            Ok(())
        } else {
            Err(AppError::Invalid {
                code: "authority.consultation_not_allowed",
                message: format!(
                    "{} is outside province {}: a consultation there needs a consultation rule in the province's authority registry",
                    target.code, d.province_code
                ),
                field: Some("to_agency".into()),
            })
        }
    }

    /// The agencies a dossier may be transferred to without a consultation (the same rule as
    /// `Dossier::apply`'s transfer: the competent agency, the receiving point; only the asking
    /// agency while a consultation is out).
    pub fn transfer_targets(d: &Dossier) -> Vec<AgencyCode> {
        if let Some(back) = &d.consultation_from {
            return vec![back.clone()];
        }
        let mut v = vec![d.competent_agency.clone()];
        if d.receiving_agency != d.competent_agency {
            v.push(d.receiving_agency.clone());
        }
        v.retain(|a| *a != d.current_agency);
        v
    }

    /// A dossier, if the actor may see it.
    pub async fn dossier(&self, actor: &Actor, code: &DossierCode) -> Result<Dossier, AppError> {
        self.load(actor, code).await
    }

    /// The events of a dossier.
    pub async fn dossier_events(
        &self,
        actor: &Actor,
        code: &DossierCode,
    ) -> Result<Vec<StoredEvent>, AppError> {
        Ok(self.dossier_with_events(actor, code).await?.1)
    }

    /// A dossier, if the actor may see it, with its events, in one read.
    pub async fn dossier_with_events(
        &self,
        actor: &Actor,
        code: &DossierCode,
    ) -> Result<(Dossier, Vec<StoredEvent>), AppError> {
        match self.store.dossier_with_events(code).await? {
            Some((d, events)) if self.may_see(actor, &d).await => Ok((d, events)),
            _ => Err(not_visible(code)),
        }
    }

    /// Lists dossiers. Staff see their own agency's; an admin may name any agency.
    pub async fn list_dossiers(
        &self,
        actor: &Actor,
        mut f: DossierFilter,
    ) -> Result<Vec<DossierListing>, AppError> {
        let Actor::Staff(staff) = actor else {
            return Err(AppError::Unauthenticated);
        };
        match &f.agency {
            Some(a) if !self.covers(staff, a).await => {
                return Err(AppError::Forbidden(format!(
                    "{a} is outside your jurisdiction ({})",
                    staff.agency
                )));
            }
            Some(_) => {}
            None => (f.agency, f.province) = Self::list_scope(staff),
        }
        f.limit = f.limit.clamp(1, 200);
        let mut list = self.store.list_dossiers(&f).await?;
        // An agency holding a dossier only for a consultation does not see the applicant's
        // numbers: a search by them must not tell it that the person has a dossier there.
        if matches!(
            f.search,
            Some(SearchQuery::IdNumber(_) | SearchQuery::Phone(_))
        ) {
            let mut kept = Vec::with_capacity(list.len());
            for d in list {
                if !self.holds_only_for_consultation(staff, &d).await {
                    kept.push(d);
                }
            }
            list = kept;
        }
        Ok(list)
    }

    /// The supplement request slip (form 02) of a dossier waiting for documents, to whoever
    /// holds its code and phone (the applicant's own slip; results are never handed out this
    /// way).
    pub async fn tracked_supplement_slip(
        &self,
        code: &str,
        phone: &str,
    ) -> Result<(crate::ports::DocumentRecord, Vec<u8>), AppError> {
        let not_found = || AppError::not_found("document.not_found", "no supplement request slip");
        let started = tokio::time::Instant::now();
        let Some((d, _)) = self.track_lookup(code, phone).await? else {
            tokio::time::sleep_until(started + TRACKING_MISS_FLOOR).await;
            return Err(not_found());
        };
        if d.status != Status::SupplementRequested {
            return Err(not_found());
        }
        self.finish_dossier_jobs(d.id).await?;
        let rec = self
            .store
            .dossier_documents(d.id)
            .await?
            .into_iter()
            .rev()
            .find(|x| x.kind == "form02")
            .ok_or_else(not_found)?;
        let bytes = self
            .store
            .document_bytes(rec.id)
            .await?
            .ok_or_else(not_found)?;
        Ok((rec, bytes))
    }

    /// Public tracking by code and the applicant's phone number. A wrong phone number gets the
    /// same answer as an unknown code, in the same time: every miss is answered no sooner than
    /// [`TRACKING_MISS_FLOOR`] after the request began (a found code with a wrong phone reads a
    /// row that an unknown code does not; the floor hides the difference, issue #29).
    pub async fn track(&self, code: &str, phone: &str) -> Result<TrackingView, AppError> {
        let started = tokio::time::Instant::now();
        let found = self.track_lookup(code, phone).await?;
        let Some((d, events)) = found else {
            tokio::time::sleep_until(started + TRACKING_MISS_FLOOR).await;
            return Err(AppError::not_found(
                "dossier.not_found",
                "no dossier with this code and phone number",
            ));
        };
        let agency = match self.agency(&d.current_agency).await {
            Ok(a) => a.name,
            Err(AppError::NotFound { .. }) => d.current_agency.to_string(),
            Err(e) => return Err(e),
        };
        let supplement = self
            .supplement_request(&d, &events)
            .await?
            .map(|r| TrackingSupplement {
                reason: r.reason,
                items: r
                    .items
                    .into_iter()
                    .map(|(component, name, note)| TrackingSupplementItem {
                        component,
                        name,
                        note,
                    })
                    .collect(),
            });
        Ok(TrackingView {
            supplement,
            result_delivery: d
                .result_delivery
                .as_ref()
                .map_or("counter", motcua_domain::dossier::ResultDelivery::method)
                .to_owned(),
            code: d.code.to_string(),
            procedure_name: d.procedure_name.clone(),
            status: d.status,
            status_code: d.status.national_code(),
            status_name: d.status.name_vi().into(),
            submitted_at: motcua_domain::dossier::fmt(d.submitted_at),
            due_at: d.due_at.map(motcua_domain::dossier::fmt),
            current_agency: agency,
            timeline: events
                .iter()
                .map(|e| TrackingStep {
                    at: motcua_domain::dossier::fmt(e.at),
                    action: e.action.clone(),
                    status: e.status.clone(),
                })
                .collect(),
        })
    }
}
