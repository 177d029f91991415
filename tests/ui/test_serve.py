"""`kaconsole serve`: the follower over HTTP, refused without the token, read-only, secret-free."""

from __future__ import annotations

import asyncio
import contextlib
import re
from pathlib import Path

import aiohttp

from kaconsole.sim.cluster import demo_cluster, demo_specs
from tests.kits.browser import served
from tests.kits.demo import record_demo_failover

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


async def _screen_text(ws: aiohttp.ClientWebSocketResponse, seconds: float) -> str:
    buf = ""
    loop = asyncio.get_running_loop()
    end = loop.time() + seconds
    while loop.time() < end:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(0.5):
                msg = await ws.receive()
            data = msg.data.decode("utf-8", "replace") if isinstance(msg.data, bytes) else msg.data
            buf += data if isinstance(data, str) else ""
    return ANSI.sub("", buf)


async def test_serve_shows_the_follower_with_its_banner_and_only_with_the_token(
        tmp_path: Path) -> None:
    path, _ = await record_demo_failover(tmp_path)
    async with served(path) as url:
        found = re.fullmatch(r"(http://127\.0\.0\.1:\d+/)\?token=([\w-]{20,})", url)
        assert found, url
        base, token = found.groups()
        async with aiohttp.ClientSession() as bare, bare.get(f"{base}?token=x{token}") as r:
            assert r.status == 403
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
            async with session.get(url) as r:
                assert r.status == 200
            ws_url = f"{base.replace('http', 'ws', 1)}ws?width=140&height=45"
            async with session.ws_connect(ws_url) as ws:
                text = await _screen_text(ws, 8)
                for key in ("a", "d", "m"):
                    await ws.send_json(["stdin", key])
                text += await _screen_text(ws, 2)
    assert "READ-ONLY · following" in text
    assert re.search(r"node2[^\n]*MASTER", text)
    assert "Start drill" not in text
    for spec in demo_specs(demo_cluster()[0]):
        assert spec.password not in text
