"""The init (pid 1) of a lab node: gives the node its own files, then reaps orphans until killed.

Started by the lab as `ip netns exec NS unshare --pid --mount --uts --fork --mount-proc python -m
kaconsole.lab.nodeinit HOSTNAME NODE_DIR`. The daemons started later inside the node (sshd, nginx,
keepalived) are re-parented to this process when they daemonize; without a reaping pid 1 a
SIGKILLed keepalived would stay a zombie that `pgrep -x keepalived` still finds.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

#: Node directory entry -> path inside the node, bind-mounted privately.
BINDS = (
    ("etc/keepalived", "/etc/keepalived"),
    ("etc/nginx", "/etc/nginx"),
    ("etc/ssh", "/etc/ssh"),
    ("log", "/var/log"),
)
TMPFS = (("/run", "0755"), ("/tmp", "1777"))
READY = "init.ready"
FAILED = "init.failed"


def setup(hostname: str, node_dir: Path) -> None:
    socket.sethostname(hostname)
    for target, mode in TMPFS:
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"mode={mode}", "tmpfs", target], check=True)
    for source, target in BINDS:
        os.makedirs(target, exist_ok=True)
        subprocess.run(["mount", "--bind", str(node_dir / source), target], check=True)
    os.makedirs("/run/sshd", mode=0o755, exist_ok=True)


def reap_forever() -> None:
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})
    while True:
        try:
            while os.waitpid(-1, os.WNOHANG)[0] > 0:
                pass
        except ChildProcessError:
            pass
        signal.sigtimedwait({signal.SIGCHLD}, 5.0)


def main(argv: list[str]) -> int:
    hostname, node_dir = argv[0], Path(argv[1])
    try:
        setup(hostname, node_dir)
    except (OSError, subprocess.CalledProcessError) as exc:
        (node_dir / FAILED).write_text(f"{exc}\n")
        return 1
    (node_dir / READY).write_text(f"{os.getpid()}\n")
    reap_forever()
    return 0  # pragma: no cover - reap_forever only ends when the node is killed


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
