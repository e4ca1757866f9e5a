//! The audit trail's hash chain. Each event stores the hash of the event before it
//! (`prev_hash`) and its own `hash`, the SHA-256 of the previous hash and of the event's content
//! in a canonical form. Changing an event changes its hash; removing or reordering events breaks
//! a `prev_hash` link. [`verify`] walks the trail and names the first event that does not hold.
//!
//! The chain proves the trail was not edited behind the application's back, except at its
//! end: removing the newest events leaves a shorter valid chain. Recording the head hash
//! elsewhere (`passerelle audit verify` prints it) closes that gap.

use chrono::{DateTime, SubsecRound, Utc};
use sha2::{Digest, Sha256};

use crate::{AuditEvent, NewAuditEvent};

/// The `prev_hash` of the first event of the chain.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The time of an event as every backend stores it: to the microsecond.
pub fn stored_time(now: DateTime<Utc>) -> DateTime<Utc> {
    now.trunc_subsecs(6)
}

/// The hash of an event whose predecessor's hash is `prev`. The detail is hashed as compact JSON
/// with sorted keys, which is how it reads back from either backend.
pub fn chain_hash(prev: &str, at: DateTime<Utc>, event: &NewAuditEvent) -> String {
    let mut hasher = Sha256::new();
    let fields = [
        prev.to_string(),
        at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
        event.actor.map(|id| id.to_string()).unwrap_or_default(),
        event.action.clone(),
        event.subject_kind.clone(),
        event
            .subject_id
            .map(|id| id.to_string())
            .unwrap_or_default(),
        serde_json::to_string(&event.detail).unwrap_or_default(),
    ];
    for field in fields {
        // Length-prefixed, so that no two different events hash the same bytes.
        hasher.update((field.len() as u64).to_be_bytes());
        hasher.update(field.as_bytes());
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Why the trail does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    #[error("audit event {id}: its content does not match its hash (the row was changed)")]
    Altered { id: i64 },
    #[error(
        "audit event {id}: it does not follow the event before it (an event was removed, \
         inserted or reordered)"
    )]
    Broken { id: i64 },
    #[error("audit event {id}: it has no hash, yet events before it do (an event was inserted)")]
    Unsealed { id: i64 },
}

/// What [`Verifier`] found, once every event has been fed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChainSummary {
    /// Events in the chain.
    pub sealed: u64,
    /// Events written before the chain existed (no hash), all before the first sealed one.
    pub before_chain: u64,
    /// The newest event's hash: keep it elsewhere to detect the removal of later events.
    pub head: String,
}

/// Checks events fed oldest first; stops at the first that does not hold.
#[derive(Debug, Clone)]
pub struct Verifier {
    summary: ChainSummary,
}

impl Default for Verifier {
    fn default() -> Self {
        Self {
            summary: ChainSummary {
                sealed: 0,
                before_chain: 0,
                head: GENESIS.to_string(),
            },
        }
    }
}

impl Verifier {
    pub fn feed(&mut self, event: &AuditEvent) -> Result<(), ChainError> {
        let id = event.id;
        match (&event.prev_hash, &event.hash) {
            (None, None) if self.summary.sealed == 0 => {
                self.summary.before_chain += 1;
                Ok(())
            }
            (Some(prev), Some(hash)) => {
                if *prev != self.summary.head {
                    return Err(ChainError::Broken { id });
                }
                if chain_hash(prev, event.at, &event.event) != *hash {
                    return Err(ChainError::Altered { id });
                }
                self.summary.sealed += 1;
                self.summary.head = hash.clone();
                Ok(())
            }
            (None, None) => Err(ChainError::Unsealed { id }),
            _ => Err(ChainError::Altered { id }),
        }
    }

