-- Schema 10: what a technician's hand-written SQL could still write in schema 9.
--
-- * A record, or an edit's `before` or `after`, whose values ocsae cannot read:
--   schema 9 checked the keys and their JSON types only, so a request's status
--   "bogus", an id of -1 or 1.5, an instant beyond chrono's range, a card issued
--   on "soon", or a pause without its start made every dashboard, every export
--   and every backup say the store is damaged. `is_readable` now checks every
--   value as ocsae's types read it (a test compares the lists with them): each
--   enumeration's names, each integer whole and in its type's range, each
--   instant in chrono's, each date a day of the calendar, each list's elements,
--   and which keys may be absent or null. Replaced in place: the checks schema
--   9 put on the six tables and on the edits call it by its identity.
-- * A record of any size: a string of gigabytes, loaded by every dashboard. A
--   record's JSON text now holds at most 1 MiB, and each string in it at most
--   10,000 characters (`domain::limits::STORED_RECORD_BYTES`, `STORED_TEXT`).
-- * An activity's author as the client says: a technician logged an activity as
--   a colleague. Its `created_by` is now the session's user on insert, and stays
--   as it was on update (an upsert too: its update sees the row it replaces).
--
-- NOT VALID, as schema 9's: rows already there are not checked; every new write is.
-- The checks take no SET clause, so that they inline; what they call is named in
-- pg_catalog (a schema on the search path could otherwise lend an operator).

