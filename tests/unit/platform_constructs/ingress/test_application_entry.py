"""ApplicationEntry in the synthesized <env>-app-api stacks, per tier: load balancer (own or shared), certificate,
target group, listener rule, records, security-group path, TargetGroupBinding and the pods' readiness gate."""

from __future__ import annotations

import jsonschema
import pytest
from tfjson import only, resources_of, strip_metadata

from platform_constructs.ingress.entry_names import listener_rule_priority
from platform_constructs.ingress.markers import EXPOSURE_TAG, WEB_ACL_TAG
from platform_constructs.ingress.target_binding import CLUSTER_NAME_TAG, TargetBinding
from platform_constructs.parameters import table

ENVIRONMENTS = ["dev", "staging", "prod"]
HOST = "api.{env}.acme.example"


def apps(stack_json, env):
    return strip_metadata(stack_json(f"{env}-app-api"))


def parameter(config, value):
    """``${data...insecure_value}`` of the SSM lookup of ``value``."""
    [name] = [name for name, lookup in config["data"]["aws_ssm_parameter"].items()
              if lookup["name"].endswith(value.key)]
    return f"${{data.aws_ssm_parameter.{name}.insecure_value}}"


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_apps_stack_reads_only_values_the_platform_stack_publishes(stack_json, env):
    read = {lookup["name"] for lookup in stack_json(f"{env}-app-api")["data"]["aws_ssm_parameter"].values()}
    written = {parameter["name"] for parameter in stack_json(env)["resource"]["aws_ssm_parameter"].values()}
    assert read and read <= written


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_certificate_covers_exactly_the_host_and_validates_in_the_public_zone(stack_json, env):
    config = apps(stack_json, env)
    certificate = only(config, "aws_acm_certificate")
    assert (certificate["domain_name"], certificate["validation_method"]) == (HOST.format(env=env), "DNS")
    assert "*" not in certificate["domain_name"] and "subject_alternative_names" not in certificate
    [validation] = [record for record in resources_of(config, "aws_route53_record").values() if "records" in record]
    assert validation["zone_id"] == parameter(config, table.PUBLIC_ZONE_ID)


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_target_group_registers_pod_ips_with_the_tiers_timing(platform, stack_json, env):
    settings = platform.environments[env]
    group = only(apps(stack_json, env), "aws_lb_target_group")
    assert (group["target_type"], group["port"], group["protocol"]) == ("ip", 8080, "HTTP")
    assert group["name"] == f"acme-{env}-api-8080"
    assert group["health_check"] == {"enabled": True, "path": "/ready", "port": "traffic-port", "protocol": "HTTP",
                                     "matcher": "200-399", **settings.rollout.target_health_check.terraform()}
    assert group["deregistration_delay"] == str(settings.rollout.deregistration_delay.to_seconds())
    assert group["tags"] == {CLUSTER_NAME_TAG: f"acme-{env}-eks"}  # the Auto Mode controller may register only then
    assert group["lifecycle"] == {"create_before_destroy": True}


def test_dev_entries_share_the_platform_stacks_internal_load_balancer(stack_json):
    config = apps(stack_json, "dev")
    assert not resources_of(config, "aws_lb") and not resources_of(config, "aws_lb_listener")
    shared = table.shared_load_balancer("internal")
    rule = only(config, "aws_lb_listener_rule")
    assert rule["listener_arn"] == parameter(config, shared.https_listener_arn)
    extra = only(config, "aws_lb_listener_certificate")  # SNI: the host's certificate next to the domain's
    assert extra["listener_arn"] == rule["listener_arn"]
    assert extra["certificate_arn"].startswith("${aws_acm_certificate_validation.")
    [shared_lb] = resources_of(strip_metadata(stack_json("dev")), "aws_lb").values()
    assert (shared_lb["name"], shared_lb["internal"]) == ("acme-dev-internal", True)


