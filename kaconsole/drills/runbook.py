"""Runbook YAML to `Runbook`, refused before anything runs with file, line and key named.

Like the inventory, the YAML is composed (not loaded) so each error can point at its line:
`drills/x.yaml:12: steps[3].wait.timeout: expected a number, got a string`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any, Literal, NoReturn, cast

import yaml

from kaconsole.core import yamlnodes
from kaconsole.core.inventory.model import Cluster
from kaconsole.core.yamlnodes import kind as _kind
from kaconsole.core.yamlnodes import line as _line
from kaconsole.core.yamlnodes import type_name as _type
from kaconsole.drills.model import (
    ROLES,
    SERVICE_STATES,
    STEP_KINDS,
    VERBS,
    Condition,
    ConditionKind,
    Runbook,
    Step,
    StepKind,
    roles_in,
)
from kaconsole.engine.actions import MAINTENANCE_VERBS, Verb
from kaconsole.errors import InputError

MAX_FILE_BYTES = 256 * 1024
#: The longest a wait or probe may take: a drill waits for evidence, not for ever.
MAX_TIMEOUT = 600.0
_TOP = ("name", "title", "description", "instance", "preflight", "steps", "rollback")
_CONDITIONS: tuple[ConditionKind, ...] = (
    "master", "vip_on", "service", "no_anomaly", "single_master",
)
_KEYS: dict[str, tuple[str, ...]] = {
    "action": ("node", "service", "verb", "trigger"),
    "wait": (*_CONDITIONS, "instance", "timeout", "hold", "ignore"),
    "probe": ("status", "body_contains", "timeout"),
}


class RunbookError(InputError):
    """A runbook is invalid; names the file, the line and the key."""

    def __init__(self, path: str, line: int | None, key: str, message: str) -> None:
        where = f"{path}:{line}" if line is not None else path
        super().__init__(where, f"{key}: {message}" if key else message)
        self.line = line
        self.key = key


def builtin_names() -> list[str]:
    """The built-in drills (CONTRACTS.md section 9), by name."""
    folder = resources.files("kaconsole.drills") / "builtin"
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir()
                  if p.name.endswith(".yaml"))


def load_drill(name_or_path: str) -> Runbook:
    """A built-in drill by name, or a runbook file by path."""
    if name_or_path in builtin_names():
        res = resources.files("kaconsole.drills") / "builtin" / f"{name_or_path}.yaml"
        return parse_runbook(res.read_text("utf-8"), f"builtin:{name_or_path}")
    path = Path(name_or_path)
    if not path.exists() and "/" not in name_or_path and not name_or_path.endswith(".yaml"):
        raise InputError(name_or_path, "no such drill; built-in drills: "
                         + ", ".join(builtin_names()) + " (or give a runbook file's path)")
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise RunbookError(name_or_path, None, "", f"cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_BYTES:
        raise RunbookError(name_or_path, None, "", f"larger than {MAX_FILE_BYTES} bytes")
    try:
        return parse_runbook(data.decode("utf-8-sig"), name_or_path)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise RunbookError(name_or_path, line, "", "not UTF-8 text") from None


def parse_runbook(text: str, path: str = "<string>") -> Runbook:
    """Validate runbook YAML `text`; RunbookError (and nothing else) when it is wrong."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise RunbookError(path, mark.line + 1 if mark else None, "",
                           f"YAML syntax: {exc.problem}") from None
    except (yaml.YAMLError, RecursionError) as exc:
        raise RunbookError(path, None, "", f"YAML syntax: {exc}") from None
    return _Reader(path).runbook(root)


