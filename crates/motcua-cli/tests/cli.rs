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
    assert!(out.contains("24958.TTPVHCC"), "demo tokens are printed");
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
    assert!(err.contains("1 of 40 dossiers"), "{err}");
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
    assert_eq!(out.trim(), "created 0, new versions 0, unchanged 26");
    // A second init is idempotent.
    let (ok, out, _) = motcua(&["--data-dir", data, "init"]);
    assert!(
        ok && out.contains("0 new, 0 new versions, 26 unchanged"),
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
