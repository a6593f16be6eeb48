//! The exchange with the national portal under chaos (issue #33): dossiers taken through their
//! lifecycles (intake, transfer, result, return) while the portal simulator (the `motcua-portal-sim` binary, started here) drops
//! 30 % of its answers after storing, holds some past the client's timeout, fails with 5xx and
//! expires sessions, and a server is killed with `kill -9` twice and restarted — on SQLite with
//! one server, on PostgreSQL with two sharing the outbox. Afterwards the portal holds every
//! dossier once and every step once and in order, nothing extra, and `exchange verify` passes.

use crate::durability::{Db, Server, intake_body, motcua, pg_db, prepare, send, sqlite_db};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const PASSWORD: &str = "portal password of the chaos test";

struct Sim {
    child: Child,
    base: String,
}

impl Sim {
    fn start(faults: &Value) -> Sim {
        let mut child = Command::new(env!("CARGO_BIN_EXE_motcua-portal-sim"))
            .args(["--listen", "127.0.0.1:0", "--username", "chaos"])
            .args(["--faults", &faults.to_string()])
            .env("MOTCUA_PORTAL_SIM_PASSWORD", PASSWORD)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn motcua-portal-sim");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let line = lines
            .next()
            .expect("the simulator prints its address")
            .expect("line");
        let base = line
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_owned();
        std::thread::spawn(move || for _ in lines {});
        Sim { child, base }
    }
}

impl Sim {
    /// What it counts now.
    async fn state(&self, http: &reqwest::Client) -> Value {
        self.get(http, "/_sim/state").await
    }

