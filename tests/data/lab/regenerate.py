"""Regenerate the samples in this directory from a real lab (Linux, root): `python regenerate.py`.

Brings up the default lab (2 nodes, VRID 51, PASS auth), captures VRRP on node2's eth1 for the
whole run, and goes through: startup election, the reference failure (nginx stopped on node1 ->
its track script stops keepalived -> VIP on node2), recovery (nginx and keepalived started on
node1 -> preemption), and a split brain (`vrrp-deaf` fault on node2), then tears the lab down.
The PASS password is replaced by `***` in every text file and by `***\\0\\0\\0\\0\\0` in the pcap
(VRRP checksums recomputed). `manifest.json` lists each phase with its wall-clock time.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kaconsole.lab import configs, control, faults, nodes
from kaconsole.lab.configs import LabSpec
from kaconsole.lab.registry import NodeState, exclusive

OUT = Path(__file__).resolve().parent
PASS_REDACTED = b"***\0\0\0\0\0"


def wait_for(what: str, check: Callable[[], bool], timeout: float = 15.0) -> float:
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > timeout:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.05)
    return round(time.monotonic() - started, 2)


def sh(node: NodeState, command: str) -> str:
    result = nodes.node_exec(node.init_pid, command)
    if result.returncode != 0:
        raise SystemExit(f"{node.name}: `{command}` failed: {result.stderr}")
    return result.stdout


def holders(node_states: list[NodeState], vip: str) -> list[str]:
    return [n.name for n in node_states if vip in control.node_addresses(n.netns)]


def dump(node: NodeState, kind: str) -> str:
    """keepalived's JSON or DATA dump, once the file has been written and stopped growing."""
    path = {"JSON": "/tmp/keepalived.json", "DATA": "/tmp/keepalived.data"}[kind]
    sh(node, f"rm -f {path}; kill -s $(keepalived --signum={kind}) $(cat /run/keepalived.pid)")
    last = -1
    for _ in range(100):
        time.sleep(0.1)
        size = nodes.node_exec(node.init_pid, f"stat -c %s {path}").stdout.strip()
        if size.isdigit() and int(size) == last and last > 0:
            return sh(node, f"cat {path}")
        last = int(size) if size.isdigit() else -1
    raise SystemExit(f"{node.name}: no {kind} dump")


def redact_pcap(raw: Path, out: Path, password: str) -> None:
    from scapy.all import PcapReader, PcapWriter
    from scapy.layers.vrrp import VRRP

    secret = password.encode().ljust(8, b"\0")
    with PcapReader(str(raw)) as reader, PcapWriter(str(out), sync=True) as writer:
        for pkt in reader:
            if VRRP in pkt and bytes(pkt[VRRP])[-8:] == secret:
                stamp = pkt.time
                layer = pkt[VRRP]
                layer.auth1 = int.from_bytes(PASS_REDACTED[:4], "big")
                layer.auth2 = int.from_bytes(PASS_REDACTED[4:], "big")
                del layer.chksum
                pkt = pkt.__class__(bytes(pkt))
                pkt.time = stamp
            writer.write(pkt)


def main() -> int:
    lab_root = Path(tempfile.mkdtemp(prefix="kclab-samples-", dir="/var/tmp"))
    with exclusive():
        return capture(lab_root)


def capture(lab_root: Path) -> int:
    state = control.up(lab_root / "lab", LabSpec())
    password = (lab_root / "lab/nodes/node1/etc/keepalived/keepalived.conf").read_text()
    password = password.split("auth_pass ")[1].split()[0]
    node1, node2 = state.node_states
    vip = state.vips[0]
    phases: list[dict[str, Any]] = []

    def phase(name: str, **extra: Any) -> None:
        phases.append({"phase": name, "at": time.strftime("%Y-%m-%dT%H:%M:%S"), **extra})

    raw_pcap = lab_root / "adverts.raw.pcap"
    tcpdump = subprocess.Popen(
        ["nsenter", "-t", str(node2.init_pid), "-n", "--", "tcpdump", "-i", configs.SVC_IF,
         "-U", "-n", "-w", str(raw_pcap), "ip proto 112"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    files: dict[str, str] = {}
    try:
        phase("startup")
        waited = wait_for("node1 MASTER", lambda: holders(state.node_states, vip) == ["node1"])
        phase("node1 holds the VIP", waited_s=waited)
        time.sleep(2)
        files["ip-addr-node1-master.json"] = sh(node1, "ip -j addr")
        files["ip-addr-node2-backup.json"] = sh(node2, "ip -j addr")
        files["node1-master.keepalived.json"] = dump(node1, "JSON")
        files["node2-backup.keepalived.json"] = dump(node2, "JSON")
        files["node1-master.keepalived.data"] = dump(node1, "DATA")
        files["node2-backup.keepalived.data"] = dump(node2, "DATA")

        phase("reference failure: nginx -s stop on node1")
        sh(node1, configs.SERVICES["nginx"]["stop"])
        waited = wait_for("VIP on node2", lambda: holders(state.node_states, vip) == ["node2"])
        body = urllib.request.build_opener(urllib.request.ProxyHandler({})).open(
            f"http://{vip}/", timeout=2
        ).read().decode()
        phase("VIP on node2", waited_s=waited, http_through_vip=body.strip())
        time.sleep(2)
        files["node2-master-after-failover.keepalived.json"] = dump(node2, "JSON")

        phase("recovery: nginx, then keepalived started on node1")
        sh(node1, configs.SERVICES["nginx"]["start"])
        sh(node1, configs.SERVICES["keepalived"]["start"])
        waited = wait_for("VIP back on node1", lambda: holders(state.node_states, vip) == ["node1"])
        phase("VIP back on node1", waited_s=waited)
        time.sleep(2)

        phase("split brain: fault vrrp-deaf on node2")
        faults.apply(lab_root / "lab", "node2", "vrrp-deaf")
        waited = wait_for("VIP on both", lambda: len(holders(state.node_states, vip)) == 2)
        phase("VIP on node1 and node2", waited_s=waited)
        time.sleep(2)
        files["ip-addr-splitbrain-node1.json"] = sh(node1, "ip -j addr")
        files["ip-addr-splitbrain-node2.json"] = sh(node2, "ip -j addr")
        files["node2-splitbrain.keepalived.json"] = dump(node2, "JSON")
        faults.heal(lab_root / "lab", "node2")
        waited = wait_for("single holder", lambda: holders(state.node_states, vip) == ["node1"])
        phase("healed: VIP on node1 only", waited_s=waited)
        time.sleep(1)
    finally:
        tcpdump.terminate()
        tcpdump.wait(timeout=5)
        for node in state.node_states:
            log = lab_root / "lab/nodes" / node.name / "log/keepalived.log"
            files[f"{node.name}-keepalived.log"] = log.read_text()
            conf = lab_root / "lab/nodes" / node.name / "etc/keepalived/keepalived.conf"
            files[f"{node.name}-keepalived.conf"] = conf.read_text()
        control.down(lab_root / "lab")
    for name, text in files.items():
        (OUT / name).write_text(text.replace(password, "***"))
    redact_pcap(raw_pcap, OUT / "adverts.pcap", password)
    manifest = {"lab": "kaconsole lab up (defaults)", "vip": vip, "phases": phases,
                "files": sorted([*files, "adverts.pcap"])}  # fmt: skip
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    subprocess.run(["rm", "-rf", str(lab_root)], check=False)
    print(f"wrote {len(files) + 2} files to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
