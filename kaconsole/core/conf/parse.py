"""keepalived.conf -> `KeepalivedConfig` (CONTRACTS.md section 5).

`confread` and `confsyntax` turn the text into a tree of statements the way keepalived reads
it; this module gives the statements keepalived's meaning and defaults. Unknown keys and
blocks are kept (`extra`, `other`); a bad value or an unknown keyword is a warning with
file:line (`lint`), a syntax error an error; nothing raises on bad input, whatever its size.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from kaconsole.core.conf.lint import lint
from kaconsole.core.conf.model import (
    Authentication,
    Checker,
    GlobalDefs,
    KeepalivedConfig,
    Problem,
    RealServer,
    Stmt,
    SyncGroup,
    Track,
    VirtualAddress,
    VirtualServer,
    VrrpInstance,
    VrrpScript,
    VrrpTrackFile,
    Where,
)
from kaconsole.core.conf.read import GlobFn, Reader, ReadFn
from kaconsole.core.conf.source import Listing
from kaconsole.core.conf.syntax import Ctx, build_tree, quoted
from kaconsole.core.conf.values import (
    INVALID,
    Conv,
    Fields,
    Special,
    block,
    decimal,
    fields,
    flag,
    integer,
    plain_map,
    ranged,
    seconds,
    seconds_within,
    setter,
    text,
    upper,
    whole,
    words,
)
from kaconsole.core.redact import Secret

__all__ = ["KeepalivedConfig", "parse_config"]


def parse_config(text: str, *, path: str = "keepalived.conf", read: ReadFn | None = None,
                 glob: GlobFn | None = None, config_id: str | None = None,
                 keep_source: bool = False) -> KeepalivedConfig:
    """Parse a keepalived.conf. `read(path)` and `glob(pattern)` follow `include`s (None: not
    followed, a warning says so); `config_id` is keepalived's `-i` for `@ID` lines (None: no
    `@ID` line applies, every `@^ID` line does); `keep_source` keeps the lines as read, secrets
    masked (`conf.source`), for the console's configuration pane."""
    listing = Listing() if keep_source else None
    reader = Reader(read=read, glob=glob, config_id=config_id, listing=listing)
    ctx = reader.ctx
    tree = build_tree(reader.pieces(text, path), ctx)
    lint(tree, ctx)
    return replace(_build(tree, ctx), errors=_in_file_order(ctx.errors, reader.files),
                   warnings=_in_file_order(ctx.warnings, reader.files),
                   files=tuple(reader.files), config_id=config_id,
                   source=tuple(listing.lines) if listing is not None else ())


def _in_file_order(problems: list[Problem], files: list[str]) -> tuple[Problem, ...]:
    order = {name: index for index, name in reversed(list(enumerate(files)))}

    def key(item: Problem) -> tuple[int, int]:
        if item.where is None:
            return (-1, 0)
        return (order.get(item.where.file, len(files)), item.where.line)

    return tuple(sorted(problems, key=key))


# ---------------------------------------------------------------- global_defs, vrrp_script

_GLOBAL: dict[str, tuple[str, Conv]] = {
    "router_id": ("router_id", text),
    "vrrp_strict": ("vrrp_strict", flag),
    "vrrp_version": ("vrrp_version", ranged(2, 3)),
    "enable_script_security": ("enable_script_security", flag),
    "script_user": ("script_user", words),
    "vrrp_garp_interval": ("vrrp_garp_interval", seconds),
    "vrrp_gna_interval": ("vrrp_gna_interval", seconds),
    "vrrp_iptables": ("vrrp_iptables", lambda stmt, ctx: True),
    "vrrp_skip_check_adv_addr": ("vrrp_skip_check_adv_addr", flag),
}

_SCRIPT: dict[str, tuple[str, Conv]] = {
    "script": ("script", words),
    "interval": ("interval", seconds),
    "fall": ("fall", integer),
    "rise": ("rise", integer),
    "timeout": ("timeout", seconds),
    "user": ("user", words),
    "init_fail": ("init_fail", flag),
}


