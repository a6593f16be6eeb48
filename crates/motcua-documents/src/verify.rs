//! Verifying PDF signatures without trusting the file's structure: signatures are found by their
//! `/ByteRange` in the raw bytes, the signed bytes are exactly the ranges, and the CMS signature,
//! its certificate chain (against the deployment's trust anchors) and the coverage of the file are
//! checked separately so that each failure has its own reason.

pub use motcua_app::documents::{SignatureReport, Verification, VerifyStatus};
use openssl::cms::{CMSOptions, CmsContentInfo};
use openssl::nid::Nid;
use openssl::pkcs7::{Pkcs7, Pkcs7Flags};
use openssl::stack::Stack;
use openssl::x509::store::X509Store;
use openssl::x509::{X509, X509StoreContext, X509VerifyResult};

/// The most signatures examined in one file. A real document carries one or a few (each
/// incremental signature adds one); a file naming more is refused unread rather than costing a
/// pass over the file per signature (an attacker's `/ByteRange` repeated thousands of times).
pub const MAX_SIGNATURES: usize = 8;

/// How far around a `/ByteRange` its signature dictionary is read (its `/M` and `/Reason`): the
/// dictionary's start is searched at most this far back, its `endobj` this far forward.
const DICT_BACK: usize = 4 * 1024;
const DICT_FORWARD: usize = 256 * 1024;

/// Verifies every signature of `pdf` against `trust`. The cost is linear in the file's size:
/// one pass finds the signatures (at most [`MAX_SIGNATURES`] + 1 are collected), each
/// signature's dictionary is read within a bounded window, and the signatures' `/Contents` must
/// be disjoint and in file order (as incremental updates make them), so the hex decoded over all
/// of them is at most the file once.
pub fn verify_pdf(pdf: &[u8], trust: &X509Store) -> Verification {
    let sha256 = hex::encode(openssl::sha::sha256(pdf));
    let done = |status, reason: Option<&str>, message: &str, signatures| Verification {
        status,
        reason: reason.map(str::to_owned),
        message: message.to_owned(),
        signatures,
        sha256: sha256.clone(),
    };
    if !pdf.starts_with(b"%PDF-") {
        return done(
            VerifyStatus::NotPdf,
            Some("file.not_pdf"),
            "Tệp không phải là PDF.",
            vec![],
        );
    }
    let ranges = find_byte_ranges(pdf);
    if ranges.is_empty() {
        let trimmed = pdf.trim_ascii_end();
        let (reason, msg) = if trimmed.ends_with(b"%%EOF") {
            ("signature.none", "Tệp PDF không có chữ ký số.")
        } else {
            (
                "file.truncated",
                "Tệp PDF bị cắt cụt hoặc không đầy đủ, không có chữ ký số.",
            )
        };
        return done(VerifyStatus::Unsigned, Some(reason), msg, vec![]);
    }
    if ranges.len() > MAX_SIGNATURES {
        return done(
            VerifyStatus::Invalid,
            Some("signature.too_many"),
            "Tệp có quá nhiều chữ ký số để kiểm tra.",
            vec![],
        );
    }
    let mut reports = Vec::new();
    // Where the previous signature's `/Contents` ended: each one must start after it.
    let mut contents_end = 0;
    for (dict_at, br) in &ranges {
        let [_, b, c, _] = *br;
        if b < contents_end || c < b {
            reports.push(SignatureReport {
                problem: Some("signature.byte_range".into()),
                ..empty_report()
            });
            continue;
        }
        contents_end = c;
        reports.push(check_one(pdf, *dict_at, *br, trust));
    }
    let last = reports.last().expect("at least one");
    let (status, reason, msg) = if let Some(bad) = reports.iter().find(|r| !r.intact) {
        (
            VerifyStatus::Invalid,
            bad.problem.clone(),
            "Chữ ký số không hợp lệ: nội dung tệp đã bị thay đổi sau khi ký hoặc chữ ký bị hỏng.",
        )
    } else if !last.covers_whole_file {
        (
            VerifyStatus::Invalid,
            Some("signature.not_covering".into()),
            "Tệp đã bị thêm nội dung sau chữ ký cuối cùng.",
        )
    } else if let Some(bad) = reports.iter().find(|r| !r.trusted) {
        let msg = match bad.problem.as_deref() {
            Some("certificate.expired") => "Chữ ký còn nguyên vẹn nhưng chứng thư số đã hết hạn.",
            Some("certificate.not_yet_valid") => {
                "Chữ ký còn nguyên vẹn nhưng chứng thư số chưa có hiệu lực."
            }
            _ => {
                "Chữ ký còn nguyên vẹn nhưng người ký không thuộc tổ chức cung cấp dịch vụ chứng thực được tin cậy."
            }
        };
        (VerifyStatus::Untrusted, bad.problem.clone(), msg)
    } else {
        (
            VerifyStatus::Valid,
            None,
            "Chữ ký số hợp lệ, người ký được tin cậy và tệp không bị thay đổi sau khi ký.",
        )
    };
    Verification {
        status,
        reason,
        message: msg.to_owned(),
        signatures: reports,
        sha256,
    }
}

