//! Which schemes fund a session for a person (and an offer): Passerelle's records read as the
//! schemes' inputs (`model::schemes`), and their verdicts as a view. What a record does not
//! hold (an allowance such as the ASS or the AAH, hours in the temp-work branch, an
//! accompaniment by another prescriber) is taken as absent, and the verdicts say so.

use chrono::{Datelike, NaiveDate};
use model::schemes::{
    self, Assessment, SchemeOffer, SchemePerson, SchemeSession, SchemeSettings, Verdict,
};
use model::trainings::TrainingSessionRecord;
use model::{ContractType, JobSeekerRecord, JobSeekerStatus, OfferRecord};

/// What the person's record does not tell the schemes.
pub const UNKNOWN_OF_A_PERSON: &str = "not in the person's record, taken as absent: ASS, AAH, \
     another ground of the disability employment obligation, hours in the temp-work branch, \
     a prescriber other than France Travail, a former CUI, a PIC public";

/// Age in whole years on `day`.
fn age(birth: NaiveDate, day: NaiveDate) -> Option<u8> {
    let mut years = day.year() - birth.year();
    if (day.month(), day.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    u8::try_from(years).ok()
}

/// The person as the schemes read them on `day`.
pub fn scheme_person(record: &JobSeekerRecord, day: NaiveDate) -> SchemePerson {
    let statuses = record.priorities.keys().copied().collect();
    SchemePerson {
        statuses,
        disability_obligation: false,
        ass: false,
        aah: false,
        age: record.birth_date.and_then(|birth| age(birth, day)),
        job_seeker: record.status == JobSeekerStatus::Active,
        months_registered: Some(super::months_between(record.registered_on, day)),
        temp_hours_last_12_months: None,
        low_qualification: record
            .priorities
            .contains_key(&model::PriorityStatus::YoungUnqualified),
        pic_public: false,
        accompanied: false,
        left_cui: false,
    }
}

/// The offer as the schemes read it: filed with France Travail the day it was published in
/// Passerelle (the offers come from France Travail's files or are published through it),
/// its length in whole months of thirty days.
pub fn scheme_offer(record: &OfferRecord) -> SchemeOffer {
    SchemeOffer {
        contract_type: record.contract_type,
        work_study: None,
        months: record.duration_days.map(|days| days / 30),
        seasonal: record.contract_type == ContractType::Sai,
        weekly_hours: record.weekly_hours,
        filed_with_france_travail_on: Some(record.published_at.date_naive()),
        temp_work: matches!(record.contract_type, ContractType::Mis | ContractType::Din),
    }
}

/// The session as the schemes read it, when its first and last days are known: run by its
/// training body for a group (a catalogue's session), its hours split as the file splits
/// them (the total counted in the centre when only the total is given).
pub fn scheme_session(record: &TrainingSessionRecord) -> Option<SchemeSession> {
    let (starts, ends) = record.span()?;
    let (hours_centre, hours_enterprise) = match (record.hours_centre, record.hours_enterprise) {
        (None, None) => (record.hours_total.unwrap_or(0), 0),
        (centre, enterprise) => (centre.unwrap_or(0), enterprise.unwrap_or(0)),
    };
    Some(SchemeSession {
        starts,
        ends,
        hours_centre,
        hours_enterprise,
        collective: true,
        with_training_body: true,
    })
}

/// One scheme's verdict, as the API and the command line show it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct SchemeView {
    /// `poei`, `afpr`, `poec`, `cdpi`, `cipi`, `contrat_pro`, `pmsmp`.
    pub scheme: &'static str,
    pub label: &'static str,
    pub eligible: bool,
    /// Why it applies (eligible), or the rule it fails and why.
    pub reasons: Vec<String>,
    /// The check failed, when not eligible.
    pub failed_check: Option<&'static str>,
    /// The rule's version (its id) when eligible.
    pub version: Option<&'static str>,
    pub max_hours: Option<u32>,
    pub funders: Vec<&'static str>,
}

fn view(assessment: &Assessment) -> SchemeView {
    let scheme = assessment.scheme;
    match &assessment.verdict {
        Verdict::Eligible(eligible) => SchemeView {
            scheme: scheme.as_str(),
            label: scheme.label(),
            eligible: true,
            reasons: eligible.reasons.iter().map(|r| r.text.clone()).collect(),
            failed_check: None,
            version: Some(eligible.rule.id),
            max_hours: eligible.max_hours,
            funders: eligible.rule.funders.to_vec(),
        },
        Verdict::NotEligible(failure) => SchemeView {
            scheme: scheme.as_str(),
            label: scheme.label(),
            eligible: false,
            reasons: vec![failure.reason.clone()],
            failed_check: Some(failure.check.as_str()),
            version: None,
            max_hours: None,
            funders: Vec::new(),
        },
    }
}

/// Every scheme's verdict for the person, the offer (if any) and the session on `day`; none
/// when the session's days are not known.
pub fn funding(
    settings: &SchemeSettings,
    person: &JobSeekerRecord,
    offer: Option<&OfferRecord>,
    session: &TrainingSessionRecord,
    day: NaiveDate,
) -> Option<Vec<SchemeView>> {
    let session = scheme_session(session)?;
    let person = scheme_person(person, day);
    let offer = offer.map(scheme_offer);
    Some(
        schemes::eligibility(settings, &person, offer.as_ref(), &session, day)
            .iter()
            .map(view)
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_counts_whole_years() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
        assert_eq!(age(day(2000, 6, 18), day(2026, 6, 17)), Some(25));
        assert_eq!(age(day(2000, 6, 18), day(2026, 6, 18)), Some(26));
        assert_eq!(age(day(2030, 1, 1), day(2026, 6, 18)), None);
    }
}
