//! The joint information meetings' page: upcoming meetings of the user's structure, registering,
//! the organiser's list of who registered and attended, and organising a new one.

use std::collections::HashMap;

use crate::json::{PagePath, Path};
use chrono::{NaiveDate, NaiveTime, TimeZone};

use crate::meetings::api::{MeetingView, NewMeetingRequest, RegistrationView};
use crate::pages::forms::{has_errors, set_error};
use crate::pages::*;

pub struct MeetingCard {
    pub view: MeetingView,
    pub when: String,
    pub territory: String,
    pub registrations: Vec<RegistrationView>,
}

#[derive(Template)]
#[template(path = "meetings/meetings.html")]
struct MeetingsPage {
    chrome: Chrome,
    cards: Vec<MeetingCard>,
    fields: Vec<Field>,
    errors: Vec<(String, String)>,
    may_organise: bool,
}

/// Paris time for display (meetings are in France; stored in UTC).
fn paris(at: chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&chrono_tz::Europe::Paris)
        .format("%d/%m/%Y à %Hh%M")
        .to_string()
}

/// A date and time typed in Paris time, in UTC (the earlier of two on the autumn change; a
/// time skipped in spring is taken one hour later).
fn from_paris(date: NaiveDate, time: NaiveTime) -> chrono::DateTime<chrono::Utc> {
    let local = date.and_time(time);
    chrono_tz::Europe::Paris
        .from_local_datetime(&local)
        .earliest()
        .or_else(|| {
            chrono_tz::Europe::Paris
                .from_local_datetime(&(local + chrono::Duration::hours(1)))
                .earliest()
        })
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_else(|| chrono::Utc.from_utc_datetime(&local))
}

fn meeting_fields(form: &HashMap<String, String>) -> Vec<Field> {
    let v = |name: &str| form.get(name).cloned().unwrap_or_default();
    let mut territory =
        Field::text("territoire", "Territoire (département)", &v("territoire")).required();
    territory.kind = "select";
    territory.options = refdata::geo()
        .departments()
        .filter(|d| {
            refdata::geo()
                .region(d.region)
                .is_some_and(|r| r.code == "11")
        })
        .map(|d| (d.code.to_string(), format!("{} — {}", d.code, d.name)))
        .collect();
    territory.options.sort();
    vec![
        Field::text("theme", "Thème", &v("theme"))
            .hint("Par exemple : « Les métiers de la logistique qui recrutent ».")
            .required(),
        Field::text("date", "Date", &v("date"))
            .kind("date")
            .required(),
        Field::text("heure", "Heure de début", &v("heure"))
            .kind("time")
            .required(),
        Field::text("lieu", "Lieu", &v("lieu")).hint("Adresse, si la réunion se tient sur place."),
        Field::text("lien", "Lien de visioconférence", &v("lien"))
            .hint("Adresse https://, si la réunion se tient en ligne."),
        territory,
    ]
}

async fn page(
    state: &Arc<AppState>,
    principal: &Principal,
    fields: Vec<Field>,
    notice: Option<String>,
) -> PageResult {
    let axum::Json(meetings) =
        crate::meetings::api::list_meetings(State(state.clone()), principal.clone()).await?;
    let mut cards = Vec::with_capacity(meetings.len());
    for view in meetings {
        let registrations = if view.organising {
            crate::meetings::api::list_registrations(
                State(state.clone()),
                principal.clone(),
                Path(view.id),
            )
            .await
            .map(|j| j.0)
            .unwrap_or_default()
        } else {
            Vec::new()
        };
        cards.push(MeetingCard {
            when: paris(view.starts_at),
            territory: refdata::geo()
                .department(&view.territory)
                .map(|d| format!("{} ({})", d.name, d.code))
                .unwrap_or_else(|| view.territory.clone()),
            registrations,
            view,
        });
    }
    let errors: Vec<(String, String)> = forms::error_summary(&fields);
    let failed = !errors.is_empty();
    Ok(render_form(
        &MeetingsPage {
            chrome: Chrome::new(
                principal,
                form_title("Réunions d'information", failed),
                "/reunions",
            )
            .notice(notice),
            may_organise: principal
                .grant(Resource::Meetings, Verb::Write, None)
                .is_ok(),
            cards,
            fields,
            errors,
        },
        failed,
    ))
}

