//! A simulator of the national portal that speaks [`crate::protocol`]: sessions that expire,
//! `DongBoHoSoMC` that deduplicates nothing (an insert of a dossier it holds keeps a second
//! copy, as the real one would), steps refused for a dossier it does not hold, field checks
//! of what it is sent, a catalogue for the import, counters of what the 766 index would count,
//! and faults on request (`POST /_sim/faults`): latency, 5xx, answers held past the client's
//! timeout, answers dropped *after* the request was stored, expired sessions, refusals.
//!
//! State: `GET /_sim/state` (counts), `GET /_sim/dossiers/{code}` (what it holds of one
//! dossier: every copy of its record and every step in the order received).

use crate::protocol::{Answer, CALL_PATH, DSTCODE, LOGIN_PATH, Login, codes};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use motcua_domain::portal::parse_portal_time;
use rand::Rng as _;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Faults, each a probability per service call (0–1) unless said otherwise.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Faults {
    /// Added to every answer, in milliseconds.
    pub latency_ms: u64,
    /// Answer 503 without doing anything.
    pub p_5xx: f64,
    /// Hold the request `hold_ms`, then do it and answer (the client has given up by then).
    pub p_hold: f64,
    /// How long a held request waits, in milliseconds.
    pub hold_ms: u64,
    /// Do it, then drop the connection without a whole answer.
    pub p_drop_after_store: f64,
    /// Refuse with error code 9 without doing anything.
    pub p_refuse: f64,
    /// Answer HTTP 200 with a body that is not JSON, without doing anything.
    pub p_garbage: f64,
    /// Sessions last this long (seconds; 0: the default half hour).
    pub session_ttl_s: u64,
    /// Expire every session now (once, when the faults are set).
    pub expire_sessions: bool,
    /// Expire every session after this many calls (0: never).
    pub expire_every: u64,
}

/// What the simulator counts.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Counts {
    /// Dossiers held.
    pub dossiers: u64,
    /// Records held (a duplicate insert adds one).
    pub records: u64,
    /// Inserts of a dossier already held (each one a duplicate at the portal).
    pub duplicate_inserts: u64,
    /// Inserts.
    pub inserts: u64,
    /// Updates.
    pub updates: u64,
    /// Steps held.
    pub steps: u64,
    /// Steps for a dossier not held (refused).
    pub orphan_steps: u64,
    /// Lookups.
    pub lookups: u64,
    /// Logins.
    pub logins: u64,
    /// Calls refused for their session.
    pub session_refusals: u64,
    /// Calls refused for a field.
    pub invalid: u64,
    /// Faults injected.
    pub faults: u64,
    /// Every call received.
    pub calls: u64,
}

#[derive(Default)]
struct Held {
    records: Vec<Value>,
    steps: Vec<Value>,
}

struct Inner {
    username: String,
    password: String,
    dstcode: Option<String>,
    sessions: HashMap<String, Instant>,
    dossiers: HashMap<String, Held>,
    /// Dossier codes in the order they first arrived.
    arrivals: Vec<String>,
    catalogue: HashMap<String, Value>,
    agencies: Value,
    fields: Value,
    faults: Faults,
    counts: Counts,
}

/// The simulator's shared state.
#[derive(Clone)]
pub struct Sim {
    inner: Arc<Mutex<Inner>>,
}

/// How a simulator starts.
#[derive(Debug, Clone, Default)]
pub struct SimSettings {
    /// The account it accepts.
    pub username: String,
    /// Its password.
    pub password: String,
    /// The `dstcode` it requires (any when `None`).
    pub dstcode: Option<String>,
    /// Procedure records served by `LayThuTuc` (each with `MaTTHC`).
    pub catalogue: Vec<Value>,
    /// The agency list served by `LayDanhMucCoQuan`.
    pub agencies: Value,
    /// The field list served by `LayDanhMucLinhVuc`.
    pub fields: Value,
}

