"""The layer rule of DESIGN.md as a failing check: headless modules never load Textual."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import kaconsole

HEADLESS = sorted(
    m.name
    for m in pkgutil.walk_packages(kaconsole.__path__, "kaconsole.")
    if not m.name.startswith("kaconsole.ui") and m.name != "kaconsole.__main__"
)


@pytest.mark.parametrize("module", HEADLESS)
def test_headless_module_does_not_import_textual(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "", f"{module} pulls in {out}"


def test_core_does_not_import_io_frameworks() -> None:
    core = [m for m in HEADLESS if m.startswith("kaconsole.core")]
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in core)
        + "print(','.join(sorted(m for m in ('asyncio', 'asyncssh', 'textual') "
        "if m in sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "", f"the core pulls in {out}"
