"""What its application stack gives an application for its declared uses: exact grants, endpoints without secrets,
default-deny network policies, and the grant job; and what the platform stack publishes and creates for them."""

from __future__ import annotations

import json
import re

import pytest
from iam_simulation import is_allowed, resolve
from tfjson import resources_of, strip_metadata

from platform_constructs.network.subnet_plan import plan_subnets
from platform_constructs.policy.secrets import secret_literals

ENVIRONMENTS = ["dev", "staging", "prod"]
SSM = r"\$\{data\.aws_ssm_parameter\.Platform_(\w+?)_[0-9A-F]{8}\.insecure_value\}"
ARN = (r"arn:\$\{data\.aws_partition\.Partition\.partition\}:{service}:\$\{data\.aws_region\.Region\.name\}:"
       r"\$\{data\.aws_caller_identity\.CallerIdentity\.account_id\}:")


def apps(stack_json, env):
    return strip_metadata(stack_json(f"{env}-app-api"))


def statements(config, name):
    return {statement["Sid"]: statement for statement in json.loads(config["resource"]["aws_iam_role_policy"][name]
                                                                    ["policy"])["Statement"]}


def arn(service: str, rest: str) -> re.Pattern[str]:
    return re.compile(ARN.replace("{service}", service) + rest + "$")


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_pod_role_gets_exactly_the_statements_of_its_uses(stack_json, env):
    granted = statements(apps(stack_json, env), "ApiPodGrants")
    assert set(granted) == {"PostgresConnectApi", "RedisConnectApi", "KafkaConnect", "KafkaProduce", "SearchReadWrite"}
    assert all(statement["Effect"] == "Allow" and "Condition" not in statement for statement in granted.values())
    postgres = granted["PostgresConnectApi"]
    assert postgres["Action"] == ["rds-db:connect"]
    [user_arn] = postgres["Resource"]
    assert arn("rds-db", r"dbuser:" + SSM + "/api").match(user_arn)
    assert re.match(SSM, user_arn.split("dbuser:")[1]).group(1) == "PostgresResourceId"
    redis = granted["RedisConnectApi"]
    assert redis["Action"] == ["elasticache:Connect"]
    group, user = redis["Resource"]
    assert arn("elasticache", f"replicationgroup:acme-{env}-redis").match(group)
    assert arn("elasticache", f"user:acme-{env}-redis-api").match(user)
    assert granted["KafkaConnect"]["Action"] == ["kafka-cluster:Connect"]
    [cluster] = granted["KafkaConnect"]["Resource"]
    assert arn("kafka", f"cluster/acme-{env}-kafka/" + SSM).match(cluster)
    assert re.search(SSM, cluster).group(1) == "KafkaClusterUuid"
    produce = granted["KafkaProduce"]
    assert produce["Action"] == ["kafka-cluster:DescribeTopic", "kafka-cluster:WriteData"]
    [topic] = produce["Resource"]
    assert arn("kafka", f"topic/acme-{env}-kafka/" + SSM + r"/api\.events").match(topic)
    search = granted["SearchReadWrite"]
    assert search["Action"] == ["es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost", "es:ESHttpPut", "es:ESHttpPatch",
                                "es:ESHttpDelete"]
    assert [arn("es", f"domain/acme-{env}-search/api-\\*").match(item) is not None
            for item in search["Resource"]] == [True]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_container_reads_its_endpoints_from_a_config_map_without_secrets(platform, stack_json, env):
    config = apps(stack_json, env)
    endpoints = next(body for body in resources_of(config, "kubernetes_config_map_v1").values()
                     if body["metadata"]["name"] == "api-data")
    data = endpoints["data"]
    assert endpoints["metadata"]["namespace"] == "${kubernetes_namespace_v1.NamespaceApi.metadata[0].name}"
    assert re.fullmatch(SSM, data["PGHOST"]).group(1) == "PostgresEndpoint"
    settings = platform.environments[env]
    assert (data["PGPORT"], data["PGDATABASE"], data["PGUSER"], data["PGSSLMODE"], data["PG_IAM_AUTH"]) == (
        str(settings.postgres.port), settings.postgres.database_name, "api", "verify-full", "true")
    assert re.fullmatch(SSM, data["REDIS_HOST"]).group(1) == "RedisPrimaryEndpoint"
    assert (data["REDIS_USER"], data["REDIS_CACHE_NAME"], data["REDIS_TLS"], data["REDIS_IAM_AUTH"]) == (
        f"acme-{env}-redis-api", f"acme-{env}-redis", "true", "true")
    assert re.fullmatch(SSM, data["KAFKA_BOOTSTRAP_SERVERS"]).group(1) == "KafkaBootstrapBrokersSaslIam"
    assert (data["KAFKA_SECURITY_PROTOCOL"], data["KAFKA_PRODUCE_TOPICS"]) == ("SASL_SSL", "api.events")
    assert re.fullmatch("https://" + SSM, data["OPENSEARCH_URL"]).group(1) == "SearchEndpoint"
    assert data["AWS_REGION"] == "${data.aws_region.Region.name}"
    assert not list(secret_literals(endpoints))
    assert not [key for key in data if re.search("PASSWORD|SECRET|TOKEN|KEY$", key)]
    [deployment] = resources_of(config, "kubernetes_deployment_v1").values()
    template = deployment["spec"]["template"]
    [container] = template["spec"]["container"]
    assert container["env_from"] == [{"config_map_ref": {"name": "api-data"}}]
    # a changed endpoint changes the pod template: the pods roll and read the new value
    assert template["metadata"]["annotations"]["platform.acme.example/checksum"].startswith("${sha256(jsonencode(")


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_namespace_denies_everything_the_application_does_not_declare(platform, stack_json, env):
    config, settings = apps(stack_json, env), platform.environments[env]
    policies = {body["metadata"]["name"]: body["spec"] for body in resources_of(config, "kubernetes_network_policy_v1")
                .values() if body["metadata"]["namespace"].startswith("${kubernetes_namespace_v1.NamespaceApi.")}
    assert set(policies) == {"api-default-deny", "api-ingress", "api-egress"}
    assert policies["api-default-deny"] == {"pod_selector": {}, "policy_types": ["Ingress", "Egress"]}
    plan = plan_subnets(settings.network, settings.aws.region)
    tier = "public" if settings.apps["api"].ingress.visibility == "internet-facing" else "private"
    [rule] = policies["api-ingress"]["ingress"]
    assert rule["from"] == [{"ip_block": {"cidr": cidr}} for cidr in sorted(plan.for_tier(tier).values())]
    assert rule["ports"] == [{"port": "8080", "protocol": "TCP"}]
    dns, agent, stores = policies["api-egress"]["egress"]
    assert dns == {"ports": [{"port": "53", "protocol": "UDP"}, {"port": "53", "protocol": "TCP"}]}
    assert agent == {"to": [{"ip_block": {"cidr": "169.254.170.23/32"}}], "ports": [{"port": "80", "protocol": "TCP"}]}
    assert stores["to"] == [{"ip_block": {"cidr": cidr}} for cidr in sorted(plan.for_tier("isolated").values())]
    assert [port["port"] for port in stores["ports"]] == ["443", "5432", "6379", "9098"]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_grant_job_runs_the_plan_in_its_own_namespace_with_its_own_role(platform, stack_json, env):
    config, settings = apps(stack_json, env), platform.environments[env]
    [job] = resources_of(config, "kubernetes_job_v1").values()
    assert job["metadata"] == {"name": "data-grants", "namespace": "data-grants-api", "labels": {
        "app.kubernetes.io/name": "data-grants", "app.kubernetes.io/part-of": "api",
        "app.kubernetes.io/managed-by": "terraform"}}
    assert job["wait_for_completion"] is True
    pod = job["spec"]["template"]["spec"]
    [container] = pod["container"]
    assert container["image"] == settings.data_access.runner_image
    assert container["command"] + container["args"] == ["platformctl", "data-grants", "apply", "--plan",
                                                        "/etc/data-grants/plan.json"]
    assert (pod["service_account_name"], pod["restart_policy"]) == ("data-grants", "Never")
    association = next(body for body in resources_of(config, "aws_eks_pod_identity_association").values()
                       if body["namespace"] == "data-grants-api")
    assert association["service_account"] == "data-grants"
    granted = statements(config, next(name for name in config["resource"]["aws_iam_role_policy"] if "Grants" in name
                                      and name != "ApiPodGrants"))
    assert set(granted) == {"PostgresMasterSecret", "PostgresMasterSecretKey", "SearchMasterRole", "KafkaConnect",
                            "KafkaManageTopics"}
    assert granted["PostgresMasterSecretKey"]["Condition"] == {
        "StringEquals": {"kms:ViaService": "secretsmanager.${data.aws_region.Region.name}.amazonaws.com"}}
    assert granted["KafkaManageTopics"]["Action"] == ["kafka-cluster:CreateTopic", "kafka-cluster:DescribeTopic",
                                                      "kafka-cluster:AlterTopic"]
    plan = next(body for body in resources_of(config, "kubernetes_config_map_v1").values()
                if body["metadata"]["name"] == "data-grants-plan")["data"]["plan.json"]
    assert plan.startswith("${jsonencode(") and '"user" = "api"' in plan and '"partitions" = ' in plan
    [deployment] = resources_of(config, "kubernetes_deployment_v1").values()
    job_name = next(iter(resources_of(config, "kubernetes_job_v1")))
    assert f"kubernetes_job_v1.{job_name}" in deployment["depends_on"]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_network_policies_are_enforced_by_auto_mode(stack_json, env):
    """Once per cluster, in the environment's cluster configuration stack: never in an application's stack, where
    a second application would create it again and removing the first would switch enforcement off for all."""
    cluster_config = strip_metadata(stack_json(f"{env}-cluster-config"))
    [enforcement] = resources_of(cluster_config, "kubernetes_config_map_v1").values()
    assert enforcement["metadata"]["name"] == "amazon-vpc-cni"
    assert enforcement["metadata"]["namespace"] == "kube-system"
    assert enforcement["data"] == {"enable-network-policy-controller": "true"}
    assert all(body["metadata"]["namespace"] != "kube-system"
               for body in resources_of(apps(stack_json, env), "kubernetes_config_map_v1").values())


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_platform_publishes_what_the_applications_read_and_creates_their_cache_users(stack_json, env):
    platform_stack = strip_metadata(stack_json(env))
    published = {body["name"].split("/platform/")[1] for body in resources_of(platform_stack, "aws_ssm_parameter")
                 .values()}
    assert {"postgres/endpoint", "postgres/resource-id", "postgres/master-secret-arn",
            "postgres/master-secret-key-arn", "redis/primary-endpoint", "redis/reader-endpoint", "kafka/cluster-uuid",
            "kafka/bootstrap-brokers-sasl-iam", "search/endpoint", "search/master-role-arn"} <= published
    read = {body["name"].split("/platform/")[1] for body in apps(stack_json, env)["data"]["aws_ssm_parameter"].values()}
    assert read and read <= published
    users = {body["user_id"]: body for body in resources_of(platform_stack, "aws_elasticache_user").values()}
    assert set(users) == {f"acme-{env}-redis-default", f"acme-{env}-redis-api"}
    api = users[f"acme-{env}-redis-api"]
    assert (api["user_name"], api["access_string"], api["authentication_mode"]) == (
        f"acme-{env}-redis-api", "on ~api:* +@all -@dangerous", {"type": "iam"})


