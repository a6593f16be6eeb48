//! `motcua assistant eval|ask` and `motcua bench search`: the assistant's evaluation set, a
//! question from the command line, and search latency on the seed catalogue and on a generated
//! catalogue of national size.

use super::{block_on, with_app};
use crate::args::AssistantWhat;
use crate::settings::Settings;
use anyhow::{Context, Result, bail};
use motcua_app::App;
use motcua_app::assistant::Question;
use motcua_domain::catalogue::Procedure;
use motcua_search::assistant::{check_grounded, compose, decide, detect_language};
use motcua_search::eval::percentile;
use motcua_search::{Lexicon, ProcedureIndex, eval};
use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

/// Runs `motcua assistant …`: the evaluation needs no database, a question does.
pub(crate) fn run(s: Settings, what: AssistantWhat) -> Result<()> {
    match what {
        AssistantWhat::Eval { file, json } => eval_cmd(file.as_deref(), json),
        AssistantWhat::Ask {
            question,
            commune,
            address,
            json,
        } => block_on(with_app(&s, async |app| {
            let q = Question {
                question,
                commune,
                address,
                ..Default::default()
            };
            ask_cmd(app, q, json).await
        })),
    }
}

fn seed() -> Vec<Procedure> {
    crate::setup::seed_procedures().expect("the shipped seed catalogue is valid (tested)")
}

/// Runs the evaluation set (the embedded one, or `file`) against the seed catalogue; fails
/// when a target is missed (top-1 ≥ 85 %, top-3 ≥ 95 %, p95 < 50 ms, nothing ungrounded).
pub fn eval_cmd(file: Option<&Path>, json: bool) -> Result<()> {
    let text = match file {
        Some(f) => {
            std::fs::read_to_string(f).with_context(|| format!("reading {}", f.display()))?
        }
        None => eval::EMBEDDED.to_owned(),
    };
    let set = eval::parse(&text).map_err(|e| anyhow::anyhow!("evaluation file: {e}"))?;
    let catalogue = seed();
    let index = ProcedureIndex::build(&catalogue, &HashMap::new(), Lexicon::embedded())?;
    // One unmeasured pass warms the caches, as a running server's would be.
    let _ = eval::run(&index, &catalogue, &set);
    let r = eval::run(&index, &catalogue, &set);
    if json {
        println!("{}", serde_json::to_string_pretty(&r)?);
    } else {
        println!(
            "{} questions ({} Vietnamese, {} Vietnamese without diacritics, {} English)",
            r.questions,
            r.by_language.get("vi").unwrap_or(&0),
            r.by_language.get("vi_unaccented").unwrap_or(&0),
            r.by_language.get("en").unwrap_or(&0)
        );
        println!(
            "top-1 {:.1} %   top-3 {:.1} %",
            r.top1 * 100.0,
            r.top3 * 100.0
        );
        println!(
            "latency per question: p50 {:.3} ms   p95 {:.3} ms   max {:.3} ms",
            r.p50_ms, r.p95_ms, r.max_ms
        );
        println!(
            "answers citing what their record does not hold: {}",
            r.grounding_problems.len()
        );
        for m in &r.misses {
            println!(
                "  missed: {:?} expected {:?}, got {:?} ({:?})",
                m.q, m.expect, m.got, m.kind
            );
        }
    }
    if r.top1 < 0.85 || r.top3 < 0.95 || r.p95_ms >= 50.0 || !r.grounding_problems.is_empty() {
        bail!("the evaluation misses a target");
    }
    Ok(())
}

/// Asks one question through the application (the deployment's catalogue and units).
pub async fn ask_cmd(app: &App, q: Question, json: bool) -> Result<()> {
    let reply = app.ask(&q).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    if json {
        println!("{}", serde_json::to_string_pretty(&reply)?);
        return Ok(());
    }
    if let Some(p) = &reply.place {
        println!("[{}] {}", p.name.clone().unwrap_or_default(), p.note);
    }
    println!("{}", reply.answer.text);
    println!();
    for s in &reply.answer.sources {
        println!(
            "[{}] {} v{} · {}: {}",
            s.n, s.procedure, s.version, s.part, s.text
        );
    }
    Ok(())
}