def _script_weight(stmt: Stmt, out: Fields, ctx: Ctx) -> None:
    weight = ranged(-253, 253)(stmt, ctx)
    if weight is not None:
        out.values["weight"] = weight
    out.values["weight_reverse"] = "reverse" in stmt.args[1:]


def _vrrp_script(stmt: Stmt, name: str, ctx: Ctx) -> VrrpScript:
    got = fields(block(stmt, ctx), _SCRIPT, {"weight": _script_weight}, ctx)
    return VrrpScript(name=name, where=stmt.where, locations=got.locations, extra=got.extra,
                      **got.values)


def _file_weight(stmt: Stmt, out: Fields, ctx: Ctx) -> None:
    weight = ranged(-254, 254)(stmt, ctx)
    if weight is not None:
        out.values["weight"] = weight
    out.values["weight_reverse"] = "reverse" in stmt.args[1:]


def _init_file(stmt: Stmt, ctx: Ctx) -> str:
    """`init_file [VALUE] [overwrite]`: the file is created (with 0 when no value is given)."""
    return " ".join(stmt.args) or "0"


def _vrrp_track_file(stmt: Stmt, name: str, ctx: Ctx) -> VrrpTrackFile:
    got = fields(block(stmt, ctx), {"file": ("file", text), "init_file": ("init_file", _init_file)},
                 {"weight": _file_weight}, ctx)
    return VrrpTrackFile(name=name, where=stmt.where, extra=got.extra, **got.values)


# ---------------------------------------------------------------- vrrp_instance

_INSTANCE: dict[str, tuple[str, Conv]] = {
    "state": ("state", upper),
    "interface": ("interface", text),
    "virtual_router_id": ("virtual_router_id", ranged(1, 255)),
    "priority": ("priority", ranged(1, 255)),
    "advert_int": ("advert_int", seconds_within(0.01, 255)),
    "preempt_delay": ("preempt_delay", seconds),
    "strict_mode": ("strict_mode", flag),
    "version": ("version", ranged(2, 3)),
    "unicast_src_ip": ("unicast_src_ip", text),
    "mcast_src_ip": ("mcast_src_ip", text),
}

_NOTIFY = ("notify", "notify_master", "notify_backup", "notify_fault", "notify_stop",
           "notify_deleted", "notify_master_rx_lower_pri")
_GARP = ("garp_master_delay", "garp_master_refresh", "garp_master_repeat",
         "garp_master_refresh_repeat", "garp_lower_prio_delay", "garp_lower_prio_repeat",
         "garp_interval", "gna_interval", "garp_extra_if", "vmac_garp_intvl")


def _notify(stmt: Stmt, out: Fields, ctx: Ctx) -> None:
    """`notify_master "CMD ARGS" [USER [GROUP]]`: the command, and the user when given."""
    notify = out.values.setdefault("notify", {})
    command = text(stmt, ctx)
    if command is not None:
        notify[stmt.key] = command
    if len(stmt.args) > 1:
        notify[f"{stmt.key}_user"] = " ".join(stmt.args[1:])


def _garp(stmt: Stmt, out: Fields, ctx: Ctx) -> None:
    garp = out.values.setdefault("garp", {})
    if not stmt.args:
        garp[stmt.key] = True
        return
    value = stmt.args[0]
    number = decimal(value)
    garp[stmt.key] = value if number is None else number


def _authentication(stmt: Stmt, out: Fields, ctx: Ctx) -> None:
    auth_type: str | None = None
    auth_pass: Secret | None = None
    for child in block(stmt, ctx):
        if child.key == "auth_type":
            auth_type = upper(child, ctx)
        elif child.key == "auth_pass":
            value = text(child, ctx)
            auth_pass = Secret(value) if value is not None else None
        else:
            continue  # an unknown line here may be a password: neither kept nor named
        out.locations[child.key] = child.where
    out.values["authentication"] = Authentication(auth_type, auth_pass)


