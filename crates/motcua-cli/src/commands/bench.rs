//! `motcua bench …`: the load benchmarks against a database (seed, run, baseline, dashboard)
//! and the ones that need none (documents, verification, search).

use super::{assistant, block_on, pki, with_db};
use crate::args::BenchWhat;
use crate::bench;
use crate::settings::Settings;
use anyhow::Result;

/// `motcua bench …`.
pub(crate) fn run(s: Settings, what: BenchWhat) -> Result<()> {
    match what {
        BenchWhat::Documents { count, warmup } => pki::bench_documents(count, warmup),
        BenchWhat::Verify { size_mb, runs } => pki::bench_verify(size_mb, runs),
        BenchWhat::Search {
            procedures,
            rounds,
            json,
        } => assistant::bench_search(procedures, rounds, json),
        BenchWhat::Seed {
            dossiers,
            batch,
            seed,
        } => block_on(with_db(&s, false, async |db| {
            bench::seed_cmd(&s, db, dossiers, batch, seed).await
        })),
        BenchWhat::Run {
            url,
            load,
            no_baseline,
            server_pid,
        } => block_on(with_db(&s, false, async |db| {
            bench::run_cmd(&s, db, &load.run_args(Some(url), no_baseline, server_pid)).await
        })),
        BenchWhat::Dashboard {
            url,
            duration,
            concurrency,
            json,
        } => block_on(with_db(&s, false, async |db| {
            bench::dashboard::dashboard_cmd(
                &s,
                db,
                &url,
                std::time::Duration::from_secs(duration),
                concurrency,
                json,
            )
            .await
        })),
        BenchWhat::Desk { runs, seed, json } => block_on(with_db(&s, false, async |db| {
            bench::desk::desk_cmd(&s, db, runs, seed, json).await
        })),
        BenchWhat::Baseline { load } => block_on(with_db(&s, false, async |db| {
            bench::run_cmd(&s, db, &load.run_args(None, false, None)).await
        })),
    }
}
