"""Facts to JSON values and back, for recordings: what a session saw, replayable later.

Generic over the fact dataclasses (their type hints drive decoding). The facts that arrive by
the thousand (log lines, adverts, polls) are written as rows, `[t, "LogSeen", values...]`, their
values in the order of `COLUMNS` (which the recording's header repeats, so a reader follows the
file, not its own version): one C-level fetch a fact, and orjson serialises a whole block of rows
in one call, so that a burst of log lines costs little to record. Facts that may carry a secret
(the configuration) never become rows.
Secrets never reach the JSON: a `Secret` (keepalived's auth_pass) is written as its keyed
fingerprint and read back as a `RecordedSecret`, which compares like the original within the
recording process and reveals nothing.
"""

from __future__ import annotations

import dataclasses
import operator
import types
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from enum import Enum
from typing import Any, Union

from kaconsole.core.facts import (
    AdvertSeen,
    ChannelStatus,
    DumpObserved,
    Fact,
    LogSeen,
    NeighbourObserved,
    ProbeResult,
    Reachability,
    ServiceObserved,
)
from kaconsole.core.redact import MASK, Secret

#: What keepalived keeps of a PASS password (its first 8 characters).
PASS_LENGTH = 8


class RecordedSecret(Secret):
    """A secret known only by its fingerprints: compares, never reveals."""

    __slots__ = ("_length", "_print", "_short")

    def __init__(self, fingerprint: str, short: str, length: int) -> None:
        super().__init__(MASK)
        self._print, self._short, self._length = fingerprint, short, length

    def fingerprint(self) -> str:
        return self._print

    def truncated(self, length: int) -> Secret:
        if length == PASS_LENGTH and self._length > length:
            return RecordedSecret(self._short, self._short, length)
        return self

    def __len__(self) -> int:
        return self._length

    def __bool__(self) -> bool:
        return self._length > 0


def _secret_json(secret: Secret) -> dict[str, Any]:
    return {"fp": secret.fingerprint(), "fp8": secret.truncated(PASS_LENGTH).fingerprint(),
            "len": len(secret)}


_FACTS: dict[str, type[Any]] = {
    cls.__name__: cls for cls in typing.get_args(Fact)
}
_TAGS = {cls: name for name, cls in _FACTS.items()}


def encode(fact: Fact) -> dict[str, Any]:
    """`fact` as a JSON object (orjson writes its datetimes), its type named by `$`."""
    out: dict[str, Any] = _value(fact)
    out["$"] = _TAGS[type(fact)]
    return out


def decode(obj: Mapping[str, Any]) -> Fact:
    """The fact `encode` wrote; ValueError when `obj` is not one."""
    tag = obj.get("$")
    cls = _FACTS.get(tag) if isinstance(tag, str) else None
    if cls is None:
        raise ValueError(f"not a recorded fact: {tag!r}")
    try:
        fact: Fact = _decoder(cls)(obj)
    except (TypeError, KeyError, AttributeError) as exc:
        raise ValueError(f"a {tag} that does not decode: {exc}") from exc
    return fact


#: An audit entry (already redacted) is recorded beside the facts.
Item = Fact | dict[str, Any]
#: Facts with no secret anywhere in them, written as rows (orjson serialises their values).
_ROW_FACTS: tuple[type[Any], ...] = (LogSeen, AdvertSeen, Reachability, ServiceObserved,
                                     DumpObserved, ChannelStatus, ProbeResult, NeighbourObserved)


def _columns(cls: type[Any]) -> tuple[str, ...]:
    """A row fact's fields, a nested record's (the log event, the advert) as dotted names."""
    hints = typing.get_type_hints(cls)
    out: list[str] = []
    for f in dataclasses.fields(cls):
        inner = hints[f.name]
        if isinstance(inner, type) and dataclasses.is_dataclass(inner):
            out.extend(f"{f.name}.{g.name}" for g in dataclasses.fields(inner))
        else:
            out.append(f.name)
    return tuple(out)


COLUMNS: dict[str, tuple[str, ...]] = {cls.__name__: _columns(cls) for cls in _ROW_FACTS}


def _advert_row(t: float, fact: AdvertSeen) -> tuple[Any, ...]:
    """COLUMNS["AdvertSeen"] by hand, as one tuple: plain attribute loads cost a third of a
    dotted attrgetter, and each container made while a block is encoded costs the collector."""
    a = fact.advert
    return (t, "AdvertSeen", fact.node, a.ts, a.src, a.dst, a.version, a.vrid, a.priority,
            a.advert_int, a.auth_type, a.addresses, a.ttl, a.problems, a.auth_fingerprint)


def _row_of(cls: type[Any]) -> Callable[[float, Any], tuple[Any, ...]]:
    head, values = (cls.__name__,), operator.attrgetter(*COLUMNS[cls.__name__])
    return lambda t, fact: (t, *head, *values(fact))


_ROWS: dict[type[Any], Callable[[float, Any], tuple[Any, ...]]] = {
    cls: _row_of(cls) for cls in _ROW_FACTS
}
_ROWS[AdvertSeen] = _advert_row


def rows(times: Iterable[float], items: Iterable[Item]) -> list[Any]:
    """Timed facts and audit entries as the JSON values of one block, for one orjson call."""
    row_of = _ROWS.get
    out: list[Any] = []
    append = out.append
    for t, item in zip(times, items, strict=True):
        if type(item) is LogSeen:  # most of a burst: COLUMNS["LogSeen"] by hand, inline
            e = item.event
            append((t, "LogSeen", item.node, e.kind, e.text, e.ts, e.host, e.pid, e.instance,
                    e.line, e.fields, item.received))
            continue
        found = row_of(type(item))
        if found is not None:
            append(found(t, item))
        elif type(item) is dict:
            append({"t": t, "a": item})
        else:
            append({"t": t, "f": encode(item)})  # type: ignore[arg-type]
    return out


