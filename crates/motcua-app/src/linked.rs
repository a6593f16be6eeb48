//! Linked applications (liên thông): file once at the counter, get one tracking code, and the
//! system opens each step's dossier at its own competent agency when the steps it depends on
//! have their result, passing on the data it needs (issue #6).
//!
//! Durability: the application row is written first, then each ready step's dossier with the
//! idempotency key `linked:{application id}:{step}`. Starting a step is therefore idempotent and
//! can be retried at any time: after every status change of a step (in `act`), when anyone
//! reads the application, and by the sweep `serve` runs. A crash between two writes delays a
//! step; it never loses or duplicates one.

use crate::dossiers::{Intake, checked_idempotency_key};
use crate::error::AppError;
use crate::ports::IdempotencyRecord;
use crate::service::{Actor, App};
use motcua_domain::VN_OFFSET;
use motcua_domain::catalogue::Channel;
use motcua_domain::dossier::{
    ActionKind, Applicant, Dossier, LinkedStep, Status, check_applicant, check_text,
};
use motcua_domain::ids::{DossierCode, Phone, ProcedureCode, UnitCode};
use motcua_domain::linked::{
    ChildView, LinkedApplication, LinkedService, Overall, Problem, StepState, inputs_for,
    parse_services, progress, ready_steps,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The shipped linked services (`data/linked/services.json`).
pub const SERVICES_JSON: &str = include_str!("../../../data/linked/services.json");

/// A request to file a linked application at the counter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpenLinked {
    /// The linked service's code (`2.000986`, `1.006714`).
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2.000986"))]
    pub service: ProcedureCode,
    /// The applicant (the parent, the relative).
    pub applicant: Applicant,
    /// The applicant's commune (2025 code); defaults to the counter's commune.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "24958"))]
    pub applicant_unit: Option<UnitCode>,
    /// `direct` (default) or `postal`.
    #[serde(default)]
    pub channel: Option<Channel>,
    /// What it is about, e.g. the child's or the deceased's name.
    #[serde(default)]
    pub summary: Option<String>,
    /// Variants chosen by step (e.g. `{"funeral_allowance": "meritorious"}`).
    #[serde(default)]
    pub variants: BTreeMap<String, String>,
    /// Declarations by step key (e.g. `{"birth": {…}}`, the shape of `POST /api/v1/dossiers`'s
    /// `declaration`): checked now, each given to its step's dossier when the step opens; the
    /// later steps receive what the service's inputs take from them (the child's name, birth
    /// date…) instead of typing it again.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub declarations: BTreeMap<String, serde_json::Value>,
}

/// One step as shown to staff and to the applicant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StepView {
    /// Step key.
    pub key: String,
    /// Step name.
    pub name: String,
    /// Procedure code.
    pub procedure: String,
    /// Where it is.
    pub state: StepState,
    /// Its dossier, once opened.
    pub dossier: Option<String>,
    /// The dossier's status.
    pub status: Option<Status>,
    /// The status's national name.
    pub status_name: Option<String>,
    /// The competent agency (once opened).
    pub agency: Option<String>,
    /// The agency's name.
    pub agency_name: Option<String>,
    /// Its appointment.
    pub due_at: Option<String>,
    /// Data received from earlier steps.
    pub inputs: BTreeMap<String, String>,
}

/// A linked application with the combined progress of its steps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkedView {
    /// The tracking code.
    pub code: String,
    /// The service code.
    pub service: String,
    /// The service name.
    pub service_name: String,
    /// When filed.
    pub filed_at: String,
    /// Where filed.
    pub receiving_agency: String,
    /// What it is about, in the filer's words (staff only; absent in public tracking: free text
    /// may name people and facts the tracking code must not reveal).
    pub summary: Option<String>,
    /// The applicant's name (staff only; absent in public tracking).
    pub applicant_name: Option<String>,
    /// Steps with their result.
    pub done: usize,
    /// Steps in all.
    pub total: usize,
    /// The whole: `in_progress`, `finished` or `needs_attention`.
    pub overall: Overall,
    /// Each step.
    pub steps: Vec<StepView>,
    /// Steps refused, stopped or withdrawn, with what the applicant should do.
    pub problems: Vec<Problem>,
}

