//! The officer's desk (issue #32): finding dossiers, the inbox's tab counts, giving a dossier to
//! a real account, and the approval step (*trình ký*).
//!
//! A dossier is given to an account, never to a typed name: an enabled staff account of the
//! agency holding it or of the competent agency (both may process it) whose role processes
//! dossiers. A draft decision goes to an enabled account
//! of the competent agency (the result is signed in its name) whose role approves, other than
//! the drafter; only that approver — or a leader whose jurisdiction covers the agency — approves
//! or returns it.

use crate::AppError;
use crate::ports::{DossierFilter, HandlerFilter, InboxCountQuery, InboxCounts, UserRecord};
use crate::service::{Actor, App, Principal, StaffActor};
use motcua_domain::access::{Jurisdiction, Role};
use motcua_domain::accounts::Username;
use motcua_domain::dossier::search::SearchQuery;
use motcua_domain::dossier::{ActionKind, Assignee, Command, Dossier, DossierResult};
use motcua_domain::ids::{AgencyCode, ProvinceCode};
use serde::Serialize;
use uuid::Uuid;

/// A staff account offered in a picker: who, and how many open dossiers they hold now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffChoice {
    /// Login name (what an assignment or a draft names).
    pub username: String,
    /// Name as printed on forms.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Open dossiers assigned to the account now.
    pub open: i64,
}

/// What an account must be to receive a dossier or a draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Purpose {
    /// Assignment: an account of the holding agency whose role processes.
    Handle,
    /// A draft's approver: an account of the competent agency whose role approves.
    Approve,
}

impl Purpose {
    fn field(self) -> &'static str {
        match self {
            Purpose::Handle => "handler",
            Purpose::Approve => "approver",
        }
    }

    fn fits(self, role: Role) -> bool {
        match self {
            Purpose::Handle => role.processes(),
            Purpose::Approve => role.approves(),
        }
    }
}

/// The agencies whose staff may hold `d`: the one holding it and the competent one.
fn handling(d: &Dossier) -> [&AgencyCode; 2] {
    [&d.current_agency, &d.competent_agency]
}

fn refused(code: &'static str, field: &str, message: String) -> AppError {
    AppError::Invalid {
        code,
        message,
        field: Some(field.to_owned()),
    }
}

/// Reads a typed search (`q`); a query that is nothing searchable is `search.invalid_query`.
pub fn parse_search(q: &str) -> Result<Option<SearchQuery>, AppError> {
    SearchQuery::parse(q).map_err(|e| refused(e.code(), "q", e.to_string()))
}

impl App {
    /// Where `staff`'s lists are read: an agency's dossiers, a province's, or everything (the
    /// scope [`App::list_dossiers`] and [`App::inbox_counts`] share).
    pub(crate) fn list_scope(staff: &StaffActor) -> (Option<AgencyCode>, Option<ProvinceCode>) {
        match &staff.jurisdiction {
            Jurisdiction::Country => (None, None),
            Jurisdiction::Province(p) => (None, Some(p.clone())),
            Jurisdiction::Agency(_) | Jurisdiction::Unit(_) => (Some(staff.agency.clone()), None),
        }
    }

    /// The counts on `staff`'s inbox tabs (their scope's open dossiers; "mine" and "approval"
    /// for their account).
    pub async fn inbox_counts(&self, actor: &Actor) -> Result<InboxCounts, AppError> {
        let Actor::Staff(staff) = actor else {
            return Err(AppError::Unauthenticated);
        };
        let (agency, province) = Self::list_scope(staff);
        let now = self.now();
        let local = now.to_offset(motcua_domain::VN_OFFSET);
        let day_end = local
            .replace_time(time::Time::MIDNIGHT)
            .saturating_add(time::Duration::days(1));
        Ok(self
            .store
            .inbox_counts(&InboxCountQuery {
                agency,
                province,
                me: staff.id,
                now,
                day_end,
            })
            .await?)
    }

    /// The accounts a dossier may be given to — those of the agency holding it and of the
    /// competent agency (both may process it, `App::may_act`) — least loaded first.
    pub async fn assignable_staff(&self, d: &Dossier) -> Result<Vec<StaffChoice>, AppError> {
        let mut v = self
            .choices(&d.current_agency, Purpose::Handle, None)
            .await?;
        if d.competent_agency != d.current_agency {
            v.extend(
                self.choices(&d.competent_agency, Purpose::Handle, None)
                    .await?,
            );
            v.sort_by(|a, b| a.open.cmp(&b.open).then(a.name.cmp(&b.name)));
        }
        Ok(v)
    }

    /// The accounts of `agency` dossiers held there may be given to (the inbox's bulk
    /// assignment), least loaded first.
    pub async fn agency_staff(&self, agency: &AgencyCode) -> Result<Vec<StaffChoice>, AppError> {
        self.choices(agency, Purpose::Handle, None).await
    }