@pytest.mark.parametrize("env", ["staging", "prod"])
def test_staging_and_prod_entries_get_their_own_internet_facing_load_balancer_behind_the_waf(stack_json, env):
    config = apps(stack_json, env)
    balancer = only(config, "aws_lb")
    assert (balancer["name"], balancer["internal"]) == (f"acme-{env}-api", False)
    assert balancer["subnets"] == f'${{split(",", {parameter(config, table.PUBLIC_SUBNET_IDS)[2:-1]})}}'
    assert balancer["tags"] == {WEB_ACL_TAG: f"acme-{env}-entries"}
    assert only(config, "aws_wafv2_web_acl_association")["web_acl_arn"] == parameter(config, table.WEB_ACL_ARN)
    assert balancer["access_logs"]["bucket"] == parameter(config, table.ACCESS_LOG_BUCKET)
    assert balancer["enable_deletion_protection"] is True and balancer["lifecycle"] == {"prevent_destroy": True}
    listeners = {listener["port"]: listener for listener in resources_of(config, "aws_lb_listener").values()}
    assert listeners[80]["default_action"][0]["redirect"] == {"protocol": "HTTPS", "port": "443",
                                                              "status_code": "HTTP_301"}
    assert listeners[443]["ssl_policy"] == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    open_to_anyone = [rule for rule in resources_of(config, "aws_vpc_security_group_ingress_rule").values()
                      if rule.get("cidr_ipv4") == "0.0.0.0/0"]
    assert sorted(rule["from_port"] for rule in open_to_anyone) == [80, 443]
    assert all(rule["tags"] == {EXPOSURE_TAG: "internet-facing-listener"} for rule in open_to_anyone)


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_listener_rule_forwards_the_host_and_paths_at_a_priority_of_the_host(stack_json, env):
    config = apps(stack_json, env)
    rule = only(config, "aws_lb_listener_rule")
    assert rule["priority"] == listener_rule_priority(HOST.format(env=env))
    assert rule["condition"] == [{"host_header": {"values": [HOST.format(env=env)]}},
                                 {"path_pattern": {"values": ["/*"]}}]
    [action] = rule["action"]
    target_group = next(iter(resources_of(config, "aws_lb_target_group")))
    assert action == {"type": "forward", "target_group_arn": f"${{aws_lb_target_group.{target_group}.arn}}"}


@pytest.mark.parametrize(("env", "zones"), [("dev", {table.PUBLIC_ZONE_ID}),
                                            ("staging", {table.PUBLIC_ZONE_ID, table.PRIVATE_ZONE_ID}),
                                            ("prod", {table.PUBLIC_ZONE_ID, table.PRIVATE_ZONE_ID})])
def test_alias_records_follow_the_zones_and_the_visibility(stack_json, env, zones):
    config = apps(stack_json, env)
    aliases = [record for record in resources_of(config, "aws_route53_record").values() if "alias" in record]
    assert {record["zone_id"] for record in aliases} == {parameter(config, zone) for zone in zones}
    assert all(record["name"] == HOST.format(env=env) and record["type"] == "A" and
               record["alias"]["evaluate_target_health"] is True for record in aliases)


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_only_the_container_port_is_opened_from_the_load_balancer_to_the_pods(stack_json, env):
    config = apps(stack_json, env)
    egress = only(config, "aws_vpc_security_group_egress_rule")
    [ingress] = [rule for rule in resources_of(config, "aws_vpc_security_group_ingress_rule").values()
                 if "referenced_security_group_id" in rule]
    pods = parameter(config, table.CLUSTER_SECURITY_GROUP_ID)
    assert (egress["from_port"], egress["to_port"], egress["referenced_security_group_id"]) == (8080, 8080, pods)
    assert (ingress["from_port"], ingress["to_port"], ingress["security_group_id"]) == (8080, 8080, pods)
    assert ingress["referenced_security_group_id"] == egress["security_group_id"]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_pods_wait_for_their_target_before_they_count_as_ready(stack_json, env):
    config = apps(stack_json, env)
    [(binding_name, binding)] = resources_of(config, "kubernetes_manifest").items()
    deployment = only(config, "kubernetes_deployment_v1")
    gate = TargetBinding.auto_mode().readiness_gate("api")
    assert deployment["spec"]["template"]["spec"]["readiness_gate"] == [{"condition_type": gate}]
    assert f"kubernetes_manifest.{binding_name}" in deployment["depends_on"]
    # the binding (and so the pods) waits until the load balancer can check them: the rule uses the target
    # group (an unused one reports no health) and the security-group path to the pods is open
    assert binding["depends_on"] == [
        f"aws_lb_listener_rule.{next(iter(resources_of(config, 'aws_lb_listener_rule')))}",
        f"aws_vpc_security_group_egress_rule.{next(iter(resources_of(config, 'aws_vpc_security_group_egress_rule')))}",
        *[f"aws_vpc_security_group_ingress_rule.{name}" for name, rule in
          resources_of(config, "aws_vpc_security_group_ingress_rule").items()
          if "referenced_security_group_id" in rule]]
    namespace = resources_of(config, "kubernetes_namespace_v1")["NamespaceApi"]["metadata"]
    assert namespace["labels"]["eks.amazonaws.com/pod-readiness-gate-inject"] == "enabled"