-- A JSON string.
CREATE FUNCTION ocsae.is_text(v jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT pg_catalog.jsonb_typeof(v) OPERATOR(pg_catalog.=) 'string'
$$;

-- A JSON boolean.
CREATE FUNCTION ocsae.is_flag(v jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT pg_catalog.jsonb_typeof(v) OPERATOR(pg_catalog.=) 'boolean'
$$;

-- A whole number from 0 to `max` (an unsigned type's largest). jsonb keeps a
-- number's fraction as written (`1.0` has scale 1), and serde reads one with a
-- fraction as a float, which no integer field takes.
CREATE FUNCTION ocsae.is_uint(v jsonb, max numeric) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN pg_catalog.jsonb_typeof(v) OPERATOR(pg_catalog.=) 'number'
           THEN pg_catalog.scale(v::pg_catalog.numeric) OPERATOR(pg_catalog.=) 0
                AND v::pg_catalog.numeric OPERATOR(pg_catalog.>=) 0
                AND v::pg_catalog.numeric OPERATOR(pg_catalog.<=) max
           ELSE false END
$$;

-- An instant, in milliseconds since 1970 (chrono's `ts_milliseconds`): a whole
-- number from 1900 to the end of 9999 (`domain::limits::EARLIEST_INSTANT_MS`,
-- `LATEST_INSTANT_MS`), well within chrono's range: one at its very end reads,
-- yet shown in local time or moved by a deadline it is out of range.
CREATE FUNCTION ocsae.is_instant(v jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN pg_catalog.jsonb_typeof(v) OPERATOR(pg_catalog.=) 'number'
           THEN pg_catalog.scale(v::pg_catalog.numeric) OPERATOR(pg_catalog.=) 0
                AND v::pg_catalog.numeric OPERATOR(pg_catalog.>=) '-2208988800000'::pg_catalog.numeric
                AND v::pg_catalog.numeric OPERATOR(pg_catalog.<=) 253402300799999::pg_catalog.numeric
           ELSE false END
$$;

-- Whether day `d` of month `m` (1-12) of year `y` is in chrono's calendar.
CREATE FUNCTION ocsae.is_day(y integer, m integer, d integer) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT y OPERATOR(pg_catalog.>=) -262143 AND y OPERATOR(pg_catalog.<=) 262142
       AND d OPERATOR(pg_catalog.<=) CASE m
           WHEN 2 THEN CASE WHEN y OPERATOR(pg_catalog.%) 4 OPERATOR(pg_catalog.=) 0
                             AND (y OPERATOR(pg_catalog.%) 100 OPERATOR(pg_catalog.<>) 0
                                  OR y OPERATOR(pg_catalog.%) 400 OPERATOR(pg_catalog.=) 0)
                            THEN 29 ELSE 28 END
           WHEN 4 THEN 30 WHEN 6 THEN 30 WHEN 9 THEN 30 WHEN 11 THEN 30
           ELSE 31 END
$$;

-- A day, as chrono writes a `NaiveDate`: `2026-01-15`, a year beyond 0-9999
-- signed (`+10000-01-01`), within chrono's years; the day one of its month's.
-- (chrono also reads `2026-1-5` and spaces; ocsae never writes them.)
CREATE FUNCTION ocsae.is_date(v jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN pg_catalog.jsonb_typeof(v) OPERATOR(pg_catalog.=) 'string'
                 AND (v OPERATOR(pg_catalog.#>>) '{}') OPERATOR(pg_catalog.~)
                     '^([0-9]{4}|[+-][0-9]{4,6})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$'
           THEN ocsae.is_day(
                    pg_catalog.substr(v OPERATOR(pg_catalog.#>>) '{}', 1,
                        pg_catalog.length(v OPERATOR(pg_catalog.#>>) '{}') OPERATOR(pg_catalog.-) 6)::pg_catalog.int4,
                    pg_catalog.substr(pg_catalog.right(v OPERATOR(pg_catalog.#>>) '{}', 5), 1, 2)::pg_catalog.int4,
                    pg_catalog.right(v OPERATOR(pg_catalog.#>>) '{}', 2)::pg_catalog.int4)
           ELSE false END
$$;

-- One of an enumeration's names (serde writes a unit variant as its name).
CREATE FUNCTION ocsae.is_one_of(v jsonb, names text[]) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT pg_catalog.jsonb_typeof(v) OPERATOR(pg_catalog.=) 'string'
       AND (v OPERATOR(pg_catalog.#>>) '{}') OPERATOR(pg_catalog.=) ANY (names)
$$;

-- The elements of a list, when `v` is one; none otherwise (a caller checks its type).
-- Each list's check (`each_…`) reads them in a subquery, so it is called, not
-- inlined; its `are_…` calls it only for a list that is not empty (most are).
CREATE FUNCTION ocsae.elements(v jsonb) RETURNS SETOF jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT pg_catalog.jsonb_array_elements(
        CASE pg_catalog.jsonb_typeof(v) WHEN 'array' THEN v ELSE '[]'::pg_catalog.jsonb END)
$$;

-- A council's contacts (`Contact`).
CREATE FUNCTION ocsae.each_contacts(v jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT pg_catalog.jsonb_typeof(v) OPERATOR(pg_catalog.=) 'array' AND NOT EXISTS (
        SELECT FROM ocsae.elements(v) AS e(c)
        WHERE NOT coalesce(
            pg_catalog.jsonb_typeof(c) OPERATOR(pg_catalog.=) 'object'
            AND ocsae.is_one_of(c OPERATOR(pg_catalog.->) 'role', ARRAY['Mayor', 'Secretary', 'Intervenor', 'Treasurer', 'ServiceManager', 'DataCertifier', 'Other'])
            AND ocsae.is_text(c OPERATOR(pg_catalog.->) 'name')
            AND ocsae.is_text(c OPERATOR(pg_catalog.->) 'phone')
            AND ocsae.is_text(c OPERATOR(pg_catalog.->) 'email'), false))
$$;
CREATE FUNCTION ocsae.are_contacts(v jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN v OPERATOR(pg_catalog.=) '[]'::pg_catalog.jsonb THEN true ELSE ocsae.each_contacts(v) END
$$;

-- A rollout cell's checklist: per step, null or who ticked it and when (`StepMark`).
CREATE FUNCTION ocsae.each_step_marks(v jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT pg_catalog.jsonb_typeof(v) OPERATOR(pg_catalog.=) 'array' AND NOT EXISTS (
        SELECT FROM ocsae.elements(v) AS e(c)
        WHERE NOT coalesce(
            c OPERATOR(pg_catalog.=) 'null'::pg_catalog.jsonb
            OR pg_catalog.jsonb_typeof(c) OPERATOR(pg_catalog.=) 'object'
               AND ocsae.is_instant(c OPERATOR(pg_catalog.->) 'done_at')
               AND ocsae.is_text(c OPERATOR(pg_catalog.->) 'done_by'), false))
$$;
CREATE FUNCTION ocsae.are_step_marks(v jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN v OPERATOR(pg_catalog.=) '[]'::pg_catalog.jsonb THEN true ELSE ocsae.each_step_marks(v) END
$$;

-- An activity's stops of the clock (`Pause`): `to` present, null while it waits.
CREATE FUNCTION ocsae.each_pauses(v jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT pg_catalog.jsonb_typeof(v) OPERATOR(pg_catalog.=) 'array' AND NOT EXISTS (
        SELECT FROM ocsae.elements(v) AS e(c)
        WHERE NOT coalesce(
            pg_catalog.jsonb_typeof(c) OPERATOR(pg_catalog.=) 'object'
            AND ocsae.is_instant(c OPERATOR(pg_catalog.->) 'from')
            AND (c OPERATOR(pg_catalog.->) 'to' OPERATOR(pg_catalog.=) 'null'::pg_catalog.jsonb
                 OR ocsae.is_instant(c OPERATOR(pg_catalog.->) 'to')), false))
$$;
CREATE FUNCTION ocsae.are_pauses(v jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN v OPERATOR(pg_catalog.=) '[]'::pg_catalog.jsonb THEN true ELSE ocsae.each_pauses(v) END
$$;

-- A training's councils and their attendees (`Attendance`).
CREATE FUNCTION ocsae.each_attendances(v jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT pg_catalog.jsonb_typeof(v) OPERATOR(pg_catalog.=) 'array' AND NOT EXISTS (
        SELECT FROM ocsae.elements(v) AS e(c)
        WHERE NOT coalesce(
            pg_catalog.jsonb_typeof(c) OPERATOR(pg_catalog.=) 'object'
            AND ocsae.is_uint(c OPERATOR(pg_catalog.->) 'ine', 4294967295)
            AND ocsae.is_uint(c OPERATOR(pg_catalog.->) 'attendees', 4294967295), false))
$$;
CREATE FUNCTION ocsae.are_attendances(v jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN v OPERATOR(pg_catalog.=) '[]'::pg_catalog.jsonb THEN true ELSE ocsae.each_attendances(v) END
$$;

-- A list of strings.
CREATE FUNCTION ocsae.each_texts(v jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT pg_catalog.jsonb_typeof(v) OPERATOR(pg_catalog.=) 'array' AND NOT EXISTS (
        SELECT FROM ocsae.elements(v) AS e(c) WHERE NOT coalesce(ocsae.is_text(c), false))
$$;
CREATE FUNCTION ocsae.are_texts(v jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN v OPERATOR(pg_catalog.=) '[]'::pg_catalog.jsonb THEN true ELSE ocsae.each_texts(v) END
$$;

-- A request's look-up of the holder's appointment (`AppointmentCheck`).
CREATE FUNCTION ocsae.is_appointment_check(v jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT pg_catalog.jsonb_typeof(v) OPERATOR(pg_catalog.=) 'object'
       AND ocsae.is_instant(v OPERATOR(pg_catalog.->) 'at')
       AND ocsae.is_text(v OPERATOR(pg_catalog.->) 'user')
       AND ocsae.is_flag(v OPERATOR(pg_catalog.->) 'found')
$$;

-- One line per key, in one of four shapes (a test reads them):
--   ocsae.is_X(record -> 'k' ...)                                   required
--   (record -> 'k' = 'null' OR ocsae.is_X(record -> 'k' ...))         present, may be null
--   (coalesce(record -> 'k', 'null') = 'null' OR ocsae.is_X(...))     may be absent or null
--   (record -> 'k' IS NULL OR ocsae.is_X(record -> 'k' ...))          may be absent, not null
CREATE OR REPLACE FUNCTION ocsae.is_readable(kind text, record jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(CASE kind
        WHEN 'municipality' THEN
            ocsae.is_uint(record OPERATOR(pg_catalog.->) 'ine', 4294967295)
            AND ocsae.is_text(record OPERATOR(pg_catalog.->) 'name')
            AND ocsae.is_text(record OPERATOR(pg_catalog.->) 'comarca')
            AND ocsae.is_uint(record OPERATOR(pg_catalog.->) 'population', 4294967295)
            AND ocsae.is_uint(record OPERATOR(pg_catalog.->) 'population_year', 65535)
            AND ocsae.are_contacts(record OPERATOR(pg_catalog.->) 'contacts')
            AND ocsae.is_text(record OPERATOR(pg_catalog.->) 'notes')
            AND (coalesce(record OPERATOR(pg_catalog.->) 'subscriber_form_sent_on', 'null') OPERATOR(pg_catalog.=) 'null' OR ocsae.is_date(record OPERATOR(pg_catalog.->) 'subscriber_form_sent_on'))
        WHEN 'rollout' THEN
            ocsae.is_uint(record OPERATOR(pg_catalog.->) 'ine', 4294967295)
            AND ocsae.is_text(record OPERATOR(pg_catalog.->) 'service')
            AND ocsae.is_one_of(record OPERATOR(pg_catalog.->) 'status', ARRAY['Pending', 'InProgress', 'Done', 'NotApplicable', 'Blocked'])
            AND ocsae.are_step_marks(record OPERATOR(pg_catalog.->) 'steps')
            AND ocsae.is_text(record OPERATOR(pg_catalog.->) 'notes')
            AND ocsae.is_text(record OPERATOR(pg_catalog.->) 'blocked_reason')
            AND (record OPERATOR(pg_catalog.->) 'updated_at' OPERATOR(pg_catalog.=) 'null' OR ocsae.is_instant(record OPERATOR(pg_catalog.->) 'updated_at'))
            AND (record OPERATOR(pg_catalog.->) 'source' IS NULL OR ocsae.is_text(record OPERATOR(pg_catalog.->) 'source'))
        WHEN 'certificate' THEN
            ocsae.is_uint(record OPERATOR(pg_catalog.->) 'id', 18446744073709551615)
            AND ocsae.is_uint(record OPERATOR(pg_catalog.->) 'ine', 4294967295)
            AND ocsae.is_text(record OPERATOR(pg_catalog.->) 'holder')
            AND ocsae.is_one_of(record OPERATOR(pg_catalog.->) 'role', ARRAY['Mayor', 'Secretary', 'Intervenor', 'Treasurer', 'Other'])
            AND ocsae.is_text(record OPERATOR(pg_catalog.->) 'cert_type')
            AND ocsae.is_one_of(record OPERATOR(pg_catalog.->) 'operation', ARRAY['New', 'Renewal', 'Revocation'])
            AND ocsae.is_flag(record OPERATOR(pg_catalog.->) 'urgent')
            AND ocsae.is_text(record OPERATOR(pg_catalog.->) 'reason')
            AND ocsae.is_one_of(record OPERATOR(pg_catalog.->) 'status', ARRAY['Received', 'AwaitingDocuments', 'Filed', 'Issued', 'Delivered', 'Rejected', 'Cancelled'])
            AND ocsae.is_instant(record OPERATOR(pg_catalog.->) 'received_at')
            AND (record OPERATOR(pg_catalog.->) 'filed_at' OPERATOR(pg_catalog.=) 'null' OR ocsae.is_instant(record OPERATOR(pg_catalog.->) 'filed_at'))
            AND (record OPERATOR(pg_catalog.->) 'issued_at' OPERATOR(pg_catalog.=) 'null' OR ocsae.is_instant(record OPERATOR(pg_catalog.->) 'issued_at'))
            AND (record OPERATOR(pg_catalog.->) 'delivered_at' OPERATOR(pg_catalog.=) 'null' OR ocsae.is_instant(record OPERATOR(pg_catalog.->) 'delivered_at'))
            AND ocsae.is_text(record OPERATOR(pg_catalog.->) 'notes')
            AND ocsae.is_flag(record OPERATOR(pg_catalog.->) 'appointment_attached')
            AND ocsae.is_flag(record OPERATOR(pg_catalog.->) 'delivery_sheet_signed')
            AND ocsae.is_text(record OPERATOR(pg_catalog.->) 'status_reason')
            AND (coalesce(record OPERATOR(pg_catalog.->) 'renews', 'null') OPERATOR(pg_catalog.=) 'null' OR ocsae.is_uint(record OPERATOR(pg_catalog.->) 'renews', 18446744073709551615))
            AND (coalesce(record OPERATOR(pg_catalog.->) 'revokes', 'null') OPERATOR(pg_catalog.=) 'null' OR ocsae.is_uint(record OPERATOR(pg_catalog.->) 'revokes', 18446744073709551615))
            AND (coalesce(record OPERATOR(pg_catalog.->) 'revocation_reason', 'null') OPERATOR(pg_catalog.=) 'null' OR ocsae.is_one_of(record OPERATOR(pg_catalog.->) 'revocation_reason', ARRAY['DataChanged', 'KeyCompromised', 'CardLost', 'RelationshipEnded', 'ProhibitedList']))
            AND (coalesce(record OPERATOR(pg_catalog.->) 'appointment_check', 'null') OPERATOR(pg_catalog.=) 'null' OR ocsae.is_appointment_check(record OPERATOR(pg_catalog.->) 'appointment_check'))
            AND (coalesce(record OPERATOR(pg_catalog.->) 'downloaded_at', 'null') OPERATOR(pg_catalog.=) 'null' OR ocsae.is_instant(record OPERATOR(pg_catalog.->) 'downloaded_at'))
        WHEN 'activity' THEN
            ocsae.is_uint(record OPERATOR(pg_catalog.->) 'id', 18446744073709551615)
            AND (coalesce(record OPERATOR(pg_catalog.->) 'ine', 'null') OPERATOR(pg_catalog.=) 'null' OR ocsae.is_uint(record OPERATOR(pg_catalog.->) 'ine', 4294967295))
            AND ocsae.is_one_of(record OPERATOR(pg_catalog.->) 'kind', ARRAY['Call', 'Email', 'Visit', 'Remote', 'Training'])
            AND ocsae.is_one_of(record OPERATOR(pg_catalog.->) 'direction', ARRAY['In', 'Out'])
            AND ocsae.is_text(record OPERATOR(pg_catalog.->) 'contact')
            AND (coalesce(record OPERATOR(pg_catalog.->) 'service', 'null') OPERATOR(pg_catalog.=) 'null' OR ocsae.is_text(record OPERATOR(pg_catalog.->) 'service'))
            AND (coalesce(record OPERATOR(pg_catalog.->) 'request_id', 'null') OPERATOR(pg_catalog.=) 'null' OR ocsae.is_uint(record OPERATOR(pg_catalog.->) 'request_id', 18446744073709551615))
            AND ocsae.is_text(record OPERATOR(pg_catalog.->) 'summary')
            AND ocsae.is_text(record OPERATOR(pg_catalog.->) 'notes')
            AND ocsae.is_one_of(record OPERATOR(pg_catalog.->) 'status', ARRAY['Open', 'Waiting', 'Closed'])
            AND ocsae.is_instant(record OPERATOR(pg_catalog.->) 'received_at')
            AND (record OPERATOR(pg_catalog.->) 'closed_at' OPERATOR(pg_catalog.=) 'null' OR ocsae.is_instant(record OPERATOR(pg_catalog.->) 'closed_at'))
            AND ocsae.are_pauses(record OPERATOR(pg_catalog.->) 'pauses')
            AND (coalesce(record OPERATOR(pg_catalog.->) 'minutes', 'null') OPERATOR(pg_catalog.=) 'null' OR ocsae.is_uint(record OPERATOR(pg_catalog.->) 'minutes', 4294967295))
            AND (coalesce(record OPERATOR(pg_catalog.->) 'follow_up_on', 'null') OPERATOR(pg_catalog.=) 'null' OR ocsae.is_date(record OPERATOR(pg_catalog.->) 'follow_up_on'))
            AND ocsae.is_text(record OPERATOR(pg_catalog.->) 'created_by')
            AND ocsae.are_attendances(record OPERATOR(pg_catalog.->) 'councils')
            AND ocsae.are_texts(record OPERATOR(pg_catalog.->) 'services')
            AND (coalesce(record OPERATOR(pg_catalog.->) 'session_minutes', 'null') OPERATOR(pg_catalog.=) 'null' OR ocsae.is_uint(record OPERATOR(pg_catalog.->) 'session_minutes', 4294967295))
        WHEN 'operator' THEN
            ocsae.is_text(record OPERATOR(pg_catalog.->) 'name')
            AND ocsae.is_date(record OPERATOR(pg_catalog.->) 'card_issued_on')
        WHEN 'service' THEN
            ocsae.is_text(record OPERATOR(pg_catalog.->) 'id')
            AND ocsae.is_text(record OPERATOR(pg_catalog.->) 'short')
            AND ocsae.is_text(record OPERATOR(pg_catalog.->) 'name')
            AND (record OPERATOR(pg_catalog.->) 'description' IS NULL OR ocsae.is_text(record OPERATOR(pg_catalog.->) 'description'))
            AND ocsae.are_texts(record OPERATOR(pg_catalog.->) 'steps')
            AND (record OPERATOR(pg_catalog.->) 'retired' IS NULL OR ocsae.is_flag(record OPERATOR(pg_catalog.->) 'retired'))
            AND (record OPERATOR(pg_catalog.->) 'position' IS NULL OR ocsae.is_uint(record OPERATOR(pg_catalog.->) 'position', 4294967295))
        ELSE false END, false)
$$;

-- A record of bounded size: its JSON text at most 1 MiB, and no string in it
-- longer than 10,000 characters (a record of at most 10,000 bytes holds none).
CREATE FUNCTION ocsae.record_fits(record jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN pg_catalog.octet_length(record::pg_catalog.text) OPERATOR(pg_catalog.<=) 10000 THEN true
        WHEN pg_catalog.octet_length(record::pg_catalog.text) OPERATOR(pg_catalog.>) 1048576 THEN false
        ELSE NOT EXISTS (SELECT FROM pg_catalog.jsonb_path_query(record, 'strict $.** ? (@.type() == "string")') v
                         WHERE pg_catalog.char_length(v OPERATOR(pg_catalog.#>>) '{}') OPERATOR(pg_catalog.>) 10000)
        END
$$;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['municipality', 'rollout', 'certificate', 'activity', 'operator', 'catalogue'] LOOP
        EXECUTE format('ALTER TABLE ocsae.%I ADD CONSTRAINT %I CHECK (ocsae.record_fits(record)) NOT VALID',
                       t, t || '_fits');
    END LOOP;
END
$$;
ALTER TABLE ocsae.history_edit
    ADD CONSTRAINT history_edit_fits
    CHECK ((before IS NULL OR ocsae.record_fits(before)) AND (after IS NULL OR ocsae.record_fits(after)))
    NOT VALID;

-- An activity's author: the session's user when it is filed, its first author
-- ever after. The administrator keeps the author it gives: a restore (and
-- `ocsae migrate`, which restores) writes every office's activities as they were
-- logged, by their own authors; the administrator owns the schema, and could
-- drop this trigger anyway.
CREATE FUNCTION ocsae.keep_activity_author() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF ocsae.is_admin() OR pg_catalog.jsonb_typeof(NEW.record) IS DISTINCT FROM 'object' THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND pg_catalog.jsonb_typeof(OLD.record -> 'created_by') = 'string' THEN
        NEW.record := pg_catalog.jsonb_set(NEW.record, '{created_by}', OLD.record -> 'created_by');
    ELSE
        NEW.record := pg_catalog.jsonb_set(NEW.record, '{created_by}', pg_catalog.to_jsonb(session_user::text));
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER keep_activity_author BEFORE INSERT OR UPDATE ON ocsae.activity
    FOR EACH ROW EXECUTE FUNCTION ocsae.keep_activity_author();
