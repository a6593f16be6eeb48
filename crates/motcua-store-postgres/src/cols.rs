//! How PostgreSQL reads a column as the shared decoders ask (`motcua_app::store_rows`): ids are
//! `uuid`, times `timestamptz`, integers of whichever width the column has.

use motcua_app::StoreError;
use motcua_app::store_rows::{Columns, column_err};
use sqlx::Row as _;
use sqlx::postgres::PgRow;
use time::OffsetDateTime;
use uuid::Uuid;

/// A row as the shared decoders read it.
pub(crate) struct Cols<'a>(pub &'a PgRow);

fn get<'r, T>(r: &'r PgRow, col: &str) -> Result<T, StoreError>
where
    T: sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
{
    r.try_get(col).map_err(|e| column_err(col, e))
}

impl Columns for Cols<'_> {
    fn text(&self, col: &str) -> Result<String, StoreError> {
        get(self.0, col)
    }
    fn opt_text(&self, col: &str) -> Result<Option<String>, StoreError> {
        get(self.0, col)
    }
    fn int(&self, col: &str) -> Result<i64, StoreError> {
        self.opt_int(col)?
            .ok_or_else(|| column_err(col, "NULL where a number was expected"))
    }
    fn opt_int(&self, col: &str) -> Result<Option<i64>, StoreError> {
        // BIGINT, INTEGER or SMALLINT: the width is the schema's, the value the same.
        get::<Option<i64>>(self.0, col)
            .or_else(|_| get::<Option<i32>>(self.0, col).map(|v| v.map(i64::from)))
            .or_else(|_| get::<Option<i16>>(self.0, col).map(|v| v.map(i64::from)))
    }
    fn flag(&self, col: &str) -> Result<bool, StoreError> {
        get(self.0, col)
    }
    fn id(&self, col: &str) -> Result<Uuid, StoreError> {
        get(self.0, col)
    }
    fn opt_id(&self, col: &str) -> Result<Option<Uuid>, StoreError> {
        get(self.0, col)
    }
    fn time(&self, col: &str) -> Result<OffsetDateTime, StoreError> {
        get(self.0, col)
    }
    fn opt_time(&self, col: &str) -> Result<Option<OffsetDateTime>, StoreError> {
        get(self.0, col)
    }
}