RESOURCE_ID, KAFKA_UUID = "db-ABCDEFGHIJKLMNOPQRSTUVWXY0", "8f2c64a1-33f1-4ab6-9b5e-2a8a4f6c1d2e-3"


def pod_grants_as_applied(platform, stack_json, env):
    """The api pod role's statements with every reference resolved as the deployed platform would resolve it."""
    settings = platform.environments[env]
    document = apps(stack_json, env)["resource"]["aws_iam_role_policy"]["ApiPodGrants"]["policy"]
    published = {"PostgresResourceId": RESOURCE_ID, "KafkaClusterUuid": KAFKA_UUID}
    values = {"data.aws_partition.Partition.partition": "aws", "data.aws_region.Region.name": settings.aws.region,
              "data.aws_caller_identity.CallerIdentity.account_id": settings.aws.account_id}
    for reference in re.findall(r"\$\{(data\.aws_ssm_parameter\.[^}]+)\}", document):
        values[reference] = published[re.fullmatch(SSM, "${" + reference + "}").group(1)]
    return json.loads(resolve(document, values))["Statement"]


def _resources(env, account, region):
    prefix = f"arn:aws:{{}}:{region}:{account}:"
    return {
        "db-user": lambda user: prefix.format("rds-db") + f"dbuser:{RESOURCE_ID}/{user}",
        "cache-user": lambda user: prefix.format("elasticache") + f"user:acme-{env}-redis-{user}",
        "cache": lambda _: prefix.format("elasticache") + f"replicationgroup:acme-{env}-redis",
        "topic": lambda topic: prefix.format("kafka") + f"topic/acme-{env}-kafka/{KAFKA_UUID}/{topic}",
        "index": lambda index: prefix.format("es") + f"domain/acme-{env}-search/{index}",
    }


