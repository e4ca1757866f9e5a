//! The page "Métiers en tension": for a department and a quarter, each occupation's (ROME code
//! or FAP family) local tension (Passerelle's own offers and job seekers), in the department or
//! in each of its groups of communes, beside its official class (DARES, France Travail, 2019),
//! never merged; read through the API's handler.

use refdata::tension::{Level, Territory};

use crate::pages::*;
use crate::tension::Territories;
use crate::tension::api::{LocalPage, LocalParams};

pub struct TensionRow {
    /// A ROME code or a FAP family.
    pub rome: String,
    pub label: String,
    /// The group of communes, when the page is by group (empty by department).
    pub territory: String,
    /// "4 sur 5", with the level that answered, or a dash.
    pub official: String,
    pub official_level: &'static str,
    pub offers: String,
    pub seekers: String,
    pub per_ten: String,
    pub reach: String,
    pub dissimilarity: String,
    pub declared: String,
    pub filled: [String; 3],
    pub median: String,
    pub abandoned: String,
    /// Passerelle's prediction: the share of the occupation's open offers in the department
    /// at risk today (dash without a model).
    pub predicted: String,
}

/// One occupation's three signals, side by side: bar lengths out of 100 and their texts.
pub struct Signals {
    pub label: String,
    pub declared: (u32, String),
    pub official: (u32, String),
    pub predicted: (u32, String),
}

#[derive(Template)]
#[template(path = "tension/tension.html")]
struct TensionPage {
    chrome: Chrome,
    filters: Vec<Field>,
    period: String,
    department: String,
    /// "métier" or "famille professionnelle".
    occupation_word: &'static str,
    by_group: bool,
    by_family: bool,
    measured_on: String,
    total: u64,
    rows: Vec<TensionRow>,
    /// The three signals of the page's first occupations, for the chart.
    signals: Vec<Signals>,
    /// Whether a difficulty model is trained (the predicted signal exists).
    predicted: bool,
    pagination: Pagination,
}

#[derive(Debug, Default, Deserialize)]
pub struct TensionQuery {
    pub departement: Option<String>,
    pub trimestre: Option<String>,
    pub metier: Option<String>,
    /// `metier` (default) or `famille`.
    pub par: Option<String>,
    /// `departement` (default) or `intercommunalite`.
    pub territoire: Option<String>,
    pub page: Option<String>,
}

/// What a withheld figure shows.
const SECRET: &str = "< 20";

fn shown<T>(value: Option<T>, text: impl Fn(T) -> String) -> String {
    value.map_or_else(|| SECRET.to_string(), text)
}

fn percent(value: Option<f64>) -> String {
    shown(value, |v| format!("{:.0} %", v * 100.0))
}