# The TargetGroupBinding fields the constructs set, as the AWS Load Balancer Controller's API reference and
# the EKS Auto Mode migration table document them (Auto Mode: eks.amazonaws.com/v1, targetType required).
BINDING_SCHEMA = {
    "type": "object", "additionalProperties": False, "required": ["apiVersion", "kind", "metadata", "spec"],
    "properties": {
        "apiVersion": {"enum": ["eks.amazonaws.com/v1", "elbv2.k8s.aws/v1beta1"]},
        "kind": {"const": "TargetGroupBinding"},
        "metadata": {"type": "object", "required": ["name", "namespace"], "properties": {
            "name": {"type": "string", "pattern": "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"},
            "namespace": {"type": "string"}, "labels": {"type": "object"}}},
        "spec": {"type": "object", "additionalProperties": False,
                 "required": ["targetGroupARN", "targetType", "serviceRef"],
                 "properties": {
                     "targetGroupARN": {"type": "string", "minLength": 1},
                     "targetType": {"enum": ["ip", "instance"]},
                     "serviceRef": {"type": "object", "additionalProperties": False, "required": ["name", "port"],
                                    "properties": {"name": {"type": "string"},
                                                   "port": {"type": ["integer", "string"]}}}}},
    },
}


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_binding_matches_the_documented_spec_and_targets_pod_ips(stack_json, env):
    manifest = only(apps(stack_json, env), "kubernetes_manifest")["manifest"]
    jsonschema.validate(manifest, BINDING_SCHEMA)
    assert manifest["apiVersion"] == "eks.amazonaws.com/v1"
    assert manifest["spec"]["targetType"] == "ip"  # readiness gates work with IP targets only
    assert manifest["spec"]["serviceRef"] == {"name": "api", "port": 80}


@pytest.mark.parametrize(("binding", "api_version", "gate", "label"), [
    (TargetBinding.auto_mode(), "eks.amazonaws.com/v1", "target-health.eks.amazonaws.com/api",
     "eks.amazonaws.com/pod-readiness-gate-inject"),
    (TargetBinding.load_balancer_controller(), "elbv2.k8s.aws/v1beta1", "target-health.elbv2.k8s.aws/api",
     "elbv2.k8s.aws/pod-readiness-gate-inject"),
])
def test_each_controller_has_its_own_api_gate_and_label(binding, api_version, gate, label):
    manifest = binding.manifest(name="api", namespace="api", service="api", service_port=80, target_group_arn="arn:tg")
    jsonschema.validate(manifest, BINDING_SCHEMA)
    assert (manifest["apiVersion"], binding.readiness_gate("api"), binding.namespace_labels) == (
        api_version, gate, {label: "enabled"})


@pytest.mark.parametrize(("compute", "expected"), [("auto-mode", TargetBinding.auto_mode()),
                                                   ("node-groups", TargetBinding.load_balancer_controller())])
def test_the_binding_follows_the_clusters_compute_mode(compute, expected):
    assert TargetBinding.for_compute(compute) == expected


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_outputs_name_the_url_and_the_alarm_dimensions(stack_json, env):
    config = apps(stack_json, env)
    outputs = {name: output["value"] for name, output in config["output"].items()}
    assert outputs["api_url"] == f"https://{HOST.format(env=env)}"
    assert outputs["api_host"] == HOST.format(env=env)
    group = next(iter(resources_of(config, "aws_lb_target_group")))
    assert outputs["api_target_group_arn_suffix"] == f"${{aws_lb_target_group.{group}.arn_suffix}}"
    assert outputs["api_load_balancer_arn_suffix"].endswith("arn_suffix}") or outputs[
        "api_load_balancer_arn_suffix"].endswith("insecure_value}")


def test_an_application_without_an_entry_is_refused_at_the_construct(synth_stack, platform):
    from platform_constructs.errors import ConstructValidationError

    env = platform.environments["prod"]

    def build(stack):
        from platform_constructs.ingress.application_entry import ApplicationEntry, EntryEnvironment
        from platform_constructs.naming import Naming
        from platform_constructs.parameters.platform_values import PlatformValuesReader

        naming = Naming("acme", "prod")
        environment = EntryEnvironment(naming=naming, dns=env.dns, ingress=env.ingress, rollout=env.rollout,
                                       cluster_name="acme-prod-eks", binding=TargetBinding.auto_mode(),
                                       platform=PlatformValuesReader(stack, "Platform", naming=naming))
        ApplicationEntry(stack, "EntryApi", app="api", workload=env.apps["api"].model_copy(update={"ingress": None}),
                         namespace="api", environment=environment)

    with pytest.raises(ConstructValidationError) as raised:
        synth_stack(build)
    assert (raised.value.code, raised.value.path) == ("ingress.missing", "test/EntryApi")
    assert "add [apps.<name>.ingress]" in raised.value.message
