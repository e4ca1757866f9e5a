//! The demo's duos: three mentors registered by the demo agency (temp workers of occupations
//! in tension that the demo advisor's people seek) and three duos with the advisor's people —
//! one under way with its contacts, one silent for more than three weeks (the coordinator's
//! alert), one just proposed that the agency answers for its mentor; the third mentor, free,
//! lives where the silent duo's person does.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use domain::{PersonName, RomeCode};
use store::{Role, Store};

/// A person of the advisor's portfolio with an occupation a duo can be about, in no open duo.
async fn candidates(
    store: &dyn Store,
    advisor: i64,
) -> anyhow::Result<Vec<(store::JobSeeker, &'static str)>> {
    let mut out = Vec::new();
    for person in store.job_seekers_of_agency(advisor, 0, 500).await? {
        let r = &person.record;
        if r.status != store::JobSeekerStatus::Active || r.consent.is_none() {
            continue;
        }
        let Some((occupations, _)) = service::duos::occupations_of(r) else {
            continue;
        };
        let Some(first) = occupations.first().map(|o| o.rome) else {
            continue;
        };
        let open = store
            .duos_of_job_seeker(person.id)
            .await?
            .iter()
            .any(|d| d.state.is_open());
        if !open {
            out.push((person, first));
        }
        if out.len() == 3 {
            break;
        }
    }
    Ok(out)
}

fn name(text: &str) -> anyhow::Result<PersonName> {
    PersonName::parse(text).map_err(|e| anyhow::anyhow!("{e}"))
}

/// The demo advisor's structure and the demo recruiter's agency, when both have a seat.
pub(super) fn advisor_and_agency(
    seats: &[(Role, store::Structure)],
) -> Option<(&store::Structure, &store::Structure)> {
    super::serve::seat(seats, Role::Advisor).zip(super::serve::seat(seats, Role::Recruiter))
}

pub async fn seed_duos(
    store: &dyn Store,
    seats: &[(Role, store::Structure)],
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let Some((advisor, agency)) = advisor_and_agency(seats) else {
        return Ok(());
    };
    let people = candidates(store, advisor.id).await?;
    let today = now.date_naive();
    let mentor =
        |first: &str, last: &str, rome: &str, capacity: u8| -> anyhow::Result<store::NewMentor> {
            Ok(store::NewMentor {
                agency_id: agency.id,
                first_name: name(first)?,
                last_name: name(last)?,
                email: domain::Email::parse(&format!(
                    "{}.{}@interim.example.fr",
                    first.to_lowercase(),
                    last.to_lowercase()
                ))
                .ok(),
                phone: domain::PhoneNumber::parse("06 45 12 78 90").ok(),
                commune: agency.record.commune.clone(),
                occupations: vec![store::MentorOccupation {
                    rome: RomeCode::parse(rome).map_err(|e| anyhow::anyhow!("{e}"))?,
                    months: 96,
                }],
                available_from: today - Duration::days(60),
                hours_per_month: 8,
                capacity,
                consent_on: today - Duration::days(60),
                created_by: None,
            })
        };
    let day = |days_ago: i64| today - Duration::days(days_ago);
    let at = |d: NaiveDate| d.and_hms_opt(10, 0, 0).map_or(now, |t| t.and_utc());
    let mut past = Vec::new();
    let contact = |on: NaiveDate, minutes: u16, kind: store::ContactKind| store::NewContact {
        duo_id: 0,
        on,
        minutes,
        kind,
        note: None,
        logged_by: None,
    };
    // A duo of the advisor's agency, proposed `proposed` days ago, started `started` days ago.
    let duo = |person: i64,
               mentor: i64,
               rome: &str,
               months: u8,
               state: store::DuoState,
               proposed: i64,
               started: Option<i64>,
               contacts: Vec<store::NewContact>|
     -> anyhow::Result<store::PastDuo> {
        Ok(store::PastDuo {
            duo: store::NewDuo {
                job_seeker_id: person,
                mentor_id: mentor,
                rome: RomeCode::parse(rome).map_err(|e| anyhow::anyhow!("{e}"))?,
                months,
                coordinator_id: advisor.id,
                drawn: false,
                proposed_by: None,
            },
            state,
            proposed_at: at(day(proposed)),
            started_on: started.map(day),
            ended_on: None,
            stop_reason: None,
            contacts,
            outcomes: Vec::new(),
        })
    };
    if let Some((person, rome)) = people.first() {
        let karim = store
            .create_mentor(&mentor("Karim", "Benali", rome, 2)?, at(day(60)))
            .await?;
        past.push(duo(
            person.id,
            karim.id,
            rome,
            3,
            store::DuoState::Active,
            45,
            Some(35),
            vec![
                contact(day(35), 60, store::ContactKind::Call),
                contact(day(21), 420, store::ContactKind::DayAlongside),
                contact(day(9), 30, store::ContactKind::Call),
            ],
        )?);
        if let Some((second, _)) = people.get(1) {
            past.push(duo(
                second.id,
                karim.id,
                rome,
                3,
                store::DuoState::SeekerAgreed,
                1,
                None,
                Vec::new(),
            )?);
        }
    }
    if let Some((third, rome)) = people.get(2) {
        let nadia = store
            .create_mentor(&mentor("Nadia", "Lefèvre", rome, 1)?, at(day(90)))
            .await?;
        // Free, where the third person lives: suggested once their silent duo is stopped.
        let near = store::NewMentor {
            commune: third.record.commune.clone(),
            ..mentor("Sofiane", "Haddad", rome, 1)?
        };
        store.create_mentor(&near, at(day(20))).await?;
        past.push(duo(
            third.id,
            nadia.id,
            rome,
            4,
            store::DuoState::Active,
            70,
            Some(60),
            vec![
                contact(day(60), 45, store::ContactKind::Workshop),
                contact(day(26), 60, store::ContactKind::Call),
            ],
        )?);
    }
    store.record_past_duos(&past).await?;
    Ok(())
}
