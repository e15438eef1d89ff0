-- Schema 8: what a technician's hand-written SQL could still leave in schema 7.
--
-- * A request, a rollout cell or a support-log entry is kept under its council's
--   comarca (row-level security checks that column): its council is its
--   record's (`ine`), it exists, and its comarca is the row's; a training names
--   only councils that exist, and is kept under its first council's comarca. A
--   council holding such rows is neither removed nor moved to another comarca.
--   Else a technician could file a row under their own comarca for another
--   office's council, and a restore (which takes each row's comarca from its
--   council) would hand it over; or leave a backup no restore takes.
-- * No text in a record holds a character a restore refuses (controls but the
--   line break, format characters, line and paragraph separators, default
--   ignorables but ZWJ and VS16: `domain::text::is_unsafe`, listed below as
--   code point ranges, which a test compares with it).
-- * A history entry's edits say where each record started: the first edit of a
--   record in a transaction has as `before` the row as it was before that
--   transaction (null if there was none), each later one the `after` of the one
--   before it; so an undo never writes a version that never existed. The rows a
--   technician's statement changes or removes are kept, the first time, in
--   `ocsae.prior` for the check at commit (one insert per statement).
-- * Every history entry committed notifies the dashboards (a trigger), whoever
--   wrote it and however.
-- * Technicians no longer read the sequences (`last_value` told one office how
--   many requests the others filed); `nextval` needs only USAGE. A backup reads
--   the counters through `ocsae.counters()`, which tells a technician of a store
--   several offices share nothing.
--
-- NOT VALID: rows already there are not checked (a store that was tampered with
-- still opens, for its administrator to look at); every new write is. The keys
-- to councils are checked at commit, so a change may write a council and its
-- rows, or remove them, in any order.

