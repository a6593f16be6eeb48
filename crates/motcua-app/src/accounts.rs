//! Staff accounts and sessions: Argon2id passwords, lock-out after repeated failures, sessions
//! stored in our database with idle and absolute timeouts, and the security audit log (logins,
//! failures, lock-outs, account changes, permission denials, exports).

use crate::error::AppError;
use crate::ports::{SecurityEvent, SessionRecord, UserRecord};
use crate::service::{Actor, App, Principal, StaffActor};
use crate::tokens::{new_secret, secret_hash};
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use motcua_domain::access::Role;
use motcua_domain::accounts::{CredentialError, SessionEnd, Username, check_password};
use motcua_domain::ids::{AgencyCode, ProvinceCode};
use std::collections::HashMap;
use std::sync::OnceLock;
use time::OffsetDateTime;
use uuid::Uuid;

/// Prefix of every session secret (kept only in the browser's cookie).
pub const SESSION_PREFIX: &str = "mcs_";

/// A signed-in account's session, as a request sees it.
#[derive(Debug, Clone)]
pub struct StaffSession {
    /// Who.
    pub actor: StaffActor,
    /// The account's login name.
    pub username: Username,
    /// The next page must be the password change.
    pub must_change_password: bool,
}

/// What a successful login returns.
#[derive(Debug, Clone)]
pub struct LoggedIn {
    /// The session secret, for the cookie (never stored).
    pub secret: String,
    /// The session.
    pub session: StaffSession,
}

/// Where a request came from, for the audit log.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    /// The client address (as resolved through the trusted proxy).
    pub ip: String,
}

impl From<CredentialError> for AppError {
    fn from(e: CredentialError) -> Self {
        let field = match e {
            CredentialError::BadUsername => "username",
            _ => "password",
        };
        AppError::invalid(field, e.to_string())
    }
}

/// Hashes a password with Argon2id (the crate's defaults: m = 19 MiB, t = 2, p = 1, as OWASP
/// recommends), to a PHC string.
fn hash_password(password: &str) -> Result<String, AppError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("password hashing: {e}")))
}

/// Whether `password` matches the PHC string `phc`.
fn verify_password(phc: &str, password: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash nobody's password matches, verified for unknown user names so that a failed login
/// takes as long whether or not the account exists.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_password(&new_secret("decoy_")).unwrap_or_default())
}

/// Failed logins, kept in memory: per (name, address) — five in a row lock that name *from that
/// address* for the lock-out period, so a stranger who types an officer's name five times locks
/// out only himself — and per name across all addresses, where past a threshold every further
/// attempt is answered more slowly (a delay that grows, never a lock). Unknown names are
/// counted exactly like real ones, so the answers tell nothing about which names exist.
#[derive(Debug, Default)]
pub struct LoginThrottle {
    by_address: HashMap<(String, String), motcua_domain::accounts::LoginState>,
    by_name: HashMap<String, (u32, OffsetDateTime)>,
}

/// Failures of one name (all addresses) within [`SLOW_WINDOW`] before answers slow down.
const SLOW_AFTER: u32 = 20;
/// The window of the per-name count.
const SLOW_WINDOW: time::Duration = time::Duration::minutes(15);
/// The longest added delay.
const SLOW_MAX: std::time::Duration = std::time::Duration::from_secs(5);
/// Entries kept before expired ones are dropped (a flood of names cannot grow the maps forever).
const THROTTLE_ENTRIES: usize = 100_000;

impl LoginThrottle {
    fn locked(&self, name: &str, ip: &str, now: OffsetDateTime) -> Option<OffsetDateTime> {
        self.by_address
            .get(&(name.to_owned(), ip.to_owned()))
            .and_then(|s| s.locked_at(now))
    }

    fn slow_down(&self, name: &str, now: OffsetDateTime) -> std::time::Duration {
        match self.by_name.get(name) {
            Some((n, since)) if *n > SLOW_AFTER && now - *since < SLOW_WINDOW => {
                std::time::Duration::from_millis(250 * u64::from(n - SLOW_AFTER)).min(SLOW_MAX)
            }
            _ => std::time::Duration::ZERO,
        }
    }