pub async fn tension(
    State(state): St,
    Viewer(principal): Viewer,
    PageQuery(query): PageQuery<TensionQuery>,
) -> PageResult {
    let region = state.config.region.clone();
    let departments: Vec<(String, String)> = refdata::geo()
        .departments()
        .filter(|d| d.region == region)
        .map(|d| (d.code.to_string(), format!("{} — {}", d.code, d.name)))
        .collect();
    let first = departments
        .first()
        .map(|(c, _)| c.clone())
        .unwrap_or_default();
    // A department or a quarter that cannot be read is said beside its field; the page shows
    // the default instead.
    let (asked, department_error) = match query.departement.as_deref().map(str::trim) {
        None | Some("") => (first, None),
        Some(given) => match departments
            .iter()
            .find(|(code, _)| code.eq_ignore_ascii_case(given))
        {
            Some((code, _)) => (code.clone(), None),
            None => (
                first,
                Some(format!(
                    "« {} » n'est pas un département de la région : choisissez-en un dans la liste",
                    given.chars().take(40).collect::<String>()
                )),
            ),
        },
    };
    let given_quarter = query.trimestre.clone().unwrap_or_default();
    let typed_quarter: String = given_quarter.chars().take(40).collect();
    let (quarter, quarter_error) = if given_quarter.trim().is_empty() {
        (String::new(), None)
    } else {
        match crate::tension::Period::parse(
            Some(given_quarter.trim()),
            None,
            None,
            state.now().date_naive(),
        ) {
            Ok(_) => (given_quarter, None),
            Err(_) => (
                String::new(),
                Some(
                    "Trimestre non compris : écrivez l'année et le trimestre, par exemple \
                     2026-T3 (de 2000 à 2199) ; le dernier trimestre achevé est affiché"
                        .to_string(),
                ),
            ),
        }
    };
    let mut occupation = query.metier.clone().unwrap_or_default();
    // A value no search takes (too long, control characters) is said beside its field, and
    // the list stays whole.
    let unreadable = crate::limits::search_problem_fr(&occupation);
    if unreadable.is_some() {
        occupation = occupation
            .chars()
            .filter(|c| !c.is_control())
            .take(40)
            .collect();
    }
    let by_family = query.par.as_deref().map(str::trim) == Some("famille");
    let by_group = query.territoire.as_deref().map(str::trim) == Some("intercommunalite");
    // An occupation that cannot be read is said beside its field, and the list stays whole. By
    // family, a FAP code is taken as typed and an occupation stands for its family when it has
    // only one.
    let (rome, fap, occupation_error) = if occupation.trim().is_empty() {
        (None, None, None)
    } else if let Some(problem) = unreadable {
        (None, None, Some(problem))
    } else if by_family {
        match crate::tension::fap_family(&occupation) {
            Ok(code) => (None, Some(code), None),
            Err(_) => match forms::occupation_of(&occupation) {
                Ok(code) => match refdata::tensions().families(code) {
                    [one] => (None, Some(one.to_string()), None),
                    [] => (
                        None,
                        None,
                        Some(format!(
                            "Le métier {code} n'a pas de famille professionnelle dans la table de passage de la Dares"
                        )),
                    ),
                    several => (
                        None,
                        None,
                        Some(format!(
                            "Le métier {code} relève de plusieurs familles professionnelles ({}) : saisissez l'une d'elles",
                            several.join(", ")
                        )),
                    ),
                },
                Err(message) => (None, None, Some(message)),
            },
        }
    } else {
        match forms::occupation_of(&occupation) {
            Ok(code) => (Some(code.to_string()), None, None),
            Err(message) => (None, None, Some(message)),
        }
    };
    let base = format!(
        "/tension?departement={}&trimestre={}&metier={}&par={}&territoire={}&",
        encode(&asked),
        encode(&quarter),
        encode(&occupation),
        if by_family { "famille" } else { "metier" },
        if by_group {
            "intercommunalite"
        } else {
            "departement"
        },
    );
    let (found, pagination): (LocalPage, Pagination) = Pagination::fetch(
        query.page.as_deref(),
        base,
        |page| {
            crate::tension::api::local(
                State(state.clone()),
                principal.clone(),
                crate::json::QueryParams(LocalParams {
                    department: Some(asked.clone()),
                    quarter: (!quarter.trim().is_empty()).then(|| quarter.trim().to_string()),
                    rome: rome.clone(),
                    fap: fap.clone(),
                    occupations: Some(if by_family { "fap" } else { "rome" }.to_string()),
                    territories: Some(
                        if by_group {
                            "commune_group"
                        } else {
                            "department"
                        }
                        .to_string(),
                    ),
                    ..Default::default()
                }),
                crate::json::QueryParams(page),
            )
        },
        |found| found.total,
    )
    .await?;
    let department = found.department.clone().unwrap_or_default();
    let risk = state.risk_cells().await?;
    let mut signals = Vec::new();
    let rows = found
        .cells
        .iter()
        .map(|cell| {
            let code = cell.occupation.as_str();
            // The prediction is kept per occupation and department only.
            let predicted = risk.model.filter(|_| !by_family && !by_group).map(|_| {
                let c = risk.of(code, &department);
                (c.open >= crate::tension::SECRET_BELOW)
                    .then(|| c.at_risk as f64 / c.open.max(1) as f64)
            });
            let official = if by_family {
                refdata::tensions()
                    .family_in(code, &department)
                    .and_then(|f| Some((f.class?, f.level)))
            } else {
                refdata::tensions()
                    .official(code, Territory::Department(&department))
                    .ok()
                    .map(|t| (t.class, t.level))
            };
            let (official_text, level) = match official {
                Some((class, level)) => (
                    format!("{class} sur 5"),
                    match level {
                        Level::Department => "département",
                        Level::Region => "région",
                        Level::Nation => "France",
                    },
                ),
                None => ("—".to_string(), ""),
            };
            let label = if by_family {
                family_label(code)
            } else {
                occupation_label(code)
            };
            let [f30, f47, f90] = cell.filled_within;
            if signals.len() < 10 {
                let bar = |share: Option<f64>| {
                    share.map_or((0, SECRET.to_string()), |v| {
                        ((v * 100.0).round() as u32, format!("{:.0} %", v * 100.0))
                    })
                };
                signals.push(Signals {
                    label: if by_group {
                        format!("{label} — {}", group_name(&cell.territory))
                    } else {
                        label.clone()
                    },
                    declared: bar(cell.hard_to_fill_share),
                    official: official.map_or((0, "—".to_string()), |(class, _)| {
                        (u32::from(class) * 20, format!("{class} sur 5"))
                    }),
                    predicted: predicted.map_or((0, "—".to_string()), bar),
                });
            }
            TensionRow {
                rome: code.to_string(),
                label,
                territory: if by_group {
                    group_name(&cell.territory)
                } else {
                    String::new()
                },
                official: official_text,
                official_level: level,
                offers: shown(cell.offers, |n| n.to_string()),
                seekers: shown(cell.seekers, |n| n.to_string()),
                per_ten: shown(cell.offers_per_10_seekers, |v| format!("{v:.1}")),
                reach: shown(cell.seekers_within_reach, |v| format!("{v:.0}")),
                dissimilarity: shown(cell.dissimilarity, |v| format!("{v:.2}")),
                declared: percent(cell.hard_to_fill_share),
                filled: [percent(f30), percent(f47), percent(f90)],
                median: shown(cell.median_days_to_fill, |d| format!("{d:.0} j")),
                abandoned: percent(cell.abandoned_share),
                predicted: predicted.map_or("—".to_string(), percent),
            }
        })
        .collect();
    let mut department_field = Field::text("departement", "Département", &asked);
    department_field.kind = "select";
    department_field.options = departments;
    let mut filters = vec![
        department_field,
        Field::text("par", "Par", if by_family { "famille" } else { "metier" }).options(&[
            ("metier", "Métier (ROME)"),
            ("famille", "Famille professionnelle (FAP, Dares)"),
        ]),
        Field::text(
            "territoire",
            "Territoire",
            if by_group {
                "intercommunalite"
            } else {
                "departement"
            },
        )
        .options(&[
            ("departement", "Le département"),
            ("intercommunalite", "Chaque intercommunalité (EPT, EPCI)"),
        ]),
        Field::text("trimestre", "Trimestre", &quarter)
            .hint("Par exemple 2026-T3 ou 2026-Q3 ; par défaut le dernier achevé"),
        Field::text("metier", "Métier", &occupation)
            .hint("Par famille professionnelle : son code (T4Z60) ou un métier qui n'en a qu'une")
            .suggest("/suggestions/metiers"),
    ];
    if let Some(message) = occupation_error {
        forms::set_error(&mut filters, "metier", message);
    }
    if let Some(message) = department_error {
        forms::set_error(&mut filters, "departement", message);
    }
    if let Some(message) = quarter_error {
        forms::set_error(&mut filters, "trimestre", message);
        if let Some(field) = filters.iter_mut().find(|f| f.name == "trimestre") {
            field.value = typed_quarter;
        }
    }
    Ok(render(&TensionPage {
        chrome: Chrome::new(&principal, "Métiers en tension", "/tension"),
        filters,
        period: labels::quarter(&found.period),
        department: refdata::geo()
            .department(&department)
            .map_or(department.clone(), |d| format!("{} ({})", d.name, d.code)),
        occupation_word: if by_family {
            "famille(s) professionnelle(s)"
        } else {
            "métier(s)"
        },
        by_group,
        by_family,
        measured_on: fr_date(found.measured_on),
        total: found.total,
        rows,
        signals,
        predicted: risk.model.is_some(),
        pagination,
    }))
}

