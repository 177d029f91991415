"""Turning keepalived.conf statements into typed values, warning with file:line on bad ones.

Converters mirror keepalived's readers: a flag alone means on, booleans are
on|off|true|false|yes|no, timers are unsigned decimal seconds. `fields` maps a block's
statements onto dataclass arguments, remembering where each key is and keeping unknown ones.
Numbers are ASCII digits only, at most MAX_DIGITS of them: Python's int() also takes `١٢`,
`1_0` and blanks, and refuses more than 4300 digits.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kaconsole.core.conf.model import Stmt, Where
from kaconsole.core.conf.syntax import Ctx, quoted

#: Digits in a number: keepalived's largest (unsigned 64-bit) has 20.
MAX_DIGITS = 20
#: The code of a warning about a value keepalived would refuse.
INVALID = "invalid_value"
_WHOLE = re.compile(rf"[+-]?[0-9]{{1,{MAX_DIGITS}}}")
_DECIMAL = re.compile(
    rf"[0-9]{{1,{MAX_DIGITS}}}(?:\.[0-9]{{0,{MAX_DIGITS}}})?|\.[0-9]{{1,{MAX_DIGITS}}}")


def whole(raw: str) -> int | None:
    """An ASCII whole number of at most MAX_DIGITS digits, else None."""
    return int(raw) if _WHOLE.fullmatch(raw) else None


def decimal(raw: str) -> float | None:
    """An unsigned ASCII decimal (`1`, `0.5`, `.5`), else None."""
    return float(raw) if _DECIMAL.fullmatch(raw) else None


Conv = Callable[[Stmt, Ctx], Any]


def text(stmt: Stmt, ctx: Ctx) -> str | None:
    if not stmt.args:
        ctx.warn(f"{stmt.key}: missing value", stmt.where)
        return None
    return stmt.args[0]


def upper(stmt: Stmt, ctx: Ctx) -> str | None:
    value = text(stmt, ctx)
    return value.upper() if value is not None else None


def words(stmt: Stmt, ctx: Ctx) -> str | None:
    if not stmt.args:
        ctx.warn(f"{stmt.key}: missing value", stmt.where)
        return None
    return " ".join(stmt.args)


_TRUTH = {"true": True, "on": True, "yes": True, "false": False, "off": False, "no": False}


def flag(stmt: Stmt, ctx: Ctx) -> bool:
    """A keyword alone means on; keepalived also takes on|off|true|false|yes|no."""
    if not stmt.args:
        return True
    value = _TRUTH.get(stmt.args[0].lower())
    if value is None:
        ctx.warn(f"{stmt.key}: '{quoted(stmt.args[0])}' is not on/off/true/false/yes/no",
                 stmt.where, INVALID)
        return True
    return value


def integer(stmt: Stmt, ctx: Ctx) -> int | None:
    value = text(stmt, ctx)
    if value is None:
        return None
    number = whole(value)
    if number is None:
        ctx.warn(f"{stmt.key}: '{quoted(value)}' is not a whole number", stmt.where, INVALID)
    return number


def seconds(stmt: Stmt, ctx: Ctx) -> float | None:
    value = text(stmt, ctx)
    if value is None:
        return None
    number = decimal(value)
    if number is None:
        ctx.warn(f"{stmt.key}: '{quoted(value)}' is not a number of seconds", stmt.where, INVALID)
    return number


def seconds_within(low: float, high: float) -> Conv:
    """Seconds keepalived takes only between `low` and `high` (advert_int: 0.01 to 255)."""
    def conv(stmt: Stmt, ctx: Ctx) -> float | None:
        value = seconds(stmt, ctx)
        if value is not None and not low <= value <= high:
            ctx.warn(f"{stmt.key}: {value:g} is outside {low:g}..{high:g}", stmt.where, INVALID)
        return value
    return conv


def ranged(low: int, high: int) -> Conv:
    def conv(stmt: Stmt, ctx: Ctx) -> int | None:
        value = integer(stmt, ctx)
        if value is not None and not low <= value <= high:
            ctx.warn(f"{stmt.key}: {value} is outside {low}..{high}", stmt.where, INVALID)
        return value
    return conv


@dataclass(slots=True)
class Fields:
    """What a block's statements give: dataclass arguments, where each key is, unknown keys."""

    values: dict[str, Any] = field(default_factory=dict)
    locations: dict[str, Where] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


Special = Callable[[Stmt, Fields, Ctx], None]


def fields(body: Iterable[Stmt], convs: Mapping[str, tuple[str, Conv]],
           specials: Mapping[str, Special], ctx: Ctx) -> Fields:
    """Each statement through its converter, its special handler, or into `extra`."""
    out = Fields()
    unknown: list[Stmt] = []
    for stmt in body:
        out.locations[stmt.key] = stmt.where
        if stmt.key in convs:
            name, conv = convs[stmt.key]
            value = conv(stmt, ctx)
            if value is not None:
                out.values[name] = value
        elif stmt.key in specials:
            specials[stmt.key](stmt, out, ctx)
        else:
            unknown.append(stmt)
    out.extra = plain_map(unknown)
    return out


def plain_map(stmts: Iterable[Stmt]) -> dict[str, Any]:
    """Statements the model does not know, by keyword; a repeated keyword lists its values."""
    grouped: dict[str, list[Any]] = {}
    for stmt in stmts:
        grouped.setdefault(stmt.key, []).append(stmt.plain())
    return {key: values[0] if len(values) == 1 else values for key, values in grouped.items()}


def setter(name: str, value: Any) -> Special:
    def special(stmt: Stmt, out: Fields, ctx: Ctx) -> None:
        out.values[name] = value
    return special


def block(stmt: Stmt, ctx: Ctx) -> tuple[Stmt, ...]:
    if stmt.body is None:
        ctx.error(f"{stmt.key}: missing '{{' block", stmt.where)
        return ()
    return stmt.body
