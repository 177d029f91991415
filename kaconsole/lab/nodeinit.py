"""The init (pid 1) of a lab node: gives the node its own files, then reaps orphans until killed.

Started by the lab as `ip netns exec NS unshare --pid --mount --uts --fork --mount-proc python -m
kaconsole.lab.nodeinit NS HOSTNAME NODE_DIR [KEEPALIVED]`; NS, unused inside, tells `lab down`
which lab the process belongs to; KEEPALIVED, another keepalived build, is bind-mounted over the
distribution's, so every way of running it in the node (the service commands, SSH sessions,
`keepalived --signum`, `keepalived -t`) gets that version.

The daemons started later inside the node (sshd, nginx, keepalived) are re-parented to this
process when they daemonize; without a reaping pid 1 a SIGKILLed keepalived would stay a zombie
that `pgrep -x keepalived` still finds.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

#: How the lab starts an init (`python -m`), and how it recognises one among the host's processes.
MODULE = "kaconsole.lab.nodeinit"
#: The distribution's keepalived, which a node running another build has that build mounted over.
SYSTEM_KEEPALIVED = "/usr/sbin/keepalived"
#: Node directory entry -> path inside the node, bind-mounted privately.
BINDS = (
    ("etc/keepalived", "/etc/keepalived"),
    ("etc/nginx", "/etc/nginx"),
    ("etc/ssh", "/etc/ssh"),
    ("log", "/var/log"),
)
TMPFS = (("/run", "0755"), ("/tmp", "1777"))
#: The host's shell start-up files, hidden in the node: bash runs ~/.bashrc for every command
#: sshd starts, and the host's (pyenv init, say) is slow and takes host-wide locks that a
#: killed session leaves behind, after which every SSH command to a node hangs.
SHELL_RC = ("/root/.bashrc", "/root/.profile", "/root/.bash_profile", "/root/.bash_login")
NODE_RC = "shellrc"
READY = "init.ready"
FAILED = "init.failed"


def setup(hostname: str, node_dir: Path, keepalived: str | None = None) -> None:
    """Binds first: the node directory may itself live under /tmp or /run, hidden once the
    node's own tmpfs is mounted there."""
    socket.sethostname(hostname)
    for source, target in BINDS:
        os.makedirs(target, exist_ok=True)
        subprocess.run(["mount", "--bind", str(node_dir / source), target], check=True)
    if keepalived is not None:
        subprocess.run(["mount", "--bind", keepalived, SYSTEM_KEEPALIVED], check=True)
    rc = node_dir / NODE_RC
    rc.write_text("# a lab node's own shell start-up file: empty on purpose\n")
    for target in SHELL_RC:
        if os.path.isfile(target):
            subprocess.run(["mount", "--bind", str(rc), target], check=True)
    for target, mode in TMPFS:
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"mode={mode}", "tmpfs", target], check=True)
    os.makedirs("/run/sshd", mode=0o755, exist_ok=True)


def _mark(dir_fd: int, name: str, text: str) -> None:
    fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644, dir_fd=dir_fd)
    with os.fdopen(fd, "w") as out:
        out.write(text)


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
    hostname, node_dir = argv[1], Path(argv[2])  # argv[0]: the namespace, for `lab down`
    keepalived = argv[3] if len(argv) > 3 else None
    dir_fd = os.open(node_dir, os.O_RDONLY | os.O_DIRECTORY)  # still reachable after the mounts
    try:
        setup(hostname, node_dir, keepalived)
    except (OSError, subprocess.CalledProcessError) as exc:
        _mark(dir_fd, FAILED, f"{exc}\n")
        return 1
    _mark(dir_fd, READY, f"{os.getpid()}\n")
    os.close(dir_fd)
    reap_forever()
    return 0  # pragma: no cover - reap_forever only ends when the node is killed


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
