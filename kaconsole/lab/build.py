"""`kaconsole lab build VERSION`: another keepalived, built from Debian's source package.

The lab runs the distribution's keepalived; a version matrix (a rolling upgrade, say) needs
others beside it. Each is built once from Debian's own source package (patches included) into
/opt/keepalived-VERSION, never over the distribution's files, and reused while it runs.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

from kaconsole.errors import LabError

INSTALL_ROOT = Path("/opt")
CACHE_DIR = Path("/var/cache/kaconsole/keepalived")
#: Debian's newer suites carry newer keepalived sources (trixie: 2.3.3); source entries only.
SOURCES_FILE = Path("/etc/apt/sources.list.d/kaconsole-keepalived-src.sources")
SOURCES = """\
# added by `kaconsole lab build`: Debian's source packages, to build other keepalived versions
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
"""
#: What ./configure needs for the lab's features (netlink, nftables, OpenSSL); the JSON dump
#: uses keepalived's own writer, no library.
BUILD_DEPS = ("build-essential", "dpkg-dev", "pkg-config", "libssl-dev", "libnl-3-dev",
              "libnl-genl-3-dev", "libnftnl-dev", "libmnl-dev")
_VERSION = re.compile(r"\d+\.\d+\.\d+")
_REPORTED = re.compile(r"Keepalived v(\d+\.\d+\.\d+)")

Log = Callable[[str], None]


def valid_version(version: str) -> bool:
    return bool(_VERSION.fullmatch(version))


def binary(version: str) -> Path:
    """Where the build of `version` lives."""
    return INSTALL_ROOT / f"keepalived-{version}" / "sbin" / "keepalived"


def reported_version(path: Path | str) -> str | None:
    """The version a keepalived binary reports (`--version` writes to stderr), None if it fails."""
    try:
        proc = subprocess.run([str(path), "--version"], capture_output=True, text=True,
                              timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return parse_version(proc.stderr + proc.stdout)


def parse_version(text: str) -> str | None:
    """The version in `keepalived --version` output (`Keepalived v2.3.3 (03/30,2025)`)."""
    match = _REPORTED.search(text)
    return match[1] if match else None


def built(version: str) -> Path | None:
    """The usable build of `version`, or None when it must be built first."""
    path = binary(version)
    return path if reported_version(path) == version else None


def source_version(showsrc: str, version: str) -> str | None:
    """The Debian version (epoch and revision) of keepalived `version` in `apt-cache showsrc`,
    the highest revision when several are listed."""
    found = []
    for line in showsrc.splitlines():
        if line.startswith("Version: "):
            debian = line.split(None, 1)[1].strip()
            upstream = debian.split(":", 1)[-1].rsplit("-", 1)[0]
            if upstream == version:
                found.append(debian)
    return max(found, key=_revision_key) if found else None


def _revision_key(debian: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", debian.rsplit("-", 1)[-1]))


def _run(argv: Sequence[str], log: Log, *, cwd: Path | None = None, timeout: float = 900) -> str:
    log("$ " + " ".join(argv))
    try:
        proc = subprocess.run(list(argv), cwd=cwd, capture_output=True, text=True,
                              timeout=timeout, check=False,
                              env={"DEBIAN_FRONTEND": "noninteractive", "LC_ALL": "C",
                                   "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
                                           "/sbin:/bin"})
    except FileNotFoundError as exc:
        raise LabError(f"{argv[0]} is needed to build keepalived and was not found") from exc
    except subprocess.TimeoutExpired as exc:
        raise LabError(f"`{' '.join(argv)}` did not finish in {timeout:.0f} s") from exc
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or [str(proc.returncode)]
        raise LabError(f"`{' '.join(argv)}` failed: {tail[0]}")
    return proc.stdout


def build(version: str, log: Log) -> Path:
    """Build keepalived `version` from Debian's source package unless a working build exists;
    returns the binary. Needs root and apt (Debian or a derivative)."""
    if not valid_version(version):
        raise LabError(f"keepalived version {version!r}: expected X.Y.Z, e.g. 2.3.3")
    done = built(version)
    if done is not None:
        log(f"keepalived {version} already built: {done}")
        return done
    if not shutil.which("apt-get"):
        raise LabError("building keepalived needs apt-get (Debian's source packages)")
    if not SOURCES_FILE.exists():
        SOURCES_FILE.write_text(SOURCES)
        log(f"added {SOURCES_FILE}")
    _run(["apt-get", "update", "-qq"], log)
    _run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *BUILD_DEPS], log)
    debian = source_version(_run(["apt-cache", "showsrc", "keepalived"], log), version)
    if debian is None:
        raise LabError(f"Debian's source packages have no keepalived {version}")
    work = CACHE_DIR / version
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    _run(["apt-get", "source", "-qq", f"keepalived={debian}"], log, cwd=work)
    src = work / f"keepalived-{version}"
    prefix = binary(version).parent.parent
    stage = work / "stage"
    _run(["./configure", "--enable-json", "--sysconfdir=/etc", "--localstatedir=/var",
          "--runstatedir=/run", f"--prefix={prefix}"], log, cwd=src)
    _run(["make", "-j2"], log, cwd=src)
    # staged, then only the prefix copied: `make install` would also write under /etc
    _run(["make", "install", f"DESTDIR={stage}"], log, cwd=src)
    shutil.rmtree(prefix, ignore_errors=True)
    shutil.copytree(stage / prefix.relative_to("/"), prefix, symlinks=True)
    done = built(version)
    if done is None:
        raise LabError(f"the build of keepalived {version} does not report that version")
    log(f"built keepalived {version}: {done}")
    return done
