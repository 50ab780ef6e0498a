"""Environment diagrams drawn from the synthesized stacks: every stack's main resources, and who talks to whom.

The expected names are read from the synthesized JSON here, independently of the diagram code.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from platformctl.diagram.model import INTERNET, picture
from platformctl.diagram.svg import render
from platformctl.exit_codes import ExitCode

ROOT = Path(__file__).resolve().parents[3]
SVG = "{http://www.w3.org/2000/svg}"
ENVIRONMENTS = ("dev", "staging", "prod")
DATA_STORES = ("database", "cache", "event streaming", "search")
#: Resource type → the attribute holding its physical name: the main resources a reader looks for.
MAIN = {"aws_vpc": "tags.Name", "aws_subnet": "tags.Name", "aws_eks_cluster": "name",
        "aws_eks_node_group": "node_group_name_prefix", "aws_db_instance": "identifier",
        "aws_elasticache_replication_group": "replication_group_id", "aws_msk_cluster": "cluster_name",
        "aws_opensearch_domain": "domain_name", "aws_lb": "name", "aws_ecr_repository": "name",
        "kubernetes_deployment_v1": "metadata.name"}


def _documents(synth_dir: Path, env: str) -> dict[str, dict]:
    return {name: json.loads((synth_dir / "stacks" / name / "cdk.tf.json").read_text())
            for name in (env, f"{env}-app-api", "shared", "bootstrap")}


def _attribute(block: dict, dotted: str) -> str:
    value: object = block
    for part in dotted.split("."):
        value = value[0] if isinstance(value, list) else value
        value = value[part]  # type: ignore[index]
    return str(value)


def _texts(svg: str) -> str:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return "\n".join("".join(element.itertext()) for element in root.iter(f"{SVG}text"))


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_svg_names_every_stacks_main_resources(synth_dir, env):
    documents = _documents(synth_dir, env)
    svg = render(picture(env, documents))
    texts = _texts(svg)
    expected = {_attribute(block, MAIN[kind]).rstrip("-") for document in documents.values()
                for kind, blocks in document.get("resource", {}).items() if kind in MAIN for block in blocks.values()}
    expected |= {block["bucket"] for block in documents["bootstrap"]["resource"]["aws_s3_bucket"].values()
                 if not block["bucket"].endswith("-access-logs")}
    assert len(expected) >= 15
    missing = sorted(name for name in expected if name not in texts)
    assert not missing, missing
    for subnet in documents[env]["resource"]["aws_subnet"].values():
        assert subnet["cidr_block"] in texts and subnet["availability_zone"] in texts


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_security_group_rule_between_drawn_resources_is_an_arrow(synth_dir, platform, env):
    documents = _documents(synth_dir, env)
    rules = [rule for rule in documents[env]["resource"]["aws_vpc_security_group_ingress_rule"].values()
             if "referenced_security_group_id" in rule]  # (interface endpoints and load balancers admit CIDRs)
    assert len(rules) >= 4
    drawn = picture(env, documents)
    traffic = [link for link in drawn.links if link.kind == "traffic"]
    stores = {node.key for node in drawn.nodes if node.role in DATA_STORES}
    balancers = {node.key for node in drawn.nodes if node.role == "load balancer"}
    into_stores = [link for link in traffic if link.target in stores]
    assert sorted(link.label for link in into_stores) == sorted(f"{rule['ip_protocol']} {rule['from_port']}"
                                                                for rule in rules)
    cluster = next(node.key for node in drawn.nodes if node.role == "Kubernetes cluster")
    assert {link.source for link in into_stores} == {cluster}  # the data stores admit the cluster only
    # the CI network reaches the cluster's API (CiAccess); every other arrow belongs to an entry
    # (test_each_entry_is_drawn_from_its_clients_to_its_pods)
    from_ci = [link for link in traffic if link.source == f"cidr:{platform.shared.ci.network.cidr}"]
    assert [(link.target, link.label) for link in from_ci] == [(cluster, "tcp 443")]
    assert [link for link in traffic if link not in into_stores and link not in from_ci] == [
        link for link in traffic if balancers & {link.source, link.target}]
    root = ET.fromstring(render(drawn))
    assert len(list(root.iter(f"{SVG}polyline"))) == len(drawn.links)
    titles = ["".join(title.itertext()) for title in root.iter(f"{SVG}title")]
    for link in traffic:
        target = next(node for node in drawn.nodes if node.key == link.target)
        assert any(title.endswith(f"→ {target.name}: {link.label}") for title in titles)


def test_zones_and_tiers_place_each_resource(synth_dir, platform):
    drawn = picture("prod", _documents(synth_dir, "prod"))
    zones = platform.environments["prod"].network.az_count
    assert len(drawn.zones) == zones and len(drawn.subnets) == 3 * zones
    by_role = {node.role: node for node in drawn.nodes}
    assert by_role["Kubernetes cluster"].tier == "private" and len(by_role["Kubernetes cluster"].zones) == zones
    for role in ("database", "cache", "event streaming", "search"):
        assert by_role[role].tier == "isolated", role
    assert by_role["image repository"].tier is None and by_role["state bucket"].tier is None
    assert len(drawn.nat_zones) == zones  # one NAT per zone in prod
    assert any(link.label == "image pull" and link.target == by_role["Kubernetes cluster"].key for link in drawn.links)


def _resources(documents: dict[str, dict], stacks: tuple[str, ...], resource_type: str) -> list[dict]:
    return [block for stack in stacks for block in documents[stack]["resource"].get(resource_type, {}).values()]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_each_entry_is_drawn_from_its_clients_to_its_pods(synth_dir, platform, env):
    """The HTTPS entries of the environment (dev: one shared load balancer in the platform stack; staging and
    prod: one per application in its own stack), followed through the platform values the application stacks
    read."""
    documents = _documents(synth_dir, env)
    stacks = tuple(name for name in documents if name == env or name.startswith(f"{env}-app-"))
    assert len(stacks) == 2
    config = platform.environments[env]
    entries = sorted(app for app, workload in config.apps.items() if workload.ingress is not None)
    assert entries
    drawn = picture(env, documents)
    nodes = {(node.role, node.name): node for node in drawn.nodes}
    links = {(link.source, link.target): (link.label, link.kind) for link in drawn.links}
    cluster = nodes[("Kubernetes cluster", f"acme-{env}-eks")].key
    balancer_blocks = _resources(documents, stacks, "aws_lb")
    assert balancer_blocks
    assert {name for role, name in nodes if role == "load balancer"} == {block["name"] for block in balancer_blocks}
    groups = {block["name"]: block for block in _resources(documents, stacks, "aws_lb_target_group")}
    for app in entries:
        host = config.apps[app].ingress.host_in(app, config.dns.domain)
        group = next(name for name in groups if name.startswith(f"acme-{env}-{app}-"))
        balancer = next(node for (role, _), node in nodes.items() if role == "load balancer" and any(
            part.startswith(f"rule {host} /* → {group} (HTTP :{groups[group]['port']}, ip targets)")
            for part in node.parts))
        assert {"listener HTTP :80", "listener HTTPS :443"} <= set(balancer.parts)
        assert links[(balancer.key, cluster)] == (f"tcp {groups[group]['port']}", "traffic")
        internet_facing = config.apps[app].ingress.visibility == "internet-facing"
        clients = INTERNET if internet_facing else f"cidr:{config.network.cidr}"
        assert links[(clients, balancer.key)] == ("tcp 443, tcp 80", "traffic")
        assert balancer.tier == ("public" if clients == INTERNET else "private") and balancer.zones == drawn.zones
        records = [node for (role, name), node in nodes.items() if role == "DNS record" and name == host]
        assert records and all(links[(record.key, balancer.key)] == ("alias", "attached") for record in records)
        assert links[(nodes[("certificate", host)].key, balancer.key)] == ("TLS", "attached")
    for acl in _resources(documents, stacks, "aws_wafv2_web_acl"):
        web_firewall = nodes[("web firewall", acl["name"])].key
        assert [target for source, target in links if source == web_firewall]  # filters the internet-facing entries
    assert bool(_resources(documents, stacks, "aws_wafv2_web_acl")) == config.ingress.waf.enabled
    texts = _texts(render(drawn))
    assert all(host in texts for host in (config.apps[app].ingress.host_in(app, config.dns.domain) for app in entries))


def _with_entry(documents: dict[str, dict], env: str) -> dict[str, dict]:
    """The environment plus an internet-facing HTTPS entry, shaped like AWS provider resources."""
    documents = copy.deepcopy(documents)
    resources = documents[env]["resource"]
    public = [f"${{aws_subnet.{name}.id}}" for name, block in resources["aws_subnet"].items()
              if block["tags"]["Tier"] == "public"]
    cluster = next(iter(resources["aws_eks_cluster"]))
    resources["aws_security_group"]["EntrySg"] = {"name": "acme-entry", "vpc_id": "${aws_vpc.x.id}"}
    resources["aws_lb"] = {"Entry": {"name": f"acme-{env}-entry", "internal": False,
                                     "load_balancer_type": "application", "subnets": public,
                                     "security_groups": ["${aws_security_group.EntrySg.id}"]}}
    resources["aws_lb_target_group"] = {"Api": {"name": f"acme-{env}-api", "port": 8080, "protocol": "HTTP",
                                                "target_type": "ip"}}
    resources["aws_acm_certificate"] = {"Cert": {"domain_name": "api.example.com"}}
    resources["aws_lb_listener"] = {"Https": {
        "load_balancer_arn": "${aws_lb.Entry.arn}", "port": 443, "protocol": "HTTPS",
        "certificate_arn": "${aws_acm_certificate.Cert.arn}",
        "default_action": [{"type": "forward", "target_group_arn": "${aws_lb_target_group.Api.arn}"}]}}
    resources["aws_route53_record"] = {"Api": {"name": "api.example.com", "type": "A",
                                               "alias": {"name": "${aws_lb.Entry.dns_name}", "zone_id": "Z1"}}}
    resources["aws_wafv2_web_acl"] = {"Acl": {"name": f"acme-{env}-waf", "scope": "REGIONAL"}}
    resources["aws_wafv2_web_acl_association"] = {"Assoc": {"resource_arn": "${aws_lb.Entry.arn}",
                                                            "web_acl_arn": "${aws_wafv2_web_acl.Acl.arn}"}}
    resources["aws_vpc_security_group_ingress_rule"].update({
        "EntryFromInternet": {"security_group_id": "${aws_security_group.EntrySg.id}", "cidr_ipv4": "0.0.0.0/0",
                              "ip_protocol": "tcp", "from_port": 443, "to_port": 443},
        "ClusterFromEntry": {"security_group_id":
                             f"${{aws_eks_cluster.{cluster}.vpc_config[0].cluster_security_group_id}}",
                             "referenced_security_group_id": "${aws_security_group.EntrySg.id}",
                             "ip_protocol": "tcp", "from_port": 8080, "to_port": 8080}})
    return documents


def test_load_balancer_entries_are_drawn_when_the_stacks_have_them(synth_dir):
    drawn = picture("dev", _with_entry(_documents(synth_dir, "dev"), "dev"))
    by_role = {(node.role, node.name): node for node in drawn.nodes}
    entry = by_role[("load balancer", "acme-dev-entry")]
    assert (entry.name, entry.tier, entry.zones) == ("acme-dev-entry", "public", drawn.zones)
    assert entry.parts == ("listener HTTPS :443 → acme-dev-api (HTTP :8080, ip targets)",)
    links = {(link.source, link.target): (link.label, link.kind) for link in drawn.links}
    assert links[(INTERNET, entry.key)] == ("tcp 443", "traffic")
    assert links[(entry.key, by_role[("Kubernetes cluster", "acme-dev-eks")].key)] == ("tcp 8080", "traffic")
    assert links[(by_role[("DNS record", "api.example.com")].key, entry.key)] == ("alias", "attached")
    assert links[(by_role[("certificate", "api.example.com")].key, entry.key)] == ("TLS", "attached")
    assert links[(by_role[("web firewall", "acme-dev-waf")].key, entry.key)] == ("filters", "attached")
    texts = _texts(render(drawn))
    for name in ("Internet", "acme-dev-entry", "api.example.com", "acme-dev-waf", "acme-dev-api (HTTP :8080"):
        assert name in texts


def test_platformctl_diagram_writes_the_svg(synth_dir, tmp_path):
    output = tmp_path / "reports" / "dev.svg"
    done = subprocess.run([sys.executable, "-m", "platformctl.main", "diagram", "--env", "dev", "--outdir",
                           str(synth_dir), "--output", str(output)], cwd=ROOT, capture_output=True, text=True,
                          check=False)
    assert done.returncode == ExitCode.OK, done.stderr
    assert done.stdout.startswith(f"{output}: dev from dev, dev-app-api, dev-cluster-config, shared, bootstrap (")
    assert "acme-dev-eks" in _texts(output.read_text())

    from envfiles import copy_environments

    checkout = tmp_path / "checkout"
    copy_environments(checkout / "environments")
    default = subprocess.run([sys.executable, "-m", "platformctl.main", "diagram", "--env", "prod", "--root",
                              str(checkout), "--outdir", str(synth_dir)], cwd=ROOT, capture_output=True, text=True,
                             check=False)
    assert default.returncode == ExitCode.OK, default.stderr
    assert "acme-prod-eks" in _texts((checkout / "reports" / "diagram-prod.svg").read_text())
    assert not (checkout / "reports" / "diagram-dev.svg").exists()

    every = subprocess.run([sys.executable, "-m", "platformctl.main", "diagram", "--root", str(checkout), "--outdir",
                            str(synth_dir)], cwd=ROOT, capture_output=True, text=True, check=False)
    assert every.returncode == ExitCode.OK, every.stderr
    assert sorted(path.name for path in (checkout / "reports").iterdir()) == [
        f"diagram-{env}.svg" for env in sorted(ENVIRONMENTS)]
    for env in ENVIRONMENTS:
        assert f"acme-{env}-eks" in _texts((checkout / "reports" / f"diagram-{env}.svg").read_text())


@pytest.mark.parametrize(("argv", "message"), [
    (["--env", "shared"], "--env 'shared': no such application environment"),
    (["--env", "dev", "--outdir", "/nonexistent/cdktf.out"], "manifest.json not found: run `platformctl synth` first"),
    (["--output", "/tmp/never-written.svg"], "--output /tmp/never-written.svg: one file holds one environment"),
])
def test_platformctl_diagram_refuses_bad_input(argv, message):
    from platformctl.main import main

    done = subprocess.run([sys.executable, "-m", "platformctl.main", "diagram", *argv], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert done.returncode == ExitCode.USAGE and message in done.stderr and "Traceback" not in done.stderr
    assert main  # the module imports without cdktf
