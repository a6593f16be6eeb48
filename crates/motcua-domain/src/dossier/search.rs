//! Finding a dossier from what the person at the counter holds: the code on the receipt, the
//! receipt's number, the applicant's identity card number, phone, or name — typed with or
//! without diacritics.
//!
//! [`SearchQuery::parse`] decides what a typed query is; the stores answer each kind from an
//! index (the code, the identity number and the phone exactly; the receipt's number among the
//! receipts; the name by its words). A name is found by its words' beginnings, folded
//! ([`crate::text::fold`]): `nguyen van a` finds "Nguyễn Văn An". The words are stored once per
//! *scope* a list is read in — each agency that holds, received or decides the dossier, its
//! province, and everything — as `scope|word` terms ([`name_terms`]), so an agency's search
//! never reads another agency's names (a common family name matches millions of dossiers in a
//! country, only hundreds in one commune).

use crate::ids::{AgencyCode, CitizenId, DossierCode, Phone, ProvinceCode};
use crate::text::fold;

/// At most this many characters are read of a query.
pub const MAX_QUERY_CHARS: usize = 100;
/// At most this many words of a name are matched (and stored).
pub const MAX_NAME_WORDS: usize = 8;

/// What a typed query is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchQuery {
    /// A dossier's code (exact, any case).
    Code(DossierCode),
    /// The applicant's identity card number (12 digits).
    IdNumber(CitizenId),
    /// The applicant's phone.
    Phone(Phone),
    /// The number of a receipt (form 01), as printed: `05/GTN`.
    Receipt(String),
    /// The beginnings of the words of the applicant's name, folded (no diacritics, lower case).
    Name(Vec<String>),
}

/// Why a query cannot be searched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SearchError {
    /// Longer than [`MAX_QUERY_CHARS`].
    #[error("a search is at most {MAX_QUERY_CHARS} characters")]
    TooLong,
    /// Digits that are no code, identity number, phone or receipt number, or a mix of words and
    /// signs that is no name.
    #[error(
        "not a dossier code, receipt number (12/GTN), identity card number (12 digits), phone number or name"
    )]
    Unrecognised,
}

impl SearchError {
    /// The stable error code.
    pub fn code(&self) -> &'static str {
        "search.invalid_query"
    }
}

/// The receipt's number suffix (form 01, `Số: 05/GTN`).
const RECEIPT_SUFFIX: &str = "GTN";

impl SearchQuery {
    /// Reads a typed query; `Ok(None)` when it is blank.
    pub fn parse(q: &str) -> Result<Option<SearchQuery>, SearchError> {
        let q = q.trim();
        if q.is_empty() {
            return Ok(None);
        }
        if q.chars().count() > MAX_QUERY_CHARS {
            return Err(SearchError::TooLong);
        }
        if crate::text::has_hostile_chars(q) {
            return Err(SearchError::Unrecognised);
        }
        let compact: String = q
            .chars()
            .filter(|c| !matches!(c, ' ' | '.' | '-'))
            .collect();
        // Digits (with spaces, dots or dashes) are a number of the applicant's or a receipt's;
        // when they are none of those, perhaps a code (`24958-250124-0007`).
        if (compact.bytes().all(|b| b.is_ascii_digit()) || compact.starts_with("+84"))
            && let Ok(x) = Self::digits(q, &compact)
        {
            return Ok(Some(x));
        }
        if let Some(r) = receipt_number(q) {
            return Ok(Some(SearchQuery::Receipt(r)));
        }
        let upper = q.to_uppercase();
        if upper.bytes().any(|b| b.is_ascii_digit())
            && let Ok(code) = DossierCode::parse(&upper)
        {
            return Ok(Some(SearchQuery::Code(code)));
        }
        // A name: letters (composed or not), spaces, and the dots and hyphens of initials.
        let letters = crate::text::nfc(q)
            .chars()
            .all(|c| c.is_alphabetic() || c.is_whitespace() || matches!(c, '.' | '-'));
        let words: Vec<String> = fold(q)
            .split(' ')
            .filter(|w| !w.is_empty())
            .take(MAX_NAME_WORDS)
            .map(str::to_owned)
            .collect();
        if letters && !words.is_empty() {
            Ok(Some(SearchQuery::Name(words)))
        } else {
            Err(SearchError::Unrecognised)
        }
    }

