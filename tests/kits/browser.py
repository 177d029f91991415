"""`kaconsole serve` and a real browser for its tests: the server as a user starts it, and
Chromium from the distribution, headless, driven over the DevTools protocol (an aiohttp
websocket; no driver binary, nothing downloaded).

textual-serve's page draws the terminal with xterm.js on a canvas (its WebGL addon), so the
screen is not in the DOM: a script run before the page's own catches textual-serve's terminal
object as it is built and the test reads xterm's buffer, the cells the canvas is drawn from.
Chromium is only ever pointed at 127.0.0.1 and is told not to reach anything else: its
background services are off and every non-loopback request goes to a dead proxy (see
`Page.outside`, which a test asserts empty).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import shutil
import signal
import socket
import sys
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

import aiohttp
import pytest

#: Debian's browser binary (its /usr/bin/chromium wrapper adds extension and GPU flags).
CHROMIUM = ("/usr/lib/chromium/chromium", "chromium")
FLAGS = (
    "--headless=new", "--no-sandbox",  # as root there is no sandbox to set up
    "--remote-debugging-port=0",  # its port is written to DevToolsActivePort in the profile
    "--no-first-run", "--no-default-browser-check", "--disable-default-apps",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--metrics-recording-only", "--disable-breakpad",
    "--disable-domain-reliability", "--disable-client-side-phishing-detection",
    # Loopback bypasses a proxy by default: anything else (the page's web font) meets port 9
    # on 127.0.0.1, where nobody listens; no name is ever resolved.
    "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    # xterm's WebGL addon throws without WebGL2, and a headless machine has no GPU.
    "--enable-unsafe-swiftshader", "--disable-dev-shm-usage", "--window-size=1400,1000",
)  # fmt: skip

#: Runs before the page's scripts: textual-serve's terminal object assigns `unicode11Addon`
#: once, as it is built; the setter keeps that object as window.__kaTerminal.
HOOK = """
Object.defineProperty(Object.prototype, 'unicode11Addon', {configurable: true, set(value) {
  window.__kaTerminal = this;
  Object.defineProperty(this, 'unicode11Addon', {value, writable: true, configurable: true});
}});
"""
SCREEN = """(() => {
  const t = window.__kaTerminal && window.__kaTerminal.terminal;
  if (!t) return null;
  const b = t.buffer.active, rows = [];
  for (let y = b.viewportY; y < b.viewportY + t.rows; y++) {
    const line = b.getLine(y);
    rows.push(line ? line.translateToString(true) : '');
  }
  return rows.join('\\n');
})()"""

#: Keys that are not a letter or a digit: (key, code, Windows virtual key code, modifiers: 2
#: ctrl, 8 shift); a named key types no text.
_KEYS = {
    "up": ("ArrowUp", "ArrowUp", 38, 0), "down": ("ArrowDown", "ArrowDown", 40, 0),
    "escape": ("Escape", "Escape", 27, 0), "enter": ("Enter", "Enter", 13, 0),
    "ctrl+p": ("p", "KeyP", 80, 2), "/": ("/", "Slash", 191, 0), "_": ("_", "Minus", 189, 8),
}  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def processes_naming(text: str) -> list[int]:
    """Pids whose command line holds `text` (a follower left behind names its recording)."""
    found = []
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError):
            if entry.name.isdigit() and text.encode() in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
    return found


@contextlib.asynccontextmanager
async def served(recording: Path, env: Mapping[str, str] | None = None) -> AsyncIterator[str]:
    """`kaconsole serve RECORDING` on a free localhost port; yields the URL it printed (with
    its token) once the port answers, and stops the server however the test ends."""
    port = free_port()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "kaconsole", "serve", str(recording), "--port", str(port),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
        env={**os.environ, **(env or {})})  # fmt: skip
    try:
        assert proc.stdout is not None
        async with asyncio.timeout(30):
            url = (await proc.stdout.readline()).decode().strip()
            while True:
                with contextlib.suppress(OSError):
                    _, writer = await asyncio.open_connection("127.0.0.1", port)
                    writer.close()
                    break
                await asyncio.sleep(0.2)
        yield url
    finally:
        await _stop(proc)


async def _stop(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        proc.terminate()
        try:
            async with asyncio.timeout(15):
                await proc.wait()
        except TimeoutError:
            proc.kill()
            await proc.wait()


class Page:
    """One browser tab over the DevTools protocol."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self._ids = itertools.count(1)
        self._replies: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._urls: dict[str, str] = {}
        self.responses: list[tuple[str, int]] = []
        self._failed: set[str] = set()
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for msg in self.ws:
            data = msg.json()
            if "id" in data and (reply := self._replies.pop(data["id"], None)) is not None:
                reply.set_result(data)
                continue
            params = data.get("params", {})
            if data.get("method") == "Network.requestWillBeSent":
                self._urls[params["requestId"]] = params["request"]["url"]
            elif data.get("method") == "Network.responseReceived":
                self.responses.append((params["response"]["url"], params["response"]["status"]))
            elif data.get("method") == "Network.loadingFailed":
                self._failed.add(params["requestId"])
        for reply in self._replies.values():
            reply.set_exception(ConnectionError("the browser closed its DevTools connection"))

    def close(self) -> None:
        self._reader.cancel()

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        ident = next(self._ids)
        reply = self._replies[ident] = asyncio.get_running_loop().create_future()
        await self.ws.send_json({"id": ident, "method": method, "params": params})
        async with asyncio.timeout(30):
            data = await reply
        if "error" in data:
            raise RuntimeError(f"{method}: {data['error']}")
        result: dict[str, Any] = data["result"]
        return result

    async def evaluate(self, expression: str) -> Any:
        done = await self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return done["result"].get("value")

    async def open(self, url: str) -> None:
        await self.call("Page.navigate", url=url)

    async def screen(self) -> str:
        """The terminal's rows as text ("" until textual-serve's terminal exists)."""
        return str(await self.evaluate(SCREEN) or "")

    async def html(self) -> str:
        return str(await self.evaluate("document.documentElement.outerHTML") or "")

    async def type(self, text: str) -> None:
        for char in text:
            await self.press(char)

    async def press(self, key: str) -> None:
        """A key typed into the terminal as a user types it (keydown, keypress, keyup): a
        letter, a digit, or one of `_KEYS`."""
        await self.evaluate("document.querySelector('.xterm-helper-textarea').focus()")
        if key in _KEYS:
            name, code, vk, modifiers = _KEYS[key]
        else:
            name, vk, modifiers = key, ord(key.upper()), 8 if key.isupper() else 0
            code = f"Digit{key}" if key.isdigit() else f"Key{key.upper()}"
        text = name if len(name) == 1 and not modifiers & 2 else ""
        down = {"key": name, "code": code, "windowsVirtualKeyCode": vk, "modifiers": modifiers}
        await self.call("Input.dispatchKeyEvent", type="keyDown", text=text, **down)
        await self.call("Input.dispatchKeyEvent", type="keyUp", **down)

    def outside(self) -> list[str]:
        """Requests that went anywhere but 127.0.0.1 and did not fail on the dead proxy."""
        return [
            url
            for rid, url in self._urls.items()
            if not url.startswith(("http://127.0.0.1:", "ws://127.0.0.1:", "data:", "about:"))
            and rid not in self._failed
        ]


