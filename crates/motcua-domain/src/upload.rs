//! Uploaded files: what is accepted (PDF, JPEG, PNG, judged from the bytes, not the name or the
//! declared type), how big, and how names are cleaned.

use serde::{Deserialize, Serialize};

/// Largest accepted file.
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;

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
    Ok(kind)
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

    #[test]
    fn files_are_judged_by_their_bytes() {
        assert_eq!(
            check_file(b"%PDF-1.7 ...", Some("application/pdf")),
            Ok(FileKind::Pdf)
        );
        assert_eq!(
            check_file(&[0xFF, 0xD8, 0xFF, 0xE0, 1], Some("image/jpeg")),
            Ok(FileKind::Jpeg)
        );
        assert_eq!(
            check_file(b"\x89PNG\r\n\x1a\nxxxx", None),
            Ok(FileKind::Png)
        );
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
