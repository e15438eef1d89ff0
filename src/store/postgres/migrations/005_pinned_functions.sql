-- Schema 5: what a technician's hand-written SQL could still bend in schema 4.
--
-- * Every function of the schema runs with `search_path = pg_catalog, pg_temp`
--   and names what it reads in full: a temporary table called `pg_roles` no
--   longer widens `my_comarques()`, and with it every row-level policy.
-- * A history entry's number is the server's: a technician's entry takes the
--   next number of `history_seq` whatever the client sends (no number from the
--   future blocking everyone's next entry or the live feed). Its time is the
--   client's only between the last entry's and the server's clock (no entry
--   dated years back, nor ahead). Entries are numbered under the writers' lock,
--   so those written by hand keep the commit order too.
-- * An undo or redo entry targets an entry of its own author, and a user's undo
--   and redo stacks take only entries of their own.
-- * Once several offices share the store, only the administrator writes the
--   service catalogue, and a service's key is the id its record holds.

CREATE OR REPLACE FUNCTION ocsae.my_comarques() RETURNS text[]
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce(pg_catalog.array_agg(DISTINCT o.comarca), '{}')
    FROM ocsae.office o JOIN pg_catalog.pg_roles r ON r.rolname = o.role
    WHERE pg_catalog.pg_has_role(session_user, r.oid, 'MEMBER')
$$;

CREATE OR REPLACE FUNCTION ocsae.is_admin() RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT pg_catalog.pg_has_role(session_user, n.nspowner, 'USAGE')
    FROM pg_catalog.pg_namespace n WHERE n.nspname = 'ocsae'
$$;

-- The author, the transaction, the number and the time are the server's; the
-- administrator (restoring a backup) keeps those it gives. SECURITY DEFINER:
-- an undo's target is checked even when its entry's office is no longer theirs.
CREATE OR REPLACE FUNCTION ocsae.sign_history() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    last_at timestamptz;
BEGIN
    NEW.txid := pg_catalog.txid_current();
    IF ocsae.is_admin() THEN
        IF NEW.seq IS NULL THEN
            PERFORM pg_catalog.pg_advisory_xact_lock(122472928208130);
            NEW.seq := pg_catalog.nextval('ocsae.history_seq'::pg_catalog.regclass);
        END IF;
        NEW.at := coalesce(NEW.at, pg_catalog.date_trunc('milliseconds', pg_catalog.now()));
        RETURN NEW;
    END IF;
    NEW.author := session_user;
    -- The writers' lock (ocsae's WRITE_LOCK), held to commit, before the number.
    PERFORM pg_catalog.pg_advisory_xact_lock(122472928208130);
    -- The time: the client's (its records carry the same), but never before the
    -- last entry's nor ahead of the server's clock.
    SELECT h.at INTO last_at FROM ocsae.history h ORDER BY h.seq DESC LIMIT 1;
    NEW.seq := pg_catalog.nextval('ocsae.history_seq'::pg_catalog.regclass);
    NEW.at := LEAST(GREATEST(NEW.at, last_at), pg_catalog.date_trunc('milliseconds', pg_catalog.clock_timestamp()));
    IF NEW.kind OPERATOR(pg_catalog.<>) 'do' AND NOT EXISTS (
        SELECT FROM ocsae.history h
        WHERE h.seq OPERATOR(pg_catalog.=) NEW.target AND h.author OPERATOR(pg_catalog.=) session_user
    ) THEN
        RAISE EXCEPTION 'ocsae: an % entry must target an entry of its own author', NEW.kind
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;

-- Only new numbers are checked: stacks brought by `migrate` under another
-- name keep what they held.
CREATE FUNCTION ocsae.check_stacks() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF ocsae.is_admin() THEN
        RETURN NEW;
    END IF;
    IF EXISTS (
        SELECT FROM (
            SELECT pg_catalog.unnest(NEW.undo OPERATOR(pg_catalog.||) NEW.redo) AS seq
            EXCEPT
            SELECT pg_catalog.unnest(CASE WHEN TG_OP = 'UPDATE'
                                          THEN OLD.undo OPERATOR(pg_catalog.||) OLD.redo END)
        ) s
        WHERE NOT EXISTS (
            SELECT FROM ocsae.history h
            WHERE h.seq OPERATOR(pg_catalog.=) s.seq AND h.author OPERATOR(pg_catalog.=) session_user
        )
    ) THEN
        RAISE EXCEPTION 'ocsae: an undo or redo stack holds only its own author''s entries'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER own_entries BEFORE INSERT OR UPDATE ON ocsae.stacks
    FOR EACH ROW EXECUTE FUNCTION ocsae.check_stacks();

CREATE OR REPLACE FUNCTION ocsae.check_history_edit() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT ocsae.is_admin() AND EXISTS (
        SELECT FROM changed c
        WHERE NOT EXISTS (
            SELECT FROM ocsae.history h
            WHERE h.seq OPERATOR(pg_catalog.=) c.seq AND h.txid OPERATOR(pg_catalog.=) pg_catalog.txid_current()
        )
    ) THEN
        RAISE EXCEPTION 'ocsae: a history edit must belong to an entry of its own transaction'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NULL;
