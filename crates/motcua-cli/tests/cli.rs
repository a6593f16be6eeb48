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
        use motcua_app::Store as _;
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
    let mut child = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["--data-dir", data, "serve", "--port", "0"])
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