pub async fn list(
    State(state): St,
    Viewer(principal): Viewer,
    PageQuery(query): PageQuery<ListQuery>,
) -> PageResult {
    page(
        &state,
        &principal,
        meeting_fields(&HashMap::new()),
        done(query.fait.as_deref()),
    )
    .await
}

pub async fn create(
    State(state): St,
    Viewer(principal): Viewer,
    crate::json::PageForm(form): crate::json::PageForm<HashMap<String, String>>,
) -> PageResult {
    let mut fields = meeting_fields(&form);
    let get = |name: &str| forms::trimmed(&form, name);
    if get("theme").chars().count() < 3 {
        set_error(
            &mut fields,
            "theme",
            "Renseignez le thème (3 caractères au moins).",
        );
    }
    let date = NaiveDate::parse_from_str(&get("date"), "%Y-%m-%d").ok();
    if date.is_none() {
        set_error(&mut fields, "date", "Une date au format JJ/MM/AAAA.");
    }
    let time = NaiveTime::parse_from_str(&get("heure"), "%H:%M").ok();
    if time.is_none() {
        set_error(&mut fields, "heure", "Une heure au format HH:MM.");
    }
    if get("lieu").is_empty() && get("lien").is_empty() {
        set_error(
            &mut fields,
            "lieu",
            "Indiquez un lieu, un lien de visioconférence, ou les deux.",
        );
    }
    if !get("lien").is_empty() && !get("lien").starts_with("https://") {
        set_error(&mut fields, "lien", "Un lien commençant par https://.");
    }
    let (Some(date), Some(time)) = (date, time) else {
        return page(&state, &principal, fields, None).await;
    };
    let starts_at = from_paris(date, time);
    if starts_at <= state.now() {
        set_error(
            &mut fields,
            "date",
            "La réunion doit avoir lieu dans le futur.",
        );
    }
    if has_errors(&fields) {
        return page(&state, &principal, fields, None).await;
    }
    let request = NewMeetingRequest {
        theme: get("theme"),
        starts_at,
        place: Some(get("lieu")),
        online_link: Some(get("lien")),
        territory: get("territoire"),
    };
    match crate::meetings::api::create_meeting(
        State(state.clone()),
        principal.clone(),
        JsonBody(request),
    )
    .await
    {
        Ok(_) => Ok(see_other("/reunions?fait=reunion")),
        Err(ApiError::Invalid(problems)) => {
            for p in problems {
                let name = match p.path.as_str() {
                    "/theme" => "theme",
                    "/starts_at" => "date",
                    "/online_link" => "lien",
                    "/territory" => "territoire",
                    _ => "lieu",
                };
                set_error(&mut fields, name, "Cette valeur ne convient pas.");
            }
            page(&state, &principal, fields, None).await
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn register(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(id): PagePath<i64>,
) -> PageResult {
    crate::meetings::api::register(State(state), principal, Path(id))
        .await
        .map(|_| ())?;
    Ok(see_other("/reunions?fait=inscrit"))
}

#[derive(Deserialize)]
pub struct AttendanceForm {
    user_id: i64,
    present: String,
}

pub async fn attendance(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(id): PagePath<i64>,
    crate::json::PageForm(form): crate::json::PageForm<AttendanceForm>,
) -> PageResult {
    crate::meetings::api::record_attendance(
        State(state),
        principal,
        Path(id),
        JsonBody(crate::meetings::api::AttendanceRequest {
            user_id: form.user_id,
            attended: form.present == "oui",
        }),
    )
    .await?;
    Ok(see_other("/reunions?fait=presence"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paris_time_follows_summer_and_winter() {
        let winter = chrono::Utc.with_ymd_and_hms(2026, 12, 3, 8, 30, 0).unwrap();
        assert_eq!(paris(winter), "03/12/2026 à 09h30");
        let summer = chrono::Utc.with_ymd_and_hms(2026, 6, 3, 7, 30, 0).unwrap();
        assert_eq!(paris(summer), "03/06/2026 à 09h30");
        let typed = from_paris(
            NaiveDate::from_ymd_opt(2026, 6, 3).unwrap(),
            NaiveTime::from_hms_opt(9, 30, 0).unwrap(),
        );
        assert_eq!(typed, summer);
    }
}
