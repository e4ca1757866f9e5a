-- Co-organised recruitment actions (issue 18, point 2): led by a France Travail agency with
-- agencies, about offers and occupations, in a place or online; each a gathering for its seats.
CREATE TABLE actions (
    id                  INTEGER PRIMARY KEY,
    kind                TEXT NOT NULL CHECK (kind IN ('job_dating', 'forum', 'mrs', 'company_visit',
                            'occupation_discovery', 'workshop', 'collective_information')),
    title               TEXT NOT NULL CHECK (length(title) BETWEEN 3 AND 200),
    description         TEXT NOT NULL CHECK (length(description) <= 4000),
    lead_structure_id   INTEGER NOT NULL REFERENCES structures (id) ON DELETE RESTRICT,
    gathering_id        INTEGER NOT NULL UNIQUE REFERENCES gatherings (id) ON DELETE RESTRICT,
    commune_code        TEXT CHECK (commune_code IS NULL OR length(commune_code) = 5),
    address             TEXT CHECK (address IS NULL OR length(address) <= 300),
    online_link         TEXT CHECK (online_link IS NULL OR length(online_link) <= 500),
    -- JSON arrays of texts: what a participant needs, and whom the action says it is open to.
    prerequisites       TEXT NOT NULL,
    public_tags         TEXT NOT NULL,
    state               TEXT NOT NULL CHECK (state IN ('draft', 'published', 'held', 'closed', 'cancelled')),
    created_by_user_id  INTEGER REFERENCES users (id) ON DELETE RESTRICT,
    created_at          TEXT NOT NULL,
    changed_at          TEXT NOT NULL,
    CHECK (commune_code IS NOT NULL OR online_link IS NOT NULL)
) STRICT;
CREATE INDEX actions_lead ON actions (lead_structure_id);

CREATE TABLE action_partners (
    action_id     INTEGER NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    structure_id  INTEGER NOT NULL REFERENCES structures (id) ON DELETE RESTRICT,
    PRIMARY KEY (action_id, structure_id)
) STRICT;
CREATE INDEX action_partners_structure ON action_partners (structure_id);

CREATE TABLE action_offers (
    action_id  INTEGER NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    offer_id   INTEGER NOT NULL REFERENCES offers (id) ON DELETE CASCADE,
    PRIMARY KEY (action_id, offer_id)
) STRICT;

CREATE TABLE action_romes (
    action_id  INTEGER NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    rome_code  TEXT NOT NULL CHECK (length(rome_code) = 5),
    PRIMARY KEY (action_id, rome_code)
) STRICT;
