//! `motcua pki …`, `motcua sign`, `motcua verify`: files only, no database needed.

use anyhow::{Context, Result, anyhow};
use motcua_app::documents::VerifyStatus;
use motcua_documents::Engine;
use motcua_documents::pki::Pki;
use motcua_domain::agency::{commune_agencies, province_agencies};
use std::path::Path;

use crate::args::PkiWhat;
use crate::settings::Settings;

/// The official name of an agency code, from the shipped registry of standard agencies.
fn agency_name(code: &str) -> Result<String> {
    let units = crate::setup::shipped_units()?;
    units
        .communes
        .iter()
        .flat_map(commune_agencies)
        .chain(units.provinces.iter().flat_map(province_agencies))
        .find(|a| a.code.as_str() == code)
        .map(|a| a.name)
        .ok_or_else(|| anyhow!("no agency {code} in the registry"))
}

pub fn pki(s: &Settings, what: &PkiWhat) -> Result<()> {
    let pki = Pki::new(&s.data_dir);
    match what {
        PkiWhat::Init { name } => {
            let (ca, written) = pki.init(name, s.pki_passphrase.as_deref())?;
            println!(
                "local root CA created in {} (valid until {})",
                pki.dir().display(),
                ca.not_after()
            );
            if let Some(f) = written {
                eprintln!(
                    "WARNING: no passphrase configured; generated one in {} (mode 0600). In \
                     production set MOTCUA_PKI_PASSPHRASE from a secret store and remove that file.",
                    f.display()
                );
            }
        }
        PkiWhat::Issue { agency } => {
            let name = agency_name(agency)?;
            let pass = pki.passphrase(s.pki_passphrase.as_deref())?;
            let cert = pki.issue(agency, &name, &pass)?;
            println!(
                "issued a signing certificate for {agency} ({name}), valid until {}",
                cert.not_after()
            );
        }
        PkiWhat::Import {
            agency,
            p12,
            password_env,
        } => {
            agency_name(agency)?;
            let der = std::fs::read(p12).with_context(|| format!("reading {}", p12.display()))?;
            let password = std::env::var(password_env).unwrap_or_default();
            let pass = pki.passphrase(s.pki_passphrase.as_deref())?;
            let cert = pki.import_pkcs12(agency, &der, &password, &pass)?;
            println!(
                "imported the signing identity of {agency}: {:?}, valid until {}",
                cert.subject_name()
                    .entries()
                    .filter_map(|e| e.data().to_string().ok())
                    .collect::<Vec<_>>(),
                cert.not_after()
            );
        }
        PkiWhat::Trust { file } => {
            let pem = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
            let n = pki.trust(&pem)?.len();
            println!("{n} trust anchor(s) added");
        }
    }
    Ok(())
}

pub fn sign(s: &Settings, input: &Path, agency: &str, out: &Path, reason: &str) -> Result<()> {
    let pki = Pki::new(&s.data_dir);
    let pass = pki.passphrase(s.pki_passphrase.as_deref())?;
    let signer = pki.signer(agency, &pass)?.ok_or_else(|| {
        anyhow!("{agency} has no signing certificate: run `motcua pki issue --agency {agency}`")
    })?;
    let pdf = std::fs::read(input).with_context(|| format!("reading {}", input.display()))?;
    let signed = Engine::sign_with(&signer, &pdf, reason, "")?;
    std::fs::write(out, &signed).with_context(|| format!("writing {}", out.display()))?;
    println!(
        "signed {} as {} → {} ({} bytes)",
        input.display(),
        signer.name(),
        out.display(),
        signed.len()
    );
    Ok(())
}

pub fn verify(s: &Settings, file: &Path, json: bool) -> Result<()> {
    let pdf = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let engine = s.document_engine();
    let v = engine.verify_file(&pdf);
    if json {
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        for (i, sig) in v.signatures.iter().enumerate() {
            println!(
                "signature {}: {} — signed by {} (issuer {}), at {}, {}{}",
                i + 1,
                if sig.intact { "intact" } else { "BROKEN" },
                sig.signer.as_deref().unwrap_or("?"),
                sig.issuer.as_deref().unwrap_or("?"),
                sig.signed_at.as_deref().unwrap_or("?"),
                if sig.trusted {
                    "trusted"
                } else {
                    "NOT trusted"
                },
                if sig.covers_whole_file {
                    ", covers the whole file"
                } else {
                    ""
                }
            );
        }
        println!("sha256 {}", v.sha256);
    }
    if v.status == VerifyStatus::Valid {
        println!("VALID: {}", v.message);
        Ok(())
    } else {
        // A verdict, not a crash: one line on stderr and exit status 1.
        eprintln!(
            "{}: {} ({})",
            format!("{:?}", v.status).to_uppercase(),
            v.reason.as_deref().unwrap_or("unknown"),
            v.message
        );
        std::process::exit(1)
    }
}

/// `motcua bench verify`: the CPU time (this thread's, not the wall clock) of verifying each
/// hostile file of `motcua_documents::bench::hostile_pdfs`, median of `runs`.
pub fn bench_verify(size_mb: usize, runs: usize) -> Result<()> {
    let store = openssl::x509::store::X509StoreBuilder::new()?.build();
    let cpu = || {
        let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
        std::time::Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
    };
    println!("verify hostile PDFs of {size_mb} MB, CPU time of this thread, median of {runs}:");
    for (name, pdf) in motcua_documents::bench::hostile_pdfs(size_mb.max(1) * 1024 * 1024) {
        let mut times = Vec::new();
        let mut reason = String::new();
        for _ in 0..runs.max(1) {
            let start = cpu();
            let v = motcua_documents::verify::verify_pdf(&pdf, &store);
            times.push(cpu() - start);
            reason = v.reason.unwrap_or_default();
        }
        times.sort();
        println!(
            "  {name:<14} {:>9} bytes  {:8.2} ms CPU  ({reason})",
            pdf.len(),
            times[times.len() / 2].as_secs_f64() * 1000.0
        );
    }
    Ok(())
}

/// `motcua bench documents`.
pub fn bench_documents(count: usize, warmup: usize) -> Result<()> {
    let r = motcua_documents::bench::run(count.max(1), warmup).map_err(|e| anyhow!("{e}"))?;
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    println!(
        "render + sign one receipt (form 01), {} runs after {warmup} warm-up:",
        r.total.0.len()
    );
    for (name, l) in [
        ("render", &r.render),
        ("sign", &r.sign),
        ("render+sign", &r.total),
    ] {
        println!(
            "  {name:<12} p50 {:6.2} ms   p95 {:6.2} ms   p99 {:6.2} ms   max {:6.2} ms",
            ms(l.percentile(50.0)),
            ms(l.percentile(95.0)),
            ms(l.percentile(99.0)),
            ms(l.percentile(100.0))
        );
    }
    println!("  signed receipt: {} bytes", r.bytes);
    Ok(())
}