fn empty_report() -> SignatureReport {
    SignatureReport {
        intact: false,
        trusted: false,
        covers_whole_file: false,
        problem: None,
        signer: None,
        signer_unit: None,
        issuer: None,
        not_before: None,
        not_after: None,
        signed_at: None,
        reason: None,
    }
}

fn check_one(pdf: &[u8], dict_at: usize, br: [usize; 4], trust: &X509Store) -> SignatureReport {
    let mut r = empty_report();
    let dict = dictionary_text(pdf, dict_at);
    r.signed_at = literal_after(dict, b"/M").map(|s| String::from_utf8_lossy(&s).into_owned());
    r.reason = literal_after(dict, b"/Reason").map(|s| decode_text(&s));
    let [a, b, c, d] = br;
    let sound = a == 0
        && b < c
        && c.checked_add(d).is_some_and(|end| end <= pdf.len())
        && pdf.get(b) == Some(&b'<')
        && pdf.get(c - 1) == Some(&b'>')
        && pdf[b + 1..c - 1].iter().all(u8::is_ascii_hexdigit);
    if !sound {
        r.problem = Some("signature.byte_range".into());
        return r;
    }
    r.covers_whole_file = c + d == pdf.len();
    // Only the DER object at the start of `/Contents` is decoded (its header says how long it
    // is); anything else there is padding. Garbage is refused after ten hex digits.
    let der = match der_object(&pdf[b + 1..c - 1]) {
        Some(v) => v,
        None => {
            r.problem = Some("signature.malformed".into());
            return r;
        }
    };
    // The signer's certificate, read from the CMS itself.
    let certs = Pkcs7::from_der(&der).ok().and_then(|p7| {
        let empty = Stack::<X509>::new().ok()?;
        let signers = p7.signers(&empty, Pkcs7Flags::empty()).ok()?;
        let all: Vec<X509> = p7
            .signed()
            .and_then(|s| s.certificates())
            .map(|s| s.iter().map(|c| c.to_owned()).collect())
            .unwrap_or_default();
        Some((signers.iter().next()?.to_owned(), all))
    });
    let Some((cert, all)) = certs else {
        r.problem = Some("signature.malformed".into());
        return r;
    };
    r.signer = name_entry(&cert, Nid::COMMONNAME, false);
    r.signer_unit = name_entry(&cert, Nid::ORGANIZATIONALUNITNAME, false);
    r.issuer = name_entry(&cert, Nid::COMMONNAME, true);
    r.not_before = Some(cert.not_before().to_string());
    r.not_after = Some(cert.not_after().to_string());

    // Integrity: digest and signature, no chain check.
    let Ok(mut cms) = CmsContentInfo::from_der(&der) else {
        r.problem = Some("signature.malformed".into());
        return r;
    };
    // The signed bytes, copied only for a signature that parsed (at most MAX_SIGNATURES times).
    let mut signed = Vec::with_capacity(b + d);
    signed.extend_from_slice(&pdf[..b]);
    signed.extend_from_slice(&pdf[c..c + d]);
    let flags = CMSOptions::BINARY | CMSOptions::NOVERIFY;
    if cms.verify(None, None, Some(&signed), None, flags).is_err() {
        r.problem = Some("signature.digest_mismatch".into());
        return r;
    }
    r.intact = true;

    // Trust: the chain to one of our anchors, valid now.
    let chain_ok = (|| -> Result<X509VerifyResult, openssl::error::ErrorStack> {
        let mut untrusted = Stack::new()?;
        for c in all {
            untrusted.push(c)?;
        }
        let mut ctx = X509StoreContext::new()?;
        ctx.init(trust, &cert, &untrusted, |c| {
            c.verify_cert()?;
            Ok(c.error())
        })
    })();
    match chain_ok {
        Ok(res) if res == X509VerifyResult::OK => r.trusted = true,
        Ok(res) => {
            r.problem = Some(
                match res.as_raw() {
                    10 => "certificate.expired",
                    9 => "certificate.not_yet_valid",
                    23 => "certificate.revoked",
                    _ => "certificate.untrusted",
                }
                .into(),
            )
        }
        Err(_) => r.problem = Some("certificate.untrusted".into()),
    }
    r
}

