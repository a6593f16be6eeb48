//! The test harness: a real router over a real SQLite store in a temp dir, with the shipped
//! units of two provinces (Lâm Đồng 68, Hồ Chí Minh City 79), the seed catalogue, standard
//! agencies and the official 2025 holidays, and a settable clock.

#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use motcua_app::ports::roles::*;
use motcua_app::{App, AppSettings, FixedClock};
use motcua_domain::access::Role;
use motcua_domain::calendar::official_2025;
use motcua_domain::catalogue::Procedure;
use motcua_domain::units::UnitsData;
use motcua_store_sqlite::SqliteStore;
use serde_json::{Value, json};
use std::sync::Arc;
use time::OffsetDateTime;
use tower::ServiceExt;

/// The test deployment's PKI passphrase.
pub const PKI_PASSPHRASE: &str = "test deployment passphrase";

pub struct TestApp {
    pub router: Router,
    pub app: App,
    pub store: Arc<SqliteStore>,
    pub clock: Arc<FixedClock>,
    pub dir: tempfile::TempDir,
}

pub fn units() -> UnitsData {
    let all = UnitsData::from_csv(
        include_str!("../../../../../data/units/provinces_2025.csv"),
        include_str!("../../../../../data/units/communes_2025.csv"),
        include_str!("../../../../../data/units/mapping_2025.csv"),
    )
    .unwrap();
    let keep = |c: &str| c == "68" || c == "79";
    UnitsData {
        provinces: all
            .provinces
            .into_iter()
            .filter(|p| keep(p.code.as_str()))
            .collect(),
        communes: all
            .communes
            .into_iter()
            .filter(|c| keep(c.province_code.as_str()))
            .collect(),
        mapping: all
            .mapping
            .into_iter()
            .filter(|m| keep(m.new_province_code.as_str()))
            .collect(),
    }
}

/// The password of the test accounts.
/// The smallest JPEG whose header says what it is: SOI, a baseline frame header of 1 × 1
/// pixel, EOI (uploads read the dimensions before anything decodes the image).
pub const TINY_JPEG: &[u8] = &[
    0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x01, 0x00, 0x01, 0x01, 0x01, 0x11, 0x00, 0xFF,
    0xD9,
];

/// A real scan-sized PNG (the documents crate's test image).
pub const SCAN_PNG: &[u8] =
    include_bytes!("../../../../motcua-documents/tests/documents/data/scan.png");

pub const TEST_PASSWORD: &str = "correct horse battery";

static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

pub fn seed() -> Vec<Procedure> {
    serde_json::from_str(include_str!("../../../../../data/procedures/seed.json")).unwrap()
}

impl TestApp {
    pub async fn new(now: OffsetDateTime) -> Self {
        Self::with_settings(now, AppSettings::default()).await
    }

    /// Forms rendered after commit (by `App::issue_waiting_documents` or the first reader).
    pub async fn deferred(now: OffsetDateTime) -> Self {
        Self::with_settings(
            now,
            AppSettings {
                defer_documents: true,
                ..AppSettings::default()
            },
        )
        .await
    }

