"""Which Debian source package a keepalived version comes from, and what counts as built."""

from __future__ import annotations

from pathlib import Path

from kaconsole.lab import build

SHOWSRC = """Package: keepalived
Version: 1:2.2.7-1
Build-Depends: autoconf

Package: keepalived
Version: 1:2.3.3-1

Package: keepalived
Version: 1:2.3.3-1+deb13u2
"""


def test_source_version_picks_the_highest_revision_of_that_upstream_version() -> None:
    assert build.source_version(SHOWSRC, "2.3.3") == "1:2.3.3-1+deb13u2"
    assert build.source_version(SHOWSRC, "2.2.7") == "1:2.2.7-1"
    assert build.source_version(SHOWSRC, "2.3.4") is None


def test_versions_and_install_paths() -> None:
    assert build.valid_version("2.3.3")
    assert not build.valid_version("2.3")
    assert not build.valid_version("2.3.3; rm -rf /")
    assert build.binary("2.3.3") == Path("/opt/keepalived-2.3.3/sbin/keepalived")


def test_a_binary_that_does_not_run_is_not_built(tmp_path: Path) -> None:
    fake = tmp_path / "keepalived"
    fake.write_text("#!/bin/sh\necho 'Keepalived v2.3.3 (03/30,2025)' >&2\n")
    assert build.reported_version(fake) is None  # not executable
    fake.chmod(0o755)
    assert build.reported_version(fake) == "2.3.3"
    assert build.reported_version(tmp_path / "absent") is None
