"""What a provider mirror holds, the CLI configuration routing it, and which providers cannot be installed here.

Mirrors are built in temporary directories in both of Terraform's layouts; the real Terraform
CLI reads the generated configuration in tests/integration/platformctl/test_provider_mirror.py.
"""

from __future__ import annotations

import re
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from platformctl import env_vars
from platformctl.terraform import cli
from platformctl.terraform.cli import MirrorError, cli_config_text, find_provider_mirror
from platformctl.terraform.providers import (
    Availability,
    ProviderAddress,
    ProviderMirror,
    RequiredProvider,
    probe_registry,
    required_providers,
)

LINUX = "linux_amd64"
AWS = ProviderAddress.parse("aws")
KUBERNETES = ProviderAddress.parse("hashicorp/kubernetes")


def unpacked(mirror: Path, provider: str, version: str, platform: str = LINUX) -> Path:
    directory = mirror / "registry.terraform.io" / "hashicorp" / provider / version / platform
    directory.mkdir(parents=True)
    (directory / f"terraform-provider-{provider}_v{version}_x5").write_text("binary")
    return directory


def packed(mirror: Path, provider: str, version: str, platform: str = LINUX, host: str = "registry.terraform.io",
           namespace: str = "hashicorp") -> Path:
    directory = mirror / host / namespace / provider
    directory.mkdir(parents=True, exist_ok=True)
    archive = directory / f"terraform-provider-{provider}_{version}_{platform}.zip"
    archive.write_bytes(b"PK")
    return archive


@pytest.mark.parametrize(("source", "expected"), [
    ("aws", "registry.terraform.io/hashicorp/aws"),
    ("hashicorp/Kubernetes", "registry.terraform.io/hashicorp/kubernetes"),
    ("example.com/acme/thing", "example.com/acme/thing"),
])
def test_source_addresses_get_terraforms_defaults(source, expected):
    assert str(ProviderAddress.parse(source)) == expected


@pytest.mark.parametrize("source", ["", "a/b/c/d", "host//type"])
def test_malformed_source_addresses_are_refused(source):
    with pytest.raises(ValueError, match="not a provider source address"):
        ProviderAddress.parse(source)


def test_the_unpacked_layout_lists_versions_for_this_platform_only(tmp_path):
    unpacked(tmp_path, "aws", "5.100.0")
    unpacked(tmp_path, "aws", "5.99.0", platform="darwin_arm64")
    unpacked(tmp_path, "kubernetes", "2.38.0", platform="darwin_arm64")
    mirror = ProviderMirror.scan(tmp_path, LINUX)
    assert mirror.packages == {AWS: frozenset({"5.100.0"})}
    assert mirror.describe() == "hashicorp/aws 5.100.0"


def test_the_packed_layout_is_read_from_file_names(tmp_path):
    packed(tmp_path, "kubernetes", "2.38.0")
    packed(tmp_path, "kubernetes", "2.37.1", platform="windows_amd64")
    packed(tmp_path, "thing", "1.2.3", host="example.com", namespace="acme")
    (tmp_path / "registry.terraform.io" / "hashicorp" / "kubernetes" / "terraform-provider-other_1.0.0_linux_amd64.zip"
     ).write_bytes(b"PK")  # another provider's name: Terraform ignores it
    (tmp_path / "registry.terraform.io" / "hashicorp" / "kubernetes" / "README.md").write_text("notes")
    mirror = ProviderMirror.scan(tmp_path, LINUX)
    assert mirror.packages == {ProviderAddress("example.com", "acme", "thing"): frozenset({"1.2.3"}),
                               KUBERNETES: frozenset({"2.38.0"})}


def test_both_layouts_in_one_mirror(tmp_path):
    unpacked(tmp_path, "aws", "5.100.0")
    packed(tmp_path, "aws", "5.99.0")
    packed(tmp_path, "kubernetes", "2.38.0")
    assert ProviderMirror.scan(tmp_path, LINUX).packages == {AWS: frozenset({"5.100.0", "5.99.0"}),
                                                             KUBERNETES: frozenset({"2.38.0"})}


