//! Conversions every store needs between stored text/JSON and domain values, written once so
//! the SQLite and PostgreSQL stores differ only in their SQL.

use crate::ports::StoreError;
use motcua_domain::dossier::Status;
use motcua_domain::dossier::search::SearchScope;
use motcua_domain::ids::{AgencyCode, ProvinceCode};

/// A stored JSON value that does not decode is an internal error.
pub fn json_err(e: serde_json::Error) -> StoreError {
    StoreError::Internal(format!("stored JSON: {e}"))
}

/// Parses a stored value (codes, ids) back into its type.
pub fn parse<T: std::str::FromStr>(s: &str) -> Result<T, StoreError>
where
    T::Err: std::fmt::Display,
{
    s.parse()
        .map_err(|e: T::Err| StoreError::Internal(format!("stored value {s:?}: {e}")))
}

/// The snake_case name a unit enum serialises to (agency kind, level).
pub fn enum_str<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|x| x.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The enum a stored snake_case name stands for.
pub fn enum_parse<T: serde::de::DeserializeOwned>(s: &str) -> Result<T, StoreError> {
    serde_json::from_value(serde_json::Value::String(s.to_owned())).map_err(json_err)
}

/// The officers' counters of whole histories (bulk loads): every staff event of every dossier.
pub fn officer_tally(
    dossiers: &[(
        motcua_domain::dossier::Dossier,
        Vec<crate::ports::StoredEvent>,
    )],
) -> motcua_domain::kpi::OfficerTally {
    let mut t = motcua_domain::kpi::OfficerTally::default();
    for (d, events) in dossiers {
        for e in events {
            t.add(
                &e.province_code,
                &e.agency,
                &e.actor,
                &e.action,
                e.at,
                &d.procedure.code,
            );
        }
    }
    t
}

/// Refuses a list of sequence prefixes naming one twice ([`crate::Store::next_code_sequences`]
/// takes one number of each in one write).
pub fn distinct_prefixes(prefixes: &[&str]) -> Result<(), StoreError> {
    let mut seen: Vec<&str> = prefixes.to_vec();
    seen.sort_unstable();
    seen.dedup();
    if seen.len() == prefixes.len() {
        Ok(())
    } else {
        Err(StoreError::Internal(
            "a sequence prefix asked for twice in one write".into(),
        ))
    }
}

/// The SQL condition keeping `statuses` (` AND status IN ('received', …)`), empty when they are
/// every status. Safe to inline: the names are the enum's own constants, never input.
pub fn status_condition(statuses: &[Status]) -> String {
    if statuses.len() == Status::ALL.len() {
        return String::new();
    }
    let names: Vec<String> = statuses
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect();
    format!(" AND status IN ({})", names.join(", "))
}

/// The `ORDER BY` of a dossier list (both stores; the code breaks ties).
pub fn order_clause(o: crate::ports::ListOrder) -> String {
    use crate::ports::ListOrder;
    let due = "due_at IS NULL, due_at, code";
    match o {
        ListOrder::Due => due.to_owned(),
        ListOrder::Newest => "submitted_at DESC, code DESC".to_owned(),
        ListOrder::Procedure => format!("procedure_code, {due}"),
        ListOrder::Status => {
            let arms: String = Status::ALL
                .iter()
                .map(|s| format!(" WHEN '{}' THEN {}", s.as_str(), s.national_code()))
                .collect();
            format!("CASE status{arms} END, {due}")
        }
    }
}

/// The scope of a desk query as SQL on the placeholder `p1`, and the value to bind to it: what
/// an agency receives, decides or holds; a province's; everything — the rule of
/// [`crate::ports::search_scope`], which the name terms follow too.
pub fn scope_sql(
    agency: Option<&AgencyCode>,
    province: Option<&ProvinceCode>,
    p1: &str,
) -> (String, Option<String>) {
    match crate::ports::search_scope(agency, province) {
        SearchScope::Agency(a) => (
            format!(
                "(current_agency = {p1} OR receiving_agency = {p1} OR competent_agency = {p1})"
            ),
            Some(a.to_string()),
        ),
        SearchScope::Province(p) => (format!("province_code = {p1}"), Some(p.to_string())),
        SearchScope::All => (format!("{p1} IS NULL"), None),
    }
}

/// The statuses whose clock runs, as SQL (`Status::is_open_with_clock`).
pub fn clock_statuses_sql() -> String {
    let names: Vec<String> = Status::ALL
        .iter()
        .filter(|s| s.is_open_with_clock())
        .map(|s| format!("'{}'", s.as_str()))
        .collect();
    format!("({})", names.join(", "))
}

/// The statuses no action leaves, as SQL (`Status::is_closed`).
pub fn closed_statuses_sql() -> String {
    let names: Vec<String> = Status::ALL
        .iter()
        .filter(|s| s.is_closed())
        .map(|s| format!("'{}'", s.as_str()))
        .collect();
    format!("({})", names.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use motcua_domain::agency::AgencyKind;

    #[test]
    fn enums_round_trip_through_their_names() {
        let s = enum_str(&AgencyKind::DepartmentOfJustice);
        assert_eq!(s, "department_of_justice");
        assert_eq!(
            enum_parse::<AgencyKind>(&s).unwrap(),
            AgencyKind::DepartmentOfJustice
        );
        assert!(enum_parse::<AgencyKind>("nope").is_err());
        assert!(parse::<motcua_domain::ids::UnitCode>("12").is_err());
    }
}

/// The officer's desk columns of a dossier row (issue #32), computed from the dossier and
/// written with it by both stores: the applicant name's search terms in every scope the dossier
/// is listed in, the account handling it, the account its draft waits for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskColumns {
    /// `scope|word` terms ([`motcua_domain::dossier::search::name_terms`]).
    pub search: Vec<String>,
    /// The handling account.
    pub handler_id: Option<uuid::Uuid>,
    /// The approver a draft waits for.
    pub approver_id: Option<uuid::Uuid>,
}

impl DeskColumns {
    /// The columns of `d`.
    pub fn of(d: &motcua_domain::dossier::Dossier) -> DeskColumns {
        DeskColumns {
            search: motcua_domain::dossier::search::name_terms(
                &d.applicant.name,
                [&d.current_agency, &d.receiving_agency, &d.competent_agency],
                &d.province_code,
            ),
            handler_id: d.handler_id,
            approver_id: d.approval.as_ref().map(|a| a.approver.user),
        }
    }

    /// The terms as SQLite keeps them: ` t1 t2 … ` (each term preceded by a space, so
    /// ` scope|beginning` finds a term's beginning).
    pub fn search_text(&self) -> String {
        let mut s = String::from(" ");
        for t in &self.search {
            s.push_str(t);
            s.push(' ');
        }
        s
    }
}

/// How many dossiers a store's desk backfill reads per batch.
pub const DESK_BACKFILL_BATCH: i64 = 1000;
