"""A drill's runbook as plain data: steps, the conditions waits look for, and role names.

Pure (no I/O): the loader in `runbook.py` builds these from YAML, the runner resolves roles
(`$master`, `$backup`, ...) once the drill starts and then runs the resolved steps.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Literal, get_args

from kaconsole.engine.actions import Verb

StepKind = Literal["say", "confirm", "action", "wait", "probe"]
ConditionKind = Literal["master", "vip_on", "service", "no_anomaly", "single_master"]
Preflight = Literal["failover", "none"]

STEP_KINDS: tuple[StepKind, ...] = ("say", "confirm", "action", "wait", "probe")
VERBS: tuple[Verb, ...] = get_args(Verb)
SERVICE_STATES = ("running", "stopped")

#: Roles a runbook may name instead of a node, resolved when the drill starts (see `roles.py`).
ROLES = {
    "master": "the MASTER of the drill's instance",
    "backup": "the BACKUP that would take over (highest priority among healthy backups)",
    "failed": "a node with keepalived or another service stopped (the one to recover)",
    "preferred": "the node with the highest configured priority (the one preemption favours)",
    "home": "where the VIP settles once a drained MASTER's priority is back: the MASTER if it "
    "preempts, the BACKUP that took over if the MASTER has nopreempt",
}
_ROLE = re.compile(r"\$([a-z_]+)\b")


@dataclass(frozen=True, slots=True)
class Condition:
    """One fact a `wait` step looks for in the cluster state."""

    kind: ConditionKind
    node: str | None = None
    """master, vip_on, service: the node (a name or a role)."""
    service: str | None = None
    state: str | None = None
    """service: running or stopped."""
    ignore: tuple[str, ...] = ()
    """no_anomaly: anomaly kinds that do not count."""

    def describe(self, instance: str) -> str:
        if self.kind == "master":
            return f"{self.node} is MASTER of {instance}"
        if self.kind == "vip_on":
            return f"the VIP of {instance} is on {self.node} only"
        if self.kind == "service":
            return f"{self.service} is {self.state} on {self.node}"
        if self.kind == "single_master":
            return f"one MASTER, one advert source and one VIP holder for {instance}"
        but = f" (except {', '.join(self.ignore)})" if self.ignore else ""
        return f"no anomaly{but}"


@dataclass(frozen=True, slots=True)
class Step:
    """One step; which fields matter depends on `kind`."""

    kind: StepKind
    title: str
    line: int | None = None
    """Where the step is in its runbook file, for messages."""
    text: str = ""
    """say: the instruction; confirm: the question."""
    node: str | None = None
    service: str | None = None
    verb: Verb | None = None
    trigger: bool = False
    """action: the failover is measured from this action (the one that breaks the MASTER)."""
    conditions: tuple[Condition, ...] = ()
    instance: str | None = None
    """wait: the instance the conditions are about (default: the drill's)."""
    timeout: float = 0.0
    """wait, probe: seconds before the step fails."""
    hold: float | Literal["master_down"] = 0.0
    """wait: the conditions must hold this long (a number, or one master-down interval)."""
    status: int = 200
    """probe: the HTTP status wanted."""
    body_contains: str | None = None


@dataclass(frozen=True, slots=True)
class Runbook:
    name: str
    title: str
    steps: tuple[Step, ...]
    rollback: tuple[Step, ...] = ()
    description: str = ""
    instance: str | None = None
    """The VRRP instance the drill is about (default: the first one the cluster runs)."""
    preflight: Preflight = "failover"
    """failover: refuse to start without one healthy MASTER and a BACKUP to take over."""
    path: str = "<string>"

    def roles(self) -> set[str]:
        """The roles the runbook names ("master", ...), so all can be resolved before it runs."""
        return {r for step in (*self.steps, *self.rollback) for r in step_roles(step)}


def roles_in(text: str | None) -> list[str]:
    return _ROLE.findall(text or "")


def step_roles(step: Step) -> list[str]:
    texts = [step.title, step.text, step.node, step.body_contains]
    texts += [c.node for c in step.conditions]
    return [r for t in texts for r in roles_in(t)]


def substitute(text: str, roles: Mapping[str, str]) -> str:
    return _ROLE.sub(lambda m: roles.get(m.group(1), m.group(0)), text)


def resolve(step: Step, roles: Mapping[str, str]) -> Step:
    """The step with every `$role` replaced by the node it names."""

    def sub(text: str | None) -> str | None:
        return substitute(text, roles) if text is not None else None

    conditions = tuple(replace(c, node=sub(c.node)) for c in step.conditions)
    return replace(
        step,
        title=substitute(step.title, roles),
        text=substitute(step.text, roles),
        node=sub(step.node),
        body_contains=sub(step.body_contains),
        conditions=conditions,
    )


def default_title(step: Step, instance: str | None = None) -> str:
    """A title that says what the step does, for steps the runbook leaves untitled."""
    if step.kind == "action":
        return f"{(step.verb or '').capitalize()} {step.service} on {step.node}"
    if step.kind == "wait":
        what = " and ".join(c.describe(step.instance or instance or "the instance")
                            for c in step.conditions)
        return f"Wait until {what}"
    if step.kind == "probe":
        body = f" answering {step.body_contains!r}" if step.body_contains else ""
        return f"HTTP {step.status} through the VIP{body}"
    first = step.text.strip().splitlines()[0] if step.text.strip() else step.kind
    return first if len(first) <= 80 else first[:77] + "..."


def titled(steps: Iterable[Step], instance: str | None) -> tuple[Step, ...]:
    return tuple(s if s.title else replace(s, title=default_title(s, instance)) for s in steps)
