-- Shared evaluations (issue 21): what a structure found out about a person, shared with the
-- other structures only for the kinds the person agreed to share. `proven_skills` is what the
-- engine reads: the skills (OGR codes, with the day they stop holding) that the person's
-- shared evaluations prove, rewritten in the transaction of every change to either.
CREATE TABLE evaluations (
    id                   INTEGER PRIMARY KEY,
    job_seeker_id        INTEGER NOT NULL REFERENCES job_seekers (id) ON DELETE CASCADE,
    kind                 TEXT NOT NULL CHECK (kind IN ('mrs', 'caces', 'language', 'skills_assessment')),
    subject              TEXT NOT NULL,
    result               TEXT NOT NULL,
    evaluated_on         TEXT NOT NULL,
    valid_until          TEXT,
    issuer               TEXT NOT NULL,
    structure_id         INTEGER NOT NULL REFERENCES structures (id),
    recorded_by_user_id  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    recorded_at          TEXT NOT NULL
) STRICT;
CREATE INDEX evaluations_job_seeker ON evaluations (job_seeker_id, id);
ALTER TABLE job_seekers ADD COLUMN shared_evaluations TEXT NOT NULL DEFAULT '[]';
ALTER TABLE job_seekers ADD COLUMN proven_skills TEXT NOT NULL DEFAULT '[]';
ALTER TABLE consent_events ADD COLUMN shared_evaluations TEXT NOT NULL DEFAULT '[]';
