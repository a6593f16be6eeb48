//! The hash chain of dossier events: each event's hash covers its content and the previous
//! event's hash, so altering or removing any event breaks the chain from that point on.

use sha2::{Digest, Sha256};

/// The hash of the (non-existent) event before a dossier's first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields of an event that the hash covers, exactly as stored.
#[derive(Debug, Clone, Copy)]
pub struct ChainInput<'a> {
    /// Hash of the previous event of the dossier ([`GENESIS`] for the first).
    pub prev_hash: &'a str,
    /// The dossier's id.
    pub dossier_id: &'a str,
    /// 1-based sequence number within the dossier.
    pub seq: i64,
    /// Action name.
    pub action: &'a str,
    /// Who acted.
    pub actor: &'a str,
    /// For which agency (may be empty for the applicant).
    pub agency: &'a str,
    /// When, RFC 3339 UTC.
    pub at: &'a str,
    /// The payload JSON text, as stored.
    pub payload: &'a str,
}

/// Computes the hex SHA-256 of an event. Fields are length-prefixed so that no two different
/// field lists hash the same bytes.
pub fn event_hash(e: &ChainInput<'_>) -> String {
    let mut h = Sha256::new();
    for field in [
        e.prev_hash,
        e.dossier_id,
        &e.seq.to_string(),
        e.action,
        e.actor,
        e.agency,
        e.at,
        e.payload,
    ] {
        h.update((field.len() as u64).to_be_bytes());
        h.update(field.as_bytes());
    }
    hex::encode(h.finalize())
}

/// The form of an event time that the hash covers: RFC 3339 in UTC, whole seconds.
pub fn chain_time(t: time::OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .expect("0 is valid")
        .format(&time::format_description::well_known::Rfc3339)
        .expect("formattable")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input<'a>(payload: &'a str) -> ChainInput<'a> {
        ChainInput {
            prev_hash: GENESIS,
            dossier_id: "d",
            seq: 1,
            action: "receive",
            actor: "a",
            agency: "x",
            at: "2025-01-01T00:00:00Z",
            payload,
        }
    }

    #[test]
    fn any_change_changes_the_hash() {
        let base = event_hash(&input("{}"));
        assert_eq!(base.len(), 64);
        assert_ne!(base, event_hash(&input("{ }")));
        assert_ne!(
            base,
            event_hash(&ChainInput {
                seq: 2,
                ..input("{}")
            })
        );
        assert_ne!(
            base,
            event_hash(&ChainInput {
                actor: "b",
                ..input("{}")
            })
        );
    }

    #[test]
    fn field_boundaries_matter() {
        let a = event_hash(&ChainInput {
            actor: "ab",
            agency: "c",
            ..input("{}")
        });
        let b = event_hash(&ChainInput {
            actor: "a",
            agency: "bc",
            ..input("{}")
        });
        assert_ne!(a, b);
    }
}
