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
-- creates it there, so a mark does not travel with it either; and a request's
-- check is of its holder, role and council together, so an edit of those that
-- keeps a colleague's check brings a check nobody made (ocsae drops the check
-- when they change). Nothing is
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

-- A request's appointment check with what it checked: the holder, their role
-- and their council. A check is of that person: carried over to another holder
-- (the request edited), it is a check nobody made. Null without a check.
CREATE FUNCTION ocsae.check_of(request jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN pg_catalog.jsonb_typeof(request OPERATOR(pg_catalog.->) 'appointment_check')
                     OPERATOR(pg_catalog.=) 'object'
           THEN pg_catalog.jsonb_build_object(
                'appointment_check', request OPERATOR(pg_catalog.->) 'appointment_check',
                'holder', request OPERATOR(pg_catalog.->) 'holder',
                'role', request OPERATOR(pg_catalog.->) 'role',
                'ine', request OPERATOR(pg_catalog.->) 'ine') END
$$;

-- Whether request `rec_key` had `check` (as `check_of` gives it), before or
-- after an edit another transaction committed.
CREATE FUNCTION ocsae.check_was_there(rec_key text, checked jsonb)
RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT EXISTS (
        SELECT FROM ocsae.history_edit AS e
        JOIN ocsae.history AS h ON h.seq = e.seq
        WHERE e.kind = 'certificate' AND e.key = rec_key
          AND h.txid IS DISTINCT FROM txid_current()
          AND (ocsae.check_of(e.before) = checked OR ocsae.check_of(e.after) = checked)
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
        mark := ocsae.check_of(NEW.after);
        IF jsonb_typeof(mark -> 'appointment_check' -> 'user') = 'string'
           AND mark IS DISTINCT FROM ocsae.check_of(NEW.before)
           AND (mark -> 'appointment_check' ->> 'user') IS DISTINCT FROM session_user::text
           AND NOT ocsae.check_was_there(NEW.key, mark) THEN
            RAISE EXCEPTION 'ocsae: request % holds an appointment check made by % of another holder, role or council, or never made',
                    NEW.key, mark -> 'appointment_check' ->> 'user'
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
            AND (NEW.after -> 'appointment_check' IS DISTINCT FROM NEW.before -> 'appointment_check'
                 OR NEW.after -> 'holder' IS DISTINCT FROM NEW.before -> 'holder'
                 OR NEW.after -> 'role' IS DISTINCT FROM NEW.before -> 'role'
                 OR NEW.after -> 'ine' IS DISTINCT FROM NEW.before -> 'ine')))
    EXECUTE FUNCTION ocsae.check_marks();
