"""Prints how fast keepalived.conf parses and text redacts (figures only, no assertions).

Run: python tests/bench/bench_confparse.py
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from kaconsole.core.conf.parse import parse_config
from kaconsole.core.redact import redact_text

REFERENCE = Path(__file__).parents[1] / "data" / "conf" / "master.conf"


def big_config(instances: int, servers: int, reals: int) -> str:
    parts = ["global_defs {\n router_id BENCH\n enable_script_security\n}\n",
             "$PRIO=100\n"]
    for n in range(instances):
        parts.append(
            f"vrrp_instance VI_{n} {{\n state BACKUP\n interface eth{n % 4}\n"
            f" virtual_router_id {n % 255 + 1}\n priority $PRIO\n advert_int 1\n"
            f" authentication {{\n  auth_type PASS\n  auth_pass pw{n}  # secret\n }}\n"
            f" virtual_ipaddress {{\n  10.{n // 250}.{n % 250}.1/24 dev eth0\n }}\n"
            f" track_script {{\n  chk weight -20\n }}\n}}\n")
    for s in range(servers):
        parts.append(f"virtual_server 192.0.2.{s % 250} {8000 + s} {{\n lb_algo rr\n lb_kind DR\n")
        for r in range(reals):
            parts.append(f" real_server 198.51.100.{r} 80 {{\n  weight 1\n"
                         f"  HTTP_GET {{\n   url {{\n    path /\n    status_code 200\n   }}\n"
                         f"   connect_timeout 3\n  }}\n }}\n")
        parts.append("}\n")
    return "".join(parts)


def timed(label: str, lines: int, func: Callable[[], object], repeat: int = 3) -> None:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    print(f"{label:<48} {best * 1000:9.2f} ms  {lines / best:12,.0f} lines/s")


def main() -> None:
    reference = REFERENCE.read_text()
    timed("reference master.conf (34 lines)", reference.count("\n"),
          partial(parse_config, reference), repeat=50)
    for instances, servers, reals in ((100, 10, 5), (1000, 100, 10)):
        text = big_config(instances, servers, reals)
        lines = text.count("\n")
        config = parse_config(text)
        assert not config.errors, config.errors[:3]
        timed(f"{instances} instances, {servers}x{reals} real servers ({lines} lines)", lines,
              partial(parse_config, text))
        timed(f"  redact_text over the same ({lines} lines)", lines, partial(redact_text, text))
        timed("  to_json of the model", lines, config.to_json)


if __name__ == "__main__":
    main()