fn step_key(app: &LinkedApplication, step: &str) -> String {
    format!("linked:{}:{step}", app.id)
}

fn request_hash(actor: &Actor, req: &OpenLinked) -> String {
    let body = serde_json::to_string(req).unwrap_or_default();
    hex::encode(Sha256::digest(
        format!("linked\n{}\n{body}", actor.id()).as_bytes(),
    ))
}

impl App {
    /// The linked services, checked against the current catalogue.
    pub async fn linked_services(&self) -> Result<Vec<LinkedService>, AppError> {
        let catalogue = self.procedures().await?;
        parse_services(SERVICES_JSON, &catalogue).map_err(|e| AppError::Internal(e.to_string()))
    }

    async fn linked_service(&self, code: &ProcedureCode) -> Result<LinkedService, AppError> {
        self.linked_services()
            .await?
            .into_iter()
            .find(|s| s.code == *code)
            .ok_or_else(|| {
                AppError::not_found(
                    "linked.unknown_service",
                    format!("{code} is not a linked service (2.000986, 1.006714)"),
                )
            })
    }

    /// Files a linked application at the counter: checks it, routes every step (so a step no
    /// agency may handle refuses the whole application now, not halfway), stores it under one
    /// tracking code and opens the steps that can start at once.
    pub async fn open_linked(
        &self,
        actor: &Actor,
        req: OpenLinked,
        idem_key: Option<&str>,
    ) -> Result<LinkedView, AppError> {
        let Actor::Staff(staff) = actor else {
            return Err(AppError::Forbidden(
                "a linked application is filed at a one-stop counter".into(),
            ));
        };
        if !staff.role.may(ActionKind::Receive) {
            return Err(AppError::Forbidden(format!(
                "role {} may not receive dossiers",
                staff.role.as_str()
            )));
        }
        let hash = request_hash(actor, &req);
        let idem = match idem_key.map(checked_idempotency_key).transpose()? {
            Some(k) => {
                let k = crate::dossiers::scoped_idempotency_key(actor, k, &hash);
                if let Some(found) = self.store.linked_idempotency(&k).await? {
                    return self.linked_replay(actor, &found, &hash).await;
                }
                Some(IdempotencyRecord {
                    key: k,
                    request_hash: hash.clone(),
                    dossier_code: DossierCode::parse("PENDING").expect("valid"),
                })
            }
            None => None,
        };
        let service = self.linked_service(&req.service).await?;
        for (step, variant) in &req.variants {
            let ok = service
                .step(step)
                .and_then(|s| s.procedure_for(Some(variant)))
                .is_some();
            if !ok {
                return Err(AppError::invalid(
                    "variants",
                    format!("{step}/{variant} is not a variant of this service"),
                ));
            }
        }
        let channel = req.channel.unwrap_or(Channel::Direct);
        if !matches!(channel, Channel::Direct | Channel::Postal) {
            return Err(AppError::invalid(
                "channel",
                "counter intake is direct or postal",
            ));
        }
        let receiving = self.agency(&staff.agency).await?;
        if !receiving.kind.is_receiving_point() {
            return Err(AppError::Forbidden(format!(
                "{} is not a one-stop receiving point: linked applications are received at a counter",
                receiving.code
            )));
        }
        let applicant = check_applicant(&req.applicant)?;
        let summary = match req.summary.as_deref().map(str::trim) {
            Some(s) if !s.is_empty() => check_text("summary", s, 500)?,
            _ => service.name.clone(),
        };
        let unit = match &req.applicant_unit {
            Some(u) => u.clone(),
            None => receiving.unit_code.clone().ok_or_else(|| {
                AppError::invalid("applicant_unit", "give the applicant's commune (2025 code)")
            })?,
        };
        // Every step must be routable today (own-commune filing, one competent agency).
        for s in &service.steps {
            let code = s
                .procedure_for(req.variants.get(&s.key).map(String::as_str))
                .expect("variants checked");
            let p = self.procedure(code, None).await?;
            self.route(&p, &receiving, &unit).await?;
        }
        // The declarations, checked against their steps' cases before anything is written.
        let mut declarations = BTreeMap::new();
        for (step, answers) in &req.declarations {
            let code = service
                .step(step)
                .and_then(|s| s.procedure_for(req.variants.get(step).map(String::as_str)))
                .ok_or_else(|| {
                    AppError::invalid(
                        "declarations",
                        format!(
                            "{:?} is not a step of this service",
                            step.chars().take(40).collect::<String>()
                        ),
                    )
                })?;
            let p = self.procedure(code, None).await?;
            let mut components = Vec::new();
            if let Some(filed) =
                self.filed_declaration(&p, None, channel, Some(answers), &mut components)?
            {
                declarations.insert(step.clone(), filed);
            }
        }
        let now = self.now();
        let (_, prefix) = self.code_prefix(&receiving, now);
        let seq = self
            .store
            .next_code_sequence(&receiving.province_code, &prefix)
            .await?;
        let code = self
            .settings
            .code_pattern
            .code(&prefix, seq)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let app = LinkedApplication {
            id: uuid::Uuid::now_v7(),
            code,
            province_code: receiving.province_code.clone(),
            service: service.code.clone(),
            receiving_agency: receiving.code.clone(),
            applicant_unit: unit,
            channel,
            applicant,
            summary,
            variants: req.variants.clone(),
            filed_at: now.replace_nanosecond(0).unwrap_or(now),
            filed_by: actor.id(),
            declarations,
        };
        let idem = idem.map(|i| IdempotencyRecord {
            dossier_code: app.code.clone(),
            ..i
        });
        match self.store.insert_linked(&app, idem.as_ref()).await {
            Ok(()) => {}
            Err(crate::StoreError::Duplicate(_)) if idem.is_some() => {
                let key = idem.expect("checked").key;
                let found =
                    self.store.linked_idempotency(&key).await?.ok_or_else(|| {
                        AppError::Internal("linked idempotency row vanished".into())
                    })?;
                return self.linked_replay(actor, &found, &hash).await;
            }
            Err(e) => return Err(e.into()),
        }
        tracing::info!(code = %app.code, service = %app.service, "linked application filed");
        // The counter officer receives the first steps (their receipts carry the officer's name).
        self.advance_linked(&app, actor).await?;
        self.linked_view_of(&app, true).await
    }

