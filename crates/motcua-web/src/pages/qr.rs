//! QR codes on printed slips, drawn as inline SVG on the server.

use qrcode::QrCode;
use qrcode::render::svg;

/// An SVG QR code for `url` (error correction M), sized for print.
pub fn svg(url: &str) -> Option<String> {
    let code = QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M).ok()?;
    Some(
        code.render::<svg::Color<'_>>()
            .min_dimensions(120, 120)
            .quiet_zone(true)
            .build(),
    )
}

/// The public base URL: the configured one, else `http://` + the request's Host (only host
/// characters are kept, so a forged header cannot inject markup).
pub fn base_url(configured: Option<&str>, host: Option<&str>) -> String {
    if let Some(c) = configured {
        return c.trim_end_matches('/').to_owned();
    }
    let host: String = host
        .unwrap_or("127.0.0.1")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        .take(255)
        .collect();
    format!("http://{host}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_qr_code_is_an_svg_and_hosts_are_cleaned() {
        let s = svg("http://127.0.0.1:8080/track?code=24958-250303-0001").unwrap();
        assert!(s.contains("<svg") && s.contains("</svg>"));
        assert_eq!(
            base_url(Some("https://dvc.example.vn/"), Some("x")),
            "https://dvc.example.vn"
        );
        assert_eq!(
            base_url(None, Some("evil\"><script>.example:80")),
            "http://evilscript.example:80"
        );
    }
}
