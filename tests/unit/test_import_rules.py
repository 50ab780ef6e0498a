"""The import rules of the three packages, checked on the source (docs/architecture.md, "Layers").

- Only ``platform_constructs/_internal/tf.py`` imports the cdktf framework and the provider bindings
  (cdktf is archived upstream; moving to its fork changes that one file).
- ``platform_constructs`` never imports the operator CLI, the emulator or an AWS SDK;
  ``platformctl`` never imports the emulator.
- Inside the library no arrow runs back up a layer (:data:`LIBRARY_LAYERS`), ``config`` reads only the
  props and rule modules of the domains (never a construct module), and no module group imports
  itself around a loop.

Each checker is also run against a small tree that breaks its rule, so none of them can pass vacuously.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from import_graph import Import, cycles, imports_of, modules_of

SOURCE_ROOT = Path(__file__).resolve().parents[2] / "constructs"
LIBRARY = "platform_constructs"
#: The one module that may import the framework.
FRAMEWORK_GATE = "platform_constructs._internal.tf"
FRAMEWORK = ("cdktf", "constructs", "jsii")
PROVIDER_BINDINGS_PREFIX = "cdktf_cdktf_provider_"

#: Parts of the library (its first-level modules and folders), lowest layer first. A module may import
#: modules of its own part and of any lower layer; never of a peer in its own layer, never upwards.
LIBRARY_LAYERS: tuple[tuple[str, ...], ...] = (
    ("_internal",),
    ("errors",),
    # duration: the value type of every field that is a span of time
    ("props", "naming", "duration"),
    # parameters: platform values through SSM, which the data stores publish and the application stacks read
    ("security", "parameters"),
    ("observability",),
    ("network", "data", "registry", "state", "dns"),
    # data stores built on data.private_data_store, the preamble every store shares
    ("search", "streaming"),
    # workloads, with the props of what they declare: their HTTPS entries (named in the environment's DNS domain)
    # and the data stores they use (topics and cache users as the stores define them); their alarm signals
    ("k8s",),
    # the cluster reserves the Kubernetes namespaces; application entries route to the workloads
    ("compute", "ingress"),
    # guardrails over every domain's resources, reading the markers the ingress constructs set; CI reachability and
    # identities, built on the cluster's pod identities (neither imports the other)
    ("policy", "ci"),
    ("config",),
    # what one application reaches, built from the validated environment: grants, endpoints, network policies
    ("access",),
    # output: reads and publishes cdktf.out (no cdktf import)
    ("stacks", "output"),
    ("app",),
)
#: Parts whose construct modules ``config`` may not import: it reads their props and pure rules only.
DOMAIN_PARTS = frozenset(part for layer in LIBRARY_LAYERS[3:10] for part in layer)

#: What a package may never import (its own modules' top-level names, or outside distributions).
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "platform_constructs": ("platformctl", "local_aws", "boto3", "botocore", "moto"),
    "platformctl": ("local_aws", "moto"),
}


def part_of(module: str) -> str:
    """``network`` for ``platform_constructs.network.subnet_plan``; ``""`` for the package itself."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def framework_violations(imports: list[Import]) -> list[Import]:
    """Imports of cdktf, constructs, jsii or provider bindings outside the gate module."""
    return [found for found in imports if not found.internal and found.importer != FRAMEWORK_GATE
            and (found.top in FRAMEWORK or found.top.startswith(PROVIDER_BINDINGS_PREFIX))]


def forbidden_imports(imports: list[Import], package: str, banned: tuple[str, ...]) -> list[Import]:
    """Imports by ``package``'s modules of anything whose top-level name is in ``banned``."""
    return [found for found in imports if found.importer.split(".")[0] == package and found.top in banned]


def layer_violations(imports: list[Import], layers: tuple[tuple[str, ...], ...]) -> list[str]:
    """Library imports that run sideways or up the layers, and parts that belong to no layer."""
    rank = {part: level for level, parts in enumerate(layers) for part in parts}
    problems = []
    for found in imports:
        if not (found.internal and found.importer.startswith(f"{LIBRARY}.") and found.target.startswith(f"{LIBRARY}.")):
            continue
        source, target = part_of(found.importer), part_of(found.target)
        if source == target:
            continue
        if source not in rank or target not in rank:
            problems.append(f"{found}: part {source if source not in rank else target!r} is in no layer")
        elif rank[target] >= rank[source]:
            problems.append(f"{found}: {source} (layer {rank[source]}) may not import {target} (layer {rank[target]})")
    return problems


def construct_modules(imports: list[Import]) -> set[str]:
    """Modules that reach the framework gate through their imports: the modules that build constructs."""
    arrows: dict[str, set[str]] = {}
    for found in imports:
        if found.internal:
            arrows.setdefault(found.importer, set()).add(found.target)
    reaching = {FRAMEWORK_GATE}
    grew = True
    while grew:
        grew = False
        for module, targets in arrows.items():
            if module not in reaching and targets & reaching:
                reaching.add(module)
                grew = True
    return reaching


def config_violations(imports: list[Import]) -> list[Import]:
    """Imports by ``config`` of a domain's construct modules (``config`` must load without cdktf)."""
    builders = construct_modules(imports)
    return [found for found in imports
            if part_of(found.importer) == "config" and found.importer.startswith(f"{LIBRARY}.")
            and part_of(found.target) in DOMAIN_PARTS and found.target in builders]


@pytest.fixture(scope="module")
def imports() -> list[Import]:
    found = imports_of(SOURCE_ROOT)
    assert len({f.importer.split(".")[0] for f in found}) == 3, "expected the three packages under constructs/"
    return found


