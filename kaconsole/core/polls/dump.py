"""keepalived's own account of its instances: the JSON dump and, as a fallback, the data dump.

`kill -s $(keepalived --signum=JSON)` writes /tmp/keepalived.json (builds with --enable-json), a
list of instances, or with `json_version 2` (2.2.8+) `{"vrrp": [...], ...}`; `--signum=DATA`
writes /tmp/keepalived.data. Before keepalived 2.4 both carry the PASS password in clear
(`auth_data`, `Password =`): only the fields below are read, so it never goes further.
`dump_files` says where a node's configuration puts them.
"""

from __future__ import annotations

import json
import re
from typing import Any

from kaconsole.core.conf.model import KeepalivedConfig
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
    if isinstance(doc, dict) and isinstance(doc.get("vrrp"), list):
        doc = doc["vrrp"]  # json_version 2
    if not isinstance(doc, list):
        raise DumpError("not keepalived's JSON dump: expected a list of instances "
                        'or {"vrrp": [...]}')
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


TMP_DIR = "/tmp"
_TRUE = ("true", "on", "yes")


def _dump_file(setting: str | None, default: str, suffix: str) -> str:
    """keepalived's `open_dump_file` (2.3.x): an absolute setting gives the directory (its
    file name too unless it ends in /), else the temporary directory; `suffix` is
    `data_use_instance`'s `.NETNS_INSTANCE`, put before the extension."""
    directory, name = TMP_DIR, default
    if setting and setting.startswith("/"):
        directory = setting[: setting.rindex("/")] or "/"
    if setting and not setting.endswith("/"):
        name = setting.rsplit("/", 1)[-1]
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    return f"{directory.rstrip('/')}/{stem}{suffix}{'.' if ext else ''}{ext}"


def dump_files(config: KeepalivedConfig | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Where a node writes its JSON and data dumps: (JSON candidates, data candidates), the
    configured place first, /tmp last.

    Checked against keepalived's source (2.2.7 to 2.3.3): the data dump follows
    `state_dump_file` (2.3.x) and `data_use_instance` (with the top-level `net_namespace` and
    `instance`); the JSON dump is always $TMPDIR/keepalived.json: 2.3.x parses
    `json_dump_file` but does not use it yet, so it is only a first candidate."""
    glob = config.global_defs.extra if config else {}
    other = {s.key: s.args[0] for s in config.other if s.args} if config else {}
    use_instance = glob.get("data_use_instance") in (True, *_TRUE)
    netns, instance = other.get("net_namespace"), other.get("instance")
    suffix = ""
    if use_instance and (netns or instance):
        suffix = "." + "_".join(p for p in (netns, instance) if p)

    def setting(key: str) -> str | None:
        value = glob.get(key)
        return value if isinstance(value, str) else None

    json_files = [_dump_file(setting("json_dump_file"), "keepalived.json", "")]
    data_files = [_dump_file(setting("state_dump_file"), "keepalived.data", suffix)]
    return (tuple(dict.fromkeys([*json_files, f"{TMP_DIR}/keepalived.json"])),
            tuple(dict.fromkeys([*data_files, f"{TMP_DIR}/keepalived.data"])))
