"""The cluster inventory (CONTRACTS.md section 1): `clusters/*.yaml` to frozen dataclasses.

The YAML is composed into nodes (not loaded into dicts) so that every error can name the file,
the line and the key, e.g. `clusters/x.yaml:7: nodes[1].host: required`. A bad file raises
`InventoryError` and nothing else: no traceback, nothing half-loaded.

Local paths (`identity_file`, `known_hosts`): `~` is expanded to the console user's home and a
relative path is taken relative to the cluster file's directory, so a lab or a repository can
ship keys beside its cluster file. Remote paths (`keepalived_conf`, `logs.path`) must be absolute.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

import yaml

from kaconsole.core import yamlnodes
from kaconsole.core.inventory.model import (
    DEFAULT_KEEPALIVED_CONF,
    MAX_FILE_BYTES,
    CaptureSpec,
    Cluster,
    LogSpec,
    Node,
    ServiceSpec,
    SshSettings,
    VipProbe,
)
from kaconsole.core.yamlnodes import kind as _kind
from kaconsole.core.yamlnodes import line as _line
from kaconsole.core.yamlnodes import type_name as _type
from kaconsole.errors import InventoryError

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,62}")
_UNIT = re.compile(r"[A-Za-z0-9][A-Za-z0-9:_.@\\-]*")
_TOKEN = re.compile(r"[^\s/-][^\s/]*")  # host, user, jump: no spaces, never an ssh option


def load_cluster(path: str | Path) -> Cluster:
    """Read and validate a cluster file; InventoryError names what is wrong and where."""
    shown = str(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise InventoryError(shown, None, "", f"cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_BYTES:
        raise InventoryError(shown, None, "", f"larger than {MAX_FILE_BYTES} bytes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InventoryError(shown, line, "", "not UTF-8 text") from None
    return parse_cluster(text, shown)


def parse_cluster(text: str, path: str = "<string>") -> Cluster:
    """Validate cluster YAML `text`; `path` names it in errors and anchors relative key files."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        context = f" ({exc.context})" if exc.context else ""
        raise InventoryError(path, line, "", f"YAML syntax: {exc.problem}{context}") from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise InventoryError(path, line, "", f"YAML syntax: {exc.reason}") from None
    except RecursionError:
        raise InventoryError(path, None, "", "YAML nested too deeply") from None
    except yaml.YAMLError as exc:
        raise InventoryError(path, None, "", f"YAML syntax: {exc}") from None
    if root is None:
        raise InventoryError(path, None, "", "empty file: expected a mapping with name and nodes")
    return _Builder(path).cluster(root)


@dataclass(frozen=True, slots=True)
class _Map:
    """A validated YAML mapping: values by key, plus where it is for 'required' errors."""

    where: str
    line: int | None
    values: dict[str, yaml.Node]

    def key(self, name: str) -> str:
        return f"{self.where}.{name}" if self.where else name


_TOP_KEYS = ("name", "description", "ssh", "services", "logs", "capture",
             "keepalived_conf", "vip_probe", "nodes", "lab", "read_only")
_NODE_KEYS = ("name", "host", "ssh", "services", "logs", "capture", "keepalived_conf")
_SSH_KEYS = ("user", "port", "identity_file", "known_hosts", "host_key_policy", "jump",
             "sudo", "connect_timeout")
_DEFAULT_SERVICES = {name: ServiceSpec(name, unit=name) for name in ("nginx", "keepalived")}


