"""What an ECR lifecycle policy expires: an evaluator of its documented semantics.

ECR evaluates a repository's lifecycle policy in the background and gives no preview of a policy
over a repository's future; this module computes, for a list of images, which ones a policy
expires, so a policy can be judged before it deletes anything: over a simulated push history in
the tests, and over the repository's real images before ``platformctl`` makes one current.

The semantics, from the ECR user guide ("Lifecycle policy properties", "Examples of lifecycle
policies", and the evaluation rules listed with them):

* rules run in ``rulePriority`` order, lowest first; a ``tagStatus: any`` rule must be last; no
  two rules select the same tags;
* a rule's selection: ``tagged`` images matching every pattern of ``tagPatternList`` (``*``
  matches any characters) or every prefix of ``tagPrefixList``, each by some tag of the image;
  ``untagged`` images; or ``any`` image; only one rule may select untagged images;
* ``imageCountMoreThan N``: the selected images sorted newest first by push time, all beyond
  the first N are candidates; ``sinceImagePushed N days``: those pushed more than N days ago;
* a rule still counts images that a higher-priority rule selected ("identifies them as if they
  had not been expired"), but never expires them: an image selected by a rule can only be
  expired by that rule or a higher-priority one, and by at most one rule.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

TagStatus = Literal["tagged", "untagged", "any"]
CountType = Literal["imageCountMoreThan", "sinceImagePushed"]


class InvalidLifecyclePolicy(ValueError):
    """The policy breaks one of ECR's rules for lifecycle policies."""


@dataclass(frozen=True)
class Image:
    """One image of a repository: its digest, tags and push time."""

    digest: str
    tags: frozenset[str]
    pushed_at: datetime


@dataclass(frozen=True)
class Rule:
    """One parsed lifecycle rule (expire action)."""

    priority: int
    tag_status: TagStatus
    tag_patterns: tuple[str, ...]
    tag_prefixes: tuple[str, ...]
    count_type: CountType
    count_number: int

    @classmethod
    def from_json(cls, rule: Mapping[str, Any]) -> Rule:
        """A rule from its JSON form; raises :class:`InvalidLifecyclePolicy` naming what is wrong."""
        selection, priority = rule.get("selection", {}), rule.get("rulePriority")
        status, patterns, prefixes = (selection.get("tagStatus"), tuple(selection.get("tagPatternList", ())),
                                      tuple(selection.get("tagPrefixList", ())))
        where = f"rule {priority}"
        if not isinstance(priority, int) or priority < 1:
            raise InvalidLifecyclePolicy(f"{where}: rulePriority must be a positive integer")
        if status not in ("tagged", "untagged", "any"):
            raise InvalidLifecyclePolicy(f"{where}: tagStatus must be tagged, untagged or any, not {status!r}")
        if status == "tagged" and bool(patterns) == bool(prefixes):
            raise InvalidLifecyclePolicy(f"{where}: a tagged rule needs tagPatternList or tagPrefixList (one of them)")
        if status != "tagged" and (patterns or prefixes):
            raise InvalidLifecyclePolicy(f"{where}: only a tagged rule may list tag patterns or prefixes")
        count_type, number, unit = selection.get("countType"), selection.get("countNumber"), selection.get("countUnit")
        if count_type not in ("imageCountMoreThan", "sinceImagePushed"):
            raise InvalidLifecyclePolicy(f"{where}: countType {count_type!r} is not evaluated here")
        if not isinstance(number, int) or number < 1:
            raise InvalidLifecyclePolicy(f"{where}: countNumber must be a positive integer")
        if (count_type == "sinceImagePushed") != (unit == "days"):
            raise InvalidLifecyclePolicy(f"{where}: countUnit 'days' belongs to sinceImagePushed, and only to it")
        if rule.get("action", {}).get("type") != "expire":
            raise InvalidLifecyclePolicy(f"{where}: only the expire action is evaluated here")
        return cls(priority, status, patterns, prefixes, count_type, number)

    def selects(self, image: Image) -> bool:
        """Whether the rule's selection takes ``image``."""
        if self.tag_status == "any":
            return True
        if self.tag_status == "untagged":
            return not image.tags
        if self.tag_patterns:
            return all(any(_wildcard(pattern).fullmatch(tag) for tag in image.tags) for pattern in self.tag_patterns)
        return all(any(tag.startswith(prefix) for tag in image.tags) for prefix in self.tag_prefixes)

    def candidates(self, selected: Sequence[Image], now: datetime) -> list[Image]:
        """The selected images this rule would expire if no higher-priority rule had selected them."""
        if self.count_type == "imageCountMoreThan":
            return sorted(selected, key=lambda image: image.pushed_at, reverse=True)[self.count_number:]
        return [image for image in selected if now - image.pushed_at > timedelta(days=self.count_number)]


def parse_policy(policy: str | Mapping[str, Any]) -> list[Rule]:
    """The rules of a lifecycle policy document, in evaluation order; ECR's constraints checked."""
    document = json.loads(policy) if isinstance(policy, str) else policy
    rules = sorted((Rule.from_json(rule) for rule in document.get("rules", [])), key=lambda rule: rule.priority)
    priorities = [rule.priority for rule in rules]
    if len(set(priorities)) != len(priorities):
        raise InvalidLifecyclePolicy(f"rulePriority values must be unique: {priorities}")
    if any(rule.tag_status == "any" for rule in rules[:-1]):
        raise InvalidLifecyclePolicy("a tagStatus any rule must have the highest rulePriority")
    if sum(rule.tag_status == "untagged" for rule in rules) > 1:
        raise InvalidLifecyclePolicy("only one rule may select untagged images")
    selections = [rule.tag_patterns or rule.tag_prefixes for rule in rules if rule.tag_status == "tagged"]
    repeated = sorted({" ".join(selection) for selection in selections if selections.count(selection) > 1})
    if repeated:
        raise InvalidLifecyclePolicy(f"each tagged rule needs its own tags; selected twice: {', '.join(repeated)}")
    return rules


def expired(policy: str | Mapping[str, Any], images: Iterable[Image], now: datetime) -> dict[str, int]:
    """Digest → priority of the rule that expires it, for every image the policy expires at ``now``."""
    images = list(images)
    expiring: dict[str, int] = {}
    seen: set[str] = set()  # selected by a rule already: protected from every later rule
    for rule in parse_policy(policy):
        selected = [image for image in images if rule.selects(image)]
        for image in rule.candidates(selected, now):
            if image.digest not in seen:
                expiring.setdefault(image.digest, rule.priority)
        seen.update(image.digest for image in selected)
    return expiring


def _wildcard(pattern: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in pattern.split("*")))
