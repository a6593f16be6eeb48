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

/// How SQLite reads a column as the shared decoders ask (`motcua_app::store_rows`): ids and
/// times are stored as text.
pub(crate) struct Cols<'a>(pub &'a sqlx::sqlite::SqliteRow);

use motcua_app::store_rows::Columns;

impl Columns for Cols<'_> {
    fn text(&self, col: &str) -> Result<String, StoreError> {
        get(self.0, col)
    }
    fn opt_text(&self, col: &str) -> Result<Option<String>, StoreError> {
        get(self.0, col)
    }
    fn int(&self, col: &str) -> Result<i64, StoreError> {
        get(self.0, col)
    }
    fn opt_int(&self, col: &str) -> Result<Option<i64>, StoreError> {
        get(self.0, col)
    }
    fn flag(&self, col: &str) -> Result<bool, StoreError> {
        get(self.0, col)
    }
    fn id(&self, col: &str) -> Result<uuid::Uuid, StoreError> {
        self.parsed(col)
    }
    fn opt_id(&self, col: &str) -> Result<Option<uuid::Uuid>, StoreError> {
        self.opt_parsed(col)
    }
    fn time(&self, col: &str) -> Result<OffsetDateTime, StoreError> {
        parse_ts(&self.text(col)?)
    }
    fn opt_time(&self, col: &str) -> Result<Option<OffsetDateTime>, StoreError> {
        self.opt_text(col)?.as_deref().map(parse_ts).transpose()
    }
}

fn get<'r, T>(r: &'r sqlx::sqlite::SqliteRow, col: &str) -> Result<T, StoreError>
where
    T: sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
{
    use sqlx::Row as _;
    r.try_get(col)
        .map_err(|e| motcua_app::store_rows::column_err(col, e))
}
