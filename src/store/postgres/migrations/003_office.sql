-- Schema 3: the office's ER operators and the AOC's service catalogue as records
-- (`catalogue`; the `service` table of schema 1 stays as it was), keyed by text
-- (an operator's name, a service's id). Neither belongs to a council: their
-- comarca is '' and every office sees them, and the history's policies let
-- entries of no council through. Requests and rollout cells gained fields in
-- their JSON, which older records read without (`#[serde(default)]`).
CREATE TABLE IF NOT EXISTS ocsae.operator (
    key text COLLATE "C" PRIMARY KEY,
    comarca text NOT NULL,
    record jsonb NOT NULL
);
CREATE TABLE IF NOT EXISTS ocsae.catalogue (
    key text COLLATE "C" PRIMARY KEY,
    comarca text NOT NULL,
    record jsonb NOT NULL
);

DROP POLICY office ON ocsae.history_edit;
CREATE POLICY office ON ocsae.history_edit
    USING (comarca = '' OR comarca = ANY ((SELECT ocsae.my_comarques())::text[]))
    WITH CHECK (comarca = '' OR comarca = ANY ((SELECT ocsae.my_comarques())::text[]));
DROP POLICY office ON ocsae.history;
CREATE POLICY office ON ocsae.history
    USING (comarques && ((SELECT ocsae.my_comarques()) || ''::text))
    WITH CHECK (comarques <@ ((SELECT ocsae.my_comarques()) || ''::text));

GRANT SELECT, INSERT, UPDATE, DELETE ON ocsae.operator, ocsae.catalogue TO ocsae_tech;
