"""Run a rule pack over synthesized resources at synth, and audit the suppressions.

``apply_policy(stack, props, owner=...)`` attaches the pack chosen by ``props`` (the ``[policy]``
section) to a stack. When the stack is validated at synth (after every aspect ran, before its
``cdk.tf.json`` is written) the whole stack is rendered once as it will appear in ``cdk.tf.json``
and every Terraform resource in it is checked by each rule of the pack:

- a violation becomes an error annotation when ``props.enforce`` (synth fails, ``main.py`` exits 1)
  or a warning otherwise, naming the rule, the resource and the fix;
- a violation accepted by a suppression is written into the resource's ``//`` metadata
  (``"//": {"policy": {"suppressed": [{"rule", "reason"}]}}``) and noted as an info annotation;
- a suppression that accepted nothing in any stack of its owner fails synth (app-level
  validation): stale exceptions do not linger.

Rendering the stack in one call, rather than visiting every construct with an aspect that renders
each resource, keeps the jsii round trips per stack constant: at platform scale the per-construct
aspect was a third of the synth time (docs/decisions/0016-synth-selection-cache-and-atomic-output.md).
Resources are read from the rendered ``resource`` section by their Terraform type, never with
``isinstance``; a finding is annotated on the construct at the resource's path.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from typing import Any

from platform_constructs._internal.tf import Annotations, IConstruct, IValidation, TerraformStack, jsii
from platform_constructs.policy.engine import ANY_TYPE, Finding, Resource, Rule, evaluate
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
    stack.node.add_validation(StackPolicyCheck(stack, guard))
    return guard


def rendered_resources(stack: TerraformStack) -> Iterator[Resource]:
    """Every resource of ``stack`` as it will appear in ``cdk.tf.json``: overrides applied, references
    as ``${...}``, ``path`` the construct path from the resource's ``//`` metadata."""
    rendered = stack.to_terraform()
    stack_id = rendered["//"]["metadata"]["stackName"]
    for resource_type, by_name in sorted(rendered.get("resource", {}).items()):
        for name, body in sorted(by_name.items()):
            path = body.get("//", {}).get("metadata", {}).get("path") or f"{stack_id}/{name}"
            props = {key: value for key, value in body.items() if key != "//"}
            yield Resource(type=resource_type, name=name, path=path, props=props)


def construct_at(stack: TerraformStack, path: str) -> IConstruct:
    """The construct of ``stack`` at construct path ``path`` (the stack itself when no child matches)."""
    node: IConstruct = stack
    for part in path.split("/")[1:]:
        child = node.node.try_find_child(part)
        if child is None:
            return stack
        node = child
    return node


@jsii.implements(IValidation)
class PolicyGuard:
    """One owner's policy: reports findings and keeps track of which suppressions were used."""

    def __init__(self, props: PolicyProps, owner: str) -> None:
        self.props = props
        self.owner = owner
        self.rules = PACKS[props.pack]
        self.findings: list[Finding] = []
        self._used: set[int] = set()
        self._rules_by_type: dict[str, list[Rule]] = {}

    def rules_for(self, resource_type: str) -> list[Rule]:
        """The pack's rules that concern ``resource_type``, in pack order (a stack holds thousands of
        resources of a few dozen types; each would otherwise meet every rule of the pack)."""
        if resource_type not in self._rules_by_type:
            self._rules_by_type[resource_type] = [
                rule for rule in self.rules if rule.resource_types == ANY_TYPE or resource_type in rule.resource_types]
        return self._rules_by_type[resource_type]

    def check(self, stack: TerraformStack) -> list[Finding]:
        """Evaluate the pack on every resource of ``stack`` and annotate the resources that break it."""
        found = []
        for resource in rendered_resources(stack):
            findings = evaluate(resource, self.rules_for(resource.type), self.props.limits, self.props.suppressions)
            if findings:
                self._annotate(construct_at(stack, resource.path), findings)
            found.extend(findings)
        self.findings.extend(found)
        return found

    def _annotate(self, node: Any, findings: list[Finding]) -> None:
        suppressed = []
        for finding in findings:
            if finding.suppression is not None:
                self._used.add(self.props.suppressions.index(finding.suppression))
                suppressed.append({"rule": finding.rule.id, "reason": finding.suppression.reason})
                Annotations.of(node).add_info(f"[{finding.rule.id}] suppressed: {finding.suppression.reason}")
            elif self.props.enforce:
                Annotations.of(node).add_error(finding.message())
            else:
                Annotations.of(node).add_warning(finding.message())
        if suppressed:
            node.add_override("//.policy", {"suppressed": suppressed})

    def validate(self) -> list[str]:
        """Every suppression that accepted no finding, as an error naming its index, rule and path."""
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


@jsii.implements(IValidation)
class StackPolicyCheck:
    """Hands one stack to its guard when the stack is validated at synth, once however often it synthesizes."""

    def __init__(self, stack: TerraformStack, guard: PolicyGuard) -> None:
        self.stack = stack
        self.guard = guard
        self.checked = False

    def validate(self) -> list[str]:
        """Check the stack (findings become annotations, not validation errors)."""
        if not self.checked:
            self.checked = True
            self.guard.check(self.stack)
        return []