    /// Records a failure; returns the lock's end when this failure locks the pair.
    fn failed(
        &mut self,
        name: &str,
        ip: &str,
        now: OffsetDateTime,
        policy: &motcua_domain::accounts::LockoutPolicy,
    ) -> Option<OffsetDateTime> {
        if self.by_address.len() >= THROTTLE_ENTRIES {
            self.by_address
                .retain(|_, s| s.locked_at(now).is_some() || s.failures > 0);
            if self.by_address.len() >= THROTTLE_ENTRIES {
                self.by_address.clear();
            }
        }
        if self.by_name.len() >= THROTTLE_ENTRIES {
            self.by_name
                .retain(|_, (_, since)| now - *since < SLOW_WINDOW);
        }
        let slot = self
            .by_address
            .entry((name.to_owned(), ip.to_owned()))
            .or_default();
        let next = slot.after_failure(now, policy);
        *slot = next;
        let count = self.by_name.entry(name.to_owned()).or_insert((0, now));
        if now - count.1 >= SLOW_WINDOW {
            *count = (0, now);
        }
        count.0 = count.0.saturating_add(1);
        next.locked_at(now)
    }

    fn succeeded(&mut self, name: &str, ip: &str) {
        self.by_address.remove(&(name.to_owned(), ip.to_owned()));
    }
}

/// Runs CPU-heavy hashing off the async workers.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AppError::Internal(format!("hashing task: {e}")))
}

/// A one-time password for a new or reset account: 16 characters from an alphabet without
/// look-alikes (about 80 bits), to be changed at first login.
pub fn one_time_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY34679";
    let mut rng = rand::rng();
    (0..16)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// Shorthand for the login failure answer (same for an unknown name and a wrong password).
fn bad_credentials() -> AppError {
    AppError::InvalidCredentials
}

impl App {
    /// Appends to the security audit log. A failure to write it is logged, never hidden: the
    /// action it records has already happened (a denial, a failed login).
    pub async fn audit_security(
        &self,
        kind: &str,
        actor: &str,
        province: Option<&ProvinceCode>,
        subject: &str,
        origin: &Origin,
        detail: &str,
    ) {
        let e = SecurityEvent {
            id: Uuid::now_v7(),
            at: self.now(),
            kind: kind.to_owned(),
            actor: actor.chars().take(100).collect(),
            province: province.map(|p| p.to_string()),
            subject: subject.chars().take(300).collect(),
            ip: origin.ip.chars().take(64).collect(),
            detail: detail.chars().take(500).collect(),
        };
        if let Err(err) = self.store.insert_security_event(&e).await {
            tracing::error!(kind, %err, "security event not recorded");
        }
    }

    /// Records that `actor` was refused `what` (a permission denial).
    pub async fn audit_denial(&self, actor: &Actor, what: &str, origin: &Origin, why: &str) {
        let province = match actor {
            Actor::Staff(s) => Some(s.province.clone()),
            _ => None,
        };
        self.audit_security(
            "permission_denied",
            &actor.id(),
            province.as_ref(),
            what,
            origin,
            why,
        )
        .await;
    }

    /// The security audit log for an administrator: a province administrator's province, a
    /// system administrator's every event.
    pub async fn security_log(
        &self,
        actor: &Actor,
        limit: u32,
    ) -> Result<Vec<SecurityEvent>, AppError> {
        let s = self.staff_of(actor)?;
        let province = match s.role {
            Role::Admin => None,
            Role::ProvinceAdmin => Some(&s.province),
            _ => {
                return Err(AppError::Forbidden(
                    "the security log is for administrators".into(),
                ));
            }
        };
        Ok(self
            .store
            .security_events(province, limit.clamp(1, 1000))
            .await?)
    }

