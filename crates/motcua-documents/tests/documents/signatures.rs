//! Signatures: what we sign, `pdfsig` (poppler, with the deployment's CA trusted in a throw-away
//! NSS database) accepts; our verifier accepts it too, and rejects a one-byte change, appended
//! bytes, a truncated file, a non-PDF, an unknown CA and an expired or not-yet-valid certificate,
//! each with its own reason.

use std::path::Path;
use std::process::Command;

use motcua_app::documents::{DocumentEngine, VerifyStatus};
use motcua_documents::pdf::{SignParams, sign_pdf};
use motcua_documents::pki::{Passphrase, Pki, Signer};
use motcua_documents::{Engine, EngineSettings};
use openssl::asn1::Asn1Time;
use openssl::hash::MessageDigest;
use openssl::pkey::PKey;
use openssl::rsa::Rsa;
use openssl::x509::{X509, X509Builder, X509NameBuilder};

const PASS: &str = "correct horse battery staple";

fn receipt(engine: &Engine) -> Vec<u8> {
    let data: serde_json::Value = serde_json::from_str(include_str!("data/sample.json")).unwrap();
    engine.render("form01", &data, &[]).unwrap()
}

struct Deployment {
    dir: tempfile::TempDir,
    engine: Engine,
    signer: Signer,
}

fn deployment() -> Deployment {
    let dir = tempfile::tempdir().unwrap();
    let pki = Pki::new(dir.path());
    pki.init("test", Some(PASS)).unwrap();
    let pass = Passphrase::new(PASS).unwrap();
    pki.issue(
        "24958.TTPVHCC",
        "Trung tâm Phục vụ hành chính công xã Bạch Đằng",
        &pass,
    )
    .unwrap();
    let signer = pki.signer("24958.TTPVHCC", &pass).unwrap().unwrap();
    let engine = Engine::new(
        dir.path(),
        &EngineSettings {
            passphrase: Some(PASS.into()),
            auto_issue: false,
        },
    );
    Deployment {
        dir,
        engine,
        signer,
    }
}

fn sign(signer: &Signer, pdf: &[u8]) -> Vec<u8> {
    Engine::sign_with(
        signer,
        pdf,
        "Giấy tiếp nhận — hồ sơ 24958-261123-0007",
        "Xã Bạch Đằng",
    )
    .unwrap()
}

/// pdfsig's report, with `ca` trusted in a fresh NSS database (None when the tools are absent).
fn pdfsig(pdf: &[u8], ca: Option<&Path>) -> Option<String> {
    let work = tempfile::tempdir().unwrap();
    let nss = work.path().join("nss");
    std::fs::create_dir(&nss).unwrap();
    let db = format!("sql:{}", nss.display());
    let ok = Command::new("certutil")
        .args(["-N", "-d", &db, "--empty-password"])
        .status()
        .ok()?
        .success();
    assert!(ok, "certutil -N failed");
    if let Some(ca) = ca {
        let st = Command::new("certutil")
            .args(["-A", "-d", &db, "-n", "motcua-ca", "-t", "CT,C,C", "-i"])
            .arg(ca)
            .status()
            .unwrap();
        assert!(st.success());
    }
    let f = work.path().join("doc.pdf");
    std::fs::write(&f, pdf).unwrap();
    let out = Command::new("pdfsig")
        .args(["-nssdir", &db])
        .arg(&f)
        .output()
        .ok()?;
    Some(String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr))
}

fn tools_present() -> bool {
    let present = Command::new("pdfsig").arg("-v").output().is_ok()
        && Command::new("certutil").arg("-H").output().is_ok();
    if !present {
        eprintln!(
            "NOTE: pdfsig/certutil not installed (scripts/install-system-deps.sh); the independent check is skipped"
        );
    }
    present
}

