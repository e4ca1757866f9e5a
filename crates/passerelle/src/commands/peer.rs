//! The benchmark's peer: the shortlist of the sourcing engine written as SQL on PostgreSQL +
//! PostGIS, as a team running a les-emplois-style platform would write it — a geography column
//! with a GiST index, a filter on the eligible ROME codes, and the same score computed in SQL.
//! It reads the store's own tables, plus a `peer` schema it builds (communes with their
//! location, ROME mobility links, licence implications, and a copy of the job seekers with a
//! geography column). Used only by `passerelle bench engine --peer`: it is the benchmark's, not
//! the product's, which is why it is the one place outside `store` that writes SQL.

use std::str::FromStr;

use chrono::NaiveDate;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Row};

use anyhow::{Context, Result};
use store::DatabaseUrl;

/// The engine's scoring settings, as the SQL needs them.
#[derive(Debug, Clone)]
pub struct PeerScoring {
    /// occupation, skills, distance, availability, conditions, experience.
    pub weights: [f64; 6],
    pub same_code: f64,
    pub same_code_other_title: f64,
    pub proche: f64,
    pub evolution: f64,
    pub same_domain: f64,
    pub distance_half_km: f64,
    pub max_delay_days: u32,
}

pub struct PostgisPeer {
    pool: PgPool,
    scoring: PeerScoring,
    /// The largest commute limit, in metres: the radius of the GiST filter.
    radius_m: f64,
    seekers: i64,
    postgis: String,
}

/// Driving licences and what each implies (the same table as the engine).
const LICENCES: [(&str, &[&str]); 15] = model::DRIVING_LICENCES;

fn closure(code: &str, into: &mut Vec<String>) {
    if into.iter().any(|c| c == code) {
        return;
    }
    into.push(code.to_string());
    if let Some((_, implied)) = LICENCES.iter().find(|(c, _)| *c == code) {
        for i in *implied {
            closure(i, into);
        }
    }
}

