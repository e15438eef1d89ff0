-- Schema 2: the support log (calls, e-mails, visits, remote sessions, trainings).
-- A training of several councils has no council of its own (`ine` null); its
-- comarca is its first council's.
CREATE TABLE ocsae.activity (
    id bigint PRIMARY KEY,
    ine integer,
    comarca text NOT NULL,
    record jsonb NOT NULL
);
CREATE INDEX activity_comarca ON ocsae.activity (comarca);

-- Activity ids, apart from the requests'; never reused, even after an undo.
CREATE SEQUENCE ocsae.activity_id;

CREATE POLICY office ON ocsae.activity
    USING (comarca = ANY ((SELECT ocsae.my_comarques())::text[]))
    WITH CHECK (comarca = ANY ((SELECT ocsae.my_comarques())::text[]));

-- A database already shared by several offices keeps each to its own log.
DO $$
BEGIN
    IF EXISTS (SELECT FROM ocsae.meta WHERE key = 'multi_office' AND value = 'true') THEN
        ALTER TABLE ocsae.activity ENABLE ROW LEVEL SECURITY;
    END IF;
END
$$;

GRANT SELECT, INSERT, UPDATE, DELETE ON ocsae.activity TO ocsae_tech;
GRANT USAGE, SELECT ON SEQUENCE ocsae.activity_id TO ocsae_tech;
