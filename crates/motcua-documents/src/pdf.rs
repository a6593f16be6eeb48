//! PAdES baseline signing by incremental update (ISO 32000-1 §12.8; ETSI EN 319 142-1): the
//! original bytes are kept as they are, and a new section is appended with a signature field on
//! the first page, an updated catalogue (`/AcroForm`, `/SigFlags 3`) and the signature
//! dictionary whose `/Contents` holds a detached CMS (CAdES) signature over every byte of the
//! file except the `/Contents` value itself, as `/ByteRange` says.
//!
//! lopdf only *reads* the original; the appended section is written here, in the style of the
//! original's last cross-reference section (a table or a stream).

use lopdf::{Dictionary, Document, Object, ObjectId, xref::XrefType};
use openssl::cms::{CMSOptions, CmsContentInfo};
use openssl::pkey::{PKey, Private};
use openssl::stack::Stack;
use openssl::x509::X509;
use std::io::Write as _;
use time::OffsetDateTime;

/// Space reserved for the DER signature (certificate chain included).
pub const SIGNATURE_CAPACITY: usize = 16 * 1024;

/// `CMS_CADES` (OpenSSL 3 `cms.h`): adds the ESS signing-certificate-v2 attribute that PAdES
/// baseline requires. The openssl crate has no name for it.
const CMS_CADES: u32 = 0x10_0000;

/// Why a PDF could not be signed.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    /// Not a PDF lopdf can read.
    #[error("not a readable PDF: {0}")]
    NotPdf(String),
    /// A PDF we will not sign (encrypted, no pages, …).
    #[error("cannot sign this PDF: {0}")]
    Unsupported(String),
    /// OpenSSL failed.
    #[error("signature failed: {0}")]
    Crypto(String),
}

impl From<openssl::error::ErrorStack> for SignError {
    fn from(e: openssl::error::ErrorStack) -> Self {
        SignError::Crypto(e.to_string())
    }
}

/// Who signs and what the signature says about itself.
pub struct SignParams<'a> {
    /// The signer's certificate.
    pub cert: &'a X509,
    /// Its private key.
    pub key: &'a PKey<Private>,
    /// Intermediate certificates to embed (not the root).
    pub chain: &'a [X509],
    /// `/Name`: the signer, as people read it.
    pub name: &'a str,
    /// `/Reason`.
    pub reason: &'a str,
    /// `/Location`.
    pub location: &'a str,
    /// Signing time (`/M`; the CMS signing-time attribute is OpenSSL's own clock).
    pub time: OffsetDateTime,
}