    /// A query of digits only: an identity number (12), a phone (10–11 from 0, or +84), a
    /// receipt's sequence (1–6: `5` is `05/GTN`).
    fn digits(q: &str, compact: &str) -> Result<SearchQuery, SearchError> {
        if let Ok(id) = CitizenId::parse(compact) {
            return Ok(SearchQuery::IdNumber(id));
        }
        if let Ok(p) = Phone::parse(q) {
            return Ok(SearchQuery::Phone(p));
        }
        match compact.parse::<u64>() {
            Ok(n) if (1..=6).contains(&compact.len()) && n > 0 => {
                Ok(SearchQuery::Receipt(receipt_text(n)))
            }
            _ => Err(SearchError::Unrecognised),
        }
    }

    /// The kind of query, as shown to the officer ("found by phone").
    pub fn kind(&self) -> &'static str {
        match self {
            SearchQuery::Code(_) => "code",
            SearchQuery::IdNumber(_) => "id_number",
            SearchQuery::Phone(_) => "phone",
            SearchQuery::Receipt(_) => "receipt",
            SearchQuery::Name(_) => "name",
        }
    }
}

/// The receipt number as printed for sequence `n` (`Form::Receipt.number`: two digits at least).
fn receipt_text(n: u64) -> String {
    format!("{n:02}/{RECEIPT_SUFFIX}")
}

/// `5/gtn`, `05/GTN`, `005 / GTN` → `05/GTN`.
fn receipt_number(q: &str) -> Option<String> {
    let (n, suffix) = q.split_once('/')?;
    let n = n.trim();
    if !suffix.trim().eq_ignore_ascii_case(RECEIPT_SUFFIX)
        || n.is_empty()
        || n.len() > 9
        || !n.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let n: u64 = n.parse().ok().filter(|n| *n > 0)?;
    Some(receipt_text(n))
}

/// Where a list is read: one agency's dossiers, one province's, or all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchScope {
    /// The dossiers an agency holds, received or decides.
    Agency(AgencyCode),
    /// One province's dossiers.
    Province(ProvinceCode),
    /// Every dossier.
    All,
}

impl SearchScope {
    /// The scope's key in the stored terms. Agency codes are letters, digits, `.`, `-`, `_`,
    /// so `@68` and `*` never collide with one.
    pub fn key(&self) -> String {
        match self {
            SearchScope::Agency(a) => a.as_str().to_owned(),
            SearchScope::Province(p) => format!("@{p}"),
            SearchScope::All => "*".to_owned(),
        }
    }

    /// The terms a name query looks for in this scope, each a word's beginning.
    pub fn terms(&self, words: &[String]) -> Vec<String> {
        let key = self.key();
        words.iter().map(|w| format!("{key}|{w}")).collect()
    }
}

/// The folded words of a name, each once, at most [`MAX_NAME_WORDS`].
pub fn name_words(name: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for w in fold(name).split(' ').filter(|w| !w.is_empty()) {
        if words.len() == MAX_NAME_WORDS {
            break;
        }
        if !words.iter().any(|x| x == w) {
            words.push(w.to_owned());
        }
    }
    words
}

/// The stored search terms of a dossier's applicant name: each word in each scope the dossier
/// is listed in (the agencies holding, receiving and deciding it, its province, everything).
pub fn name_terms(name: &str, agencies: [&AgencyCode; 3], province: &ProvinceCode) -> Vec<String> {
    let words = name_words(name);
    let mut scopes: Vec<SearchScope> = Vec::with_capacity(5);
    for a in agencies {
        let s = SearchScope::Agency(a.clone());
        if !scopes.contains(&s) {
            scopes.push(s);
        }
    }
    scopes.push(SearchScope::Province(province.clone()));
    scopes.push(SearchScope::All);
    scopes.iter().flat_map(|s| s.terms(&words)).collect()
}

