-- A structure's people managed by the structure: invitations to a seat, sent by e-mail and
-- accepted by setting a password (only the SHA-256 of the link's token is stored, an
-- invitation is accepted once), a seat suspended without being removed, and each account's
-- last sign-in.
ALTER TABLE users ADD COLUMN last_sign_in_at TEXT;
ALTER TABLE memberships ADD COLUMN suspended_at TEXT;

CREATE TABLE staff_invitations (
    id                  INTEGER PRIMARY KEY,
    structure_id        INTEGER NOT NULL REFERENCES structures (id) ON DELETE RESTRICT,
    role                TEXT NOT NULL CHECK (role IN ('advisor', 'recruiter', 'agency_manager',
                                                      'partner', 'steering', 'admin')),
    email               TEXT NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    display_name        TEXT NOT NULL CHECK (length(trim(display_name)) BETWEEN 1 AND 100),
    token_hash          TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
    invited_by_user_id  INTEGER REFERENCES users (id) ON DELETE RESTRICT,
    created_at          TEXT NOT NULL,
    expires_at          TEXT NOT NULL,
    accepted_at         TEXT,
    accepted_user_id    INTEGER REFERENCES users (id) ON DELETE RESTRICT,
    revoked_at          TEXT,
    CHECK ((accepted_at IS NULL) = (accepted_user_id IS NULL)),
    CHECK (accepted_at IS NULL OR revoked_at IS NULL),
    CHECK (expires_at > created_at)
) STRICT;
-- One pending invitation per structure and address: a new one replaces it.
CREATE UNIQUE INDEX staff_invitations_pending ON staff_invitations (structure_id, lower(email))
    WHERE accepted_at IS NULL AND revoked_at IS NULL;
