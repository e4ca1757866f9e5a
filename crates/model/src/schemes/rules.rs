//! The rules as data: one [`SchemeRule`] per version of a scheme. Passerelle keeps no
//! version before 1 January 2019 (1 January 2020 for the temp-work branch's CDPI and CIPI,
//! whose current rules come from its agreement of 29 November 2019): a day before finds no
//! rule. `docs/schemes.md` says the same in prose; change both together.

use chrono::NaiveDate;

use super::{
    ContractKind, Following, HourlyCap, Hours, HoursBasis, HoursCase, OfferNeed, OwnContract,
    Public, Scheme, SchemeRule, SessionKind, Share, SpanLimit, WeeklyMinimum,
};

/// A day of the table. Every date below is a real one; a test checks none fell back.
const fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(day) => day,
        None => NaiveDate::MIN,
    }
}

const HISTORY_START: NaiveDate = date(2019, 1, 1);
const BRANCH_AGREEMENT_2019: NaiveDate = date(2020, 1, 1);
/// Décret n° 2024-561 of 18 June 2024: the POEI takes the AFPR's contracts, the AFPR ends.
/// The décret was published on 20 June and in force on 21 June 2024; the issue and
/// `shared/data/SOURCES.md` date the change from 18 June, and so does Passerelle.
const POEI_REFORM: NaiveDate = date(2024, 6, 18);

const JOB_SEEKERS: &[Public] = &[Public::JobSeeker];

/// A contract of `kind` lasting at least `min_months` (0: any length), with no upper bound.
const fn at_least(kind: ContractKind, min_months: u32) -> Following {
    Following::Contract {
        kind,
        min_months,
        below_months: None,
    }
}

const FRANCE_TRAVAIL: &str = "France Travail";
const EMPLOYER_OPCO: &str = "the employer's OPCO (may top up)";
const AKTO_TEMP_WORK: &str = "Akto (temp-work branch, its 0.3 % contribution)";

/// The POEI and AFPR aid before the reform: €5 an hour of training given in-house (tutoring),
/// €8 an hour with a training body.
const AID_BEFORE_REFORM: &str = "Pôle emploi's AFPR and POEI aid (at most €2,000 in-house, €3,200 with an outside training body)";
const FORMER_POEI_AFPR_CAPS: &[HourlyCap] = &[
    HourlyCap {
        case: HoursCase::TutoringOnly,
        cents: 500,
        from: None,
        until: None,
        source: AID_BEFORE_REFORM,
    },
    HourlyCap {
        case: HoursCase::TrainingBody,
        cents: 800,
        from: None,
        until: None,
        source: AID_BEFORE_REFORM,
    },
];

/// The part-time floor of the AFPR and the POEI before the reform: a job of at least 20 hours
/// a week, waived for disabled workers (Pôle emploi instruction n° 2022-12).
const TWENTY_HOURS_A_WEEK: WeeklyMinimum = WeeklyMinimum {
    hours: 20,
    disability_exempt: true,
};

/// The temp-work branch's forfaits for the CIPI and the CDPI ("classic" contracts, outside
/// the national programmes), as Akto announced them. Unknown before 1 June 2021 (€17 an hour
/// then, since a date not found) and from 1 July 2023 to 30 June 2024.
const BRANCH_FORFAITS: &[HourlyCap] = &[
    HourlyCap {
        case: HoursCase::Any,
        cents: 1400,
        from: Some(date(2021, 6, 1)),
        until: Some(date(2022, 10, 1)),
        source: "the temp-work branch's CPNE of 1 June 2021, down from €17 (Akto)",
    },
    HourlyCap {
        case: HoursCase::Any,
        cents: 1600,
        from: Some(date(2022, 10, 1)),
        until: Some(date(2023, 7, 1)),
        source: "Akto for the temp-work branch, funding requests received from 1 October 2022 to 30 June 2023",
    },
    HourlyCap {
        case: HoursCase::Any,
        cents: 2700,
        from: Some(date(2024, 7, 1)),
        until: None,
        source: "the temp-work branch, since July 2024 (shared/data/SOURCES.md)",
    },
];