-- Text a restore takes: no character of `domain::text::is_unsafe` but the line
-- break, in any string of the record. A quick look at the record's JSON text
-- first (controls below U+0020 escaped there, every other character itself),
-- then, if it finds one, each string (`\\t` may be a backslash and a t). No SET
-- clause, so that the checks inline it; what it calls is named in pg_catalog.
CREATE FUNCTION ocsae.has_unsafe_text(record jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT record::text OPERATOR(pg_catalog.~)
           '\\[btfr]|\\u00[01]|[\u007F-\u009F\u00AD\u034F\u0600-\u0605\u061C\u06DD\u070F\u0890-\u0891\u08E2\u115F-\u1160\u17B4-\u17B5\u180B-\u180F\u200B-\u200C\u200E-\u200F\u2028-\u202E\u2060-\u206F\u3164\uFE00-\uFE0E\uFEFF\uFFA0\uFFF0-\uFFFB\U000110BD\U000110CD\U00013430-\U0001343F\U0001BCA0-\U0001BCA3\U0001D173-\U0001D17A\U000E0000-\U000E0FFF]'
       AND pg_catalog.jsonb_path_exists(record,
           'strict $.** ? (@.type() == "string" && @ like_regex "[\u{1}-\u{9}\u{B}-\u{1F}\u{7F}-\u{9F}\u{AD}\u{34F}\u{600}-\u{605}\u{61C}\u{6DD}\u{70F}\u{890}-\u{891}\u{8E2}\u{115F}-\u{1160}\u{17B4}-\u{17B5}\u{180B}-\u{180F}\u{200B}-\u{200C}\u{200E}-\u{200F}\u{2028}-\u{202E}\u{2060}-\u{206F}\u{3164}\u{FE00}-\u{FE0E}\u{FEFF}\u{FFA0}\u{FFF0}-\u{FFFB}\u{110BD}\u{110CD}\u{13430}-\u{1343F}\u{1BCA0}-\u{1BCA3}\u{1D173}-\u{1D17A}\u{E0000}-\u{E0FFF}]")')
$$;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['municipality', 'rollout', 'certificate', 'activity', 'operator', 'catalogue'] LOOP
        EXECUTE format('ALTER TABLE ocsae.%I ADD CONSTRAINT %I CHECK (NOT ocsae.has_unsafe_text(record)) NOT VALID',
                       t, t || '_text_is_safe');
    END LOOP;
END
$$;

-- A council's rows, bound to it and to its comarca.
ALTER TABLE ocsae.municipality ADD CONSTRAINT municipality_ine_comarca UNIQUE (ine, comarca);

ALTER TABLE ocsae.certificate
    ADD CONSTRAINT certificate_ine_is_its_record CHECK (record -> 'ine' = pg_catalog.to_jsonb(ine)) NOT VALID;
ALTER TABLE ocsae.certificate
    ADD CONSTRAINT certificate_council FOREIGN KEY (ine, comarca) REFERENCES ocsae.municipality (ine, comarca)
    DEFERRABLE INITIALLY DEFERRED NOT VALID;

ALTER TABLE ocsae.rollout
    ADD CONSTRAINT rollout_key_is_its_record
    CHECK (record -> 'ine' = pg_catalog.to_jsonb(ine) AND record ->> 'service' = service) NOT VALID;
ALTER TABLE ocsae.rollout
    ADD CONSTRAINT rollout_council FOREIGN KEY (ine, comarca) REFERENCES ocsae.municipality (ine, comarca)
    DEFERRABLE INITIALLY DEFERRED NOT VALID;

-- An entry of one council has it as `ine`; a training (`ine` null) names its councils.
ALTER TABLE ocsae.activity
    ADD CONSTRAINT activity_ine_is_its_record
    CHECK (coalesce(record -> 'ine', 'null') = coalesce(pg_catalog.to_jsonb(ine), 'null')) NOT VALID;
ALTER TABLE ocsae.activity
    ADD CONSTRAINT activity_council FOREIGN KEY (ine, comarca) REFERENCES ocsae.municipality (ine, comarca)
    DEFERRABLE INITIALLY DEFERRED NOT VALID;

-- The councils an activity's record names: its `ine`, and a training's councils.
CREATE FUNCTION ocsae.activity_councils(record jsonb) RETURNS integer[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
    SELECT pg_catalog.array_agg(CASE WHEN c.ine ~ '^[0-9]{1,9}$' THEN c.ine::integer END ORDER BY c.n)
    FROM (
        SELECT 0 AS n, record ->> 'ine' AS ine WHERE pg_catalog.jsonb_typeof(record -> 'ine') = 'number'
        UNION ALL
        SELECT e.n, e.c ->> 'ine'
        FROM pg_catalog.jsonb_array_elements(CASE pg_catalog.jsonb_typeof(record -> 'councils')
                                              WHEN 'array' THEN record -> 'councils' ELSE '[]' END)
             WITH ORDINALITY AS e(c, n)
    ) c
$$;

-- What is wrong with an activity's councils, or null: each exists, and the row's
-- comarca is its `ine`'s, else its first council's.
CREATE FUNCTION ocsae.activity_council_fault(record jsonb, comarca text) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    councils integer[] := ocsae.activity_councils(record);
    first_comarca text;
BEGIN
    IF councils IS NULL THEN
        RETURN 'names no council';
    END IF;
    IF EXISTS (SELECT FROM pg_catalog.unnest(councils) AS c(ine)
               WHERE c.ine IS NULL OR NOT EXISTS (SELECT FROM ocsae.municipality m WHERE m.ine = c.ine)) THEN
        RETURN 'names a council that is not there';
    END IF;
    SELECT m.comarca INTO first_comarca FROM ocsae.municipality m WHERE m.ine = councils[1];
    IF first_comarca IS DISTINCT FROM comarca THEN
        RETURN 'is kept under another comarca than its council''s';
    END IF;
    RETURN NULL;
END
$$;

-- Checked at commit, on the row as the transaction leaves it.
CREATE FUNCTION ocsae.check_activity_councils() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    fault text;
BEGIN
    SELECT ocsae.activity_council_fault(a.record, a.comarca) INTO fault FROM ocsae.activity a WHERE a.id = NEW.id;
    IF fault IS NOT NULL THEN
        RAISE EXCEPTION 'ocsae: activity % %', NEW.id, fault
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER councils_exist AFTER INSERT OR UPDATE ON ocsae.activity
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ocsae.check_activity_councils();

-- A council removed or moved: the trainings that name it still hold (rare: a scan).
CREATE FUNCTION ocsae.check_council_trainings() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    wrong bigint;
BEGIN
    SELECT a.id INTO wrong FROM ocsae.activity a
    WHERE a.record -> 'councils' @> pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object('ine', OLD.ine))
      AND ocsae.activity_council_fault(a.record, a.comarca) IS NOT NULL
    LIMIT 1;
    IF wrong IS NOT NULL THEN
        RAISE EXCEPTION 'ocsae: council % is named by activity %, which would be left without it', OLD.ine, wrong
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER trainings_hold_removed AFTER DELETE ON ocsae.municipality
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ocsae.check_council_trainings();
CREATE CONSTRAINT TRIGGER trainings_hold_moved AFTER UPDATE ON ocsae.municipality
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (OLD.ine IS DISTINCT FROM NEW.ine OR OLD.comarca IS DISTINCT FROM NEW.comarca)
    EXECUTE FUNCTION ocsae.check_council_trainings();

-- The rows a technician's transaction changes or removes, as they were before it
-- first did: one per record, the first kept (`scope`: an ER operator's office).
CREATE TABLE ocsae.prior (
    txid bigint NOT NULL,
    kind text NOT NULL,
    key text COLLATE "C" NOT NULL,
    scope text NOT NULL,
    record jsonb NOT NULL,
    PRIMARY KEY (txid, kind, key, scope)
);
REVOKE ALL ON ocsae.prior FROM PUBLIC;

CREATE FUNCTION ocsae.keep_prior() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    kind text := CASE TG_TABLE_NAME WHEN 'catalogue' THEN 'service' ELSE TG_TABLE_NAME END;
    key_of text := CASE TG_TABLE_NAME
        WHEN 'municipality' THEN '(r.ine::text)'
        WHEN 'rollout' THEN '(r.ine::text || ''/'' || r.service)'
        WHEN 'certificate' THEN '(r.id::text)'
        WHEN 'activity' THEN '(r.id::text)'
        ELSE '(r.key)' END;
BEGIN
    IF ocsae.is_admin() THEN
        RETURN NULL;
    END IF;
    EXECUTE format('INSERT INTO ocsae.prior (txid, kind, key, scope, record) '
                   'SELECT pg_catalog.txid_current(), $1, %s, %s, r.record FROM gone r ON CONFLICT DO NOTHING',
                   key_of, CASE TG_TABLE_NAME WHEN 'operator' THEN 'r.comarca' ELSE '''''' END)
        USING kind;
    RETURN NULL;
END
$$;
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['municipality', 'rollout', 'certificate', 'activity', 'operator', 'catalogue'] LOOP
        EXECUTE format('CREATE TRIGGER keep_prior_updated AFTER UPDATE ON ocsae.%I REFERENCING OLD TABLE AS gone '
                       'FOR EACH STATEMENT EXECUTE FUNCTION ocsae.keep_prior()', t);
        EXECUTE format('CREATE TRIGGER keep_prior_removed AFTER DELETE ON ocsae.%I REFERENCING OLD TABLE AS gone '
                       'FOR EACH STATEMENT EXECUTE FUNCTION ocsae.keep_prior()', t);
    END LOOP;
END
$$;

-- Schema 6's check at commit, and the `before` of each edit: the first edit of a
-- record in the transaction starts from the row kept in `prior` (none kept: there
-- was no row, since a row the transaction did not write fails the first check).
CREATE OR REPLACE FUNCTION ocsae.verify_edits() RETURNS trigger
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
    -- Rows kept by transactions that have ended (entries are written under the
    -- writers' lock, so no other one is checking now).
    DELETE FROM ocsae.prior WHERE txid <> pg_catalog.txid_current();
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

-- Every entry committed is news for the dashboards, written by ocsae or by hand
-- (a notification of the same number in one transaction is sent once).
CREATE FUNCTION ocsae.notify_history() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM pg_catalog.pg_notify('ocsae_changes', s.seq::text)
    FROM (SELECT pg_catalog.max(a.seq) AS seq FROM added a) s
    WHERE s.seq IS NOT NULL;
    RETURN NULL;
END
$$;
CREATE TRIGGER notify AFTER INSERT ON ocsae.history
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION ocsae.notify_history();

-- The counters a backup carries: the next number of each sequence; for a
-- technician of a store several offices share, nothing (null), so that no office
-- learns how much the others file.
CREATE FUNCTION ocsae.counters(OUT certificate_id bigint, OUT activity_id bigint, OUT history_seq bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT (SELECT CASE WHEN s.is_called THEN s.last_value + 1 ELSE s.last_value END FROM ocsae.certificate_id s),
           (SELECT CASE WHEN s.is_called THEN s.last_value + 1 ELSE s.last_value END FROM ocsae.activity_id s),
           (SELECT CASE WHEN s.is_called THEN s.last_value + 1 ELSE s.last_value END FROM ocsae.history_seq s)
    WHERE ocsae.is_admin()
       OR NOT EXISTS (SELECT FROM ocsae.meta m WHERE m.key = 'multi_office' AND m.value = 'true')
$$;
REVOKE ALL ON FUNCTION ocsae.counters() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ocsae.counters() TO ocsae_tech;

REVOKE SELECT ON SEQUENCE ocsae.certificate_id, ocsae.activity_id, ocsae.history_seq FROM ocsae_tech;
