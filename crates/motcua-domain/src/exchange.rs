//! The rules of delivering messages to an outside system and of logging what was exchanged
//! (issue #33): how long to wait before a retry, when a message is given up (dead letter),
//! when a destination is left alone for a while (the circuit breaker), what a failure means
//! for whether the peer may have stored the message, and the exchange log's hash chain
//! (Decree 47/2020 art. 45; X-Road's message log). Pure: times and randomness are passed in.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};

/// Why a delivery attempt failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Failure {
    /// No connection could be made (nothing was sent).
    Connect,
    /// The request went out and no answer came in time.
    Timeout,
    /// The connection was closed before a whole answer arrived.
    Dropped,
    /// An HTTP status other than 200.
    Http {
        /// The status.
        status: u16,
    },
    /// The session was refused or had expired (a login follows).
    Session,
    /// The peer answered with an error code.
    Refused {
        /// Its code.
        code: i64,
        /// Its message, as given.
        message: String,
    },
    /// An answer that is not what the protocol says (not JSON, no error code, too large).
    Malformed {
        /// What was wrong.
        detail: String,
    },
    /// The exchange log could not be written: nothing is sent unlogged.
    LogUnavailable,
    /// The circuit of the destination is open.
    CircuitOpen,
}

impl Failure {
    /// A stable name for counting failures by reason.
    pub fn reason(&self) -> &'static str {
        match self {
            Failure::Connect => "connect",
            Failure::Timeout => "timeout",
            Failure::Dropped => "dropped",
            Failure::Http { .. } => "http",
            Failure::Session => "session",
            Failure::Refused { .. } => "refused",
            Failure::Malformed { .. } => "malformed",
            Failure::LogUnavailable => "log_unavailable",
            Failure::CircuitOpen => "circuit_open",
        }
    }

    /// Whether the peer may have stored the message although no good answer came: the next
    /// attempt must look first (the portal is not idempotent).
    pub fn uncertain(&self) -> bool {
        match self {
            // A log that failed after the answer: the call went through, unlogged.
            Failure::Timeout
            | Failure::Dropped
            | Failure::Http { .. }
            | Failure::Malformed { .. }
            | Failure::LogUnavailable => true,
            Failure::Connect
            | Failure::Session
            | Failure::Refused { .. }
            | Failure::CircuitOpen => false,
        }
    }

    /// Whether it says the destination is unwell (counted by the circuit breaker). A refusal
    /// is an answer about one message, not about the destination.
    pub fn trips_breaker(&self) -> bool {
        match self {
            Failure::Connect | Failure::Timeout | Failure::Dropped | Failure::Malformed { .. } => {
                true
            }
            Failure::Http { status } => *status >= 500 || *status == 429,
            Failure::Session
            | Failure::Refused { .. }
            | Failure::LogUnavailable
            | Failure::CircuitOpen => false,
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Connect => write!(f, "no connection"),
            Failure::Timeout => write!(f, "no answer in time"),
            Failure::Dropped => write!(f, "connection closed before the answer"),
            Failure::Http { status } => write!(f, "HTTP {status}"),
            Failure::Session => write!(f, "session refused or expired"),
            Failure::Refused { code, message } => write!(f, "refused with code {code}: {message}"),
            Failure::Malformed { detail } => write!(f, "malformed answer: {detail}"),
            Failure::LogUnavailable => write!(f, "the exchange log cannot be written"),
            Failure::CircuitOpen => write!(f, "circuit open"),
        }
    }
}

/// How retries are spaced and when a message is given up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetryPolicy {
    /// The first wait.
    pub base: Duration,
    /// The longest wait.
    pub cap: Duration,
    /// Attempts after which a message is a dead letter.
    pub max_attempts: u32,
    /// Age after which a failing message is a dead letter.
    pub max_age: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            base: Duration::seconds(2),
            cap: Duration::minutes(10),
            max_attempts: 50,
            max_age: Duration::days(3),
        }
    }
}

