//! A stored `json` value decoded from its text.
//!
//! sqlx's `Json<T>` hands serde_json the value's bytes, and serde_json then checks the UTF-8 of
//! every string it meets, one call each: 9.6 % of the server's time on an inbox page
//! (docs/BENCHMARKS.md, "A seventh machine"). `JsonText<T>` checks the whole value once and lets
//! serde_json read a `&str`. Only for `json` columns (a `json` value's binary form is its text;
//! `jsonb`'s is not, so it is refused as a type mismatch).

use serde::de::DeserializeOwned;
use sqlx::error::BoxDynError;
use sqlx::postgres::types::Oid;
use sqlx::postgres::{PgTypeInfo, PgValueRef, Postgres};
use sqlx::{Decode, Type};

/// A `json` column's value, decoded into `T`.
pub(crate) struct JsonText<T>(pub T);

/// PostgreSQL's `json` type (`pg_type.oid`).
const JSON: PgTypeInfo = PgTypeInfo::with_oid(Oid(114));

impl<T> Type<Postgres> for JsonText<T> {
    fn type_info() -> PgTypeInfo {
        JSON
    }

    fn compatible(ty: &PgTypeInfo) -> bool {
        *ty == JSON
    }
}

impl<'r, T: DeserializeOwned> Decode<'r, Postgres> for JsonText<T> {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        let text = <&str as Decode<Postgres>>::decode(value)?;
        Ok(JsonText(serde_json::from_str(text)?))
    }
}