    /// Creates an account. With no password, a one-time password is generated, returned once,
    /// and must be changed at first login. `by` is recorded in the audit log.
    pub async fn create_user(
        &self,
        by: &str,
        username: &str,
        display_name: &str,
        agency: &AgencyCode,
        role: Role,
        password: Option<&str>,
    ) -> Result<(UserRecord, Option<String>), AppError> {
        let username = Username::parse(username)?;
        let display_name = display_name.trim();
        if display_name.is_empty() || display_name.chars().count() > 120 {
            return Err(AppError::invalid(
                "display_name",
                "the officer's name is 1–120 characters",
            ));
        }
        let home = self
            .agency(agency)
            .await
            .map_err(|e| e.not_found_as(|| AppError::invalid("agency", "no such agency")))?;
        let (password, generated) = match password {
            Some(p) => (p.to_owned(), None),
            None => {
                let p = one_time_password();
                (p.clone(), Some(p))
            }
        };
        check_password(&username, &password)?;
        let hash = blocking(move || hash_password(&password)).await??;
        let now = self.now();
        let u = UserRecord {
            id: Uuid::now_v7(),
            username: username.clone(),
            display_name: display_name.to_owned(),
            agency: home.code.clone(),
            role,
            password_hash: hash,
            must_change_password: generated.is_some(),
            disabled: false,
            login: Default::default(),
            password_changed_at: now,
            created_at: now,
        };
        match self.store.insert_user(&u).await {
            Ok(()) => {}
            Err(crate::StoreError::Duplicate(_)) => {
                return Err(AppError::Invalid {
                    code: "user.exists",
                    message: format!("the user name {username} is taken"),
                    field: Some("username".into()),
                });
            }
            Err(e) => return Err(e.into()),
        }
        self.audit_security(
            "user_created",
            by,
            Some(&home.province_code),
            username.as_str(),
            &Origin::default(),
            &format!("{} at {}", role.as_str(), home.code),
        )
        .await;
        Ok((u, generated))
    }

    async fn user_named(&self, username: &str) -> Result<UserRecord, AppError> {
        let name = Username::parse(username)?;
        self.store
            .user_by_name(&name)
            .await?
            .ok_or_else(|| AppError::not_found("user.not_found", format!("no account {name}")))
    }

    /// Disables (or enables again) an account; disabling ends its sessions.
    pub async fn set_user_disabled(
        &self,
        by: &str,
        username: &str,
        disabled: bool,
    ) -> Result<UserRecord, AppError> {
        let mut u = self.user_named(username).await?;
        self.store.set_user_disabled(u.id, disabled).await?;
        if disabled {
            self.store.delete_user_sessions(u.id).await?;
        }
        u.disabled = disabled;
        let province = self.province_of(&u).await;
        let kind = if disabled {
            "user_disabled"
        } else {
            "user_enabled"
        };
        self.audit_security(
            kind,
            by,
            province.as_ref(),
            u.username.as_str(),
            &Origin::default(),
            "",
        )
        .await;
        Ok(u)
    }

    /// Replaces an account's password with a one-time password (returned once), to be changed
    /// at the next login; ends its sessions and clears its lock.
    pub async fn reset_password(&self, by: &str, username: &str) -> Result<String, AppError> {
        let password = one_time_password();
        self.set_user_password(by, username, &password, true)
            .await?;
        Ok(password)
    }

    /// Sets an account's password (an administrator's act: `must_change` makes the next login
    /// choose a new one); ends its sessions and clears its lock.
    pub async fn set_user_password(
        &self,
        by: &str,
        username: &str,
        password: &str,
        must_change: bool,
    ) -> Result<UserRecord, AppError> {
        let u = self.user_named(username).await?;
        check_password(&u.username, password)?;
        let p = password.to_owned();
        let hash = blocking(move || hash_password(&p)).await??;
        self.store
            .set_password(u.id, &hash, must_change, self.now())
            .await?;
        self.store.delete_user_sessions(u.id).await?;
        let province = self.province_of(&u).await;
        self.audit_security(
            "password_reset",
            by,
            province.as_ref(),
            u.username.as_str(),
            &Origin::default(),
            "",
        )
        .await;
        Ok(u)
    }

    /// The actor of an account (for the demo's generated history and for tests).
    pub async fn account_actor(&self, username: &str) -> Result<StaffActor, AppError> {
        let u = self.user_named(username).await?;
        Ok(self.session_for(&u).await?.actor)
    }

