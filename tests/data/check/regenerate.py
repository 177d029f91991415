"""Regenerates the `keepalived -t` samples from the reference configs (REFERENCE.md), as a node
sees them: run with keepalived 2.2.7 installed (`python tests/data/check/regenerate.py`).

reference-host.json: the config as printed, on a host without ens33 or the script (exit 5).
reference-node.json: on a node that has both (ens33 renamed to an existing multicast interface
here, the script in a temporary directory; paths are rewritten back): exit 6.
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
CONF = HERE.parent / "conf"


def version() -> str:
    out = subprocess.run(["keepalived", "--version"], capture_output=True, text=True).stderr
    found = re.search(r"v(\d+\.\d+\.\d+)", out)
    assert found, out
    return found.group(1)


def config_test(text: str, tmp: Path, undo: dict[str, str]) -> dict[str, object]:
    path = tmp / "keepalived.conf"
    path.write_text(text)
    run = subprocess.run(["keepalived", "-t", "-f", str(path)], capture_output=True, text=True,
                         timeout=30, check=False)
    output = run.stdout + run.stderr
    for ours, theirs in {str(path): "/etc/keepalived/keepalived.conf", **undo}.items():
        output = output.replace(ours, theirs)
    return {"version": version(), "exit_status": run.returncode,
            "messages": [line for line in output.splitlines() if line]}


def multicast_interface() -> str:
    links = json.loads(subprocess.run(["ip", "-j", "link"], capture_output=True,
                                      text=True, check=True).stdout)
    return next(link["ifname"] for link in links if "MULTICAST" in link["flags"]
                and "LOOPBACK" not in link["flags"] and "@" not in link["ifname"])


def main() -> None:
    master = (CONF / "master.conf").read_text()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        sample = config_test(master, tmp, {})
        (HERE / "reference-host.json").write_text(json.dumps(sample, indent=1) + "\n")
        script = tmp / "check_nginx.sh"
        script.write_text("#!/bin/sh\nexit 0\n")
        script.chmod(0o755)
        iface = multicast_interface()
        text = master.replace("ens33", iface).replace("/healthcheck/check_nginx.sh", str(script))
        sample = config_test(text, tmp, {str(script): "/healthcheck/check_nginx.sh",
                                         f" {iface} ": " ens33 "})
        (HERE / "reference-node.json").write_text(json.dumps(sample, indent=1) + "\n")


if __name__ == "__main__":
    main()
