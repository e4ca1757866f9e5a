-- Shared evaluations (issue 21): what a structure found out about a person, shared with the
-- other structures only for the kinds the person agreed to share. `proven_skills` is what the
-- engine reads: the skills (OGR codes, with the day they stop holding) that the person's
-- shared evaluations prove, rewritten in the transaction of every change to either.
CREATE TABLE evaluations (
    id                   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_seeker_id        BIGINT NOT NULL REFERENCES job_seekers (id) ON DELETE CASCADE,
    kind                 TEXT NOT NULL CHECK (kind IN ('mrs', 'caces', 'language', 'skills_assessment')),
    subject              TEXT NOT NULL,
    result               TEXT NOT NULL,
    evaluated_on         DATE NOT NULL,
    valid_until          DATE,
    issuer               TEXT NOT NULL,
    structure_id         BIGINT NOT NULL REFERENCES structures (id),
    recorded_by_user_id  BIGINT REFERENCES users (id) ON DELETE SET NULL,
    recorded_at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX evaluations_job_seeker ON evaluations (job_seeker_id, id);
ALTER TABLE job_seekers ADD COLUMN shared_evaluations JSONB NOT NULL DEFAULT '[]'
    CHECK (jsonb_typeof(shared_evaluations) = 'array');
ALTER TABLE job_seekers ADD COLUMN proven_skills JSONB NOT NULL DEFAULT '[]'
    CHECK (jsonb_typeof(proven_skills) = 'array');
ALTER TABLE consent_events ADD COLUMN shared_evaluations JSONB NOT NULL DEFAULT '[]'
    CHECK (jsonb_typeof(shared_evaluations) = 'array');