    pub fn finish(self) -> ChainSummary {
        self.summary
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use serde_json::json;

    fn event(action: &str, detail: serde_json::Value) -> NewAuditEvent {
        NewAuditEvent {
            actor: Some(3),
            action: action.to_string(),
            subject_kind: "job_seeker".to_string(),
            subject_id: Some(42),
            detail,
        }
    }

    fn chain(events: &[NewAuditEvent]) -> Vec<AuditEvent> {
        let mut head = GENESIS.to_string();
        let mut out = Vec::new();
        for (i, e) in events.iter().enumerate() {
            let at = Utc
                .with_ymd_and_hms(2026, 11, 27, 10, 0, i as u32)
                .single()
                .unwrap_or_default();
            let hash = chain_hash(&head, at, e);
            out.push(AuditEvent {
                id: i as i64 + 1,
                at,
                event: e.clone(),
                prev_hash: Some(head.clone()),
                hash: Some(hash.clone()),
            });
            head = hash;
        }
        out
    }

    fn verify(events: &[AuditEvent]) -> Result<ChainSummary, ChainError> {
        let mut verifier = Verifier::default();
        for e in events {
            verifier.feed(e)?;
        }
        Ok(verifier.finish())
    }

    fn sample() -> Vec<AuditEvent> {
        chain(&[
            event("job_seeker.read", json!({"fields": "identity"})),
            event(
                "referral.move",
                json!({"from": "proposed", "to": "accepted"}),
            ),
            event("job_seeker.read", json!({"b": 1, "a": [1, 2]})),
        ])
    }

    #[test]
    fn an_untouched_chain_verifies_and_names_its_head() {
        let events = sample();
        let summary = verify(&events).unwrap();
        assert_eq!(summary.sealed, 3);
        assert_eq!(Some(summary.head), events[2].hash.clone());
    }

    #[test]
    fn a_changed_field_is_detected_whichever_it_is() {
        let changes: [fn(&mut AuditEvent); 6] = [
            |e| e.event.actor = Some(4),
            |e| e.event.action = "job_seeker.list".to_string(),
            |e| e.event.subject_id = None,
            |e| e.event.subject_kind = "offer".to_string(),
            |e| e.event.detail = json!({"fields": "contact"}),
            |e| e.at += chrono::Duration::microseconds(1),
        ];
        for change in changes {
            let mut events = sample();
            change(&mut events[0]);
            assert_eq!(verify(&events), Err(ChainError::Altered { id: 1 }));
        }
    }

    #[test]
    fn a_removed_or_reordered_event_breaks_the_chain() {
        let mut events = sample();
        events.remove(1);
        assert_eq!(verify(&events), Err(ChainError::Broken { id: 3 }));
        let mut events = sample();
        events.swap(0, 1);
        assert_eq!(verify(&events), Err(ChainError::Broken { id: 2 }));
    }

    #[test]
    fn a_rehashed_row_still_breaks_the_link_after_it() {
        let mut events = sample();
        events[1].event.detail = json!({"to": "hired"});
        events[1].hash = Some(chain_hash(
            events[1].prev_hash.as_deref().unwrap_or(GENESIS),
            events[1].at,
            &events[1].event,
        ));
        assert_eq!(verify(&events), Err(ChainError::Broken { id: 3 }));
    }

    #[test]
    fn events_from_before_the_chain_are_counted_but_not_after_it() {
        let mut legacy = sample();
        legacy[0].hash = None;
        legacy[0].prev_hash = None;
        let mut tail = chain(&[event("a", json!({})), event("b", json!({}))]);
        for e in &mut tail {
            e.id += 10;
        }
        let mut events = vec![legacy[0].clone()];
        events.extend(tail);
        let summary = verify(&events).unwrap();
        assert_eq!((summary.before_chain, summary.sealed), (1, 2));

        let mut events = sample();
        events[2].hash = None;
        events[2].prev_hash = None;
        assert_eq!(verify(&events), Err(ChainError::Unsealed { id: 3 }));
    }

    #[test]
    fn key_order_does_not_change_the_hash() {
        let at = Utc
            .with_ymd_and_hms(2026, 1, 2, 3, 4, 5)
            .single()
            .unwrap_or_default();
        let a: serde_json::Value = serde_json::from_str(r#"{"b":1,"a":2}"#).unwrap();
        let b: serde_json::Value = serde_json::from_str(r#"{ "a": 2, "b": 1 }"#).unwrap();
        assert_eq!(
            chain_hash(GENESIS, at, &event("x", a)),
            chain_hash(GENESIS, at, &event("x", b))
        );
    }
}