    async fn linked_replay(
        &self,
        actor: &Actor,
        found: &IdempotencyRecord,
        hash: &str,
    ) -> Result<LinkedView, AppError> {
        if found.request_hash != hash {
            return Err(AppError::IdempotencyMismatch);
        }
        self.linked_view(actor, &found.dossier_code).await
    }

    /// The step dossiers opened so far, by step key.
    async fn linked_children(
        &self,
        app: &LinkedApplication,
        service: &LinkedService,
    ) -> Result<BTreeMap<String, Dossier>, AppError> {
        let mut out = BTreeMap::new();
        for s in &service.steps {
            if let Some(rec) = self.store.idempotency(&step_key(app, &s.key)).await?
                && let Some(d) = self.store.dossier(&rec.dossier_code).await?
            {
                out.insert(s.key.clone(), d);
            }
        }
        Ok(out)
    }

    fn child_views(children: &BTreeMap<String, Dossier>) -> BTreeMap<String, ChildView> {
        children
            .iter()
            .map(|(k, d)| {
                (
                    k.clone(),
                    ChildView {
                        code: d.code.clone(),
                        status: d.status,
                        result_number: d.result.as_ref().and_then(|r| r.document_number.clone()),
                        result_summary: d.result.as_ref().map(|r| r.summary.clone()),
                        declaration: d.declaration.as_ref().map(|x| x.answers.clone()),
                        reason: d.reason.clone(),
                    },
                )
            })
            .collect()
    }

