-- The service: sign-in sessions, the audit trail's hash chain, and the referral expiry scan.

-- Each audit event carries the hash of the one before it and its own hash over both (see
-- model::audit): changing, removing or reordering a row breaks the chain. Events written
-- before this migration have no hash; the chain starts at the first that has one.
ALTER TABLE audit_events ADD COLUMN prev_hash TEXT CHECK (prev_hash IS NULL OR length(prev_hash) = 64);
ALTER TABLE audit_events ADD COLUMN hash TEXT CHECK (hash IS NULL OR length(hash) = 64);
CREATE UNIQUE INDEX audit_events_hash ON audit_events (hash);

-- A browser session: the cookie's SHA-256 (the cookie itself is never stored) and the
-- session's anti-forgery token, which forms and scripts send back.
CREATE TABLE sessions (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token  TEXT NOT NULL CHECK (length(csrf_token) >= 32),
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
) STRICT;
CREATE INDEX sessions_user ON sessions (user_id);

CREATE INDEX referrals_state_updated ON referrals (state, updated_at);
CREATE INDEX referrals_job_seeker ON referrals (job_seeker_id);
CREATE INDEX offers_structure ON offers (structure_id);
