"""The keepalived.conf model (CONTRACTS.md section 5): frozen dataclasses with `to_json()`.

Every block and every key remembers where it was written (`where`, `locations`) so that checks
can point at file:line. Keys and blocks the parser does not model are kept (`extra`, `other`),
never dropped. `auth_pass` is a `Secret`: it prints and serialises as "***".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kaconsole.core.redact import MASK, Secret, redact_args


@dataclass(frozen=True, slots=True)
class Where:
    """A place in the configuration: the file as named by the includer, and a 1-based line."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line}


@dataclass(frozen=True, slots=True)
class Problem:
    """A parse error or warning; the message never holds a secret (see `syntax.problem`).
    `code` names the kind of a keepalived-semantics finding (`unknown_keyword`,
    `invalid_value`) so that checks can report them; plain syntax problems have none."""

    message: str
    where: Where | None = None
    code: str | None = None

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message

    def to_json(self) -> dict[str, Any]:
        out = {"file": self.where.file if self.where else None,
               "line": self.where.line if self.where else None, "message": self.message}
        return out if self.code is None else {**out, "code": self.code}


@dataclass(frozen=True, slots=True)
class SourceLine:
    """A line as written, secrets masked (`conf.source`); line 0 marks where a file begins."""

    where: Where
    text: str


@dataclass(frozen=True, slots=True, repr=False)
class Stmt:
    """One configuration statement as keepalived tokenises it: keyword, arguments and, for a
    block, the statements inside its braces (`body` is None when there is no block).
    Its repr and JSON mask the arguments of secret keywords (`password`, `key` ...)."""

    key: str
    args: tuple[str, ...]
    where: Where
    body: tuple[Stmt, ...] | None = None

    def __repr__(self) -> str:
        return (f"Stmt(key={self.key!r}, args={tuple(redact_args(self.key, self.args))!r}, "
                f"where={self.where!r}, body={self.body!r})")

    def words(self) -> tuple[str, ...]:
        return (self.key, *self.args)

    def plain(self) -> Any:
        """A compact JSON value for a key the model does not know (secrets masked)."""
        if self.body is not None:
            return [child.plain_line() for child in self.body]
        args = redact_args(self.key, self.args)
        if not args:
            return True
        return args[0] if len(args) == 1 else args

    def plain_line(self) -> Any:
        """This statement inside an unknown block: its words, or {head: body} for a block."""
        head = " ".join([self.key, *redact_args(self.key, self.args)])
        if self.body is None:
            return head
        return {head: [child.plain_line() for child in self.body]}

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"key": self.key, "args": redact_args(self.key, self.args),
                               "file": self.where.file, "line": self.where.line}
        if self.body is not None:
            out["body"] = [child.to_json() for child in self.body]
        return out


def _locations(locs: Mapping[str, Where]) -> dict[str, Any]:
    return {key: where.to_json() for key, where in locs.items()}


@dataclass(frozen=True, slots=True)
class GlobalDefs:
    """`global_defs`; `vrrp_version` defaults to 2 as in keepalived. Intervals are seconds."""

    router_id: str | None = None
    vrrp_strict: bool = False
    vrrp_version: int = 2
    enable_script_security: bool = False
    script_user: str | None = None
    vrrp_garp_interval: float | None = None
    vrrp_gna_interval: float | None = None
    vrrp_iptables: bool = False
    vrrp_skip_check_adv_addr: bool = False
    where: Where | None = None
    locations: Mapping[str, Where] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"router_id": self.router_id, "vrrp_strict": self.vrrp_strict,
                "vrrp_version": self.vrrp_version,
                "enable_script_security": self.enable_script_security,
                "script_user": self.script_user, "vrrp_garp_interval": self.vrrp_garp_interval,
                "vrrp_gna_interval": self.vrrp_gna_interval, "vrrp_iptables": self.vrrp_iptables,
                "vrrp_skip_check_adv_addr": self.vrrp_skip_check_adv_addr,
                "extra": dict(self.extra), "locations": _locations(self.locations)}


@dataclass(frozen=True, slots=True)
class VrrpScript:
    """`vrrp_script NAME`; defaults as keepalived's: interval 1 s, weight 0, rise 1, fall 1."""

    name: str
    where: Where
    script: str | None = None
    interval: float = 1.0
    weight: int = 0
    weight_reverse: bool = False
    fall: int = 1
    rise: int = 1
    timeout: float | None = None
    user: str | None = None
    init_fail: bool = False
    locations: Mapping[str, Where] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "script": self.script, "interval": _num(self.interval),
                "weight": self.weight, "weight_reverse": self.weight_reverse, "fall": self.fall,
                "rise": self.rise, "timeout": self.timeout, "user": self.user,
                "init_fail": self.init_fail, "file": self.where.file, "line": self.where.line,
                "extra": dict(self.extra), "locations": _locations(self.locations)}


