-- Schema 14: a checklist step's mark (`done_by`) and a request's appointment
-- check (`user`) name who made them, as an activity names its author (schema
-- 10). Written by hand, a technician could mark a step, or record a check, in
-- a colleague's name. Now every history edit a technician writes that brings a
-- mark or check into a record (new, or changed) must bring their own, or one
-- the record had in an edit another transaction committed: an undo brings back
-- a colleague's mark that an entry took away, a redo one it put.
--
-- The edits, not the rows, are checked: schemas 6, 8 and 9 tie a record's
-- edits in a transaction into one chain from the row as it was to the row as
-- it is left, so a mark reaches a row only through an edit that brings it, and
-- no edit, even one in the middle of a chain that writes no row, brings a mark
-- unchecked. A row moved to another key (its council, its id) has an edit that
-- creates it there, so a mark does not travel with it either. Nothing is
-- rewritten: the client never sends another's mark, and the refusal says whose.
--
-- Run as the writer (not SECURITY DEFINER): the earlier edits looked at are the
-- ones row-level security lets them read, their own office's. The administrator
-- keeps the names it gives: a restore (and `ocsae migrate`) writes every mark
-- as it was made.

-- Whether `mark` was at `path` of record `rec_key` of kind `rec_kind`, before
-- or after an edit another transaction committed (those of this one are the
-- writer's own). The index on (kind, key, seq) finds the record's edits.
CREATE FUNCTION ocsae.mark_was_there(rec_kind text, rec_key text, path text[], mark jsonb)
RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT EXISTS (
        SELECT FROM ocsae.history_edit AS e
        JOIN ocsae.history AS h ON h.seq = e.seq
        WHERE e.kind = rec_kind AND e.key = rec_key
          AND h.txid IS DISTINCT FROM txid_current()
          AND (e.before #> path = mark OR e.after #> path = mark)
    )
$$;

-- Refuses an edit that brings a mark in another's name that the record never had.
-- Each step is looked at once (the steps are read out of the record once). A
-- mark without a name is left to schema 10's check, which refuses it as unreadable.
CREATE FUNCTION ocsae.check_marks() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    steps jsonb;
    steps_before jsonb;
    step integer;
    mark jsonb;
BEGIN
    IF ocsae.is_admin() THEN
        RETURN NEW;
    END IF;
    IF NEW.kind = 'rollout' THEN
        steps := CASE WHEN jsonb_typeof(NEW.after -> 'steps') = 'array' THEN NEW.after -> 'steps' ELSE '[]' END;
        steps_before := NEW.before -> 'steps';
        SELECT s.i::integer - 1, s.m INTO step, mark
        FROM jsonb_array_elements(steps) WITH ORDINALITY AS s(m, i)
        WHERE jsonb_typeof(s.m -> 'done_by') = 'string'
          AND s.m IS DISTINCT FROM steps_before -> (s.i::integer - 1)
          AND (s.m ->> 'done_by') IS DISTINCT FROM session_user::text
          AND NOT ocsae.mark_was_there('rollout', NEW.key, ARRAY['steps', (s.i - 1)::text], s.m)
        LIMIT 1;
        IF step IS NOT NULL THEN
            RAISE EXCEPTION 'ocsae: step % of % is marked as done by %, not by this user',
                    step + 1, NEW.key, mark ->> 'done_by'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    ELSE
        mark := NEW.after -> 'appointment_check';
        IF jsonb_typeof(mark -> 'user') = 'string'
           AND (mark ->> 'user') IS DISTINCT FROM session_user::text
           AND NOT ocsae.mark_was_there('certificate', NEW.key, ARRAY['appointment_check'], mark) THEN
            RAISE EXCEPTION 'ocsae: the appointment check of request % is recorded as made by %, not by this user',
                    NEW.key, mark ->> 'user'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    RETURN NEW;
END
$$;

-- Fired only for an edit whose marks may bring one, so that an import of
-- requests (no checks) or of rollout statuses costs nothing more.
CREATE TRIGGER check_marks BEFORE INSERT ON ocsae.history_edit
    FOR EACH ROW WHEN (
        (NEW.kind = 'rollout' AND NEW.after -> 'steps' IS DISTINCT FROM NEW.before -> 'steps')
        OR (NEW.kind = 'certificate'
            AND jsonb_typeof(NEW.after -> 'appointment_check') = 'object'
            AND NEW.after -> 'appointment_check' IS DISTINCT FROM NEW.before -> 'appointment_check'))
    EXECUTE FUNCTION ocsae.check_marks();
