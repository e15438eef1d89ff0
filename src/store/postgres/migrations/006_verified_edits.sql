-- Schema 6: a history entry says what its transaction leaves in the record
-- tables, checked when it commits.
--
-- * Each record a technician's transaction edits ends as the last of its edits
--   says: its row holds that edit's `after` (with the edit's comarca) and was
--   written by this transaction, or it is gone if `after` is null; an `after`
--   names the key it is filed under. An edit whose record was not written, or
--   says another record than the row holds, is refused, and with it the entry
--   and its notification. (Schema 5's check of each statement stays: every row
--   written has an edit saying its new record.)
-- * The check is a deferred constraint trigger, so it sees the transaction's
--   final state: every statement that writes an edit or a record queues it
--   again (through the `unchecked` mark, one per transaction, not per row), and
--   each run checks all the transaction's edits. `SET CONSTRAINTS ... IMMEDIATE`
--   only makes it run earlier as well: a later write queues it once more.
-- * The mark, the trigger and the functions are the administrator's: a
--   technician can neither write the mark nor drop, disable or replace them.
--
-- Schema 5's check of each statement is kept, rewritten as hash joins (below):
-- the planner, its statistics taken before an import, thought the import's own
-- edits two rows and compared each row written with every one of them (30,000
-- rows: four minutes). Edits are checked against their entries once per entry.

-- The transactions whose edits are to be checked: a row each, removed by the check.
CREATE TABLE ocsae.unchecked (
    txid bigint PRIMARY KEY
);
REVOKE ALL ON ocsae.unchecked FROM PUBLIC;

-- Functions and operators never resolve to pg_temp, and pg_catalog comes first:
-- plain operators below are pg_catalog's.

-- Marks the transaction for the check (at commit, or at the statement's end under
-- SET CONSTRAINTS ... IMMEDIATE). A second mark before the check adds nothing.
CREATE FUNCTION ocsae.mark_unchecked() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT ocsae.is_admin() THEN
        INSERT INTO ocsae.unchecked (txid) VALUES (pg_catalog.txid_current()) ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$;

-- Each record the transaction's entries edit, as its last edit says it ends: a
-- record of that key, with the edit's comarca, written by this transaction (its
-- row's xmin), or no row if `after` is null. One index lookup per record.
CREATE FUNCTION ocsae.verify_edits() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET work_mem = '64MB' AS $$
DECLARE
    entries bigint[];
    me xid := pg_catalog.pg_current_xact_id()::xid;
    wrong text;
BEGIN
    -- Done, until a later statement writes again and marks it anew.
    DELETE FROM ocsae.unchecked WHERE txid = NEW.txid;
    SELECT pg_catalog.array_agg(h.seq) INTO entries
    FROM ocsae.history h WHERE h.txid = pg_catalog.txid_current();
    IF entries IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT l.kind || ' ' || l.key INTO wrong
    FROM (
        SELECT DISTINCT ON (e.kind, e.key, CASE e.kind WHEN 'operator' THEN e.comarca END)
               e.kind, e.key, e.comarca, e.after
        FROM ocsae.history_edit e WHERE e.seq = ANY (entries)
        ORDER BY e.kind, e.key, CASE e.kind WHEN 'operator' THEN e.comarca END, e.seq DESC, e.pos DESC
    ) l
    WHERE NOT coalesce(CASE l.kind
        WHEN 'municipality' THEN l.after ->> 'ine' = l.key AND (
            SELECT r.xmin = me AND r.record = l.after AND r.comarca = l.comarca
            FROM ocsae.municipality r
            WHERE r.ine = CASE WHEN l.key ~ '^[0-9]{1,9}$' THEN l.key::integer END)
        WHEN 'rollout' THEN (l.after ->> 'ine') || '/' || (l.after ->> 'service') = l.key AND (
            SELECT r.xmin = me AND r.record = l.after AND r.comarca = l.comarca
            FROM ocsae.rollout r
            WHERE r.ine = CASE WHEN l.key ~ '^[0-9]{1,9}/' THEN split_part(l.key, '/', 1)::integer END
              AND r.service = substr(l.key, strpos(l.key, '/') + 1))
        WHEN 'certificate' THEN l.after ->> 'id' = l.key AND (
            SELECT r.xmin = me AND r.record = l.after AND r.comarca = l.comarca
            FROM ocsae.certificate r
            WHERE r.id = CASE WHEN l.key ~ '^[0-9]{1,18}$' THEN l.key::bigint END)
        WHEN 'activity' THEN l.after ->> 'id' = l.key AND (
            SELECT r.xmin = me AND r.record = l.after AND r.comarca = l.comarca
            FROM ocsae.activity r
            WHERE r.id = CASE WHEN l.key ~ '^[0-9]{1,18}$' THEN l.key::bigint END)
        WHEN 'operator' THEN l.after ->> 'name' = l.key AND (
            SELECT r.xmin = me AND r.record = l.after
            FROM ocsae.operator r WHERE r.comarca = l.comarca AND r.key = l.key)
        WHEN 'service' THEN l.after ->> 'id' = l.key AND (
            SELECT r.xmin = me AND r.record = l.after AND r.comarca = l.comarca
            FROM ocsae.catalogue r WHERE r.key = l.key)
        END,
        -- No row (the lookup found none, or `after` is null): right for a removal only.
        l.after IS NULL AND NOT CASE l.kind
            WHEN 'municipality' THEN EXISTS (SELECT FROM ocsae.municipality r
                WHERE r.ine = CASE WHEN l.key ~ '^[0-9]{1,9}$' THEN l.key::integer END)
            WHEN 'rollout' THEN EXISTS (SELECT FROM ocsae.rollout r
                WHERE r.ine = CASE WHEN l.key ~ '^[0-9]{1,9}/' THEN split_part(l.key, '/', 1)::integer END
                  AND r.service = substr(l.key, strpos(l.key, '/') + 1))
            WHEN 'certificate' THEN EXISTS (SELECT FROM ocsae.certificate r
                WHERE r.id = CASE WHEN l.key ~ '^[0-9]{1,18}$' THEN l.key::bigint END)
            WHEN 'activity' THEN EXISTS (SELECT FROM ocsae.activity r
                WHERE r.id = CASE WHEN l.key ~ '^[0-9]{1,18}$' THEN l.key::bigint END)
            WHEN 'operator' THEN EXISTS (SELECT FROM ocsae.operator r
                WHERE r.comarca = l.comarca AND r.key = l.key)
            WHEN 'service' THEN EXISTS (SELECT FROM ocsae.catalogue r WHERE r.key = l.key)
            ELSE true END)
    LIMIT 1;
    IF wrong IS NOT NULL THEN
        RAISE EXCEPTION 'ocsae: the history entry says otherwise than the records its transaction leaves (%)', wrong
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'each edit''s record must be written as its `after` says (or removed), in the same transaction';
    END IF;
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER verify AFTER INSERT ON ocsae.unchecked
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ocsae.verify_edits();