#: (action, resource kind, name, allowed): what api's uses grant, and their nearest neighbours that they must not.
SIMULATIONS = [
    ("rds-db:connect", "db-user", "api", True),
    ("rds-db:connect", "db-user", "orders", False),          # another application's user
    ("rds-db:connect", "db-user", "postgres", False),        # the master user
    ("elasticache:Connect", "cache-user", "api", True),
    ("elasticache:Connect", "cache", "", True),
    ("elasticache:Connect", "cache-user", "orders", False),
    ("elasticache:Connect", "cache-user", "default", False),
    ("kafka-cluster:WriteData", "topic", "api.events", True),
    ("kafka-cluster:WriteData", "topic", "payments.events", False),
    ("kafka-cluster:ReadData", "topic", "api.events", False),  # api produces, it does not consume
    ("kafka-cluster:CreateTopic", "topic", "api.events", False),  # topics are the grant job's
    ("es:ESHttpGet", "index", "api-2026.12", True),
    ("es:ESHttpPut", "index", "api-2026.12", True),
    ("es:ESHttpGet", "index", "orders-2026.12", False),
    ("es:ESHttpGet", "index", "_security/api/roles", False),
    ("secretsmanager:GetSecretValue", "db-user", "api", False),
]


@pytest.mark.parametrize("env", ENVIRONMENTS)
@pytest.mark.parametrize(("action", "kind", "name", "allowed"), SIMULATIONS)
def test_the_pod_role_may_connect_as_its_own_user_and_not_as_another(platform, stack_json, env, action, kind, name,
                                                                      allowed):
    """A policy simulation over the synthesized document (tests/iam_simulation.py: moto does not evaluate resources)."""
    settings = platform.environments[env]
    resource = _resources(env, settings.aws.account_id, settings.aws.region)[kind](name)
    assert is_allowed(pod_grants_as_applied(platform, stack_json, env), action, resource) is allowed


GET_FROM_B = {"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::b/*"}


@pytest.mark.parametrize(("statements", "action", "resource", "allowed"), [
    ([GET_FROM_B], "s3:getobject", "arn:aws:s3:::b/k", True),   # actions ignore case
    ([GET_FROM_B], "s3:GetObject", "arn:aws:s3:::B/k", False),  # resources do not
    ([{"Effect": "Allow", "Action": "*", "Resource": "*"}, {"Effect": "Deny", "Action": "s3:*", "Resource": "*"}],
     "s3:GetObject", "arn:aws:s3:::b/k", False),
    ([{"Effect": "Allow", "Action": ["a:B"], "Resource": ["x?z"]}], "a:B", "xyz", True),
    ([], "a:B", "x", False),
])
def test_the_evaluator_follows_iam_s_rules(statements, action, resource, allowed):
    assert is_allowed(statements, action, resource) is allowed


def test_the_evaluator_refuses_what_it_does_not_evaluate():
    with pytest.raises(ValueError, match="Condition"):
        is_allowed([{"Sid": "x", "Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {}}], "a:B", "x")