END
$$;

-- A record table's rows change only as a history entry of the same transaction
-- says: each row written has an edit of that entry with its kind, its key and
-- its new record as `after`; each row removed (or moved to another key), an edit
-- whose `after` is null. One check per statement (transition tables), not per row.
CREATE OR REPLACE FUNCTION ocsae.require_history() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    entries bigint[];
    kind text := CASE TG_TABLE_NAME WHEN 'catalogue' THEN 'service' ELSE TG_TABLE_NAME END;
    key_of text := CASE TG_TABLE_NAME
        WHEN 'municipality' THEN '(r.ine::text)'
        WHEN 'rollout' THEN '(r.ine::text OPERATOR(pg_catalog.||) ''/'' OPERATOR(pg_catalog.||) r.service)'
        WHEN 'certificate' THEN '(r.id::text)'
        WHEN 'activity' THEN '(r.id::text)'
        ELSE '(r.key)' END;
    unsaid boolean := false;
BEGIN
    IF ocsae.is_admin() THEN
        RETURN NULL;
    END IF;
    SELECT pg_catalog.array_agg(h.seq) INTO entries
    FROM ocsae.history h WHERE h.txid OPERATOR(pg_catalog.=) pg_catalog.txid_current();
    IF entries IS NULL THEN
        EXECUTE format('SELECT EXISTS (SELECT FROM %I)', CASE TG_OP WHEN 'DELETE' THEN 'gone' ELSE 'changed' END)
            INTO unsaid;
        IF unsaid THEN
            RAISE EXCEPTION 'ocsae: % changed without its history entry', TG_TABLE_NAME
                USING ERRCODE = 'insufficient_privilege',
                      HINT = 'ocsae writes a history entry before the records it changes, in one transaction';
        END IF;
        RETURN NULL;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        EXECUTE format(
            'SELECT EXISTS (SELECT FROM changed r WHERE NOT EXISTS ('
            '  SELECT FROM ocsae.history_edit e WHERE e.kind OPERATOR(pg_catalog.=) $1'
            '  AND e.key OPERATOR(pg_catalog.=) %s AND e.seq OPERATOR(pg_catalog.=) ANY ($2)'
            '  AND e.after OPERATOR(pg_catalog.=) r.record))', key_of)
            INTO unsaid USING kind, entries;
    END IF;
    IF NOT unsaid AND TG_OP IN ('DELETE', 'UPDATE') THEN
        EXECUTE format(
            'SELECT EXISTS (SELECT FROM gone r WHERE %s AND NOT EXISTS ('
            '  SELECT FROM ocsae.history_edit e WHERE e.kind OPERATOR(pg_catalog.=) $1'
            '  AND e.key OPERATOR(pg_catalog.=) %s AND e.seq OPERATOR(pg_catalog.=) ANY ($2)'
            '  AND e.after IS NULL))',
            CASE TG_OP WHEN 'UPDATE'
                THEN format('%s OPERATOR(pg_catalog.<>) ALL (SELECT %s FROM changed r)', key_of, key_of)
                ELSE 'true' END,
            key_of)
            INTO unsaid USING kind, entries;
    END IF;
    IF unsaid THEN
        RAISE EXCEPTION 'ocsae: % changed otherwise than its history entry says', TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'each row written needs an edit of the entry with its key and its new record';
    END IF;
    RETURN NULL;
END
$$;
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['municipality', 'rollout', 'certificate', 'activity', 'operator', 'catalogue'] LOOP
        EXECUTE format('DROP TRIGGER history_updated ON ocsae.%I', t);
        EXECUTE format('DROP TRIGGER history_removed ON ocsae.%I', t);
        EXECUTE format('CREATE TRIGGER history_updated AFTER UPDATE ON ocsae.%I '
                       'REFERENCING OLD TABLE AS gone NEW TABLE AS changed '
                       'FOR EACH STATEMENT EXECUTE FUNCTION ocsae.require_history()', t);
        EXECUTE format('CREATE TRIGGER history_removed AFTER DELETE ON ocsae.%I REFERENCING OLD TABLE AS gone '
                       'FOR EACH STATEMENT EXECUTE FUNCTION ocsae.require_history()', t);
    END LOOP;
END
$$;

-- The catalogue: read by every office, written by none of their technicians.
DROP POLICY office_insert ON ocsae.catalogue;
DROP POLICY office_update ON ocsae.catalogue;
DROP POLICY office_delete ON ocsae.catalogue;

-- A service's key is its record's id (a second row of one id would make a
-- backup that cannot be restored). Rows already in breach are left for the
-- administrator to look at; new ones are refused.
DO $$
BEGIN
    IF EXISTS (SELECT FROM ocsae.catalogue WHERE key IS DISTINCT FROM record->>'id') THEN
        ALTER TABLE ocsae.catalogue ADD CONSTRAINT key_is_id CHECK (key = record->>'id') NOT VALID;
    ELSE
        ALTER TABLE ocsae.catalogue ADD CONSTRAINT key_is_id CHECK (key = record->>'id');
    END IF;
END
$$;
