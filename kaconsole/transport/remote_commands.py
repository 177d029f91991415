"""The command lines the console runs on a node, built from the inventory alone.

Nothing that came from a log, a packet or a host is ever put into a command: every argument
here is the inventory's, quoted with shlex.
"""

from __future__ import annotations

import re
import secrets
import shlex
from collections.abc import Sequence

from kaconsole.core.inventory.model import Node, ServiceAction
from kaconsole.core.polls.neighbours import ARPING_MARK, NEIGH_MARK

#: Log lines replayed when a follower (re)starts: enough to explain the current state.
REPLAY_LINES = 200

#: VRRP (112) over IPv4 and IPv6, and IPsec AH (51), which carries `auth_type AH` adverts.
CAPTURE_FILTER = "ip proto 112 or ip6 proto 112 or ip proto 51"

def dump_command(signal: str, files: Sequence[str]) -> str:
    """Asks keepalived for a dump (`signal` JSON or DATA) and prints it once written to one of
    `files` (the configured place, then /tmp: see `core.dump.dump_files`).

    keepalived writes the file asynchronously after the signal: wait for a new modification time
    on any candidate, then for its size to settle, never a fixed sleep. Exit 3: keepalived not
    running; 4: this build cannot (no JSON); 5: no candidate was written."""
    quoted = [shlex.quote(f) for f in files]
    lines = [
        "stamp() { stat -c %Y.%y \"$1\" 2>/dev/null; }",
        "pid=$(cat /run/keepalived.pid 2>/dev/null || pgrep -o -x keepalived) || exit 3",
        f"sig=$(keepalived --signum={signal} 2>/dev/null) || exit 4",
        *(f"o{i}=$(stamp {f})" for i, f in enumerate(quoted)),
        'kill -s "$sig" "$pid" 2>/dev/null || exit 3',
        "f=; i=0",
        'while [ -z "$f" ] && [ $i -lt 100 ]; do',
        *(f'  [ -z "$f" ] && n=$(stamp {f}) && [ -n "$n" ] && [ "$n" != "$o{i}" ] && f={f}'
          for i, f in enumerate(quoted)),
        '  [ -n "$f" ] || sleep 0.02; i=$((i+1))',
        "done",
        '[ -n "$f" ] || exit 5',
        "while [ $i -lt 200 ]; do",
        '  s1=$(stat -c %s "$f"); sleep 0.02; s2=$(stat -c %s "$f")',
        '  [ "$s1" = "$s2" ] && exec cat "$f"',
        "  i=$((i+1))",
        "done",
        "exit 5",
    ]
    return "\n".join(lines) + "\n"


#: The dumps where keepalived writes them by default (the demo's simulator answers these).
DUMP_JSON = dump_command("JSON", ("/tmp/keepalived.json",))
DUMP_DATA = dump_command("DATA", ("/tmp/keepalived.data",))
IP_ADDR = "ip -j addr"


def neighbour_command(vip: str, interface: str) -> str:
    """What this node resolves `vip` to on `interface`: its cache entry, and when it has none,
    who answers an arping (or a ping, which fills the cache). Exit 6: the node holds the VIP.

    `vip` and `interface` come from the node's keepalived.conf; the caller accepts only an IP
    address and an interface name (`transport.pollers`), and both are quoted all the same."""
    v, d = shlex.quote(vip), shlex.quote(interface)
    neigh = f"echo {NEIGH_MARK}; ip -j neigh show to {v} dev {d}"
    return "\n".join([
        f"ip -o addr show to {v} | grep -q . && exit 6",
        f"e=$(ip -j neigh show to {v} dev {d} 2>/dev/null)",
        f"echo {NEIGH_MARK}; printf '%s\\n' \"$e\"",
        'case "$e" in *lladdr*) exit 0;; esac',
        "if command -v arping >/dev/null 2>&1; then",
        f"  echo {ARPING_MARK}; arping -c1 -w1 -I {d} {v} 2>&1",
        f"else ping -c1 -W1 {v} >/dev/null 2>&1; {neigh}; fi",
        "exit 0",
    ]) + "\n"


def service_command(node: Node, service: str, action: ServiceAction) -> str:
    """start/stop/restart/status of a service, as the inventory defines it (KeyError if none)."""
    return node.services[service].command(action)


def track_file_command(path: str, value: int) -> str:
    """Write a number into a keepalived track file (maintenance mode). The one argument not from
    the inventory: the path comes from the node's keepalived.conf, which the caller accepts only
    as a plain absolute path (`core.insight.maintenance`); it is quoted here all the same."""
    return f"printf '%d\\n' {int(value)} > {shlex.quote(path)}"


