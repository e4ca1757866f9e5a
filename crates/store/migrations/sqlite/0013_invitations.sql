-- Invitations to co-organised actions (issue 18, point 3): drawn by the engine over an
-- action's offers, one per person and action, relayed and answered through the person's
-- France Travail agency; an accepted one holds the person's registration. No status of the
-- person is kept here.
CREATE TABLE action_invitations (
    id                  INTEGER PRIMARY KEY,
    action_id           INTEGER NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    job_seeker_id       INTEGER NOT NULL REFERENCES job_seekers (id) ON DELETE CASCADE,
    offer_id            INTEGER REFERENCES offers (id) ON DELETE SET NULL,
    agency_structure_id INTEGER NOT NULL REFERENCES structures (id) ON DELETE RESTRICT,
    state               TEXT NOT NULL CHECK (state IN ('proposed', 'relayed', 'accepted',
                            'declined', 'expired', 'cancelled')),
    deadline            TEXT NOT NULL,
    registration_id     INTEGER REFERENCES gathering_registrations (id) ON DELETE SET NULL,
    created_by_user_id  INTEGER REFERENCES users (id) ON DELETE RESTRICT,
    created_at          TEXT NOT NULL,
    changed_at          TEXT NOT NULL,
    CONSTRAINT action_invitations_once UNIQUE (action_id, job_seeker_id),
    CHECK (state <> 'accepted' OR registration_id IS NOT NULL)
) STRICT;
-- The invitations a person received in a period (the campaign's cap), an agency's to answer.
CREATE INDEX action_invitations_person ON action_invitations (job_seeker_id, created_at);
CREATE INDEX action_invitations_agency ON action_invitations (agency_structure_id, state);