def _browser() -> str:
    for candidate in CHROMIUM:
        if found := shutil.which(candidate):
            return found
    pytest.skip("Chromium is not installed (tests/run-all.sh installs Debian's)")


def _devtools_port(profile: Path) -> str | None:
    """The port once Chromium has written it (the file's first of two lines)."""
    with contextlib.suppress(OSError):
        lines = (profile / "DevToolsActivePort").read_text().split()
        return lines[0] if len(lines) == 2 else None
    return None


@contextlib.asynccontextmanager
async def chromium(profile: Path) -> AsyncIterator[Page]:
    """Headless Chromium with a fresh profile in `profile` (a new directory), its one tab
    ready; the browser is stopped however the test ends."""
    proc = await asyncio.create_subprocess_exec(
        _browser(),
        *FLAGS,
        f"--user-data-dir={profile}",
        "about:blank",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        async with asyncio.timeout(60):
            while True:
                if (port := _devtools_port(profile)) is not None:
                    break
                await asyncio.sleep(0.1)
        devtools = f"http://127.0.0.1:{port}"
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{devtools}/json/list") as listing:
                tab = next(t for t in await listing.json() if t["type"] == "page")
            async with session.ws_connect(tab["webSocketDebuggerUrl"], max_msg_size=0) as ws:
                page = Page(ws)
                for domain in ("Page", "Network", "Runtime"):
                    await page.call(f"{domain}.enable")
                await page.call("Emulation.setFocusEmulationEnabled", enabled=True)
                await page.call("Page.addScriptToEvaluateOnNewDocument", source=HOOK)
                try:
                    yield page
                finally:
                    page.close()
    finally:
        await _stop(proc)
        await _reaped(str(profile))


async def _reaped(profile: str) -> None:
    """Wait until no process of this browser (they all name its profile) is left; past a
    deadline, end those by their pid."""
    try:
        async with asyncio.timeout(15):
            while True:
                if not await asyncio.to_thread(processes_naming, profile):
                    return
                await asyncio.sleep(0.2)
    except TimeoutError:
        for pid in processes_naming(profile):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
