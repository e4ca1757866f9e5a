-- The structures' self-service (issue 22): a service's status (only a published one is
-- searched and exported), its history (who changed what, when), what a structure's profile
-- says beyond its description and hours, and the networks whose new structures wait for an
-- administrator's approval.
ALTER TABLE services ADD COLUMN status TEXT NOT NULL DEFAULT 'published'
    CHECK (status IN ('published', 'pending', 'suspended', 'refused', 'archived'));
CREATE INDEX services_status ON services (status);
CREATE TABLE service_changes (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    service_id  BIGINT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    action      TEXT NOT NULL CHECK (action IN ('created', 'updated', 'confirmed', 'suspended',
                                                'resumed', 'approved', 'refused', 'archived')),
    user_id     BIGINT REFERENCES users (id) ON DELETE SET NULL,
    fields      JSONB NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(fields) = 'array'),
    at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX service_changes_service ON service_changes (service_id, id);
ALTER TABLE structure_profiles ADD COLUMN accessibility TEXT;
ALTER TABLE structure_profiles ADD COLUMN networks JSONB NOT NULL DEFAULT '[]'
    CHECK (jsonb_typeof(networks) = 'array');
CREATE TABLE directory_moderation (
    kind   TEXT PRIMARY KEY,
    since  TIMESTAMPTZ NOT NULL
);
