//! Uploaded files: what is accepted (PDF, JPEG, PNG, judged from the bytes, not the name or the
//! declared type), how big, and how names are cleaned.

use serde::{Deserialize, Serialize};

/// Largest accepted file.
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;

/// Most pixels an accepted image may have: 25 megapixels, an A4 page scanned at about 500 dpi
/// (300 dpi, the usual scan, is 8.7 MP). Decoded at 4 bytes a pixel that is at most 100 MB; a
/// compressed file can declare far more (a 420 KB PNG of 12,000 × 12,000 decodes to 576 MB), so
/// the header's dimensions are checked before anything is decoded.
pub const MAX_IMAGE_PIXELS: u64 = 25_000_000;

/// An accepted file type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FileKind {
    /// `application/pdf`.
    Pdf,
    /// `image/jpeg`.
    Jpeg,
    /// `image/png`.
    Png,
}

impl FileKind {
    /// The MIME type.
    pub fn mime(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Png => "image/png",
        }
    }

    /// Recognises the type from the first bytes.
    pub fn sniff(bytes: &[u8]) -> Option<FileKind> {
        if bytes.starts_with(b"%PDF-") {
            Some(FileKind::Pdf)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(FileKind::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(FileKind::Png)
        } else {
            None
        }
    }
}

/// Why an upload was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UploadError {
    /// Empty file.
    #[error("the file is empty")]
    Empty,
    /// Over the limit.
    #[error("the file is larger than {} MB", MAX_FILE_BYTES / 1024 / 1024)]
    TooLarge,
    /// Not a PDF, JPEG or PNG.
    #[error("only PDF, JPEG and PNG files are accepted")]
    UnsupportedType,
    /// An image whose header declares more pixels than [`MAX_IMAGE_PIXELS`], or whose
    /// dimensions cannot be read.
    #[error(
        "the image is too large ({width} × {height} pixels); scan at 300 dpi, at most 25 megapixels"
    )]
    ImageTooLarge {
        /// Width in pixels (0 when unreadable).
        width: u64,
        /// Height in pixels (0 when unreadable).
        height: u64,
    },
    /// Declared as one type, contains another.
    #[error("the file says it is {declared} but contains {actual}")]
    Mislabelled {
        /// The declared MIME type.
        declared: String,
        /// What the bytes are.
        actual: &'static str,
    },
}

impl UploadError {
    /// Stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            UploadError::Empty => "upload.empty",
            UploadError::TooLarge => "upload.too_large",
            UploadError::UnsupportedType => "upload.unsupported_type",
            UploadError::Mislabelled { .. } => "upload.mislabelled",
            UploadError::ImageTooLarge { .. } => "upload.image_too_large",
        }
    }
}

/// Checks a file: not empty, within the limit, PDF/JPEG/PNG by its bytes, and (when a type is
/// declared other than the generic `application/octet-stream`) declared as what it is.
pub fn check_file(bytes: &[u8], declared: Option<&str>) -> Result<FileKind, UploadError> {
    if bytes.is_empty() {
        return Err(UploadError::Empty);
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(UploadError::TooLarge);
    }
    let kind = FileKind::sniff(bytes).ok_or(UploadError::UnsupportedType)?;
    if let Some(d) = declared.map(|d| {
        d.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    }) && !d.is_empty()
        && d != "application/octet-stream"
        && d != kind.mime()
        && !(d == "image/jpg" && kind == FileKind::Jpeg)
    {
        return Err(UploadError::Mislabelled {
            declared: d.chars().take(60).collect(),
            actual: kind.mime(),
        });
    }
    if kind != FileKind::Pdf {
        check_image_size(bytes)?;
    }
    Ok(kind)
}

/// The image's dimensions from its header (PNG's IHDR, JPEG's frame header), refused past
/// [`MAX_IMAGE_PIXELS`] or when unreadable — before any decoder sees the file.
fn check_image_size(bytes: &[u8]) -> Result<(), UploadError> {
    let Ok(size) = imagesize::blob_size(bytes) else {
        return Err(UploadError::ImageTooLarge {
            width: 0,
            height: 0,
        });
    };
    let (w, h) = (size.width as u64, size.height as u64);
    if w == 0 || h == 0 || w.saturating_mul(h) > MAX_IMAGE_PIXELS {
        return Err(UploadError::ImageTooLarge {
            width: w,
            height: h,
        });
    }
    Ok(())
}

/// The name a stored file is handed out under: its cleaned name with the extension of what it
/// really is (a PDF uploaded as `giay-to.html` downloads as `giay-to.pdf`), so no browser or
/// desktop opens it as a page or a script.
pub fn download_name(name: &str, mime: &str) -> String {
    let ext = match mime {
        "application/pdf" => "pdf",
        "image/jpeg" => "jpg",
        "image/png" => "png",
        _ => "bin",
    };
    let clean = clean_file_name(name);
    let stem = match clean.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => clean.as_str(),
    };
    format!("{stem}.{ext}")
}

