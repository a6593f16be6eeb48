//! The wire protocol both sides speak (shared CONNECTED.md §1): a login
//! `POST {username, password}` → `{session, error_code: 0}`, then every call
//! `POST {session, service, …}` with a `dstcode` header naming the destination; every answer is
//! `{error_code, message, …}` with HTTP 200, `error_code` 0 when it went well.
//!
//! What open integrations do not fix and we chose (the simulator follows it; a province's
//! settings can name other session error codes): the paths below, `data` as an array of
//! records for `DongBoHoSoMC` and `CapNhatTienDoHoSoMC` (with `isUpdating` for the former), the
//! lookup's answer `result` (the record with its steps in `DanhSachTienDo`, or `null`), and the
//! error codes of [`codes`].

use serde::{Deserialize, Serialize};

/// The login path, under the base URL.
pub const LOGIN_PATH: &str = "/api/dangnhap";
/// The path of every service call.
pub const CALL_PATH: &str = "/api/dichvu";
/// The header naming the destination.
pub const DSTCODE: &str = "dstcode";
/// The largest answer read (a larger one is malformed).
pub const MAX_ANSWER: usize = 4 * 1024 * 1024;

/// The error codes of answers.
pub mod codes {
    /// Done.
    pub const OK: i64 = 0;
    /// The session is unknown or expired: log in again.
    pub const SESSION: i64 = -1;
    /// Wrong user name or password.
    pub const CREDENTIALS: i64 = 1;
    /// The request is not what the protocol says.
    pub const MALFORMED: i64 = 2;
    /// No such dossier (an update or a step for a dossier the portal does not hold).
    pub const UNKNOWN_DOSSIER: i64 = 3;
    /// The service is not offered.
    pub const UNKNOWN_SERVICE: i64 = 5;
    /// A field is missing or malformed.
    pub const INVALID_FIELD: i64 = 6;
    /// The portal refuses the request for a reason of its own (a fault on request).
    pub const REFUSED: i64 = 9;
    /// No such procedure, agency or field in the catalogue.
    pub const UNKNOWN_RECORD: i64 = 10;
}

/// The login request.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Login {
    /// The account.
    pub username: String,
    /// Its password.
    pub password: String,
}

/// Every answer.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Answer {
    /// 0 when it went well.
    pub error_code: i64,
    /// What went wrong, or a courtesy.
    #[serde(default)]
    pub message: String,
    /// A login's session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    /// A lookup's or a list's result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<serde_json::Value>,
}

/// Masks the secrets of a request or an answer for the exchange log: the password, the
/// session.
pub fn masked(body: &serde_json::Value) -> serde_json::Value {
    let mut out = body.clone();
    if let Some(o) = out.as_object_mut() {
        for key in ["password", "session"] {
            if let Some(v) = o.get_mut(key) {
                *v = serde_json::Value::String("***".into());
            }
        }
    }
    out
}
