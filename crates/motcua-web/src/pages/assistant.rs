//! The assistant's chat page (`/assistant`, and `/kiosk/assistant` in the kiosk): a question
//! and a place, answered on the server with the catalogue's facts and their sources. A plain
//! GET form: it works without JavaScript and each answer has its own address.

use super::Chrome;
use super::i18n::{Lang as UiLang, Tr};
use super::public::render;
use crate::AppState;
use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::http::Uri;
use axum::response::Response;
use motcua_app::AppError;
use motcua_app::assistant::Question;
use motcua_search::assistant::{Answer, Kind, Lang, Source};
use serde::Deserialize;

struct ProcedureView {
    code: String,
    name: String,
    page: String,
    apply: Option<String>,
    cases: Vec<String>,
    /// (document as the record names it, how many in the page's language)
    documents: Vec<(String, String)>,
    /// (fee, channel, amount or the record's note)
    fees: Vec<(String, String, String)>,
    times: Vec<String>,
    points: Vec<String>,
    where_note: String,
    unconfirmed: String,
    cite_name: u32,
    cite_documents: u32,
    cite_fees: u32,
    cite_time: u32,
    cite_where: Option<u32>,
}

struct ChoiceView {
    code: String,
    name: String,
}

#[derive(Template)]
#[template(path = "assistant.html")]
struct AssistantPage {
    c: Chrome,
    action: &'static str,
    q: String,
    place: String,
    asked: bool,
    error: Option<String>,
    place_note: Option<String>,
    intro: Vec<String>,
    choices: Vec<ChoiceView>,
    procedures: Vec<ProcedureView>,
    sources: Vec<Source>,
}

/// Query of the assistant page.
#[derive(Debug, Deserialize)]
pub struct AskQuery {
    q: Option<String>,
    place: Option<String>,
    choice: Option<String>,
}

fn cite(a: &Answer, code: &str, part: &str) -> Option<u32> {
    a.sources
        .iter()
        .find(|s| s.procedure == code && s.part == part)
        .map(|s| s.n)
}

fn view(tr: &Tr, a: &Answer) -> (Vec<String>, Vec<ChoiceView>, Vec<ProcedureView>) {
    let en = a.lang == Lang::En;
    let intro = match a.kind {
        Kind::Answer => Vec::new(),
        Kind::Clarify => vec![tr.t("assistant-clarify")],
        Kind::NoMatch => a
            .text
            .lines()
            .take_while(|l| !l.starts_with("- ") && !l.ends_with(':'))
            .map(str::to_owned)
            .collect(),
    };
    let choices = a
        .candidates
        .iter()
        .filter(|_| a.kind != Kind::Answer)
        .map(|c| ChoiceView {
            code: c.code.clone(),
            name: c.name.clone(),
        })
        .collect();
    let procedures = a
        .procedures
        .iter()
        .map(|p| ProcedureView {
            code: p.code.clone(),
            name: match (&p.name_en, en) {
                (Some(n), true) => format!("{n} ({})", p.name),
                _ => p.name.clone(),
            },
            page: p.page.clone(),
            apply: p.apply_online.clone(),
            cases: p.cases.clone(),
            documents: p
                .documents
                .iter()
                .map(|d| {
                    let mut n = tr.ta(
                        "assistant-count",
                        &[
                            ("originals", i64::from(d.originals).into()),
                            ("copies", i64::from(d.copies).into()),
                        ],
                    );
                    if !d.required {
                        n.push_str(&format!(" ({})", tr.t("assistant-if-applies")));
                    }
                    if let Some(f) = &d.form {
                        n.push_str(&format!(" — {f}"));
                    }
                    (d.name.clone(), n)
                })
                .collect(),
            fees: if p.fees.is_empty() {
                vec![(tr.t("assistant-no-fee"), String::new(), String::new())]
            } else {
                p.fees
                    .iter()
                    .map(|f| {
                        let value = match f.amount_vnd {
                            Some(0) => tr.t("assistant-free"),
                            Some(v) => format!("{} đồng", super::grouped(v as i64)),
                            None => f.note.clone().unwrap_or_default(),
                        };
                        let value = match (f.amount_vnd, &f.note) {
                            (Some(_), Some(note)) => format!("{value} ({note})"),
                            _ => value,
                        };
                        (
                            f.name.clone(),
                            tr.t(&format!("channel-{}", f.channel)),
                            value,
                        )
                    })
                    .collect()
            },
            times: p
                .times
                .iter()
                .map(|t| format!("{}: {}", tr.t(&format!("channel-{}", t.channel)), t.text))
                .collect(),
            points: p
                .filing
                .iter()
                .flat_map(|f| {
                    f.points
                        .iter()
                        .map(|x| format!("{} ({})", x.name, x.agency))
                })
                .collect(),
            where_note: p
                .filing
                .as_ref()
                .map(|f| f.note.clone())
                .unwrap_or_default(),
            unconfirmed: super::public::unconfirmed_text(
                tr,
                p.unconfirmed.iter().map(String::as_str),
            ),
            cite_name: cite(a, &p.code, "name").unwrap_or(0),
            cite_documents: cite(a, &p.code, "documents").unwrap_or(0),
            cite_fees: cite(a, &p.code, "fees").unwrap_or(0),
            cite_time: cite(a, &p.code, "time").unwrap_or(0),
            cite_where: cite(a, &p.code, "where"),
        })
        .collect();
    (intro, choices, procedures)
}

