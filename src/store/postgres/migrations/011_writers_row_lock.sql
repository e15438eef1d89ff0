-- Schema 11: the writers' lock a row lock, no longer an advisory lock anyone
-- could take.
--
-- * Any role could take the advisory lock every writer took
--   (`pg_advisory_lock(122472928208130)`) at session level and keep it for ever:
--   every colleague's change was then refused. Writers now lock the one row of
--   `ocsae.writers`, on which technicians have no privilege, through
--   `ocsae.lock_writers()`. A row lock ends with its transaction: no session
--   holds it beyond that.
-- * `ocsae.writers_holder()` names the session whose transaction holds it (the
--   row's `xmax`, that transaction's lock in `pg_locks`), for the message of a
--   change refused after waiting.
-- * A transaction left open, in `psql`, holding the lock: the database's
--   sessions end one idle in a transaction for a minute, unless the server or
--   the database already bounds it. ocsae's commands lift it for their own
--   sessions (an import or a backup may pause between statements).

CREATE TABLE ocsae.writers (
    one boolean PRIMARY KEY DEFAULT true CHECK (one)
);
INSERT INTO ocsae.writers VALUES (true);
REVOKE ALL ON ocsae.writers FROM PUBLIC;

-- The writers' lock, held to the end of the caller's transaction, waited for as
-- long as its `lock_timeout`. Every writer takes it before it numbers anything,
-- so the history's numbers follow the commits' order. Without its row (deleted by
-- the owner, or a partial dump) nothing would be locked: refused, not ignored.
CREATE FUNCTION ocsae.lock_writers() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM FROM ocsae.writers FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'ocsae: the writers'' lock has no row in ocsae.writers'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'the administrator puts it back: INSERT INTO ocsae.writers VALUES (true)';
    END IF;
END
$$;
REVOKE ALL ON FUNCTION ocsae.lock_writers() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ocsae.lock_writers() TO ocsae_tech;

-- Who holds it: the process, its role and its program, which every role may see
-- of every session. Since when and doing what, the caller reads from
-- `pg_stat_activity` with its own rights. The holder is the session holding the
-- row lock's table lock (`FOR UPDATE` takes RowShareLock on `ocsae.writers`,
-- which no technician may lock otherwise) and waiting for nothing: its waiters
-- hold that table lock too, but wait for the row. Not the row's `xmax`: a lock
-- taken twice in released savepoints makes it a multixact, naming no one.
CREATE FUNCTION ocsae.writers_holder() RETURNS TABLE (pid integer, role text, application text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT l.pid, coalesce(a.usename::text, ''), coalesce(a.application_name, '')
    FROM pg_catalog.pg_locks l
    LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
    WHERE l.locktype = 'relation' AND l.relation = 'ocsae.writers'::pg_catalog.regclass
      AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
      AND l.mode = 'RowShareLock' AND l.granted AND l.pid <> pg_catalog.pg_backend_pid()
      AND NOT EXISTS (SELECT FROM pg_catalog.pg_locks w WHERE w.pid = l.pid AND NOT w.granted)
    ORDER BY l.pid
    LIMIT 1
$$;
REVOKE ALL ON FUNCTION ocsae.writers_holder() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ocsae.writers_holder() TO ocsae_tech;

-- Schema 5's signature of each entry, the writers' lock now the row's.
CREATE OR REPLACE FUNCTION ocsae.sign_history() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    last_at timestamptz;
BEGIN
    NEW.txid := pg_catalog.txid_current();
    IF ocsae.is_admin() THEN
        IF NEW.seq IS NULL THEN
            PERFORM ocsae.lock_writers();
            NEW.seq := pg_catalog.nextval('ocsae.history_seq'::pg_catalog.regclass);
        END IF;
        NEW.at := coalesce(NEW.at, pg_catalog.date_trunc('milliseconds', pg_catalog.now()));
        RETURN NEW;
    END IF;
    NEW.author := session_user;
    -- The writers' lock, held to commit, before the number.
    PERFORM ocsae.lock_writers();
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

-- A transaction left open ends after a minute idle: set on the database when
-- the role migrating may (it owns the database, or is a superuser), and when
-- neither the database nor the server bounds it already.
DO $$
DECLARE
    db pg_catalog.oid;
    owner pg_catalog.oid;
BEGIN
    SELECT d.oid, d.datdba INTO db, owner
    FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database();
    IF NOT (pg_catalog.pg_has_role(current_user, owner, 'USAGE')
            OR (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user)) THEN
        RETURN;
    END IF;
    IF EXISTS (
        SELECT FROM pg_catalog.pg_db_role_setting s, pg_catalog.unnest(s.setconfig) c
        WHERE s.setdatabase = db AND s.setrole = 0
          AND c LIKE 'idle\_in\_transaction\_session\_timeout=%'
    ) OR pg_catalog.current_setting('idle_in_transaction_session_timeout') <> '0' THEN
        RETURN;
    END IF;
    EXECUTE pg_catalog.format('ALTER DATABASE %I SET idle_in_transaction_session_timeout = %L',
                              pg_catalog.current_database(), '1min');
END
$$;