const SHORTLIST: &str = r#"
WITH o AS (
    SELECT o.rome_code, o.job_title_ogr AS title,
           coalesce(o.latitude, c.lat) AS lat, coalesce(o.longitude, c.lon) AS lon,
           ST_SetSRID(ST_MakePoint(coalesce(o.longitude, c.lon), coalesce(o.latitude, c.lat)), 4326)::geography AS geog,
           sc.department AS dept, o.contract_type, o.working_time AS offer_time,
           o.experience_required, greatest(coalesce(o.experience_months, 0), 1)::float8 AS need,
           ARRAY(SELECT DISTINCT split_part(x, ' - ', 1) FROM jsonb_array_elements_text(o.licences) x
                 WHERE split_part(x, ' - ', 1) IN (SELECT held FROM peer.licence_closure)) AS licences,
           ARRAY(SELECT DISTINCT s->>'code' FROM jsonb_array_elements(o.skills) s
                 WHERE s->>'code' IS NOT NULL
                 UNION SELECT 'proof:' || (s->>'code') FROM jsonb_array_elements(o.skills) s
                 WHERE s->>'code' IS NOT NULL AND s->>'label' LIKE '%CACES%') AS wanted,
           greatest(coalesce(o.starts_on, $2), $2) AS start
    FROM offers o
    JOIN peer.communes c ON c.code = o.commune_code
    JOIN structures st ON st.id = o.structure_id
    JOIN peer.communes sc ON sc.code = st.commune_code
    WHERE o.id = $1
),
pairs AS (
    SELECT s.id, s.skills, s.lapsing, s.lapsing_until, s.contracts, s.working_time, s.experience, s.commute_km,
           coalesce(s.available_from, $2) - o.start AS late,
           t.rome_code AS target, t.job_title_ogr AS target_title, o.*,
           2 * 6371.0088 * asin(least(greatest(sqrt(
               sin((radians(s.lat) - radians(o.lat)) / 2) * sin((radians(s.lat) - radians(o.lat)) / 2)
               + cos(radians(o.lat)) * cos(radians(s.lat))
                 * sin((radians(s.lon) - radians(o.lon)) / 2) * sin((radians(s.lon) - radians(o.lon)) / 2)
           ), 0), 1)) AS km
    FROM o
    JOIN peer.seekers s ON ST_DWithin(s.geog, o.geog, $3)
    JOIN job_seeker_targets t ON t.job_seeker_id = s.id
    WHERE t.rome_code IN (SELECT source FROM peer.eligible WHERE target = o.rome_code)
      AND s.status = 'active'
      AND (s.consent_scope = 'all_agencies'
           OR (s.consent_scope = 'department_agencies' AND s.department = o.dept))
      AND o.licences <@ s.licences
      AND coalesce(s.available_from, $2) - o.start <= $4
),
tiered AS (
    SELECT p.*,
        CASE WHEN p.target = p.rome_code THEN
            CASE WHEN p.target_title IS NOT NULL AND p.title IS NOT NULL AND p.target_title <> p.title
                 THEN $8 ELSE $7 END
        ELSE greatest(
            (SELECT max(l.tier) FROM peer.links l
              WHERE l.target = p.rome_code AND l.source = p.target
                AND (l.source_title IS NULL OR p.target_title IS NULL OR l.source_title = p.target_title)
                AND (l.target_title IS NULL OR p.title IS NULL OR l.target_title = p.title)),
            CASE WHEN left(p.target, 3) = left(p.rome_code, 3) THEN $9 END)
        END AS occupation
    FROM pairs p
    WHERE p.km <= p.commute_km
),
best AS (
    SELECT DISTINCT ON (id) * FROM tiered WHERE occupation IS NOT NULL ORDER BY id, occupation DESC
),
scored AS (
    SELECT id,
        $10 * occupation
        + $11 * (CASE WHEN cardinality(wanted) = 0 THEN 1.0::float8
                 ELSE (cardinality(ARRAY(SELECT unnest(wanted) INTERSECT SELECT unnest(skills)))
                       - (SELECT count(*) FROM unnest(lapsing, lapsing_until) AS l(proof, until)
                          WHERE l.until < $2 AND l.proof = ANY(wanted)))::float8
                      / cardinality(wanted)::float8 END)
        + $12 * power(0.5::float8, km / $5)
        + $13 * (CASE WHEN late <= 0 THEN 1.0::float8 ELSE 1.0::float8 - late::float8 / ($4::float8 + 1.0::float8) END)
        + $14 * (((CASE WHEN cardinality(contracts) = 0 OR contract_type = ANY(contracts) THEN 1.0::float8 ELSE 0.0::float8 END)
                 + (CASE WHEN working_time = 'any' OR offer_time IS NULL OR working_time = offer_time
                         THEN 1.0::float8 ELSE 0.0::float8 END)) / 2.0::float8)
        + $15 * (CASE experience_required
                    WHEN 'D' THEN 1.0::float8
                    WHEN 'S' THEN 0.5::float8 + 0.5::float8 * least(
                        (SELECT coalesce(sum((e->>'months')::bigint), 0) FROM jsonb_array_elements(experience) e
                          WHERE e->>'rome' = rome_code)::float8 / need, 1.0::float8)
                    ELSE least(
                        (SELECT coalesce(sum((e->>'months')::bigint), 0) FROM jsonb_array_elements(experience) e
                          WHERE e->>'rome' = rome_code)::float8 / need, 1.0::float8)
                 END) AS score
    FROM best
)
SELECT id, score FROM scored ORDER BY score DESC, id LIMIT $6
"#;

