//! Languages: Vietnamese (default), English and Arabic (right-to-left). Strings live in Fluent
//! files (`locales/{vi,en,ar}/main.ftl`, CLDR plurals); the choice comes from `?lang=`, which
//! also sets a cookie, then the cookie, then `Accept-Language`.

use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid, static_loader};
use std::borrow::Cow;
use std::collections::HashMap;

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "vi",
        // Exact strings: no bidi isolation marks around placeables.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The cookie that keeps the language choice.
pub const LANG_COOKIE: &str = "motcua_lang";

/// A supported language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Tiếng Việt (default).
    Vi,
    /// English.
    En,
    /// العربية (right-to-left).
    Ar,
}

impl Lang {
    /// All languages, in switcher order.
    pub const ALL: [Lang; 3] = [Lang::Vi, Lang::En, Lang::Ar];

    /// BCP 47 code.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
            Lang::Ar => "ar",
        }
    }

    /// Text direction.
    pub fn dir(self) -> &'static str {
        if self == Lang::Ar { "rtl" } else { "ltr" }
    }

    /// The language's own name.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Vi => "Tiếng Việt",
            Lang::En => "English",
            Lang::Ar => "العربية",
        }
    }

    /// Parses `vi`, `en` or `ar` (a region suffix is ignored).
    pub fn parse(s: &str) -> Option<Lang> {
        let base = s.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Lang::ALL.into_iter().find(|l| l.code() == base)
    }

    fn id(self) -> LanguageIdentifier {
        match self {
            Lang::Vi => langid!("vi"),
            Lang::En => langid!("en"),
            Lang::Ar => langid!("ar"),
        }
    }
}

/// Translations for one request.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    /// The language.
    pub lang: Lang,
}

impl Tr {
    /// The string for `key`.
    pub fn t(&self, key: &str) -> String {
        LOCALES.lookup(&self.lang.id(), key)
    }

    /// The message for an error in the user's language (`err-<code>`). Without a translation:
    /// the error's own (English) message on an English page, and on any other page a sentence
    /// in its language naming the code — English never reaches a Vietnamese page.
    pub fn error(&self, e: &motcua_app::AppError) -> String {
        let key = format!("err-{}", e.code().replace('.', "-"));
        LOCALES
            .lookup_no_default_fallback::<&str>(&self.lang.id(), &key, None)
            .unwrap_or_else(|| match self.lang {
                Lang::En => e.to_string(),
                _ => self.ta("err-generic", &[("code", FluentValue::from(e.code()))]),
            })
    }

    /// The string for `key` with arguments.
    pub fn ta(&self, key: &str, args: &[(&'static str, FluentValue<'static>)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue<'static>> = args
            .iter()
            .map(|(k, v)| (Cow::Borrowed(*k), v.clone()))
            .collect();
        LOCALES.lookup_with_args(&self.lang.id(), key, &map)
    }

    /// The string for `key` with a number `$n` (plural forms).
    pub fn tn(&self, key: &str, n: i64) -> String {
        self.ta(key, &[("n", FluentValue::from(n))])
    }
}

fn query_lang(query: Option<&str>) -> Option<Lang> {
    query?
        .split('&')
        .find_map(|kv| kv.strip_prefix("lang="))
        .and_then(Lang::parse)
}

fn cookie_lang(req: &Request) -> Option<Lang> {
    super::cookie(req.headers(), LANG_COOKIE)
        .as_deref()
        .and_then(Lang::parse)
}

fn accept_lang(req: &Request) -> Option<Lang> {
    let v = req.headers().get(header::ACCEPT_LANGUAGE)?.to_str().ok()?;
    v.split(',')
        .find_map(|part| Lang::parse(part.split(';').next().unwrap_or("")))
}

/// Middleware: decides the language and puts a [`Tr`] in the request; `?lang=` also sets the
/// cookie so the choice persists.
pub async fn lang_layer(mut req: Request, next: Next) -> Response {
    let from_query = query_lang(req.uri().query());
    let lang = from_query
        .or_else(|| cookie_lang(&req))
        .or_else(|| accept_lang(&req))
        .unwrap_or(Lang::Vi);
    req.extensions_mut().insert(Tr { lang });
    let mut resp = next.run(req).await;
    if let Some(l) = from_query
        && let Ok(v) = format!(
            "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
            l.code()
        )
        .parse()
    {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_without_a_translation_is_never_english_on_a_vietnamese_page() {
        let e = motcua_app::AppError::Invalid {
            code: "nowhere.unheard_of",
            message: "something English went wrong".into(),
            field: None,
        };
        let vi = Tr { lang: Lang::Vi }.error(&e);
        assert!(vi.contains("nowhere.unheard_of") && vi.starts_with("Không thực hiện được"));
        assert!(!vi.contains("English"));
        assert_eq!(Tr { lang: Lang::En }.error(&e), e.to_string());
        assert!(!Tr { lang: Lang::Ar }.error(&e).contains("English"));
        // Every code the domain's problems and the new editors show has its sentence.
        let known = motcua_app::AppError::Invalid {
            code: "catalogue.stale_version",
            message: String::new(),
            field: None,
        };
        assert!(
            Tr { lang: Lang::Vi }
                .error(&known)
                .contains("phiên bản mới hơn")
        );
    }

    fn keys(ftl: &str) -> std::collections::BTreeSet<&str> {
        ftl.lines()
            .filter(|l| l.starts_with(|c: char| c.is_ascii_lowercase()))
            .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim()))
            .collect()
    }

