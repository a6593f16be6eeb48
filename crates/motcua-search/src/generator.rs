//! The optional generator: an OpenAI-compatible chat endpoint that the deployment runs (a
//! local model server, say) rephrases a template answer. It is given only the answer's
//! sources and draft; its output is used only when [`check_rephrasing`] accepts it (cites
//! nothing but those sources, states no number they do not hold). Any failure — unreachable,
//! slow, malformed, unfaithful — leaves the template answer in place.

use crate::assistant::{Answer, Lang, check_rephrasing};
use std::time::Duration;

/// Where the generator is and how to call it.
#[derive(Clone)]
pub struct GeneratorConfig {
    /// Base URL of the OpenAI-compatible API, e.g. `http://127.0.0.1:8081/v1`.
    pub url: String,
    /// The model name to ask for.
    pub model: String,
    /// Bearer key, if the server wants one (from the environment, never the TOML).
    pub api_key: Option<String>,
    /// Give up after this long.
    pub timeout: Duration,
}

impl std::fmt::Debug for GeneratorConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GeneratorConfig")
            .field("url", &self.url)
            .field("model", &self.model)
            .field("api_key", &self.api_key.as_ref().map(|_| "[set]"))
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// Why a rephrasing was not used.
#[derive(Debug, thiserror::Error)]
pub enum GeneratorError {
    /// The endpoint could not be reached, timed out or answered with an error.
    #[error("generator unavailable: {0}")]
    Unavailable(String),
    /// The endpoint's reply is not a chat completion.
    #[error("generator reply malformed: {0}")]
    Malformed(String),
    /// The rephrasing states or cites something the answer's sources do not hold.
    #[error("generator rephrasing refused: {0}")]
    Unfaithful(String),
}

/// The generator client.
#[derive(Debug, Clone)]
pub struct Generator {
    config: GeneratorConfig,
    http: reqwest::Client,
}

#[derive(serde::Deserialize)]
struct Completion {
    choices: Vec<ChoiceMsg>,
}

#[derive(serde::Deserialize)]
struct ChoiceMsg {
    message: Message,
}

#[derive(serde::Deserialize)]
struct Message {
    content: String,
}

impl Generator {
    /// A client for `config` (no redirects followed).
    pub fn new(config: GeneratorConfig) -> Result<Self, GeneratorError> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| GeneratorError::Unavailable(e.to_string()))?;
        Ok(Self { config, http })
    }

    fn prompt(question: &str, answer: &Answer) -> (String, String) {
        let lang = match answer.lang {
            Lang::Vi => "Vietnamese",
            Lang::En => "English",
        };
        let system = format!(
            "You rewrite an answer about an administrative procedure so that a citizen understands it easily. \
             Write in {lang}. Use ONLY the numbered facts given; keep a citation [n] after every fact you state; \
             never add a document, fee, time, place or condition that the facts do not state; keep every number as given. \
             Reply with the rewritten answer only."
        );
        let facts = answer
            .sources
            .iter()
            .map(|s| format!("[{}] {}", s.n, s.text))
            .collect::<Vec<_>>()
            .join("\n");
        let user = format!(
            "Question: {question}\n\nFacts:\n{facts}\n\nAnswer to rewrite:\n{}",
            answer.text
        );
        (system, user)
    }

    /// Asks for a rephrasing of `answer` and checks it; returns the accepted text.
    pub async fn rephrase(
        &self,
        question: &str,
        answer: &Answer,
    ) -> Result<String, GeneratorError> {
        let (system, user) = Self::prompt(question, answer);
        let body = serde_json::json!({
            "model": self.config.model,
            "temperature": 0,
            "messages": [
                {"role": "system", "content": system},
                {"role": "user", "content": user},
            ],
        });
        let url = format!("{}/chat/completions", self.config.url.trim_end_matches('/'));
        let mut req = self.http.post(url).json(&body);
        if let Some(key) = &self.config.api_key {
            req = req.bearer_auth(key);
        }
        let resp = req
            .send()
            .await
            .map_err(|e| GeneratorError::Unavailable(e.without_url().to_string()))?;
        if !resp.status().is_success() {
            return Err(GeneratorError::Unavailable(format!(
                "status {}",
                resp.status()
            )));
        }
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| GeneratorError::Unavailable(e.without_url().to_string()))?;
        if bytes.len() > 64 * 1024 {
            return Err(GeneratorError::Malformed("reply over 64 KiB".into()));
        }
        let c: Completion =
            serde_json::from_slice(&bytes).map_err(|e| GeneratorError::Malformed(e.to_string()))?;
        let text = c
            .choices
            .into_iter()
            .next()
            .map(|c| c.message.content.trim().to_owned())
            .filter(|t| !t.is_empty())
            .ok_or_else(|| GeneratorError::Malformed("no text".into()))?;
        check_rephrasing(&text, answer).map_err(GeneratorError::Unfaithful)?;
        Ok(text)
    }
}
