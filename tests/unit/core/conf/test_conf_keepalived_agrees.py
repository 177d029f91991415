"""keepalived itself as the oracle: `keepalived -t` finds syntax errors on exactly the lines
where the parser does, for every configuration in tests/data/conf (skipped without keepalived)."""

from __future__ import annotations

import glob as globlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from kaconsole.core.conf.parse import parse_config

KEEPALIVED = shutil.which("keepalived")
DATA = Path(__file__).parents[3] / "data" / "conf"
FILES = sorted([*DATA.glob("*.conf"), DATA / "include" / "keepalived.conf",
                *DATA.glob("samples/keepalived.*")])
SYNTAX = re.compile(r"\((?:(?P<file>[^:()]+): )?Line (?P<line>\d+)\) "
                    r"(?:Extra '}' found|Unterminated quote|Unmatched quote)")
MISSING = re.compile(r"There are (\d+) missing '}'s")


@pytest.mark.skipif(KEEPALIVED is None, reason="keepalived is not installed")
@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(DATA)))
def test_syntax_errors_on_the_lines_keepalived_reports(path: Path) -> None:
    assert KEEPALIVED is not None
    run = subprocess.run([KEEPALIVED, "-t", "-l", "-n", "-f", str(path)], capture_output=True,
                         text=True, timeout=30, check=False)
    output = run.stdout + run.stderr
    theirs = {(m["file"] or str(path), int(m["line"])) for m in SYNTAX.finditer(output)}
    missing = MISSING.search(output)
    config = parse_config(path.read_text(), path=str(path), read=lambda p: Path(p).read_text(),
                          glob=lambda p: sorted(globlib.glob(p)))
    never_closed = [e for e in config.errors if "never closed" in e.message]
    ours = {(e.where.file, e.where.line) for e in config.errors
            if e.where is not None and e not in never_closed}
    assert ours == theirs
    assert len(never_closed) == (int(missing.group(1)) if missing else 0)


SNIPPETS = [
    'global_defs {\n router_id "a } b"\n}\n',
    "global_defs {\n router_id a # }\n}\n}\n",
    "global_defs {\n router_id a\\#b }\n}\n",
    'global_defs {\n notification_email_from "x@y\n}\n',
    "global_defs\n{\n router_id a\n}\n}\n}\n",
    "vrrp_script s {\n script /x { y\n}\n",
    "@nomatch }\nglobal_defs {\n}\n",
    "$R=}\nglobal_defs {\n $R\n",
]


@pytest.mark.skipif(KEEPALIVED is None, reason="keepalived is not installed")
@pytest.mark.parametrize("text", SNIPPETS)
def test_snippets_agree_with_keepalived(text: str, tmp_path: Path) -> None:
    path = tmp_path / "k.conf"
    path.write_text(text)
    assert KEEPALIVED is not None
    run = subprocess.run([KEEPALIVED, "-t", "-l", "-n", "-f", str(path)], capture_output=True,
                         text=True, timeout=30, check=False)
    output = run.stdout + run.stderr
    theirs = {int(m["line"]) for m in SYNTAX.finditer(output)}
    missing = MISSING.search(output)
    config = parse_config(text, path=str(path))
    never_closed = [e for e in config.errors if "never closed" in e.message]
    ours = {e.where.line for e in config.errors if e.where is not None and e not in never_closed}
    assert (ours, len(never_closed)) == (theirs, int(missing.group(1)) if missing else 0), output


UNKNOWN = re.compile(r"\((?:(?P<file>[^:()]+): )?Line (?P<line>\d+)\) "
                     r"Unknown keyword '[^'}]+'")


@pytest.mark.skipif(KEEPALIVED is None, reason="keepalived is not installed")
@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(DATA)))
def test_unknown_keywords_on_the_lines_keepalived_reports(path: Path) -> None:
    assert KEEPALIVED is not None
    run = subprocess.run([KEEPALIVED, "-t", "-l", "-n", "-f", str(path)], capture_output=True,
                         text=True, timeout=30, check=False)
    theirs = {(m["file"] or str(path), int(m["line"]))
              for m in UNKNOWN.finditer(run.stdout + run.stderr)}
    config = parse_config(path.read_text(), path=str(path), read=lambda p: Path(p).read_text(),
                          glob=lambda p: sorted(globlib.glob(p)))
    ours = {(w.where.file, w.where.line) for w in config.warnings
            if w.code == "unknown_keyword" and w.where is not None}
    assert ours == theirs
