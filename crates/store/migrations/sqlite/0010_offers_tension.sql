-- Local tension of the whole region (issue 17, point 2): the offers of a period are read from
-- this index alone, in publication order, instead of from each offer's row (the table holds
-- its description too): every column the count needs is in it. It starts with `published_at`,
-- so it serves the ranges `offers_published` served.
CREATE INDEX offers_tension ON offers (published_at, rome_code, commune_code, hard_to_fill, status, closed_at, close_reason);
DROP INDEX offers_published;
