-- One application's PostgreSQL user and schema privileges. Idempotent: every statement converges.
-- psql variables (set by platformctl.data_grants.postgres): user, schema, owner, database, access.
-- :"name" quotes an identifier, :'name' a literal, so no value is ever spliced into SQL text.
\set ON_ERROR_STOP on
BEGIN;

-- the user signs in with IAM tokens only (rds_iam); it never has a password
SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'user') AS create_user \gset
\if :create_user
CREATE ROLE :"user" LOGIN;
\endif
-- (SUPERUSER and REPLICATION only a superuser grants; RDS has none, so they are never set)
ALTER ROLE :"user" WITH LOGIN NOCREATEDB NOCREATEROLE PASSWORD NULL;
GRANT rds_iam TO :"user";
GRANT CONNECT ON DATABASE :"database" TO :"user";

-- the schema's owner exists before its schema does (its own job gives it rds_iam)
SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner') AS create_owner \gset
\if :create_owner
CREATE ROLE :"owner" LOGIN;
\endif
-- the master may act for the owner: hand it the schema, set default privileges of its future tables
SELECT :'owner' <> current_user AND NOT pg_has_role(current_user, :'owner', 'MEMBER') AS join_owner \gset
\if :join_owner
GRANT :"owner" TO CURRENT_USER;
\endif
CREATE SCHEMA IF NOT EXISTS :"schema" AUTHORIZATION :"owner";
ALTER SCHEMA :"schema" OWNER TO :"owner";

SELECT :'access' = 'read-only' AS read_only \gset
\if :read_only
GRANT USAGE ON SCHEMA :"schema" TO :"user";
GRANT SELECT ON ALL TABLES IN SCHEMA :"schema" TO :"user";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA :"schema" GRANT SELECT ON TABLES TO :"user";
\endif

COMMIT;
SELECT format('user %s: rds_iam, %s on schema %s (owner %s)', :'user', :'access', :'schema', :'owner') AS granted;