def test_symlinks_count_only_where_terraform_follows_them(tmp_path):
    real = unpacked(tmp_path / "elsewhere", "aws", "5.100.0")
    platform_link = tmp_path / "mirror" / "registry.terraform.io" / "hashicorp" / "aws" / "5.100.0" / LINUX
    platform_link.parent.mkdir(parents=True)
    platform_link.symlink_to(real)  # the last path element may be a symlink
    version_link = tmp_path / "mirror" / "registry.terraform.io" / "hashicorp" / "kubernetes" / "2.38.0"
    version_link.parent.mkdir(parents=True)
    version_link.symlink_to(unpacked(tmp_path / "k8s", "kubernetes", "2.38.0").parent)  # an inner one may not
    (tmp_path / "linked-mirror").symlink_to(tmp_path / "mirror")  # the mirror itself may be one
    assert ProviderMirror.scan(tmp_path / "linked-mirror", LINUX).packages == {AWS: frozenset({"5.100.0"})}


def test_the_configuration_routes_exactly_what_the_mirror_holds(tmp_path):
    unpacked(tmp_path, "aws", "5.100.0")
    text = cli_config_text(ProviderMirror.scan(tmp_path, LINUX))
    include = re.search(r"filesystem_mirror \{\s*path\s*=\s*(\S+)\s*include\s*=\s*\[(.*?)\]", text, re.S)
    exclude = re.search(r"direct \{\s*exclude\s*=\s*\[(.*?)\]", text, re.S)
    assert include and exclude, text
    assert include.group(1) == f'"{tmp_path}"'
    assert include.group(2) == exclude.group(1) == '"registry.terraform.io/hashicorp/aws"'
    assert "*" not in text  # no wildcard: kubernetes and every other provider go to their registry
    assert "#   registry.terraform.io/hashicorp/aws 5.100.0" in text


def test_several_held_providers_are_each_routed(tmp_path):
    unpacked(tmp_path, "aws", "5.100.0")
    packed(tmp_path, "kubernetes", "2.38.0")
    text = cli_config_text(ProviderMirror.scan(tmp_path, LINUX))
    patterns = '"registry.terraform.io/hashicorp/aws", "registry.terraform.io/hashicorp/kubernetes"'
    assert text.count(patterns) == 2, text


@pytest.mark.parametrize("holding", ["no mirror", "a mirror for another platform"])
def test_without_usable_mirror_every_provider_comes_from_its_registry(tmp_path, holding):
    mirror = None
    if holding != "no mirror":
        unpacked(tmp_path, "aws", "5.100.0", platform="darwin_arm64")
        mirror = ProviderMirror.scan(tmp_path, LINUX)
    text = cli_config_text(mirror)
    assert "provider_installation" not in text
    assert all(line.startswith("#") for line in text.splitlines())
    assert "every provider installs from its registry" in text


def test_template_sequences_in_the_mirror_path_stay_literal(tmp_path):
    odd = tmp_path / "a${b}%{c}"
    unpacked(odd, "aws", "5.100.0")
    assert '"' + str(tmp_path) + '/a$${b}%%{c}"' in cli_config_text(ProviderMirror.scan(odd, LINUX))


def test_the_mirror_location_can_be_set_or_switched_off(tmp_path, monkeypatch):
    monkeypatch.setenv(env_vars.PLATFORM_TF_PROVIDER_MIRROR.name, str(tmp_path))
    assert find_provider_mirror() == tmp_path
    monkeypatch.setenv(env_vars.PLATFORM_TF_PROVIDER_MIRROR.name, "none")
    assert find_provider_mirror() is None
    monkeypatch.setenv(env_vars.PLATFORM_TF_PROVIDER_MIRROR.name, str(tmp_path / "missing"))
    with pytest.raises(MirrorError, match=r"PLATFORM_TF_PROVIDER_MIRROR=.*/missing: no such directory .* or to 'none'"):
        find_provider_mirror()


