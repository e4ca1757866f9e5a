//! The administrator's pages: accounts (list, creation) and the structures of both networks.

use std::collections::HashMap;

use crate::api::views::UserView;
use crate::pages::forms::{has_errors, set_error};
use crate::pages::*;

const PER_PAGE: usize = 25;

pub struct UserRow {
    pub user: UserView,
    pub seats: Vec<String>,
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    chrome: Chrome,
    rows: Vec<UserRow>,
    fields: Vec<Field>,
    errors: Vec<(String, String)>,
    pagination: Pagination,
    total: usize,
}

fn account_fields(form: &HashMap<String, String>) -> Vec<Field> {
    let v = |name: &str| form.get(name).cloned().unwrap_or_default();
    let mut role = Field::text("role", "Rôle", &v("role"))
        .options(labels::ROLES)
        .required();
    if role.value.is_empty() {
        role.value = "advisor".to_string();
    }
    vec![
        Field::text("display_name", "Nom et prénom", &v("display_name"))
            .autocomplete("name")
            .required(),
        Field::text("email", "Adresse électronique", &v("email"))
            .kind("email")
            .hint("Format attendu : nom@domaine.fr")
            .required(),
        Field::text("password", "Mot de passe provisoire", "")
            .kind("password")
            .hint("12 caractères au moins ; à transmettre à la personne par un autre canal.")
            .autocomplete("new-password")
            .required(),
        role,
        Field::text("structure", "SIRET de la structure", &v("structure"))
            .hint("14 chiffres, voir la page Structures.")
            .required(),
    ]
}

async fn users_page(
    state: &Arc<AppState>,
    principal: &Principal,
    page: usize,
    fields: Vec<Field>,
    notice: Option<String>,
) -> PageResult {
    let axum::Json(mut users) =
        crate::admin::api::list_users(State(state.clone()), principal.clone()).await?;
    users.sort_by(|a, b| a.display_name.cmp(&b.display_name));
    let pagination = Pagination::new(
        page,
        users.len(),
        PER_PAGE,
        "/admin/utilisateurs?".to_string(),
    );
    let mut names: HashMap<i64, String> = HashMap::new();
    for s in state.store.structures().await? {
        names.insert(s.id, s.record.name);
    }
    let total = users.len();
    let start = (pagination.current - 1) * PER_PAGE;
    let rows = users
        .into_iter()
        .skip(start)
        .take(PER_PAGE)
        .map(|user| UserRow {
            seats: user
                .seats
                .iter()
                .map(|s| {
                    format!(
                        "{} — {}",
                        labels::role(&s.role),
                        names
                            .get(&s.structure_id)
                            .cloned()
                            .unwrap_or_else(|| s.siret.clone())
                    )
                })
                .collect(),
            user,
        })
        .collect();
    let errors: Vec<(String, String)> = forms::error_summary(&fields);
    let failed = !errors.is_empty();
    Ok(render_form(
        &UsersPage {
            chrome: Chrome::new(
                principal,
                form_title("Utilisateurs", failed),
                "/admin/utilisateurs",
            )
            .notice(notice),
            rows,
            fields,
            errors,
            pagination,
            total,
        },
        failed,
    ))
}

pub async fn users(
    State(state): St,
    Viewer(principal): Viewer,
    PageQuery(query): PageQuery<ListQuery>,
) -> PageResult {
    users_page(
        &state,
        &principal,
        page_number(query.page.as_deref()),
        account_fields(&HashMap::new()),
        done(query.fait.as_deref()),
    )
    .await
}