    /// The approvers a draft of a dossier decided by `agency` may go to (not `drafter`).
    pub async fn approvers(
        &self,
        agency: &AgencyCode,
        drafter: Uuid,
    ) -> Result<Vec<StaffChoice>, AppError> {
        self.choices(agency, Purpose::Approve, Some(drafter)).await
    }

    async fn choices(
        &self,
        agency: &AgencyCode,
        purpose: Purpose,
        except: Option<Uuid>,
    ) -> Result<Vec<StaffChoice>, AppError> {
        let home = self.agency(agency).await?;
        let load = self.store.handler_load(agency).await?;
        let mut v: Vec<StaffChoice> = self
            .store
            .users(Some(&home.province_code))
            .await?
            .into_iter()
            .filter(|u| &u.agency == agency && !u.disabled && purpose.fits(u.role))
            .filter(|u| Some(u.id) != except)
            .map(|u| StaffChoice {
                open: load
                    .iter()
                    .filter(|l| l.id == Some(u.id))
                    .map(|l| l.open)
                    .sum(),
                username: u.username.as_str().to_owned(),
                name: u.display_name,
                role: u.role,
            })
            .collect();
        v.sort_by(|a, b| a.open.cmp(&b.open).then(a.name.cmp(&b.name)));
        Ok(v)
    }

    /// The account `who` (a user name, or an account id) if it may take `purpose` at `agency`;
    /// else the refusal with its stable code.
    async fn account_for(
        &self,
        who: &str,
        purpose: Purpose,
        agencies: &[&AgencyCode],
    ) -> Result<Assignee, AppError> {
        let field = purpose.field();
        let who = who.trim();
        let unknown = || {
            refused(
                "assign.unknown_account",
                field,
                format!(
                    "no staff account {:?}",
                    who.chars().take(60).collect::<String>()
                ),
            )
        };
        let user: Option<UserRecord> = match Uuid::parse_str(who) {
            Ok(id) => self.store.user(id).await?,
            Err(_) => match Username::parse(who) {
                Ok(name) => self.store.user_by_name(&name).await?,
                Err(_) => None,
            },
        };
        let u = user.ok_or_else(unknown)?;
        if u.disabled {
            return Err(refused(
                "assign.account_disabled",
                field,
                format!("the account {} is disabled", u.username.as_str()),
            ));
        }
        if !agencies.contains(&&u.agency) {
            return Err(refused(
                "assign.account_elsewhere",
                field,
                format!(
                    "{} works at {}, not at {}",
                    u.username.as_str(),
                    u.agency,
                    agencies
                        .iter()
                        .map(|a| a.as_str())
                        .collect::<Vec<_>>()
                        .join(" or ")
                ),
            ));
        }
        if !purpose.fits(u.role) {
            return Err(refused(
                "assign.account_role",
                field,
                format!(
                    "{} is a {}: that role does not {}",
                    u.username.as_str(),
                    u.role.as_str(),
                    match purpose {
                        Purpose::Handle => "process dossiers",
                        Purpose::Approve => "approve drafts",
                    }
                ),
            ));
        }
        Ok(Assignee {
            user: u.id,
            name: u.display_name,
        })
    }