/// Every version of every scheme, grouped by scheme, oldest first.
pub static RULES: &[SchemeRule] = &[
    SchemeRule {
        id: "poei-2019",
        scheme: Scheme::Poei,
        from: HISTORY_START,
        until: Some(POEI_REFORM),
        ended_by: None,
        publics: JOB_SEEKERS,
        session: SessionKind::Any,
        offer: OfferNeed::FiledBefore,
        hours_basis: HoursBasis::Total,
        min_hours: None,
        max_hours: &[(HoursCase::Any, Hours::Fixed(400))],
        max_enterprise_share: None,
        max_span: None,
        min_weekly_hours: Some(TWENTY_HOURS_A_WEEK),
        contract: None,
        following: &[
            at_least(ContractKind::Permanent, 0),
            at_least(ContractKind::FixedTerm, 12),
            at_least(ContractKind::Professionalisation, 12),
            at_least(ContractKind::Apprenticeship, 0),
        ],
        hire_within_months: 1,
        funders: &[FRANCE_TRAVAIL, EMPLOYER_OPCO],
        hourly_caps: FORMER_POEI_AFPR_CAPS,
        sources: &[
            "C. trav. art. L.6326-1, wording of loi n° 2018-771 du 5 septembre 2018 (CDI, CDD or contrat de professionnalisation of at least 12 months, apprenticeship)",
            "Pôle emploi instruction n° 2022-12 du 10 juin 2022 (BOPE n° 2022-44): at most 400 hours, a job of at least 20 hours a week",
        ],
    },
    SchemeRule {
        id: "poei-2024",
        scheme: Scheme::Poei,
        from: POEI_REFORM,
        until: None,
        ended_by: None,
        publics: JOB_SEEKERS,
        session: SessionKind::Any,
        offer: OfferNeed::FiledBefore,
        hours_basis: HoursBasis::Total,
        min_hours: None,
        max_hours: &[
            (HoursCase::Seasonal, Hours::Fixed(300)),
            (HoursCase::TutoringOnly, Hours::Fixed(300)),
            (HoursCase::ExtendedPublic, Hours::Fixed(600)),
            (HoursCase::TrainingBody, Hours::Fixed(450)),
        ],
        max_enterprise_share: None,
        max_span: Some(SpanLimit {
            months: 6,
            disability_exempt: true,
        }),
        min_weekly_hours: None,
        contract: None,
        following: &[
            at_least(ContractKind::Permanent, 0),
            at_least(ContractKind::FixedTerm, 6),
            at_least(ContractKind::Professionalisation, 6),
            at_least(ContractKind::Apprenticeship, 6),
            at_least(ContractKind::Seasonal, 4),
            Following::Missions {
                months: 6,
                within_months: 9,
            },
        ],
        hire_within_months: 1,
        funders: &[FRANCE_TRAVAIL, EMPLOYER_OPCO],
        hourly_caps: &[HourlyCap {
            case: HoursCase::TutoringOnly,
            cents: 500,
            from: None,
            until: None,
            source: "France Travail instruction n° 2024-26 du 22 juillet 2024, for tutoring; a training body's quote otherwise",
        }],
        sources: &[
            "décret n° 2024-561 du 18 juin 2024 (C. trav. art. D.6326-1): CDI, CDD or work-study contract of at least 6 months, seasonal contract of at least 4 months, missions of at least 6 months within 9 months",
            "C. trav. art. L.6326-1, wording of loi n° 2023-1196 du 18 décembre 2023 pour le plein emploi",
            "France Travail instruction n° 2024-26 du 22 juillet 2024 and délibération of 24 April 2024: 300 hours (tutoring only or seasonal), 450 hours (training body), 600 hours (PIC publics), at most 6 months but for the disability employment obligation",
        ],
    },
    SchemeRule {
        id: "afpr-2019",
        scheme: Scheme::Afpr,
        from: HISTORY_START,
        until: Some(POEI_REFORM),
        ended_by: Some(
            "abolished by décret n° 2024-561 of 18 June 2024, the POEI taking its contracts",
        ),
        publics: JOB_SEEKERS,
        session: SessionKind::Any,
        offer: OfferNeed::FiledBefore,
        hours_basis: HoursBasis::Total,
        min_hours: None,
        max_hours: &[(HoursCase::Any, Hours::Fixed(400))],
        max_enterprise_share: None,
        max_span: None,
        min_weekly_hours: Some(TWENTY_HOURS_A_WEEK),
        contract: None,
        following: &[
            Following::Contract {
                kind: ContractKind::FixedTerm,
                min_months: 6,
                below_months: Some(12),
            },
            Following::Contract {
                kind: ContractKind::Professionalisation,
                min_months: 6,
                below_months: Some(12),
            },
            Following::Missions {
                months: 6,
                within_months: 9,
            },
        ],
        hire_within_months: 1,
        funders: &[FRANCE_TRAVAIL],
        hourly_caps: FORMER_POEI_AFPR_CAPS,
        sources: &[
            "Pôle emploi instruction n° 2022-12 du 10 juin 2022 (BOPE n° 2022-44): CDD or contrat de professionnalisation of 6 to under 12 months, missions of at least 6 months within the 9 months after the training, at most 400 hours, a job of at least 20 hours a week",
        ],
    },
    SchemeRule {
        id: "poec-2019",
        scheme: Scheme::Poec,
        from: HISTORY_START,
        until: None,
        ended_by: None,
        publics: JOB_SEEKERS,
        session: SessionKind::Collective,
        offer: OfferNeed::None,
        hours_basis: HoursBasis::Total,
        min_hours: None,
        max_hours: &[(HoursCase::Any, Hours::Fixed(400))],
        max_enterprise_share: Some(Share {
            numerator: 1,
            denominator: 3,
        }),
        max_span: None,
        min_weekly_hours: None,
        contract: None,
        following: &[
            at_least(ContractKind::Permanent, 0),
            at_least(ContractKind::FixedTerm, 12),
            Following::PutToWork { within_months: 1 },
        ],
        hire_within_months: 1,
        funders: &["an OPCO (Akto for temp work)", FRANCE_TRAVAIL],
        hourly_caps: &[HourlyCap {
            case: HoursCase::Any,
            cents: 1800,
            from: Some(date(2022, 10, 1)),
            until: Some(date(2022, 12, 31)),
            source: "Akto for the temp-work branch, requests received from 1 October 2022 for trainings started by 30 December 2022",
        }],
        sources: &[
            "C. trav. art. L.6326-3",
            "shared/data/SOURCES.md (Akto): at most 400 hours, company immersion at most a third, leading to a CDI or a CDD of at least 12 months; in temp work, put to work at the end",
        ],
    },
    SchemeRule {
        id: "cdpi-2020",
        scheme: Scheme::Cdpi,
        from: BRANCH_AGREEMENT_2019,
        until: None,
        ended_by: None,
        publics: &[
            Public::TempWorker { min_hours: 150 },
            Public::FarFromEmployment,
        ],
        session: SessionKind::TrainingBody,
        offer: OfferNeed::None,
        hours_basis: HoursBasis::Centre,
        min_hours: Some(Hours::Fixed(140)),
        max_hours: &[(HoursCase::Any, Hours::Fixed(525))],
        max_enterprise_share: None,
        max_span: Some(SpanLimit {
            months: 12,
            disability_exempt: false,
        }),
        min_weekly_hours: None,
        contract: None,
        following: &[Following::MissionHours {
            share: Share {
                numerator: 1,
                denominator: 3,
            },
            within_months: 3,
        }],
        hire_within_months: 0,
        funders: &[AKTO_TEMP_WORK],
        hourly_caps: BRANCH_FORFAITS,
        sources: &[
            "temp-work branch agreement of 29 November 2019 on vocational training, as Akto and the FPETT present it: 150 hours in the branch over 12 months or a public without seniority, 140 to 525 hours with a training body, missions of at least a third of them within 3 months",
            "training over at most 12 months (training bodies' presentations of the CDPI)",
        ],
    },
    SchemeRule {
        id: "cipi-2020",
        scheme: Scheme::Cipi,
        from: BRANCH_AGREEMENT_2019,
        until: None,
        ended_by: None,
        publics: &[Public::FarFromEmployment],
        session: SessionKind::TrainingBody,
        offer: OfferNeed::None,
        hours_basis: HoursBasis::Total,
        min_hours: Some(Hours::CipiMin),
        max_hours: &[(HoursCase::Any, Hours::CipiMax)],
        max_enterprise_share: None,
        max_span: Some(SpanLimit {
            months: 6,
            disability_exempt: false,
        }),
        min_weekly_hours: None,
        contract: None,
        following: &[],
        hire_within_months: 0,
        funders: &[AKTO_TEMP_WORK],
        hourly_caps: BRANCH_FORFAITS,
        sources: &[
            "temp-work branch agreement of 29 November 2019 on vocational training, as Akto presents the CIPI: publics far from employment, over at most 6 months",
            "hours: a setting (SchemeSettings), the sources disagree",
        ],
    },
    SchemeRule {
        id: "contrat-pro-2019",
        scheme: Scheme::ContratPro,
        from: HISTORY_START,
        until: None,
        ended_by: None,
        publics: &[
            Public::Aged { min: 16, max: 25 },
            Public::JobSeekerAged { min: 26 },
            Public::MinimumIncome,
            Public::LeftCui,
        ],
        session: SessionKind::Any,
        offer: OfferNeed::Contract,
        hours_basis: HoursBasis::Centre,
        min_hours: Some(Hours::Fixed(150)),
        max_hours: &[],
        max_enterprise_share: None,
        max_span: None,
        min_weekly_hours: None,
        contract: Some(OwnContract {
            kind: ContractKind::Professionalisation,
            min_months: 6,
            max_months: 12,
            extended_max_months: 36,
            min_training_percent: 15,
            max_training_percent: 25,
            default_weekly_hours: 35,
        }),
        following: &[],
        hire_within_months: 0,
        funders: &["the employer's OPCO (Akto for temp work)"],
        hourly_caps: &[],
        sources: &[
            "C. trav. art. L.6325-1 (publics), L.6325-1-1 and L.6325-11 (6 to 12 months, up to 36 for some publics), L.6325-13 (training 15 to 25 % of the length, at least 150 hours)",
        ],
    },
    SchemeRule {
        id: "pmsmp-2019",
        scheme: Scheme::Pmsmp,
        from: HISTORY_START,
        until: None,
        ended_by: None,
        publics: &[Public::Accompanied],
        session: SessionKind::Immersion,
        offer: OfferNeed::None,
        hours_basis: HoursBasis::Total,
        min_hours: None,
        max_hours: &[],
        max_enterprise_share: None,
        max_span: Some(SpanLimit {
            months: 1,
            disability_exempt: false,
        }),
        min_weekly_hours: None,
        contract: None,
        following: &[],
        hire_within_months: 0,
        funders: &[],
        hourly_caps: &[],
        sources: &[
            "C. trav. art. L.5135-1 and following (a person followed by a prescriber), D.5135-2 (at most a month, renewable once in the same structure)",
        ],
    },
];

