//! The difficulty on the pages: the panel of an open offer (its chances by horizon, each
//! factor as a bar that slows or speeds it, the reasons and the actions that fit) and the risk
//! column of the recruiter's dashboard. Both go through the API's assessment.

use super::api::{DifficultyView, assess};
use crate::pages::*;

/// A factor as a diverging bar: to the left when it slows filling, to the right when it helps,
/// its length against the strongest factor of the offer.
pub struct FactorBar {
    pub label: &'static str,
    /// The offer's value, in words ("oui", "−5 %", "classe 4 sur 5").
    pub value: String,
    pub slows: u32,
    pub helps: u32,
}

/// Something the recruiter can do about the offer.
pub struct Action {
    pub label: &'static str,
    pub detail: String,
    /// Where to do it; none for what later versions bring.
    pub href: Option<String>,
}

/// The panel of an open offer.
pub struct Panel {
    pub at_risk: bool,
    /// Whole days since publication.
    pub age: u32,
    /// (days, percent not filled by then)
    pub horizons: Vec<(u16, u32)>,
    pub expected: String,
    pub factors: Vec<FactorBar>,
    pub reasons: Vec<String>,
    pub actions: Vec<Action>,
    pub version: i64,
    pub trained: String,
}

/// A covariate's value as the panel says it.
fn value_text(feature: &str, value: Option<f64>) -> String {
    let Some(value) = value else {
        return "moins de 20 offres ou personnes : non affiché".to_string();
    };
    match feature {
        // A ratio of two counts that may be under 20: said in the reasons, withheld here.
        "candidates" if value >= 0.0 => "plus de candidats que d'offres".to_string(),
        "candidates" => "moins de candidats que d'offres".to_string(),
        "official_class" | "working_conditions" | "labour_shortage" => {
            format!("classe {} sur 5", (value + 3.0).round() as i64)
        }
        "wage_gap" => {
            let gap = ((value.exp() - 1.0) * 100.0).round() as i64;
            if gap > 0 {
                format!("+{gap} %")
            } else {
                format!("{gap} %").replace('-', "−")
            }
        }
        _ if value > 0.5 => "oui".to_string(),
        _ => "non".to_string(),
    }
}

fn percent(p: f64) -> u32 {
    (p.clamp(0.0, 1.0) * 100.0).round() as u32
}

/// The share not filled by the at-risk horizon, and whether it makes the offer at risk; none
/// without a model.
pub async fn risk(state: &AppState, offer_id: i64) -> Option<(bool, u32)> {
    let view = assess(state, offer_id).await.ok()??;
    let p = view
        .assessment
        .not_filled_by
        .iter()
        .find(|h| h.days == super::AT_RISK_DAYS)?
        .probability;
    Some((view.assessment.at_risk, percent(p)))
}

/// The panel of an open offer, when a model is trained.
pub async fn panel(state: &AppState, offer: &model::Offer, department: &str) -> Option<Panel> {
    let view = assess(state, offer.id).await.ok()??;
    Some(panel_of(&view, offer, department))
}

fn panel_of(view: &DifficultyView, offer: &model::Offer, department: &str) -> Panel {
    let a = &view.assessment;
    let strongest = a
        .factors
        .iter()
        .map(|f| f.contribution.abs())
        .fold(0.0, f64::max)
        .max(1e-9);
    let factors = a
        .factors
        .iter()
        .filter(|f| f.contribution.abs() >= 0.01)
        .map(|f| {
            let length = (f.contribution.abs() / strongest * 100.0).round() as u32;
            FactorBar {
                label: f.label,
                value: value_text(f.feature, f.value),
                slows: if f.contribution < 0.0 { length } else { 0 },
                helps: if f.contribution > 0.0 { length } else { 0 },
            }
        })
        .collect();
    let slowed = |feature: &str| {
        a.factors
            .iter()
            .any(|f| f.feature == feature && f.contribution < -0.05)
    };
    let rome = offer.record.rome.as_str();
    let mut actions = Vec::new();
    if slowed("candidates") || slowed("official_class") || slowed("labour_shortage") {
        actions.push(Action {
            label: "Élargir la recherche",
            detail: "accepter des candidats plus éloignés ou venant de métiers proches : voyez \
                     où le métier manque de candidats dans le département"
                .to_string(),
            href: Some(format!("/tension?departement={department}&metier={rome}")),
        });
    }
    if slowed("experience_required") || slowed("experience_wished") {
        actions.push(Action {
            label: "Accepter des débutants",
            detail: "l'expérience demandée ralentit cette offre ; une formation avant l'embauche \
                     peut la remplacer"
                .to_string(),
            href: None,
        });
    }
    if slowed("wage_gap") || slowed("wage_unknown") {
        actions.push(Action {
            label: "Revoir le salaire affiché",
            detail: "un salaire chiffré et proche de la médiane du métier attire plus de \
                     candidats"
                .to_string(),
            href: None,
        });
    }
    actions.push(Action {
        label: "Proposer une action co-organisée",
        detail: "job dating, session de recrutement par simulation ou visite d'entreprise avec \
                 l'agence France Travail voisine"
            .to_string(),
        href: Some(format!("/actions/nouvelle?offre={}", offer.id)),
    });
    for (label, detail) in [
        (
            "Former avant l'embauche",
            "une préparation opérationnelle à l'emploi (POEI) pour un candidat à qui il manque \
             une compétence",
        ),
        (
            "Monter un duo",
            "un demandeur d'emploi découvre le métier aux côtés d'un intérimaire expérimenté",
        ),
    ] {
        actions.push(Action {
            label,
            detail: format!("{detail} (bientôt dans Passerelle)"),
            href: None,
        });
    }
    Panel {
        at_risk: a.at_risk,
        age: a.age_days.floor() as u32,
        // A horizon already past says nothing: the offer was not filled by then.
        horizons: a
            .not_filled_by
            .iter()
            .filter(|h| f64::from(h.days) > a.age_days)
            .map(|h| (h.days, percent(h.probability)))
            .collect(),
        expected: match a.expected_fill_day {
            Some(day) => format!(
                "probablement pourvue vers le {}e jour après sa publication",
                day.round() as u32
            ),
            None => "peu de chances d'être pourvue dans l'année".to_string(),
        },
        factors,
        reasons: a.reasons.clone(),
        actions,
        version: view.model_version,
        trained: fr_date(view.trained_at.date_naive()),
    }
}
