-- Joint information meetings of both networks: organised by a structure for a territory,
-- with the structures invited, who registered and who attended.
CREATE TABLE meetings (
    id                      INTEGER PRIMARY KEY,
    organiser_structure_id  INTEGER NOT NULL REFERENCES structures (id) ON DELETE RESTRICT,
    theme                   TEXT NOT NULL CHECK (length(theme) BETWEEN 3 AND 200),
    starts_at               TEXT NOT NULL,
    place                   TEXT,
    online_link             TEXT,
    territory               TEXT NOT NULL CHECK (length(territory) BETWEEN 2 AND 3),
    created_by_user_id      INTEGER REFERENCES users (id) ON DELETE RESTRICT,
    created_at              TEXT NOT NULL,
    CHECK (place IS NOT NULL OR online_link IS NOT NULL)
) STRICT;
CREATE INDEX meetings_starts_at ON meetings (starts_at);

CREATE TABLE meeting_invitations (
    meeting_id    INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    structure_id  INTEGER NOT NULL REFERENCES structures (id) ON DELETE RESTRICT,
    PRIMARY KEY (meeting_id, structure_id)
) STRICT;
CREATE INDEX meeting_invitations_structure ON meeting_invitations (structure_id);

CREATE TABLE meeting_registrations (
    meeting_id     INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    structure_id   INTEGER NOT NULL REFERENCES structures (id) ON DELETE RESTRICT,
    registered_at  TEXT NOT NULL,
    attended       INTEGER CHECK (attended IS NULL OR attended IN (0, 1)),
    PRIMARY KEY (meeting_id, user_id)
) STRICT;
