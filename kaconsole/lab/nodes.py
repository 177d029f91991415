"""A node's file tree, keys, init process and daemons, and running commands inside it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from kaconsole.errors import LabError
from kaconsole.lab import configs, nodeinit
from kaconsole.lab.configs import LabSpec, NodeSpec
from kaconsole.lab.netns import run


def node_dir(lab_dir: Path, name: str) -> Path:
    return lab_dir / "nodes" / name


def _write(path: Path, text: str, mode: int = 0o644) -> None:
    path.write_text(text)
    path.chmod(mode)


def generate_key(path: Path, comment: str) -> str:
    """A fresh ed25519 key pair at `path`; returns the public key line."""
    for stale in (path, path.with_suffix(".pub")):
        stale.unlink(missing_ok=True)
    run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(path)])
    return path.with_suffix(".pub").read_text().strip()


def prepare_node(lab_dir: Path, spec: LabSpec, node: NodeSpec, client_pub: str) -> str:
    """Write the node's private /etc/{keepalived,nginx,ssh} and /var/log; returns its host key.

    Directories are 0755 and root-owned: sshd's StrictModes and keepalived's script security
    both refuse files reachable through writable directories.
    """
    root = node_dir(lab_dir, node.name)
    for sub in ("etc/keepalived", "etc/nginx", "etc/ssh/authorized_keys", "log/nginx"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    for path in [root, *root.rglob("*")]:
        if path.is_dir():
            path.chmod(0o755)
    _write(root / "etc/keepalived/keepalived.conf", configs.keepalived_conf(spec, node), 0o600)
    _write(root / "etc/keepalived/check_nginx.sh", configs.check_script(), 0o755)
    _write(root / "etc/nginx/nginx.conf", configs.nginx_conf(node))
    _write(root / "etc/ssh/sshd_config", configs.sshd_config(node))
    _write(root / "etc/ssh/authorized_keys/root", client_pub + "\n", 0o600)
    return generate_key(root / "etc/ssh/ssh_host_ed25519_key", node.name)


def _child_pid(parent: int) -> int | None:
    children = run(["pgrep", "-P", str(parent)], check=False).split()
    return int(children[0]) if children else None


def start_init(
    lab_dir: Path, node: NodeSpec, deadline: float, keepalived: Path | None = None
) -> tuple[int, int]:
    """Start the node's pid, mount and UTS namespaces and its init; returns (unshare, init) pids.
    `keepalived`: another build the init mounts over the distribution's, in this node only."""
    root = node_dir(lab_dir, node.name)
    for marker in (nodeinit.READY, nodeinit.FAILED):
        (root / marker).unlink(missing_ok=True)
    argv = [
        "ip", "netns", "exec", node.netns,
        "unshare", "--pid", "--mount", "--uts", "--fork", "--mount-proc",
        sys.executable, "-m", nodeinit.MODULE, node.netns, node.name, str(root),
        *([str(keepalived)] if keepalived else []),
    ]  # fmt: skip
    with open(root / "init.log", "ab") as log:
        proc = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True
        )
    while time.monotonic() < deadline:
        if (root / nodeinit.FAILED).exists():
            raise LabError(f"{node.name}: init failed: {(root / nodeinit.FAILED).read_text()}")
        init_pid = _child_pid(proc.pid)
        if init_pid and (root / nodeinit.READY).exists():
            return proc.pid, init_pid
        if proc.poll() is not None:
            raise LabError(f"{node.name}: could not start its namespaces (see {root}/init.log)")
        time.sleep(0.01)
    raise LabError(f"{node.name}: its init did not get ready in time")


def node_exec(
    init_pid: int, command: str, *, timeout: float = 10.0
) -> subprocess.CompletedProcess[str]:
    """Run a shell command line inside a node (all its namespaces), as SSH would."""
    argv = ["nsenter", "-t", str(init_pid), "-n", "-m", "-p", "-u", "--", "sh", "-c", command]
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise LabError(f"`{command}` inside the node did not finish in {timeout:.0f} s") from exc


def service(init_pid: int, name: str, action: str) -> subprocess.CompletedProcess[str]:
    """start, stop or status of nginx, keepalived or sshd, with the cluster file's commands."""
    return node_exec(init_pid, configs.SERVICES[name][action])


def start_service(init_pid: int, node: str, name: str) -> None:
    result = service(init_pid, name, "start")
    if result.returncode != 0:
        raise LabError(f"{node}: starting {name} failed: {result.stderr.strip()}")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(errors="replace")
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def is_node_init(pid: int) -> bool:
    """True while `pid` is a lab node's init or the `unshare` above it: a pid from an old state
    file may since belong to an unrelated process, which must never be signalled."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return nodeinit.MODULE.encode() in cmdline and alive(pid)


def init_netns(pid: int) -> str:
    """The network namespace a node init (or its `unshare`) was started for: its first argument
    (empty when unreadable); that tells which lab it belongs to, also once the namespace is gone."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
        return argv[argv.index(nodeinit.MODULE) + 1]
    except (OSError, ValueError, IndexError):
        return ""


def running_inits(owns: Callable[[str], bool]) -> list[int]:
    """Every node init (and its `unshare`) of the lab that `owns` its namespace, also those of a
    crashed `lab up` whose state was never written or whose namespace was deleted by hand."""
    pids = (int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit())
    return [pid for pid in pids
            if pid != os.getpid() and is_node_init(pid) and owns(init_netns(pid))]
