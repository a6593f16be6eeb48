//! The everyday-language list (`data/search/lexicon.toml`): stop phrases, synonyms and
//! per-procedure phrases, all folded on load, and the analysis of a query with them.

use motcua_domain::text::fold;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};

/// The lexicon shipped with the binary.
pub const EMBEDDED: &str = include_str!("../../../data/search/lexicon.toml");

/// A fault in a lexicon file.
#[derive(Debug, thiserror::Error)]
#[error("lexicon: {0}")]
pub struct LexiconError(String);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    stopwords: Vec<String>,
    #[serde(default)]
    synonym: Vec<SynonymEntry>,
    #[serde(default)]
    procedure: Vec<ProcedureEntry>,
    #[serde(default)]
    outside: Vec<OutsideEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OutsideEntry {
    say: Vec<String>,
    vi: String,
    en: String,
}

/// A matter people ask about that no procedure of this catalogue handles (a divorce is a court
/// case), with where to turn instead, in Vietnamese and English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outside {
    /// Where to turn, in Vietnamese.
    pub vi: String,
    /// Where to turn, in English.
    pub en: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SynonymEntry {
    say: Vec<String>,
    means: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProcedureEntry {
    code: String,
    phrases: Vec<String>,
}

/// What a matched span of the query is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Span {
    /// Says nothing about the procedure.
    Stop,
    /// Everyday wording: the catalogue's words it stands for.
    Means(Vec<String>),
}

/// The lexicon, folded.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    /// Folded phrase (as words) → what it is. Synonyms win over stop phrases of equal length.
    spans: HashMap<Vec<String>, Span>,
    /// Single stop words as written (lower case, NFC) by their folded form: "từ", not "tử".
    stop_forms: HashMap<String, HashSet<String>>,
    longest: usize,
    phrases: HashMap<String, Vec<String>>,
    /// Folded phrases (as words) of matters outside the catalogue, with where to turn.
    outside: Vec<(Vec<String>, Outside)>,
}

/// A query after the lexicon: the user's own content words and, per everyday phrase found,
/// the catalogue words it stands for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Analysis {
    /// The folded query, all words.
    pub folded: String,
    /// Words of the user's that are neither stop words nor part of an everyday phrase.
    pub words: Vec<String>,
    /// Per everyday phrase found: (the phrase, the catalogue words it stands for).
    pub expansions: Vec<(String, Vec<String>)>,
}

impl Analysis {
    /// Every word to look for: the user's content words, then the expansions' words.
    pub fn terms(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self.words.iter().map(String::as_str).collect();
        for (_, means) in &self.expansions {
            out.extend(means.iter().map(String::as_str));
        }
        out
    }

    /// Whether nothing at all is left to search for.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty() && self.expansions.is_empty()
    }
}

fn lower_nfc(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.trim().nfc().collect::<String>().to_lowercase()
}

/// The words of `s` as written (lower case, NFC) beside their folded forms.
fn written_words(s: &str) -> Vec<(String, String)> {
    lower_nfc(s)
        .split(|c: char| !c.is_alphanumeric() && !unicode_normalization::char::is_combining_mark(c))
        .filter_map(|w| {
            let f = fold(w);
            (!f.is_empty() && !f.contains(' ')).then(|| (w.to_owned(), f))
        })
        .collect()
}

