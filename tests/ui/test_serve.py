"""`kaconsole serve`: the follower over HTTP, refused without the token, read-only, secret-free."""

from __future__ import annotations

import asyncio
import contextlib
import re
import socket
import sys
from pathlib import Path

import aiohttp

from kaconsole.sim.cluster import demo_cluster, demo_specs
from tests.kits.demo import record_demo_failover

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def _screen_text(ws: aiohttp.ClientWebSocketResponse, seconds: float) -> str:
    buf = ""
    loop = asyncio.get_running_loop()
    end = loop.time() + seconds
    while loop.time() < end:
        with contextlib.suppress(TimeoutError):
            msg = await asyncio.wait_for(ws.receive(), 0.5)
            data = msg.data.decode("utf-8", "replace") if isinstance(msg.data, bytes) else msg.data
            buf += data if isinstance(data, str) else ""
    return ANSI.sub("", buf)


async def test_serve_shows_the_follower_with_its_banner_and_only_with_the_token(
        tmp_path: Path) -> None:
    path, _ = await record_demo_failover(tmp_path)
    port = _free_port()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "kaconsole", "serve", str(path), "--port", str(port),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL)
    try:
        assert proc.stdout is not None
        url = (await asyncio.wait_for(proc.stdout.readline(), 20)).decode().strip()
        assert url.startswith(f"http://127.0.0.1:{port}/?token=")
        token = url.split("token=")[1]
        async with aiohttp.ClientSession() as bare:
            for _ in range(50):
                with contextlib.suppress(aiohttp.ClientConnectionError):
                    async with bare.get(f"http://127.0.0.1:{port}/?token=x{token}") as r:
                        assert r.status == 403
                        break
                await asyncio.sleep(0.2)
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
            async with session.get(url) as r:
                assert r.status == 200
            ws_url = f"ws://127.0.0.1:{port}/ws?width=140&height=45"
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
    finally:
        proc.terminate()
        await proc.wait()
