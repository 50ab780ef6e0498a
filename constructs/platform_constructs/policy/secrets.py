"""Find secret literals (passwords, tokens, keys) in synthesized Terraform JSON.

A value is a secret literal when its key names a secret (``password``, ``auth_token``,
``secret_key``, ... – not an ARN, id, mode or flag about one) and it is a plain string rather
than a Terraform reference (``${...}``). Kubernetes-style ``{name: DB_PASSWORD, value: ...}``
pairs and variable defaults count too. Values are never echoed: findings name the JSON path only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from platform_constructs.policy.engine import is_reference

_SECRET_WORD = re.compile(r"pass(word|wd|phrase)|secret|token|private_key|api_?key|access_key|credential", re.I)
#: Keys about a secret that are not the secret itself (its ARN, key, rotation, kind, switch...),
#: and ``http_tokens``, the IMDSv2 mode of an instance.
_NOT_THE_SECRET = re.compile(
    r"(_arn|_arns|_id|_ids|_name|_names|_mode|_strategy|_type|_version|_enabled|_length|_rotation|_days|"
    r"_schedule|_policy|_prefix|_path|_url|_endpoint|_count|_ttl|_expression|_source|_kms_key|_status|_state)$"
    r"|^(manage_|enable_)"
    r"|^http_tokens$",
    re.I,
)


def is_secret_key(key: str) -> bool:
    """Whether a property named ``key`` holds a secret value.

    Words may be joined by ``_`` or ``-``: an SSM parameter named ``…/postgres/master-secret-arn`` holds an ARN.
    """
    return bool(_SECRET_WORD.search(key)) and not _NOT_THE_SECRET.search(key.replace("-", "_"))


def _is_literal(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != "" and not is_reference(value)


def secret_literals(document: Any, path: str = "") -> Iterator[str]:
    """JSON paths (``resource.aws_db_instance.X.password``) of every secret literal in ``document``."""
    if isinstance(document, list):
        for index, item in enumerate(document):
            yield from secret_literals(item, f"{path}.{index}" if path else str(index))
        return
    if not isinstance(document, Mapping):
        return
    name = document.get("name")
    if isinstance(name, str) and is_secret_key(name) and _is_literal(document.get("value")):
        yield f"{path}.value"
    for key, value in document.items():
        here = f"{path}.{key}" if path else str(key)
        if key == "//":
            continue
        if is_secret_key(str(key)):
            if _is_literal(value):
                yield here
                continue
            if isinstance(value, Mapping) and _is_literal(value.get("default")):
                yield f"{here}.default"
        yield from secret_literals(value, here)