/// A FAP family as a page names it: its code and the first of its occupations (the edition
/// publishes no family names).
fn family_label(fap: &str) -> String {
    let occupations = refdata::tensions().occupations(fap);
    match occupations.split_first() {
        None => format!("Famille {fap}"),
        Some((first, [])) => format!("Famille {fap} : {}", occupation_label(first)),
        Some((first, rest)) => format!(
            "Famille {fap} : {} et {} autre(s) métier(s)",
            occupation_label(first),
            rest.len()
        ),
    }
}

/// A group of communes' name, with its kind (EPT, CA...).
fn group_name(code: &str) -> String {
    match refdata::geo().epci(code) {
        Some(epci) => format!("{} ({})", epci.name, epci.kind),
        None => Territories::CommuneGroup
            .name(code)
            .map_or(code.to_string(), str::to_string),
    }
}

/// One cell of the steering matrix: an occupation in a department, its three signals.
pub struct MatrixCell {
    pub declared: String,
    pub official: String,
    pub predicted: String,
}

pub struct MatrixRow {
    pub rome: String,
    pub label: String,
    pub cells: Vec<MatrixCell>,
}

/// Occupations × departments, the three signals side by side, for the steering committee: the
/// occupations with the most open offers in the region, each department's open offers declared
/// hard to fill and predicted at risk (withheld under 20 open offers) beside the official class.
pub struct SignalMatrix {
    pub departments: Vec<(String, String)>,
    pub rows: Vec<MatrixRow>,
    /// The same occupations region-wide, for the chart.
    pub signals: Vec<Signals>,
    pub predicted: bool,
}

