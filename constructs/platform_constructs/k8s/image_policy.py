"""Which image references an environment accepts, checked by Terraform at plan time.

The image never appears in the synthesized JSON: each application reads it from a Terraform
variable (``-var image_<app>=<reference>``), so the same ``cdk.tf.json`` deploys every build and
the pipeline promotes one digest from dev to staging to prod. A ``validation`` block on the
variable applies the environment's pinning rule before anything changes:

- ``digest``: ``<repository>@sha256:<64 hex>`` (a tag before the digest is allowed and ignored);
  the container runs ``<repository>@sha256:…``, immutable.
- ``tag``: ``<repository>:<tag>`` (``latest`` refused), optionally followed by ``@sha256:…``.

The repository is fixed per application, so an image from any other registry is refused too.
The patterns are RE2 (Terraform's ``regex``) and use no backslashes, which HCL string literals
would need doubled.

This module imports no cdktf: the pipeline tooling can name the variables without the ~15 s import.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ImagePinning = Literal["digest", "tag"]

#: A repository: lower-case path components separated by ``/``, optional registry port.
REPOSITORY_PATTERN = r"^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)+$"
_TAG = "[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"
_DIGEST = "sha256:[0-9a-f]{64}"


def image_variable_name(app: str) -> str:
    """The Terraform variable holding ``app``'s image reference: ``image_<app>``.

    Application names are DNS labels; Terraform identifiers may contain dashes, so the name is
    used as it is (``-var image_billing-api=...``).
    """
    return f"image_{app}"


def change_cause_variable_name(app: str) -> str:
    """The Terraform variable holding ``app``'s ``kubernetes.io/change-cause`` (the git SHA): ``change_cause_<app>``."""
    return f"change_cause_{app}"


def parsed_image_local_name(app: str) -> str:
    """The Terraform local holding ``app``'s image reference taken apart (repository, tag, digest)."""
    return f"{image_variable_name(app)}_parts"


def release_input_references(app: str) -> frozenset[str]:
    """Terraform references that carry ``app``'s release: its two variables and the parsed image."""
    return frozenset({f"var.{image_variable_name(app)}", f"var.{change_cause_variable_name(app)}",
                      f"local.{parsed_image_local_name(app)}"})


@dataclass(frozen=True)
class ImagePolicy:
    """The pinning rule for one application's repository.

    Attributes:
        pinning: ``digest`` or ``tag``.
        repository: the only repository accepted, e.g. ``444444444444.dkr.ecr.eu-west-1.amazonaws.com/acme-shared-api``.
    """

    pinning: ImagePinning
    repository: str

    @property
    def pattern(self) -> str:
        """RE2 pattern with the named groups ``repository``, ``tag`` and ``version``."""
        repository = f"(?P<repository>{self.repository.replace('.', '[.]')})"
        if self.pinning == "digest":
            return f"^{repository}(?::(?P<tag>{_TAG}))?@(?P<version>{_DIGEST})$"
        return f"^{repository}:(?P<version>(?P<tag>{_TAG})(?:@{_DIGEST})?)$"

    @property
    def separator(self) -> str:
        """Between repository and version in the deployed reference: ``@`` (digest) or ``:`` (tag)."""
        return "@" if self.pinning == "digest" else ":"

    def parse_expression(self, variable: str) -> str:
        """Terraform expression splitting the variable into the pattern's groups."""
        return f'regex("{self.pattern}", var.{variable})'

    def condition(self, variable: str) -> str:
        """Terraform ``validation.condition``: the reference matches and its tag is not ``latest``."""
        return f'${{try({self.parse_expression(variable)}.tag != "latest", false)}}'

    def error_message(self, variable: str) -> str:
        """Terraform ``validation.error_message``, naming the variable, the rule and an example."""
        if self.pinning == "digest":
            return (f"The value of {variable} must be a digest reference of {self.repository}: "
                    f"{self.repository}@sha256:<64 hex digits> (a tag before the digest is allowed). "
                    "Mutable tags are refused in this environment: promote the digest that was verified before.")
        return (f"The value of {variable} must be a tagged reference of {self.repository}: "
                f"{self.repository}:<tag>, optionally followed by @sha256:<digest>. The tag latest is refused.")

    def deployed_reference(self, parsed: str) -> str:
        """The container image built from the parsed reference ``parsed`` (a local's name)."""
        return f"${{{parsed}.repository}}{self.separator}${{{parsed}.version}}"
