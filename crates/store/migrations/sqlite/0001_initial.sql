-- Passerelle, SQLite schema. Invariants live here as well as in code: foreign keys, unique
-- natural keys, CHECK constraints, and triggers that keep the audit trail append-only.
-- Timestamps are RFC 3339 UTC text; dates are YYYY-MM-DD text; booleans are 0/1.

CREATE TABLE structures (
    id            INTEGER PRIMARY KEY,
    siret         TEXT NOT NULL UNIQUE CHECK (length(siret) = 14 AND siret NOT GLOB '*[^0-9]*'),
    kind          TEXT NOT NULL CHECK (kind IN ('france_travail', 'agence_emploi', 'cap_emploi',
                                                'mission_locale', 'akto', 'fastt', 'other')),
    name          TEXT NOT NULL CHECK (length(trim(name)) > 0),
    network       TEXT,
    address       TEXT,
    postcode      TEXT CHECK (postcode IS NULL OR length(postcode) = 5),
    commune_code  TEXT NOT NULL CHECK (length(commune_code) = 5),
    latitude      REAL CHECK (latitude BETWEEN -90 AND 90),
    longitude     REAL CHECK (longitude BETWEEN -180 AND 180),
    email         TEXT,
    phone         TEXT,
    website       TEXT,
    status        TEXT NOT NULL CHECK (status IN ('active', 'closed')),
    content_hash  TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    CHECK ((latitude IS NULL) = (longitude IS NULL))
) STRICT;

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    email          TEXT NOT NULL,
    display_name   TEXT NOT NULL CHECK (length(trim(display_name)) > 0),
    password_hash  TEXT,
    status         TEXT NOT NULL CHECK (status IN ('active', 'disabled')),
    created_at     TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX users_email ON users (lower(email));

CREATE TABLE memberships (
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    structure_id  INTEGER NOT NULL REFERENCES structures (id) ON DELETE RESTRICT,
    role          TEXT NOT NULL CHECK (role IN ('advisor', 'recruiter', 'agency_manager', 'partner',
                                                'steering', 'admin')),
    created_at    TEXT NOT NULL,
    PRIMARY KEY (user_id, structure_id)
) STRICT;
CREATE INDEX memberships_structure ON memberships (structure_id);

CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name          TEXT NOT NULL CHECK (length(trim(name)) > 0),
    token_hash    TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
    created_at    TEXT NOT NULL,
    expires_at    TEXT,
    revoked_at    TEXT,
    last_used_at  TEXT
) STRICT;