/// How many occupations the matrix shows.
const MATRIX_ROWS: usize = 12;

pub fn signal_matrix(risk: &crate::difficulty::RiskCells, region: &str) -> SignalMatrix {
    let departments: Vec<(String, String)> = refdata::geo()
        .departments()
        .filter(|d| d.region == region)
        .map(|d| (d.code.to_string(), d.name.to_string()))
        .collect();
    let mut totals: std::collections::BTreeMap<&str, crate::difficulty::Cell> =
        std::collections::BTreeMap::new();
    for ((rome, department), cell) in &risk.cells {
        if departments.iter().any(|(code, _)| code == department) {
            let total = totals.entry(rome.as_str()).or_default();
            total.open += cell.open;
            total.declared += cell.declared;
            total.at_risk += cell.at_risk;
        }
    }
    let mut top: Vec<(&str, crate::difficulty::Cell)> = totals.into_iter().collect();
    top.sort_by(|a, b| b.1.open.cmp(&a.1.open).then(a.0.cmp(b.0)));
    top.truncate(MATRIX_ROWS);
    let predicted = risk.model.is_some();
    let share = |part: u64, whole: u64| {
        (whole >= crate::tension::SECRET_BELOW).then(|| part as f64 / whole as f64)
    };
    let text = |value: Option<f64>| shown(value, |v| format!("{:.0} %", v * 100.0));
    let class_in = |rome: &str, territory: Territory<'_>| {
        refdata::tensions()
            .official(rome, territory)
            .ok()
            .map(|t| t.class)
    };
    let rows = top
        .iter()
        .map(|(rome, _)| MatrixRow {
            rome: rome.to_string(),
            label: occupation_label(rome),
            cells: departments
                .iter()
                .map(|(code, _)| {
                    let cell = risk.of(rome, code);
                    MatrixCell {
                        declared: text(share(cell.declared, cell.open)),
                        official: class_in(rome, Territory::Department(code))
                            .map_or("—".to_string(), |c| format!("{c}/5")),
                        predicted: if predicted {
                            text(share(cell.at_risk, cell.open))
                        } else {
                            "—".to_string()
                        },
                    }
                })
                .collect(),
        })
        .collect();
    let bar = |value: Option<f64>| {
        value.map_or((0, SECRET.to_string()), |v| {
            ((v * 100.0).round() as u32, format!("{:.0} %", v * 100.0))
        })
    };
    let signals = top
        .iter()
        .map(|(rome, total)| Signals {
            label: occupation_label(rome),
            declared: bar(share(total.declared, total.open)),
            official: class_in(rome, Territory::Region(region))
                .map_or((0, "—".to_string()), |c| {
                    (u32::from(c) * 20, format!("{c} sur 5"))
                }),
            predicted: if predicted {
                bar(share(total.at_risk, total.open))
            } else {
                (0, "—".to_string())
            },
        })
        .collect();
    SignalMatrix {
        departments,
        rows,
        signals,
        predicted,
    }
}