#[test]
fn pdfsig_accepts_our_signature_and_trusts_the_deployment_ca() {
    let dep = deployment();
    let signed = sign(&dep.signer, &receipt(&dep.engine));
    if !tools_present() {
        assert!(std::env::var("CI").is_err(), "CI must have pdfsig");
        return;
    }
    let ca = dep.dir.path().join("pki/ca.crt.pem");
    let report = pdfsig(&signed, Some(&ca)).unwrap();
    assert!(report.contains("Signature is Valid"), "{report}");
    assert!(report.contains("Certificate is Trusted"), "{report}");
    assert!(report.contains("Total document signed"), "{report}");
    assert!(
        report.contains("SHA-256") || report.contains("SHA256"),
        "{report}"
    );
    // Without the CA, pdfsig still finds the signature intact but cannot trust the issuer.
    let report = pdfsig(&signed, None).unwrap();
    assert!(report.contains("Signature is Valid"), "{report}");
    assert!(!report.contains("Certificate is Trusted"), "{report}");
    // A one-byte change: pdfsig reports it invalid.
    let mut tampered = signed.clone();
    let at = tampered.windows(5).position(|w| w == b"/Page").unwrap();
    tampered[at + 1] = b'Q';
    let report = pdfsig(&tampered, Some(&ca)).unwrap();
    assert!(!report.contains("Signature is Valid"), "{report}");
}

#[test]
fn our_verifier_accepts_a_signed_receipt() {
    let dep = deployment();
    let signed = sign(&dep.signer, &receipt(&dep.engine));
    let v = dep.engine.verify(&signed);
    assert_eq!(v.status, VerifyStatus::Valid, "{v:?}");
    assert_eq!(v.signatures.len(), 1);
    let s = &v.signatures[0];
    assert!(s.intact && s.trusted && s.covers_whole_file);
    assert_eq!(
        s.signer.as_deref(),
        Some("Trung tâm Phục vụ hành chính công xã Bạch Đằng")
    );
    assert_eq!(s.signer_unit.as_deref(), Some("24958.TTPVHCC"));
    assert_eq!(
        s.reason.as_deref(),
        Some("Giấy tiếp nhận — hồ sơ 24958-261123-0007")
    );
    assert!(
        s.signed_at
            .as_deref()
            .is_some_and(|t| t.starts_with("D:20"))
    );
}

#[test]
fn a_second_signature_keeps_the_first_valid() {
    let dep = deployment();
    let once = sign(&dep.signer, &receipt(&dep.engine));
    let twice = sign(&dep.signer, &once);
    let v = dep.engine.verify(&twice);
    assert_eq!(v.status, VerifyStatus::Valid, "{v:?}");
    assert_eq!(v.signatures.len(), 2);
    assert!(!v.signatures[0].covers_whole_file && v.signatures[1].covers_whole_file);
}

#[test]
fn every_single_byte_change_outside_the_signature_is_caught() {
    let dep = deployment();
    let signed = sign(&dep.signer, &receipt(&dep.engine));
    let contents = signed.windows(10).position(|w| w == b"/Contents ").unwrap();
    // A spread of positions: header, body, the update section, the trailer.
    let n = signed.len();
    for at in [0, 9, n / 7, n / 3, n / 2, contents - 5, n - 30, n - 3] {
        let mut t = signed.clone();
        t[at] ^= 0x01;
        let v = dep.engine.verify(&t);
        assert_ne!(v.status, VerifyStatus::Valid, "byte {at} of {n}");
    }
    // Inside the signature value itself.
    let mut t = signed.clone();
    t[contents + 40] = if t[contents + 40] == b'A' { b'B' } else { b'A' };
    assert_eq!(dep.engine.verify(&t).status, VerifyStatus::Invalid);
}

#[test]
fn appended_bytes_truncation_and_non_pdfs_are_reported() {
    let dep = deployment();
    let signed = sign(&dep.signer, &receipt(&dep.engine));
    let mut appended = signed.clone();
    appended.extend_from_slice(b"\n1 0 obj\n(evil)\nendobj\n");
    let v = dep.engine.verify(&appended);
    assert_eq!(v.status, VerifyStatus::Invalid);
    assert_eq!(v.reason.as_deref(), Some("signature.not_covering"));

    let v = dep.engine.verify(&signed[..signed.len() / 2]);
    assert_eq!(v.status, VerifyStatus::Unsigned);
    assert_eq!(v.reason.as_deref(), Some("file.truncated"));

    let v = dep.engine.verify(&signed[..signed.len() - 40]);
    assert_eq!(v.status, VerifyStatus::Invalid, "{v:?}");

    let v = dep.engine.verify(b"\x89PNG\r\n\x1a\n not a pdf");
    assert_eq!(v.status, VerifyStatus::NotPdf);
    assert_eq!(v.reason.as_deref(), Some("file.not_pdf"));
    assert_eq!(dep.engine.verify(b"").status, VerifyStatus::NotPdf);

    let v = dep.engine.verify(&receipt(&dep.engine));
    assert_eq!(v.status, VerifyStatus::Unsigned);
    assert_eq!(v.reason.as_deref(), Some("signature.none"));
}

