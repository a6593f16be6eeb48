//! The store's identity role (see [`super::Store`]).

use super::*;

/// Who acts: service tokens, staff accounts and their sessions, citizens' sessions, and the security log.
#[async_trait]
pub trait IdentityStore: Send + Sync + 'static {
    /// Stores a token (by the SHA-256 of its secret).
    async fn insert_token(&self, secret_hash: &str, t: &TokenRecord) -> Result<(), StoreError>;
    /// Finds a token by the SHA-256 of its secret (revoked and expired ones too).
    async fn token(&self, secret_hash: &str) -> Result<Option<TokenRecord>, StoreError>;
    /// Every token, newest first.
    async fn tokens(&self) -> Result<Vec<TokenRecord>, StoreError>;
    /// Marks a token revoked at `at`; false when there is no such token or it was revoked.
    async fn revoke_token(&self, id: Uuid, at: OffsetDateTime) -> Result<bool, StoreError>;
    /// Stores a new account (`Duplicate` when the user name is taken).
    async fn insert_user(&self, u: &UserRecord) -> Result<(), StoreError>;
    /// An account by user name.
    async fn user_by_name(&self, name: &Username) -> Result<Option<UserRecord>, StoreError>;
    /// An account by id.
    async fn user(&self, id: Uuid) -> Result<Option<UserRecord>, StoreError>;
    /// Accounts, by user name; of one province when given.
    async fn users(&self, province: Option<&ProvinceCode>) -> Result<Vec<UserRecord>, StoreError>;
    /// Records failed logins and lock.
    async fn set_login_state(&self, id: Uuid, state: &LoginState) -> Result<(), StoreError>;
    /// Sets a new password hash (and whether it must be changed at next login); clears the lock.
    async fn set_password(
        &self,
        id: Uuid,
        hash: &str,
        must_change: bool,
        at: OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// Disables or enables an account; false when there is none.
    async fn set_user_disabled(&self, id: Uuid, disabled: bool) -> Result<bool, StoreError>;
    /// Stores a session by the SHA-256 of its secret.
    async fn insert_session(&self, secret_hash: &str, s: &SessionRecord) -> Result<(), StoreError>;
    /// A session by the SHA-256 of its secret.
    async fn session(&self, secret_hash: &str) -> Result<Option<SessionRecord>, StoreError>;
    /// Records a request on a session.
    async fn touch_session(&self, secret_hash: &str, at: OffsetDateTime) -> Result<(), StoreError>;
    /// Ends a session.
    async fn delete_session(&self, secret_hash: &str) -> Result<(), StoreError>;
    /// Ends every session of an account (password change, disable); returns how many.
    async fn delete_user_sessions(&self, user_id: Uuid) -> Result<u64, StoreError>;
    /// Stores a citizen's session by the SHA-256 of its secret.
    async fn insert_citizen_session(
        &self,
        secret_hash: &str,
        s: &CitizenSessionRecord,
    ) -> Result<(), StoreError>;
    /// A citizen's session by the SHA-256 of its secret.
    async fn citizen_session(
        &self,
        secret_hash: &str,
    ) -> Result<Option<CitizenSessionRecord>, StoreError>;
    /// Records a request on a citizen's session.
    async fn touch_citizen_session(
        &self,
        secret_hash: &str,
        at: OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// Ends a citizen's session.
    async fn delete_citizen_session(&self, secret_hash: &str) -> Result<(), StoreError>;
    /// Appends to the security audit log.
    async fn insert_security_event(&self, e: &SecurityEvent) -> Result<(), StoreError>;
    /// The security audit log, newest first: of one province when given (events with no
    /// province only for the whole country), at most `limit`.
    async fn security_events(
        &self,
        province: Option<&ProvinceCode>,
        limit: u32,
    ) -> Result<Vec<SecurityEvent>, StoreError>;
}
