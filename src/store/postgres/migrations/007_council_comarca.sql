-- Schema 7: a council's comarca is its row's. The record's `comarca` must be the
-- row's `comarca` column, which row-level security checks: a technician could
-- otherwise rename the comarca inside a council's record (a row of their own
-- office), and a restore, which takes each council's comarca from its record,
-- would then hand the council, its requests and its history to another office.
-- NOT VALID: rows already there are not checked (a store that was tampered with
-- still opens, for its administrator to look at); every new write is.
ALTER TABLE ocsae.municipality
    ADD CONSTRAINT municipality_comarca_is_its_record
    CHECK (record ->> 'comarca' = comarca) NOT VALID;