    /// Opens every step whose prerequisites have their result and which has no dossier yet.
    /// Idempotent; returns how many steps it opened.
    pub async fn advance_linked(
        &self,
        app: &LinkedApplication,
        actor: &Actor,
    ) -> Result<usize, AppError> {
        let service = self.linked_service(&app.service).await?;
        let children = self.linked_children(app, &service).await?;
        let views = Self::child_views(&children);
        let ready = ready_steps(&service, &views);
        if ready.is_empty() {
            return Ok(0);
        }
        let receiving = self.agency(&app.receiving_agency).await?;
        let mut opened = 0;
        for s in ready {
            let code = s
                .procedure_for(app.variants.get(&s.key).map(String::as_str))
                .ok_or_else(|| AppError::Internal(format!("variant of {} vanished", s.key)))?;
            let procedure = self.procedure(code, None).await?;
            let (competent, routing) = self
                .route(&procedure, &receiving, &app.applicant_unit)
                .await?;
            let inputs = inputs_for(s, &views);
            // A declaration filed with the application goes to its step, and stands for the
            // paper form it replaces.
            let declaration = app.declarations.get(&s.key).cloned();
            let components: Vec<motcua_domain::dossier::ReceivedComponent> = declaration
                .as_ref()
                .and_then(|_| procedure.case(None))
                .and_then(|c| c.declaration.as_ref())
                .and_then(|d| d.replaces_component.clone())
                .map(|code| motcua_domain::dossier::ReceivedComponent {
                    code,
                    originals: 1,
                    copies: 0,
                })
                .into_iter()
                .collect();
            let mut summary = format!("{} — {}", s.name, app.summary);
            for (k, v) in &inputs {
                summary.push_str(&format!("; {k}: {v}"));
            }
            let summary: String = summary.chars().take(1000).collect();
            let d = self
                .open_routed(
                    actor,
                    Intake {
                        procedure,
                        case: None,
                        channel: app.channel,
                        receiving: receiving.clone(),
                        competent,
                        routing,
                        applicant: app.applicant.clone(),
                        summary: Some(summary),
                        components,
                        receive_now: true,
                        linked: Some(LinkedStep {
                            parent: app.code.clone(),
                            step: s.key.clone(),
                            inputs,
                        }),
                        support_point: None,
                        declaration,
                        result_delivery: None,
                    },
                    Some((step_key(app, &s.key), "linked-step".to_owned())),
                )
                .await?;
            tracing::info!(application = %app.code, step = %s.key, dossier = %d.code, "linked step opened");
            opened += 1;
        }
        Ok(opened)
    }

    /// Advances the linked application a step's dossier belongs to (after its status changed).
    pub(crate) async fn advance_linked_of(&self, d: &Dossier) -> Result<usize, AppError> {
        let Some(l) = &d.linked else { return Ok(0) };
        let Some(app) = self.store.linked(&l.parent).await? else {
            return Ok(0);
        };
        self.advance_linked(&app, &Actor::System(format!("linked:{}", app.code)))
            .await
    }

    /// The sweep `serve` runs: advances every linked application filed in the last `days` days
    /// (a step whose start was interrupted by a crash starts here). Returns steps opened.
    pub async fn advance_recent_linked(&self, days: i64) -> Result<usize, AppError> {
        let since = self.now() - time::Duration::days(days);
        let mut opened = 0;
        for app in self.store.linked_since(since, 10_000).await? {
            let actor = Actor::System(format!("linked:{}", app.code));
            match self.advance_linked(&app, &actor).await {
                Ok(n) => opened += n,
                Err(e @ AppError::Unavailable(_)) => return Err(e),
                Err(e) => {
                    tracing::warn!(application = %app.code, error = %e, "linked step cannot start");
                }
            }
        }
        Ok(opened)
    }