/// Signs `pdf`, returning the original bytes followed by the signature's incremental update.
pub fn sign_pdf(pdf: &[u8], p: &SignParams<'_>) -> Result<Vec<u8>, SignError> {
    let doc = Document::load_mem(pdf).map_err(|e| SignError::NotPdf(e.to_string()))?;
    if doc.is_encrypted() || doc.trailer.get(b"Encrypt").is_ok() {
        return Err(SignError::Unsupported("the PDF is encrypted".into()));
    }
    let root_id = doc
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(|_| SignError::NotPdf("no document catalogue".into()))?;
    let mut catalog = doc
        .get_dictionary(root_id)
        .map_err(|_| SignError::NotPdf("no document catalogue".into()))?
        .clone();
    let page_id = *doc
        .get_pages()
        .get(&1)
        .ok_or_else(|| SignError::Unsupported("the PDF has no pages".into()))?;
    let mut page = doc
        .get_dictionary(page_id)
        .map_err(|_| SignError::NotPdf("unreadable first page".into()))?
        .clone();

    let size = doc.reference_table.size.max(doc.max_id + 1);
    let sig_id: ObjectId = (size, 0);
    let field_id: ObjectId = (size + 1, 0);
    let mut next = size + 2;
    let mut updates: Vec<(ObjectId, Vec<u8>)> = Vec::new();

    // The page's annotations, plus our (invisible) signature widget.
    let mut annots = match page.get(b"Annots") {
        Ok(Object::Array(a)) => a.clone(),
        Ok(Object::Reference(r)) => match doc.get_object(*r) {
            Ok(Object::Array(a)) => a.clone(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    annots.push(Object::Reference(field_id));
    page.set("Annots", Object::Array(annots));

    // The AcroForm, direct or indirect, with our field added.
    let (acro_ref, mut acro) = match catalog.get(b"AcroForm") {
        Ok(Object::Reference(r)) => (
            Some(*r),
            doc.get_dictionary(*r).cloned().unwrap_or_default(),
        ),
        Ok(Object::Dictionary(d)) => (None, d.clone()),
        _ => (None, Dictionary::new()),
    };
    let mut fields = match acro.get(b"Fields") {
        Ok(Object::Array(a)) => a.clone(),
        Ok(Object::Reference(r)) => match doc.get_object(*r) {
            Ok(Object::Array(a)) => a.clone(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    let field_name = format!("Signature{}", fields.len() + 1);
    fields.push(Object::Reference(field_id));
    acro.set("Fields", Object::Array(fields));
    acro.set("SigFlags", Object::Integer(3));
    match acro_ref {
        Some(r) => updates.push((r, serialize(&Object::Dictionary(acro)))),
        None => catalog.set("AcroForm", Object::Dictionary(acro)),
    }
    updates.push((root_id, serialize(&Object::Dictionary(catalog))));
    updates.push((page_id, serialize(&Object::Dictionary(page))));

    let mut field = Dictionary::new();
    field.set("Type", Object::Name(b"Annot".to_vec()));
    field.set("Subtype", Object::Name(b"Widget".to_vec()));
    field.set("FT", Object::Name(b"Sig".to_vec()));
    field.set("T", text_string(&field_name));
    field.set("V", Object::Reference(sig_id));
    field.set("F", Object::Integer(132));
    field.set(
        "Rect",
        Object::Array(vec![0.into(), 0.into(), 0.into(), 0.into()]),
    );
    field.set("P", Object::Reference(page_id));
    updates.push((field_id, serialize(&Object::Dictionary(field))));

    // Write the update.
    let mut out = pdf.to_vec();
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    let mut offsets: Vec<(u32, usize)> = Vec::new();
    // The signature dictionary, with placeholders patched below.
    offsets.push((sig_id.0, out.len()));
    let _ = write!(
        out,
        "{} 0 obj\n<</Type/Sig/Filter/Adobe.PPKLite/SubFilter/ETSI.CAdES.detached/ByteRange ",
        sig_id.0
    );
    let br_at = out.len();
    out.extend_from_slice(format!("[0 {:>10} {:>10} {:>10}]", 0, 0, 0).as_bytes());
    let br_len = out.len() - br_at;
    out.extend_from_slice(b"/Contents ");
    let contents_at = out.len();
    out.push(b'<');
    out.extend(std::iter::repeat_n(b'0', SIGNATURE_CAPACITY * 2));
    out.push(b'>');
    let contents_end = out.len();
    out.extend_from_slice(b"/M ");
    out.extend_from_slice(&serialize(&Object::String(
        pdf_date(p.time).into_bytes(),
        lopdf::StringFormat::Literal,
    )));
    out.extend_from_slice(b"/Name ");
    out.extend_from_slice(&serialize(&text_string(p.name)));
    out.extend_from_slice(b"/Reason ");
    out.extend_from_slice(&serialize(&text_string(p.reason)));
    out.extend_from_slice(b"/Location ");
    out.extend_from_slice(&serialize(&text_string(p.location)));
    out.extend_from_slice(b">>\nendobj\n");
    for (id, body) in &updates {
        offsets.push((id.0, out.len()));
        let _ = writeln!(out, "{} {} obj", id.0, id.1);
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }

    let mut trailer = Dictionary::new();
    trailer.set("Root", Object::Reference(root_id));
    if let Ok(info) = doc.trailer.get(b"Info") {
        trailer.set("Info", info.clone());
    }
    if let Ok(Object::Array(ids)) = doc.trailer.get(b"ID")
        && let Some(first) = ids.first()
    {
        let fresh = openssl::sha::sha256(&out[out.len().saturating_sub(4096)..]);
        trailer.set(
            "ID",
            Object::Array(vec![
                first.clone(),
                Object::String(fresh[..16].to_vec(), lopdf::StringFormat::Hexadecimal),
            ]),
        );
    }
    trailer.set("Prev", Object::Integer(doc.xref_start as i64));

    let xref_at = out.len();
    match doc.reference_table.cross_reference_type {
        XrefType::CrossReferenceTable => {
            trailer.set("Size", Object::Integer(i64::from(next)));
            offsets.sort();
            out.extend_from_slice(b"xref\n");
            for (id, off) in &offsets {
                let _ = write!(out, "{id} 1\n{off:010} 00000 n\r\n");
            }
            out.extend_from_slice(b"trailer\n");
            out.extend_from_slice(&serialize(&Object::Dictionary(trailer)));
            out.push(b'\n');
        }
        XrefType::CrossReferenceStream => {
            let xref_id = next;
            next += 1;
            offsets.push((xref_id, xref_at));
            offsets.sort();
            let mut data = Vec::new();
            let mut index = Vec::new();
            for (id, off) in &offsets {
                index.push(Object::Integer(i64::from(*id)));
                index.push(Object::Integer(1));
                data.push(1u8);
                data.extend_from_slice(&(*off as u32).to_be_bytes());
                data.extend_from_slice(&[0, 0]);
            }
            trailer.set("Type", Object::Name(b"XRef".to_vec()));
            trailer.set("Size", Object::Integer(i64::from(next)));
            trailer.set("W", Object::Array(vec![1.into(), 4.into(), 2.into()]));
            trailer.set("Index", Object::Array(index));
            trailer.set("Length", Object::Integer(data.len() as i64));
            let _ = writeln!(out, "{xref_id} 0 obj");
            out.extend_from_slice(&serialize(&Object::Dictionary(trailer)));
            out.extend_from_slice(b"\nstream\n");
            out.extend_from_slice(&data);
            out.extend_from_slice(b"\nendstream\nendobj\n");
        }
    }
    let _ = write!(out, "startxref\n{xref_at}\n%%EOF\n");

    // Patch the byte range, then sign it.
    let range = [0, contents_at, contents_end, out.len() - contents_end];
    let br = format!("[0 {} {} {}]", range[1], range[2], range[3]);
    let br = format!("{br:<br_len$}");
    out[br_at..br_at + br_len].copy_from_slice(br.as_bytes());
    let mut signed = Vec::with_capacity(out.len());
    signed.extend_from_slice(&out[..contents_at]);
    signed.extend_from_slice(&out[contents_end..]);

    let mut chain = Stack::new()?;
    for c in p.chain {
        chain.push(c.clone())?;
    }
    let flags = CMSOptions::DETACHED
        | CMSOptions::BINARY
        | CMSOptions::NOSMIMECAP
        | CMSOptions::from_bits_retain(CMS_CADES);
    let cms = CmsContentInfo::sign(
        Some(p.cert),
        Some(p.key),
        Some(&chain),
        Some(&signed),
        flags,
    )?;
    let der = cms.to_der()?;
    if der.len() > SIGNATURE_CAPACITY {
        return Err(SignError::Crypto(format!(
            "signature of {} bytes exceeds the {SIGNATURE_CAPACITY} reserved",
            der.len()
        )));
    }
    let hex = hex::encode_upper(&der);
    out[contents_at + 1..contents_at + 1 + hex.len()].copy_from_slice(hex.as_bytes());
    Ok(out)
}

/// A PDF date string, `D:YYYYMMDDHHmmSS+07'00'`.
pub fn pdf_date(t: OffsetDateTime) -> String {
    let (h, m, _) = t.offset().as_hms();
    let sign = if t.offset().is_negative() { '-' } else { '+' };
    format!(
        "D:{:04}{:02}{:02}{:02}{:02}{:02}{sign}{:02}'{:02}'",
        t.year(),
        t.month() as u8,
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        h.unsigned_abs(),
        m.unsigned_abs()
    )
}

/// A text string: PDFDocEncoding when ASCII, else UTF-16BE with its byte-order mark.
pub fn text_string(s: &str) -> Object {
    if s.is_ascii() {
        Object::String(s.as_bytes().to_vec(), lopdf::StringFormat::Literal)
    } else {
        let mut b = vec![0xFE, 0xFF];
        for u in s.encode_utf16() {
            b.extend_from_slice(&u.to_be_bytes());
        }
        Object::String(b, lopdf::StringFormat::Hexadecimal)
    }
}

/// Serialises a non-stream object in PDF syntax.
pub fn serialize(o: &Object) -> Vec<u8> {
    let mut out = Vec::new();
    write_object(o, &mut out);
    out
}

fn write_object(o: &Object, out: &mut Vec<u8>) {
    match o {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Boolean(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Object::Integer(i) => out.extend_from_slice(i.to_string().as_bytes()),
        Object::Real(r) => {
            let s = format!("{r:.6}");
            let s = s.trim_end_matches('0').trim_end_matches('.');
            out.extend_from_slice(if s.is_empty() || s == "-" { "0" } else { s }.as_bytes());
        }
        Object::Name(n) => {
            out.push(b'/');
            for &b in n {
                if (0x21..=0x7e).contains(&b) && !b"#()<>[]{}/%".contains(&b) {
                    out.push(b);
                } else {
                    let _ = write!(out, "#{b:02X}");
                }
            }
        }
        Object::String(s, lopdf::StringFormat::Literal)
            if s.iter().all(|b| (0x20..0x7f).contains(b)) =>
        {
            out.push(b'(');
            for &b in s {
                if matches!(b, b'(' | b')' | b'\\') {
                    out.push(b'\\');
                }
                out.push(b);
            }
            out.push(b')');
        }
        Object::String(s, _) => {
            out.push(b'<');
            out.extend_from_slice(hex::encode_upper(s).as_bytes());
            out.push(b'>');
        }
        Object::Array(a) => {
            out.push(b'[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                write_object(x, out);
            }
            out.push(b']');
        }
        Object::Dictionary(d) => {
            out.extend_from_slice(b"<<");
            for (k, v) in d.iter() {
                write_object(&Object::Name(k.clone()), out);
                out.push(b' ');
                write_object(v, out);
            }
            out.extend_from_slice(b">>");
        }
        // Only dictionaries are rewritten; a stream here would be a bug, written as null.
        Object::Stream(_) => out.extend_from_slice(b"null"),
        Object::Reference((id, g)) => {
            let _ = write!(out, "{id} {g} R");
        }
    }
}

/// Page attributes a page may inherit from its parents in the page tree (ISO 32000-1 §7.7.3.4).
const INHERITABLE: [&[u8]; 4] = [b"Resources", b"MediaBox", b"CropBox", b"Rotate"];

/// Puts several PDFs' pages into one file to print them in one go (a counter's batch of
/// receipts). A copy for paper: the pages keep their text and QR codes, but not their signature
/// fields — a signature covers the bytes of its own file, which the merged file is not; each
/// original stays on record and verifiable by its QR code.
pub fn merge_for_print(pdfs: &[Vec<u8>]) -> Result<Vec<u8>, SignError> {
    let mut next_id = 1;
    let mut objects = std::collections::BTreeMap::new();
    let mut pages: Vec<(ObjectId, Dictionary)> = Vec::new();
    for bytes in pdfs {
        let mut doc = Document::load_mem(bytes).map_err(|e| SignError::NotPdf(e.to_string()))?;
        if doc.is_encrypted() {
            return Err(SignError::Unsupported("the PDF is encrypted".into()));
        }
        doc.renumber_objects_with(next_id);
        next_id = doc.max_id + 1;
        for id in doc.get_pages().into_values() {
            let mut page = doc
                .get_dictionary(id)
                .map_err(|e| SignError::NotPdf(e.to_string()))?
                .clone();
            // What the page inherits from its parents is copied onto it.
            let mut parent = page.get(b"Parent").and_then(Object::as_reference).ok();
            while let Some(pid) = parent {
                let Ok(node) = doc.get_dictionary(pid) else {
                    break;
                };
                for key in INHERITABLE {
                    if !page.has(key)
                        && let Ok(v) = node.get(key)
                    {
                        page.set(key.to_vec(), v.clone());
                    }
                }
                parent = node.get(b"Parent").and_then(Object::as_reference).ok();
            }
            page.remove(b"Annots");
            pages.push((id, page));
        }
        objects.extend(doc.objects);
    }
    if pages.is_empty() {
        return Err(SignError::Unsupported("no pages to print".into()));
    }
    let mut out = Document::with_version("1.7");
    for (id, obj) in objects {
        let skip = matches!(
            obj.type_name(),
            Ok(b"Catalog") | Ok(b"Pages") | Ok(b"Page") | Ok(b"Sig")
        );
        if !skip {
            out.objects.insert(id, obj);
        }
    }
    let pages_id = (next_id, 0);
    let catalog_id = (next_id + 1, 0);
    let mut kids = Vec::with_capacity(pages.len());
    for (id, mut page) in pages {
        page.set("Parent", pages_id);
        out.objects.insert(id, Object::Dictionary(page));
        kids.push(Object::Reference(id));
    }
    let count = kids.len() as i64;
    let mut tree = Dictionary::new();
    tree.set("Type", Object::Name(b"Pages".to_vec()));
    tree.set("Kids", Object::Array(kids));
    tree.set("Count", count);
    out.objects.insert(pages_id, Object::Dictionary(tree));
    let mut catalog = Dictionary::new();
    catalog.set("Type", Object::Name(b"Catalog".to_vec()));
    catalog.set("Pages", pages_id);
    out.objects.insert(catalog_id, Object::Dictionary(catalog));
    out.trailer.set("Root", catalog_id);
    out.max_id = next_id + 1;
    out.prune_objects();
    out.renumber_objects();
    let mut buf = Vec::new();
    out.save_to(&mut buf)
        .map_err(|e| SignError::NotPdf(e.to_string()))?;
    Ok(buf)
}

/// How many pages a PDF has.
pub fn page_count(pdf: &[u8]) -> Result<usize, SignError> {
    let doc = Document::load_mem(pdf).map_err(|e| SignError::NotPdf(e.to_string()))?;
    Ok(doc.get_pages().len())
}
