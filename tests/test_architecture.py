"""The layer rules of DESIGN.md as failing checks: headless modules never load Textual, no import
cycle, small modules, and a wheel that carries every package."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp
import pytest

import kaconsole

ROOT = Path(__file__).resolve().parents[1]
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


def test_no_import_cycle_in_the_package() -> None:
    """Any cycle, between rooms or modules, makes the one-way data flow a two-way one."""
    graph = grimp.build_graph("kaconsole")
    modules = sorted(graph.modules)
    cycles = [
        (a, b)
        for a in modules
        for b in graph.find_modules_directly_imported_by(a)
        if graph.chain_exists(importer=b, imported=a)
    ]
    assert cycles == []


def test_no_module_over_400_lines() -> None:
    big = {
        str(p.relative_to(ROOT)): n
        for p in (ROOT / "kaconsole").rglob("*.py")
        if (n := len(p.read_text("utf-8").splitlines())) > 400
    }
    assert big == {}


def test_the_wheel_lists_every_package() -> None:
    """pyproject lists the packages (themes/ and clusters/ are mapped into the wheel)."""
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
                 ["packages"])
    found = {
        ".".join(p.relative_to(ROOT).parent.parts)
        for p in (ROOT / "kaconsole").rglob("*")
        if p.suffix in (".py", ".yaml", ".tcss") and "__pycache__" not in p.parts
    }
    assert found | {"kaconsole.themes", "kaconsole.clusters"} == listed


def test_no_test_module_imports_another() -> None:
    """Shared test helpers live in tests/kits: a test module imported by another runs its
    fixtures and tests twice over, and ties the two files' fates together."""
    tests = sorted((ROOT / "tests").rglob("test_*.py"))
    names = {p.stem for p in tests}
    found = []
    for path in tests:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            words = line.split()
            if len(words) >= 2 and words[0] in ("from", "import"):
                module = words[1].split(".")[-1] if words[1].startswith("tests.") else words[1]
                if module in names:
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []


def test_test_file_names_are_unique() -> None:
    """pytest imports test modules by their base name (rootdir-relative, no packages)."""
    seen: dict[str, Path] = {}
    clashes = []
    for path in sorted((ROOT / "tests").rglob("test_*.py")):
        if path.name in seen:
            clashes.append(f"{seen[path.name].relative_to(ROOT)} and {path.relative_to(ROOT)}")
        seen[path.name] = path
    assert clashes == []