const VERBS: &[&str] = &[
    "Cấp",
    "Cấp lại",
    "Cấp đổi",
    "Gia hạn",
    "Điều chỉnh",
    "Thu hồi",
    "Đăng ký",
    "Xác nhận",
    "Công nhận",
    "Phê duyệt",
    "Thẩm định",
    "Chấp thuận",
    "Bổ sung",
    "Hủy bỏ",
    "Chuyển đổi",
];
const OBJECTS: &[&str] = &[
    "giấy phép kinh doanh rượu",
    "chứng chỉ hành nghề dược",
    "giấy phép lái xe",
    "giấy chứng nhận đủ điều kiện an toàn thực phẩm",
    "giấy phép khai thác khoáng sản",
    "giấy phép xả thải vào nguồn nước",
    "chứng chỉ hành nghề khám bệnh chữa bệnh",
    "giấy phép thành lập trường mầm non",
    "giấy phép hoạt động in",
    "giấy phép tổ chức lễ hội",
    "giấy chứng nhận quyền sử dụng đất",
    "giấy phép sử dụng vật liệu nổ",
    "giấy phép lao động",
    "giấy chứng nhận đăng ký doanh nghiệp",
    "giấy phép kinh doanh vận tải",
    "biển hiệu quảng cáo",
    "giấy phép nhập khẩu thuốc",
    "chứng nhận cơ sở đạt chuẩn nông thôn mới",
    "hợp tác xã",
    "giấy phép đào tạo lái xe",
    "chứng chỉ quy hoạch xây dựng",
    "giấy phép thăm dò nước ngầm",
    "giấy phép hoạt động điện lực",
    "chứng nhận làng nghề",
    "danh hiệu gia đình văn hóa",
    "giấy phép karaoke",
    "giấy phép biểu diễn nghệ thuật",
    "thư viện tư nhân",
    "nhà thuốc",
    "phòng khám đa khoa",
    "cơ sở giáo dục nghề nghiệp",
    "quỹ xã hội từ thiện",
    "hội nghề nghiệp",
    "tàu cá",
    "giấy phép khai thác thủy sản",
    "trang trại chăn nuôi",
    "giống cây trồng",
    "phân bón",
    "thuốc bảo vệ thực vật",
    "cơ sở giết mổ gia súc",
    "chợ đầu mối",
    "bến thủy nội địa",
    "phương tiện thủy nội địa",
    "công trình thủy lợi",
    "rừng sản xuất",
    "gỗ rừng trồng",
    "di tích lịch sử",
    "bảo tàng ngoài công lập",
    "sân golf",
    "khu du lịch",
    "cơ sở lưu trú du lịch",
    "thẻ hướng dẫn viên du lịch",
    "chứng chỉ kiểm toán năng lượng",
    "trạm sạc xe điện",
    "hệ thống điện mặt trời mái nhà",
    "giấy phép tần số vô tuyến",
    "đại lý internet",
    "trò chơi điện tử",
];
const QUALIFIERS: &[&str] = &[
    "",
    "cho tổ chức",
    "cho cá nhân",
    "có yếu tố nước ngoài",
    "do bị mất, hỏng",
    "khi thay đổi nội dung",
    "cho doanh nghiệp nhỏ và vừa",
];

