//! Gatherings: the one session mechanism behind every gathering Passerelle organises (the
//! joint information meetings, the co-organised recruitment actions). A gathering has a time,
//! a capacity per modality (on site, remote) and registrations; a registration past capacity
//! waits and is promoted in order when a seat of its modality is given up; attendance is
//! recorded once the gathering is over, then closed. Messages about them (invitations with an
//! iCalendar file, reminders) go through the outbox.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

text_enum!(
    /// How a participant attends a gathering: in the place, or through the link.
    Modality {
        OnSite = "on_site",
        Remote = "remote",
    }
);

text_enum!(
    /// Where a registration for a gathering stands: a seat, a place on the waiting list
    /// (promoted in order when a seat of the same modality is given up), or given up.
    Seat {
        Registered = "registered",
        Waiting = "waiting",
        Cancelled = "cancelled",
    }
);

text_enum!(
    /// Whether a registered participant came, recorded once the gathering is over.
    Attendance {
        Present = "present",
        Excused = "excused",
        Absent = "absent",
    }
);

/// A gathering as its organiser describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewGathering {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// Seats in the place (0: not held on site).
    pub capacity_on_site: u32,
    /// Seats through the link (0: not held remote).
    pub capacity_remote: u32,
}

impl NewGathering {
    /// The capacity of one modality.
    pub fn capacity(&self, modality: Modality) -> u32 {
        match modality {
            Modality::OnSite => self.capacity_on_site,
            Modality::Remote => self.capacity_remote,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gathering {
    pub id: i64,
    #[serde(flatten)]
    pub gathering: NewGathering,
    /// When its attendance was closed (after it ended), if it was.
    pub attendance_closed_at: Option<DateTime<Utc>>,
}

/// Who takes a seat: a user of a structure (a joint meeting), or a job seeker registered by
/// their agency (a recruitment action).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Participant {
    User(i64),
    JobSeeker(i64),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GatheringRegistration {
    pub id: i64,
    pub gathering_id: i64,
    pub participant: Participant,
    /// The structure the participant comes through (their own, or the person's agency).
    pub structure_id: i64,
    pub modality: Modality,
    pub seat: Seat,
    pub attendance: Option<Attendance>,
    pub registered_at: DateTime<Utc>,
    /// The last change of seat or attendance.
    pub changed_at: DateTime<Utc>,
    pub reminded_at: Option<DateTime<Utc>>,
}

/// What giving up a seat did: the registration as it is now, and the one promoted from the
/// waiting list into the seat it freed, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Seated {
    pub registration: GatheringRegistration,
    pub promoted: Option<GatheringRegistration>,
}

/// A message to send: by SMTP when it is configured, written as an `.eml` file otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewMessage {
    pub recipient: String,
    pub subject: String,
    /// Plain text.
    pub body: String,
    /// An iCalendar (`.ics`) invitation to attach, if any.
    pub calendar: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutboxMessage {
    pub id: i64,
    #[serde(flatten)]
    pub message: NewMessage,
    pub queued_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub attempts: u32,
    pub last_error: Option<String>,
}
