//! What a request for a gathering (a joint meeting, a co-organised action) must hold, checked
//! once for both: a start in the future, an end after it and at most [`LONGEST`] hours later,
//! an `https` link, and the seats of each modality held.

use super::*;

/// The longest a gathering lasts, in hours.
pub(crate) const LONGEST: i64 = 12;

/// The most seats of one modality.
const MOST_SEATS: u32 = 100_000;

/// A gathering's time, where and how it is held, and its seats, as a request gives them.
pub(crate) struct Requested<'a> {
    /// What it is called in a message ("a meeting", "an action").
    pub what: &'a str,
    pub starts_at: DateTime<Utc>,
    /// Default: two hours after the start.
    pub ends_at: Option<DateTime<Utc>>,
    /// Held in a place.
    pub on_site: bool,
    pub online_link: Option<String>,
    pub capacity_on_site: Option<u32>,
    pub capacity_remote: Option<u32>,
    /// Seats when held on site, or online, and none is given.
    pub default_seats: (u32, u32),
}

/// A gathering checked: its time and seats, and its link as browsers write it.
pub(crate) struct Checked {
    pub gathering: model::NewGathering,
    pub online_link: Option<String>,
}

/// An `https` link to a host, as a browser and a calendar read it.
pub(crate) fn is_https_link(text: &str) -> bool {
    !text.contains(|c: char| c.is_whitespace() || c == '"' || c == '<' || c == '>')
        && url::Url::parse(text).is_ok_and(|url| {
            url.scheme() == "https"
                && url
                    .host_str()
                    .is_some_and(|h| h.contains('.') || h == "localhost")
        })
}

/// Checks a requested gathering, adding to `problems` what is wrong (each naming its field).
pub(crate) fn check(
    requested: Requested<'_>,
    now: DateTime<Utc>,
    problems: &mut Vec<FieldProblem>,
) -> Checked {
    let Requested {
        what,
        starts_at,
        ends_at,
        on_site,
        online_link,
        capacity_on_site,
        capacity_remote,
        default_seats,
    } = requested;
    if starts_at <= now {
        problems.push(FieldProblem::new(
            "/starts_at",
            format!("{what} is organised in the future"),
        ));
    }
    problems.extend(date_field("/starts_at", Some(starts_at.date_naive())));
    let online_link = online_link
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty());
    if !on_site && online_link.is_none() {
        problems.push(FieldProblem::new(
            "/place",
            "give a place, an online link, or both",
        ));
    }
    if online_link.as_deref().is_some_and(|l| !is_https_link(l)) {
        problems.push(FieldProblem::new(
            "/online_link",
            "an https:// link to a host, without spaces or quotes",
        ));
    }
    problems.extend(line_field(
        "/online_link",
        online_link.as_deref(),
        model::text::URL_CHARS,
    ));
    // Kept as browsers write it (scheme and host in lower case).
    let online_link = online_link.map(|l| url::Url::parse(&l).map_or(l, |u| u.to_string()));
    let ends_at = ends_at.unwrap_or(starts_at + Duration::hours(2));
    if ends_at <= starts_at || ends_at > starts_at + Duration::hours(LONGEST) {
        problems.push(FieldProblem::new(
            "/ends_at",
            format!("after the start, and at most {LONGEST} hours after it"),
        ));
    }
    let mut seats =
        |given: Option<u32>, held: bool, default: u32, path: &str, how: (&str, &str)| match (
            given, held,
        ) {
            (None, true) => default,
            (None | Some(0), false) => 0,
            (Some(n), true) if (1..=MOST_SEATS).contains(&n) => n,
            (Some(_), true) => {
                problems.push(FieldProblem::new(
                    path,
                    format!("from 1 to {MOST_SEATS} seats"),
                ));
                0
            }
            (Some(_), false) => {
                let (how, needs) = how;
                problems.push(FieldProblem::new(path, format!("seats {how} need {needs}")));
                0
            }
        };
    let capacity_on_site = seats(
        capacity_on_site,
        on_site,
        default_seats.0,
        "/capacity_on_site",
        ("on site", "a place"),
    );
    let capacity_remote = seats(
        capacity_remote,
        online_link.is_some(),
        default_seats.1,
        "/capacity_remote",
        ("remote", "an online link"),
    );
    Checked {
        gathering: model::NewGathering {
            starts_at,
            ends_at,
            capacity_on_site,
            capacity_remote,
        },
        online_link,
    }
}

/// Records a seated participant's attendance at the gathering of a record (`kind`: an action,
/// a meeting; `id`), and audits it as `<kind>.attendance` with `detail`.
pub(crate) async fn record_attendance(
    state: &AppState,
    principal: &Principal,
    (kind, id): (&str, i64),
    registration_id: i64,
    attendance: model::Attendance,
    detail: serde_json::Value,
) -> AppResult<()> {
    state
        .store
        .record_attendance(registration_id, attendance, state.now())
        .await?;
    state
        .audit_one(principal.event(&format!("{kind}.attendance"), kind, id, detail))
        .await
}

/// Closes the attendance of a record's gathering (`kind`: an action, a meeting; `id`), and
/// audits it as `<kind>.attendance_closed`.
pub(crate) async fn close_attendance(
    state: &AppState,
    principal: &Principal,
    (kind, id): (&str, i64),
    gathering_id: i64,
) -> AppResult<()> {
    state
        .store
        .close_attendance(gathering_id, state.now())
        .await?;
    state
        .audit_one(principal.event(
            &format!("{kind}.attendance_closed"),
            kind,
            id,
            serde_json::json!({}),
        ))
        .await
}