    pub async fn with_settings(now: OffsetDateTime, settings: AppSettings) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(SqliteStore::open(&dir.path().join("t.db")).await.unwrap());
        store.replace_units(&units()).await.unwrap();
        let clock = Arc::new(FixedClock::new(now));
        // A deployment CA in the temp dir; agencies get certificates on first signature.
        motcua_documents::pki::Pki::new(dir.path())
            .init("test", Some(PKI_PASSPHRASE))
            .unwrap();
        let engine = motcua_documents::Engine::new(
            dir.path(),
            &motcua_documents::EngineSettings {
                passphrase: Some(PKI_PASSPHRASE.into()),
                auto_issue: true,
            },
        );
        let app = App::new(store.clone(), clock.clone(), settings)
            .await
            .unwrap()
            .with_documents(Arc::new(engine), "http://motcua.test");
        app.register_standard_agencies().await.unwrap();
        app.import_procedures(seed()).await.unwrap();
        for p in ["68", "79"] {
            app.save_holiday_year(&p.parse().unwrap(), official_2025())
                .await
                .unwrap();
        }
        let router = motcua_web::router(app.clone());
        Self {
            router,
            app,
            store,
            clock,
            dir,
        }
    }

    /// A second server on the same database and clock (its own caches and sweep), as a
    /// deployment of two would run.
    pub async fn another_server(&self) -> TestApp {
        let engine = motcua_documents::Engine::new(
            self.dir.path(),
            &motcua_documents::EngineSettings {
                passphrase: Some(PKI_PASSPHRASE.into()),
                auto_issue: true,
            },
        );
        let app = App::new(
            self.store.clone(),
            self.clock.clone(),
            AppSettings::default(),
        )
        .await
        .unwrap()
        .with_documents(Arc::new(engine), "http://motcua.test");
        TestApp {
            router: motcua_web::router(app.clone()),
            app,
            store: self.store.clone(),
            clock: self.clock.clone(),
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub async fn token(&self, agency: &str, role: Role) -> String {
        self.app
            .create_token(&agency.parse().unwrap(), role, "test")
            .await
            .unwrap()
            .1
    }

    /// A staff account with `role` at `agency`, signed in: the `Cookie` header of its session.
    pub async fn session(&self, agency: &str, role: Role) -> String {
        let n = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let username = format!("t{n}.{}", role.as_str());
        self.app
            .create_user(
                "test",
                &username,
                "Test Officer",
                &agency.parse().unwrap(),
                role,
                Some(TEST_PASSWORD),
            )
            .await
            .unwrap();
        let done = self
            .app
            .login(&username, TEST_PASSWORD, &Default::default())
            .await
            .unwrap();
        format!("motcua_staff={}", done.secret)
    }

    /// The session cookie of an account with the same agency and role as service token `token`
    /// (pages take sessions; the API takes tokens).
    pub async fn cookie(&self, token: &str) -> String {
        let a = self.app.authenticate(token).await.unwrap();
        self.session(a.agency.as_str(), a.role).await
    }

    pub async fn send(&self, req: Request<Body>) -> (StatusCode, Value) {
        let resp = self.router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        let v = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        (status, v)
    }

    /// A GET with a bearer token whose answer is not JSON (a PDF): status and bytes.
    pub async fn get_bytes(&self, uri: &str, token: &str) -> (StatusCode, Vec<u8>) {
        let req = Request::builder()
            .uri(uri)
            .header(axum::http::header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap();
        let resp = self.router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        (
            status,
            resp.into_body()
                .collect()
                .await
                .unwrap()
                .to_bytes()
                .to_vec(),
        )
    }

    pub async fn get(&self, uri: &str, token: Option<&str>) -> (StatusCode, Value) {
        let mut b = Request::get(uri);
        if let Some(t) = token {
            b = b.header("authorization", format!("Bearer {t}"));
        }
        self.send(b.body(Body::empty()).unwrap()).await
    }

    pub async fn post(&self, uri: &str, token: Option<&str>, body: &Value) -> (StatusCode, Value) {
        self.post_with(uri, token, body, &[]).await
    }

    pub async fn post_with(
        &self,
        uri: &str,
        token: Option<&str>,
        body: &Value,
        headers: &[(&str, &str)],
    ) -> (StatusCode, Value) {
        let mut b = Request::post(uri).header("content-type", "application/json");
        if let Some(t) = token {
            b = b.header("authorization", format!("Bearer {t}"));
        }
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        self.send(b.body(Body::from(body.to_string())).unwrap())
            .await
    }

    /// Counter intake at a commune center; returns the created dossier JSON.
    pub async fn intake(&self, token: &str, procedure: &str, center: &str) -> Value {
        let (s, v) = self
            .post(
                "/api/v1/dossiers",
                Some(token),
                &intake_body(procedure, center),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        v
    }

    pub async fn act(&self, token: &str, code: &str, body: Value) -> (StatusCode, Value) {
        self.post(
            &format!("/api/v1/dossiers/{code}/actions"),
            Some(token),
            &body,
        )
        .await
    }

    /// Forwards a just-received dossier (version 1) to the People's Committee of commune 24958.
    pub async fn transfer_to_committee(&self, token: &str, code: &str) {
        let (s, v) = self
            .act(
                token,
                code,
                json!({"action": "transfer", "to_agency": "24958.UBND", "version": 1}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }

    pub async fn dossier(&self, token: &str, code: &str) -> Value {
        let (s, v) = self
            .get(&format!("/api/v1/dossiers/{code}"), Some(token))
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v
    }

    pub async fn events(&self, token: &str, code: &str) -> Vec<Value> {
        let (s, v) = self
            .get(&format!("/api/v1/dossiers/{code}/events"), Some(token))
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v.as_array().unwrap().clone()
    }

    pub async fn count(&self) -> i64 {
        self.store.count_dossiers().await.unwrap()
    }
}

pub fn intake_body(procedure: &str, center: &str) -> Value {
    json!({
        "procedure": procedure,
        "receiving_agency": center,
        "applicant": {"name": "Nguyễn Thị Lan", "id_number": "068195001234", "phone": "0912345678",
                      "address": "Xã Phú Hội, Huyện Đức Trọng, Tỉnh Lâm Đồng"},
        "components": [],
    })
}

pub fn error_code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or("<no error code>")
}

/// The anti-forgery token of the first form of a page.
pub fn csrf(html: &str) -> String {
    let pat = r#"name="csrf" value=""#;
    let i = html.find(pat).expect("the page has a csrf field") + pat.len();
    html[i..i + 64].to_owned()
}

/// Undoes the HTML escaping of an attribute or a text.
fn unescape(s: &str) -> String {
    s.replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&#38;", "&")
        .replace("&amp;", "&")
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let pat = format!(" {name}=\"");
    let i = tag.find(&pat)? + pat.len();
    let j = tag[i..].find('"')? + i;
    Some(unescape(&tag[i..j]))
}

fn has_flag(tag: &str, name: &str) -> bool {
    tag.contains(&format!(" {name}>"))
        || tag.contains(&format!(" {name} "))
        || tag.ends_with(&format!(" {name}"))
}

/// What a browser would post for the form whose `action` is given, as the page shows it: every
/// text and hidden input, textarea and chosen option, ticked boxes and radios (submit buttons
/// are not included).
pub fn form_fields(html: &str, action: &str) -> Vec<(String, String)> {
    let start = html
        .find(&format!("action=\"{action}\""))
        .unwrap_or_else(|| panic!("no form posting to {action}"));
    let end = html[start..].find("</form>").expect("the form ends") + start;
    let form = &html[start..end];
    let mut out = Vec::new();
    let mut rest = form;
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        let close = rest.find('>').unwrap_or(rest.len() - 1);
        let tag = &rest[..close];
        if let Some(t) = tag.strip_prefix("<input") {
            let kind = attr(t, "type").unwrap_or_else(|| "text".into());
            if let Some(name) = attr(t, "name") {
                match kind.as_str() {
                    "checkbox" | "radio" => {
                        if has_flag(t, "checked") {
                            out.push((name, attr(t, "value").unwrap_or_else(|| "on".into())));
                        }
                    }
                    "submit" | "button" | "file" => {}
                    _ => out.push((name, attr(t, "value").unwrap_or_default())),
                }
            }
        } else if let Some(t) = tag.strip_prefix("<textarea") {
            let body_end = rest.find("</textarea>").expect("textarea ends");
            if let Some(name) = attr(t, "name") {
                out.push((name, unescape(&rest[close + 1..body_end])));
            }
        } else if let Some(t) = tag.strip_prefix("<select") {
            let body_end = rest.find("</select>").expect("select ends");
            let options = &rest[close + 1..body_end];
            let mut chosen = None;
            let mut first = None;
            for o in options.split("<option").skip(1) {
                let head = &o[..o.find('>').unwrap_or(o.len())];
                let v = attr(head, "value").unwrap_or_default();
                first.get_or_insert(v.clone());
                if has_flag(head, "selected") {
                    chosen = Some(v);
                }
            }
            if let Some(name) = attr(t, "name") {
                out.push((name, chosen.or(first).unwrap_or_default()));
            }
        }
        rest = &rest[1..];
    }
    out
}

/// Pairs as a form body, with `changes` replacing (or adding) fields; a change to `None`
/// removes the field (an unticked box).
pub fn form_body(fields: &[(String, String)], changes: &[(&str, Option<&str>)]) -> String {
    let mut f: Vec<(String, String)> = fields.to_vec();
    for (k, v) in changes {
        f.retain(|(n, _)| n != k);
        if let Some(v) = v {
            f.push(((*k).to_owned(), (*v).to_owned()));
        }
    }
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in &f {
        s.append_pair(k, v);
    }
    s.finish()
}

/// A page response as a browser sees it.
pub struct PageResp {
    pub status: StatusCode,
    pub location: Option<String>,
    pub cookie: Option<String>,
    pub headers: axum::http::HeaderMap,
    pub body: String,
    /// The body as it came (a PDF is not text).
    pub bytes: Vec<u8>,
}

impl PageResp {
    /// A header's value, if the answer has it.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl TestApp {
    /// A browser-like request: optional cookie, optional URL-encoded form body.
    pub async fn page(
        &self,
        method: &str,
        uri: &str,
        cookie: Option<&str>,
        form: Option<&str>,
    ) -> PageResp {
        let mut b = Request::builder().method(method).uri(uri);
        if let Some(c) = cookie {
            b = b.header(axum::http::header::COOKIE, c);
        }
        let body = match form {
            Some(f) => {
                b = b.header(
                    axum::http::header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded",
                );
                Body::from(f.to_owned())
            }
            None => Body::empty(),
        };
        let resp = self
            .router
            .clone()
            .oneshot(b.body(body).unwrap())
            .await
            .unwrap();
        let h = |n| {
            resp.headers()
                .get(n)
                .map(|v: &axum::http::HeaderValue| v.to_str().unwrap().to_owned())
        };
        let (status, location, cookie, headers) = (
            resp.status(),
            h(axum::http::header::LOCATION),
            h(axum::http::header::SET_COOKIE),
            resp.headers().clone(),
        );
        let bytes = resp
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        let body = String::from_utf8_lossy(&bytes).into_owned();
        PageResp {
            status,
            location,
            cookie,
            headers,
            body,
            bytes,
        }
    }
}

impl TestApp {
    /// Creates an account (password [`TEST_PASSWORD`]) and returns its user name.
    pub async fn account(&self, username: &str, agency: &str, role: Role) -> String {
        self.app
            .create_user(
                "test",
                username,
                "Nguyễn Văn Thử",
                &agency.parse().unwrap(),
                role,
                Some(TEST_PASSWORD),
            )
            .await
            .unwrap();
        username.to_owned()
    }

    /// The officer of `role` at `agency` a dossier can be assigned to (or a draft sent to): an
    /// account named `{role}.{agency}`, created on first use. Returns its user name.
    pub async fn officer(&self, agency: &str, role: Role) -> String {
        let username = format!("{}.{}", role.as_str(), agency.to_ascii_lowercase());
        match self
            .app
            .create_user(
                "test",
                &username,
                &format!("Cán bộ {}", role.title_vi()),
                &agency.parse().unwrap(),
                role,
                Some(TEST_PASSWORD),
            )
            .await
        {
            Ok(_) => {}
            Err(e) if e.code() == "user.exists" => {}
            Err(e) => panic!("{username}: {e}"),
        }
        username
    }

    /// Signs in through the pages as a browser does: the login page (its pre-session cookie
    /// and form token), then the form. Returns the answer to the form.
    pub async fn browser_login(&self, username: &str, password: &str, next: &str) -> PageResp {
        let form_page = self.page("GET", "/staff/login", None, None).await;
        let pre = form_page
            .cookie
            .expect("the login page sets its cookie")
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        let body = format!(
            "csrf={}&next={}&username={}&password={}",
            csrf(&form_page.body),
            enc(next),
            enc(username),
            enc(password)
        );
        self.page("POST", "/staff/login", Some(&pre), Some(&body))
            .await
    }
}

/// The `name=value` of a `Set-Cookie`.
pub fn cookie_pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap().to_owned()
}

impl TestApp {
    /// A citizen signed in through the identity provider with this CCCD number and name: the
    /// `Cookie` header of their session.
    pub async fn citizen_cookie(&self, id: &str, name: &str) -> String {
        let secret = self
            .app
            .citizen_login(id, id.parse().unwrap(), name, &Default::default())
            .await
            .unwrap();
        format!("motcua_citizen={secret}")
    }
}

/// A `multipart/form-data` body: the text fields, then the files (field, file name, declared
/// type, bytes). Returns the `Content-Type` and the body.
pub fn multipart(
    fields: &[(&str, &str)],
    files: &[(&str, &str, &str, &[u8])],
) -> (String, Vec<u8>) {
    let boundary = "XbOuNdArYx";
    let mut body: Vec<u8> = Vec::new();
    for (k, v) in fields {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    for (field, name, ct, bytes) in files {
        body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\nContent-Type: {ct}\r\n\r\n").as_bytes());
        body.extend(*bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}
