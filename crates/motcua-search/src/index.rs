//! The tantivy index over the catalogue.
//!
//! Every string is folded by [`motcua_domain::text::fold`] (NFC, diacritics removed, `đ`→`d`,
//! lower case) before tantivy sees it, and tantivy's own chain (simple tokenizer → lower case →
//! ASCII folding) runs after that, so "Đăng ký kết hôn", "dang ky ket hon", "ĐĂNG KÝ KẾT HÔN"
//! and decomposed input all become the same terms. Three kinds of field:
//! - word fields (name, English name, everyday phrases, field, documents, results, legal basis,
//!   description), each with its own boost;
//! - a field of adjacent word pairs ("ket_hon") of the name, English name and phrases, so that
//!   Vietnamese two-syllable words count more when they appear together;
//! - a trigram field of the same texts, which tolerates typos and partial words.
//!
//! The score of a hit is tantivy's BM25 sum, multiplied by a small popularity factor (at most
//! ×1.2 for the most filed procedure); relevance decides, popularity breaks near-ties.

use crate::lexicon::{Analysis, Lexicon};
use motcua_domain::catalogue::Procedure;
use motcua_domain::ids::ProcedureCode;
use motcua_domain::text::fold;
use std::collections::{HashMap, HashSet};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, SimpleTokenizer, TextAnalyzer, WhitespaceTokenizer,
};
use tantivy::{Index, IndexReader, TantivyDocument, Term};

const WORDS: &str = "vi_words";
const PAIRS: &str = "vi_pairs";
const GRAMS: &str = "vi_trigrams";

/// How much popularity can lift a score (the most filed procedure: ×(1 + this)).
const POPULARITY_WEIGHT: f32 = 0.2;
/// The score is BM25 × (this + headline coverage): a procedure whose name holds more of the
/// question's concepts beats one that matches a single concept many times.
const COVERAGE_FLOOR: f32 = 0.25;
/// Hits scoring below this share of the best are not listed.
const RELATIVE_CUTOFF: f32 = 0.2;
/// The total weight of the trigram clauses of one query, spread over its trigrams.
const GRAMS_WEIGHT: f32 = 3.0;

/// A fault building the index.
#[derive(Debug, thiserror::Error)]
#[error("search index: {0}")]
pub struct IndexError(String);

impl From<tantivy::TantivyError> for IndexError {
    fn from(e: tantivy::TantivyError) -> Self {
        IndexError(e.to_string())
    }
}

/// One procedure found.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// The procedure.
    pub code: ProcedureCode,
    /// Relevance × popularity (comparable within one query only).
    pub score: f32,
    /// Share (0–1) of the query's concepts — its content words and everyday phrases, each
    /// weighted by how rare it is in the catalogue — that the procedure's own text holds (a
    /// word one letter off counts). The assistant answers only when this is high enough.
    pub coverage: f32,
    /// The same share, counting only the procedure's name, everyday phrases, English name,
    /// field and results (not its documents or legal basis).
    pub headline: f32,
    /// Everyday phrases of the query whose meaning the name/headline holds.
    pub phrases_held: usize,
    /// Everyday phrases of the query whose meaning it lacks (the user named something else).
    pub phrases_missed: usize,
}

struct Fields {
    ord: Field,
    /// (field, boost)
    words: Vec<(Field, f32)>,
    pairs: Field,
    grams: Field,
}

struct Entry {
    code: ProcedureCode,
    /// Every folded word of the procedure's indexed text.
    vocabulary: HashSet<String>,
    /// The words of its name, everyday phrases, English name, field and results.
    headline: HashSet<String>,
    popularity: f32,
}

/// The search index of one catalogue. Built in memory; rebuilt whole when the catalogue (or
/// the popularity counts) change — 6,000 procedures take about a second.
pub struct ProcedureIndex {
    reader: IndexReader,
    fields: Fields,
    entries: Vec<Entry>,
    by_code: HashMap<String, usize>,
    /// In how many procedures' vocabulary each word is (for the weight of a query word).
    doc_freq: HashMap<String, u32>,
    /// Every word of every procedure's name (protected from the stop list, see
    /// [`Lexicon::analyze`]).
    name_words: HashSet<String>,
    lexicon: Lexicon,
}

impl std::fmt::Debug for ProcedureIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProcedureIndex")
            .field("procedures", &self.entries.len())
            .finish_non_exhaustive()
    }
}