    /// The command an action's request fields make, for the actions whose payload names
    /// accounts by user name (assign: `handler`; submit_draft: `approver`, `result`,
    /// `draft_document`); `None` for the others (they deserialise as they are).
    pub(crate) async fn desk_request(
        &self,
        d: &Dossier,
        kind: ActionKind,
        fields: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<Option<Command>, AppError> {
        let text = |k: &str| fields.get(k).and_then(|v| v.as_str()).unwrap_or("");
        match kind {
            ActionKind::Assign => {
                let handler = self
                    .account_for(text("handler"), Purpose::Handle, &handling(d))
                    .await?;
                Ok(Some(Command::Assign { handler }))
            }
            ActionKind::SubmitDraft => {
                let approver = self
                    .account_for(text("approver"), Purpose::Approve, &[&d.competent_agency])
                    .await?;
                let result: DossierResult = fields
                    .get("result")
                    .cloned()
                    .map(serde_json::from_value)
                    .transpose()
                    .map_err(|e| {
                        refused(
                            "request.invalid_field",
                            "result",
                            e.to_string().chars().take(200).collect(),
                        )
                    })?
                    .ok_or_else(|| {
                        refused(
                            "request.invalid_field",
                            "result",
                            "the draft's result summary is required".into(),
                        )
                    })?;
                let draft_document = match text("draft_document") {
                    "" => None,
                    id => Some(Uuid::parse_str(id).map_err(|_| {
                        refused(
                            "document.not_found",
                            "draft_document",
                            "no draft result document with that id on this dossier".into(),
                        )
                    })?),
                };
                Ok(Some(Command::SubmitDraft {
                    result,
                    draft_document,
                    // Set to the acting account by `checked_desk_command`.
                    by: approver.clone(),
                    approver,
                }))
            }
            _ => Ok(None),
        }
    }

    /// Checks the accounts a command names against the accounts on record, whoever built it:
    /// an assignee is an enabled account of the holding agency that processes (its name as on
    /// record); a draft is by the acting staff member, to an enabled approver of the competent
    /// agency, with a draft document of this dossier; a draft is approved or returned by its
    /// approver or a leader over the competent agency.
    pub(crate) async fn checked_desk_command(
        &self,
        staff: &StaffActor,
        d: &Dossier,
        cmd: Command,
    ) -> Result<Command, AppError> {
        match cmd {
            Command::Assign { handler } => {
                let handler = self
                    .account_for(&handler.user.to_string(), Purpose::Handle, &handling(d))
                    .await?;
                Ok(Command::Assign { handler })
            }
            Command::SubmitDraft {
                result,
                draft_document,
                approver,
                ..
            } => {
                let approver = self
                    .account_for(
                        &approver.user.to_string(),
                        Purpose::Approve,
                        &[&d.competent_agency],
                    )
                    .await?;
                let draft_document = match draft_document {
                    Some(id) => Some(self.draft_document_of(d, id).await?),
                    None => None,
                };
                Ok(Command::SubmitDraft {
                    result,
                    draft_document,
                    by: Assignee {
                        user: staff.id,
                        name: staff.label.clone(),
                    },
                    approver,
                })
            }
            cmd @ (Command::ApproveDraft {} | Command::ReturnDraft { .. }) => {
                if let Some(a) = &d.approval {
                    let leads = matches!(staff.role, Role::Leader | Role::UnitLeader | Role::Admin)
                        && self.covers(staff, &d.competent_agency).await;
                    if a.approver.user != staff.id && !leads {
                        return Err(AppError::Denied {
                            code: "approval.not_yours",
                            message: format!("the draft waits for {}'s approval", a.approver.name),
                        });
                    }
                }
                Ok(cmd)
            }
            other => Ok(other),
        }
    }

    /// The dossier's draft result document `id` (uploaded by the specialist, unsigned).
    async fn draft_document_of(&self, d: &Dossier, id: Uuid) -> Result<Uuid, AppError> {
        let missing = || {
            refused(
                "document.not_found",
                "draft_document",
                "no draft result document with that id on this dossier".into(),
            )
        };
        let docs = self.store.dossier_documents(d.id).await?;
        docs.iter()
            .find(|doc| doc.id == id && doc.kind == crate::documents::DRAFT_RESULT_KIND)
            .map(|doc| doc.id)
            .ok_or_else(missing)
    }

    /// The list filter's handler and approver for the inbox's tabs, for `staff`.
    pub fn tab_filter(
        staff: &StaffActor,
        tab: InboxTab,
        f: &mut DossierFilter,
        now: time::OffsetDateTime,
    ) {
        match tab {
            InboxTab::Open => {}
            InboxTab::Mine => f.handler = HandlerFilter::Is(staff.id),
            InboxTab::Unassigned => f.handler = HandlerFilter::Unassigned,
            InboxTab::DueToday => {
                let local = now.to_offset(motcua_domain::VN_OFFSET);
                f.due_after = Some(now);
                f.due_before = Some(
                    local
                        .replace_time(time::Time::MIDNIGHT)
                        .saturating_add(time::Duration::days(1)),
                );
            }
            InboxTab::Overdue => f.due_before = Some(now),
            InboxTab::Approval => f.approver = Some(staff.id),
        }
    }

    /// Whether `staff` is an account (not an API token): only accounts hold dossiers.
    pub fn is_account(staff: &StaffActor) -> bool {
        staff.principal == Principal::Account
    }
}

/// The inbox's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboxTab {
    /// Every open dossier of the scope.
    Open,
    /// Assigned to me.
    Mine,
    /// Nobody given them yet.
    Unassigned,
    /// Due today.
    DueToday,
    /// Overdue.
    Overdue,
    /// Drafts waiting for my approval.
    Approval,
}

impl InboxTab {
    /// Every tab, in the order shown.
    pub const ALL: [InboxTab; 6] = [
        InboxTab::Open,
        InboxTab::Mine,
        InboxTab::Unassigned,
        InboxTab::DueToday,
        InboxTab::Overdue,
        InboxTab::Approval,
    ];

    /// Its name in a query string.
    pub fn as_str(self) -> &'static str {
        match self {
            InboxTab::Open => "open",
            InboxTab::Mine => "mine",
            InboxTab::Unassigned => "unassigned",
            InboxTab::DueToday => "due_today",
            InboxTab::Overdue => "overdue",
            InboxTab::Approval => "approval",
        }
    }

    /// Parses a query's `tab`.
    pub fn parse(s: &str) -> Option<InboxTab> {
        InboxTab::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// Its count among `c`.
    pub fn count(self, c: &InboxCounts) -> i64 {
        match self {
            InboxTab::Open => c.open,
            InboxTab::Mine => c.mine,
            InboxTab::Unassigned => c.unassigned,
            InboxTab::DueToday => c.due_today,
            InboxTab::Overdue => c.overdue,
            InboxTab::Approval => c.approval,
        }
    }
}