CREATE TABLE job_seekers (
    id                    INTEGER PRIMARY KEY,
    external_id           TEXT NOT NULL UNIQUE CHECK (length(external_id) BETWEEN 1 AND 40),
    pseudonym             TEXT NOT NULL UNIQUE DEFAULT ('DE-' || upper(hex(randomblob(8)))),
    first_name            TEXT NOT NULL CHECK (length(first_name) > 0),
    last_name             TEXT NOT NULL CHECK (length(last_name) > 0),
    email                 TEXT,
    phone                 TEXT,
    birth_date            TEXT,
    commune_code          TEXT NOT NULL CHECK (length(commune_code) = 5),
    available_from        TEXT,
    commute_limit_km      INTEGER NOT NULL CHECK (commute_limit_km BETWEEN 0 AND 300),
    skills                TEXT NOT NULL CHECK (json_valid(skills) AND json_type(skills) = 'array'),
    qualifications        TEXT NOT NULL CHECK (json_valid(qualifications) AND json_type(qualifications) = 'array'),
    languages             TEXT NOT NULL CHECK (json_valid(languages) AND json_type(languages) = 'array'),
    experience            TEXT NOT NULL CHECK (json_valid(experience) AND json_type(experience) = 'array'),
    contract_types        TEXT NOT NULL CHECK (json_valid(contract_types) AND json_type(contract_types) = 'array'),
    working_time          TEXT NOT NULL CHECK (working_time IN ('full_time', 'part_time', 'any')),
    -- Priority statuses (sensitive: GDPR art. 9 for RQTH) and the person's choice to disclose
    -- each to agencies; a status not held cannot be disclosed.
    rqth                  INTEGER NOT NULL CHECK (rqth IN (0, 1)),
    rqth_disclosed        INTEGER NOT NULL CHECK (rqth_disclosed IN (0, 1) AND rqth_disclosed <= rqth),
    long_term             INTEGER NOT NULL CHECK (long_term IN (0, 1)),
    long_term_disclosed   INTEGER NOT NULL CHECK (long_term_disclosed IN (0, 1) AND long_term_disclosed <= long_term),
    rsa                   INTEGER NOT NULL CHECK (rsa IN (0, 1)),
    rsa_disclosed         INTEGER NOT NULL CHECK (rsa_disclosed IN (0, 1) AND rsa_disclosed <= rsa),
    qpv                   INTEGER NOT NULL CHECK (qpv IN (0, 1)),
    qpv_disclosed         INTEGER NOT NULL CHECK (qpv_disclosed IN (0, 1) AND qpv_disclosed <= qpv),
    senior                INTEGER NOT NULL CHECK (senior IN (0, 1)),
    senior_disclosed      INTEGER NOT NULL CHECK (senior_disclosed IN (0, 1) AND senior_disclosed <= senior),
    young_unqualified     INTEGER NOT NULL CHECK (young_unqualified IN (0, 1)),
    young_unqualified_disclosed INTEGER NOT NULL CHECK (young_unqualified_disclosed IN (0, 1)
                                                        AND young_unqualified_disclosed <= young_unqualified),
    consent_at            TEXT,
    consent_scope         TEXT CHECK (consent_scope IN ('all_agencies', 'department_agencies')),
    advisor_user_id       INTEGER REFERENCES users (id) ON DELETE SET NULL,
    agency_structure_id   INTEGER NOT NULL REFERENCES structures (id) ON DELETE RESTRICT,
    registered_on         TEXT NOT NULL,
    status                TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'left')),
    content_hash          TEXT NOT NULL,
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL,
    CHECK ((consent_at IS NULL) = (consent_scope IS NULL))
) STRICT;
CREATE INDEX job_seekers_agency ON job_seekers (agency_structure_id);
CREATE INDEX job_seekers_advisor ON job_seekers (advisor_user_id);

CREATE TABLE job_seeker_targets (
    job_seeker_id  INTEGER NOT NULL REFERENCES job_seekers (id) ON DELETE CASCADE,
    rank           INTEGER NOT NULL CHECK (rank BETWEEN 1 AND 3),
    rome_code      TEXT NOT NULL CHECK (length(rome_code) = 5),
    job_title_ogr  TEXT,
    PRIMARY KEY (job_seeker_id, rank),
    UNIQUE (job_seeker_id, rome_code)
) STRICT;
CREATE INDEX job_seeker_targets_rome ON job_seeker_targets (rome_code);

