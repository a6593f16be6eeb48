//! The baseline: the database statements the workload's operations need, issued directly
//! through the store (sqlx) with no HTTP, no JSON and no use-case layer — the database's own
//! limit on this machine for this mix.
//!
//! Per operation: intake = idempotency lookup + the code's and the receipt's numbers (one write) +
//! the insert (dossier, first event, idempotency key, the receipt's form job); action = dossier read +
//! the transition (guarded update, event, and for a transfer or a finish the control slip's form
//! job, as the API writes them with deferred forms); read = dossier read; track = the dossier with its events (one read,
//! as the API's); inbox = one list query (decoding the listings, as the API's); search = nothing (the catalogue is searched in memory).

use super::load::Driver;
use super::mix::{Flight, Op, Stage};
use motcua_app::documents::Form;
use motcua_app::dossiers::seal_event;
use motcua_app::ports::{DocumentJob, DossierFilter, IdempotencyRecord, Issued, StatusFilter};
use motcua_app::{Actor, Store};
use motcua_domain::VN_OFFSET;
use motcua_domain::catalogue::Channel;
use motcua_domain::dossier::code::CodePattern;
use motcua_domain::dossier::{ActionContext, Command, Dossier, DossierResult, NewDossier, Status};
use motcua_domain::ids::{AgencyCode, DossierCode};
use std::sync::Arc;

/// Issues the operations' statements through the store.
pub struct StoreDriver {
    store: Arc<dyn Store>,
    pattern: CodePattern,
}

impl StoreDriver {
    /// On `store`, numbering dossiers with `pattern`.
    pub fn new(store: Arc<dyn Store>, pattern: CodePattern) -> Self {
        Self { store, pattern }
    }
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

fn now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}

/// The form job the API commits with an action that issues `form` (deferred forms).
fn form_job(
    form: Form,
    d: &Dossier,
    issuer: &AgencyCode,
    number: Option<String>,
    actor: &Actor,
    event_seq: i64,
) -> Result<Issued, String> {
    Ok(Issued::Deferred(DocumentJob {
        id: uuid::Uuid::now_v7(),
        province_code: d.province_code.clone(),
        dossier_id: d.id,
        dossier_code: d.code.clone(),
        kind: form.kind().into(),
        number,
        issuer: issuer.clone(),
        actor: actor.id(),
        officer: match actor {
            Actor::Staff(s) => Some(s.label.clone()),
            Actor::Public | Actor::System(_) | Actor::Applicant(_) => None,
        },
        event_seq,
        issued_at: now(),
        dossier: serde_json::to_string(d).map_err(err)?,
    }))
}

impl StoreDriver {
    async fn intake(&self, stage: &mut Stage) -> Result<(), String> {
        let site = stage.site.clone();
        let shared = stage.workload.clone();
        let key = uuid::Uuid::new_v4().to_string();
        if self.store.idempotency(&key).await.map_err(err)?.is_some() {
            return Err("idempotency key reused".into());
        }
        let applicant = stage.applicant();
        let phone = applicant.phone.to_string();
        let t = now();
        let unit = site
            .counter
            .unit_code
            .clone()
            .ok_or("counter without a unit")?;
        let prefix = self.pattern.prefix(
            unit.as_str(),
            site.counter.code.as_str(),
            t.to_offset(VN_OFFSET).date(),
        );
        let receipt_prefix = Form::Receipt
            .sequence_prefix(&site.counter.code, t)
            .ok_or("the receipt is numbered")?;
        let numbers = self
            .store
            .next_code_sequences(
                &site.counter.province_code,
                &[prefix.as_str(), receipt_prefix.as_str()],
            )
            .await
            .map_err(err)?;
        let [seq, receipt_no] = numbers[..] else {
            return Err("two sequence numbers expected".into());
        };
        let code: DossierCode = self.pattern.code(&prefix, seq).map_err(err)?;
        let (d, first) = Dossier::open(
            NewDossier {
                id: uuid::Uuid::now_v7(),
                code,
                province_code: site.counter.province_code.clone(),
                case_code: None,
                channel: Channel::Direct,
                receiving_unit: unit,
                receiving_agency: site.counter.code.clone(),
                competent_agency: site.competent.code.clone(),
                applicant,
                summary: String::new(),
                components: shared.components.clone(),
                receive_now: true,
                routing: None,
                linked: None,
                declaration: None,
                result_delivery: None,
                support_point: None,
            },
            ActionContext {
                now: t,
                calendar: &site.calendar,
                procedure: &shared.procedure,
            },
        )
        .map_err(err)?;
        let actor = Actor::Staff(site.counter_token.1.clone());
        let ev = seal_event(&d, &first, &actor.id(), &actor.agency(), &d.last_event_hash);
        let d = Dossier {
            last_event_hash: ev.hash.clone(),
            ..d
        };
        let idem = IdempotencyRecord {
            key,
            request_hash: "0".repeat(64),
            dossier_code: d.code.clone(),
        };
        let receipt = form_job(
            Form::Receipt,
            &d,
            &site.counter.code,
            Form::Receipt.number(receipt_no),
            &actor,
            ev.seq,
        )?;
        self.store
            .insert_dossier(&d, &ev, Some(&idem), &[receipt])
            .await
            .map_err(err)?;
        stage.opened(d.code.to_string(), d.version, phone);
        Ok(())
    }

