-- Training catalogues (issue 19, point 1): one row per session of an LHEO catalogue, flattened
-- with what its action and formation say of it, keyed by the catalogue's own numbers so that
-- importing the same file again changes nothing. The whole record is kept as JSON; the columns
-- beside it are what searches and the reconversion paths filter on.
CREATE TABLE training_sessions (
    id            INTEGER PRIMARY KEY,
    formation_ref TEXT NOT NULL CHECK (length(formation_ref) BETWEEN 1 AND 100),
    action_ref    TEXT NOT NULL CHECK (length(action_ref) BETWEEN 1 AND 100),
    session_ref   TEXT NOT NULL CHECK (length(session_ref) BETWEEN 1 AND 100),
    title         TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 400),
    record        TEXT NOT NULL CHECK (json_valid(record)),
    content_hash  TEXT NOT NULL,
    commune       TEXT CHECK (commune IS NULL OR length(commune) = 5),
    latitude      REAL CHECK (latitude IS NULL OR latitude BETWEEN -90 AND 90),
    longitude     REAL CHECK (longitude IS NULL OR longitude BETWEEN -180 AND 180),
    -- The first and last days the session may run (NULL: unknown, or no end).
    starts_on     TEXT,
    ends_on       TEXT,
    hours_total   INTEGER CHECK (hours_total IS NULL OR hours_total BETWEEN 0 AND 100000),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    UNIQUE (formation_ref, action_ref, session_ref),
    CHECK (starts_on IS NULL OR ends_on IS NULL OR starts_on <= ends_on)
) STRICT;
CREATE INDEX training_sessions_starts ON training_sessions (starts_on);

-- The occupations (ROME 4.0) each session leads to.
CREATE TABLE training_session_romes (
    session_id INTEGER NOT NULL REFERENCES training_sessions (id) ON DELETE CASCADE,
    rome       TEXT NOT NULL CHECK (length(rome) = 5),
    PRIMARY KEY (session_id, rome)
) STRICT;
CREATE INDEX training_session_romes_rome ON training_session_romes (rome, session_id);