impl PostgisPeer {
    /// Installs PostGIS in the database (the extension must be available on the server) and
    /// builds the `peer` schema from the store's tables and the reference data.
    pub async fn prepare(url: &DatabaseUrl, scoring: &PeerScoring) -> Result<Self> {
        let connect_error = || format!("cannot open the database {url}");
        let options = PgConnectOptions::from_str(url.expose())
            .with_context(connect_error)?
            .options([("jit", "off"), ("TimeZone", "UTC")]);
        let pool = PgPoolOptions::new()
            .max_connections(2)
            .connect_with(options)
            .await
            .with_context(connect_error)?;
        sqlx::query("CREATE EXTENSION IF NOT EXISTS postgis")
            .execute(&pool)
            .await?;
        let postgis: String = sqlx::query_scalar("SELECT postgis_lib_version()")
            .fetch_one(&pool)
            .await?;
        for statement in [
            "DROP SCHEMA IF EXISTS peer CASCADE",
            "CREATE SCHEMA peer",
            "CREATE TABLE peer.communes (code TEXT PRIMARY KEY, department TEXT NOT NULL, \
             lat FLOAT8 NOT NULL, lon FLOAT8 NOT NULL)",
            "CREATE TABLE peer.links (source TEXT NOT NULL, target TEXT NOT NULL, tier FLOAT8 NOT NULL, \
             source_title TEXT, target_title TEXT)",
            "CREATE TABLE peer.licence_closure (held TEXT NOT NULL, implies TEXT NOT NULL)",
        ] {
            sqlx::query(statement).execute(&pool).await?;
        }
        let communes = refdata::geo().communes();
        sqlx::query(
            "INSERT INTO peer.communes SELECT * FROM UNNEST($1::text[], $2::text[], $3::float8[], $4::float8[])",
        )
        .bind(communes.iter().map(|c| c.code).collect::<Vec<_>>())
        .bind(communes.iter().map(|c| c.department).collect::<Vec<_>>())
        .bind(communes.iter().map(|c| c.latitude).collect::<Vec<_>>())
        .bind(communes.iter().map(|c| c.longitude).collect::<Vec<_>>())
        .execute(&pool)
        .await?;
        let (mut sources, mut targets, mut tiers, mut source_titles, mut target_titles) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for occupation in refdata::rome().occupations() {
            for link in &occupation.mobility {
                sources.push(occupation.code);
                targets.push(link.target);
                tiers.push(match link.kind {
                    refdata::MobilityKind::Proche => scoring.proche,
                    refdata::MobilityKind::Evolution => scoring.evolution,
                    refdata::MobilityKind::Derived => scoring.same_domain,
                });
                source_titles.push(link.source_title);
                target_titles.push(link.target_title);
            }
        }
        sqlx::query(
            "INSERT INTO peer.links SELECT * FROM UNNEST($1::text[], $2::text[], $3::float8[], $4::text[], $5::text[])",
        )
        .bind(&sources)
        .bind(&targets)
        .bind(&tiers)
        .bind(&source_titles)
        .bind(&target_titles)
        .execute(&pool)
        .await?;
        let (mut held, mut implies) = (Vec::new(), Vec::new());
        for (code, _) in LICENCES {
            let mut all = Vec::new();
            closure(code, &mut all);
            for i in all {
                held.push(code.to_string());
                implies.push(i);
            }
        }
        sqlx::query(
            "INSERT INTO peer.licence_closure SELECT * FROM UNNEST($1::text[], $2::text[])",
        )
        .bind(&held)
        .bind(&implies)
        .execute(&pool)
        .await?;
        for statement in [
            "ALTER TABLE peer.communes ADD COLUMN geog geography(Point, 4326)",
            "UPDATE peer.communes SET geog = ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography",
            "CREATE INDEX ON peer.links (target, source)",
            // Every occupation whose seekers may be proposed for an offer of `target`.
            "CREATE TABLE peer.eligible AS \
             SELECT DISTINCT target, source FROM ( \
                 SELECT target, source FROM peer.links \
                 UNION SELECT a.code, b.code FROM (SELECT DISTINCT rome_code AS code FROM offers) a \
                     JOIN (SELECT DISTINCT rome_code AS code FROM job_seeker_targets) b \
                     ON left(a.code, 3) = left(b.code, 3)) e",
            "CREATE INDEX ON peer.eligible (target)",
            "CREATE TABLE peer.seekers AS \
             SELECT j.id, c.department, c.lat, c.lon, c.geog, j.commute_limit_km::float8 AS commute_km, \
                    j.available_from, j.working_time, j.consent_scope, j.status, j.experience, \
                    ARRAY(SELECT DISTINCT x FROM jsonb_array_elements_text(j.skills) x \
                          UNION SELECT p->>'skill' FROM jsonb_array_elements(j.proven_skills) p \
                          UNION SELECT 'proof:' || (p->>'skill') \
                          FROM jsonb_array_elements(j.proven_skills) p) AS skills, \
                    ARRAY(SELECT 'proof:' || (p->>'skill') FROM jsonb_array_elements(j.proven_skills) p \
                          GROUP BY p->>'skill' HAVING bool_and(p->>'until' IS NOT NULL) ORDER BY p->>'skill') AS lapsing, \
                    ARRAY(SELECT max((p->>'until')::date) FROM jsonb_array_elements(j.proven_skills) p \
                          GROUP BY p->>'skill' HAVING bool_and(p->>'until' IS NOT NULL) ORDER BY p->>'skill') \
                          AS lapsing_until, \
                    ARRAY(SELECT x FROM jsonb_array_elements_text(j.contract_types) x) AS contracts, \
                    ARRAY(SELECT DISTINCT l.implies FROM jsonb_array_elements(j.qualifications) q \
                          JOIN peer.licence_closure l ON l.held = q->>'code' \
                          WHERE q->>'kind' = 'driving_licence') AS licences \
             FROM job_seekers j JOIN peer.communes c ON c.code = j.commune_code",
            "ALTER TABLE peer.seekers ADD PRIMARY KEY (id)",
            "CREATE INDEX peer_seekers_geog ON peer.seekers USING gist (geog)",
            "ANALYZE peer.communes",
            "ANALYZE peer.links",
            "ANALYZE peer.eligible",
            "ANALYZE peer.seekers",
            "ANALYZE job_seeker_targets",
            "ANALYZE offers",
        ] {
            sqlx::query(statement).execute(&pool).await?;
        }
        let row = sqlx::query(
            "SELECT count(*) AS n, coalesce(max(commute_km), 0) AS m FROM peer.seekers",
        )
        .fetch_one(&pool)
        .await?;
        let seekers: i64 = row.try_get("n")?;
        let max_km: f64 = row.try_get("m")?;
        Ok(Self {
            pool,
            scoring: scoring.clone(),
            // The spheroid and the sphere differ by well under 1 %: a margin keeps the filter
            // from dropping anyone the exact test keeps.
            radius_m: max_km * 1000.0 * 1.01 + 1000.0,
            seekers,
            postgis,
        })
    }

