//! The `motcua` binary end to end: calendar commands, demo, tokens, audit verification (and its
//! failure after tampering), and a real socket.

use motcua_store_sqlite::SqliteStore;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

fn motcua(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(args)
        .env_remove("MOTCUA_CONFIG")
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("run motcua");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn calendar_commands_print_tet_holidays_and_due_dates() {
    assert_eq!(motcua(&["calendar", "tet", "2025"]).1.trim(), "2025-01-29");
    assert_eq!(motcua(&["calendar", "tet", "1985"]).1.trim(), "1985-01-21");
    let (ok, out, _) = motcua(&["calendar", "holidays", "2025"]);
    assert!(ok);
    let first: Vec<&str> = out.lines().map(|l| &l[..10]).collect();
    assert_eq!(
        first,
        [
            "2025-01-01",
            "2025-01-27",
            "2025-01-28",
            "2025-01-29",
            "2025-01-30",
            "2025-01-31",
            "2025-04-07",
            "2025-04-30",
            "2025-05-01",
            "2025-05-02",
            "2025-09-01",
            "2025-09-02"
        ]
    );
    let (_, out, _) = motcua(&[
        "calendar",
        "due",
        "--from",
        "2025-01-24T16:00:00+07:00",
        "--value",
        "3",
        "--unit",
        "working-days",
    ]);
    assert_eq!(out.trim(), "2025-02-05T16:00:00+07:00");
    let (_, out, _) = motcua(&[
        "calendar",
        "due",
        "--from",
        "2025-03-03T15:30:00+07:00",
        "--value",
        "0",
        "--unit",
        "same-day",
    ]);
    assert_eq!(out.trim(), "2025-03-04T17:00:00+07:00");
    let (ok, _, err) = motcua(&[
        "calendar", "due", "--from", "soon", "--value", "3", "--unit", "days",
    ]);
    assert!(!ok && err.contains("RFC 3339"), "{err}");
    assert!(!motcua(&["calendar", "tet", "2101"]).0);
}

fn tamper(db: &Path, sql: &str) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let store = SqliteStore::open(db).await.unwrap();
        store.execute_raw(sql).await.unwrap();
        store.close().await;
    });
}

