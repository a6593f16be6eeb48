//! Application errors: user errors with stable codes, and internal errors (logged once at the
//! boundary, never shown).

use crate::ports::StoreError;
use motcua_domain::dossier::DossierError;

/// A use-case failure.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A rule of the dossier lifecycle refused the action.
    #[error(transparent)]
    Dossier(#[from] DossierError),
    /// Something named does not exist (`code`: e.g. `dossier.not_found`).
    #[error("{message}")]
    NotFound {
        /// Stable code.
        code: &'static str,
        /// Message.
        message: String,
    },
    /// Input is invalid (`code`: e.g. `request.invalid_field`).
    #[error("{message}")]
    Invalid {
        /// Stable code.
        code: &'static str,
        /// Message.
        message: String,
        /// The field concerned, if one.
        field: Option<String>,
    },
    /// The declaration's answers break its rules: every failing path.
    #[error(transparent)]
    Declaration(#[from] motcua_domain::declaration::Invalid),
    /// The dossier changed since the client read it.
    #[error("the dossier was changed by someone else (now at version {current}); reload and retry")]
    VersionConflict {
        /// The current version.
        current: i64,
    },
    /// The idempotency key was used with a different request.
    #[error("this Idempotency-Key was already used with a different request")]
    IdempotencyMismatch,
    /// No or unknown credentials.
    #[error("authentication required")]
    Unauthenticated,
    /// A login with an unknown user name or a wrong password (the same answer for both).
    #[error("the user name or password is not right")]
    InvalidCredentials,
    /// The account is locked after repeated failed logins.
    #[error("too many failed logins: the account is locked until {until}")]
    Locked {
        /// Until when.
        until: time::OffsetDateTime,
    },
    /// Credentials do not allow this.
    #[error("{0}")]
    Forbidden(String),
    /// Credentials do not allow this, for a reason with its own stable code (a 403).
    #[error("{message}")]
    Denied {
        /// Stable code.
        code: &'static str,
        /// Message.
        message: String,
    },
    /// The database is unreachable or overloaded; nothing was changed and a retry may succeed.
    /// The message is for the log.
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// Internal failure; the message is for the log.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Unavailable(m) => AppError::Unavailable(m),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl AppError {
    /// The stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Dossier(e) => e.code(),
            AppError::NotFound { code, .. }
            | AppError::Invalid { code, .. }
            | AppError::Denied { code, .. } => code,
            AppError::Declaration(_) => "declaration.invalid",
            AppError::VersionConflict { .. } => "dossier.version_conflict",
            AppError::IdempotencyMismatch => "request.idempotency_key_reused",
            AppError::Unauthenticated => "auth.unauthenticated",
            AppError::InvalidCredentials => "auth.invalid_credentials",
            AppError::Locked { .. } => "auth.locked",
            AppError::Forbidden(_) => "auth.forbidden",
            AppError::Unavailable(_) => "service.unavailable",
            AppError::Internal(_) => "internal",
        }
    }

    /// True when the failure is the server's (the database lost, an internal error), not the
    /// request's: a page shows its error page rather than the form again.
    pub fn is_server_fault(&self) -> bool {
        matches!(self, AppError::Unavailable(_) | AppError::Internal(_))
    }

    /// The field a refusal is about, when it names one.
    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Invalid { field, .. } => field.as_deref(),
            _ => None,
        }
    }

    /// Shorthand for an invalid field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid {
            code: "request.invalid_field",
            message: message.into(),
            field: Some(field.to_owned()),
        }
    }

    /// Shorthand for not found.
    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        AppError::NotFound {
            code,
            message: message.into(),
        }
    }

    /// `NotFound` replaced by `other` (a reference in a request that names nothing is the
    /// request's fault); any other error — an unavailable store above all — passes unchanged, so
    /// a database outage is never reported as a bad field.
    pub fn not_found_as(self, other: impl FnOnce() -> AppError) -> AppError {
        match self {
            AppError::NotFound { .. } => other(),
            e => e,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_not_found_is_replaced() {
        let bad = || AppError::invalid("agency", "no agency X");
        let cases = [
            (
                AppError::not_found("agency.not_found", "x"),
                "request.invalid_field",
            ),
            (
                AppError::Unavailable("db down".into()),
                "service.unavailable",
            ),
            (AppError::Internal("boom".into()), "internal"),
            (AppError::Unauthenticated, "auth.unauthenticated"),
        ];
        for (err, want) in cases {
            assert_eq!(err.not_found_as(bad).code(), want);
        }
    }
}
