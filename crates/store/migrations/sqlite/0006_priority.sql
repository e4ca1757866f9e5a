-- The agreement's second axis in practice: the priority policy of each territory, kept as
-- history (rows are only added), and each person's consent and disclosures as recorded in
-- Passerelle, kept as history too.
CREATE TABLE priority_policies (
    id               INTEGER PRIMARY KEY,
    scope            TEXT NOT NULL CHECK (scope IN ('region', 'department')),
    code             TEXT NOT NULL CHECK (length(code) BETWEEN 2 AND 3),
    kind             TEXT NOT NULL CHECK (kind IN ('fair', 'floors')),
    -- The rule whole, as JSON (model::policy::PolicyRule).
    rule             TEXT NOT NULL CHECK (json_valid(rule) AND json_extract(rule, '$.kind') = kind),
    effective_from   TEXT NOT NULL CHECK (length(effective_from) = 10),
    note             TEXT CHECK (note IS NULL OR length(note) <= 2000),
    set_by_user_id   INTEGER REFERENCES users (id) ON DELETE RESTRICT,
    set_at           TEXT NOT NULL
) STRICT;
CREATE INDEX priority_policies_territory ON priority_policies (scope, code, effective_from);

CREATE TRIGGER priority_policies_no_update BEFORE UPDATE ON priority_policies
BEGIN
    SELECT RAISE(ABORT, 'priority_policies is append-only');
END;

CREATE TRIGGER priority_policies_no_delete BEFORE DELETE ON priority_policies
BEGIN
    SELECT RAISE(ABORT, 'priority_policies is append-only');
END;

CREATE TABLE consent_events (
    id                   INTEGER PRIMARY KEY,
    job_seeker_id        INTEGER NOT NULL REFERENCES job_seekers (id) ON DELETE CASCADE,
    scope                TEXT CHECK (scope IN ('all_agencies', 'department_agencies')),
    channel              TEXT NOT NULL CHECK (channel IN ('in_person', 'phone', 'email', 'letter', 'online')),
    disclosed            TEXT NOT NULL CHECK (json_valid(disclosed) AND json_type(disclosed) = 'array'),
    recorded_by_user_id  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    recorded_at          TEXT NOT NULL
) STRICT;
CREATE INDEX consent_events_job_seeker ON consent_events (job_seeker_id, id);

CREATE TRIGGER consent_events_no_update BEFORE UPDATE OF job_seeker_id, scope, channel, disclosed,
    recorded_at ON consent_events
BEGIN
    SELECT RAISE(ABORT, 'consent_events is append-only');
END;

-- Once consent was recorded in Passerelle, imports no longer overwrite it nor the disclosures.
ALTER TABLE job_seekers ADD COLUMN consent_recorded_at TEXT;

-- Shortlists served: how many candidates held each priority status (counts only).
ALTER TABLE shortlist_tallies ADD COLUMN rqth INTEGER NOT NULL DEFAULT 0 CHECK (rqth >= 0);
ALTER TABLE shortlist_tallies ADD COLUMN long_term INTEGER NOT NULL DEFAULT 0 CHECK (long_term >= 0);
ALTER TABLE shortlist_tallies ADD COLUMN rsa INTEGER NOT NULL DEFAULT 0 CHECK (rsa >= 0);
ALTER TABLE shortlist_tallies ADD COLUMN qpv INTEGER NOT NULL DEFAULT 0 CHECK (qpv >= 0);
ALTER TABLE shortlist_tallies ADD COLUMN senior INTEGER NOT NULL DEFAULT 0 CHECK (senior >= 0);
ALTER TABLE shortlist_tallies ADD COLUMN young_unqualified INTEGER NOT NULL DEFAULT 0 CHECK (young_unqualified >= 0);
