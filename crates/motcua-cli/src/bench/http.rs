//! The workload through the HTTP API, as a counter's browser or an integration would send it.

use super::load::Driver;
use super::mix::{Flight, Op, QUERIES, Stage};
use crate::scenario;
use serde_json::{Value, json};

/// Sends the operations to a running server.
pub struct HttpDriver {
    client: reqwest::Client,
    base: String,
}

impl HttpDriver {
    /// A client for `base` (e.g. `http://127.0.0.1:8080`), keeping connections alive.
    pub fn new(base: &str) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(1024)
            .timeout(std::time::Duration::from_secs(30))
            .build()?;
        Ok(Self {
            client,
            base: base.trim_end_matches('/').to_owned(),
        })
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> Result<Value, String> {
        let resp = req.send().await.map_err(|e| format!("transport: {e}"))?;
        let status = resp.status();
        let body = resp.bytes().await.map_err(|e| format!("body: {e}"))?;
        if !status.is_success() {
            let code = serde_json::from_slice::<Value>(&body)
                .ok()
                .and_then(|v| v["error"]["code"].as_str().map(str::to_owned))
                .unwrap_or_default();
            return Err(format!("{} {code}", status.as_u16()));
        }
        serde_json::from_slice(&body).map_err(|e| format!("json: {e}"))
    }

    async fn action(&self, stage: &mut Stage, f: Flight) -> Result<(), String> {
        let site = stage.site.clone();
        let (token, body) = match f.step {
            0 => (
                &site.counter_token.0,
                json!({"action": "transfer", "version": f.version, "to_agency": site.competent.code,
                       "note": "Chuyển cơ quan giải quyết"}),
            ),
            1 => (
                &site.specialist_token.0,
                json!({"action": "assign", "version": f.version, "handler": site.handler}),
            ),
            2 => (
                &site.approver_token.0,
                json!({"action": "finish", "version": f.version,
                       "result": {"summary": "Đã chứng thực bản sao", "document_number": "12/2026"}}),
            ),
            _ => (
                &site.counter_token.0,
                json!({"action": "return_result", "version": f.version, "method": "counter"}),
            ),
        };
        let v = self
            .send(
                self.client
                    .post(format!("{}/api/v1/dossiers/{}/actions", self.base, f.code))
                    .bearer_auth(token)
                    .json(&body),
            )
            .await?;
        let version = v["version"].as_i64().ok_or("no version in the answer")?;
        stage.advanced(f, version);
        Ok(())
    }
}

#[async_trait::async_trait]
impl Driver for HttpDriver {
    async fn perform(&self, stage: &mut Stage, op: Op) -> Result<(), String> {
        let site = stage.site.clone();
        match op {
            Op::Intake => {
                let applicant = stage.applicant();
                let phone = applicant.phone.to_string();
                let body = json!({
                    "procedure": stage.workload.procedure.code,
                    "applicant": applicant,
                    "components": stage.workload.components,
                });
                let key = uuid::Uuid::new_v4().to_string();
                let v = self
                    .send(
                        self.client
                            .post(format!("{}/api/v1/dossiers", self.base))
                            .bearer_auth(&site.counter_token.0)
                            .header("Idempotency-Key", key)
                            .json(&body),
                    )
                    .await?;
                let code = v["code"].as_str().ok_or("no code in the answer")?;
                let version = v["version"].as_i64().ok_or("no version in the answer")?;
                stage.opened(code.to_owned(), version, phone);
                Ok(())
            }
            Op::Action => {
                let f = stage.flights.pop_front().ok_or("no dossier in progress")?;
                self.action(stage, f).await
            }
            Op::Read => {
                let (code, _) = stage.target();
                self.send(
                    self.client
                        .get(format!("{}/api/v1/dossiers/{code}", self.base))
                        .bearer_auth(&site.counter_token.0),
                )
                .await
                .map(|_| ())
            }
            Op::Track => {
                let (code, phone) = stage.target();
                self.send(
                    self.client
                        .get(format!("{}/api/v1/track/{code}", self.base))
                        .query(&[("phone", phone)]),
                )
                .await
                .map(|_| ())
            }
            Op::Inbox => self
                .send(
                    self.client
                        .get(format!("{}/api/v1/dossiers", self.base))
                        .query(&[("status", "processing"), ("limit", "50")])
                        .bearer_auth(&site.specialist_token.0),
                )
                .await
                .map(|_| ()),
            Op::Search => {
                let q = *scenario::pick(&mut stage.rng, QUERIES);
                self.send(
                    self.client
                        .get(format!("{}/api/v1/procedures", self.base))
                        .query(&[("q", q)]),
                )
                .await
                .map(|_| ())
            }
        }
    }
}
