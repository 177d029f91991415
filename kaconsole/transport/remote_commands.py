"""The command lines the console runs on a node, built from the inventory alone.

Nothing that came from a log, a packet or a host is ever put into a command: every argument
here is the inventory's, quoted with shlex.
"""

from __future__ import annotations

import shlex

from kaconsole.core.inventory.model import Node, ServiceAction

#: Log lines replayed when a follower (re)starts: enough to explain the current state.
REPLAY_LINES = 200

#: VRRP (112) over IPv4 and IPv6, and IPsec AH (51), which carries `auth_type AH` adverts.
CAPTURE_FILTER = "ip proto 112 or ip6 proto 112 or ip proto 51"

#: Asks keepalived for a dump and prints it once written. keepalived writes the file
#: asynchronously after the signal: wait for a new modification time, then for the size to
#: settle, never a fixed sleep. Exit 3: keepalived not running; 4: this build cannot (no JSON).
_DUMP = r"""
f={file}
pid=$(cat /run/keepalived.pid 2>/dev/null || pgrep -o -x keepalived) || exit 3
sig=$(keepalived --signum={signal} 2>/dev/null) || exit 4
old=$(stat -c %Y.%y "$f" 2>/dev/null)
kill -s "$sig" "$pid" 2>/dev/null || exit 3
i=0
while [ $i -lt 100 ]; do
  new=$(stat -c %Y.%y "$f" 2>/dev/null)
  if [ -n "$new" ] && [ "$new" != "$old" ]; then
    s1=$(stat -c %s "$f"); sleep 0.02; s2=$(stat -c %s "$f")
    [ "$s1" = "$s2" ] && exec cat "$f"
  fi
  sleep 0.02; i=$((i+1))
done
exit 5
"""

DUMP_JSON = _DUMP.format(file="/tmp/keepalived.json", signal="JSON")
DUMP_DATA = _DUMP.format(file="/tmp/keepalived.data", signal="DATA")
IP_ADDR = "ip -j addr"


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
