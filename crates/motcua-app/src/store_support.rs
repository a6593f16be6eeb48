//! Conversions every store needs between stored text/JSON and domain values, written once so
//! the SQLite and PostgreSQL stores differ only in their SQL.

use crate::ports::StoreError;
use motcua_domain::dossier::Status;

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
