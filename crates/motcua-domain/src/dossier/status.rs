//! Dossier statuses (the national portal's `TrangThaiHoSo` 1–10), actions, and the transition
//! table as a pure function.

use serde::{Deserialize, Serialize};

/// A dossier's status. Each maps one-to-one onto a national portal code ([`Status::national_code`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Status {
    /// 1 Mới đăng ký — submitted online or at a kiosk, not yet received.
    Submitted,
    /// 2 Được tiếp nhận — received; the appointment is issued.
    Received,
    /// 3 Không được tiếp nhận — refused at intake.
    Refused,
    /// 4 Đang xử lý — being processed.
    Processing,
    /// 5 Yêu cầu bổ sung giấy tờ — supplement requested; the clock is paused.
    SupplementRequested,
    /// 6 Yêu cầu thực hiện nghĩa vụ tài chính — awaiting payment.
    AwaitingPayment,
    /// 7 Công dân yêu cầu rút hồ sơ — withdrawn by the applicant.
    Withdrawn,
    /// 8 Dừng xử lý — processing stopped by the agency.
    Stopped,
    /// 9 Đã xử lý xong — finished; the result is recorded.
    Finished,
    /// 10 Đã trả kết quả — result returned.
    Returned,
}

impl Status {
    /// Every status, in national-code order.
    pub const ALL: [Status; 10] = [
        Status::Submitted,
        Status::Received,
        Status::Refused,
        Status::Processing,
        Status::SupplementRequested,
        Status::AwaitingPayment,
        Status::Withdrawn,
        Status::Stopped,
        Status::Finished,
        Status::Returned,
    ];

    /// The national portal code, 1–10.
    pub fn national_code(self) -> u8 {
        match self {
            Status::Submitted => 1,
            Status::Received => 2,
            Status::Refused => 3,
            Status::Processing => 4,
            Status::SupplementRequested => 5,
            Status::AwaitingPayment => 6,
            Status::Withdrawn => 7,
            Status::Stopped => 8,
            Status::Finished => 9,
            Status::Returned => 10,
        }
    }

    /// The Vietnamese name used by the national portal.
    pub fn name_vi(self) -> &'static str {
        match self {
            Status::Submitted => "Mới đăng ký",
            Status::Received => "Được tiếp nhận",
            Status::Refused => "Không được tiếp nhận",
            Status::Processing => "Đang xử lý",
            Status::SupplementRequested => "Yêu cầu bổ sung giấy tờ",
            Status::AwaitingPayment => "Yêu cầu thực hiện nghĩa vụ tài chính",
            Status::Withdrawn => "Công dân yêu cầu rút hồ sơ",
            Status::Stopped => "Dừng xử lý",
            Status::Finished => "Đã xử lý xong",
            Status::Returned => "Đã trả kết quả",
        }
    }

    /// The snake_case name used in the API and the store.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Submitted => "submitted",
            Status::Received => "received",
            Status::Refused => "refused",
            Status::Processing => "processing",
            Status::SupplementRequested => "supplement_requested",
            Status::AwaitingPayment => "awaiting_payment",
            Status::Withdrawn => "withdrawn",
            Status::Stopped => "stopped",
            Status::Finished => "finished",
            Status::Returned => "returned",
        }
    }

    /// Parses the snake_case name.
    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// True for the states no action leaves (the end states of the 766 index, except
    /// `finished`, which still returns its result).
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            Status::Refused | Status::Withdrawn | Status::Stopped | Status::Returned
        )
    }

    /// True while the agency still owes the applicant something (counts toward backlog and
    /// overdue): received, processing, awaiting payment. A paused dossier is not overdue.
    pub fn is_open_with_clock(self) -> bool {
        matches!(
            self,
            Status::Received | Status::Processing | Status::AwaitingPayment
        )
    }
}

/// What can be done to a dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ActionKind {
    /// Online or kiosk submission (creates the dossier in `submitted`).
    Submit,
    /// Counter intake, or accepting an online submission; issues the appointment.
    Receive,
    /// Refuse at intake, with a reason.
    Refuse,
    /// Ask for missing components (once per dossier); pauses the clock.
    RequestSupplement,
    /// The applicant supplied what was asked; the clock resumes.
    Supplement,
    /// Assign to a handler (officer).
    Assign,
    /// Hand over to another agency (one row of the processing control slip).
    Transfer,
    /// Ask the applicant to pay fees or financial obligations.
    RequestPayment,
    /// Payment received.
    Pay,
    /// Record the result (signed in the competent agency's name).
    Finish,
    /// Submit a draft decision to an approver (*trình ký*); the dossier stays in processing.
    SubmitDraft,
    /// The approver approves the draft: it becomes the result, as `finish` would record it.
    ApproveDraft,
    /// The approver sends the draft back to the specialist with a reason.
    ReturnDraft,
    /// Hand the result to the applicant.
    ReturnResult,
    /// Late: apologise with a reason and set a new appointment.
    Reschedule,
    /// The applicant withdraws the dossier.
    Withdraw,
    /// The agency stops processing, with a reason.
    Stop,
}

