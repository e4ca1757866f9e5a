-- Retention and erasure (model::retention): a person anonymised keeps the row the steering
-- figures count (department, statuses, days) with neither identity nor contact; a closed
-- referral anonymised keeps its moves without their notes; erasure requests are filed by the
-- person or their advisor and processed by an administrator, refused with what blocks them.
ALTER TABLE job_seekers ADD COLUMN anonymised_at TEXT;
ALTER TABLE referrals ADD COLUMN anonymised_at TEXT;
CREATE INDEX referrals_retention ON referrals (state, updated_at) WHERE anonymised_at IS NULL;

CREATE TABLE erasure_requests (
    id                    INTEGER PRIMARY KEY,
    job_seeker_id         INTEGER NOT NULL REFERENCES job_seekers (id) ON DELETE RESTRICT,
    requested_by          TEXT NOT NULL CHECK (requested_by IN ('person', 'advisor')),
    requested_by_user_id  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    requested_at          TEXT NOT NULL,
    state                 TEXT NOT NULL CHECK (state IN ('requested', 'done', 'refused')),
    -- What blocked a refused request (model::retention::ErasureBlocker), as JSON.
    blockers              TEXT NOT NULL DEFAULT '[]'
                          CHECK (json_valid(blockers) AND json_type(blockers) = 'array'),
    processed_at          TEXT,
    processed_by_user_id  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    CHECK ((state = 'requested') = (processed_at IS NULL)),
    CHECK (state = 'refused' OR blockers = '[]')
) STRICT;
-- One pending request per person.
CREATE UNIQUE INDEX erasure_requests_pending ON erasure_requests (job_seeker_id)
    WHERE state = 'requested';
CREATE INDEX erasure_requests_state ON erasure_requests (state, requested_at);

-- A referral's log stays append-only, except that a note may be cleared (never written).
DROP TRIGGER referral_transitions_no_update;
CREATE TRIGGER referral_transitions_no_update BEFORE UPDATE OF id, referral_id, from_state,
    to_state, by_user_id, at ON referral_transitions
BEGIN
    SELECT RAISE(ABORT, 'referral_transitions is append-only');
END;
CREATE TRIGGER referral_transitions_note_cleared_only BEFORE UPDATE OF note ON referral_transitions
    WHEN NEW.note IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'referral_transitions is append-only');
END;
