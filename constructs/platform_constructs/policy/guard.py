"""Run a rule pack over synthesized resources as a cdktf Aspect, and audit the suppressions.

``apply_policy(stack, props, owner=...)`` attaches the pack chosen by ``props`` (the ``[policy]``
section) to a stack. At synth every Terraform resource is rendered as it will appear in
``cdk.tf.json`` and checked by each rule of the pack:

- a violation becomes an error annotation when ``props.enforce`` (synth fails, ``main.py`` exits 1)
  or a warning otherwise, naming the rule, the resource and the fix;
- a violation accepted by a suppression is written into the resource's ``//`` metadata
  (``"//": {"policy": {"suppressed": [{"rule", "reason"}]}}``) and noted as an info annotation;
- a suppression that accepted nothing in any stack of its owner fails synth (app-level
  validation): stale exceptions do not linger.

Resources are recognised with ``TerraformResource.is_terraform_resource`` and their
``terraform_resource_type`` string, never with ``isinstance``.
"""

from __future__ import annotations

import weakref
from typing import Any

from platform_constructs._internal.tf import (
    Annotations,
    Aspects,
    DefaultTokenResolver,
    IAspect,
    IConstruct,
    IValidation,
    StringConcat,
    TerraformResource,
    TerraformStack,
    Tokenization,
    jsii,
)
from platform_constructs.policy.engine import Resource, Violation, evaluate
from platform_constructs.policy.packs import PACKS
from platform_constructs.policy.policy_props import PolicyProps

#: App → owner name → its guard, so the stacks of one environment share one suppression audit.
_GUARDS: weakref.WeakKeyDictionary[Any, dict[str, PolicyGuard]] = weakref.WeakKeyDictionary()


def apply_policy(stack: TerraformStack, props: PolicyProps, *, owner: str) -> PolicyGuard:
    """Check every resource of ``stack`` against ``props.pack`` at synth.

    ``owner`` names the configuration the policy comes from (an environment, or ``shared``);
    stacks of the same owner share one guard, which audits the owner's suppressions across them.
    """
    app = stack.node.root
    guards = _GUARDS.setdefault(app, {})
    guard = guards.get(owner)
    if guard is None:
        guard = guards[owner] = PolicyGuard(props, owner)
        app.node.add_validation(guard)
    elif guard.props != props:
        raise ValueError(f"stacks of {owner} were given different policies")
    Aspects.of(stack).add(PolicyAspect(guard))
    return guard


def resource_of(node: TerraformResource, resolver: DefaultTokenResolver) -> Resource:
    """A resource as it will appear in ``cdk.tf.json``: overrides applied, references as ``${...}``."""
    rendered = Tokenization.resolve(node.to_terraform(), scope=node, resolver=resolver)
    (resource_type, by_name), = rendered["resource"].items()
    (name, body), = by_name.items()
    props = {key: value for key, value in body.items() if key != "//"}
    return Resource(type=resource_type, name=name, path=node.node.path, props=props)


@jsii.implements(IValidation)
class PolicyGuard:
    """One owner's policy: reports violations and keeps track of which suppressions were used."""

    def __init__(self, props: PolicyProps, owner: str) -> None:
        self.props = props
        self.owner = owner
        self.rules = PACKS[props.pack]
        self.violations: list[Violation] = []
        self._used: set[int] = set()
        self._resolver = DefaultTokenResolver(StringConcat())  # one for all resources: each is a jsii object

    def check(self, node: TerraformResource) -> list[Violation]:
        """Evaluate the pack on one resource node and annotate it."""
        resource = resource_of(node, self._resolver)
        violations = evaluate(resource, self.rules, self.props.limits, self.props.suppressions)
        suppressed = []
        for violation in violations:
            if violation.suppression is not None:
                self._used.add(self.props.suppressions.index(violation.suppression))
                suppressed.append({"rule": violation.rule.id, "reason": violation.suppression.reason})
                Annotations.of(node).add_info(f"[{violation.rule.id}] suppressed: {violation.suppression.reason}")
            elif self.props.enforce:
                Annotations.of(node).add_error(violation.message())
            else:
                Annotations.of(node).add_warning(violation.message())
        if suppressed:
            node.add_override("//.policy", {"suppressed": suppressed})
        self.violations.extend(violations)
        return violations

    def validate(self) -> list[str]:
        """Every suppression that accepted no violation, as an error naming its index, rule and path."""
        pack_rules = {rule.id for rule in self.rules}
        stale = []
        for index, suppression in enumerate(self.props.suppressions):
            if index in self._used:
                continue
            why = (f"the rule is not in the {self.props.pack} pack" if suppression.rule not in pack_rules
                   else "no resource at that path breaks the rule")
            stale.append(f"policy.suppressions.{index} of {self.owner}: rule {suppression.rule} at {suppression.path} "
                         f"suppresses nothing ({why}); remove the suppression or correct its path")
        return stale


@jsii.implements(IAspect)
class PolicyAspect:
    """Visits every construct of a stack and hands Terraform resources to the guard."""

    def __init__(self, guard: PolicyGuard) -> None:
        self.guard = guard

    def visit(self, node: IConstruct) -> None:
        """Check ``node`` when it is a Terraform resource (data sources and providers are not)."""
        if TerraformResource.is_terraform_resource(node):
            self.guard.check(node)
