//! The render-and-sign benchmark behind `motcua bench documents`: one receipt (form 01) of a
//! realistic dossier rendered and signed `count` times in a throw-away deployment.

use std::time::{Duration, Instant};

use motcua_app::documents::DocumentEngine;
use motcua_domain::agency::{Agency, AgencyKind, Level};

use crate::pki::{Passphrase, Pki};
use crate::{Engine, EngineSettings};

/// Latencies of one phase, sorted.
#[derive(Debug, Clone)]
pub struct Latencies(pub Vec<Duration>);

impl Latencies {
    /// The p-th percentile (nearest rank).
    pub fn percentile(&self, p: f64) -> Duration {
        if self.0.is_empty() {
            return Duration::ZERO;
        }
        let rank = ((p / 100.0) * self.0.len() as f64).ceil() as usize;
        self.0[rank.clamp(1, self.0.len()) - 1]
    }
}

/// The result of a run.
#[derive(Debug, Clone)]
pub struct Report {
    /// Render only.
    pub render: Latencies,
    /// Sign only.
    pub sign: Latencies,
    /// Render plus sign.
    pub total: Latencies,
    /// Size of one signed receipt.
    pub bytes: usize,
}

/// The receipt data of the benchmark (the same as the form tests').
pub fn sample_receipt() -> serde_json::Value {
    serde_json::from_str(include_str!("../tests/documents/data/sample.json")).expect("valid sample")
}

/// Renders and signs `count` receipts after `warmup` unmeasured ones.
pub fn run(count: usize, warmup: usize) -> Result<Report, String> {
    let dir = std::env::temp_dir().join(format!("motcua-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let pass = "benchmark passphrase only";
    let pki = Pki::new(&dir);
    pki.init("bench", Some(pass)).map_err(|e| e.to_string())?;
    let agency = Agency {
        code: "24958.TTPVHCC".parse().map_err(|e| format!("{e}"))?,
        name: "Trung tâm Phục vụ hành chính công xã Bạch Đằng".into(),
        kind: AgencyKind::CommuneServiceCenter,
        level: Level::Commune,
        province_code: "68".parse().map_err(|e| format!("{e}"))?,
        unit_code: Some("24958".parse().map_err(|e| format!("{e}"))?),
        contact: None,
    };
    pki.issue(
        agency.code.as_str(),
        &agency.name,
        &Passphrase::new(pass).map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    let engine = Engine::new(
        &dir,
        &EngineSettings {
            passphrase: Some(pass.into()),
            auto_issue: false,
        },
    );
    let data = sample_receipt();
    let mut render = Vec::with_capacity(count);
    let mut sign = Vec::with_capacity(count);
    let mut total = Vec::with_capacity(count);
    let mut bytes = 0;
    for i in 0..warmup + count {
        let mut d = data.clone();
        // A new document every time, as in production (no cached layout of the same data).
        d["document_id"] = serde_json::json!(format!("bench-{i}"));
        d["dossier"]["code"] = serde_json::json!(format!("24958-261123-{:04}", i % 10_000));
        let t0 = Instant::now();
        let pdf = engine.render("form01", &d, &[])?;
        let t1 = Instant::now();
        let signed = engine.sign(&agency, &pdf, "Giấy tiếp nhận", "Xã Bạch Đằng")?;
        let t2 = Instant::now();
        if i >= warmup {
            render.push(t1 - t0);
            sign.push(t2 - t1);
            total.push(t2 - t0);
            bytes = signed.len();
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    for v in [&mut render, &mut sign, &mut total] {
        v.sort();
    }
    Ok(Report {
        render: Latencies(render),
        sign: Latencies(sign),
        total: Latencies(total),
        bytes,
    })
}

/// The hostile files of `motcua bench verify` (issue #29), each about `size` bytes:
/// `byte_ranges`, a PDF header and `/ByteRange [0 1 2 3]` repeated (quadratic before the fix);
/// `hex_contents`, eight signatures each naming a `/Contents` of hex digits over most of the file
/// (the most work the cap allows); `one_signature`, one `/ByteRange` and a hex blob the size of the
/// file.
pub fn hostile_pdfs(size: usize) -> Vec<(&'static str, Vec<u8>)> {
    let mut repeated = b"%PDF-1.7\n".to_vec();
    while repeated.len() < size {
        repeated.extend_from_slice(b"/ByteRange [0 1 2 3] ");
    }
    let hex_contents = {
        let mut v = b"%PDF-1.7\n".to_vec();
        let per = size / 8;
        for _ in 0..8 {
            let b = v.len() + 40;
            let c = b + per;
            v.extend_from_slice(format!("/ByteRange [0 {b} {c} 0]").as_bytes());
            v.resize(b, b' ');
            v.push(b'<');
            v.resize(c - 1, b'A');
            v.push(b'>');
        }
        v
    };
    let one = {
        let mut v = b"%PDF-1.7\n1 0 obj <</ByteRange [0 60 ".to_vec();
        let end = size.saturating_sub(16).max(100);
        v.extend_from_slice(format!("{end} 0]").as_bytes());
        v.resize(60, b' ');
        v.push(b'<');
        v.resize(end - 1, b'0');
        v.push(b'>');
        v.extend_from_slice(b" >> endobj\n%%EOF\n");
        v
    };
    vec![
        ("byte_ranges", repeated),
        ("hex_contents", hex_contents),
        ("one_signature", one),
    ]
}