@dataclass(frozen=True, slots=True)
class VrrpTrackFile:
    """`vrrp_track_file NAME`: keepalived adds `weight` x the number in `file` to the priority
    of the instances that track it (weight 0: a non-zero number means FAULT)."""

    name: str
    where: Where
    file: str | None = None
    weight: int = 1
    weight_reverse: bool = False
    init_file: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "file": self.file, "weight": self.weight,
                "weight_reverse": self.weight_reverse, "init_file": self.init_file,
                "where": self.where.file, "line": self.where.line, "extra": dict(self.extra)}


@dataclass(frozen=True, slots=True)
class Track:
    """One entry of `track_script` / `track_interface`: a name, an optional weight override."""

    name: str
    where: Where
    weight: int | None = None
    reverse: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "weight": self.weight, "reverse": self.reverse,
                "file": self.where.file, "line": self.where.line}


@dataclass(frozen=True, slots=True)
class VirtualAddress:
    """One `virtual_ipaddress` line: the raw words and the address, prefix and device in it."""

    raw: str
    address: str
    where: Where
    prefix: int | None = None
    dev: str | None = None
    label: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"address": self.address, "prefix": self.prefix, "dev": self.dev,
                "label": self.label, "raw": self.raw, "file": self.where.file,
                "line": self.where.line}


@dataclass(frozen=True, slots=True)
class Authentication:
    """The `authentication` block; `auth_pass` is held as a `Secret`."""

    auth_type: str | None = None
    auth_pass: Secret | None = None

    def to_json(self) -> dict[str, Any]:
        return {"auth_type": self.auth_type,
                "auth_pass": MASK if self.auth_pass is not None else None}


@dataclass(frozen=True, slots=True)
class VrrpInstance:
    """`vrrp_instance NAME`. `accept` is None when neither `accept` nor `no_accept` is written;
    `version` None means the global `vrrp_version` applies."""

    name: str
    where: Where
    state: str | None = None
    interface: str | None = None
    virtual_router_id: int | None = None
    priority: int = 100
    advert_int: float = 1.0
    nopreempt: bool = False
    preempt_delay: float | None = None
    accept: bool | None = None
    strict_mode: bool = False
    version: int | None = None
    authentication: Authentication | None = None
    virtual_ipaddress: tuple[VirtualAddress, ...] = ()
    virtual_ipaddress_excluded: tuple[VirtualAddress, ...] = ()
    unicast_src_ip: str | None = None
    unicast_peer: tuple[str, ...] = ()
    mcast_src_ip: str | None = None
    track_interface: tuple[Track, ...] = ()
    track_script: tuple[Track, ...] = ()
    track_file: tuple[Track, ...] = ()
    notify: Mapping[str, str] = field(default_factory=dict)
    garp: Mapping[str, Any] = field(default_factory=dict)
    locations: Mapping[str, Where] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def vips(self) -> tuple[str, ...]:
        """The virtual addresses without prefix or options."""
        return tuple(vip.address for vip in self.virtual_ipaddress)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name, "state": self.state, "interface": self.interface,
            "virtual_router_id": self.virtual_router_id, "priority": self.priority,
            "advert_int": self.advert_int, "nopreempt": self.nopreempt,
            "preempt_delay": self.preempt_delay, "accept": self.accept,
            "strict_mode": self.strict_mode, "version": self.version,
            "authentication": self.authentication.to_json() if self.authentication else None,
            "virtual_ipaddress": [vip.raw for vip in self.virtual_ipaddress],
            "virtual_ipaddress_excluded": [vip.raw for vip in self.virtual_ipaddress_excluded],
            "vips": [vip.to_json() for vip in self.virtual_ipaddress],
            "unicast_src_ip": self.unicast_src_ip, "unicast_peer": list(self.unicast_peer),
            "mcast_src_ip": self.mcast_src_ip,
            "track_interface": [t.name for t in self.track_interface],
            "track_script": [t.name for t in self.track_script],
            "track_scripts": [t.to_json() for t in self.track_script],
            "track_interfaces": [t.to_json() for t in self.track_interface],
            "track_files": [t.to_json() for t in self.track_file],
            "notify": dict(self.notify), "garp": dict(self.garp),
            "file": self.where.file, "line": self.where.line,
            "extra": dict(self.extra), "locations": _locations(self.locations),
        }


