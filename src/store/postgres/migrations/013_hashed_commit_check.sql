-- Schema 13: the check at commit (`verify_edits`) joins an entry's edits with
-- the rows `prior` kept by hash, whatever the statistics say. Both are written
-- in the same transaction, so the planner guesses them at a few dozen rows and
-- chose a nested loop: an import of 80,000 requests into one council spent 200 s
-- of the server's time at its commit (6 s now), holding the writers' lock.
ALTER FUNCTION ocsae.verify_edits() SET enable_nestloop = off;
