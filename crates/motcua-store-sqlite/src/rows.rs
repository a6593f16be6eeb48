//! Conversions between rows and domain values.

use motcua_app::StoreError;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Any sqlx error is internal, except unique violations, which callers handle.
pub(crate) fn db_err(e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(d) = &e
        && d.is_unique_violation()
    {
        return StoreError::Duplicate(d.message().to_owned());
    }
    StoreError::Internal(e.to_string())
}

/// RFC 3339 UTC with whole seconds: sortable as text.
pub(crate) fn ts(t: OffsetDateTime) -> String {
    motcua_domain::dossier::chain::chain_time(t)
}

pub(crate) fn parse_ts(s: &str) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::parse(s, &Rfc3339)
        .map_err(|e| StoreError::Internal(format!("stored time {s:?}: {e}")))
}
