//! Every form renders from the same data (hostile strings included) into an A4 PDF with the
//! national motto, its title and the data as text; set MOTCUA_DOC_OUT=DIR to keep the files for
//! a look (`pdftoppm -png`).

use motcua_app::documents::DocumentEngine;
use motcua_documents::{Engine, EngineSettings};
use serde_json::Value;

fn sample() -> Value {
    serde_json::from_str(include_str!("data/sample.json")).unwrap()
}

fn png() -> Vec<u8> {
    include_bytes!("data/scan.png").to_vec()
}

fn engine() -> (Engine, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    (Engine::new(dir.path(), &EngineSettings::default()), dir)
}

fn text_of(pdf: &[u8]) -> String {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    doc.extract_text(&pages).unwrap_or_default()
}

#[test]
fn every_form_renders_with_its_title_and_the_motto() {
    let (engine, _dir) = engine();
    let data = sample();
    let out = std::env::var("MOTCUA_DOC_OUT").ok();
    for (template, title) in [
        ("form01", "GIẤY TIẾP NHẬN HỒ SƠ"),
        ("form02", "PHIẾU YÊU CẦU BỔ SUNG"),
        ("form03", "PHIẾU TỪ CHỐI TIẾP NHẬN"),
        ("form04", "PHIẾU XIN LỖI"),
        ("form05", "DỪNG GIẢI QUYẾT HỒ SƠ"),
        ("form06", "PHIẾU KIỂM SOÁT QUÁ TRÌNH"),
        ("form07", "SỔ THEO DÕI HỒ SƠ"),
        ("scan", "BẢN SỐ HÓA"),
    ] {
        let files = vec![("scan.png".to_owned(), png())];
        let pdf = engine
            .render(template, &data, &files)
            .unwrap_or_else(|e| panic!("{template}: {e}"));
        assert!(pdf.starts_with(b"%PDF-"), "{template}");
        if let Some(dir) = &out {
            std::fs::write(format!("{dir}/{template}.pdf"), &pdf).unwrap();
        }
        let text = text_of(&pdf);
        let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            flat.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
            "{template}: {flat}"
        );
        assert!(flat.contains("Độc lập - Tự do - Hạnh phúc"), "{template}");
        assert!(flat.contains(title), "{template}: {flat}");
        if template != "form07" {
            assert!(flat.contains("24958-261123-0007"), "{template}");
        }
    }
}

#[test]
fn hostile_strings_print_as_text() {
    let (engine, _dir) = engine();
    let pdf = engine.render("form03", &sample(), &[]).unwrap();
    let flat: String = text_of(&pdf)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        flat.contains("#set text(red) ] * _ $ `code` <script>"),
        "{flat}"
    );
    assert!(flat.contains("Nguyễn Thị Phượng Hoàng ## ] [ @x"), "{flat}");
}

#[test]
fn a_missing_template_is_an_error_not_a_panic() {
    let (engine, _dir) = engine();
    assert!(engine.render("form99", &sample(), &[]).is_err());
    let mut broken = sample();
    broken.as_object_mut().unwrap().remove("agency");
    assert!(engine.render("form01", &broken, &[]).is_err());
}