    /// Every account, for the command line.
    pub async fn list_users(&self) -> Result<Vec<UserRecord>, AppError> {
        Ok(self.store.users(None).await?)
    }

    /// Stores a new session of account `user` begun at `now`; returns its secret (for the
    /// cookie only).
    async fn start_session(
        &self,
        user: Uuid,
        now: time::OffsetDateTime,
        origin: &Origin,
    ) -> Result<String, AppError> {
        let secret = new_secret(SESSION_PREFIX);
        self.store
            .insert_session(
                &secret_hash(&secret),
                &SessionRecord {
                    user_id: user,
                    created_at: now,
                    last_seen_at: now,
                    ip: origin.ip.chars().take(64).collect(),
                },
            )
            .await?;
        Ok(secret)
    }

    /// The province of an account's home agency, for the security log (none if the agency is
    /// gone: the entry is still written).
    async fn province_of(&self, u: &UserRecord) -> Option<ProvinceCode> {
        self.agency(&u.agency).await.ok().map(|a| a.province_code)
    }

    async fn session_for(&self, u: &UserRecord) -> Result<StaffSession, AppError> {
        let home = self.agency(&u.agency).await?;
        Ok(StaffSession {
            actor: StaffActor::new(
                u.id,
                Principal::Account,
                &home,
                u.role,
                u.display_name.clone(),
            ),
            username: u.username.clone(),
            must_change_password: u.must_change_password,
        })
    }

