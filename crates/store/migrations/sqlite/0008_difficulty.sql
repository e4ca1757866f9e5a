-- Hard-to-fill offers (issue 17): an offer's wage as a comparable monthly gross range read from
-- its label, why a cancelled offer was cancelled (lack of candidates, or the need went away),
-- and the difficulty models trained on the history, each kept with its span and metrics.
ALTER TABLE offers ADD COLUMN wage_min REAL CHECK (wage_min > 0);
ALTER TABLE offers ADD COLUMN wage_max REAL CHECK (wage_max >= wage_min);
ALTER TABLE offers ADD COLUMN close_reason TEXT
    CHECK (close_reason IS NULL
            OR (close_reason IN ('lack_of_candidates', 'need_withdrawn') AND status = 'cancelled'));
CREATE INDEX offers_published ON offers (published_at);

CREATE TABLE difficulty_models (
    id           INTEGER PRIMARY KEY,
    trained_at   TEXT NOT NULL,
    span_from    TEXT NOT NULL,
    span_to      TEXT NOT NULL,
    observations INTEGER NOT NULL CHECK (observations >= 0),
    model        TEXT NOT NULL CHECK (json_valid(model)),
    metrics      TEXT NOT NULL CHECK (json_valid(metrics))
);
