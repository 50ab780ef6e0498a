"""The PostgreSQL grants of the grant job, run for real against a local PostgreSQL server, twice.

The server (tests/postgres_server.py) behaves like RDS where it matters: the master user may create roles but
is no superuser, and ``rds_iam`` exists. The plan comes from the repository's configuration.
"""

from __future__ import annotations

import pytest
from postgres_server import MASTER_PASSWORD, MASTER_USER, SqlError, postgres_server

from platform_constructs.access.grants_plan import grants_plan
from platformctl.data_grants import GrantFailed
from platformctl.data_grants.plan import PostgresGrant
from platformctl.data_grants.postgres import apply, psql_command

#: Everything the grants decide, as one text: roles, memberships, passwords, schema owners, privileges.
STATE = """
SELECT string_agg(line, E'\\n' ORDER BY line) FROM (
  SELECT format('role %s login=%s super=%s createrole=%s password=%s', rolname, rolcanlogin, rolsuper,
                rolcreaterole, rolpassword IS NOT NULL) AS line FROM pg_authid WHERE rolname IN ('api', 'reports')
  UNION ALL SELECT format('member %s of %s', m.rolname, r.rolname) FROM pg_auth_members a
    JOIN pg_roles r ON r.oid = a.roleid JOIN pg_roles m ON m.oid = a.member WHERE m.rolname IN ('api', 'reports')
  UNION ALL SELECT format('schema %s owner %s acl %s', nspname, pg_get_userbyid(nspowner), nspacl)
    FROM pg_namespace WHERE nspname = 'api'
  UNION ALL SELECT format('default acl %s', defaclacl) FROM pg_default_acl
  UNION ALL SELECT format('database acl %s', datacl) FROM pg_database WHERE datname = 'app'
) AS state
"""


@pytest.fixture(scope="module")
def server():
    with postgres_server() as running:
        yield running


def grant_of(platform, server, app="api", **changes) -> PostgresGrant:
    """The postgres section of ``app``'s plan in prod, pointed at the local server."""
    plan = grants_plan(platform.environments["prod"], app, region="eu-west-1", pod_role_arn="arn:role",
                       endpoints={"postgres": {"host": "127.0.0.1", "master_secret_arn": "arn:secret"},
                                  "search": {}, "kafka": {}})
    section = {**plan["postgres"], "port": server.port, **changes}
    return PostgresGrant.model_validate(section)


def run(grant: PostgresGrant) -> str:
    return apply(grant, MASTER_PASSWORD, sslmode="disable")


def test_the_read_write_user_gets_rds_iam_no_password_and_owns_its_schema(platform, server):
    grant = grant_of(platform, server)
    assert (grant.user, grant.schema_name, grant.access, grant.master_user) == ("api", "api", "read-write", MASTER_USER)

    first = run(grant)
    state = server.sql(STATE)
    second = run(grant)

    assert first == second == "user api: rds_iam, read-write on schema api (owner api)"
    assert server.sql(STATE) == state  # idempotent: the second run changed nothing
    assert "role api login=t super=f createrole=f password=f" in state
    assert "member api of rds_iam" in state
    assert "schema api owner api" in state
    # the application's migrations create and use tables in its schema
    server.sql("SET ROLE api; CREATE TABLE api.orders (id int); INSERT INTO api.orders VALUES (1)")
    assert server.sql("SET ROLE api; SELECT count(*) FROM api.orders") == "1"


def test_a_read_only_user_reads_the_schema_now_and_later_and_writes_nothing(platform, server):
    run(grant_of(platform, server))
    reader = grant_of(platform, server, user="reports", access="read-only", schema="api", schema_owner="api")
    server.sql("SET ROLE api; CREATE TABLE IF NOT EXISTS api.before (id int)")

    run(reader)
    state = server.sql(STATE)
    run(reader)

    assert server.sql(STATE) == state
    assert "member reports of rds_iam" in state
    server.sql("SET ROLE api; CREATE TABLE api.after (id int); INSERT INTO api.after VALUES (7)")
    assert server.sql("SET ROLE reports; SELECT id FROM api.after") == "7"  # default privileges
    assert server.sql("SET ROLE reports; SELECT count(*) FROM api.before") == "0"
    with pytest.raises(SqlError, match="permission denied"):
        server.sql("SET ROLE reports; INSERT INTO api.after VALUES (8)")
    with pytest.raises(SqlError, match="permission denied"):
        server.sql("SET ROLE reports; CREATE TABLE api.mine (id int)")


def test_a_failing_grant_changes_nothing(platform, server):
    before = server.sql(STATE)
    broken = grant_of(platform, server, user="broken_user", database="no_such_database")
    with pytest.raises(GrantFailed, match='database "no_such_database" does not exist'):
        apply(broken, MASTER_PASSWORD, sslmode="disable")
    assert server.sql(STATE) == before
    assert server.sql("SELECT count(*) FROM pg_roles WHERE rolname = 'broken_user'") == "0"


def test_values_reach_psql_as_variables_never_as_sql(platform, server):
    command = psql_command(grant_of(platform, server))
    assert command[command.index("user=api") - 1:command.index("user=api") + 1] == ["--set", "user=api"]
    assert not any("api" in part and " " in part for part in command)
