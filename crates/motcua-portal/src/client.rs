//! The HTTP adapter of the national portal ([`motcua_app::exchange::NationalPortal`]): a session
//! opened on first use and renewed when it expires (or is refused), each call written to the
//! exchange log with its answer — secrets masked — before its outcome is reported, answers read
//! up to a size, every fault classified ([`Failure`]) rather than raised.

use crate::protocol::{Answer, CALL_PATH, DSTCODE, LOGIN_PATH, Login, MAX_ANSWER, codes, masked};
use async_trait::async_trait;
use motcua_app::exchange::{ExchangeLog, NationalPortal, PortalDossier};
use motcua_app::ports::{DVCQG, NewExchangeRecord};
use motcua_domain::exchange::Failure;
use motcua_domain::portal::{DossierRecord, ProgressStep, service};
use serde_json::json;
use std::time::{Duration, Instant};
use time::OffsetDateTime;
use tokio::sync::Mutex;

/// How to reach the portal.
#[derive(Clone)]
pub struct PortalSettings {
    /// Base URL (`https://…`; the paths of [`crate::protocol`] follow it).
    pub base_url: String,
    /// The account.
    pub username: String,
    /// Its password (from the environment or a file; never logged).
    pub password: String,
    /// The `dstcode` header.
    pub dstcode: String,
    /// A call's timeout (connecting, sending, the whole answer).
    pub timeout: Duration,
    /// How long a session is used before a new login (the portal may expire it sooner: an
    /// answer with a session error code renews it at once).
    pub session_ttl: Duration,
    /// Error codes that mean "session unknown or expired".
    pub session_error_codes: Vec<i64>,
    /// Who asks, as the exchange log names it.
    pub requester: String,
}

impl std::fmt::Debug for PortalSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PortalSettings")
            .field("base_url", &self.base_url)
            .field("username", &self.username)
            .field("password", &"***")
            .field("dstcode", &self.dstcode)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// The adapter.
pub struct PortalClient {
    http: reqwest::Client,
    settings: PortalSettings,
    session: Mutex<Option<(String, Instant)>>,
}

impl PortalClient {
    /// A client with its own connection pool. No redirects are followed (an answer elsewhere
    /// is not the portal's).
    pub fn new(settings: PortalSettings) -> Result<PortalClient, String> {
        let http = reqwest::Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(16)
            .build()
            .map_err(|e| e.to_string())?;
        Ok(PortalClient {
            http,
            settings,
            session: Mutex::new(None),
        })
    }

    /// POSTs `body` to `path`, reads the answer (bounded), logs the exchange and returns the
    /// answer, whatever its error code.
    async fn post(
        &self,
        path: &str,
        service: &str,
        subject: &str,
        body: &serde_json::Value,
        log: &dyn ExchangeLog,
    ) -> Result<Answer, Failure> {
        let requested_at = OffsetDateTime::now_utc();
        let url = format!("{}{}", self.settings.base_url.trim_end_matches('/'), path);
        let (outcome, answer_text) = self.exchange(&url, body).await;
        let status = match &outcome {
            Ok(a) if a.error_code == codes::OK => "ok".to_owned(),
            Ok(a) => format!("error_code {}: {}", a.error_code, truncate(&a.message, 300)),
            Err(f) => f.to_string(),
        };
        let answer_body = match serde_json::from_str::<serde_json::Value>(&answer_text) {
            Ok(v) => masked(&v).to_string(),
            Err(_) => truncate(&answer_text, 64 * 1024),
        };
        log.append(NewExchangeRecord {
            requested_at,
            answered_at: OffsetDateTime::now_utc(),
            destination: DVCQG.into(),
            service: service.into(),
            requester: self.settings.requester.clone(),
            subject: subject.into(),
            status,
            request_body: masked(body).to_string(),
            answer_body,
        })
        .await?;
        outcome
    }