def test_a_bad_mirror_setting_exits_2_from_the_config_writer(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(env_vars.PLATFORM_TF_PROVIDER_MIRROR.name, str(tmp_path / "missing"))
    assert cli.main([str(tmp_path / "platform.tfrc")]) == 2
    assert "no such directory" in capsys.readouterr().err
    assert not (tmp_path / "platform.tfrc").exists()


def test_required_providers_are_read_from_the_stack():
    document = {"terraform": {"required_providers": {"aws": {"source": "aws", "version": "5.100.0"},
                                                     "k8s": {"source": "hashicorp/kubernetes", "version": "~> 2.38"}}}}
    assert required_providers(document) == [RequiredProvider("aws", AWS, "5.100.0"),
                                            RequiredProvider("k8s", KUBERNETES, "~> 2.38")]
    assert [provider.pinned_version for provider in required_providers(document)] == ["5.100.0", None]


class Registry:
    """A registry probe that records what it was asked."""

    def __init__(self, failure: str | None) -> None:
        self.failure = failure
        self.asked: list[str] = []

    def __call__(self, hostname: str) -> str | None:
        self.asked.append(hostname)
        return self.failure


AWS_PINNED = RequiredProvider("aws", AWS, "5.100.0")
K8S_PINNED = RequiredProvider("kubernetes", KUBERNETES, "2.38.0")


@pytest.mark.parametrize(("provider", "registry_down", "expected_reason"), [
    (AWS_PINNED, True, None),                                          # in the mirror: the registry is not asked
    (RequiredProvider("aws", AWS, "~> 5.0"), True, None),              # a range: Terraform picks from the mirror
    (RequiredProvider("aws", AWS, "5.99.0"), False, "holds hashicorp/aws 5.100.0 only"),
    (K8S_PINNED, False, None),                                         # from the registry, which answers
    (K8S_PINNED, True, "it is not in the provider mirror MIRROR (which holds hashicorp/aws 5.100.0 for linux_amd64), "
                       "and its registry cannot be reached (offline)"),
], ids=["mirrored", "mirrored-range", "other-version", "registry", "neither"])
def test_availability_follows_the_configurations_routing(tmp_path, provider, registry_down, expected_reason):
    unpacked(tmp_path, "aws", "5.100.0")
    registry = Registry("offline" if registry_down else None)
    missing = Availability(ProviderMirror.scan(tmp_path, LINUX), registry).unavailable([provider],
                                                                                       Path("out/dev-app-api"))
    if expected_reason is None:
        assert missing == []
    else:
        assert len(missing) == 1 and expected_reason.replace("MIRROR", str(tmp_path)) in missing[0].reason
        mirror = f"`terraform -chdir=out/dev-app-api providers mirror -platform=linux_amd64 {tmp_path}`"
        assert mirror in missing[0].remedy
    assert registry.asked == ([] if provider.address == AWS else ["registry.terraform.io"])


def test_without_a_mirror_the_remedy_says_how_to_make_one():
    missing = Availability(None, Registry("offline")).unavailable([AWS_PINNED, K8S_PINNED])
    assert [item.provider for item in missing] == [AWS_PINNED, K8S_PINNED]
    assert missing[0].reason.startswith("there is no provider mirror, and its registry cannot be reached")
    assert missing[0].remedy == (
        "run where registry.terraform.io is reachable, or add hashicorp/aws 5.100.0 to a mirror: on a machine with "
        "registry access, `terraform -chdir=cdktf.out/stacks/<stack> providers mirror -platform=linux_amd64 <dir>` "
        "and set PLATFORM_TF_PROVIDER_MIRROR=<dir>")


def test_the_registry_probe_goes_through_the_proxy_like_terraform(monkeypatch):
    for variable in ("HTTPS_PROXY", "https_proxy"):
        monkeypatch.setenv(variable, "http://127.0.0.1:9")  # discard port: nothing answers
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    failure = probe_registry.__wrapped__("registry.terraform.io")
    assert failure is not None and failure.startswith("https://registry.terraform.io/.well-known/terraform.json: ")
    assert "refused" in failure.lower()


@contextmanager
def local_http_server() -> Iterator[str]:
    """``http://127.0.0.1:<port>/``, answering 200 to GET, until the block ends."""
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_: object) -> None:  # quiet
            return

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_a_probe_through_a_proxy_leaves_no_proxy_behind_for_the_rest_of_the_process(monkeypatch):
    """``urlopen``'s process-wide opener keeps the proxies of its first use; the probe must not be that first use,
    or every later request of the process (the grant job's OpenSearch calls) goes to a proxy no longer configured."""
    urllib.request.install_opener(None)  # the next urlopen builds the process-wide opener afresh
    proxies = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy")
    for variable in proxies:
        monkeypatch.setenv(variable, "http://127.0.0.1:9")  # discard port: nothing answers
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    assert "refused" in probe_registry.__wrapped__("registry.terraform.io").lower()
    for variable in proxies:
        monkeypatch.delenv(variable)
    with local_http_server() as url, urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 - loopback http
        assert answer.status == 200


def test_the_readme_shows_the_configuration_generated_for_the_machine_image(tmp_path):
    readme = (Path(__file__).resolve().parents[4] / "README.md").read_text()
    section = readme[readme.index("### Terraform providers: mirror and registry"):]
    documented = section[section.index("```hcl\n") + len("```hcl\n"):section.index("```\n", section.index("```hcl"))]
    unpacked(tmp_path, "aws", "5.100.0")
    generated = cli_config_text(ProviderMirror.scan(tmp_path, LINUX)).replace(str(tmp_path), "/opt/tf-plugins")
    assert documented == generated