    /// A linked application for staff: the receiving point, any agency holding or competent for
    /// one of its steps, or an administrator. Reading it also starts steps that are due.
    pub async fn linked_view(
        &self,
        actor: &Actor,
        code: &DossierCode,
    ) -> Result<LinkedView, AppError> {
        let not_found = || {
            AppError::not_found(
                "dossier.not_found",
                format!("no linked application {code} in your jurisdiction"),
            )
        };
        let Actor::Staff(staff) = actor else {
            return Err(AppError::Unauthenticated);
        };
        let app = self.store.linked(code).await?.ok_or_else(not_found)?;
        let service = self.linked_service(&app.service).await?;
        let children = self.linked_children(&app, &service).await?;
        let mut allowed = self.covers(staff, &app.receiving_agency).await;
        for d in children.values() {
            if allowed {
                break;
            }
            // A consulted agency does not see the application its step belongs to.
            allowed = self.sight_of(staff, d).await == Some(crate::dossiers::Sight::Full);
        }
        if !allowed {
            return Err(not_found());
        }
        self.advance_or_log(&app).await;
        self.linked_view_of(&app, true).await
    }

    async fn advance_or_log(&self, app: &LinkedApplication) {
        let actor = Actor::System(format!("linked:{}", app.code));
        if let Err(e) = self.advance_linked(app, &actor).await {
            tracing::warn!(application = %app.code, error = %e, "linked step cannot start");
        }
    }

    /// Public tracking of a linked application by its code and the applicant's phone number
    /// (the same answer as an unknown code when the phone does not match). `None` when the code
    /// is no linked application.
    pub async fn track_linked(
        &self,
        code: &str,
        phone: &str,
    ) -> Result<Option<LinkedView>, AppError> {
        // Every miss takes as long (see `App::track`).
        let started = tokio::time::Instant::now();
        let found = match (
            DossierCode::parse(&code.to_uppercase()),
            Phone::parse(phone),
        ) {
            (Ok(code), Ok(phone)) => self
                .store
                .linked(&code)
                .await?
                .filter(|app| app.applicant.phone == phone),
            _ => None,
        };
        let Some(app) = found else {
            tokio::time::sleep_until(started + crate::dossiers::TRACKING_MISS_FLOOR).await;
            return Ok(None);
        };
        self.advance_or_log(&app).await;
        self.linked_view_of(&app, false).await.map(Some)
    }

    async fn linked_view_of(
        &self,
        app: &LinkedApplication,
        staff: bool,
    ) -> Result<LinkedView, AppError> {
        let service = self.linked_service(&app.service).await?;
        let children = self.linked_children(app, &service).await?;
        let views = Self::child_views(&children);
        let p = progress(&service, &views);
        let mut steps = Vec::new();
        for (def, (_, state)) in service.steps.iter().zip(p.steps) {
            let d = children.get(&def.key);
            let agency_name = match d {
                Some(d) => match self.agency(&d.competent_agency).await {
                    Ok(a) => Some(a.name),
                    Err(AppError::NotFound { .. }) => None,
                    Err(e) => return Err(e),
                },
                None => None,
            };
            steps.push(StepView {
                key: def.key.clone(),
                name: def.name.clone(),
                procedure: def
                    .procedure_for(app.variants.get(&def.key).map(String::as_str))
                    .unwrap_or(&def.procedure)
                    .to_string(),
                state,
                dossier: d.map(|d| d.code.to_string()),
                status: d.map(|d| d.status),
                status_name: d.map(|d| d.status.name_vi().to_owned()),
                agency: d.map(|d| d.competent_agency.to_string()),
                agency_name,
                due_at: d.and_then(|d| d.due_at).map(motcua_domain::dossier::fmt),
                inputs: if staff {
                    d.and_then(|d| d.linked.as_ref())
                        .map(|l| l.inputs.clone())
                        .unwrap_or_default()
                } else {
                    BTreeMap::new()
                },
            });
        }
        Ok(LinkedView {
            code: app.code.to_string(),
            service: app.service.to_string(),
            service_name: service.name.clone(),
            filed_at: motcua_domain::dossier::fmt(app.filed_at.to_offset(VN_OFFSET)),
            receiving_agency: app.receiving_agency.to_string(),
            summary: staff.then(|| app.summary.clone()),
            applicant_name: staff.then(|| app.applicant.name.clone()),
            done: p.done,
            total: p.total,
            overall: p.overall,
            steps,
            problems: p.problems,
        })
    }
}