@dataclass(frozen=True, slots=True)
class SyncGroup:
    """`vrrp_sync_group NAME`: the instances that change state together."""

    name: str
    where: Where
    group: tuple[str, ...] = ()
    track_script: tuple[Track, ...] = ()
    notify: Mapping[str, str] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "group": list(self.group),
                "track_script": [t.name for t in self.track_script], "notify": dict(self.notify),
                "file": self.where.file, "line": self.where.line, "extra": dict(self.extra)}


@dataclass(frozen=True, slots=True)
class Checker:
    """A real server's health checker (HTTP_GET, TCP_CHECK, MISC_CHECK ...), kept generically."""

    kind: str
    where: Where
    settings: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "settings": dict(self.settings), "file": self.where.file,
                "line": self.where.line}


@dataclass(frozen=True, slots=True)
class RealServer:
    """`real_server ADDRESS [PORT]`; weight defaults to 1 as in keepalived."""

    address: str
    where: Where
    port: int | None = None
    weight: int = 1
    checkers: tuple[Checker, ...] = ()
    locations: Mapping[str, Where] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"address": self.address, "port": self.port, "weight": self.weight,
                "checkers": [c.to_json() for c in self.checkers], "file": self.where.file,
                "line": self.where.line, "extra": dict(self.extra),
                "locations": _locations(self.locations)}


@dataclass(frozen=True, slots=True)
class VirtualServer:
    """`virtual_server ADDRESS PORT`, `virtual_server fwmark N` or `virtual_server group NAME`
    (`address` then holds "fwmark N" / "group NAME"); protocol defaults to TCP."""

    address: str
    where: Where
    port: int | None = None
    protocol: str = "TCP"
    lb_algo: str | None = None
    lb_kind: str | None = None
    delay_loop: float | None = None
    persistence_timeout: int | None = None
    sorry_server: str | None = None
    real_servers: tuple[RealServer, ...] = ()
    locations: Mapping[str, Where] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"address": self.address, "port": self.port, "protocol": self.protocol,
                "lb_algo": self.lb_algo, "lb_kind": self.lb_kind, "delay_loop": self.delay_loop,
                "persistence_timeout": self.persistence_timeout,
                "sorry_server": self.sorry_server,
                "real_servers": [rs.to_json() for rs in self.real_servers],
                "file": self.where.file, "line": self.where.line, "extra": dict(self.extra),
                "locations": _locations(self.locations)}


@dataclass(frozen=True, slots=True)
class KeepalivedConfig:
    """A whole configuration, includes followed. `other` holds top-level blocks not modelled
    (static_ipaddress, vrrp_track_process, virtual_server_group, ...); `files` every file read."""

    global_defs: GlobalDefs = field(default_factory=GlobalDefs)
    scripts: tuple[VrrpScript, ...] = ()
    instances: tuple[VrrpInstance, ...] = ()
    sync_groups: tuple[SyncGroup, ...] = ()
    virtual_servers: tuple[VirtualServer, ...] = ()
    other: tuple[Stmt, ...] = ()
    errors: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()
    files: tuple[str, ...] = ()
    config_id: str | None = None
    track_files: tuple[VrrpTrackFile, ...] = ()
    #: Every line read, includes in place (with `keep_source`); not part of the JSON model.
    source: tuple[SourceLine, ...] = ()

    def instance(self, name: str) -> VrrpInstance | None:
        return next((i for i in self.instances if i.name == name), None)

    def script(self, name: str) -> VrrpScript | None:
        return next((s for s in self.scripts if s.name == name), None)

    def track_file(self, name: str) -> VrrpTrackFile | None:
        return next((t for t in self.track_files if t.name == name), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "global": self.global_defs.to_json(), "scripts": [s.to_json() for s in self.scripts],
            "instances": [i.to_json() for i in self.instances],
            "sync_groups": [g.to_json() for g in self.sync_groups],
            "virtual_servers": [v.to_json() for v in self.virtual_servers],
            "other": [s.to_json() for s in self.other],
            "errors": [p.to_json() for p in self.errors],
            "warnings": [p.to_json() for p in self.warnings],
            "files": list(self.files), "config_id": self.config_id,
            "track_files": [t.to_json() for t in self.track_files],
        }


def _num(value: float) -> float | int:
    """Whole seconds as ints in JSON (`interval: 5` as in the contract), fractions as floats."""
    return int(value) if float(value).is_integer() else value
