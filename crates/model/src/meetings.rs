//! Joint information meetings of both networks: what their organisers describe and whom they
//! invite. Who registered, waits and attended is the meeting's gathering (`crate::gatherings`).

use chrono::{DateTime, Utc};
use serde::Serialize;

/// A joint information meeting of both networks, as its organiser describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewMeeting {
    /// The structure that organises it.
    pub organiser: i64,
    pub theme: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// An address, when it is held in a place.
    pub place: Option<String>,
    /// A link, when it is held online.
    pub online_link: Option<String>,
    /// Seats in the place (0 without a place).
    pub capacity_on_site: u32,
    /// Seats through the link (0 without a link).
    pub capacity_remote: u32,
    /// The department it is for.
    pub territory: String,
    pub created_by: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Meeting {
    pub id: i64,
    #[serde(flatten)]
    pub meeting: NewMeeting,
    /// Its seats, registrations and attendance.
    pub gathering_id: i64,
    /// The structures invited.
    pub invited: Vec<i64>,
    pub created_at: DateTime<Utc>,
}

/// A joint meeting of the past written whole (the simulated region's year of meetings): the
/// meeting, the structures invited, when it was created, when its attendance was closed (once
/// it was over), and its registrations in the order they came.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PastMeeting {
    pub meeting: NewMeeting,
    pub invited: Vec<i64>,
    pub created_at: DateTime<Utc>,
    pub attendance_closed_at: Option<DateTime<Utc>>,
    pub registrations: Vec<PastRegistration>,
}

/// A registration of the past for a gathering: who, through which structure, in which
/// modality, where it stands now (a seat, the waiting list, given up) and, for a seat once the
/// gathering is over, whether they came; when it was made, and its last change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PastRegistration {
    pub participant: crate::Participant,
    pub structure_id: i64,
    pub modality: crate::Modality,
    pub seat: crate::Seat,
    pub attendance: Option<crate::Attendance>,
    pub registered_at: DateTime<Utc>,
    pub changed_at: DateTime<Utc>,
}
