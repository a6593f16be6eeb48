//! Server-side SVG charts: no chart library, no CDN, readable without JavaScript, each with a
//! text title for screen readers (the same numbers are in a table next to it).

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A horizontal bar chart of labelled counts.
pub fn bars(title: &str, rows: &[(String, i64)]) -> String {
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1) as f64;
    let row_h = 28;
    let label_w = 230;
    let bar_w = 360.0;
    let h = rows.len() as i32 * row_h + 10;
    let mut out = format!(
        r#"<svg class="chart" role="img" viewBox="0 0 {w} {h}" width="100%" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"#,
        w = label_w + 420,
        t = esc(title)
    );
    for (i, (label, n)) in rows.iter().enumerate() {
        let y = i as i32 * row_h + 5;
        let len = (*n as f64 / max * bar_w).round();
        out.push_str(&format!(
            r##"<text x="{lx}" y="{ty}" text-anchor="end" font-size="14" fill="#1b1b1b">{l}</text><rect x="{bx}" y="{y}" width="{len}" height="18" fill="#0b4f9c"/><text x="{nx}" y="{ty}" font-size="14" fill="#1b1b1b">{n}</text>"##,
            lx = label_w - 8,
            ty = y + 14,
            l = esc(label),
            bx = label_w,
            nx = label_w as f64 + len + 6.0,
        ));
    }
    out.push_str("</svg>");
    out
}

/// Points earned against points available, one bar per row `(label, score, max, unmeasured)`:
/// the earned part blue, the part not measured hatched grey, the part lost light.
pub fn scores(title: &str, rows: &[(String, f64, f64, f64)]) -> String {
    let top = rows.iter().map(|r| r.2).fold(0.0_f64, f64::max).max(1.0);
    let (row_h, label_w, bar_w) = (30, 230, 360.0);
    let h = rows.len() as i32 * row_h + 10;
    let mut out = format!(
        r#"<svg class="chart" role="img" viewBox="0 0 {w} {h}" width="100%" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"#,
        w = label_w + 470,
        t = esc(title)
    );
    for (i, (label, score, max, unmeasured)) in rows.iter().enumerate() {
        let y = i as i32 * row_h + 5;
        let full = (max / top * bar_w).round();
        let got = (score / top * bar_w).round();
        let gap = (unmeasured / top * bar_w).round();
        out.push_str(&format!(
            r##"<text x="{lx}" y="{ty}" text-anchor="end" font-size="14" fill="#1b1b1b">{l}</text><rect x="{bx}" y="{y}" width="{full}" height="20" fill="#dde3e8"/><rect x="{ux}" y="{y}" width="{gap}" height="20" fill="#b1b4b6"/><rect x="{bx}" y="{y}" width="{got}" height="20" fill="#0b4f9c"/><text x="{nx}" y="{ty}" font-size="14" fill="#1b1b1b">{s:.2} / {max:.0}</text>"##,
            lx = label_w - 8,
            ty = y + 15,
            l = esc(label),
            bx = label_w,
            ux = label_w as f64 + got,
            nx = label_w as f64 + full + 8.0,
            s = score,
        ));
    }
    out.push_str("</svg>");
    out
}

/// A column chart of counts per day.
pub fn columns(title: &str, days: &[(String, i64)]) -> String {
    let max = days.iter().map(|d| d.1).max().unwrap_or(0).max(1) as f64;
    let (w, h, pad) = (640.0, 180.0, 24.0);
    let n = days.len().max(1) as f64;
    // At most 48 units wide, so one month is a column, not a wall.
    let col = ((w - 2.0 * pad) / n).min(48.0);
    let mut out = format!(
        r#"<svg class="chart" role="img" viewBox="0 0 {w} {vh}" width="100%" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"#,
        vh = h + 30.0,
        t = esc(title)
    );
    out.push_str(&format!(
        r##"<line x1="{pad}" y1="{h}" x2="{x2}" y2="{h}" stroke="#505a5f"/>"##,
        x2 = w - pad
    ));
    for (i, (day, c)) in days.iter().enumerate() {
        let bh = (*c as f64 / max * (h - 20.0)).round();
        let x = pad + i as f64 * col;
        out.push_str(&format!(
            r##"<rect x="{x:.1}" y="{y:.1}" width="{cw:.1}" height="{bh}" fill="#00703c"><title>{d}: {c}</title></rect>"##,
            y = h - bh,
            cw = (col - 2.0).max(1.0),
            d = esc(day),
        ));
    }
    if let (Some(first), Some(last)) = (days.first(), days.last()) {
        out.push_str(&format!(
            r##"<text x="{pad}" y="{ty}" font-size="13" fill="#505a5f">{a}</text><text x="{x2}" y="{ty}" font-size="13" fill="#505a5f" text-anchor="end">{b}</text><text x="{pad}" y="14" font-size="13" fill="#505a5f">{m}</text>"##,
            ty = h + 20.0,
            x2 = w - pad,
            a = esc(&first.0),
            b = esc(&last.0),
            m = max as i64,
        ));
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_escape_labels_and_scale_to_the_largest_value() {
        let svg = bars(
            "Theo tình trạng",
            &[("<b>".into(), 10), ("Đang xử lý".into(), 5)],
        );
        assert!(svg.contains("&lt;b&gt;") && !svg.contains("<b>"));
        assert!(svg.contains(r#"width="360""#) && svg.contains(r#"width="180""#));
        let svg = columns(
            "Mỗi ngày",
            &[("2025-03-03".into(), 2), ("2025-03-04".into(), 4)],
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("2025-03-04: 4"));
    }
}