/// A safe display name: no directories, no control or bidi characters, at most 100 characters,
/// never empty.
pub fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !crate::text::has_hostile_chars(&c.to_string()))
        .map(|c| {
            if matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*') {
                '_'
            } else {
                c
            }
        })
        .collect();
    // Leading dots and spaces together (". .x" must not become ".x": a hidden file, or "..").
    let cleaned = cleaned
        .trim_start_matches(|c: char| c == '.' || c.is_whitespace())
        .trim_end();
    let out: String = cleaned.chars().take(100).collect();
    if out.is_empty() {
        "tep-dinh-kem".into()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PNG signature and IHDR chunk declaring `w` × `h` (the CRC is not checked by the size
    /// probe; the decoder is never reached).
    fn png_header(w: u32, h: u32) -> Vec<u8> {
        let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
        v.extend_from_slice(&13u32.to_be_bytes());
        v.extend_from_slice(b"IHDR");
        v.extend_from_slice(&w.to_be_bytes());
        v.extend_from_slice(&h.to_be_bytes());
        v.extend_from_slice(&[8, 6, 0, 0, 0]);
        v.extend_from_slice(&[0, 0, 0, 0]);
        v
    }

    #[test]
    fn image_dimensions_are_checked_before_decoding() {
        // A 300 dpi A4 scan passes; 12,000 × 12,000 (the decompression bomb) does not.
        assert_eq!(check_file(&png_header(2480, 3508), None), Ok(FileKind::Png));
        assert_eq!(
            check_file(&png_header(12_000, 12_000), None),
            Err(UploadError::ImageTooLarge {
                width: 12_000,
                height: 12_000
            })
        );
        assert_eq!(
            check_file(&png_header(100_000, 1), None).map_err(|e| e.code()),
            Ok(FileKind::Png)
        );
        assert_eq!(
            check_file(&png_header(50_000, 1_000), None).map_err(|e| e.code()),
            Err("upload.image_too_large")
        );
        // A header with no dimensions at all is refused, not guessed.
        assert_eq!(
            check_file(b"\x89PNG\r\n\x1a\n", None).map_err(|e| e.code()),
            Err("upload.image_too_large")
        );
        assert_eq!(
            check_file(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 2], None).map_err(|e| e.code()),
            Err("upload.image_too_large")
        );
    }

    #[test]
    fn files_are_judged_by_their_bytes() {
        assert_eq!(
            check_file(b"%PDF-1.7 ...", Some("application/pdf")),
            Ok(FileKind::Pdf)
        );
        assert_eq!(
            check_file(
                &[
                    0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x01, 0x00, 0x01, 0x01, 0x01,
                    0x11, 0x00, 0xFF, 0xD9
                ],
                Some("image/jpeg")
            ),
            Ok(FileKind::Jpeg)
        );
        assert_eq!(check_file(&png_header(1, 1), None), Ok(FileKind::Png));
        assert_eq!(
            check_file(b"MZ\x90\x00", Some("application/pdf")),
            Err(UploadError::UnsupportedType)
        );
        assert!(matches!(
            check_file(b"%PDF-1.4", Some("image/png")),
            Err(UploadError::Mislabelled { .. })
        ));
        assert_eq!(check_file(b"", None), Err(UploadError::Empty));
        assert_eq!(
            check_file(&vec![b'%'; MAX_FILE_BYTES + 1], None),
            Err(UploadError::TooLarge)
        );
        assert_eq!(
            check_file(b"%PDF-1.4", Some("application/octet-stream")),
            Ok(FileKind::Pdf)
        );
    }

    #[test]
    fn files_download_under_the_extension_of_what_they_are() {
        assert_eq!(
            download_name("giay-to.html", "application/pdf"),
            "giay-to.pdf"
        );
        assert_eq!(download_name("anh.svg", "image/png"), "anh.png");
        assert_eq!(download_name("cccd.JPG", "image/jpeg"), "cccd.jpg");
        assert_eq!(download_name("to khai", "application/pdf"), "to khai.pdf");
        assert_eq!(download_name(".html", "image/png"), "html.png");
    }

    #[test]
    fn names_lose_paths_and_hostile_characters() {
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(
            clean_file_name("C:\\Users\\a\\giấy khai sinh.pdf"),
            "giấy khai sinh.pdf"
        );
        assert_eq!(clean_file_name("abc\u{202E}fdp.exe"), "abcfdp.exe");
        assert_eq!(clean_file_name("<script>.pdf"), "_script_.pdf");
        assert_eq!(clean_file_name("..."), "tep-dinh-kem");
        // Found by fuzzing (fuzz/fuzz_targets/upload.rs): dots and spaces (and stripped control
        // characters) in turn left a leading dot.
        assert_eq!(clean_file_name(". \u{1}. x.pdf"), "x.pdf");
        assert_eq!(clean_file_name(" . ."), "tep-dinh-kem");
    }
}
