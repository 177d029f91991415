"""Facts to JSON values and back, for recordings: what a session saw, replayable later.

Generic over the fact dataclasses (their type hints drive decoding), with the two hot facts,
log lines and adverts, written by hand: a burst of log lines must cost little to record.
Secrets never reach the JSON: a `Secret` (keepalived's auth_pass) is written as its keyed
fingerprint and read back as a `RecordedSecret`, which compares like the original within the
recording process and reveals nothing.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Mapping
from datetime import datetime
from enum import Enum
from typing import Any, Union

from kaconsole.core.events import Advert, LogEvent
from kaconsole.core.facts import AdvertSeen, Fact, LogSeen
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
    if type(fact) is LogSeen:
        line: dict[str, Any] = {"$": "LogSeen", "node": fact.node, "event": _log_json(fact.event)}
        if fact.received is not None:  # the console's time it arrived: replay's clock estimate
            line["received"] = fact.received
        return line
    if type(fact) is AdvertSeen:
        return {"$": "AdvertSeen", "node": fact.node, "advert": _advert_json(fact.advert)}
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


def _log_json(e: LogEvent) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": e.kind.value, "text": e.text}
    if e.ts is not None:
        out["ts"] = e.ts
    if e.host is not None:
        out["host"] = e.host
    if e.pid is not None:
        out["pid"] = e.pid
    if e.instance is not None:
        out["instance"] = e.instance
    if e.line is not None:
        out["line"] = e.line
    if e.fields:
        out["fields"] = e.fields
    return out


def _advert_json(a: Advert) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ts": a.ts, "src": a.src, "dst": a.dst, "version": a.version, "vrid": a.vrid,
        "priority": a.priority, "advert_int": a.advert_int, "auth_type": a.auth_type,
        "addresses": a.addresses, "ttl": a.ttl,
    }
    if a.problems:
        out["problems"] = a.problems
    if a.auth_fingerprint is not None:
        out["auth_fingerprint"] = a.auth_fingerprint
    return out


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
        return lambda raw: tuple(item(r) for r in raw)
    if origin is frozenset:
        item = _decoder(args[0])
        return lambda raw: frozenset(item(r) for r in raw)
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
    names = {f.name for f in _fields(cls)}

    def make(raw: Mapping[str, Any]) -> Any:
        kwargs = {k: _decoder(hints[k])(v) for k, v in raw.items() if k in names}
        return cls(**kwargs)

    return make


def _plain(raw: Any) -> Any:
    """A free JSON value (a log event's extras, a config block the model does not know)."""
    return raw
