"""An HTTP GET through the VIP from the console's host: what clients actually see."""

from __future__ import annotations

import asyncio
import time
import urllib.error
import urllib.request

from kaconsole.core.facts import ProbeResult
from kaconsole.core.inventory.model import VipProbe

#: Enough of the body to see which node answered (the lab's nginx answers with its name).
BODY_BYTES = 512


def _get(url: str, timeout: float) -> tuple[int | None, str, str | None]:
    # Never through a proxy: the probe is about the path from this host to the VIP.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=timeout) as resp:
            return resp.status, resp.read(BODY_BYTES).decode("utf-8", "replace"), None
    except urllib.error.HTTPError as exc:
        return exc.code, "", f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return None, "", str(reason) or type(exc).__name__


async def probe(spec: VipProbe) -> ProbeResult:
    start = time.time()
    status, body, error = await asyncio.to_thread(_get, spec.url, spec.timeout)
    ok = status is not None and 200 <= status < 400
    return ProbeResult(spec.url, ok, start, time.time() - start, status, body.strip(), error)
