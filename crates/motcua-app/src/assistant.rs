//! Search and the virtual assistant over the catalogue: the index (rebuilt when the catalogue
//! changes and hourly for popularity), and answers with where to file for the applicant's
//! commune, old addresses resolved.

use crate::error::AppError;
use crate::service::App;
use motcua_domain::agency::AgencyKind;
use motcua_domain::agency::Level;
use motcua_domain::authority::standard_agency;
use motcua_domain::catalogue::Procedure;
use motcua_domain::ids::{AgencyCode, UnitCode};
use motcua_domain::text::has_hostile_chars;
use motcua_domain::units::Commune;
use motcua_search::assistant::{
    Answer, Filing, FilingPoint, Lang, MAX_QUESTION, compose, decide, detect_language,
};
use motcua_search::{Lexicon, ProcedureIndex};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The index is rebuilt this often so that popularity follows the dossiers filed.
pub const POPULARITY_REFRESH: Duration = Duration::from_secs(3600);

/// The search index and when it was built.
pub struct SearchState {
    /// The index.
    pub index: ProcedureIndex,
    built: Instant,
}

/// A question to the assistant.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// The question, in Vietnamese (with or without diacritics) or English; at most 500
    /// characters.
    pub question: String,
    /// The applicant's commune (2025 code, five digits), to say where to file.
    pub commune: Option<String>,
    /// Or the applicant's address, old (before 1 July 2025) or new; resolved to a commune.
    pub address: Option<String>,
    /// The answer's language; guessed from the question when absent.
    pub lang: Option<Lang>,
    /// A procedure code chosen from an earlier answer's candidates.
    pub choice: Option<String>,
}

/// The applicant's place as the assistant understood it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlaceUnderstood {
    /// The 2025 commune code, when known.
    pub commune: Option<String>,
    /// Its name and province.
    pub name: Option<String>,
    /// How it was found, or why not (an old address resolved, several candidates, …).
    pub note: String,
}

/// The assistant's reply: the answer and the place it was given for.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reply {
    /// The answer.
    #[serde(flatten)]
    pub answer: Answer,
    /// The applicant's place, when a commune or an address was given.
    pub place: Option<PlaceUnderstood>,
}

impl App {
    /// Lets a generator rephrase the assistant's answers (checked; the template answer stays
    /// when it fails or strays).
    pub fn with_generator(mut self, g: motcua_search::generator::Generator) -> Self {
        self.generator = Some(Arc::new(g));
        self
    }

    /// The search index of the current catalogue (built on first use; rebuilt after catalogue
    /// changes, and in the background once an hour for popularity).
    pub async fn search_index(&self) -> Result<Arc<SearchState>, AppError> {
        let cached = self.search.read().expect("search lock").clone();
        if let Some(s) = cached {
            if s.built.elapsed() > POPULARITY_REFRESH
                && !self
                    .search_refreshing
                    .swap(true, std::sync::atomic::Ordering::SeqCst)
            {
                let app = self.clone();
                tokio::spawn(async move {
                    if let Err(e) = app.rebuild_search().await {
                        tracing::warn!(error = %e, "search index refresh failed; the old one stays");
                    }
                    app.search_refreshing
                        .store(false, std::sync::atomic::Ordering::SeqCst);
                });
            }
            return Ok(s);
        }
        self.rebuild_search().await
    }

    async fn rebuild_search(&self) -> Result<Arc<SearchState>, AppError> {
        let procedures = self.procedures().await?;
        let from = self.now() - time::Duration::days(365);
        let from_month = format!("{:04}-{:02}", from.year(), u8::from(from.month()));
        let popularity: HashMap<String, u64> = self
            .store
            .procedure_popularity(&from_month)
            .await?
            .into_iter()
            .map(|(c, n)| (c, n.max(0) as u64))
            .collect();
        let state = tokio::task::spawn_blocking(move || {
            ProcedureIndex::build(&procedures, &popularity, Lexicon::embedded()).map(|index| {
                SearchState {
                    index,
                    built: Instant::now(),
                }
            })
        })
        .await
        .map_err(|e| AppError::Internal(format!("search index build: {e}")))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
        let state = Arc::new(state);
        *self.search.write().expect("search lock") = Some(state.clone());
        Ok(state)
    }

    /// Procedures for a query, best first (relevance, then popularity), at most 50. An empty
    /// query lists the whole catalogue by code.
    pub async fn search_procedures(&self, q: &str) -> Result<Vec<Procedure>, AppError> {
        let all = self.procedures().await?;
        if motcua_domain::text::fold(q).is_empty() {
            return Ok(all.as_ref().clone());
        }
        let search = self.search_index().await?;
        let by_code: HashMap<&str, &Procedure> = all.iter().map(|p| (p.code.as_str(), p)).collect();
        Ok(search
            .index
            .search(q, 50)
            .into_iter()
            .filter_map(|h| by_code.get(h.code.as_str()).map(|p| (*p).clone()))
            .collect())
    }

