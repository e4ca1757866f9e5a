//! The joint information meetings' page: upcoming meetings of the user's structure, registering,
//! the organiser's list of who registered and attended, and organising a new one.

use std::collections::HashMap;

use crate::json::{PagePath, Path};
use chrono::{NaiveDate, NaiveTime};

use crate::meetings::api::{MeetingView, NewMeetingRequest, RegistrationView};
use crate::pages::forms::{has_errors, set_error};
use crate::pages::*;

pub struct MeetingCard {
    pub view: MeetingView,
    pub when: String,
    /// "de 9h30 à 11h30".
    pub until: String,
    pub territory: String,
    /// "12 / 50 places sur place · 3 / 100 en ligne · 2 en liste d'attente".
    pub seats: String,
    pub registrations: Vec<RegistrationView>,
    /// Both modalities are held: the person chooses.
    pub both: bool,
    /// Seated participants whose attendance is still to record.
    pub to_record: usize,
}

#[derive(Template)]
#[template(path = "meetings/meetings.html")]
struct MeetingsPage {
    chrome: Chrome,
    cards: Vec<MeetingCard>,
    /// The organiser's meetings over whose attendance is not closed.
    due: Vec<MeetingCard>,
    fields: Vec<Field>,
    errors: Vec<(String, String)>,
    may_organise: bool,
}

use crate::meetings::paris;

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
    let mut fields = vec![
        Field::text("theme", "Thème", &v("theme"))
            .hint("Par exemple : « Les métiers de la logistique qui recrutent ».")
            .required(),
    ];
    fields.extend(forms::time_fields(v));
    fields.push(
        Field::text("lieu", "Lieu", &v("lieu")).hint("Adresse, si la réunion se tient sur place."),
    );
    fields.extend(forms::seat_fields(
        v,
        forms::SeatHints {
            on_site: "Par défaut 50 ; au-delà, les inscrits sont en liste d'attente.",
            link: "Adresse https://, si la réunion se tient en ligne.",
            remote: "Par défaut 100.",
        },
    ));
    fields.push(territory);
    fields
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
        cards.push(card(state, principal, view).await);
    }
    let axum::Json(due) =
        crate::meetings::api::attendance_due(State(state.clone()), principal.clone()).await?;
    let mut due_cards = Vec::with_capacity(due.len());
    for view in due {
        due_cards.push(card(state, principal, view).await);
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
            due: due_cards,
            fields,
            errors,
        },
        failed,
    ))
}

async fn card(state: &Arc<AppState>, principal: &Principal, view: MeetingView) -> MeetingCard {
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
    let mut seats = Vec::new();
    if view.capacity_on_site > 0 {
        seats.push(format!(
            "{} / {} places sur place",
            view.seated_on_site, view.capacity_on_site
        ));
    }
    if view.capacity_remote > 0 {
        seats.push(format!(
            "{} / {} en ligne",
            view.seated_remote, view.capacity_remote
        ));
    }
    if view.waiting > 0 {
        seats.push(format!("{} en liste d'attente", view.waiting));
    }
    let to_record = registrations
        .iter()
        .filter(|r| r.seat == model::Seat::Registered && r.attendance.is_none())
        .count();
    MeetingCard {
        when: paris(view.starts_at),
        until: paris_time(view.ends_at),
        territory: refdata::geo()
            .department(&view.territory)
            .map(|d| format!("{} ({})", d.name, d.code))
            .unwrap_or_else(|| view.territory.clone()),
        seats: seats.join(" · "),
        both: view.capacity_on_site > 0 && view.capacity_remote > 0,
        to_record,
        registrations,
        view,
    }
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
    let end = if get("fin").is_empty() {
        None
    } else {
        let parsed = NaiveTime::parse_from_str(&get("fin"), "%H:%M").ok();
        if parsed.is_none() {
            set_error(&mut fields, "fin", "Une heure au format HH:MM.");
        }
        parsed
    };
    let mut seats = |name: &'static str| -> Option<u32> {
        let typed = get(name);
        if typed.is_empty() {
            return None;
        }
        match typed.parse::<u32>() {
            Ok(n) if (1..=100_000).contains(&n) => Some(n),
            _ => {
                set_error(&mut fields, name, "Un nombre de places de 1 à 100 000.");
                None
            }
        }
    };
    let capacity_on_site = seats("places_sur_place");
    let capacity_remote = seats("places_en_ligne");
    if capacity_on_site.is_some() && get("lieu").is_empty() {
        set_error(
            &mut fields,
            "places_sur_place",
            "Des places sur place demandent un lieu.",
        );
    }
    if capacity_remote.is_some() && get("lien").is_empty() {
        set_error(
            &mut fields,
            "places_en_ligne",
            "Des places en ligne demandent un lien de visioconférence.",
        );
    }
    let (Some(date), Some(time)) = (date, time) else {
        return page(&state, &principal, fields, None).await;
    };
    let starts_at = from_paris(date, time);
    let ends_at = end.map(|end| from_paris(date, end));
    if ends_at.is_some_and(|end| end <= starts_at) {
        set_error(&mut fields, "fin", "L'heure de fin suit l'heure de début.");
    }
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
        ends_at,
        place: Some(get("lieu")),
        online_link: Some(get("lien")),
        capacity_on_site,
        capacity_remote,
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
                    "/ends_at" => "fin",
                    "/capacity_on_site" => "places_sur_place",
                    "/capacity_remote" => "places_en_ligne",
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