impl RetryPolicy {
    /// The wait after the `attempts`-th failed attempt (1-based): `base · 2^(attempts−1)`,
    /// at most `cap`, scaled by a jitter factor in [0.5, 1.5) from `jitter` ∈ [0, 1) so that
    /// messages failed together are not retried together.
    pub fn delay(&self, attempts: u32, jitter: f64) -> Duration {
        let exp = attempts.saturating_sub(1).min(30);
        let raw = self.base.whole_milliseconds().saturating_mul(1i128 << exp);
        let capped = raw.min(self.cap.whole_milliseconds()).max(0);
        let jitter = if jitter.is_finite() {
            jitter.clamp(0.0, 0.999_999)
        } else {
            0.5
        };
        let factor = 0.5 + jitter;
        Duration::milliseconds((capped as f64 * factor) as i64)
    }

    /// Whether a message that failed its `attempts`-th time, first queued at `queued`, is
    /// given up at `now`.
    pub fn is_dead(&self, attempts: u32, queued: OffsetDateTime, now: OffsetDateTime) -> bool {
        attempts >= self.max_attempts || now - queued >= self.max_age
    }
}

/// A destination's circuit: closed (sending), open (left alone until a time), half-open (one
/// trial allowed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Circuit {
    /// Sending; consecutive failures so far.
    Closed {
        /// Failures in a row.
        failures: u32,
    },
    /// Not sending until `until`.
    Open {
        /// When a trial may go.
        until: OffsetDateTime,
    },
    /// One trial is out, since `since`; with no word of it for a cooldown, another may go.
    HalfOpen {
        /// When the trial went.
        since: OffsetDateTime,
    },
}

/// The breaker's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BreakerPolicy {
    /// Failures in a row that open the circuit.
    pub threshold: u32,
    /// How long it stays open.
    pub cooldown: Duration,
}

impl Default for BreakerPolicy {
    fn default() -> Self {
        BreakerPolicy {
            threshold: 5,
            cooldown: Duration::seconds(30),
        }
    }
}

impl Circuit {
    /// A new, closed circuit.
    pub fn new() -> Circuit {
        Circuit::Closed { failures: 0 }
    }

    /// Whether a call may go at `now`; an open circuit past its time lets one trial through,
    /// and so does a trial that has not reported for a cooldown (it made no call, or its
    /// outcome was lost).
    pub fn allow(&mut self, now: OffsetDateTime, policy: &BreakerPolicy) -> bool {
        match *self {
            Circuit::Closed { .. } => true,
            Circuit::Open { until } if now >= until => {
                *self = Circuit::HalfOpen { since: now };
                true
            }
            Circuit::HalfOpen { since } if now >= since + policy.cooldown => {
                *self = Circuit::HalfOpen { since: now };
                true
            }
            Circuit::Open { .. } | Circuit::HalfOpen { .. } => false,
        }
    }

    /// Whether a trial is out (the caller then sends one thing only).
    pub fn is_trial(&self) -> bool {
        matches!(self, Circuit::HalfOpen { .. })
    }

    /// A call succeeded (or was answered about its message only).
    pub fn success(&mut self) {
        *self = Circuit::Closed { failures: 0 };
    }

    /// A call failed in a way that says the destination is unwell.
    pub fn failure(&mut self, now: OffsetDateTime, policy: &BreakerPolicy) {
        *self = match *self {
            Circuit::Closed { failures } if failures + 1 < policy.threshold => Circuit::Closed {
                failures: failures + 1,
            },
            _ => Circuit::Open {
                until: now + policy.cooldown,
            },
        };
    }

    /// Opens the circuit at once, whatever the count (the exchange log cannot be written:
    /// nothing is sent until the cooldown has passed and a trial succeeds).
    pub fn trip(&mut self, now: OffsetDateTime, policy: &BreakerPolicy) {
        *self = Circuit::Open {
            until: now + policy.cooldown,
        };
    }

