//! Group commit: the hot writes of many concurrent requests share one SQLite transaction, and so
//! one `fsync` of the write-ahead log.
//!
//! With `synchronous=FULL` every commit waits for the disk (≈ 0.5 ms on the benchmark machine),
//! and SQLite has one writer at a time, so committing each request on its own caps the store at
//! about 2,000 commits a second whatever the CPU does — and one intake takes two (the dossier code
//! with the receipt's number, then the dossier itself). Here a single task owns the writing: it
//! takes every job that is waiting, runs each inside its own `SAVEPOINT` of one transaction,
//! commits once, and only then answers each caller. A job that fails is rolled back to its
//! savepoint and answered with its own error; the others are unaffected. If the commit fails, every job in the group is
//! answered with that failure and nothing of any of them is written. No caller is ever told
//! "done" before its data is durable, so the durability promise is the same as one transaction
//! per request; the jobs simply share the wait.
//!
//! Jobs arrive while the previous group commits, so groups grow with load on their own (no timer,
//! no added latency when the system is idle).

use crate::rows::db_err;
use motcua_app::StoreError;
use sqlx::sqlite::{SqliteConnection, SqlitePool};
use sqlx::{Acquire, Connection};
use std::future::Future;
use std::pin::Pin;
use tokio::sync::{mpsc, oneshot};

/// The most jobs one transaction takes (bounds how long any job waits behind others).
const MAX_GROUP: usize = 256;

/// The longest queue of waiting jobs; beyond it callers wait for room (back-pressure).
const QUEUE: usize = 4096;

/// A boxed future borrowing the connection for `'c`.
pub(crate) type ConnFuture<'c, R> =
    Pin<Box<dyn Future<Output = Result<R, StoreError>> + Send + 'c>>;

/// What a job does with the connection once it has run: answer its caller with the group's
/// commit outcome (`Ok`) or the job's own error.
type Answer = Box<dyn FnOnce(Result<(), StoreError>) + Send>;

/// One job: runs on the connection inside its savepoint; says whether it succeeded (so the
/// savepoint is released or rolled back) and how to answer its caller.
type Run = Box<
    dyn for<'c> FnOnce(
            &'c mut SqliteConnection,
        ) -> Pin<Box<dyn Future<Output = (bool, Answer)> + Send + 'c>>
        + Send,
>;

/// The handle requests use; cheap to clone.
#[derive(Debug, Clone)]
pub(crate) struct GroupWriter {
    jobs: mpsc::Sender<Run>,
}

impl GroupWriter {
    /// Starts the writing task on the current Tokio runtime. It ends when every handle is
    /// dropped; it takes the pool's connection for each group only, so other writers (migrations,
    /// catalogue imports, bulk loads) interleave between groups.
    ///
    /// The task runs on its own thread (a single-threaded runtime): every statement of a group
    /// is a round trip to SQLite's connection thread, and on the server's runtime each of those
    /// waited for a worker busy with HTTP while every other writer queued behind it.
    pub(crate) fn start(pool: SqlitePool) -> Self {
        let (jobs, rx) = mpsc::channel(QUEUE);
        let spawned = std::thread::Builder::new()
            .name("motcua-writer".into())
            .spawn(move || {
                match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt.block_on(run_groups(pool, rx)),
                    // Without its runtime the writer cannot run: callers see "unavailable".
                    Err(e) => tracing::error!(error = %e, "the SQLite writer could not start"),
                }
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "the SQLite writer thread could not start");
        }
        Self { jobs }
    }

    /// Runs `work` as part of the next group and returns its result once the group is durable.
    pub(crate) async fn write<R, F>(&self, work: F) -> Result<R, StoreError>
    where
        R: Send + 'static,
        F: for<'c> FnOnce(&'c mut SqliteConnection) -> ConnFuture<'c, R> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel::<Result<R, StoreError>>();
        let run: Run = Box::new(move |conn| {
            Box::pin(async move {
                match work(conn).await {
                    Ok(value) => {
                        let answer: Answer = Box::new(move |committed: Result<(), StoreError>| {
                            let _ = tx.send(committed.map(|()| value));
                        });
                        (true, answer)
                    }
                    Err(e) => {
                        let answer: Answer = Box::new(move |_| {
                            let _ = tx.send(Err(e));
                        });
                        (false, answer)
                    }
                }
            })
        });
        self.jobs
            .send(run)
            .await
            .map_err(|_| StoreError::Unavailable("the store is closed".into()))?;
        rx.await.unwrap_or_else(|_| {
            Err(StoreError::Unavailable(
                "the writer stopped before answering".into(),
            ))
        })
    }
}

async fn run_groups(pool: SqlitePool, mut rx: mpsc::Receiver<Run>) {
    let mut group = Vec::with_capacity(MAX_GROUP);
    while rx.recv_many(&mut group, MAX_GROUP).await > 0 {
        let size = group.len();
        let started = std::time::Instant::now();
        let answers = run_group(&pool, group.drain(..)).await;
        tracing::trace!(
            size,
            micros = started.elapsed().as_micros() as u64,
            "group committed"
        );
        for (answer, outcome) in answers {
            answer(outcome);
        }
    }
}

/// Runs one group; returns each job that ran with the outcome to give it. Jobs that never ran
/// (the group failed before their turn) are dropped, which answers their callers "unavailable,
/// retry": nothing of theirs was written.
async fn run_group(
    pool: &SqlitePool,
    mut jobs: impl Iterator<Item = Run>,
) -> Vec<(Answer, Result<(), StoreError>)> {
    let mut ran: Vec<(Answer, bool)> = Vec::new();
    let failure = async {
        let mut conn = pool.acquire().await.map_err(db_err)?;
        let mut tx = Connection::begin(&mut *conn).await.map_err(db_err)?;
        for job in jobs.by_ref() {
            let mut savepoint = Acquire::begin(&mut tx).await.map_err(db_err)?;
            let (ok, answer) = job(&mut savepoint).await;
            ran.push((answer, ok));
            if ok {
                savepoint.commit().await.map_err(db_err)?;
            } else {
                savepoint.rollback().await.map_err(db_err)?;
            }
        }
        tx.commit().await.map_err(db_err)
    }
    .await
    .err();
    ran.into_iter()
        .map(|(answer, ok)| {
            let outcome = match (&failure, ok) {
                (Some(e), true) => Err(e.clone()),
                _ => Ok(()),
            };
            (answer, outcome)
        })
        .collect()
}