/// A term matches a query term when it begins with it (the last word is often half typed, and
/// officers type initials of the middle names).
pub fn term_matches(stored: &str, wanted: &str) -> bool {
    stored.starts_with(wanted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(q: &str) -> Result<Option<SearchQuery>, SearchError> {
        SearchQuery::parse(q)
    }

    #[test]
    fn each_kind_of_query_is_read_as_what_it_is() {
        let cases: [(&str, Option<&str>); 14] = [
            ("24958-250124-0007", Some("code")),
            ("24958-250124-0007 ", Some("code")),
            ("079 123 456 789", Some("id_number")),
            ("0912345678", Some("phone")),
            ("0912.345.678", Some("phone")),
            ("+84912345678", Some("phone")),
            ("05/GTN", Some("receipt")),
            ("5/gtn", Some("receipt")),
            ("12", Some("receipt")),
            ("Nguyễn Văn An", Some("name")),
            ("nguyen van an", Some("name")),
            ("NGUYEN", Some("name")),
            ("   ", None),
            ("", None),
        ];
        for (q, want) in cases {
            assert_eq!(
                parse(q).unwrap().map(|x| x.kind()),
                want,
                "{q:?} read as another kind"
            );
        }
    }

    #[test]
    fn names_are_folded_and_receipts_written_as_printed() {
        assert_eq!(
            parse("  Trần   THỊ  bé ").unwrap(),
            Some(SearchQuery::Name(vec![
                "tran".into(),
                "thi".into(),
                "be".into()
            ]))
        );
        assert_eq!(
            parse("7").unwrap(),
            Some(SearchQuery::Receipt("07/GTN".into()))
        );
        assert_eq!(
            parse("123/GTN").unwrap(),
            Some(SearchQuery::Receipt("123/GTN".into()))
        );
        assert_eq!(
            parse("24958-250124-0007").unwrap(),
            Some(SearchQuery::Code(
                DossierCode::parse("24958-250124-0007").unwrap()
            ))
        );
    }

    #[test]
    fn what_is_no_query_is_refused_with_its_code() {
        // Digits that are no number of the applicant's or a receipt's are looked up as a code
        // (a province's pattern may be all digits): found or not, never an error.
        for q in ["1234567", "0", "0912345678901234567890"] {
            assert_eq!(parse(q).unwrap().map(|x| x.kind()), Some("code"), "{q}");
        }
        for q in [
            "nguyen; drop table", // signs
            "an'||'",             // quotes
            "a\u{202E}b",         // bidi override
            "5/PTC",              // another form's number
            &"a".repeat(101),     // too long
        ] {
            let e = parse(q).expect_err(q);
            assert_eq!(e.code(), "search.invalid_query");
        }
    }

    #[test]
    fn a_name_is_stored_in_every_scope_it_is_listed_in() {
        let a = AgencyCode::parse("24958.TTPVHCC").unwrap();
        let b = AgencyCode::parse("24958.UBND").unwrap();
        let p = ProvinceCode::parse("68").unwrap();
        let terms = name_terms("Nguyễn Văn Văn An", [&a, &a, &b], &p);
        assert_eq!(
            terms,
            [
                "24958.TTPVHCC|nguyen",
                "24958.TTPVHCC|van",
                "24958.TTPVHCC|an",
                "24958.UBND|nguyen",
                "24958.UBND|van",
                "24958.UBND|an",
                "@68|nguyen",
                "@68|van",
                "@68|an",
                "*|nguyen",
                "*|van",
                "*|an",
            ]
        );
        let wanted = SearchScope::Agency(b.clone()).terms(&["ng".into(), "a".into()]);
        assert!(
            wanted
                .iter()
                .all(|w| terms.iter().any(|t| term_matches(t, w)))
        );
        // Another agency's scope matches none of them.
        let other = SearchScope::Agency(AgencyCode::parse("24960.UBND").unwrap());
        assert!(
            other
                .terms(&["nguyen".into()])
                .iter()
                .all(|w| !terms.iter().any(|t| term_matches(t, w)))
        );
    }
}