    pub fn describe(&self) -> String {
        format!(
            "PostGIS {}, {} job seekers with a GiST-indexed geography, radius {:.0} km",
            self.postgis,
            self.seekers,
            self.radius_m / 1000.0
        )
    }

    /// The k best (job seeker id, score) for the offer, best first, ties by id.
    pub async fn shortlist(
        &self,
        offer_id: i64,
        k: usize,
        today: NaiveDate,
    ) -> Result<Vec<(i64, f64)>> {
        let s = &self.scoring;
        let [w1, w2, w3, w4, w5, w6] = s.weights;
        let rows = sqlx::query(SHORTLIST)
            .bind(offer_id)
            .bind(today)
            .bind(self.radius_m)
            .bind(i32::try_from(s.max_delay_days).unwrap_or(i32::MAX))
            .bind(s.distance_half_km)
            .bind(i64::try_from(k).unwrap_or(i64::MAX))
            .bind(s.same_code)
            .bind(s.same_code_other_title)
            .bind(s.same_domain)
            .bind(w1)
            .bind(w2)
            .bind(w3)
            .bind(w4)
            .bind(w5)
            .bind(w6)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get::<i64, _>("id")?, r.try_get::<f64, _>("score")?)))
            .collect()
    }
}

/// Whether two rankings agree: the same length, scores equal within 1e-9 position by
/// position, and the same people (ties within 1e-9 may come in either order).
pub fn same_ranking(a: &[(i64, f64)], b: &[(i64, f64)]) -> bool {
    if a.len() != b.len() || a.iter().zip(b).any(|(x, y)| (x.1 - y.1).abs() > 1e-9) {
        return false;
    }
    let mut ids_a: Vec<i64> = a.iter().map(|x| x.0).collect();
    let mut ids_b: Vec<i64> = b.iter().map(|x| x.0).collect();
    ids_a.sort_unstable();
    ids_b.sort_unstable();
    ids_a == ids_b
}