class _Reader:
    def __init__(self, path: str) -> None:
        self.path = path
        self.constructor = yaml.constructor.SafeConstructor()

    def fail(self, node: yaml.Node | None, key: str, message: str) -> NoReturn:
        self.fail_at(_line(node), key, message)

    def fail_at(self, line: int | None, key: str, message: str) -> NoReturn:
        raise RunbookError(self.path, line, key, message)

    def mapping(self, node: yaml.Node | None, key: str,
                allowed: Collection[str]) -> dict[str, yaml.Node]:
        return yamlnodes.mapping(node, key, allowed, self.fail_at)

    def scalar(self, node: yaml.Node, key: str) -> Any:
        return yamlnodes.scalar(node, key, self.fail_at, self.constructor)

    def string(self, node: yaml.Node, key: str, choices: Collection[str] = ()) -> str:
        value = self.scalar(node, key)
        if not isinstance(value, str) or not value.strip():
            self.fail(node, key, f"expected a non-empty string, got {_type(value)}")
        if choices and value not in choices:
            self.fail(node, key, f"{value!r} is not one of {', '.join(choices)}")
        return value

    def node_ref(self, node: yaml.Node, key: str) -> str:
        value = self.string(node, key)
        self.known_roles(node, key, value)
        return value

    def known_roles(self, node: yaml.Node, key: str, text: str) -> None:
        for role in roles_in(text):
            if role not in ROLES:
                self.fail(node, key, f"unknown role ${role} (roles: "
                          + ", ".join(f"${r}" for r in ROLES) + ")")

    def number(self, node: yaml.Node, key: str, low: float, high: float) -> float:
        value = self.scalar(node, key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(node, key, f"expected a number, got {_type(value)}")
        if not low <= value <= high:
            self.fail(node, key, f"{value} out of range {low:g}..{high:g}")
        return float(value)

    def boolean(self, node: yaml.Node, key: str) -> bool:
        value = self.scalar(node, key)
        if not isinstance(value, bool):
            self.fail(node, key, f"expected true or false, got {_type(value)}")
        return value

    # --- the document ---------------------------------------------------------------------

    def runbook(self, root: yaml.Node | None) -> Runbook:
        if root is None:
            self.fail(None, "", "empty file: expected a mapping with name and steps")
        top = self.mapping(root, "", _TOP)
        for required in ("name", "steps"):
            if required not in top:
                self.fail(root, required, "required")
        name = self.string(top["name"], "name")
        steps = self.steps(top["steps"], "steps", allow_empty=False)
        rollback = self.steps(top["rollback"], "rollback") if "rollback" in top else ()
        preflight = (self.string(top["preflight"], "preflight", ("failover", "none"))
                     if "preflight" in top else "failover")
        return Runbook(
            name=name,
            title=self.string(top["title"], "title") if "title" in top else name,
            steps=steps,
            rollback=rollback,
            description=self.string(top["description"], "description")
            if "description" in top else "",
            instance=self.string(top["instance"], "instance") if "instance" in top else None,
            preflight=cast(Any, preflight),
            path=self.path,
        )

    def steps(self, node: yaml.Node, key: str, *, allow_empty: bool = True) -> tuple[Step, ...]:
        if not isinstance(node, yaml.SequenceNode):
            self.fail(node, key, f"expected a list of steps, got {_kind(node)}")
        if not node.value and not allow_empty:
            self.fail(node, key, "at least one step is required")
        return tuple(self.step(item, f"{key}[{i}]") for i, item in enumerate(node.value))

    def step(self, node: yaml.Node, key: str) -> Step:
        m = self.mapping(node, key, (*STEP_KINDS, "title"))
        kinds = [k for k in m if k != "title"]
        if len(kinds) != 1:
            found = f"found {', '.join(kinds)}" if kinds else "found none"
            self.fail(node, key, f"a step has exactly one of {', '.join(STEP_KINDS)} ({found})")
        kind = cast(StepKind, kinds[0])
        title = self.string(m["title"], f"{key}.title") if "title" in m else ""
        self.known_roles(m.get("title", node), f"{key}.title", title)
        body, where = m[kind], f"{key}.{kind}"
        step = Step(kind=kind, title=title, line=_line(node))
        if kind in ("say", "confirm"):
            text = self.string(body, where)
            self.known_roles(body, where, text)
            return replace(step, text=text.strip())
        fields = self.mapping(body, where, _KEYS[kind])
        if kind == "action":
            return self.action(step, fields, body, where)
        if kind == "wait":
            return self.wait(step, fields, body, where)
        return self.probe(step, fields, where)

    def action(self, step: Step, f: dict[str, yaml.Node], body: yaml.Node, where: str) -> Step:
        for required in ("node", "service", "verb"):
            if required not in f:
                self.fail(body, f"{where}.{required}", "required")
        return replace(
            step,
            node=self.node_ref(f["node"], f"{where}.node"),
            service=self.string(f["service"], f"{where}.service"),
            verb=cast(Verb, self.string(f["verb"], f"{where}.verb", VERBS)),
            trigger=self.boolean(f["trigger"], f"{where}.trigger") if "trigger" in f else False,
        )

    def wait(self, step: Step, f: dict[str, yaml.Node], body: yaml.Node, where: str) -> Step:
        conditions = [self.condition(k, f[k], f"{where}.{k}") for k in _CONDITIONS if k in f]
        if not conditions:
            self.fail(body, where, f"a wait needs at least one of {', '.join(_CONDITIONS)}")
        if "timeout" not in f:
            self.fail(body, f"{where}.timeout", "required (seconds): a wait never waits for ever")
        ignore: tuple[str, ...] = ()
        if "ignore" in f:
            items = f["ignore"]
            if not isinstance(items, yaml.SequenceNode):
                self.fail(items, f"{where}.ignore", "expected a list of anomaly kinds")
            ignore = tuple(self.string(i, f"{where}.ignore") for i in items.value)
            conditions = [replace(c, ignore=ignore) if c.kind == "no_anomaly" else c
                          for c in conditions]
        hold: float | Literal["master_down"] = 0.0
        if "hold" in f:
            raw = self.scalar(f["hold"], f"{where}.hold")
            hold = "master_down" if raw == "master_down" else self.number(
                f["hold"], f"{where}.hold", 0, MAX_TIMEOUT)
        return replace(
            step,
            conditions=tuple(conditions),
            instance=self.string(f["instance"], f"{where}.instance") if "instance" in f else None,
            timeout=self.number(f["timeout"], f"{where}.timeout", 0.1, MAX_TIMEOUT),
            hold=hold,
        )

    def condition(self, kind: ConditionKind, node: yaml.Node, key: str) -> Condition:
        if kind in ("master", "vip_on"):
            return Condition(kind, node=self.node_ref(node, key))
        if kind in ("no_anomaly", "single_master"):
            if not self.boolean(node, key):
                self.fail(node, key, "only `true` makes sense here (leave the key out instead)")
            return Condition(kind)
        f = self.mapping(node, key, ("node", "name", "state"))
        for required in ("node", "name", "state"):
            if required not in f:
                self.fail(node, f"{key}.{required}", "required")
        return Condition(
            "service",
            node=self.node_ref(f["node"], f"{key}.node"),
            service=self.string(f["name"], f"{key}.name"),
            state=self.string(f["state"], f"{key}.state", SERVICE_STATES),
        )

    def probe(self, step: Step, f: dict[str, yaml.Node], where: str) -> Step:
        body = None
        if "body_contains" in f:
            body = self.string(f["body_contains"], f"{where}.body_contains")
            self.known_roles(f["body_contains"], f"{where}.body_contains", body)
        status = int(self.number(f["status"], f"{where}.status", 100, 599)) if "status" in f \
            else 200
        timeout = self.number(f["timeout"], f"{where}.timeout", 0.1, MAX_TIMEOUT) \
            if "timeout" in f else 5.0
        return replace(step, status=status, body_contains=body, timeout=timeout)




def check_inventory(runbook: Runbook, cluster: Cluster) -> None:
    """Every node and service the runbook names exists in the cluster (RunbookError if not).

    Checked before the drill does anything: an unknown name found mid-drill would stop it with
    the cluster half changed. A role (`$master`) may be any node, so its service must be on all.
    """
    nodes = {n.name: n for n in cluster.nodes}
    for key, step in _numbered(runbook):
        # drain/undrain write the node's track file: "maintenance" is no service to look up
        service = None if step.verb in MAINTENANCE_VERBS else step.service
        refs = [(step.node, service)] + [(c.node, c.service) for c in step.conditions]
        for ref, service in refs:
            if ref is None:
                continue
            if not roles_in(ref) and ref not in nodes:
                raise RunbookError(runbook.path, step.line, key,
                                   f"no node {ref!r} in cluster {cluster.name} "
                                   f"(nodes: {', '.join(nodes)})")
            on = [nodes[ref]] if ref in nodes else list(nodes.values())
            lacking = [n.name for n in on if service is not None and service not in n.services]
            if lacking:
                raise RunbookError(runbook.path, step.line, key,
                                   f"no service {service!r} on {', '.join(lacking)} "
                                   "in the cluster file")


def check_instances(runbook: Runbook, known: Collection[str]) -> None:
    """Every VRRP instance the runbook names is one the nodes run (RunbookError if not)."""
    named: list[tuple[str, int | None, str | None]] = [("instance", None, runbook.instance)]
    named += [(key, step.line, step.instance) for key, step in _numbered(runbook)]
    for key, line, instance in named:
        if instance is not None and instance not in known:
            raise RunbookError(runbook.path, line, key,
                               f"no node runs the instance {instance!r} "
                               f"(instances: {', '.join(known) or 'none'})")


def _numbered(runbook: Runbook) -> list[tuple[str, Step]]:
    return [(f"{section}[{i}]", step)
            for section, steps in (("steps", runbook.steps), ("rollback", runbook.rollback))
            for i, step in enumerate(steps)]
