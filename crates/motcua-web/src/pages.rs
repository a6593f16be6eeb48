//! The home page: what this server is, what it holds, where the API is. (The citizen portal,
//! counter and inbox pages come with the web issue.)

use crate::AppState;
use axum::Router;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;

/// Groups thousands with dots, as written in Vietnamese (3.321).
fn grouped(n: i64) -> String {
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

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

async fn home(State(s): State<AppState>) -> Html<String> {
    let units = s.app.units();
    let provinces = grouped(units.provinces().len() as i64);
    let communes = grouped(units.data().communes.len() as i64);
    let procedures = grouped(s.app.procedures().await.map(|p| p.len()).unwrap_or(0) as i64);
    let dossiers = grouped(s.app.store().count_dossiers().await.unwrap_or(0));
    let rows: String = s
        .app
        .procedures()
        .await
        .map(|ps| {
            ps.iter()
                .map(|p| {
                    format!(
                        "<tr><td><a href=\"/api/v1/procedures/{c}\">{c}</a></td><td>{n}</td><td>{f}</td></tr>",
                        c = esc(p.code.as_str()),
                        n = esc(&p.name),
                        f = esc(&p.field)
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    Html(format!(
        r#"<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>motcua — Hệ thống thông tin giải quyết thủ tục hành chính</title>
<style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b;line-height:1.5}}
h1{{color:#a50e0e;margin-bottom:.2rem}}.stats{{display:flex;gap:1rem;flex-wrap:wrap;margin:1rem 0}}
.stat{{border:1px solid #ccc;border-radius:6px;padding:.6rem 1rem;min-width:9rem}}.stat b{{display:block;font-size:1.6rem}}
table{{border-collapse:collapse;width:100%}}td,th{{border-bottom:1px solid #ddd;padding:.35rem;text-align:start;vertical-align:top}}
a{{color:#0b4f9c}}</style></head><body>
<h1>motcua</h1><p>Hệ thống thông tin giải quyết thủ tục hành chính một cửa — chính quyền địa phương hai cấp.</p>
<div class="stats"><div class="stat"><b>{provinces}</b>tỉnh, thành phố</div><div class="stat"><b>{communes}</b>xã, phường, đặc khu</div>
<div class="stat"><b>{procedures}</b>thủ tục hành chính</div><div class="stat"><b>{dossiers}</b>hồ sơ</div></div>
<p><a href="/api/docs">API (Swagger UI)</a> · <a href="/api/openapi.json">OpenAPI</a> · <a href="/healthz">healthz</a> ·
<a href="/api/v1/units/provinces">Danh sách tỉnh</a> · <a href="/api/v1/units/resolve?address=X%C3%A3%20Ph%C3%BA%20H%E1%BB%99i%2C%20Huy%E1%BB%87n%20%C4%90%E1%BB%A9c%20Tr%E1%BB%8Dng%2C%20T%E1%BB%89nh%20L%C3%A2m%20%C4%90%E1%BB%93ng">Tra địa chỉ cũ</a></p>
<h2>Danh mục thủ tục</h2><table><thead><tr><th>Mã</th><th>Tên thủ tục</th><th>Lĩnh vực</th></tr></thead><tbody>{rows}</tbody></table>
</body></html>"#
    ))
}

/// Page routes.
pub fn routes() -> Router<AppState> {
    Router::new().route("/", get(home))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_with_dots() {
        assert_eq!(grouped(3321), "3.321");
        assert_eq!(grouped(34), "34");
        assert_eq!(grouped(1_000_000), "1.000.000");
        assert_eq!(
            esc("<a href=\"x\">&</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;"
        );
    }
}
