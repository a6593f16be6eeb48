//! Staff roles and what each may do. Until the identity issue lands, roles come from API tokens
//! scoped to one agency.

use crate::dossier::ActionKind;
use serde::{Deserialize, Serialize};

/// A staff role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Role {
    /// Counter officer: intake, refusal, supplement requests, forwarding to the competent agency,
    /// fees collected at the counter, returning results.
    CounterOfficer,
    /// Specialist: examines, transfers, asks for payment, proposes results.
    Specialist,
    /// Approver: decides and signs results, reschedules, stops.
    Approver,
    /// Leader of an agency: every dossier action of the agency.
    Leader,
    /// System administrator: catalogue and calendar administration, every action.
    Admin,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 5] = [
        Role::CounterOfficer,
        Role::Specialist,
        Role::Approver,
        Role::Leader,
        Role::Admin,
    ];

    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::CounterOfficer => "counter_officer",
            Role::Specialist => "specialist",
            Role::Approver => "approver",
            Role::Leader => "leader",
            Role::Admin => "admin",
        }
    }

    /// Parses the snake_case name.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Whether this role may perform `action` (on a dossier of its agency).
    pub fn may(self, action: ActionKind) -> bool {
        use ActionKind as A;
        match self {
            Role::Leader | Role::Admin => true,
            Role::CounterOfficer => matches!(
                action,
                A::Submit
                    | A::Receive
                    | A::Refuse
                    | A::RequestSupplement
                    | A::Supplement
                    | A::Transfer
                    | A::ReturnResult
                    | A::Withdraw
                    | A::Pay
            ),
            Role::Specialist => matches!(
                action,
                A::Assign
                    | A::Transfer
                    | A::RequestSupplement
                    | A::Supplement
                    | A::RequestPayment
                    | A::Pay
                    | A::Finish
                    | A::Reschedule
            ),
            Role::Approver => matches!(
                action,
                A::Assign | A::Transfer | A::Finish | A::Reschedule | A::Stop
            ),
        }
    }

    /// Whether this role may administer the catalogue and calendars.
    pub fn may_administer(self) -> bool {
        matches!(self, Role::Admin)
    }
}