fn text_options(tokenizer: &str, positions: bool) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(if positions {
                IndexRecordOption::WithFreqsAndPositions
            } else {
                IndexRecordOption::WithFreqs
            }),
    )
}

/// Adjacent word pairs of a folded text, as single tokens ("dang_ky ky_ket ket_hon").
fn pairs(folded: &str) -> String {
    let w: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    w.windows(2)
        .map(|p| format!("{}_{}", p[0], p[1]))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Trigrams of each word (words shorter than three letters are kept whole).
fn trigrams(words: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for w in words {
        let chars: Vec<char> = w.chars().collect();
        if chars.len() < 3 {
            continue;
        }
        for g in chars.windows(3) {
            out.push(g.iter().collect());
        }
    }
    out
}

/// Levenshtein distance at most one.
fn near(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    if long.len() - short.len() > 1 {
        return false;
    }
    let (mut i, mut j, mut edits) = (0, 0, 0);
    while i < short.len() && j < long.len() {
        if short[i] == long[j] {
            i += 1;
            j += 1;
            continue;
        }
        edits += 1;
        if edits > 1 {
            return false;
        }
        if short.len() == long.len() {
            i += 1;
        }
        j += 1;
    }
    edits + (long.len() - j) + (short.len() - i) <= 1
}

/// Whether two words share a long beginning ("register" / "registration", "certified" /
/// "certificate"): at least five letters and three quarters of the shorter word.
fn same_stem(a: &str, b: &str) -> bool {
    let common = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    let shorter = a.chars().count().min(b.chars().count());
    common >= 5 && common * 4 >= shorter * 3
}

impl ProcedureIndex {
    /// Indexes `procedures` (the latest versions) with their popularity (dossiers filed over
    /// the last year, by code; absent codes count zero).
    pub fn build(
        procedures: &[Procedure],
        popularity: &HashMap<String, u64>,
        lexicon: Lexicon,
    ) -> Result<Self, IndexError> {
        let mut sb = Schema::builder();
        let ord = sb.add_u64_field("ord", STORED);
        let boosts: [(&str, f32); 8] = [
            ("name", 3.0),
            ("phrases", 3.0),
            ("name_en", 2.0),
            ("field", 1.0),
            ("results", 1.0),
            ("components", 0.6),
            ("legal", 0.5),
            ("description", 0.3),
        ];
        let words: Vec<(Field, f32)> = boosts
            .iter()
            .map(|(name, boost)| (sb.add_text_field(name, text_options(WORDS, true)), *boost))
            .collect();
        let pairs_f = sb.add_text_field("pairs", text_options(PAIRS, false));
        let grams = sb.add_text_field("grams", text_options(GRAMS, false));
        let index = Index::create_in_ram(sb.build());
        let chain = |t| {
            TextAnalyzer::builder(t)
                .filter(LowerCaser)
                .filter(AsciiFoldingFilter)
                .build()
        };
        index
            .tokenizers()
            .register(WORDS, chain(SimpleTokenizer::default()));
        index.tokenizers().register(
            PAIRS,
            TextAnalyzer::builder(WhitespaceTokenizer::default()).build(),
        );
        index.tokenizers().register(
            GRAMS,
            TextAnalyzer::builder(WhitespaceTokenizer::default()).build(),
        );
        let max_pop = popularity.values().copied().max().unwrap_or(0) as f32;
        let mut writer = index.writer_with_num_threads(1, 30_000_000)?;
        let mut entries = Vec::with_capacity(procedures.len());
        let mut by_code = HashMap::with_capacity(procedures.len());
        for (i, p) in procedures.iter().enumerate() {
            let phrases = lexicon.phrases_of(p.code.as_str()).join(" ; ");
            let components: Vec<&str> = p
                .cases
                .iter()
                .flat_map(|c| {
                    std::iter::once(c.name.as_str())
                        .chain(c.components.iter().map(|x| x.name.as_str()))
                })
                .collect();
            let texts: [String; 8] = [
                fold(&p.name),
                phrases,
                fold(p.name_en.as_deref().unwrap_or("")),
                fold(&p.field),
                fold(&p.results.join(" ; ")),
                fold(&components.join(" ; ")),
                fold(&p.legal_basis.join(" ; ")),
                fold(&format!(
                    "{} {}",
                    p.description.as_deref().unwrap_or(""),
                    p.requirements.join(" ")
                )),
            ];
            let mut doc = TantivyDocument::default();
            doc.add_u64(ord, i as u64);
            for ((field, _), text) in words.iter().zip(&texts) {
                doc.add_text(*field, text);
            }
            let headline = format!("{} ; {} ; {}", texts[0], texts[1], texts[2]);
            let mut pair_tokens = String::new();
            for part in headline.split(" ; ") {
                pair_tokens.push_str(&pairs(part));
                pair_tokens.push(' ');
            }
            doc.add_text(pairs_f, &pair_tokens);
            let head_words: Vec<&str> = headline
                .split([' ', ';'])
                .filter(|w| !w.is_empty())
                .collect();
            doc.add_text(grams, trigrams(&head_words).join(" "));
            writer.add_document(doc)?;
            let split = |t: &str| -> Vec<String> {
                t.split([' ', ';'])
                    .filter(|w| !w.is_empty())
                    .map(str::to_owned)
                    .collect()
            };
            let headline: HashSet<String> = texts[..5].iter().flat_map(|t| split(t)).collect();
            let mut vocabulary = headline.clone();
            vocabulary.extend(split(&texts[5]));
            let count = popularity.get(p.code.as_str()).copied().unwrap_or(0) as f32;
            let popularity = if max_pop > 0.0 {
                (1.0 + count).ln() / (1.0 + max_pop).ln()
            } else {
                0.0
            };
            by_code.insert(p.code.as_str().to_owned(), i);
            entries.push(Entry {
                code: p.code.clone(),
                vocabulary,
                headline,
                popularity,
            });
        }
        writer.commit()?;
        let name_words: HashSet<String> = procedures
            .iter()
            .flat_map(|p| {
                fold(&p.name)
                    .split(' ')
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            })
            .collect();
        let mut doc_freq: HashMap<String, u32> = HashMap::new();
        for e in &entries {
            for w in &e.vocabulary {
                *doc_freq.entry(w.clone()).or_default() += 1;
            }
        }
        let reader = index.reader()?;
        Ok(Self {
            reader,
            fields: Fields {
                ord,
                words,
                pairs: pairs_f,
                grams,
            },
            entries,
            by_code,
            doc_freq,
            name_words,
            lexicon,
        })
    }

    /// How many procedures are indexed.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the index holds no procedure.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The lexicon the index was built with.
    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    fn query_of(&self, a: &Analysis) -> BooleanQuery {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let terms = a.terms();
        for w in &terms {
            for (field, boost) in &self.fields.words {
                let q = TermQuery::new(
                    Term::from_field_text(*field, w),
                    IndexRecordOption::WithFreqs,
                );
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(q), *boost)),
                ));
            }
        }
        let mut sequences: Vec<Vec<&str>> = vec![a.words.iter().map(String::as_str).collect()];
        for (_, means) in &a.expansions {
            sequences.push(means.iter().map(String::as_str).collect());
        }
        for seq in &sequences {
            for p in seq.windows(2) {
                let t = Term::from_field_text(self.fields.pairs, &format!("{}_{}", p[0], p[1]));
                let q = TermQuery::new(t, IndexRecordOption::WithFreqs);
                clauses.push((Occur::Should, Box::new(BoostQuery::new(Box::new(q), 2.0))));
            }
        }
        let grams = trigrams(&a.words.iter().map(String::as_str).collect::<Vec<_>>());
        if !grams.is_empty() {
            let each = GRAMS_WEIGHT / grams.len() as f32;
            for g in grams {
                let t = Term::from_field_text(self.fields.grams, &g);
                let q = TermQuery::new(t, IndexRecordOption::WithFreqs);
                clauses.push((Occur::Should, Box::new(BoostQuery::new(Box::new(q), each))));
            }
        }
        BooleanQuery::new(clauses)
    }

    /// How much a word tells procedures apart: its inverse document frequency ("dang ky",
    /// in half the catalogue, weighs little; "ket hon" much).
    fn weight(&self, w: &str) -> f32 {
        let n = self.entries.len() as f32;
        let df = self.doc_freq.get(w).copied().unwrap_or(0) as f32;
        ((n + 1.0) / (df + 0.5)).ln().max(0.05)
    }

    /// The weighted share of the query held by `vocabulary`, and how many of the query's
    /// everyday phrases it holds and misses.
    fn coverage(&self, a: &Analysis, vocabulary: &HashSet<String>) -> (f32, usize, usize) {
        let has = |w: &str| {
            vocabulary.contains(w)
                || (w.chars().count() >= 5
                    && vocabulary.iter().any(|v| near(v, w) || same_stem(v, w)))
        };
        let (mut total, mut covered) = (0.0f32, 0.0f32);
        let (mut held, mut missed) = (0, 0);
        for w in &a.words {
            let weight = self.weight(w);
            total += weight;
            if has(w) {
                covered += weight;
            }
        }
        for (_, means) in &a.expansions {
            // An everyday phrase is as telling as its most telling word.
            let weight = means.iter().map(|w| self.weight(w)).fold(0.0, f32::max);
            total += weight;
            let n = means.iter().filter(|w| has(w)).count();
            if n * 2 > means.len() {
                covered += weight;
                held += 1;
            } else {
                missed += 1;
            }
        }
        let share = if total == 0.0 { 0.0 } else { covered / total };
        (share, held, missed)
    }

    /// Procedures for `query`, best first, at most `limit`. A query that is exactly a
    /// procedure's code finds that procedure first. Hits scoring under a fifth of the best,
    /// or sharing no concept with the query, are left out.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        let a = self.analyze(query);
        self.search_analyzed(query, &a, limit)
    }

    /// The query after the lexicon, with the catalogue's name words protected from the stop
    /// list in queries without diacritics.
    pub fn analyze(&self, query: &str) -> Analysis {
        self.lexicon
            .analyze(query, &|w| self.name_words.contains(w))
    }

    /// [`Self::search`] with the query already analysed.
    pub fn search_analyzed(&self, query: &str, a: &Analysis, limit: usize) -> Vec<Hit> {
        let mut hits: Vec<Hit> = Vec::new();
        if let Some(&i) = self.by_code.get(query.trim()) {
            hits.push(Hit {
                code: self.entries[i].code.clone(),
                headline: 1.0,
                phrases_held: 0,
                phrases_missed: 0,
                score: f32::MAX,
                coverage: 1.0,
            });
        }
        if a.is_empty() || limit == 0 {
            return hits;
        }
        let searcher = self.reader.searcher();
        let q = self.query_of(a);
        // Popularity can reorder near-ties only, so a few more than asked are fetched.
        let fetch = (limit * 2).max(10);
        let Ok(top) = searcher.search(&q, &TopDocs::with_limit(fetch).order_by_score()) else {
            return hits;
        };
        for (score, addr) in top {
            let Ok(doc) = searcher.doc::<TantivyDocument>(addr) else {
                continue;
            };
            let Some(i) = doc.get_first(self.fields.ord).and_then(|v| v.as_u64()) else {
                continue;
            };
            let Some(e) = self.entries.get(i as usize) else {
                continue;
            };
            if hits.iter().any(|h| h.code == e.code) {
                continue;
            }
            let (coverage, _, _) = self.coverage(a, &e.vocabulary);
            if coverage == 0.0 {
                continue;
            }
            let (headline, phrases_held, phrases_missed) = self.coverage(a, &e.headline);
            hits.push(Hit {
                code: e.code.clone(),
                headline,
                phrases_held,
                phrases_missed,
                score: score
                    * (COVERAGE_FLOOR + headline)
                    * (1.0 + POPULARITY_WEIGHT * e.popularity),
                coverage,
            });
        }
        hits.sort_by(|x, y| y.score.total_cmp(&x.score).then(x.code.cmp(&y.code)));
        if let Some(best) = hits.first().map(|h| h.score) {
            let floor = if best == f32::MAX {
                hits.get(1).map(|h| h.score).unwrap_or(0.0) * RELATIVE_CUTOFF
            } else {
                best * RELATIVE_CUTOFF
            };
            hits.retain(|h| h.score >= floor);
        }
        hits.truncate(limit);
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_means_one_edit_at_most() {
        for (a, b, want) in [
            ("khai", "khai", true),
            ("khai", "kai", true),
            ("tiem", "tien", true),
            ("khai", "khaii", true),
            ("khai", "khoi", true),
            ("khai", "kho", false),
            ("thuong", "thoung", false),
            ("sinh", "snh", true),
        ] {
            assert_eq!(near(a, b), want, "{a} {b}");
        }
        for (a, b, want) in [
            ("register", "registration", true),
            ("certified", "certificate", true),
            ("khai", "khaisinh", false),
            ("thuong", "thuoc", false),
        ] {
            assert_eq!(same_stem(a, b), want, "{a} {b}");
        }
    }

    #[test]
    fn pairs_and_trigrams() {
        assert_eq!(pairs("dang ky ket hon"), "dang_ky ky_ket ket_hon");
        assert_eq!(trigrams(&["khai", "ky"]), vec!["kha", "hai"]);
    }
}
