-- Local tension of the whole region (issue 17, point 2): the active job seekers by commune and
-- commute limit are read from this index alone, in its order, instead of from every person's
-- row (the table holds their skills and experience too), then joined with their targets.
CREATE INDEX job_seekers_tension ON job_seekers (status, commune_code, commute_limit_km);