fn name_entry(cert: &X509, nid: Nid, issuer: bool) -> Option<String> {
    let name = if issuer {
        cert.issuer_name()
    } else {
        cert.subject_name()
    };
    name.entries_by_nid(nid)
        .next()
        .and_then(|e| e.data().to_string().ok())
}

/// Every `/ByteRange [a b c d]` in the file, with the offset where it was found, in one pass;
/// it stops after [`MAX_SIGNATURES`] + 1 (enough to know there are too many).
fn find_byte_ranges(pdf: &[u8]) -> Vec<(usize, [usize; 4])> {
    const KEY: &[u8] = b"/ByteRange";
    let mut found = Vec::new();
    let mut i = 0;
    while found.len() <= MAX_SIGNATURES
        && let Some(p) = find(&pdf[i..], KEY)
    {
        let at = i + p;
        i = at + KEY.len();
        let rest = &pdf[i..pdf.len().min(i + 120)];
        let rest = rest.trim_ascii_start();
        let Some(rest) = rest.strip_prefix(b"[") else {
            continue;
        };
        let Some(end) = rest.iter().position(|&b| b == b']') else {
            continue;
        };
        let nums: Vec<usize> = std::str::from_utf8(&rest[..end])
            .unwrap_or("")
            .split_ascii_whitespace()
            .filter_map(|n| n.parse().ok())
            .collect();
        if let [a, b, c, d] = nums[..] {
            found.push((at, [a, b, c, d]));
        }
    }
    found
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay, needle)
}

/// The text of the dictionary around `at`, up to its `endobj`, read within a bounded window.
fn dictionary_text(pdf: &[u8], at: usize) -> &[u8] {
    let from = at.saturating_sub(DICT_BACK);
    let start = memchr::memmem::rfind(&pdf[from..at], b"obj").map_or(from, |p| from + p);
    let window = &pdf[at..pdf.len().min(at + DICT_FORWARD)];
    let end = find(window, b"endobj").map_or(at + window.len(), |e| at + e);
    &pdf[start..end]
}

/// The string value after `key` (literal `( … )` or hex `< … >`).
fn literal_after(dict: &[u8], key: &[u8]) -> Option<Vec<u8>> {
    let mut i = 0;
    loop {
        let p = find(&dict[i..], key)? + i;
        i = p + key.len();
        // Not a prefix of a longer name.
        if dict.get(i).is_some_and(|b| b.is_ascii_alphanumeric()) {
            continue;
        }
        let rest = dict[i..].trim_ascii_start();
        return match rest.first()? {
            b'(' => {
                let mut out = Vec::new();
                let mut depth = 0;
                let mut esc = false;
                for &b in &rest[1..] {
                    if esc {
                        out.push(b);
                        esc = false;
                    } else if b == b'\\' {
                        esc = true;
                    } else if b == b'(' {
                        depth += 1;
                        out.push(b);
                    } else if b == b')' {
                        if depth == 0 {
                            break;
                        }
                        depth -= 1;
                        out.push(b);
                    } else {
                        out.push(b);
                    }
                }
                Some(out)
            }
            b'<' => {
                let end = rest.iter().position(|&b| b == b'>')?;
                hex::decode(&rest[1..end]).ok()
            }
            _ => None,
        };
    }
}

fn decode_text(b: &[u8]) -> String {
    if let Some(rest) = b.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        String::from_utf8_lossy(b).into_owned()
    }
}

/// The DER SEQUENCE at the start of the hex text `hex`, decoded: its header (at most five
/// bytes) is read first, and only the bytes it announces are decoded. `None` when it is not a
/// SEQUENCE, announces more than there is, or is not hex.
fn der_object(hex: &[u8]) -> Option<Vec<u8>> {
    let head = hex::decode(hex.get(..10.min(hex.len() & !1))?).ok()?;
    if head.len() < 2 || head[0] != 0x30 {
        return None;
    }
    let (len, hdr) = match head[1] {
        n if n < 0x80 => (n as usize, 2),
        0x81 if head.len() > 2 => (head[2] as usize, 3),
        0x82 if head.len() > 3 => (((head[2] as usize) << 8) | head[3] as usize, 4),
        0x83 if head.len() > 4 => (
            ((head[2] as usize) << 16) | ((head[3] as usize) << 8) | head[4] as usize,
            5,
        ),
        _ => return None,
    };
    let total = (hdr + len).checked_mul(2)?;
    hex::decode(hex.get(..total)?).ok()
}
