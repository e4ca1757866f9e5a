-- What changed about a job seeker that every instance's engine must take in at once (consent
-- given, narrowed or withdrawn; disclosures): written in the transaction of the change, read
-- in order by each instance (ARCHITECTURE.md, "Changes across instances"). On SQLite, write
-- transactions are serialised, so ids are assigned in commit order; AUTOINCREMENT never
-- reuses one.
CREATE TABLE job_seeker_changes (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    job_seeker_id  INTEGER NOT NULL REFERENCES job_seekers (id) ON DELETE CASCADE,
    changed_at     TEXT NOT NULL
) STRICT;
CREATE INDEX job_seeker_changes_at ON job_seeker_changes (changed_at);