async fn page(s: &AppState, tr: Tr, uri: &Uri, q: AskQuery, kiosk: bool) -> Response {
    let question: String = q.q.unwrap_or_default().chars().take(500).collect();
    let place: String = q.place.unwrap_or_default().chars().take(300).collect();
    let mut c = Chrome::new(tr, uri, tr.t("assistant-title"));
    if kiosk {
        c.kiosk_reset = Some(s.web.kiosk_reset_seconds);
    }
    let mut page = AssistantPage {
        c,
        action: if kiosk {
            "/kiosk/assistant"
        } else {
            "/assistant"
        },
        q: question.clone(),
        place: place.clone(),
        asked: false,
        error: None,
        place_note: None,
        intro: Vec::new(),
        choices: Vec::new(),
        procedures: Vec::new(),
        sources: Vec::new(),
    };
    if question.trim().is_empty() {
        return render(&page);
    }
    let place = place.trim();
    let is_code = place.len() == 5 && place.bytes().all(|b| b.is_ascii_digit());
    let ask = Question {
        question,
        commune: is_code.then(|| place.to_owned()),
        address: (!is_code && !place.is_empty()).then(|| place.to_owned()),
        lang: Some(if tr.lang == UiLang::Vi {
            Lang::Vi
        } else {
            Lang::En
        }),
        choice: q.choice,
    };
    match s.app.ask(&ask).await {
        Ok(reply) => {
            let (intro, choices, procedures) = view(&tr, &reply.answer);
            page.asked = true;
            page.place_note = reply
                .place
                .map(|p| match p.name {
                    Some(n) if p.note.is_empty() => n,
                    Some(n) => format!("{n}. {}", p.note),
                    None => p.note,
                })
                .filter(|n| !n.is_empty());
            page.intro = intro;
            page.choices = choices;
            page.procedures = procedures;
            page.sources = reply.answer.sources;
        }
        Err(AppError::Invalid { message, .. }) | Err(AppError::NotFound { message, .. }) => {
            page.error = Some(message);
            let mut r = render(&page);
            *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            return r;
        }
        Err(e) => return super::failure::public_failure(tr, uri, e),
    }
    render(&page)
}

/// `GET /assistant`: the chat page.
pub async fn assistant(
    State(s): State<AppState>,
    Extension(tr): Extension<Tr>,
    uri: Uri,
    Query(q): Query<AskQuery>,
) -> Response {
    page(&s, tr, &uri, q, false).await
}

/// `GET /kiosk/assistant`: the chat page in the kiosk.
pub async fn kiosk_assistant(
    State(s): State<AppState>,
    Extension(tr): Extension<Tr>,
    uri: Uri,
    Query(q): Query<AskQuery>,
) -> Response {
    page(&s, tr, &uri, q, true).await
}
