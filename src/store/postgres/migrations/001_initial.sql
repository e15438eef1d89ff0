-- ocsae's shared store, schema 1. Everything lives in the schema "ocsae"; the
-- role that creates it (the office's administrator) owns it and bypasses the
-- row-level security; technicians are members of the group role ocsae_tech.

CREATE SCHEMA ocsae;

-- The schema version and the store's settings (multi_office).
CREATE TABLE ocsae.meta (
    key text PRIMARY KEY,
    value text NOT NULL
);

-- Which roles (a technician's, or a group's) belong to which comarca's office,
-- for the row-level security of a database shared by several offices.
CREATE TABLE ocsae.office (
    comarca text NOT NULL,
    role name NOT NULL,
    PRIMARY KEY (comarca, role)
);

-- The comarques of the offices the connected role belongs to.
CREATE FUNCTION ocsae.my_comarques() RETURNS text[]
LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(DISTINCT o.comarca), '{}')
    FROM ocsae.office o JOIN pg_roles r ON r.rolname = o.role
    WHERE pg_has_role(session_user, r.oid, 'MEMBER')
$$;

-- One table per kind of record: its key, its comarca, the record as JSON.
CREATE TABLE ocsae.municipality (
    ine integer PRIMARY KEY,
    comarca text NOT NULL,
    record jsonb NOT NULL
);

CREATE TABLE ocsae.rollout (
    ine integer NOT NULL,
    service text COLLATE "C" NOT NULL,
    comarca text NOT NULL,
    record jsonb NOT NULL,
    PRIMARY KEY (ine, service)
);

CREATE TABLE ocsae.certificate (
    id bigint PRIMARY KEY,
    ine integer NOT NULL,
    comarca text NOT NULL,
    record jsonb NOT NULL
);
CREATE INDEX certificate_comarca ON ocsae.certificate (comarca);

-- Request ids; never reused, even after an undo.
CREATE SEQUENCE ocsae.certificate_id;

-- The history, appended in commit order (writers hold an advisory lock from
-- taking a number to committing). The author is the connection's role.
CREATE SEQUENCE ocsae.history_seq;
CREATE TABLE ocsae.history (
    seq bigint PRIMARY KEY,
    at timestamptz NOT NULL,
    author text NOT NULL DEFAULT session_user,
    kind text NOT NULL CHECK (kind IN ('do', 'undo', 'redo')),
    target bigint,
    change text NOT NULL,
    edits integer NOT NULL,
    comarques text[] NOT NULL
);

-- Each record an entry changed, before and after (null: absent).
CREATE TABLE ocsae.history_edit (
    seq bigint NOT NULL REFERENCES ocsae.history (seq),
    pos integer NOT NULL,
    kind text NOT NULL,
    key text COLLATE "C" NOT NULL,
    comarca text NOT NULL,
    before jsonb,
    after jsonb,
    PRIMARY KEY (seq, pos)
);
CREATE INDEX history_edit_record ON ocsae.history_edit (kind, key, seq);

-- Each user's undo and redo stacks (history sequence numbers, oldest first).
CREATE TABLE ocsae.stacks (
    author text PRIMARY KEY DEFAULT session_user,
    undo bigint[] NOT NULL,
    redo bigint[] NOT NULL
);

-- Small texts a user's dashboard keeps (figures for its first screen).
CREATE TABLE ocsae.cache (
    author text NOT NULL DEFAULT session_user,
    name text NOT NULL,
    body text NOT NULL,
    PRIMARY KEY (author, name)
);

-- Settings every technician of an office shares.
CREATE TABLE ocsae.local_holiday (
    comarca text NOT NULL,
    day date NOT NULL,
    PRIMARY KEY (comarca, day)
);

CREATE TABLE ocsae.service (
    id text PRIMARY KEY,
    position integer NOT NULL,
    short text NOT NULL,
    name text NOT NULL,
    description text NOT NULL DEFAULT '',
    steps jsonb NOT NULL DEFAULT '[]'
);

-- Each user sees and writes only their own stacks and cache.
ALTER TABLE ocsae.stacks ENABLE ROW LEVEL SECURITY;
CREATE POLICY own ON ocsae.stacks USING (author = session_user) WITH CHECK (author = session_user);
ALTER TABLE ocsae.cache ENABLE ROW LEVEL SECURITY;
CREATE POLICY own ON ocsae.cache USING (author = session_user) WITH CHECK (author = session_user);

-- An office's rows; in force once `multi_office` enables row-level security.
CREATE POLICY office ON ocsae.municipality
    USING (comarca = ANY ((SELECT ocsae.my_comarques())::text[]))
    WITH CHECK (comarca = ANY ((SELECT ocsae.my_comarques())::text[]));
CREATE POLICY office ON ocsae.rollout
    USING (comarca = ANY ((SELECT ocsae.my_comarques())::text[]))
    WITH CHECK (comarca = ANY ((SELECT ocsae.my_comarques())::text[]));
CREATE POLICY office ON ocsae.certificate
    USING (comarca = ANY ((SELECT ocsae.my_comarques())::text[]))
    WITH CHECK (comarca = ANY ((SELECT ocsae.my_comarques())::text[]));
CREATE POLICY office ON ocsae.history_edit
    USING (comarca = ANY ((SELECT ocsae.my_comarques())::text[]))
    WITH CHECK (comarca = ANY ((SELECT ocsae.my_comarques())::text[]));
CREATE POLICY office ON ocsae.history
    USING (comarques && (SELECT ocsae.my_comarques()))
    WITH CHECK (comarques <@ (SELECT ocsae.my_comarques()));
CREATE POLICY office ON ocsae.local_holiday
    USING (comarca = ANY ((SELECT ocsae.my_comarques())::text[]))
    WITH CHECK (comarca = ANY ((SELECT ocsae.my_comarques())::text[]));

-- What a technician may do. The history is appended, never changed, and its
-- author is never theirs to write: it is the column's default, session_user.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ocsae_tech') THEN
        CREATE ROLE ocsae_tech NOLOGIN;
    END IF;
END
$$;
GRANT USAGE ON SCHEMA ocsae TO ocsae_tech;
GRANT SELECT ON ocsae.meta, ocsae.office, ocsae.service, ocsae.local_holiday TO ocsae_tech;
GRANT SELECT, INSERT, UPDATE, DELETE ON ocsae.municipality, ocsae.rollout, ocsae.certificate TO ocsae_tech;
GRANT SELECT, INSERT (seq, at, kind, target, change, edits, comarques) ON ocsae.history TO ocsae_tech;
GRANT SELECT, INSERT ON ocsae.history_edit TO ocsae_tech;
GRANT SELECT, INSERT (undo, redo), UPDATE (undo, redo) ON ocsae.stacks TO ocsae_tech;
GRANT SELECT, DELETE, INSERT (name, body), UPDATE (body) ON ocsae.cache TO ocsae_tech;
GRANT USAGE, SELECT ON SEQUENCE ocsae.certificate_id, ocsae.history_seq TO ocsae_tech;
GRANT EXECUTE ON FUNCTION ocsae.my_comarques() TO ocsae_tech;
