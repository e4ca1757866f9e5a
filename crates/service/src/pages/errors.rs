//! Errors as pages: what happened, in French, with the status the API would answer, and the
//! page of a route that does not exist.

use super::*;

/// An error shown as a page: what happened, in French, and where to go next.
pub struct PageError(pub ApiError);

impl From<ApiError> for PageError {
    fn from(err: ApiError) -> Self {
        Self(err)
    }
}

impl From<store::StoreError> for PageError {
    fn from(err: store::StoreError) -> Self {
        Self(err.into())
    }
}

pub type PageResult = Result<Response, PageError>;

/// An API refusal said in French on a page: a conflict in `conflict`'s words, the fields a
/// form got wrong after `intro` ("Le plan n'est pas enregistré"), each in `field`'s words.
pub fn refused_in_french<T, C: Into<String>, F: Into<String>>(
    result: Result<T, ApiError>,
    intro: &str,
    conflict: impl FnOnce(&str) -> C,
    field: impl Fn(&crate::error::FieldProblem) -> F,
) -> Result<T, PageError> {
    result.map_err(|err| {
        PageError(match err {
            ApiError::Conflict(message) => ApiError::Refused(conflict(&message).into()),
            ApiError::Invalid(problems) => ApiError::Refused(format!(
                "{intro} : {}.",
                problems
                    .iter()
                    .map(|p| field(p).into())
                    .collect::<Vec<String>>()
                    .join(" ; ")
            )),
            other => other,
        })
    })
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: Chrome,
    heading: String,
    message: String,
    details: Vec<String>,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, heading, message, details) = match self.0 {
            ApiError::Unauthenticated(_) => return Redirect::to("/connexion").into_response(),
            ApiError::Forbidden(reason) => {
                tracing::debug!(%reason, "page refused");
                (
                    StatusCode::FORBIDDEN,
                    "Accès refusé",
                    "Votre rôle ne donne pas accès à cette page ou à cette action : les offres, \
                     les personnes et les mises en relation se consultent dans la structure qui \
                     les suit."
                        .to_string(),
                    vec![],
                )
            }
            ApiError::Csrf => (
                StatusCode::FORBIDDEN,
                "Formulaire expiré",
                "Le formulaire a expiré ou ne vient pas de Passerelle : rechargez la page et \
                 recommencez."
                    .to_string(),
                vec![],
            ),
            ApiError::NotFound(_) => (
                StatusCode::NOT_FOUND,
                "Page non trouvée",
                "La page ou la fiche demandée n'existe pas (ou plus).".to_string(),
                vec![],
            ),
            ApiError::Refused(reason) => {
                (StatusCode::CONFLICT, "Action impossible", reason, vec![])
            }
            ApiError::Conflict(_) => (
                StatusCode::CONFLICT,
                "Action déjà faite",
                "La fiche a changé entre-temps (quelqu'un d'autre l'a peut-être mise à jour) : \
                 revenez en arrière et rechargez-la pour voir son état."
                    .to_string(),
                vec![],
            ),
            ApiError::Invalid(fields) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "Action impossible",
                "L'action n'a pas été enregistrée :".to_string(),
                fields.iter().map(|f| invalid_in_french(&f.path)).collect(),
            ),
            ApiError::TooLarge(limit) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "Fichier trop volumineux",
                format!("La taille maximale est de {} Mo.", limit / (1024 * 1024)),
                vec![],
            ),
            ApiError::TooManyAttempts { retry_after_secs } => (
                StatusCode::TOO_MANY_REQUESTS,
                "Trop de tentatives",
                format!(
                    "Réessayez dans {} minute(s).",
                    retry_after_secs.div_ceil(60)
                ),
                vec![],
            ),
            ApiError::Internal(err) => {
                tracing::error!(error = %err, "page failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Erreur inattendue",
                    "Une erreur est survenue de notre côté. Réessayez dans un instant ; si elle \
                     persiste, signalez-la à l'administrateur."
                        .to_string(),
                    vec![],
                )
            }
        };
        let page = ErrorPage {
            chrome: Chrome::anonymous(heading),
            heading: heading.to_string(),
            message,
            details,
        };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, heading).into_response(),
        }
    }
}

/// Why an action was refused, in French, from the field the API named.
fn invalid_in_french(path: &str) -> String {
    match path.trim_start_matches(['/', '?']) {
        "hire_starts_on" | "date" => "indiquez la date de début du contrat.",
        "not_hired_reason" => "choisissez le motif pour lequel la personne n'est pas retenue.",
        "job_seeker_id" => {
            "cette personne ne peut pas être proposée pour cette offre : elle n'a pas donné son \
             consentement (ou pas pour cette agence), n'est plus inscrite, ou l'offre ne \
             correspond pas à ses critères (métier, distance, disponibilité, permis)."
        }
        "q" | "commune" | "reseau" | "metier" => {
            "le texte recherché est trop long (200 caractères au plus) ou contient des \
             caractères de contrôle."
        }
        "offer_id" => "l'offre n'est plus ouverte.",
        "to" | "from" => {
            "cette étape n'est pas possible depuis l'état actuel de la mise en relation."
        }
        _ => {
            "une valeur ne convient pas ; revenez en arrière, vérifiez le formulaire et \
              recommencez."
        }
    }
    .to_string()
}

/// The HTML page for a route that does not exist.
pub async fn not_found() -> Response {
    PageError(ApiError::NotFound(String::new())).into_response()
}
