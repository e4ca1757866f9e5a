-- The shared directory (data·inclusion v1): what a structure's description adds to the
-- structure record, and the services each structure offers. A service is kept whole as JSON
-- (model::ServiceRecord); the columns beside it are what lookups, freshness and integrity need.
CREATE TABLE structure_profiles (
    structure_id   INTEGER PRIMARY KEY REFERENCES structures (id) ON DELETE CASCADE,
    description    TEXT,
    opening_hours  TEXT,
    updated_on     TEXT NOT NULL CHECK (length(updated_on) = 10),
    updated_at     TEXT NOT NULL
) STRICT;

CREATE TABLE services (
    id                 INTEGER PRIMARY KEY,
    structure_id       INTEGER NOT NULL REFERENCES structures (id) ON DELETE RESTRICT,
    external_id        TEXT NOT NULL CHECK (length(external_id) BETWEEN 1 AND 100),
    name               TEXT NOT NULL CHECK (length(name) BETWEEN 3 AND 150),
    record             TEXT NOT NULL CHECK (json_valid(record)),
    updated_on         TEXT NOT NULL CHECK (length(updated_on) = 10),
    review_every_days  INTEGER NOT NULL CHECK (review_every_days BETWEEN 1 AND 730),
    content_hash       TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    UNIQUE (structure_id, external_id)
) STRICT;
CREATE INDEX services_structure ON services (structure_id);
