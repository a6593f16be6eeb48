//! Staff roles, what each may do, and where: a role is held at a home agency, and its
//! jurisdiction follows from the role — the agency itself for the officers and the agency's
//! leader, the agency's unit (commune or province) for a unit leader, the province for a province
//! administrator, the whole country for a system administrator.

use crate::agency::Agency;
use crate::dossier::ActionKind;
use crate::ids::{AgencyCode, ProvinceCode, UnitCode};
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
    /// Leader of a unit (a commune's or the province's People's Committee): every dossier
    /// action of every agency of the unit.
    UnitLeader,
    /// Administrator of a province: its catalogue, calendars, registry and accounts, and
    /// read access to its dossiers and reports; decides no dossier.
    ProvinceAdmin,
    /// System administrator: every province, every action.
    Admin,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 7] = [
        Role::CounterOfficer,
        Role::Specialist,
        Role::Approver,
        Role::Leader,
        Role::UnitLeader,
        Role::ProvinceAdmin,
        Role::Admin,
    ];

    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::CounterOfficer => "counter_officer",
            Role::Specialist => "specialist",
            Role::Approver => "approver",
            Role::Leader => "leader",
            Role::UnitLeader => "unit_leader",
            Role::ProvinceAdmin => "province_admin",
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
            Role::Leader | Role::UnitLeader | Role::Admin => true,
            Role::ProvinceAdmin => false,
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
            // The specialist drafts the decision; an approver (or a leader) decides it
            // (*trình ký*: the specialist submits, the approver approves or returns).
            Role::Specialist => matches!(
                action,
                A::Assign
                    | A::Transfer
                    | A::RequestSupplement
                    | A::Supplement
                    | A::RequestPayment
                    | A::Pay
                    | A::SubmitDraft
                    | A::Reschedule
            ),
            Role::Approver => matches!(
                action,
                A::Assign
                    | A::Transfer
                    | A::Finish
                    | A::ApproveDraft
                    | A::ReturnDraft
                    | A::Reschedule
                    | A::Stop
            ),
        }
    }

    /// Whether dossiers may be assigned to an account with this role (it processes them: it may
    /// draft or decide a result).
    pub fn processes(self) -> bool {
        self.may(ActionKind::SubmitDraft) || self.may(ActionKind::Finish)
    }

    /// Whether a draft decision may be submitted to an account with this role.
    pub fn approves(self) -> bool {
        self.may(ActionKind::ApproveDraft)
    }

    /// Whether this role takes dossiers in at the counter.
    pub fn takes_intake(self) -> bool {
        self.may(ActionKind::Receive)
    }

    /// Whether this role may administer the catalogue, calendars, registry and accounts (of
    /// its jurisdiction).
    pub fn may_administer(self) -> bool {
        matches!(self, Role::Admin | Role::ProvinceAdmin)
    }

    /// Whether this role leads: reads the dashboards and indicators of its jurisdiction.
    pub fn leads(self) -> bool {
        matches!(
            self,
            Role::Leader | Role::UnitLeader | Role::ProvinceAdmin | Role::Admin
        )
    }

    /// The Vietnamese title of the role, as shown to staff.
    pub fn title_vi(self) -> &'static str {
        match self {
            Role::CounterOfficer => "Cán bộ tiếp nhận",
            Role::Specialist => "Chuyên viên xử lý",
            Role::Approver => "Lãnh đạo phê duyệt",
            Role::Leader => "Lãnh đạo cơ quan",
            Role::UnitLeader => "Lãnh đạo UBND",
            Role::ProvinceAdmin => "Quản trị cấp tỉnh",
            Role::Admin => "Quản trị hệ thống",
        }
    }
}

/// Where a staff member's role reaches.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "level", content = "code", rename_all = "snake_case")]
pub enum Jurisdiction {
    /// One agency.
    Agency(AgencyCode),
    /// Every agency of one unit (a commune, or the province's own level).
    Unit(UnitCode),
    /// Every agency of one province.
    Province(ProvinceCode),
    /// Everywhere.
    Country,
}

/// An agency's place: what a jurisdiction is checked against.
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    /// The agency.
    pub agency: &'a AgencyCode,
    /// Its unit (none for a province-level agency).
    pub unit: Option<&'a UnitCode>,
    /// Its province.
    pub province: &'a ProvinceCode,
}

impl<'a> From<&'a Agency> for Place<'a> {
    fn from(a: &'a Agency) -> Self {
        Place {
            agency: &a.code,
            unit: a.unit_code.as_ref(),
            province: &a.province_code,
        }
    }
}

impl Jurisdiction {
    /// The jurisdiction of `role` held at `home`. A unit leader at a province's People's
    /// Committee or service centre leads the province's own level, i.e. the province; at any
    /// other body, that body only.
    pub fn of(role: Role, home: &Agency) -> Jurisdiction {
        match role {
            Role::CounterOfficer | Role::Specialist | Role::Approver | Role::Leader => {
                Jurisdiction::Agency(home.code.clone())
            }
            // Only at a People's Committee or its service centre does the role lead the whole
            // unit; held at a department or the police it is that body's leader (issue #29: a
            // unit leader at a province department reached the whole province).
            Role::UnitLeader if !home.kind.leads_its_unit() => {
                Jurisdiction::Agency(home.code.clone())
            }
            Role::UnitLeader => match &home.unit_code {
                Some(u) => Jurisdiction::Unit(u.clone()),
                None => Jurisdiction::Province(home.province_code.clone()),
            },
            Role::ProvinceAdmin => Jurisdiction::Province(home.province_code.clone()),
            Role::Admin => Jurisdiction::Country,
        }
    }

    /// Whether the agency at `place` is inside this jurisdiction.
    pub fn covers(&self, place: Place<'_>) -> bool {
        match self {
            Jurisdiction::Agency(a) => a == place.agency,
            Jurisdiction::Unit(u) => place.unit == Some(u),
            Jurisdiction::Province(p) => p == place.province,
            Jurisdiction::Country => true,
        }
    }

    /// Whether the whole of `unit` (of `province`) is inside this jurisdiction.
    pub fn covers_unit(&self, unit: &UnitCode, province: &ProvinceCode) -> bool {
        match self {
            Jurisdiction::Agency(_) => false,
            Jurisdiction::Unit(u) => u == unit,
            Jurisdiction::Province(p) => p == province,
            Jurisdiction::Country => true,
        }
    }

    /// Whether the whole of `province` is inside this jurisdiction.
    pub fn covers_province(&self, province: &ProvinceCode) -> bool {
        match self {
            Jurisdiction::Province(p) => p == province,
            Jurisdiction::Country => true,
            Jurisdiction::Agency(_) | Jurisdiction::Unit(_) => false,
        }
    }

    /// The agency code when the jurisdiction is exactly one agency.
    pub fn agency(&self) -> Option<&AgencyCode> {
        match self {
            Jurisdiction::Agency(a) => Some(a),
            _ => None,
        }
    }
}