/// A refusal of the gatherings' rules, said in French on the page (the API says it in
/// English): why the seat, the cancellation, the attendance or its closing was refused.
fn in_french(err: ApiError) -> ApiError {
    let ApiError::Conflict(reason) = &err else {
        return err;
    };
    let french = if reason.contains("has started") {
        "La réunion a commencé : on ne s'y inscrit plus et on ne s'en désinscrit plus.".to_string()
    } else if reason.contains("already registered") {
        "Vous êtes déjà inscrit(e) à cette réunion.".to_string()
    } else if reason.contains("cannot be given up") {
        "Cette inscription est déjà annulée.".to_string()
    } else if reason.contains("once the gathering is over") {
        "La présence se note et se clôt une fois la réunion terminée.".to_string()
    } else if reason.contains("already closed") || reason.contains("attendance is closed") {
        "La présence de cette réunion est déjà close.".to_string()
    } else if reason.contains("only a seated participant") {
        "La présence ne se note que pour les personnes inscrites, pas pour la liste d'attente."
            .to_string()
    } else if let Some(count) = reason
        .split("attendance: ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .filter(|n| n.parse::<u32>().is_ok())
    {
        format!("{count} présence(s) restent à noter avant de clore.")
    } else {
        return err;
    };
    ApiError::Refused(french)
}

#[derive(Deserialize)]
pub struct RegisterForm {
    #[serde(default)]
    modalite: String,
}

pub async fn register(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(id): PagePath<i64>,
    crate::json::PageForm(form): crate::json::PageForm<RegisterForm>,
) -> PageResult {
    let modality = match form.modalite.as_str() {
        "en_ligne" => Some("remote".to_string()),
        "sur_place" => Some("on_site".to_string()),
        "" => None,
        _ => {
            return Err(ApiError::field("/modalite", "« sur_place » ou « en_ligne »").into());
        }
    };
    let (_, axum::Json(view)) = crate::meetings::api::register(
        State(state),
        principal,
        Path(id),
        crate::json::QueryParams(crate::meetings::api::RegisterParams { modality }),
    )
    .await
    .map_err(in_french)?;
    let waiting = view
        .my_registration
        .is_some_and(|r| r.seat == model::Seat::Waiting);
    Ok(see_other(if waiting {
        "/reunions?fait=attente"
    } else {
        "/reunions?fait=inscrit"
    }))
}

pub async fn unregister(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath((id, registration)): PagePath<(i64, i64)>,
) -> PageResult {
    crate::meetings::api::cancel_registration(State(state), principal, Path((id, registration)))
        .await
        .map(|_| ())
        .map_err(in_french)?;
    Ok(see_other("/reunions?fait=desinscrit"))
}

#[derive(Deserialize)]
pub struct AttendanceForm {
    user_id: i64,
    presence: String,
}

pub async fn attendance(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(id): PagePath<i64>,
    crate::json::PageForm(form): crate::json::PageForm<AttendanceForm>,
) -> PageResult {
    let attendance = match form.presence.as_str() {
        "present" => model::Attendance::Present,
        "excuse" => model::Attendance::Excused,
        "absent" => model::Attendance::Absent,
        _ => {
            return Err(ApiError::field("/presence", "present, excuse ou absent").into());
        }
    };
    crate::meetings::api::record_attendance(
        State(state),
        principal,
        Path(id),
        JsonBody(crate::meetings::api::AttendanceRequest {
            user_id: form.user_id,
            attendance,
        }),
    )
    .await
    .map_err(in_french)?;
    Ok(see_other("/reunions?fait=presence"))
}

pub async fn close(
    State(state): St,
    Viewer(principal): Viewer,
    PagePath(id): PagePath<i64>,
) -> PageResult {
    crate::meetings::api::close_attendance(State(state), principal, Path(id))
        .await
        .map(|_| ())
        .map_err(in_french)?;
    Ok(see_other("/reunions?fait=cloture"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

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
