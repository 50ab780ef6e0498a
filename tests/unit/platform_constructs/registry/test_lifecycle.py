"""The lifecycle evaluator against ECR's documented semantics.

Each case is an example of the ECR user guide ("Examples of lifecycle policies in Amazon ECR":
filtering on image age and count, on multiple rules, on multiple tags in a single rule, on all
images), with the repository contents and the result the guide states; then the constraints of
"Lifecycle policy properties" that make a policy invalid.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from platform_constructs.registry.lifecycle import Image, InvalidLifecyclePolicy, expired, parse_policy

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def rule(priority: int, status: str, count_type: str, number: int, patterns: list[str] | None = None,
         prefixes: list[str] | None = None) -> dict:
    selection: dict = {"tagStatus": status, "countType": count_type, "countNumber": number}
    if count_type == "sinceImagePushed":
        selection["countUnit"] = "days"
    if patterns is not None:
        selection["tagPatternList"] = patterns
    if prefixes is not None:
        selection["tagPrefixList"] = prefixes
    return {"rulePriority": priority, "description": f"Rule {priority}", "selection": selection,
            "action": {"type": "expire"}}


def repository(*images: tuple[str, list[str], float]) -> list[Image]:
    """(name, tags, pushed days ago) -> images whose digest is the name."""
    return [Image(name, frozenset(tags), NOW - timedelta(days=days)) for name, tags, days in images]


DOCUMENTED = [
    ("age: untagged images older than 14 days",
     [rule(1, "untagged", "sinceImagePushed", 14)],
     repository(("A", [], 20), ("B", [], 10), ("C", ["v1"], 30)), {"A"}),
    ("count: keep only one untagged image",
     [rule(1, "untagged", "imageCountMoreThan", 1)],
     repository(("A", [], 3), ("B", [], 2), ("C", [], 1), ("D", ["v1"], 5)), {"A", "B"}),
    ("multiple rules, example A: prod first",
     [rule(1, "tagged", "imageCountMoreThan", 1, ["prod*"]), rule(2, "tagged", "imageCountMoreThan", 1, ["beta*"])],
     repository(("A", ["beta-1", "prod-1"], 10), ("B", ["beta-2", "prod-2"], 9), ("C", ["beta-3"], 8)), {"A"}),
    ("multiple rules, example B: beta first",
     [rule(1, "tagged", "imageCountMoreThan", 1, ["beta*"]), rule(2, "tagged", "imageCountMoreThan", 1, ["prod*"])],
     repository(("A", ["beta-1", "prod-1"], 10), ("B", ["beta-2", "prod-2"], 9), ("C", ["beta-3"], 8)), {"A", "B"}),
    ("multiple tags in one rule, example A: every pattern must match",
     [rule(1, "tagged", "sinceImagePushed", 5, ["alpha*", "beta*"])],
     repository(("A", ["alpha-1"], 12), ("B", ["beta-1"], 11), ("C", ["alpha-2", "beta-2"], 10),
                ("D", ["alpha-3"], 4), ("E", ["beta-3"], 3), ("F", ["alpha-4", "beta-4"], 2)), {"C"}),
    ("multiple tags in one rule, example B: tags are not exclusive",
     [rule(1, "tagged", "imageCountMoreThan", 1, ["alpha*", "beta*"])],
     repository(("A", ["alpha-1", "beta-1", "gamma-1"], 10), ("B", ["alpha-2", "beta-2"], 9),
                ("C", ["alpha-3", "beta-3", "gamma-2"], 8)), {"A", "B"}),
    ("all images, example A: keep the newest",
     [rule(1, "any", "imageCountMoreThan", 1)],
     repository(("A", ["alpha-1"], 4), ("B", ["beta-1"], 3), ("C", [], 2), ("D", ["alpha-2"], 1)), {"A", "B", "C"}),
    ("all images, example B: earlier rules protect what they identified",
     [rule(1, "tagged", "imageCountMoreThan", 1, ["alpha*"]), rule(2, "untagged", "sinceImagePushed", 1),
      rule(3, "any", "imageCountMoreThan", 1)],
     repository(("A", ["alpha-1", "beta-1"], 4), ("B", [], 3), ("C", ["alpha-2"], 2), ("D", ["git hash"], 1),
                ("E", [], 0.9)), {"A", "B", "D"}),
    ("tag prefixes: every prefix by some tag",
     [rule(1, "tagged", "imageCountMoreThan", 1, prefixes=["prod"])],
     repository(("A", ["prod-1"], 3), ("B", ["production-2"], 2), ("C", ["beta-3"], 1)), {"A"}),
]


@pytest.mark.parametrize(("case", "rules", "images", "result"), DOCUMENTED, ids=[case[0] for case in DOCUMENTED])
def test_the_documented_examples_give_the_documented_result(case, rules, images, result):
    assert set(expired({"rules": rules}, images, NOW)) == result


def test_an_image_is_expired_by_the_first_rule_that_selects_it():
    rules = [rule(1, "tagged", "imageCountMoreThan", 1, ["a*"]), rule(2, "tagged", "imageCountMoreThan", 1, ["b*"])]
    images = repository(("old", ["a-1", "b-1"], 3), ("new", ["a-2"], 1))
    assert expired({"rules": rules}, images, NOW) == {"old": 1}


INVALID = [
    ([rule(1, "tagged", "imageCountMoreThan", 1)], "a tagged rule needs tagPatternList or tagPrefixList"),
    ([rule(1, "untagged", "imageCountMoreThan", 1, ["v*"])], "only a tagged rule may list tag patterns"),
    ([rule(1, "any", "imageCountMoreThan", 1), rule(2, "untagged", "sinceImagePushed", 1)],
     "a tagStatus any rule must have the highest rulePriority"),
    ([rule(1, "untagged", "sinceImagePushed", 1), rule(2, "untagged", "imageCountMoreThan", 1)],
     "only one rule may select untagged images"),
    ([rule(1, "tagged", "imageCountMoreThan", 1, ["a*"]), rule(1, "tagged", "imageCountMoreThan", 1, ["b*"])],
     "rulePriority values must be unique"),
    ([rule(1, "tagged", "imageCountMoreThan", 0, ["a*"])], "countNumber must be a positive integer"),
    ([{**rule(1, "untagged", "imageCountMoreThan", 1), "selection": {
        "tagStatus": "untagged", "countType": "imageCountMoreThan", "countNumber": 1, "countUnit": "days"}}],
     "countUnit 'days' belongs to sinceImagePushed"),
    ([rule(1, "tagged", "imageCountMoreThan", 1, ["a*"], ["b"])], "one of them"),
    ([rule(1, "tagged", "imageCountMoreThan", 1, ["a*"]), rule(2, "tagged", "sinceImagePushed", 3, ["a*"])],
     "each tagged rule needs its own tags; selected twice: a"),
]


@pytest.mark.parametrize(("rules", "message"), INVALID, ids=[message for _, message in INVALID])
def test_policies_ecr_would_refuse_are_refused(rules, message):
    with pytest.raises(InvalidLifecyclePolicy, match=message):
        parse_policy({"rules": rules})