def test_only_the_gate_module_imports_cdktf_and_the_provider_bindings(imports):
    gate = [found for found in imports if found.importer == FRAMEWORK_GATE and not found.internal]
    assert {found.top for found in gate} >= {"cdktf", "constructs", "jsii", "cdktf_cdktf_provider_aws"}
    assert [str(found) for found in framework_violations(imports)] == []


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_packages_never_import_what_sits_above_them(imports, package):
    assert any(found.importer.split(".")[0] == package for found in imports)
    assert [str(found) for found in forbidden_imports(imports, package, FORBIDDEN[package])] == []


def test_every_library_part_has_a_layer():
    parts = {part_of(module) for module in modules_of(SOURCE_ROOT) if module.startswith(f"{LIBRARY}.")}
    assert parts == {part for layer in LIBRARY_LAYERS for part in layer}


def test_no_library_import_runs_sideways_or_up_a_layer(imports):
    assert [found for found in imports if found.importer.startswith(f"{LIBRARY}.") and found.internal]
    assert layer_violations(imports, LIBRARY_LAYERS) == []


def test_config_reads_only_props_and_rules_of_the_domains(imports):
    read = {found.target for found in imports if part_of(found.importer) == "config"
            and part_of(found.target) in DOMAIN_PARTS}
    assert "platform_constructs.network.props" in read
    assert "platform_constructs.network.network" in construct_modules(imports)
    assert [str(found) for found in config_violations(imports)] == []


def test_no_module_imports_itself_around_a_loop(imports):
    assert cycles(imports) == []


# --- the checkers find what they look for ---------------------------------------------------------


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """``root`` holding ``files`` (path → text); returns ``root``."""
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


@pytest.fixture
def broken_tree(tmp_path: Path) -> Path:
    """A small tree that breaks every rule once."""
    files = {
        "platform_constructs/__init__.py": "",
        "platform_constructs/_internal/__init__.py": "",
        "platform_constructs/_internal/tf.py": "import cdktf\n",
        "platform_constructs/naming.py": "from platform_constructs.config import schema\n",
        "platform_constructs/network/__init__.py": "",
        "platform_constructs/network/network.py": "from platform_constructs._internal.tf import aws\n",
        "platform_constructs/network/props.py": "import boto3\nfrom platform_constructs.data import cache\n",
        "platform_constructs/data/__init__.py": "",
        "platform_constructs/data/cache.py": "from cdktf_cdktf_provider_aws import s3_bucket\n",
        "platform_constructs/config/__init__.py": "",
        "platform_constructs/config/schema.py": "from platform_constructs.network import network, props\n",
        "platform_constructs/config/loader.py": "from platform_constructs.config import rules\n",
        "platform_constructs/config/rules.py": "from platform_constructs.config.loader import load\n",
        "platformctl/__init__.py": "",
        "platformctl/main.py": "def run():\n    from local_aws import emulator\n",
        "local_aws/__init__.py": "",
        "local_aws/emulator.py": "import moto\n",
    }
    return write_tree(tmp_path, files)


def test_checkers_report_each_broken_rule(broken_tree):
    found = imports_of(broken_tree)
    assert [str(f) for f in framework_violations(found)] == \
        ["platform_constructs.data.cache:1 imports cdktf_cdktf_provider_aws"]
    assert [str(f) for f in forbidden_imports(found, "platform_constructs", FORBIDDEN["platform_constructs"])] == [
        "platform_constructs.network.props:1 imports boto3"]
    assert [str(f) for f in forbidden_imports(found, "platformctl", FORBIDDEN["platformctl"])] == [
        "platformctl.main:2 imports local_aws.emulator"]
    layers = (("_internal",), ("naming",), ("network", "data"), ("config",))
    assert layer_violations(found, layers) == [
        "platform_constructs.naming:1 imports platform_constructs.config.schema: "
        "naming (layer 1) may not import config (layer 3)",
        "platform_constructs.network.props:2 imports platform_constructs.data.cache: "
        "network (layer 2) may not import data (layer 2)",
    ]
    assert [str(f) for f in config_violations(found)] == \
        ["platform_constructs.config.schema:1 imports platform_constructs.network.network"]
    assert cycles(found) == [["platform_constructs.config.loader", "platform_constructs.config.rules"]]


def test_a_part_outside_every_layer_is_reported(broken_tree):
    reported = layer_violations(imports_of(broken_tree), (("_internal",), ("naming",), ("network",), ("config",)))
    assert "platform_constructs.network.props:2 imports platform_constructs.data.cache: part 'data' is in no layer" \
        in reported


def test_a_script_block_is_no_arrow_of_its_module(tmp_path):
    """``python -m pkg.b`` runs b as ``__main__``, a module of its own: what its ``__main__`` block imports cannot
    come back to the module ``pkg.b``; an import inside a function can."""
    files = {
        "pkg/__init__.py": "",
        "pkg/a.py": "from pkg import b, c\n",
        "pkg/b.py": 'def check():\n    return 0\n\n\nif __name__ == "__main__":\n    from pkg import a\n',
        "pkg/c.py": "def run():\n    from pkg import a\n",
    }
    found = imports_of(write_tree(tmp_path, files))
    assert sorted(str(f) for f in found) == ["pkg.a:1 imports pkg.b", "pkg.a:1 imports pkg.c", "pkg.c:2 imports pkg.a"]
    assert cycles(found) == [["pkg.a", "pkg.c"]]
