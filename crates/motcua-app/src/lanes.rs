//! Where blocking work (typst rendering, OpenSSL signing) runs.
//!
//! Work a person is waiting for runs on tokio's blocking pool at normal priority. Work done for
//! the background forms worker runs on one dedicated thread the kernel schedules only when a core
//! would otherwise be idle (`SCHED_IDLE` on Linux): at a peak the counters' requests and the
//! database keep both cores, and the forms queue drains in the quieter minutes — no guessing of
//! "how busy are we" in our code. (Measured in docs/BENCHMARKS.md: rendering and signing a form
//! costs ~13 ms of CPU against < 1 ms for the transaction that asked for it.)
//!
//! The lane is chosen by the task, not by each call: the worker runs inside
//! [`in_background`], and every [`blocking`] call made on its behalf goes to the idle thread.

use std::future::Future;
use std::sync::OnceLock;
use std::sync::mpsc;

use crate::AppError;

tokio::task_local! {
    static BACKGROUND: ();
}

type Work = Box<dyn FnOnce() + Send>;

/// Runs `fut` so that its blocking work goes to the idle-priority thread.
pub async fn in_background<F: Future>(fut: F) -> F::Output {
    BACKGROUND.scope((), fut).await
}

/// Runs blocking work off the async workers: at idle priority inside [`in_background`], else on
/// tokio's blocking pool.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, AppError> {
    if BACKGROUND.try_with(|_| ()).is_err() {
        return tokio::task::spawn_blocking(f)
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
            .map_err(AppError::Internal);
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    let work: Work = Box::new(move || {
        // The receiver is gone only when the worker itself was dropped (shutdown).
        let _ = tx.send(f());
    });
    idle_thread()
        .send(work)
        .map_err(|_| AppError::Internal("the background thread has stopped".into()))?;
    rx.await
        .map_err(|_| AppError::Internal("background work was lost (a panic)".into()))?
        .map_err(AppError::Internal)
}

/// Runs blocking work that a request's bytes can make expensive — rendering an uploaded image
/// into a scan, verifying an uploaded PDF — with at most one such job per core at a time: four
/// hostile uploads at once wait their turn instead of each holding a decoded image in memory
/// together (issue #29).
pub(crate) async fn heavy<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, AppError> {
    static SLOTS: OnceLock<tokio::sync::Semaphore> = OnceLock::new();
    let slots = SLOTS.get_or_init(|| {
        tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get()))
    });
    let _slot = slots
        .acquire()
        .await
        .map_err(|_| AppError::Internal("heavy-work slots closed".into()))?;
    blocking(f).await
}

/// The one idle-priority thread, started on first use.
fn idle_thread() -> &'static mpsc::Sender<Work> {
    static SENDER: OnceLock<mpsc::Sender<Work>> = OnceLock::new();
    SENDER.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<Work>();
        std::thread::Builder::new()
            .name("motcua-idle".into())
            .spawn(move || {
                lower_own_priority();
                for work in rx {
                    // A panic in one form must not stop the forms of everyone else.
                    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
                }
            })
            .expect("spawn the idle-priority thread");
        tx
    })
}

/// `SCHED_IDLE` for the calling thread (Linux); elsewhere, or if refused, the thread keeps
/// normal priority and says so once.
fn lower_own_priority() {
    #[cfg(target_os = "linux")]
    {
        use thread_priority::unix::{
            NormalThreadSchedulePolicy, ThreadSchedulePolicy, set_thread_priority_and_policy,
            thread_native_id,
        };
        let policy = ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Idle);
        match set_thread_priority_and_policy(
            thread_native_id(),
            thread_priority::ThreadPriority::Min,
            policy,
        ) {
            Ok(()) => tracing::debug!("background forms run at idle priority"),
            Err(e) => {
                tracing::warn!(error = ?e, "could not lower the background thread's priority")
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    tracing::info!("background forms run at normal priority on this system");
}

/// The scheduling policy of the idle thread, for tests (`SCHED_IDLE` is 5 on Linux).
#[cfg(all(test, target_os = "linux"))]
fn idle_thread_policy() -> i32 {
    let (tx, rx) = mpsc::channel();
    idle_thread()
        .send(Box::new(move || {
            let p = thread_priority::unix::thread_schedule_policy()
                .map(|p| match p {
                    thread_priority::unix::ThreadSchedulePolicy::Normal(
                        thread_priority::unix::NormalThreadSchedulePolicy::Idle,
                    ) => 5,
                    _ => 0,
                })
                .unwrap_or(-1);
            let _ = tx.send(p);
        }))
        .expect("idle thread");
    rx.recv().expect("answer")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn work_for_a_person_runs_on_the_pool_and_background_work_on_the_idle_thread() {
        let name = || Ok(std::thread::current().name().unwrap_or("").to_owned());
        let fg = blocking(name).await.unwrap();
        assert_ne!(fg, "motcua-idle");
        let bg = in_background(blocking(name)).await.unwrap();
        assert_eq!(bg, "motcua-idle");
        // Errors come back as internal errors in both lanes.
        let err = in_background(blocking(|| Err::<(), _>("boom".to_owned()))).await;
        assert!(matches!(err, Err(AppError::Internal(m)) if m == "boom"));
    }

    #[tokio::test]
    async fn a_panic_in_background_work_is_an_error_and_the_thread_goes_on() {
        let r = in_background(blocking::<()>(|| panic!("bad form"))).await;
        assert!(matches!(r, Err(AppError::Internal(_))));
        let ok = in_background(blocking(|| Ok(7))).await.unwrap();
        assert_eq!(ok, 7);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_background_thread_runs_at_idle_priority() {
        assert_eq!(idle_thread_policy(), 5);
    }
}