impl Sim {
    /// A simulator with no dossiers and no faults.
    pub fn new(s: SimSettings) -> Sim {
        let catalogue = s
            .catalogue
            .into_iter()
            .filter_map(|p| {
                let code = p.get("MaTTHC")?.as_str()?.to_owned();
                Some((code, p))
            })
            .collect();
        Sim {
            inner: Arc::new(Mutex::new(Inner {
                username: s.username,
                password: s.password,
                dstcode: s.dstcode,
                sessions: HashMap::new(),
                dossiers: HashMap::new(),
                arrivals: Vec::new(),
                catalogue,
                agencies: s.agencies,
                fields: s.fields,
                faults: Faults::default(),
                counts: Counts::default(),
            })),
        }
    }

    /// The routes: the protocol's two paths and the simulator's own.
    pub fn router(&self) -> Router {
        Router::new()
            .route("/", get(home))
            .route(LOGIN_PATH, post(login))
            .route(CALL_PATH, post(call))
            .route("/_sim/faults", post(set_faults).get(get_faults))
            .route("/_sim/state", get(state))
            .route("/_sim/dossiers/{code}", get(dossier))
            .layer(axum::extract::DefaultBodyLimit::max(2 * 1024 * 1024))
            .with_state(self.clone())
    }

    /// The counts now.
    pub fn counts(&self) -> Counts {
        self.lock().counts.clone()
    }

    /// Sets the faults.
    pub fn set_faults(&self, f: Faults) {
        let mut g = self.lock();
        if f.expire_sessions {
            g.sessions.clear();
        }
        g.faults = f;
    }