    fn applicant_place(&self, q: &Question) -> Result<Option<(Option<Commune>, String)>, AppError> {
        let units = self.units();
        if let Some(code) = q
            .commune
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            let unit = UnitCode::parse(code).map_err(|_| {
                AppError::invalid("commune", "a commune is its 2025 code, five digits")
            })?;
            let c = units.commune(&unit).cloned().ok_or_else(|| {
                AppError::not_found("unit.not_found", format!("no commune {unit} (2025 codes)"))
            })?;
            return Ok(Some((Some(c), String::new())));
        }
        let Some(address) = q
            .address
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
        else {
            return Ok(None);
        };
        if address.chars().count() > 300 || has_hostile_chars(address) {
            return Err(AppError::invalid(
                "address",
                "an address is at most 300 plain characters",
            ));
        }
        let r = units.resolve_address(address);
        let mut communes: Vec<&UnitCode> = r.candidates.iter().map(|c| &c.commune_code).collect();
        communes.sort();
        communes.dedup();
        Ok(Some(match communes.as_slice() {
            [] => (
                None,
                format!("Không xác định được xã/phường từ địa chỉ \"{address}\"."),
            ),
            [one] => {
                let c = units.commune(one).cloned();
                let note = match r.candidates.first().and_then(|c| c.old.as_ref()) {
                    Some(old) => format!(
                        "Địa chỉ cũ ({}, {}, {}) nay thuộc {}.",
                        old.commune_name,
                        old.district_name,
                        old.province_name,
                        r.candidates[0].commune_name
                    ),
                    None => String::new(),
                };
                (c, note)
            }
            many => (
                None,
                format!(
                    "Địa chỉ có thể thuộc {} xã/phường mới: {}. Hãy chọn xã/phường.",
                    many.len(),
                    r.candidates
                        .iter()
                        .map(|c| format!("{} ({})", c.commune_name, c.commune_code))
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
            ),
        }))
    }

    async fn point(&self, code: AgencyCode) -> FilingPoint {
        let name = match self.agency(&code).await {
            Ok(a) => a.name,
            Err(_) => code.to_string(),
        };
        FilingPoint {
            agency: code.to_string(),
            name,
        }
    }

    /// Where `p` may be filed by someone living in `c` (the rule of
    /// `motcua_domain::authority::may_file_at`, as places).
    async fn filing_for(&self, p: &Procedure, c: &Commune) -> Filing {
        let own = self
            .point(standard_agency(AgencyKind::CommuneServiceCenter, c))
            .await;
        let commune_level = p.competent_agency_kind.level() == Level::Commune;
        if commune_level && !p.boundary_free {
            return Filing {
                points: vec![own],
                note: format!(
                    "Thủ tục này nộp tại nơi cư trú: Trung tâm Phục vụ hành chính công của {}.",
                    c.name
                ),
            };
        }
        let center = self
            .point(standard_agency(AgencyKind::ProvincialServiceCenter, c))
            .await;
        if commune_level {
            Filing {
                points: vec![own, center],
                note: "Thủ tục tiếp nhận không phụ thuộc địa giới hành chính: nộp được tại bất kỳ Trung tâm Phục vụ hành chính công nào trong tỉnh.".into(),
            }
        } else {
            Filing {
                points: vec![center, own],
                note: "Thủ tục cấp tỉnh: nộp tại Trung tâm Phục vụ hành chính công tỉnh hoặc bất kỳ điểm tiếp nhận nào trong tỉnh.".into(),
            }
        }
    }

    /// Answers a question from the catalogue. Every fact comes from a procedure record and
    /// cites it; an ambiguous question is answered with a choice; a question nothing matches
    /// is sent to the applicant's counter.
    pub async fn ask(&self, q: &Question) -> Result<Reply, AppError> {
        let question = q.question.trim();
        if question.is_empty() {
            return Err(AppError::invalid("question", "ask a question"));
        }
        if question.chars().count() > MAX_QUESTION || has_hostile_chars(question) {
            return Err(AppError::invalid(
                "question",
                format!("a question is at most {MAX_QUESTION} plain characters"),
            ));
        }
        let choice = q.choice.as_deref().map(str::trim).filter(|c| !c.is_empty());
        let all = self.procedures().await?;
        if let Some(code) = choice
            && !all.iter().any(|p| p.code.as_str() == code)
        {
            return Err(AppError::not_found(
                "catalogue.unknown_procedure",
                format!("no procedure {code}"),
            ));
        }
        let place = self.applicant_place(q)?;
        let commune = place.as_ref().and_then(|(c, _)| c.clone());
        let lang = q.lang.unwrap_or_else(|| detect_language(question));
        let search = self.search_index().await?;
        let decision = decide(&search.index, question, choice);
        let records: HashMap<String, &Procedure> =
            all.iter().map(|p| (p.code.to_string(), p)).collect();
        let mut filings: HashMap<String, Filing> = HashMap::new();
        let mut counter = None;
        if let Some(c) = &commune {
            for h in decision.ranked.iter().take(3) {
                if let Some(p) = records.get(h.code.as_str()) {
                    filings.insert(h.code.to_string(), self.filing_for(p, c).await);
                }
            }
            let own = self
                .point(standard_agency(AgencyKind::CommuneServiceCenter, c))
                .await;
            counter = Some(format!("{} ({})", own.name, own.agency));
        }
        let mut answer = compose(
            &decision,
            &records,
            lang,
            &|p| filings.get(p.code.as_str()).cloned(),
            counter.as_deref(),
        );
        if let Some(g) = &self.generator
            && answer.kind == motcua_search::assistant::Kind::Answer
        {
            match g.rephrase(question, &answer).await {
                Ok(text) => {
                    answer.text = text;
                    answer.rephrased = true;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "assistant answer kept as written from the catalogue")
                }
            }
        }
        let place = place.map(|(c, note)| PlaceUnderstood {
            commune: c.as_ref().map(|c| c.code.to_string()),
            name: c.as_ref().map(|c| {
                let province = self
                    .units()
                    .province(&c.province_code)
                    .map(|p| p.name.clone())
                    .unwrap_or_default();
                format!("{}, {province}", c.name)
            }),
            note,
        });
        Ok(Reply { answer, place })
    }
}
