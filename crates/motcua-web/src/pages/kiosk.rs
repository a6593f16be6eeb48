//! Kiosk mode for the commune center's self-service terminal: large touch targets, choices
//! instead of free text, an on-screen keypad (plain form buttons, no JavaScript needed) for
//! dossier codes and phone numbers, a printable slip, and a reset to the start after two
//! minutes without use.

use super::i18n::Tr;
use super::public::{render, time_text};
use super::{Chrome, fmt_datetime};
use crate::AppState;
use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use motcua_domain::catalogue::Channel;
use serde::Deserialize;
use std::collections::HashMap;

fn kiosk_chrome(s: &AppState, tr: Tr, uri: &Uri, title: String) -> Chrome {
    let mut c = Chrome::new(tr, uri, title);
    c.kiosk_reset = Some(s.web.kiosk_reset_seconds);
    c
}

#[derive(Template)]
#[template(path = "kiosk.html")]
struct HomePage {
    c: Chrome,
    fields: Vec<String>,
}

/// `GET /kiosk`: the two big choices, and the fields of the catalogue.
pub async fn home(State(s): State<AppState>, Extension(tr): Extension<Tr>, uri: Uri) -> Response {
    let mut fields: Vec<String> = match s.app.procedures().await {
        Ok(ps) => ps.iter().map(|p| p.field.clone()).collect(),
        Err(e) => return super::failure::public_failure(tr, &uri, e),
    };
    fields.sort();
    fields.dedup();
    // The start of the kiosk is where every reset lands: nothing of the previous person may
    // follow — their application (the draft cookie), a citizen session, their language.
    let clear = [
        format!(
            "{}=; Path=/apply; HttpOnly; SameSite=Lax; Max-Age=0",
            super::apply::DRAFT_COOKIE
        ),
        format!(
            "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0",
            super::citizen::CITIZEN_COOKIE
        ),
        format!(
            "{}=; Path=/; SameSite=Lax; Max-Age=0",
            super::i18n::LANG_COOKIE
        ),
    ];
    let page = render(&HomePage {
        c: kiosk_chrome(&s, tr, &uri, tr.t("kiosk-title")),
        fields,
    });
    (
        axum::response::AppendHeaders(clear.map(|c| (axum::http::header::SET_COOKIE, c))),
        page,
    )
        .into_response()
}

struct KioskProcedure {
    code: String,
    name: String,
    time: String,
    online: bool,
}

#[derive(Template)]
#[template(path = "kiosk_procedures.html")]
struct ProceduresPage {
    c: Chrome,
    field: String,
    procedures: Vec<KioskProcedure>,
}

/// Query of the kiosk procedure list.
#[derive(Debug, Deserialize)]
pub struct FieldQuery {
    field: Option<String>,
}

/// `GET /kiosk/procedures?field=…`: the procedures of a field, as big buttons.
pub async fn procedures(
    State(s): State<AppState>,
    Extension(tr): Extension<Tr>,
    uri: Uri,
    Query(q): Query<FieldQuery>,
) -> Response {
    let field = q.field.unwrap_or_default();
    let all = match s.app.procedures().await {
        Ok(ps) => ps,
        Err(e) => return super::failure::public_failure(tr, &uri, e),
    };
    let procedures = all
        .iter()
        .filter(|p| p.field == field)
        .map(|p| KioskProcedure {
            code: p.code.to_string(),
            name: p.name.clone(),
            time: p
                .offer(Channel::Kiosk)
                .map(|o| time_text(&tr, o.processing_time))
                .unwrap_or_default(),
            online: p.channels.iter().any(|o| o.channel == Channel::Online),
        })
        .collect();
    render(&ProceduresPage {
        c: kiosk_chrome(&s, tr, &uri, tr.t("kiosk-choose-procedure")),
        field,
        procedures,
    })
}

struct Tracked {
    code: String,
    procedure: String,
    status: String,
    due: Option<String>,
    agency: String,
}

#[derive(Template)]
#[template(path = "kiosk_track.html")]
struct TrackPage {
    c: Chrome,
    stage: &'static str,
    code: String,
    phone: String,
    not_found: bool,
    result: Option<Tracked>,
}

/// `GET /kiosk/track`: the keypad, starting with the dossier code.
pub async fn track(State(s): State<AppState>, Extension(tr): Extension<Tr>, uri: Uri) -> Response {
    render(&TrackPage {
        c: kiosk_chrome(&s, tr, &uri, tr.t("kiosk-track")),
        stage: "code",
        code: String::new(),
        phone: String::new(),
        not_found: false,
        result: None,
    })
}

fn press(value: &str, key: &str, max: usize) -> String {
    let mut v: String = value
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '-')
        .take(max)
        .collect();
    match key {
        "del" => {
            v.pop();
        }
        k if k.len() == 1
            && (k.chars().all(|c| c.is_ascii_digit()) || k == "-")
            && v.len() < max =>
        {
            v.push_str(k)
        }
        _ => {}
    }
    v
}

/// `POST /kiosk/track`: one key press; "OK" moves from the code to the phone, then looks up.
pub async fn track_key(
    State(s): State<AppState>,
    Extension(tr): Extension<Tr>,
    uri: Uri,
    client: crate::security::Client,
    body: Bytes,
) -> Response {
    let f: HashMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let key = get("key");
    let mut stage = if get("stage") == "phone" {
        "phone"
    } else {
        "code"
    };
    let mut code = get("code");
    let mut phone = get("phone");
    let (mut not_found, mut result) = (false, None);
    match (stage, key.as_str()) {
        ("code", "ok") if !code.is_empty() => stage = "phone",
        ("code", k) => code = press(&code, k, 40),
        ("phone", "ok") => match s.limits.over_tracking(&client.ip, uri.path()) {
            Some(too_many) => return too_many,
            None => match s.app.track(&code, &phone).await {
                Ok(v) => {
                    let parse = |x: &str| {
                        time::OffsetDateTime::parse(
                            x,
                            &time::format_description::well_known::Rfc3339,
                        )
                        .ok()
                    };
                    result = Some(Tracked {
                        code: v.code.clone(),
                        procedure: v.procedure_name.clone(),
                        status: tr.t(&format!("status-{}", v.status.as_str())),
                        due: v.due_at.as_deref().and_then(parse).map(fmt_datetime),
                        agency: v.current_agency.clone(),
                    });
                }
                Err(e) if e.is_server_fault() => {
                    return super::failure::public_failure(tr, &uri, e);
                }
                Err(_) => {
                    not_found = true;
                    stage = "code";
                    phone.clear();
                }
            },
        },
        (_, k) => phone = press(&phone, k, 11).replace('-', ""),
    }
    render(&TrackPage {
        c: kiosk_chrome(&s, tr, &uri, tr.t("kiosk-track")),
        stage,
        code,
        phone,
        not_found,
        result,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_keypad_types_deletes_and_limits() {
        assert_eq!(press("2495", "8", 40), "24958");
        assert_eq!(press("24958", "-", 40), "24958-");
        assert_eq!(press("24958-", "del", 40), "24958");
        assert_eq!(press("0912345678", "9", 10), "0912345678");
        assert_eq!(press("12<script>", "x", 40), "12");
    }
}
