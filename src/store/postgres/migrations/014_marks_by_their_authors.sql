-- Schema 14: a checklist step's mark (`done_by`) and a request's appointment
-- check (`user`) name who made them, as an activity names its author (schema
-- 10). Written by hand, a technician could mark a step, or record a check, in
-- a colleague's name. A mark or check a technician's statement writes, new or
-- changed, is now their own, or one the record had in an entry committed
-- before: an undo brings back a colleague's mark that an entry took away, a
-- redo one it put. Nothing is rewritten: the edit must say what the row holds,
-- so a mark in another's name is refused, and the client never sends one.
--
-- The administrator keeps the names it gives: a restore (and `ocsae migrate`)
-- writes every mark as it was made.

-- Whether `mark` was at `path` of record `rec_key` of kind `rec_kind`, before
-- or after an edit of an entry another transaction committed (the entries of
-- this one are the writer's own to write). History numbers are in commit order,
-- and the index on (kind, key, seq) finds the record's edits.
CREATE FUNCTION ocsae.mark_was_there(rec_kind text, rec_key text, path text[], mark jsonb)
RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT EXISTS (
        SELECT FROM ocsae.history_edit AS e
        JOIN ocsae.history AS h ON h.seq = e.seq
        WHERE e.kind = rec_kind AND e.key = rec_key
          AND h.txid IS DISTINCT FROM txid_current()
          AND (e.before #> path = mark OR e.after #> path = mark)
    )
$$;

-- The trigger's alone: called by hand, it would tell of another office's history.
REVOKE ALL ON FUNCTION ocsae.mark_was_there(text, text, text[], jsonb) FROM PUBLIC;

-- A mark the row gets, new or changed, is the session user's or was there.
CREATE FUNCTION ocsae.keep_mark_authors() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    mark jsonb;
    old_mark jsonb;
    steps integer;
    rec_key text;
BEGIN
    IF ocsae.is_admin() OR jsonb_typeof(NEW.record) IS DISTINCT FROM 'object' THEN
        RETURN NEW;
    END IF;
    IF TG_TABLE_NAME = 'rollout' THEN
        rec_key := NEW.ine::text || '/' || NEW.service;
        steps := CASE WHEN jsonb_typeof(NEW.record -> 'steps') = 'array'
                      THEN jsonb_array_length(NEW.record -> 'steps') ELSE 0 END;
        FOR i IN 0 .. steps - 1 LOOP
            mark := NEW.record -> 'steps' -> i;
            old_mark := NULL;
            IF TG_OP = 'UPDATE' THEN
                old_mark := OLD.record -> 'steps' -> i;
            END IF;
            IF jsonb_typeof(mark) = 'object'
               AND mark IS DISTINCT FROM old_mark
               AND (mark ->> 'done_by') IS DISTINCT FROM session_user::text
               AND NOT ocsae.mark_was_there('rollout', rec_key, ARRAY['steps', i::text], mark) THEN
                RAISE EXCEPTION 'ocsae: step % of % is marked as done by %, not by this user',
                        i + 1, rec_key, mark ->> 'done_by'
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
        END LOOP;
    ELSE
        mark := NEW.record -> 'appointment_check';
        old_mark := NULL;
        IF TG_OP = 'UPDATE' THEN
            old_mark := OLD.record -> 'appointment_check';
        END IF;
        IF jsonb_typeof(mark) = 'object'
           AND mark IS DISTINCT FROM old_mark
           AND (mark ->> 'user') IS DISTINCT FROM session_user::text
           AND NOT ocsae.mark_was_there('certificate', NEW.id::text, ARRAY['appointment_check'], mark) THEN
            RAISE EXCEPTION 'ocsae: the appointment check of request % is recorded as made by %, not by this user',
                    NEW.id, mark ->> 'user'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    RETURN NEW;
END
$$;

-- Fired only where a mark may have changed, so that an import of requests
-- without checks, or a change of a cell's notes, costs nothing more.
CREATE TRIGGER keep_mark_authors BEFORE INSERT ON ocsae.rollout
    FOR EACH ROW EXECUTE FUNCTION ocsae.keep_mark_authors();
CREATE TRIGGER keep_mark_authors_changed BEFORE UPDATE ON ocsae.rollout
    FOR EACH ROW WHEN (NEW.record -> 'steps' IS DISTINCT FROM OLD.record -> 'steps')
    EXECUTE FUNCTION ocsae.keep_mark_authors();
CREATE TRIGGER keep_mark_authors BEFORE INSERT ON ocsae.certificate
    FOR EACH ROW WHEN (jsonb_typeof(NEW.record -> 'appointment_check') = 'object')
    EXECUTE FUNCTION ocsae.keep_mark_authors();
CREATE TRIGGER keep_mark_authors_changed BEFORE UPDATE ON ocsae.certificate
    FOR EACH ROW WHEN (NEW.record -> 'appointment_check' IS DISTINCT FROM OLD.record -> 'appointment_check')
    EXECUTE FUNCTION ocsae.keep_mark_authors();
