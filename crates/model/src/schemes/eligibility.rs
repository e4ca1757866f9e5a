//! Which schemes apply to a person, an offer and a session, on the day they are decided.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{
    ContractKind, HourlyCap, OfferNeed, OwnContract, Scheme, SchemeOffer, SchemePerson, SchemeRule,
    SchemeSession, SchemeSettings, SessionKind, human, in_months, last_day_within, rule_on,
    versions,
};

/// One assessment per scheme, in the order of [`Scheme::ALL`].
///
/// `day` is the day the scheme is decided (the plan made, the funding agreed): the version in
/// force on that day applies to the whole session, even one starting after a change of rules,
/// as an agreement signed under a version keeps it. The session must not have started by then
/// (schemes are agreed before the training). Each scheme is checked in the order of
/// [`Check::ALL`] and the first rule failed is reported; a scheme that passes them all is
/// eligible, with the reasons of each check passed.
///
/// Unknown figures do not fail a check they cannot decide (a job's weekly hours not given):
/// the reasons say what is left to verify.
pub fn eligibility(
    settings: &SchemeSettings,
    person: &SchemePerson,
    offer: Option<&SchemeOffer>,
    session: &SchemeSession,
    day: NaiveDate,
) -> Vec<Assessment> {
    let case = Case {
        settings,
        person,
        offer,
        session,
        day,
    };
    Scheme::ALL
        .iter()
        .map(|&scheme| Assessment {
            scheme,
            verdict: case.assess(scheme),
        })
        .collect()
}

text_enum!(
    /// The rules a scheme may fail, in the order they are checked: the first failed is the
    /// one reported.
    Check {
        /// No version is in force on the day (AFPR from 18 June 2024).
        NotInForce = "not_in_force",
        /// The session ends before it starts.
        SessionDates = "session_dates",
        /// The session started before the day: schemes are agreed before the training.
        SessionStarted = "session_started",
        /// The person is not of the publics.
        Public = "public",
        /// The session is not of the kind (collective, with a training body, an immersion).
        SessionKind = "session_kind",
        /// The scheme needs an offer or a contract and none is given.
        OfferMissing = "offer_missing",
        /// The offer was not filed with France Travail.
        OfferNotFiled = "offer_not_filed",
        /// The offer was filed on or after the session's first day.
        OfferFiledLate = "offer_filed_late",
        /// The contract offered cannot meet the contract that must follow (or is not the
        /// contract the scheme is, of the right length).
        Contract = "contract",
        /// The job offers too few hours a week.
        WeeklyHours = "weekly_hours",
        /// The training is too short.
        HoursMin = "hours_min",
        /// The training is too long for its case.
        HoursMax = "hours_max",
        /// Too large a share of the hours in the workplace.
        EnterpriseShare = "enterprise_share",
        /// The training is too small or too large a share of the contract.
        TrainingShare = "training_share",
        /// The session spans too long.
        Span = "span",
    }
);

/// Why a check passed, with a stable key a page can translate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    pub key: &'static str,
    pub text: String,
}

impl Reason {
    fn new(key: &'static str, text: impl Into<String>) -> Self {
        Self {
            key,
            text: text.into(),
        }
    }
}

/// A scheme that applies: the version in force, why it applies, and what comes with it.
#[derive(Debug, Clone, PartialEq)]
pub struct Eligible {
    /// The version in force; its `following`, `funders` and `sources` come with it.
    pub rule: &'static SchemeRule,
    pub reasons: Vec<Reason>,
    /// The longest training allowed for this session's case, in the rule's hours basis.
    pub max_hours: Option<u32>,
    /// The hourly cap in force for this case on the day; none when unknown.
    pub hourly_cap: Option<&'static HourlyCap>,
}

/// The first rule a scheme fails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub check: Check,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Eligible(Eligible),
    NotEligible(Failure),
}

/// One scheme's verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    pub scheme: Scheme,
    pub verdict: Verdict,
}

impl Assessment {
    pub fn eligible(&self) -> Option<&Eligible> {
        match &self.verdict {
            Verdict::Eligible(eligible) => Some(eligible),
            Verdict::NotEligible(_) => None,
        }
    }

    pub fn failure(&self) -> Option<&Failure> {
        match &self.verdict {
            Verdict::Eligible(_) => None,
            Verdict::NotEligible(failure) => Some(failure),
        }
    }
}

struct Case<'a> {
    settings: &'a SchemeSettings,
    person: &'a SchemePerson,
    offer: Option<&'a SchemeOffer>,
    session: &'a SchemeSession,
    day: NaiveDate,
}

type Step = Result<Option<Reason>, Failure>;

