//! Signing in and out, and changing one's password. The login form is protected against
//! forgery by a pre-session cookie (double submit), every later form by the session.

use super::i18n::Tr;
use super::public::render;
use super::staff::{STAFF_COOKIE, StaffSession, forged};
use super::{Chrome, cookie, form};
use crate::AppState;
use crate::security::Client;
use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri, header};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use motcua_app::AppError;
use motcua_app::tokens::csrf_for;
use serde::Deserialize;

/// The password change page (where a reset account is sent first).
pub const PASSWORD_PATH: &str = "/staff/password";

/// The pre-session cookie that binds the login form to this browser.
const LOGIN_COOKIE: &str = "motcua_login";

/// `Set-Cookie` for `name`: HttpOnly, SameSite=Strict, Secure over TLS; `max_age` seconds
/// (`None`: until the browser closes; `Some(0)`: delete).
pub(crate) fn cookie_header(
    name: &str,
    value: &str,
    client: &Client,
    max_age: Option<i64>,
) -> String {
    cookie_with(name, value, client, max_age, "Strict")
}

/// As [`cookie_header`], with the SameSite policy given (`Strict` or `Lax`).
pub(crate) fn cookie_with(
    name: &str,
    value: &str,
    client: &Client,
    max_age: Option<i64>,
    same_site: &str,
) -> String {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite={same_site}");
    if client.tls {
        c.push_str("; Secure");
    }
    if let Some(a) = max_age {
        c.push_str(&format!("; Max-Age={a}"));
    }
    c
}

#[derive(Template)]
#[template(path = "staff_login.html")]
struct LoginPage {
    c: Chrome,
    next: String,
    error: Option<String>,
}

/// Query of the login page.
#[derive(Debug, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

fn safe_next(next: Option<&str>) -> String {
    // Only local paths: no open redirect. Browsers drop tabs and newlines from a URL and read a
    // backslash as a slash, so "/\t/evil" or "/\\evil" would leave the site: only visible ASCII,
    // no backslash, one leading slash (issue #29).
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && n.len() <= 2000
                && n.bytes().all(|b| b.is_ascii_graphic() && b != b'\\') =>
        {
            n.to_owned()
        }
        // None asked: the account's own landing page, decided at login (`landing`).
        _ => String::new(),
    }
}

/// Where an account lands after login when no page was asked for: leaders on their dashboard,
/// everyone else on their desk.
fn landing(role: motcua_domain::access::Role) -> &'static str {
    if role.leads() { "/dashboard" } else { "/inbox" }
}

fn login_form(tr: Tr, uri: &Uri, client: &Client, next: String, error: Option<String>) -> Response {
    let nonce = uuid::Uuid::new_v4().simple().to_string();
    let mut c = Chrome::new(tr, uri, tr.t("staff-login-title"));
    c.csrf = csrf_for(&nonce);
    let status = if error.is_some() {
        StatusCode::UNAUTHORIZED
    } else {
        StatusCode::OK
    };
    (
        status,
        [(
            header::SET_COOKIE,
            cookie_header(LOGIN_COOKIE, &nonce, client, Some(1800)),
        )],
        render(&LoginPage { c, next, error }),
    )
        .into_response()
}

/// `GET /staff/login`.
pub async fn login_page(
    Extension(tr): Extension<Tr>,
    uri: Uri,
    client: Client,
    Query(q): Query<NextQuery>,
) -> Response {
    login_form(tr, &uri, &client, safe_next(q.next.as_deref()), None)
}

