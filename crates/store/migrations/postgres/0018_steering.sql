-- The steering measures (issue 20): a referral's move is counted in its offer's department
-- and, for the priority publics' shares, by its person's statuses (a duo in its person's department). The same narrow indexes as
-- on SQLite (PostgreSQL may read them only, index-only scans, when it joins by id).
CREATE INDEX offers_place ON offers (id, commune_code);
CREATE INDEX job_seekers_priorities ON job_seekers (id, commune_code, rqth, long_term, rsa, qpv, senior, young_unqualified);