    /// Whether it is open (or trying).
    pub fn is_open(&self) -> bool {
        !matches!(self, Circuit::Closed { .. })
    }
}

impl Default for Circuit {
    fn default() -> Self {
        Circuit::new()
    }
}

/// The hash before the first record of the exchange log.
pub const GENESIS: &str = crate::dossier::chain::GENESIS;

/// The fields of an exchange-log record that its hash covers (Decree 47/2020 art. 45: time
/// and form of the request and of the answer, who asked, what was asked, the answer's status,
/// the data given).
#[derive(Debug, Clone, Copy)]
pub struct LogFields<'a> {
    /// The record's number (1-based, in order).
    pub seq: i64,
    /// When the request went out, RFC 3339 UTC.
    pub requested_at: &'a str,
    /// When the answer came (or the attempt ended), RFC 3339 UTC.
    pub answered_at: &'a str,
    /// The peer (`dvcqg`).
    pub destination: &'a str,
    /// The form: the service called.
    pub service: &'a str,
    /// Who asked (this deployment's node, and the officer where one asked).
    pub requester: &'a str,
    /// What was asked about (a dossier code, a procedure code).
    pub subject: &'a str,
    /// The answer's status (`ok`, or the failure's reason and detail).
    pub status: &'a str,
    /// SHA-256 of the request body as sent (secrets masked).
    pub request_sha256: &'a str,
    /// SHA-256 of the answer body as received.
    pub answer_sha256: &'a str,
}

/// A record's hash: SHA-256 over the previous hash and every field, each length-prefixed.
pub fn record_hash(prev: &str, f: &LogFields<'_>) -> String {
    let mut h = Sha256::new();
    for field in [
        prev,
        &f.seq.to_string(),
        f.requested_at,
        f.answered_at,
        f.destination,
        f.service,
        f.requester,
        f.subject,
        f.status,
        f.request_sha256,
        f.answer_sha256,
    ] {
        h.update((field.len() as u64).to_be_bytes());
        h.update(field.as_bytes());
    }
    hex::encode(h.finalize())
}

