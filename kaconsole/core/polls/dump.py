"""keepalived's own account of its instances: the JSON dump and, as a fallback, the data dump.

`kill -s $(keepalived --signum=JSON)` writes /tmp/keepalived.json (builds with --enable-json);
`--signum=DATA` writes /tmp/keepalived.data. Before keepalived 2.4 both carry the PASS password
in clear (`auth_data`, `Password =`): only the fields below are read, so it never goes further.
"""

from __future__ import annotations

import json
import re
from typing import Any

from kaconsole.core.events import VrrpState
from kaconsole.core.facts import DumpInstance


class DumpError(ValueError):
    """The dump is not what keepalived writes (truncated, or another file)."""


#: keepalived's numeric states (vrrp.h): 0 INIT, 1 BACKUP, 2 MASTER, 3 FAULT, 97/98 STOP.
_STATES = {
    0: VrrpState.INIT,
    1: VrrpState.BACKUP,
    2: VrrpState.MASTER,
    3: VrrpState.FAULT,
    97: VrrpState.STOP,
    98: VrrpState.STOP,
}


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def parse_json_dump(text: str) -> tuple[DumpInstance, ...]:
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise DumpError(f"not keepalived's JSON dump: {exc}") from None
    if not isinstance(doc, list):
        raise DumpError("not keepalived's JSON dump: expected a list of instances")
    out = []
    for item in doc:
        data = item.get("data") if isinstance(item, dict) else None
        if not isinstance(data, dict) or not isinstance(data.get("iname"), str):
            raise DumpError("not keepalived's JSON dump: an entry has no data.iname")
        code = _int(data.get("state"))
        state = _STATES.get(code, VrrpState.UNKNOWN) if code is not None else VrrpState.UNKNOWN
        out.append(
            DumpInstance(
                name=data["iname"],
                state=state,
                vrid=_int(data.get("vrid")),
                base_priority=_int(data.get("base_priority")),
                effective_priority=_int(data.get("effective_priority")),
            )
        )
    return tuple(out)


_INSTANCE = re.compile(r"^ VRRP Instance = (?P<name>.+?)\s*$")
_FIELD = re.compile(
    r"^   (?P<key>State|Virtual Router ID|Priority|Effective priority) = (?P<v>\S+)"
)
_WORDS = {s.value: s for s in VrrpState}


def parse_data_dump(text: str) -> tuple[DumpInstance, ...]:
    """The instances of the `VRRP Topology` section of /tmp/keepalived.data."""
    if "------< VRRP Topology >------" not in text:
        raise DumpError("not keepalived's data dump: no VRRP Topology section")
    section = text.split("------< VRRP Topology >------", 1)[1].split("------<", 1)[0]
    found: list[dict[str, str]] = []
    for line in section.splitlines():
        if m := _INSTANCE.match(line):
            found.append({"name": m["name"]})
        elif found and (m := _FIELD.match(line)):
            found[-1].setdefault(m["key"], m["v"])
    return tuple(
        DumpInstance(
            name=f["name"],
            state=_WORDS.get(f.get("State", ""), VrrpState.UNKNOWN),
            vrid=_digits(f.get("Virtual Router ID")),
            base_priority=_digits(f.get("Priority")),
            effective_priority=_digits(f.get("Effective priority")),
        )
        for f in found
    )


def _digits(value: str | None) -> int | None:
    return int(value) if value is not None and value.isdigit() else None