CREATE TRIGGER mark_unchecked AFTER INSERT ON ocsae.history_edit
    FOR EACH STATEMENT EXECUTE FUNCTION ocsae.mark_unchecked();
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['municipality', 'rollout', 'certificate', 'activity', 'operator', 'catalogue'] LOOP
        EXECUTE format('CREATE TRIGGER mark_unchecked AFTER INSERT OR UPDATE OR DELETE ON ocsae.%I '
                       'FOR EACH STATEMENT EXECUTE FUNCTION ocsae.mark_unchecked()', t);
    END LOOP;
END
$$;

-- Edits belong to an entry of their own transaction: one lookup per entry, not per edit.
CREATE OR REPLACE FUNCTION ocsae.check_history_edit() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT ocsae.is_admin() AND EXISTS (
        SELECT FROM (SELECT DISTINCT c.seq FROM changed c) c
        WHERE NOT EXISTS (
            SELECT FROM ocsae.history h WHERE h.seq = c.seq AND h.txid = pg_catalog.txid_current()
        )
    ) THEN
        RAISE EXCEPTION 'ocsae: a history edit must belong to an entry of its own transaction'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NULL;
END
$$;

-- Schema 5's check of each statement, as it was (each row written has an edit of
-- its transaction's entries with its kind, key and new record; each row removed,
-- or moved to another key, an edit whose `after` is null), as hash anti joins on
-- the key (records compared only for the same key): each side read once, whatever
-- the planner believes of the history's numbers (it took an import's own edits
-- for two rows, and compared each row written with all of them). The entries'
-- edits are read by their number alone (the primary key), never through the
-- index of every edit of a kind.
CREATE OR REPLACE FUNCTION ocsae.require_history() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp SET enable_nestloop = off SET enable_mergejoin = off SET work_mem = '64MB' AS $$
DECLARE
    entries bigint[];
    kind text := CASE TG_TABLE_NAME WHEN 'catalogue' THEN 'service' ELSE TG_TABLE_NAME END;
    key_of text := CASE TG_TABLE_NAME
        WHEN 'municipality' THEN '(r.ine::text)'
        WHEN 'rollout' THEN '(r.ine::text || ''/'' || r.service)'
        WHEN 'certificate' THEN '(r.id::text)'
        WHEN 'activity' THEN '(r.id::text)'
        ELSE '(r.key)' END;
    unsaid boolean := false;
BEGIN
    IF ocsae.is_admin() THEN
        RETURN NULL;
    END IF;
    SELECT pg_catalog.array_agg(h.seq) INTO entries
    FROM ocsae.history h WHERE h.txid = pg_catalog.txid_current();
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
            'WITH e AS MATERIALIZED (SELECT e.kind, e.key, e.after FROM ocsae.history_edit e WHERE e.seq = ANY ($2)) '
            'SELECT EXISTS (SELECT FROM changed r WHERE NOT EXISTS ('
            '  SELECT FROM e WHERE e.kind = $1 AND e.key = %s AND (e.after = r.record) IS TRUE))', key_of)
            INTO unsaid USING kind, entries;
    END IF;
    IF NOT unsaid AND TG_OP IN ('DELETE', 'UPDATE') THEN
        EXECUTE format(
            'WITH e AS MATERIALIZED (SELECT e.kind, e.key, e.after FROM ocsae.history_edit e WHERE e.seq = ANY ($2)) '
            'SELECT EXISTS (SELECT FROM gone r WHERE %s AND NOT EXISTS ('
            '  SELECT FROM e WHERE e.kind = $1 AND e.key = %s AND e.after IS NULL))',
            CASE TG_OP WHEN 'UPDATE'
                THEN format('NOT EXISTS (SELECT FROM changed c WHERE %s = %s)', replace(key_of, 'r.', 'c.'), key_of)
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
