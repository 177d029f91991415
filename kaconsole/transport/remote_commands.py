"""The command lines the console runs on a node, built from the inventory alone.

Nothing that came from a log, a packet or a host is ever put into a command: every argument
here is the inventory's, quoted with shlex.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence

from kaconsole.core.inventory.model import Node, ServiceAction

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


def service_command(node: Node, service: str, action: ServiceAction) -> str:
    """start/stop/restart/status of a service, as the inventory defines it (KeyError if none)."""
    return node.services[service].command(action)


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


def read_files_command(paths: list[str]) -> str:
    """Prints each file between marker lines with cat's exit status: many files, one round trip."""
    parts = [
        f"printf '\\n@@kaconsole-file@@ %s\\n' {shlex.quote(p)}; cat -- {shlex.quote(p)}; "
        f"printf '\\n@@kaconsole-end@@ %d\\n' $?"
        for p in paths
    ]
    return "; ".join(parts) if parts else "true"


def glob_command(pattern: str) -> str:
    """Lists the files a config `include` pattern names, without letting the shell expand it.

    `find` matches the last path component itself, so the pattern is only ever an argument.
    """
    directory, _, name = pattern.rpartition("/")
    return (
        f"find {shlex.quote(directory or '.')} -maxdepth 1 -name {shlex.quote(name)} "
        "-type f 2>/dev/null | sort"
    )


def as_privileged(node: Node, command: str) -> str:
    """The command as it must run for a change: through `sudo -n` when the inventory says."""
    return f"sudo -n sh -c {shlex.quote(command)}" if node.ssh.sudo else command