/// `POST /staff/login`: checks the user name and password and starts a session.
pub async fn login(
    State(s): State<AppState>,
    Extension(tr): Extension<Tr>,
    uri: Uri,
    client: Client,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Response {
    let f = form(&body);
    let next = safe_next(f.get("next").map(String::as_str));
    let bound = cookie(&headers, LOGIN_COOKIE).map(|n| csrf_for(&n));
    if bound.is_none() || f.get("csrf") != bound.as_ref() {
        return login_form(tr, &uri, &client, next, Some(tr.t("staff-login-expired")));
    }
    let get = |k: &str| f.get(k).map(String::as_str).unwrap_or_default();
    match s
        .app
        .login(get("username"), get("password"), &client.origin())
        .await
    {
        Ok(done) => {
            let to = if done.session.must_change_password {
                PASSWORD_PATH.to_owned()
            } else if next.is_empty() {
                landing(done.session.actor.role).to_owned()
            } else {
                next
            };
            (
                // Append, not insert: both cookies must reach the browser.
                AppendHeaders([
                    (
                        header::SET_COOKIE,
                        cookie_header(STAFF_COOKIE, &done.secret, &client, None),
                    ),
                    (
                        header::SET_COOKIE,
                        cookie_header(LOGIN_COOKIE, "", &client, Some(0)),
                    ),
                ]),
                Redirect::to(&to),
            )
                .into_response()
        }
        Err(AppError::Locked { until }) => {
            let at = super::fmt_datetime(until);
            let msg = tr.ta(
                "staff-login-locked",
                &[(
                    "until",
                    fluent_templates::fluent_bundle::FluentValue::from(at),
                )],
            );
            let mut r = login_form(tr, &uri, &client, next, Some(msg));
            *r.status_mut() = StatusCode::TOO_MANY_REQUESTS;
            r
        }
        Err(AppError::Forbidden(_)) => {
            let mut r = login_form(tr, &uri, &client, next, Some(tr.t("staff-login-disabled")));
            *r.status_mut() = StatusCode::FORBIDDEN;
            r
        }
        Err(AppError::InvalidCredentials | AppError::Invalid { .. }) => {
            login_form(tr, &uri, &client, next, Some(tr.t("staff-login-error")))
        }
        Err(e) => super::failure::public_failure(tr, &uri, e),
    }
}

/// `POST /staff/logout`: ends the session (a form of the signed-in page, with its token).
pub async fn logout(
    State(s): State<AppState>,
    Extension(tr): Extension<Tr>,
    uri: Uri,
    client: Client,
    sess: Result<StaffSession, Response>,
    body: Bytes,
) -> Response {
    let clear = [(
        header::SET_COOKIE,
        cookie_header(STAFF_COOKIE, "", &client, Some(0)),
    )];
    let Ok(sess) = sess else {
        return (clear, Redirect::to("/")).into_response();
    };
    if !sess.csrf_ok(&form(&body)) {
        return forged(sess.chrome(tr, &uri, String::new()));
    }
    if let Err(e) = s.app.logout(sess.secret(), &client.origin()).await {
        return crate::error::ApiError::from(e).into_response();
    }
    (clear, Redirect::to("/staff/login")).into_response()
}

#[derive(Template)]
#[template(path = "staff_password.html")]
struct PasswordPage {
    c: Chrome,
    username: String,
    forced: bool,
    errors: Vec<(String, String)>,
    done: bool,
}

fn password_page_with(
    tr: Tr,
    uri: &Uri,
    sess: &StaffSession,
    forced: bool,
    errors: Vec<(String, String)>,
    done: bool,
) -> Response {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    (
        status,
        render(&PasswordPage {
            c: sess.chrome(tr, uri, tr.t("password-title")),
            username: sess.username().to_owned(),
            forced,
            errors,
            done,
        }),
    )
        .into_response()
}

/// Query of the password page.
#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

/// `GET /staff/password`.
pub async fn password_page(
    State(s): State<AppState>,
    Extension(tr): Extension<Tr>,
    uri: Uri,
    sess: StaffSession,
    Query(q): Query<DoneQuery>,
) -> Response {
    let forced = match s.app.session(sess.secret()).await {
        Ok(x) => x.must_change_password,
        Err(e) => {
            return sess.fail(tr, &uri, e).into_response();
        }
    };
    password_page_with(tr, &uri, &sess, forced, vec![], q.done.is_some())
}

/// `POST /staff/password`: the current password and the new one twice.
pub async fn change_password(
    State(s): State<AppState>,
    Extension(tr): Extension<Tr>,
    uri: Uri,
    client: Client,
    sess: StaffSession,
    body: Bytes,
) -> Response {
    let f = form(&body);
    if !sess.csrf_ok(&f) {
        return forged(sess.chrome(tr, &uri, String::new()));
    }
    let get = |k: &str| f.get(k).map(String::as_str).unwrap_or_default();
    let forced = s
        .app
        .session(sess.secret())
        .await
        .map(|x| x.must_change_password)
        .unwrap_or(false);
    if get("password") != get("confirm") {
        let e = vec![("confirm".to_owned(), tr.t("password-mismatch"))];
        return password_page_with(tr, &uri, &sess, forced, e, false);
    }
    match s
        .app
        .change_password(
            sess.secret(),
            get("current"),
            get("password"),
            &client.origin(),
        )
        .await
    {
        Ok(done) => (
            [(
                header::SET_COOKIE,
                cookie_header(STAFF_COOKIE, &done.secret, &client, None),
            )],
            Redirect::to(&format!("{PASSWORD_PATH}?done=1")),
        )
            .into_response(),
        Err(AppError::Invalid { field, message, .. }) => {
            let field = match field.as_deref() {
                Some("current_password") => "current",
                _ => "password",
            };
            let e = vec![(field.to_owned(), message)];
            password_page_with(tr, &uri, &sess, forced, e, false)
        }
        Err(e) => sess.fail(tr, &uri, e).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed_after_login() {
        for ok in [
            "/inbox",
            "/inbox/24958-250303-0001?done=receive",
            "/reports?unit=68",
        ] {
            assert_eq!(safe_next(Some(ok)), ok);
        }
        for bad in [
            "//evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\\evil.example",
            "https://evil.example",
            "/ /evil",
            "evil",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "", "{bad:?}");
        }
        assert_eq!(safe_next(None), "");
    }
}
