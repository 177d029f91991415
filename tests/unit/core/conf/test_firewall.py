from __future__ import annotations

from pathlib import Path

import pytest

from kaconsole.core.conf.firewall import drops_vip_traffic
from kaconsole.core.conf.parse import parse_config

BASE = """
global_defs {{
{g}
}}
vrrp_instance VI_1 {{
  interface eth0
  virtual_router_id 51
  priority {p}
  virtual_ipaddress {{ 192.0.2.100 }}
{i}
}}
"""


@pytest.mark.parametrize(
    ("global_lines", "priority", "instance_lines", "drops"),
    [
        ("", 100, "", False),
        ("vrrp_strict", 100, "", True),
        ("vrrp_strict", 100, "accept", False),
        ("vrrp_strict", 255, "", False),
        ("", 100, "strict_mode", True),
        ("", 100, "no_accept", True),
        ("", 255, "no_accept", False),
    ],
)
def test_drops_vip_traffic(
    global_lines: str, priority: int, instance_lines: str, drops: bool
) -> None:
    config = parse_config(BASE.format(g=global_lines, p=priority, i=instance_lines))
    (instance,) = config.instances
    assert drops_vip_traffic(config.global_defs, instance) is drops


def test_the_reference_deployment_drops_vip_traffic(data_dir: Path) -> None:
    for name in ("master.conf", "backup.conf"):
        config = parse_config((data_dir / "conf" / name).read_text())
        (instance,) = config.instances
        assert drops_vip_traffic(config.global_defs, instance)