    /// What it holds of a dossier: its records and its steps.
    pub fn held(&self, code: &str) -> Option<(Vec<Value>, Vec<Value>)> {
        self.lock()
            .dossiers
            .get(code)
            .map(|h| (h.records.clone(), h.steps.clone()))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn answer(code: i64, message: &str) -> Response {
    axum::Json(Answer {
        error_code: code,
        message: message.into(),
        ..Answer::default()
    })
    .into_response()
}

async fn login(State(sim): State<Sim>, body: Bytes) -> Response {
    let Ok(l) = serde_json::from_slice::<Login>(&body) else {
        return answer(codes::MALFORMED, "login body is not {username, password}");
    };
    let mut g = sim.lock();
    g.counts.logins += 1;
    if l.username != g.username || l.password != g.password {
        return answer(codes::CREDENTIALS, "sai tên đăng nhập hoặc mật khẩu");
    }
    let session = uuid::Uuid::new_v4().simple().to_string();
    g.sessions.insert(session.clone(), Instant::now());
    axum::Json(Answer {
        error_code: codes::OK,
        session: Some(session),
        ..Answer::default()
    })
    .into_response()
}

/// What a fault draw decided for one call.
enum Fate {
    Normal,
    ServerError,
    Hold(Duration),
    DropAfterStore,
    Refuse,
    Garbage,
}

async fn call(State(sim): State<Sim>, headers: HeaderMap, body: Bytes) -> Response {
    let (latency, fate) = {
        let mut g = sim.lock();
        g.counts.calls += 1;
        if let Some(want) = &g.dstcode
            && headers.get(DSTCODE).and_then(|v| v.to_str().ok()) != Some(want.as_str())
        {
            return answer(
                codes::MALFORMED,
                "dstcode header missing or not this portal's",
            );
        }
        let f = g.faults.clone();
        if f.expire_every > 0 && g.counts.calls.is_multiple_of(f.expire_every) {
            g.sessions.clear();
        }
        let mut rng = rand::rng();
        let mut draw = |p: f64| p > 0.0 && rng.random::<f64>() < p;
        let fate = if draw(f.p_5xx) {
            Fate::ServerError
        } else if draw(f.p_refuse) {
            Fate::Refuse
        } else if draw(f.p_garbage) {
            Fate::Garbage
        } else if draw(f.p_hold) {
            Fate::Hold(Duration::from_millis(f.hold_ms))
        } else if draw(f.p_drop_after_store) {
            Fate::DropAfterStore
        } else {
            Fate::Normal
        };
        if !matches!(fate, Fate::Normal) {
            g.counts.faults += 1;
        }
        (Duration::from_millis(f.latency_ms), fate)
    };
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    match fate {
        Fate::ServerError => return (StatusCode::SERVICE_UNAVAILABLE, "busy").into_response(),
        Fate::Refuse => return answer(codes::REFUSED, "từ chối (lỗi giả lập)"),
        Fate::Garbage => return (StatusCode::OK, "<html>gateway</html>").into_response(),
        Fate::Hold(d) => tokio::time::sleep(d).await,
        Fate::Normal | Fate::DropAfterStore => {}
    }
    let out = serve(&sim, &body);
    if matches!(fate, Fate::DropAfterStore) {
        // Stored; the answer never arrives whole (the classic duplicate maker).
        let stream = futures_util::stream::once(async {
            Err::<Bytes, std::io::Error>(std::io::Error::other("dropped by the simulator"))
        });
        return Response::builder()
            .status(StatusCode::OK)
            .header("content-type", "application/json")
            .body(Body::from_stream(stream))
            .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response());
    }
    axum::Json(out).into_response()
}

/// Does what a call asks and returns its answer.
fn serve(sim: &Sim, body: &[u8]) -> Answer {
    let fail = |code: i64, message: &str| Answer {
        error_code: code,
        message: message.into(),
        ..Answer::default()
    };
    let Ok(req) = serde_json::from_slice::<Value>(body) else {
        return fail(codes::MALFORMED, "not JSON");
    };
    let mut g = sim.lock();
    let ttl = match g.faults.session_ttl_s {
        0 => Duration::from_secs(1800),
        s => Duration::from_secs(s),
    };
    let session = req.get("session").and_then(|s| s.as_str()).unwrap_or("");
    match g.sessions.get(session) {
        Some(since) if since.elapsed() < ttl => {}
        _ => {
            g.counts.session_refusals += 1;
            return fail(
                codes::SESSION,
                "phiên làm việc không hợp lệ hoặc đã hết hạn",
            );
        }
    }
    let service = req.get("service").and_then(|s| s.as_str()).unwrap_or("");
    match service {
        "DongBoHoSoMC" => {
            let updating = req.get("isUpdating").and_then(|v| v.as_bool());
            let Some(data) = req.get("data").and_then(|d| d.as_array()) else {
                return fail(codes::MALFORMED, "data is not a list");
            };
            let Some(updating) = updating else {
                return fail(codes::MALFORMED, "isUpdating is not true or false");
            };
            for r in data {
                if let Err(e) = check_record(r) {
                    g.counts.invalid += 1;
                    return fail(codes::INVALID_FIELD, &e);
                }
            }
            for r in data {
                let code = r["MaHoSo"].as_str().unwrap_or_default().to_owned();
                let counts_new = !g.dossiers.contains_key(&code);
                if updating {
                    let Some(h) = g.dossiers.get_mut(&code) else {
                        return fail(codes::UNKNOWN_DOSSIER, "không tìm thấy hồ sơ để cập nhật");
                    };
                    if let Some(last) = h.records.last_mut() {
                        *last = r.clone();
                    }
                    g.counts.updates += 1;
                } else {
                    let h = g.dossiers.entry(code).or_default();
                    h.records.push(r.clone());
                    g.counts.inserts += 1;
                    g.counts.records += 1;
                    if counts_new {
                        g.counts.dossiers += 1;
                        g.arrivals
                            .push(r["MaHoSo"].as_str().unwrap_or_default().to_owned());
                    } else {
                        g.counts.duplicate_inserts += 1;
                    }
                }
            }
            fail(codes::OK, "")
        }
        "CapNhatTienDoHoSoMC" => {
            let Some(data) = req.get("data").and_then(|d| d.as_array()) else {
                return fail(codes::MALFORMED, "data is not a list");
            };
            for s in data {
                if let Err(e) = check_step(s) {
                    g.counts.invalid += 1;
                    return fail(codes::INVALID_FIELD, &e);
                }
            }
            for s in data {
                let code = s["MaHoSo"].as_str().unwrap_or_default().to_owned();
                let Some(h) = g.dossiers.get_mut(&code) else {
                    g.counts.orphan_steps += 1;
                    return fail(codes::UNKNOWN_DOSSIER, "hồ sơ chưa được đồng bộ");
                };
                h.steps.push(s.clone());
                g.counts.steps += 1;
            }
            fail(codes::OK, "")
        }
        "TraCuuHoSo" => {
            g.counts.lookups += 1;
            let code = req.get("MaHoSo").and_then(|c| c.as_str()).unwrap_or("");
            let result = g.dossiers.get(code).map(|h| {
                let mut r = h.records.last().cloned().unwrap_or_else(|| json!({}));
                r["DanhSachTienDo"] = Value::Array(h.steps.clone());
                r
            });
            Answer {
                error_code: codes::OK,
                result: Some(result.unwrap_or(Value::Null)),
                ..Answer::default()
            }
        }
        "LayThuTuc" => {
            let code = req.get("MaTTHC").and_then(|c| c.as_str()).unwrap_or("");
            match g.catalogue.get(code) {
                Some(p) => Answer {
                    error_code: codes::OK,
                    result: Some(p.clone()),
                    ..Answer::default()
                },
                None => fail(codes::UNKNOWN_RECORD, "không có thủ tục"),
            }
        }
        "LayDanhSachThuTuc" => {
            let mut codes_: Vec<&String> = g.catalogue.keys().collect();
            codes_.sort();
            Answer {
                error_code: codes::OK,
                result: Some(json!(codes_)),
                ..Answer::default()
            }
        }
        "LayDanhMucCoQuan" => Answer {
            error_code: codes::OK,
            result: Some(g.agencies.clone()),
            ..Answer::default()
        },
        "LayDanhMucLinhVuc" => Answer {
            error_code: codes::OK,
            result: Some(g.fields.clone()),
            ..Answer::default()
        },
        _ => fail(codes::UNKNOWN_SERVICE, "dịch vụ không được hỗ trợ"),
    }
}

fn time_field(v: &Value, key: &str, required: bool) -> Result<(), String> {
    match v.get(key).and_then(|t| t.as_str()) {
        Some("") if !required => Ok(()),
        Some(t) if parse_portal_time(t).is_some() => Ok(()),
        Some(t) => Err(format!("{key}: {t:?} is not yyyyMMddHHmmss")),
        None => Err(format!("{key} missing")),
    }
}

fn code_field(v: &Value, key: &str, range: std::ops::RangeInclusive<u64>) -> Result<(), String> {
    match v.get(key).and_then(|c| c.as_u64()) {
        Some(c) if range.contains(&c) => Ok(()),
        _ => Err(format!("{key} is not a code in {range:?}")),
    }
}

fn text_field(v: &Value, key: &str) -> Result<(), String> {
    match v.get(key).and_then(|c| c.as_str()) {
        Some(s) if !s.trim().is_empty() => Ok(()),
        _ => Err(format!("{key} missing")),
    }
}

/// What the simulator checks of a dossier record (the fields DOMAIN.md lists).
fn check_record(r: &Value) -> Result<(), String> {
    for k in ["MaHoSo", "MaTTHC", "TenTTHC", "ChuHoSo", "DonViXuLy"] {
        text_field(r, k)?;
    }
    code_field(r, "TrangThaiHoSo", 1..=10)?;
    code_field(r, "KenhThucHien", 1..=3)?;
    code_field(r, "LoaiDoiTuong", 1..=2)?;
    code_field(r, "HinhThuc", 0..=2)?;
    time_field(r, "NgayTiepNhan", true)?;
    for k in ["NgayHenTra", "NgayTra", "NgayKetThucXuLy"] {
        time_field(r, k, false)?;
    }
    for k in [
        "TaiLieuNop",
        "DanhSachLePhi",
        "DanhSachHoSoBoSung",
        "DanhSachGiayToKetQua",
    ] {
        if !r.get(k).is_some_and(|l| l.is_array()) {
            return Err(format!("{k} is not a list"));
        }
    }
    for fee in r["DanhSachLePhi"].as_array().into_iter().flatten() {
        if fee.get("Gia").and_then(|g| g.as_u64()).is_none() {
            return Err("DanhSachLePhi: Gia is not a whole number of VND".into());
        }
    }
    Ok(())
}

/// What the simulator checks of a step.
fn check_step(s: &Value) -> Result<(), String> {
    for k in ["MaHoSo", "NguoiXuLy", "NoiDungXuLy"] {
        text_field(s, k)?;
    }
    code_field(s, "TrangThai", 1..=10)?;
    time_field(s, "ThoiDiemXuLy", true)?;
    time_field(s, "NgayBatDau", true)?;
    time_field(s, "NgayKetThucTheoQuyDinh", false)
}

async fn set_faults(State(sim): State<Sim>, body: Bytes) -> Response {
    match serde_json::from_slice::<Faults>(&body) {
        Ok(f) => {
            sim.set_faults(f);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(e) => (StatusCode::BAD_REQUEST, e.to_string()).into_response(),
    }
}

async fn get_faults(State(sim): State<Sim>) -> Response {
    axum::Json(sim.lock().faults.clone()).into_response()
}

async fn state(State(sim): State<Sim>) -> Response {
    axum::Json(sim.counts()).into_response()
}

async fn dossier(State(sim): State<Sim>, Path(code): Path<String>) -> Response {
    match sim.held(&code) {
        Some((records, steps)) => {
            axum::Json(json!({ "records": records, "steps": steps })).into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The simulator's own page: what the portal holds, newest dossiers first.
async fn home(State(sim): State<Sim>) -> Response {
    let g = sim.lock();
    let c = &g.counts;
    let mut rows = String::new();
    for code in g.arrivals.iter().rev().take(200) {
        let Some(h) = g.dossiers.get(code) else {
            continue;
        };
        let r = h.records.last().cloned().unwrap_or_default();
        let text = |k: &str| escape(r.get(k).and_then(|v| v.as_str()).unwrap_or(""));
        rows.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(code),
            text("TenTTHC"),
            r.get("TrangThaiHoSo").and_then(|v| v.as_u64()).unwrap_or(0),
            h.steps.len(),
            h.records.len(),
            text("NgayHenTra"),
        ));
    }
    let html = format!(
        "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>Cổng DVCQG (giả lập)</title>\
         <style>body{{font-family:sans-serif;margin:2rem;color:#1b1b1b}}table{{border-collapse:collapse}}\
         td,th{{border:1px solid #bbb;padding:.25rem .5rem;text-align:left}}td:first-child{{white-space:nowrap}}</style></head><body>\
         <h1>Cổng Dịch vụ công quốc gia — bản giả lập</h1>\
         <p>Đây là bộ giả lập của motcua, không phải Cổng thật: nó nhận và giữ mọi hồ sơ, mọi bước xử lý được đồng bộ.</p>\
         <p>Hồ sơ: <b>{}</b> · bản ghi: {} (trùng: <b>{}</b>) · bước xử lý: <b>{}</b> · bước của hồ sơ chưa có: {} · tra cứu: {} · đăng nhập: {} · lỗi giả lập: {}</p>\
         <table><thead><tr><th>Mã hồ sơ</th><th>Thủ tục</th><th>Trạng thái</th><th>Số bước</th><th>Số bản ghi</th><th>Hẹn trả</th></tr></thead><tbody>{rows}</tbody></table>\
         </body></html>",
        c.dossiers,
        c.records,
        c.duplicate_inserts,
        c.steps,
        c.orphan_steps,
        c.lookups,
        c.logins,
        c.faults
    );
    axum::response::Html(html).into_response()
}

/// Serves the simulator on `listener` until the process ends.
pub async fn serve_on(sim: Sim, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    axum::serve(listener, sim.router()).await
}
