//! The priority policy page: what every shortlist of each territory guarantees the
//! agreement's priority publics, since when, and its history; the steering committee and the
//! administrators set it here. Readable by every member of the partnership (the shortlists
//! link to it): a rule, never a person.

use std::collections::{BTreeMap, HashMap};

use crate::pages::forms::{Field, error_summary, has_errors, set_error};
use crate::pages::*;
use crate::policies::api::{PolicyInput, PolicyView};

pub struct PolicyRow {
    pub territory: String,
    /// One line per protected public.
    pub rule: Vec<String>,
    pub since: String,
    pub origin: &'static str,
}

pub struct HistoryRow {
    pub set_at: String,
    pub territory: String,
    pub rule: Vec<String>,
    pub from: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "policies/policy.html")]
struct PolicyPage {
    chrome: Chrome,
    rows: Vec<PolicyRow>,
    history: Vec<HistoryRow>,
    may_set: bool,
    fields: Vec<Field>,
    fair: Vec<Field>,
    shares: Vec<Field>,
    errors: Vec<(String, String)>,
    published: Vec<(&'static str, String)>,
    /// What the policy typed would change ("Simuler"), when asked.
    simulation: Option<Simulated>,
}

/// A simulation as the page shows it.
pub struct Simulated {
    pub territory: String,
    pub offers: usize,
    pub tried: Vec<String>,
    /// Public, pool, in force, tried.
    pub rows: Vec<(&'static str, String, String, String)>,
    pub score_in_force: String,
    pub score_tried: String,
}

fn territory_label(code: &str, region: &str) -> String {
    if code == "region" {
        return refdata::geo()
            .region(region)
            .map(|r| format!("Région {}", r.name))
            .unwrap_or_else(|| format!("Région {region}"));
    }
    refdata::geo()
        .department(code)
        .map(|d| format!("{} ({})", d.name, d.code))
        .unwrap_or_else(|| code.to_string())
}

fn percent(share: f64) -> String {
    let value = share * 100.0;
    if (value - value.round()).abs() < 0.05 {
        format!("{value:.0} %")
    } else {
        format!("{value:.1} %").replace('.', ",")
    }
}

/// The rule in French: "RQTH : au moins 10 % · longue durée : au moins 40 %".
pub fn rule_label(view: &PolicyView) -> String {
    rule_lines(view).join(" · ")
}

/// The rule in French, one line per protected public.
pub fn rule_lines(view: &PolicyView) -> Vec<String> {
    match (view.kind.as_str(), &view.status, &view.floors) {
        ("fair", Some(status), _) => vec![format!(
            "{} : au moins la part attendue d'un tirage à {} (FA*IR, seuil {}), dès les premiers rangs",
            labels::priority(status),
            percent(view.p.unwrap_or(0.0)),
            percent(view.alpha.unwrap_or(0.0)),
        )],
        (_, _, Some(floors)) => labels::PRIORITIES
            .iter()
            .filter_map(|code| {
                floors.get(*code).map(|share| {
                    format!("{} : au moins {}", labels::priority(code), percent(*share))
                })
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The form's fields: the policy (territory, kind, date, reason), FA*IR's, and the shares.
fn policy_fields(
    form: &HashMap<String, String>,
    region: &str,
    today: chrono::NaiveDate,
) -> (Vec<Field>, Vec<Field>, Vec<Field>) {
    let get = |name: &str| form.get(name).cloned().unwrap_or_default();
    let mut territories = vec![("region".to_string(), territory_label("region", region))];
    let mut departments: Vec<_> = refdata::geo()
        .departments()
        .filter(|d| d.region == region)
        .collect();
    departments.sort_by_key(|d| d.code);
    territories.extend(
        departments
            .iter()
            .map(|d| (d.code.to_string(), format!("{} ({})", d.name, d.code))),
    );
    let mut territory = Field::text("territoire", "Territoire", &get("territoire")).required();
    territory.kind = "select";
    territory.options = territories;
    let kind = Field::text("regle", "Règle", &get("regle"))
        .options(&[
            ("floors", "Parts minimales pour plusieurs publics"),
            ("fair", "FA*IR pour un seul public"),
        ])
        .required();
    let mut statuses: Vec<(&str, &str)> = vec![("", "—")];
    statuses.extend(labels::PRIORITIES.iter().map(|c| (*c, labels::priority(c))));
    let status = Field::text("public", "FA*IR : public protégé", &get("public")).options(&statuses);
    let p = Field::text("p", "FA*IR : part visée", &get("p"))
        .hint("Entre 0 et 1, par exemple 0,1 pour 10 %.");
    let alpha = Field::text("alpha", "FA*IR : seuil de signification", &get("alpha"))
        .hint("Entre 0 et 1 ; 0,1 par défaut.");
    let from = {
        let value = get("date_effet");
        let value = if value.is_empty() {
            today.format("%Y-%m-%d").to_string()
        } else {
            value
        };
        Field::text("date_effet", "Date d'effet", &value)
            .kind("date")
            .hint("Aujourd'hui ou plus tard : la politique d'un jour passé reste celle qui s'appliquait.")
            .required()
    };
    let note = Field::text("motif", "Motif (décision du comité)", &get("motif")).kind("textarea");
    let shares = labels::PRIORITIES
        .iter()
        .map(|code| {
            let name: &'static str = match *code {
                "rqth" => "part_rqth",
                "long_term" => "part_long_term",
                "rsa" => "part_rsa",
                "qpv" => "part_qpv",
                "senior" => "part_senior",
                _ => "part_young_unqualified",
            };
            Field::text(name, labels::priority(code), &get(name))
                .hint("Part minimale entre 0 et 1 ; vide : non protégé.")
        })
        .collect();
    (
        vec![territory, kind, from, note],
        vec![status, p, alpha],
        shares,
    )
}

async fn page(
    state: &Arc<AppState>,
    principal: &Principal,
    (fields, fair, shares): (Vec<Field>, Vec<Field>, Vec<Field>),
    notice: Option<String>,
) -> PageResult {
    page_with(state, principal, (fields, fair, shares), notice, None).await
}

async fn page_with(
    state: &Arc<AppState>,
    principal: &Principal,
    (fields, fair, shares): (Vec<Field>, Vec<Field>, Vec<Field>),
    notice: Option<String>,
    simulation: Option<Simulated>,
) -> PageResult {
    let axum::Json(view) =
        crate::policies::api::list_policies(State(state.clone()), principal.clone()).await?;
    let region = view.region.clone();
    let rows = view
        .in_force
        .iter()
        .map(|p| PolicyRow {
            territory: territory_label(&p.territory, &region),
            rule: rule_lines(p),
            since: p
                .effective_from
                .map(fr_date)
                .unwrap_or_else(|| "toujours".to_string()),
            origin: if p.default {
                "Par défaut (parts publiées)"
            } else if p.territory != "region"
                && view
                    .history
                    .iter()
                    .any(|h| h.policy.id == p.id && h.policy.territory == "region")
            {
                "Politique régionale"
            } else {
                "Fixée par le comité"
            },
        })
        .collect();
    let history = view
        .history
        .iter()
        .map(|h| HistoryRow {
            set_at: fr_datetime(h.set_at),
            territory: territory_label(&h.policy.territory, &region),
            rule: rule_lines(&h.policy),
            from: h.policy.effective_from.map(fr_date).unwrap_or_default(),
            note: h.note.clone().unwrap_or_default(),
        })
        .collect();
    let mut all = fields.clone();
    all.extend(fair.iter().cloned());
    all.extend(shares.iter().cloned());
    let errors = error_summary(&all);
    let failed = !errors.is_empty();
    Ok(render_form(
        &PolicyPage {
            chrome: Chrome::new(
                principal,
                form_title("Publics prioritaires", failed),
                "/politique",
            )
            .notice(notice),
            rows,
            history,
            may_set: principal
                .grant(Resource::Policies, Verb::Write, None)
                .is_ok(),
            fields,
            fair,
            shares,
            errors,
            simulation,
            published: labels::PRIORITIES
                .iter()
                .filter_map(|code| model::PriorityStatus::parse(code))
                .map(|s| {
                    (
                        labels::priority(s.as_str()),
                        percent(model::policy::published_share(s)),
                    )
                })
                .collect(),
        },
        failed,
    ))
}

pub async fn page_get(
    State(state): St,
    Viewer(principal): Viewer,
    PageQuery(query): PageQuery<ListQuery>,
) -> PageResult {
    let today = state.now().date_naive();
    let fields = policy_fields(&HashMap::new(), &state.config.region, today);
    page(&state, &principal, fields, done(query.fait.as_deref())).await
}

/// A number typed the French way or not: `0,1` or `0.1`.
fn decimal(text: &str) -> Option<f64> {
    text.trim()
        .replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
}

pub async fn set(
    State(state): St,
    Viewer(principal): Viewer,
    crate::json::PageForm(form): crate::json::PageForm<HashMap<String, String>>,
) -> PageResult {
    principal
        .grant(Resource::Policies, Verb::Write, None)
        .map_err(crate::api::forbidden)?;
    let today = state.now().date_naive();
    let (mut fields, mut fair, mut shares) = policy_fields(&form, &state.config.region, today);
    let get = |name: &str| forms::trimmed(&form, name);
    let kind = get("regle");
    let mut input = PolicyInput {
        territory: get("territoire"),
        kind: kind.clone(),
        note: Some(get("motif")).filter(|n| !n.is_empty()),
        ..PolicyInput::default()
    };
    match chrono::NaiveDate::parse_from_str(&get("date_effet"), "%Y-%m-%d") {
        Ok(date) => input.effective_from = Some(date),
        Err(_) => set_error(&mut fields, "date_effet", "Une date au format JJ/MM/AAAA."),
    }
    if kind == "fair" {
        input.status = Some(get("public")).filter(|s| !s.is_empty());
        if input.status.is_none() {
            set_error(&mut fields, "public", "Choisissez le public protégé.");
        }
        match decimal(&get("p")) {
            Some(p) => input.p = Some(p),
            None => set_error(&mut fields, "p", "Un nombre entre 0 et 1."),
        }
        if !get("alpha").is_empty() {
            match decimal(&get("alpha")) {
                Some(alpha) => input.alpha = Some(alpha),
                None => set_error(&mut fields, "alpha", "Un nombre entre 0 et 1."),
            }
        }
    } else {
        let mut floors = BTreeMap::new();
        for code in labels::PRIORITIES {
            let name = format!("part_{code}");
            let typed = get(&name);
            if typed.is_empty() {
                continue;
            }
            match decimal(&typed) {
                Some(share) => {
                    floors.insert((*code).to_string(), share);
                }
                None => set_error(&mut shares, &name, "Un nombre entre 0 et 1."),
            }
        }
        if floors.is_empty() && !has_errors(&shares) {
            set_error(
                &mut fields,
                "regle",
                "Indiquez une part minimale pour au moins un public.",
            );
        }
        input.floors = Some(floors);
    }
    if has_errors(&fields) || has_errors(&fair) || has_errors(&shares) {
        return page(&state, &principal, (fields, fair, shares), None).await;
    }
    let action = get("action");
    if action != "simuler" && action != "enregistrer" {
        set_error(
            &mut fields,
            "regle",
            "Choisissez d'enregistrer la politique ou de la simuler.",
        );
        return page(&state, &principal, (fields, fair, shares), None).await;
    }
    if action == "simuler" {
        let query = crate::policies::api::SimulationQuery {
            territory: input.territory.clone(),
            kind: input.kind.clone(),
            status: input.status.clone(),
            p: input.p,
            alpha: input.alpha,
            floors: input.floors.as_ref().map(|f| {
                f.iter()
                    .map(|(s, v)| format!("{s}={v}"))
                    .collect::<Vec<_>>()
                    .join(",")
            }),
        };
        match crate::policies::api::simulate(&state, &principal, &query).await {
            Ok(view) => {
                let simulated = Simulated {
                    territory: territory_label(&view.territory, &state.config.region),
                    offers: view.offers,
                    tried: rule_lines(&view.tried),
                    rows: view
                        .shares
                        .iter()
                        .map(|s| {
                            (
                                labels::priority(&s.status),
                                percent(s.pool),
                                percent(s.in_force),
                                percent(s.tried),
                            )
                        })
                        .collect(),
                    score_in_force: percent(view.mean_score_in_force),
                    score_tried: percent(view.mean_score_tried),
                };
                return page_with(
                    &state,
                    &principal,
                    (fields, fair, shares),
                    None,
                    Some(simulated),
                )
                .await;
            }
            Err(ApiError::Invalid(problems)) => {
                for problem in problems {
                    let path = problem.path.trim_start_matches(['?', '/']).to_string();
                    let message = french_reason(&path, &problem.message);
                    set_error(&mut fields, "regle", message);
                }
                return page(&state, &principal, (fields, fair, shares), None).await;
            }
            Err(other) => return Err(other.into()),
        }
    }
    match crate::policies::api::set(&state, &principal, &input).await {
        Ok(_) => Ok(see_other("/politique?fait=politique")),
        Err(ApiError::Invalid(problems)) => {
            for problem in problems {
                let path = problem.path.trim_start_matches('/');
                let message = french_reason(path, &problem.message);
                if let Some(code) = path.strip_prefix("floors/") {
                    let name = format!("part_{code}");
                    if let Some(field) = shares.iter_mut().find(|f| f.name == name) {
                        field.error = Some(message);
                        continue;
                    }
                }
                match path {
                    "status" => set_error(&mut fair, "public", message),
                    "p" => set_error(&mut fair, "p", message),
                    "alpha" => set_error(&mut fair, "alpha", message),
                    "territory" => set_error(&mut fields, "territoire", message),
                    "effective_from" => set_error(&mut fields, "date_effet", message),
                    "note" => set_error(&mut fields, "motif", message),
                    _ => set_error(&mut fields, "regle", message),
                }
            }
            page(&state, &principal, (fields, fair, shares), None).await
        }
        Err(other) => Err(other.into()),
    }
}

/// The API's reasons, in French, for the form.
fn french_reason(path: &str, message: &str) -> String {
    match path {
        "p" => "Une part strictement entre 0 et 1.".to_string(),
        "alpha" => "Un seuil strictement entre 0 et 1.".to_string(),
        "effective_from" => {
            "Aujourd'hui ou plus tard : la politique d'un jour passé reste celle qui s'appliquait."
                .to_string()
        }
        "territory" => "Un département de la région.".to_string(),
        "floors" if message.contains("sum") => {
            "Les parts minimales dépassent 100 % à elles toutes : aucune présélection ne pourrait les respecter."
                .to_string()
        }
        "note" => "Le motif est trop long ou contient un caractère non admis.".to_string(),
        p if p.starts_with("floors/") => "Une part supérieure à 0 et au plus égale à 1.".to_string(),
        _ => "Cette valeur ne convient pas.".to_string(),
    }
}