class RowReader:
    """Rows back to facts, by the columns a recording's header lists for each kind."""

    def __init__(self, columns: Mapping[str, Sequence[str]]) -> None:
        self._makers = {tag: _row_decoder(_FACTS[tag], list(cols))
                        for tag, cols in columns.items() if tag in _FACTS}

    def fact(self, row: Sequence[Any]) -> Fact:
        """The fact a row (`[t, tag, values...]`) holds; ValueError when it does not decode."""
        tag = row[1]
        make = self._makers.get(tag) if isinstance(tag, str) else None
        if make is None:
            raise ValueError(f"not a recorded fact: {tag!r}")
        try:
            fact: Fact = make(row)
        except (TypeError, KeyError, AttributeError, IndexError) as exc:
            raise ValueError(f"a {tag} that does not decode: {exc}") from exc
        return fact


def _row_decoder(cls: type[Any], columns: list[str]) -> Callable[[Sequence[Any]], Any]:
    """A function from a row to `cls`; columns it does not know are left out, fields the row
    lacks take their default. The values start at the row's third item."""
    hints = typing.get_type_hints(cls)
    top: list[tuple[str, int, Callable[[Any], Any]]] = []
    nested: dict[str, list[tuple[str, int, Callable[[Any], Any]]]] = {}
    for index, column in enumerate(columns, start=2):
        head, _, sub = column.partition(".")
        if head not in hints:
            continue
        if not sub:
            top.append((head, index, _decoder(hints[head])))
            continue
        inner = typing.get_type_hints(hints[head])
        if sub in inner:
            nested.setdefault(head, []).append((sub, index, _decoder(inner[sub])))
    made = [(head, hints[head], subs) for head, subs in nested.items()]

    def make(values: Sequence[Any]) -> Any:
        kwargs = {name: dec(values[i]) for name, i, dec in top}
        for head, inner_cls, subs in made:
            kwargs[head] = inner_cls(**{name: dec(values[i]) for name, i, dec in subs})
        return cls(**kwargs)

    return make


def _value(value: Any) -> Any:
    """A JSON value for any part of a fact; dataclass fields left at their default are left out."""
    if isinstance(value, Secret):
        return _secret_json(value)
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {}
        for f in _fields(type(value)):
            item = getattr(value, f.name)
            if f.default is not dataclasses.MISSING and item == f.default:
                continue
            if f.default_factory is not dataclasses.MISSING and item == f.default_factory():
                continue
            out[f.name] = _value(item)
        return out
    if isinstance(value, tuple | list):
        return [_value(v) for v in value]
    if isinstance(value, frozenset | set):
        return sorted(_value(v) for v in value)
    if isinstance(value, Mapping):
        return {str(k): _value(v) for k, v in value.items()}
    return value


_FIELDS: dict[type[Any], tuple[dataclasses.Field[Any], ...]] = {}
_DECODERS: dict[object, Callable[[Any], Any]] = {}


def _fields(cls: type[Any]) -> tuple[dataclasses.Field[Any], ...]:
    found = _FIELDS.get(cls)
    if found is None:
        found = _FIELDS[cls] = dataclasses.fields(cls)
    return found


def _decoder(hint: Any) -> Callable[[Any], Any]:
    """A function from JSON to the type `hint` names, built once per type."""
    found = _DECODERS.get(hint)
    if found is None:
        found = _DECODERS[hint] = _build(hint)
    return found


def _build(hint: Any) -> Callable[[Any], Any]:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any:
        return _plain
    if origin in (Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        if len(inner) != 1:
            raise TypeError(f"no decoder for {hint}")
        one = _decoder(inner[0])
        return lambda raw: None if raw is None else one(raw)
    if origin is tuple:
        item = _decoder(args[0])
        return lambda raw: tuple(map(item, raw))
    if origin is frozenset:
        item = _decoder(args[0])
        return lambda raw: frozenset(map(item, raw))
    if origin in (dict, Mapping):
        item = _decoder(args[1])
        return lambda raw: {str(k): item(v) for k, v in raw.items()}
    if hint is datetime:
        return datetime.fromisoformat
    if hint is float:
        return float
    if isinstance(hint, type) and issubclass(hint, Secret):
        return lambda raw: RecordedSecret(str(raw["fp"]), str(raw["fp8"]), int(raw["len"]))
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _dataclass_decoder(hint)
    if hint in (str, int, bool):
        return _checked(hint)
    raise TypeError(f"no decoder for {hint}")


def _checked(cls: type[Any]) -> Callable[[Any], Any]:
    def check(raw: Any) -> Any:
        if not isinstance(raw, cls) or (cls is int and isinstance(raw, bool)):
            raise TypeError(f"{raw!r} is not a {cls.__name__}")
        return raw

    return check


def _dataclass_decoder(cls: type[Any]) -> Callable[[Any], Any]:
    hints = typing.get_type_hints(cls)
    fields: dict[str, Callable[[Any], Any]] = {}  # filled on first use: types may nest

    def make(raw: Mapping[str, Any]) -> Any:
        if not fields:
            fields.update({f.name: _decoder(hints[f.name]) for f in _fields(cls)})
        return cls(**{k: fields[k](v) for k, v in raw.items() if k in fields})

    return make


def _plain(raw: Any) -> Any:
    """A free JSON value (a log event's extras, a config block the model does not know)."""
    return raw