    /// Signs in with a user name and password. Unknown names and wrong passwords get the same
    /// answer in the same time; a locked account says until when; every attempt is audited.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        origin: &Origin,
    ) -> Result<LoggedIn, AppError> {
        let now = self.now();
        let name = Username::parse(username).ok();
        let tried: String = username.trim().chars().take(64).collect();
        let key = tried.to_lowercase();
        // A name locked from this address answers "locked" whether or not it exists; the same
        // name from another address (the officer at the counter) is not affected.
        let (locked, slow) = {
            let t = self.logins.lock().expect("login throttle");
            (t.locked(&key, &origin.ip, now), t.slow_down(&key, now))
        };
        if !slow.is_zero() {
            tokio::time::sleep(slow).await;
        }
        if let Some(until) = locked {
            self.audit_security("login_failed", &tried, None, &tried, origin, "locked")
                .await;
            return Err(AppError::Locked { until });
        }
        let user = match &name {
            Some(n) => self.store.user_by_name(n).await?,
            None => None,
        };
        // Exactly one Argon2 verification on every path, against the decoy when there is no
        // account or the password is too long to be one: an unknown name, a wrong password and
        // an overlong one cost the same.
        let pw = password.to_owned();
        let phc = user
            .as_ref()
            .filter(|_| password.len() <= motcua_domain::accounts::MAX_PASSWORD_BYTES)
            .map(|u| u.password_hash.clone());
        let matches = blocking(move || match phc {
            Some(phc) => verify_password(&phc, &pw),
            None => {
                verify_password(decoy_hash(), &pw);
                false
            }
        })
        .await?;
        let province = match &user {
            Some(u) => self.province_of(u).await,
            None => None,
        };
        let Some(u) = user.filter(|_| matches) else {
            let locked = self.logins.lock().expect("login throttle").failed(
                &key,
                &origin.ip,
                now,
                &self.settings.lockout,
            );
            self.audit_security(
                "login_failed",
                &tried,
                province.as_ref(),
                &tried,
                origin,
                "unknown user or wrong password",
            )
            .await;
            if let Some(until) = locked {
                self.audit_security(
                    "locked",
                    &tried,
                    province.as_ref(),
                    &tried,
                    origin,
                    &format!(
                        "{} failed logins from {}",
                        self.settings.lockout.max_failures, origin.ip
                    ),
                )
                .await;
                return Err(AppError::Locked { until });
            }
            return Err(bad_credentials());
        };
        self.logins
            .lock()
            .expect("login throttle")
            .succeeded(&key, &origin.ip);
        if u.disabled {
            self.audit_security(
                "login_failed",
                &tried,
                province.as_ref(),
                u.username.as_str(),
                origin,
                "account disabled",
            )
            .await;
            return Err(AppError::Forbidden(
                "this account is disabled; ask your administrator".into(),
            ));
        }
        if u.login != Default::default() {
            self.store
                .set_login_state(u.id, &u.login.after_success())
                .await?;
        }
        let session = self.session_for(&u).await?;
        let secret = self.start_session(u.id, now, origin).await?;
        self.audit_security(
            "login",
            &session.actor.actor_id(),
            province.as_ref(),
            u.username.as_str(),
            origin,
            "",
        )
        .await;
        Ok(LoggedIn { secret, session })
    }

    /// The session of a cookie's secret: `auth.unauthenticated` when unknown, expired (idle or
    /// absolute, and then removed), or its account disabled.
    pub async fn session(&self, secret: &str) -> Result<StaffSession, AppError> {
        if !secret.starts_with(SESSION_PREFIX) || secret.len() > 200 {
            return Err(AppError::Unauthenticated);
        }
        let hash = secret_hash(secret);
        let s = self
            .store
            .session(&hash)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let now = self.now();
        let policy = self.settings.sessions;
        if let Err(end) = policy.check(s.created_at, s.last_seen_at, now) {
            self.store.delete_session(&hash).await?;
            tracing::debug!(
                why = match end {
                    SessionEnd::Idle => "idle",
                    SessionEnd::Absolute => "absolute",
                },
                "session expired"
            );
            return Err(AppError::Unauthenticated);
        }
        let u = self
            .store
            .user(s.user_id)
            .await?
            .filter(|u| !u.disabled)
            .ok_or(AppError::Unauthenticated)?;
        if policy.needs_touch(s.last_seen_at, now) {
            self.store.touch_session(&hash, now).await?;
        }
        self.session_for(&u).await
    }

    /// Ends a session (logout).
    pub async fn logout(&self, secret: &str, origin: &Origin) -> Result<(), AppError> {
        if let Ok(s) = self.session(secret).await {
            self.audit_security(
                "logout",
                &s.actor.actor_id(),
                Some(&s.actor.province),
                s.username.as_str(),
                origin,
                "",
            )
            .await;
        }
        self.store.delete_session(&secret_hash(secret)).await?;
        Ok(())
    }

    /// Changes the signed-in account's password: the current one must be given; every session
    /// of the account ends and a new one is returned for this browser.
    pub async fn change_password(
        &self,
        secret: &str,
        current: &str,
        new: &str,
        origin: &Origin,
    ) -> Result<LoggedIn, AppError> {
        let s = self.session(secret).await?;
        let u = self
            .store
            .user(s.actor.id)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let (phc, pw) = (u.password_hash.clone(), current.to_owned());
        let ok = current.len() <= motcua_domain::accounts::MAX_PASSWORD_BYTES
            && blocking(move || verify_password(&phc, &pw)).await?;
        if !ok {
            self.audit_security(
                "password_change_failed",
                &s.actor.actor_id(),
                Some(&s.actor.province),
                u.username.as_str(),
                origin,
                "wrong current password",
            )
            .await;
            return Err(AppError::invalid(
                "current_password",
                "the current password is not right",
            ));
        }
        check_password(&u.username, new)?;
        if new == current {
            return Err(AppError::invalid(
                "password",
                "choose a password other than the current one",
            ));
        }
        let pw = new.to_owned();
        let hash = blocking(move || hash_password(&pw)).await??;
        let now = self.now();
        self.store.set_password(u.id, &hash, false, now).await?;
        self.store.delete_user_sessions(u.id).await?;
        let secret = self.start_session(u.id, now, origin).await?;
        self.audit_security(
            "password_changed",
            &s.actor.actor_id(),
            Some(&s.actor.province),
            u.username.as_str(),
            origin,
            "",
        )
        .await;
        let mut session = s;
        session.must_change_password = false;
        Ok(LoggedIn { secret, session })
    }
}