pub async fn create_user(
    State(state): St,
    Viewer(principal): Viewer,
    crate::json::PageForm(form): crate::json::PageForm<HashMap<String, String>>,
) -> PageResult {
    let mut fields = account_fields(&form);
    let get = |name: &str| forms::trimmed(&form, name);
    for name in ["display_name", "email", "password", "role", "structure"] {
        if get(name).is_empty()
            && let Some(label) = fields.iter().find(|f| f.name == name).map(|f| f.label)
        {
            set_error(
                &mut fields,
                name,
                format!("Renseignez le champ « {label} »."),
            );
        }
    }
    if !get("email").is_empty() && domain::Email::parse(&get("email")).is_err() {
        set_error(
            &mut fields,
            "email",
            "Cette adresse n'est pas valide : nom@domaine.fr.",
        );
    }
    if !get("password").is_empty() && crate::auth::password_problem(&get("password")).is_some() {
        set_error(
            &mut fields,
            "password",
            "12 caractères au moins, sans compter les espaces au début et à la fin.",
        );
    }
    if !get("structure").is_empty() && state.structure_id(&get("structure")).await?.is_none() {
        set_error(&mut fields, "structure", "Aucune structure n'a ce SIRET.");
    }
    if has_errors(&fields) {
        return users_page(&state, &principal, 1, fields, None).await;
    }
    let request = crate::admin::api::NewAccount {
        email: get("email"),
        display_name: get("display_name"),
        password: form.get("password").cloned().unwrap_or_default(),
        role: get("role"),
        structure: get("structure"),
    };
    match crate::admin::api::create_user(State(state.clone()), principal.clone(), JsonBody(request))
        .await
    {
        Ok(_) => Ok(see_other("/admin/utilisateurs?fait=compte")),
        Err(ApiError::Conflict(_)) => {
            set_error(
                &mut fields,
                "email",
                "Un compte existe déjà avec cette adresse.",
            );
            users_page(&state, &principal, 1, fields, None).await
        }
        Err(ApiError::Invalid(problems)) => {
            for p in problems {
                let name = p.path.trim_start_matches('/').to_string();
                set_error(&mut fields, &name, p.message);
            }
            if !has_errors(&fields) {
                set_error(&mut fields, "email", "Vérifiez les valeurs saisies.");
            }
            users_page(&state, &principal, 1, fields, None).await
        }
        Err(other) => Err(other.into()),
    }
}

pub struct StructureRow {
    pub name: String,
    pub siret: String,
    pub kind: &'static str,
    pub network: String,
    pub commune: String,
    pub status: &'static str,
}

#[derive(Template)]
#[template(path = "admin/structures.html")]
struct StructuresPage {
    chrome: Chrome,
    rows: Vec<StructureRow>,
    filters: Vec<Field>,
    pagination: Pagination,
    total: usize,
}

pub async fn structures(
    State(state): St,
    Viewer(principal): Viewer,
    PageQuery(query): PageQuery<ListQuery>,
) -> PageResult {
    principal
        .grant(Resource::Accounts, Verb::Read, None)
        .map_err(ApiError::Forbidden)?;
    let q = query.q.clone().unwrap_or_default();
    if let Some(problem) = crate::limits::search_problem(&q) {
        return Err(ApiError::field("?q", problem).into());
    }
    let (found, pagination) = Pagination::fetch(
        query.page.as_deref(),
        format!(
            "/admin/structures?q={}&",
            form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>()
        ),
        |page| {
            crate::admin::api::search_structures(
                State(state.clone()),
                principal.clone(),
                crate::json::QueryParams(crate::admin::api::StructureSearch {
                    q: Some(q.clone()),
                    offset: page.offset,
                    limit: page.limit,
                }),
            )
        },
        |found| found.total,
    )
    .await?;
    let rows = found
        .structures
        .iter()
        .map(|s| StructureRow {
            name: s.name.clone(),
            siret: s.siret.clone(),
            kind: labels::structure_kind(&s.kind),
            network: s.network.clone().unwrap_or_default(),
            commune: commune_name(&s.commune),
            status: if s.status == "active" {
                "Active"
            } else {
                "Fermée"
            },
        })
        .collect();
    Ok(render(&StructuresPage {
        chrome: Chrome::new(&principal, "Structures", "/admin/structures"),
        total: usize::try_from(found.total).unwrap_or(usize::MAX),
        rows,
        filters: vec![Field::text("q", "Nom, SIRET ou réseau", &q)],
        pagination,
    }))
}
