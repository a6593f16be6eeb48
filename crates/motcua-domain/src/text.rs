//! Text folding for Vietnamese search and matching.
//!
//! Vietnamese text arrives composed (NFC) or decomposed (NFD), with or without diacritics, in any
//! case. [`fold`] maps all of these to one comparable form: NFC first (so decomposed input does not
//! split words), then diacritics removed, `đ`→`d`, lower-cased, and runs of space/punctuation
//! collapsed to one space.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Folds `s` for comparison: no diacritics, `đ`→`d`, lower case, single spaces, trimmed.
pub fn fold(s: &str) -> String {
    let nfc: String = s.nfc().collect();
    let mut out = String::with_capacity(nfc.len());
    let mut pending_space = false;
    for c in nfc.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        let c = match c {
            'đ' | 'Đ' => 'd',
            _ => c,
        };
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.extend(c.to_lowercase());
        } else {
            pending_space = true;
        }
    }
    out
}

/// Groups thousands with dots, as written in Vietnamese (3.321).
pub fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// Returns `s` in Unicode NFC form, trimmed.
pub fn nfc(s: &str) -> String {
    s.trim().nfc().collect()
}

/// True when `s` holds a character that has no place in a name or address: control characters
/// (other than none at all), the Unicode bidi overrides used to disguise text, or NUL.
pub fn has_hostile_chars(s: &str) -> bool {
    s.chars().any(|c| {
        c.is_control()
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples() {
        assert_eq!(fold("Đăng ký  KẾT HÔN"), "dang ky ket hon");
        assert_eq!(grouped(-1234567), "-1.234.567");
    }

    #[test]
    fn folding_removes_diacritics_case_and_extra_spaces() {
        let cases = [
            ("Xã Phú Hội", "xa phu hoi"),
            ("ĐĂNG KÝ KHAI SINH", "dang ky khai sinh"),
            ("  Tp. Đà   Lạt ", "tp da lat"),
            ("Phường Xuân Hương - Đà Lạt", "phuong xuan huong da lat"),
            ("Thị trấn Liên Nghĩa", "thi tran lien nghia"),
        ];
        for (input, want) in cases {
            assert_eq!(fold(input), want, "{input}");
        }
    }

    #[test]
    fn decomposed_input_folds_like_composed_input() {
        let decomposed: String = "Đức Trọng".nfd().collect();
        assert_eq!(fold(&decomposed), fold("Đức Trọng"));
    }

    #[test]
    fn hostile_characters_are_detected() {
        assert!(has_hostile_chars("abc\u{0000}"));
        assert!(has_hostile_chars("abc\u{202E}gpj.exe"));
        assert!(!has_hostile_chars("Nguyễn Văn A, 12 Lê Lợi"));
    }
}
