-- How many shortlists were made, and how many candidates they showed, per offer owner,
-- department of the offer's workplace and month: the steering committee's activity figures.
-- Counts only, never who was shown. Each instance adds what it served since its last flush.
CREATE TABLE shortlist_tallies (
    structure_id  INTEGER NOT NULL REFERENCES structures (id) ON DELETE RESTRICT,
    department    TEXT NOT NULL CHECK (length(department) BETWEEN 2 AND 3),
    month         TEXT NOT NULL CHECK (length(month) = 7),
    shortlists    INTEGER NOT NULL CHECK (shortlists >= 0),
    candidates    INTEGER NOT NULL CHECK (candidates >= 0),
    PRIMARY KEY (structure_id, department, month)
) STRICT;