fn words(s: &str) -> Vec<String> {
    fold(s)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

impl Lexicon {
    /// The lexicon shipped with the binary.
    pub fn embedded() -> Self {
        Self::parse(EMBEDDED).expect("the embedded lexicon is valid (tested)")
    }

    /// Parses a lexicon file. Empty phrases and duplicate procedure entries are refused.
    pub fn parse(text: &str) -> Result<Self, LexiconError> {
        let file: File = toml::from_str(text).map_err(|e| LexiconError(e.to_string()))?;
        let mut lex = Lexicon::default();
        for s in &file.stopwords {
            let w = words(s);
            if w.is_empty() {
                return Err(LexiconError(format!("empty stop word {s:?}")));
            }
            lex.longest = lex.longest.max(w.len());
            if w.len() == 1 {
                lex.stop_forms
                    .entry(w[0].clone())
                    .or_default()
                    .insert(lower_nfc(s));
            }
            lex.spans.entry(w).or_insert(Span::Stop);
        }
        for syn in &file.synonym {
            let means = words(&syn.means);
            if means.is_empty() {
                return Err(LexiconError(format!("synonym {:?} means nothing", syn.say)));
            }
            for say in &syn.say {
                let w = words(say);
                if w.is_empty() {
                    return Err(LexiconError(format!("empty synonym for {:?}", syn.means)));
                }
                lex.longest = lex.longest.max(w.len());
                lex.spans.insert(w, Span::Means(means.clone()));
            }
        }
        let mut seen = HashSet::new();
        for p in file.procedure {
            if !seen.insert(p.code.clone()) {
                return Err(LexiconError(format!("procedure {} listed twice", p.code)));
            }
            let folded: Vec<String> = p.phrases.iter().map(|s| fold(s)).collect();
            if folded.iter().any(String::is_empty) {
                return Err(LexiconError(format!("empty phrase for {}", p.code)));
            }
            lex.phrases.insert(p.code, folded);
        }
        for o in file.outside {
            if o.vi.trim().is_empty() || o.en.trim().is_empty() {
                return Err(LexiconError(format!(
                    "outside {:?} says nowhere to turn",
                    o.say
                )));
            }
            let note = Outside { vi: o.vi, en: o.en };
            for say in &o.say {
                let w = words(say);
                if w.is_empty() {
                    return Err(LexiconError("empty outside phrase".into()));
                }
                lex.outside.push((w, note.clone()));
            }
        }
        Ok(lex)
    }

    /// The matter outside the catalogue a query is about, if it names one (its phrase as whole
    /// words, with or without diacritics).
    pub fn outside_of(&self, query: &str) -> Option<&Outside> {
        let q = words(query);
        self.outside
            .iter()
            .find(|(w, _)| q.windows(w.len()).any(|x| x == w.as_slice()))
            .map(|(_, o)| o)
    }

    /// The everyday phrases of a procedure (folded).
    pub fn phrases_of(&self, code: &str) -> &[String] {
        self.phrases.get(code).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Splits a query into the user's content words and everyday phrases, longest phrase first
    /// at each position. When only stop words are found, they are kept as content words (a
    /// query is never emptied by the stop list).
    ///
    /// Folding makes different words look alike ("từ" and "tử" are both "tu"), so a single
    /// stop word is dropped only when written as the lexicon writes it (in a query with
    /// diacritics) or, in a query without any, when `protected` (the catalogue's own name
    /// words) does not claim it.
    pub fn analyze(&self, query: &str, protected: &dyn Fn(&str) -> bool) -> Analysis {
        let written = written_words(query);
        let all: Vec<String> = written.iter().map(|(_, f)| f.clone()).collect();
        let accented = written.iter().any(|(o, f)| o != f);
        let is_stop_word = |i: usize| -> bool {
            let (orig, folded) = &written[i];
            let Some(forms) = self.stop_forms.get(folded) else {
                return false;
            };
            if accented {
                forms.contains(orig)
            } else {
                !protected(folded)
            }
        };
        let mut a = Analysis {
            folded: all.join(" "),
            ..Analysis::default()
        };
        let mut i = 0;
        while i < all.len() {
            let mut matched = None;
            for len in (1..=self.longest.min(all.len() - i)).rev() {
                if let Some(span) = self.spans.get(&all[i..i + len]) {
                    if len == 1 && *span == Span::Stop && !is_stop_word(i) {
                        continue;
                    }
                    matched = Some((len, span));
                    break;
                }
            }
            match matched {
                Some((len, Span::Means(means))) => {
                    a.expansions
                        .push((all[i..i + len].join(" "), means.clone()));
                    i += len;
                }
                Some((len, Span::Stop)) => i += len,
                // A bare number (an age, a count) does not name a procedure.
                None if all[i].chars().all(|c| c.is_ascii_digit()) => i += 1,
                None => {
                    a.words.push(all[i].clone());
                    i += 1;
                }
            }
        }
        if a.is_empty() {
            a.words = all;
        }
        a
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_lexicon_parses_and_names_procedures() {
        let lex = Lexicon::embedded();
        assert!(
            lex.phrases_of("1.001193")
                .contains(&"lam giay khai sinh".to_string())
        );
        assert!(lex.phrases_of("no.such").is_empty());
    }

    #[test]
    fn queries_are_split_into_content_words_and_everyday_phrases() {
        let lex = Lexicon::embedded();
        let cases: &[(&str, &[&str], &[&str])] = &[
            // (query, content words, phrases found)
            (
                "Tôi muốn đăng ký kết hôn thì cần giấy tờ gì?",
                &["dang", "ky", "ket", "hon"],
                &[],
            ),
            ("dang ky ket hon", &["dang", "ky", "ket", "hon"], &[]),
            ("ĐĂNG KÝ KẾT HÔN", &["dang", "ky", "ket", "hon"], &[]),
            ("nhập hộ khẩu cho con", &[], &["nhap ho khau"]),
            ("mở tiệm tạp hóa", &[], &["mo tiem", "tap hoa"]),
            ("sổ đỏ", &[], &["so do"]),
            (
                "đăng ký hộ kinh doanh",
                &["dang", "ky", "ho", "kinh", "doanh"],
                &[],
            ),
            ("bố tôi mất rồi", &[], &["bo toi mat"]),
            (
                "làm giấy khai sinh mất bao lâu",
                &["giay", "khai", "sinh"],
                &[],
            ),
            ("thủ tục", &["thu", "tuc"], &[]),
            // "tử" is not the stop word "từ"; unaccented, a name word is kept.
            ("khai tử từ lâu", &["khai", "tu"], &[]),
            (
                "dang ky khai tu can",
                &["dang", "ky", "khai", "tu", "can"],
                &[],
            ),
            ("cải chính cái tên", &["cai", "chinh", "ten"], &[]),
        ];
        for (q, want_words, want_phrases) in cases {
            let a = lex.analyze(q, &|w| ["tu", "can", "cai", "bo", "so", "o"].contains(&w));
            assert_eq!(a.words, *want_words, "{q}: {a:?}");
            let phrases: Vec<&str> = a.expansions.iter().map(|(p, _)| p.as_str()).collect();
            assert_eq!(phrases, *want_phrases, "{q}: {a:?}");
        }
    }

    #[test]
    fn bad_lexicons_are_refused() {
        for text in [
            "stopwords = [\"\"]",
            "stopwords = []\n[[synonym]]\nsay = [\"x\"]\nmeans = \"  \"",
            "stopwords = []\n[[procedure]]\ncode = \"1\"\nphrases = [\"a\"]\n[[procedure]]\ncode = \"1\"\nphrases = [\"b\"]",
            "stopwords = []\nunknown = 1",
        ] {
            assert!(Lexicon::parse(text).is_err(), "{text}");
        }
    }
}
