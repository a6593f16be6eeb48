//! Staff accounts: user names, the password rule, lock-out after repeated failures, and the
//! session clock (idle and absolute timeouts). Pure rules; hashing and storage live elsewhere.

use serde::{Deserialize, Serialize};
use std::fmt;
use time::{Duration, OffsetDateTime};

/// A staff user name: 3–64 characters, lower-case ASCII letters, digits, `.`, `_`, `-`,
/// starting with a letter or digit. Names are compared as stored (input is lower-cased and
/// trimmed first), so `Nguyen.An` and `nguyen.an` are one account.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Username(String);

/// Why a user name or password was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    /// The user name breaks the rule.
    #[error("a user name is 3–64 characters: letters a–z, digits, '.', '_', '-'")]
    BadUsername,
    /// The password is too short.
    #[error("a password has at least {MIN_PASSWORD_CHARS} characters")]
    TooShort,
    /// The password is too long (a hashing cost guard).
    #[error("a password has at most {MAX_PASSWORD_BYTES} bytes")]
    TooLong,
    /// The password contains the user name, or is one character repeated.
    #[error(
        "the password is too easy to guess (it contains the user name or repeats one character)"
    )]
    Guessable,
}

impl Username {
    /// Parses a user name (trimmed, lower-cased).
    pub fn parse(s: &str) -> Result<Username, CredentialError> {
        let s = s.trim().to_ascii_lowercase();
        let ok = (3..=64).contains(&s.len())
            && s.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
        if ok {
            Ok(Username(s))
        } else {
            Err(CredentialError::BadUsername)
        }
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Username {
    type Error = CredentialError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Username::parse(&s)
    }
}

impl From<Username> for String {
    fn from(u: Username) -> String {
        u.0
    }
}

/// Fewest characters in a password (NIST SP 800-63B asks at least 8; a government system
/// holding everyone's papers asks more, and no composition rules).
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Most bytes in a password: hashing cost is bounded, and a longer "password" is an attack.
pub const MAX_PASSWORD_BYTES: usize = 256;

/// Checks a new password for `user` (length, and not trivially guessable).
pub fn check_password(user: &Username, password: &str) -> Result<(), CredentialError> {
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(CredentialError::TooLong);
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(CredentialError::TooShort);
    }
    let lower = password.to_lowercase();
    let first = password.chars().next();
    if lower.contains(user.as_str()) || password.chars().all(|c| Some(c) == first) {
        return Err(CredentialError::Guessable);
    }
    Ok(())
}

/// Lock-out after repeated failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutPolicy {
    /// Consecutive failed logins that lock the account.
    pub max_failures: u32,
    /// How long the account stays locked.
    pub lock_for: Duration,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        LockoutPolicy {
            max_failures: 5,
            lock_for: Duration::minutes(15),
        }
    }
}

/// The login state of an account as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LoginState {
    /// Consecutive failures since the last success (or the last lock).
    pub failures: u32,
    /// Locked until this instant, if locked.
    pub locked_until: Option<OffsetDateTime>,
}

impl LoginState {
    /// Until when the account is locked at `now`, if it is.
    pub fn locked_at(&self, now: OffsetDateTime) -> Option<OffsetDateTime> {
        self.locked_until.filter(|t| *t > now)
    }

    /// The state after a failed login at `now`: one more failure; at the policy's limit the
    /// account locks and the count starts again.
    pub fn after_failure(self, now: OffsetDateTime, p: &LockoutPolicy) -> LoginState {
        let failures = self.failures.saturating_add(1);
        if failures >= p.max_failures {
            LoginState {
                failures: 0,
                locked_until: Some(now + p.lock_for),
            }
        } else {
            LoginState {
                failures,
                locked_until: self.locked_until,
            }
        }
    }

    /// The state after a successful login.
    pub fn after_success(self) -> LoginState {
        LoginState::default()
    }
}

/// How long a staff session lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    /// Ends after this long without a request (a counter left unattended).
    pub idle: Duration,
    /// Ends this long after login whatever happens (one working day).
    pub absolute: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        SessionPolicy {
            idle: Duration::minutes(30),
            absolute: Duration::hours(12),
        }
    }
}

/// Why a session is no longer valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionEnd {
    /// Unused longer than the idle timeout.
    Idle,
    /// Older than the absolute timeout.
    Absolute,
}

impl SessionPolicy {
    /// Whether a session created at `created` and last used at `last_seen` is still valid at
    /// `now`.
    pub fn check(
        &self,
        created: OffsetDateTime,
        last_seen: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<(), SessionEnd> {
        if now - created >= self.absolute {
            Err(SessionEnd::Absolute)
        } else if now - last_seen >= self.idle {
            Err(SessionEnd::Idle)
        } else {
            Ok(())
        }
    }

    /// Whether `last_seen` is old enough to be worth writing again (a write per request would
    /// cost a statement per page; a minute's precision is enough for a 30-minute timeout).
    pub fn needs_touch(&self, last_seen: OffsetDateTime, now: OffsetDateTime) -> bool {
        now - last_seen >= Duration::minutes(1)
    }
}
