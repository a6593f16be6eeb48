//! Dossier code patterns. Circular 03/2025's exact format is not confirmed (DOMAIN.md), so the
//! pattern is configurable; the default is `{unit}-{yymmdd}-{seq:4}`.

use crate::ids::{DossierCode, InvalidId};
use time::Date;

/// A parsed dossier code pattern. Placeholders: `{unit}` (receiving unit code), `{agency}`
/// (receiving agency code, dots kept), `{yymmdd}`, `{yyyymmdd}`, `{seq:N}` (sequence, zero-padded
/// to N digits, per prefix and day). Everything else is literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodePattern {
    pattern: String,
    seq_width: usize,
}

impl Default for CodePattern {
    fn default() -> Self {
        Self::parse("{unit}-{yymmdd}-{seq:4}").expect("default pattern is valid")
    }
}

impl CodePattern {
    /// Parses a pattern; it must contain `{seq:N}` exactly once, at the end, with 1 ≤ N ≤ 9.
    pub fn parse(p: &str) -> Result<Self, String> {
        let Some(start) = p.find("{seq:") else {
            return Err("the pattern needs a {seq:N} placeholder at its end".into());
        };
        let rest = &p[start + 5..];
        let Some(end) = rest.find('}') else {
            return Err("unclosed {seq:N}".into());
        };
        if start + 5 + end + 1 != p.len() {
            return Err("{seq:N} must end the pattern".into());
        }
        let width: usize = rest[..end]
            .parse()
            .map_err(|_| "N in {seq:N} must be a number".to_string())?;
        if !(1..=9).contains(&width) {
            return Err("N in {seq:N} must be 1..9".into());
        }
        Ok(Self {
            pattern: p.to_owned(),
            seq_width: width,
        })
    }

    /// The part before the sequence for a given unit, agency and date; sequences are counted
    /// per prefix.
    pub fn prefix(&self, unit: &str, agency: &str, date: Date) -> String {
        let head = &self.pattern[..self.pattern.find("{seq:").expect("checked")];
        let (y, m, d) = (date.year(), u8::from(date.month()), date.day());
        head.replace("{unit}", unit)
            .replace("{agency}", agency)
            .replace("{yyyymmdd}", &format!("{y:04}{m:02}{d:02}"))
            .replace("{yymmdd}", &format!("{:02}{m:02}{d:02}", y % 100))
    }

    /// The full code for a prefix and sequence number.
    pub fn code(&self, prefix: &str, seq: u64) -> Result<DossierCode, InvalidId> {
        DossierCode::parse(&format!("{prefix}{seq:0width$}", width = self.seq_width).to_uppercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn default_pattern_gives_unit_date_sequence() {
        let p = CodePattern::default();
        let prefix = p.prefix("24958", "24958.TTPVHCC", date!(2025 - 01 - 24));
        assert_eq!(prefix, "24958-250124-");
        assert_eq!(p.code(&prefix, 7).unwrap().as_str(), "24958-250124-0007");
    }

    #[test]
    fn patterns_without_a_final_sequence_are_rejected() {
        assert!(CodePattern::parse("{unit}-{yymmdd}").is_err());
        assert!(CodePattern::parse("{seq:4}-{unit}").is_err());
        assert!(CodePattern::parse("{agency}.{yyyymmdd}.{seq:6}").is_ok());
    }
}
