-- The person's own space: a job seeker signs in with a one-time pass (a link sent to their
-- e-mail, or a code their advisor gives them), then holds a session of their own. Only the
-- SHA-256 of a pass or a session's cookie is stored; a pass is used once.
CREATE TABLE person_passes (
    id                 INTEGER PRIMARY KEY,
    token_hash         TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
    job_seeker_id      INTEGER NOT NULL REFERENCES job_seekers (id) ON DELETE CASCADE,
    kind               TEXT NOT NULL CHECK (kind IN ('link', 'code')),
    issued_by_user_id  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at         TEXT NOT NULL,
    expires_at         TEXT NOT NULL,
    used_at            TEXT
) STRICT;
CREATE INDEX person_passes_job_seeker ON person_passes (job_seeker_id);
CREATE INDEX person_passes_expires ON person_passes (expires_at);

CREATE TABLE person_sessions (
    id             INTEGER PRIMARY KEY,
    token_hash     TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
    job_seeker_id  INTEGER NOT NULL REFERENCES job_seekers (id) ON DELETE CASCADE,
    csrf_token     TEXT NOT NULL CHECK (length(csrf_token) >= 32),
    created_at     TEXT NOT NULL,
    expires_at     TEXT NOT NULL
) STRICT;
CREATE INDEX person_sessions_job_seeker ON person_sessions (job_seeker_id);
CREATE INDEX person_sessions_expires ON person_sessions (expires_at);

CREATE INDEX job_seekers_email ON job_seekers (lower(email));
