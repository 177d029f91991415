"""The configuration pane's content: each node's parsed keepalived.conf, redacted, with the
differences between nodes first. Pure; secrets are compared with `Secret ==`, never shown.
"""

from __future__ import annotations

from typing import Any

from kaconsole.core.conf.model import KeepalivedConfig
from kaconsole.core.state.model import ClusterState
from kaconsole.ui.present.common import Seg

#: Model keys that say where a value was written, not what it is.
_NOISE = frozenset({"locations", "file", "line", "vips"})


def flatten(value: Any, prefix: str = "") -> dict[str, str]:
    """The model as `path: value` lines; list items with a name are keyed by it."""
    out: dict[str, str] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            if key in _NOISE or item in (None, {}, []):
                continue
            out.update(flatten(item, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(value, list) and value and all(_named(i) for i in value):
        for item in value:
            rest = {k: v for k, v in item.items() if k != "name"}
            out.update(flatten(rest, f"{prefix}[{item['name']}]"))
    else:
        out[prefix] = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    return out


def _named(item: Any) -> bool:
    return isinstance(item, dict) and "name" in item


def _passwords(configs: dict[str, KeepalivedConfig]) -> list[list[Seg]]:
    """Whether each instance's auth_pass is the same on every node, without showing any."""
    lines: list[list[Seg]] = []
    names = dict.fromkeys(i.name for c in configs.values() for i in c.instances)
    for name in names:
        secrets = {
            node: inst.authentication.auth_pass
            for node, c in configs.items()
            if (inst := c.instance(name)) is not None
            and inst.authentication is not None
            and inst.authentication.auth_pass is not None
        }
        if len(secrets) < 2:
            continue
        first = next(iter(secrets.values()))
        same = all(s == first for s in secrets.values())
        text = "the same on every node" if same else "DIFFERS between nodes"
        key = f"instances[{name}].authentication.auth_pass"
        lines.append([(f"  {key}: *** {text}", "" if same else "anomaly")])
    return lines


def config_lines(state: ClusterState) -> list[list[Seg]]:
    configs = {n.name: n.config for n in state.nodes if n.config is not None}
    if not configs:
        return [[("no keepalived.conf read yet", "muted")]]
    flat = {node: flatten(c.to_json()) for node, c in configs.items()}
    keys = list(dict.fromkeys(k for f in flat.values() for k in f))
    differing = [k for k in keys if len({f.get(k) for f in flat.values()}) > 1]
    lines: list[list[Seg]] = [[("Differences between nodes", "log-change")]]
    for key in differing:
        values = "   ".join(f"{node}={f.get(key, '(absent)')}" for node, f in flat.items())
        lines.append([(f"  {key}: ", ""), (values, "log-change")])
    if not differing:
        lines.append([("  none", "healthy")])
    lines += _passwords(configs)
    for node, f in flat.items():
        lines += [[("", "")], [(f"{node}", "vrrp-backup")]]
        lines += [
            [(f"  {key}: {value}", "log-change" if key in differing else "")]
            for key, value in f.items()
        ]
    return lines
