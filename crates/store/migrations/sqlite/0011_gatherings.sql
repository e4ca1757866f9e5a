-- Gatherings (issue 18, point 1): one session mechanism for the joint information meetings and
-- the co-organised recruitment actions: a time, a capacity per modality, registrations with a
-- waiting list, attendance recorded once it is over. And the outbox of the messages about them.
CREATE TABLE gatherings (
    id                    INTEGER PRIMARY KEY,
    starts_at             TEXT NOT NULL,
    ends_at               TEXT NOT NULL,
    capacity_on_site      INTEGER NOT NULL CHECK (capacity_on_site BETWEEN 0 AND 100000),
    capacity_remote       INTEGER NOT NULL CHECK (capacity_remote BETWEEN 0 AND 100000),
    attendance_closed_at  TEXT,
    CHECK (ends_at > starts_at),
    CHECK (capacity_on_site + capacity_remote > 0)
) STRICT;
CREATE INDEX gatherings_ends_at ON gatherings (ends_at);

CREATE TABLE gathering_registrations (
    id             INTEGER PRIMARY KEY,
    gathering_id   INTEGER NOT NULL REFERENCES gatherings (id) ON DELETE CASCADE,
    user_id        INTEGER REFERENCES users (id) ON DELETE RESTRICT,
    job_seeker_id  INTEGER REFERENCES job_seekers (id) ON DELETE RESTRICT,
    structure_id   INTEGER NOT NULL REFERENCES structures (id) ON DELETE RESTRICT,
    modality       TEXT NOT NULL CHECK (modality IN ('on_site', 'remote')),
    seat           TEXT NOT NULL CHECK (seat IN ('registered', 'waiting', 'cancelled')),
    attendance     TEXT CHECK (attendance IN ('present', 'excused', 'absent')),
    registered_at  TEXT NOT NULL,
    -- The order of the waiting list: given under the gathering's lock, in the order the
    -- registrations were written (a clock read before the lock could disagree).
    position       INTEGER NOT NULL CHECK (position > 0),
    changed_at     TEXT NOT NULL,
    reminded_at    TEXT,
    CHECK ((user_id IS NULL) <> (job_seeker_id IS NULL)),
    CHECK (attendance IS NULL OR seat = 'registered')
) STRICT;
CREATE UNIQUE INDEX gathering_registrations_user
    ON gathering_registrations (gathering_id, user_id) WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX gathering_registrations_job_seeker
    ON gathering_registrations (gathering_id, job_seeker_id) WHERE job_seeker_id IS NOT NULL;
CREATE INDEX gathering_registrations_seats
    ON gathering_registrations (gathering_id, modality, seat, position);

-- Every joint meeting becomes a gathering of the same id: two hours long, on site when it has
-- a place (50 seats, or as many as it already has), remote when it has a link (100 seats, or
-- as many); its registrations keep their seats and what was recorded of their attendance.
ALTER TABLE meetings ADD COLUMN gathering_id INTEGER REFERENCES gatherings (id);
INSERT INTO gatherings (id, starts_at, ends_at, capacity_on_site, capacity_remote)
SELECT m.id, m.starts_at, strftime('%Y-%m-%dT%H:%M:%S+00:00', m.starts_at, '+2 hours'),
       CASE WHEN m.place IS NULL THEN 0
            ELSE max(50, (SELECT count(*) FROM meeting_registrations r WHERE r.meeting_id = m.id)) END,
       CASE WHEN m.place IS NOT NULL OR m.online_link IS NULL THEN 0
            ELSE max(100, (SELECT count(*) FROM meeting_registrations r WHERE r.meeting_id = m.id)) END
FROM meetings m;
UPDATE gatherings SET capacity_remote = 100
WHERE id IN (SELECT id FROM meetings WHERE place IS NOT NULL AND online_link IS NOT NULL);
INSERT INTO gathering_registrations (gathering_id, user_id, structure_id, modality, seat,
                                     attendance, registered_at, position, changed_at)
SELECT r.meeting_id, r.user_id, r.structure_id,
       CASE WHEN m.place IS NULL THEN 'remote' ELSE 'on_site' END, 'registered',
       CASE r.attended WHEN 1 THEN 'present' WHEN 0 THEN 'absent' END,
       r.registered_at,
       ROW_NUMBER() OVER (PARTITION BY r.meeting_id ORDER BY r.registered_at, r.user_id),
       r.registered_at
FROM meeting_registrations r JOIN meetings m ON m.id = r.meeting_id;
UPDATE meetings SET gathering_id = id;
DROP TABLE meeting_registrations;

CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    recipient    TEXT NOT NULL CHECK (length(recipient) BETWEEN 3 AND 254),
    subject      TEXT NOT NULL CHECK (length(subject) BETWEEN 1 AND 250),
    body         TEXT NOT NULL,
    calendar     TEXT,
    queued_at    TEXT NOT NULL,
    sent_at      TEXT,
    attempts     INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error   TEXT
) STRICT;
CREATE INDEX outbox_pending ON outbox (sent_at, id);
