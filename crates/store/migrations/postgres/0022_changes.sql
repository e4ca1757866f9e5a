-- What changed about a job seeker that every instance's engine must take in at once (consent
-- given, narrowed or withdrawn; disclosures): written in the transaction of the change, read
-- in order by each instance (ARCHITECTURE.md, "Changes across instances"). A writer takes
-- the change log's advisory lock before it takes its id and keeps it until it has committed,
-- so ids are assigned in commit order, as on SQLite.
CREATE TABLE job_seeker_changes (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_seeker_id  BIGINT NOT NULL REFERENCES job_seekers (id) ON DELETE CASCADE,
    changed_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX job_seeker_changes_at ON job_seeker_changes (changed_at);
