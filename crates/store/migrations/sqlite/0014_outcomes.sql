-- What co-organised actions led to for their participants (issue 18, point 4): an interview,
-- a hire (its contract and length), an entry into training, an immersion; one of each kind
-- per person and action, recorded by the organisers up to ninety days after the action.
CREATE TABLE action_outcomes (
    id                  INTEGER PRIMARY KEY,
    action_id           INTEGER NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    job_seeker_id       INTEGER NOT NULL REFERENCES job_seekers (id) ON DELETE CASCADE,
    kind                TEXT NOT NULL CHECK (kind IN ('interview', 'hire', 'training', 'immersion')),
    offer_id            INTEGER REFERENCES offers (id) ON DELETE SET NULL,
    contract_type       TEXT CHECK (contract_type IS NULL OR length(contract_type) = 3),
    contract_months     INTEGER CHECK (contract_months IS NULL OR contract_months BETWEEN 1 AND 120),
    happened_on         TEXT NOT NULL,
    recorded_by_user_id INTEGER REFERENCES users (id) ON DELETE RESTRICT,
    recorded_at         TEXT NOT NULL,
    CONSTRAINT action_outcomes_once UNIQUE (action_id, job_seeker_id, kind),
    CHECK (kind = 'hire' OR (contract_type IS NULL AND contract_months IS NULL))
) STRICT;
