//! Co-organised recruitment actions (axis 3 of the agreement): a France Travail agency and one
//! or more agencies hold a job dating, a forum, an MRS session, a company visit... together,
//! about their offers (those at risk first) and occupations. Each is a gathering for its seats
//! and attendance; its states are `model::workflow::ACTIONS`.

pub mod api;
pub mod invitations;
pub mod outcomes;
pub mod pages;
pub mod sheet;

use chrono::{DateTime, Utc};
use model::workflow::{ACTIONS, Mover};
use model::{Action, ActionState};

/// The states an organiser may move an action to at `now`: those the workflow allows from its
/// state that its gathering's time allows too (`attendance_closed`: its attendance is).
pub fn moves_open(
    action: &Action,
    attendance_closed: bool,
    now: DateTime<Utc>,
) -> Vec<ActionState> {
    ActionState::ALL
        .iter()
        .copied()
        .filter(|to| {
            ACTIONS
                .check(action.state, *to, Mover::Organiser, None, None)
                .is_ok()
                && model::action_time_refusal(
                    *to,
                    action.action.gathering.starts_at,
                    attendance_closed,
                    now,
                )
                .is_none()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn action(state: ActionState) -> Action {
        let starts_at = Utc.with_ymd_and_hms(2026, 12, 10, 9, 0, 0).unwrap();
        Action {
            id: 1,
            action: model::NewAction {
                kind: model::ActionKind::JobDating,
                title: "Job dating".to_string(),
                description: String::new(),
                lead: 1,
                partners: vec![2],
                offers: Vec::new(),
                romes: Vec::new(),
                commune: None,
                address: None,
                online_link: Some("https://visio.example.fr/a".to_string()),
                prerequisites: Vec::new(),
                public_tags: Vec::new(),
                gathering: model::NewGathering {
                    starts_at,
                    ends_at: starts_at + chrono::Duration::hours(3),
                    capacity_on_site: 0,
                    capacity_remote: 20,
                },
                created_by: None,
            },
            state,
            gathering_id: 1,
            created_at: starts_at,
            changed_at: starts_at,
        }
    }

    /// Written out by hand: what an organiser is offered before the start, during it, after
    /// it, and once the attendance is closed.
    #[test]
    fn an_organiser_is_offered_the_moves_its_state_and_time_allow() {
        use ActionState::{Cancelled as X, Closed as C, Draft as D, Held as H, Published as P};
        let before = Utc.with_ymd_and_hms(2026, 12, 9, 9, 0, 0).unwrap();
        let during = Utc.with_ymd_and_hms(2026, 12, 10, 10, 0, 0).unwrap();
        let cases: [(ActionState, DateTime<Utc>, bool, &[ActionState]); 8] = [
            (D, before, false, &[P, X]),
            (D, during, false, &[X]),
            (P, before, false, &[X]),
            (P, during, false, &[H, X]),
            (H, during, false, &[]),
            (H, during, true, &[C]),
            (C, during, true, &[]),
            (X, before, false, &[]),
        ];
        for (state, now, closed, expected) in cases {
            assert_eq!(
                moves_open(&action(state), closed, now),
                expected,
                "{state} at {now}, attendance closed: {closed}"
            );
        }
    }
}
