-- Schema 4: nothing changes behind the history's back, and nobody writes for
-- another office or another user.
--
-- * An ER operator belongs to its office: its row and history carry the office's
--   comarca (a store of one comarca gets it here; a store of several keeps ''
--   for the administrator to assign). Two offices may name an operator alike.
-- * Rows of no comarca ('': the service catalogue every office shares) are read
--   by all, and written only by the store's administrator (the schema's owner,
--   who bypasses row-level security) once several offices share the database.
-- * A history entry is signed by session_user and stamped with its transaction
--   (`txid`), whatever the client sends; its edits must belong to an entry of
--   the same transaction.
-- * Every write to a record table must follow a history entry of the same
--   transaction: a statement-level trigger (one check per statement, not per
--   row, and the statement is refused at once, not at commit) looks for it.
--   A technician's plain SQL UPDATE without its entry is refused; one with an
--   entry is signed by them. The administrator, who owns the tables and could
--   drop the triggers anyway, restores backups without one per record.

-- The store's administrator: a member of the schema's owner (a superuser too).
CREATE FUNCTION ocsae.is_admin() RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT pg_has_role(session_user, n.nspowner, 'USAGE')
    FROM pg_namespace n WHERE n.nspname = 'ocsae'
$$;
GRANT EXECUTE ON FUNCTION ocsae.is_admin() TO ocsae_tech;

ALTER TABLE ocsae.history ADD COLUMN txid bigint;
ALTER TABLE ocsae.history ALTER COLUMN txid SET DEFAULT txid_current();
CREATE INDEX history_txid ON ocsae.history (txid);

-- The author and the transaction are the server's to write.
CREATE FUNCTION ocsae.sign_history() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    NEW.txid := txid_current();
    IF NOT ocsae.is_admin() THEN
        NEW.author := session_user;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER sign BEFORE INSERT ON ocsae.history
    FOR EACH ROW EXECUTE FUNCTION ocsae.sign_history();

-- Edits belong to an entry written in the same transaction.
CREATE FUNCTION ocsae.check_history_edit() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT ocsae.is_admin() AND EXISTS (
        SELECT FROM changed c
        WHERE NOT EXISTS (SELECT FROM ocsae.history h WHERE h.seq = c.seq AND h.txid = txid_current())
    ) THEN
        RAISE EXCEPTION 'ocsae: a history edit must belong to an entry of its own transaction'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER same_transaction AFTER INSERT ON ocsae.history_edit
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION ocsae.check_history_edit();

-- A record table's rows change only after a history entry of the same transaction.
CREATE FUNCTION ocsae.require_history() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF EXISTS (SELECT FROM changed) AND NOT ocsae.is_admin()
       AND NOT EXISTS (SELECT FROM ocsae.history WHERE txid = txid_current()) THEN
        RAISE EXCEPTION 'ocsae: % changed without its history entry', TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'ocsae writes a history entry before the records it changes, in one transaction';
    END IF;
    RETURN NULL;
END
$$;
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['municipality', 'rollout', 'certificate', 'activity', 'operator', 'catalogue'] LOOP
        EXECUTE format('CREATE TRIGGER history_added AFTER INSERT ON ocsae.%I REFERENCING NEW TABLE AS changed '
                       'FOR EACH STATEMENT EXECUTE FUNCTION ocsae.require_history()', t);
        EXECUTE format('CREATE TRIGGER history_updated AFTER UPDATE ON ocsae.%I REFERENCING NEW TABLE AS changed '
                       'FOR EACH STATEMENT EXECUTE FUNCTION ocsae.require_history()', t);
        EXECUTE format('CREATE TRIGGER history_removed AFTER DELETE ON ocsae.%I REFERENCING OLD TABLE AS changed '
                       'FOR EACH STATEMENT EXECUTE FUNCTION ocsae.require_history()', t);
    END LOOP;
END
$$;

-- ER operators: their office's comarca, when the store holds one comarca.
DO $$
DECLARE
    only_one text;
BEGIN
    SELECT min(comarca) INTO only_one FROM ocsae.municipality HAVING count(DISTINCT comarca) = 1;
    IF only_one IS NOT NULL THEN
        UPDATE ocsae.operator SET comarca = only_one WHERE comarca = '';
        UPDATE ocsae.history_edit SET comarca = only_one WHERE kind = 'operator' AND comarca = '';
        UPDATE ocsae.history h SET comarques = (
            SELECT array_agg(DISTINCT e.comarca ORDER BY e.comarca) FROM ocsae.history_edit e WHERE e.seq = h.seq
        ) WHERE '' = ANY (h.comarques) AND EXISTS (SELECT FROM ocsae.history_edit e WHERE e.seq = h.seq);
    END IF;
END
$$;
ALTER TABLE ocsae.operator DROP CONSTRAINT operator_pkey;
ALTER TABLE ocsae.operator ADD PRIMARY KEY (comarca, key);

-- Row-level security (in force with multi_office): '' is read by every office,
-- written by none of their technicians.
DROP POLICY office ON ocsae.history;
CREATE POLICY office_read ON ocsae.history FOR SELECT
    USING (comarques && ((SELECT ocsae.my_comarques()) || ''::text));
CREATE POLICY office_write ON ocsae.history FOR INSERT
    WITH CHECK (cardinality(comarques) > 0 AND comarques <@ (SELECT ocsae.my_comarques()));

DROP POLICY office ON ocsae.history_edit;
CREATE POLICY office_read ON ocsae.history_edit FOR SELECT
    USING (comarca = '' OR comarca = ANY ((SELECT ocsae.my_comarques())::text[]));
CREATE POLICY office_write ON ocsae.history_edit FOR INSERT
    WITH CHECK (comarca = ANY ((SELECT ocsae.my_comarques())::text[]));

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['operator', 'catalogue'] LOOP
        EXECUTE format('CREATE POLICY office_read ON ocsae.%I FOR SELECT '
                       'USING (comarca = '''' OR comarca = ANY ((SELECT ocsae.my_comarques())::text[]))', t);
        EXECUTE format('CREATE POLICY office_insert ON ocsae.%I FOR INSERT '
                       'WITH CHECK (comarca = ANY ((SELECT ocsae.my_comarques())::text[]))', t);
        EXECUTE format('CREATE POLICY office_update ON ocsae.%I FOR UPDATE '
                       'USING (comarca = ANY ((SELECT ocsae.my_comarques())::text[])) '
                       'WITH CHECK (comarca = ANY ((SELECT ocsae.my_comarques())::text[]))', t);
        EXECUTE format('CREATE POLICY office_delete ON ocsae.%I FOR DELETE '
                       'USING (comarca = ANY ((SELECT ocsae.my_comarques())::text[]))', t);
        IF EXISTS (SELECT FROM ocsae.meta WHERE key = 'multi_office' AND value = 'true') THEN
            EXECUTE format('ALTER TABLE ocsae.%I ENABLE ROW LEVEL SECURITY', t);
        END IF;
    END LOOP;
END
$$;
