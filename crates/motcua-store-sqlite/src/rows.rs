//! Conversions between rows and domain values.

use motcua_app::StoreError;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Any sqlx error is internal, except unique violations, which callers handle.
pub(crate) fn db_err(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            StoreError::Duplicate(d.message().to_owned())
        }
        // SQLITE_BUSY (5) / SQLITE_LOCKED (6) after the busy timeout: the writer is overloaded.
        sqlx::Error::Database(d) if d.code().is_some_and(|c| c == "5" || c == "6") => {
            StoreError::Unavailable(e.to_string())
        }
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed => {
            StoreError::Unavailable(e.to_string())
        }
        _ => StoreError::Internal(e.to_string()),
    }
}

/// RFC 3339 UTC with whole seconds: sortable as text.
pub(crate) fn ts(t: OffsetDateTime) -> String {
    motcua_domain::dossier::chain::chain_time(t)
}

/// Stored JSON documents (the `data` columns), decoded.
pub(crate) fn decode_all<T: serde::de::DeserializeOwned>(
    rows: &[String],
) -> Result<Vec<T>, StoreError> {
    rows.iter()
        .map(|d| serde_json::from_str(d).map_err(motcua_app::store_support::json_err))
        .collect()
}

pub(crate) fn parse_ts(s: &str) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::parse(s, &Rfc3339)
        .map_err(|e| StoreError::Internal(format!("stored time {s:?}: {e}")))
}