def _address(words: tuple[str, ...], where: Where) -> VirtualAddress:
    address, _, prefix = words[0].partition("/")
    options = dict(zip(words[1::2], words[2::2], strict=False)) if len(words) > 2 else {}
    return VirtualAddress(raw=" ".join(words), address=address, where=where,
                          prefix=whole(prefix) if prefix.isdecimal() else None,
                          dev=options.get("dev"), label=options.get("label"))


def _vips(stmt: Stmt, out: Fields, ctx: Ctx) -> None:
    out.values[stmt.key] = tuple(_address(child.words(), child.where)
                                 for child in block(stmt, ctx))


def _unicast_peer(stmt: Stmt, out: Fields, ctx: Ctx) -> None:
    out.values["unicast_peer"] = tuple(child.key for child in block(stmt, ctx))


def _tracks(stmt: Stmt, ctx: Ctx) -> tuple[Track, ...]:
    """`NAME [weight N [reverse]]` lines of a track_script / track_interface block."""
    tracks = []
    for child in block(stmt, ctx):
        weight: int | None = None
        if "weight" in child.args:
            at = child.args.index("weight")
            raw = child.args[at + 1] if at + 1 < len(child.args) else ""
            weight = whole(raw)
            if weight is None:
                ctx.warn(f"{stmt.key} {child.key}: weight '{quoted(raw)}' is not a whole number",
                         child.where, INVALID)
        tracks.append(Track(child.key, child.where, weight, "reverse" in child.args))
    return tuple(tracks)


def _track(stmt: Stmt, out: Fields, ctx: Ctx) -> None:
    out.values[stmt.key] = _tracks(stmt, ctx)


_INSTANCE_SPECIAL: dict[str, Special] = {
    "nopreempt": setter("nopreempt", True), "preempt": setter("nopreempt", False),
    "accept": setter("accept", True), "no_accept": setter("accept", False),
    "authentication": _authentication, "virtual_ipaddress": _vips,
    "virtual_ipaddress_excluded": _vips, "unicast_peer": _unicast_peer,
    "track_script": _track, "track_interface": _track, "track_file": _track,
    **dict.fromkeys(_NOTIFY, _notify), **dict.fromkeys(_GARP, _garp),
}


def _vrrp_instance(stmt: Stmt, name: str, ctx: Ctx) -> VrrpInstance:
    got = fields(block(stmt, ctx), _INSTANCE, _INSTANCE_SPECIAL, ctx)
    return VrrpInstance(name=name, where=stmt.where, locations=got.locations, extra=got.extra,
                        **got.values)


def _members(stmt: Stmt, out: Fields, ctx: Ctx) -> None:
    out.values["group"] = tuple(child.key for child in block(stmt, ctx))


_GROUP_SPECIAL: dict[str, Special] = {
    "group": _members, "track_script": _track, **dict.fromkeys(_NOTIFY, _notify)}


def _sync_group(stmt: Stmt, name: str, ctx: Ctx) -> SyncGroup:
    got = fields(block(stmt, ctx), {}, _GROUP_SPECIAL, ctx)
    return SyncGroup(name=name, where=stmt.where, extra=got.extra, **got.values)


# ---------------------------------------------------------------- virtual_server

_VS: dict[str, tuple[str, Conv]] = {
    "protocol": ("protocol", upper),
    "lb_algo": ("lb_algo", text), "lvs_sched": ("lb_algo", text),
    "lb_kind": ("lb_kind", upper), "lvs_method": ("lb_kind", upper),
    "delay_loop": ("delay_loop", seconds),
    "persistence_timeout": ("persistence_timeout", integer),
    "sorry_server": ("sorry_server", words),
}
_CHECKERS = frozenset({"HTTP_GET", "SSL_GET", "TCP_CHECK", "MISC_CHECK", "SMTP_CHECK",
                       "DNS_CHECK", "BFD_CHECK", "PING_CHECK", "UDP_CHECK", "FILE_CHECK"})