    #[test]
    fn every_key_exists_in_every_language() {
        let vi = keys(include_str!("../../locales/vi/main.ftl"));
        assert!(vi.len() > 50);
        assert_eq!(
            keys(include_str!("../../locales/en/main.ftl")),
            vi,
            "en differs from vi"
        );
        assert_eq!(
            keys(include_str!("../../locales/ar/main.ftl")),
            vi,
            "ar differs from vi"
        );
        for lang in Lang::ALL {
            for key in &vi {
                let tr = Tr { lang };
                let s = tr.ta(
                    key,
                    &[
                        ("n", FluentValue::from(2)),
                        ("count", FluentValue::from(2)),
                        ("q", FluentValue::from("x")),
                        ("version", FluentValue::from(1)),
                        ("procedures", FluentValue::from("1")),
                        ("provinces", FluentValue::from("1")),
                        ("communes", FluentValue::from("1")),
                        ("commune", FluentValue::from("x")),
                        ("province", FluentValue::from("y")),
                        ("code", FluentValue::from("c")),
                        ("agency", FluentValue::from("a")),
                        ("role", FluentValue::from("r")),
                        ("action", FluentValue::from("x")),
                        ("name", FluentValue::from("n")),
                        ("result", FluentValue::from("r")),
                        ("count", FluentValue::from(3)),
                        ("rate", FluentValue::from("9")),
                        ("on_time", FluentValue::from(1)),
                        ("finished", FluentValue::from(2)),
                        ("time", FluentValue::from("t")),
                        ("signer", FluentValue::from("s")),
                        ("until", FluentValue::from("u")),
                        ("originals", FluentValue::from(1)),
                        ("copies", FluentValue::from(0)),
                        ("due", FluentValue::from("d")),
                        ("answer", FluentValue::from("a")),
                        ("question", FluentValue::from("q")),
                        ("item", FluentValue::from("i")),
                        ("open", FluentValue::from(4)),
                        ("since", FluentValue::from("s")),
                        ("birth", FluentValue::from("b")),
                        ("sex", FluentValue::from("s")),
                        ("old", FluentValue::from("o")),
                        ("issued", FluentValue::from("i")),
                        ("parts", FluentValue::from("p")),
                        ("line", FluentValue::from(1)),
                        ("code", FluentValue::from("c")),
                        ("limit", FluentValue::from("9")),
                        ("title", FluentValue::from("t")),
                        ("minutes", FluentValue::from(2)),
                        ("seconds", FluentValue::from(5)),
                        ("records", FluentValue::from(7)),
                        ("head", FluentValue::from("h")),
                        ("max", FluentValue::from(500)),
                        ("n", FluentValue::from(2)),
                    ],
                );
                assert!(
                    !s.is_empty() && !s.contains(key),
                    "{key} in {}: {s:?}",
                    lang.code()
                );
            }
        }
    }

    #[test]
    fn plurals_follow_cldr() {
        let en = Tr { lang: Lang::En };
        assert_eq!(en.tn("time-working-days", 1), "1 working day");
        assert_eq!(en.tn("time-working-days", 3), "3 working days");
        let ar = Tr { lang: Lang::Ar };
        assert_eq!(ar.tn("time-days", 2), "يومان");
        assert_eq!(ar.tn("time-days", 3), "3 أيام");
        assert_eq!(ar.tn("time-days", 11), "11 يومًا");
        let vi = Tr { lang: Lang::Vi };
        assert_eq!(vi.tn("time-working-days", 3), "3 ngày làm việc");
    }

    #[test]
    fn language_codes_parse_with_regions() {
        assert_eq!(Lang::parse("en-GB"), Some(Lang::En));
        assert_eq!(Lang::parse("AR"), Some(Lang::Ar));
        assert_eq!(Lang::parse("fr"), None);
        assert_eq!(query_lang(Some("q=x&lang=ar")), Some(Lang::Ar));
    }
}
