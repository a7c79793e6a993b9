-- Least-privilege roles for @se-letters/db. Run by the owner of the tables (the role that runs
-- `se-letters-db migrate`) or a superuser, after migrating: `se-letters-db roles`, or
-- `psql "$DATABASE_URL" --single-transaction -v ON_ERROR_STOP=1 -f sql/roles.sql`.
-- Idempotent: running it again changes nothing, and repairs grants that were revoked.
--
--   se_letters_service   for services: read and write rows of the four tables through LetterRepository.
--                        No DDL, no TRUNCATE, no CREATE in the schema, no writes to _prisma_migrations.
--   se_letters_readonly  for reporting: SELECT only.
--
-- Both are NOLOGIN group roles: give them to login roles that you create yourself, so no password passes
-- through this file or the CLI, e.g.
--   CREATE ROLE letters_api LOGIN PASSWORD '…' IN ROLE se_letters_service;
--   GRANT se_letters_readonly TO metabase;
-- Roles are cluster-wide; the grants below hold in the current database and its current schema only.

DO $$
BEGIN
  IF to_regclass('letters') IS NULL THEN
    RAISE EXCEPTION 'table letters not found (search_path %): run se-letters-db migrate first', current_setting('search_path')
      USING ERRCODE = 'undefined_table';
  END IF;
END $$;

-- CREATE ROLE has no IF NOT EXISTS; two concurrent runs may both pass the check, so the loser's
-- duplicate is ignored as well.
DO $$
DECLARE
  name text;
BEGIN
  FOREACH name IN ARRAY ARRAY['se_letters_service', 'se_letters_readonly'] LOOP
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = name) THEN
      BEGIN
        EXECUTE format('CREATE ROLE %I NOLOGIN', name);
      EXCEPTION WHEN duplicate_object OR unique_violation THEN
        NULL;
      END;
    END IF;
  END LOOP;
END $$;

-- The database is this connection's and the schema is that of letters, so the file works whatever they are named.
DO $$
DECLARE
  schema_name text := (SELECT relnamespace::regnamespace::text FROM pg_class WHERE oid = to_regclass('letters'));
BEGIN
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO se_letters_service, se_letters_readonly', current_database());
  EXECUTE format('GRANT USAGE ON SCHEMA %s TO se_letters_service, se_letters_readonly', schema_name);
  -- PostgreSQL 15 and later no longer let PUBLIC create objects in schema public; on older servers
  -- this removes that right, which would otherwise give every role (the service role too) DDL there.
  EXECUTE format('REVOKE CREATE ON SCHEMA %s FROM PUBLIC', schema_name);
END $$;

GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE letters, letter_products, letter_product_matches, processing_debug
  TO se_letters_service;
-- USAGE is what nextval() (the id defaults) needs; UPDATE (setval) is left out: only the importer
-- moves sequences, and it runs as the owner.
GRANT USAGE, SELECT ON SEQUENCE letters_id_seq, letter_products_id_seq, letter_product_matches_id_seq, processing_debug_id_seq
  TO se_letters_service;

GRANT SELECT ON TABLE letters, letter_products, letter_product_matches, processing_debug TO se_letters_readonly;

-- The health check (`se-letters-db status`, checkDatabaseHealth) reads the migration history.
GRANT SELECT ON TABLE _prisma_migrations TO se_letters_service, se_letters_readonly;

-- Tables and sequences that later migrations create (as the owner of letters) get the same rights,
-- so a new migration needs no new run of this file.
DO $$
DECLARE
  owner text := (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = to_regclass('letters'));
  schema_name text := (SELECT relnamespace::regnamespace::text FROM pg_class WHERE oid = to_regclass('letters'));
BEGIN
  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %s GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO se_letters_service',
    owner, schema_name);
  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %s GRANT USAGE, SELECT ON SEQUENCES TO se_letters_service',
    owner, schema_name);
  EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %s GRANT SELECT ON TABLES TO se_letters_readonly',
    owner, schema_name);
END $$;