def _port(raw: str | None, stmt: Stmt, ctx: Ctx) -> int | None:
    if raw is None:
        return None
    port = whole(raw)
    if port is not None and 0 <= port <= 65535:
        return port
    ctx.warn(f"{stmt.key}: port '{quoted(raw)}' is not a port number", stmt.where, INVALID)
    return None


def _real_server(stmt: Stmt, ctx: Ctx) -> RealServer | None:
    if not stmt.args:
        ctx.error("real_server without an address", stmt.where)
        return None
    checkers: list[Checker] = []

    def checker(child: Stmt, out: Fields, c: Ctx) -> None:
        checkers.append(Checker(child.key, child.where, plain_map(block(child, c))))

    got = fields(block(stmt, ctx), {"weight": ("weight", integer)},
                  dict.fromkeys(_CHECKERS, checker), ctx)
    port = _port(stmt.args[1] if len(stmt.args) > 1 else None, stmt, ctx)
    return RealServer(address=stmt.args[0], where=stmt.where, port=port,
                      checkers=tuple(checkers), locations=got.locations, extra=got.extra,
                      **got.values)


def _virtual_server(stmt: Stmt, ctx: Ctx) -> VirtualServer | None:
    if not stmt.args:
        ctx.error("virtual_server without an address", stmt.where)
        return None
    servers: list[RealServer] = []

    def real(child: Stmt, out: Fields, c: Ctx) -> None:
        server = _real_server(child, c)
        if server is not None:
            servers.append(server)

    got = fields(block(stmt, ctx), _VS, {"real_server": real}, ctx)
    if stmt.args[0] in ("fwmark", "group"):
        address, port = " ".join(stmt.args[:2]), None
    else:
        address = stmt.args[0]
        port = _port(stmt.args[1] if len(stmt.args) > 1 else None, stmt, ctx)
    return VirtualServer(address=address, where=stmt.where, port=port,
                         real_servers=tuple(servers), locations=got.locations,
                         extra=got.extra, **got.values)


# ---------------------------------------------------------------- top level

_NAMED = {"vrrp_script": _vrrp_script, "vrrp_instance": _vrrp_instance,
          "vrrp_sync_group": _sync_group, "vrrp_track_file": _vrrp_track_file}


def _build(tree: list[Stmt], ctx: Ctx) -> KeepalivedConfig:
    global_body: list[Stmt] = []
    global_where: Where | None = None
    named: dict[str, list[Any]] = {key: [] for key in _NAMED}
    servers: list[VirtualServer] = []
    other: list[Stmt] = []
    for stmt in tree:
        if stmt.key == "global_defs":
            global_where = global_where or stmt.where
            global_body.extend(block(stmt, ctx))
        elif stmt.key in _NAMED:
            if not stmt.args:
                ctx.error(f"{stmt.key} without a name", stmt.where)
                continue
            name = stmt.args[0]
            if any(item.name == name for item in named[stmt.key]):
                ctx.warn(f"{stmt.key} {name} is defined again", stmt.where)
            named[stmt.key].append(_NAMED[stmt.key](stmt, name, ctx))
        elif stmt.key == "virtual_server":
            server = _virtual_server(stmt, ctx)
            if server is not None:
                servers.append(server)
        else:
            other.append(stmt)
    got = fields(global_body, _GLOBAL, {}, ctx)
    global_defs = GlobalDefs(where=global_where, locations=got.locations, extra=got.extra,
                             **got.values)
    return KeepalivedConfig(global_defs, tuple(named["vrrp_script"]),
                            tuple(named["vrrp_instance"]), tuple(named["vrrp_sync_group"]),
                            tuple(servers), tuple(other),
                            track_files=tuple(named["vrrp_track_file"]))
