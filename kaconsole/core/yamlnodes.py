"""Reading composed YAML nodes so that every error names the line and the key.

Cluster files and drill runbooks are composed (not loaded) with PyYAML: the nodes keep their
marks, and these readers check keys and values the same way for both.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Collection
from typing import Any, NoReturn

import yaml

#: Raises the caller's own error for (line, key, message).
Fail = Callable[[int | None, str, str], NoReturn]


def line(node: yaml.Node | None) -> int | None:
    """The 1-based line a node starts on."""
    return node.start_mark.line + 1 if node is not None and node.start_mark else None


def kind(node: yaml.Node | None) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return "nothing" if node is None else "a single value"


def type_name(value: object) -> str:
    names = {bool: "true/false", int: "an integer", float: "a number", str: "a string"}
    return "nothing" if value is None else names.get(type(value), type(value).__name__)


def mapping(
    node: yaml.Node | None, where: str, allowed: Collection[str], fail: Fail
) -> dict[str, yaml.Node]:
    """A mapping's values by key: plain names only, no duplicates, none outside `allowed`
    (with a did-you-mean), no merge keys. An empty `allowed` accepts any name."""
    if not isinstance(node, yaml.MappingNode):
        fail(line(node), where, f"expected a mapping, got {kind(node)}")
    out: dict[str, yaml.Node] = {}
    for key_node, value in node.value:
        name = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if not isinstance(name, str) or not name:
            fail(line(key_node), where, "keys must be plain names")
        key = f"{where}.{name}" if where else name
        if name == "<<":
            fail(line(key_node), key, "YAML merge keys are not supported")
        if name in out:
            fail(line(key_node), key, f"duplicate key (first on line {line(out[name])})")
        if allowed and name not in allowed:
            close = difflib.get_close_matches(name, list(allowed), n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            fail(line(key_node), key, f"unknown key{hint} (known: {', '.join(allowed)})")
        out[name] = value
    return out


def scalar(
    node: yaml.Node, key: str, fail: Fail, constructor: yaml.constructor.SafeConstructor
) -> Any:
    """A single value, constructed safely (no tags beyond YAML's own).

    PyYAML's constructors raise whatever their parsing hits on a bad tagged value (a `!!timestamp`
    that is no date raises AttributeError, a `!!bool maybe` KeyError): any of it is the file's
    fault, reported at its line; the value itself is not echoed (it may be a secret).
    """
    if not isinstance(node, yaml.ScalarNode):
        fail(line(node), key, f"expected a single value, got {kind(node)}")
    try:
        return constructor.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
        fail(line(node), key, f"invalid value: {exc}")
    except Exception:
        tag = node.tag.rsplit(":", 1)[-1]
        fail(line(node), key, f"invalid value: not a valid !!{tag}")