/// The version of a scheme in force on a day.
pub fn rule_on(scheme: Scheme, day: NaiveDate) -> Option<&'static SchemeRule> {
    RULES
        .iter()
        .find(|rule| rule.scheme == scheme && rule.in_force(day))
}

/// Every version of a scheme, oldest first.
pub fn versions(scheme: Scheme) -> impl Iterator<Item = &'static SchemeRule> {
    RULES.iter().filter(move |rule| rule.scheme == scheme)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_date_of_the_table_is_a_real_one() {
        for rule in RULES {
            assert_ne!(rule.from, NaiveDate::MIN, "{}", rule.id);
            assert_ne!(rule.until, Some(NaiveDate::MIN), "{}", rule.id);
            for cap in rule.hourly_caps {
                assert_ne!(cap.from, Some(NaiveDate::MIN), "{}", rule.id);
                assert_ne!(cap.until, Some(NaiveDate::MIN), "{}", rule.id);
            }
        }
    }

    #[test]
    fn versions_of_a_scheme_follow_each_other_without_overlap() {
        for &scheme in Scheme::ALL {
            let versions: Vec<_> = versions(scheme).collect();
            assert!(!versions.is_empty(), "{scheme} has no rule");
            for pair in versions.windows(2) {
                let (earlier, later) = (pair[0], pair[1]);
                assert_eq!(
                    earlier.until,
                    Some(later.from),
                    "{} then {}",
                    earlier.id,
                    later.id
                );
            }
            for rule in &versions {
                assert!(
                    rule.until.is_none_or(|until| rule.from < until),
                    "{}",
                    rule.id
                );
            }
        }
    }

    #[test]
    fn ids_are_unique() {
        let mut ids: Vec<_> = RULES.iter().map(|rule| rule.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), RULES.len());
    }

    #[test]
    fn the_afpr_ends_the_day_the_poei_changes() {
        let before = date(2024, 6, 17);
        assert_eq!(
            rule_on(Scheme::Afpr, before).map(|r| r.id),
            Some("afpr-2019")
        );
        assert_eq!(
            rule_on(Scheme::Poei, before).map(|r| r.id),
            Some("poei-2019")
        );
        assert_eq!(rule_on(Scheme::Afpr, POEI_REFORM), None);
        assert_eq!(
            rule_on(Scheme::Poei, POEI_REFORM).map(|r| r.id),
            Some("poei-2024")
        );
    }
}