def log_follow_command(node: Node, replay: int = REPLAY_LINES) -> str:
    logs = node.logs
    if logs.source == "journal":
        return f"journalctl -u {shlex.quote(logs.unit)} -o json -f -n {int(replay)} --no-pager"
    assert logs.path is not None  # the inventory requires a path with source: file
    return f"tail -n {int(replay)} -F {shlex.quote(logs.path)}"


def capture_command(node: Node) -> str:
    """tcpdump writing pcap to stdout, packet by packet (-U, --immediate-mode), no name lookups."""
    iface = shlex.quote(node.capture.interface)
    return f"tcpdump -U -n --immediate-mode -s 0 -w - -i {iface} {shlex.quote(CAPTURE_FILTER)}"


#: Bytes read of one configuration file; one byte more tells the file is larger.
MAX_FILE_BYTES = 1024 * 1024
#: Files one `include` glob may name in a read (keepalived configs hold a handful).
MAX_GLOB_FILES = 64
# Shell functions of a read: `r PATH` prints a file between marker lines with head's exit
# status; `g PATTERN DIR NAME` lists what an include glob matches (find matches the name itself,
# so the pattern is only ever an argument) and reads each file. Every marker carries the fetch's
# nonce `$n`: a file's content cannot end its own frame or forge another one.
_READ_PRELUDE = (
    "r() { printf '\\n@@kaconsole-%s@@ file %s\\n' \"$n\" \"$1\"; "
    f"head -c {MAX_FILE_BYTES + 1} -- \"$1\" 2>/dev/null; "
    "printf '\\n@@kaconsole-%s@@ end %d\\n' \"$n\" \"$?\"; }\n"
    "g() { l=$(find \"$2\" -maxdepth 1 -name \"$3\" -type f 2>/dev/null | sort | "
    f"head -n {MAX_GLOB_FILES}); "
    "printf '\\n@@kaconsole-%s@@ glob %s\\n%s\\n@@kaconsole-%s@@ end 0\\n' "
    "\"$n\" \"$1\" \"$l\" \"$n\"; "
    "printf '%s\\n' \"$l\" | while IFS= read -r f; do [ -n \"$f\" ] && r \"$f\"; done; }\n"
)
_NONCE = re.compile(r"[0-9a-f]{32}")


def new_nonce() -> str:
    """An unguessable marker for one fetch (128 random bits)."""
    return secrets.token_hex(16)


def read_files_command(nonce: str, paths: Sequence[str], globs: Sequence[str] = ()) -> str:
    """One round trip: the files, and each include glob's matches with their content."""
    assert _NONCE.fullmatch(nonce)
    lines = [_READ_PRELUDE + f"n={nonce}"]
    lines += [f"r {shlex.quote(path)}" for path in paths]
    for pattern in globs:
        directory, _, name = pattern.rpartition("/")
        lines.append(f"g {shlex.quote(pattern)} {shlex.quote(directory or '.')} "
                     f"{shlex.quote(name)}")
    return "\n".join(lines)


def read_request(command: str) -> tuple[str, list[str], list[str]] | None:
    """The nonce, files and globs of a `read_files_command` (how a simulated node answers it)."""
    if not command.startswith(_READ_PRELUDE + "n="):
        return None
    head, *rest = command[len(_READ_PRELUDE):].split("\n")
    paths = [shlex.split(line)[1] for line in rest if line.startswith("r ")]
    globs = [shlex.split(line)[1] for line in rest if line.startswith("g ")]
    return head[2:], paths, globs


def frame(nonce: str, kind: str, name: str, status: int, body: str) -> str:
    """One file (`file`) or glob listing (`glob`) as a read prints it."""
    return f"\n@@kaconsole-{nonce}@@ {kind} {name}\n{body}\n@@kaconsole-{nonce}@@ end {status}\n"


def frames(nonce: str, stdout: str) -> list[tuple[str, str, int, str]]:
    """(kind, name, status, body) of each frame a read printed, in order."""
    marker = re.escape(f"@@kaconsole-{nonce}@@")
    found = re.finditer(rf"\n{marker} (file|glob) ([^\n]*)\n(.*?)\n{marker} end ([0-9]{{1,3}})\n",
                        stdout, re.S)
    return [(m[1], m[2], int(m[4]), m[3]) for m in found]


def as_privileged(node: Node, command: str) -> str:
    """The command as it must run for a change: through `sudo -n` when the inventory says."""
    return f"sudo -n sh -c {shlex.quote(command)}" if node.ssh.sudo else command
