-- Schema 9: what a technician's hand-written SQL could still do in schema 8.
-- (The last point, on the text of edits, is at the end.)
--
-- * A record the transaction created and then changed: `prior` kept, as the row
--   before the transaction, the version the transaction itself had written, so
--   a forged `before` of the record's first edit passed (and an undo wrote a
--   version that never was), and the honest edits (none, then the record; then
--   its change) were refused. Now every key a statement writes is kept in
--   `prior`, the first time: the row as it was (updated or removed), or "no row"
--   (a null `record`) for a key inserted, or moved to by an update.
-- * So `prior` says which records the transaction wrote: the check at commit
--   takes a record as written by it if its key is there, not if its row's xmin
--   is the transaction's (a row written inside a released savepoint carries the
--   savepoint's xid, and was refused).

ALTER TABLE ocsae.prior ALTER COLUMN record DROP NOT NULL;

-- The keys a technician's statement writes, the first time in the transaction:
-- the rows it changes or removes as they were; the keys it inserts, or an
-- update moves rows to, as "no row" (a row there before would have been kept
-- already, or the key taken). One insert per statement.
CREATE OR REPLACE FUNCTION ocsae.keep_prior() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    kind text := CASE TG_TABLE_NAME WHEN 'catalogue' THEN 'service' ELSE TG_TABLE_NAME END;
    key_of text := CASE TG_TABLE_NAME
        WHEN 'municipality' THEN '(r.ine::text)'
        WHEN 'rollout' THEN '(r.ine::text || ''/'' || r.service)'
        WHEN 'certificate' THEN '(r.id::text)'
        WHEN 'activity' THEN '(r.id::text)'
        ELSE '(r.key)' END;
    scope_of text := CASE TG_TABLE_NAME WHEN 'operator' THEN 'r.comarca' ELSE '''''' END;
BEGIN
    IF ocsae.is_admin() THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        EXECUTE format('INSERT INTO ocsae.prior (txid, kind, key, scope, record) '
                       'SELECT pg_catalog.txid_current(), $1, %s, %s, r.record FROM gone r ON CONFLICT DO NOTHING',
                       key_of, scope_of)
            USING kind;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        EXECUTE format('INSERT INTO ocsae.prior (txid, kind, key, scope, record) '
                       'SELECT pg_catalog.txid_current(), $1, %s, %s, NULL FROM changed r ON CONFLICT DO NOTHING',
                       key_of, scope_of)
            USING kind;
    END IF;
    RETURN NULL;
END
$$;
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['municipality', 'rollout', 'certificate', 'activity', 'operator', 'catalogue'] LOOP
        EXECUTE format('DROP TRIGGER keep_prior_updated ON ocsae.%I', t);
        EXECUTE format('CREATE TRIGGER keep_prior_updated AFTER UPDATE ON ocsae.%I '
                       'REFERENCING OLD TABLE AS gone NEW TABLE AS changed '
                       'FOR EACH STATEMENT EXECUTE FUNCTION ocsae.keep_prior()', t);
        EXECUTE format('CREATE TRIGGER keep_prior_added AFTER INSERT ON ocsae.%I REFERENCING NEW TABLE AS changed '
                       'FOR EACH STATEMENT EXECUTE FUNCTION ocsae.keep_prior()', t);
    END LOOP;
END
$$;

-- Schema 8's check at commit, a record written by the transaction if `prior`
-- holds its key (schema 8: if its row's xmin was the transaction's).
CREATE OR REPLACE FUNCTION ocsae.verify_edits() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET work_mem = '64MB' AS $$
DECLARE
    entries bigint[];
    wrong text;