impl ActionKind {
    /// Every action.
    pub const ALL: [ActionKind; 17] = [
        ActionKind::Submit,
        ActionKind::Receive,
        ActionKind::Refuse,
        ActionKind::RequestSupplement,
        ActionKind::Supplement,
        ActionKind::Assign,
        ActionKind::Transfer,
        ActionKind::RequestPayment,
        ActionKind::Pay,
        ActionKind::Finish,
        ActionKind::SubmitDraft,
        ActionKind::ApproveDraft,
        ActionKind::ReturnDraft,
        ActionKind::ReturnResult,
        ActionKind::Reschedule,
        ActionKind::Withdraw,
        ActionKind::Stop,
    ];

    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Submit => "submit",
            ActionKind::Receive => "receive",
            ActionKind::Refuse => "refuse",
            ActionKind::RequestSupplement => "request_supplement",
            ActionKind::Supplement => "supplement",
            ActionKind::Assign => "assign",
            ActionKind::Transfer => "transfer",
            ActionKind::RequestPayment => "request_payment",
            ActionKind::Pay => "pay",
            ActionKind::Finish => "finish",
            ActionKind::SubmitDraft => "submit_draft",
            ActionKind::ApproveDraft => "approve_draft",
            ActionKind::ReturnDraft => "return_draft",
            ActionKind::ReturnResult => "return_result",
            ActionKind::Reschedule => "reschedule",
            ActionKind::Withdraw => "withdraw",
            ActionKind::Stop => "stop",
        }
    }

    /// Parses the snake_case name.
    pub fn parse(s: &str) -> Option<ActionKind> {
        ActionKind::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// The transition table: the status after `action` in status `from`, or `None` when the action
/// is not legal there. `resume` is the status a supplement returns to (the status the dossier
/// had when the supplement was requested).
///
/// `submit` creates a dossier and is never legal on an existing one.
pub fn next_status(from: Status, action: ActionKind, resume: Option<Status>) -> Option<Status> {
    use ActionKind as A;
    use Status as S;
    match (from, action) {
        (S::Submitted, A::Receive) => Some(S::Received),
        (S::Submitted, A::Refuse) => Some(S::Refused),
        (S::Submitted | S::Received | S::Processing, A::RequestSupplement) => {
            Some(S::SupplementRequested)
        }
        (S::SupplementRequested, A::Supplement) => {
            resume.filter(|r| matches!(r, S::Submitted | S::Received | S::Processing))
        }
        (S::Received | S::Processing, A::Assign | A::Transfer) => Some(S::Processing),
        (S::Received | S::Processing, A::RequestPayment) => Some(S::AwaitingPayment),
        (S::AwaitingPayment, A::Pay) => Some(S::Processing),
        (S::Received | S::Processing, A::Finish) => Some(S::Finished),
        // The approval step lies inside "processing" (national code 4 throughout): submitting,
        // returning and approving are legal only in the hold they belong to (`Hold`).
        (S::Received | S::Processing, A::SubmitDraft) => Some(S::Processing),
        (S::Processing, A::ReturnDraft) => Some(S::Processing),
        (S::Processing, A::ApproveDraft) => Some(S::Finished),
        (S::Finished, A::ReturnResult) => Some(S::Returned),
        (S::Received | S::Processing | S::AwaitingPayment, A::Reschedule) => Some(from),
        (
            S::Submitted
            | S::Received
            | S::Processing
            | S::SupplementRequested
            | S::AwaitingPayment,
            A::Withdraw,
        ) => Some(S::Withdrawn),
        (S::Received | S::Processing | S::SupplementRequested | S::AwaitingPayment, A::Stop) => {
            Some(S::Stopped)
        }
        _ => None,
    }
}

/// The transition table's second dimension: what a dossier waits for inside its status, which
/// the national codes do not show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Hold {
    /// Nothing: the table's first dimension alone decides.
    None,
    /// A consultation is out (the dossier sits at an agency asked for an opinion — a *cơ quan
    /// phối hợp* — and must go back).
    Consultation,
    /// A draft decision waits for its approver (*trình ký*).
    Approval,
}

impl Hold {
    /// Every hold.
    pub const ALL: [Hold; 3] = [Hold::None, Hold::Consultation, Hold::Approval];

    /// Whether `action` is legal in this hold (the status decides the rest).
    ///
    /// - During a consultation the only legal action is the transfer back: the consulted agency
    ///   does not decide, pay, finish, stop or reschedule the competent agency's dossier, and
    ///   nobody else acts on it until the opinion is back.
    /// - While a draft waits for approval, the approver approves or returns it; the applicant may
    ///   still withdraw, the agency still stop or apologise for a delay (the clock runs on), and
    ///   nothing else moves the dossier (no second draft, no transfer, no decision around it).
    /// - Outside a hold a draft can be submitted, not approved or returned.
    pub fn allows(self, action: ActionKind) -> bool {
        use ActionKind as A;
        match self {
            Hold::Consultation => action == A::Transfer,
            Hold::Approval => matches!(
                action,
                A::ApproveDraft | A::ReturnDraft | A::Reschedule | A::Withdraw | A::Stop
            ),
            Hold::None => !matches!(action, A::ApproveDraft | A::ReturnDraft),
        }
    }
}

/// The consultation row of [`Hold::allows`].
pub fn legal_during_consultation(action: ActionKind) -> bool {
    Hold::Consultation.allows(action)
}

/// The actions legal in `status` and `hold` (for offering only legal buttons).
pub fn legal_actions(status: Status, resume: Option<Status>, hold: Hold) -> Vec<ActionKind> {
    ActionKind::ALL
        .into_iter()
        .filter(|a| hold.allows(*a))
        .filter(|a| next_status(status, *a, resume).is_some())
        .collect()
}