fn fail(check: Check, reason: impl Into<String>) -> Failure {
    Failure {
        check,
        reason: reason.into(),
    }
}

fn pass(key: &'static str, text: impl Into<String>) -> Step {
    Ok(Some(Reason::new(key, text)))
}

impl Case<'_> {
    fn assess(&self, scheme: Scheme) -> Verdict {
        let outcome = match rule_on(scheme, self.day) {
            Some(rule) => self.check(rule),
            None => Err(fail(Check::NotInForce, not_in_force(scheme, self.day))),
        };
        match outcome {
            Ok(eligible) => Verdict::Eligible(eligible),
            Err(failure) => Verdict::NotEligible(failure),
        }
    }

    fn check(&self, rule: &'static SchemeRule) -> Result<Eligible, Failure> {
        let in_force = format!(
            "{} rule {} in force on {} (since {})",
            rule.scheme.short(),
            rule.id,
            human(self.day),
            human(rule.from)
        );
        let mut reasons = vec![Reason::new("in_force", in_force)];
        self.dates()?;
        reasons.extend(self.public(rule)?);
        reasons.extend(self.session_kind(rule)?);
        reasons.extend(self.offer(rule)?);
        reasons.extend(self.contract(rule)?);
        reasons.extend(self.weekly_hours(rule)?);
        reasons.extend(self.min_hours(rule)?);
        let max_hours = self.max_hours(rule, &mut reasons)?;
        reasons.extend(self.enterprise_share(rule)?);
        reasons.extend(self.training_share(rule)?);
        reasons.extend(self.span(rule)?);
        let hourly_cap = self.hourly_cap(rule);
        reasons.push(match hourly_cap {
            Some(cap) => Reason::new(
                "hourly_cap",
                format!("funded up to {} ({})", cap.describe(), cap.source),
            ),
            None if rule.funders.is_empty() => Reason::new(
                "no_funding",
                "no training cost: the person keeps their status and income",
            ),
            None => Reason::new("hourly_cap_unknown", "hourly cap unknown on this day"),
        });
        Ok(Eligible {
            rule,
            reasons,
            max_hours,
            hourly_cap,
        })
    }

    fn dates(&self) -> Result<(), Failure> {
        let session = self.session;
        if session.ends < session.starts {
            return Err(fail(
                Check::SessionDates,
                format!(
                    "the session ends on {}, before it starts on {}",
                    human(session.ends),
                    human(session.starts)
                ),
            ));
        }
        if session.starts < self.day {
            return Err(fail(
                Check::SessionStarted,
                format!(
                    "the session started on {}, before {}: schemes are agreed before the training",
                    human(session.starts),
                    human(self.day)
                ),
            ));
        }
        Ok(())
    }

    fn public(&self, rule: &SchemeRule) -> Step {
        if let Some(why) = rule
            .publics
            .iter()
            .find_map(|public| public.matches(self.person))
        {
            return pass("public", why);
        }
        let publics: Vec<String> = rule
            .publics
            .iter()
            .map(|public| public.describe())
            .collect();
        Err(fail(
            Check::Public,
            format!(
                "the {} is open to {}",
                rule.scheme.short(),
                publics.join(", or ")
            ),
        ))
    }

    fn session_kind(&self, rule: &SchemeRule) -> Step {
        let session = self.session;
        let scheme = rule.scheme.short();
        match rule.session {
            SessionKind::Any => Ok(None),
            SessionKind::Collective if session.collective => {
                pass("session", "a collective session")
            }
            SessionKind::Collective => Err(fail(
                Check::SessionKind,
                format!("the {scheme} trains a group: this session is individual"),
            )),
            SessionKind::TrainingBody if session.with_training_body && session.hours_centre > 0 => {
                pass("session", "given in part by a training body")
            }
            SessionKind::TrainingBody => Err(fail(
                Check::SessionKind,
                format!("the {scheme} needs hours with a training body: this session has none"),
            )),
            SessionKind::Immersion if !session.with_training_body && session.hours_centre == 0 => {
                pass("session", "an immersion in the workplace")
            }
            SessionKind::Immersion => Err(fail(
                Check::SessionKind,
                format!("a {scheme} is an immersion without a training body: this session has one"),
            )),
        }
    }

    fn offer(&self, rule: &SchemeRule) -> Step {
        let scheme = rule.scheme.short();
        match (rule.offer, self.offer) {
            (OfferNeed::None, _) => Ok(None),
            (OfferNeed::Contract, Some(offer)) => pass(
                "offer",
                format!("the contract offered: {}", offer.describe()),
            ),
            (OfferNeed::Contract, None) => Err(fail(
                Check::OfferMissing,
                format!("a {scheme} is a contract: no contract is offered"),
            )),
            (OfferNeed::FiledBefore, None) => Err(fail(
                Check::OfferMissing,
                format!(
                    "the {scheme} prepares for an offer filed with France Travail: there is none"
                ),
            )),
            (OfferNeed::FiledBefore, Some(offer)) => match offer.filed_with_france_travail_on {
                None => Err(fail(
                    Check::OfferNotFiled,
                    format!(
                        "the {scheme} needs an offer filed with France Travail: this one was not"
                    ),
                )),
                Some(filed) if filed >= self.session.starts => Err(fail(
                    Check::OfferFiledLate,
                    format!(
                        "the offer was filed on {}, not before the session starts on {}",
                        human(filed),
                        human(self.session.starts)
                    ),
                )),
                Some(filed) => pass(
                    "offer",
                    format!(
                        "offer filed with France Travail on {}, before the session",
                        human(filed)
                    ),
                ),
            },
        }
    }

    fn contract(&self, rule: &SchemeRule) -> Step {
        let Some(offer) = self.offer else {
            return Ok(None);
        };
        if let Some(own) = rule.contract {
            return self.own_contract(rule, &own, offer);
        }
        if !rule.following.iter().any(|way| way.on_offer()) {
            return Ok(None);
        }
        let ways: Vec<String> = rule.following.iter().map(|way| way.describe()).collect();
        match rule.following.iter().find(|way| way.met_by(offer)) {
            Some(way) => pass(
                "contract",
                format!(
                    "a {} meets the contract that must follow: {}",
                    offer.describe(),
                    way.describe()
                ),
            ),
            None => Err(fail(
                Check::Contract,
                format!(
                    "a {} does not meet the contract the {} must lead to: {}",
                    offer.describe(),
                    rule.scheme.short(),
                    ways.join(", or ")
                ),
            )),
        }
    }

    fn own_contract(&self, rule: &SchemeRule, own: &OwnContract, offer: &SchemeOffer) -> Step {
        let scheme = rule.scheme.short();
        let kinds = offer.kinds();
        if !kinds.contains(&own.kind) {
            return Err(fail(
                Check::Contract,
                format!("a {} is not a {scheme}", offer.describe()),
            ));
        }
        let what = if kinds.contains(&ContractKind::Permanent) {
            "its professionalisation action"
        } else {
            "the contract"
        };
        let Some(months) = offer.months else {
            return Err(fail(
                Check::Contract,
                format!("the length of {what} is not given"),
            ));
        };
        let (max, public) = if self.person.contrat_pro_extended() {
            (own.extended_max_months, " for this public")
        } else {
            (own.max_months, "")
        };
        if months < own.min_months || months > max {
            return Err(fail(
                Check::Contract,
                format!(
                    "{what} lasts {}: between {} and {max} months{public}",
                    in_months(months),
                    own.min_months
                ),
            ));
        }
        pass(
            "contract",
            format!(
                "{what} lasts {}, between {} and {max}{public}",
                in_months(months),
                own.min_months
            ),
        )
    }

    fn weekly_hours(&self, rule: &SchemeRule) -> Step {
        let (Some(minimum), Some(offer)) = (rule.min_weekly_hours, self.offer) else {
            return Ok(None);
        };
        if minimum.disability_exempt && self.person.disability_obligation_holder() {
            return pass(
                "weekly_hours",
                format!(
                    "the {} h a week floor is waived for the disability employment obligation",
                    minimum.hours
                ),
            );
        }
        match offer.weekly_hours {
            None => pass(
                "weekly_hours_unknown",
                format!(
                    "the job's weekly hours are not given: it must offer at least {} h a week",
                    minimum.hours
                ),
            ),
            Some(hours) if hours < f64::from(minimum.hours) => Err(fail(
                Check::WeeklyHours,
                format!(
                    "the job offers {hours} h a week: at least {} h",
                    minimum.hours
                ),
            )),
            Some(hours) => pass(
                "weekly_hours",
                format!(
                    "the job offers {hours} h a week, at least {}",
                    minimum.hours
                ),
            ),
        }
    }

    fn hours(&self, rule: &SchemeRule) -> u32 {
        self.session.hours(rule.hours_basis)
    }

    fn min_hours(&self, rule: &SchemeRule) -> Step {
        let Some(minimum) = rule.min_hours.map(|hours| self.settings.hours(hours)) else {
            return Ok(None);
        };
        let hours = self.hours(rule);
        if hours < minimum {
            return Err(fail(
                Check::HoursMin,
                format!(
                    "{hours} h of training: the {} asks at least {minimum} h",
                    rule.scheme.short()
                ),
            ));
        }
        pass("hours_min", format!("{hours} h, at least {minimum} h"))
    }

    /// The maximum of the first case that fits, checked; pushes its reason.
    fn max_hours(
        &self,
        rule: &SchemeRule,
        reasons: &mut Vec<Reason>,
    ) -> Result<Option<u32>, Failure> {
        let found = rule.max_hours.iter().find_map(|(case, hours)| {
            case.fits(self.person, self.offer, self.session)
                .map(|why| (self.settings.hours(*hours), why))
        });
        let Some((maximum, why)) = found else {
            return Ok(None);
        };
        let hours = self.hours(rule);
        if hours > maximum {
            return Err(fail(
                Check::HoursMax,
                format!("{hours} h of training: at most {maximum} h ({why})"),
            ));
        }
        reasons.push(Reason::new(
            "hours_max",
            format!("{hours} h, at most {maximum} h ({why})"),
        ));
        Ok(Some(maximum))
    }

    fn enterprise_share(&self, rule: &SchemeRule) -> Step {
        let Some(share) = rule.max_enterprise_share else {
            return Ok(None);
        };
        let session = self.session;
        let (enterprise, total) = (session.hours_enterprise, session.hours_total());
        let fraction = format!("{}/{}", share.numerator, share.denominator);
        if u64::from(enterprise) * u64::from(share.denominator)
            > u64::from(total) * u64::from(share.numerator)
        {
            return Err(fail(
                Check::EnterpriseShare,
                format!("{enterprise} h of {total} in the workplace: at most {fraction}"),
            ));
        }
        pass(
            "enterprise_share",
            format!("{enterprise} h of {total} in the workplace, at most {fraction}"),
        )
    }

    fn training_share(&self, rule: &SchemeRule) -> Step {
        let (Some(own), Some(offer)) = (rule.contract, self.offer) else {
            return Ok(None);
        };
        let Some(months) = offer.months else {
            return Ok(None);
        };
        let weekly = offer
            .weekly_hours
            .unwrap_or(f64::from(own.default_weekly_hours));
        let contract_hours = f64::from(months) * weekly * 52.0 / 12.0;
        let hours = f64::from(self.hours(rule));
        let percent = if contract_hours > 0.0 {
            hours * 100.0 / contract_hours
        } else {
            100.0
        };
        let (low, high) = (
            f64::from(own.min_training_percent),
            f64::from(own.max_training_percent),
        );
        let text = format!(
            "{hours} h of training is {percent:.1} % of the contract's about {contract_hours:.0} h ({months} months at {weekly} h a week)"
        );
        if percent < low || percent > high {
            return Err(fail(
                Check::TrainingShare,
                format!("{text}: between {low} % and {high} %"),
            ));
        }
        pass(
            "training_share",
            format!("{text}, between {low} % and {high} %"),
        )
    }

    fn span(&self, rule: &SchemeRule) -> Step {
        let Some(limit) = rule.max_span else {
            return Ok(None);
        };
        let session = self.session;
        let months = limit.months;
        if limit.disability_exempt && self.person.disability_obligation_holder() {
            return pass(
                "span",
                format!(
                    "the {months}-month limit is waived for the disability employment obligation"
                ),
            );
        }
        match last_day_within(session.starts, months) {
            Some(last) if session.ends <= last => pass(
                "span",
                format!(
                    "from {} to {}, within {}",
                    human(session.starts),
                    human(session.ends),
                    in_months(months)
                ),
            ),
            _ => Err(fail(
                Check::Span,
                format!(
                    "from {} to {}: the {} lasts at most {}",
                    human(session.starts),
                    human(session.ends),
                    rule.scheme.short(),
                    in_months(months)
                ),
            )),
        }
    }

    fn hourly_cap(&self, rule: &'static SchemeRule) -> Option<&'static HourlyCap> {
        rule.hourly_caps.iter().find(|cap| {
            cap.in_force(self.day)
                && cap
                    .case
                    .fits(self.person, self.offer, self.session)
                    .is_some()
        })
    }
}

/// Why no version of a scheme is in force on a day.
fn not_in_force(scheme: Scheme, day: NaiveDate) -> String {
    let ended = versions(scheme)
        .filter(|rule| rule.until.is_some_and(|until| until <= day))
        .last();
    match ended {
        Some(rule) => {
            let until = rule.until.map(human).unwrap_or_default();
            match rule.ended_by {
                Some(why) => format!("the {} ended on {until}: {why}", scheme.short()),
                None => format!("the {} ended on {until}", scheme.short()),
            }
        }
        None => match versions(scheme).next() {
            Some(first) => format!(
                "Passerelle keeps no rule of the {} before {}",
                scheme.short(),
                human(first.from)
            ),
            None => format!("Passerelle keeps no rule of the {}", scheme.short()),
        },
    }
}