/// The hex SHA-256 of a body.
pub fn body_sha256(body: &[u8]) -> String {
    hex::encode(Sha256::digest(body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn retries_wait_longer_each_time_up_to_the_cap_with_jitter() {
        let p = RetryPolicy::default();
        // jitter 0.5 → factor 1.0: the plain exponential.
        let plain: Vec<i64> = (1..=12).map(|n| p.delay(n, 0.5).whole_seconds()).collect();
        assert_eq!(plain, [2, 4, 8, 16, 32, 64, 128, 256, 512, 600, 600, 600]);
        assert_eq!(p.delay(1, 0.0), Duration::seconds(1));
        assert!(p.delay(1, 0.999_999_9) < Duration::seconds(3));
        assert_eq!(p.delay(u32::MAX, 0.5), Duration::minutes(10), "no overflow");
        assert_eq!(p.delay(0, 0.5), Duration::seconds(2));
        assert_eq!(
            p.delay(3, f64::NAN),
            p.delay(3, 0.5),
            "no jitter rather than none at all"
        );
    }

    #[test]
    fn a_message_is_dead_after_its_attempts_or_its_age() {
        let p = RetryPolicy {
            max_attempts: 3,
            max_age: Duration::hours(1),
            ..RetryPolicy::default()
        };
        let q = datetime!(2026-01-05 08:00 UTC);
        let table = [
            (1, q, false),
            (2, q + Duration::minutes(59), false),
            (3, q, true),
            (1, q + Duration::hours(1), true),
            (9, q + Duration::hours(9), true),
        ];
        for (attempts, now, dead) in table {
            assert_eq!(p.is_dead(attempts, q, now), dead, "{attempts} at {now}");
        }
    }

    #[test]
    fn the_circuit_opens_after_failures_in_a_row_and_lets_one_trial_through() {
        let policy = BreakerPolicy {
            threshold: 3,
            cooldown: Duration::seconds(30),
        };
        let t = datetime!(2026-01-05 08:00 UTC);
        let mut c = Circuit::new();
        c.failure(t, &policy);
        c.failure(t, &policy);
        c.success();
        c.failure(t, &policy);
        c.failure(t, &policy);
        assert!(c.allow(t, &policy), "two in a row: still closed");
        c.failure(t, &policy);
        assert!(c.is_open());
        assert!(!c.allow(t + Duration::seconds(29), &policy));
        assert!(c.allow(t + Duration::seconds(30), &policy), "one trial");
        assert!(c.is_trial());
        assert!(!c.allow(t + Duration::seconds(31), &policy), "only one");
        // A trial that never reports does not hold the circuit for ever.
        assert!(
            c.allow(t + Duration::seconds(60), &policy),
            "another trial a cooldown later"
        );
        c.failure(t + Duration::seconds(31), &policy);
        assert_eq!(
            c,
            Circuit::Open {
                until: t + Duration::seconds(61)
            },
            "a failed trial opens it again"
        );
        assert!(c.allow(t + Duration::seconds(61), &policy));
        c.success();
        assert_eq!(c, Circuit::Closed { failures: 0 });
        assert!(!c.is_trial());
        c.trip(t, &policy);
        assert!(
            !c.allow(t + Duration::seconds(29), &policy),
            "tripped: open at once"
        );
    }

    #[test]
    fn failures_say_whether_the_peer_may_have_stored_the_message() {
        let table = [
            (Failure::Connect, false, true),
            (Failure::Timeout, true, true),
            (Failure::Dropped, true, true),
            (Failure::Http { status: 503 }, true, true),
            (Failure::Http { status: 429 }, true, true),
            (Failure::Http { status: 400 }, true, false),
            (Failure::Session, false, false),
            (
                Failure::Refused {
                    code: 7,
                    message: "x".into(),
                },
                false,
                false,
            ),
            (
                Failure::Malformed {
                    detail: "not JSON".into(),
                },
                true,
                true,
            ),
            (Failure::LogUnavailable, true, false),
            (Failure::CircuitOpen, false, false),
        ];
        for (f, uncertain, trips) in table {
            assert_eq!(f.uncertain(), uncertain, "{f}");
            assert_eq!(f.trips_breaker(), trips, "{f}");
            assert!(!f.reason().is_empty());
        }
    }

    #[test]
    fn a_record_hash_covers_every_field_and_the_one_before() {
        let f = LogFields {
            seq: 1,
            requested_at: "2026-01-05T08:00:00Z",
            answered_at: "2026-01-05T08:00:01Z",
            destination: "dvcqg",
            service: "DongBoHoSoMC",
            requester: "motcua@node",
            subject: "24958-250303-0001",
            status: "ok",
            request_sha256: "aa",
            answer_sha256: "bb",
        };
        let h = record_hash(GENESIS, &f);
        assert_eq!(h.len(), 64);
        let variants = [
            LogFields { seq: 2, ..f },
            LogFields {
                requested_at: "2026-01-05T08:00:02Z",
                ..f
            },
            LogFields {
                answered_at: "x",
                ..f
            },
            LogFields {
                destination: "x",
                ..f
            },
            LogFields { service: "x", ..f },
            LogFields {
                requester: "x",
                ..f
            },
            LogFields { subject: "x", ..f },
            LogFields { status: "x", ..f },
            LogFields {
                request_sha256: "x",
                ..f
            },
            LogFields {
                answer_sha256: "x",
                ..f
            },
            // Moving bytes between neighbouring fields changes the hash (length prefixes).
            LogFields {
                destination: "dvcqgDongBoHoSoMC",
                service: "",
                ..f
            },
        ];
        for v in variants {
            assert_ne!(record_hash(GENESIS, &v), h, "{v:?}");
        }
        assert_ne!(record_hash(&h, &f), h);
    }
}
