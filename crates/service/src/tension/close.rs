//! For an advisor, on a person's page: the occupations close to the person's targets (ROME
//! "proche" links) that are in tension in the person's department (official class 4 or 5)
//! and have open offers within the person's commute limit. A path toward an occupation that
//! recruits, read from the engine's open offers (no store read, nothing about anyone else).

use refdata::tension::Territory;

use crate::AppState;

/// A close occupation in tension with offers within reach.
pub struct CloseInTension {
    pub rome: &'static str,
    pub label: &'static str,
    /// The person's target it is close to.
    pub from: &'static str,
    pub class: u8,
    pub offers: usize,
}

/// At most this many rows, the most offers first.
const ROWS: usize = 8;

/// The close occupations in tension for a person living in `commune`, looking for `targets`
/// within `commute_km`.
pub fn close_in_tension(
    state: &AppState,
    targets: &[String],
    commune: &str,
    commute_km: u16,
) -> Vec<CloseInTension> {
    let rome = refdata::rome();
    let Some(home) = refdata::geo().commune(commune) else {
        return Vec::new();
    };
    let department = home.department;
    let mut candidates: Vec<(&'static str, &'static str)> = Vec::new();
    for target in targets {
        let Some(occupation) = rome.occupation(target) else {
            continue;
        };
        for link in &occupation.mobility {
            if link.kind == refdata::MobilityKind::Proche
                && !targets.iter().any(|t| t == link.target)
                && !candidates.iter().any(|(code, _)| *code == link.target)
            {
                candidates.push((link.target, occupation.code));
            }
        }
    }
    let tensions = refdata::tensions();
    let in_tension: Vec<(&'static str, &'static str, u8)> = candidates
        .into_iter()
        .filter_map(|(code, from)| {
            let class = tensions
                .official(code, Territory::Department(department))
                .ok()?
                .class;
            (class >= 4).then_some((code, from, class))
        })
        .collect();
    if in_tension.is_empty() {
        return Vec::new();
    }
    let mut counts = vec![0usize; in_tension.len()];
    {
        let sourcing = state.sourcing.read().unwrap_or_else(|e| e.into_inner());
        for offer in sourcing.offers.values() {
            let code = offer.record.rome.as_str();
            let Some(slot) = in_tension
                .iter()
                .position(|(c, _, _)| *c == code)
                .and_then(|i| counts.get_mut(i))
            else {
                continue;
            };
            let point = offer.record.coordinates.or_else(|| {
                refdata::geo()
                    .commune(offer.record.commune.as_str())
                    .map(|c| c.point())
            });
            if point.is_some_and(|p| refdata::distance_km(p, home.point()) <= f64::from(commute_km))
            {
                *slot += 1;
            }
        }
    }
    let mut rows: Vec<CloseInTension> = in_tension
        .into_iter()
        .zip(counts)
        .filter(|(_, n)| *n > 0)
        .filter_map(|((code, from, class), offers)| {
            Some(CloseInTension {
                rome: code,
                label: rome.occupation(code)?.label,
                from: rome.occupation(from)?.label,
                class,
                offers,
            })
        })
        .collect();
    rows.sort_by(|a, b| b.offers.cmp(&a.offers).then(b.class.cmp(&a.class)));
    rows.truncate(ROWS);
    rows
}
