"""Running commands on this host: for clusters of one local node and for tests of the engine."""

from __future__ import annotations

import asyncio
import contextlib
import time

from kaconsole.transport.runner import Completed


class LocalRunner:
    """A Runner for this machine (`privileged` is ignored: run it as the user you need)."""

    def __init__(self, node: str) -> None:
        self.node = node

    async def run(self, command: str, *, timeout: float, privileged: bool = False) -> Completed:
        start = time.monotonic()
        proc = await asyncio.create_subprocess_shell(
            command,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            start_new_session=True,
        )
        try:
            async with asyncio.timeout(timeout):
                out, err = await proc.communicate()
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            await proc.wait()
            return Completed(command, None, "", "", time.monotonic() - start, timed_out=True)
        return Completed(
            command,
            proc.returncode,
            out.decode("utf-8", "replace"),
            err.decode("utf-8", "replace"),
            time.monotonic() - start,
        )
