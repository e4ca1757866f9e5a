//! Joint information meetings of both networks: what their organisers describe, whom they
//! invite, and who registered and attended.

use chrono::{DateTime, Utc};
use serde::Serialize;

/// A joint information meeting of both networks, as its organiser describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewMeeting {
    /// The structure that organises it.
    pub organiser: i64,
    pub theme: String,
    pub starts_at: DateTime<Utc>,
    /// An address, when it is held in a place.
    pub place: Option<String>,
    /// A link, when it is held online.
    pub online_link: Option<String>,
    /// The department it is for.
    pub territory: String,
    pub created_by: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Meeting {
    pub id: i64,
    #[serde(flatten)]
    pub meeting: NewMeeting,
    /// The structures invited.
    pub invited: Vec<i64>,
    pub created_at: DateTime<Utc>,
}

/// Someone registered for a meeting, on behalf of their structure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Registration {
    pub meeting_id: i64,
    pub user_id: i64,
    pub structure_id: i64,
    pub registered_at: DateTime<Utc>,
    /// Recorded by the organiser after the meeting.
    pub attended: Option<bool>,
}