CREATE TABLE offers (
    id                   INTEGER PRIMARY KEY,
    structure_id         INTEGER NOT NULL REFERENCES structures (id) ON DELETE RESTRICT,
    external_id          TEXT NOT NULL CHECK (length(external_id) BETWEEN 1 AND 40),
    title                TEXT NOT NULL CHECK (length(trim(title)) > 0),
    description          TEXT NOT NULL,
    rome_code            TEXT NOT NULL CHECK (length(rome_code) = 5),
    job_title            TEXT,
    job_title_ogr        TEXT,
    workplace_label      TEXT,
    commune_code         TEXT NOT NULL CHECK (length(commune_code) = 5),
    postcode             TEXT CHECK (postcode IS NULL OR length(postcode) = 5),
    latitude             REAL CHECK (latitude BETWEEN -90 AND 90),
    longitude            REAL CHECK (longitude BETWEEN -180 AND 180),
    contract_type        TEXT NOT NULL CHECK (contract_type IN ('CDI', 'CDD', 'MIS', 'SAI', 'DIN', 'CCE',
                                                              'DDI', 'DDT', 'FRA', 'LIB', 'REP', 'TTI')),
    contract_nature      TEXT,
    duration_label       TEXT,
    duration_days        INTEGER CHECK (duration_days > 0),
    hours_label          TEXT,
    weekly_hours         REAL CHECK (weekly_hours > 0 AND weekly_hours <= 60),
    working_time         TEXT CHECK (working_time IN ('full_time', 'part_time')),
    salary_label         TEXT,
    qualification_code   TEXT,
    sector_code          TEXT,
    experience_required  TEXT NOT NULL CHECK (experience_required IN ('D', 'S', 'E')),
    experience_months    INTEGER CHECK (experience_months >= 0),
    licences             TEXT NOT NULL CHECK (json_valid(licences) AND json_type(licences) = 'array'),
    skills               TEXT NOT NULL CHECK (json_valid(skills) AND json_type(skills) = 'array'),
    positions            INTEGER NOT NULL CHECK (positions >= 1),
    accessible_th        INTEGER NOT NULL CHECK (accessible_th IN (0, 1)),
    hard_to_fill         INTEGER NOT NULL CHECK (hard_to_fill IN (0, 1)),
    starts_on            TEXT,
    status               TEXT NOT NULL CHECK (status IN ('open', 'filled', 'cancelled', 'expired')),
    published_at         TEXT NOT NULL,
    source_updated_at    TEXT,
    closed_at            TEXT,
    content_hash         TEXT NOT NULL,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    UNIQUE (structure_id, external_id),
    CHECK ((status = 'open') = (closed_at IS NULL)),
    CHECK ((latitude IS NULL) = (longitude IS NULL))
) STRICT;
CREATE INDEX offers_rome ON offers (rome_code);
CREATE INDEX offers_external_id ON offers (external_id);
CREATE INDEX offers_status ON offers (status);

CREATE TABLE referrals (
    id                   INTEGER PRIMARY KEY,
    job_seeker_id        INTEGER NOT NULL REFERENCES job_seekers (id) ON DELETE RESTRICT,
    offer_id             INTEGER NOT NULL REFERENCES offers (id) ON DELETE RESTRICT,
    state                TEXT NOT NULL CHECK (state IN ('proposed', 'accepted', 'declined', 'interview',
                                                        'hired', 'not_hired', 'cancelled', 'expired')),
    proposed_by_user_id  INTEGER REFERENCES users (id) ON DELETE RESTRICT,
    hire_starts_on       TEXT,
    not_hired_reason     TEXT,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    UNIQUE (job_seeker_id, offer_id),
    CHECK (hire_starts_on IS NULL OR state = 'hired'),
    CHECK (not_hired_reason IS NULL OR state = 'not_hired')
) STRICT;
CREATE INDEX referrals_offer ON referrals (offer_id);

CREATE TABLE referral_transitions (
    id           INTEGER PRIMARY KEY,
    referral_id  INTEGER NOT NULL REFERENCES referrals (id) ON DELETE RESTRICT,
    from_state   TEXT,
    to_state     TEXT NOT NULL,
    by_user_id   INTEGER REFERENCES users (id) ON DELETE RESTRICT,
    note         TEXT,
    at           TEXT NOT NULL
) STRICT;
CREATE INDEX referral_transitions_referral ON referral_transitions (referral_id);

CREATE TABLE audit_events (
    id             INTEGER PRIMARY KEY,
    at             TEXT NOT NULL,
    actor_user_id  INTEGER REFERENCES users (id) ON DELETE RESTRICT,
    action         TEXT NOT NULL CHECK (length(action) > 0),
    subject_kind   TEXT NOT NULL,
    subject_id     INTEGER,
    detail         TEXT NOT NULL CHECK (json_valid(detail))
) STRICT;
CREATE INDEX audit_events_subject ON audit_events (subject_kind, subject_id);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;

CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;

CREATE TRIGGER referral_transitions_no_update BEFORE UPDATE ON referral_transitions
BEGIN
    SELECT RAISE(ABORT, 'referral_transitions is append-only');
END;