BEGIN
    -- Done, until a later statement writes again and marks it anew.
    DELETE FROM ocsae.unchecked WHERE txid = NEW.txid;
    SELECT pg_catalog.array_agg(h.seq) INTO entries
    FROM ocsae.history h WHERE h.txid = pg_catalog.txid_current();
    IF entries IS NULL THEN
        RETURN NULL;
    END IF;
    -- Rows kept by transactions that have ended (entries are written under the
    -- writers' lock, so no other one is checking now).
    DELETE FROM ocsae.prior WHERE txid <> pg_catalog.txid_current();
    SELECT l.kind || ' ' || l.key INTO wrong
    FROM (
        SELECT DISTINCT ON (e.kind, e.key, CASE e.kind WHEN 'operator' THEN e.comarca END)
               e.kind, e.key, e.comarca, e.after,
               EXISTS (SELECT FROM ocsae.prior p
                       WHERE p.txid = pg_catalog.txid_current() AND p.kind = e.kind AND p.key = e.key
                         AND p.scope = CASE e.kind WHEN 'operator' THEN e.comarca ELSE '' END) AS written
        FROM ocsae.history_edit e WHERE e.seq = ANY (entries)
        ORDER BY e.kind, e.key, CASE e.kind WHEN 'operator' THEN e.comarca END, e.seq DESC, e.pos DESC
    ) l
    WHERE NOT coalesce(CASE l.kind
        WHEN 'municipality' THEN l.after ->> 'ine' = l.key AND (
            SELECT l.written AND r.record = l.after AND r.comarca = l.comarca
            FROM ocsae.municipality r
            WHERE r.ine = CASE WHEN l.key ~ '^[0-9]{1,9}$' THEN l.key::integer END)
        WHEN 'rollout' THEN (l.after ->> 'ine') || '/' || (l.after ->> 'service') = l.key AND (
            SELECT l.written AND r.record = l.after AND r.comarca = l.comarca
            FROM ocsae.rollout r
            WHERE r.ine = CASE WHEN l.key ~ '^[0-9]{1,9}/' THEN split_part(l.key, '/', 1)::integer END
              AND r.service = substr(l.key, strpos(l.key, '/') + 1))
        WHEN 'certificate' THEN l.after ->> 'id' = l.key AND (
            SELECT l.written AND r.record = l.after AND r.comarca = l.comarca
            FROM ocsae.certificate r
            WHERE r.id = CASE WHEN l.key ~ '^[0-9]{1,18}$' THEN l.key::bigint END)
        WHEN 'activity' THEN l.after ->> 'id' = l.key AND (
            SELECT l.written AND r.record = l.after AND r.comarca = l.comarca
            FROM ocsae.activity r
            WHERE r.id = CASE WHEN l.key ~ '^[0-9]{1,18}$' THEN l.key::bigint END)
        WHEN 'operator' THEN l.after ->> 'name' = l.key AND (
            SELECT l.written AND r.record = l.after
            FROM ocsae.operator r WHERE r.comarca = l.comarca AND r.key = l.key)
        WHEN 'service' THEN l.after ->> 'id' = l.key AND (
            SELECT l.written AND r.record = l.after AND r.comarca = l.comarca
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
    IF wrong IS NULL THEN
        -- Each edit starts where the record stood: the previous edit's `after`,
        -- or for the first, the row before the transaction.
        SELECT f.kind || ' ' || f.key INTO wrong
        FROM (
            SELECT e.kind, e.key, CASE e.kind WHEN 'operator' THEN e.comarca ELSE '' END AS scope, e.before,
                   pg_catalog.lag(e.after) OVER w AS previous, pg_catalog.row_number() OVER w AS n
            FROM ocsae.history_edit e WHERE e.seq = ANY (entries)
            WINDOW w AS (PARTITION BY e.kind, e.key, CASE e.kind WHEN 'operator' THEN e.comarca END
                         ORDER BY e.seq, e.pos)
        ) f
        LEFT JOIN ocsae.prior p
            ON p.txid = pg_catalog.txid_current() AND p.kind = f.kind AND p.key = f.key AND p.scope = f.scope
        WHERE f.before IS DISTINCT FROM CASE WHEN f.n > 1 THEN f.previous ELSE p.record END
        LIMIT 1;
        IF wrong IS NOT NULL THEN
            RAISE EXCEPTION 'ocsae: the history entry says a record was otherwise than it was (%)', wrong
                USING ERRCODE = 'insufficient_privilege',
                      HINT = 'each edit''s `before` must be the record as the transaction found it, or as the edit before it left it';
        END IF;
    END IF;
    IF wrong IS NOT NULL THEN
        RAISE EXCEPTION 'ocsae: the history entry says otherwise than the records its transaction leaves (%)', wrong
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'each edit''s record must be written as its `after` says (or removed), in the same transaction';
    END IF;
    RETURN NULL;
END
$$;

-- * No text in an edit holds a character a restore refuses (schema 8 checked the
--   records only): an entry whose edits leave no record, say one created and
--   removed again, carried an escape sequence into every backup and every
--   colleague's status bar. NOT VALID, as schema 8's: entries already there are
--   not checked.
ALTER TABLE ocsae.history_edit
    ADD CONSTRAINT history_edit_text_is_safe
    CHECK (NOT ocsae.has_unsafe_text(before) AND NOT ocsae.has_unsafe_text(after)) NOT VALID;

-- * No record, in a record table or in an edit's `before` or `after`, that ocsae
--   cannot read: each kind's keys that its program requires (those it has no
--   default for), each of its JSON type (`null` where ocsae writes one). Else a
--   technician's hand-written record (a council without `name`, `{"garbage": 1}`
--   in an edit) made every dashboard and every backup say the store is damaged.
--   The list is ocsae's types' (a test derives it from them and compares); keys
--   inside a record's lists, and the values of its enumerations, are not checked.
--   NOT VALID, as schema 8's: rows already there are not checked.
-- No SET clause, so that the checks inline it; operators named in pg_catalog.
CREATE FUNCTION ocsae.is_readable(kind text, record jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(CASE kind
        WHEN 'municipality' THEN
            pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'ine') OPERATOR(pg_catalog.=) ANY (ARRAY['number'])
            AND pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'name') OPERATOR(pg_catalog.=) ANY (ARRAY['string'])
            AND pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'comarca') OPERATOR(pg_catalog.=) ANY (ARRAY['string'])
            AND pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'population') OPERATOR(pg_catalog.=) ANY (ARRAY['number'])
            AND pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'population_year') OPERATOR(pg_catalog.=) ANY (ARRAY['number'])
            AND pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'contacts') OPERATOR(pg_catalog.=) ANY (ARRAY['array'])
            AND pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'notes') OPERATOR(pg_catalog.=) ANY (ARRAY['string'])
        WHEN 'rollout' THEN
            pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'ine') OPERATOR(pg_catalog.=) ANY (ARRAY['number'])
            AND pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'service') OPERATOR(pg_catalog.=) ANY (ARRAY['string'])
            AND pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'status') OPERATOR(pg_catalog.=) ANY (ARRAY['string'])
            AND pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'steps') OPERATOR(pg_catalog.=) ANY (ARRAY['array'])
            AND pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'notes') OPERATOR(pg_catalog.=) ANY (ARRAY['string'])
            AND pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'blocked_reason') OPERATOR(pg_catalog.=) ANY (ARRAY['string'])
            AND pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'updated_at') OPERATOR(pg_catalog.=) ANY (ARRAY['number', 'null'])
        WHEN 'certificate' THEN
            pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'id') OPERATOR(pg_catalog.=) ANY (ARRAY['number'])
            AND pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'ine') OPERATOR(pg_catalog.=) ANY (ARRAY['number'])
            AND pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'holder') OPERATOR(pg_catalog.=) ANY (ARRAY['string'])
            AND pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'role') OPERATOR(pg_catalog.=) ANY (ARRAY['string'])
            AND pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'cert_type') OPERATOR(pg_catalog.=) ANY (ARRAY['string'])
            AND pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'operation') OPERATOR(pg_catalog.=) ANY (ARRAY['string'])
            AND pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'urgent') OPERATOR(pg_catalog.=) ANY (ARRAY['boolean'])
            AND pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'reason') OPERATOR(pg_catalog.=) ANY (ARRAY['string'])
            AND pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'status') OPERATOR(pg_catalog.=) ANY (ARRAY['string'])
            AND pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'received_at') OPERATOR(pg_catalog.=) ANY (ARRAY['number'])
            AND pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'filed_at') OPERATOR(pg_catalog.=) ANY (ARRAY['number', 'null'])
            AND pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'issued_at') OPERATOR(pg_catalog.=) ANY (ARRAY['number', 'null'])
            AND pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'delivered_at') OPERATOR(pg_catalog.=) ANY (ARRAY['number', 'null'])
            AND pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'notes') OPERATOR(pg_catalog.=) ANY (ARRAY['string'])
            AND pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'appointment_attached') OPERATOR(pg_catalog.=) ANY (ARRAY['boolean'])
            AND pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'delivery_sheet_signed') OPERATOR(pg_catalog.=) ANY (ARRAY['boolean'])
            AND pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'status_reason') OPERATOR(pg_catalog.=) ANY (ARRAY['string'])
        WHEN 'activity' THEN
            pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'id') OPERATOR(pg_catalog.=) ANY (ARRAY['number'])
            AND pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'kind') OPERATOR(pg_catalog.=) ANY (ARRAY['string'])
            AND pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'direction') OPERATOR(pg_catalog.=) ANY (ARRAY['string'])
            AND pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'contact') OPERATOR(pg_catalog.=) ANY (ARRAY['string'])
            AND pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'summary') OPERATOR(pg_catalog.=) ANY (ARRAY['string'])
            AND pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'notes') OPERATOR(pg_catalog.=) ANY (ARRAY['string'])
            AND pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'status') OPERATOR(pg_catalog.=) ANY (ARRAY['string'])
            AND pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'received_at') OPERATOR(pg_catalog.=) ANY (ARRAY['number'])
            AND pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'closed_at') OPERATOR(pg_catalog.=) ANY (ARRAY['number', 'null'])
            AND pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'pauses') OPERATOR(pg_catalog.=) ANY (ARRAY['array'])
            AND pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'created_by') OPERATOR(pg_catalog.=) ANY (ARRAY['string'])
            AND pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'councils') OPERATOR(pg_catalog.=) ANY (ARRAY['array'])
            AND pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'services') OPERATOR(pg_catalog.=) ANY (ARRAY['array'])
        WHEN 'operator' THEN
            pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'name') OPERATOR(pg_catalog.=) ANY (ARRAY['string'])
            AND pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'card_issued_on') OPERATOR(pg_catalog.=) ANY (ARRAY['string'])
        WHEN 'service' THEN
            pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'id') OPERATOR(pg_catalog.=) ANY (ARRAY['string'])
            AND pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'short') OPERATOR(pg_catalog.=) ANY (ARRAY['string'])
            AND pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'name') OPERATOR(pg_catalog.=) ANY (ARRAY['string'])
            AND pg_catalog.jsonb_typeof(record OPERATOR(pg_catalog.->) 'steps') OPERATOR(pg_catalog.=) ANY (ARRAY['array'])
        ELSE false END, false)
$$;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['municipality', 'rollout', 'certificate', 'activity', 'operator', 'catalogue'] LOOP
        EXECUTE format('ALTER TABLE ocsae.%I ADD CONSTRAINT %I CHECK (ocsae.is_readable(%L, record)) NOT VALID',
                       t, t || '_is_readable', CASE t WHEN 'catalogue' THEN 'service' ELSE t END);
    END LOOP;
END
$$;
ALTER TABLE ocsae.history_edit
    ADD CONSTRAINT history_edit_is_readable
    CHECK ((before IS NULL OR ocsae.is_readable(kind, before)) AND (after IS NULL OR ocsae.is_readable(kind, after)))
    NOT VALID;