    /// The HTTP exchange itself: the outcome and the answer's text as received.
    async fn exchange(
        &self,
        url: &str,
        body: &serde_json::Value,
    ) -> (Result<Answer, Failure>, String) {
        let sent = self
            .http
            .post(url)
            .header(DSTCODE, &self.settings.dstcode)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_string())
            .send()
            .await;
        let mut res = match sent {
            Ok(r) => r,
            Err(e) => return (Err(classify(&e)), String::new()),
        };
        let status = res.status().as_u16();
        let mut bytes: Vec<u8> = Vec::new();
        loop {
            match res.chunk().await {
                Ok(Some(chunk)) => {
                    if bytes.len() + chunk.len() > MAX_ANSWER {
                        return (
                            Err(Failure::Malformed {
                                detail: format!("answer larger than {MAX_ANSWER} bytes"),
                            }),
                            String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).into_owned(),
                        );
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => {
                    return (
                        Err(classify(&e)),
                        String::from_utf8_lossy(&bytes).into_owned(),
                    );
                }
            }
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        if status != 200 {
            return (Err(Failure::Http { status }), text);
        }
        match serde_json::from_slice::<Answer>(&bytes) {
            Ok(a) => (Ok(a), text),
            Err(e) => (
                Err(Failure::Malformed {
                    detail: format!("not an answer: {e}"),
                }),
                text,
            ),
        }
    }

    /// The session, logging in when there is none or it is too old.
    async fn session(&self, log: &dyn ExchangeLog) -> Result<String, Failure> {
        let mut held = self.session.lock().await;
        if let Some((s, since)) = held.as_ref()
            && since.elapsed() < self.settings.session_ttl
        {
            return Ok(s.clone());
        }
        let body = serde_json::to_value(Login {
            username: self.settings.username.clone(),
            password: self.settings.password.clone(),
        })
        .unwrap_or_default();
        let a = self
            .post(LOGIN_PATH, service::LOGIN, "", &body, log)
            .await?;
        match (a.error_code, a.session) {
            (codes::OK, Some(s)) if !s.is_empty() => {
                *held = Some((s.clone(), Instant::now()));
                Ok(s)
            }
            (codes::OK, _) => Err(Failure::Malformed {
                detail: "a login answer without a session".into(),
            }),
            (code, _) => Err(Failure::Refused {
                code,
                message: format!("login refused: {}", truncate(&a.message, 300)),
            }),
        }
    }

    /// A service call with the session; an expired session is renewed once.
    async fn call(
        &self,
        service_name: &str,
        subject: &str,
        mut body: serde_json::Value,
        log: &dyn ExchangeLog,
    ) -> Result<Answer, Failure> {
        for attempt in 0..2 {
            let session = self.session(log).await?;
            body["session"] = json!(session);
            body["service"] = json!(service_name);
            let a = self
                .post(CALL_PATH, service_name, subject, &body, log)
                .await?;
            if self.settings.session_error_codes.contains(&a.error_code) {
                let mut held = self.session.lock().await;
                if held.as_ref().is_some_and(|(s, _)| *s == session) {
                    *held = None;
                }
                if attempt == 0 {
                    continue;
                }
                return Err(Failure::Session);
            }
            if a.error_code != codes::OK {
                return Err(Failure::Refused {
                    code: a.error_code,
                    message: truncate(&a.message, 300),
                });
            }
            return Ok(a);
        }
        Err(Failure::Session)
    }

    /// A raw service call for imports (`LayThuTuc`, the agency and field lists): the answer's
    /// `result`.
    pub async fn fetch(
        &self,
        service_name: &str,
        subject: &str,
        params: serde_json::Value,
        log: &dyn ExchangeLog,
    ) -> Result<serde_json::Value, Failure> {
        let a = self.call(service_name, subject, params, log).await?;
        Ok(a.result.unwrap_or(serde_json::Value::Null))
    }
}

fn classify(e: &reqwest::Error) -> Failure {
    if e.is_timeout() {
        Failure::Timeout
    } else if e.is_connect() {
        Failure::Connect
    } else {
        Failure::Dropped
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

#[async_trait]
impl NationalPortal for PortalClient {
    async fn lookup(
        &self,
        code: &str,
        log: &dyn ExchangeLog,
    ) -> Result<Option<PortalDossier>, Failure> {
        let a = self
            .call(service::LOOKUP, code, json!({ "MaHoSo": code }), log)
            .await?;
        let Some(found) = a.result.filter(|r| !r.is_null()) else {
            return Ok(None);
        };
        if !found.is_object() {
            return Err(Failure::Malformed {
                detail: "a lookup's result is not a record".into(),
            });
        }
        let steps = found
            .get("DanhSachTienDo")
            .and_then(|s| s.as_array())
            .map_or(0, |s| s.len());
        Ok(Some(PortalDossier {
            status: found
                .get("TrangThaiHoSo")
                .and_then(|s| s.as_u64())
                .and_then(|s| u8::try_from(s).ok()),
            steps: u32::try_from(steps).unwrap_or(u32::MAX),
        }))
    }

    async fn sync(
        &self,
        record: &DossierRecord,
        updating: bool,
        log: &dyn ExchangeLog,
    ) -> Result<(), Failure> {
        self.call(
            service::SYNC,
            &record.ma_ho_so,
            json!({ "isUpdating": updating, "data": [record] }),
            log,
        )
        .await
        .map(|_| ())
    }

    async fn progress(&self, step: &ProgressStep, log: &dyn ExchangeLog) -> Result<(), Failure> {
        self.call(
            service::PROGRESS,
            &step.ma_ho_so,
            json!({ "data": [step] }),
            log,
        )
        .await
        .map(|_| ())
    }
}
