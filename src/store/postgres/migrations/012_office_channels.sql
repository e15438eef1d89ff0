-- Schema 12: when several offices share the store, each office's news goes on a
-- channel of its own, whose name the other offices cannot know. Until now every
-- entry was announced, with its number, on `ocsae_changes`, which any role may
-- LISTEN to: one office's technician learnt when the others changed something,
-- and how much (the numbers are the whole history's), and every dashboard of
-- every office read the history at each change anywhere.
-- * A channel's name is `ocsae_` and the MD5 of a secret and the comarca; the
--   secret is drawn here (the server's strong random source), in a table no
--   technician may read, so no technician can compute another office's name.
-- * An entry is announced on the channel of each comarca it names; one of no
--   council (the service catalogue: comarca '') on `ocsae_changes`, as is a
--   restore. A store of one office keeps `ocsae_changes` for everything.
-- * A dashboard listens on what `ocsae.my_channels()` gives it: `ocsae_changes`
--   and its offices' channels (the administrator's, every comarca's).

CREATE TABLE ocsae.channel_secret (secret text NOT NULL);
INSERT INTO ocsae.channel_secret (secret)
    SELECT pg_catalog.replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '');
REVOKE ALL ON ocsae.channel_secret FROM PUBLIC;

CREATE FUNCTION ocsae.shared_by_offices() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT EXISTS (SELECT FROM ocsae.meta m WHERE m.key = 'multi_office' AND m.value = 'true')
$$;

-- Not callable by technicians: with it they could name any office's channel.
CREATE FUNCTION ocsae.office_channel(comarca text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE WHEN comarca = '' OR NOT ocsae.shared_by_offices() THEN 'ocsae_changes'
                ELSE 'ocsae_' || pg_catalog.md5(s.secret || comarca) END
    FROM ocsae.channel_secret s
$$;
REVOKE ALL ON FUNCTION ocsae.office_channel(text) FROM PUBLIC;

CREATE FUNCTION ocsae.my_channels() RETURNS SETOF text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT 'ocsae_changes'
    UNION
    SELECT ocsae.office_channel(c.comarca)
    FROM (SELECT pg_catalog.unnest(ocsae.my_comarques()) AS comarca
          UNION
          SELECT DISTINCT m.comarca FROM ocsae.municipality m WHERE ocsae.is_admin()) c
$$;
REVOKE ALL ON FUNCTION ocsae.my_channels() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ocsae.my_channels() TO ocsae_tech;

-- Each channel once per statement, with the last number it concerns (a
-- notification of the same channel and payload in one transaction is sent once).
CREATE OR REPLACE FUNCTION ocsae.notify_history() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM pg_catalog.pg_notify(n.channel, n.seq::text)
    FROM (SELECT ocsae.office_channel(c.comarca) AS channel, pg_catalog.max(c.seq) AS seq
          FROM (SELECT a.seq, pg_catalog.unnest(CASE WHEN pg_catalog.cardinality(a.comarques) = 0
                                                     THEN ARRAY['']::text[]
                                                     ELSE a.comarques END) AS comarca
                FROM added a) c
          GROUP BY 1) n;
    RETURN NULL;
END
$$;