/// A catalogue of `n` procedures: the seed, then generated ones named as the national
/// catalogue names them (verb × object × qualifier), with the seed's documents and channels.
pub fn generated_catalogue(n: usize) -> Vec<Procedure> {
    let seed = seed();
    let mut out = seed.clone();
    let mut i = 0usize;
    'outer: for q in QUALIFIERS {
        for o in OBJECTS {
            for v in VERBS {
                if out.len() >= n {
                    break 'outer;
                }
                let base = &seed[i % seed.len()];
                let mut p = base.clone();
                p.code = motcua_domain::ids::ProcedureCode::parse(&format!("9.{:06}", i + 1))
                    .expect("generated codes are valid");
                p.name = format!("{v} {o}{}{q}", if q.is_empty() { "" } else { " " });
                p.name_en = None;
                p.field = format!("Lĩnh vực {}", i % 40 + 1);
                out.push(p);
                i += 1;
            }
        }
    }
    out
}

/// Search latency: the evaluation questions `rounds` times over the seed catalogue and over a
/// generated catalogue of `procedures`; prints p50/p95/p99 per catalogue, and the build time.
pub fn bench_search(procedures: usize, rounds: usize, json: bool) -> Result<()> {
    let set = eval::parse(eval::EMBEDDED).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut results = Vec::new();
    for (label, catalogue) in [
        ("seed", seed()),
        ("generated", generated_catalogue(procedures)),
    ] {
        let started = Instant::now();
        let index = ProcedureIndex::build(&catalogue, &HashMap::new(), Lexicon::embedded())?;
        let build_ms = started.elapsed().as_secs_f64() * 1000.0;
        let records: HashMap<String, &Procedure> =
            catalogue.iter().map(|p| (p.code.to_string(), p)).collect();
        let mut search_ms = Vec::new();
        let mut answer_ms = Vec::new();
        for round in 0..=rounds {
            for q in &set {
                let t = Instant::now();
                let hits = index.search(&q.q, 50);
                let s = t.elapsed().as_secs_f64() * 1000.0;
                let t = Instant::now();
                let d = decide(&index, &q.q, None);
                let a = compose(&d, &records, detect_language(&q.q), &|_| None, None);
                let ms = t.elapsed().as_secs_f64() * 1000.0;
                if round > 0 {
                    // round 0 warms up
                    search_ms.push(s);
                    answer_ms.push(ms);
                }
                if !check_grounded(&a, &records).is_empty() || hits.len() > 50 {
                    bail!("ungrounded answer for {:?}", q.q);
                }
            }
        }
        search_ms.sort_by(f64::total_cmp);
        answer_ms.sort_by(f64::total_cmp);
        results.push(serde_json::json!({
            "catalogue": label,
            "procedures": catalogue.len(),
            "build_ms": build_ms,
            "queries": search_ms.len(),
            "search_p50_ms": percentile(&search_ms, 0.5),
            "search_p95_ms": percentile(&search_ms, 0.95),
            "search_p99_ms": percentile(&search_ms, 0.99),
            "assistant_p50_ms": percentile(&answer_ms, 0.5),
            "assistant_p95_ms": percentile(&answer_ms, 0.95),
            "assistant_p99_ms": percentile(&answer_ms, 0.99),
        }));
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&results)?);
    } else {
        for r in &results {
            println!(
                "{:>9}: {:>5} procedures, index built in {:.0} ms; search p50 {:.3} / p95 {:.3} / p99 {:.3} ms; assistant p50 {:.3} / p95 {:.3} / p99 {:.3} ms ({} queries)",
                r["catalogue"].as_str().unwrap_or(""),
                r["procedures"],
                r["build_ms"].as_f64().unwrap_or(0.0),
                r["search_p50_ms"].as_f64().unwrap_or(0.0),
                r["search_p95_ms"].as_f64().unwrap_or(0.0),
                r["search_p99_ms"].as_f64().unwrap_or(0.0),
                r["assistant_p50_ms"].as_f64().unwrap_or(0.0),
                r["assistant_p95_ms"].as_f64().unwrap_or(0.0),
                r["assistant_p99_ms"].as_f64().unwrap_or(0.0),
                r["queries"],
            );
        }
    }
    Ok(())
}
