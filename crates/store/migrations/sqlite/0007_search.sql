-- Lists searched and sorted in SQL: each person's name and reference, and each structure's
-- name, SIRET and network, folded (case, accents, punctuation: refdata::text::normalise),
-- written with the record; rows written before this migration are filled in by the store's
-- migrate() in Rust.
ALTER TABLE job_seekers ADD COLUMN search_text TEXT;
CREATE INDEX job_seekers_agency_search ON job_seekers (agency_structure_id, search_text);
ALTER TABLE structures ADD COLUMN search_text TEXT;
CREATE INDEX structures_search ON structures (search_text);
-- The rows still to fill, found without a scan at each start (empty once filled).
CREATE INDEX job_seekers_search_missing ON job_seekers (id) WHERE search_text IS NULL;
CREATE INDEX structures_search_missing ON structures (id) WHERE search_text IS NULL;