    async fn get(&self, http: &reqwest::Client, path: &str) -> Value {
        http.get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The outbox's figures, from the command line.
fn status(data: &str, db: &str) -> Value {
    let (ok, out, err) = motcua(data, db, &["exchange", "status", "--json"]);
    assert!(ok, "{out}{err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

async fn chaos(db: Db, dossiers: usize, servers: usize) {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap().to_owned();
    let tokens = prepare(&data, &db.arg);
    let sim = Sim::start(&json!({
        "p_drop_after_store": 0.3,
        "p_hold": 0.03,
        "hold_ms": 1200,
        "p_5xx": 0.02,
        "expire_every": 97,
    }));
    // Short timeouts and leases so that the test sees many retries and take-overs quickly.
    // The shortest retry wait (half of retry_base_ms) is longer than what is left of a held
    // request after the client's timeout, so a held request is stored before the retry looks.
    let config = dir.path().join("motcua.toml");
    std::fs::write(
        &config,
        format!(
            "[portal]\nurl = \"{}\"\nusername = \"chaos\"\ntimeout_ms = 1000\nretry_base_ms = 1000\nretry_cap_seconds = 2\nlease_seconds = 5\npoll_ms = 100\nbreaker_cooldown_seconds = 1\nconcurrency = 16\n",
            sim.base
        ),
    )
    .unwrap();
    let env = [
        ("MOTCUA_CONFIG", config.to_str().unwrap()),
        ("MOTCUA_PORTAL_PASSWORD", PASSWORD),
    ];
    let mut procs: Vec<Server> = (0..servers)
        .map(|_| Server::start(&data, &db.arg, &env))
        .collect();
    let bases: Arc<Mutex<Vec<String>>> =
        Arc::new(Mutex::new(procs.iter().map(|s| s.base.clone()).collect()));

    // The load: lifecycles (intake, transfer, assign, finish) from 8 workers, each on a server
    // of its own; a request a dead server does not answer is tried again on the next one.
    let filed = Arc::new(AtomicUsize::new(0));
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let mut tasks = Vec::new();
    for w in 0..8usize {
        let (client, tokens, bases, filed) =
            (client.clone(), tokens.clone(), bases.clone(), filed.clone());
        tasks.push(tokio::spawn(async move {
            let base = |k: usize| {
                let b = bases.lock().unwrap();
                b[(w + k) % b.len()].clone()
            };
            let mut tries = 0usize;
            loop {
                let n = filed.fetch_add(1, Ordering::Relaxed);
                if n >= dossiers {
                    break;
                }
                let key = format!("chaos-{n}");
                let mut created = None;
                for _ in 0..50 {
                    tries += 1;
                    match send(
                        client
                            .post(format!("{}/api/v1/dossiers", base(tries)))
                            .bearer_auth(&tokens[0])
                            .header("Idempotency-Key", &key)
                            .json(&intake_body(&format!("Người Nộp {n}"), "0912345678")),
                    )
                    .await
                    {
                        Ok((200 | 201, v)) => {
                            created = Some(v);
                            break;
                        }
                        Ok((s, v)) if (400..500).contains(&s) => panic!("intake refused: {v}"),
                        _ => tokio::time::sleep(Duration::from_millis(100)).await,
                    }
                }
                let v = created.expect("an intake went through within 50 tries");
                let code = v["code"].as_str().unwrap().to_owned();
                let mut version = v["version"].as_i64().unwrap();
                let steps = [
                    (0, json!({"action": "transfer", "to_agency": "24958.UBND"})),
                    (
                        2,
                        json!({"action": "finish", "result": {"summary": "Đã chứng thực"}}),
                    ),
                    (0, json!({"action": "return_result", "method": "counter"})),
                ];
                'steps: for (who, mut body) in steps {
                    body["version"] = json!(version);
                    for _ in 0..50 {
                        tries += 1;
                        match send(
                            client
                                .post(format!("{}/api/v1/dossiers/{code}/actions", base(tries)))
                                .bearer_auth(&tokens[who])
                                .json(&body),
                        )
                        .await
                        {
                            Ok((200, v)) => {
                                version = v["version"].as_i64().unwrap();
                                continue 'steps;
                            }
                            // Done by an attempt whose answer was lost: read where it is.
                            // Refused: done by an attempt whose answer was lost (a server
                            // killed after its commit) — the dossier has moved on — or a bug.
                            Ok((s, v)) if (400..500).contains(&s) => {
                                let (_, now) = send(
                                    client
                                        .get(format!("{}/api/v1/dossiers/{code}", base(tries)))
                                        .bearer_auth(&tokens[2]),
                                )
                                .await
                                .unwrap_or_else(|e| panic!("{code}: {e}"));
                                let current = now["version"].as_i64().unwrap_or(0);
                                assert!(current > version, "{code}: {body} refused: {v}");
                                version = current;
                                continue 'steps;
                            }
                            _ => tokio::time::sleep(Duration::from_millis(100)).await,
                        }
                    }
                    break;
                }
            }
        }));
    }
    // kill -9 the first server twice while the load runs, each time after a third of it.
    for third in 1..=2 {
        while filed.load(Ordering::Relaxed) < dossiers * third / 3 {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        procs[0].kill9();
        tokio::time::sleep(Duration::from_millis(300)).await;
        procs[0] = Server::start(&data, &db.arg, &env);
        bases.lock().unwrap()[0] = procs[0].base.clone();
    }
    for t in tasks {
        t.await.unwrap();
    }
    let load_done = started.elapsed();

    // Everything reaches the portal: every lifecycle's four steps (bounded wait; the portal's
    // own counts are read, cheaply, until they are all there).
    let http = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let state = sim.state(&http).await;
        if state["steps"].as_u64() >= Some(4 * dossiers as u64) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the outbox did not drain: {state}; {}",
            status(&data, &db.arg)["status"]
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    // The last answers dropped after storing are settled by a look-up on their retry.
    let st = loop {
        let st = status(&data, &db.arg);
        if st["status"]["pending"] == 0 {
            break st;
        }
        assert!(
            Instant::now() < deadline,
            "the outbox did not drain: {}",
            st["status"]
        );
        tokio::time::sleep(Duration::from_secs(2)).await;
    };
    assert_eq!(st["status"]["dead"], 0, "{st}");
    let drained = started.elapsed();

    // What the portal holds, against the database.
    let sim_state = sim.state(&http).await;
    let delivered = st["status"]["delivered"].as_u64().unwrap();
    assert_eq!(
        sim_state["dossiers"].as_u64(),
        Some(dossiers as u64),
        "{sim_state}"
    );
    assert_eq!(sim_state["duplicate_inserts"], 0, "{sim_state}");
    assert_eq!(sim_state["orphan_steps"], 0, "{sim_state}");
    assert_eq!(sim_state["invalid"], 0, "{sim_state}");
    assert_eq!(
        sim_state["steps"].as_u64(),
        Some(delivered),
        "every step once: {sim_state}"
    );
    assert!(sim_state["faults"].as_u64().unwrap() > 100, "{sim_state}");
    assert!(
        sim_state["session_refusals"].as_u64().unwrap() > 0,
        "{sim_state}"
    );
    let (ok, out, err) = motcua(&data, &db.arg, &["exchange", "verify"]);
    assert!(ok, "{out}{err}");
    let base = procs[0].base.clone();
    // Every dossier once, its steps in the order of its events (its national status codes).
    let (s, listing) = send(
        http.get(format!("{base}/api/v1/dossiers?limit=200"))
            .bearer_auth(&tokens[2]),
    )
    .await
    .unwrap();
    assert_eq!(s, 200, "{listing}");
    let sample: Vec<String> = listing["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_owned())
        .collect();
    assert!(sample.len() >= 100, "{listing}");
    let mut events_total = 0;
    for code in &sample {
        let (s, events) = send(
            http.get(format!("{base}/api/v1/dossiers/{code}/events"))
                .bearer_auth(&tokens[2]),
        )
        .await
        .unwrap();
        assert_eq!(s, 200);
        let held = sim.get(&http, &format!("/_sim/dossiers/{code}")).await;
        assert_eq!(held["records"].as_array().unwrap().len(), 1, "{code}: once");
        let national = |s: &str| {
            u64::from(
                motcua_domain::dossier::Status::parse(s)
                    .unwrap()
                    .national_code(),
            )
        };
        let want: Vec<u64> = events
            .as_array()
            .unwrap()
            .iter()
            .map(|e| national(e["status"].as_str().unwrap()))
            .collect();
        let got: Vec<u64> = held["steps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["TrangThai"].as_u64().unwrap())
            .collect();
        assert_eq!(got, want, "{code}: every step once, in order");
        events_total += want.len();
    }
    assert!(events_total >= sample.len());
    eprintln!(
        "chaos ({servers} server(s)): {} dossiers at the portal, {delivered} steps, {} faults, {} session refusals; load {:.0} s, drained {:.0} s",
        sim_state["dossiers"],
        sim_state["faults"],
        sim_state["session_refusals"],
        load_done.as_secs_f64(),
        drained.as_secs_f64()
    );
    drop(procs);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chaos_on_sqlite_delivers_every_dossier_and_step_once() {
    let dir = tempfile::tempdir().unwrap();
    chaos(sqlite_db(dir.path()), 2_000, 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chaos_on_postgresql_with_two_servers_delivers_every_dossier_and_step_once() {
    let Some(db) = pg_db("chaos_on_postgresql").await else {
        return;
    };
    chaos(db, 500, 2).await;
}