/// A self-made CA and leaf with the given validity (days from now, may be negative).
fn foreign_signer(not_before: i64, not_after: i64, same_ca_as: Option<&Path>) -> Signer {
    let name = |cn: &str| {
        let mut b = X509NameBuilder::new().unwrap();
        b.append_entry_by_text("CN", cn).unwrap();
        b.build()
    };
    let (ca_cert, ca_key) = match same_ca_as {
        Some(dir) => {
            let pem = std::fs::read(dir.join("pki/ca.crt.pem")).unwrap();
            let key = std::fs::read(dir.join("pki/ca.key.pem")).unwrap();
            (
                X509::from_pem(&pem).unwrap(),
                PKey::private_key_from_pem_passphrase(&key, PASS.as_bytes()).unwrap(),
            )
        }
        None => {
            let key = PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap();
            let mut b = X509Builder::new().unwrap();
            b.set_version(2).unwrap();
            b.set_subject_name(&name("Unknown CA")).unwrap();
            b.set_issuer_name(&name("Unknown CA")).unwrap();
            b.set_pubkey(&key).unwrap();
            b.set_not_before(&Asn1Time::days_from_now(0).unwrap())
                .unwrap();
            b.set_not_after(&Asn1Time::days_from_now(30).unwrap())
                .unwrap();
            b.append_extension(
                openssl::x509::extension::BasicConstraints::new()
                    .ca()
                    .build()
                    .unwrap(),
            )
            .unwrap();
            b.sign(&key, MessageDigest::sha256()).unwrap();
            (b.build(), key)
        }
    };
    let key = PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap();
    let mut b = X509Builder::new().unwrap();
    b.set_version(2).unwrap();
    b.set_subject_name(&name("Someone")).unwrap();
    b.set_issuer_name(ca_cert.subject_name()).unwrap();
    b.set_pubkey(&key).unwrap();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    b.set_not_before(&Asn1Time::from_unix(now + not_before * 86_400).unwrap())
        .unwrap();
    b.set_not_after(&Asn1Time::from_unix(now + not_after * 86_400).unwrap())
        .unwrap();
    b.sign(&ca_key, MessageDigest::sha256()).unwrap();
    Signer {
        cert: b.build(),
        key,
        chain: vec![],
    }
}

fn sign_as(s: &Signer, pdf: &[u8]) -> Vec<u8> {
    sign_pdf(
        pdf,
        &SignParams {
            cert: &s.cert,
            key: &s.key,
            chain: &s.chain,
            name: "Someone",
            reason: "test",
            location: "test",
            time: time::OffsetDateTime::now_utc(),
        },
    )
    .unwrap()
}

#[test]
fn unknown_ca_expired_and_not_yet_valid_certificates_are_untrusted() {
    let dep = deployment();
    let pdf = receipt(&dep.engine);
    for (signer, reason) in [
        (foreign_signer(-1, 30, None), "certificate.untrusted"),
        (
            foreign_signer(-60, -30, Some(dep.dir.path())),
            "certificate.expired",
        ),
        (
            foreign_signer(30, 60, Some(dep.dir.path())),
            "certificate.not_yet_valid",
        ),
    ] {
        let v = dep.engine.verify(&sign_as(&signer, &pdf));
        assert_eq!(v.status, VerifyStatus::Untrusted, "{reason}: {v:?}");
        assert_eq!(v.reason.as_deref(), Some(reason));
        assert!(v.signatures[0].intact);
    }
}

