//! The document engine the application uses: typst rendering, signing with the agency's identity
//! from the deployment's PKI, verification against its trust anchors.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use motcua_app::documents::{DocumentEngine, Verification};
use motcua_domain::agency::Agency;
use openssl::x509::store::X509Store;
use serde_json::Value;
use time::OffsetDateTime;

use crate::pdf::{SignParams, sign_pdf};
use crate::pki::{Passphrase, Pki, PkiError, Signer};
use crate::render::render_pdf;
use crate::verify::verify_pdf;

/// How the engine finds its keys.
#[derive(Debug, Clone, Default)]
pub struct EngineSettings {
    /// The configured passphrase (`MOTCUA_PKI_PASSPHRASE`); else the deployment's passphrase file.
    pub passphrase: Option<String>,
    /// Issue a certificate from the local CA to an agency that signs for the first time (demos
    /// and local deployments; production imports the government CA's certificates instead).
    pub auto_issue: bool,
}

/// The engine.
pub struct Engine {
    pki: Pki,
    passphrase: Option<Passphrase>,
    auto_issue: bool,
    signers: Mutex<HashMap<String, Arc<Signer>>>,
    /// Held while an agency's identity is looked up or issued: two first signings at once
    /// would otherwise each issue a key pair and leave one's key beside the other's certificate.
    issuing: Mutex<()>,
    trust: Mutex<Option<Arc<X509Store>>>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("pki", &self.pki)
            .field("auto_issue", &self.auto_issue)
            .finish_non_exhaustive()
    }
}

impl Engine {
    /// The engine of the deployment whose data directory is `data_dir`. Without a passphrase
    /// (none configured and no passphrase file) documents are rendered but not signed.
    pub fn new(data_dir: &Path, s: &EngineSettings) -> Self {
        let pki = Pki::new(data_dir);
        let passphrase = pki.passphrase(s.passphrase.as_deref()).ok();
        Self {
            pki,
            passphrase,
            auto_issue: s.auto_issue,
            signers: Mutex::new(HashMap::new()),
            issuing: Mutex::new(()),
            trust: Mutex::new(None),
        }
    }

    /// The PKI.
    pub fn pki(&self) -> &Pki {
        &self.pki
    }

    fn signer(&self, agency: &Agency) -> Result<Option<Arc<Signer>>, PkiError> {
        let code = agency.code.as_str();
        if let Some(s) = self.signers.lock().expect("signers lock").get(code) {
            return Ok(Some(s.clone()));
        }
        let Some(pass) = &self.passphrase else {
            return Ok(None);
        };
        let _issuing = self.issuing.lock().expect("issuing lock");
        if let Some(s) = self.signers.lock().expect("signers lock").get(code) {
            return Ok(Some(s.clone()));
        }
        if !self.pki.has_signer(code) {
            if !(self.auto_issue && self.pki.has_ca()) {
                return Ok(None);
            }
            self.pki.issue(code, &agency.name, pass)?;
            tracing::info!(
                agency = code,
                "issued a signing certificate from the local CA"
            );
        }
        let Some(s) = self.pki.signer(code, pass)? else {
            return Ok(None);
        };
        let s = Arc::new(s);
        self.signers
            .lock()
            .expect("signers lock")
            .insert(code.to_owned(), s.clone());
        Ok(Some(s))
    }

    fn trust_store(&self) -> Result<Arc<X509Store>, PkiError> {
        let mut t = self.trust.lock().expect("trust lock");
        if let Some(s) = t.as_ref() {
            return Ok(s.clone());
        }
        let s = Arc::new(self.pki.trust_store()?);
        *t = Some(s.clone());
        Ok(s)
    }

    /// Signs with an explicit signer (the `motcua sign` command).
    pub fn sign_with(
        signer: &Signer,
        pdf: &[u8],
        reason: &str,
        location: &str,
    ) -> Result<Vec<u8>, crate::pdf::SignError> {
        let name = signer.name();
        sign_pdf(
            pdf,
            &SignParams {
                cert: &signer.cert,
                key: &signer.key,
                chain: &signer.chain,
                name: &name,
                reason,
                location,
                time: OffsetDateTime::now_utc().to_offset(motcua_domain::VN_OFFSET),
            },
        )
    }

    /// Verifies with the deployment's trust anchors (an empty store when it has none).
    pub fn verify_file(&self, pdf: &[u8]) -> Verification {
        let store = match self.trust_store() {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(error = %e, "cannot load trust anchors; nothing is trusted");
                Arc::new(
                    openssl::x509::store::X509StoreBuilder::new()
                        .expect("empty store")
                        .build(),
                )
            }
        };
        verify_pdf(pdf, &store)
    }
}

impl DocumentEngine for Engine {
    fn merge_for_print(&self, pdfs: &[Vec<u8>]) -> Result<Vec<u8>, String> {
        crate::pdf::merge_for_print(pdfs).map_err(|e| e.to_string())
    }

    fn render(
        &self,
        template: &str,
        data: &Value,
        files: &[(String, Vec<u8>)],
    ) -> Result<Vec<u8>, String> {
        let mut all: Vec<(&str, Vec<u8>)> =
            files.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
        if let Some(url) = data.get("qr_url").and_then(Value::as_str) {
            all.push(("qr.svg", crate::qr::svg(url).into_bytes()));
        }
        let today = OffsetDateTime::now_utc()
            .to_offset(motcua_domain::VN_OFFSET)
            .date();
        render_pdf(&format!("{template}.typ"), data, &all, today).map_err(|e| e.to_string())
    }

    fn signer_name(&self, agency: &Agency) -> Option<String> {
        match self.signer(agency) {
            Ok(s) => s.map(|s| s.name()),
            Err(e) => {
                tracing::warn!(agency = %agency.code, error = %e, "agency cannot sign");
                None
            }
        }
    }

    fn sign(
        &self,
        agency: &Agency,
        pdf: &[u8],
        reason: &str,
        location: &str,
    ) -> Result<Vec<u8>, String> {
        let signer = self
            .signer(agency)
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("{} has no signing certificate", agency.code))?;
        Engine::sign_with(&signer, pdf, reason, location).map_err(|e| e.to_string())
    }

    fn verify(&self, pdf: &[u8]) -> Verification {
        self.verify_file(pdf)
    }
}
