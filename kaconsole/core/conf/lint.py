"""keepalived's own complaints about a configuration, found before keepalived makes them.

A keyword keepalived does not know in a block it parses is a warning with the nearest known one
as a suggestion (`priorty`: did you mean `priority`?); a value outside the words keepalived
compares it with (`state MASTR`) is a warning too. The statement is still kept in the model:
keepalived logs and skips it, so the rest of the configuration stands. Numbers out of range are
found by the converters (`values.ranged`). `vrrp_garp_interval 0` is deliberately not
reported: it changes nothing at run time and older keepalived accepts it (see checks.config).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from kaconsole.core.conf.keywords import KEYWORDS
from kaconsole.core.conf.model import Stmt
from kaconsole.core.conf.syntax import Ctx, quoted
from kaconsole.core.conf.values import INVALID
from kaconsole.core.redact import is_secret_key

UNKNOWN = "unknown_keyword"

_LVS_METHODS = ("NAT", "DR", "TUN")
_SCHEDULERS = ("rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf",
               "mh", "twos")
#: (block path, keyword) -> the values keepalived accepts; strcmp (case counts) unless the
#: path is in _ANY_CASE.
_ENUMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("vrrp_instance", "state"): ("MASTER", "BACKUP"),
    ("vrrp_instance/authentication", "auth_type"): ("PASS", "AH"),
    ("virtual_server", "lb_kind"): _LVS_METHODS,
    ("virtual_server", "lvs_method"): _LVS_METHODS,
    ("virtual_server", "sorry_server_lvs_method"): _LVS_METHODS,
    ("virtual_server/real_server", "lvs_method"): _LVS_METHODS,
    ("virtual_server", "protocol"): ("TCP", "UDP", "SCTP"),
    ("virtual_server", "lb_algo"): _SCHEDULERS,
    ("virtual_server", "lvs_sched"): _SCHEDULERS,
}
_ANY_CASE = frozenset({("virtual_server", "protocol")})
# Blocks whose unknown lines may be a password written on the line after its keyword.
_SECRET_BLOCKS = frozenset({"vrrp_instance/authentication", "SSL"})


def lint(tree: Iterable[Stmt], ctx: Ctx) -> None:
    """Warn about unknown keywords and refused values, block by block."""
    _block("", tuple(tree), ctx)


def _block(path: str, body: tuple[Stmt, ...], ctx: Ctx) -> None:
    known = KEYWORDS.get(path)
    for stmt in body:
        if known is not None and stmt.key not in known:
            _unknown(path, stmt, known, ctx)
        else:
            _value(path, stmt, ctx)
        if stmt.body is not None and known is not None:
            _block(f"{path}/{stmt.key}" if path else stmt.key, stmt.body, ctx)


def _unknown(path: str, stmt: Stmt, known: frozenset[str], ctx: Ctx) -> None:
    where = f"in {path}" if path else "at the top level"
    if path in _SECRET_BLOCKS or is_secret_key(stmt.key):
        ctx.warn(f"unknown keyword {where} (not shown: it may be a secret)", stmt.where, UNKNOWN)
        return
    near = difflib.get_close_matches(stmt.key, known, n=1, cutoff=0.75)
    hint = f"; did you mean '{near[0]}'?" if near else ""
    ctx.warn(f"unknown keyword '{quoted(stmt.key)}' {where}: keepalived ignores it{hint}",
             stmt.where, UNKNOWN)


def _value(path: str, stmt: Stmt, ctx: Ctx) -> None:
    if not stmt.args:
        return
    value = stmt.args[0]
    allowed = _ENUMS.get((path, stmt.key))
    if allowed is not None:
        fits = value.upper() in allowed if (path, stmt.key) in _ANY_CASE else value in allowed
        if not fits:
            ctx.warn(f"{stmt.key}: '{quoted(value)}' is not one of {', '.join(allowed)}",
                     stmt.where, INVALID)