class _Builder:
    """Turns composed YAML nodes into the dataclasses; every check names path:line: key."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.base = None if path.startswith("<") else Path(path).parent
        self.constructor = yaml.constructor.SafeConstructor()

    # -- generic readers -------------------------------------------------------------------

    def fail(self, line: int | None, key: str, message: str) -> NoReturn:
        raise InventoryError(self.path, line, key, message)

    def mapping(self, node: yaml.Node | None, where: str, allowed: Collection[str],
                parent_line: int | None = None) -> _Map:
        if node is None or (isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null")):
            return _Map(where, _line(node) or parent_line, {})
        return _Map(where, _line(node), yamlnodes.mapping(node, where, allowed, self.fail))

    def value(self, m: _Map, name: str) -> tuple[Any, int | None]:
        """The constructed value under `name` (None when absent or null) and its line."""
        node = m.values.get(name)
        if node is None:
            return None, m.line
        return yamlnodes.scalar(node, m.key(name), self.fail, self.constructor), _line(node)

    def string(self, m: _Map, name: str, pattern: re.Pattern[str] | None = None,
               hint: str = "") -> str | None:
        value, line = self.value(m, name)
        if value is None:
            return None
        if not isinstance(value, str):
            self.fail(line, m.key(name),
                      f"expected a string, got {_type(value)} (quote it if it is a name)")
        if not value.strip():
            self.fail(line, m.key(name), "must not be empty")
        if pattern is not None and not pattern.fullmatch(value):
            self.fail(line, m.key(name), f"invalid value {value!r}: {hint}")
        return value

    def need(self, m: _Map, name: str, pattern: re.Pattern[str] | None = None,
             hint: str = "") -> str:
        value = self.string(m, name, pattern, hint)
        if value is None:
            self.fail(self.value(m, name)[1], m.key(name), "required")
        return value

    def number(self, m: _Map, name: str, low: float, high: float, *, integer: bool) -> Any:
        value, line = self.value(m, name)
        if value is None:
            return None
        if (isinstance(value, bool) or not isinstance(value, int | float)
                or (integer and not isinstance(value, int))):
            want = "an integer" if integer else "a number"
            self.fail(line, m.key(name), f"expected {want}, got {_type(value)}")
        if not low <= value <= high:
            self.fail(line, m.key(name), f"{value} out of range {low:g}..{high:g}")
        return int(value) if integer else float(value)

    def boolean(self, m: _Map, name: str) -> bool | None:
        value, line = self.value(m, name)
        if value is not None and not isinstance(value, bool):
            self.fail(line, m.key(name), f"expected true or false, got {_type(value)}")
        return value

    def choice(self, m: _Map, name: str, options: tuple[str, ...]) -> str | None:
        value = self.string(m, name)
        if value is not None and value not in options:
            close = difflib.get_close_matches(value, options, n=1, cutoff=0.5)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            self.fail(self.value(m, name)[1], m.key(name),
                      f"{value!r} is not one of {', '.join(options)}{hint}")
        return value

    def local_path(self, m: _Map, name: str) -> str | None:
        value = self.string(m, name)
        if value is None:
            return None
        expanded = Path(os.path.expanduser(value))
        if not expanded.is_absolute() and self.base is not None:
            expanded = self.base / expanded
        return str(expanded)

    def remote_path(self, m: _Map, name: str) -> str | None:
        return self.string(m, name, re.compile(r"/\S*"), "an absolute path on the node")

    # -- sections ----------------------------------------------------------------------------

    def ssh(self, node: yaml.Node | None, where: str, line: int | None) -> dict[str, Any]:
        """The keys given in one `ssh` block (merged by the caller over the defaults)."""
        m = self.mapping(node, where, _SSH_KEYS, line)
        token_hint = "no spaces or slashes, and not starting with -"
        values: dict[str, Any] = {
            "user": self.string(m, "user", _TOKEN, token_hint),
            "port": self.number(m, "port", 1, 65535, integer=True),
            "identity_file": self.local_path(m, "identity_file"),
            "known_hosts": self.local_path(m, "known_hosts"),
            "host_key_policy": self.choice(m, "host_key_policy", ("strict", "accept-new")),
            "jump": self.string(m, "jump", _TOKEN, token_hint),
            "sudo": self.boolean(m, "sudo"),
            "connect_timeout": self.number(m, "connect_timeout", 0.1, 3600, integer=False),
        }
        return {key: value for key, value in values.items() if value is not None}

    def service(self, node: yaml.Node, name: str, where: str) -> ServiceSpec:
        if isinstance(node, yaml.ScalarNode) and not node.tag.endswith(":null"):
            # shorthand: `nginx: nginx` names the unit
            short = self.need(_Map(where, _line(node), {"unit": node}), "unit", _UNIT,
                              "a systemd unit name, or a mapping with start/stop/status")
            return ServiceSpec(name, unit=short)
        m = self.mapping(node, where, ("unit", "start", "stop", "status", "restart"))
        unit = self.string(m, "unit", _UNIT, "a systemd unit name")
        commands = {key: self.string(m, key) for key in ("start", "stop", "status", "restart")}
        if unit is not None:
            extra = [key for key, value in commands.items() if value is not None]
            if extra:
                self.fail(_line(m.values[extra[0]]), m.key(extra[0]),
                          "use either unit or start/stop/status commands, not both")
            return ServiceSpec(name, unit=unit)
        for key in ("start", "stop", "status"):
            if commands[key] is None:
                self.fail(m.line, m.key(key), "required (or give unit: for a systemd service)")
        return ServiceSpec(name, **commands)

    def services(self, node: yaml.Node | None, where: str) -> dict[str, ServiceSpec]:
        m = self.mapping(node, where, ())
        for name, value in m.values.items():
            if not _NAME.fullmatch(name):
                self.fail(_line(value), m.key(name), "service names are letters, digits, . _ -")
        return {name: self.service(value, name, m.key(name)) for name, value in m.values.items()}

    def logs(self, node: yaml.Node | None, where: str, line: int | None) -> dict[str, Any]:
        """The keys of a `logs` block; `log_spec` finishes it once the node's services are known."""
        m = self.mapping(node, where, ("source", "path", "unit"), line)
        source = self.choice(m, "source", ("journal", "file")) or "journal"
        given = {"source": source, "unit": self.string(m, "unit", _UNIT, "a systemd unit name"),
                 "path": self.remote_path(m, "path")}
        if source == "file" and given["path"] is None:
            self.fail(m.line, m.key("path"), "required with source: file")
        wrong = "path" if source == "journal" else "unit"
        if given[wrong] is not None:
            self.fail(_line(m.values[wrong]), m.key(wrong), f"not used with source: {source}")
        return given

    @staticmethod
    def log_spec(given: dict[str, Any], services: Mapping[str, ServiceSpec]) -> LogSpec:
        if given["source"] == "file":
            return LogSpec("file", path=given["path"])
        return LogSpec("journal", unit=given["unit"] or services["keepalived"].unit or "keepalived")

    def capture(self, node: yaml.Node | None, where: str, line: int | None) -> CaptureSpec:
        m = self.mapping(node, where, ("interface",), line)
        iface = self.string(m, "interface", re.compile(r"[^\s/]{1,15}"), "an interface name")
        return CaptureSpec(iface or "any")

    def vip_probe(self, node: yaml.Node | None, line: int | None) -> VipProbe | None:
        if node is None or (isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null")):
            return None
        m = self.mapping(node, "vip_probe", ("url", "timeout"), line)
        url = self.need(m, "url")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            self.fail(self.value(m, "url")[1], "vip_probe.url", "expected an http(s):// URL")
        timeout = self.number(m, "timeout", 0.01, 60, integer=False)
        return VipProbe(url, 1.0 if timeout is None else timeout)

    def lab(self, node: yaml.Node | None, line: int | None) -> tuple[str | None, str | None]:
        """The lab's directory and name (None: the default lab) of a file `lab up` wrote."""
        if node is None:
            return None, None
        m = self.mapping(node, "lab", ("dir", "name"), line)
        if self.string(m, "dir") is None:
            self.fail(m.line, "lab.dir", "required: the lab's directory")
        return self.local_path(m, "dir"), self.string(m, "name", _NAME, "a lab name")

    def cluster(self, root: yaml.Node) -> Cluster:
        if not isinstance(root, yaml.MappingNode):
            self.fail(_line(root), "", "expected a mapping with name and nodes")
        top = self.mapping(root, "", _TOP_KEYS)
        name = self.need(top, "name", _NAME, "letters, digits, . _ - (no spaces)")
        ssh = self.ssh(top.values.get("ssh"), "ssh", top.line)
        services = _DEFAULT_SERVICES | self.services(top.values.get("services"), "services")
        logs = self.logs(top.values.get("logs"), "logs", top.line)
        defaults = Node(name="", host="", ssh=SshSettings(**ssh), services=services,
                        logs=self.log_spec(logs, services),
                        capture=self.capture(top.values.get("capture"), "capture", top.line),
                        keepalived_conf=self.remote_path(top, "keepalived_conf")
                        or DEFAULT_KEEPALIVED_CONF)
        lab_dir, lab_name = self.lab(top.values.get("lab"), top.line)
        return Cluster(name=name, nodes=self.nodes(top, defaults, ssh, logs),
                       description=self.string(top, "description") or "", ssh=defaults.ssh,
                       services=services, logs=defaults.logs, capture=defaults.capture,
                       keepalived_conf=defaults.keepalived_conf, path=self.path,
                       vip_probe=self.vip_probe(top.values.get("vip_probe"), top.line),
                       lab_dir=lab_dir, lab_name=lab_name,
                       read_only=bool(self.boolean(top, "read_only")))

    def nodes(self, top: _Map, defaults: Node, ssh: dict[str, Any],
              logs: dict[str, Any]) -> tuple[Node, ...]:
        seq = top.values.get("nodes")
        if seq is None or (isinstance(seq, yaml.ScalarNode) and seq.tag.endswith(":null")):
            self.fail(_line(seq) or top.line, "nodes", "required: a list of nodes (name, host)")
        if not isinstance(seq, yaml.SequenceNode):
            self.fail(_line(seq), "nodes", f"expected a list of nodes, got {_kind(seq)}")
        if not seq.value:
            self.fail(_line(seq), "nodes", "at least one node is required")
        nodes: dict[str, Node] = {}
        lines: dict[str, int | None] = {}
        for index, item in enumerate(seq.value):
            node = self.node(item, f"nodes[{index}]", defaults, ssh, logs)
            if node.name in nodes:
                self.fail(_line(item), f"nodes[{index}].name",
                          f"duplicate name {node.name!r} (first on line {lines[node.name]})")
            nodes[node.name], lines[node.name] = node, _line(item)
        return tuple(nodes.values())

    def node(self, item: yaml.Node, where: str, defaults: Node, ssh: dict[str, Any],
             logs: dict[str, Any]) -> Node:
        """One node; its own ssh keys, services, logs, capture and keepalived_conf win."""
        if not isinstance(item, yaml.MappingNode):
            self.fail(_line(item), where, "expected a mapping with name and host")
        m = self.mapping(item, where, _NODE_KEYS)
        name = self.need(m, "name", _NAME, "letters, digits, . _ - (no spaces or slashes)")
        host = self.need(m, "host", _TOKEN, "a host name or address")
        own_ssh = self.ssh(m.values.get("ssh"), m.key("ssh"), m.line)
        services = {**defaults.services, **self.services(m.values.get("services"),
                                                         m.key("services"))}
        if "logs" in m.values:
            logs = self.logs(m.values["logs"], m.key("logs"), m.line)
        capture = defaults.capture
        if "capture" in m.values:
            capture = self.capture(m.values["capture"], m.key("capture"), m.line)
        return Node(name=name, host=host, ssh=SshSettings(**(ssh | own_ssh)), services=services,
                    logs=self.log_spec(logs, services), capture=capture,
                    keepalived_conf=self.remote_path(m, "keepalived_conf")
                    or defaults.keepalived_conf)


