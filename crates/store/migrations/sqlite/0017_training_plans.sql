-- Training before hiring (issue 19, point 4): a plan grown from a referral of a person to an
-- offer, under a scheme, in a session of the catalogue or tailored, followed by both sides to
-- the hire. One open plan per person and offer; its days and hours checked here as in the
-- code; the hire's contract kept for the scheme's obligations and the outcomes.
CREATE TABLE training_plans (
    id                  INTEGER PRIMARY KEY,
    offer_id            INTEGER NOT NULL REFERENCES offers (id) ON DELETE RESTRICT,
    job_seeker_id       INTEGER NOT NULL REFERENCES job_seekers (id) ON DELETE CASCADE,
    referral_id         INTEGER NOT NULL REFERENCES referrals (id) ON DELETE CASCADE,
    offer_structure_id  INTEGER NOT NULL REFERENCES structures (id) ON DELETE RESTRICT,
    person_agency_id    INTEGER NOT NULL REFERENCES structures (id) ON DELETE RESTRICT,
    rome                TEXT NOT NULL CHECK (length(rome) = 5),
    department          TEXT NOT NULL CHECK (length(department) BETWEEN 2 AND 3),
    scheme              TEXT NOT NULL CHECK (scheme IN ('poei', 'afpr', 'poec', 'cdpi', 'cipi',
                            'contrat_pro', 'pmsmp')),
    session_id          INTEGER REFERENCES training_sessions (id) ON DELETE RESTRICT,
    starts_on           TEXT NOT NULL,
    ends_on             TEXT NOT NULL,
    hours_centre        INTEGER NOT NULL CHECK (hours_centre BETWEEN 0 AND 3000),
    hours_enterprise    INTEGER NOT NULL CHECK (hours_enterprise BETWEEN 0 AND 3000),
    proposed_side       TEXT NOT NULL CHECK (proposed_side IN ('offer', 'person')),
    proposed_by_user_id INTEGER REFERENCES users (id) ON DELETE RESTRICT,
    state               TEXT NOT NULL CHECK (state IN ('proposed', 'agreed', 'in_training',
                            'completed', 'hired', 'abandoned')),
    abandon_reason      TEXT,
    hire_contract       TEXT,
    hire_starts_on      TEXT,
    hire_months         INTEGER CHECK (hire_months IS NULL OR hire_months BETWEEN 1 AND 120),
    proposed_at         TEXT NOT NULL,
    changed_at          TEXT NOT NULL,
    CHECK (starts_on <= ends_on),
    CHECK (hours_centre + hours_enterprise BETWEEN 1 AND 3000),
    CHECK ((state = 'abandoned') = (abandon_reason IS NOT NULL)),
    CHECK ((state = 'hired') = (hire_contract IS NOT NULL AND hire_starts_on IS NOT NULL)),
    CHECK (hire_starts_on IS NULL OR hire_starts_on >= starts_on)
) STRICT;
CREATE INDEX training_plans_offer ON training_plans (offer_id);
CREATE INDEX training_plans_person ON training_plans (job_seeker_id);
CREATE INDEX training_plans_offer_side ON training_plans (offer_structure_id);
CREATE INDEX training_plans_person_side ON training_plans (person_agency_id);
-- One open plan per person and offer.
CREATE UNIQUE INDEX training_plans_open_once ON training_plans (offer_id, job_seeker_id)
    WHERE state IN ('proposed', 'agreed', 'in_training', 'completed');