    async fn action(&self, stage: &mut Stage, f: Flight) -> Result<(), String> {
        let site = stage.site.clone();
        let shared = stage.workload.clone();
        let code = DossierCode::parse(&f.code).map_err(err)?;
        let d = self
            .store
            .dossier(&code)
            .await
            .map_err(err)?
            .ok_or("dossier vanished")?;
        let (cmd, who) = match f.step {
            0 => (
                Command::Transfer {
                    to_agency: site.competent.code.clone(),
                    consultation: false,
                    note: None,
                },
                &site.counter_token.1,
            ),
            1 => (
                Command::Assign {
                    handler: site.handler_account.clone(),
                },
                &site.specialist_token.1,
            ),
            2 => (
                Command::Finish {
                    result: DossierResult {
                        summary: "Đã chứng thực bản sao".into(),
                        document_number: Some("12/2026".into()),
                    },
                },
                &site.approver_token.1,
            ),
            _ => (
                Command::ReturnResult {
                    method: Some("counter".into()),
                },
                &site.counter_token.1,
            ),
        };
        let (next, draft) = d
            .apply(
                &cmd,
                ActionContext {
                    now: now(),
                    calendar: &site.calendar,
                    procedure: &shared.procedure,
                },
            )
            .map_err(err)?;
        let actor = Actor::Staff(who.clone());
        let ev = seal_event(
            &next,
            &draft,
            &actor.id(),
            &actor.agency(),
            &d.last_event_hash,
        );
        let next = Dossier {
            last_event_hash: ev.hash.clone(),
            ..next
        };
        let docs = match Form::issued_by(draft.action) {
            Some(form) => vec![form_job(form, &next, &who.agency, None, &actor, ev.seq)?],
            None => Vec::new(),
        };
        self.store
            .append_transition(&d, &next, &ev, &docs)
            .await
            .map_err(err)?;
        stage.advanced(f, next.version);
        Ok(())
    }
}

#[async_trait::async_trait]
impl Driver for StoreDriver {
    async fn perform(&self, stage: &mut Stage, op: Op) -> Result<(), String> {
        match op {
            Op::Intake => self.intake(stage).await,
            Op::Action => {
                let f = stage.flights.pop_front().ok_or("no dossier in progress")?;
                self.action(stage, f).await
            }
            Op::Read => {
                let (code, _) = stage.target();
                let code = DossierCode::parse(&code).map_err(err)?;
                self.store
                    .dossier(&code)
                    .await
                    .map_err(err)?
                    .ok_or("no such dossier")?;
                Ok(())
            }
            Op::Track => {
                let (code, _) = stage.target();
                let code = DossierCode::parse(&code).map_err(err)?;
                self.store
                    .dossier_with_events(&code)
                    .await
                    .map_err(err)?
                    .ok_or("no such dossier")?;
                Ok(())
            }
            Op::Inbox => {
                self.store
                    .list_dossiers(&DossierFilter {
                        agency: Some(stage.site.competent.code.clone()),
                        status: StatusFilter::Is(Status::Processing),
                        limit: 50,
                        ..Default::default()
                    })
                    .await
                    .map_err(err)?;
                Ok(())
            }
            Op::Search => Ok(()),
        }
    }
}