#[test]
fn audit_verify_passes_on_the_demo_and_fails_after_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let (ok, out, err) = motcua(&["--data-dir", data, "demo", "--no-serve", "--dossiers", "40"]);
    assert!(ok, "{out}\n{err}");
    assert!(
        out.contains("34 provinces, 3321 communes, 10571 mapping rows"),
        "{out}"
    );
    assert!(
        out.contains("counter_officer.24958.ttpvhcc")
            && out.contains("Password of every demo account"),
        "demo accounts are printed: {out}"
    );
    let (ok, out, _) = motcua(&["--data-dir", data, "audit", "verify"]);
    assert!(ok && out.contains("audit ok"), "{out}");
    let db = dir.path().join("motcua.db");
    // Alter one event's payload (after removing the append-only guard, as an attacker with
    // database access could).
    tamper(
        &db,
        "DROP TRIGGER dossier_events_no_update; DROP TRIGGER dossier_events_no_delete;
         UPDATE dossier_events SET payload = replace(payload, '\"', '''') WHERE rowid = (SELECT MIN(rowid) FROM dossier_events WHERE seq = 2);",
    );
    let (ok, out, err) = motcua(&["--data-dir", data, "audit", "verify"]);
    assert!(!ok, "tampering must fail verification");
    let broken: Vec<&str> = out.lines().filter(|l| l.starts_with("BROKEN ")).collect();
    assert_eq!(broken.len(), 1, "{out}");
    assert!(broken[0].contains("at event 2"), "{out}");
    // 40 generated and the 7 of the planted broker.
    assert!(err.contains("1 of 47 dossiers"), "{err}");
}

#[test]
fn audit_verify_fails_when_an_event_is_removed() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    assert!(motcua(&["--data-dir", data, "demo", "--no-serve", "--dossiers", "20"]).0);
    let db = dir.path().join("motcua.db");
    tamper(
        &db,
        "DROP TRIGGER dossier_events_no_delete;
         DELETE FROM dossier_events WHERE rowid = (SELECT MAX(rowid) FROM dossier_events);",
    );
    let (ok, out, _) = motcua(&["--data-dir", data, "audit", "verify"]);
    assert!(!ok);
    assert!(out.contains("events removed or added"), "{out}");
}

/// Runs motcua with `input` on standard input.
fn motcua_stdin(args: &[&str], input: &str) -> (bool, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(args)
        .env_remove("MOTCUA_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run motcua");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn accounts_are_created_reset_disabled_and_listed_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    assert!(motcua(&["--data-dir", data, "init"]).0);
    let create = |name: &str, role: &str, agency: &str| {
        motcua(&[
            "--data-dir",
            data,
            "admin",
            "user",
            "create",
            name,
            "--name",
            "Lê Thị Hoa",
            "--agency",
            agency,
            "--role",
            role,
        ])
    };
    // A one-time password on stdout, once.
    let (ok, out, err) = create("hoa.tiepnhan", "counter_officer", "24958.TTPVHCC");
    assert!(ok, "{err}");
    assert_eq!(out.trim().len(), 16, "{out}");
    assert!(err.contains("one-time password"), "{err}");
    // Taken names, unknown agencies and roles, bad names are refused.
    for (name, role, agency) in [
        ("hoa.tiepnhan", "specialist", "24958.UBND"),
        ("an.chuyenvien", "king", "24958.UBND"),
        ("an.chuyenvien", "specialist", "99.NONE"),
        ("a b", "specialist", "24958.UBND"),
    ] {
        assert!(!create(name, role, agency).0, "{name} {role} {agency}");
    }
    // A chosen password on stdin; a weak one is refused.
    let args = [
        "--data-dir",
        data,
        "admin",
        "user",
        "create",
        "admin.68",
        "--name",
        "Quản trị",
        "--agency",
        "68.UBND",
        "--role",
        "province_admin",
        "--password-stdin",
    ];
    assert!(!motcua_stdin(&args, "short\n").0);
    let (ok, out, err) = motcua_stdin(&args, "một câu dài dễ nhớ\n");
    assert!(ok && out.trim().is_empty(), "{out} {err}");
    let (ok, out, _) = motcua(&[
        "--data-dir",
        data,
        "admin",
        "user",
        "reset-password",
        "hoa.tiepnhan",
    ]);
    assert!(ok && out.trim().len() == 16, "{out}");
    assert!(
        motcua(&[
            "--data-dir",
            data,
            "admin",
            "user",
            "disable",
            "hoa.tiepnhan"
        ])
        .0
    );
    assert!(
        !motcua(&[
            "--data-dir",
            data,
            "admin",
            "user",
            "disable",
            "nobody.here"
        ])
        .0
    );
    let (ok, out, _) = motcua(&["--data-dir", data, "admin", "user", "list"]);
    assert!(ok);
    assert!(
        out.contains("admin.68") && out.contains("province_admin"),
        "{out}"
    );
    assert!(
        out.contains("hoa.tiepnhan") && out.contains("(disabled)"),
        "{out}"
    );
    // Every change is in the security log.
    let db = dir.path().join("motcua.db");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let kinds = rt.block_on(async {
        use motcua_app::ports::roles::*;
        let store = SqliteStore::open(&db).await.unwrap();
        let mut k: Vec<String> = store
            .security_events(None, 20)
            .await
            .unwrap()
            .into_iter()
            .map(|e| format!("{} {}", e.kind, e.actor))
            .collect();
        k.reverse();
        k
    });
    assert_eq!(
        kinds,
        [
            "user_created cli",
            "user_created cli",
            "password_reset cli",
            "user_disabled cli"
        ]
    );
}

#[test]
fn tokens_need_a_known_agency_and_role() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    assert!(motcua(&["--data-dir", data, "init"]).0);
    let (ok, out, _) = motcua(&[
        "--data-dir",
        data,
        "token",
        "create",
        "--agency",
        "68.STP",
        "--role",
        "specialist",
    ]);
    assert!(ok && out.trim().starts_with("mct_"), "{out}");
    assert!(
        !motcua(&[
            "--data-dir",
            data,
            "token",
            "create",
            "--agency",
            "99.NONE",
            "--role",
            "specialist"
        ])
        .0
    );
    assert!(
        !motcua(&[
            "--data-dir",
            data,
            "token",
            "create",
            "--agency",
            "68.STP",
            "--role",
            "king"
        ])
        .0
    );
    // Export then re-import: nothing changes.
    let export = dir.path().join("procedures.json");
    assert!(
        motcua(&[
            "--data-dir",
            data,
            "export",
            "procedures",
            "--out",
            export.to_str().unwrap()
        ])
        .0
    );
    let (ok, out, _) = motcua(&[
        "--data-dir",
        data,
        "import",
        "procedures",
        export.to_str().unwrap(),
    ]);
    assert!(ok);
    assert_eq!(out.trim(), "created 0, new versions 0, unchanged 28");
    // A second init is idempotent.
    let (ok, out, _) = motcua(&["--data-dir", data, "init"]);
    assert!(
        ok && out.contains("0 new, 0 new versions, 28 unchanged"),
        "{out}"
    );
}

#[test]
fn serve_answers_on_a_real_socket() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    assert!(motcua(&["--data-dir", data, "init"]).0);
    let (mut child, url) = serve_with(data, &[]);
    let mut s = std::net::TcpStream::connect(&url).unwrap();
    write!(
        s,
        "GET /healthz HTTP/1.1\r\nHost: {url}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    child.kill().ok();
    child.wait().ok();
    assert!(resp.starts_with("HTTP/1.1 200"), "{resp}");
    assert!(resp.contains("\"status\":\"ok\""), "{resp}");
}

/// A minimal one-page PDF with a correct cross-reference table.
fn tiny_pdf() -> Vec<u8> {
    let objs = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objs.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(b"xref\n0 4\n0000000000 65535 f\r\n");
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n\r\n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
    );
    out
}

#[test]
fn pki_sign_and_verify_commands() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d");
    let data = data.to_str().unwrap();
    let input = dir.path().join("in.pdf");
    std::fs::write(&input, tiny_pdf()).unwrap();
    let out_pdf = dir.path().join("out.pdf");
    let (input, out) = (input.to_str().unwrap(), out_pdf.to_str().unwrap());

    // Signing before there is a CA or a certificate says what to do.
    let (ok, _, err) = motcua(&[
        "pki",
        "issue",
        "--agency",
        "24958.TTPVHCC",
        "--data-dir",
        data,
    ]);
    assert!(!ok && err.contains("pki init"), "{err}");
    let (ok, _, err) = motcua(&["pki", "init", "--data-dir", data]);
    assert!(ok, "{err}");
    assert!(err.contains("WARNING: no passphrase configured"), "{err}");
    let (ok, _, err) = motcua(&["pki", "init", "--data-dir", data]);
    assert!(!ok && err.contains("already exists"), "{err}");
    let (ok, _, err) = motcua(&[
        "sign",
        input,
        "--agency",
        "24958.TTPVHCC",
        "--out",
        out,
        "--data-dir",
        data,
    ]);
    assert!(
        !ok && err.contains("pki issue --agency 24958.TTPVHCC"),
        "{err}"
    );
    let (ok, out_s, err) = motcua(&[
        "pki",
        "issue",
        "--agency",
        "24958.TTPVHCC",
        "--data-dir",
        data,
    ]);
    assert!(ok, "{err}");
    assert!(
        out_s.contains("Trung tâm Phục vụ hành chính công xã Đức Trọng"),
        "{out_s}"
    );
    let (ok, _, err) = motcua(&["pki", "issue", "--agency", "99999.NOPE", "--data-dir", data]);
    assert!(!ok && err.contains("no agency"), "{err}");

    let (ok, _, err) = motcua(&[
        "sign",
        input,
        "--agency",
        "24958.TTPVHCC",
        "--out",
        out,
        "--data-dir",
        data,
    ]);
    assert!(ok, "{err}");
    let (ok, summary, err) = motcua(&["verify", out, "--data-dir", data]);
    assert!(ok, "{summary}{err}");
    assert!(summary.contains("VALID"), "{summary}");
    assert!(summary.contains("signed by Trung tâm Phục vụ hành chính công xã Đức Trọng"));

    // The unsigned original, a changed byte, another deployment: non-zero with the reason.
    let (ok, _, err) = motcua(&["verify", input, "--data-dir", data]);
    assert!(!ok && err.contains("signature.none"), "{err}");
    let mut bytes = std::fs::read(&out_pdf).unwrap();
    bytes[20] ^= 1;
    let tampered = dir.path().join("t.pdf");
    std::fs::write(&tampered, bytes).unwrap();
    let (ok, _, err) = motcua(&["verify", tampered.to_str().unwrap(), "--data-dir", data]);
    assert!(!ok && err.contains("signature.digest_mismatch"), "{err}");
    let other = dir.path().join("other");
    let (ok, _, err) = motcua(&["pki", "init", "--data-dir", other.to_str().unwrap()]);
    assert!(ok, "{err}");
    let (ok, _, err) = motcua(&["verify", out, "--data-dir", other.to_str().unwrap()]);
    assert!(!ok && err.contains("certificate.untrusted"), "{err}");
    let (ok, _, err) = motcua(&[
        "verify",
        dir.path().join("missing.pdf").to_str().unwrap(),
        "--data-dir",
        data,
    ]);
    assert!(!ok && err.contains("reading"), "{err}");

    // Keys are encrypted; the wrong passphrase cannot sign.
    let key = std::fs::read_to_string(Path::new(data).join("pki/agencies/24958.TTPVHCC.key.pem"))
        .unwrap();
    assert!(key.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    let st = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args([
            "sign",
            input,
            "--agency",
            "24958.TTPVHCC",
            "--out",
            out,
            "--data-dir",
            data,
        ])
        .env("MOTCUA_PKI_PASSPHRASE", "a wrong but long passphrase")
        .env("RUST_BACKTRACE", "0")
        .output()
        .unwrap();
    assert!(!st.status.success());
    assert!(String::from_utf8_lossy(&st.stderr).contains("wrong PKI passphrase"));
}

#[test]
fn authority_check_finds_the_planted_overlap_and_gap_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    assert!(motcua(&["--data-dir", data, "demo", "--no-serve", "--dossiers", "0"]).0);
    // Every province, one object.
    let (ok, out, err) = motcua(&["--data-dir", data, "authority", "check", "--json"]);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["provinces"].as_array().unwrap().len(), 34);
    let overlaps = v["overlaps"].as_array().unwrap();
    assert_eq!(overlaps.len(), 1, "{out}");
    assert_eq!(overlaps[0]["province"], "68");
    assert_eq!(overlaps[0]["procedure"], "1.010824");
    assert_eq!(overlaps[0]["units"], serde_json::json!(["22945"]));
    assert_eq!(
        overlaps[0]["agencies"],
        serde_json::json!(["68.BHXH", "68.SNV"])
    );
    let gaps = v["gaps"].as_array().unwrap();
    assert_eq!(gaps.len(), 1, "{out}");
    assert_eq!(gaps[0]["procedure"], "local.giay-phep-xay-dung-nha-o");
    assert_eq!(gaps[0]["units"], serde_json::json!(["23272"]));
    for k in [
        "expired_delegations",
        "dangling_delegations",
        "level_changes",
    ] {
        assert_eq!(v[k], serde_json::json!([]), "{k}");
    }
    // One province: its report as it is.
    let (ok, out, _) = motcua(&[
        "--data-dir",
        data,
        "authority",
        "check",
        "--province",
        "68",
        "--json",
    ]);
    assert!(ok);
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (r["province"].as_str(), r["rules"].as_u64()),
        (Some("68"), Some(5))
    );
    // Text, and --strict fails on findings but not on a clean province.
    let (ok, out, _) = motcua(&[
        "--data-dir",
        data,
        "authority",
        "check",
        "--province",
        "68",
        "--strict",
    ]);
    assert!(
        !ok && out.contains("OVERLAP 1.010824")
            && out.contains("GAP local.giay-phep-xay-dung-nha-o"),
        "{out}"
    );
    let (ok, out, _) = motcua(&[
        "--data-dir",
        data,
        "authority",
        "check",
        "--province",
        "79",
        "--strict",
    ]);
    assert!(ok && out.contains("no overlap"), "{out}");
    let (ok, _, err) = motcua(&[
        "--data-dir",
        data,
        "authority",
        "check",
        "--date",
        "2026/01/01",
    ]);
    assert!(!ok && err.contains("YYYY-MM-DD"), "{err}");
}

/// `serve` with `envs`, on 127.0.0.1 and a free port: the child and its address.
fn serve_with(data: &str, envs: &[(&str, &str)]) -> (std::process::Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["--data-dir", data, "serve", "--port", "0"])
        .envs(envs.iter().copied())
        .env_remove("MOTCUA_CONFIG")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let url = loop {
        let line = lines.next().expect("serve prints its URL").unwrap();
        if let Some(rest) = line.split("http://").nth(1) {
            break rest.split('/').next().unwrap().to_owned();
        }
    };
    (child, url)
}

/// One HTTP/1.1 request from the loopback address `from` (a real socket bound to it) with extra
/// header lines; the status line and the headers of the answer.
fn request_from(from: &str, url: &str, path: &str, extra: &str) -> String {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let sock = tokio::net::TcpSocket::new_v4().unwrap();
        sock.bind(format!("{from}:0").parse().unwrap()).unwrap();
        let mut s = sock.connect(url.parse().unwrap()).await.unwrap();
        s.write_all(
            format!("GET {path} HTTP/1.1\r\nHost: {url}\r\n{extra}Connection: close\r\n\r\n")
                .as_bytes(),
        )
        .await
        .unwrap();
        let mut resp = Vec::new();
        s.read_to_end(&mut resp).await.unwrap();
        let text = String::from_utf8_lossy(&resp).into_owned();
        text.split("\r\n\r\n").next().unwrap_or("").to_owned()
    })
}

/// Issue #29: the real binary keys its limits on the real peer address — two loopback sources
/// get separate buckets; forwarded headers count only from the trusted proxy (its client gets a
/// bucket of its own, and TLS behind it gets HSTS); a forged header from anyone else changes
/// nothing.
#[test]
fn serve_limits_each_client_address_and_believes_only_the_trusted_proxy() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    assert!(motcua(&["--data-dir", data, "init"]).0);
    let (mut child, url) = serve_with(
        data,
        &[
            ("MOTCUA_RATE_LIMIT_TRACKING_PER_MINUTE", "3"),
            ("MOTCUA_TRUSTED_PROXY", "127.0.0.4"),
        ],
    );
    let track = "/api/v1/track/24958-250101-0001?phone=0912345678";
    let status = |from: &str, extra: &str| {
        let head = request_from(from, &url, track, extra);
        head.split(' ').nth(1).unwrap_or("").to_owned()
    };
    // 127.0.0.2 spends its three lookups, then waits — a forged X-Forwarded-For does not help.
    for _ in 0..3 {
        assert_eq!(status("127.0.0.2", ""), "404");
    }
    assert_eq!(status("127.0.0.2", ""), "429");
    assert_eq!(status("127.0.0.2", "X-Forwarded-For: 10.9.9.9\r\n"), "429");
    // Another address is not affected by the first one's use.
    assert_eq!(status("127.0.0.3", ""), "404");
    // Through the trusted proxy, each forwarded client has its own bucket.
    for _ in 0..3 {
        assert_eq!(status("127.0.0.4", "X-Forwarded-For: 10.0.0.7\r\n"), "404");
    }
    assert_eq!(status("127.0.0.4", "X-Forwarded-For: 10.0.0.7\r\n"), "429");
    assert_eq!(status("127.0.0.4", "X-Forwarded-For: 10.0.0.8\r\n"), "404");
    // TLS at the proxy: HSTS on the answer; the same header from anyone else: none.
    let head = request_from(
        "127.0.0.4",
        &url,
        "/healthz",
        "X-Forwarded-For: 10.0.0.8\r\nX-Forwarded-Proto: https\r\n",
    );
    assert!(
        head.to_ascii_lowercase()
            .contains("strict-transport-security"),
        "{head}"
    );
    let head = request_from(
        "127.0.0.3",
        &url,
        "/healthz",
        "X-Forwarded-Proto: https\r\n",
    );
    assert!(
        !head
            .to_ascii_lowercase()
            .contains("strict-transport-security"),
        "{head}"
    );
    child.kill().ok();
    child.wait().ok();
}

/// Issue #29: a client that opens a connection and sends nothing (or stops half-way through its
/// headers) is closed after the header timeout; past the connection cap a new connection is
/// closed at once, and served again once a slot is free.
#[test]
fn serve_closes_silent_connections_and_caps_them() {
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    assert!(motcua(&["--data-dir", data, "init"]).0);
    let (mut child, url) = serve_with(
        data,
        &[
            ("MOTCUA_HEADER_TIMEOUT_SECONDS", "2"),
            ("MOTCUA_MAX_CONNECTIONS", "2"),
        ],
    );
    let closed_within = |s: &mut std::net::TcpStream, limit: Duration| -> bool {
        s.set_read_timeout(Some(limit)).unwrap();
        let mut buf = Vec::new();
        // EOF (after any answer) or a reset both mean the server closed it; a timeout means it
        // is still open.
        match s.read_to_end(&mut buf) {
            Ok(_) => true,
            Err(e) => !matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ),
        }
    };
    let started = Instant::now();
    let mut silent = std::net::TcpStream::connect(&url).unwrap();
    let mut half = std::net::TcpStream::connect(&url).unwrap();
    write!(half, "GET /healthz HTTP/1.1\r\nHost: x\r\n").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    // Both slots are taken: a third connection is closed without an answer.
    let mut third = std::net::TcpStream::connect(&url).unwrap();
    assert!(
        closed_within(&mut third, Duration::from_secs(2)),
        "over the cap"
    );
    // The silent and the half-sent ones are closed by the header timeout, not kept forever.
    assert!(closed_within(&mut silent, Duration::from_secs(10)));
    assert!(closed_within(&mut half, Duration::from_secs(10)));
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "closed before the timeout"
    );
    // Slots free again: served.
    let head = request_from("127.0.0.1", &url, "/healthz", "");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    child.kill().ok();
    child.wait().ok();
}

/// Issue #29: the data directory and everything in it are the owner's only — the database, its
/// WAL and a backup — and a directory left readable by others is reported and tightened.
#[cfg(unix)]
#[test]
fn personal_data_files_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let d = data.to_str().unwrap();
    assert!(motcua(&["--data-dir", d, "init"]).0);
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&data.join("motcua.db")), 0o600);
    let backup = dir.path().join("copy.db");
    let (ok, out, err) = motcua(&["--data-dir", d, "backup", "--to", backup.to_str().unwrap()]);
    assert!(ok, "{out}{err}");
    assert_eq!(mode(&backup), 0o600);
    for entry in std::fs::read_dir(&data).unwrap() {
        let p = entry.unwrap().path();
        let m = mode(&p);
        assert_eq!(m & 0o077, 0, "{} is {m:o}", p.display());
    }
    // Loosened by hand (or by an old version): said and fixed at the next start.
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(
        data.join("motcua.db"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let (ok, _, err) = motcua(&["--data-dir", d, "audit", "verify"]);
    assert!(ok, "{err}");
    assert!(
        err.contains("WARNING") && err.contains("readable by other users"),
        "{err}"
    );
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&data.join("motcua.db")), 0o600);
}

/// Issue #29: a history rewritten so that every hash chain still verifies — the last event of a
/// dossier removed and the dossier row rolled back to the event before (its version, head and
/// status) — passes the chain check
/// but fails against the checkpoint anchored outside the database; and an altered checkpoint
/// file is refused.
#[test]
fn audit_verify_fails_on_a_rewrite_older_than_the_last_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    assert!(motcua(&["--data-dir", data, "demo", "--no-serve", "--dossiers", "20"]).0);
    let (ok, out, err) = motcua(&["--data-dir", data, "audit", "checkpoint"]);
    assert!(ok, "{out}{err}");
    assert!(out.starts_with("checkpoint "), "{out}");
    let (ok, out, _) = motcua(&["--data-dir", data, "audit", "verify"]);
    assert!(ok && out.contains("matches"), "{out}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let key = dir.path().join("audit/anchor.key");
        let mode = std::fs::metadata(&key).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let db = dir.path().join("motcua.db");
    tamper(
        &db,
        "DROP TRIGGER dossier_events_no_delete;
         CREATE TEMP TABLE victim AS SELECT dossier_id AS id, MAX(seq) AS seq FROM dossier_events
           WHERE dossier_id IN (SELECT dossier_id FROM dossier_events GROUP BY dossier_id HAVING COUNT(*) >= 3)
           GROUP BY dossier_id ORDER BY MAX(at) LIMIT 1;
         DELETE FROM dossier_events WHERE dossier_id = (SELECT id FROM victim) AND seq = (SELECT seq FROM victim);
         CREATE TEMP TABLE before AS SELECT hash, status FROM dossier_events
           WHERE dossier_id = (SELECT id FROM victim) AND seq = (SELECT seq - 1 FROM victim);
         UPDATE dossiers SET version = (SELECT seq - 1 FROM victim),
           last_event_hash = (SELECT hash FROM before),
           status = (SELECT status FROM before),
           data = json_set(data, '$.status', (SELECT status FROM before))
           WHERE id = (SELECT id FROM victim);",
    );
    let (ok, out, err) = motcua(&["--data-dir", data, "audit", "verify"]);
    assert!(!ok, "a rewrite before the checkpoint must fail: {out}");
    assert!(!out.contains("BROKEN"), "every chain still verifies: {out}");
    assert!(out.contains("REWRITTEN"), "{out}");
    assert!(
        err.contains("rewritten before the last checkpoint"),
        "{err}"
    );
    // A checkpoint file edited to match: its MAC no longer verifies.
    let file = dir.path().join("audit/checkpoints.jsonl");
    let text = std::fs::read_to_string(&file).unwrap();
    let v: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    let n = v["events"].as_u64().unwrap();
    std::fs::write(
        &file,
        text.replace(&format!("\"events\":{n}"), &format!("\"events\":{}", n - 1)),
    )
    .unwrap();
    let (ok, _, err) = motcua(&["--data-dir", data, "audit", "verify"]);
    assert!(!ok && err.contains("was altered"), "{err}");
}

/// Issue #29: `token list` shows every token's state (never a secret); `token revoke` ends one.
#[test]
fn tokens_are_listed_and_revoked_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    assert!(motcua(&["--data-dir", data, "init"]).0);
    let (ok, secret, err) = motcua(&[
        "--data-dir",
        data,
        "token",
        "create",
        "--agency",
        "24958.TTPVHCC",
        "--role",
        "counter_officer",
        "--days",
        "30",
        "--label",
        "ket-noi",
    ]);
    assert!(ok, "{err}");
    let id = err
        .split_whitespace()
        .nth(1)
        .expect("the token id is printed")
        .to_owned();
    assert!(err.contains("valid until"), "{err}");
    let (ok, list, _) = motcua(&["--data-dir", data, "token", "list"]);
    assert!(ok);
    assert!(list.contains(&id) && list.contains("active"), "{list}");
    assert!(!list.contains(secret.trim()), "a secret is listed");
    assert!(
        !motcua(&[
            "--data-dir",
            data,
            "token",
            "create",
            "--agency",
            "24958.TTPVHCC",
            "--role",
            "counter_officer",
            "--days",
            "0",
        ])
        .0
    );
    let (ok, out, _) = motcua(&["--data-dir", data, "token", "revoke", &id]);
    assert!(ok && out.contains("revoked"), "{out}");
    let (_, list, _) = motcua(&["--data-dir", data, "token", "list"]);
    assert!(list.contains("revoked"), "{list}");
    assert!(
        !motcua(&["--data-dir", data, "token", "revoke", &id]).0,
        "twice"
    );
}

/// Issue #29 (found by an outside probe of the first fix): the dossier row edited — another
/// status, another applicant's phone — with every chain untouched fails `audit verify`; and the
/// checkpoint file removed while its key stays fails too.
#[test]
fn audit_verify_fails_when_the_dossier_row_or_the_checkpoints_are_changed() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    assert!(motcua(&["--data-dir", data, "demo", "--no-serve", "--dossiers", "20"]).0);
    assert!(motcua(&["--data-dir", data, "audit", "checkpoint"]).0);
    let db = dir.path().join("motcua.db");
    tamper(
        &db,
        "UPDATE dossiers SET data = json_set(data, '$.applicant.phone', '0999999999')
          WHERE code = (SELECT code FROM dossiers ORDER BY code LIMIT 1);",
    );
    let (ok, out, _) = motcua(&["--data-dir", data, "audit", "verify"]);
    assert!(!ok && out.contains("applicant differs"), "{out}");
    tamper(
        &db,
        "UPDATE dossiers SET status = 'finished', data = json_set(data, '$.status', 'finished')
          WHERE code = (SELECT code FROM dossiers WHERE status = 'received' ORDER BY code LIMIT 1);",
    );
    let (ok, out, _) = motcua(&["--data-dir", data, "audit", "verify"]);
    assert!(!ok && out.contains("dossier row says finished"), "{out}");
    std::fs::remove_file(dir.path().join("audit/checkpoints.jsonl")).unwrap();
    let (ok, _, err) = motcua(&["--data-dir", data, "audit", "verify"]);
    assert!(!ok && err.contains("checkpoints were removed"), "{err}");
    // Emptied rather than removed: the same; and no new file is started under the old key.
    std::fs::write(dir.path().join("audit/checkpoints.jsonl"), "").unwrap();
    let (ok, _, err) = motcua(&["--data-dir", data, "audit", "verify"]);
    assert!(!ok && err.contains("checkpoints were removed"), "{err}");
    let (ok, _, err) = motcua(&["--data-dir", data, "audit", "checkpoint"]);
    assert!(!ok && err.contains("checkpoints were removed"), "{err}");
}

/// Issue #29 (second outside probe): the row's columns — what the inbox filters on — edited
/// behind its JSON, or its holder moved, are caught by `audit verify`.
#[test]
fn audit_verify_fails_when_a_column_or_the_holder_is_edited() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    assert!(motcua(&["--data-dir", data, "demo", "--no-serve", "--dossiers", "20"]).0);
    let (ok, out, _) = motcua(&["--data-dir", data, "audit", "verify"]);
    assert!(ok, "{out}");
    let db = dir.path().join("motcua.db");
    tamper(
        &db,
        "UPDATE dossiers SET status = 'returned'
          WHERE code = (SELECT code FROM dossiers WHERE status = 'received' ORDER BY code LIMIT 1);",
    );
    let (ok, out, _) = motcua(&["--data-dir", data, "audit", "verify"]);
    assert!(!ok && out.contains("status column says returned"), "{out}");
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    assert!(motcua(&["--data-dir", data, "demo", "--no-serve", "--dossiers", "20"]).0);
    tamper(
        &dir.path().join("motcua.db"),
        "UPDATE dossiers SET current_agency = '24781.UBND',
                data = json_set(data, '$.current_agency', '24781.UBND')
          WHERE code = (SELECT code FROM dossiers WHERE status = 'received' ORDER BY code LIMIT 1);",
    );
    let (ok, out, _) = motcua(&["--data-dir", data, "audit", "verify"]);
    assert!(!ok && out.contains("holder differs"), "{out}");
}

/// The staffing report's arrivals are the dossiers the centres received — at the counter or
/// online, by signed-in officers (issue #32: it read 0 on the demo, counting only the intakes of
/// API tokens).
#[test]
fn the_demos_received_dossiers_are_the_staffing_reports_arrivals() {
    use motcua_app::ports::{DossierStore as _, MonitoringStore as _};
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let (ok, out, err) = motcua(&["--data-dir", data, "demo", "--no-serve", "--dossiers", "40"]);
    assert!(ok, "{out}\n{err}");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let store = SqliteStore::open(&dir.path().join("motcua.db"))
            .await
            .unwrap();
        let now = time::OffsetDateTime::now_utc();
        let arrivals = store
            .counter_intakes(
                &"68".parse().unwrap(),
                now - time::Duration::weeks(52),
                now + time::Duration::days(1),
            )
            .await
            .unwrap();
        let received = store
            .list_dossiers(&motcua_app::ports::DossierFilter {
                limit: 200,
                ..Default::default()
            })
            .await
            .unwrap()
            .iter()
            .filter(|d| d.received_at.is_some())
            .count() as i64;
        assert!(
            received > 20,
            "the demo receives most of its dossiers: {received}"
        );
        assert_eq!(
            arrivals.len() as i64,
            received,
            "every received dossier is an arrival"
        );
        assert!(
            arrivals
                .iter()
                .all(|(_, officer, _, _)| officer.starts_with("user:")),
            "received by the demo's signed-in counter officers"
        );
        store.close().await;
    });
}