#[test]
fn keys_are_encrypted_at_rest_and_need_the_passphrase() {
    let dep = deployment();
    let key =
        std::fs::read_to_string(dep.dir.path().join("pki/agencies/24958.TTPVHCC.key.pem")).unwrap();
    assert!(key.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    let pki = Pki::new(dep.dir.path());
    let wrong = Passphrase::new("not the passphrase at all").unwrap();
    assert!(pki.signer("24958.TTPVHCC", &wrong).is_err());
    assert!(Passphrase::new("short").is_err());
    // Agency codes cannot walk out of the directory.
    assert!(
        pki.signer("../ca", &Passphrase::new(PASS).unwrap())
            .is_ok_and(|s| s.is_none())
    );
}

#[test]
fn a_pkcs12_identity_can_be_imported() {
    let dep = deployment();
    let s = foreign_signer(-1, 365, Some(dep.dir.path()));
    let p12 = openssl::pkcs12::Pkcs12::builder()
        .name("agency")
        .pkey(&s.key)
        .cert(&s.cert)
        .build2("p12-password")
        .unwrap()
        .to_der()
        .unwrap();
    let pki = Pki::new(dep.dir.path());
    let pass = Passphrase::new(PASS).unwrap();
    assert!(pki.import_pkcs12("68.STP", &p12, "wrong", &pass).is_err());
    pki.import_pkcs12("68.STP", &p12, "p12-password", &pass)
        .unwrap();
    let signer = pki.signer("68.STP", &pass).unwrap().unwrap();
    let v = dep.engine.verify(&sign(&signer, &receipt(&dep.engine)));
    assert_eq!(v.status, VerifyStatus::Valid, "{v:?}");
}

/// Regression (found when routed intakes reached a new agency's first signature all at once):
/// concurrent first signings by an agency without a certificate issue one identity, and every
/// signature verifies — never one request's key beside another's certificate.
#[test]
fn concurrent_first_signings_issue_one_identity() {
    use motcua_app::documents::{DocumentEngine, VerifyStatus};
    use motcua_domain::agency::{Agency, AgencyKind, Level};
    let dep = deployment();
    let engine = std::sync::Arc::new(Engine::new(
        dep.dir.path(),
        &EngineSettings {
            passphrase: Some(PASS.into()),
            auto_issue: true,
        },
    ));
    let pdf = std::sync::Arc::new(receipt(&dep.engine));
    let agency = Agency {
        code: "24781.TTPVHCC".parse().unwrap(),
        name: "Trung tâm Phục vụ hành chính công phường Xuân Hương - Đà Lạt".into(),
        kind: AgencyKind::CommuneServiceCenter,
        level: Level::Commune,
        province_code: "68".parse().unwrap(),
        unit_code: Some("24781".parse().unwrap()),
        contact: None,
    };
    let threads: Vec<_> = (0..16)
        .map(|_| {
            let (engine, pdf, agency) = (engine.clone(), pdf.clone(), agency.clone());
            std::thread::spawn(move || engine.sign(&agency, &pdf, "Tiếp nhận", "Đà Lạt"))
        })
        .collect();
    for t in threads {
        let signed = t.join().unwrap().expect("every first signing succeeds");
        let v = engine.verify(&signed);
        assert_eq!(v.status, VerifyStatus::Valid, "{}", v.message);
    }
}

/// Issue #29: the hostile files of `motcua bench verify` — thousands of `/ByteRange`s, eight
/// signatures over hex blobs, one signature over a 5 MB blob — are refused with a reason, never
/// verified as anything else (their cost is measured by the benchmark, docs/BENCHMARKS.md).
#[test]
fn hostile_signature_structures_are_refused_with_a_reason() {
    let store = openssl::x509::store::X509StoreBuilder::new()
        .unwrap()
        .build();
    for (name, pdf) in motcua_documents::bench::hostile_pdfs(5 * 1024 * 1024) {
        let v = motcua_documents::verify::verify_pdf(&pdf, &store);
        let reason = v.reason.as_deref().unwrap_or("");
        match name {
            "byte_ranges" => assert_eq!(reason, "signature.too_many", "{name}"),
            _ => assert!(
                matches!(reason, "signature.malformed" | "signature.byte_range"),
                "{name}: {reason}"
            ),
        }
        assert_ne!(
            format!("{:?}", v.status),
            "Valid",
            "{name} must never be valid"
        );
    }
    // The repeated-ByteRange file stops collecting at the cap: no report per range.
    let small = motcua_documents::bench::hostile_pdfs(20 * 1024);
    let v = motcua_documents::verify::verify_pdf(&small[0].1, &store);
    assert!(v.signatures.len() <= motcua_documents::verify::MAX_SIGNATURES);
}
