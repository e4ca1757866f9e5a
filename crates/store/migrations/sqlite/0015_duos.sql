-- Duos (issue 18, point 5): temp workers who volunteer as mentors, registered by their agency
-- with their consent; duos pairing one of them with a job seeker, coordinated by the person's
-- France Travail agency; their contacts, outcomes and the lottery's draws (the pilot's
-- evaluation). A mentor's places are counted under a lock on the mentor's row; a person is in
-- one open duo at most.
CREATE TABLE mentors (
    id                  INTEGER PRIMARY KEY,
    agency_structure_id INTEGER NOT NULL REFERENCES structures (id) ON DELETE RESTRICT,
    first_name          TEXT NOT NULL CHECK (length(first_name) BETWEEN 1 AND 100),
    last_name           TEXT NOT NULL CHECK (length(last_name) BETWEEN 1 AND 100),
    email               TEXT,
    phone               TEXT,
    commune             TEXT NOT NULL CHECK (length(commune) = 5),
    available_from      TEXT NOT NULL,
    hours_per_month     INTEGER NOT NULL CHECK (hours_per_month BETWEEN 1 AND 80),
    capacity            INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 2),
    consent_on          TEXT NOT NULL,
    created_by_user_id  INTEGER REFERENCES users (id) ON DELETE RESTRICT,
    created_at          TEXT NOT NULL,
    withdrawn_at        TEXT
) STRICT;
CREATE INDEX mentors_agency ON mentors (agency_structure_id);
-- A temp worker volunteers once with an agency (by e-mail address, while volunteering).
CREATE UNIQUE INDEX mentors_email_once ON mentors (agency_structure_id, lower(email))
    WHERE email IS NOT NULL AND withdrawn_at IS NULL;

CREATE TABLE mentor_occupations (
    mentor_id INTEGER NOT NULL REFERENCES mentors (id) ON DELETE CASCADE,
    rome      TEXT NOT NULL CHECK (length(rome) = 5),
    months    INTEGER NOT NULL CHECK (months BETWEEN 1 AND 600),
    PRIMARY KEY (mentor_id, rome)
) STRICT;
CREATE INDEX mentor_occupations_rome ON mentor_occupations (rome);

CREATE TABLE duos (
    id                  INTEGER PRIMARY KEY,
    job_seeker_id       INTEGER NOT NULL REFERENCES job_seekers (id) ON DELETE CASCADE,
    mentor_id           INTEGER NOT NULL REFERENCES mentors (id) ON DELETE RESTRICT,
    rome                TEXT NOT NULL CHECK (length(rome) = 5),
    months              INTEGER NOT NULL CHECK (months BETWEEN 1 AND 9),
    coordinator_id      INTEGER NOT NULL REFERENCES structures (id) ON DELETE RESTRICT,
    mentor_agency_id    INTEGER NOT NULL REFERENCES structures (id) ON DELETE RESTRICT,
    drawn               INTEGER NOT NULL CHECK (drawn IN (0, 1)),
    state               TEXT NOT NULL CHECK (state IN ('proposed', 'mentor_agreed',
                            'seeker_agreed', 'accepted', 'active', 'completed', 'stopped',
                            'declined')),
    proposed_by_user_id INTEGER REFERENCES users (id) ON DELETE RESTRICT,
    proposed_at         TEXT NOT NULL,
    changed_at          TEXT NOT NULL,
    started_on          TEXT,
    ended_on            TEXT,
    stop_reason         TEXT,
    CHECK ((state = 'stopped') = (stop_reason IS NOT NULL)),
    CHECK (state NOT IN ('active', 'completed') OR started_on IS NOT NULL),
    CHECK (state NOT IN ('completed', 'stopped') OR ended_on IS NOT NULL)
) STRICT;
CREATE INDEX duos_mentor ON duos (mentor_id, state);
CREATE INDEX duos_coordinator ON duos (coordinator_id, state);
CREATE INDEX duos_mentor_agency ON duos (mentor_agency_id, state);
-- One open duo per person.
CREATE UNIQUE INDEX duos_open_once ON duos (job_seeker_id)
    WHERE state IN ('proposed', 'mentor_agreed', 'seeker_agreed', 'accepted', 'active');

CREATE TABLE duo_contacts (
    id                INTEGER PRIMARY KEY,
    duo_id            INTEGER NOT NULL REFERENCES duos (id) ON DELETE CASCADE,
    on_day            TEXT NOT NULL,
    minutes           INTEGER NOT NULL CHECK (minutes BETWEEN 5 AND 600),
    kind              TEXT NOT NULL CHECK (kind IN ('call', 'day_alongside', 'workshop')),
    note              TEXT CHECK (note IS NULL OR length(note) <= 2000),
    logged_by_user_id INTEGER REFERENCES users (id) ON DELETE RESTRICT,
    logged_at         TEXT NOT NULL
) STRICT;
CREATE INDEX duo_contacts_duo ON duo_contacts (duo_id, on_day);

CREATE TABLE duo_outcomes (
    duo_id              INTEGER NOT NULL REFERENCES duos (id) ON DELETE CASCADE,
    milestone           TEXT NOT NULL CHECK (milestone IN ('end', 'six_months')),
    kind                TEXT NOT NULL CHECK (kind IN ('job', 'training', 'immersion', 'none')),
    recorded_by_user_id INTEGER REFERENCES users (id) ON DELETE RESTRICT,
    recorded_at         TEXT NOT NULL,
    CONSTRAINT duo_outcomes_once PRIMARY KEY (duo_id, milestone)
) STRICT;

CREATE TABLE duo_draws (
    id                INTEGER PRIMARY KEY,
    job_seeker_id     INTEGER NOT NULL REFERENCES job_seekers (id) ON DELETE CASCADE,
    coordinator_id    INTEGER NOT NULL REFERENCES structures (id) ON DELETE RESTRICT,
    rome              TEXT NOT NULL CHECK (length(rome) = 5),
    won               INTEGER NOT NULL CHECK (won IN (0, 1)),
    duo_id            INTEGER REFERENCES duos (id) ON DELETE SET NULL,
    drawn_by_user_id  INTEGER REFERENCES users (id) ON DELETE RESTRICT,
    drawn_at          TEXT NOT NULL,
    -- A person enters the lottery once: a loser is not redrawn until they win elsewhere.
    CONSTRAINT duo_draws_once UNIQUE (job_seeker_id),
    CHECK (won = 1 OR duo_id IS NULL)
) STRICT;
